#!/bin/bash
# deliver.db: old log and dedup rows are pruned a bounded batch every
# eighth delivery, so the tables stay bounded without any delivery paying
# for a full scan.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/store-lib.sh"
plan 7

msg "$TMP/m0" "<m0@example.org>"
dlv -M "$MD" -f s@x -a r@x < "$TMP/m0"
# 100 log rows and 100 dedup rows from long ago
q "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)
   INSERT INTO log (time, msgid, sender, recipient, size, folders, files, actions, result, exit_code, duplicate)
   SELECT 1000 + i, 'old' || i, '', '', 0, '', '', '', 'delivered', 0, 0 FROM n;
   WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)
   INSERT INTO dedup (msgid, rcpt, state, stamp, pid, pid_start, base, tmp, targets)
   SELECT 'old' || i, 'r@x', 1, 1000 + i, 0, -1, 'b', '', '' FROM n;"
is "$(q "SELECT count(*) FROM log"):$(q "SELECT count(*) FROM dedup")" "101:101" "101 rows in each table"

# pruning is the turn of the delivery whose new row's id is a multiple
# of 8 (STORE_PRUNE_EVERY): ids 102 and 103 are not
for i in 1 2; do
	msg "$TMP/m$i" "<m$i@example.org>"
	dlv -M "$MD" -f s@x -a r@x < "$TMP/m$i"
done
is "$(q "SELECT count(*) FROM log"):$(q "SELECT count(*) FROM dedup")" "103:103" "rows 102 and 103: nothing pruned"
msg "$TMP/m3" "<m3@example.org>"
dlv -M "$MD" -f s@x -a r@x < "$TMP/m3"
is "$(q "SELECT count(*) FROM log"):$(q "SELECT count(*) FROM dedup")" "84:84" "row 104: one row added, 20 old ones pruned in each"
is "$(q "SELECT min(time) FROM log WHERE msgid LIKE 'old%'"):$(q "SELECT min(stamp) FROM dedup WHERE msgid LIKE 'old%'")" 1021:1021 "the oldest went first"
for i in $(seq 4 35); do
	msg "$TMP/m$i" "<m$i@example.org>"
	dlv -M "$MD" -f s@x -a r@x < "$TMP/m$i"
done
is "$(q "SELECT count(*) FROM log"):$(q "SELECT count(*) FROM dedup")" "36:36" "after rows 112, 120, 128 and 136 only the recent rows are left"
is "$(q "SELECT count(*) FROM log WHERE msgid LIKE 'old%'")" 0 "no old row is left"
# no time index is written by every delivery: the batch is read among the
# first rows in rowid order
is "$(q "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name)")" "log_msgid sqlite_autoindex_dedup_1" "indexes: log_msgid and dedup's key only"
finish
