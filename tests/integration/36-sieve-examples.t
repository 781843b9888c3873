#!/bin/bash
# Every script in sieve-examples/: a message that matches lands where the
# script says, one that does not lands in INBOX.
. "$(dirname "$0")/sieve-lib.sh"

plan 34

EX="$SRCDIR/sieve-examples"
# through EXAMPLE MESSAGE-HEADERS...: deliver through the example; prints
# "RC:landed:sent"
through() {
	local ex=$1; shift
	reset_md
	cp "$EX/$ex" "$TMP/s.sieve"; chmod 644 "$TMP/s.sieve"
	mail "$TMP/x" "$@"
	sdlv "$TMP/x"
	echo "$RC:$(landed):$(sent)"
}

is "$(through spam.sieve "Subject: win" "X-Spam-Flag: YES")" "0:Junk/new:0" "spam: X-Spam-Flag"
is "$(through spam.sieve "Subject: win" "X-Spam-Status: Yes, score=9.1")" "0:Junk/new:0" "spam: X-Spam-Status"
is "$(through spam.sieve "Subject: hi" "X-Spam-Status: No, score=0.1")" "0:INBOX/new:0" "spam: ham stays in INBOX"
is "$(through lists.sieve "List-Id: Debian Devel <debian-devel.lists.debian.org>")" "0:Lists.debian-devel/new:0" "lists: by List-Id"
is "$(through lists.sieve "List-Id: <x.example.org>")" "0:Lists.other/new:0" "lists: any other list"
is "$(through lists.sieve "Subject: personal")" "0:INBOX/new:0" "lists: no list header"
RCPT=bob+shop@example.org
is "$(through plus-detail.sieve "Subject: order")" "0:Shopping/new:0" "plus-detail: +shop"
RCPT=bob+github@example.org
is "$(through plus-detail.sieve "Subject: PR")" "0:Dev.GitHub/new:0" "plus-detail: +github"
RCPT=bob@example.org
is "$(through plus-detail.sieve "Subject: plain")" "0:INBOX/new:0" "plus-detail: no detail"
is "$(through vacation.sieve "To: bob@example.org" "Subject: lunch?")" "0:INBOX/new:1" "vacation: kept and answered"
is "$(grep '^Subject:' "$CAP/msg.0")" "Subject: Out of office" "vacation: its :subject"
is "$(through vacation.sieve "To: bob@example.org" "List-Id: <l.example.org>")" "0:INBOX/new:0" "vacation: list mail not answered"
big="$TMP/big"
{ printf 'Subject: big\n\n'; head -c 6000000 /dev/zero | tr '\0' 'x'; printf '\n'; } > "$big"
cp "$EX/large.sieve" "$TMP/s.sieve"; chmod 644 "$TMP/s.sieve"; reset_md
sdlv "$big"
is "$RC:$(landed)" "0:INBOX/cur:2,F" "large: over 5M flagged"
is "$(through large.sieve "Subject: small")" "0:INBOX/new:0" "large: small message untouched"
is "$(through copy-redirect.sieve "From: Billing <billing@example.com>")" "0:INBOX/new:1" "copy-redirect: kept and redirected"
is "$(tail -1 "$CAP/argv.0")" "bookkeeper@example.net" "copy-redirect: to the bookkeeper"
is "$(through regex-subject.sieve "Subject: [JIRA] (PROJ-123) Crash on start")" "0:Work.Tickets/new:0" "regex-subject: ticket"
is "$(through regex-subject.sieve "Subject: Re: [JIRA] (PROJ-123) Crash")" "0:INBOX/new:0" "regex-subject: anchored, a reply does not match"
is "$(through multi-condition.sieve "From: ap@example.com" "Subject: Your invoice 42")" "0:Finance/cur:2,S:0" "multi-condition: all true"
is "$(through multi-condition.sieve "From: ap@example.com" "Subject: Your invoice 42" "X-Spam-Flag: YES")" "0:INBOX/new:0" "multi-condition: spam excluded"
is "$(through newsletters.sieve "List-Unsubscribe: <mailto:u@shop.example>")" "0:Newsletters/cur:2,S:0" "newsletters: filed as read"
is "$(through reject-sender.sieve "From: pest@example.net")" "77::0" "reject-sender: exit 77"
is "$(through reject-sender.sieve "From: friend@example.net")" "0:INBOX/new:0" "reject-sender: others delivered"
is "$(through edit-header.sieve "Subject: win" "X-Spam-Status: Yes, score=9.1" "X-Spam-Report: long")" "0:Junk/new:0" "edit-header: spam into Junk"
f=$(only_file "$MD/.Junk/new")
is "$(grep -c '^X-Spam-Report:' "$f"):$(grep '^X-Junk-Score:' "$f")" "0:X-Junk-Score: 9.1" "edit-header: report removed, score added"
is "$(through edit-header.sieve "Subject: hi" "X-Spam-Status: No, score=0.1" "X-Spam-Report: short")" "0:INBOX/new:0" "edit-header: ham untouched"
# include.sieve with sieve-examples/ as the user's Sieve directory
inc() { reset_md; cp "$EX/include.sieve" "$TMP/s.sieve"; chmod 644 "$TMP/s.sieve"
	mail "$TMP/x" "$@"; sdlv "$TMP/x" -o sieve_dir="$EX"; echo "$RC:$(landed):$(sent)"; }
is "$(inc "Subject: win" "X-Spam-Flag: YES" "List-Id: <x.example.org>")" "0:Junk/new:0" "include: spam.sieve files and stops"
is "$(inc "List-Id: Debian Devel <debian-devel.lists.debian.org>")" "0:Lists.debian-devel/new:0" "include: then lists.sieve"
is "$(inc "Subject: personal")" "0:INBOX/new:0" "include: neither"
# duplicate.sieve: twice the same Message-ID
reset_md
cp "$EX/duplicate.sieve" "$TMP/s.sieve"; chmod 644 "$TMP/s.sieve"
mail "$TMP/x" "Subject: twice" "Message-ID: <twice@example.org>"
sdlv "$TMP/x" -o dedup=no
is "$RC:$(landed)" "0:INBOX/new" "duplicate: the first copy in INBOX"
sdlv "$TMP/x" -o dedup=no
is "$RC:$(landed)" "0:Duplicates/new INBOX/new" "duplicate: the second in Duplicates"
is "$(through notify-boss.sieve "From: Boss <boss@example.com>" "Subject: budget")" "0:INBOX/new:1" "notify-boss: kept and notified"
is "$(tail -1 "$CAP/argv.0")|$(grep -E '^(Subject|Importance):' "$CAP/msg.0" | tr '\n' '|')" \
   "bob.phone@example.net|Subject: Boss: budget|Importance: High|" "notify-boss: to the phone, subject from :message"
is "$(through notify-boss.sieve "From: boss@example.com" "Auto-Submitted: auto-generated")" "0:INBOX/new:0" "notify-boss: automated mail not notified"
finish
