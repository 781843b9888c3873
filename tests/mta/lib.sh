# tests/mta/lib.sh: helpers for the tests that run deliver under real mail
# servers (Postfix, Exim).  Sourced after tests/integration/lib.sh.
#
# Each test script starts one private server instance (own config, spool,
# log, loopback port) and stops it on exit.  The test users, the lock and
# the server processes are global to the machine, so one run at a time:
# mta_lock serializes runs from different work trees.

MTA_DOMAIN=mta.test
MTA_USERS=()            # users this script created, removed on exit
MTA_STOPS=()            # commands that stop what this script started
MTA_SKIP_ALL=""

mta_cleanup() {
	local i
	for ((i = ${#MTA_STOPS[@]} - 1; i >= 0; i--)); do
		eval "${MTA_STOPS[i]}" >/dev/null 2>&1
	done
	for u in "${MTA_USERS[@]}"; do
		userdel "$u" >/dev/null 2>&1
		getent group "$u" >/dev/null && groupdel "$u" >/dev/null 2>&1
	done
	# MTA_KEEP=1 keeps the scratch directory to look at after a failure
	if [ -n "${MTA_KEEP:-}" ]; then echo "# kept $TMP"; else rm -rf "$TMP"; fi
}
trap mta_cleanup EXIT
trap 'exit 1' INT TERM HUP

# skip_all REASON: the whole script is skipped (TAP "1..0 # SKIP").
skip_all() { echo "1..0 # SKIP $1"; exit 0; }

# Wait up to $1 seconds for COMMAND to succeed; polls 5 times a second.
wait_until() {
	local limit=$(($1 * 5)) i
	shift
	for ((i = 0; i < limit; i++)); do
		"$@" >/dev/null 2>&1 && break
		sleep 0.2
	done
	[ -n "${MTA_TRACE:-}" ] && echo "waited $i/5 s for: $*" >>"$MTA_TRACE"
	[ "$i" -lt "$limit" ]
}

mta_lock() {
	exec 9>/run/lock/deliver-check-mta.lock || return 1
	flock -w 240 9
}

# A TCP port nobody listens on, from a range away from the usual services.
free_port() {
	local p i
	for ((i = 0; i < 50; i++)); do
		p=$((20000 + RANDOM % 10000))
		if ! ss -Hltn "sport = :$p" | grep -q .; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

listening() { ss -Hltn "sport = :$1" | grep -q .; }

# mta_user NAME: a fresh system user whose home is $TMP/home/NAME (mode
# 0700); removed again on exit.
mta_user() {
	local u=$1 home=$TMP/home/$1
	if id "$u" >/dev/null 2>&1; then userdel "$u" >/dev/null 2>&1; fi
	getent group "$u" >/dev/null && groupdel "$u" >/dev/null 2>&1
	mkdir -p "$TMP/home"
	useradd -M -U -d "$home" -s /bin/sh "$u" || return 1
	MTA_USERS+=("$u")
	mkdir -p "$home"
	chown "$u:$u" "$home"
	chmod 700 "$home"
}

home_of() { echo "$TMP/home/$1"; }

# mta_msg FILE MESSAGE-ID SUBJECT [EXTRA-HEADER]: a complete message (so no
# server adds Message-ID/Date/From of its own), LF line ends.
mta_msg() {
	{
		echo "From: Sender <sender@example.net>"
		echo "To: someone@$MTA_DOMAIN"
		echo "Subject: $3"
		echo "Date: Mon, 23 Nov 2026 10:00:00 +0000"
		echo "Message-ID: <$2>"
		[ -n "${4:-}" ] && echo "$4"
		echo "MIME-Version: 1.0"
		echo "Content-Type: text/plain; charset=us-ascii"
		echo
		echo "Body of $3."
		echo "From here on a line that starts with From (must stay as is)."
		echo ". a line starting with a dot (SMTP dot-stuffing)"
		echo "last line"
	} >"$1"
}

# send PORT FROM TO FILE: one SMTP transaction with swaks.  swaks puts
# "CRLF." after the data, so the file goes without its last newline (else
# the message would grow a blank line); it also drops a leading From_ line
# and turns a literal backslash-n into a line break: test messages have
# neither.
send() {
	head -c -1 "$4" >"$4.swaks"
	swaks --server 127.0.0.1 --port "$1" --from "$2" --to "$3" \
	    --data "@$4.swaks" --hide-all --timeout 20
}

# Files in a Maildir folder's new/ (0 when it does not exist).
count_new() { [ -d "$1/new" ] && count_files "$1/new" || echo 0; }
has_new() { [ "$(count_new "$1")" -ge "${2:-1}" ]; }

# check_delivered FILE ORIGINAL TOP...: FILE must be the header lines TOP
# (exact), then the server's own Received: header(s), then ORIGINAL byte
# for byte.  Prints what differs.
check_delivered() {
	local file=$1 orig=$2 n
	shift 2
	n=$#
	if [ "$(head -n "$n" "$file")" != "$(printf '%s\n' "$@")" ]; then
		echo "top of message differs:"
		head -n "$((n + 1))" "$file"
		return 1
	fi
	# skip the Received: block (a line "Received:" and its continuations)
	tail -n +"$((n + 1))" "$file" |
	    awk 'BEGIN { r = 1 }
		 r && /^Received:/ { seen = 1; next }
		 r && seen && /^[ \t]/ { next }
		 { r = 0; print }' >"$TMP/body.cmp"
	if ! cmp -s "$TMP/body.cmp" "$orig"; then
		echo "rest of message differs from what was sent:"
		diff "$orig" "$TMP/body.cmp" | head -20
		return 1
	fi
}

# count_header FILE NAME: how many header lines NAME: the header block has.
count_header() {
	awk -v n="$2" 'BEGIN { c = 0 }
	    /^$/ { exit } tolower($0) ~ "^" tolower(n) ":" { c++ }
	    END { print c }' "$1"
}
