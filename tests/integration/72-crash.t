#!/bin/bash
# Crash consistency: deliver is killed (SIGKILL, strace -e inject) at every
# system call it makes itself, one run per call.  After each kill:
#   - whatever is visible in new/ or cur/ is the whole message;
#   - the MTA's retry (the same message again) exits 0;
#   - after the retry each target folder holds exactly one copy (the
#     store's claim lets the retry finish the dead delivery instead of
#     filing again);
#   - maildirsize (quota on) equals a recalculation after the retry;
#   - deliver.db passes SQLite's integrity check.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/quota.sh"

if ! command -v strace >/dev/null || ! strace -qq -o /dev/null true 2>/dev/null; then
	plan 1; skip "strace cannot trace here (no ptrace)"; finish
fi
user_dir "$TMP/u"
MD="$TMP/u/M"
printf 'Subject: crash\nMessage-ID: <crash@x>\nTo: r@x\n\nbody\n' > "$TMP/msg"
printf 'Return-Path: <a@b>\nDelivered-To: r@x\nSubject: crash\nMessage-ID: <crash@x>\nTo: r@x\n\nbody\n' > "$TMP/expected"
WHO=(); is_root && { ensure_test_user; WHO=(-d "$TEST_USER"); }

# What the delivery does: Sieve filing into two folders (created on the
# first run), quota and the store on.
printf 'require "fileinto";\nfileinto "Archive";\nfileinto "Lists/crash";\n' > "$TMP/two.sieve"
chmod 644 "$TMP/two.sieve"
ARGS=(-f a@b -a r@x -s "$TMP/two.sieve" -o quota=10M -o quota_warn=0)
TARGETS=".Archive .Lists.crash"

deliver_once() { "$DELIVER" -c "$DCONF" "${WHO[@]}" -M "$MD" "${ARGS[@]}" "$@" < "$TMP/msg"; }

# Reference run: the system calls that are deliver's own (from the first
# touch of the Maildir on).
rm -rf "$MD"
strace -f -qq -o "$TMP/trace" "$DELIVER" -c "$DCONF" "${WHO[@]}" -M "$MD" "${ARGS[@]}" < "$TMP/msg" 2>/dev/null
first=$(grep -n -E "(mkdirat|openat)\([^,]*, \"$MD" "$TMP/trace" | head -1 | cut -d: -f1)
tail -n +"$first" "$TMP/trace" | sed -E 's/^[0-9]+ +//; s/\(.*//' | grep -E '^[a-z_0-9]+$' | sort | uniq -c > "$TMP/ours"
before() { head -n $((first - 1)) "$TMP/trace" | sed -E 's/^[0-9]+ +//' | grep -c "^$1("; }

points=0; bad=0; doubled=0; kept=0; drift=0
whole_or_nothing() {
	local f
	for f in $(find "$MD" \( -path '*/new/*' -o -path '*/cur/*' \) -type f 2>/dev/null); do
		cmp -s "$f" "$TMP/expected" || { echo "# partial or wrong file $f"; return 1; }
	done
}
copies_in() { find "$MD/$1/new" "$MD/$1/cur" -type f 2>/dev/null | grep -c .; }

while read -r count sc; do
	pre=$(before "$sc")
	for n in $(seq $((pre + 1)) $((pre + count))); do
		rm -rf "$MD"
		points=$((points + 1))
		strace -f -qq -o /dev/null -e trace="$sc" -e inject="$sc:signal=KILL:when=$n" \
			"$DELIVER" -c "$DCONF" "${WHO[@]}" -M "$MD" "${ARGS[@]}" < "$TMP/msg" >/dev/null 2>&1
		label="killed at $sc #$n"
		whole_or_nothing || { bad=$((bad + 1)); echo "# $label: not whole"; continue; }
		deliver_once >/dev/null 2>"$TMP/err"; rc=$?
		[ "$rc" = 0 ] || { bad=$((bad + 1)); echo "# $label: retry exit $rc: $(head -c 200 "$TMP/err")"; continue; }
		whole_or_nothing || { bad=$((bad + 1)); echo "# $label: retry left a partial file"; continue; }
		# a kill inside the Sieve child makes the parent fall back to the
		# implicit keep: then INBOX holds the one copy, the folders none
		if [ "$(copies_in .)" = 1 ] && [ "$(find "$MD" \( -path '*/new/*' -o -path '*/cur/*' \) -type f | grep -c .)" = 1 ]; then
			kept=$((kept + 1)); continue
		fi
		for t in $TARGETS; do
			c=$(copies_in "$t")
			if [ "$c" = 0 ] || [ "$c" -gt 2 ]; then
				bad=$((bad + 1)); echo "# $label: $c copies in $t"
			elif [ "$c" = 2 ]; then
				doubled=$((doubled + 1))
				bad=$((bad + 1)); echo "# $label: 2 copies in $t"
			fi
		done
		if [ "$(mds_sum "$MD")" != "$(fresh_sum "$MD")" ]; then
			drift=$((drift + 1)); echo "# $label: maildirsize $(mds_sum "$MD"), fresh count $(fresh_sum "$MD")"
		fi
		if [ -f "$MD/deliver.db" ] && command -v sqlite3 >/dev/null; then
			ic=$(sqlite3 "$MD/deliver.db" 'pragma integrity_check' 2>&1)
			[ "$ic" = ok ] || { bad=$((bad + 1)); echo "# $label: deliver.db: $ic"; }
		fi
	done
done < "$TMP/ours" 2>/dev/null  # bash's "Killed" notices

plan 4
ok "every crash point tried ($points points over $(wc -l < "$TMP/ours") system calls; $kept fell back to INBOX)" test "$points" -ge 30
is "$bad" 0 "after every crash: whole or nothing, retry succeeds, one copy per folder"
is "$doubled" 0 "no folder ever holds two copies (the store's claim resumes)"
is "$drift" 0 "after every retry maildirsize sums to a fresh count of the Maildir"
finish
