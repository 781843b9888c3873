#!/bin/bash
# Symlinks planted inside the Maildir never redirect a write.
. "$(dirname "$0")/lib.sh"
plan 14

printf 'Subject: s\n\nb\n' > "$TMP/msg"
user_dir "$TMP/u"; user_dir "$TMP/elsewhere"

mkdir -p "$TMP/u/a"; ln -s "$TMP/elsewhere" "$TMP/u/a/tmp"; mkdir "$TMP/u/a/new" "$TMP/u/a/cur"
if is_root; then chown -R "$TEST_USER" "$TMP/u/a"; chown -h "$TEST_USER" "$TMP/u/a/tmp"; fi
dlv -M "$TMP/u/a" < "$TMP/msg"
is "$RC:$(count_files "$TMP/elsewhere"):$(count_files "$TMP/u/a")" "75:0:0" "symlinked tmp/: exit 75, nothing written"
like "$ERR" "^deliver: cannot open tmp/: Not a directory$" "symlinked tmp/: reason (O_NOFOLLOW|O_DIRECTORY says ENOTDIR)"

mkdir -p "$TMP/u/b/tmp" "$TMP/u/b/cur"; ln -s "$TMP/elsewhere" "$TMP/u/b/new"
if is_root; then chown -R "$TEST_USER" "$TMP/u/b"; chown -h "$TEST_USER" "$TMP/u/b/new"; fi
dlv -M "$TMP/u/b" < "$TMP/msg"
is "$RC:$(count_files "$TMP/elsewhere"):$(count_files "$TMP/u/b")" "75:0:0" "symlinked new/: exit 75, nothing written, tmp file removed"

# The Maildir itself may be a symlink: that is the user's own choice.
mkdir -p "$TMP/u/real"; ln -s "$TMP/u/real" "$TMP/u/link"
if is_root; then chown "$TEST_USER" "$TMP/u/real"; fi
dlv -M "$TMP/u/link/Maildir" < "$TMP/msg"
is "$RC:$(count_files "$TMP/u/real/Maildir/new")" "0:1" "a symlink above the Maildir is followed"

# A folder that is a symlink: the message goes to INBOX, never through it.
user_dir "$TMP/u/c"; dlv -M "$TMP/u/c/Maildir" < "$TMP/msg"
ln -s "$TMP/elsewhere" "$TMP/u/c/Maildir/.Junk"; mkdir -p "$TMP/elsewhere/new" "$TMP/elsewhere/tmp" "$TMP/elsewhere/cur"
if is_root; then chown -R "$TEST_USER" "$TMP/u/c" "$TMP/elsewhere"; fi
dlv -e -M "$TMP/u/c/Maildir" -m Junk < "$TMP/msg"
is "$RC:$(count_files "$TMP/elsewhere"):$(count_files "$TMP/u/c/Maildir/new")" "0:0:2" "symlinked folder: filed into INBOX instead"
like "$ERR" "^deliver: folder Junk cannot open Maildir \.Junk: Not a directory: filing into INBOX" "symlinked folder: log line says why"

# State files: symlinks at maildirsize, deliver.db and SQLite's -wal and
# -shm, each pointing at an existing file outside the Maildir that the
# user may write, never lead to a write there.
user_dir "$TMP/out"
for f in mds db wal shm; do printf 'precious %s\n' "$f" > "$TMP/out/$f"; done
is_root && chown "$TEST_USER" "$TMP/out"/*
chmod 600 "$TMP/out"/*
(cd "$TMP/out" && sha256sum mds db wal shm) > "$TMP/out.sha"
user_dir "$TMP/u/d"; M=$TMP/u/d/Maildir
dlv -M "$M" -o quota=1M -f s@x -a r@x < "$TMP/msg"
ln -sf "$TMP/out/mds" "$M/maildirsize"
dlv -e -M "$M" -o quota=1M -f s@x -a r@x < "$TMP/msg"
is "$RC:$(count_files "$M/new"):$(count_files "$M/tmp")" "75:1:0" "symlinked maildirsize: exit 75, nothing filed, no tmp file left"
like "$ERR" "^deliver: cannot open maildirsize: Too many levels of symbolic links$" "symlinked maildirsize: reason"
dlv -M "$M" -o quota=1M --quota --recalc
is "$RC:$(test -L "$M/maildirsize" && echo link)" "75:link" "symlinked maildirsize: --quota --recalc refuses it too"
rm "$M/maildirsize"
ln -sf "$TMP/out/db" "$M/deliver.db"
printf 'Subject: s\nMessage-ID: <sym@x>\n\nb\n' > "$TMP/msg2"
dlv -e -M "$M" -f s@x -a r@x < "$TMP/msg2"
is "$RC:$(count_files "$M/new")" "0:2" "symlinked deliver.db: the message is filed"
like "$ERR" "store $M/deliver.db is a symbolic link: not used" "symlinked deliver.db: refused and logged"
rm "$M/deliver.db"
dlv -M "$M" -f s@x -a r@x < "$TMP/msg"   # a real store again
ln -sf "$TMP/out/wal" "$M/deliver.db-wal"; ln -sf "$TMP/out/shm" "$M/deliver.db-shm"
dlv -e -M "$M" -f s@x -a r@x < "$TMP/msg2"
is "$RC:$(count_files "$M/new")" "0:4" "symlinked deliver.db-wal and -shm: the message is filed"
like "$ERR" "store $M/deliver.db: unable to open database file: not used" "symlinked -wal and -shm: SQLite refuses them, the store is not used"
is "$(cd "$TMP/out" && sha256sum mds db wal shm)" "$(cat "$TMP/out.sha")" "no symlink target was written"
finish
