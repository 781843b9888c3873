#!/bin/bash
# redirect and reject through a capturing sendmail.
. "$(dirname "$0")/sieve-lib.sh"
plan 25

mail "$TMP/m" "Subject: fwd me" "Message-ID: <r1@example.org>" "To: bob@example.org"

script 'redirect "carol@example.net";'
sdlv "$TMP/m"
is "$RC:$(landed):$(sent)" "0::1" "redirect: nothing filed, one message sent"
is "$(cat "$CAP/argv.0" | tr '\n' ' ')" "-i -f alice@example.org -- carol@example.net " "sendmail argv: -i -f SENDER -- ADDRESS"
is "$(head -1 "$CAP/msg.0")" "X-Loop: deliver <bob@example.org>" "loop marker on top"
is "$(sed -n 2p "$CAP/msg.0")" "X-Sieve-Redirected-From: bob@example.org" "Pigeonhole's marker: whose Sieve redirected it"
is "$(tail -n +3 "$CAP/msg.0" | sha256sum | cut -d' ' -f1)" \
   "$(printf 'Delivered-To: bob@example.org\nSubject: fwd me\nMessage-ID: <r1@example.org>\nTo: bob@example.org\n\nbody\n' | sha256sum | cut -d' ' -f1)" \
   "the message follows unchanged but for our Return-Path (left out, as Pigeonhole)"
like "$ERR" "sieve: redirected to <carol@example.net>" "redirect logged"

reset_md
script 'redirect "carol@example.net";
keep;'
sdlv "$TMP/m"
is "$RC:$(landed):$(sent)" "0:INBOX/new:1" "redirect plus keep: a copy stays"

reset_md
FROM=""
sdlv "$TMP/m"
is "$(sed -n 3p "$CAP/argv.0")" "<>" "null sender redirects with -f <>"
FROM=alice@example.org

reset_md
script 'redirect "Bob@Example.org";'
sdlv "$TMP/m"
is "$RC:$(landed):$(sent)" "0:INBOX/new:0" "never redirect to the recipient's own address: kept"
like "$ERR" "redirect to <Bob@Example.org> refused: the recipient's own address; keeping the message" "own-address refusal logged"

reset_md
script 'redirect "bob+x@example.org";'
sdlv "$TMP/m"
is "$RC:$(landed):$(sent)" "0:INBOX/new:0" "own address with a detail is refused too"

reset_md
mail "$TMP/looped" "X-Loop: deliver <bob@example.org>" "Subject: again"
script 'redirect "carol@example.net";'
sdlv "$TMP/looped"
is "$RC:$(landed):$(sent)" "0:INBOX/new:0" "a message carrying our X-Loop is not redirected again"

reset_md
script 'redirect "-oQ/tmp/x@example.net";'
sdlv "$TMP/m"
is "$RC:$(landed):$(sent)" "0:INBOX/new:0" "an address that looks like an option is refused"

reset_md
script 'redirect "a@example.net"; redirect "b@example.net"; redirect "c@example.net";'
sdlv "$TMP/m" -o sieve_max_redirects=2 -o sieve_engine=libsieve
is "$RC:$(landed):$(sent)" "0:INBOX/new:2" "more than sieve_max_redirects: the rest is kept"
# native: one more is a run-time error, as in Pigeonhole: nothing sent
reset_md
sdlv "$TMP/m" -o sieve_max_redirects=2
is "$RC:$(landed):$(sent)" "0:INBOX/new:0" "native: more than sieve_max_redirects: run-time error, kept, nothing sent"
like "$ERR" "error: line 1, column 53: number of redirect actions exceeds policy limit \(3 > 2\)" "native: the redirect limit logged with its position"

reset_md
printf '#!/bin/sh\ncat >/dev/null\nexit 75\n' > "$TMP/badmail"; chmod 755 "$TMP/badmail"
dlv -e -M "$MD" -s "$TMP/s.sieve" -o sendmail="$TMP/badmail" -f "$FROM" -a "$RCPT" < "$TMP/m"
is "$RC:$(landed)" "0:INBOX/new" "sendmail failure: the message is kept, not lost"
like "$ERR" "redirect to <a@example.net> failed: $TMP/badmail exited with status 75" "sendmail failure logged"

# reject
reset_md
script 'require "reject";
reject "I do not want this.";'
sdlv "$TMP/m"
is "$RC:$(landed):$(sent)" "77::0" "reject: exit 77, nothing filed or sent"
like "$ERR" "^deliver: I do not want this\.$" "reject reason on stderr"

reset_md
sdlv "$TMP/m" -o reject_mode=mail
is "$RC:$(landed):$(sent)" "0::1" "reject_mode=mail: exit 0, one notice sent"
is "$(cat "$CAP/argv.0" | tr '\n' ' ')" "-i -f <> -- alice@example.org " "notice from <> to the sender"
like "$(cat "$CAP/msg.0")" "Auto-Submitted: auto-replied \(rejected\)" "notice is marked auto-replied"

reset_md
FROM=""
sdlv "$TMP/m" -o reject_mode=mail
is "$RC:$(landed):$(sent)" "0::0" "null sender: reject sends nothing"
sdlv "$TMP/m"
is "$RC:$(sent)" "0:0" "null sender: no bounce either (exit 0)"
FROM=alice@example.org
finish
