# pg-lib.sh: a real PostgreSQL 15 server for the 6x-store-pg tests
# (sourced after lib.sh): initdb and pg_ctl from $PGBIN, run as the
# postgres system user in $TMP/pg, on a Unix socket and a free loopback
# port, stopped when the test exits.  pg_require skips the whole test,
# saying why, where that cannot be; pg_setup starts it with a database
# "mail", its schema made by deliver --store-init, and a login role
# (member of deliver_users) for each user named.
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGDIR="$TMP/pg"
SOCK="$TMP/pg/sock"

pg_require() {
	if ! is_root; then
		echo "1..0 # skip needs root: the server runs as postgres, deliveries as other users"
		exit 0
	fi
	if [ ! -x "$PGBIN/initdb" ] || ! id postgres >/dev/null 2>&1; then
		echo "1..0 # skip no PostgreSQL 15 server ($PGBIN/initdb; Debian package postgresql)"
		exit 0
	fi
}

# a free loopback port for TCP (the socket's name carries it too)
PORT=0
for p in $(shuf -i 20000-60000 -n 20); do
	(exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { PORT=$p; break; }
done
export PGPORT=$PORT
URI="postgresql:///mail?host=$SOCK&port=$PORT"

as_pg() { setpriv --reuid=postgres --regid=postgres --clear-groups "$@"; }
as() { local u=$1; shift; setpriv --reuid="$u" --regid="$(id -g "$u")" --clear-groups "$@"; }
# psql_as USER SQL: statements as USER (peer authentication)
psql_as() { as "$1" "$PGBIN/psql" -h "$SOCK" -d mail -XAtq -v ON_ERROR_STOP=1 -c "$2" 2>&1; }

pg_start() {
	as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories='$SOCK' -c fsync=off -c max_connections=60" \
		start >/dev/null
}
pg_stop() { as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m "${1:-fast}" -w stop >/dev/null 2>&1; }

# pg_setup ROLE...: the server, the database, the schema, the roles
pg_setup() {
	local r
	trap 'pg_stop immediate; rm -rf "$TMP"' EXIT
	mkdir -p "$SOCK"
	chown -R postgres "$PGDIR"
	if ! as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth-local=peer \
		--auth-host=scram-sha-256 -E UTF8 --no-locale >"$PGDIR/initdb.log" 2>&1 || ! pg_start; then
		echo "# $(tail -3 "$PGDIR/initdb.log" "$PGDIR/log" 2>/dev/null)"
		echo "Bail out! PostgreSQL could not start"
		exit 1
	fi
	as_pg "$PGBIN/createdb" -h "$SOCK" mail
	PG_INIT=$(as_pg "$DELIVER" -c /dev/null -o "store=$URI" --store-init 2>&1)
	PG_INIT_RC=$?
	for r in "$@"; do
		psql_as postgres "CREATE ROLE \"$r\" LOGIN IN ROLE deliver_users" >/dev/null
	done
}
