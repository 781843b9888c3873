#!/bin/bash
# The Sieve child of a single delivery is forked before the message is
# read, and the delivery does not wait for it to exit: it gives
# up deliver's stdout/stderr before its last answer (an MTA waits for EOF
# on them) and dies with its parent.  No script: no child at all.
. "$(dirname "$0")/sieve-lib.sh"
plan 17

mail "$TMP/m" "Subject: hi" "To: bob@example.org" "Message-ID: <e1@example.org>"
script 'require "fileinto";
fileinto "Early";'
WHO=(); is_root && { ensure_test_user; WHO=(-d "$TEST_USER"); }
# the early child is libsieve's: the native engine forks nothing (below)
ARGS=(-c "$DCONF" "${WHO[@]}" -e -M "$MD" -f "$FROM" -a "$RCPT" -o sieve_engine=libsieve)

dlv -e -M "$MD" -s "$TMP/s.sieve" -f "$FROM" -a "$RCPT" -o sieve_engine=libsieve < "$TMP/m"
is "$RC:$(landed)" "0:Early/new" "the early child's plan files the message"

# forks FILE: processes created (not threads, not ASan's CLONE_VM helper)
forks() { grep -E '^[0-9]+ +(clone|clone3|fork|vfork)\(' "$1" | grep -vc CLONE_VM; }
if strace -f -qq -o /dev/null true 2>/dev/null; then
	# (LeakSanitizer, in an ASan build, does not work under ptrace)
	NOLSAN=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
	reset_md
	strace -f -qq -e trace=clone,clone3,fork,vfork,read -o "$TMP/trace" \
		"${NOLSAN[@]}" "$DELIVER" "${ARGS[@]}" -s "$TMP/s.sieve" < "$TMP/m" 2>/dev/null
	is "$?:$(landed)" "0:Early/new" "traced delivery files the message"
	parent=$(head -1 "$TMP/trace" | cut -d' ' -f1)
	fork_at=$(grep -nE "^$parent +(clone|clone3|fork|vfork)\(" "$TMP/trace" | grep -v CLONE_VM | head -1 | cut -d: -f1)
	read_at=$(grep -nE "^$parent +read\(0, " "$TMP/trace" | head -1 | cut -d: -f1)
	ok "the Sieve child is forked before stdin is read (fork line ${fork_at:-none}, read line ${read_at:-none})" \
		test -n "$fork_at" -a -n "$read_at" -a "${fork_at:-0}" -lt "${read_at:-0}"
	is "$(forks "$TMP/trace")" 1 "one child for the delivery"

	# no script named or found: no fork at all
	reset_md
	strace -f -qq -e trace=clone,clone3,fork,vfork -o "$TMP/trace" \
		"${NOLSAN[@]}" "$DELIVER" "${ARGS[@]}" < "$TMP/m" 2>/dev/null
	is "$?:$(landed)" "0:INBOX/new" "no script: INBOX"
	is "$(forks "$TMP/trace")" 0 "no script: no child"

	# the native engine evaluates in process: a script, and no fork
	reset_md
	strace -f -qq -e trace=clone,clone3,fork,vfork -o "$TMP/trace" \
		"${NOLSAN[@]}" "$DELIVER" "${ARGS[@]}" -o sieve_engine=native \
		-s "$TMP/s.sieve" < "$TMP/m" 2>/dev/null
	is "$?:$(landed)" "0:Early/new" "native: the script files the message"
	is "$(forks "$TMP/trace")" 0 "native: no child for the delivery"
else
	for i in 1 2 3 4 5 6 7; do skip "strace cannot trace here (no ptrace)"; done
fi

# A child that lingers after its last answer (test hook: it sleeps 10 s)
# holds up neither the delivery nor the reader of deliver's output, and
# dies with deliver.
reset_md
start=$(date +%s%N)
out=$(DELIVER_TEST_HOOK=sieve-linger "$DELIVER" "${ARGS[@]}" -s "$TMP/s.sieve" < "$TMP/m" 2>&1; echo "rc=$?")
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "$(printf '%s' "$out" | tail -1):$(landed)" "rc=0:Early/new" "lingering child: delivered"
ok "deliver and its output done in ${ms} ms, without waiting for the child (10 s)" test "$ms" -lt 5000
reset_md
DELIVER_TEST_HOOK=sieve-linger "$DELIVER" "${ARGS[@]}" -s "$TMP/s.sieve" < "$TMP/m" > /dev/null 2>&1
sleep 0.5
left=0
for c in /proc/[0-9]*/cmdline; do
	{ tr '\0' ' ' < "$c"; } 2>/dev/null | grep -qF -- "-M $MD " && left=$((left + 1))
done
is "$left" 0 "the lingering child died with deliver (PR_SET_PDEATHSIG)"

# What the child reads is checked there: a directory opens, but is no script.
reset_md
mkdir -p "$TMP/dir.sieve"
dlv -e -M "$MD" -s "$TMP/dir.sieve" -f "$FROM" -a "$RCPT" < "$TMP/m"
is "$RC:$(landed)" "0:INBOX/new" "a directory as the script: INBOX"
like "$ERR" "sieve: $TMP/dir.sieve: cannot read: Invalid argument; keeping the message" "and why, as before"

# sieve_before fails at run time: the child stops after it (libsieve keeps
# global state), and the user's script still runs, in a child of its own.
reset_md
{ echo 'require "fileinto";'; for i in $(seq 1 70); do echo "fileinto \"F$i\";"; done; } > "$TMP/before.sieve"
chmod 644 "$TMP/before.sieve"
dlv -e -M "$MD" -s "$TMP/s.sieve" -o sieve_before="$TMP/before.sieve" -f "$FROM" -a "$RCPT" < "$TMP/m"
is "$RC:$(landed)" "0:Early/new" "sieve_before failed, the user's script still files"
like "$ERR" "sieve: $TMP/before.sieve: script failed; keeping the message" "the failure is logged"

# -n: the plan through the early child, nothing written
reset_md
out=$("$DELIVER" "${ARGS[@]}" -n -s "$TMP/s.sieve" < "$TMP/m" 2>&1)
like "$out" "^fileinto Early" "-n prints the plan"
is "$(landed)" "(none)" "-n writes nothing"
finish
