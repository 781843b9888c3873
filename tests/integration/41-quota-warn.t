#!/bin/bash
# The quota warning: filed into INBOX once when a delivery crosses
# quota_warn percent, not again until usage has dropped below it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/quota.sh"
plan 18

printf 'Subject: s\n\nb\n' > "$TMP/msg"   # 51 bytes as delivered below
user_dir "$TMP/u"
MD=$TMP/u/Maildir
d() { dlv -M "$MD" -f s@x -a r@x -o quota=10C -o quota_warn=50 "$@" < "$TMP/msg"; }
warnings() { grep -l '^Subject: Mail quota warning$' "$MD"/new/* 2>/dev/null | wc -l | tr -d ' '; }

for i in 1 2 3 4; do d; done
is "$RC:$(warnings)" "0:0" "40%: no warning"
ok "40%: no marker" test ! -e "$MD/quotawarn"
d
is "$RC:$ERR:$(warnings)" "0::1" "50%: the delivery crossing the threshold files one warning"
ok "marker quotawarn created" test -f "$MD/quotawarn"
is "$(count_files "$MD/new"):$(mds_sum "$MD" | cut -d' ' -f2)" "6:6" "the warning is a message in INBOX and counts"
W=$(grep -l '^Subject: Mail quota warning$' "$MD"/new/*)
is "$(sed -n '/^$/,$p' "$W" | sed -n 2,5p)" $'Your mailbox is 50% full.\n\n  storage:  255B of unlimited\n  messages: 5 of 10' \
    "the warning's text: usage and percentage at the crossing"
like "$(sed -n 1,2p "$W" | tr '\n' '|')" '^Date: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} 20[0-9]{2} [0-9:]{8} [-+][0-9]{4}\|Message-ID: <[0-9]+\.P[0-9]+\.quotawarn@[^>]+>\|$' \
    "the warning has Date: and Message-ID:"
d; d
is "$RC:$(warnings)" "0:1" "above the threshold again: no second warning"

# Usage drops (messages deleted, file recalculated) below the threshold:
# the next delivery removes the marker, a new crossing warns again.
ls "$MD"/new/* | grep -v "$W" | head -5 | xargs rm -f
rm -f "$W"
dq -M "$MD" --quota --recalc
is "$(mds_sum "$MD")" "102 2" "after deleting: 2 messages"
d
is "$RC:$(warnings)" "0:0" "30%: no warning"
ok "below the threshold: marker removed" test ! -e "$MD/quotawarn"
d; d
is "$(warnings)" 1 "crossing again: warned again"
d
is "$(warnings)" 1 "... and once only"

# A template of one's own, with placeholders.
rm -rf "$MD"
printf 'From: postmaster@example.org\nSubject: full\n\n${usage} of ${limit} (${percent}%%), ${count}/${count_limit}\n' > "$TMP/warn.txt"
chmod 644 "$TMP/warn.txt"
for i in 1 2 3; do
	dlv -M "$MD" -f s@x -a r@x -o quota=200,100C -o quota_warn=75 \
	    -o "quota_warn_message=$TMP/warn.txt" < "$TMP/msg"
done
W=$(grep -l '^Subject: full$' "$MD"/new/*)
is "$(sed -n '/^$/,$p' "$W" | sed -n 2p)" "153B of 200B (76%), 3/100" "quota_warn_message: placeholders filled in"
is "$(grep -c '^Date: ' "$W"):$(grep -c '^From: postmaster@example.org$' "$W")" "1:1" \
    "quota_warn_message: the template's headers, Date: added"

# A refused delivery warns too (the user learns why mail waits).
rm -rf "$MD"
for i in 1 2; do d -o quota=2C -o quota_warn=0; done
d -o quota=2C
is "$RC:$ERR" "75:deliver: Quota exceeded" "over quota: refused"
is "$(warnings)" 1 "over quota: the refusal filed the warning"

# quota_warn = 0: never.
rm -rf "$MD"
for i in 1 2 3; do d -o quota=2C -o quota_warn=0; done
is "$(warnings):$(test -e "$MD/quotawarn" && echo marker)" "0:" "quota_warn=0: no warning, no marker"
finish
