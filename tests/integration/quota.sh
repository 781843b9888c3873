# quota.sh: helpers for the quota tests (40-quota-*.t), sourced after lib.sh.

# The sum of maildirsize's lines 2..n: "BYTES COUNT".
mds_sum() {
	awk 'NR > 1 && NF { b += $1; c += $2 } END { printf "%d %d\n", b, c }' "$1/maildirsize"
}

# A fresh count, made without deliver: every file in new/ and cur/ of the
# root and of every folder but .Trash, dot files and T-flagged files left
# out, sizes from stat.  "BYTES COUNT".
fresh_sum() {
	local md=$1 b=0 c=0 f name
	for f in "$md"/new/* "$md"/cur/* "$md"/.[!.]*/new/* "$md"/.[!.]*/cur/*; do
		[ -f "$f" ] || continue
		case $f in "$md"/.Trash/*) continue ;; esac
		name=${f##*/}
		case $name in .*) continue ;; *:2,*T*) continue ;; esac
		b=$((b + $(stat -c %s "$f"))); c=$((c + 1))
	done
	echo "$b $c"
}

# run COMMAND... as the test user (root) or as ourselves
as_user() {
	if is_root; then
		ensure_test_user
		setpriv --reuid="$TEST_USER" --regid="$(id -g "$TEST_USER")" --clear-groups "$@"
	else
		"$@"
	fi
}

# deliver --quota for the test user: output in $OUT, status in $RC
dq() {
	local who=()
	if is_root; then ensure_test_user; who=(-d "$TEST_USER"); fi
	OUT=$("$DELIVER" -c "$DCONF" "${who[@]}" "$@" 2>"$TMP/stderr")
	RC=$?
	ERR=$(cat "$TMP/stderr")
}
