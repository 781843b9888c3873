#!/bin/bash
# deliver --redeliver of mbox files: split on From_ lines, mboxrd
# unquoting, byte-exact results; hostile mboxes (no final newline, From
# inside a body, an empty file, binary junk, a line longer than the
# splitter's buffer).
. "$(dirname "$0")/lib.sh"
plan 15
MD="$TMP/u/Maildir"
user_dir "$TMP/u"
by_id() { grep -l -a "^Message-ID: <$1>" "$MD"/new/* 2>/dev/null; }

printf '%s\n' \
	'From alice@example.org Mon Nov 23 09:00:00 2026' \
	'From: Alice <alice@example.org>' \
	'Subject: one' \
	'Message-ID: <1@mbox>' \
	'' \
	'>From the start of a line' \
	'>>From quoted twice' \
	' From not at line start' \
	'>Fromage' \
	'' \
	'From bob@example.org Mon Nov 23 09:00:01 2026' \
	'Return-Path: <bob@example.org>' \
	'Subject: two' \
	'Message-ID: <2@mbox>' \
	'' \
	'second, ends in an empty line' \
	'' \
	'' \
	'From MAILER-DAEMON Mon Nov 23 09:00:02 2026' \
	'Subject: three' \
	'Message-ID: <3@mbox>' \
	'' > "$TMP/in.mbox"
printf 'no final newline' >> "$TMP/in.mbox"
chmod 644 "$TMP/in.mbox"

printf '%s\n' 'Return-Path: <alice@example.org>' 'From: Alice <alice@example.org>' \
	'Subject: one' 'Message-ID: <1@mbox>' '' 'From the start of a line' \
	'>From quoted twice' ' From not at line start' '>Fromage' > "$TMP/e1"
printf '%s\n' 'Return-Path: <bob@example.org>' 'Subject: two' 'Message-ID: <2@mbox>' \
	'' 'second, ends in an empty line' '' > "$TMP/e2"
printf '%s\n' 'Return-Path: <>' 'Subject: three' 'Message-ID: <3@mbox>' '' > "$TMP/e3"
printf 'no final newline' >> "$TMP/e3"

cp "$TMP/in.mbox" "$TMP/keep.mbox"
dlv --redeliver -M "$MD" -a u@x "$TMP/in.mbox"
is "$RC" 0 "import exits 0"
is "$ERR" "redelivery: messages 3, delivered 3, discarded 0, duplicates 0, failed 0
  filed into INBOX: 3" "summary: three messages"
is "$(count_files "$MD/new")" 3 "three files in INBOX"
ok "message 1: From_ line gone, Return-Path from it, >From unquoted once" cmp "$(by_id 1@mbox)" "$TMP/e1"
ok "message 2: its own Return-Path kept, its empty last line kept" cmp "$(by_id 2@mbox)" "$TMP/e2"
ok "message 3: MAILER-DAEMON is <>, no final newline kept" cmp "$(by_id 3@mbox)" "$TMP/e3"
ok "without --move the mbox stays as it was" cmp "$TMP/in.mbox" "$TMP/keep.mbox"

# the same mbox again in the same run twice: each message once
rm -rf "$MD"
cp "$TMP/in.mbox" "$TMP/keep.mbox" "$TMP/u/"
dlv --redeliver --move -M "$MD" -a u@x "$TMP/u/in.mbox" "$TMP/u/keep.mbox"
is "$RC:$(count_files "$MD/new")" "0:3" "an mbox given twice: each message filed once"
ok "--move: the fully delivered mbox is removed" test ! -e "$TMP/u/in.mbox"
ok "--move: the mbox whose messages were duplicates stays" test -f "$TMP/u/keep.mbox"
like "$ERR" "duplicate $TMP/u/keep.mbox\[3\]: Message-ID <3@mbox> delivered earlier in this run" "duplicates are named PATH[N]"

# an empty file holds no message; never removed
: > "$TMP/u/empty.mbox"
dlv --redeliver --move -M "$MD" -a u@x "$TMP/u/empty.mbox"
is "$RC:$ERR" "0:redelivery: messages 0, delivered 0, discarded 0, duplicates 0, failed 0
  sources removed: 0" "an empty file: no message, exit 0"
ok "the empty file stays" test -f "$TMP/u/empty.mbox"

# binary junk and a 200 KiB line (longer than the splitter's buffer)
rm -rf "$MD"
{ printf 'Subject: junk\nMessage-ID: <j@mbox>\n\n'
  perl -e 'print map { chr } grep { $_ != 10 && $_ != 13 } 0..255 for 1..10; print "\n"'
  printf '\0\001\377 binary\n'
  head -c 204800 /dev/zero | tr '\0' 'y'; printf '\n'; } > "$TMP/junk.body"
{ printf 'From junk@x Mon Nov 23 09:00:00 2026\n'; cat "$TMP/junk.body"
  printf '>From \0 nul\n\nFrom next@x Mon Nov 23 09:00:00 2026\nMessage-ID: <k@mbox>\n\nk\n'; } > "$TMP/u/junk.mbox"
{ printf 'Return-Path: <junk@x>\n'; cat "$TMP/junk.body"; printf 'From \0 nul\n'; } > "$TMP/junk.expected"
dlv --redeliver -M "$MD" -a u@x "$TMP/u/junk.mbox"
is "$RC:$(count_files "$MD/new")" "0:2" "binary junk and a long line: two messages"
ok "the junk message, byte for byte" cmp "$(by_id j@mbox)" "$TMP/junk.expected"
finish
