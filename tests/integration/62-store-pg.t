#!/bin/bash
# The PostgreSQL store against a real PostgreSQL 15 server, started here
# (initdb, pg_ctl) in a temporary directory as the postgres system user,
# listening on a Unix socket only, stopped at the end: deliver
# --store-init, duplicate suppression across two "hosts" (hostname
# settings) sharing one Maildir, a killed delivery's claim taken over at
# once by the other host, row-level security between two users (checked
# with psql as each), the server away (filed with a warning, or 75 with
# store_unavailable = defer, nothing lost or doubled), libpq missing, and
# deliver --log showing both hosts.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/store-lib.sh"
. "$(dirname "$0")/pg-lib.sh"
pg_require
plan 48

USER2=deliver-test2
id "$USER2" >/dev/null 2>&1 ||
	useradd -M -N -d /nonexistent -s /usr/sbin/nologin "$USER2"
ensure_test_user
pg_setup

cat > "$TMP/pg.conf" <<EOF
store = $URI
store_timeout = 3
EOF
DCONF="$TMP/pg.conf"

# 1. deliver --store-init, run by the database owner (pg_setup), twice
is "$PG_INIT_RC:$PG_INIT" "0:store: schema version 1" "--store-init creates the schema"
out=$(as_pg "$DELIVER" -c "$DCONF" --store-init 2>&1)
is "$?:$out" "0:store: schema version 1 (already current)" "--store-init again changes nothing"
psql_as postgres "CREATE ROLE \"$TEST_USER\" LOGIN IN ROLE deliver_users; CREATE ROLE \"$USER2\" LOGIN IN ROLE deliver_users" >/dev/null
is "$(psql_as postgres "SELECT count(*) FROM pg_policies WHERE schemaname = 'deliver'")" 5 "a policy on each of the five tables"

# 2. the same Message-ID twice: one copy
msg "$TMP/m1" "<twice@example.org>"
dlv -M "$MD" -f s@x -a r@x < "$TMP/m1"
is "$RC:$ERR" "0:" "first delivery, no warning"
dlv -M "$MD" -f s@x -a r@x < "$TMP/m1"
is "$RC:$(count_files "$MD/new")" "0:1" "the second is a duplicate: one copy"
is "$(psql_as "$TEST_USER" "SELECT state || ' ' || host FROM deliver.dedup WHERE msgid = 'twice@example.org'")" "1 $(hostname)" "the claim is confirmed, with the host"

dlv -o dedup_days=0 -M "$MD" -f s@x -a r@x < "$TMP/m1"
is "$RC:$(count_files "$MD/new")" "0:2" "dedup_days = 0: the expired record is claimed anew and filed"
is "$(psql_as "$TEST_USER" "SELECT count(*) || ' ' || min(state) FROM deliver.dedup WHERE msgid = 'twice@example.org'")" "1 1" "still one row, delivered"

# 3. two hosts, the same messages at once, many times: one copy each
rm -f "$MD/new/"*
fails=0
for i in $(seq 1 15); do
	msg "$TMP/c$i" "<race$i@example.org>"
	for h in hostA hostB hostA hostB; do
		"$DELIVER" -c "$DCONF" -d "$TEST_USER" -o hostname=$h -M "$MD" -f s@x -a r@x < "$TMP/c$i" 2>>"$TMP/race.err" &
	done
	for j in 1 2 3 4; do wait -n || fails=$((fails + 1)); done
done
wait
is "$fails" 0 "60 concurrent deliveries from two hosts all exit 0"
is "$(count_files "$MD/new")" 15 "exactly one copy of each of the 15 messages"
is "$(psql_as "$TEST_USER" "SELECT count(*) FROM deliver.log WHERE msgid LIKE 'race%' AND duplicate")" 45 "45 logged as duplicates"
is "$(psql_as "$TEST_USER" "SELECT count(DISTINCT host) FROM deliver.log WHERE msgid LIKE 'race%'")" 2 "both hosts delivered"

# 4. a delivery on hostA stopped holding its claim: hostB waits for it
# (store_timeout) and defers; once hostA is killed, hostB takes over at once
start_stopped() {
	local m=$1
	shift
	DELIVER_TEST_HOOK=stop-after-claim "$DELIVER" -c "$DCONF" -d "$TEST_USER" \
		"$@" < "$m" 2>/dev/null &
	PID=$!
	wait_stopped "$PID"
}
msg "$TMP/m4" "<killed@example.org>"
ok "hostA stops after its claim" start_stopped "$TMP/m4" -o hostname=hostA -M "$MD" -m Work -f s@x -a r@x
base=$(psql_as "$TEST_USER" "SELECT base FROM deliver.dedup WHERE msgid = 'killed@example.org'")
start=$(date +%s)
dlv -o hostname=hostB -o store_timeout=2 -M "$MD" -f s@x -a r@x < "$TMP/m4"
took=$(( $(date +%s) - start ))
is "$RC" 75 "hostB, while hostA lives: exit 75"
ok "hostB waited about store_timeout (${took}s)" test "$took" -ge 2 -a "$took" -le 5
kill -9 "$PID"; wait "$PID" 2>/dev/null
start=$(date +%s)
dlv -e -o hostname=hostB -M "$MD" -f s@x -a r@x < "$TMP/m4"
took=$(( $(date +%s) - start ))
is "$RC" 0 "hostB's retry after the kill exits 0"
ok "without waiting (${took}s)" test "$took" -le 1
like "$ERR" "msgid=<killed@example.org> resuming an unfinished delivery \(base $base\)" "it resumes hostA's claim"
is "$(ls "$MD/.Work/new" | sed 's/,S=.*//')" "$base" "one copy, in hostA's planned folder, under its base name"
is "$(count_files "$MD/tmp")" 0 "no tmp file left"

