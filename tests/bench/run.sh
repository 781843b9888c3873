#!/bin/bash
# tests/bench/run.sh: make bench.  A benchmark, not a test: it prints
# figures and writes a Markdown report; it exits 0 even when a
# configuration fails (that configuration then reads "failed: ...").
#
#   tests/bench/run.sh BUILD_DIR DELIVER [RESULTS.md]
#
# BUILD_DIR holds driver and baseline (see tests/bench/driver.c, tests/bench/baseline.c).
# Environment: BENCH_QUICK=1 (1-2 minute smoke run), BENCH_ONLY=core (only
# the per-delivery table), BENCH_N / BENCH_ROUNDS (deliveries per round,
# rounds), TMPDIR (the disk measured).  Every delivery agent runs as an
# unprivileged user (nobody when started as root), as under an MTA.
set -u
BUILD=$(cd "$1" && pwd)
DELIVER=$(readlink -f "$2")
RESULTS=${3:-}
DRIVER=$BUILD/driver
BASELINE=$BUILD/baseline
QUICK=${BENCH_QUICK:-0}
ONLY=${BENCH_ONLY:-all}
if [ "$QUICK" = 1 ]; then N=${BENCH_N:-5}; R=${BENCH_ROUNDS:-3}; BIG=10000; ROWS=20000
else N=${BENCH_N:-20}; R=${BENCH_ROUNDS:-9}; BIG=100000; ROWS=1000000; fi

D=$(mktemp -d "${TMPDIR:-/tmp}/deliver-bench.XXXXXX") || exit 0
[ "${BENCH_KEEP:-0}" = 1 ] || trap 'rm -rf "$D"' EXIT
OUT=$D/report.md
: > "$OUT"
RUNAS=()
if [ "$(id -u)" = 0 ]; then
	RUNAS=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	chmod 755 "$D"
fi
# USER and HOME as Postfix's local(8) and Exim's pipe transport set them
RUN_USER=$(id -un)
[ "${#RUNAS[@]}" -gt 0 ] && RUN_USER=nobody
as_user() { "${RUNAS[@]}" env USER="$RUN_USER" HOME="$D" "$@"; }
own() { [ "${#RUNAS[@]}" -gt 0 ] && chown -R nobody:nogroup "$@"; return 0; }
say() { printf '%s\n' "$*"; printf '%s\n' "$*" >> "$OUT"; }
NA="n/a (feature not in this build)"

# ---- messages: 4 KiB, 1 MiB, 50 MiB; @@ID@@ makes each Message-ID unique
message() { # SIZE FILE [EXTRA-HEADER]
	{ printf 'Return-Path: <alice@example.org>\nFrom: Alice <alice@example.org>\n'
	  printf 'To: Bob <bob@example.org>\nSubject: benchmark message\n'
	  [ -n "${3:-}" ] && printf '%s\n' "$3"
	  printf 'Date: Mon, 23 Nov 2026 09:00:00 +0000\n'
	  printf 'Message-ID: <@@ID@@.bench@example.org>\n\n'
	  yes 'The quick brown fox jumps over the lazy dog, again and again.' ; } |
	    head -c "$1" > "$2"
	printf '\n' >> "$2"
}
# FILE.list: the same with a List-Id, which the variables script files by
LISTID='List-Id: Bench list <Bench.lists.example.org>'
message 4095 "$D/m4k"; message 4095 "$D/m4k.list" "$LISTID"
mkmd() { for m in "$@"; do mkdir -p "$D/$m/tmp" "$D/$m/new" "$D/$m/cur"; done; }

# ---- Sieve scripts: K rules, only the last one matches (fileinto Bench)
sieve_script() { # K FILE
	{ echo 'require ["fileinto"];'
	  for i in $(seq 1 $(($1 - 1))); do
		case $((i % 3)) in
		0) echo "if header :contains \"subject\" \"no-match-$i\" { fileinto \"List$i\"; stop; }" ;;
		1) echo "if address :is \"from\" \"nobody$i@example.net\" { fileinto \"Person$i\"; stop; }" ;;
		2) echo "if header :matches \"list-id\" \"*list$i.example.com*\" { fileinto \"List$i\"; stop; }" ;;
		esac
	  done
	  echo 'if header :contains "subject" "benchmark" { fileinto "Bench"; stop; }'; } > "$2"
}
for k in 10 20 1000; do sieve_script $k "$D/rules$k.sieve"; done
# 19 of the rules above that do not match, then one that uses variables
# and files the message (into Lists.bench, from its List-Id)
{ echo 'require ["variables", "fileinto"];'
  sed -n '2,20p' "$D/rules20.sieve"
  echo 'if header :matches "List-Id" "*<*.*>*" { set :lower "list" "${2}"; fileinto "Lists.${list}"; }'; } > "$D/vars20.sieve"
