#!/bin/bash
# oracle.sh: procmail itself is the oracle for `deliver --from-procmailrc`.
#
#   DELIVER=build/deliver SRCDIR=. tests/procmail/oracle.sh [RC-FILE...]
#
# For every .procmailrc (tests/procmail/rc/*.rc and the examples Debian
# ships in /usr/share/doc/procmail/examples/, or the files named) and
# every message (tests/procmail/msgs/*.eml, tests/sieve-diff/messages/*.eml
# and a big one made here), in order, into one home per rc file:
#   1. procmail -m runs the rc file as ~/.procmailrc, MAILDIR=~/Maildir,
#      DEFAULT=~/Maildir/, SENDMAIL a script that records each forward;
#   2. deliver --from-procmailrc translates it (HOME the same path again,
#      so $HOME in the rc file means the same on both sides);
#   3. deliver runs the translation on the same messages into a fresh
#      home, its sendmail recording the redirects.
# After each message the harness lists the files of the home, so what a
# message left behind (a file in a Maildir's new/ or cur/, a message
# appended to an mbox, a file in an MH folder, a forward) is the message's
# own even when one message-id comes twice.  compare.pl turns both lists
# into outcomes and prints TAP, two tests per rc file (the translation
# and its report; the outcomes).
#
# Both programs run as an unprivileged user when this runs as root
# (deliver-test, the user of the integration tests: Debian's procmail is
# setuid root and only -m with a file of the user's keeps it the user).
# KEEP_WORK=1 keeps the scratch folder (its path is printed); JOBS=N
# compares N rc files at a time (default 2).
set -u
: "${DELIVER:?DELIVER must name the deliver binary}"
: "${SRCDIR:?SRCDIR must name the repository root}"
PM=$SRCDIR/tests/procmail
PROCMAIL=${PROCMAIL:-/usr/bin/procmail}
EXAMPLES=${PROCMAIL_EXAMPLES:-/usr/share/doc/procmail/examples}
TEST_USER=${TEST_USER:-deliver-test}
# each program run is bounded: a hung delivery is a failure, not a hang
STEP_TIMEOUT=${STEP_TIMEOUT:-30}

W=$(mktemp -d "${TMPDIR:-/tmp}/pm-oracle.XXXXXX") || exit 1
chmod 755 "$W"
if [ -n "${KEEP_WORK:-}" ]; then
	echo "# scratch folder kept: $W"
else
	trap 'rm -rf "$W"' EXIT
fi

as_user=()
if [ "$(id -u)" = 0 ]; then
	id "$TEST_USER" >/dev/null 2>&1 ||
		useradd -M -N -d /nonexistent -s /usr/sbin/nologin "$TEST_USER"
	# setpriv, not runuser: no PAM session per message (hundreds of runs)
	as_user=(setpriv --reuid="$TEST_USER" --regid="$(id -g "$TEST_USER")"
	    --clear-groups)
fi

# skip_all REASON: the plan of a run that cannot compare anything
skip_all() { echo "1..0 # SKIP $1"; exit 0; }

[ -x "$PROCMAIL" ] || skip_all "procmail is not installed ($PROCMAIL)"

