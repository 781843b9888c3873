#!/bin/bash
# The duplicate extension (RFC 7352): what the test saw is kept in the
# user's deliver.db, recorded only when the delivery succeeded; the second
# delivery of a Message-ID files where the script says, exactly.
# deliver's own duplicate suppression (dedup) is off here, or it would
# take the second copy before Sieve sees it.
. "$(dirname "$0")/sieve-lib.sh"
plan 11

mail "$TMP/m" "From: a@example.org" "To: b@example.org" \
    "Message-ID: <dup1@example.org>" "X-Ticket: 42"
mail "$TMP/m2" "From: a@example.org" "To: b@example.org" \
    "Message-ID: <dup2@example.org>" "X-Ticket: 42"

# two deliveries of a message: "RC:folders" after the second
twice() {
	reset_md
	sdlv "$1" -o dedup=no -o add_return_path=no -o add_delivered_to=no
	sdlv "${2:-$1}" -o dedup=no -o add_return_path=no -o add_delivered_to=no
	echo "$RC:$(landed)"
}

script 'require ["duplicate", "fileinto"];
if duplicate { fileinto "Dups"; }'
is "$(twice "$TMP/m")" "0:Dups/new INBOX/new" "the second delivery of a Message-ID goes to Dups"
ok "...byte for byte" cmp -s "$TMP/m" "$(only_file "$MD/.Dups/new")"
is "$(twice "$TMP/m" "$TMP/m2")" "0:INBOX/new INBOX/new" "another Message-ID is new"

script 'require ["duplicate", "fileinto"];
if duplicate :header "X-Ticket" :handle "tickets" { fileinto "Seen"; }'
is "$(twice "$TMP/m" "$TMP/m2")" "0:INBOX/new Seen/new" ":header: the same X-Ticket in two messages"

script 'require ["duplicate", "fileinto", "variables"];
if header :matches "Message-ID" "<*@*>" { set "id" "${1}"; }
if duplicate :uniqueid "${id}" :handle "a" { fileinto "A"; }
if duplicate :uniqueid "${id}" :handle "b" { fileinto "B"; }'
is "$(twice "$TMP/m")" "0:A/new B/new INBOX/new" ":uniqueid under two handles: each its own record"

# recorded only once the delivery succeeded: a dry run records nothing
script 'require ["duplicate", "fileinto"];
if duplicate { fileinto "Dups"; }'
reset_md
sdlv "$TMP/m" -n -o dedup=no >/dev/null
sdlv "$TMP/m" -o dedup=no
is "$RC:$(landed)" "0:INBOX/new" "deliver -n records nothing"

# a script that fails after the test records nothing either
script 'require ["duplicate", "fileinto"];
if duplicate { fileinto "Dups"; }
fileinto "X"; fileinto "Y";'
reset_md
sdlv "$TMP/m" -o dedup=no -o sieve_max_actions=1
script 'require ["duplicate", "fileinto"];
if duplicate { fileinto "Dups"; }'
sdlv "$TMP/m" -o dedup=no
is "$RC:$(landed)" "0:INBOX/new INBOX/new" "...nor does a failed evaluation"

# the period
script 'require ["duplicate", "fileinto"];
if duplicate :seconds 1 { fileinto "Dups"; }'
reset_md
sdlv "$TMP/m" -o dedup=no
sleep 2
sdlv "$TMP/m" -o dedup=no
is "$RC:$(landed)" "0:INBOX/new INBOX/new" ":seconds 1: gone two seconds later"
script 'require ["duplicate", "fileinto"];
if duplicate :seconds 60 { fileinto "Dups"; }'
is "$(twice "$TMP/m")" "0:Dups/new INBOX/new" "...and with :seconds 60, there a moment later"

# the table in deliver.db
is "$(sqlite3 "$MD/deliver.db" "SELECT count(*) FROM duplicate" 2>&1)" 1 \
    "deliver.db holds one row for the id"
script 'require ["duplicate"];
if duplicate :seconds 99999999 { keep; }'
reset_md
sdlv "$TMP/m" -o dedup=no -o sieve_duplicate_max_period=1h
is "$(sqlite3 "$MD/deliver.db" "SELECT expires - strftime('%s','now') BETWEEN 3590 AND 3600 FROM duplicate" 2>&1)" 1 \
    ":seconds is capped by sieve_duplicate_max_period"

finish
