#!/bin/bash
# deliver --redeliver syncs its messages in windows: up to 32
# messages (fewer under a low descriptor limit) are read into tmp/ and
# planned, then their files are fsynced one after the other (the first
# fsync commits the journal for all), then each is linked.  Checked from
# the system calls' order (strace -y names each fsync's file): no link
# before its file's fsync, a window bounded by the header memory it holds,
# a message whose Message-ID repeats one still waiting files that one
# first, and a run killed at any fsync or link leaves every message whole
# in its source and nothing partial in new/.
. "$(dirname "$0")/lib.sh"

if ! command -v strace >/dev/null || ! strace -qq -o /dev/null true 2>/dev/null; then
	plan 1; skip "strace cannot trace here (no ptrace)"; finish
fi
if [ -n "${DELIVER_VALGRIND:-}" ]; then
	plan 1; skip "strace under valgrind (it would trace valgrind's system calls, not deliver's)"; finish
fi
# LeakSanitizer cannot run under ptrace: no leak check in the traced runs
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
plan 15
user_dir "$TMP/u"
MD="$TMP/u/Maildir"
OLD="$TMP/u/old"
WHO=(); is_root && { ensure_test_user; WHO=(-d "$TEST_USER"); }

# N small messages, Message-IDs <wN@x>, in $OLD/cur
sources() { # N
	rm -rf "$MD" "$OLD"
	mkdir -p "$OLD/cur" "$OLD/new" "$OLD/tmp"
	for i in $(seq 1 "$1"); do
		printf 'Subject: %d\nMessage-ID: <w%d@x>\n\nbody %d\n' "$i" "$i" "$i" \
			> "$OLD/cur/$((1000 + i)).A.h:2,S"
	done
	is_root && chown -R "$TEST_USER" "$OLD"
	return 0
}
run() { # run STRACE_ARGS... -- DELIVER_ARGS...
	local s=()
	while [ "$1" != -- ]; do s+=("$1"); shift; done; shift
	strace -f -qq -y "${s[@]}" "$DELIVER" -c "$DCONF" "${WHO[@]}" --redeliver \
		-M "$MD" -a u@x "$@" "$OLD" >/dev/null 2>"$TMP/err"
}
# the trace reduced to one letter per call: S = fsync of a message file
# in tmp/, L = link into new/
pattern() {
	sed -n -e '/^[0-9]* *fsync([0-9]*<[^>]*\/Maildir\/tmp\/[^>]*>)/{s/.*/S/;p}' \
		-e '/^[0-9]* *linkat(/{s/.*/L/;p}' "$1" | tr -d '\n'
}

# 1-2: five messages, one window: five fsyncs, then five links
sources 5
run -o "$TMP/trace" -e trace=fsync,linkat -- 
is "$(pattern "$TMP/trace")" SSSSSLLLLL "five messages: all synced, then all linked"
is "$(count_files "$MD/new")" 5 "five messages filed"

# the Maildir and its tmp/, new/ and cur/ are opened once for the run
run -o "$TMP/trace" -e trace=openat --
is "$(grep -c -E "openat\(AT_FDCWD<[^>]*>, \"$MD\"|openat\([0-9]+<$MD>, \"(tmp|new|cur)\"" "$TMP/trace")" 4 \
	"five messages: the Maildir, tmp/, new/ and cur/ opened once each"

# 3-4: forty messages: a window of 32, then one of 8
sources 40
run -o "$TMP/trace" -e trace=fsync,linkat --
exp="$(printf 'S%.0s' $(seq 32))$(printf 'L%.0s' $(seq 32))$(printf 'S%.0s' $(seq 8))$(printf 'L%.0s' $(seq 8))"
is "$(pattern "$TMP/trace")" "$exp" "forty messages: windows of 32 and 8"
is "$(count_files "$MD/new")" 40 "forty messages filed"

# 5-6: a descriptor limit of 35 leaves room for windows of 3 (each waiting
# message holds its file's descriptor, 32 are kept for the rest)
sources 10
( ulimit -n 35; run -o "$TMP/trace" -e trace=fsync,linkat -- )
is "$(pattern "$TMP/trace")" SSSLLLSSSLLLSSSLLLSL "ulimit -n 35: windows of 3"
is "$(count_files "$MD/new"):$(head -1 "$TMP/err")" \
	"10:redelivery: messages 10, delivered 10, discarded 0, duplicates 0, failed 0" \
	"ulimit -n 35: all ten filed"

