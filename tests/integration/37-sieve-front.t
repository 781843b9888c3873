#!/bin/bash
# deliver's own Sieve front end: scripts libsieve 2.2.6 cannot
# read as written run after the canonical rewrite and file the message
# where Pigeonhole (RFC 5228 and its extensions) files it; :copy and
# :create are carried by deliver.
. "$(dirname "$0")/sieve-lib.sh"
# All of this is the libsieve path (sieve_engine = libsieve); the native
# engine's answers to the same scripts are at the end.
echo "sieve_engine = libsieve" > "$DCONF"
plan 27

# A subject ending in a backslash, for the string test below.
mail "$TMP/m" 'Subject: Invoice C:\TEMP\' "From: alice@example.org" \
    "To: bob@example.org" "Message-ID: <front1@example.org>"
# run SCRIPT ARGS...: deliver $TMP/m through SCRIPT into a fresh Maildir
run() { reset_md; script "$1"; shift; sdlv "$TMP/m" "$@"; }

# RFC 5228 section 2.9: identifiers are case-insensitive.
run 'REQUIRE "fileinto";
IF HEADER :CONTAINS "Subject" "invoice" { FileInto "Upper"; Stop; }
Keep;'
is "$RC:$(landed)" "0:Upper/new" "upper-case keywords: filed into Upper only"

# The old name imapflags (draft-melnikov-sieve-imapflags-03) runs as
# imap4flags: addflag sets the flags later filing actions use.
run 'require ["imapflags", "fileinto"];
addflag "\\Seen";
fileinto "Flagged";'
is "$RC:$(landed)" "0:Flagged/cur:2,S" "imapflags: filed with \\Seen (cur/, :2,S)"

# A header name written with its colon: the colon goes, Subject is tested.
run 'require "fileinto";
if header :contains "Subject:" "invoice" { fileinto "Colon"; }'
is "$RC:$(landed)" "0:Colon/new" "header name \"Subject:\": tested as Subject"

# A key ending in a backslash ("C:\\TEMP\\" is C:\TEMP\).
run 'require "fileinto";
if header :contains "subject" "C:\\TEMP\\" { fileinto "Backslash"; }'
is "$RC:$(landed)" "0:Backslash/new" ":contains \"C:\\\\TEMP\\\\\": matches the subject ending in a backslash"
run 'require "fileinto";
if header :is "subject" "invoice c:\\temp" { fileinto "Wrong"; }'
is "$RC:$(landed)" "0:INBOX/new" ":is without the final backslash does not match"
run 'require "fileinto";
if header :is "subject" "invoice c:\\temp\\" { fileinto "Exact"; }'
is "$RC:$(landed)" "0:Exact/new" ":is with it matches (case-insensitively)"

# A key holding a double quote (libsieve would compare its backslash too).
mail "$TMP/q" 'Subject: say "hi" now' "Message-ID: <front2@example.org>"
mail "$TMP/q2" 'Subject: say \"hi\" now' "Message-ID: <front3@example.org>"
script 'require "fileinto";
if header :contains "subject" "say \"HI\"" { fileinto "Quoted"; }'
reset_md; sdlv "$TMP/q"
is "$RC:$(landed)" "0:Quoted/new" ":contains \"say \\\"HI\\\"\": matches say \"hi\""
reset_md; sdlv "$TMP/q2"
is "$RC:$(landed)" "0:INBOX/new" "...and not say \\\"hi\\\" (backslashes in the header)"

# A script of nothing but require: the implicit keep.
run 'require ["fileinto", "imap4flags"];'
is "$RC:$(landed)" "0:INBOX/new" "require-only script: implicit keep into INBOX"
ok "require-only script: no .err file" test ! -e "$TMP/s.sieve.err"

