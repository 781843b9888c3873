#!/bin/bash
# procmail itself is the oracle for `deliver --from-procmailrc`: every
# rc file of tests/procmail/rc/ and Debian's examples runs under procmail
# and, translated, under deliver, on every message of tests/procmail/msgs/
# and tests/sieve-diff/messages/ (and a big one); where each message lands
# and what is forwarded must be the same unless the translator's report
# announced a difference.  Two tests per rc file; tests/procmail/oracle.sh
# says how (KEEP_WORK=1 keeps its scratch folder).
: "${DELIVER:?DELIVER must name the deliver binary}"
: "${SRCDIR:?SRCDIR must name the repository root}"
exec bash "$SRCDIR/tests/procmail/oracle.sh"