# the same with body: 18 header rules, one body rule that reads the text
# and does not match, then the variables rule that files the message
{ echo 'require ["body", "variables", "fileinto"];'
  sed -n '2,19p' "$D/rules20.sieve"
  echo 'if body :text :contains "no-such-phrase" { fileinto "Phish"; stop; }'
  echo 'if header :matches "List-Id" "*<*.*>*" { set :lower "list" "${2}"; fileinto "Lists.${list}"; }'; } > "$D/body20.sieve"

# ---- which features this build of deliver has (trial runs)
has_key() { as_user "$DELIVER" -c /dev/null -o "$1" -n -M "$D/probe" < /dev/null > /dev/null 2>&1; }
mkdir -p "$D/probe"; own "$D"
HAS_SIEVE=0; HAS_QUOTA=0; HAS_STORE=0; HAS_REDELIVER=0
HAS_LIBSIEVE=0
has_key sieve_timeout=30 && HAS_SIEVE=1
has_key sieve_engine=libsieve && HAS_LIBSIEVE=1
has_key quota=1G && HAS_QUOTA=1
has_key store=none && HAS_STORE=1
"$DELIVER" -h 2>&1 | grep -q -- --redeliver && HAS_REDELIVER=1
PLAIN=(-c /dev/null)
[ $HAS_STORE = 1 ] && PLAIN+=(-o store=none)

# ---- machine
say "# deliver benchmark results"
say ""
say "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); deliver $("$DELIVER" -V 2>/dev/null | head -1), commit $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo unknown)"
say "- machine: $(uname -srm); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(nproc) cores; $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo)"
say "- disk: $(findmnt -no SOURCE,FSTYPE,OPTIONS -T "$D" | awk '{print $1", "$2", "$3}') ($D)"
say "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
say "- features: sieve=$HAS_SIEVE libsieve=$HAS_LIBSIEVE quota=$HAS_QUOTA store=$HAS_STORE redeliver=$HAS_REDELIVER; mode: $([ "$QUICK" = 1 ] && echo quick || echo full), N=$N deliveries x $R rounds, round-robin"
say ""

# run_plan FILE [driver options]: the driver's lines, also kept in FILE.out
run_plan() {
	local plan=$1; shift
	own "$D"
	as_user "$DRIVER" "$@" "$plan" > "$plan.out" 2>> "$D/driver.log"
}
field() { awk -F'\t' -v n="$1" -v f="$2" '$1 == n {print $f}' "$3"; }

