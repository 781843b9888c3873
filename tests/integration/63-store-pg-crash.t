#!/bin/bash
# Crash consistency with the PostgreSQL store, across hosts: deliver on
# "hostA" is killed (SIGKILL, strace -e inject) at each call of the system
# calls that file the message and talk to the server, one run per call;
# the MTA's retry comes from "hostB" (another hostname setting, the same
# Maildir and database).  After each kill:
#   - whatever is visible in new/ or cur/ is the whole message;
#   - the retry exits 0 at once (the server ended the dead session's
#     claim with it: no waiting for store_timeout);
#   - each target folder then holds exactly one copy;
#   - the database says delivered.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg-lib.sh"
pg_require
if ! command -v strace >/dev/null || ! strace -qq -o /dev/null true 2>/dev/null; then
	echo "1..0 # skip strace cannot trace here (no ptrace)"
	exit 0
fi
ensure_test_user
pg_setup "$TEST_USER"
user_dir "$TMP/u"
MD="$TMP/u/M"
printf 'Subject: crash\nMessage-ID: <crash@x>\nTo: r@x\n\nbody\n' > "$TMP/msg"
printf 'Return-Path: <a@b>\nDelivered-To: r@x\nSubject: crash\nMessage-ID: <crash@x>\nTo: r@x\n\nbody\n' > "$TMP/expected"
printf 'require "fileinto";\nfileinto "Archive";\nfileinto "Lists/crash";\n' > "$TMP/two.sieve"
chmod 644 "$TMP/two.sieve"
printf 'store = %s\nstore_timeout = 10\n' "$URI" > "$TMP/pg.conf"
ARGS=(-c "$TMP/pg.conf" -d "$TEST_USER" -M "$MD" -f a@b -a r@x -s "$TMP/two.sieve")
TARGETS=".Archive .Lists.crash"
# the calls that file the message and carry the claim and the record
CALLS="sendto recvfrom poll linkat link renameat rename fsync unlinkat"

forget() { psql_as "$TEST_USER" "DELETE FROM deliver.dedup; DELETE FROM deliver.log" >/dev/null; }

# reference run: how often hostA makes each call
rm -rf "$MD"; forget
strace -f -qq -o "$TMP/trace" -e trace="${CALLS// /,}" "$DELIVER" "${ARGS[@]}" -o hostname=hostA < "$TMP/msg" 2>/dev/null

points=0; bad=0; slow=0
whole_or_nothing() {
	local f
	for f in $(find "$MD" \( -path '*/new/*' -o -path '*/cur/*' \) -type f 2>/dev/null); do
		cmp -s "$f" "$TMP/expected" || { echo "# partial or wrong file $f"; return 1; }
	done
}
copies_in() { find "$MD/$1/new" "$MD/$1/cur" -type f 2>/dev/null | grep -c .; }

for sc in $CALLS; do
	count=$(sed -E 's/^[0-9]+ +//' "$TMP/trace" | grep -c "^$sc(")
	for n in $(seq 1 "$count"); do
		rm -rf "$MD"; forget
		points=$((points + 1))
		label="killed at $sc #$n"
		strace -f -qq -o /dev/null -e trace="$sc" -e inject="$sc:signal=KILL:when=$n" \
			"$DELIVER" "${ARGS[@]}" -o hostname=hostA < "$TMP/msg" >/dev/null 2>&1
		whole_or_nothing || { bad=$((bad + 1)); echo "# $label: not whole"; continue; }
		start=$(date +%s)
		"$DELIVER" "${ARGS[@]}" -o hostname=hostB < "$TMP/msg" >/dev/null 2>"$TMP/err"; rc=$?
		[ $(( $(date +%s) - start )) -le 3 ] || { slow=$((slow + 1)); echo "# $label: the retry waited"; }
		[ "$rc" = 0 ] || { bad=$((bad + 1)); echo "# $label: retry exit $rc: $(head -c 200 "$TMP/err")"; continue; }
		whole_or_nothing || { bad=$((bad + 1)); echo "# $label: retry left a partial file"; continue; }
		# a kill inside the Sieve child: the implicit keep, one copy in INBOX
		if [ "$(copies_in .)" = 1 ] && [ "$(find "$MD" \( -path '*/new/*' -o -path '*/cur/*' \) -type f | grep -c .)" = 1 ]; then
			continue
		fi
		for t in $TARGETS; do
			c=$(copies_in "$t")
			[ "$c" = 1 ] || { bad=$((bad + 1)); echo "# $label: $c copies in $t"; }
		done
		st=$(psql_as "$TEST_USER" "SELECT state FROM deliver.dedup WHERE msgid = 'crash@x'")
		[ "$st" = 1 ] || { bad=$((bad + 1)); echo "# $label: the claim is '$st', not delivered"; }
	done
done 2>/dev/null  # bash's "Killed" notices

plan 3
ok "every crash point tried ($points points over: $CALLS)" test "$points" -ge 20
is "$bad" 0 "after every crash on hostA: whole or nothing, hostB's retry succeeds, one copy per folder, recorded"
is "$slow" 0 "hostB never waits for the dead delivery's claim"
finish
