#!/bin/bash
# A PostgreSQL claim lost between the claim and the filing: the delivery
# on hostA stops right after its claim (DELIVER_TEST_HOOK=stop-after-claim)
# and its server session is ended (pg_terminate_backend, or the server
# stopped), which releases the claim's advisory lock.  Continued, hostA
# asks the store before linking anything:
#   - nobody else came: it reconnects, takes the claim back, files one copy;
#   - hostB filed the message meanwhile (taking over the "dead" claim):
#     hostA exits 75 without linking, says so in one line, and its retry
#     is a duplicate (one copy in all);
#   - hostB holds the claim, or took it over and died: hostA exits 75 the
#     same way, and hostB or the retry files it;
#   - the server is gone: store_unavailable decides (deliver: filed with a
#     warning; defer: 75, filed once by the retry).
# Without the check hostA links its copy in every case and exits 0: two
# copies where hostB filed or holds the message (15 of these checks fail).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/store-lib.sh"
. "$(dirname "$0")/pg-lib.sh"
pg_require
plan 32

ensure_test_user
pg_setup "$TEST_USER"
printf 'store = %s\nstore_timeout = 3\n' "$URI" > "$TMP/pg.conf"
DCONF="$TMP/pg.conf"

# start_stopped NAME MSG ARGS...: a delivery that stops after its claim,
# its pid in $PID, its stderr in $TMP/NAME.err
start_stopped() {
	local name=$1 m=$2
	shift 2
	DELIVER_TEST_HOOK=stop-after-claim "$DELIVER" -e -c "$DCONF" -d "$TEST_USER" \
		-M "$MD" -f s@x -a r@x "$@" < "$m" 2>"$TMP/$name.err" &
	PID=$!
	wait_stopped "$PID"
}
# end the session holding the claim of MSGID; prints how many were ended
end_session() {
	local n i
	n=$(psql_as postgres "SELECT count(pg_terminate_backend(a.pid)) FROM pg_stat_activity a
		WHERE a.application_name = 'deliver' AND a.usename = '$TEST_USER' AND a.pid = ANY (
		SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted) AND a.pid <> ALL (
		SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.pid = ${1:-0})")
	for i in $(seq 1 100); do
		[ "$(psql_as postgres "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")" = 0 ] && break
		sleep 0.05
	done
	echo "$n"
}
# continue NAME: SIGCONT the stopped delivery, its exit code in $RC, its
# stderr in $ERR
continue_it() {
	kill -CONT "$PID"
	wait "$PID"; RC=$?
	ERR=$(cat "$TMP/$1.err")
}
# hostB files into a Maildir of its own, so that nothing it does there
# (a resumed claim finding hostA's copies by name, removing hostA's tmp
# file) can hide a copy linked by hostA: the copies of both are counted
MDB="$TMP/u/MaildirB"
copies() { find "$MD/new" "$MD/cur" "$MDB/new" "$MDB/cur" -type f 2>/dev/null | wc -l | tr -d ' '; }
state() { psql_as "$TEST_USER" "SELECT state FROM deliver.dedup WHERE msgid = '$1'"; }
fresh() { rm -rf "$MD" "$MDB"; psql_as "$TEST_USER" "DELETE FROM deliver.dedup; DELETE FROM deliver.log" >/dev/null; }

# 1. the session ended, nobody else came: taken back, one copy
fresh
msg "$TMP/m1" "<alone@example.org>"
ok "hostA stops after its claim" start_stopped a1 "$TMP/m1" -o hostname=hostA
is "$(end_session)" 1 "its session is ended (pg_terminate_backend)"
continue_it a1
is "$RC" 0 "hostA continued: exit 0"
like "$ERR" "PostgreSQL store: connection lost since the claim: reconnected, claim taken back" "it reconnects and takes the claim back"
is "$(copies)" 1 "exactly one copy"
is "$(state alone@example.org)" 1 "the claim is recorded as delivered"

# 2. the session ended, hostB filed the message meanwhile
fresh
msg "$TMP/m2" "<twice@example.org>"
ok "hostA stops after its claim" start_stopped a2 "$TMP/m2" -o hostname=hostA
is "$(end_session)" 1 "its session is ended"
dlv -e -o hostname=hostB -M "$MDB" -f s@x -a r@x < "$TMP/m2"
is "$RC" 0 "hostB delivers meanwhile: exit 0"
like "$ERR" "msgid=<twice@example.org> resuming an unfinished delivery" "hostB took the released claim over"
continue_it a2
is "$RC" 75 "hostA continued: exit 75"
is "$(printf '%s\n' "$ERR" | grep -c 'claim lost')" 1 "one line about it"
like "$ERR" "^deliver: msgid=<twice@example.org> claim lost while filing: another delivery filed it; the MTA retries$" "the line says why" 
is "$(copies)" 1 "exactly one copy (hostB's), none linked by hostA"
is "$(count_files "$MD/tmp"):$(count_files "$MDB/tmp")" 0:0 "no tmp file left"
dlv -e -o hostname=hostA -M "$MD" -f s@x -a r@x < "$TMP/m2"
is "$RC" 0 "hostA's retry: exit 0"
like "$ERR" "status=duplicate" "as a duplicate"
is "$(copies)" 1 "still exactly one copy"

# 3. the session ended, hostB holds the claim (stopped after taking it over)
fresh
msg "$TMP/m3" "<held@example.org>"
ok "hostA stops after its claim" start_stopped a3 "$TMP/m3" -o hostname=hostA
PID_A=$PID
end_session >/dev/null
ok "hostB takes the claim over and stops" start_stopped b3 "$TMP/m3" -o hostname=hostB -M "$MDB"
PID_B=$PID
PID=$PID_A; continue_it a3
is "$RC:$(copies)" "75:0" "hostA continued: exit 75, nothing linked"
like "$ERR" "msgid=<held@example.org> claim lost while filing: another delivery holds it; the MTA retries" "because hostB holds it"
PID=$PID_B; continue_it b3
is "$RC:$(copies):$(state held@example.org)" "0:1:1" "hostB files the one copy and records it"

# 3b. hostB took the claim over and died before filing: the lock is free
# again, but the row is hostB's now
fresh
msg "$TMP/m6" "<over@example.org>"
start_stopped a6 "$TMP/m6" -o hostname=hostA; PID_A=$PID
end_session >/dev/null
ok "hostB takes the claim over and stops" start_stopped b6 "$TMP/m6" -o hostname=hostB -M "$MDB"
kill -KILL "$PID"; wait "$PID" 2>/dev/null
PID=$PID_A; continue_it a6
is "$RC:$(copies)" "75:0" "hostA continued after hostB died: exit 75, nothing linked"
like "$ERR" "msgid=<over@example.org> claim lost while filing: another delivery took it over; the MTA retries" "because the claim is hostB's now"
dlv -e -o hostname=hostA -M "$MD" -f s@x -a r@x < "$TMP/m6"
is "$RC:$(copies):$(state over@example.org)" "0:1:1" "hostA's retry resumes it: one copy, recorded"

# 4. the server gone while the claims are held: store_unavailable decides
fresh
msg "$TMP/m4" "<deliver@example.org>"
msg "$TMP/m5" "<defer@example.org>"
start_stopped a4 "$TMP/m4" -o hostname=hostA; PID_4=$PID
start_stopped a5 "$TMP/m5" -o hostname=hostA -o store_unavailable=defer; PID_5=$PID
pg_stop fast
PID=$PID_4; continue_it a4
is "$RC:$(copies)" "0:1" "store_unavailable = deliver: filed"
like "$ERR" "msgid=<deliver@example.org> claim not confirmed: the store connection was lost and the server cannot be reached; filed anyway \(store_unavailable = deliver\)" "with a warning"
PID=$PID_5; continue_it a5
is "$RC:$(copies)" "75:1" "store_unavailable = defer: exit 75, nothing linked"
like "$ERR" "^deliver: store unavailable \(the store connection was lost and the server cannot be reached\): deferred \(store_unavailable = defer\)$" "saying why"
pg_start
dlv -e -o hostname=hostA -o store_unavailable=defer -M "$MD" -f s@x -a r@x < "$TMP/m5"
is "$RC:$(copies):$(state defer@example.org)" "0:2:1" "its retry files it once and records it"
finish
