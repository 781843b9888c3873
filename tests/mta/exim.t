#!/bin/bash
# deliver under a real Exim (Debian's exim4-daemon-light).  Debian's exim4
# and postfix packages exclude each other (both provide
# mail-transport-agent), so Exim is not installed: tests/mta/setup.sh
# unpacks the package with dpkg-deb -x into $MTA_STATE/exim4 and this
# script runs that binary with -C and a private configuration (spool, log,
# loopback port in $TMP).  The router and transport are
# contrib/exim-transport.conf as it is, with only deliver's path replaced;
# the test-only variants below copy that transport and change one thing.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/mta/lib.sh"

MTA_STATE=${MTA_STATE:-$SRCDIR/build/mta}
EXIM=$MTA_STATE/exim4/usr/sbin/exim4
is_root || skip_all "needs root (runs an Exim daemon and creates users)"
[ -x "$EXIM" ] ||
	skip_all "Exim is not available: $(cat "$MTA_STATE/exim.skip" 2>/dev/null || echo "no $EXIM (run make check-mta as root)")"
command -v swaks >/dev/null || skip_all "swaks is not installed"
mta_lock || skip_all "another check-mta run holds /run/lock/deliver-check-mta.lock"
PORT=$(free_port) || skip_all "no free loopback port"

plan 22

EX=$TMP/exim
mkdir -p "$EX/spool" "$EX/log"
chown Debian-exim: "$EX/spool" "$EX/log"
CONF=$TMP/deliver.conf
: >"$CONF"
chmod 644 "$CONF"
RUN="$DELIVER -c $CONF"

for u in alice bob carol dave erin frank gina pat sue; do
	mta_user "dmta-$u" || skip_all "cannot create test users"
done
A=dmta-alice

contrib() { sed "s|/usr/local/bin/deliver|$RUN|g" "$SRCDIR/contrib/exim-transport.conf"; }
# contrib's deliver_pipe transport under another name, one setting changed
variant() { # NAME SED-EXPRESSION
	contrib | sed -n '/^deliver_pipe:/,$p' | sed -e "s/^deliver_pipe:/$1:/" -e "$2"
}
printf '%s\n' "dmta-alias2: dmta-gina" "dmta-alias3: dmta-gina" >"$EX/aliases"

cat >"$EX/exim.conf" <<EOF
primary_hostname = mx.$MTA_DOMAIN
qualify_domain = $MTA_DOMAIN
domainlist local_domains = $MTA_DOMAIN
spool_directory = $EX/spool
log_file_path = $EX/log/%slog
pid_file_path = $EX/exim.pid
# the binary is not at its compiled-in path: Exim re-executes itself
exim_path = $EXIM
# test-only: with the usual exim_user (Debian-exim) the process that takes
# a message in runs as that user, and its re-exec for the delivery loses
# root because -C names a file outside TRUSTED_CONFIG_LIST: it could then
# not run the pipe as the recipient.  Root keeps it.
exim_user = root
exim_group = root
daemon_smtp_ports = $PORT
local_interfaces = 127.0.0.1
never_users = root
host_lookup =
rfc1413_hosts =
tls_advertise_hosts =
keep_environment =
timezone = UTC
delay_warning =
acl_smtp_rcpt = acl_check_rcpt

begin acl
acl_check_rcpt:
  accept domains = +local_domains
         verify = recipient
  deny   message = nothing is relayed in this test

begin routers
system_aliases:
  driver = redirect
  domains = +local_domains
  data = \${lookup{\$local_part}lsearch{$EX/aliases}}
# Debian's userforward router, as exim4-config ships it (in short)
userforward:
  driver = redirect
  domains = +local_domains
  check_local_user
  file = \$home/.forward
  require_files = \$local_part_data:\$home/.forward
  no_verify
  pipe_transport = address_pipe
  check_ancestor
# test-only: one transport variant per user
variants:
  driver = accept
  domains = +local_domains
  check_local_user
  local_parts = dmta-pat : dmta-frank : dmta-gina
  transport = \${if eq{\$local_part}{dmta-pat}{deliver_from_line}{\${if eq{\$local_part}{dmta-frank}{deliver_quota}{deliver_dedup}}}}
# contrib/exim-transport.conf:
$(contrib | sed -n '1,/^# ---- transport/p')

begin transports
$(contrib | sed -n '/^# ---- transport/,$p')

# test-only: Exim's default message_prefix, a From_ line
$(variant deliver_from_line '/^  message_prefix =$/d')

$(variant deliver_quota "s|^  command = .*|  command = $RUN -e -o quota=5K|")

$(variant deliver_dedup "s|^  command = .*|  command = $RUN -e -o dedup=yes|")

# Debian's address_pipe transport, as exim4-config ships it
address_pipe:
  driver = pipe
  return_fail_output

begin retry
*   *   F,1h,10m
EOF

