#!/bin/bash
# deliver.sh WORK DIR [OPTION...]: deliver's half of the differential test.
# Runs `deliver -n` (with the options given, e.g. -o sieve_engine=libsieve)
# on every script x message pair listed in WORK/scripts.list and
# WORK/messages.list, leaving per pair the output (out/DIR/S@M.out) and
# stderr ending in "rc=N" (.err).  For a pair whose result holds a vacation,
# a real delivery (-e: its log on stderr) into a scratch Maildir, with a
# sendmail that swallows the mail, leaves its log (.exec.err), which says
# whether the reply went out and to whom: the rules that hold a reply back
# apply only there.
#
# A script `deliver -C` refuses is refused before any message is read, so
# it runs on the first message only and its other pairs copy that outcome.
# It runs as the user deliver delivers for (run.sh starts it with
# runuser when root): no -d, so no user lookup per delivery.
set -u
W=$1 dir=$2
shift 2
: "${DELIVER:?}"
mkdir -p "$W/out/$dir"

# has FILE TEXT: FILE holds TEXT (a newline first: TEXT starts a line);
# read by the shell itself, as a grep per pair would cost a process
has() {
	local c
	IFS= read -r -d '' c <"$1"
	[[ $'\n'$c == *"$2"* ]]
}
while read -r s; do
	broken= first=1
	"$DELIVER" -c "$W/deliver.conf" "$@" -C "$W/scripts/$s.sieve" \
	    >/dev/null 2>&1 || broken=1
	while read -r m from to; do
		[ "$from" = "<>" ] && from=
		o=$W/out/$dir/$s@$m
		if [ -n "$broken" ] && [ -z "$first" ]; then
			cp "$broken.out" "$o.out"
			cp "$broken.err" "$o.err"
			continue
		fi
		[ -n "$broken" ] && broken=$o
		first=
		"$DELIVER" -c "$W/deliver.conf" -n "$@" \
		    -s "$W/scripts/$s.sieve" -f "$from" -a "$to" \
		    <"$W/msgs/$m.eml" >"$o.out" 2>"$o.err"
		echo "rc=$?" >>"$o.err"
		has "$o.out" $'\nvacation ' || continue
		rm -rf "$W/dmd-$dir"
		mkdir "$W/dmd-$dir"
		"$DELIVER" -c "$W/deliver.conf" "$@" -e \
		    -M "$W/dmd-$dir/Maildir" -o sendmail="$W/sendmail" \
		    -s "$W/scripts/$s.sieve" -f "$from" -a "$to" \
		    <"$W/msgs/$m.eml" >/dev/null 2>"$o.exec.err"
		echo "rc=$?" >>"$o.exec.err"
	done <"$W/messages.list"
done <"$W/scripts.list"
times >"$W/times.$dir"
