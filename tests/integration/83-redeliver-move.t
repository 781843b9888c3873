#!/bin/bash
# deliver --redeliver --move: a source is removed only after its copy is
# durable.  The order of the system calls is checked, then the run is
# killed (strace -e inject=...:signal=SIGKILL) at every fsync and at every
# removal in turn: afterwards every message is still in its source or
# whole at its destination, and nothing half-written is visible.
. "$(dirname "$0")/lib.sh"

if ! command -v strace >/dev/null || ! strace -qq -o /dev/null true 2>/dev/null; then
	plan 1; skip "strace cannot trace here (no ptrace)"; finish
fi
if [ -n "${ASAN_OPTIONS:-}" ]; then
	plan 1; skip "kill injection under AddressSanitizer (LeakSanitizer does not work under strace)"; finish
fi
if [ -n "${DELIVER_VALGRIND:-}" ]; then
	plan 1; skip "kill injection under valgrind (strace would count valgrind's system calls, not deliver's)"; finish
fi
plan 6
user_dir "$TMP/u"
MD="$TMP/u/Maildir"
OLD="$TMP/u/old"
WHO=(); is_root && { ensure_test_user; WHO=(-d "$TEST_USER"); }

setup() {
	rm -rf "$MD" "$OLD"
	mkdir -p "$OLD/cur" "$OLD/new" "$OLD/tmp" "$TMP/orig"
	for i in 1 2 3; do
		printf 'Subject: %d\nMessage-ID: <m%d@x>\n\nbody %d\n' "$i" "$i" "$i" > "$OLD/new/100$i.A.h"
		cp "$OLD/new/100$i.A.h" "$TMP/orig/$i"
	done
	is_root && chown -R "$TEST_USER" "$OLD"
	cp -a "$TMP/u/template" "$MD"
}
# a Maildir whose deliver.db exists already: creating it unlinks a journal,
# and the unlink injections below are meant for the sources
printf 'Subject: 0\n\nwarm-up\n' | "$DELIVER" -c "$DCONF" "${WHO[@]}" -M "$TMP/u/template" -a u@x
rm -f "$TMP"/u/template/new/*
run() { # run STRACE_ARGS...
	strace -f -qq "$@" "$DELIVER" -c "$DCONF" "${WHO[@]}" --redeliver --move \
		-M "$MD" -a u@x "$OLD" >/dev/null 2>&1
}
# every message: in its source, or whole in new/; nothing else in new/
check() {
	local i n bad=0
	for i in 1 2 3; do
		n=$(grep -l -x "body $i" "$MD"/new/* 2>/dev/null | wc -l)
		[ -e "$OLD/new/100$i.A.h" ] || [ "$n" -ge 1 ] || bad=1
	done
	for f in "$MD"/new/*; do
		[ -e "$f" ] || continue
		cmp -s "$f" "$TMP/orig/$(sed -n 's/^Subject: //p' "$f")" || bad=1
	done
	return $bad
}

# the order: every removal after the last link and a directory fsync after it
setup
run -o "$TMP/trace" -e trace=linkat,fsync,unlink
last_link=$(grep -n 'linkat(' "$TMP/trace" | tail -1 | cut -d: -f1)
first_unlink=$(grep -n "unlink(\"$OLD" "$TMP/trace" | head -1 | cut -d: -f1)
sync_between=$(awk -v a="${last_link:-0}" -v b="${first_unlink:-0}" 'NR > a && NR < b && /fsync\(/' "$TMP/trace" | wc -l)
is "$(grep -c "unlink(\"$OLD" "$TMP/trace")" 3 "three sources removed"
ok "the removals come after the last link, with an fsync in between" \
	test -n "$last_link" -a -n "$first_unlink" -a "${first_unlink:-0}" -gt "${last_link:-0}" -a "$sync_between" -ge 1
# the fsyncs before the removals (one more syncs the source directory)
nsync=$(head -n "$((first_unlink - 1))" "$TMP/trace" | grep -c 'fsync(')

# killed at each fsync: no source is gone yet, nothing half-visible
bad=0
for k in $(seq 1 "$nsync"); do
	setup
	{ run -o /dev/null -e trace=fsync -e inject=fsync:signal=SIGKILL:when=$k; } 2>/dev/null
	[ "$(count_files "$OLD/new")" = 3 ] && check || { bad=$k; break; }
done
is "$bad" 0 "killed at each of the $nsync fsyncs: every source still there, no partial copy"

# killed at each removal: every message in its source or its destination
bad=0
for k in 1 2 3; do
	setup
	{ run -o /dev/null -e trace=unlink -e inject=unlink:signal=SIGKILL:when=$k; } 2>/dev/null
	[ "$(count_files "$OLD/new")" = $((4 - k)) ] && check || { bad=$k; break; }
done
is "$bad" 0 "killed at each removal: each message in its source or whole in new/"

# after a kill, running again finishes the job; at most the one message
# in flight is there twice, none is lost
setup
{ run -o /dev/null -e trace=unlink -e inject=unlink:signal=SIGKILL:when=2; } 2>/dev/null
run -o /dev/null
is "$(count_files "$OLD/new")" 0 "the second run empties the source"
n=$(count_files "$MD/new")
ok "every message at least once, at most the two not yet removed twice ($n files)" test "$n" -ge 3 -a "$n" -le 5
finish
