#!/bin/bash
# vacation (RFC 5230 + RFC 3834): the reply, and every "do not reply" rule.
. "$(dirname "$0")/sieve-lib.sh"
plan 27

script 'require "vacation";
vacation :days 3 "I am away until Monday.";'

# vac DESCRIPTION EXPECTED-SENT HEADER-LINES...: deliver a message with
# these headers (plus a default Subject/Message-ID) and count replies.
vac() {
	local d=$1 want=$2; shift 2
	reset_md
	mail "$TMP/v" "$@" "Subject: question" "Message-ID: <v1@example.org>"
	sdlv "$TMP/v" "${VARGS[@]}"
	is "$RC:$(landed):$(sent)" "0:INBOX/new:$want" "$d"
}
VARGS=()

vac "reply to a personal message" 1 "To: bob@example.org"
r="$CAP/msg.0"
is "$(cat "$CAP/argv.0" | tr '\n' ' ')" "-i -f <> -- alice@example.org " "reply from <> to the envelope sender"
is "$(grep '^To:' "$r")" "To: <alice@example.org>" "To: the sender"
is "$(grep '^From:' "$r")" "From: <bob@example.org>" "From: the user"
is "$(grep '^Subject:' "$r")" "Subject: Auto: question" "default subject Auto: <original>"
is "$(grep '^Auto-Submitted:' "$r")" "Auto-Submitted: auto-replied (vacation)" "Auto-Submitted: auto-replied"
is "$(grep '^In-Reply-To:' "$r")" "In-Reply-To: <v1@example.org>" "In-Reply-To the original Message-ID"
is "$(grep '^References:' "$r")" "References: <v1@example.org>" "References"
is "$(sed -n '/^$/,$p' "$r" | tail -n +2)" "I am away until Monday." "the reason is the body"
like "$ERR" "sieve: vacation reply sent to <alice@example.org>" "reply logged"

vac "user in Cc" 1 "To: x@example.net" "Cc: Bob <bob@example.org>"
# libsieve 2.2.6 itself looks only at To, Cc and Bcc (documented)
VARGS=(-o sieve_engine=libsieve)
vac "user only in Resent-To: libsieve does not call back" 0 "To: x@example.net" "Resent-To: bob@example.org"
VARGS=()
# the native engine, as Pigeonhole's sieve-test: Resent-To counts too
vac "native: user only in Resent-To: reply" 1 "To: x@example.net" "Resent-To: bob@example.org"
vac "user not in To/Cc/Bcc: no reply" 0 "To: x@example.net"
vac "Auto-Submitted: auto-generated: no reply" 0 "To: bob@example.org" "Auto-Submitted: auto-generated"
vac "Auto-Submitted: no: reply" 1 "To: bob@example.org" "Auto-Submitted: no"
vac "List-Id: no reply" 0 "To: bob@example.org" "List-Id: <l.example.org>"
vac "List-Unsubscribe: no reply" 0 "To: bob@example.org" "List-Unsubscribe: <mailto:u@example.org>"
vac "Precedence: bulk: no reply" 0 "To: bob@example.org" "Precedence: bulk"
vac "Precedence: junk: no reply" 0 "To: bob@example.org" "Precedence: junk"
vac "Precedence: list: no reply" 0 "To: bob@example.org" "Precedence: list"
FROM=MAILER-DAEMON@example.org vac "MAILER-DAEMON: no reply" 0 "To: bob@example.org"
FROM=owner-list@example.org vac "owner-*: no reply" 0 "To: bob@example.org"
FROM=list-request@example.org vac "*-request: no reply" 0 "To: bob@example.org"
FROM="" vac "null sender: no reply" 0 "To: bob@example.org"
FROM=bob@example.org vac "the user's own address: no reply" 0 "To: bob@example.org"

# :subject, :from, :mime
reset_md
script 'require "vacation";
vacation :subject "Weg bis Montag – sorry" :from "Bob <bob@example.org>" :mime "Content-Type: text/plain; charset=us-ascii

away";'
mail "$TMP/v" "To: bob@example.org" "Subject: q"
sdlv "$TMP/v"
is "$(grep -E '^(Subject|From|Content-Type):' "$CAP/msg.0" | tr '\n' '|')" \
   "From: Bob <bob@example.org>|Subject: =?UTF-8?B?V2VnIGJpcyBNb250YWcg4oCTIHNvcnJ5?=|Content-Type: text/plain; charset=us-ascii|" \
   ":subject (RFC 2047 encoded), :from and :mime honoured"
finish
