#!/bin/bash
# Which script runs (-s, `sieve`, ~/.dovecot.sieve, ~/.sieve), the global
# sieve_before/sieve_after sequence, -n, -C and -V.
. "$(dirname "$0")/sieve-lib.sh"
plan 28

H="$TMP/h"
user_dir "$H"
HMD="$H/Maildir"
mail "$TMP/m" "Subject: hi" "To: bob@example.org" "Message-ID: <c1@example.org>"

# hdlv ARGS...: deliver $TMP/m as the test user with HOME=$H (without -d:
# HOME then names the home, as for a user running deliver from .forward).
hdlv() {
	local who=()
	if is_root; then
		ensure_test_user
		who=(setpriv --reuid="$TEST_USER" --regid="$(id -g "$TEST_USER")" --clear-groups)
	fi
	"${who[@]}" env HOME="$H" "$DELIVER" -c "$DCONF" -e -f "$FROM" -a "$RCPT" "$@" < "$TMP/m" 2>"$TMP/stderr"
	RC=$?
	ERR=$(cat "$TMP/stderr")
}
hlanded() { MD=$HMD landed; }
put() { printf '%s\n' "$2" > "$1"; chmod 644 "$1"; }

hdlv
is "$RC:$(hlanded)" "0:INBOX/new" "no script at all: plain delivery"

put "$H/.sieve" 'require "fileinto"; fileinto "FromDotSieve";'
rm -rf "$HMD"; hdlv
is "$RC:$(hlanded)" "0:FromDotSieve/new" "~/.sieve when there is no ~/.dovecot.sieve"

put "$H/.dovecot.sieve" 'require "fileinto"; fileinto "FromDovecot";'
rm -rf "$HMD"; hdlv
is "$RC:$(hlanded)" "0:FromDovecot/new" "~/.dovecot.sieve comes first"

put "$H/other.sieve" 'require "fileinto"; fileinto "FromConfig";'
rm -rf "$HMD"; hdlv -o 'sieve=~/other.sieve'
is "$RC:$(hlanded)" "0:FromConfig/new" "config key sieve (~/ is the home) over the defaults"

put "$TMP/opt.sieve" 'require "fileinto"; fileinto "FromOption";'
rm -rf "$HMD"; hdlv -o 'sieve=~/other.sieve' -s "$TMP/opt.sieve"
is "$RC:$(hlanded)" "0:FromOption/new" "-s over everything"

rm -rf "$HMD"; hdlv -s "$TMP/missing.sieve"
is "$RC:$(hlanded)" "0:INBOX/new" "a missing script is no script: INBOX"

# sieve_before / sieve_after (Dovecot: the next script runs only while the
# keep is in effect)
put "$TMP/before.sieve" 'require "fileinto";
if header :contains "subject" "spam" { fileinto "Junk"; }'
put "$TMP/after.sieve" 'require "fileinto"; fileinto "After";'
put "$H/.dovecot.sieve" 'require "fileinto";
if header :contains "subject" "hi" { fileinto "User"; }'
seq_args=(-o sieve_before="$TMP/before.sieve" -o sieve_after="$TMP/after.sieve")
rm -rf "$HMD"; hdlv "${seq_args[@]}"
is "$RC:$(hlanded)" "0:User/new" "before keeps, user files: after does not run"
mail "$TMP/m" "Subject: spam offer" "To: bob@example.org"
rm -rf "$HMD"; hdlv "${seq_args[@]}"
is "$RC:$(hlanded)" "0:Junk/new" "before files into Junk: the user's script does not run"
mail "$TMP/m" "Subject: other" "To: bob@example.org"
rm -rf "$HMD"; hdlv "${seq_args[@]}"
is "$RC:$(hlanded)" "0:After/new" "keep still in effect after both: after runs"
put "$H/.dovecot.sieve" 'require "fileinto"; fileinto "User"; keep;'
rm -rf "$HMD"; hdlv "${seq_args[@]}"
is "$RC:$(hlanded)" "0:After/new INBOX/new User/new" "explicit keep lets the next script run"
put "$H/.dovecot.sieve" 'broken'
rm -rf "$HMD"; hdlv "${seq_args[@]}"
is "$RC:$(hlanded)" "0:After/new" "a failing user script counts as keep: after runs"
rm -f "$H/.dovecot.sieve" "$H/.sieve" "$H/.dovecot.sieve.err"

