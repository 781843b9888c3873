#!/bin/bash
# The Dovecot layout out of the box: ~/.dovecot.sieve a symlink into
# ~/sieve/ (as ManageSieve keeps it) including a :personal script from
# ~/sieve and a :global one from sieve_global; a missing include keeps the
# message in INBOX with the error in the user log ~/.dovecot.sieve.log;
# cycles; sieve_default, a directory of sieve_before scripts and
# sieve_discard.  Each check is the exact folder and the exact bytes.
. "$(dirname "$0")/lib.sh"
plan 21

H="$TMP/h"
G="$TMP/global"
user_dir "$H"
mkdir -p "$H/sieve" "$G/before.d"

# dhome MESSAGE ARGS...: deliver as the user whose home is $H, the way
# an MTA starts it (USER and HOME set, no -d), headers left as they are
# so that the filed file is the message byte for byte.
dhome() {
	local m=$1; shift
	local run=(env HOME="$H" USER="$(id -un)")
	if is_root; then
		ensure_test_user
		chown -R "$TEST_USER" "$H"
		run=(runuser -u "$TEST_USER" -- env HOME="$H" USER="$TEST_USER")
	fi
	"${run[@]}" "$DELIVER" -c "$DCONF" -o sieve_global="$G" \
	    -o add_return_path=no -o add_delivered_to=no "$@" < "$m" \
	    2>"$TMP/stderr"
	RC=$?
	ERR=$(cat "$TMP/stderr")
}

# Where the messages are under ~/Maildir, as in sieve-lib.sh.
MD="$H/Maildir"
landed() {
	[ -d "$MD" ] || { echo "(none)"; return; }
	(cd "$MD" && find . \( -path '*/new/*' -o -path '*/cur/*' \) -type f |
	    sed -E 's#^\./##; s#^(new|cur)/#INBOX/\1/#; s#^\.([^/]+)/#\1/#;
	        s#/(new|cur)/[^:]*(:2,.*)?$#/\1\2#' | sort | tr '\n' ' ' |
	    sed 's/ $//')
}
# The one file in folder DIR (relative to the Maildir) equals MESSAGE.
same() { cmp -s "$1" "$(only_file "$MD/$2")"; }

msg() { local f=$1; shift; { printf '%s\n' "$@"; printf '\nbody\n'; } > "$f"; }
msg "$TMP/list" "From: a@example.org" "To: b@example.org" \
    "List-Id: <dev.example.org>" "Message-ID: <l1@example.org>"
msg "$TMP/spam" "From: a@example.org" "To: b@example.org" \
    "X-Spam: yes" "Message-ID: <s1@example.org>"
msg "$TMP/plain" "From: a@example.org" "To: b@example.org" \
    "Message-ID: <p1@example.org>"

cat > "$H/sieve/main.sieve" <<'EOF'
require ["include", "fileinto", "variables"];
global "box";
include :global "spam";
include :personal "lists";
if string :is "${box}" "" { return; }
fileinto "${box}";
EOF
cat > "$H/sieve/lists.sieve" <<'EOF'
require ["include", "variables"];
global "box";
if header :contains "List-Id" "dev" { set "box" "Lists.dev"; }
EOF
cat > "$G/spam.sieve" <<'EOF'
require "fileinto";
if header :is "X-Spam" "yes" { fileinto "Junk"; stop; }
EOF
chmod -R a+rX "$G"
ln -s sieve/main.sieve "$H/.dovecot.sieve"

dhome "$TMP/list"
is "$RC:$(landed)" "0:Lists.dev/new" ":personal script sets a global variable the main script files by"
ok "...the message byte for byte" same "$TMP/list" .Lists.dev/new
rm -rf "$MD"
dhome "$TMP/spam"
is "$RC:$(landed)" "0:Junk/new" ":global script files and stops"
ok "...the message byte for byte" same "$TMP/spam" .Junk/new
rm -rf "$MD"
dhome "$TMP/plain"
is "$RC:$(landed)" "0:INBOX/new" "return: the implicit keep"
ok "...the message byte for byte" same "$TMP/plain" new
ok "no user log after clean runs" test ! -e "$H/.dovecot.sieve.log"

