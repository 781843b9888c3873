#!/bin/bash
# deliver -C with deliver's own front end: errors with line,
# column and a precise reason; unsupported extensions named; a directory
# of scripts, one verdict a line and a total.
. "$(dirname "$0")/sieve-lib.sh"
# deliver -C for the libsieve path (sieve_engine = libsieve): the front
# end's verdicts; the native engine's -C is checked at the end.
echo "sieve_engine = libsieve" > "$DCONF"
plan 29

SUPPORTED="fileinto reject envelope vacation notify subaddress imap4flags imapflags regex relational comparator-i;octet comparator-i;ascii-casemap comparator-i;ascii-numeric copy mailbox"
put() { printf '%s\n' "$2" > "$1"; }
# check PATH: deliver -C PATH; $RC, $OUT (stdout), $ERR (stderr)
check() {
	OUT=$("$DELIVER" -c "$DCONF" -C "$1" 2>"$TMP/stderr")
	RC=$?
	ERR=$(cat "$TMP/stderr")
}

put "$TMP/v.sieve" 'require ["fileinto", "variables"];
set "a" "b";'
check "$TMP/v.sieve"
is "$RC" 65 "unsupported extension: exit 65"
is "$OUT" "$TMP/v.sieve: line 1, column 22: the \`variables\` extension is not supported by this deliver (supported: $SUPPORTED)" "named as unsupported, with the supported list; set is not reported again"
is "$ERR" "deliver: $TMP/v.sieve: script needs an extension this deliver lacks" "stderr: needs an extension"

put "$TMP/c.sieve" 'require "fileinto";
if true {
	fileinto :create "x";
}'
check "$TMP/c.sieve"
is "$RC:$OUT" "65:$TMP/c.sieve: line 3, column 11: \`fileinto :create\` needs \`require \"mailbox\"\`" ":create without mailbox: line, column, reason"
is "$ERR" "deliver: $TMP/c.sieve: script has errors" "stderr: script has errors"

put "$TMP/s.sieve" 'if header :is "subject" "x" {
	discard
}'
check "$TMP/s.sieve"
is "$RC:$OUT" "65:$TMP/s.sieve: line 2, column 9: expected ';' or a block after 'discard', found '}'" "missing semicolon: where it belongs"

put "$TMP/u.sieve" 'require "fileinto";
fileinto "unterminated;'
check "$TMP/u.sieve"
is "$RC:$OUT" "65:$TMP/u.sieve: line 2, column 10: unterminated string (missing '\"')" "unterminated string: where it starts"

put "$TMP/two.sieve" 'require "fileinto";
FileInto "a";
fileinto :copy "b";
if header :frob "x" "y" { keep; }'
check "$TMP/two.sieve"
is "$RC:$OUT" "65:$TMP/two.sieve: line 3, column 10: \`fileinto :copy\` needs \`require \"copy\"\`
$TMP/two.sieve: line 4, column 11: unknown tagged argument ':frob' for the header test (it takes :is :contains :matches :comparator)" "every error, one a line"

put "$TMP/rw.sieve" 'require ["imapflags", "fileinto", "copy"];
IF header :contains "Subject:" "x" { fileinto :copy "y"; }'
check "$TMP/rw.sieve"
is "$RC:$OUT:$ERR" "0:$TMP/rw.sieve: OK (runs after canonical rewrite: names lower-cased, imapflags -> imap4flags, ':' removed from header names, :copy carried by deliver):" "a rewritten script: OK and what was rewritten, exit 0"

put "$TMP/ok.sieve" 'require "fileinto"; fileinto "x";'
check "$TMP/ok.sieve"
is "$RC:$OUT:$ERR" "0:$TMP/ok.sieve: OK:" "a script libsieve reads as written: OK"

put "$TMP/hf.sieve" 'require "imap4flags";
if hasflag :matches "\\Se*" { keep; }'
check "$TMP/hf.sieve"
is "$RC:$OUT" "65:$TMP/hf.sieve: line 2, column 12: \`hasflag :matches\` is not supported: libsieve 2.2.6 crashes on a match type in hasflag (only the default :is works)" "a construct that crashes libsieve: refused with the reason"

# libsieve still judges the canonical text: a regex it cannot compile
put "$TMP/re.sieve" 'require "regex";
if header :regex "subject" "a(" { keep; }'
check "$TMP/re.sieve"
like "$RC:$OUT" "^65:$TMP/re.sieve: line 2: " "libsieve's own error on the canonical text, with its line"

