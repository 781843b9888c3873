#!/bin/bash
# What deliver sends for redirect, reject and vacation, as Pigeonhole
# 0.5.19 sends it: the redirect's envelope sender
# (sieve_redirect_envelope_from), X-Sieve-Redirected-From and its loop
# check, the rejection notice's form, vacation's recipient settings and
# its reply's headers; ORIGINAL_RECIPIENT as the original recipient.
. "$(dirname "$0")/sieve-lib.sh"
plan 47

mail "$TMP/m" "Subject: fwd me" "Message-ID: <s1@example.org>" "To: bob@example.org"
script 'redirect "carol@example.net";'

# redir ARGS...: deliver $TMP/m, the first sendmail argv on one line in $A
redir() {
	reset_md
	sdlv "$TMP/m" "$@"
	A=$(cat "$CAP/argv.0" 2>/dev/null | tr '\n' ' ')
}

redir
is "$RC:$(landed):$A" "0::-i -f alice@example.org -- carol@example.net " "default (sender): the original envelope sender"
is "$(sed -n 2p "$CAP/msg.0")" "X-Sieve-Redirected-From: bob@example.org" "X-Sieve-Redirected-From: the recipient"
is "$(grep -ci '^Return-Path:' "$CAP/msg.0")" "0" "our Return-Path is left out"
redir -o sieve_redirect_envelope_from=recipient
is "$A" "-i -f bob@example.org -- carol@example.net " "recipient"
ORIGINAL_RECIPIENT=all@example.org redir -o sieve_redirect_envelope_from=orig_recipient
is "$A" "-i -f all@example.org -- carol@example.net " "orig_recipient: ORIGINAL_RECIPIENT"
redir -o sieve_redirect_envelope_from=orig_recipient
is "$A" "-i -f bob@example.org -- carol@example.net " "orig_recipient unknown: the final recipient"
redir -o "sieve_redirect_envelope_from= <Bounce@Example.NET> "
is "$A" "-i -f bounce@example.net -- carol@example.net " "explicit address, trimmed and lower-cased"
redir -o "sieve_redirect_envelope_from=<>"
is "$A" "-i -f <> -- carol@example.net " "explicit <>"
redir -o sieve_redirect_envelope_from=user_email
is "$A" "-i -f bob@example.org -- carol@example.net " "user_email without sieve_user_email: the recipient"
redir -o sieve_redirect_envelope_from=user_email -o sieve_user_email=b.obson@example.org
is "$A" "-i -f b.obson@example.org -- carol@example.net " "user_email: sieve_user_email"
is "$(sed -n 2p "$CAP/msg.0")" "X-Sieve-Redirected-From: b.obson@example.org" "X-Sieve-Redirected-From: sieve_user_email"
redir -o sieve_redirect_envelope_from=postmaster
is "$A" "-i -f postmaster@example.org -- carol@example.net " "postmaster: postmaster@ the recipient's domain"
redir -o sieve_redirect_envelope_from=postmaster -o postmaster_address=pm@example.com
is "$A" "-i -f pm@example.com -- carol@example.net " "postmaster: postmaster_address"
redir -o sieve_redirect_envelope_from=postmaster -o "postmaster_address=Mail System <mailer@example.com>"
is "$A" "-i -f mailer@example.com -- carol@example.net " "postmaster: postmaster_address's address without its display name"
FROM=""
redir -o "sieve_redirect_envelope_from=<bounce@example.net>"
is "$A" "-i -f <> -- carol@example.net " "a null sender stays null whatever the setting (RFC 5228 4.2)"
FROM=alice@example.org
redir -o sieve_redirect_envelope_from=somebody
is "$RC:$(sent)" "64:0" "an unknown value is refused (usage error), nothing sent"

mail "$TMP/loop" "X-Sieve-Redirected-From: bob@example.org" "Subject: again"
reset_md
sdlv "$TMP/loop"
is "$RC:$(landed):$(sent)" "0:INBOX/new:0" "redirected by this recipient before: kept, not sent"
like "$ERR" "redirect to <carol@example.net> refused: the message was redirected here before \(X-Sieve-Redirected-From\)" "loop logged"
mail "$TMP/loop2" "X-Sieve-Redirected-From: x@example.net" "Subject: again" "X-Sieve-Redirected-From:  B.Obson@example.org "
reset_md
sdlv "$TMP/loop2" -o sieve_user_email=b.obson@example.org
is "$RC:$(landed):$(sent)" "0:INBOX/new:0" "any X-Sieve-Redirected-From naming sieve_user_email: a loop"
reset_md
sdlv "$TMP/loop2"
is "$RC:$(landed):$(sent)" "0::1" "other addresses there: redirected"
like "$(sed -n 3p "$CAP/msg.0")" "^Message-ID: <[0-9]+\.[0-9]+\.[0-9a-f]{8}\.deliver@[^>]+>$" "a message without Message-ID gets one"
is "$(grep -c '^Message-ID:' "$CAP/msg.0")" "1" "only one"
redir
is "$(grep -c '^Message-ID:' "$CAP/msg.0")" "1" "a message with one keeps its own, none added"