# deliver -C follows the includes
dhome /dev/null -C "$H/.dovecot.sieve"
is "$RC:$ERR" "0:" "deliver -C: the script and what it includes check"

# a missing global script: compile error, message kept, user log
mv "$G/spam.sieve" "$G/spam.off"
rm -rf "$MD"
dhome "$TMP/list"
is "$RC:$(landed)" "0:INBOX/new" "missing include: the script does not run, the message is in INBOX"
ok "...the message byte for byte" same "$TMP/list" new
like "$(cat "$H/.dovecot.sieve.log" 2>&1)" \
    ".dovecot.sieve: error: line 3, column 1: included global script 'spam' does not exist" \
    "...and the error is in ~/.dovecot.sieve.log"
like "$(cat "$H/.dovecot.sieve.err" 2>&1)" "included global script 'spam' does not exist" \
    "...and in ~/.dovecot.sieve.err"
dhome /dev/null -C "$H/.dovecot.sieve"
is "$RC" 65 "deliver -C: exit 65"
mv "$G/spam.off" "$G/spam.sieve"

# a cycle through the main script (reached through the symlink)
cat > "$H/sieve/lists.sieve" <<'EOF'
require ["include"];
include :personal "main";
EOF
rm -rf "$MD"
dhome "$TMP/list"
is "$RC:$(landed)" "0:INBOX/new" "an include cycle: the message is in INBOX"
like "$(cat "$H/.dovecot.sieve.log")" "lists: line 2, column 1: circular include" \
    "...and the user log says why"

# sieve_default: a user without a script gets the admin's
rm "$H/.dovecot.sieve"
printf 'require "fileinto";\nfileinto "Default";\n' > "$G/default.sieve"
rm -rf "$MD"
dhome "$TMP/plain" -o sieve_default="$G/default.sieve"
is "$RC:$(landed)" "0:Default/new" "sieve_default runs for a user without a script"
ln -s sieve/main.sieve "$H/.dovecot.sieve"
cat > "$H/sieve/lists.sieve" <<'EOF'
require ["include", "variables"];
global "box";
if header :contains "List-Id" "dev" { set "box" "Lists.dev"; }
EOF
rm -rf "$MD"
dhome "$TMP/list" -o sieve_default="$G/default.sieve"
is "$RC:$(landed)" "0:Lists.dev/new" "...and not for one who has one"

# a directory of before scripts, in name order; a fileinto ends the
# sequence
printf 'require ["fileinto", "copy"];\nfileinto :copy "A";\n' > "$G/before.d/10-a.sieve"
printf 'require "fileinto";\nfileinto "B";\n' > "$G/before.d/20-b.sieve"
printf 'fileinto "Never";\n' > "$G/before.d/30-c.off"
chmod -R a+rX "$G"
rm -rf "$MD"
dhome "$TMP/list" -o sieve_before="$G/before.d"
is "$RC:$(landed)" "0:A/new B/new" "sieve_before directory: 10-a, 20-b; the user's script does not run after a fileinto"

# sieve_discard: runs when the scripts would discard the message
printf 'discard;\n' > "$G/before.d/20-b.sieve"
printf 'require "fileinto";\nfileinto "Discarded";\n' > "$G/discard.sieve"
chmod -R a+rX "$G"
rm -rf "$MD"
dhome "$TMP/plain" -o sieve_before="$G/before.d" -o sieve_discard="$G/discard.sieve"
is "$RC:$(landed)" "0:A/new" "a message filed by :copy is not discarded: no sieve_discard"
rm "$G/before.d/10-a.sieve"
rm -rf "$MD"
dhome "$TMP/plain" -o sieve_before="$G/before.d"
is "$RC:$(landed)" "0:" "without sieve_discard a discard discards"
rm -rf "$MD"
dhome "$TMP/plain" -o sieve_before="$G/before.d/20-b.sieve" -o sieve_discard="$G/discard.sieve"
ok "...with it, the message is filed byte for byte" same "$TMP/plain" .Discarded/new

finish