# 5. two users: neither reads nor alters the other's rows
MD2="$TMP/u2/Maildir"
mkdir -p "$TMP/u2"; chown "$USER2" "$TMP/u2"
msg "$TMP/m5" "<user2@example.org>"
"$DELIVER" -c "$DCONF" -d "$USER2" -M "$MD2" -f s@x -a r2@x < "$TMP/m5"
is "$?:$(count_files "$MD2/new")" "0:1" "user 2's delivery"
is "$(psql_as "$TEST_USER" "SELECT count(*) FROM deliver.log WHERE owner <> current_user")" 0 "user 1 sees none of user 2's log"
is "$(psql_as "$USER2" "SELECT count(*) || ' ' || min(owner) FROM deliver.log")" "1 $USER2" "user 2 sees its own row only"
is "$(psql_as "$TEST_USER" "UPDATE deliver.log SET result = 'forged' WHERE msgid = 'user2@example.org' RETURNING id")" "" "user 1 cannot update user 2's row"
is "$(psql_as "$TEST_USER" "DELETE FROM deliver.dedup WHERE msgid = 'user2@example.org' RETURNING id")" "" "nor delete user 2's claim"
like "$(psql_as "$TEST_USER" "INSERT INTO deliver.log (owner, host, msgid, sender, recipient, size, folders, files, actions, result, exit_code, duplicate) VALUES ('$USER2', 'h', 'x', 's', 'r', 1, '', '', '', 'forged', 0, false)")" "violates row-level security policy" "nor write a row as user 2"
like "$(psql_as "$TEST_USER" "UPDATE deliver.log SET owner = '$USER2'")" "violates row-level security policy" "nor give a row to user 2"
is "$(psql_as postgres "SELECT count(*) FROM deliver.log WHERE owner = '$USER2' AND result <> 'forged'")" 1 "user 2's row is intact (seen by the owner)"
msg "$TMP/m5b" "<user2@example.org>"
"$DELIVER" -c "$DCONF" -d "$TEST_USER" -M "$MD" -f s@x -a r2@x < "$TMP/m5b"
is "$?:$(count_files "$MD/new")" "0:16" "the same Message-ID for user 1 is not user 2's duplicate"

# 6. deliver --log: both hosts' deliveries, this user's only
out=$(as "$TEST_USER" "$DELIVER" -c "$DCONF" --log --limit 100 2>&1)
like "$out" "msgid=<race1@example.org> .* host=hostA" "--log shows hostA's deliveries"
like "$out" "host=hostB" "and hostB's"
is "$(printf '%s\n' "$out" | grep -c 'user2@example.org')" 1 "one user2@ line: user 1's own"

# 6b. vacation: two hosts, two messages from one sender: one reply
CAP="$TMP/cap"; user_dir "$CAP"
printf '#!/bin/sh\ncat > "%s/msg.$$"\n' "$CAP" > "$TMP/sendmail"
chmod 755 "$TMP/sendmail"
printf 'require "vacation";\nvacation :days 3 "away";\n' > "$TMP/v.sieve"; chmod 644 "$TMP/v.sieve"
for h in hostA hostB; do
	printf 'From: alice@example.org\nTo: r@x\nSubject: q\nMessage-ID: <vac-%s@example.org>\n\nq\n' $h > "$TMP/v-$h"
	dlv -o hostname=$h -o sendmail="$TMP/sendmail" -s "$TMP/v.sieve" -M "$TMP/u/Vac" -f alice@example.org -a r@x < "$TMP/v-$h"
done
is "$RC:$(count_files "$TMP/u/Vac/new"):$(count_files "$CAP")" "0:2:1" "vacation from two hosts: both filed, one reply"
is "$(psql_as "$TEST_USER" "SELECT sender FROM deliver.vacation")" "alice@example.org" "the reply is remembered in PostgreSQL"

