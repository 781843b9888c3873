#!/bin/sh
# make demo: deliver the sample messages in contrib/demo/ into ./demo/Maildir
# and show the resulting tree and the log lines.  Exits 1 when a delivery
# did not exit 0.
set -u
DELIVER=$1
cd "$(dirname "$0")/../.."
old=$(readlink demo/Maildir 2>/dev/null)   # an earlier run's (see below)
case $old in /tmp/deliver-demo.*/Maildir) rm -rf "${old%/Maildir}" ;; esac
rm -rf demo
mkdir -p demo
: > demo/deliver.conf
as_user=""
maildir=$PWD/demo/Maildir
if [ "$(id -u)" = 0 ]; then
	# deliver never runs as root: deliver for nobody into a demo/ it owns
	chown nobody demo
	as_user="-d nobody"
	# ...which nobody cannot reach in a checkout under /root (mode 0700):
	# then the Maildir is made where nobody can, and demo/Maildir points
	# to it.  The checkout's modes are the admin's to choose.
	if ! setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    test -w "$PWD/demo" 2>/dev/null; then
		dir=$(mktemp -d /tmp/deliver-demo.XXXXXX) || exit 1
		chmod 755 "$dir"
		chown nobody "$dir"
		maildir=$dir/Maildir
		ln -s "$maildir" demo/Maildir
		echo "(demo/ is out of nobody's reach: the Maildir is $maildir)"
	fi
fi
failed=0
run() {
	echo "\$ deliver $*"
	# shellcheck disable=SC2086
	"$DELIVER" -c demo/deliver.conf $as_user -e -M "$maildir" "$@" 2>&1
	rc=$?
	echo "  (exit $rc)"
	[ $rc = 0 ] || failed=1
}
run -a bob@example.net < contrib/demo/01-plain.eml
run -f noreply@lists.example.com -a bob@example.net -m Lists/deliver-users < contrib/demo/02-list-crlf.eml
run -f carol@example.org -a bob+receipts@example.net -m 'Reçus' < contrib/demo/03-folder.eml
run -f carol@example.org -a bob@example.net -m '../escape' < contrib/demo/03-folder.eml
echo
echo "The Maildir:"
find -H demo/Maildir -type f -o -type d | sort | sed 's/^/  /'
echo
echo "The first message as stored:"
sed 's/^/  | /' "$(ls -d demo/Maildir/new/* | head -1)"
echo
echo "Dovecot's subscriptions file:"
sed 's/^/  | /' demo/Maildir/subscriptions | cat -A | sed 's/\$$//'
exit $failed
