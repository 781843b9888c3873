#!/bin/bash
# `deliver --from-procmailrc` on bad input: syntax procmail itself
# rejects (procmail is run first, and its complaint checked, so the cases
# stay ones procmail really rejects) exits 65 naming the line; a 10 MiB rc
# file, 1,000-deep nesting and hostile regular expressions end in bounded
# time and memory with a documented exit status and a report or an error
# naming the file; a missing file exits 66.  Through all of it nothing is
# delivered and nothing in the home changes, an existing ~/.dovecot.sieve
# included, nor does --install make a script from a file it refuses.
. "$(dirname "$0")/lib.sh"
plan 45

PROCMAIL=${PROCMAIL:-/usr/bin/procmail}
H=$TMP/home
user_dir "$H"
mkdir -p "$H/Maildir/new" "$H/Maildir/cur" "$H/Maildir/tmp"
printf 'From: a@example.org\nSubject: kept\n\nold mail\n' >"$H/Maildir/new/1.x"
printf 'require "fileinto";\nfileinto "Mine";\n' >"$H/.dovecot.sieve"
if is_root; then chown -R "$TEST_USER" "$H"; fi
as_user=()
if is_root; then
	as_user=(setpriv --reuid="$TEST_USER" --regid="$(id -g "$TEST_USER")"
	    --clear-groups)
fi
# the home as it was: every file with its size, mode and contents
home_state() {
	(cd "$H" && find . -printf '%p %s %m %T@\n' | sort &&
	    find . -type f -exec sha256sum {} + | sort)
}
BEFORE=$(home_state)

# The bounds: 20 s of wall clock and 1 GiB of address space; under
# AddressSanitizer (which reserves terabytes of address space) and
# valgrind no address-space limit, and valgrind gets 200 s
LIMIT_S=20 LIMIT_V=1048576
if [ -n "${ASAN_OPTIONS:-}" ] || [ -n "${DELIVER_VALGRIND:-}" ]; then
	LIMIT_V=unlimited
fi
[ -n "${DELIVER_VALGRIND:-}" ] && LIMIT_S=200

# translate RCFILE [ARG...]: the translator as the test user, within the
# bounds; $RC, $OUT (stdout), $ERR (stderr), $SECS (elapsed, whole
# seconds)
translate() {
	local rc=$1 t0
	shift
	t0=$(date +%s)
	(ulimit -v "$LIMIT_V"; timeout "$LIMIT_S" "${as_user[@]}" env HOME="$H" \
	    "$DELIVER" --from-procmailrc "$rc" "$@") \
	    >"$TMP/out" 2>"$TMP/err"
	RC=$?
	SECS=$(( $(date +%s) - t0 ))
	OUT=$(head -c 2000 "$TMP/out")
	ERR=$(head -c 2000 "$TMP/err")
}

# procmail_says RCFILE: procmail's complaints about the file (it runs it
# on a small message into a scratch home of the test user)
procmail_says() {
	local ph=$TMP/ph
	rm -rf "$ph"
	user_dir "$ph"
	mkdir -p "$ph/Maildir"
	if is_root; then chown -R "$TEST_USER" "$ph"; fi
	printf 'From: a@example.org\nSubject: x\n\nbody\n' |
	    timeout 20 "${as_user[@]}" "$PROCMAIL" -m HOME="$ph" \
	    SHELL=/bin/sh MAILDIR="$ph/Maildir" DEFAULT="$ph/Maildir/" \
	    "$1" 2>&1 >/dev/null
}

# --- syntax procmail rejects: exit 65, the file and line, no script ----
# syntax_case NAME CONTENT PROCMAIL-COMPLAINT LINES(regex)
syntax_case() {
	local f=$TMP/$1.rc
	printf "$2" >"$f"
	chmod 644 "$f"
	if [ ! -x "$PROCMAIL" ]; then
		skip "procmail is not installed: cannot confirm it rejects $1"
	else
		like "$(procmail_says "$f")" "$3" "$1: procmail rejects it ($3)"
	fi
	translate "$f"
	is "$RC" 65 "$1: exit 65"
	like "$ERR" "^$f:($4): " "$1: the error names the file and line"
	is "$OUT" "" "$1: no script on stdout"
	# --install to a new file: refused the same, the file not made (the
	# home's state is compared at the end)
	translate "$f" --install="$H/fresh.sieve"
	is "$RC" 65 "$1: --install: exit 65, nothing installed"
}
syntax_case no-action ':0\n* ^Subject:.*x\n' 'Incomplete recipe' '1|2'
syntax_case unknown-flag ':0 Z\n.X/\n' 'Skipped "Z"' 1
# (procmail reads its file as it goes: the stray brace must come after a
# recipe that does not deliver, or procmail never sees it)
syntax_case stray-brace ':0\n* ^X-Nothing: never\n.X/\n}\n' \
    'Closing brace unexpected' 4
syntax_case bad-regexp ':0\n* ^Subject:(.*x\n.X/\n' 'Invalid regexp' '1|2'

