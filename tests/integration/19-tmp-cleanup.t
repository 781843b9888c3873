#!/bin/bash
# Files left in tmp/ (a crashed delivery) are removed by a later delivery
# once they are 36 hours old, as the Maildir spec allows; younger ones stay.
. "$(dirname "$0")/lib.sh"
plan 3

user_dir "$TMP/u"
printf 'Subject: s\n\nb\n' > "$TMP/msg"
dlv -M "$TMP/u/M" < "$TMP/msg"
echo old > "$TMP/u/M/tmp/1000.M1P1.old"; touch -d '37 hours ago' "$TMP/u/M/tmp/1000.M1P1.old"
echo young > "$TMP/u/M/tmp/1000.M1P2.young"; touch -d '35 hours ago' "$TMP/u/M/tmp/1000.M1P2.young"
if is_root; then chown "$TEST_USER" "$TMP/u/M/tmp/"*; fi
dlv -M "$TMP/u/M" < "$TMP/msg"
is "$RC" 0 "delivered"
ok "a tmp/ file 37 hours old is removed" test ! -e "$TMP/u/M/tmp/1000.M1P1.old"
ok "a tmp/ file 35 hours old stays" test -e "$TMP/u/M/tmp/1000.M1P2.young"
finish
