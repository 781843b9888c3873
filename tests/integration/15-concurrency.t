#!/bin/bash
# 50 concurrent deliveries into one Maildir: all present, names unique.
. "$(dirname "$0")/lib.sh"
plan 4

user_dir "$TMP/u"
for i in $(seq 1 50); do printf 'Subject: %d\nMessage-ID: <%d@x>\n\nbody %d\n' "$i" "$i" "$i" > "$TMP/m$i"; done
pids=()
for i in $(seq 1 50); do
	( dlv -M "$TMP/u/Maildir" -f s@x -a r@x < "$TMP/m$i"; echo "$RC" > "$TMP/rc$i" ) &
	pids+=($!)
done
wait "${pids[@]}"
is "$(cat "$TMP"/rc* | sort -u | tr -d '\n')" 0 "all 50 exit 0"
is "$(count_files "$TMP/u/Maildir/new")" 50 "50 files in new/"
is "$(ls "$TMP/u/Maildir/new" | sed 's/,S=.*//' | sort -u | wc -l)" 50 "50 distinct unique names"
is "$(cat "$TMP"/u/Maildir/new/* | grep -c '^Subject: ')$(for i in $(seq 1 50); do grep -l "^body $i\$" "$TMP"/u/Maildir/new/* ; done | sort -u | wc -l)" "5050" "every message present exactly once, whole"
finish
