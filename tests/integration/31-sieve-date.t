#!/bin/bash
# Sieve date, currentdate and index (RFC 5260) at delivery: the weekend
# example, zones (:originalzone, :zone, the local zone from TZ), broken
# dates, Received dates picked by :index/:last, and the checks -C makes.
. "$(dirname "$0")/sieve-lib.sh"
plan 19

# check TEST [HEADERS...]: deliver a message with these headers through
# "if TEST { fileinto "Yes"; }"; prints "yes", "no" or the error
check() {
	local t=$1; shift
	reset_md
	script "require [\"date\", \"index\", \"fileinto\", \"relational\", \"comparator-i;ascii-numeric\"];
if $t { fileinto \"Yes\"; }"
	mail "$TMP/m" "$@"
	sdlv "$TMP/m"
	case "$RC:$(landed)" in
	0:Yes/new) echo yes ;;
	0:INBOX/new) echo no ;;
	*) echo "error rc=$RC $(landed) $ERR" ;;
	esac
}

# the weekend example of sieve-examples/
weekend() {
	reset_md
	cp "$SRCDIR/sieve-examples/weekend.sieve" "$TMP/s.sieve"
	chmod 644 "$TMP/s.sieve"
	mail "$TMP/m" "Subject: hi" "$@"
	sdlv "$TMP/m"
	echo "$RC:$(landed)"
}
is "$(weekend "Date: Sat, 05 Dec 2026 10:00:00 +0100")" "0:Weekend/new" "weekend: a Saturday"
is "$(weekend "Date: Mon, 07 Dec 2026 10:00:00 +0100")" "0:INBOX/new" "weekend: a Monday stays in INBOX"
is "$(weekend "Date: Sun, 06 Dec 2026 23:30:00 -0800")" "0:Weekend/new" "weekend: Sunday night in the sender's zone (Monday in UTC)"
is "$(weekend "Date: Sun, 32 Dec 2026 10:00:00 +0100")" "0:INBOX/new" "weekend: a broken date is no date"
is "$(weekend "X-No-Date: yes")" "0:INBOX/new" "weekend: no Date header"

# the local zone is deliver's TZ (POSIX zone strings: no zone files needed)
D='Date: Sun, 06 Dec 2026 23:30:00 -0800'
is "$(TZ=UTC0 check 'date "date" "weekday" "1"' "$D")" yes "local zone UTC: Monday 07:30"
is "$(TZ=PST8 check 'date "date" "weekday" "0"' "$D")" yes "local zone -0800: still Sunday"
is "$(TZ=JST-9 check 'date "date" "zone" "+0900"' "$D")" yes "the zone part is the local zone"
is "$(check 'date :zone "+0900" "date" "iso8601" "2026-12-07T16:30:00+09:00"' "$D")" yes ":zone +0900 shifts the time"
is "$(check 'date :originalzone "date" "std11" "sun, 06 dec 2026 23:30:00 -0800"' "$D")" yes ":originalzone keeps the written zone (casemap)"
is "$(check 'date :originalzone "date" "zone" "-0500"' "Date: 6 Dec 26 23:30 EST")" yes "obsolete form: 2-digit year, no seconds, EST"
is "$(check 'date :count "eq" :comparator "i;ascii-numeric" "date" "date" "0"' "Date: yesterday")" yes "an unreadable date is not counted"

# Received: the date after the last ';'; :index 1 is the topmost field
R1="Received: from b by c; Mon, 07 Dec 2026 09:00:05 +0000"
R2="Received: from a by b; Mon, 07 Dec 2026 08:59:01 +0000"
is "$(check 'date :index 1 "received" "second" "05"' "$R1" "$R2")" yes "date :index 1 is the newest Received"
is "$(check 'date :index 1 :last "received" "second" "01"' "$R1" "$R2")" yes "date :index 1 :last is the first relay's"
is "$(check 'address :index 2 :localpart "to" "two"' "To: one@example.org" "To: two@example.org")" yes "address :index 2"
is "$(check 'header :index 3 "to" "x"' "To: one@example.org")" no "an :index beyond the fields selects nothing"

# currentdate: the clock at delivery
is "$(TZ=UTC0 check "currentdate \"year\" \"$(date -u +%Y)\"")" yes "currentdate year"

# what -C says about index's tags
script 'require ["index"];
if header :last "to" "x" { keep; }'
dlv -C "$TMP/s.sieve" > "$TMP/out"
is "$RC" 65 "-C: :last without :index is refused (EX_DATAERR)"
is "$(cat "$TMP/out")" "$TMP/s.sieve: line 2, column 11: the :last tag cannot be specified without the :index tag" "-C: says why"
finish
