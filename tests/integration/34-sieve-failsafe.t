#!/bin/bash
# A broken filter never costs mail: syntax and run-time errors, a crashing
# or runaway libsieve, the native engine's limits, unreadable scripts.
# Tests of libsieve's own behaviour run with -o sieve_engine=libsieve, the
# native engine's expectation next to them.
. "$(dirname "$0")/sieve-lib.sh"
plan 26

S="$TMP/u/user.sieve"
mail "$TMP/m" "Subject: hi" "To: joe@example.com" "Message-ID: <f1@example.org>"
# udlv ARGS...: deliver $TMP/m through $S
udlv() { dlv -e -M "$MD" -s "$S" -f "$FROM" -a "$RCPT" "$@" < "$TMP/m"; }
uscript() { printf '%s\n' "$1" > "$S"; chmod 644 "$S"; }

uscript 'require "fileinto";
if header :contains "subject" "hi" {
  fileinto "Never"
}'
udlv
is "$RC:$(landed)" "0:INBOX/new" "syntax error: implicit keep into INBOX"
# deliver's own parser reports it, where the ';' belongs
is "$(cat "$S.err")" "$S: line 3, column 19: expected ';' or a block after 'fileinto', found '}'" "error with its line and column in <script>.err"
like "$ERR" "sieve: $S: error: line 3, column 19: expected ';'" "error logged"
like "$ERR" "sieve: $S: script failed; keeping the message" "fallback logged"

reset_md
uscript 'require "fileinto";
fileinto "Fixed";'
udlv
is "$RC:$(landed)" "0:Fixed/new" "fixed script runs"
ok "<script>.err removed once the script is clean" test ! -e "$S.err"

reset_md
uscript 'require "bogus-extension";'
udlv -o sieve_engine=libsieve
is "$RC:$(landed)" "0:INBOX/new" "unknown require: INBOX"
like "$(cat "$S.err")" "line 1, column 9: unknown extension \`bogus-extension\` \(supported: fileinto " "unknown require reported with its position, named as unknown"
reset_md
udlv
like "$(cat "$S.err")" "^$S: line 1, column 9: unknown extension \`bogus-extension\` \(supported: body comparator-i;ascii-casemap comparator-i;ascii-numeric comparator-i;octet copy [a-z0-9; -]*\)\$" "native: unknown require reported with its position, named as unknown"

reset_md
uscript "require \"fileinto\";
$(for i in $(seq 1 70); do echo "fileinto \"F$i\";"; done)"
udlv -o sieve_engine=libsieve
is "$RC:$(landed)" "0:INBOX/new" "run-time error (over 64 actions): INBOX, none of the folders"
is "$(cat "$S.err")" "$S: more than 64 actions" ".err for the run-time error"
# native: Pigeonhole's sieve_max_actions (32) and its message
reset_md
udlv
is "$RC:$(landed)" "0:INBOX/new" "native: run-time error (over 32 actions): INBOX, none of the folders"
is "$(cat "$S.err")" "$S: line 34, column 1: total number of actions exceeds policy limit (33 > 32)" "native: .err for the run-time error"
reset_md
udlv -o sieve_max_actions=70
is "$RC:$(landed)" "0:$(for i in $(seq 1 70); do echo "F$i/new"; done | sort | tr '\n' ' ' | sed 's/ $//')" "native: sieve_max_actions = 70 lets the 70 fileinto run"

# libsieve 2.2.6 dereferences NULL on an unparsable :addresses entry when
# the user is not in To/Cc (LIBSIEVE.md; REFERENCE 5.5): a real crash.
reset_md
uscript 'require "vacation";
vacation :addresses [""] "away";'
udlv -o sieve_engine=libsieve
is "$RC:$(landed)" "0:INBOX/new" "libsieve segfault in the child: INBOX"
like "$ERR" "sieve: $S: evaluation (killed by signal 11|exited with status (1|99)); keeping the message" "crash logged (ASan, when built in, exits 1 or 99)"

# :matches backtracks exponentially: the CPU limit stops it.
reset_md
uscript 'if header :matches "subject" "*a*a*a*a*a*a*a*a*a*a*a*a*b" { discard; }'
mail "$TMP/m" "Subject: $(head -c 3000 /dev/zero | tr '\0' a)"
start=$(date +%s)
udlv -o sieve_engine=libsieve -o sieve_cpu_limit=1
is "$RC:$(landed)" "0:INBOX/new" "runaway evaluation: INBOX"
like "$ERR" "evaluation killed by signal 24 \(CPU limit\); keeping the message" "CPU limit logged"
ok "stopped within seconds, not minutes" test $(( $(date +%s) - start )) -le 15
# native: :matches is linear in the value times the key, nothing runs away
reset_md
start=$(date +%s)
udlv
is "$RC:$(landed)" "0:INBOX/new" "native: the same :matches does not match: INBOX"
ok "native: answered within seconds" test $(( $(date +%s) - start )) -le 15

# Bounded work on a hostile message: 10,000 headers and a 1 MiB header.
reset_md
{ for i in $(seq 1 10000); do echo "Received: from h$i by x"; done
  printf 'X-Big: '; head -c 1048576 /dev/zero | tr '\0' 'b'; printf '\n'
  printf 'Subject: hi\n\nbody\n'; } > "$TMP/hostile"
uscript 'require ["fileinto", "relational", "comparator-i;ascii-numeric"];
if header :count "ge" :comparator "i;ascii-numeric" "received" "100" { fileinto "Many"; }
if header :contains ["received", "x-big", "subject"] "nomatch" { discard; }'
# (with 5 CPU seconds, ample even under ASan: quadratic work would hit the
# limit and keep in INBOX)
dlv -e -M "$MD" -s "$S" -f "$FROM" -a "$RCPT" -o sieve_cpu_limit=5 < "$TMP/hostile"
is "$RC:$(landed)" "0:Many/new" "10,000 Received headers and a 1 MiB header: filtered within the CPU limit"
unlike_err() { printf '%s' "$ERR" | grep -q "keeping the message"; _result $((! $?)) "$1"; }
unlike_err "no fallback needed for the hostile message"
# native: the step limit stops a script that does too much work
reset_md
dlv -e -M "$MD" -s "$S" -f "$FROM" -a "$RCPT" -o sieve_max_steps=1000 < "$TMP/hostile"
is "$RC:$(landed):$(cat "$S.err")" "0:INBOX/new:$S: line 2, column 4: execution exceeded the step limit (sieve_max_steps = 1000)" "native: sieve_max_steps hit: runtime error in .err, INBOX"

reset_md
mail "$TMP/m" "Subject: hi"
uscript 'discard;'
chmod 000 "$S"
udlv
if is_root; then
	is "$RC:$(landed)" "0:INBOX/new" "unreadable script: INBOX"
	like "$ERR" "sieve: $S: cannot read: Permission denied; keeping the message" "unreadable script logged"
else
	skip "permission test needs root (to run as another user)"
	skip "permission test needs root"
fi
finish