EXX=(-C "$EX/exim.conf")
if ! "$EXIM" "${EXX[@]}" -bV >"$TMP/bv.log" 2>&1; then
	_result 1 "Exim accepts the configuration (contrib/exim-transport.conf)"
	sed 's/^/# /' "$TMP/bv.log" | head -20
	finish
fi
MTA_STOPS+=("kill \$(cat '$EX/exim.pid')")
if ! "$EXIM" "${EXX[@]}" -bd >"$TMP/start.log" 2>&1 ||
    ! wait_until 20 listening "$PORT"; then
	_result 1 "Exim starts on 127.0.0.1:$PORT"
	sed 's/^/# /' "$TMP/start.log" "$EX/log/mainlog" "$EX/log/paniclog" 2>/dev/null | head -30
	finish
fi
_result 0 "Exim $("$EXIM" "${EXX[@]}" -bV | sed -n '1s/^Exim version \([^ ]*\).*/\1/p') starts on 127.0.0.1:$PORT with contrib's router and transport"

xlog() { cat "$EX/log/mainlog" 2>/dev/null; }
log_has() { wait_until "${2:-20}" grep -Eq -- "$1" "$EX/log/mainlog"; }
queue() { "$EXIM" "${EXX[@]}" -bp 2>&1; }

# --- plain delivery -------------------------------------------------------
MD=$(home_of $A)/Maildir
mta_msg "$TMP/m1" m1@example.net "plain"
send "$PORT" sender@example.net "$A@$MTA_DOMAIN" "$TMP/m1"
ok "pipe transport: the message lands in ~/Maildir/new" wait_until 20 has_new "$MD"
F=$(only_file "$MD/new")
is "$(check_delivered "$F" "$TMP/m1" "Return-Path: <sender@example.net>" \
    "Delivered-To: $A@$MTA_DOMAIN" 2>&1)" "" \
    "pipe transport: deliver's envelope headers, Exim's Received:, then the message byte for byte"
is "$(count_header "$F" Return-Path) $(count_header "$F" Delivered-To) $(count_header "$F" Envelope-To)" "1 1 0" \
    "pipe transport: Return-Path and Delivered-To exactly once, no Envelope-to"
like "$(xlog)" "=> $A <$A@$MTA_DOMAIN> R=deliver_user T=deliver_pipe" "Exim logs the delivery through deliver_pipe"

