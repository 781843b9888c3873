#!/bin/bash
# Virtual mailboxes: mailbox_map, mailbox_base, the hashed layout,
# --where, and delivery into the mapped Maildir as the mail user.
. "$(dirname "$0")/lib.sh"
plan 32

BASE="$TMP/vmail"
MAP="$TMP/vmail.map"
user_dir "$BASE"
cat > "$MAP" <<EOF
# virtual users of example.org: FNV-1a hashed, two levels
/^postmaster@example\\.org\$/     $BASE/admin   add_delivered_to=no
/^([a-z0-9.]+)(\\+[^@]*)?@example\\.org\$/  $BASE/%2h/\$1  quota=1G  sieve=$TMP/sieve/\$1.sieve
# anything goes before @hostile.example: the groups are still checked
/^(.*)@hostile\.example\$/  $BASE/h/\$1
EOF
printf 'mailbox_map = %s\nmailbox_base = %s\n' "$MAP" "$BASE" > "$TMP/vmap.conf"
DCONF="$TMP/vmap.conf"
printf 'Subject: hello\nMessage-ID: <v1@example.org>\n\nbody\n' > "$TMP/msg"

where() { # where ADDRESS: stdout in $OUT, stderr in $ERR, status in $RC
	OUT=$("$DELIVER" -c "$DCONF" "$@" 2>"$TMP/stderr")
	RC=$?
	ERR=$(cat "$TMP/stderr")
}

