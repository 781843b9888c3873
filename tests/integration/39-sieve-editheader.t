#!/bin/bash
# editheader end to end: the exact bytes of each header version in the
# Maildir, hard links within a version, the implicit keep's version
# (Pigeonhole's: the message as the script left it), redirect sending its
# version, quota counting each version's size, a 1 MiB added value
# refused at run time (message kept unedited), a filing that falls back
# to INBOX (unedited, as Pigeonhole's keep after a failed store), and a 50 MiB message
# edited into two folders under a 16 MiB address-space limit.
. "$(dirname "$0")/sieve-lib.sh"
plan 21

ndlv() { sdlv "$@" -o sieve_engine=native -o dedup=no; }
# file FOLDER: the one message in FOLDER ("" = INBOX)
file() { only_file "$MD${1:+/.$1}/new"; }

mail "$TMP/m" "Subject: hello" "X-Spam: yes" "X-Spam: maybe" "To: bob@example.org"
HEAD='Return-Path: <alice@example.org>
Delivered-To: bob@example.org'

# ---- versions on disk ----

script 'require ["editheader", "fileinto"];
keep;
addheader "X-Tag" "tagged";
deleteheader :index 1 "X-Spam";
fileinto "Tagged";'
ndlv "$TMP/m"
is "$RC:$(landed)" "0:INBOX/new Tagged/new" "keep before the edit, fileinto after"
is "$(cat "$(file "")")" "$HEAD
Subject: hello
X-Spam: yes
X-Spam: maybe
To: bob@example.org

body" "INBOX (explicit keep before the edit) holds the message as received"
is "$(cat "$(file Tagged)")" "$HEAD
X-Tag: tagged
Subject: hello
X-Spam: maybe
To: bob@example.org

body" "Tagged holds the edited header, added field below deliver's trace headers"

reset_md
script 'require ["editheader", "fileinto", "copy"];
fileinto :copy "Before";
addheader :last "X-Seen" "by sieve";
fileinto "A"; fileinto "B";
redirect "carol@example.net";'
ndlv "$TMP/m"
is "$RC:$(landed)" "0:A/new B/new Before/new" "redirect cancels the keep; three folders"
is "$(stat -c %i "$(file A)")" "$(stat -c %i "$(file B)")" "one version, one file: A and B are hard links"
isnt_same=$([ "$(stat -c %i "$(file A)")" != "$(stat -c %i "$(file Before)")" ] && echo distinct)
is "$isnt_same" "distinct" "the unedited copy is another file"
is "$(grep -c '^X-Seen: by sieve$' "$(file A)"):$(grep -c X-Seen "$(file Before)")" "1:0" \
    "the edited version has the field at the bottom, the other not"
like "$(cat "$CAP/msg.0")" $'X-Seen: by sieve\n\nbody' "redirect sends the edited message"

reset_md
script 'require ["editheader", "fileinto", "copy"];
fileinto :copy "Before";
deleteheader "subject";'
ndlv "$TMP/m"
is "$(grep -c '^Subject:' "$(file "")"):$(grep -c '^Subject:' "$(file Before)")" "0:1" \
    "the implicit keep takes the header as the script left it (as Pigeonhole's)"

reset_md
script 'require ["editheader", "fileinto", "copy"];
fileinto :copy "Before";
addheader "X-A" "1";
keep;
redirect "carol@example.net";'
OUT=$(ndlv "$TMP/m" -n)
is "$(printf '%s\n' "$OUT" | grep -v '^trace:')" "fileinto Before
fileinto INBOX header=edited
redirect carol@example.net header=edited" "-n marks the actions that take an edited header"

# ---- a sequence of scripts edits one message ----

reset_md
printf 'require "editheader";\naddheader "X-Before" "global";\n' > "$TMP/before.sieve"
chmod 644 "$TMP/before.sieve"
script 'require ["editheader", "fileinto"];
if header :is "x-before" "global" { addheader "X-User" "mine"; fileinto "F"; }'
ndlv "$TMP/m" -o sieve_before="$TMP/before.sieve"
is "$RC:$(landed)" "0:F/new" "the user's script sees sieve_before's edit"
is "$(grep -E '^X-(Before|User):' "$(file F)" | tr '\n' ' ')" "X-User: mine X-Before: global " \
    "F takes both scripts' edits"

# ---- quota: each copy its own size ----

reset_md
script 'require ["editheader", "fileinto", "copy"];
fileinto :copy "Before";
addheader "X-Long" "0123456789012345678901234567890123456789";'
ndlv "$TMP/m" -o quota=1000000S
orig=$(stat -c %s "$(file Before)")
edited=$(stat -c %s "$(file "")")
is "$((edited - orig))" 49 "the edited copy is 49 bytes longer"
is "$(tail -n 1 "$MD/maildirsize")" "$((orig + edited)) 2" "maildirsize counts each copy's real size"

# ---- hostile: a 1 MiB value ----

reset_md
script 'require ["editheader", "variables", "fileinto"];
set "a" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
set "a" "${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}";
set "a" "${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}";
set "a" "${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}";
set "a" "${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}";
fileinto "Junk";
addheader "X-Big" "${a}";'
ndlv "$TMP/m" -o sieve_variables_max_variable_size=1048576
is "$RC:$(landed)" "0:INBOX/new" "a 1 MiB value: runtime error, the message kept in INBOX"
like "$ERR" 'addheader action: specified header value .* is too large \(1048576 bytes\)' \
    "the error names the size limit"
is "$(grep -c X-Big "$(file "")")" 0 "the kept message is unedited"

# ---- a filing that falls back to INBOX takes the message as received ----

reset_md
script 'require ["editheader", "fileinto"];
addheader "X-Frop" "Friep";
fileinto "Missing";
fileinto "a//b";'
ndlv "$TMP/m" -o autocreate=no
is "$RC:$(landed)" "0:INBOX/new" "missing folder and refused name (autocreate=no): INBOX, once"
is "$(grep -c X-Frop "$(file "")")" 0 \
    "the fallback copy is unedited, as Pigeonhole's keep after a failed store"

# ---- a 50 MiB message, edited, into two folders ----

reset_md
{ printf 'Subject: big\n\n'; head -c 39321600 /dev/zero | base64 -w 76; } > "$TMP/big"
script 'require ["editheader", "fileinto"];
addheader "X-Big" "yes";
fileinto "One"; fileinto "Two";'
if [ -n "${ASAN_OPTIONS:-}" ] || [ -n "${DELIVER_VALGRIND:-}" ]; then
	ndlv "$TMP/big"
	skip "ulimit -v under AddressSanitizer or valgrind (exit $RC without the limit)"
else
	(ulimit -v 16384; ndlv "$TMP/big"; exit $RC)
	is "$?" 0 "50 MiB edited into two folders under ulimit -v 16384"
fi
{ printf '%s\nX-Big: yes\n' "$HEAD"; cat "$TMP/big"; } > "$TMP/expected"
ok "One holds the edited 50 MiB message, byte for byte" cmp -s "$(file One)" "$TMP/expected"
finish
