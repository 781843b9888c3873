# sieve-lib.sh: helpers shared by the 3x-sieve-*.t tests.
. "$(dirname "$0")/lib.sh"

MD="$TMP/u/Maildir"
user_dir "$TMP/u"
CAP="$TMP/cap"
user_dir "$CAP"
FROM=alice@example.org
RCPT=bob@example.org

# A sendmail that records its arguments and its input: $CAP/argv.N and
# $CAP/msg.N for the Nth call (0-based).
cat > "$TMP/sendmail" <<EOF
#!/bin/sh
n=\$(ls "$CAP" | grep -c '^argv')
printf '%s\n' "\$@" > "$CAP/argv.\$n"
cat > "$CAP/msg.\$n"
EOF
chmod 755 "$TMP/sendmail"

# script TEXT: the Sieve script $TMP/s.sieve
script() {
	printf '%s\n' "$1" > "$TMP/s.sieve"
	chmod 644 "$TMP/s.sieve"
}

# mail FILE HEADER-LINES...: a message with these headers and a body
mail() {
	local f=$1; shift
	{ printf '%s\n' "$@"; printf '\nbody\n'; } > "$f"
}

# sdlv MESSAGE ARGS...: deliver MESSAGE through $TMP/s.sieve with the
# capturing sendmail; $RC, $ERR as with dlv.
sdlv() {
	local m=$1; shift
	dlv -e -M "$MD" -s "$TMP/s.sieve" -o sendmail="$TMP/sendmail" \
	    -f "$FROM" -a "$RCPT" "$@" < "$m"
}

# Where the messages are: "INBOX/new Junk/new Lists.x/cur:2,FS" (sorted).
landed() {
	[ -d "$MD" ] || { echo "(none)"; return; }
	(cd "$MD" && find . \( -path '*/new/*' -o -path '*/cur/*' \) -type f |
	    sed -E 's#^\./##; s#^(new|cur)/#INBOX/\1/#; s#^\.([^/]+)/#\1/#;
	        s#/(new|cur)/[^:]*(:2,.*)?$#/\1\2#' | sort | tr '\n' ' ' |
	    sed 's/ $//')
}

reset_md() { rm -rf "$MD" "$CAP"/*; }

# sent: how many messages went to sendmail
sent() { ls "$CAP" | grep -c '^msg' ; }
