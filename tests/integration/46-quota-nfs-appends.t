#!/bin/bash
# maildirsize written by several hosts over NFS.  There O_APPEND is not
# atomic: each client writes at the end of file as it last knew it, so two
# hosts' appends can land at the same offset (one line over the other),
# and a stale size leaves a hole of NUL bytes.  The file is rewritten here
# exactly as such a race leaves it (dd at an offset, not O_APPEND), and the
# tests check the Maildir++ tolerance deliver keeps:
#   - a line that does not parse, or a NUL byte, makes the next delivery
#     recalculate: the file is then exact (counted from the files);
#   - a line lost whole under another (same length) only under-counts:
#     deliveries may go over the limit by what was lost, no more, because
#     a delivery that the sums put over quota recalculates first (the
#     file has more than one line) and is decided on exact numbers;
#   - so sums that read too high never refuse a message.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/quota.sh"
plan 14

printf 'Subject: s\n\nb\n' > "$TMP/msg"   # 51 bytes as delivered below
user_dir "$TMP/u"
MD=$TMP/u/Maildir
# no quota warning: it would be one more message to count
d() { dlv -M "$MD" -f s@x -a r@x -o quota_warn=0 "$@" < "$TMP/msg"; }
size() { stat -c %s "$MD/maildirsize"; }
# overwrite at byte offset $1 with the text $2, as a second NFS client
# whose idea of the end of file is $1 does
write_at() {
	printf "$2" | dd of="$MD/maildirsize" bs=1 seek="$1" conv=notrunc \
	    status=none
}
# another host's delivery of a message of $1 bytes (its file, no line)
other_host_message() {
	head -c "$1" /dev/zero | tr '\0' x > "$MD/new/1700000000.M1P1Q1R1.beta.example,S=$1"
	if is_root; then chown "$TEST_USER" "$MD/new/"*beta*; fi
}

# 1. Two lines at one offset, the second shorter: a fragment of the first
# remains ("1") and does not parse.  beta.example appended "1234 1" for its
# message; ours ("51 1") landed on top of it.
for i in 1 2 3; do d -o quota=1M; done
off=$(size)
d -o quota=1M      # ours: its line at $off
other_host_message 1234
write_at "$off" '1234 1\n'   # beta's line at the same offset ...
write_at "$off" '51 1\n'     # ... and ours, sent after it, on top
is "$(tail -n 2 "$MD/maildirsize" | tr '\n' '|')" "51 1|1|" \
    "the race left \"51 1\" and the fragment \"1\""
want=$(fresh_sum "$MD")
d -o quota=1M
is "$RC" 0 "a fragment that does not parse: delivered"
is "$(cat "$MD/maildirsize")" "1048576S"$'\n'"$want"$'\n51 1' \
    "... after a recalculation: the file is exact ($want, then this delivery)"
is "$(mds_sum "$MD")" "$(fresh_sum "$MD")" "... and agrees with a count of the files"

# 2. A stale end of file: the line lands past the end, after NUL bytes.
off=$(size)
write_at "$((off + 10))" '51 1\n'
other_host_message 51
is "$(tr -d -c '\000' < "$MD/maildirsize" | wc -c)" 10 "a hole of 10 NUL bytes"
want=$(fresh_sum "$MD")
d -o quota=1M
is "$RC:$(cat "$MD/maildirsize")" "0:1048576S"$'\n'"$want"$'\n51 1' \
    "NUL bytes: recalculated, exact ($want, then this delivery)"

# 3. Lines merged into a number far too big (a line torn across two writes
# with another host's in between): the sums put the delivery over quota,
# the file has several lines, so it recalculates and delivers.
rm -rf "$MD"; d -o quota=1000S; d -o quota=1000S
write_at "$(size)" '51999 1\n'
is "$(mds_sum "$MD")" "52101 3" "merged line: the sums read 52101 bytes (limit 1000)"
d -o quota=1000S
is "$RC:$ERR" "0:" "sums over the limit: recalculated first, delivered"
is "$(cat "$MD/maildirsize")" $'1000S\n102 2\n51 1' "... and the file is exact"

# 4. A line lost whole: two hosts appended "51 1" at the same offset.  Real
# usage is then one message more than the sums say; the limit (500 bytes)
# is overshot by at most that message, then the next delivery is refused
# on exact numbers.
rm -rf "$MD"; for i in 1 2 3 4 5 6; do d -o quota=500S; done
off=$(size)
d -o quota=500S; d -o quota=500S
truncate -s "$off" "$MD/maildirsize"; write_at "$off" '51 1\n'
is "$(mds_sum "$MD"):$(fresh_sum "$MD")" "357 7:408 8" \
    "a lost line: the sums say 357 bytes, the files hold 408"
d -o quota=500S; r1=$RC
d -o quota=500S; r2=$RC
is "$r1:$r2:$(fresh_sum "$MD")" "0:0:510 10" \
    "two more delivered on the low sums: 510 bytes, 10 over the limit (less than the 51 lost)"
d -o quota=500S
is "$RC:$ERR" "75:deliver: Quota exceeded" "the next one: recalculated, refused on exact numbers"
is "$(cat "$MD/maildirsize")" $'500S\n510 10' "... the file holds the exact usage"
is "$(fresh_sum "$MD")" "510 10" "nothing filed by the refused delivery"
finish
