#!/bin/bash
# Memory does not grow with message size: a 50 MiB message is delivered
# byte-exact under a 16 MiB address-space limit.
. "$(dirname "$0")/lib.sh"
plan 3

user_dir "$TMP/u"
{ printf 'Subject: big\r\n\r\n'; head -c 39321600 /dev/urandom | base64 -w 76 | sed 's/$/\r/'; } > "$TMP/big"
{ printf 'Return-Path: <s@x>\nDelivered-To: r@x\n'; tr -d '\r' < "$TMP/big"; } > "$TMP/expected"
size=$(stat -c %s "$TMP/big")
[ "$size" -gt 52428800 ] || echo "# warning: message only $size bytes"

if [ -n "${ASAN_OPTIONS:-}" ] || [ -n "${DELIVER_VALGRIND:-}" ]; then
	# AddressSanitizer reserves terabytes of address space, valgrind
	# needs its own: no ulimit -v
	dlv -M "$TMP/u/Maildir" -f s@x -a r@x < "$TMP/big"
	skip "ulimit -v under AddressSanitizer or valgrind (exit $RC without the limit)"
else
	(ulimit -v 16384; dlv -M "$TMP/u/Maildir" -f s@x -a r@x < "$TMP/big"; exit $RC)
	is "$?" 0 "50 MiB message delivered under ulimit -v 16384"
fi
f=$(only_file "$TMP/u/Maildir/new")
ok "bytes on disk are the message, CRLF turned into LF" cmp -s "$f" "$TMP/expected"
like "$f" ",S=$(stat -c %s "$TMP/expected")\$" "the name carries the stored size"
finish
