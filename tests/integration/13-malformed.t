#!/bin/bash
# Malformed and hostile input is delivered intact (after the documented
# normalization: CRLF -> LF, a leading From_ line dropped), never lost.
. "$(dirname "$0")/lib.sh"
plan 14

# expected_of FILE: the bytes deliver must store for FILE (with -f s@x -a r@x)
expected_of() {
	printf 'Return-Path: <s@x>\nDelivered-To: r@x\n'
	perl -0777 -pe 's/\A(?=From )[^\n]*\n?//; s/\r\n/\n/g' "$1"
}

n=0
check() { # check DESCRIPTION (input in $TMP/in)
	n=$((n + 1)); user_dir "$TMP/c$n"
	dlv -M "$TMP/c$n/Maildir" -f s@x -a r@x < "$TMP/in"
	expected_of "$TMP/in" > "$TMP/exp$n"
	local f; f=$(only_file "$TMP/c$n/Maildir/new")
	is "$RC:$( [ -n "$f" ] && cmp -s "$f" "$TMP/exp$n" && echo same)" "0:same" "$1"
}

: > "$TMP/in"; check "empty message"
printf 'Subject: a\0b\n\nbody\0with\0NULs\n' > "$TMP/in"; check "NUL bytes in header and body"
printf 'Subject: no separator\nX-A: b' > "$TMP/in"; check "no blank line, no final newline"
printf 'just some text without any header\n' > "$TMP/in"; check "no header at all"
{ printf 'Subject: '; head -c 1048576 /dev/zero | tr '\0' 'x'; printf '\n\nbody\n'; } > "$TMP/in"; check "a 1 MiB header line"
head -c 300000 /dev/urandom > "$TMP/in"; check "300 KB of binary junk"
{ for i in $(seq 1 10000); do printf 'X-H%d: v\n' "$i"; done; printf '\nb\n'; } > "$TMP/in"; check "10,000 headers"
{ printf 'Subject: x\n\n'; for i in $(seq 1 3000); do printf 'line\r\n'; done; } > "$TMP/in"; check "CRLF everywhere in a body larger than one read buffer"
printf 'Subject: x\r\n\r\n\r\r\n\r' > "$TMP/in"; check "CR runs and a final bare CR"
printf 'From \n\nbody\n' > "$TMP/in"; check "an empty From_ line"
printf '\n\n\n' > "$TMP/in"; check "only blank lines"
{ printf 'Subject: \xff\xfe\xc0\x80 =?utf-8?B?!!!?=\n\n'; printf '\x80\x81\n'; } > "$TMP/in"; check "8-bit junk and a broken encoded word"

# Every one of those left nothing in tmp/
left=0; for d in "$TMP"/c*/Maildir/tmp; do left=$((left + $(count_files "$d"))); done
is "$left" 0 "no tmp/ file left behind"

# A header line of 64 KiB + 1 split across read buffers keeps its CRLF rule
{ printf 'Subject: '; head -c 65527 /dev/zero | tr '\0' 'y'; printf '\r\n\r\nb\r\n'; } > "$TMP/in"; check "CRLF straddling the 64 KiB buffer boundary"
finish