# reject as Pigeonhole's MDN-like notice (RFC 5429)
mail "$TMP/r" "Subject: buy now" "Message-ID: <s2@example.org>" "To: bob@example.org" "Content-Type: text/plain"
script 'require "reject";
reject "I do not want this.";'
reset_md
ORIGINAL_RECIPIENT=all@example.org sdlv "$TMP/r" -o reject_mode=mail
r="$CAP/msg.0"
is "$RC:$(landed):$(cat "$CAP/argv.0" | tr '\n' ' ')" "0::-i -f <> -- alice@example.org " "notice from <> to the sender"
is "$(grep '^From:' "$r")" "From: Postmaster <postmaster@example.org>" "From: the postmaster, named as Dovecot names it"
is "$(grep -m1 '^To:' "$r")" "To: <alice@example.org>" "To: the sender"
is "$(grep -m1 '^Subject:' "$r")" "Subject: Automatically rejected mail" "Subject"
is "$(grep -A1 '^Content-Type: multipart/report' "$r" | tr '\n\t' '| ')" "Content-Type: multipart/report; report-type=disposition-notification;| boundary=\"$(sed -n 's/^.*boundary="\(.*\)"$/\1/p' "$r")\"|" "a disposition-notification report"
like "$(cat "$r")" "Your message to <all@example.org> was automatically rejected:
I do not want this\." "the reason, for the original recipient"
is "$(grep -E '^(Original-Recipient|Final-Recipient|Original-Message-ID|Disposition):' "$r" | tr '\n' '|')" \
   "Original-Recipient: rfc822; all@example.org|Final-Recipient: rfc822; all@example.org|Original-Message-ID: <s2@example.org>|Disposition: automatic-action/MDN-sent-automatically; deleted|" "the MDN fields"
is "$(sed -n '/^Content-Type: message\/rfc822/,$p' "$r" | grep -c -e '^Subject: buy now' -e '^Content-Type: text/plain$' -e '^body$')" "1" "the original header without its Content-Type, no body"
reset_md
sdlv "$TMP/r" -o reject_mode=mail -o postmaster_address="Mail System <mailer@example.com>"
is "$(grep '^From:' "$CAP/msg.0")" "From: Mail System <mailer@example.com>" "From: postmaster_address as written"
reset_md
sdlv "$TMP/r" -o reject_mode=mail -o postmaster_address=pm@example.com
is "$(grep '^From:' "$CAP/msg.0")" "From: Postmaster <pm@example.com>" "From: a bare postmaster_address named Postmaster"

# vacation
script 'require "vacation";
vacation "I am away.";'
# vac DESCRIPTION EXPECTED-SENT HEADER-LINES...
vac() {
	local d=$1 want=$2; shift 2
	reset_md
	mail "$TMP/v" "$@" "Message-ID: <v1@example.org>"
	sdlv "$TMP/v" "${VARGS[@]}"
	is "$RC:$(landed):$(sent)" "0:INBOX/new:$want" "$d"
}
VARGS=()
export ORIGINAL_RECIPIENT=all@example.org
vac "sent to the original recipient: no reply by default" 0 "To: all@example.org" "Subject: hi"
VARGS=(-o sieve_vacation_use_original_recipient=yes)
vac "sieve_vacation_use_original_recipient: reply" 1 "To: all@example.org" "Subject: hi"
is "$(grep '^From:' "$CAP/msg.0")" "From: <all@example.org>" "... from the original recipient"
unset ORIGINAL_RECIPIENT
VARGS=(-o sieve_user_email=b.obson@example.org)
vac "sieve_user_email in To: reply" 1 "To: B.Obson@example.org" "Subject: hi"
is "$(grep '^From:' "$CAP/msg.0")" "From: <b.obson@example.org>" "... from sieve_user_email"
VARGS=(-o sieve_vacation_dont_check_recipient=yes)
vac "sieve_vacation_dont_check_recipient: reply to a list copy" 1 "To: list@example.net" "Subject: hi"
is "$(grep '^From:' "$CAP/msg.0")" "From: <bob@example.org>" "... from the recipient"
VARGS=(-o sieve_vacation_send_from_recipient=yes)
vac "sieve_vacation_send_from_recipient" 1 "To: bob@example.org" "Subject: hi"
is "$(cat "$CAP/argv.0" | tr '\n' ' ')" "-i -f bob@example.org -- alice@example.org " "... the envelope sender is the recipient"
VARGS=()
vac "UTF-8 subject" 1 "To: bob@example.org" "Subject: =?UTF-8?Q?caf=C3=A9?=" "From: \"Alice A.\" <alice@example.org>"
is "$(grep '^Subject:' "$CAP/msg.0")" "Subject: =?UTF-8?B?QXV0bzogY2Fmw6k=?=" "decoded, Auto: prefixed, encoded again (RFC 2047)"
is "$(grep '^To:' "$CAP/msg.0")" "To: \"Alice A.\" <alice@example.org>" "To: the sender with its display name"
VARGS=(-o sieve_vacation_default_subject=Away)
vac "no subject" 1 "To: bob@example.org"
is "$(grep '^Subject:' "$CAP/msg.0")" "Subject: Away" "sieve_vacation_default_subject"
finish
