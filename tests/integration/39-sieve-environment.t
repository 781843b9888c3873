#!/bin/bash
# environment, vnd.dovecot.environment, vnd.dovecot.debug and special-use
# end to end with the native engine: the folder each message lands in on
# disk, built from the items' values, and the log lines debug_log writes.
. "$(dirname "$0")/sieve-lib.sh"
plan 18

# ndlv MESSAGE ARGS...: sdlv with the native engine, no dedup
ndlv() { sdlv "$@" -o sieve_engine=native -o dedup=no; }
# own PATH...: what the test made belongs to the delivering user
own() { if is_root; then chown -R "$TEST_USER" "$@"; fi; }
# folder NAME: an existing Maildir++ folder of $MD
folder() { mkdir -p "$MD/.$1/cur" "$MD/.$1/new" "$MD/.$1/tmp"; own "$MD"; }

mail "$TMP/m" "Subject: hello" "Message-ID: <e1@example.org>" "To: bob@example.org"
user=$(if is_root; then echo "$TEST_USER"; else id -un; fi)

# ---- environment ----
script 'require ["environment", "variables", "fileinto"];
if environment :matches "location" "*" { set "l" "${1}"; }
if environment :matches "phase" "*" { set "p" "${1}"; }
if environment :matches "name" "*" { set "n" "${1}"; }
if environment :matches "host" "*" { set "h" "${1}"; }
if environment :matches "domain" "*" { set "d" "${1}"; }
fileinto "${l}-${p}-${n}-${h}-${d}";'
reset_md
ndlv "$TMP/m" -o hostname=mx1.mail.example.org
is "$RC:$(landed)" "0:MDA-during-deliver-mx1.mail.example.org-mail.example.org/new" \
    "location, phase, name, host (deliver.conf's hostname) and domain (its part after the first dot)"
reset_md
ndlv "$TMP/m" -o hostname=mx1.example
is "$RC:$(landed)" "0:MDA-during-deliver-mx1.example-mx1.example/new" \
    "domain: the whole host name when only one dot is left"

script 'require ["environment", "fileinto", "relational", "comparator-i;ascii-numeric"];
if environment :count "eq" :comparator "i;ascii-numeric" "remote-ip" "0" { fileinto "NoCount"; }
if environment :is "remote-ip" "192.0.2.7" { fileinto "Client"; }
if environment :contains "nonsense" "" { fileinto "Nonsense"; }
if environment :is "version" "'"$("$DELIVER" -V | sed -n '1s/^deliver //p')"'" { fileinto "Version"; }'
reset_md
CLIENT_ADDRESS=192.0.2.7 ndlv "$TMP/m"
is "$RC:$(landed)" "0:Client/new Version/new" "remote-ip from CLIENT_ADDRESS; version is deliver -V's"
reset_md
CLIENT_ADDRESS='192.0.2.7; rm -rf' ndlv "$TMP/m"
is "$RC:$(landed)" "0:Version/new" "remote-ip: no address, no item (not even :count 0)"

# ---- vnd.dovecot.environment ----
script 'require ["vnd.dovecot.environment", "variables", "fileinto"];
fileinto "${env.vnd.dovecot.default_mailbox}-${env.vnd.dovecot.config.team}-${env.phase}";
if environment :is "vnd.dovecot.username" "'"$user"'" { fileinto "User"; }'
reset_md
ndlv "$TMP/m" -o sieve_env_team=ops
is "$RC:$(landed)" "0:INBOX-ops-during/new User/new" \
    "\${env.*}: default mailbox, sieve_env_team, phase; username"
reset_md
ndlv "$TMP/m" -m Archive
is "$RC:$(landed)" "0:Archive--during/new User/new" "default mailbox follows -m; an unset config item is empty"

script 'require ["variables", "fileinto"];
fileinto "x${env.phase}";'
reset_md
ndlv "$TMP/m"
is "$RC:$(landed)" "0:x/new" "without vnd.dovecot.environment, \${env.phase} is empty"

# ---- vnd.dovecot.debug ----
script 'require ["vnd.dovecot.debug", "variables"];
set "who" "world";
debug_log "hello ${who}";'
reset_md
ndlv "$TMP/m"
is "$RC:$(landed)" "0:INBOX/new" "debug_log: the message is kept"
like "$ERR" 'sieve: [^ ]*/s\.sieve: DEBUG: hello world$' "debug_log: its line in the log"

# ---- special-use ----
script 'require ["special-use", "fileinto"];
fileinto :specialuse "\\Junk" "Spam";'
reset_md
ndlv "$TMP/m"
is "$RC:$(landed)" "0:Spam/new" ":specialuse without an assigned folder: the named one"
reset_md
ndlv "$TMP/m" -o special_use_junk=Junk
is "$RC:$(landed)" "0:Junk/new" ":specialuse: the folder of special_use_junk (autocreate)"
reset_md
folder Spam
ndlv "$TMP/m" -o special_use_Junk=Junk -o autocreate=no
is "$RC:$(landed)" "0:Spam/new" "autocreate=no and no Junk folder: the named folder"
reset_md
folder Junk
ndlv "$TMP/m" -o special_use_JUNK=Junk -o autocreate=no
is "$RC:$(landed)" "0:Junk/new" "autocreate=no, Junk exists: Junk (the key's case does not matter)"

script 'require ["special-use", "fileinto", "imap4flags"];
fileinto "Junk";
fileinto :specialuse "\\Junk" :flags "\\Seen" "Spam";
fileinto "Spam";'
reset_md
ndlv "$TMP/m" -o special_use_junk=Junk
is "$RC:$(landed)" "0:Junk/cur:2,S Spam/new" \
    ":specialuse merges with a fileinto of the same folder (later flags win)"

script 'require ["special-use", "fileinto"];
if specialuse_exists "\\Sent" { fileinto "HasSent"; }
if specialuse_exists "Sent Items" ["\\Sent", "\\Drafts"] { fileinto "Both"; }
if specialuse_exists "Sent Items" "\\Sent" { fileinto "SentItems"; }'
reset_md
folder "Sent Items"
ndlv "$TMP/m" -o "special_use_sent=Sent Items"
is "$RC:$(landed)" "0:HasSent/new SentItems/new" \
    "specialuse_exists: a use; with a mailbox, only the uses it has (no \\Drafts)"
reset_md
ndlv "$TMP/m"
is "$RC:$(landed)" "0:INBOX/new" "specialuse_exists: nothing assigned, false"

script 'require ["special-use", "fileinto", "variables"];
set "u" "Junk";
fileinto :specialuse "${u}" "Spam";'
reset_md
ndlv "$TMP/m"
is "$RC:$(landed)" "0:INBOX/new" "an invalid use made at run time: a runtime error, kept in INBOX"
like "$ERR" "invalid special-use flag .Junk." "the runtime error is logged"
finish
