#!/bin/bash
# deliver.db: the same message twice is filed once; the second delivery is
# logged as a duplicate and exits 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/store-lib.sh"
plan 17

msg "$TMP/m1" "<one@example.org>"
dlv -e -M "$MD" -f s@x -a r@x < "$TMP/m1"
is "$RC" 0 "first delivery exits 0"
dlv -e -M "$MD" -f s@x -a r@x < "$TMP/m1"
is "$RC" 0 "second delivery exits 0"
like "$ERR" "msgid=<one@example.org> size=[0-9]+ status=duplicate \(delivered [0-9]+ s ago, nothing filed\)" "duplicate logged"
is "$(count_files "$MD/new")" 1 "one copy in new/"
is "$(count_files "$MD/tmp")" 0 "nothing left in tmp/"
is "$(q "SELECT result || ':' || duplicate || ':' || exit_code FROM log ORDER BY id")" "delivered:0:0
duplicate:1:0" "log rows: delivered, then duplicate"
is "$(q "SELECT msgid || ' ' || rcpt || ' ' || state FROM dedup")" "one@example.org r@x 1" "dedup row confirmed, key normalized"
is "$(stat -c %a "$DB")" 600 "deliver.db is mode 0600"
is "$(q "PRAGMA user_version"):$(q "PRAGMA journal_mode"):$(q "PRAGMA page_size")" "2:wal:1024" "schema version 2, WAL journal, 1 KiB pages"

# the same Message-ID written differently is the same key
printf 'Message-ID:   <one@example.org>  \n\nbody\n' > "$TMP/m1b"
dlv -M "$MD" -f s@x -a r@x < "$TMP/m1b"
is "$RC:$(count_files "$MD/new")" "0:1" "whitespace around the Message-ID does not matter"

# another recipient is another delivery
dlv -M "$MD" -f s@x -a other@x < "$TMP/m1"
is "$RC:$(count_files "$MD/new")" "0:2" "another envelope recipient gets its copy"

# no Message-ID: never a duplicate
printf 'Subject: no id\n\nbody\n' > "$TMP/noid"
dlv -M "$MD" -f s@x -a r@x < "$TMP/noid"
dlv -M "$MD" -f s@x -a r@x < "$TMP/noid"
is "$RC:$(count_files "$MD/new")" "0:4" "without a Message-ID both copies are filed"

# dedup = no
msg "$TMP/m2" "<two@example.org>"
dlv -o dedup=no -M "$MD" -f s@x -a r@x < "$TMP/m2"
dlv -o dedup=no -M "$MD" -f s@x -a r@x < "$TMP/m2"
is "$RC:$(count_files "$MD/new")" "0:6" "dedup=no files both"
is "$(q "SELECT count(*) FROM dedup WHERE msgid = 'two@example.org'")" 0 "dedup=no records no claim"

# dedup and the log off: no store at all
user_dir "$TMP/v"
dlv -o dedup=no -o delivery_log=no -M "$TMP/v/Maildir" -f s@x -a r@x < "$TMP/m1"
is "$RC:$(ls "$TMP/v/Maildir")" "0:cur
new
tmp" "dedup and log off: no deliver.db is created"
dlv -o store=none -M "$TMP/v/Maildir" -f s@x -a r@x < "$TMP/m1"
is "$RC:$(ls "$TMP/v/Maildir" | tr '\n' ' ')" "0:cur new tmp " "store=none: no deliver.db"

# an expired record lets the message through again
q "UPDATE dedup SET stamp = stamp - 3 * 86400 WHERE msgid = 'one@example.org' AND rcpt = 'r@x'"
dlv -M "$MD" -f s@x -a r@x < "$TMP/m1"
is "$RC:$(count_files "$MD/new")" "0:7" "a delivery older than dedup_days is not a duplicate"
finish
