#!/bin/bash
# 20 writers delivering at once into a Maildir near its quota: usage ends
# at most one message per writer above the limit, and maildirsize agrees
# with a fresh count (the recalculations' race check did its job).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/quota.sh"
plan 6

printf 'Subject: s\n\nb\n' > "$TMP/msg"   # 51 bytes as delivered below
user_dir "$TMP/u"
MD=$TMP/u/Maildir
LIMIT=$((30 * 51))
Q=(-o quota=${LIMIT}S -o quota_warn=0)
# prefill: one delivery, 26 copies of it, a recalculation
dlv -M "$MD" -f s@x -a r@x "${Q[@]}" < "$TMP/msg"
first=$(only_file "$MD/new")
for i in $(seq 1 26); do cp -p "$first" "$MD/new/$i.prefill,S=51"; done
dq -M "$MD" --quota --recalc
is "$(mds_sum "$MD")" "$((27 * 51)) 27" "prefilled: 27 of 30 messages"

# 20 writers, 2 deliveries each: 40 attempts where 3 fit
WHO=()
is_root && WHO=(-d "$TEST_USER")
pids=()
for w in $(seq 1 20); do
	(
		for k in 1 2; do
			"$DELIVER" -c "$DCONF" "${WHO[@]}" -M "$MD" -f s@x -a r@x \
			    "${Q[@]}" < "$TMP/msg" 2>"$TMP/err.$w"
			echo "$? $(cat "$TMP/err.$w")" >> "$TMP/rc.$w"
		done
	) &
	pids+=($!)
done
wait "${pids[@]}"
cat "$TMP"/rc.* > "$TMP/rcs"
is "$(sort -u "$TMP/rcs" | tr '\n' '|')" "0 |75 deliver: Quota exceeded|" \
    "every attempt delivered (0) or waits (75, Quota exceeded)"
delivered=$(grep -c '^0 ' "$TMP/rcs")
is "$(count_files "$MD/new")" "$((27 + delivered))" "exit 0 means filed, exit 75 means not ($delivered delivered)"
read -r bytes count < <(fresh_sum "$MD")
ok "usage $bytes reached the limit $LIMIT" test "$bytes" -ge $((LIMIT - 50))
ok "usage $bytes at most one message per writer above $LIMIT" test "$bytes" -le $((LIMIT + 20 * 51))
is "$(mds_sum "$MD")" "$bytes $count" "maildirsize equals a fresh count"
finish