# :copy (RFC 3894): the implicit keep stays.
run 'require ["copy", "fileinto"];
fileinto :copy "Copies";'
is "$RC:$(landed)" "0:Copies/new INBOX/new" "fileinto :copy: the folder and INBOX"
inodes=$(find "$MD" -path '*/new/*' -type f -exec stat -c %i {} + | sort -u | wc -l)
is "$inodes" 1 "both copies are one file (hard links)"
run 'require "copy";
redirect :copy "carol@example.net";'
is "$RC:$(landed):$(sent):$(cat "$CAP/argv.0" 2>/dev/null | tail -1)" \
    "0:INBOX/new:1:carol@example.net" "redirect :copy: sent to carol and kept in INBOX"
run 'require ["copy", "fileinto"];
fileinto :copy "Copies";
discard;'
is "$RC:$(landed)" "0:Copies/new" "fileinto :copy then discard: only the folder"

# fileinto :create (RFC 5490) creates the folder even with autocreate off;
# without it a missing folder is not made and the message stays in INBOX.
run 'require ["fileinto", "mailbox"];
fileinto :create "Made";' -o autocreate=no
is "$RC:$(landed)" "0:Made/new" "fileinto :create with autocreate=no: folder made"
ok "Made is a Maildir++ folder (maildirfolder)" test -f "$MD/.Made/maildirfolder"
run 'require "fileinto";
fileinto "NotMade";' -o autocreate=no
is "$RC:$(landed)" "0:INBOX/new" "plain fileinto with autocreate=no: INBOX"
ok "NotMade was not created" test ! -e "$MD/.NotMade"
run 'require ["fileinto", "mailbox", "copy"];
fileinto :create :copy "Both";' -o autocreate=no
is "$RC:$(landed)" "0:Both/new INBOX/new" ":create :copy together"

# Refused scripts follow the failsafe path: INBOX and a precise .err
# (next to a script in a directory the user may write to).
U="$TMP/u/front.sieve"
urun() {
	reset_md; printf '%s\n' "$1" > "$U"; chmod 644 "$U"
	dlv -e -M "$MD" -s "$U" -f "$FROM" -a "$RCPT" < "$TMP/m"
}
urun 'require ["variables", "fileinto"];
set "box" "Lists";
fileinto "${box}";'
is "$RC:$(landed)" "0:INBOX/new" "variables: INBOX (implicit keep)"
is "$(cat "$U.err")" "$U: line 1, column 10: the \`variables\` extension is not supported by this deliver (supported: fileinto reject envelope vacation notify subaddress imap4flags imapflags regex relational comparator-i;octet comparator-i;ascii-casemap comparator-i;ascii-numeric copy mailbox)" ".err names the unsupported extension"
like "$ERR" "sieve: $U: script needs an extension deliver lacks; keeping the message" "logged"
urun 'require "imap4flags";
if hasflag :contains "\\Seen" { discard; }'
is "$RC:$(landed)" "0:INBOX/new" "hasflag :contains (crashes libsieve): refused, INBOX"
is "$(cat "$U.err")" "$U: line 2, column 12: \`hasflag :contains\` is not supported: libsieve 2.2.6 crashes on a match type in hasflag (only the default :is works)" ".err says why"
# ---- the native engine on the same scripts ----
# A header name with its colon names no header: Pigeonhole 0.5.19's
# sieve-test keeps such a message in INBOX, and so does the native engine.
run 'require "fileinto";
if header :contains "Subject:" "invoice" { fileinto "Colon"; }' -o sieve_engine=native
is "$RC:$(landed)" "0:INBOX/new" "native: header name \"Subject:\" names no header (Pigeonhole): INBOX"
run 'REQUIRE "fileinto";
IF HEADER :CONTAINS "Subject" "invoice" { FileInto "Upper"; Stop; }
Keep;' -o sieve_engine=native
is "$RC:$(landed)" "0:Upper/new" "native: upper-case keywords: filed into Upper only"
run 'require ["fileinto", "mailbox", "copy"];
fileinto :create :copy "Both";' -o sieve_engine=native -o autocreate=no
is "$RC:$(landed)" "0:Both/new INBOX/new" "native: :create :copy together"
finish
