#!/bin/bash
# maildirsize quotas: where the definition comes from, the file deliver
# writes, over-quota exit codes and messages, deliver --quota.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/quota.sh"
plan 38

printf 'Subject: s\n\nb\n' > "$TMP/msg"   # 51 bytes as delivered below
user_dir "$TMP/u"
MD=$TMP/u/Maildir
d() { dlv -M "$MD" -f s@x -a r@x "$@" < "$TMP/msg"; }

# No definition anywhere: no file, and maildirsize is looked for once.
d
is "$RC:$ERR" "0:" "no quota: delivered"
ok "no quota: no maildirsize created" test ! -e "$MD/maildirsize"
dq -M "$MD" --quota
is "$RC:$OUT" "0:no quota (no maildirsize, and deliver.conf sets none)" "--quota without a quota"
dq -M "$MD" --quota=raw
is "$RC:$(printf '%s\n' "$OUT" | tr '\n' ' ')" "0:quota=none bytes=0 bytes_limit=0 count=0 count_limit=0 percent=0 " \
    "--quota=raw without a quota"
if command -v strace >/dev/null 2>&1; then
	strace -f -o "$TMP/trace" -e trace=%file,read,write \
	    "$DELIVER" -c "$DCONF" $(is_root && echo "-d $TEST_USER") -M "$MD" \
	    -f s@x -a r@x < "$TMP/msg" 2>/dev/null
	is "$(grep -c maildirsize "$TMP/trace")" 1 "no quota: one lookup of maildirsize"
	like "$(grep maildirsize "$TMP/trace")" '"maildirsize", O_RDWR\|O_APPEND.* = -1 ENOENT' \
	    "no quota: ... an open that fails, and nothing else"
	strace -f -o "$TMP/trace" -e trace=%file \
	    "$DELIVER" -c "$DCONF" $(is_root && echo "-d $TEST_USER") -M "$MD" \
	    -o quota=none -f s@x -a r@x < "$TMP/msg" 2>/dev/null
	is "$(grep -c -e maildirsize -e quotawarn "$TMP/trace")" 0 "quota=none: no quota I/O at all"
else
	for i in 1 2 3; do skip "strace not installed"; done
fi
rm -rf "$MD"

# A configured quota: the first delivery writes the file (a recalculation
# of the empty Maildir), then appends one line.
d -o quota=1K
is "$RC" 0 "quota=1K: delivered"
is "$(cat "$MD/maildirsize")" $'1024S\n0 0\n51 1' "maildirsize: definition, count, one line per delivery"
is "$(stat -c %a "$MD/maildirsize")" 600 "maildirsize: mode 600"
d -o quota=1K
is "$(cat "$MD/maildirsize")" $'1024S\n0 0\n51 1\n51 1' "a second delivery appends a second line"
ls "$MD/tmp" > "$TMP/tmpfiles"
is "$(cat "$TMP/tmpfiles")" "" "nothing left in tmp/"

# deliver --quota
dq -M "$MD" --quota
is "$RC:$ERR" "0:" "--quota: exit 0"
is "$OUT" $'quota:    1024S\nstorage:  102B of 1.0K (9%)\nmessages: 2 (no limit)' "--quota: human output"
dq -M "$MD" --quota=raw
is "$OUT" $'quota=1024S\nbytes=102\nbytes_limit=1024\ncount=2\ncount_limit=0\npercent=9' "--quota=raw: key=value lines"
dq -M "$MD" --quota=bogus
is "$RC:$ERR" '64:deliver: --quota takes no value but "raw"' "--quota=bogus: usage error"
dq -M "$MD" --recalc
is "$RC:$ERR" "64:deliver: --recalc needs --quota" "--recalc alone: usage error"

# The definition from the file alone (no key): enforced, and kept as written.
printf '200C,150S\n102 2\n' > "$MD/maildirsize"
d -o quota_warn=0
is "$RC:$ERR" "75:deliver: Quota exceeded" "definition from the file: 102+51 > 150 refused, exit 75"
is "$(count_files "$MD/new")" 2 "refused: nothing filed"
is "$(cat "$MD/maildirsize")" $'200C,150S\n102 2' "refused: maildirsize untouched (one fresh line: believed)"
is "$(ls "$MD/tmp")" "" "refused: the tmp file is gone"
d -o quota_warn=0 -o quota_full=bounce
is "$RC:$ERR" "77:deliver: Quota exceeded" "quota_full=bounce: exit 77"
d -o quota_warn=0 -o quota_full=bounce -o "quota_full_message=Mailbox full, try later"
is "$RC:$ERR" "77:deliver: Mailbox full, try later" "quota_full_message is the text"

# A stale file (two lines) is recalculated when over quota, then it fits.
printf '200C,160S\n100 1\n50 2\n' > "$MD/maildirsize"
d -o quota_warn=0
is "$RC:$ERR" "0:" "over quota by a wrong file with two lines: recalculated, delivered"
is "$(cat "$MD/maildirsize")" $'200C,160S\n102 2\n51 1' "recalculated: the file's definition kept, true usage"

# Larger than the whole quota: permanent, even with quota_full = tempfail.
rm -rf "$MD"
d -o quota=50
is "$RC:$ERR" "77:deliver: Quota exceeded (message larger than the whole quota)" \
    "message larger than the quota: 77"
is "$(count_files "$MD/new")" 0 "... nothing filed"

# A configured definition that differs from the file's is written.
d -o quota=100K,3C
is "$(head -1 "$MD/maildirsize")" "102400S,3C" "changed definition: line 1 rewritten"
is "$(mds_sum "$MD")" "51 1" "... with a recalculation"
d -o quota=100K,3C -o quota_warn=0; d -o quota=100K,3C -o quota_warn=0
d -o quota=100K,3C -o quota_warn=0
is "$RC:$ERR" "75:deliver: Quota exceeded" "count limit: the fourth message waits"

# Folders count; Trash does not.
d -o quota=100K,10C -m Lists
is "$RC:$(count_files "$MD/.Lists/new")" "0:1" "filed into a folder"
is "$(mds_sum "$MD")" "204 4" "a folder's message counts"
d -o quota=100K,10C -m Trash
is "$(mds_sum "$MD"):$(count_files "$MD/.Trash/new")" "204 4:1" "a message filed into Trash does not count"
dq -M "$MD" --quota=raw --recalc
is "$(mds_sum "$MD")" "$(fresh_sum "$MD")" "--recalc: the file equals a fresh count"
is "$(printf '%s\n' "$OUT" | sed -n 's/^bytes=//p;s/^count=//p' | tr '\n' ' ')" "204 4 " \
    "--recalc: reported usage"

# -M naming a folder (it holds maildirfolder): the quota is the parent's.
dlv -M "$MD/.Lists" -f s@x -a r@x < "$TMP/msg"
is "$RC:$(count_files "$MD/.Lists/new")" "0:2" "-M a folder: delivered into the folder"
is "$(mds_sum "$MD"):$(test -e "$MD/.Lists/maildirsize" && echo own)" "255 5:" \
    "-M a folder: counted in the parent's maildirsize, none in the folder"

# Bad values are refused when read.
d -o quota=12X
is "$RC:$ERR" '64:deliver: -o bad value "12X" for quota' "-o quota=12X: usage error"
finish
