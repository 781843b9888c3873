#!/bin/sh
# make demo: deliver the sample messages in examples/ into ./demo/Maildir
# and show the resulting tree and the log lines.
set -u
DELIVER=$1
cd "$(dirname "$0")/.."
rm -rf demo
mkdir -p demo
: > demo/deliver.conf
as_user=""
if [ "$(id -u)" = 0 ]; then
	# deliver never runs as root: deliver for nobody into a demo/ it owns
	chown nobody demo
	as_user="-d nobody"
fi
run() {
	echo "\$ deliver $*"
	# shellcheck disable=SC2086
	"$DELIVER" -c demo/deliver.conf $as_user -e -M "$PWD/demo/Maildir" "$@" 2>&1
	echo "  (exit $?)"
}
run -a bob@example.net < examples/01-plain.eml
run -f noreply@lists.example.com -a bob@example.net -m Lists/deliver-users < examples/02-list-crlf.eml
run -f carol@example.org -a bob+receipts@example.net -m 'Reçus' < examples/03-folder.eml
run -f carol@example.org -a bob@example.net -m '../escape' < examples/03-folder.eml
echo
echo "The Maildir:"
find demo/Maildir -type f -o -type d | sort | sed 's/^/  /'
echo
echo "The first message as stored:"
sed 's/^/  | /' "$(ls -d demo/Maildir/new/* | head -1)"
echo
echo "Dovecot's subscriptions file:"
sed 's/^/  | /' demo/Maildir/subscriptions | cat -A | sed 's/\$$//'