# table PLANFILE: one line per configuration, ratios to the plan's first line
table() {
	local out=$1.out base bcpu
	base=$(field "$(head -1 "$out" | cut -f1)" 2 "$out")
	bcpu=$(field "$(head -1 "$out" | cut -f1)" 7 "$out")
	say "| configuration | ms per delivery (median) | ratio | CPU ms | CPU ratio |"
	say "| --- | ---: | ---: | ---: | ---: |"
	# in the order the configurations were added, the missing ones included
	while read -r name; do
		label=${name//_/ }
		if grep -qx "$name" "$1.na"; then say "| $label | $NA | | | |"; continue; fi
		IFS=$'\t' read -r _ med _ _ _ st cpu < <(awk -F'\t' -v n="$name" '$1 == n' "$out")
		if [ "$st" != ok ]; then say "| $label | failed: $st | | | |"; continue; fi
		say "$(awk -v l="$label" -v m="$med" -v b="$base" -v c="$cpu" -v bc="$bcpu" \
		    'BEGIN {printf "| %s | %.2f | %.2fx | %.2f | %.2fx |", l, m/1000, m/b, c/1000, c/bc}')"
	done < "$1.order"
	say ""
}
addcfg() { # PLAN NAME CONDITION ARGS...
	local plan=$1 name=$2 cond=$3; shift 3
	echo "$name" >> "$plan.order"
	if [ "$cond" = 1 ]; then echo "$name $*" >> "$plan"; else echo "$name" >> "$plan.na"; fi
}

# ---- 1-3. per delivery: baseline, deliver, peers
mkmd base basef plain sieve quota db all lsieve lall vsieve ball
LIB=(-o sieve_engine=libsieve)
P=$D/core.plan; : > "$P"; : > "$P.na"; : > "$P.order"
addcfg "$P" baseline 1 "$D/m4k" "$BASELINE" "$D/base"
addcfg "$P" baseline_+_one_isolated_child 1 "$D/m4k" "$BASELINE" -f "$D/basef"
addcfg "$P" deliver_plain 1 "$D/m4k" "$DELIVER" "${PLAIN[@]}" -M "$D/plain"
addcfg "$P" deliver_+_Sieve_20_rules $HAS_SIEVE "$D/m4k" "$DELIVER" "${PLAIN[@]}" -M "$D/sieve" -s "$D/rules20.sieve"
addcfg "$P" deliver_+_quota $HAS_QUOTA "$D/m4k" "$DELIVER" "${PLAIN[@]}" -M "$D/quota" -o quota=1G
addcfg "$P" deliver_+_deliver.db $HAS_STORE "$D/m4k" "$DELIVER" -c /dev/null -M "$D/db"
addcfg "$P" deliver_+_Sieve_+_quota_+_deliver.db $((HAS_SIEVE & HAS_QUOTA & HAS_STORE)) "$D/m4k" "$DELIVER" -c /dev/null -M "$D/all" -s "$D/rules20.sieve" -o quota=1G
addcfg "$P" deliver_+_Sieve_20_rules_with_variables $HAS_SIEVE "$D/m4k.list" "$DELIVER" "${PLAIN[@]}" -M "$D/vsieve" -s "$D/vars20.sieve"
addcfg "$P" "deliver_+_Sieve_(body,_variables)_+_quota_+_deliver.db" $((HAS_SIEVE & HAS_QUOTA & HAS_STORE)) "$D/m4k.list" "$DELIVER" -c /dev/null -M "$D/ball" -s "$D/body20.sieve" -o quota=1G
addcfg "$P" "deliver_+_Sieve_20_rules_(libsieve_engine)" $HAS_LIBSIEVE "$D/m4k" "$DELIVER" "${PLAIN[@]}" "${LIB[@]}" -M "$D/lsieve" -s "$D/rules20.sieve"
addcfg "$P" "deliver_+_Sieve_+_quota_+_deliver.db_(libsieve_engine)" $((HAS_LIBSIEVE & HAS_QUOTA & HAS_STORE)) "$D/m4k" "$DELIVER" -c /dev/null "${LIB[@]}" -M "$D/lall" -s "$D/rules20.sieve" -o quota=1G

if [ "$ONLY" != core ]; then
	# Peers, each as a standalone program, no daemon.
	if command -v safecat > /dev/null; then
		mkmd safecat
		addcfg "$P" safecat 1 "$D/m4k" safecat "$D/safecat/tmp" "$D/safecat/new"
	fi
	if command -v deliverquota > /dev/null; then
		mkmd dq dqq
		addcfg "$P" Courier_deliverquota 1 "$D/m4k" deliverquota "$D/dq"
		addcfg "$P" Courier_deliverquota_+_quota 1 "$D/m4k" deliverquota "$D/dqq" 1000000000S
	fi
	if command -v maildrop > /dev/null; then
		mkmd md mds mdq
		printf 'to "%s/md/"\n' "$D" > "$D/maildroprc"
		printf 'MAILDIRQUOTA="1000000000S"\nto "%s/mdq/"\n' "$D" > "$D/maildroprc.q"
		{ for i in $(seq 1 19); do printf 'if (/^Subject:.*no-match-%d/)\n{\n  to "%s/mds/.List%d/"\n}\n' "$i" "$D" "$i"; done
		  printf 'if (/^Subject:.*benchmark/)\n{\n  to "%s/mds/.Bench/"\n}\nto "%s/mds/"\n' "$D" "$D"; } > "$D/maildroprc.s"
		mkmd mds/.Bench
		chmod 600 "$D"/maildroprc*
		addcfg "$P" maildrop 1 "$D/m4k" maildrop "$D/maildroprc"
		addcfg "$P" maildrop_+_20_rules 1 "$D/m4k" maildrop "$D/maildroprc.s"
		addcfg "$P" maildrop_+_quota 1 "$D/m4k" maildrop "$D/maildroprc.q"
	fi
	if command -v procmail > /dev/null; then
		mkdir -p "$D/pm"
		printf 'MAILDIR=%s/pm\nDEFAULT=%s/pm/\nLOGFILE=/dev/null\n' "$D" "$D" > "$D/procmailrc"
		{ cat "$D/procmailrc"
		  for i in $(seq 1 19); do printf ':0\n* ^Subject:.*no-match-%d\n.List%d/\n\n' "$i" "$i"; done
		  printf ':0\n* ^Subject:.*benchmark\n.Bench/\n'; } > "$D/procmailrc.s"
		chmod 644 "$D"/procmailrc*
		addcfg "$P" procmail 1 "$D/m4k" procmail -m "$D/procmailrc"
		addcfg "$P" procmail_+_20_rules 1 "$D/m4k" procmail -m "$D/procmailrc.s"
	fi
	LDA=/usr/lib/dovecot/dovecot-lda
	if [ -x $LDA ]; then
		for v in plain sieve quota; do
			mkdir -p "$D/dc-$v" "$D/dc-$v-run"
			{ echo "base_dir = $D/dc-$v-run"
			  echo "mail_location = maildir:$D/dc-$v"
			  echo "log_path = $D/dovecot.log"
			  echo "ssl = no"
			  echo "postmaster_address = postmaster@example.org"
			  echo "passdb {"; echo "  driver = static"; echo "}"
			  echo "userdb {"; echo "  driver = static"; echo "  args = uid=$(id -u nobody) gid=$(id -g nobody) home=$D"; echo "}"
			  case $v in
			  sieve) echo "protocol lda {"; echo "  mail_plugins = sieve"; echo "}"
				 echo "plugin {"; echo "  sieve = file:$D/dc-sieve.sieve"; echo "}" ;;
			  quota) echo "mail_plugins = quota"
				 echo "protocol lda {"; echo "  mail_plugins = quota sieve"; echo "}"
				 echo "plugin {"; echo "  sieve = file:$D/dc-sieve.sieve"
				 echo "  quota = maildir:User quota"; echo "  quota_rule = *:storage=1G"; echo "}" ;;
			  esac; } > "$D/dovecot-$v.conf"
		done
		cp "$D/rules20.sieve" "$D/dc-sieve.sieve"
		addcfg "$P" dovecot-lda 1 "$D/m4k" $LDA -c "$D/dovecot-plain.conf" -e
		if [ -e /usr/lib/dovecot/modules/lib90_sieve_plugin.so ]; then
			addcfg "$P" dovecot-lda_+_Pigeonhole_20_rules 1 "$D/m4k" $LDA -c "$D/dovecot-sieve.conf" -e
			addcfg "$P" dovecot-lda_+_Pigeonhole_+_quota 1 "$D/m4k" $LDA -c "$D/dovecot-quota.conf" -e
		fi
	fi
