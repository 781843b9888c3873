#!/bin/bash
# enotify (RFC 5435/5436 mailto) and the deprecated notify draft: the
# notification a delivery sends through sendmail, byte for byte (Date and
# Message-ID replaced), and the cases where none is sent.
. "$(dirname "$0")/sieve-lib.sh"
plan 17

# the captured message N with its Date and Message-ID made constant
shown() {
	sed -E 's/^Date: .*/Date: D/; s/^Message-ID: .*/Message-ID: M/' \
	    "$CAP/msg.$1"
}
argv() { tr '\n' ' ' < "$CAP/argv.$1"; }

script 'require ["enotify", "variables"];
if header :matches "Subject" "*" { set :encodeurl "s" "New: ${1}"; }
notify :importance "1" :from "Bob <bob@example.org>"
  "mailto:carol@example.net%2CDave%20%3Cdave@Example.NET%3E?cc=erin@example.net&subject=${s}&body=From%20alice%0D%0Abye&X-Tag=a%3Db&bcc=evil@example.org&From=evil@example.org";'
reset_md
mail "$TMP/m" "To: bob@example.org" "Subject: lunch?"
sdlv "$TMP/m"
is "$RC:$(landed):$(sent)" "0:INBOX/new:3" "filed, and one notification per recipient"
is "$(argv 0)|$(argv 1)|$(argv 2)" \
   "-i -f bob@example.org -- carol@example.net |-i -f bob@example.org -- dave@example.net |-i -f bob@example.org -- erin@example.net " \
   "envelope: sender from :from, each recipient once (bcc= ignored)"
expected='X-Sieve: deliver
Message-ID: M
Date: D
Subject: New: lunch?
From: Bob <bob@example.org>
To: carol@example.net,
 Dave <dave@Example.NET>
Cc: erin@example.net
Auto-Submitted: auto-notified; owner-email="bob@example.org"
Precedence: bulk
X-Priority: 1 (Highest)
Importance: High
X-Tag: a=b
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit

From alice
bye'
is "$(shown 0)" "$expected" "the notification, exact bytes"
is "$(cmp "$CAP/msg.0" "$CAP/msg.2" >/dev/null && echo same)" "same" "every recipient gets the same mail"
like "$ERR" "sieve: notify: sent mail notification to <erin@example.net>" "sending logged"

# defaults: subject from the message, body, importance, From/envelope
script 'require "enotify"; notify "mailto:carol@example.net";'
reset_md
mail "$TMP/m" "To: bob@example.org" "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?="
sdlv "$TMP/m"
is "$(argv 0)" "-i -f postmaster@example.org -- carol@example.net " "envelope sender: the postmaster by default"
is "$(shown 0 | grep -E '^(Subject|From|X-Priority|Importance):' | tr '\n' '|')$(tail -n 1 "$CAP/msg.0")" \
   "Subject: =?UTF-8?B?Tm90aWZpY2F0aW9uOiBHcsO8w59l?=|From: Postmaster <postmaster@example.org>|X-Priority: 3 (Normal)|Importance: Normal|Notification of new message." \
   "default subject (decoded, encoded again), From, importance, body"
reset_md
FROM="" sdlv "$TMP/m"
is "$(argv 0)" "-i -f <> -- carol@example.net " "a message with the null sender: notified from <>"
reset_md
sdlv "$TMP/m" -o sieve_user_email=b.wortel@example.org
is "$(argv 0)|$(grep -E '^(From|Auto-Submitted):' "$CAP/msg.0" | tr '\n' '|')" \
   "-i -f b.wortel@example.org -- carol@example.net |From: <b.wortel@example.org>|Auto-Submitted: auto-notified; owner-email=\"b.wortel@example.org\"|" \
   "sieve_user_email: envelope, From, owner-email"
reset_md
sdlv "$TMP/m" -o sieve_notify_mailto_envelope_from=recipient
is "$(argv 0)" "-i -f bob@example.org -- carol@example.net " "sieve_notify_mailto_envelope_from=recipient"

# nothing about an automated message (RFC 5436 section 2.7)
reset_md
mail "$TMP/m" "To: bob@example.org" "Auto-Submitted: auto-replied" "Subject: x"
sdlv "$TMP/m"
is "$RC:$(landed):$(sent)" "0:INBOX/new:0" "Auto-Submitted: auto-replied: filed, nothing sent"
like "$ERR" "not sending notification for auto-submitted message from <alice@example.org>" "and logged"

# a sendmail that fails never costs the message
reset_md
mail "$TMP/m" "To: bob@example.org" "Subject: x"
printf '#!/bin/sh\nexit 75\n' > "$TMP/badmail"; chmod 755 "$TMP/badmail"
dlv -e -M "$MD" -s "$TMP/s.sieve" -o sendmail="$TMP/badmail" -f "$FROM" -a "$RCPT" < "$TMP/m"
is "$RC:$(landed)" "0:INBOX/new" "sendmail fails: message filed, exit 0"
like "$ERR" "sieve: notify: failed to send mail notification to <carol@example.net>" "the failure logged"

# a header line smuggled in through the URI: the script fails, implicit keep
script 'require "enotify"; fileinto "Junk";
notify "mailto:carol@example.net?subject=hi%0D%0ABcc:%20evil@example.org";'
reset_md
sdlv "$TMP/m"
is "$RC:$(landed):$(sent)" "0:INBOX/new:0" "CR LF in a header value: no notification, message in INBOX"

# the deprecated draft
script 'require ["notify", "fileinto"];
notify :low :options ["carol@example.net", "carol@example.net"] :message "$from$ wrote $subject$: $text[4]$";'
reset_md
mail "$TMP/m" "From: Alice <alice@example.org>" "To: bob@example.org" "Subject: x"
sdlv "$TMP/m"
expected='X-Sieve: deliver
Date: D
X-Priority: 5 (Lowest)
Importance: Low
From: Postmaster <postmaster@example.org>
Subject: [SIEVE] New mail notification
Auto-Submitted: auto-generated (notify)
Precedence: bulk
Message-ID: M
To: carol@example.net
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit

Alice <alice@example.org> wrote x: body'
is "$(sent):$(argv 0)|$(shown 0)" "1:-i -f postmaster@example.org -- carol@example.net |$expected" \
   "deprecated notify: one recipient, substitutions, exact bytes"

# $text$: the text parts, transfer-decoded, the others left out
script 'require "notify"; notify :options "carol@example.net" :message "[$text$]";'
reset_md
printf '%s\n' "From: alice@example.org" "Subject: parts" "MIME-Version: 1.0" \
    "Content-Type: multipart/mixed; boundary=b1" "" "prologue" "--b1" \
    "Content-Type: text/plain; charset=utf-8" "Content-Transfer-Encoding: base64" "" \
    "SGVsbG8sIFfDtnJsZAo=" "--b1" "Content-Type: application/pdf" "" "%PDF-1.4" \
    "--b1" "Content-Type: text/plain" "Content-Transfer-Encoding: quoted-printable" "" \
    "soft=" "break" "--b1--" "epilogue" > "$TMP/mp"
sdlv "$TMP/mp"
is "$(sed -n '/^$/,$p' "$CAP/msg.0" | tail -n +2)" "[Hello, Wörld
softbreak]" "deprecated notify: \$text\$ decoded from the text parts only"
finish
