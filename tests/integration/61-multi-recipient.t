#!/bin/bash
# One write, many recipients: deliver -a A -a B -a C reads the
# message once and hard-links it into every recipient's Maildir, each with
# its own Sieve script, quota, store and log line; the exit code and the
# stderr lines cover all of them (man/deliver.1, MULTIPLE RECIPIENTS).
. "$(dirname "$0")/lib.sh"
plan 41

BASE="$TMP/vmail"
MAP="$TMP/vmail.map"
MNT="$BASE/mnt"
user_dir "$BASE"
mkdir -p "$TMP/sieve"
# write_map CAROL_QUOTA: carol's quota is the one the tests change
write_map() {
	cat > "$MAP" <<EOF
/^carol@example\\.org\$/       $BASE/carol  quota=$1
/^dave@example\\.org\$/        $MNT/dave
/^([a-z]+)@example\\.org\$/    $BASE/\$1  sieve=$TMP/sieve/\$1.sieve
EOF
}
write_map 10K
printf 'mailbox_map = %s\nmailbox_base = %s\n' "$MAP" "$BASE" > "$TMP/vmap.conf"
DCONF="$TMP/vmap.conf"
printf 'require "fileinto";\nfileinto "Alice";\n' > "$TMP/sieve/alice.sieve"
printf 'require "fileinto";\nfileinto "Bob";\n' > "$TMP/sieve/bob.sieve"
chmod 644 "$TMP/sieve"/*.sieve

A=alice@example.org B=bob@example.org C=carol@example.org
ABC=(-a "$A" -a "$B" -a "$C")
msg() { printf 'Subject: hello\nMessage-ID: <%s@example.net>\n\nbody\n' "$1"; }
ADIR=$BASE/alice/.Alice/new BDIR=$BASE/bob/.Bob/new CDIR=$BASE/carol/new
newest() { ls -t "$1" 2>/dev/null | head -1; }

# three recipients: one file, three names
msg m1 > "$TMP/in"; dlv -e -f s@example.net "${ABC[@]}" < "$TMP/in"
is "$RC" 0 "three recipients: exit 0"
fa=$ADIR/$(newest "$ADIR") fb=$BDIR/$(newest "$BDIR") fc=$CDIR/$(newest "$CDIR")
is "$(stat -c %i "$fa" "$fb" "$fc" 2>/dev/null | sort -u | wc -l):$(stat -c %h "$fa" 2>/dev/null)" "1:3" \
    "three recipients: the same inode in all three Maildirs, link count 3"
printf 'Return-Path: <s@example.net>\nSubject: hello\nMessage-ID: <m1@example.net>\n\nbody\n' > "$TMP/expected"
is "$(sha "$fa" 2>/dev/null)" "$(sha "$TMP/expected")" "three recipients: exact bytes (Return-Path, no Delivered-To)"
is "$(ls "$BASE/alice/tmp" "$BASE/bob/tmp" "$BASE/carol/tmp" | grep -vc -e '^$' -e ':$')" 0 "three recipients: no file left in any tmp/"
is "$(count_files "$BASE/alice/new"):$(count_files "$BASE/bob/new"):$(count_files "$CDIR")" "0:0:1" \
    "each recipient's own Sieve script: alice -> Alice, bob -> Bob, carol (no script) -> INBOX"
is "$(printf '%s\n' "$ERR" | grep 'to=<' | sed 's/ from=.*folder=/ folder=/')" "deliver: to=<$A> folder=Alice status=delivered
deliver: to=<$B> folder=Bob status=delivered
deliver: to=<$C> folder=INBOX status=delivered" "three recipients: one log line each"
is "$(tail -1 "$BASE/carol/maildirsize" 2>/dev/null)" "$(stat -c %s "$fc") 1" "carol's own quota: her maildirsize counts the copy"

# the same message again: three duplicates, nothing filed
msg m1 > "$TMP/in"; dlv -f s@example.net "${ABC[@]}" < "$TMP/in"
is "$RC:$ERR" "0:" "the batch again: exit 0, nothing on stderr"
is "$(count_files "$ADIR"):$(count_files "$BDIR"):$(count_files "$CDIR")" "1:1:1" "the batch again: every recipient a duplicate"

# carol over quota (100 bytes, 79 used): 75, the others delivered, and a retry is exact
write_map 100
msg m2 > "$TMP/in"; dlv -f s@example.net "${ABC[@]}" < "$TMP/in"
is "$RC" 75 "one recipient over quota: exit 75"
is "$ERR" "deliver: <$C>: Quota exceeded (exit 75)
deliver: 1 of 3 recipients not delivered" "one recipient over quota: her line and the summary on stderr"
is "$(count_files "$ADIR"):$(count_files "$BDIR"):$(count_files "$CDIR")" "2:2:1" "one recipient over quota: the others delivered"
write_map 10K
msg m2 > "$TMP/in"; dlv -f s@example.net "${ABC[@]}" < "$TMP/in"
is "$RC:$ERR" "0:" "retry after carol's quota is raised: exit 0"
is "$(count_files "$ADIR"):$(count_files "$BDIR"):$(count_files "$CDIR")" "2:2:2" \
    "retry: alice and bob found as duplicates, carol delivered: exactly one copy each"
fc=$CDIR/$(newest "$CDIR")
is "$(grep -c 'm2@' "$fc"):$(stat -c %h "$fc")" "1:1" "retry: carol's copy is m2, linked for her alone"

# no dedup guarantee: still 75 (nothing lost), with a warning per recipient
write_map 100
msg m3 > "$TMP/in"; dlv -o store=none -f s@example.net "${ABC[@]}" < "$TMP/in"
is "$RC" 75 "store off, one recipient over quota: still exit 75"
is "$ERR" "deliver: <$C>: Quota exceeded (exit 75)
deliver: <$A>: delivered, but a retry may deliver it again (dedup off)
deliver: <$B>: delivered, but a retry may deliver it again (dedup off)
deliver: 1 of 3 recipients not delivered" "store off: the delivered ones are named as possible duplicates"
printf 'Subject: no id\n\nbody\n' > "$TMP/in"; dlv -f s@example.net "${ABC[@]}" < "$TMP/in"
is "$RC:$(printf '%s\n' "$ERR" | sed -n 2p)" "75:deliver: <$A>: delivered, but a retry may deliver it again (no Message-ID)" \
    "no Message-ID: 75 with the warning"
msg m3b > "$TMP/in"; dlv -o dedup_days=0 -f s@example.net "${ABC[@]}" < "$TMP/in"
is "$RC:$(printf '%s\n' "$ERR" | sed -n 3p)" "75:deliver: <$B>: delivered, but a retry may deliver it again (dedup_days = 0)" \
    "dedup_days = 0: 75 with the warning"
write_map 10K

# a recipient unknown to the map fails alone; the batch bounces (67)
before=$(count_files "$ADIR"):$(count_files "$BDIR")
msg m4 > "$TMP/in"; dlv -f s@example.net -a "$A" -a nobody@example.com -a "$B" < "$TMP/in"
is "$RC" 67 "unknown recipient among known ones: exit 67"
is "$ERR" "deliver: <nobody@example.com>: unknown user nobody@example.com (exit 67)
deliver: 1 of 3 recipients not delivered" "unknown recipient: its line and the summary"
is "$before -> $(count_files "$ADIR"):$(count_files "$BDIR")" "5:5 -> 6:6" "unknown recipient: the known ones delivered"
# a malformed address is a bad command line: nobody gets the mail
before=$(count_files "$ADIR")
msg m4b > "$TMP/in"; dlv -f s@example.net -a "$A" -a $'x\n@example.org' < "$TMP/in"
is "$RC:$ERR:$before -> $(count_files "$ADIR")" "64:deliver: invalid recipient address:$before -> $before" \
    "an address with a control character: 64 for the run, nothing delivered"
# ... and a temporary failure wins over a permanent one: the MTA retries
write_map 100
msg m5 > "$TMP/in"; dlv -f s@example.net -a nobody@example.com -a "$C" < "$TMP/in"
is "$RC:$(printf '%s\n' "$ERR" | tail -1)" "75:deliver: 2 of 2 recipients not delivered" "67 and 75 together: exit 75"
write_map 10K

# a link refused (another file system): the recipient gets a copy
user_dir "$MNT"
if is_root && mount -t tmpfs -o size=4m,mode=0700 deliver-test "$MNT" 2>/dev/null; then
	trap 'umount "$MNT" 2>/dev/null; rm -rf "$TMP"' EXIT
	chown "$TEST_USER" "$MNT"
	msg m6 > "$TMP/in"; dlv -f s@example.net -a "$C" -a dave@example.org < "$TMP/in"
	is "$RC:$ERR" "0:" "link refused (tmpfs): exit 0"
	fc=$CDIR/$(newest "$CDIR") fd=$MNT/dave/new/$(newest "$MNT/dave/new")
	is "$(sha "$fd" 2>/dev/null)" "$(sha "$fc")" "link refused: dave's copy has the same bytes"
	is "$(stat -c %d "$fd" 2>/dev/null) $(stat -c %h "$fd" 2>/dev/null) $(stat -c %h "$fc")" \
	    "$(stat -c %d "$MNT") 1 1" "link refused: a copy on the other file system, one link each"
	is "$(ls -A "$MNT/dave/tmp" "$BASE/carol/tmp" | grep -vc -e '^$' -e ':$')" 0 "link refused: no copy left in tmp/"
	umount "$MNT"
else
	for i in 1 2 3 4; do skip "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)"; done
fi

# one recipient: today's behaviour, Delivered-To included
msg m7 > "$TMP/in"; dlv -f s@example.net -a "$A" < "$TMP/in"
fa=$ADIR/$(newest "$ADIR")
printf 'Return-Path: <s@example.net>\nDelivered-To: %s\nSubject: hello\nMessage-ID: <m7@example.net>\n\nbody\n' "$A" > "$TMP/expected"
is "$RC:$(sha "$fa" 2>/dev/null)" "0:$(sha "$TMP/expected")" "one recipient: Delivered-To added as before"

# without a map: several addresses of one user share a Maildir, one file
# each (two names, one inode), and -p input is read once
user_dir "$TMP/u"
msg m8 > "$TMP/m8"
dlv -o mailbox_map= -M "$TMP/u/Maildir" -f s@example.net -a x@example.net -a y@example.net -p "$TMP/m8"
is "$RC:$ERR" "0:" "no map, one Maildir, -p: exit 0"
is "$(ls "$TMP/u/Maildir/new" | wc -l):$(stat -c %h "$TMP/u/Maildir/new"/* | sort -u)" "2:2" \
    "no map: two files in new/, hard links of one inode"
dlv -o mailbox_map= -M "$TMP/u/Maildir" -f s@example.net -a x@example.net -a y@example.net -p "$TMP/m8"
is "$RC:$(ls "$TMP/u/Maildir/new" | wc -l)" "0:2" "no map: the store tells the two recipients apart (both duplicates now)"
dlv -o mailbox_map= -M "$TMP/u/Maildir" -f s@example.net -a x@example.net -a x@example.net -p "$TMP/m8"
is "$RC:$(ls "$TMP/u/Maildir/new" | wc -l)" "0:2" "the same address twice: a duplicate, not a second copy"

# a dry run plans for everyone and writes nothing
before=$(find "$BASE" -type f | wc -l)
msg m9 > "$TMP/in"; dlv -n -f s@example.net "${ABC[@]}" > "$TMP/out" < "$TMP/in"
is "$RC:$(grep -v '^trace: ' "$TMP/out")" "0:to=<$A>
fileinto Alice
to=<$B>
fileinto Bob
to=<$C>
fileinto INBOX" "-n: each recipient's plan under its address"
is "$(find "$BASE" -type f | wc -l)" "$before" "-n: nothing written"

# a recipient whose Maildir cannot be made does not stop the others, even
# when it comes first (the message is read into the next one's tmp/)
if is_root; then
	mkdir -p "$BASE/erin" && chown root "$BASE/erin" && chmod 755 "$BASE/erin"
	msg m10 > "$TMP/in"; dlv -f s@example.net -a erin@example.org -a "$B" < "$TMP/in"
	is "$RC" 75 "first recipient's Maildir unwritable: exit 75"
	like "$(printf '%s\n' "$ERR" | head -1)" "^deliver: <erin@example.org>: cannot .*: Permission denied \\(exit 75\\)\$" \
	    "first recipient's Maildir unwritable: her line"
	is "$(printf '%s\n' "$ERR" | sed 1d)" "deliver: 1 of 2 recipients not delivered" "... and the summary"
	is "$(count_files "$BDIR")" 7 "first recipient's Maildir unwritable: bob delivered all the same"
else
	for i in 1 2 3 4; do skip "needs root to make a Maildir the mail user cannot write"; done
fi

# Postfix's argv form: -a${recipient} expands to one -aADDRESS per recipient
before=$(count_files "$ADIR"):$(count_files "$BDIR")
msg m11 > "$TMP/in"; dlv -f s@example.net "-a$A" "-a$B" < "$TMP/in"
is "$RC:$before -> $(count_files "$ADIR"):$(count_files "$BDIR")" "0:7:$((${before#*:})) -> 8:$((${before#*:} + 1))" \
    "-aADDRESS (pipe(8)'s -a\${recipient}) works"
before=$(count_files "$ADIR"):$(count_files "$BDIR")
msg m12 > "$TMP/in"; dlv -f s@example.net -a "$A" "$B" < "$TMP/in"
is "$RC:$before -> $(count_files "$ADIR"):$(count_files "$BDIR")" "0:8:${before#*:} -> 9:$((${before#*:} + 1))" \
    "-a A B (pipe(8)'s -a \${recipient}): the operands are recipients too"
finish
