#!/bin/bash
# Every exit code path, each with its one-line reason on stderr.
. "$(dirname "$0")/lib.sh"
plan 16

printf 'Subject: s\n\nb\n' > "$TMP/msg"
user_dir "$TMP/u"

if is_root; then
	"$DELIVER" -c "$DCONF" -M "$TMP/u/r" < "$TMP/msg" 2>"$TMP/err"; rc=$?
	is "$rc:$(cat "$TMP/err")" "64:deliver: running as root needs -d USER" "root without -d: 64"
	"$DELIVER" -c "$DCONF" -d no-such-user-here -M "$TMP/u/r" < "$TMP/msg" 2>"$TMP/err"; rc=$?
	is "$rc:$(cat "$TMP/err")" "67:deliver: unknown user no-such-user-here" "unknown user: 67"
	"$DELIVER" -c "$DCONF" -d root -M "$TMP/u/r" < "$TMP/msg" 2>"$TMP/err"; rc=$?
	is "$rc:$(cat "$TMP/err")" "77:deliver: will not deliver as root (root)" "-d root: 77"
	ensure_test_user
	setpriv --reuid="$TEST_USER" --regid=users --clear-groups "$DELIVER" -c "$DCONF" -d root -M "$TMP/u/r" < "$TMP/msg" 2>"$TMP/err"; rc=$?
	is "$rc:$(cat "$TMP/err")" "77:deliver: only root can deliver for root" "non-root -d another user: 77"
	is "$(ls "$TMP/u")" "" "none of these created anything"
else
	for i in 1 2 3 4 5; do skip "root-only exit code checks: not running as root"; done
fi

# A Maildir whose tmp/ the user cannot write: temporary, nothing visible.
if is_root; then
	user_dir "$TMP/u/ro"; dlv -M "$TMP/u/ro/Maildir" < "$TMP/msg"
	chmod 500 "$TMP/u/ro/Maildir/tmp"
	dlv -M "$TMP/u/ro/Maildir" < "$TMP/msg"
	is "$RC" 75 "read-only tmp/: exit 75"
	like "$ERR" '^deliver: cannot create tmp/[^ ]+: Permission denied$' "read-only tmp/: reason"
	is "$(count_files "$TMP/u/ro/Maildir/new")" 1 "read-only tmp/: no second message visible"
	chmod 700 "$TMP/u/ro/Maildir/tmp"; chmod 500 "$TMP/u/ro/Maildir/new"
	dlv -M "$TMP/u/ro/Maildir" < "$TMP/msg"
	is "$RC:$(count_files "$TMP/u/ro/Maildir/tmp"):$(count_files "$TMP/u/ro/Maildir/new")" "75:0:1" "read-only new/: 75, tmp file removed"
else
	for i in 1 2 3 4; do skip "permission checks need root (root ignores modes; tests switch users)"; done
fi

dlv -M "$TMP/u/x" -p "$TMP/does-not-exist"
is "$RC:$ERR" "66:deliver: cannot open $TMP/does-not-exist: No such file or directory" "missing -p file: 66"

dlv -M "$TMP/u/x" -o no_such_key=1 < "$TMP/msg"
is "$RC:$ERR" "64:deliver: -o unknown key \"no_such_key\"" "unknown -o key: 64"

dlv -M "$TMP/u/x" -o autocreate=maybe < "$TMP/msg"
is "$RC:$ERR" "64:deliver: -o bad value \"maybe\" for autocreate" "bad -o value: 64"

printf '# comment\n\nautocreate = yes\nfolder_separator = ..\n' > "$TMP/bad.conf"
"$DELIVER" -c "$TMP/bad.conf" -M "$TMP/u/x" < "$TMP/msg" 2>"$TMP/err"; rc=$?
is "$rc:$(cat "$TMP/err")" "75:deliver: config: $TMP/bad.conf:4: bad value \"..\" for folder_separator" "bad config line: 75 naming file and line"

"$DELIVER" -c "$TMP/missing.conf" -M "$TMP/u/x" < "$TMP/msg" 2>"$TMP/err"; rc=$?
is "$rc:$(cat "$TMP/err")" "75:deliver: config: $TMP/missing.conf: No such file or directory" "missing -c file: 75"

dlv -M "$TMP/u/x" -Z < "$TMP/msg"
is "$RC" 64 "unknown option: 64"

dlv -M "$TMP/u/x" -f "$(printf 'a@b\nX-Injected: yes')" < "$TMP/msg"
is "$RC:$ERR" "64:deliver: invalid sender address" "a sender with a newline is refused: 64"
finish
