#!/bin/bash
# deliver --from-procmailrc: the command line's contract.  The script on
# stdout (exact bytes for a small rc), the report on stderr (exact
# lines), the exit codes (0 all exact, 1 differences, 64 usage, 65 an rc
# procmail refuses, 66 unreadable, 73 an install target that exists),
# --install writing through the checker and never replacing a script
# unasked, and nothing ever delivered.  Where each message lands compared
# with procmail itself is the comparison harness's (tests/procmail/).
. "$(dirname "$0")/lib.sh"
plan 28

H="$TMP/home"
mkdir -p "$H"
tr_rc() { # tr_rc ARGS...: translate as the user whose home is $H
	HOME="$H" "$DELIVER" --from-procmailrc "$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}

cat > "$TMP/small.rc" <<'RC'
# a small .procmailrc
MAILDIR=$HOME/Maildir
DEFAULT=$MAILDIR/

:0:
* ^List-Id:.*<deliver\.lists\.example\.org>
.Lists.deliver/

:0
* ^X-Spam-Flag: *YES
/dev/null

:0 c
! archive@example.org
RC
SMALL_SIEVE='# Sieve script translated from a .procmailrc by deliver --from-procmailrc
require ["fileinto", "copy", "regex"];
# .procmailrc line 5
if header :regex "list-id" "<deliver\\.lists\\.example\\.org>" {
	fileinto "Lists.deliver";
	stop;
}
# .procmailrc line 9
if header :regex "x-spam-flag" "^YES" {
	discard;
	stop;
}
# .procmailrc line 13
redirect :copy "archive@example.org";'

tr_rc "$TMP/small.rc"
is "$RC" 0 "every recipe exact: exit 0"
is "$OUT" "$SMALL_SIEVE" "the script, byte for byte"
is "$ERR" "$TMP/small.rc:2: note: MAILDIR=$H/Maildir: folders are relative to deliver's Maildir root
$TMP/small.rc:3: note: DEFAULT=$H/Maildir/: folders are relative to deliver's Maildir root
$TMP/small.rc:5: note: lock file (default) dropped: Sieve needs none
$TMP/small.rc:5: exact
$TMP/small.rc:9: exact
$TMP/small.rc:13: exact
procmailrc: 3 recipes: 3 exact, 0 with differences, 0 not translatable" \
    "the report, line by line"
printf '%s\n' "$OUT" > "$TMP/small.sieve"
"$DELIVER" -c "$DCONF" -C "$TMP/small.sieve" >"$TMP/check" 2>&1
is "$?:$(cat "$TMP/check")" "0:$TMP/small.sieve: OK" "the script passes deliver -C"

# stdin, and the default ~/.procmailrc
tr_rc - < "$TMP/small.rc"
is "$RC:$OUT" "0:$SMALL_SIEVE" "\"-\" reads the rc from stdin"
like "$ERR" '^-:5: exact' "...and the report names it -"
cp "$TMP/small.rc" "$H/.procmailrc"
tr_rc
is "$RC:$OUT" "0:$SMALL_SIEVE" "no FILE: ~/.procmailrc"

# differences and what cannot be translated: exit 1, said line by line
cat > "$TMP/mixed.rc" <<'RC'
:0
* ^From.*joe
friends/

:0 B
* money\/.*
.money/

:0
| /usr/bin/vacation joe

X=`hostname`
RC
tr_rc "$TMP/mixed.rc"
is "$RC" 1 "differences: exit 1, a script all the same"
is "$ERR" "$TMP/mixed.rc:1: differs: a field name without its ':' is read as that field; procmail also matches longer names and the From_ line; Sieve decodes RFC 2047 encoded words (=?charset?..?=) in the field's text, procmail matches them encoded; maildir friends/ becomes the Maildir++ folder .friends/
$TMP/mixed.rc:5: untranslatable: \\/ on the body: Sieve's body test sets no match variables
$TMP/mixed.rc:9: untranslatable: pipes the message to a program
$TMP/mixed.rc:12: untranslatable: \$X takes the output of a program
procmailrc: 4 recipes: 0 exact, 1 with differences, 3 not translatable" \
    "each difference and refusal with its reason"
like "$OUT" '# not translated: [|] /usr/bin/vacation joe' \
    "a program becomes a comment..."
is "$(printf '%s\n' "$OUT" | grep -A2 'vacation joe' | tail -2 | tr '\n' ' ')" \
    "keep; stop; " "...and keep"
printf '%s\n' "$OUT" > "$TMP/mixed.sieve"
ok "that script passes deliver -C too" "$DELIVER" -c "$DCONF" -C "$TMP/mixed.sieve"

# what procmail itself refuses: one line, no script, exit 65
printf ':0\n* ^Subject:.*x\n{\n:0\n.x/\n' > "$TMP/open.rc"
tr_rc "$TMP/open.rc"
is "$RC:$OUT:$ERR" "65::$TMP/open.rc:1: error: missing '}'" "a block left open"
printf 'A=1\n}\n' > "$TMP/close.rc"
tr_rc "$TMP/close.rc"
is "$RC:$OUT:$ERR" "65::$TMP/close.rc:2: error: '}' without a block" "a '}' without a block"
printf ':0\n* x\n' > "$TMP/noaction.rc"
tr_rc "$TMP/noaction.rc"
is "$RC:$ERR" "65:$TMP/noaction.rc:1: error: recipe without an action" "a recipe without an action"

printf ':0\n* ^Subject:(.*x\n.X/\n' > "$TMP/paren.rc"
tr_rc "$TMP/paren.rc"
is "$RC:$OUT:$ERR" "65::$TMP/paren.rc:2: error: Invalid regexp \"^Subject:(.*x\"" \
    "parentheses that do not pair: procmail's Invalid regexp"

# unreadable: 66
tr_rc "$TMP/nonexistent.rc"
is "$RC:$OUT:$ERR" "66::$TMP/nonexistent.rc: cannot read: No such file or directory" "a missing rc: exit 66"
tr_rc --force "$TMP/small.rc"
is "$RC" 64 "--force without --install: usage"

# --install: checked, written, never replacing unasked
tr_rc "$TMP/small.rc" --install="$TMP/inst.sieve" -c "$DCONF"
is "$RC:$OUT" "0:" "--install=PATH: exit 0, nothing on stdout"
is "$(cat "$TMP/inst.sieve")" "$SMALL_SIEVE" "...the script in PATH"
like "$ERR" "procmailrc: installed $TMP/inst.sieve" "...and the report says where"
echo "# mine" > "$TMP/inst.sieve"
tr_rc "$TMP/small.rc" --install="$TMP/inst.sieve" -c "$DCONF"
is "$RC:$(cat "$TMP/inst.sieve")" "73:# mine" "an existing script is not replaced: exit 73"
like "$ERR" "exists: not replaced" "...and the report says why"
tr_rc "$TMP/small.rc" --install="$TMP/inst.sieve" --force -c "$DCONF"
is "$RC:$(cat "$TMP/inst.sieve")" "0:$SMALL_SIEVE" "--force replaces it"
is "$(ls "$TMP" | grep -c 'inst.sieve.')" 0 "no temporary file left behind"
tr_rc "$TMP/small.rc" --install -c "$DCONF"
is "$RC:$(cat "$H/.dovecot.sieve" 2>&1)" "0:$SMALL_SIEVE" "--install alone: ~/.dovecot.sieve"
tr_rc "$TMP/mixed.rc" --install -c "$DCONF"
is "$RC:$(cat "$H/.dovecot.sieve" | head -1)" \
    "73:# Sieve script translated from a .procmailrc by deliver --from-procmailrc" \
    "...which then exists: 73 wins over 1"

# nothing delivered, nothing created besides the install target
is "$(cd "$H" && find . | sort | tr '\n' ' ')" ". ./.dovecot.sieve ./.procmailrc " "no Maildir, no other file"
finish