# A directory
D="$TMP/dir"
mkdir -p "$D/sub.sieve"
put "$D/a-plain.sieve" 'require "fileinto"; fileinto "x";'
put "$D/b-upper.sieve" 'Require "fileinto"; FILEINTO "x";'
put "$D/c-vars.sieve" 'require ["variables", "include"]; set "a" "b";'
put "$D/d-broken.sieve" 'require "fileinto";
fileinto "x"
keep;
stop'
put "$D/e-hasflag.sieve" 'require "imap4flags"; if hasflag :contains "x" { keep; }'
put "$D/f-only-require.sieve" 'require ["fileinto", "mailbox"];'
put "$D/g-two.sieve" 'fileinto "a";
redirect :copy "b";'
put "$D/notes.txt" 'not a script'
put "$D/.hidden.sieve" 'not a script either'
check "$D"
is "$OUT" "a-plain.sieve: runs as written
b-upper.sieve: runs after canonical rewrite (names lower-cased)
c-vars.sieve: needs extension variables include
d-broken.sieve: error at line 4, column 5: expected ';' or a block after 'stop', found end of script
e-hasflag.sieve: cannot run at line 1, column 34: \`hasflag :contains\` is not supported: libsieve 2.2.6 crashes on a match type in hasflag (only the default :is works)
f-only-require.sieve: runs after canonical rewrite (require-only script emptied)
g-two.sieve: error at line 1, column 1: \`fileinto\` needs \`require \"fileinto\"\` (and 1 more)
sub.sieve: cannot read: Invalid argument
total: 8 scripts: 1 runs as written, 2 after canonical rewrite, 1 needs an extension, 1 cannot run, 3 with errors" "directory: one line per *.sieve file (hidden ones and others skipped), then the total"
is "$RC" 65 "directory with scripts that cannot run: exit 65"
is "$ERR" "deliver: $D: 5 of 8 scripts cannot run" "stderr: how many cannot run"

rm -rf "$D/sub.sieve" "$D"/[c-eg]-*.sieve
check "$D"
is "$RC:$OUT:$ERR" "0:a-plain.sieve: runs as written
b-upper.sieve: runs after canonical rewrite (names lower-cased)
f-only-require.sieve: runs after canonical rewrite (require-only script emptied)
total: 3 scripts: 1 runs as written, 2 after canonical rewrite, 0 need an extension, 0 cannot run, 0 with errors:" "directory where every script runs: exit 0, nothing on stderr"

mkdir -p "$TMP/empty"
check "$TMP/empty"
is "$RC:$OUT:$ERR" "66:total: 0 scripts: 0 run as written, 0 after canonical rewrite, 0 need an extension, 0 cannot run, 0 with errors:deliver: $TMP/empty: no *.sieve file in the directory" "a directory without scripts: exit 66"
check "$TMP/nonexistent"
is "$RC:$OUT" "66:" "a missing path: exit 66, nothing on stdout"
# ---- -C for the native engine (-o sieve_engine=native) ----
ncheck() {
	OUT=$("$DELIVER" -c "$DCONF" -o sieve_engine=native -C "$1" 2>"$TMP/stderr")
	RC=$?
	ERR=$(cat "$TMP/stderr")
}
put "$TMP/n1.sieve" 'require ["fileinto", "copy"];
if header :contains "subject" "x" { fileinto :copy "A"; }'
ncheck "$TMP/n1.sieve"
is "$RC:$OUT:$ERR" "0:$TMP/n1.sieve: OK:" "native -C: a good script: OK, exit 0"
ncheck "$TMP/c.sieve"
is "$RC:$OUT" "65:$TMP/c.sieve: line 3, column 11: \`fileinto :create\` needs \`require \"mailbox\"\`" "native -C: :create without mailbox: line, column, reason"
put "$TMP/n2.sieve" 'require "nosuch-ext";'
ncheck "$TMP/n2.sieve"
like "$RC:$OUT:$ERR" "^65:$TMP/n2.sieve: line 1, column 9: unknown extension \`nosuch-ext\` \(supported: body comparator-i;ascii-casemap .*\):deliver: $TMP/n2.sieve: script needs an extension this deliver lacks\$" "native -C: an unknown extension named, exit 65"
# A NUL byte makes a broken script, not an unreadable file: where it is,
# and the exit code of a script with errors (65), with either engine
printf 'keep;\0' > "$TMP/nul1.sieve"
ncheck "$TMP/nul1.sieve"
is "$RC:$OUT:$ERR" "65:$TMP/nul1.sieve: line 1, column 6: the script holds a NUL byte:deliver: $TMP/nul1.sieve: script has errors" "native -C: a 6-byte 'keep;\\0': the NUL's line and column, exit 65"
printf 'require "fileinto";\nif true {\n  keep;\0\n}\n' > "$TMP/nul2.sieve"
check "$TMP/nul2.sieve"
is "$RC:$OUT" "65:$TMP/nul2.sieve: line 3, column 8: the script holds a NUL byte" "libsieve -C: the same, on line 3"
mkdir "$TMP/nuldir"
cp "$TMP/nul2.sieve" "$TMP/nuldir/a.sieve"
ncheck "$TMP/nuldir"
is "$RC:$(printf '%s' "$OUT" | head -1)" "65:a.sieve: error at line 3, column 8: the script holds a NUL byte" "-C DIR: the NUL named in the file's verdict"
# at delivery: kept in INBOX, the error with its position in <script>.err
# (the script in the user's directory, where deliver may write its .err)
S="$TMP/u/nul.sieve"
cp "$TMP/nul2.sieve" "$S"
chmod 644 "$S"
mail "$TMP/m" "Subject: x" "Message-ID: <nul@example.org>"
dlv -e -M "$MD" -s "$S" -f "$FROM" -a "$RCPT" -o sieve_engine=native < "$TMP/m"
is "$RC:$(landed)" "0:INBOX/new" "delivery through a script with a NUL byte: kept in INBOX"
is "$(cat "$S.err")" "$S: line 3, column 8: the script holds a NUL byte" "<script>.err: the NUL's line and column"
like "$ERR" "sieve: $S: error: line 3, column 8: the script holds a NUL byte" "and the log says why"
reset_md
dlv -e -M "$MD" -s "$S" -f "$FROM" -a "$RCPT" < "$TMP/m"
is "$RC:$(landed)" "0:INBOX/new" "libsieve engine: kept in INBOX too"
like "$ERR" "sieve: $S: the script holds a NUL byte; keeping the message" "and the log says why"
finish
