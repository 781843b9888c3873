#!/bin/bash
# deliver.db: a store of schema version 1 is migrated to version 2 by the
# next delivery, every row kept: the two time indexes go, a tracking table
# goes only while it is empty, and the dedup records keep working.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/store-lib.sh"
plan 18

# v1_store DB: the schema version 1 as man/deliver.db.5 documented it
v1_store() {
	as_user sqlite3 "$1" "PRAGMA journal_mode=WAL;
CREATE TABLE dedup ( id INTEGER PRIMARY KEY, msgid TEXT NOT NULL, rcpt TEXT NOT NULL, state INTEGER NOT NULL, stamp INTEGER NOT NULL, pid INTEGER NOT NULL, pid_start INTEGER NOT NULL, base TEXT NOT NULL, tmp TEXT NOT NULL, targets TEXT NOT NULL, UNIQUE (msgid, rcpt));
CREATE INDEX dedup_stamp ON dedup (stamp);
CREATE TABLE log ( id INTEGER PRIMARY KEY, time INTEGER NOT NULL, msgid TEXT NOT NULL, sender TEXT NOT NULL, recipient TEXT NOT NULL, size INTEGER NOT NULL, folders TEXT NOT NULL, files TEXT NOT NULL, actions TEXT NOT NULL, result TEXT NOT NULL, exit_code INTEGER NOT NULL, duplicate INTEGER NOT NULL);
CREATE INDEX log_time ON log (time);
CREATE INDEX log_msgid ON log (msgid);
CREATE TABLE vacation ( sender TEXT NOT NULL, handle TEXT NOT NULL, sent INTEGER NOT NULL, expires INTEGER NOT NULL, PRIMARY KEY (sender, handle)) WITHOUT ROWID;
CREATE INDEX vacation_expires ON vacation (expires);
CREATE TABLE redirect ( msgid TEXT NOT NULL, target TEXT NOT NULL, sent INTEGER NOT NULL, PRIMARY KEY (msgid, target)) WITHOUT ROWID;
CREATE INDEX redirect_sent ON redirect (sent);
PRAGMA user_version=1;" > /dev/null
}

now=$(date +%s)
as_user mkdir -p "$MD/tmp" "$MD/new" "$MD/cur"
v1_store "$DB"
q "INSERT INTO dedup VALUES (1, 'old@example.org', 'r@x', 1, $now - 60, 0, -1, 'B1', '', '0/
');
   INSERT INTO dedup VALUES (2, 'half@example.org', 'r@x', 0, $now - 30, 0, -1, 'B2', 'T2', '1/.Lists
');
   INSERT INTO log VALUES (1, $now - 60, 'old@example.org', 's@x', 'r@x', 100, 'INBOX', 'new/B1', 'keep', 'delivered', 0, 0);
   INSERT INTO log VALUES (2, $now - 30, 'half@example.org', 's@x', 'r@x', 200, 'Lists', '', 'fileinto Lists', 'deferred', 75, 0);
   INSERT INTO vacation VALUES ('a@x', 'h', $now - 10, $now + 86400);"
rows() { q "SELECT * FROM dedup WHERE id <= 2 ORDER BY id; SELECT * FROM log WHERE id <= 2 ORDER BY id; SELECT * FROM vacation"; }
before=$(rows)

# a copy of a message the v1 store recorded as delivered
msg "$TMP/old" "<old@example.org>"
dlv -M "$MD" -f s@x -a r@x < "$TMP/old"
is "$RC:$(count_files "$MD/new")" "0:0" "the v1 store's record still makes a duplicate"
is "$(q "PRAGMA user_version"):$(q "PRAGMA journal_mode"):$(q "PRAGMA page_size")" "2:wal:4096" "migrated to schema version 2, WAL and page size kept"
is "$(rows)" "$before" "every dedup, log and vacation row kept byte for byte"
is "$(q "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master ORDER BY name)")" \
    "dedup log log_msgid sqlite_autoindex_dedup_1 vacation vacation_expires" \
    "time indexes and the empty redirect table dropped, vacation kept"
is "$(q "SELECT result || ':' || duplicate FROM log WHERE id = 3")" "duplicate:1" "the duplicate is logged after the old rows"

