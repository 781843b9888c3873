#!/bin/bash
# Sieve actions: keep, fileinto, discard, stop, flags, implicit keep,
# several copies as hard links of one file.
. "$(dirname "$0")/sieve-lib.sh"
plan 19

mail "$TMP/m" "Subject: hello" "Message-ID: <a1@example.org>" "To: bob@example.org"

script 'keep;'
sdlv "$TMP/m"
is "$RC:$(landed)" "0:INBOX/new" "keep files into INBOX"

reset_md
script 'require "fileinto";
fileinto "Archive";'
sdlv "$TMP/m"
is "$RC:$(landed)" "0:Archive/new" "fileinto files into the folder only"
like "$ERR" "folder=Archive status=delivered" "log line names the folder"

reset_md
script 'require "fileinto";
fileinto "Lists/deliver";
fileinto "Archive";
fileinto "Archive";
keep;'
sdlv "$TMP/m"
is "$RC:$(landed)" "0:Archive/new INBOX/new Lists.deliver/new" "three folders, the same folder twice filed once"
inodes=$(find "$MD" \( -path '*/new/*' \) -type f -exec stat -c %i {} + | sort -u | wc -l)
is "$inodes" 1 "all copies are hard links of one file"

reset_md
script 'discard;'
sdlv "$TMP/m"
is "$RC:$(landed)" "0:" "discard files nothing and exits 0"

reset_md
script 'require "fileinto";
if header :contains "subject" "hello" { fileinto "A"; stop; }
fileinto "B";'
sdlv "$TMP/m"
is "$RC:$(landed)" "0:A/new" "stop ends the script"

reset_md
script 'if header :contains "subject" "nomatch" { discard; }'
sdlv "$TMP/m"
is "$RC:$(landed)" "0:INBOX/new" "no action: implicit keep"

reset_md
script 'require ["fileinto", "imap4flags"];
fileinto :flags ["\\Seen", "\\Flagged"] "Read";'
sdlv "$TMP/m"
is "$RC:$(landed)" "0:Read/cur:2,FS" "fileinto :flags: cur/ with :2,FS"

reset_md
script 'require ["imap4flags"];
keep :flags "\\Answered \\Draft \\Deleted";'
sdlv "$TMP/m"
is "$RC:$(landed)" "0:INBOX/cur:2,DRT" "keep :flags with several flags in one string"

reset_md
script 'require ["fileinto", "imap4flags"];
fileinto :flags ["$Label1", "\\Seen"] "K";'
sdlv "$TMP/m" -o sieve_engine=libsieve
is "$RC:$(landed)" "0:K/cur:2,S" "keywords are dropped, system flags kept"
like "$ERR" 'sieve: .*s\.sieve: flag "\$Label1" is not a Maildir flag: dropped' "dropped keyword is logged"
# native: the keyword is kept as Dovecot keeps it, a letter of the
# folder's dovecot-keywords
reset_md
sdlv "$TMP/m"
is "$RC:$(landed):$(cat "$MD/.K/dovecot-keywords" 2>&1)" "0:K/cur:2,Sa:0 \$Label1" "native: the keyword filed as Dovecot's letter a"

reset_md
script 'require ["imap4flags"];
addflag "\\Flagged";
keep;'
sdlv "$TMP/m"
is "$RC:$(landed)" "0:INBOX/cur:2,F" "addflag then keep: the flag is kept"

reset_md
script 'require ["imap4flags"];
addflag "\\Flagged";'
sdlv "$TMP/m" -o sieve_engine=libsieve
is "$RC:$(landed)" "0:INBOX/new" "addflag alone: the implicit keep has no flags (libsieve, documented)"
# native: RFC 5232 section 3, as Pigeonhole: the implicit keep takes the
# internal flags
reset_md
sdlv "$TMP/m"
is "$RC:$(landed)" "0:INBOX/cur:2,F" "native: addflag alone: the implicit keep is flagged"

reset_md
script 'require "fileinto";
fileinto "../../etc";'
sdlv "$TMP/m"
is "$RC:$(landed)" "0:INBOX/new" "a refused folder name files into INBOX"

reset_md
script 'require "fileinto";
fileinto "Caf\"e";'
sdlv "$TMP/m"
is "$RC:$(landed)" '0:Caf"e/new' 'escaped quote in a folder name is unescaped'

reset_md
script 'require "fileinto";
fileinto "INBOX";'
sdlv "$TMP/m"
is "$RC:$(landed)" "0:INBOX/new" "fileinto INBOX is the root"
finish
