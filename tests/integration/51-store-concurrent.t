#!/bin/bash
# deliver.db: ten concurrent deliveries of the same message (an MTA
# delivering for several aliases at once) leave exactly one copy.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/store-lib.sh"
plan 6

msg "$TMP/m" "<same@example.org>"
# a first, unrelated delivery creates the store, so the ten race on claims
# rather than on creating the schema; a second round races on creation
msg "$TMP/first" "<first@example.org>"
dlv -M "$MD" -f s@x -a r@x < "$TMP/first"

race() { # race MAILDIR: ten deliveries of $TMP/m at once
	local pids=() i
	rm -f "$TMP"/rc.*
	for i in $(seq 1 10); do
		( dlv -M "$1" -o store_timeout=30 -f s@x -a r@x < "$TMP/m"; echo "$RC" > "$TMP/rc.$i" ) &
		pids+=($!)
	done
	wait "${pids[@]}"
}

race "$MD"
is "$(cat "$TMP"/rc.* | sort -u | tr -d '\n')" 0 "all ten exit 0"
is "$(grep -l '^Message-ID: <same@example.org>' "$MD"/new/* | wc -l)" 1 "exactly one copy filed"
is "$(q "SELECT result, count(*) FROM log WHERE msgid = 'same@example.org' GROUP BY result ORDER BY result")" "delivered|1
duplicate|9" "one delivered, nine duplicates in the log"
is "$(count_files "$MD/tmp")" 0 "no tmp file left behind"

user_dir "$TMP/w"
race "$TMP/w/Maildir"
is "$(cat "$TMP"/rc.* | sort -u | tr -d '\n')" 0 "a fresh store: all ten exit 0"
is "$(count_files "$TMP/w/Maildir/new")" 1 "a fresh store: exactly one copy"
finish
