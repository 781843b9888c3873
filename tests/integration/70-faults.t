#!/bin/bash
# Fault injection: every open, write, fsync, link, rename, mkdir and unlink
# that deliver itself makes fails in turn with ENOSPC, EIO, EDQUOT and
# EACCES (strace -e inject).  After each: exit 0 with exactly one whole copy,
# or exit 75 with one line on stderr and no message visible anywhere.
. "$(dirname "$0")/lib.sh"

if ! command -v strace >/dev/null || ! strace -qq -o /dev/null true 2>/dev/null; then
	plan 1; skip "strace cannot trace here (no ptrace)"; finish
fi
if [ -n "${ASAN_OPTIONS:-}" ]; then
	# LeakSanitizer cannot run under ptrace: every traced run would fail
	plan 1; skip "fault injection under AddressSanitizer (LeakSanitizer does not work under strace)"; finish
fi
user_dir "$TMP/u"
printf 'Subject: fault\nMessage-ID: <f@x>\n\nbody\n' > "$TMP/msg"
printf 'Return-Path: <a@b>\nDelivered-To: c@d\nSubject: fault\nMessage-ID: <f@x>\n\nbody\n' > "$TMP/expected"
SYSCALLS="openat write fsync linkat renameat mkdirat unlinkat"
MD="$TMP/u/M"

run_case() { # run_case STRACE_ARGS...: fresh Maildir, one delivery
	rm -rf "$MD"
	strace -f -qq -o /dev/null "$@" "$DELIVER" -c "$DCONF" ${WHO:-} \
		-M "$MD" -m New -f a@b -a c@d < "$TMP/msg" 2>"$TMP/err"
	RC=$?
}
WHO=""; is_root && { ensure_test_user; WHO="-d $TEST_USER"; }

# Reference run: which calls are deliver's own (after the Maildir is first
# touched; before that the loader and NSS run).
rm -rf "$MD"
strace -f -qq -o "$TMP/trace" -e trace=${SYSCALLS// /,} "$DELIVER" -c "$DCONF" $WHO \
	-M "$MD" -m New -f a@b -a c@d < "$TMP/msg" 2>/dev/null
first=$(grep -n -F "$MD" "$TMP/trace" | head -1 | cut -d: -f1)

cases=0; bad=0; delivered=0; deferred=0
check_case() { # check_case LABEL
	local copies visible left
	copies=$(find "$MD" -path '*/new/*' -o -path '*/cur/*' -type f 2>/dev/null | grep -c .)
	cases=$((cases + 1))
	if [ "$RC" = 0 ]; then
		f=$(find "$MD" \( -path '*/new/*' -o -path '*/cur/*' \) -type f)
		if [ "$copies" = 1 ] && cmp -s "$f" "$TMP/expected"; then
			delivered=$((delivered + 1)); return
		fi
	elif [ "$RC" = 75 ] && [ "$copies" = 0 ] && [ "$(wc -l < "$TMP/err")" = 1 ] &&
		grep -q '^deliver: ' "$TMP/err"; then
		deferred=$((deferred + 1)); return
	fi
	bad=$((bad + 1))
	echo "# $1: exit $RC, $copies copies, stderr: $(head -c 300 "$TMP/err")"
}

for sc in $SYSCALLS; do
	total=$(grep -c " $sc(" "$TMP/trace")
	before=$(head -n $((first - 1)) "$TMP/trace" | grep -c " $sc(")
	for n in $(seq $((before + 1)) "$total"); do
		for err in ENOSPC EIO EDQUOT EACCES; do
			run_case -e trace="$sc" -e inject="$sc:error=$err:when=$n"
			check_case "$sc #$n $err"
		done
	done
done
# Where the file system refuses hard links, deliver renames or copies; the
# same rules hold when those fail too.
for refuse in EXDEV EPERM; do
	run_case -e trace=linkat -e inject=linkat:error=$refuse
	check_case "linkat refused with $refuse"
	for n in 1 2; do
		for err in ENOSPC EIO EDQUOT EACCES; do
			run_case -e trace=linkat,renameat -e inject=linkat:error=$refuse \
				-e inject=renameat:error=$err:when=$n
			check_case "linkat $refuse, renameat #$n $err"
		done
	done
done
plan 4
is "$bad" 0 "every injected fault: one whole copy and exit 0, or exit 75 with nothing visible"
ok "faults were injected ($cases cases: $delivered delivered, $deferred deferred)" test "$cases" -ge 100
ok "some faults defer the message" test "$deferred" -gt 0
ok "some faults are absorbed (INBOX fallback, subscription, tmp cleanup)" test "$delivered" -gt 0
finish
