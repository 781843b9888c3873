#!/bin/bash
# deliver.db: old log and dedup rows are pruned a bounded batch per
# delivery, so the tables stay bounded without any delivery paying for a
# full scan.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/store-lib.sh"
plan 6

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

msg "$TMP/m1" "<m1@example.org>"
dlv -M "$MD" -f s@x -a r@x < "$TMP/m1"
is "$(q "SELECT count(*) FROM log"):$(q "SELECT count(*) FROM dedup")" "82:82" "one delivery: one row added, 20 old ones pruned in each"
is "$(q "SELECT min(time) FROM log WHERE msgid LIKE 'old%'")" 1021 "the oldest went first"
for i in 2 3 4 5 6; do
	msg "$TMP/m$i" "<m$i@example.org>"
	dlv -M "$MD" -f s@x -a r@x < "$TMP/m$i"
done
is "$(q "SELECT count(*) FROM log"):$(q "SELECT count(*) FROM dedup")" "7:7" "after six deliveries only the recent rows are left"
is "$(q "SELECT count(*) FROM log WHERE msgid LIKE 'old%'")" 0 "no old row is left"
# the prune query uses the time index, not a table scan
is "$(q "EXPLAIN QUERY PLAN SELECT id FROM log WHERE time < 5 ORDER BY time LIMIT 20" | grep -c 'USING COVERING INDEX log_time')" 1 "pruning reads the log_time index"
finish
