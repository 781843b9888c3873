#!/bin/bash
# deliver --redeliver: re-filter INBOX after the Sieve script changed
# (deliver.db recorded the first deliveries, yet the messages are filed
# again), the same message twice in the sources is filed once, a folder
# redelivered into itself is not doubled.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/store-lib.sh"
plan 24

mk() { # mk FILE SUBJECT ID
	printf 'From: a@example.org\nSubject: %s\nMessage-ID: <%s@x>\n\nbody of %s\n' \
		"$2" "$3" "$3" > "$1"
}
mk "$TMP/m1" "[list] one" l1
mk "$TMP/m2" "invoice 7" b1
mk "$TMP/m3" "hello" h1
mk "$TMP/m4" "[list] two" l2
for i in 1 2 3 4; do dlv -M "$MD" -f s@x -a u@x < "$TMP/m$i"; done
is "$(count_files "$MD/new")" 4 "four messages delivered into INBOX"
is "$(q "SELECT count(*) FROM dedup WHERE state = 1")" 4 "deliver.db recorded the four deliveries"
# what the files hold now, by Message-ID
for f in "$MD"/new/*; do cp "$f" "$TMP/orig.$(sed -n 's/^Message-ID: <\(.*\)@x>$/\1/p' "$f")"; done
h1_name=$(grep -l '^Message-ID: <h1@x>' "$MD"/new/*)

cat > "$TMP/s.sieve" <<'S'
require ["fileinto"];
if header :contains "subject" "[list]" { fileinto "Lists"; stop; }
if header :contains "subject" "invoice" { fileinto "Bills"; stop; }
S
chmod 644 "$TMP/s.sieve"

# -n first: prints the plan, changes nothing
before=$(cd "$MD" && find . -type f ! -name 'deliver.db*' | sort; q "SELECT count(*) FROM log")
dlv --redeliver -n -s "$TMP/s.sieve" -M "$MD" -f s@x -a u@x "$MD" > "$TMP/plan"
is "$RC" 0 "-n exits 0"
is "$(grep -c '^message ' "$TMP/plan"):$(grep -c '^fileinto Lists$' "$TMP/plan"):$(grep -c '^fileinto Bills$' "$TMP/plan"):$(grep -c '^left in place INBOX$' "$TMP/plan")" \
	"4:2:1:1" "-n: one plan per message"
is "$ERR" "redelivery (-n: nothing changed): messages 4, delivered 4, discarded 0, duplicates 0, failed 0
  filed into Bills: 1
  filed into Lists: 2
  left in place in INBOX: 1" "-n: the summary of the plan"
after=$(cd "$MD" && find . -type f ! -name 'deliver.db*' | sort; q "SELECT count(*) FROM log")
is "$after" "$before" "-n: no file and no log row changed"

# the real thing, moving
dlv --redeliver --move -s "$TMP/s.sieve" -M "$MD" -f s@x -a u@x "$MD"
is "$RC" 0 "re-filtering exits 0"
is "$ERR" "redelivery: messages 4, delivered 4, discarded 0, duplicates 0, failed 0
  filed into Bills: 1
  filed into Lists: 2
  left in place in INBOX: 1
  sources removed: 3" "summary, exact"
is "$(ls "$MD/new")" "$(basename "$h1_name")" "INBOX keeps only the message the script keeps, the same file"
is "$(count_files "$MD/.Lists/new"):$(count_files "$MD/.Bills/new")" "2:1" "Lists has two, Bills one"
ok "the kept message is unchanged" cmp "$h1_name" "$TMP/orig.h1"
ok "Bills holds the invoice, byte for byte" cmp "$(only_file "$MD/.Bills/new")" "$TMP/orig.b1"
l1=$(grep -l '^Message-ID: <l1@x>' "$MD"/.Lists/new/*); l2=$(grep -l '^Message-ID: <l2@x>' "$MD"/.Lists/new/*)
ok "Lists holds l1, byte for byte" cmp "$l1" "$TMP/orig.l1"
ok "Lists holds l2, byte for byte" cmp "$l2" "$TMP/orig.l2"
is "$(count_files "$MD/tmp"):$(count_files "$MD/cur")" "0:0" "nothing left in tmp/, nothing in cur/"
is "$(q "SELECT result || ' ' || folders FROM log ORDER BY id LIMIT 4 OFFSET 4")" "delivered Lists
delivered Bills
delivered 
delivered Lists" "each redelivery is in the delivery log"

# the same Message-ID twice in the sources: filed once; no Message-ID: both
OLD="$TMP/u/old"; mkdir -p "$OLD/cur" "$OLD/new" "$OLD/tmp"
mk "$OLD/cur/1000.A.h:2,S" "dup" d1
cp "$OLD/cur/1000.A.h:2,S" "$OLD/new/1001.B.h"
printf 'Subject: no id\n\nx\n' > "$OLD/new/1002.C.h"
cp "$OLD/new/1002.C.h" "$OLD/new/1003.D.h"
chown -R "$TEST_USER" "$OLD" 2>/dev/null
dlv --redeliver --move -M "$MD" -f s@x -a u@x "$OLD"
is "$RC" 0 "a duplicate is not a failure"
is "$ERR" "redelivery: messages 4, delivered 3, discarded 0, duplicates 1, failed 0
  filed into INBOX: 3
  sources removed: 3
  duplicate $OLD/new/1001.B.h: Message-ID <d1@x> delivered earlier in this run" "summary names the duplicate"
is "$(count_files "$MD/new")" 4 "INBOX: the kept one, d1 once, both messages without Message-ID"
is "$(count_files "$OLD/cur"):$(count_files "$OLD/new")" 0:1 "--move: the duplicate's source stays"
ok "the one left is the duplicate" test -f "$OLD/new/1001.B.h"

# a folder into itself, no script, no --move: everything stays as it is
snap=$(cd "$MD" && find . -path '*/new/*' -o -path '*/cur/*' | sort)
dlv --redeliver -M "$MD" -f s@x -a u@x "$MD" "$MD/.Lists"
is "$RC" 0 "self-redelivery exits 0"
is "$ERR" "redelivery: messages 6, delivered 6, discarded 0, duplicates 0, failed 0
  filed into INBOX: 2
  left in place in INBOX: 4" "INBOX's messages stay, Lists' go to INBOX (the default keep)"
after=$(cd "$MD" && find . -path '*/new/*' -o -path '*/cur/*' | sort)
is "$(printf '%s\n' "$after" | grep -c '^\./new/')" 6 "INBOX not doubled: 4 stayed, 2 copies from Lists"
finish