fi
# one warm-up delivery each (creates folders, deliver.db, compiled scripts)
run_plan "$P" -n 1 -r 1
run_plan "$P" -n "$N" -r "$R"
say "## Per delivery (4 KiB message, process start included)"
say ""
say "Ratios are to the baseline (tests/bench/baseline.c: read, tmp/ O_EXCL, write, fsync, link into new/, unlink, fsync new/) measured in the same run; rounds alternate between configurations."
say ""
table "$P"
say "baseline + one isolated child (\`baseline -f\`) is the baseline plus the least that evaluating a filter in a process of its own can cost, with no filter: a child forked first thing, asked one byte once the message is written and answering one byte while the parent syncs. The libsieve engine (\`-o sieve_engine=libsieve\`) pays at least that (libsieve runs in a child process); the native engine, the default, evaluates in process. The variables row's message has a List-Id, and its script's last rule files by it (\`set :lower\`, \`\${2}\`)."
say ""
[ "$ONLY" = core ] && { [ -n "$RESULTS" ] && cp "$OUT" "$RESULTS"; exit 0; }

# ---- the store on PostgreSQL: a server of the run's own (initdb, pg_ctl
# from PostgreSQL 15), on a Unix socket and on a loopback port; the rows
# next to deliver.db's, and what the dlopen design saves a delivery that
# does not use PostgreSQL (deliver-libpq: the same objects linked with
# libpq, which the loader then maps at every start)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGD=$D.pg   # beside $D, which run_plan gives to the delivering user
pg_as() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --clear-groups "$@"; else "$@"; fi; }
pg_bench_start() { # 0, or 1 with the reason in PG_WHY
	[ -x "$PGBIN/initdb" ] || { PG_WHY="no PostgreSQL 15 server ($PGBIN/initdb; Debian package postgresql)"; return 1; }
	[ "$(id -u)" != 0 ] || id postgres > /dev/null 2>&1 || { PG_WHY="no postgres user to run the server as"; return 1; }
	PGPORT=0
	for p in $(shuf -i 20000-60000 -n 20); do
		(exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { PGPORT=$p; break; }
	done
	mkdir -p "$PGD/sock"; chmod 755 "$PGD"; [ "$(id -u)" = 0 ] && chown -R postgres "$PGD"
	# trust: the bench measures the store, not authentication
	pg_as "$PGBIN/initdb" -D "$PGD/data" -U postgres --auth=trust -E UTF8 \
	    --no-locale > "$PGD/initdb.log" 2>&1 || { PG_WHY="initdb failed: $(tail -1 "$PGD/initdb.log")"; return 1; }
	pg_as "$PGBIN/pg_ctl" -D "$PGD/data" -l "$PGD/log" -w -t 60 -o "-c listen_addresses=127.0.0.1 -c port=$PGPORT -c unix_socket_directories='$PGD/sock'" start > /dev/null 2>&1 ||
	    { PG_WHY="the server did not start: $(tail -1 "$PGD/log")"; return 1; }
	PG_STARTED=1
	pg_as "$PGBIN/createdb" -h "$PGD/sock" -p "$PGPORT" -U postgres bench &&
	"$DELIVER" -c /dev/null -o "store=postgresql:///bench?host=$PGD/sock&port=$PGPORT&user=postgres" --store-init > /dev/null &&
	pg_as "$PGBIN/psql" -h "$PGD/sock" -p "$PGPORT" -U postgres -d bench -Xqc "CREATE ROLE \"$RUN_USER\" LOGIN IN ROLE deliver_users" ||
	    { PG_WHY="the schema could not be set up (deliver --store-init)"; return 1; }
}
PG_STARTED=0
trap '[ "$PG_STARTED" = 1 ] && pg_as "$PGBIN/pg_ctl" -D "$PGD/data" -m immediate stop > /dev/null 2>&1; [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$D" "$PGD"' EXIT
say "## The store on PostgreSQL (per delivery, 4 KiB message)"
say ""
PG_WHY=""; PGPORT=0
if pg_bench_start; then
	mkmd pplain pdb psock ptcp plibpq
	PGU="store_unavailable=defer"   # a store that fails is a failed row, not a fast one
	S=$D/pg.plan; : > "$S"; : > "$S.na"; : > "$S.order"
	addcfg "$S" deliver_plain 1 "$D/m4k" "$DELIVER" "${PLAIN[@]}" -M "$D/pplain"
	addcfg "$S" deliver_+_deliver.db 1 "$D/m4k" "$DELIVER" -c /dev/null -M "$D/pdb"
	addcfg "$S" "deliver_+_PostgreSQL_(Unix_socket)" 1 "$D/m4k" "$DELIVER" -c /dev/null -o "store=postgresql:///bench?host=$PGD/sock&port=$PGPORT" -o $PGU -M "$D/psock"
	addcfg "$S" "deliver_+_PostgreSQL_(TCP_loopback)" 1 "$D/m4k" "$DELIVER" -c /dev/null -o "store=postgresql://127.0.0.1:$PGPORT/bench" -o $PGU -M "$D/ptcp"
	HAS_LIBPQ_BUILD=0; [ -x "$BUILD/deliver-libpq" ] && HAS_LIBPQ_BUILD=1
	addcfg "$S" "deliver_plain,_libpq_linked_(not_used)" $HAS_LIBPQ_BUILD "$D/m4k" "$BUILD/deliver-libpq" "${PLAIN[@]}" -M "$D/plibpq"
	run_plan "$S" -n 1 -r 1; run_plan "$S" -n "$N" -r "$R"; table "$S"
	say "The PostgreSQL rows claim, record and log each delivery in a server of this run (PostgreSQL 15, default settings, fsync on); its CPU time is not in the CPU column (only the delivery process's is). deliver plain is this build, which loads libpq only when a PostgreSQL store is configured; \"libpq linked (not used)\" is the same deliver linked with libpq (deliver-libpq, built by make bench beside the driver), the alternative the dlopen design avoids: every delivery would map libpq and its libraries. Messages filed: PostgreSQL Unix socket $(find "$D/psock" -type f -path "*/new/*" | wc -l), TCP $(find "$D/ptcp" -type f -path "*/new/*" | wc -l)."
else
	say "skipped: $PG_WHY"
fi
say ""

# ---- 4. memory: peak RSS for 1 MiB and 50 MiB messages
message 1048576 "$D/m1m"; message 52428800 "$D/m50m"
message 1048576 "$D/m1m.list" "$LISTID"; message 52428800 "$D/m50m.list" "$LISTID"
say "## Peak RSS (KiB; wait4 ru_maxrss, includes the spawning driver's own ~1.5 MiB floor)"
say ""
say "| configuration | 1 MiB message | 50 MiB message |"
say "| --- | ---: | ---: |"
for size in m1m m50m; do
	sed "s#$D/m4k#$D/$size#" "$P" > "$D/mem-$size.plan"
	run_plan "$D/mem-$size.plan" -n 1 -r 1
done
while IFS=$'\t' read -r name _ _ _ rss st _; do
	r50=$(field "$name" 5 "$D/mem-m50m.plan.out"); s50=$(field "$name" 6 "$D/mem-m50m.plan.out")
	[ "$st" = ok ] || rss="failed: $st"; [ "$s50" = ok ] || r50="failed: $s50"
	say "| ${name//_/ } | $rss | $r50 |"
done < "$D/mem-m1m.plan.out"
say ""
rm -f "$D/m50m" "$D/m50m.list"

# count what each configuration filed, to catch an agent that "succeeds"
# without delivering (a wrong peer configuration would flatter it)
filed() { find "$D/$1" -type f -path '*/new/*' 2>/dev/null | wc -l; }
say "Messages filed per Maildir (each configuration should file $((R * N + 3)): 1 warm-up, 2 for memory): baseline $(filed base), baseline -f $(filed basef), deliver plain $(filed plain), deliver + Sieve 20 rules $(filed sieve), with variables $(filed vsieve), with body and variables $(filed ball), libsieve engine $(filed lsieve), safecat $(filed safecat), deliverquota $(filed dq), maildrop $(filed md), procmail (both configurations) $(filed pm), dovecot-lda $(filed dc-plain), dovecot-lda + Pigeonhole $(filed dc-sieve)."
say ""

# ---- 5. scaling
say "## Scaling (per delivery, ratio to the small case in the same run)"
say ""
mkmd empty full db0 dbfull s10 s1000 ls10 ls1000
if [ $HAS_QUOTA = 1 ]; then
	perl -e 'my ($d,$n)=@ARGV; for my $i (1..$n) { open(my $f, ">", "$d/cur/1795000000.M${i}P1.bench,S=4096:2,S") or die; close $f }' "$D/full" "$BIG"
	S=$D/scale-md.plan; : > "$S"; : > "$S.na"; : > "$S.order"
	addcfg "$S" quota,_empty_Maildir 1 "$D/m4k" "$DELIVER" "${PLAIN[@]}" -M "$D/empty" -o quota=1G
	addcfg "$S" quota,_$BIG\_messages 1 "$D/m4k" "$DELIVER" "${PLAIN[@]}" -M "$D/full" -o quota=1G
	run_plan "$S" -n 1 -r 1; run_plan "$S" -n "$N" -r "$R"; table "$S"
else say "Maildir with $BIG messages, quota on: $NA"; say ""; fi
if [ $HAS_STORE = 1 ] && command -v sqlite3 > /dev/null; then
	S=$D/scale-db.plan; : > "$S"; : > "$S.na"; : > "$S.order"
	addcfg "$S" deliver.db_empty 1 "$D/m4k" "$DELIVER" -c /dev/null -M "$D/db0"
	addcfg "$S" deliver.db_$ROWS\_rows 1 "$D/m4k" "$DELIVER" -c /dev/null -M "$D/dbfull"
	run_plan "$S" -n 1 -r 1
	half=$((ROWS / 2)); now=$(date +%s)
	# Rows in the store's own schema (man/deliver.db.5): half dedup, half log.
	if sqlite3 "$D/dbfull/deliver.db" "PRAGMA synchronous=OFF; BEGIN;
	    WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM i WHERE n < $half)
	    INSERT INTO dedup (msgid, rcpt, state, stamp, pid, pid_start, base, tmp, targets)
	    SELECT '<' || n || '.old@example.org>', 'nobody@example.org', 1, $now - n % 200000, 0, -1, 'b' || n, '', '.' FROM i;
	    WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM i WHERE n < $half)
	    INSERT INTO log (time, msgid, sender, recipient, size, folders, files, actions, result, exit_code, duplicate)
	    SELECT $now - n % 2000000, '<' || n || '.old@example.org>', 'alice@example.org', 'nobody@example.org', 4096, 'INBOX', 'f' || n, 'keep', 'delivered', 0, 0 FROM i;
	    COMMIT;" 2>> "$D/driver.log"; then
		run_plan "$S" -n "$N" -r "$R"; table "$S"
	else say "deliver.db with $ROWS rows: failed to generate rows in the store's schema (see bench output)"; say ""; fi
else say "deliver.db with $ROWS rows: $NA"; say ""; fi
if [ $HAS_SIEVE = 1 ]; then
	S=$D/scale-sieve.plan; : > "$S"; : > "$S.na"; : > "$S.order"
	addcfg "$S" Sieve_10_rules 1 "$D/m4k" "$DELIVER" "${PLAIN[@]}" -M "$D/s10" -s "$D/rules10.sieve"
	addcfg "$S" Sieve_1000_rules 1 "$D/m4k" "$DELIVER" "${PLAIN[@]}" -M "$D/s1000" -s "$D/rules1000.sieve"
	run_plan "$S" -n 1 -r 1; run_plan "$S" -n "$N" -r "$R"; table "$S"
else say "Sieve 10 vs 1,000 rules: $NA"; say ""; fi
if [ $HAS_LIBSIEVE = 1 ]; then
	S=$D/scale-libsieve.plan; : > "$S"; : > "$S.na"; : > "$S.order"
	addcfg "$S" "Sieve_10_rules_(libsieve_engine)" 1 "$D/m4k" "$DELIVER" "${PLAIN[@]}" "${LIB[@]}" -M "$D/ls10" -s "$D/rules10.sieve"
	addcfg "$S" "Sieve_1000_rules_(libsieve_engine)" 1 "$D/m4k" "$DELIVER" "${PLAIN[@]}" "${LIB[@]}" -M "$D/ls1000" -s "$D/rules1000.sieve"
	run_plan "$S" -n 1 -r 1; run_plan "$S" -n "$N" -r "$R"; table "$S"
fi

# ---- 6. concurrency
say "## Concurrency (deliveries per second into one Maildir, P writers)"
say ""
say "| writers | baseline | deliver plain | ratio (deliver / baseline) |"
say "| ---: | ---: | ---: | ---: |"
mkmd cbase cplain
C=$D/conc.plan
printf 'baseline %s %s %s\ndeliver_plain %s %s %s -M %s\n' "$D/m4k" "$BASELINE" "$D/cbase" \
    "$D/m4k" "$DELIVER" "${PLAIN[*]}" "$D/cplain" > "$C"
for p in 1 2 4 8; do
	run_plan "$C" -j $p -n $(( (N + p - 1) / p * 2 )) -r "$R"
	b=$(field baseline 2 "$C.out"); d=$(field deliver_plain 2 "$C.out")
	say "$(awk -v p=$p -v b="$b" -v d="$d" 'BEGIN {if (b+0 > 0 && d+0 > 0) printf "| %d | %.0f/s | %.0f/s | %.2f |", p, b, d, d/b; else printf "| %d | %s | %s | |", p, b, d}')"
done
say ""

# ---- 7. where the time goes
say "## Where the time goes (one delivery each; counts do not depend on load)"
say ""
mkmd wbase wplain wall
own "$D"
say "| program | system calls (strace -f -c) | instructions (callgrind Ir, children included) | ld.so relocations | ld.so startup (cycles) | shared libraries |"
say "| --- | ---: | ---: | ---: | ---: | ---: |"
profile() { # NAME PROGRAM ARGS...
	local name=$1 calls ir rel ld libs; shift
	id=$(printf '%s' "$name" | tr -c 'a-z0-9' _)
	calls="-"; ir="-"; rel="-"; ld="-"
	libs=$(ldd "$1" 2>/dev/null | grep -c '=>')
	sed "s/@@ID@@/${id}1/" "$D/m4k" > "$D/msg.$id"; chmod 644 "$D/msg.$id"
	if command -v strace > /dev/null; then
		as_user strace -f -c -o "$D/strace.$id" "$@" < "$D/msg.$id" > /dev/null 2>&1
		calls=$(awk '$NF == "total" {print $4}' "$D/strace.$id")
	fi
	sed "s/@@ID@@/${id}2/" "$D/m4k" > "$D/msg.$id"
	if command -v valgrind > /dev/null; then
		as_user valgrind --tool=callgrind --callgrind-out-file="$D/cg.$id.%p" "$@" < "$D/msg.$id" > /dev/null 2>&1
		ir=$(cat "$D"/cg.$id.* 2>/dev/null | awk '/^(summary|totals):/ && !seen[FILENAME]++ {s += $2} /^summary:/ {t += $2} END {print t}')
	fi
	sed "s/@@ID@@/${id}3/" "$D/m4k" > "$D/msg.$id"
	as_user env LD_DEBUG=statistics LD_DEBUG_OUTPUT="$D/ld.$id" "$@" < "$D/msg.$id" > /dev/null 2>&1
	rel=$(cat "$D"/ld.$id.* 2>/dev/null | awk '/number of relocations:/ {print $NF; exit}')
	ld=$(cat "$D"/ld.$id.* 2>/dev/null | awk '/total startup time in dynamic loader:/ {print $(NF-1) == "cycles" ? $(NF-2) : $(NF-1); exit}')
	say "| $name | ${calls:--} | ${ir:--} | ${rel:--} | ${ld:--} | $libs |"
}
profile baseline "$BASELINE" "$D/wbase"
profile "deliver plain" "$DELIVER" "${PLAIN[@]}" -M "$D/wplain"
[ $HAS_SIEVE = 1 ] && mkmd wsieve && own "$D" &&
	profile "deliver + Sieve 20 rules" "$DELIVER" "${PLAIN[@]}" -M "$D/wsieve" -s "$D/rules20.sieve"
[ $((HAS_SIEVE & HAS_QUOTA & HAS_STORE)) = 1 ] &&
	profile "deliver + Sieve + quota + deliver.db" "$DELIVER" -c /dev/null -M "$D/wall" -s "$D/rules20.sieve" -o quota=1G
[ $HAS_LIBSIEVE = 1 ] && mkmd wlsieve && own "$D" &&
	profile "deliver + Sieve 20 rules (libsieve engine)" "$DELIVER" "${PLAIN[@]}" "${LIB[@]}" -M "$D/wlsieve" -s "$D/rules20.sieve"
[ $((HAS_LIBSIEVE & HAS_QUOTA & HAS_STORE)) = 1 ] && mkmd wlall && own "$D" &&
	profile "deliver + Sieve + quota + deliver.db (libsieve engine)" "$DELIVER" -c /dev/null "${LIB[@]}" -M "$D/wlall" -s "$D/rules20.sieve" -o quota=1G
say ""
say "System calls of deliver plain (strace -f -c, by count):"
say ""
say '```'
id=$(printf '%s' "deliver plain" | tr -c 'a-z0-9' _)
sed -n '1,40p' "$D/strace.$id" | tee -a "$OUT"
say '```'
say ""

# ---- 8. redelivery
say "## Redelivery"
say ""
if [ $HAS_REDELIVER = 1 ]; then
	# RN messages through one `deliver --redeliver`; the exec side is a
	# sample of EN deliveries through the driver (one process each), as
	# 10,000 execs would take minutes and cost the same per message.
	if [ "$QUICK" = 1 ]; then RN=${BENCH_REDELIVER_N:-500}; EN=50; ER=1
	else RN=${BENCH_REDELIVER_N:-10000}; EN=200; ER=3; fi
	mkdir -p "$D/rsrc/cur" "$D/rsrc/new" "$D/rsrc/tmp"
	perl -e 'my ($tpl, $dir, $n) = @ARGV; local $/; open(my $t, "<", $tpl) or die; my $m = <$t>;
	    for my $i (1..$n) { (my $c = $m) =~ s/\@\@ID\@\@/redeliver$i/; open(my $f, ">", sprintf("%s/cur/1795000000.M%06dP1.bench,S=4096:2,", $dir, $i)) or die; print $f $c; close $f }' \
	    "$D/m4k" "$D/rsrc" "$RN"
	RP=$D/redeliver.plan; : > "$RP"
	say "One \`deliver --redeliver\` of a Maildir of $RN 4 KiB messages (process start included) vs one exec of deliver per message (tests/bench/driver, $EN deliveries x $ER rounds, median), same configuration."
	say ""
	say "| configuration | --redeliver msg/s | ms per message | exec msg/s | ms per message | ratio (wall) | CPU ms per message, --redeliver / exec | CPU ratio |"
	say "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	rcfg() { # NAME ARGS...: one configuration
		local name=$1 real cpu rate ems ecpu; shift
		mkmd "r-$name" "e-$name"; own "$D"
		TIMEFORMAT='%R %U %S'
		read -r real u s < <( { time as_user "$DELIVER" "$@" -M "$D/r-$name" --redeliver "$D/rsrc" > /dev/null 2> "$D/r-$name.err"; } 2>&1 )
		filed=$(find "$D/r-$name" -path '*/new/*' -type f | wc -l)
		echo "$name $D/m4k $DELIVER $* -M $D/e-$name" > "$RP"
		run_plan "$RP" -n "$EN" -r "$ER"
		IFS=$'\t' read -r _ ems _ _ _ est ecpu < "$RP.out"
		if [ "$filed" != "$RN" ] || [ "${est:-}" != ok ]; then
			say "| ${name//_/ } | failed: filed $filed of $RN ($(tail -1 "$D/r-$name.err")), exec: ${est:-?} | | | | | | |"
			return
		fi
		say "$(awk -v l="${name//_/ }" -v n="$RN" -v r="$real" -v u="$u" -v s="$s" -v e="$ems" -v ec="$ecpu" 'BEGIN {
		    ms = r * 1000 / n; cpu = (u + s) * 1000 / n; ems = e / 1000; ecpu = ec / 1000;
		    printf "| %s | %.0f | %.3f | %.0f | %.2f | %.1fx | %.3f / %.2f | %.1fx |", l, n / r, ms, 1000 / ems, ems, ems / ms, cpu, ecpu, ecpu / cpu }')"
	}
	rcfg deliver_+_deliver.db -c /dev/null
	[ $HAS_SIEVE = 1 ] && rcfg deliver_+_Sieve_20_rules_+_quota_+_deliver.db -c /dev/null -s "$D/rules20.sieve" -o quota=1G
	[ $HAS_LIBSIEVE = 1 ] && rcfg "deliver_+_Sieve_20_rules_+_quota_+_deliver.db_(libsieve_engine)" -c /dev/null "${LIB[@]}" -s "$D/rules20.sieve" -o quota=1G
	say ""
	say "Target: at least 10x cheaper per message than one exec per message. The native engine evaluates each message's scripts in process; with the libsieve engine the run uses one long-lived isolated Sieve child (src/sieve/sieve_worker.c, replaced after a failure or 1,000 messages) instead of forking one per message."
else say "deliver --redeliver of 10,000 messages vs one exec per message: $NA"; fi
say ""
say "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "$RESULTS" ] && cp "$OUT" "$RESULTS"
exit 0
