#!/bin/bash
# A crash inside the native engine costs at most one attempt: the delivery
# that died evaluating leaves its marker in tmp/, the MTA's retry finds it,
# keeps the message without running the scripts and says why; the marker
# goes once the message is filed.  With the store off, as the guard must
# not depend on it.
. "$(dirname "$0")/sieve-lib.sh"
plan 15

script 'require "fileinto";
fileinto "Lists";'
mail "$TMP/m" "Subject: hi" "To: joe@example.com" "Message-ID: <crash1@example.org>"
mail "$TMP/m2" "Subject: other" "To: joe@example.com" "Message-ID: <crash2@example.org>"
# markers in tmp/ (a message file in tmp/ is not one)
markers() { ls "$MD/tmp" 2>/dev/null | grep -c '^sieve-eval\.' ; }

# the test hook kills the delivery inside its evaluation, as a bug would
# (bash's "Killed" notice for it is not the test's output)
crash() { { DELIVER_TEST_HOOK=sieve-crash sdlv "$@"; } 2>/dev/null; }
crash "$TMP/m" -o store=none
is "$RC" "137" "killed while evaluating: killed by SIGKILL (the MTA retries)"
is "$(landed)" "" "nothing filed by the killed attempt"
is "$(markers)" "1" "its marker stays in tmp/"
like "$(cat "$MD/tmp/"sieve-eval.*)" '^[0-9]+ [0-9]+$' "the marker names the dead process: pid and start time"

# the retry: same message, no hook
sdlv "$TMP/m" -o store=none
is "$RC:$(landed)" "0:INBOX/new" "the retry keeps it in INBOX without running the script"
like "$ERR" "sieve: an earlier attempt died while evaluating the scripts for this message; keeping it without running them" "and says why"
is "$(markers)" "0" "the marker is gone once the message is filed"
is "$(cat "$MD"/new/*)" "$(printf 'Return-Path: <%s>\nDelivered-To: %s\n' "$FROM" "$RCPT"; cat "$TMP/m")" "the message, byte for byte, with the headers deliver adds"

# the next attempt of the same message runs the script again
reset_md
sdlv "$TMP/m" -o store=none
is "$RC:$(landed)" "0:Lists/new" "without a marker the script runs"
is "$(markers)" "0" "a clean evaluation leaves no marker"

# another message is not affected by a dead attempt's marker
reset_md
crash "$TMP/m" -o store=none
sdlv "$TMP/m2" -o store=none
is "$RC:$(landed)" "0:Lists/new" "another message runs its script"
is "$(markers)" "1" "the dead attempt's marker is still there for its own retry"

# a dry run never creates or consumes a marker
sdlv "$TMP/m" -o store=none -n >/dev/null
is "$(markers)" "1" "deliver -n leaves the marker alone"
# the libsieve engine evaluates in a child: no marker
reset_md
crash "$TMP/m" -o store=none -o sieve_engine=libsieve
is "$RC:$(landed):$(markers)" "0:Lists/new:0" "libsieve (a child of its own): no marker, no hook"
# no script there (the delivery names one that does not exist, as most
# deliveries name ~/.sieve): nothing to guard, so no marker is written
# and the hook that stands in for a crash in the evaluation never fires
reset_md
rm -f "$TMP/s.sieve"
crash "$TMP/m" -o store=none
is "$RC:$(landed):$(markers)" "0:INBOX/new:0" "no script: no marker, no evaluation to die in"
