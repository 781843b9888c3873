#!/bin/bash
# Interoperability with Courier (Debian package maildrop): deliverquota and
# deliver share one maildirsize, each honouring the other's definition and
# lines, and Courier's own recalculation agrees with deliver's.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/quota.sh"
plan 11

if ! command -v deliverquota >/dev/null 2>&1 || ! command -v maildirmake >/dev/null 2>&1; then
	for i in $(seq 1 11); do skip "deliverquota/maildirmake not installed (maildrop)"; done
	finish
fi

printf 'Subject: s\n\nb\n' > "$TMP/msg"
chmod 644 "$TMP/msg"
user_dir "$TMP/u"
MD=$TMP/u/Maildir
d() { dlv -M "$MD" -f s@x -a r@x -o quota_warn=0 "$@" < "$TMP/msg"; }
cq() { as_user deliverquota "$@" < "$TMP/msg" > "$TMP/cq.out" 2>&1; CRC=$?; }

# Courier sets the quota (maildirmake -q), both deliver alternately.
as_user maildirmake "$MD"
as_user maildirmake -q 100000S,20C "$MD"
is "$(head -1 "$MD/maildirsize")" "100000S,20C" "maildirmake -q wrote the definition"
for i in 1 2 3 4 5; do d; cq "$MD"; done
is "$RC:$CRC" "0:0" "deliver and deliverquota both delivered"
is "$(count_files "$MD/new")" 10 "ten messages"
is "$(head -1 "$MD/maildirsize")" "100000S,20C" "deliver kept Courier's definition"
is "$(mds_sum "$MD")" "$(fresh_sum "$MD")" "one consistent maildirsize: sum of lines equals a fresh count"

# deliver's folder and Courier's delivery into it: counted in the root.
d -m Lists
cq "$MD/.Lists"
is "$CRC:$(count_files "$MD/.Lists/new")" "0:2" "deliverquota delivered into deliver's folder"
is "$(mds_sum "$MD")" "$(fresh_sum "$MD")" "folder deliveries from both counted in the root maildirsize"

# Courier's recalculation and deliver's agree.
cp -a "$MD" "$TMP/u/copy"
as_user maildirmake -q 100000S,20C "$TMP/u/copy"
dq -M "$MD" --quota --recalc
is "$(mds_sum "$TMP/u/copy")" "$(mds_sum "$MD")" "Courier's recalculation equals deliver's"

# deliver sets the quota; each refuses at the limit the other's lines make.
rm -rf "$MD"
for i in 1 2 3; do d -o quota=6C; cq "$MD"; done
cq "$MD"
is "$CRC:$(cat "$TMP/cq.out")" "77:Mail quota exceeded." "deliverquota refuses the 7th message of a 6C quota deliver wrote"
d -o quota=6C
is "$RC:$ERR" "75:deliver: Quota exceeded" "deliver refuses it too"
is "$(count_files "$MD/new"):$(mds_sum "$MD")" "6:$(fresh_sum "$MD")" "six messages, maildirsize consistent"
finish
