#!/bin/bash
# Interoperability with Dovecot 2.3's "maildir" quota backend (Debian
# package dovecot-core), run as doveadm with a standalone config and no
# daemon: it reports the usage deliver reports, leaves deliver's file alone
# when the definitions agree, and its recalculation and expunges keep the
# file consistent for deliver.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/quota.sh"
plan 9

if ! command -v doveadm >/dev/null 2>&1; then
	for i in $(seq 1 9); do skip "doveadm not installed (dovecot-core)"; done
	finish
fi

printf 'Subject: s\n\nb\n' > "$TMP/msg"
user_dir "$TMP/u"
MD=$TMP/u/Maildir
d() { dlv -M "$MD" -f s@x -a r@x -o quota=100K,50C -o quota_warn=0 "$@" < "$TMP/msg"; }

# Dovecot's limits match deliver's definition: 100K = 102400 bytes, 50.
cat > "$TMP/dovecot.conf" <<CONF
mail_location = maildir:$MD
namespace inbox {
  inbox = yes
  separator = .
}
mail_plugins = quota
plugin {
  quota = maildir:User quota
  quota_rule = *:storage=100K:messages=50
  quota_rule2 = Trash:ignore
}
CONF
dove() {
	local run=() user
	user=$(id -un)
	if is_root; then
		user=$TEST_USER
		run=(setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups)
	fi
	"${run[@]}" env -i PATH="$PATH" USER="$user" HOME="$TMP/u" \
	    doveadm -c "$TMP/dovecot.conf" "$@" 2>&1
}
# "STORAGE_KB MESSAGES" from doveadm quota get
dove_usage() {
	dove -f tab quota get | awk -F'\t' '$2 == "STORAGE" { s = $3 } $2 == "MESSAGE" { m = $3 } END { print s, m }'
}
# "KILOBYTES COUNT" from deliver --quota=raw, kilobytes rounded up as doveadm does
deliver_usage() {
	dq -M "$MD" --quota=raw
	printf '%s\n' "$OUT" | awk -F= '$1 == "bytes" { b = $2 } $1 == "count" { c = $2 } END { print int((b + 1023) / 1024), c }'
}

# some mail: small messages, bigger ones, one in Trash
for i in $(seq 1 8); do d; done
head -c 3000 /dev/zero | tr '\0' x > "$TMP/big"
printf 'Subject: big\n\n%s\n' "$(cat "$TMP/big")" > "$TMP/msg"
d -m Lists; d; d -m Trash
cp "$MD/maildirsize" "$TMP/before"
is "$(head -1 "$MD/maildirsize")" "102400S,50C" "deliver's line 1 is Dovecot's form of the same limits"
is "$(dove_usage)" "$(deliver_usage)" "doveadm quota get reports deliver's usage ($(deliver_usage))"
like "$(dove quota get)" 'STORAGE +[0-9]+ +100 ' "Dovecot reads a 100 kB limit"
ok "Dovecot left the file alone (same definition)" cmp -s "$TMP/before" "$MD/maildirsize"

# Dovecot's recalculation: same numbers for deliver.
before=$(deliver_usage)
dove quota recalc > /dev/null
is "$(mds_sum "$MD")" "$(fresh_sum "$MD")" "after doveadm quota recalc: the file equals a fresh count"
is "$(deliver_usage)" "$before" "deliver reads Dovecot's recalculated file"

# Dovecot expunges (negative lines or a rewrite), deliver delivers on.
dove expunge mailbox INBOX all > /dev/null
d
is "$(mds_sum "$MD")" "$(fresh_sum "$MD")" "after a Dovecot expunge and a delivery: consistent"
is "$(dove_usage)" "$(deliver_usage)" "and both report the same"
is "$(count_files "$MD/new")" 1 "INBOX holds the one new message"
finish
