#!/bin/bash
# Interoperability: Dovecot (2.3) sees the folders deliver creates, with the
# right names, subscribed, and the messages in them.  Needs doveadm (Debian
# package dovecot-core); skipped where it is not installed.
. "$(dirname "$0")/lib.sh"
plan 5

if ! command -v doveadm >/dev/null 2>&1; then
	for i in 1 2 3 4 5; do skip "doveadm not installed (dovecot-core)"; done
	finish
fi

printf 'Subject: s\n\nb\n' > "$TMP/msg"
user_dir "$TMP/u"

# doveadm as the mailbox owner, without a running Dovecot: no -u, so the
# user comes from USER/HOME and no auth service is asked.
dove() { # dove MAILLOCATION ARGS...
	local loc=$1 run=() user
	shift
	user=$(id -un)
	printf 'mail_location = %s\nnamespace inbox {\n  inbox = yes\n  separator = .\n}\n' \
	    "$loc" > "$TMP/dovecot.conf"
	if is_root; then
		user=$TEST_USER
		run=(setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups)
	fi
	"${run[@]}" env -i PATH="$PATH" USER="$user" HOME="$TMP/u" \
	    doveadm -c "$TMP/dovecot.conf" "$@" 2>&1
}

MD="$TMP/u/Maildir"
for name in 'A/B' 'Résumé' '日本語/😀' 'x&y'; do
	dlv -M "$MD" -m "$name" < "$TMP/msg"
done
is "$(dove "maildir:$MD" mailbox list -s | LC_ALL=C sort | tr '\n' '|')" \
    "A.B|Résumé|x&y|日本語.😀|" "Dovecot lists the subscribed folders by their names"
is "$(dove "maildir:$MD" mailbox list | LC_ALL=C sort | tr '\n' '|')" \
    "A|A.B|INBOX|Résumé|x&y|日本語|日本語.😀|" "Dovecot decodes the modified UTF-7 directory names"
is "$(dove "maildir:$MD" mailbox status -t messages 'Résumé')" "messages=1" \
    "Dovecot finds the message in Résumé"

MD8="$TMP/u/Maildir8"
dlv -o utf8_folders=yes -M "$MD8" -m 'Größe/日本' < "$TMP/msg"
is "$(dove "maildir:$MD8:UTF-8" mailbox list -s)" "Größe.日本" \
    "utf8_folders=yes matches Dovecot's :UTF-8 flag (subscriptions too)"
is "$(dove "maildir:$MD8:UTF-8" mailbox status -t messages 'Größe.日本')" "messages=1" \
    "utf8_folders=yes: Dovecot finds the message"
finish
