#!/bin/bash
# Who deliver delivers for, and how it finds out.  Without -d, $USER and
# $HOME (as dovecot-lda): no lookup, no program run.  Without them, or with
# -d, the password entry; in the static build (LINK=static, the default)
# every lookup is a getent(1) run, never an NSS module loaded into deliver
# (which would crash a static executable: an unknown user used to fall
# through /etc/passwd to libnss_systemd and die with SIGSEGV).
. "$(dirname "$0")/lib.sh"

if ! is_root; then
	plan 1; skip "needs root (runs deliver as another user, and with -d)"; finish
fi
plan 14

ensure_test_user
printf 'Subject: s\n\nb\n' > "$TMP/msg"
user_dir "$TMP/u"
# which programs deliver runs is read off an strace of it: under
# check-valgrind $DELIVER is a wrapper, and the trace valgrind's
static=0 traced=1
readelf -d "$DELIVER" 2>/dev/null | grep -q NEEDED || static=1
[ -n "${DELIVER_VALGRIND:-}" ] && static=0 traced=0
uid=$(id -u "$TEST_USER")
# LeakSanitizer cannot run under ptrace (strace): the rest of ASan can
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
# as_user ENV... -- ARGS: deliver as the test user with only ENV set; the
# programs it runs are listed in $TMP/exec
as_user() {
	local envs=(${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS})
	while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
	setpriv --reuid="$TEST_USER" --regid=users --clear-groups env -i "${envs[@]}" \
	    strace -f -qq -e trace=execve -e signal=none -o "$TMP/u/trace" \
	    "$DELIVER" -c "$DCONF" -o hostname=example.org "$@" < "$TMP/msg" 2>"$TMP/err"
	RC=$?
	ERR=$(cat "$TMP/err")
	grep -v '^[0-9]* *execve("'"$DELIVER"'"' "$TMP/u/trace" | grep -o 'execve("[^"]*", \[[^]]*\]' |
	    sed 's/^execve("\([^"]*\)", \[/\1 [/' > "$TMP/exec"
}
delivered_to() { head -1 "$(only_file "$1/new")"; }

as_user USER=alias HOME="$TMP/u" -- -M "$TMP/u/a"
is "$RC:$ERR" "0:" "\$USER and \$HOME set: delivered"
is "$(delivered_to "$TMP/u/a")" "Delivered-To: alias@example.org" "the recipient is \$USER"
if [ $traced = 1 ]; then
	is "$(cat "$TMP/exec")" "" "no lookup: nothing run"
else
	skip "under valgrind: the programs deliver runs cannot be told from valgrind's"
fi

as_user HOME="$TMP/u" -- -M "$TMP/u/b"
is "$(delivered_to "$TMP/u/b")" "Delivered-To: $TEST_USER@example.org" "no \$USER: the uid's password entry names the recipient"
if [ $static = 1 ]; then
	is "$(cat "$TMP/exec")" "/usr/bin/getent [\"getent\", \"passwd\", \"--\", \"$uid\"]" "static build: looked up with getent passwd UID"
else
	skip "$DELIVER is dynamically linked (or under valgrind): it calls getpwuid() itself"
fi

as_user USER=alias HOME="$TMP/u" -- -d root -M "$TMP/u/c"
is "$RC:$ERR" "77:deliver: only root can deliver for root" "-d another uid: 77 whatever \$USER says"
as_user USER=alias HOME="$TMP/u" -- -d "$TEST_USER" -M "$TMP/u/d"
is "$RC:$(delivered_to "$TMP/u/d")" "0:Delivered-To: $TEST_USER@example.org" "-d its own name: delivered, the entry's name"

# as root, -d: the entry, then the groups
"$DELIVER" -c "$DCONF" -d no-such-user-here -M "$TMP/u/e" < "$TMP/msg" 2>"$TMP/err"
is "$?:$(cat "$TMP/err")" "67:deliver: unknown user no-such-user-here" "unknown user: 67, no crash (not in /etc/passwd, so every NSS source is asked)"
"$DELIVER" -c "$DCONF" -d 0 -M "$TMP/u/e" < "$TMP/msg" 2>"$TMP/err"
is "$?:$(cat "$TMP/err")" "67:deliver: unknown user 0" "an all-digit name is a name, not uid 0"
"$DELIVER" -c "$DCONF" -d --help -M "$TMP/u/e" < "$TMP/msg" 2>"$TMP/err"
is "$?:$(cat "$TMP/err")" "67:deliver: unknown user --help" "a name like an option: unknown, not an option of getent"
"$DELIVER" -c "$DCONF" -d 'root:x' -M "$TMP/u/e" < "$TMP/msg" 2>"$TMP/err"
is "$?:$(cat "$TMP/err")" "67:deliver: unknown user root:x" "a name with a passwd separator: unknown"
is "$(ls "$TMP/u/e" 2>&1)" "ls: cannot access '$TMP/u/e': No such file or directory" "none of them created the Maildir"

strace -f -qq -e trace=execve -e signal=none -o "$TMP/trace" "$DELIVER" -c "$DCONF" -d "$TEST_USER" -M "$TMP/u/f" < "$TMP/msg"
is "$?:$(delivered_to "$TMP/u/f" | cut -d@ -f1)" "0:Delivered-To: $TEST_USER" "root with -d: delivered"
if [ $static = 1 ]; then
	is "$(grep -o 'execve("/usr/bin/getent", \[[^]]*\]' "$TMP/trace" | sed 's/.*\[//; s/\]$//')" \
	    "\"getent\", \"passwd\", \"--\", \"$TEST_USER\"
\"getent\", \"initgroups\", \"--\", \"$TEST_USER\"" "static build: the entry and the groups from getent"
else
	skip "$DELIVER is dynamically linked (or under valgrind): it calls getpwnam() and getgrouplist() itself"
fi
finish
