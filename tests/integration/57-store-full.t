#!/bin/bash
# deliver.db: a disk that fills up while the store records the delivery
# (after the copy is durable) does not turn it into a failure, and the
# unconfirmed claim still keeps a later copy of the message from doubling.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/store-lib.sh"

if ! command -v strace >/dev/null || ! strace -qq -o /dev/null true 2>/dev/null; then
	plan 1; skip "strace cannot trace here (no ptrace)"; finish
fi
plan 6
# LeakSanitizer cannot run under ptrace: no leak check in the traced runs
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
WHO=(); is_root && WHO=(-d "$TEST_USER")
msg "$TMP/first" "<first@example.org>"
dlv -M "$MD" -f s@x -a r@x < "$TMP/first"   # the store exists
msg "$TMP/m" "<full@example.org>"

# The delivery stops itself once its claim is committed (the test hook);
# strace then attaches to it and fails every pwrite64 (SQLite's writes)
# from there on with ENOSPC, and it goes on: the disk is full for the
# record, not for the claim.
DELIVER_TEST_HOOK=stop-after-claim "$DELIVER" -c "$DCONF" "${WHO[@]}" -e \
	-M "$MD" -f s@x -a r@x < "$TMP/m" 2>"$TMP/err" &
PID=$!
stopped=no
wait_stopped "$PID" && stopped=yes
strace -qq -o /dev/null -e trace=pwrite64 -e inject=pwrite64:error=ENOSPC \
	-p "$PID" 2>/dev/null &
SPID=$!
for i in $(seq 1 400); do
	[ "$(awk '/^TracerPid:/ { print $2 }' "/proc/$PID/status")" != 0 ] && break
	sleep 0.05
done
is "$stopped:$(q "SELECT state FROM dedup WHERE msgid = 'full@example.org'"):$(grep -l '^Message-ID: <full@example.org>' "$MD"/new/* | wc -l)" \
	"yes:0:0" "the claim is in the store before the copy is linked"
kill -CONT "$PID"
wait "$PID"
RC=$?
wait "$SPID"
is "$RC" 0 "the delivery counts: exit 0"
is "$(grep -l '^Message-ID: <full@example.org>' "$MD"/new/* | wc -l)" 1 "its copy is in new/"
like "$(cat "$TMP/err")" "store $MD/deliver.db: delivery not recorded: database or disk is full" "the unrecorded delivery is logged"
is "$(q "SELECT state FROM dedup WHERE msgid = 'full@example.org'")" 0 "the claim stays unconfirmed"
dlv -M "$MD" -f s@x -a r@x < "$TMP/m"
is "$RC:$(grep -l '^Message-ID: <full@example.org>' "$MD"/new/* | wc -l)" "0:1" "a later copy resumes the claim and finds the file: still one"
finish