# --- the rc files: NAME<TAB>PATH --------------------------------------
rcs=()
if [ $# -gt 0 ]; then
	for f in "$@"; do rcs+=("$(basename "$f")"$'\t'"$f"); done
else
	for f in "$PM"/rc/*.rc; do rcs+=("$(basename "$f")"$'\t'"$f"); done
	# Debian's examples, as they are (they file into mbox files under
	# ~/Mail, which the home provides, as their comments ask)
	for n in 1procmailrc 2procmailrc 3procmailrc; do
		for f in "$EXAMPLES/$n" "$EXAMPLES/$n.gz"; do
			[ -f "$f" ] || continue
			case $f in
			*.gz) zcat "$f" >"$W/debian-$n" ;;
			*) cp "$f" "$W/debian-$n" ;;
			esac
			rcs+=("debian-$n"$'\t'"$W/debian-$n")
			break
		done
	done
fi

# --- the messages: $W/msgs/NAME.eml + NAME.env, listed in order --------
mkdir "$W/msgs"
: >"$W/messages.list"
add_msg() { # add_msg NAME EML
	local name=$1 eml=$2 env=${2%.eml}.env from=sender@example.net
	local to=bob@example.org
	cp "$eml" "$W/msgs/$name.eml"
	if [ -f "$env" ]; then
		from=$(sed -n 's/^from=//p' "$env")
		to=$(sed -n 's/^to=//p' "$env")
	fi
	printf '%s\t%s\t%s\n' "$name" "${from:-<>}" "$to" >>"$W/messages.list"
}
for f in "$PM"/msgs/*.eml; do add_msg "$(basename "$f" .eml)" "$f"; done
for f in "$SRCDIR"/tests/sieve-diff/messages/*.eml; do
	add_msg "sd-$(basename "$f" .eml)" "$f"
done
# a message over 100 kB (size rules), made here rather than checked in
{
	printf 'From: Big Sender <big@example.net>\nTo: bob@example.org\n'
	printf 'Subject: holiday photos\nDate: Mon, 1 Dec 2025 12:00:00 +0000\n'
	printf 'Message-ID: <big-1@example.net>\n\n'
	for i in $(seq 1 2200); do
		printf 'line %05d of the photo album, padding to make it big.\n' "$i"
	done
} >"$W/big.eml"
add_msg 99-big "$W/big.eml"
chmod -R a+rX "$W/msgs"
MSG_COUNT=$(wc -l <"$W/messages.list")

# --- can procmail run here at all? ------------------------------------
probe=$W/probe
mkdir -p "$probe/Maildir"
[ ${#as_user[@]} -gt 0 ] && chown -R "$TEST_USER" "$probe"
printf ':0\n.Probe/\n' >"$probe/rc"
chmod 644 "$probe/rc"
printf 'From: a@example.org\nSubject: probe\n\nprobe\n' |
    timeout "$STEP_TIMEOUT" "${as_user[@]}" "$PROCMAIL" -m HOME="$probe" \
    SHELL=/bin/sh MAILDIR="$probe/Maildir" DEFAULT="$probe/Maildir/" \
    "$probe/rc" >"$probe/out" 2>&1
probe_rc=$?
if [ "$probe_rc" != 0 ] || [ -z "$(ls "$probe/Maildir/.Probe/new" 2>/dev/null)" ]; then
	skip_all "procmail cannot deliver here (exit $probe_rc: $(head -c 200 "$probe/out" | tr '\n' ' '))"
fi

echo "1..$(( ${#rcs[@]} * 2 ))"
echo "# ${#rcs[@]} rc files x $MSG_COUNT messages"

# A sendmail that records its arguments and the message: DIR/argv.N and
# DIR/msg.N for the Nth call.
make_sendmail() { # make_sendmail SCRIPT DIR
	cat >"$1" <<EOF
#!/bin/sh
n=\$(ls "$2" | grep -c '^argv')
printf '%s\n' "\$@" > "$2/argv.\$n"
cat > "$2/msg.\$n"
EOF
	chmod 755 "$1"
	mkdir -p "$2"
	[ ${#as_user[@]} -gt 0 ] && chown "$TEST_USER" "$2"
}

# new_home HOME RCFILE: a fresh home holding the rc file as .procmailrc
# and the included files in ~/.procmail/; ~/Maildir, and ~/Mail and
# ~/News which Debian's examples expect to exist
new_home() {
	rm -rf "$1"
	mkdir -p "$1/Maildir" "$1/Mail" "$1/News" "$1/.procmail"
	cp "$2" "$1/.procmailrc"
	cp "$PM"/include/*.rc "$1/.procmail/"
	chmod 644 "$1/.procmailrc" "$1"/.procmail/*
	[ ${#as_user[@]} -gt 0 ] && chown -R "$TEST_USER" "$1"
	chmod 755 "$1"
}

# run_side R SIDE: every message through one program (run_side.pl),
# snapshots in R/SIDE.snap; the home is then moved to R/SIDE-home
run_side() {
	local r=$1 side=$2 h=$1/home cmd
	if [ "$side" = procmail ]; then
		cmd=("$PROCMAIL" -f '{from}' -m HOME="$h" SHELL=/bin/sh
		    MAILDIR="$h/Maildir" DEFAULT="$h/Maildir/"
		    ORGMAIL="$h/Maildir/" SENDMAIL="$r/sendmail-$side"
		    "$h/.procmailrc")
	else
		cmd=(env HOME="$h" "$DELIVER" -c "$W/empty.conf" -M "$h/Maildir"
		    -s "$r/script.sieve" -o sendmail="$r/sendmail-$side"
		    -o dedup=no -o delivery_log=no -f '{from}' -a '{to}')
	fi
	perl "$PM/run_side.pl" "$r" "$side" "$W/msgs" "$W/messages.list" -- \
	    timeout "$STEP_TIMEOUT" "${as_user[@]}" "${cmd[@]}"
	mv "$h" "$r/$side-home"
}

: >"$W/empty.conf"
: >"$W/tap"

# compare_rc NAME FILE: both halves for one rc file, its TAP in
# run/NAME/tap and its figures in run/NAME/summary
compare_rc() {
	local name=$1 file=$2 r=$W/run/$1 trc crc
	mkdir -p "$r"
	chmod 755 "$r"
	make_sendmail "$r/sendmail-procmail" "$r/cap-procmail"
	make_sendmail "$r/sendmail-deliver" "$r/cap-deliver"
	[ ${#as_user[@]} -gt 0 ] && chown "$TEST_USER" "$r"

	new_home "$r/home" "$file"
	run_side "$r" procmail

	# the translation, of ~/.procmailrc (the default FILE) in a home
	# holding the same files at the same path
	new_home "$r/home" "$file"
	timeout "$STEP_TIMEOUT" "${as_user[@]}" env HOME="$r/home" \
	    "$DELIVER" --from-procmailrc >"$r/script.sieve" 2>"$r/report"
	trc=$?
	chmod 644 "$r/script.sieve"
	crc=-
	if [ "$trc" = 0 ] || [ "$trc" = 1 ]; then
		"$DELIVER" -c "$W/empty.conf" -C "$r/script.sieve" \
		    >"$r/check.out" 2>&1
		crc=$?
		run_side "$r" deliver
	fi
	: >"$r/summary"
	perl "$PM/compare.pl" "$r" "$name" "$trc" "$crc" "$W/messages.list" \
	    "$r/summary" >"$r/tap"
}

# JOBS rc files at a time (each has its own home; the TAP comes out in
# order once all are done)
JOBS=${JOBS:-2}
running=0
for entry in "${rcs[@]}"; do
	if [ "$running" -ge "$JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
	compare_rc "${entry%%$'\t'*}" "${entry#*$'\t'}" &
	running=$((running + 1))
done
wait
for entry in "${rcs[@]}"; do
	r=$W/run/${entry%%$'\t'*}
	if [ -s "$r/tap" ]; then
		cat "$r/tap"
	else
		echo "not ok - ${entry%%$'\t'*}: the comparison did not finish"
		echo "not ok - ${entry%%$'\t'*}: no outcomes"
	fi
	cat "$r/summary" 2>/dev/null
done | tee "$W/tap" | grep -v '^[0-9]* [0-9]* [0-9]* [0-9]*$'
grep -h '^[0-9]* [0-9]* [0-9]* [0-9]*$' "$W"/run/*/summary >"$W/summary" 2>/dev/null
perl -e '
	my ($rc, $pairs, $same, $ann, $unann) = (0, 0, 0, 0, 0);
	while (<>) {
		my @f = split;
		$rc++; $pairs += $f[0]; $same += $f[1]; $ann += $f[2];
		$unann += $f[3];
	}
	print "# total: $rc rc files, $pairs rc x message pairs: $same identical, ",
	    "$ann announced differences, $unann unannounced differences\n";
' "$W/summary"
! grep -q "^not ok" "$W/tap"
