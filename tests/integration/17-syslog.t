#!/bin/bash
# The syslog line itself: facility mail, ident deliver, escaped text.
# A listener takes the place of the syslog daemon on /dev/log.
. "$(dirname "$0")/lib.sh"
plan 3

if ! is_root; then
	for i in 1 2 3; do skip "binding /dev/log needs root"; done; finish
fi
if [ -e /dev/log ]; then
	for i in 1 2 3; do skip "a syslog daemon owns /dev/log on this machine"; done; finish
fi
trap 'rm -f /dev/log; rm -rf "$TMP"' EXIT
perl -MIO::Socket::UNIX -e '
	my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => "/dev/log") or die $!;
	chmod 0666, "/dev/log";
	open my $out, ">", $ARGV[0] or die $!; $out->autoflush(1);
	print $out "ready\n";
	while (1) { my $buf; defined $s->recv($buf, 65536) or last; print $out "$buf\n"; }
' "$TMP/syslog" &
listener=$!
for i in $(seq 1 50); do [ -s "$TMP/syslog" ] && break; sleep 0.1; done

user_dir "$TMP/u"
printf 'Subject: s\nMessage-ID: <evil\001@x> forged\n\nb\n' > "$TMP/msg"
dlv -M "$TMP/u/Maildir" -f 'a@b' -a 'c@d' < "$TMP/msg"
sleep 0.3
kill "$listener" 2>/dev/null; wait "$listener" 2>/dev/null
# other deliveries on the machine may log to our /dev/log meanwhile: pick ours
line=$(grep -a 'status=' "$TMP/syslog" | grep -a 'msgid=<evil' | head -n 1)
is "$RC" 0 "delivered"
like "$line" '^<22>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} deliver\[[0-9]+\]: ' "priority mail.info (22), ident deliver with pid"
is "${line#*]: }" "to=<c@d> from=<a@b> msgid=<evil\\001@x> forged size=$(stat -c %s "$(only_file "$TMP/u/Maildir/new")") folder=INBOX status=delivered" "the line, with the control character escaped"
finish
