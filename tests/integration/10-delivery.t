#!/bin/bash
# Delivery into a fresh Maildir: exact bytes, names, modes, the log line.
. "$(dirname "$0")/lib.sh"
plan 14

MD="$TMP/u/Maildir"
user_dir "$TMP/u"
printf 'Subject: hello\nMessage-ID: <m1@example.org>\n\nbody line\n' > "$TMP/msg"
printf 'Return-Path: <alice@example.org>\nDelivered-To: bob@example.org\nSubject: hello\nMessage-ID: <m1@example.org>\n\nbody line\n' > "$TMP/expected"

SIZE=$(stat -c %s "$TMP/expected")
dlv -e -M "$MD" -f alice@example.org -a bob@example.org < "$TMP/msg"
is "$RC" 0 "exit 0 on delivery"
f=$(only_file "$MD/new")
is "$(sha "$f")" "$(sha "$TMP/expected")" "bytes on disk: Return-Path, Delivered-To, message"
like "$(basename "$f")" "^[0-9]+\\.M[0-9]{6}P[0-9]+Q1R[0-9a-f]{16}\\.[^/:]+,S=$SIZE\$" "unique name with ,S=size"
is "$(stat -c %a "$f")" 600 "message file mode 0600"
is "$(stat -c %a "$MD") $(stat -c %a "$MD/tmp") $(stat -c %a "$MD/new") $(stat -c %a "$MD/cur")" "700 700 700 700" "Maildir created with mode 0700"
is "$(count_files "$MD/tmp")$(count_files "$MD/cur")" "00" "tmp/ and cur/ left empty"
is "$ERR" "deliver: to=<bob@example.org> from=<alice@example.org> msgid=<m1@example.org> size=$SIZE folder=INBOX status=delivered" "one log line with recipient, sender, Message-ID, size, folder"
if is_root; then
	is "$(stat -c %U "$f")" "$TEST_USER" "file owned by the delivering user"
else
	skip "ownership check needs root"
fi

# A second delivery lands next to the first with another name (dedup off:
# the same Message-ID would otherwise be suppressed, see 50-store-dedup.t).
dlv -M "$MD" -o dedup=no -f alice@example.org -a bob@example.org < "$TMP/msg"
is "$RC:$(count_files "$MD/new")" "0:2" "second delivery adds a second file"
is "$ERR" "" "no stderr output without -e when stderr is not a terminal"

# -p reads the message from a file instead of stdin.
dlv -M "$TMP/u/p" -f alice@example.org -a bob@example.org -p "$TMP/msg" < /dev/null
is "$RC:$(sha "$(only_file "$TMP/u/p/new")")" "0:$(sha "$TMP/expected")" "-p FILE delivers the file"

# The Maildir's parent is never created: a missing home waits for NFS.
dlv -M "$TMP/nohome/Maildir" -a bob@example.org < "$TMP/msg"
is "$RC" 75 "missing parent directory: exit 75"
like "$ERR" "^deliver: cannot create Maildir $TMP/nohome/Maildir: No such file or directory$" "missing parent: clear reason"

# -V and -h
is "$("$DELIVER" -V | head -1)" "deliver 0.1" "-V prints the version"
finish
