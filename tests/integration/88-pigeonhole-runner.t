#!/bin/bash
# 88-pigeonhole-runner: the runner of Pigeonhole's testsuite
# (build/tests/pigeonhole-run, make check-pigeonhole) on a small made-up
# tree: which files count, how blocks are counted and named, the
# not-applicable list, the expected-pass list (a block of it that fails is
# a regression: exit 1), the last line.  Every file here requires an
# extension no engine has, so no block can pass whatever the interpreter.
. "$SRCDIR/tests/integration/lib.sh"
RUN=$(dirname "$DELIVER")/tests/pigeonhole-run
if [ ! -x "$RUN" ]; then
	echo "1..0 # skip $RUN is not built (make $RUN)"
	exit 0
fi
plan 10

T="$TMP/tests"
mkdir -p "$T/a" "$T/plugins" "$T/extensions/metadata"
cat > "$T/top.svtest" <<'S'
require "vnd.dovecot.testsuite";
require "x-no-such-extension";
test"" { }
/* test "commented out" { } */
test "Same" { test_set "message" "test \"not a block\" { }"; }
test "Same" { if true { test_fail "x"; } }
S
printf 'require "x-no-such-extension";\ntest "One: colon" { }\n' > "$T/a/x.svtest"
printf 'test "out of scope" { }\n' > "$T/plugins/p.svtest"
printf 'test "out of scope" { }\n' > "$T/extensions/metadata/m.svtest"
printf 'test "not a test file" { }\n' > "$T/a/x.sieve"

printf '# comment\na/x.svtest: One: colon: checks an exact error text\n' > "$TMP/na"
printf 'top.svtest: Same [2]\n' > "$TMP/exp"

"$RUN" -n "$TMP/na" -w "$TMP/new" "$T" > "$TMP/out" 2>&1
is "$?" 0 "no expected list: exit 0"
is "$(tail -n 1 "$TMP/out")" "pigeonhole: 0 of 4 test blocks pass" \
	"last line: every in-scope block counted, none passing"
like "$(cat "$TMP/out")" "not applicable: 1 blocks" "the not-applicable block reported apart"
like "$(grep -E '^a ' "$TMP/out")" "^a +0 +1 +1$" "per-directory row: 0 pass, 1 block, 1 n/a"
like "$(grep -E '^\. ' "$TMP/out")" "^\. +0 +3 +0$" "top level: test\"\", and a repeated name, not the comment or the string"
is "$(wc -c < "$TMP/new")" 0 "-w: nothing passed, nothing written"

"$RUN" -v -n "$TMP/na" -e "$TMP/exp" "$T" > "$TMP/out" 2>&1
is "$?" 1 "an expected block that fails: exit 1"
like "$(cat "$TMP/out")" "REGRESSION top.svtest: Same \[2\]: " "the regression named, duplicate name made unique"
like "$(cat "$TMP/out")" "FAIL top.svtest: : " "-v names the failing blocks"

printf 'top.svtest: Gone\n' > "$TMP/exp"
"$RUN" -n "$TMP/na" -e "$TMP/exp" "$T" > "$TMP/out" 2>&1
is "$?" 1 "an expected block that no longer exists: exit 1"
finish
