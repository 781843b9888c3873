#!/bin/bash
# The native engine's action extensions end to end: imap4flags flags and
# keywords on disk (Dovecot's dovecot-keywords, read back by doveadm),
# the implicit keep's flags, mailboxexists, fileinto :create and :copy,
# reject conflicts, vacation's "do not reply" rules and its period.
. "$(dirname "$0")/sieve-lib.sh"
plan 30

# ndlv MESSAGE ARGS...: sdlv with the native engine
ndlv() { sdlv "$@" -o sieve_engine=native -o dedup=no; }
# own PATH...: what the test made belongs to the delivering user
own() { if is_root; then chown -R "$TEST_USER" "$@"; fi; }

mail "$TMP/m" "Subject: hello" "Message-ID: <n1@example.org>" "To: bob@example.org"

# ---- imap4flags ----

script 'require ["fileinto", "imap4flags"];
fileinto "Junk"; setflag "\\Seen";
fileinto "Junk"; setflag "\\Seen";'
ndlv "$TMP/m"
is "$RC:$(landed)" "0:Junk/cur:2,S" "fileinto + setflag twice (libsieve crashed): one copy in Junk, seen"

reset_md
script 'require ["fileinto", "imap4flags"];
addflag ["$Junk", "\\Flagged"];
fileinto "Junk";'
ndlv "$TMP/m"
is "$RC:$(landed)" "0:Junk/cur:2,Fa" "keyword \$Junk becomes Dovecot's letter a"
is "$(cat "$MD/.Junk/dovecot-keywords")" '0 $Junk' "dovecot-keywords names it"

reset_md
script 'require ["fileinto", "imap4flags"];
fileinto :flags "NonJunk Work" "Junk";
fileinto :flags "$Junk" "Junk";'
mkdir -p "$MD/.Junk/cur" "$MD/.Junk/new" "$MD/.Junk/tmp"
printf '0 Other\n1 nonjunk\n' > "$MD/.Junk/dovecot-keywords"
own "$MD"
ndlv "$TMP/m"
is "$RC:$(landed)" "0:Junk/cur:2,c" "a merged fileinto takes the later :flags (\$Junk: letter c)"
is "$(cat "$MD/.Junk/dovecot-keywords")" '0 Other
1 nonjunk
2 $Junk' "a new keyword takes the next free letter, existing ones kept"

reset_md
script 'require "imap4flags";
setflag "\\Flagged"; addflag "Later";'
ndlv "$TMP/m"
is "$RC:$(landed)" "0:INBOX/cur:2,Fa" "the implicit keep gets the final internal flags"

reset_md
script 'require "imap4flags";
keep; setflag "\\Seen";'
ndlv "$TMP/m"
is "$RC:$(landed)" "0:INBOX/new" "an explicit keep stands for the implicit one"

reset_md
script 'require "imapflags";
mark;'
ndlv "$TMP/m"
is "$RC:$(landed)" "0:INBOX/cur:2,F" "imapflags' mark flags the message"

# a sequence: sieve_before flags, the user's script files (Pigeonhole
# keeps the internal variable through the sequence)
reset_md
printf 'require "imap4flags";\naddflag "$Junk";\n' > "$TMP/before.sieve"
script 'require "fileinto";
fileinto "Work";'
ndlv "$TMP/m" -o sieve_before="$TMP/before.sieve"
is "$RC:$(landed)" "0:Work/cur:2,a" "sieve_before's flags go with the user's fileinto, no extra keep"
reset_md
script 'require "imap4flags";
addflag "\\Seen";'
ndlv "$TMP/m" -o sieve_before="$TMP/before.sieve"
is "$RC:$(landed)" "0:INBOX/cur:2,Sa" "both scripts' flags on the implicit keep"

# Dovecot reads the keywords back (needs doveadm, dovecot-core)
dove() { # dove MAILBOX: the flags doveadm shows for the mailbox's messages
	local run=() user
	user=$(id -un)
	printf 'mail_location = maildir:%s\nnamespace inbox {\n  inbox = yes\n  separator = .\n}\n' \
	    "$MD" > "$TMP/dovecot.conf"
	if is_root; then
		user=$TEST_USER
		run=(setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups)
	fi
	"${run[@]}" env -i PATH="$PATH" USER="$user" HOME="$TMP/u" \
	    doveadm -c "$TMP/dovecot.conf" fetch flags mailbox "$1" all 2>&1
}
reset_md
script 'require ["fileinto", "imap4flags"];
fileinto :flags ["$Junk", "\\Seen", "NonJunk"] "Junk";'
ndlv "$TMP/m"
if command -v doveadm >/dev/null 2>&1; then
	is "$(dove Junk)" 'flags: \Seen \Recent $Junk NonJunk' "Dovecot shows the keywords"
else
	skip "doveadm not installed (dovecot-core)"
fi

# ---- mailbox ----

