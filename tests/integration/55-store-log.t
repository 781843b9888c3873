#!/bin/bash
# deliver --log: the delivery log, with its filters.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/store-lib.sh"
plan 12
export TZ=UTC

user_dir "$TMP/e"
is "$(dlv --log -M "$TMP/e/Maildir"; echo "$RC")" "0" "no store yet: nothing, exit 0"

printf 'Message-ID: <a@example.org>\n\nbody\n' > "$TMP/a"
printf 'Message-ID: <b@example.org>\n\nbody\n' > "$TMP/b"
dlv -M "$MD" -f alice@example.org -a r@x < "$TMP/a"
dlv -M "$MD" -f alice@example.org -a r@x < "$TMP/a"
dlv -M "$MD" -m Lists.x -f "bob@example.org" -a r@x < "$TMP/b"
files_a=$(ls "$MD/new")
files_b=$(ls "$MD/.Lists.x/new")
# the test owns the clock of the rows: fixed times, so the lines are exact
q "UPDATE log SET time = 1795392000 + id * 60"

log() { "$DELIVER" -c "$DCONF" ${WHO[@]+"${WHO[@]}"} --log -M "$MD" "$@" 2>"$TMP/stderr"; }
WHO=()
if is_root; then WHO=(-d "$TEST_USER"); fi

is "$(log)" "2026-11-23 00:01:00 delivered exit=0 to=<r@x> from=<alice@example.org> msgid=<a@example.org> size=$(stat -c %s "$MD/new/$files_a") folders=INBOX files=new/$files_a actions=keep
2026-11-23 00:02:00 duplicate exit=0 to=<r@x> from=<alice@example.org> msgid=<a@example.org> size=$(stat -c %s "$MD/new/$files_a") folders= files= actions=keep
2026-11-23 00:03:00 delivered exit=0 to=<r@x> from=<bob@example.org> msgid=<b@example.org> size=$(stat -c %s "$MD/.Lists.x/new/$files_b") folders=Lists.x files=.Lists.x/new/$files_b actions=keep" "every row, oldest first"
is "$(log --message-id '<b@example.org>' | wc -l)" 1 "--message-id (with angle brackets)"
is "$(log --message-id 'a@example.org' | cut -d' ' -f3 | tr '\n' ' ')" "delivered duplicate " "--message-id (bare)"
is "$(log --sender bob@example.org | cut -d' ' -f7)" "msgid=<b@example.org>" "--sender"
is "$(log --folder Lists.x | cut -d' ' -f7)" "msgid=<b@example.org>" "--folder"
is "$(log --folder INBOX | wc -l)" 1 "--folder INBOX"
is "$(log --since '2026-11-23 00:02' | wc -l)" 2 "--since a date"
is "$(log --since 1h | wc -l)" 0 "--since 1h (the rows are older)"
is "$(log --limit 1 | cut -d' ' -f1,2)" "2026-11-23 00:03:00" "--limit 1: the newest"
log --since tomorrow >/dev/null
is "$?:$(cat "$TMP/stderr")" '64:deliver: --since: cannot read "tomorrow" (30m, 12h, 7d, 2w, YYYY-MM-DD [HH:MM[:SS]], @EPOCH)' "a bad --since is a usage error"
# untrusted text is escaped
q "UPDATE log SET sender = 'evil' || char(10) || 'x@y' WHERE id = 3"
is "$(log --limit 1 | cut -d' ' -f6)" 'from=<evil\012x@y>' "control characters are escaped"
finish