# the claim released by a failed delivery is resumed from its v1 record
msg "$TMP/half" "<half@example.org>"
dlv -M "$MD" -f s@x -a r@x < "$TMP/half"
is "$RC" 0 "the released v1 claim is taken over"
is "$(ls "$MD/.Lists/new/" 2>&1 | cut -d, -f1)" "B2" "filed under the recorded base name into the recorded folder"
is "$(q "SELECT state || ':' || tmp FROM dedup WHERE id = 2")" "1:" "and confirmed"

# a new message, and the redirect table comes back when first written
msg "$TMP/new" "<new@example.org>"
printf 'redirect "fwd@example.org";\nkeep;\n' > "$TMP/fwd.sieve"
printf '#!/bin/sh\ncat > /dev/null\n' > "$TMP/sendmail"; chmod 755 "$TMP/sendmail"
chmod 644 "$TMP/fwd.sieve"
dlv -M "$MD" -f s@x -a r@x -s "$TMP/fwd.sieve" -o sendmail="$TMP/sendmail" < "$TMP/new"
is "$RC:$(count_files "$MD/new")" "0:1" "a new message is filed"
is "$(q "SELECT msgid || ' ' || target FROM redirect")" "new@example.org fwd@example.org" "the redirect is tracked in a table created on first use"

# a v1 store whose redirect table holds a row and vacation none
rm -rf "$MD"
as_user mkdir -p "$MD/tmp" "$MD/new" "$MD/cur"
v1_store "$DB"
q "INSERT INTO redirect VALUES ('r1@example.org', 'fwd@example.org', $now - 5)"
msg "$TMP/m2" "<m2@example.org>"
dlv -M "$MD" -f s@x -a r@x < "$TMP/m2"
is "$RC:$(q "PRAGMA user_version")" "0:2" "second v1 store migrated"
is "$(q "SELECT msgid || ' ' || target || ' ' || ($now - sent) FROM redirect")" "r1@example.org fwd@example.org 5" "its redirect row kept"
is "$(q "SELECT count(*) FROM sqlite_master WHERE name IN ('vacation', 'vacation_expires', 'redirect_sent', 'dedup_stamp', 'log_time')")" 1 "only redirect_sent of those left"
is "$(q "SELECT group_concat(name) FROM sqlite_master WHERE name LIKE '%_sent'")" "redirect_sent" "the kept table's index kept"

# tables of SQLite's bundled extensions, added by hand: the static build
# leaves the extensions out (src/sqlite_omit.c), and a store holding
# such a table still records, prunes and finds duplicates
q "CREATE VIRTUAL TABLE notes USING fts5(body); INSERT INTO notes VALUES ('kept');
CREATE VIRTUAL TABLE boxes USING rtree(id, x0, x1); INSERT INTO boxes VALUES (1, 0, 1)"
msg "$TMP/m3" "<m3@example.org>"
dlv -M "$MD" -f s@x -a r@x < "$TMP/m3"
dlv -M "$MD" -f s@x -a r@x < "$TMP/m3"
is "$RC:$(count_files "$MD/new")" "0:2" "a store with FTS5 and R*Tree tables: filed once, its duplicate suppressed"
is "$(q "SELECT result FROM log WHERE msgid = 'm3@example.org' ORDER BY id")" "$(printf 'delivered\nduplicate')" "both deliveries recorded"
is "$(q "SELECT body FROM notes"):$(q "SELECT id FROM boxes")" "kept:1" "and the hand-made tables are untouched"
# SQLite is linked in by LINK=mixed (the default) and LINK=static
if [ -n "${DELIVER_VALGRIND:-}" ] || ! readelf -d "$DELIVER" >/dev/null 2>&1 ||
    readelf -d "$DELIVER" | grep -q 'NEEDED.*libsqlite3'; then
	skip "SQLite not linked in (LINK=dynamic, SANITIZE=1, valgrind)"
else
	is "$(nm "$DELIVER" | grep -c -i -E ' t (fts3|fts5|rtree|geopoly|statConnect|stmtConnect)')" 0 "deliver's own SQLite holds none of its FTS, R*Tree, dbstat or sqlite_stmt code"
fi
finish
