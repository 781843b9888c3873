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
msg "$TMP/ref" "<ref@example.org>"
msg "$TMP/m" "<full@example.org>"

# Reference: how many pwrite64 (SQLite's writes) come before the copy is
# linked, i.e. belong to the claim.
strace -f -qq -o "$TMP/trace" -e trace=pwrite64,linkat "$DELIVER" -c "$DCONF" \
	"${WHO[@]}" -M "$MD" -f s@x -a r@x < "$TMP/ref" 2>/dev/null
k=$(awk '/linkat\(/ { print n; exit } /pwrite64\(/ { n++ }' "$TMP/trace")
ok "the claim writes before the copy is linked ($k pwrite64)" test "${k:-0}" -gt 0

# Every store write after the claim fails with ENOSPC.
strace -f -qq -o /dev/null -e inject=pwrite64:error=ENOSPC:when=$((k + 1))+ \
	"$DELIVER" -c "$DCONF" "${WHO[@]}" -e -M "$MD" -f s@x -a r@x < "$TMP/m" 2>"$TMP/err"
RC=$?
is "$RC" 0 "the delivery counts: exit 0"
is "$(grep -l '^Message-ID: <full@example.org>' "$MD"/new/* | wc -l)" 1 "its copy is in new/"
like "$(cat "$TMP/err")" "store $MD/deliver.db: delivery not recorded: database or disk is full" "the unrecorded delivery is logged"
is "$(q "SELECT state FROM dedup WHERE msgid = 'full@example.org'")" 0 "the claim stays unconfirmed"
dlv -M "$MD" -f s@x -a r@x < "$TMP/m"
is "$RC:$(grep -l '^Message-ID: <full@example.org>' "$MD"/new/* | wc -l)" "0:1" "a later copy resumes the claim and finds the file: still one"
finish