mta_msg "$TMP/m2" m2@example.net "detail"
send "$PORT" sender@example.net "$A+lists@$MTA_DOMAIN" "$TMP/m2"
wait_until 20 has_new "$MD" 2
F2=$(grep -l '^Message-ID: <m2@' "$MD"/new/* 2>/dev/null)
is "$(head -n 2 "$F2" 2>/dev/null)" "$(printf '%s\n' 'Return-Path: <sender@example.net>' \
    "Delivered-To: $A+lists@$MTA_DOMAIN")" \
    "local_part_suffix: user+detail@ is filed for the user, Delivered-To keeps +detail"

# --- From_ line from Exim's default message_prefix -----------------------
P=dmta-pat
mta_msg "$TMP/m3" m3@example.net "from line"
send "$PORT" sender@example.net "$P@$MTA_DOMAIN" "$TMP/m3"
ok "default message_prefix: the message lands" wait_until 20 has_new "$(home_of $P)/Maildir"
F=$(only_file "$(home_of $P)/Maildir/new")
is "$(check_delivered "$F" "$TMP/m3" "Return-Path: <sender@example.net>" \
    "Delivered-To: $P@$MTA_DOMAIN" 2>&1)" "" \
    "default message_prefix: the From_ line is dropped, the rest is byte for byte"

# --- ~/.forward through Debian's address_pipe ------------------------------
E=dmta-erin
sed "s|/usr/local/bin/deliver|$RUN|" "$SRCDIR/contrib/dot-forward" >"$(home_of $E)/.forward"
chown $E: "$(home_of $E)/.forward"
mta_msg "$TMP/m4" m4@example.net "forward"
send "$PORT" sender@example.net "$E@$MTA_DOMAIN" "$TMP/m4"
ok ".forward: the message lands in ~/Maildir/new" wait_until 20 has_new "$(home_of $E)/Maildir"
F=$(only_file "$(home_of $E)/Maildir/new")
echo >>"$TMP/m4" # address_pipe keeps Exim's default message_suffix, a newline
is "$(check_delivered "$F" "$TMP/m4" "Return-Path: <sender@example.net>" \
    "Delivered-To: $E@$MTA_DOMAIN" 2>&1)" "" \
    ".forward: From_ line dropped, headers once, message + address_pipe's newline"

# --- exit 75: Exim defers, the message waits in the queue -----------------
B=dmta-bob
BM=$(home_of $B)/Maildir
mkdir -p "$BM"            # root's, mode 755: bob cannot write into it
mta_msg "$TMP/m5" m5@example.net "defer"
send "$PORT" sender@example.net "$B@$MTA_DOMAIN" "$TMP/m5"
ok "exit 75: Exim logs a deferral with deliver's reason" \
    log_has "== $B@$MTA_DOMAIN R=deliver_user T=deliver_pipe defer \([-0-9]+\): Child process of deliver_pipe transport returned 75"
like "$(xlog)" "deliver: cannot create tmp/: Permission denied" "exit 75: deliver's reason is in Exim's log (log_output)"
like "$(queue | tr -s '\n ' '  ')" "<sender@example.net> $B@$MTA_DOMAIN" "exit 75: the message stays in the queue (exim -bp)"
is "$(count_new "$BM")" 0 "exit 75: nothing in the Maildir"
chown -R $B: "$BM"
"$EXIM" "${EXX[@]}" -qff
ok "exit 75: after the fault is fixed, exim -qff delivers it" wait_until 20 has_new "$BM"

# --- exit 77: Exim bounces to the sender ------------------------------------
C=dmta-carol
D=dmta-dave
mta_msg "$TMP/m6" m6@example.net "loop" "Delivered-To: $D@$MTA_DOMAIN"
send "$PORT" "$C@$MTA_DOMAIN" "$D@$MTA_DOMAIN" "$TMP/m6"
ok "exit 77 (mail loop): Exim fails the address for good" \
    log_has "\*\* $D@$MTA_DOMAIN R=deliver_user T=deliver_pipe: Child process of deliver_pipe transport returned 77"
CM=$(home_of $C)/Maildir
if wait_until 20 has_new "$CM"; then
	F=$(only_file "$CM/new")
	is "$(head -n 1 "$F"; count_header "$F" Return-Path; grep -q "deliver: mail forwarding loop for $D@$MTA_DOMAIN" "$F" && echo reason)" \
	    "$(printf '%s\n' 'Return-Path: <>' 1 reason)" \
	    "exit 77: the bounce (Return-Path: <> once) reaches the sender with deliver's reason"
else
	_result 1 "exit 77: the bounce reaches the sender"
fi

# --- Sieve --------------------------------------------------------
S=dmta-sue
SM=$(home_of $S)/Maildir
cat >"$(home_of $S)/.dovecot.sieve" <<'EOF'
require ["fileinto", "reject"];
if header :contains "Subject" "[lists]" { fileinto "Lists"; stop; }
if header :contains "Subject" "please reject" { reject "not wanted here"; stop; }
EOF
chown $S: "$(home_of $S)/.dovecot.sieve"
mta_msg "$TMP/m7" m7@example.net "[lists] filed"
send "$PORT" sender@example.net "$S@$MTA_DOMAIN" "$TMP/m7"
ok "sieve: the message lands in the folder the user's script names" \
    wait_until 20 has_new "$SM/.Lists"
mta_msg "$TMP/m8" m8@example.net "please reject"
send "$PORT" "$C@$MTA_DOMAIN" "$S@$MTA_DOMAIN" "$TMP/m8"
ok "sieve reject: Exim fails the address with the script's reason" \
    log_has "\*\* $S@$MTA_DOMAIN R=deliver_user T=deliver_pipe: Child process of deliver_pipe transport returned 77"

# --- quota ------------------------------------------------------
Q=dmta-frank
PAD="X-Pad: $(head -c 3000 /dev/zero | tr '\0' 'x')"
mta_msg "$TMP/m9" m9@example.net "quota 1" "$PAD"
mta_msg "$TMP/m10" m10@example.net "quota 2" "$PAD"
send "$PORT" sender@example.net "$Q@$MTA_DOMAIN" "$TMP/m9"
wait_until 20 has_new "$(home_of $Q)/Maildir"
send "$PORT" sender@example.net "$Q@$MTA_DOMAIN" "$TMP/m10"
ok "over quota: Exim defers and keeps the message" \
    log_has "== $Q@$MTA_DOMAIN R=variants T=deliver_quota defer \([-0-9]+\): Child process of deliver_quota transport returned 75"

# --- dedup ------------------------------------------------------
G=dmta-gina
mta_msg "$TMP/m11" m11@example.net "dedup"
send "$PORT" sender@example.net "dmta-alias2@$MTA_DOMAIN" "$TMP/m11"
log_has "=> $G <dmta-alias2@"
send "$PORT" sender@example.net "dmta-alias3@$MTA_DOMAIN" "$TMP/m11"
log_has "=> $G <dmta-alias3@"
is "$(count_new "$(home_of $G)/Maildir")" 1 \
    "dedup: the same Message-ID sent to two aliases of one user arrives once"

is "$(cat "$EX/log/paniclog" 2>/dev/null)" "" "Exim's panic log is empty"
finish
