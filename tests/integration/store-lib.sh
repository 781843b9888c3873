# store-lib.sh: helpers shared by the 50-store-*.t tests (sourced after
# lib.sh).

# The Maildir of the test and its store.
MD="$TMP/u/Maildir"
DB="$MD/deliver.db"
user_dir "$TMP/u"

# as_user CMD...: run a command as the user deliver runs as, so that files
# it creates (sqlite3's -wal and -shm) belong to that user.
as_user() {
	if is_root; then
		setpriv --reuid="$TEST_USER" --regid="$(id -g "$TEST_USER")" \
			--clear-groups "$@"
	else
		"$@"
	fi
}

# q SQL: one query on the store, as the user.
q() { as_user sqlite3 "$DB" "$1"; }

# msg FILE MESSAGE-ID [BODY]: write a small message.
msg() {
	printf 'From: a@example.org\nSubject: test\nMessage-ID: %s\n\n%s\n' \
		"$2" "${3:-body}" > "$1"
}
