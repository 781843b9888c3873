#!/bin/sh
# deb-delivery.sh: run inside a fresh Debian root where the deliver package
# was just installed (tests/fresh-root.sh deb, `make check-deb`).  Delivers
# one message the way Postfix's local(8) runs a mailbox_command: as the
# recipient, with HOME, USER, LOGNAME, SHELL, SENDER and RECIPIENT set and
# nothing else, the message on stdin, in the user's home; then checks the
# Maildir's bytes and what the package put where.  Prints TAP.
set -u
n=0 failed=0
check() { # check STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"
	else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
echo "1..9"

test -x /usr/bin/deliver
check $? "/usr/bin/deliver installed"
/usr/bin/deliver -V > /tmp/version 2>&1
check $? "deliver -V runs: $(head -1 /tmp/version)"
grep -qx /etc/deliver.conf /var/lib/dpkg/info/deliver.conffiles
check $? "/etc/deliver.conf is a conffile"
! grep -Eq '^[[:space:]]*[a-z]' /etc/deliver.conf
check $? "/etc/deliver.conf has every key commented out"
test -f /usr/share/man/man1/deliver.1.gz && test -f /usr/share/man/man5/deliver.conf.5.gz
check $? "man pages installed"
grep -q '^mailbox_command = /usr/bin/deliver -e$' \
    /usr/share/doc/deliver/contrib/postfix-main.cf &&
    ! grep -rq /usr/local/bin/deliver /usr/share/doc/deliver/contrib
check $? "contrib/ snippets name /usr/bin/deliver"

id bob >/dev/null 2>&1 || useradd -m -s /bin/sh bob
home=$(getent passwd bob | cut -d: -f6)
printf 'From: Alice <alice@example.org>\nTo: bob@example.org\nSubject: over Postfix\nMessage-ID: <deb-1@example.org>\n\nDelivered by the package.\n' > /tmp/msg
# mailbox_command = /usr/bin/deliver -e (contrib/postfix-main.cf)
(cd "$home" && setpriv --reuid=bob --regid="$(id -g bob)" --init-groups \
    env -i HOME="$home" USER=bob LOGNAME=bob SHELL=/bin/sh \
    SENDER=alice@example.org RECIPIENT=bob@example.org \
    /usr/bin/deliver -e < /tmp/msg > /tmp/out 2>&1)
check $? "delivered as Postfix's mailbox_command (exit 0): $(cat /tmp/out)"

{ printf 'Return-Path: <alice@example.org>\nDelivered-To: bob@example.org\n'
  cat /tmp/msg; } > /tmp/expected
set -- "$home"/Maildir/new/*
[ $# = 1 ] && cmp -s "$1" /tmp/expected && [ "$(stat -c %U "$1")" = bob ]
check $? "one message in ~bob/Maildir/new, owned by bob, with exactly the expected bytes"
# the defaults it shows are valid: with every key uncommented, a dry run
# (-M, since the example mailbox_map does not exist)
sed -n 's/^#\([a-z_0-9]* = \)/\1/p' /etc/deliver.conf > /tmp/all-keys.conf
(cd "$home" && setpriv --reuid=bob --regid="$(id -g bob)" --init-groups \
    env -i HOME="$home" USER=bob /usr/bin/deliver -c /tmp/all-keys.conf -n \
    -M "$home/Maildir" < /tmp/msg > /tmp/out2 2>&1)
check $? "/etc/deliver.conf with every key uncommented is accepted ($(grep -c . /tmp/all-keys.conf) keys): $(cat /tmp/out2)"
[ $failed = 0 ] || { ls -laR "$home/Maildir"; cat "$home"/Maildir/new/* 2>/dev/null; }
exit $((failed > 0))
