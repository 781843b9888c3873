#!/bin/bash
# run.sh: the differential test of deliver's Sieve outcomes against
# Pigeonhole 0.5.19's sieve-test (see README.md in this folder).  Every
# script (tests/sieve/*.sieve, sieve-examples/*.sieve, scripts/*.sieve) runs
# on every message (messages/*.eml, plus a large one made here) through
# `deliver -n` and through sieve-test; compare.pl turns both outputs into
# one list of outcomes per pair and prints TAP: a difference not listed in
# known-differences.md fails.  With a deliver that has several Sieve engines
# (`deliver -V` names them) the libsieve engine runs too, and its
# differences are TAP notes.
#
# Environment: DELIVER (default build/deliver), SRCDIR (the repository),
# SIEVE_TEST (default sieve-test), KEEP_WORK=1 keeps the scratch folder.
set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DELIVER=${DELIVER:-$SRCDIR/build/deliver}
HERE=$SRCDIR/tests/sieve-diff
TEST_USER=deliver-test

if ! command -v "${SIEVE_TEST:-sieve-test}" >/dev/null; then
	echo "1..0 # skip sieve-test (Debian's dovecot-sieve) is not installed"
	exit 0
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/sieve-diff.XXXXXX") || exit 1
[ "${KEEP_WORK:-0}" = 1 ] && echo "# work folder: $W" ||
	trap 'rm -rf "$W"' EXIT
chmod 755 "$W"
mkdir -p "$W"/{bin,scripts,msgs,home,out/native,out/libsieve}
# the two sides run as the test user, who may not reach the checkout (a
# clone in /root, mode 0700): they run from copies in the work folder
cp "$HERE/pigeonhole.sh" "$HERE/deliver.sh" "$W/bin/"
chmod 755 "$W/bin" "$W/bin/pigeonhole.sh" "$W/bin/deliver.sh"

# Both sides run as an unprivileged user: sieve-test refuses root, and
# deliver run by that user (USER and HOME set) needs no user lookup.
as_user=()
if [ "$(id -u)" = 0 ]; then
	id "$TEST_USER" >/dev/null 2>&1 ||
		useradd -M -N -d /nonexistent -s /usr/sbin/nologin "$TEST_USER"
	as_user=(runuser -u "$TEST_USER" -- env USER="$TEST_USER" HOME="$W/home")
fi

# Scripts: WORK/scripts/ID.sieve, ID naming where it came from.
add_scripts() { # add_scripts PREFIX DIR
	local f id
	for f in "$2"/*.sieve; do
		[ -f "$f" ] || continue
		id=$1-$(basename "$f" .sieve)
		cp "$f" "$W/scripts/$id.sieve"
		printf '%s\t%s\n' "$id" "${f#"$SRCDIR"/}" >>"$W/scripts.names"
		echo "$id" >>"$W/scripts.list"
	done
}
add_scripts sieve "$SRCDIR/tests/sieve"
add_scripts example "$SRCDIR/sieve-examples"
add_scripts diff "$HERE/scripts"

# Messages and their envelopes (NAME.env: from=, to=; an empty from is the
# null reverse path).
cp "$HERE"/messages/*.eml "$HERE"/messages/*.env "$W/msgs/"
{
	printf 'From: Big Sender <big@example.net>\nTo: bob@example.org\n'
	printf 'Subject: scans\nMessage-ID: <large-1@example.net>\n\n'
	# 5.5 MB: over large.sieve's 5M, in lines of 76 characters
	perl -e 'print(("x" x 75) . "\n") for 1 .. 75_000'
} >"$W/msgs/90-large.eml"
printf 'from=big@example.net\nto=bob@example.org\n' >"$W/msgs/90-large.env"
for e in "$W"/msgs/*.eml; do
	m=$(basename "$e" .eml)
	from=$(sed -n 's/^from=//p' "$W/msgs/$m.env")
	to=$(sed -n 's/^to=//p' "$W/msgs/$m.env")
	echo "$m ${from:-<>} $to" >>"$W/messages.list"
done
cp "$HERE/dovecot.conf" "$W/"
# the spamtest and virustest settings of dovecot.conf, in deliver.conf
cat >"$W/deliver.conf" <<'CONF'
sieve_spamtest_status_type = score
sieve_spamtest_status_header = X-Spam-Score
sieve_spamtest_max_value = 10
sieve_virustest_status_type = text
sieve_virustest_status_header = X-Virus-Scan
sieve_virustest_text_value1 = clean
sieve_virustest_text_value5 = infected
CONF
printf '#!/bin/sh\ncat >/dev/null\n' >"$W/sendmail"
chmod 755 "$W/sendmail"
chmod -R a+rX "$W"
[ "${#as_user[@]}" -gt 0 ] && chown -R "$TEST_USER" "$W"

start=$(date +%s)
export DELIVER
pids=()
# doveconf -e reads the configuration once and hands it to every
# sieve-test in the environment (each would run doveconf otherwise); two
# halves side by side, as sieve-test is the slower side
for k in 0 1; do
	"${as_user[@]}" doveconf -c "$W/dovecot.conf" -e \
	    "$W/bin/pigeonhole.sh" "$W" $k 2 2>"$W/pigeonhole.$k.log" &
	pids+=($!)
done
engines=
if "$DELIVER" -V 2>&1 | grep -qi engine; then
	engines=1
	"${as_user[@]}" "$W/bin/deliver.sh" "$W" native -o sieve_engine=native &
	pids+=($!)
	"${as_user[@]}" "$W/bin/deliver.sh" "$W" libsieve \
	    -o sieve_engine=libsieve &
	pids+=($!)
else
	"${as_user[@]}" "$W/bin/deliver.sh" "$W" native &
	pids+=($!)
fi
wait "${pids[@]}"
echo "# $(wc -l <"$W/scripts.list") scripts x $(wc -l <"$W/messages.list")" \
    "messages in $(( $(date +%s) - start )) s"

perl "$HERE/compare.pl" "$W" "$HERE/known-differences.md" ${engines:+libsieve}
