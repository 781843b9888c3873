#!/bin/bash
# A recalculation that renames a new maildirsize over the one a delivery
# holds open, after the scan and before the delivery's copy is placed:
# the delivery's line must reach the new file (Maildir++ appends to the
# descriptor opened at the start, which then points at the replaced file).
# strace holds the delivery at its link into new/ while --recalc runs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/quota.sh"
if ! command -v strace >/dev/null; then
	echo "1..0 # SKIP strace is not installed (tests/install-deps.sh installs it)"
	exit 0
fi
plan 4
printf 'Subject: s\n\nb\n' > "$TMP/msg"
user_dir "$TMP/u"
MD=$TMP/u/Maildir
Q=(-o quota=1000000S -o quota_warn=0)
dlv -M "$MD" -f s@x -a r@x "${Q[@]}" < "$TMP/msg"
is "$(mds_sum "$MD")" "$(fresh_sum "$MD")" "one delivery counted"

WHO=()
is_root && WHO=(-d "$TEST_USER")
# the delivery, stopped for 3 s on entering its link(2) into new/
# (LeakSanitizer cannot run under ptrace: no leak check in an ASan build)
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
strace -qq -o /dev/null -e trace=linkat -e inject=linkat:delay_enter=3000000 \
    "$DELIVER" -c "$DCONF" "${WHO[@]}" -M "$MD" -f s@x -a r@x "${Q[@]}" \
    -o store=none < "$TMP/msg" 2>"$TMP/err" &
pid=$!
# wait until it holds maildirsize open (then it has read the quota)
for _ in $(seq 1 200); do
	find /proc/[0-9]*/fd -lname "$MD/maildirsize" 2>/dev/null | grep -q . && break
	sleep 0.05
done
dq -M "$MD" --quota --recalc
is "$RC" 0 "--recalc ran while the delivery was held"
wait "$pid"
is "$?" 0 "the held delivery succeeded"
is "$(mds_sum "$MD")" "$(fresh_sum "$MD")" \
    "maildirsize counts the held delivery ($(fresh_sum "$MD"))"
finish
