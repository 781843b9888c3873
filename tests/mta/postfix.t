#!/bin/bash
# deliver under a real Postfix (Debian's postfix package): a private
# instance (own main.cf/master.cf, queue, log file) listens on a loopback
# port; messages go in over SMTP (swaks) and come out through deliver as
# local(8)'s mailbox_command (contrib/postfix-main.cf), as a pipe(8)
# service for virtual mailboxes (contrib/postfix-master.cf) and from a
# ~/.forward (contrib/dot-forward).  The contrib snippets are used as they
# are, with only the path of deliver replaced.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/mta/lib.sh"

MTA_STATE=${MTA_STATE:-$SRCDIR/build/mta}
is_root || skip_all "needs root (runs a Postfix instance and creates users)"
command -v postfix >/dev/null && [ -x /usr/lib/postfix/sbin/master ] ||
	skip_all "Postfix is not installed: $(cat "$MTA_STATE/postfix.skip" 2>/dev/null || echo 'run make check-mta as root')"
command -v swaks >/dev/null || skip_all "swaks is not installed"
mta_lock || skip_all "another check-mta run holds /run/lock/deliver-check-mta.lock"
PORT=$(free_port) || skip_all "no free loopback port"

plan 26

PF=$TMP/pf
mkdir -p "$PF/etc" "$PF/spool" "$PF/data"
chown postfix "$PF/data"
VMAIL=$TMP/vmail
CONF=$TMP/deliver.conf
: >"$CONF"
chmod 644 "$CONF"
RUN="$DELIVER -c $CONF"

for u in alice bob carol dave erin frank gina sue vmail; do
	mta_user "dmta-$u" || skip_all "cannot create test users"
done
A=dmta-alice
mkdir -p "$VMAIL/virt.test"
chown -R dmta-vmail: "$VMAIL"

# The contrib snippets, deliver's path replaced by this build (+ -c CONF).
contrib() { sed "s|/usr/local/bin/deliver|$RUN|g" "$SRCDIR/contrib/$1"; }
# A "#   key = value" line of the main.cf part of contrib/postfix-master.cf.
master_hint() { sed -n "s/^#   \($1 = .*\)/\1/p" "$SRCDIR/contrib/postfix-master.cf"; }

printf "%s\n" "dmta-alias1 $A" "dmta-alias2 dmta-gina" "dmta-alias3 dmta-gina" >"$PF/aliases"
printf '%s\n' "vuser@virt.test x" >"$PF/vmailbox"

# contrib/postfix-virtual.md: deliver finds the Maildir in mailbox_map; its
# keys-free line (postmaster@), its deliver.conf and its pipe service
# (renamed delivermap, for example.org only, next to contrib's "deliver")
VMD=$SRCDIR/contrib/postfix-virtual.md
VMAP=$TMP/deliver.map
VMAIL2=$TMP/vmail2
mkdir -p "$VMAIL2" && chown dmta-vmail: "$VMAIL2"
grep '^/^postmaster@' "$VMD" | sed "s|/srv/mail|$VMAIL2|" >"$VMAP"
grep -E '^mailbox_(map|base) = ' "$VMD" | sed -e "s|/etc/deliver.map|$VMAP|" \
    -e "s|/srv/mail|$VMAIL2|" >"$TMP/vmap.conf"
