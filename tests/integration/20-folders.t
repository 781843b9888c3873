#!/bin/bash
# -m FOLDER: Maildir++ folders, modified UTF-7, subscriptions, refused names
# and symlinks planted where a folder or subscription file goes.
. "$(dirname "$0")/lib.sh"
plan 28

printf 'Subject: s\n\nb\n' > "$TMP/msg"
user_dir "$TMP/u"
MD="$TMP/u/Maildir"
deliver_to() { dlv -e -M "$MD" "$@" < "$TMP/msg"; }
# the directories in the Maildir root, one per line
root_dirs() { (cd "$MD" && find . -mindepth 1 -maxdepth 1 -type d | sort | tr '\n' ' '); }

deliver_to -m 'A/B'
is "$RC:$(count_files "$MD/.A.B/new"):$(count_files "$MD/new")" "0:1:0" "A/B: filed into .A.B/new"
ok "A/B: maildirfolder is an empty file" test -f "$MD/.A.B/maildirfolder" -a ! -s "$MD/.A.B/maildirfolder"
ok "A/B: tmp/ and cur/ made" test -d "$MD/.A.B/tmp" -a -d "$MD/.A.B/cur"
is "$(od -An -c "$MD/subscriptions" | tr -s ' ')" " V \t 2 \n \n A \t B \n" \
    "A/B: subscribed in Dovecot's version 2 format"

deliver_to -m 'A.B'
is "$RC:$(count_files "$MD/.A.B/new")" "0:2" "A.B: the same folder as A/B"
is "$(cat "$MD/subscriptions")" "$(printf 'V\t2\n\nA\tB')" "A.B: not subscribed twice"

deliver_to -m 'inbox'
is "$RC:$(count_files "$MD/new"):$(root_dirs)" "0:1:./.A.B ./cur ./new ./tmp " "inbox (any case) is the root"

deliver_to -m 'Résumé'
is "$RC:$(count_files "$MD/.R&AOk-sum&AOk-/new")" "0:1" "Résumé: stored as .R&AOk-sum&AOk- (modified UTF-7)"
deliver_to -m '日本語/😀'
is "$RC:$(count_files "$MD/.&ZeVnLIqe-.&2D3eAA-/new")" "0:1" "CJK level and an astral character (surrogate pair)"
is "$(cat "$MD/subscriptions")" "$(printf 'V\t2\n\nA\tB\nR&AOk-sum&AOk-\n&ZeVnLIqe-\t&2D3eAA-')" \
    "subscriptions hold the names as on disk"

deliver_to -o utf8_folders=yes -m 'Größe'
is "$RC:$(count_files "$MD/.Größe/new")" "0:1" "utf8_folders=yes: stored as UTF-8"

deliver_to -o folder_separator=: -m 'X:Y'
is "$RC:$(count_files "$MD/.X.Y/new")" "0:1" "folder_separator=: splits X:Y"

deliver_to -o subscription_format=courier -m 'Lists/deliver'
is "$RC:$(cat "$MD/courierimapsubscribed")" "0:INBOX.Lists.deliver" \
    "subscription_format=courier: courierimapsubscribed line"

deliver_to -o autosubscribe=no -m 'Quiet'
is "$RC:$(count_files "$MD/.Quiet/new"):$(grep -c Quiet "$MD/subscriptions")" "0:1:0" \
    "autosubscribe=no: created, not subscribed"

deliver_to -o autocreate=no -m 'Missing'
is "$RC:$(count_files "$MD/new")" "0:2" "autocreate=no, missing folder: INBOX"
like "$ERR" '^deliver: folder Missing does not exist: filing into INBOX$' "autocreate=no: log line"

# Refused names: INBOX, exit 0, a log line, no directory anywhere.
before=$(root_dirs)
inbox=2
for name in '../x' '.hidden' 'A//B' 'a%b' 'a*b' 'a?b' $'a\x01b'; do
	deliver_to -m "$name"
	inbox=$((inbox + 1))
	got="$RC:$(count_files "$MD/new")"
	[ "$got" = "0:$inbox" ] || echo "# $(printf %q "$name"): $got"
done
is "$got:$(root_dirs)" "0:$inbox:$before" "7 refused names: all in INBOX, exit 0, no folder made"
ok "../x: nothing written outside the Maildir" test ! -e "$TMP/u/x" -a ! -e "$TMP/x"
deliver_to -m '../x'
like "$ERR" "^deliver: folder \"\.\./x\" refused \(leading '\.'\): filing into INBOX$" "../x: log line with the reason"
deliver_to -m 'A//B'
like "$ERR" '^deliver: folder "A//B" refused \(empty level\): filing into INBOX$' "A//B: log line with the reason"
deliver_to -m $'a\x01b'
like "$ERR" '^deliver: folder "a\\001b" refused \(control character\): filing into INBOX$' "control character: log line with the reason, escaped"
is "$(printf '%s' "$ERR" | tr -d '\n' | LC_ALL=C grep -c $'[\x01-\x1f]')" "0" "control character: not copied into the log"
inbox=$((inbox + 3))

# Symlinks: never followed, the message lands in INBOX.
user_dir "$TMP/elsewhere"; mkdir -p "$TMP/elsewhere/tmp" "$TMP/elsewhere/new" "$TMP/elsewhere/cur"
ln -s "$TMP/elsewhere" "$MD/.Evil"
ln -s "$TMP/gone" "$MD/.Dangling"
if is_root; then chown -R "$TEST_USER" "$TMP/elsewhere"; chown -h "$TEST_USER" "$MD/.Evil" "$MD/.Dangling"; fi
deliver_to -m Evil
is "$RC:$(count_files "$TMP/elsewhere"):$(count_files "$MD/new")" "0:0:$((inbox + 1))" \
    "symlinked folder: INBOX, nothing written through the link"
deliver_to -m Dangling
is "$RC:$(count_files "$MD/new")" "0:$((inbox + 2))" "dangling folder symlink: INBOX"
ok "dangling folder symlink: its target is not created" test ! -e "$TMP/gone"

mkdir -p "$MD/.Half/tmp" "$MD/.Half/cur"; ln -s "$TMP/elsewhere/new" "$MD/.Half/new"
if is_root; then chown -R "$TEST_USER" "$MD/.Half"; chown -h "$TEST_USER" "$MD/.Half/new"; fi
deliver_to -m Half
is "$RC:$(count_files "$TMP/elsewhere"):$(count_files "$MD/new")" "0:0:$((inbox + 3))" \
    "symlinked new/ in a folder: INBOX, nothing written through the link"

# A subscription file that is a symlink: the folder is still used, the
# subscription is skipped with a log line, nothing is written through it.
: > "$TMP/target"; chmod 666 "$TMP/target"
mv "$MD/subscriptions" "$TMP/subscriptions.saved"
ln -s "$TMP/target" "$MD/subscriptions"
if is_root; then chown -h "$TEST_USER" "$MD/subscriptions"; fi
deliver_to -m Sub
is "$RC:$(wc -c < "$TMP/target" | tr -d ' '):$(count_files "$MD/.Sub/new")" "0:0:1" \
    "symlinked subscriptions: not written through, message in the folder"
like "$ERR" '^deliver: folder Sub: not subscribed: cannot open subscriptions: Too many levels of symbolic links$' \
    "symlinked subscriptions: log line says why"
finish
