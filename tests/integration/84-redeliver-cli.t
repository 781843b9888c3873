#!/bin/bash
# deliver --redeliver: the command line, PATH kinds, failures and exit
# codes, the summary, the progress bar (only on a terminal).
. "$(dirname "$0")/lib.sh"
plan 19
MD="$TMP/u/Maildir"
user_dir "$TMP/u"

dlv --move -M "$MD"
is "$RC:$ERR" "64:deliver: --move needs --redeliver" "--move alone is a usage error"
dlv --redeliver -M "$MD"
is "$RC:$ERR" "64:deliver: --redeliver needs a PATH" "--redeliver needs a PATH"
dlv --redeliver -p /dev/null -M "$MD" "$TMP"
is "$RC:$ERR" "64:deliver: --redeliver takes PATHs, not -p" "-p does not mix with --redeliver"
dlv -M "$MD" "$TMP/x"
is "$RC" 64 "a PATH without --redeliver is still a usage error"

# a message file; a missing PATH; a directory that is no Maildir
printf 'Subject: one\nMessage-ID: <one@x>\n\none\n' > "$TMP/u/one.eml"
mkdir -p "$TMP/u/notmd"
dlv --redeliver -M "$MD" -a u@x "$TMP/u/one.eml" "$TMP/u/missing" "$TMP/u/notmd"
is "$RC" 66 "a missing PATH: exit 66 (EX_NOINPUT), the first permanent failure"
is "$ERR" "redelivery: messages 3, delivered 1, discarded 0, duplicates 0, failed 2
  filed into INBOX: 1
  failed $TMP/u/missing: cannot open: No such file or directory (exit 66)
  failed $TMP/u/notmd: not a Maildir (no cur/ or new/) (exit 66)
deliver: redelivery: 2 of 3 messages failed" "summary lists each failure with its reason and code"
ok "the message file was delivered and stays" test -f "$TMP/u/one.eml" -a "$(count_files "$MD/new")" = 1

# a single file inside the Maildir: it is in INBOX already, left in place
f=$(only_file "$MD/new")
dlv --redeliver --move -M "$MD" -a u@x "$f"
is "$RC:$ERR" "0:redelivery: messages 1, delivered 1, discarded 0, duplicates 0, failed 0
  left in place in INBOX: 1
  sources removed: 0" "a file in the Maildir's own new/ stays where it is"
is "$(only_file "$MD/new")" "$f" "same file, not doubled"

# Sieve discard with --move: the filter's decision, the source goes
printf 'discard;\n' > "$TMP/d.sieve"; chmod 644 "$TMP/d.sieve"
printf 'Subject: spam\n\nspam\n' > "$TMP/u/spam.eml"
dlv --redeliver -n -s "$TMP/d.sieve" -M "$MD" -a u@x "$TMP/u/spam.eml" > "$TMP/out"
is "$(cat "$TMP/out")" "message $TMP/u/spam.eml
discard" "-n prints the message and its plan on stdout"
dlv --redeliver --move -s "$TMP/d.sieve" -M "$MD" -a u@x "$TMP/u/spam.eml"
is "$RC:$ERR" "0:redelivery: messages 1, delivered 0, discarded 1, duplicates 0, failed 0
  sources removed: 1" "a discarded message is counted as discarded"
ok "and its source is removed" test ! -e "$TMP/u/spam.eml"

# no mail goes out about old messages: redirect and vacation are not
# performed, and a redirect that took the message away keeps it
printf '#!/bin/sh\ntouch %s/sent\ncat > /dev/null\n' "$TMP" > "$TMP/sendmail"; chmod 755 "$TMP/sendmail"
chmod 777 "$TMP"
printf 'require ["vacation"];\nvacation "away";\nredirect "other@example.org";\n' > "$TMP/out.sieve"; chmod 644 "$TMP/out.sieve"
printf 'From: old@example.org\nSubject: old\nMessage-ID: <old@x>\n\nold\n' > "$TMP/u/old.eml"
n=$(count_files "$MD/new")
dlv --redeliver --move -o sendmail="$TMP/sendmail" -s "$TMP/out.sieve" -M "$MD" -f old@example.org -a u@x "$TMP/u/old.eml"
is "$RC:$(count_files "$MD/new")" "0:$((n + 1))" "redirect without keep: kept in INBOX instead"
ok "no vacation reply and no redirect were sent" test ! -e "$TMP/sent"
chmod 755 "$TMP"

# a listed file that is gone when its turn comes (a mail reader moved it
# from new/ to cur/): a temporary failure, a later run finds it
mkdir -p "$TMP/u/v/new" "$TMP/u/v/cur"
printf 'Subject: v\n\nv\n' > "$TMP/u/v/new/1.v"
is_root && chown -R "$TEST_USER" "$TMP/u/v"
if command -v strace >/dev/null && strace -qq -o /dev/null true 2>/dev/null && [ -z "${ASAN_OPTIONS:-}" ]; then
	who=(); is_root && who=(-d "$TEST_USER")
	strace -f -qq -o /dev/null -P "$TMP/u/v/new/1.v" -e trace=openat -e inject=openat:error=ENOENT \
		"$DELIVER" -c "$DCONF" "${who[@]}" --redeliver -M "$MD" -a u@x "$TMP/u/v" 2> "$TMP/err"
	is "$?:$(grep '^  failed' "$TMP/err")" "75:  failed $TMP/u/v/new/1.v: gone since the run started (moved by a mail reader?) (exit 75)" \
		"a listed file that vanished: exit 75, said so"
else
	skip "strace cannot inject here (not installed, no ptrace, or AddressSanitizer)"
fi

# no terminal: no progress bar, no carriage return
mkdir -p "$TMP/u/old/new" "$TMP/u/old/cur"
for i in 1 2 3; do printf 'Subject: %d\n\n%d\n' $i $i > "$TMP/u/old/new/10$i.x"; done
is_root && chown -R "$TEST_USER" "$TMP/u/old"
dlv --redeliver -M "$MD" -a u@x "$TMP/u/old"
ok "not a terminal: no progress bar" test "$(printf '%s' "$ERR" | tr -cd '\r\033' | wc -c)" = 0
is "$(printf '%s\n' "$ERR" | head -1)" "redelivery: messages 3, delivered 3, discarded 0, duplicates 0, failed 0" "the summary is there"
if command -v script >/dev/null; then
	who=""; is_root && who="-d $TEST_USER"
	script -qec "$DELIVER -c $DCONF $who --redeliver -M $MD -a u@x $TMP/u/old" /dev/null > "$TMP/tty" 2>&1
	like "$(tr '\r' '\n' < "$TMP/tty")" '\[#{24}\] 3/3 [0-9.]+/s ETA 0:00' "on a terminal: a progress bar with done/total, rate and ETA"
	like "$(tr '\r' '\n' < "$TMP/tty")" 'redelivery: messages 3, delivered 3' "then the summary"
else
	skip "script(1) not installed: no terminal to test the progress bar on"
	skip "script(1) not installed"
fi
finish