# 7: messages with about 700 KiB of headers each: the window holds at most
# 1 MiB of them, so each pair is synced and linked before the next is read
sources 0
for i in 1 2 3 4; do
	{ printf 'Subject: %d\nMessage-ID: <big%d@x>\n' "$i" "$i"
	  for h in $(seq 1 11); do
		printf 'X-Filler-%d: ' "$h"; head -c 65000 /dev/zero | tr '\0' 'f'; printf '\n'
	  done
	  printf '\nbody %d\n' "$i"; } > "$OLD/cur/$((2000 + i)).A.h:2,S"
done
is_root && chown -R "$TEST_USER" "$OLD"
run -o "$TMP/trace" -e trace=fsync,linkat --
is "$(pattern "$TMP/trace")" SSLLSSLL "big headers: a window closes at 1 MiB held"

# 8-10: the third message repeats the first one's Message-ID while the
# first still waits.  The first is over quota: it fails, so the third is
# not a duplicate of it and is filed.
sources 0
{ printf 'Subject: big\nMessage-ID: <same@x>\n\n'; head -c 20000 /dev/zero | tr '\0' 'b'; printf '\n'; } > "$OLD/cur/3001.A.h:2,S"
printf 'Subject: other\nMessage-ID: <other@x>\n\nother\n' > "$OLD/cur/3002.A.h:2,S"
printf 'Subject: small\nMessage-ID: <same@x>\n\nsmall\n' > "$OLD/cur/3003.A.h:2,S"
is_root && chown -R "$TEST_USER" "$OLD"
# maildirsize made beforehand (its own file in tmp/ is fsynced too)
printf 'Subject: 0\n\nwarm-up\n' | "$DELIVER" -c "$DCONF" "${WHO[@]}" -o quota=5000S -M "$MD" -a u@x
rm -f "$MD"/new/*
run -o "$TMP/trace" -e trace=fsync,linkat -- -o quota=5000S
# the flush at the repeat: the first two synced and the other one linked
# before the third is synced
is "$(pattern "$TMP/trace")" SSLSL "a repeated Message-ID: the waiting window is filed first"
is "$(grep -c '' "$TMP/err"):$(head -1 "$TMP/err")" \
	"4:redelivery: messages 3, delivered 2, discarded 0, duplicates 0, failed 1" \
	"the first over quota, the repeat filed"
is "$(cat "$MD"/new/* | grep -c -x -e other -e small)" 2 "the two small ones in new/"

# 11: a repeat of a message that was filed stays a duplicate
sources 3
cp "$OLD/cur/1001.A.h:2,S" "$OLD/cur/1004.A.h:2,S"
run -o /dev/null -e trace=none --
is "$(head -1 "$TMP/err")" \
	"redelivery: messages 4, delivered 3, discarded 0, duplicates 1, failed 0" \
	"a repeat of a filed message is a duplicate"

# 12-14: killed at each fsync and at each link of a 3-message run: every
# source is still there (no --move), new/ holds only whole copies, tmp/
# only the waiting files
whole() {
	local f
	for f in "$MD"/new/*; do
		[ -e "$f" ] || continue
		cmp -s "$f" "$OLD/cur/$(( 1000 + $(sed -n 's/^Subject: //p' "$f") )).A.h:2,S" || return 1
	done
}
for call in fsync linkat; do
	bad=0
	for k in 1 2 3; do
		sources 3
		{ run -o /dev/null -e trace=$call -e inject=$call:signal=SIGKILL:when=$k --; } 2>/dev/null
		[ "$(count_files "$OLD/cur")" = 3 ] && whole || { bad=$k; break; }
	done
	is "$bad" 0 "killed at each $call: sources intact, nothing partial in new/"
done
sources 3
{ run -o /dev/null -e trace=linkat -e inject=linkat:signal=SIGKILL:when=2 --; } 2>/dev/null
is "$(count_files "$MD/new"):$(count_files "$MD/tmp")" 1:2 \
	"killed at the second link: one filed, two left in tmp/ (cleaned after 36 hours)"
finish
