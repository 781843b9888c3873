#!/bin/bash
# Sieve tests: address, header, exists, size, envelope, subaddress,
# relational, regex, comparators, RFC 2047 decoding.
. "$(dirname "$0")/sieve-lib.sh"
plan 23

# check TEST [ARGS...]: "yes" if TEST matches the message
# $TMP/m (filed into folder Yes), else "no".
check() {
	local t=$1; shift
	reset_md
	script "require [\"fileinto\", \"envelope\", \"subaddress\", \"relational\", \"regex\", \"comparator-i;ascii-numeric\"];
if $t { fileinto \"Yes\"; }"
	sdlv "$TMP/m" "$@"
	case "$RC:$(landed)" in
	0:Yes/new) echo yes ;;
	0:INBOX/new) echo no ;;
	*) echo "error rc=$RC $(landed) $ERR" ;;
	esac
}

mail "$TMP/m" "From: =?utf-8?q?J=C3=B6rg_M=C3=BCller?= <Joerg@Example.ORG>" \
    "To: Bob <bob@example.org>, list@lists.example.org" \
    "Cc: carol+work@example.net" \
    "Subject: =?ISO-8859-1?Q?Gr=FC=DFe?= aus Wien 2026" \
    "X-Spam-Score: 12" "X-Priority: 3" "Message-ID: <t1@example.org>"

is "$(check 'address :is "from" "joerg@example.org"')" yes "address :is, case-insensitive by default"
is "$(check 'address :localpart :is "to" "list"')" yes "address :localpart over a list"
is "$(check 'address :domain :is "cc" "example.net"')" yes "address :domain"
is "$(check 'address :all :comparator "i;octet" :is "from" "joerg@example.org"')" no "address with i;octet is case-sensitive"
is "$(check 'header :contains "from" "Jörg Müller"')" yes "header compares the decoded display name (RFC 2047)"
is "$(check 'header :is "subject" "Grüße aus Wien 2026"')" yes "header :is against the decoded subject"
is "$(check 'header :matches "subject" "Gr*Wien*"')" yes "header :matches with wildcards"
is "$(check 'header :contains ["x-nope", "subject"] "wien"')" yes "header over a list of names"
is "$(check 'exists ["x-spam-score", "x-priority"]')" yes "exists: all present"
is "$(check 'exists ["x-spam-score", "x-nope"]')" no "exists: one missing"
is "$(check 'size :over 100')" yes "size :over"
is "$(check 'size :under 1K')" yes "size :under with a K suffix"
is "$(check 'envelope :is "from" "alice@example.org"')" yes "envelope from (-f)"
is "$(check 'envelope :domain :is "to" "example.org"')" yes "envelope to (-a)"
RCPT=bob+lists@example.org
is "$(check 'envelope :detail :is "to" "lists"')" yes "subaddress :detail on the envelope"
is "$(check 'envelope :user :is "to" "bob"')" yes "subaddress :user"
is "$(check 'envelope :detail :is "to" "lists"' -o recipient_delimiter=-)" no "recipient_delimiter changes the split"
RCPT=bob@example.org
# the envelope from the MTA's environment (Postfix, Exim) instead of -f/-a
reset_md
script 'require ["fileinto", "envelope", "subaddress"];
if allof (envelope :is "from" "env@example.net", envelope :detail "to" "ext") { fileinto "Yes"; }'
SENDER=env@example.net RECIPIENT=bob+ext@example.org dlv -e -M "$MD" -s "$TMP/s.sieve" < "$TMP/m"
is "$RC:$(landed)" "0:Yes/new" "envelope from \$SENDER and \$RECIPIENT"
is "$(check 'address :detail :is "cc" "work"')" yes "subaddress :detail on a header address"
is "$(check 'header :value "gt" :comparator "i;ascii-numeric" "x-spam-score" "9"')" yes "relational :value gt numeric"
is "$(check 'header :count "eq" :comparator "i;ascii-numeric" "to" "1"')" yes "relational :count (one To header)"
is "$(check 'header :regex "subject" "^Gr.*[0-9]{4}$"')" yes "regex on the decoded subject"
is "$(check 'header :comparator "i;ascii-casemap" :is "x-priority" "3"')" yes "i;ascii-casemap comparator"
finish
