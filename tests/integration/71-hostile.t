#!/bin/bash
# The hostile-input corpus (tests/hostile/gen.pl, 100+ cases): each message
# is delivered intact (after the documented normalization), or into the
# Maildir when a folder name is refused, or refused with the documented
# exit code and one line on stderr; none crashes (a sanitizer build exits
# 99), none runs longer than 20 seconds, nothing lands outside the Maildir.
. "$(dirname "$0")/lib.sh"

perl "$SRCDIR/tests/hostile/gen.pl" "$TMP/cases" > /dev/null
cases=("$TMP"/cases/*.msg)
plan $((${#cases[@]} + 1))

normalized() { # the bytes deliver stores for a message, with -f s@x -a r@x
	printf 'Return-Path: <s@x>\nDelivered-To: r@x\n'
	perl -0777 -pe 's/\A(?=From )[^\n]*\n?//; s/\r\n/\n/g' "$1"
}

WHO=(); is_root && { ensure_test_user; WHO=(-d "$TEST_USER"); }
for msg in "${cases[@]}"; do
	name=$(basename "$msg" .msg); base=${msg%.msg}
	expect=$(cat "$base.expect")
	mapfile -d '' -t args < "$base.args"
	root="$TMP/run/$name"; user_dir "$root"
	timeout 20 "$DELIVER" -c "$DCONF" "${WHO[@]}" -M "$root/M" -f s@x -a r@x \
		"${args[@]}" < "$msg" > /dev/null 2> "$TMP/err"
	rc=$?
	copies=$(find "$root/M" \( -path '*/new/*' -o -path '*/cur/*' \) -type f 2>/dev/null)
	ncopies=$(printf '%s' "$copies" | grep -c .)
	outside=$(ls -A "$root" | grep -vx M)
	why="exit $rc, $ncopies copies${outside:+, outside: $outside}, stderr: $(head -c 200 "$TMP/err")"
	case $expect in
	intact)
		normalized "$msg" > "$TMP/expected"
		if [ "$rc" = 0 ] && [ "$ncopies" = 1 ] && [ -z "$outside" ] &&
			cmp -s "$copies" "$TMP/expected"; then
			_result 0 "$name: delivered intact"
		else
			_result 1 "$name: delivered intact ($why)"
		fi ;;
	delivered)
		is "$rc:$ncopies:$outside" "0:1:" "$name: delivered once inside the Maildir" ;;
	exit=*)
		is "$rc:$ncopies:$(wc -l < "$TMP/err")" "${expect#exit=}:0:1" "$name: refused with ${expect#exit=}, one line on stderr" ;;
	esac
	rm -rf "$root"
done
left=$(find "$TMP/run" -type f 2>/dev/null | wc -l)
is "$left" 0 "no stray files"
finish