reset_md
mkdir -p "$MD/.Lists/cur" "$MD/.Lists/new" "$MD/.Lists/tmp" "$MD/.Half"
own "$MD"
script 'require ["fileinto", "mailbox"];
if mailboxexists "Lists" { fileinto "Lists"; }
if mailboxexists "Half" { fileinto "Half"; }
if mailboxexists "Nope" { fileinto "Nope"; }'
ndlv "$TMP/m"
is "$RC:$(landed)" "0:Lists/new" "mailboxexists: an existing folder yes, a bare directory or a missing one no"

reset_md
mkdir -p "$TMP/elsewhere/cur" "$TMP/elsewhere/new" "$TMP/elsewhere/tmp" "$MD"
ln -s "$TMP/elsewhere" "$MD/.Link"
own "$MD" "$TMP/elsewhere"
script 'require ["fileinto", "mailbox"];
if mailboxexists "Link" { discard; }'
ndlv "$TMP/m"
is "$RC:$(landed)" "0:INBOX/new" "mailboxexists does not follow a symlinked folder"
rm -rf "$TMP/elsewhere"

reset_md
script 'require ["fileinto", "mailbox"];
fileinto :create "Made";'
ndlv "$TMP/m" -o autocreate=no
is "$RC:$(landed)" "0:Made/new" "fileinto :create makes the folder even with autocreate=no"

reset_md
script 'require ["fileinto", "copy"];
fileinto :copy "Archive";'
ndlv "$TMP/m"
is "$RC:$(landed)" "0:Archive/new INBOX/new" "fileinto :copy keeps the implicit keep"

# ---- reject ----

reset_md
script 'require ["reject", "fileinto"];
fileinto "A"; reject "no thanks";'
ndlv "$TMP/m"
is "$RC:$(landed)" "0:INBOX/new" "reject after fileinto: the script fails, the message is kept"
like "$ERR" "reject/ereject action conflicts with other action: the fileinto action tries to deliver the message" "the conflict is logged"

reset_md
script 'require "reject";
reject "no thanks";'
ndlv "$TMP/m"
is "$RC:$(landed)" "77:" "reject refuses the message (reject_mode=exit)"

# ---- vacation ----

script 'require "vacation";
vacation :days 3 :addresses ["bob@example.net"] "I am away.";'
# nvac DESCRIPTION EXPECTED-SENT HEADER-LINES...
nvac() {
	local d=$1 want=$2; shift 2
	reset_md
	mail "$TMP/v" "$@" "Subject: question" "Message-ID: <v1@example.org>"
	ndlv "$TMP/v"
	is "$RC:$(landed):$(sent)" "0:INBOX/new:$want" "$d"
}
nvac "a personal message gets a reply" 1 "To: bob@example.org"
nvac "the user only in Resent-To: reply" 1 "To: x@example.net" "Resent-To: bob@example.org"
nvac ":addresses count as the user's" 1 "To: Bob <bob@example.net>"
is "$(grep '^From:' "$CAP/msg.0")" "From: <bob@example.net>" "the reply comes from the :addresses entry found"
nvac "X-Auto-Response-Suppress: DR, OOF: no reply" 0 "To: bob@example.org" "X-Auto-Response-Suppress: DR, OOF"
nvac "mailing list: no reply" 0 "To: bob@example.org" "List-Id: <l.example.org>"
nvac "auto-submitted: no reply" 0 "To: bob@example.org" "Auto-Submitted: auto-replied"
FROM="" nvac "null sender: no reply" 0 "To: bob@example.org"
FROM=bob@example.net nvac "sender among :addresses: no reply" 0 "To: bob@example.org"

# the period: :seconds 0 with sieve_vacation_min_period=0 answers every time
reset_md
rm -f "$TMP/u/deliver.db"
script 'require "vacation-seconds";
vacation :seconds 0 "away";'
mail "$TMP/v" "To: bob@example.org" "Subject: q" "Message-ID: <p1@example.org>"
ndlv "$TMP/v" -o sieve_vacation_min_period=0
ndlv "$TMP/v" -o sieve_vacation_min_period=0
is "$(sent)" 2 ":seconds 0 (minimum 0): every message answered"

reset_md
script 'require "vacation-seconds";
vacation :seconds 30 "away";'
ndlv "$TMP/v"
ndlv "$TMP/v"
is "$(sent)" 1 ":seconds 30 raised to the 1-day minimum: answered once"

# a sequence with two vacations answers once, with the earlier one
reset_md
printf 'require "vacation";\nvacation :subject "first" "a";\n' > "$TMP/before.sieve"
script 'require "vacation";
vacation :subject "second" "b";'
mail "$TMP/v" "To: bob@example.org" "Subject: q" "Message-ID: <w1@example.org>"
ndlv "$TMP/v" -o sieve_before="$TMP/before.sieve"
is "$(sent):$(grep '^Subject:' "$CAP/msg.0")" "1:Subject: first" "two scripts' vacations: one reply, the earlier script's"
finish