chmod 644 "$VMAP" "$TMP/vmap.conf"
vmd_service() {
	sed -n '/^deliver   unix .* pipe$/,/argv=/p' "$VMD" |
	    sed -e 's/^deliver /delivermap /' -e 's/user=vmail/user=dmta-vmail/' \
		-e "s|/usr/local/bin/deliver|$DELIVER -c $TMP/vmap.conf|"
}
echo "example.org delivermap:" >"$PF/transport"
if cat /etc/postfix/dynamicmaps.cf /etc/postfix/dynamicmaps.cf.d/* 2>/dev/null | grep -q "^pcre[[:space:]]"; then VMAPS="pcre:$VMAP"; else VMAPS=; fi
cat >"$PF/mailbox_commands" <<EOF
dmta-dave $RUN -e -d $A
dmta-frank $RUN -e -o quota=5K
dmta-gina $RUN -e -o dedup=yes
EOF

cat >"$PF/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PF/spool
data_directory = $PF/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = $PF/maillog
maillog_file_prefixes = $TMP
myhostname = mx.$MTA_DOMAIN
mydomain = $MTA_DOMAIN
myorigin = $MTA_DOMAIN
mydestination = $MTA_DOMAIN
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps = texthash:$PF/aliases
alias_database =
mailbox_command_maps = texthash:$PF/mailbox_commands
# nothing ever leaves this machine
default_transport = error:outside mail is off in this test
relay_transport = error:outside mail is off in this test
delay_warning_time = 0
biff = no
smtputf8_enable = no
virtual_mailbox_domains = virt.test, example.org
virtual_mailbox_maps = texthash:$PF/vmailbox $VMAPS
transport_maps = texthash:$PF/transport
delivermap_destination_recipient_limit = 1
$(master_hint virtual_transport)
$(master_hint deliver_destination_recipient_limit)
# contrib/postfix-main.cf:
$(contrib postfix-main.cf)
EOF

cat >"$PF/etc/master.cf" <<EOF
127.0.0.1:$PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
# contrib/postfix-master.cf:
$(contrib postfix-master.cf | sed -e "s|/srv/mail|$VMAIL|g" -e "s/user=vmail/user=dmta-vmail/" -e "s/-d vmail/-d dmta-vmail/")
# contrib/postfix-virtual.md:
$(vmd_service)
EOF

PFX=(-c "$PF/etc")
MTA_STOPS+=("postfix ${PFX[*]} stop; sleep 0.5; postfix ${PFX[*]} abort")
if ! postfix "${PFX[@]}" start >"$TMP/start.log" 2>&1 ||
    ! wait_until 20 listening "$PORT"; then
	_result 1 "Postfix starts on 127.0.0.1:$PORT"
	sed 's/^/# /' "$TMP/start.log" "$PF/maillog" 2>/dev/null | head -30
	finish
fi
_result 0 "Postfix $(postconf -d -h mail_version) starts on 127.0.0.1:$PORT"

plog() { cat "$PF/maillog" 2>/dev/null; }
queue() { postqueue "${PFX[@]}" -p 2>&1; }
queue_empty() { queue | grep -q 'Mail queue is empty'; }
# wait until the log has a line matching $1 (bounded)
log_has() { wait_until "${2:-20}" grep -Eq -- "$1" "$PF/maillog"; }

# --- plain delivery through mailbox_command -----------------------------
MD=$(home_of $A)/Maildir
mta_msg "$TMP/m1" m1@example.net "plain"
send "$PORT" sender@example.net "$A@$MTA_DOMAIN" "$TMP/m1"
ok "mailbox_command: the message lands in ~/Maildir/new" wait_until 20 has_new "$MD"
F=$(only_file "$MD/new")
is "$(check_delivered "$F" "$TMP/m1" "Return-Path: <sender@example.net>" \
    "X-Original-To: $A@$MTA_DOMAIN" "Delivered-To: $A@$MTA_DOMAIN" 2>&1)" "" \
    "mailbox_command: Postfix's envelope headers, its Received:, then the message byte for byte"
is "$(count_header "$F" Return-Path) $(count_header "$F" Delivered-To)" "1 1" \
    "mailbox_command: Return-Path and Delivered-To exactly once"
like "$(plog)" "to=<$A@$MTA_DOMAIN>, relay=local, .* status=sent \\(delivered to command: $RUN -e\\)" \
    "mailbox_command: Postfix logs status=sent for the command"

# user+detail: delivered to the user, RECIPIENT keeps the detail
mta_msg "$TMP/m2" m2@example.net "detail"
send "$PORT" sender@example.net "$A+lists@$MTA_DOMAIN" "$TMP/m2"
wait_until 20 has_new "$MD" 2
F2=$(grep -l '^Message-ID: <m2@' "$MD"/new/* 2>/dev/null)
is "$(head -n 3 "$F2" 2>/dev/null)" "$(printf '%s\n' 'Return-Path: <sender@example.net>' \
    "X-Original-To: $A+lists@$MTA_DOMAIN" "Delivered-To: $A+lists@$MTA_DOMAIN")" \
    "recipient_delimiter: user+detail@ is filed for the user, Delivered-To keeps +detail, once"

# --- virtual mailboxes through the pipe(8) service -----------------------
VM=$VMAIL/virt.test/vuser
mta_msg "$TMP/m3" m3@example.net "virtual"
send "$PORT" sender@example.net "VUser@virt.test" "$TMP/m3"
ok "pipe service: the message lands in /srv/mail/DOMAIN/USER (lower case)" wait_until 20 has_new "$VM"
F=$(only_file "$VM/new")
is "$(check_delivered "$F" "$TMP/m3" "Return-Path: <sender@example.net>" \
    "Delivered-To: VUser@virt.test" 2>&1)" "" \
    "pipe service: envelope headers once, Received:, then the message byte for byte"
is "$(stat -c %U "$VM" 2>/dev/null)" "dmta-vmail" "pipe service: the Maildir belongs to vmail"
mta_msg "$TMP/m3b" m3b@example.net "virtual, null sender"
send "$PORT" "<>" "vuser@virt.test" "$TMP/m3b"
wait_until 20 has_new "$VM" 2
F=$(grep -l '^Message-ID: <m3b@' "$VM"/new/* 2>/dev/null)
is "$(check_delivered "$F" "$TMP/m3b" "Return-Path: <>" "Delivered-To: vuser@virt.test" 2>&1)" "" \
    "pipe service: a bounce (null sender) gets Return-Path: <> once"

# --- virtual mailboxes through deliver's map (postfix-virtual.md) --------
PM=$VMAIL2/admin/postmaster
if [ -z "$VMAPS" ]; then
	skip "postfix-virtual.md: Postfix has no pcre tables (postfix-pcre)"
	skip "postfix-virtual.md: Postfix has no pcre tables (postfix-pcre)"
else
	mta_msg "$TMP/m3c" m3c@example.net "mapped"
	send "$PORT" sender@example.net "Postmaster@example.org" "$TMP/m3c"
	mta_msg "$TMP/m3d" m3d@example.net "mapped, null sender"
	send "$PORT" "<>" "postmaster@example.org" "$TMP/m3d"
	wait_until 20 has_new "$PM" 2
	F=$(grep -l '^Message-ID: <m3c@' "$PM"/new/* 2>/dev/null)
	is "$(check_delivered "$F" "$TMP/m3c" "Return-Path: <sender@example.net>" \
	    "Delivered-To: postmaster@example.org" 2>&1)" "" \
	    "postfix-virtual.md: Postfix accepts by the pcre map, deliver files where the map says"
	F=$(grep -l '^Message-ID: <m3d@' "$PM"/new/* 2>/dev/null)
	is "$(check_delivered "$F" "$TMP/m3d" "Return-Path: <>" \
	    "Delivered-To: postmaster@example.org" 2>&1)" "" \
	    "postfix-virtual.md: a bounce (null sender) gets Return-Path: <>"
fi

# --- ~/.forward ---------------------------------------------------------
E=dmta-erin
sed "s|/usr/local/bin/deliver|$RUN|" "$SRCDIR/contrib/dot-forward" >"$(home_of $E)/.forward"
chown $E: "$(home_of $E)/.forward"
mta_msg "$TMP/m4" m4@example.net "forward"
send "$PORT" sender@example.net "$E@$MTA_DOMAIN" "$TMP/m4"
ok ".forward: the message lands in ~/Maildir/new" wait_until 20 has_new "$(home_of $E)/Maildir"
F=$(only_file "$(home_of $E)/Maildir/new")
is "$(check_delivered "$F" "$TMP/m4" "Return-Path: <sender@example.net>" \
    "X-Original-To: $E@$MTA_DOMAIN" "Delivered-To: $E@$MTA_DOMAIN" 2>&1)" "" \
    ".forward: envelope headers once, Received:, then the message byte for byte"

# --- exit 75: Postfix defers, the message waits in the queue --------------
B=dmta-bob
BM=$(home_of $B)/Maildir
mkdir -p "$BM"            # root's, mode 755: bob cannot write into it
mta_msg "$TMP/m5" m5@example.net "defer"
send "$PORT" sender@example.net "$B@$MTA_DOMAIN" "$TMP/m5"
ok "exit 75: Postfix logs status=deferred with deliver's reason" \
    log_has "to=<$B@$MTA_DOMAIN>.*status=deferred \(temporary failure. Command output: deliver: "
like "$(queue | tr -s "\n " "  ")" "\\(temporary failure. Command output: deliver: cannot create tmp/: Permission denied\\) $B@$MTA_DOMAIN" \
    "exit 75: the message stays in the queue, postqueue -p shows deliver's reason"
is "$(count_new "$BM")" 0 "exit 75: nothing in the Maildir"
chown -R $B: "$BM"
postqueue "${PFX[@]}" -f
ok "exit 75: after the fault is fixed, postqueue -f delivers it" wait_until 20 has_new "$BM"

# --- exit 77: Postfix bounces to the sender --------------------------------
C=dmta-carol
mta_msg "$TMP/m6" m6@example.net "bounce"
send "$PORT" "$C@$MTA_DOMAIN" "dmta-dave@$MTA_DOMAIN" "$TMP/m6"
ok "exit 77: Postfix logs status=bounced with deliver's reason" \
    log_has "to=<dmta-dave@$MTA_DOMAIN>.*status=bounced \(.*deliver: "
CM=$(home_of $C)/Maildir
if wait_until 20 has_new "$CM"; then
	F=$(only_file "$CM/new")
	is "$(head -n 1 "$F"; count_header "$F" Return-Path; grep -q 'deliver: ' "$F" && echo reason)" \
	    "$(printf '%s\n' 'Return-Path: <>' 1 reason)" \
	    "exit 77: the bounce (null sender, Return-Path: <> once) reaches the sender with the reason"
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
ok "sieve reject: Postfix bounces with the script's reason" \
    log_has "to=<$S@$MTA_DOMAIN>.*status=bounced \(.*not wanted here"

# --- quota ------------------------------------------------------
Q=dmta-frank
PAD="X-Pad: $(head -c 3000 /dev/zero | tr '\0' 'x')"
mta_msg "$TMP/m9" m9@example.net "quota 1" "$PAD"
mta_msg "$TMP/m10" m10@example.net "quota 2" "$PAD"
send "$PORT" sender@example.net "$Q@$MTA_DOMAIN" "$TMP/m9"
wait_until 20 has_new "$(home_of $Q)/Maildir"
send "$PORT" sender@example.net "$Q@$MTA_DOMAIN" "$TMP/m10"
ok "over quota: Postfix defers (status=deferred)" \
    log_has "to=<$Q@$MTA_DOMAIN>.*status=deferred \(temporary failure"
like "$(queue)" "$Q@$MTA_DOMAIN" "over quota: the message stays in the queue with the reason"

# --- dedup ------------------------------------------------------
G=dmta-gina
mta_msg "$TMP/m11" m11@example.net "dedup"
send "$PORT" sender@example.net "dmta-alias2@$MTA_DOMAIN" "$TMP/m11"
log_has "to=<$G@$MTA_DOMAIN>, orig_to=<dmta-alias2@.*status=sent"
send "$PORT" sender@example.net "dmta-alias3@$MTA_DOMAIN" "$TMP/m11"
log_has "to=<$G@$MTA_DOMAIN>, orig_to=<dmta-alias3@.*status=sent"
is "$(count_new "$(home_of $G)/Maildir")" 1 \
    "dedup: the same Message-ID sent to two aliases of one user arrives once"

# the over-quota message is meant to wait; nothing else may
postsuper "${PFX[@]}" -d ALL deferred >/dev/null 2>&1
is "$(queue | grep -c '^[0-9A-F]')" 0 "no other message is left in the queue"
finish
