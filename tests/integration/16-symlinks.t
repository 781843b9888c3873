#!/bin/bash
# Symlinks planted inside the Maildir never redirect a write.
. "$(dirname "$0")/lib.sh"
plan 6

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
finish