# --where: the Maildir and the line's keys
where --where bob@example.org
is "$RC" 0 "--where: exit 0 for a mapped address"
is "$OUT" "$BASE/86/c6/bob
quota=1G
sieve=$TMP/sieve/bob.sieve" "--where: hashed Maildir (FNV-1a of \"bob\" = 86c6a0d4) and keys"
is "$ERR" "" "--where: nothing on stderr"
where --where BOB+lists@example.org
is "$RC:$(echo "$OUT" | head -1)" "0:$BASE/86/c6/BOB" "--where: case and +detail do not change the hash levels"
where --where postmaster@example.org
is "$RC:$OUT" "0:$BASE/admin
add_delivered_to=no" "--where: first matching line wins"
where --where bob@example.com
is "$RC:$OUT" "67:" "--where: unmatched address exits 67 with no output"
is "$ERR" "deliver: unknown user bob@example.com" "--where: unknown user on stderr"
where --where ..@example.org
is "$RC" 67 "--where: a group that starts with '.' is refused (67)"
like "$ERR" "^deliver: unknown user \\.\\.@example\\.org \\($MAP:3: \\\$1 holds '\\.'\\)\$" "--where: the refusal names the line and the reason"
where -o mailbox_map= --where bob@example.org
is "$RC" 64 "--where without mailbox_map: exit 64"

# a run-away pattern is cut off by the match limit, logged, and skipped
printf '/^(a+)+$/ %s/runaway\n/^a+b$/ %s/next\n' "$BASE" "$BASE" > "$TMP/runaway.map"
LONG=$(printf 'a%.0s' $(seq 1 200))b
t0=$(date +%s%N)
where -e -o mailbox_map="$TMP/runaway.map" --where "$LONG"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
bound=2000; [ -n "${DELIVER_VALGRIND:-}" ] && bound=20000  # memcheck: 20-50x slower
is "$RC:$OUT:$((ms < bound))" "0:$BASE/next:1" "run-away pattern: skipped in under $((bound / 1000)) s (${ms} ms), next line wins"
is "$ERR" "deliver: $TMP/runaway.map:1: PCRE2 match limit hit for <$LONG>, line skipped (1 line(s) in all)" "run-away pattern: logged with file and line"

# delivery into the mapped Maildir, as the mail user
dlv -e -f alice@example.org -a bob@example.org < "$TMP/msg"
is "$RC" 0 "delivery by map: exit 0"
f=$(only_file "$BASE/86/c6/bob/new")
printf 'Return-Path: <alice@example.org>\nDelivered-To: bob@example.org\nSubject: hello\nMessage-ID: <v1@example.org>\n\nbody\n' > "$TMP/expected"
is "$(sha "$f" 2>/dev/null)" "$(sha "$TMP/expected")" "delivery by map: exact bytes in BASE/86/c6/bob/new"
is "$(stat -c %a "$BASE/86") $(stat -c %a "$BASE/86/c6") $(stat -c %a "$BASE/86/c6/bob")" "700 700 700" "hashed levels and Maildir created with mode 0700"
if is_root; then
	is "$(stat -c %U "$BASE/86/c6" "$f" | sort -u)" "$TEST_USER" "hashed levels and message owned by the mail user"
else
	skip "ownership check needs root"
fi
like "$ERR" "^deliver: to=<bob@example.org> .* folder=INBOX status=delivered\$" "delivery by map: log line"

# the recipient from the environment, as Postfix and Exim pass it
RECIPIENT=alice@example.org MAILDIR="$TMP/ignored" dlv < "$TMP/msg"
is "$RC:$(count_files "$BASE/87/22/alice/new")" "0:1" "\$RECIPIENT is looked up; \$MAILDIR does not override the map"
ok "\$MAILDIR was not used" test ! -e "$TMP/ignored"

# per-line keys are applied as -o would
dlv -a postmaster@example.org < "$TMP/msg"
f=$(only_file "$BASE/admin/new")
is "$RC:$(head -2 "$f" 2>/dev/null | tr '\n' '|')" "0:Subject: hello|Message-ID: <v1@example.org>|" "add_delivered_to=no from the map line takes effect"

# -M wins over the map
user_dir "$TMP/own"
dlv -M "$TMP/own/Maildir" -a nobody@nowhere.example < "$TMP/msg"
is "$RC:$(count_files "$TMP/own/Maildir/new")" "0:1" "-M bypasses the map"

# a dry run maps but creates nothing
dlv -n -a carol@example.org < "$TMP/msg" > "$TMP/out"
is "$RC:$(cat "$TMP/out"):$(ls "$BASE" | tr '\n' ' ')" "0:fileinto INBOX:86 87 admin " "-n: plans, but creates no hashed levels"

# unknown users and hostile addresses bounce and touch nothing
dlv -a bob@example.com < "$TMP/msg"
is "$RC:$ERR" "67:deliver: unknown user bob@example.com" "delivery to an unmapped address: 67"
dlv -a '../../etc@hostile.example' < "$TMP/msg"
is "$RC:$ERR" "67:deliver: unknown user ../../etc@hostile.example ($MAP:5: \$1 holds '.')" "'../../etc' as the local part: 67"
dlv -a 'x/../../etc@hostile.example' < "$TMP/msg"
is "$RC:$ERR" "67:deliver: unknown user x/../../etc@hostile.example ($MAP:5: \$1 holds '/')" "'x/../../etc' as the local part: 67"
ok "no directory made for it" test ! -e "$BASE/h"

# a broken map keeps the mail queued (75) and says where
cp "$MAP" "$TMP/good.map"
printf '# broken\n/^(bob@example\\.org$/ %s/bob\n' "$BASE" > "$MAP"
dlv -a bob@example.org < "$TMP/msg"
is "$RC" 75 "map that does not compile: 75"
is "$ERR" "deliver: $MAP:2: missing closing parenthesis at offset 19" "stderr: FILE:LINE: PCRE2 message at offset N"
where --where bob@example.org
is "$RC" 75 "--where with a broken map: 75"
cp "$TMP/good.map" "$MAP"

# mailbox_base: required, and must exist
dlv -o mailbox_base= -a bob@example.org < "$TMP/msg"
is "$RC:$ERR" "75:deliver: $MAP: mailbox_base must be an absolute directory when mailbox_map is set" "mailbox_map without mailbox_base: 75"
mv "$BASE" "$TMP/vmail.away"
dlv -a dave@example.org < "$TMP/msg"
is "$RC:$ERR" "75:deliver: cannot open mailbox_base $BASE: No such file or directory" "missing mailbox_base (unmounted): 75"
ok "a missing base is not recreated" test ! -e "$BASE"
mv "$TMP/vmail.away" "$BASE"
finish