# a file that is not there
translate "$TMP/nonexistent.rc"
is "$RC" 66 "a missing rc file: exit 66"
like "$ERR" "nonexistent\.rc" "...naming it"

# clear_outcome NAME: a documented exit status, in bounded time, and
# stderr ending in the report's summary or an error naming the file
clear_outcome() {
	local last
	last=$(tail -n 1 "$TMP/err")
	case $RC in
	0 | 1 | 65) _result 0 "$1: exit $RC in ${SECS}s" ;;
	*) _result 1 "$1: exit $RC in ${SECS}s (124: timed out; >128: killed)"
	   printf '#   %s\n' "$last" ;;
	esac
	like "$last" "^procmailrc: [0-9]+ recipes: |^$2:[0-9]+: " \
	    "$1: ends with the summary or an error with its line"
}

# --- 10 MiB: 250,000 recipes ------------------------------------------
perl -e 'for my $i (1 .. 250000) {
	printf ":0\n* ^Subject:.*word%06d\n.Folder%06d/\n\n", $i, $i % 1000;
}' >"$TMP/big.rc"
chmod 644 "$TMP/big.rc"
size=$(stat -c %s "$TMP/big.rc")
ok "the big rc file has 10 MiB or more ($size bytes)" test "$size" -ge 10485760
translate "$TMP/big.rc"
# its script (about 25 MB) is more than deliver's parser reads (1 MiB):
# none is written, and exit 70 says why, in bounded time and memory
is "$RC:$(wc -c < "$TMP/out")" "70:0" "10 MiB rc: exit 70 in ${SECS}s, no script on stdout"
like "$(grep '^deliver: ' "$TMP/err")" "^deliver: the translated script fails the check: line 1: script too large \([0-9]+ bytes, limit 1048576\); not written$" \
    "10 MiB rc: ...saying its script is larger than deliver reads"
like "$(tail -n 1 "$TMP/err")" "^procmailrc: 250000 recipes: " "10 MiB rc: ends with the summary"

# --- 1,000 nested blocks -----------------------------------------------
perl -e 'print ":0\n{\n" x 1000, ":0\n.Deep/\n", "}\n" x 1000' >"$TMP/deep.rc"
chmod 644 "$TMP/deep.rc"
translate "$TMP/deep.rc"
clear_outcome "1,000-deep nesting" "$TMP/deep.rc"

# --- hostile regular expressions, one file each ------------------------
# nested quantifiers, 5,000 nested groups, a 50,000-way alternation, a
# 100,000-character class, 5,000 \/ MATCH operators; what translates runs
# in bounded time on a message made to make backtracking explode, and the
# message is kept somewhere (one copy)
{
	printf 'From: a@example.org\nSubject: '
	perl -e 'print "a" x 30000, "c"'
	printf '\n\nbody\n'
} >"$TMP/hostile.eml"
hostile() { # hostile NAME CONDITION
	local f=$TMP/$1.rc d=$TMP/d-$1 t0 drc
	printf ':0\n* ^Subject:%s\n.Hostile/\n' "$2" >"$f"
	chmod 644 "$f"
	translate "$f"
	clear_outcome "hostile regex, $1" "$f"
	if [ "$RC" != 0 ] && [ "$RC" != 1 ]; then
		skip "hostile regex, $1: no script to run (exit $RC)"
		return
	fi
	cp "$TMP/out" "$TMP/$1.sieve"
	chmod 644 "$TMP/$1.sieve"
	user_dir "$d"
	t0=$(date +%s)
	(ulimit -v "$LIMIT_V"; timeout "$LIMIT_S" "${as_user[@]}" "$DELIVER" -c "$DCONF" \
	    -M "$d/Maildir" -s "$TMP/$1.sieve" -o dedup=no \
	    -f a@example.org -a b@example.org <"$TMP/hostile.eml") \
	    >/dev/null 2>"$TMP/derr"
	drc=$?
	is "$drc:$(find "$d/Maildir" -path '*/new/*' -type f 2>/dev/null |
	    wc -l | tr -d ' ')" 0:1 \
	    "hostile regex, $1: its translation delivers one copy ($(( $(date +%s) - t0 ))s)"
}
hostile nested-quantifiers '((a*)*)*(a|aa)*(b+)+$'
hostile nested-groups "$(perl -e 'print "(" x 5000, "a", ")" x 5000')"
hostile alternation "$(perl -e 'print join("|", map { "w$_" } 1 .. 50000)')"
hostile long-class "$(perl -e 'print "[", "a-z" x 33333, "]"')"
hostile match-operators "$(perl -e 'print "x\\/" x 5000')"

# --- an existing ~/.dovecot.sieve is not replaced unasked ---------------
printf ':0\n* ^Subject:.*x\n.X/\n' >"$TMP/good.rc"
chmod 644 "$TMP/good.rc"
translate "$TMP/good.rc" --install
is "$RC" 73 "--install onto an existing ~/.dovecot.sieve: exit 73"

# --- and through all of it, the home is as it was -----------------------
is "$(home_state)" "$BEFORE" "nothing in the home was delivered, created or changed"

finish