# -n: the plan, one line per action, with the trace; nothing written
mail "$TMP/m" "Subject: hi" "To: bob@example.org" "Message-ID: <c1@example.org>"
script 'require ["fileinto", "imap4flags", "vacation"];
if header :contains "subject" "hi" { fileinto :flags "\\Seen" "Lists/x"; redirect "carol@example.net"; }
vacation :days 0 "away";'
reset_md
out=$("$DELIVER" -c "$DCONF" $(is_root && echo -d "$TEST_USER") -M "$MD" -s "$TMP/s.sieve" -o sendmail="$TMP/sendmail" -f "$FROM" -a "$RCPT" -o sieve_engine=libsieve -n < "$TMP/m")
is "$?" 0 "-n exits 0"
is "$(printf '%s\n' "$out" | grep -v '^trace: ')" "fileinto Lists.x flags=S
redirect carol@example.net
vacation to=alice@example.org days=1 handle=auto-$(printf '%s\n' "$out" | sed -n 's/.*handle=auto-//p')" "-n prints the plan (folder, flags, address; :days 0 clamped to 1)"
like "$out" "trace: sv_interface: Asking for header \[subject\]" "-n prints libsieve's trace"
# the native engine: the same plan, and which tests matched
out=$("$DELIVER" -c "$DCONF" $(is_root && echo -d "$TEST_USER") -M "$MD" -s "$TMP/s.sieve" -o sendmail="$TMP/sendmail" -f "$FROM" -a "$RCPT" -n < "$TMP/m")
is "$?" 0 "native: -n exits 0"
is "$(printf '%s\n' "$out" | grep -v '^trace: ' | sed 's/handle=auto-.*/handle=auto-/')" "fileinto Lists.x flags=S
redirect carol@example.net
vacation to=alice@example.org days=1 handle=auto-" "native: -n prints the plan"
is "$(printf '%s\n' "$out" | grep '^trace: ')" "trace: script $TMP/s.sieve
trace:   line 2: test header: true
trace:   line 2: fileinto
trace:   line 2: redirect
trace:   line 3: vacation" "native: -n traces the tests and the actions, with their lines"
is "$(landed):$(sent)" "(none):0" "-n writes and sends nothing"

# -C
put "$TMP/good.sieve" 'require "fileinto"; fileinto "x";'
out=$("$DELIVER" -c "$DCONF" -C "$TMP/good.sieve" 2>&1); rc=$?
is "$rc:$out" "0:$TMP/good.sieve: OK" "-C on a good script: OK, exit 0"
put "$TMP/bad.sieve" 'require "fileinto";

fileinto "x"
keep;'
out=$("$DELIVER" -c "$DCONF" -C "$TMP/bad.sieve" 2>/dev/null); rc=$?
is "$rc:$out" "65:$TMP/bad.sieve: line 4, column 1: missing semicolon ';' after fileinto command" "-C on a bad script: the error with its line and column, exit 65"
err=$("$DELIVER" -c "$DCONF" -C "$TMP/bad.sieve" 2>&1 >/dev/null)
is "$err" "deliver: $TMP/bad.sieve: script has errors" "-C: one line on stderr"
"$DELIVER" -c "$DCONF" -C "$TMP/nonexistent.sieve" >/dev/null 2>&1
is "$?" 66 "-C on a missing file: exit 66"
ok "-C writes no .err file" test ! -e "$TMP/bad.sieve.err"
# every match test checks its comparator (envelope and body did not)
printf 'require "envelope";\nif envelope :comparator "i;foo" "from" "x" { keep; }\n' > "$TMP/cmp1.sieve"
out=$("$DELIVER" -c "$DCONF" -C "$TMP/cmp1.sieve" 2>/dev/null); rc=$?
is "$rc:$out" "65:$TMP/cmp1.sieve: line 2, column 25: comparator \"i;foo\" is not supported" "-C: an unknown comparator on envelope"
printf 'require "body";\nif body :comparator "i;ascii-numeric" :is "1" { keep; }\n' > "$TMP/cmp2.sieve"
out=$("$DELIVER" -c "$DCONF" -C "$TMP/cmp2.sieve" 2>/dev/null); rc=$?
is "$rc:$out" "65:$TMP/cmp2.sieve: line 2, column 21: comparator \"i;ascii-numeric\" needs \`require \"comparator-i;ascii-numeric\"\`" "-C: a comparator body uses without its require"

# -V
is "$("$DELIVER" -V | sed -n 3p)" "sieve extensions (libsieve): regex imap4flags relational subaddress fileinto reject envelope vacation notify" "-V lists libsieve's Sieve extensions"
like "$("$DELIVER" -V | sed -n 2p)" "^sieve extensions \(native, the default engine\): body comparator-i;ascii-casemap comparator-i;ascii-numeric comparator-i;octet copy [a-z0-9.; -]*fileinto [a-z0-9.; -]*\$" "-V lists the native engine's extensions first"
ok "--check-sieve is -C" "$DELIVER" -c "$DCONF" --check-sieve "$TMP/good.sieve"
finish
