#!/bin/bash
# deliver.db: a delivery killed while it holds its claim is finished by the
# MTA's retry, with the recorded base name and folders: exactly one copy
# per folder, never a second one, never none.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/store-lib.sh"
plan 13

# start_stopped MSG ARGS...: a delivery that stops itself right after its
# claim is committed (the test hook); its pid in $PID.
start_stopped() {
	local m=$1 who=()
	shift
	if is_root; then ensure_test_user; who=(-d "$TEST_USER"); fi
	DELIVER_TEST_HOOK=stop-after-claim "$DELIVER" -c "$DCONF" "${who[@]}" \
		"$@" < "$m" 2>/dev/null &
	PID=$!
	wait_stopped "$PID"
}

kill_it() { kill -9 "$PID"; wait "$PID" 2>/dev/null; }

# 1. killed before filing anything; the retry has another plan (no -m):
# the recorded one (folder Work) is carried out.
msg "$TMP/m1" "<killed@example.org>"
ok "delivery stops after its claim" start_stopped "$TMP/m1" -M "$MD" -m Work -f s@x -a r@x
is "$(q "SELECT state || ' ' || pid FROM dedup WHERE msgid = 'killed@example.org'")" "0 $PID" "the claim names the process"
base=$(q "SELECT base FROM dedup WHERE msgid = 'killed@example.org'")
kill_it
is "$(count_files "$MD/tmp")" 1 "the killed delivery left its tmp file"
dlv -e -M "$MD" -f s@x -a r@x < "$TMP/m1"
is "$RC" 0 "the retry exits 0"
like "$ERR" "msgid=<killed@example.org> resuming an unfinished delivery \(base $base\)" "the retry says it resumes"
is "$(ls "$MD/.Work/new" | sed 's/,S=.*//')" "$base" "one copy in Work, under the recorded base name"
is "$(count_files "$MD/new")" 0 "none in INBOX (the recorded plan wins)"
is "$(count_files "$MD/tmp")" 0 "both tmp files are gone"
is "$(q "SELECT state FROM dedup WHERE msgid = 'killed@example.org'")" 1 "the claim is confirmed"

# 2. killed after its copy was linked (the test links it as the process
# would have) but before confirming: the retry finds it (EEXIST), adds none.
msg "$TMP/m2" "<linked@example.org>"
start_stopped "$TMP/m2" -M "$MD" -f s@x -a r@x
read -r base tmp <<<"$(q "SELECT base, tmp FROM dedup WHERE msgid = 'linked@example.org'" | tr '|' ' ')"
size=$(stat -c %s "$MD/tmp/$tmp")
ln "$MD/tmp/$tmp" "$MD/new/$base,S=$size"
kill_it
dlv -M "$MD" -f s@x -a r@x < "$TMP/m2"
is "$RC:$(count_files "$MD/new")" "0:1" "still exactly one copy in INBOX"
is "$(ls "$MD/new")" "$base,S=$size" "the copy is the first one"
is "$(q "SELECT result FROM log WHERE msgid = 'linked@example.org'")" resumed "logged as resumed"

# 3. the message is now a duplicate
dlv -M "$MD" -f s@x -a r@x < "$TMP/m2"
is "$RC:$(count_files "$MD/new")" "0:1" "a third delivery is a duplicate"
finish
