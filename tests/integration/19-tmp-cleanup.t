#!/bin/bash
# Files left in tmp/ (a crashed delivery) are removed by a later delivery
# once they are 36 hours old, as the Maildir spec allows; younger ones stay.
# deliver reads tmp/ at most once an hour (the last scan is tmp/'s access
# time): the test moves that time back instead of waiting.
. "$(dirname "$0")/lib.sh"
plan 6

user_dir "$TMP/u"
printf 'Subject: s\n\nb\n' > "$TMP/msg"
dlv -M "$TMP/u/M" < "$TMP/msg"
echo old > "$TMP/u/M/tmp/1000.M1P1.old"; touch -d '37 hours ago' "$TMP/u/M/tmp/1000.M1P1.old"
echo young > "$TMP/u/M/tmp/1000.M1P2.young"; touch -d '35 hours ago' "$TMP/u/M/tmp/1000.M1P2.young"
if is_root; then chown "$TEST_USER" "$TMP/u/M/tmp/"*; fi
touch -a -d '61 minutes ago' "$TMP/u/M/tmp"
dlv -M "$TMP/u/M" < "$TMP/msg"
is "$RC" 0 "delivered"
ok "a tmp/ file 37 hours old is removed" test ! -e "$TMP/u/M/tmp/1000.M1P1.old"
ok "a tmp/ file 35 hours old stays" test -e "$TMP/u/M/tmp/1000.M1P2.young"
# within the hour after a scan, tmp/ is not read again; after it, it is
echo old > "$TMP/u/M/tmp/1000.M1P3.old"; touch -d '37 hours ago' "$TMP/u/M/tmp/1000.M1P3.old"
if is_root; then chown "$TEST_USER" "$TMP/u/M/tmp/"*; fi
touch -a -d '59 minutes ago' "$TMP/u/M/tmp"
dlv -M "$TMP/u/M" < "$TMP/msg"
ok "scanned 59 minutes ago: not scanned again yet" test -e "$TMP/u/M/tmp/1000.M1P3.old"
touch -a -d '61 minutes ago' "$TMP/u/M/tmp"
dlv -M "$TMP/u/M" < "$TMP/msg"
ok "scanned 61 minutes ago: scanned, the stale file removed" test ! -e "$TMP/u/M/tmp/1000.M1P3.old"
ok "the young file still stays" test -e "$TMP/u/M/tmp/1000.M1P2.young"
finish