# 6c. Sieve's duplicate test, across hosts: the second ticket is a dup
printf 'require ["duplicate", "fileinto"];\nif duplicate :header "X-Ticket" { fileinto "Dups"; }\n' > "$TMP/d.sieve"; chmod 644 "$TMP/d.sieve"
for h in hostA hostB; do
	printf 'X-Ticket: 42\nSubject: t\nMessage-ID: <ticket-%s@example.org>\n\nt\n' $h > "$TMP/t-$h"
	dlv -o hostname=$h -s "$TMP/d.sieve" -M "$TMP/u/Dup" -f s@x -a r@x < "$TMP/t-$h"
done
is "$RC:$(count_files "$TMP/u/Dup/new"):$(count_files "$TMP/u/Dup/.Dups/new")" "0:1:1" "Sieve duplicate across hosts: the second goes to Dups"

# 7. over TCP, with a password only the user can read (a passfile, mode
# 0600; ~/.pgpass is the default one)
psql_as postgres "ALTER ROLE \"$TEST_USER\" PASSWORD 'secret-1'" >/dev/null
printf '127.0.0.1:%s:mail:%s:secret-1\n' "$PORT" "$TEST_USER" > "$TMP/u/pgpass"
chown "$TEST_USER" "$TMP/u/pgpass"; chmod 600 "$TMP/u/pgpass"
TCP="postgresql://127.0.0.1:$PORT/mail?passfile=$TMP/u/pgpass"
msg "$TMP/m6" "<tcp@example.org>"
dlv -e -o "store=$TCP" -M "$MD" -f s@x -a r@x < "$TMP/m6"
is "$RC:$(count_files "$MD/new"):$(printf '%s' "$ERR" | grep -c PostgreSQL)" "0:17:0" "over TCP with a passfile: filed, no warning"
dlv -e -o "store=$TCP" -M "$MD" -f s@x -a r@x < "$TMP/m6"
is "$RC:$(count_files "$MD/new")" "0:17" "over TCP the second copy is a duplicate"
dlv -e -o "store=postgresql://127.0.0.1:$PORT/mail?passfile=/nonexistent" -M "$MD" -f s@x -a r@x < "$TMP/m6"
like "$RC:$(count_files "$MD/new"):$ERR" "^0:18:.*PostgreSQL store unavailable: .*password" "without the password: filed again (no store to say it is a duplicate), and said why"

# deliver --redeliver records into the PostgreSQL store too
printf 'Subject: r\nMessage-ID: <redo@example.org>\n\nr\n' > "$TMP/u/redo.eml"
chown "$TEST_USER" "$TMP/u/redo.eml"
MD3="$TMP/u/Maildir3"
dlv --redeliver -M "$MD3" -a r@x "$TMP/u/redo.eml"
is "$RC:$(count_files "$MD3/new")" "0:1" "--redeliver files the message"
is "$(psql_as "$TEST_USER" "SELECT count(*) FROM deliver.log WHERE msgid = 'redo@example.org'")" 1 "and its log row is in PostgreSQL"

# 8. the server away
pg_stop fast
msg "$TMP/m7" "<away@example.org>"
dlv -e -M "$MD" -f s@x -a r@x < "$TMP/m7"
is "$RC:$(count_files "$MD/new")" "0:19" "server stopped: filed"
like "$ERR" "PostgreSQL store unavailable: .*" "with a warning"
msg "$TMP/m7b" "<deferred@example.org>"
dlv -o store_unavailable=defer -M "$MD" -f s@x -a r@x < "$TMP/m7b"
is "$RC:$(count_files "$MD/new")" "75:19" "store_unavailable = defer: 75, nothing filed"
pg_start
dlv -o store_unavailable=defer -M "$MD" -f s@x -a r@x < "$TMP/m7b"
is "$RC:$(count_files "$MD/new")" "0:20" "the retry with the server back files it"
# stopped while a delivery holds its claim: it files, the record is lost
# with a warning; the next delivery of it resumes and adds no copy
msg "$TMP/m8" "<midway@example.org>"
start_stopped "$TMP/m8" -M "$MD" -f s@x -a r@x
pg_stop fast
kill -CONT "$PID"; wait "$PID"
is "$?:$(count_files "$MD/new")" "0:21" "server stopped mid-delivery: filed, exit 0"
pg_start
dlv -M "$MD" -f s@x -a r@x < "$TMP/m8"
is "$RC:$(count_files "$MD/new")" "0:21" "its redelivery adds no second copy"

# 9. libpq missing: one clear line, filed without the store
mkdir -p "$TMP/nolib"
: > "$TMP/nolib/empty.c"
cc -shared -o "$TMP/nolib/libpq.so.5" "$TMP/nolib/empty.c"
msg "$TMP/m9" "<nolib@example.org>"
LD_LIBRARY_PATH="$TMP/nolib" dlv -e -M "$MD" -f s@x -a r@x < "$TMP/m9"
is "$RC:$(count_files "$MD/new")" "0:22" "no usable libpq: filed"
like "$ERR" "PostgreSQL store unavailable: libpq.so.5 lacks PQconnectdbParams" "and says why"
finish
