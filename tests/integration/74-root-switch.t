#!/bin/bash
# Started as root with -d USER: after the switch deliver has exactly the
# user's uid, gid and groups (root's own groups gone) and umask 077; every
# file and directory it creates belongs to the user, with no group or
# other permission; a Sieve redirect runs sendmail with execve: an argv
# passed literally (shell metacharacters and all), a clean environment, no
# descriptor but 0, 1 and 2, and deliver itself as its parent.
#
# What deliver's process looks like is observed from the sendmail it
# starts: a Perl script (no shell, which would add its own variables) that
# records its argv, environment, descriptors and input, and its own and
# its parent's /proc/PID/status.
. "$(dirname "$0")/lib.sh"

if ! is_root; then
	plan 1; skip "needs root (tests the switch from root to -d USER)"; finish
fi
plan 13

# A user of our own, with its own primary group and one supplementary
# group, so that the groups deliver ends with say something.
RS_USER=deliver-rs
RS_GROUP=deliver-rsx
getent group "$RS_GROUP" >/dev/null || groupadd "$RS_GROUP" 2>/dev/null
id "$RS_USER" >/dev/null 2>&1 ||
	useradd -M -U -G "$RS_GROUP" -d /nonexistent -s /usr/sbin/nologin "$RS_USER" 2>/dev/null
uid=$(id -u "$RS_USER") gid=$(id -g "$RS_USER")
groups=$(id -G "$RS_USER" | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')
is "$(id -gn "$RS_USER") $(id -Gn "$RS_USER" | wc -w)" "$RS_USER 2" \
    "test user $RS_USER ($uid:$gid, groups $groups)"

mkdir "$TMP/u" "$TMP/cap"
chown "$RS_USER" "$TMP/u" "$TMP/cap"
MD=$TMP/u/Maildir
cat > "$TMP/sendmail" <<EOF
#!/usr/bin/perl
my \$d = "$TMP/cap";
my \$n = 0; \$n++ while -e "\$d/argv.\$n";
my @fds;
opendir my \$fdd, "/proc/self/fd" or die;
for (sort { \$a <=> \$b } grep /^\\d+\$/, readdir \$fdd) {
	my \$to = readlink "/proc/self/fd/\$_";
	push @fds, "\$_ \$to\n" unless \$to =~ m{^/proc/};  # our own opendir
}
closedir \$fdd;
open my \$f, ">", "\$d/argv.\$n" or die; print \$f "\$_\n" for @ARGV; close \$f;
open \$f, ">", "\$d/env.\$n" or die; print \$f "\$_=\$ENV{\$_}\n" for sort keys %ENV; close \$f;
open \$f, ">", "\$d/fds.\$n" or die; print \$f @fds; close \$f;
open \$f, ">", "\$d/status.\$n" or die;
for my \$who ("self", "parent") {
	open my \$s, "<", "/proc/" . (\$who eq "self" ? "self" : getppid()) . "/status" or die;
	print \$f "\$who \$_" for grep /^(Name|Umask|Uid|Gid|Groups):/, <\$s>;
}
close \$f;
open \$f, ">", "\$d/msg.\$n" or die; local \$/; print \$f <STDIN>; close \$f;
EOF
chmod 755 "$TMP/sendmail"

# Characters a shell would act on, all valid in an address's local part.
TARGET='x&y|z$HOME`id`*?~#!%^=/+'"'q'"'@example.org'
SENDER='p$PATH`id`|&;q@example.org'
cat > "$TMP/s.sieve" <<EOF
require ["fileinto"];
fileinto "Lists/a";
redirect "$TARGET";
keep;
EOF
chmod 644 "$TMP/s.sieve"
printf 'Subject: root switch\nMessage-ID: <rs@example.org>\n\nbody\n' > "$TMP/msg"

# root starts it with groups of its own (0 root, 6 disk) and a polluted
# environment
env SECRET=leak IFS=x LD_LIBRARY_PATH=/nonexistent \
    setpriv --groups=0,6 -- "$DELIVER" -c "$DCONF" -d "$RS_USER" -M "$MD" \
    -s "$TMP/s.sieve" -o quota=10M -o sendmail="$TMP/sendmail" \
    -f "$SENDER" -a r@example.org < "$TMP/msg" 2>"$TMP/err"
is "$? $(cat "$TMP/err")" "0 " "delivered (exit 0, nothing on stderr)"

# deliver's process name (valgrind's tool under make check-valgrind)
pname=deliver; [ -n "${DELIVER_VALGRIND:-}" ] && pname=memcheck-amd64-
st() { grep "^$1 $2:" "$TMP/cap/status.0" | cut -f2- | tr '\t' ' ' | sed 's/ *$//'; }
is "$(st parent Name) | $(st parent Uid) | $(st parent Gid) | $(st parent Groups | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//') | $(st parent Umask)" \
    "$pname | $uid $uid $uid $uid | $gid $gid $gid $gid | $groups | 0077" \
    "deliver after the switch: real, effective, saved and fs uid and gid the user's; the user's groups only; umask 077"
is "$(st self Uid) | $(st self Gid) | $(st self Groups | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//') | $(st self Umask)" \
    "$uid $uid $uid $uid | $gid $gid $gid $gid | $groups | 0077" \
    "sendmail runs with the same credentials"
is "$(cat "$TMP/cap/argv.0")" "-i
-f
$SENDER
--
$TARGET" "sendmail's argv: the addresses passed literally, after --"
is "$(cat "$TMP/cap/env.0")" "PATH=/usr/sbin:/usr/bin:/sbin:/bin" "sendmail's environment: PATH only"
is "$(cut -d' ' -f1 "$TMP/cap/fds.0" | tr '\n' ' ')$(sed -n 2p "$TMP/cap/fds.0")" \
    "0 1 2 1 /dev/null" "sendmail inherits descriptors 0 (the message), 1 (/dev/null) and 2 only"
# as Pigeonhole redirects: the Return-Path deliver added left out (the
# next hop writes its own), X-Sieve-Redirected-From naming the recipient
is "$(cat "$TMP/cap/msg.0")" "X-Loop: deliver <r@example.org>
X-Sieve-Redirected-From: r@example.org
Delivered-To: r@example.org
Subject: root switch
Message-ID: <rs@example.org>

body" "sendmail reads the message"

# every file and directory created belongs to the user, mode 0600/0700
(cd "$MD" && find . -path '*/new/*' -prune -o -print | sort | tr '\n' ' ') > "$TMP/made"
is "$(cat "$TMP/made")" ". ./.Lists.a ./.Lists.a/cur ./.Lists.a/maildirfolder ./.Lists.a/new ./.Lists.a/tmp ./cur ./deliver.db ./deliver.db-shm ./deliver.db-wal ./maildirsize ./new ./subscriptions ./tmp " \
    "created: the Maildir, a folder, deliver.db (and its WAL, kept between deliveries), maildirsize, subscriptions"
is "$(find "$MD" -path '*/new/*' -type f | wc -l)" 2 "the message filed into INBOX and the folder"
is "$(find "$MD" \( -user root -o -group root -o ! -user "$RS_USER" -o ! -group "$gid" \) -printf '%u:%g %p\n')" "" \
    "nothing under the Maildir belongs to root or to anyone but $RS_USER:$RS_USER"
is "$(find "$MD" \( -type f ! -perm 0600 -o -type d ! -perm 0700 \) -printf '%m %p\n')" "" \
    "files 0600, directories 0700 (umask 077)"
is "$(find "$TMP/u" "$TMP/cap" -mindepth 1 -user root)" "" "nothing created as root anywhere"
finish
