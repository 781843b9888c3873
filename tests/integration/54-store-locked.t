#!/bin/bash
# deliver.db: a store locked beyond store_timeout does not hold mail back:
# the message is filed and the skipped duplicate check logged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/store-lib.sh"
plan 6

msg "$TMP/m" "<l@example.org>"
msg "$TMP/first" "<first@example.org>"
dlv -M "$MD" -f s@x -a r@x < "$TMP/first"

# hold a write transaction open from the sqlite3 shell
mkfifo "$TMP/in"
as_user sqlite3 "$DB" < "$TMP/in" > "$TMP/out" 2>&1 &
HOLDER=$!
exec 3>"$TMP/in"
printf 'BEGIN IMMEDIATE;\nDELETE FROM log;\n.print locked\n' >&3
for i in $(seq 1 400); do grep -q locked "$TMP/out" && break; sleep 0.05; done
is "$(cat "$TMP/out")" locked "sqlite3 holds the write lock"

start=$(date +%s)
dlv -e -o store_timeout=1 -M "$MD" -f s@x -a r@x < "$TMP/m"
took=$(( $(date +%s) - start ))
is "$RC:$(count_files "$MD/new")" "0:2" "delivered while the store is locked"
like "$ERR" "msgid=<l@example.org> duplicate check skipped: store locked" "the skipped check is logged"
ok "it waited about store_timeout (1 s), not the default 5 ($took s)" test "$took" -lt 5
msg "$TMP/d" "<deferred@example.org>"
dlv -e -o store_timeout=1 -o store_unavailable=defer -M "$MD" -f s@x -a r@x < "$TMP/d"
is "$RC:$(count_files "$MD/new")" "75:2" "store_unavailable = defer: 75, nothing filed"
exec 3>&-
wait "$HOLDER"
dlv -M "$MD" -f s@x -a r@x < "$TMP/m"
is "$RC:$(count_files "$MD/new")" "0:3" "unrecorded, so the next copy is filed too (no false duplicate)"
finish
