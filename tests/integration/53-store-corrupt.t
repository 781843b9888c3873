#!/bin/bash
# deliver.db: a corrupt store or a symlink in its place never costs mail.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/store-lib.sh"
plan 10

msg "$TMP/m" "<c@example.org>"
dlv -M "$MD" -f s@x -a r@x < "$TMP/m"   # creates the Maildir and a store
head -c 8192 /dev/urandom | tr '\0' x > "$TMP/junk"
cat "$TMP/junk" > "$DB"
msg "$TMP/m2" "<c2@example.org>"
dlv -e -M "$MD" -f s@x -a r@x < "$TMP/m2"
is "$RC" 0 "a delivery with a corrupt store exits 0"
is "$(count_files "$MD/new")" 2 "the message is filed"
like "$ERR" "store $MD/deliver.db is corrupt \(file is not a database\): moved aside to .*/deliver.db.corrupt-[0-9]+, starting a new one" "logged loudly"
aside=$(ls "$MD" | grep '^deliver.db.corrupt-[0-9]*$')
is "$(cmp "$MD/$aside" "$TMP/junk" && echo same)" same "the corrupt file is kept aside, unchanged"
is "$(q "SELECT msgid FROM log")" "c2@example.org" "a new store records the delivery"
dlv -M "$MD" -f s@x -a r@x < "$TMP/m2"
is "$RC:$(count_files "$MD/new")" "0:2" "and suppresses its duplicate"

# a symlink at deliver.db is not followed
user_dir "$TMP/s"
dlv -M "$TMP/s/Maildir" -o dedup=no -o delivery_log=no -f s@x -a r@x < "$TMP/m"
ln -s "$TMP/s/elsewhere" "$TMP/s/Maildir/deliver.db"
dlv -e -M "$TMP/s/Maildir" -f s@x -a r@x < "$TMP/m2"
is "$RC:$(count_files "$TMP/s/Maildir/new")" "0:2" "a symlinked store: the message is filed"
like "$ERR" "store $TMP/s/Maildir/deliver.db is a symbolic link: not used" "the symlink is refused and logged"
like "$ERR" "duplicate check skipped: store unavailable" "and the skipped check is logged"
ok "nothing is created at the symlink's target" test ! -e "$TMP/s/elsewhere"
finish
