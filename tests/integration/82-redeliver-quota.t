#!/bin/bash
# deliver --redeliver through a new, smaller quota: what fits lands, the
# rest is reported over quota (exit 75, all failures temporary) and its
# sources stay, even with --move.
. "$(dirname "$0")/lib.sh"
plan 9
MD="$TMP/u/Maildir"
OLD="$TMP/u/old"
user_dir "$TMP/u"
mkdir -p "$OLD/cur" "$OLD/new" "$OLD/tmp"
for i in 1 2 3 4 5; do
	{ printf 'Subject: %d\nMessage-ID: <q%d@x>\n\n' "$i" "$i"
	  head -c 1000 /dev/zero | tr '\0' 'q'; printf '\n'; } > "$OLD/cur/100$i.M1P1.h:2,S"
done
is_root && chown -R "$TEST_USER" "$OLD"
cp "$OLD/cur/1005.M1P1.h:2,S" "$TMP/orig5"
size=$(stat -c %s "$OLD/cur/1001.M1P1.h:2,S")

# room for two messages and a half
dlv --redeliver --move -o quota=$((size * 5 / 2))S -M "$MD" -f s@x -a u@x "$OLD"
is "$RC" 75 "some over quota: exit 75 (every failure temporary)"
exp="redelivery: messages 5, delivered 2, discarded 0, duplicates 0, failed 3
  filed into INBOX: 2
  sources removed: 2"
for i in 3 4 5; do
	exp="$exp
  failed $OLD/cur/100$i.M1P1.h:2,S: Quota exceeded (exit 75)"
done
exp="$exp
deliver: redelivery: 3 of 5 messages failed"
is "$ERR" "$exp" "summary: two filed, three over quota, exact"
ok "the refused sources are unchanged" cmp "$OLD/cur/1005.M1P1.h:2,S" "$TMP/orig5"
is "$(count_files "$MD/new")" 2 "two messages landed"
is "$(ls "$OLD/cur" | tr '\n' ' ')" "1003.M1P1.h:2,S 1004.M1P1.h:2,S 1005.M1P1.h:2,S " "the three refused sources stay"
ok "the first two sources were removed" test ! -e "$OLD/cur/1001.M1P1.h:2,S" -a ! -e "$OLD/cur/1002.M1P1.h:2,S"
is "$(count_files "$MD/tmp")" 0 "nothing left in tmp/"

# a bigger quota later: the rest goes through
dlv --redeliver --move -o quota=1M -M "$MD" -f s@x -a u@x "$OLD"
is "$RC:$(count_files "$MD/new")" "0:5" "with room, the rest is delivered"
is "$(count_files "$OLD")" 0 "and the old folder is empty"
finish
