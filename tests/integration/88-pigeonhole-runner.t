#!/bin/bash
# 88-pigeonhole-runner: the runner of Pigeonhole's testsuite
# (build/tests/pigeonhole-run, make check-pigeonhole) on a small made-up
# tree: which files count, how blocks are counted and named, the
# not-applicable list, the expected-pass list (a block of it that fails is
# a regression: exit 1), the last line; then, on the native interpreter,
# the test language itself: blocks that pass and fail, test_fail ending
# only its block, stop, a result carried out into folders and mail (a
# missing folder, autocreate being off as in Pigeonhole: INBOX, and the
# execution fails with Pigeonhole's error), and tests/failures/ where a
# block must fail; last, -x (Pigeonhole's examples/ elsewhere: only a
# script named as in that sibling of tests/ is looked up there) and -n
# given twice, a not-applicable block of the expected list being no
# regression; and get-examples.sh where no network is needed: a mirror
# that cannot be reached, a tarball with another checksum, the cache.
. "$SRCDIR/tests/integration/lib.sh"
RUN=$(dirname "$DELIVER")/tests/pigeonhole-run
if [ ! -x "$RUN" ]; then
	echo "1..0 # skip $RUN is not built (make $RUN)"
	exit 0
fi
plan 36

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

# the test language on the interpreter
U="$TMP/lang"
mkdir -p "$U/failures"
cat > "$U/r.svtest" <<'S'
require "vnd.dovecot.testsuite";
require "fileinto";
require "relational";
require "comparator-i;ascii-numeric";
test_set "message" text:
From: a@example.org
To: b@example.org
Subject: hello

body
.
;
test "redirect" {
	redirect "c@example.org";
	if not test_result_execute { test_fail "exec"; }
	test_message :smtp 0;
	if not header :is "subject" "hello" { test_fail "subject"; }
	if not exists "x-loop" { test_fail "no x-loop"; }
}
test "fileinto" {
	test_result_reset;
	test_mailbox_create "Lists.X";
	fileinto "Lists.X";
	if not test_result_execute { test_fail "exec"; }
	if test_message :folder "INBOX" 0 { test_fail "kept as well"; }
	test_message :folder "Lists.X" 0;
	if not header :is "subject" "hello" { test_fail "subject"; }
	test_result_reset;
	fileinto "Missing";
	if test_result_execute { test_fail "missing folder: no failure"; }
	if not test_error :count "eq" :comparator "i;ascii-numeric" "1" { test_fail "count"; }
	if not test_error :index 1 :is "failed to store into mailbox 'Missing': Mailbox doesn't exist" { test_fail "error text"; }
	if not test_message :folder "INBOX" 0 { test_fail "not filed into INBOX"; }
}
test "fails" { if true { test_fail "on purpose"; } test_fail "went on"; }
test "after" { if not header :is "subject" "hello" { test_fail "subject after"; } }
test "stop" { stop; test_fail "after stop"; }
test "never" { }
S
printf 'require "vnd.dovecot.testsuite";\ntest "f" { test_fail "x"; }\ntest "p" { }\n' > "$U/failures/f.svtest"
"$RUN" -v -w "$TMP/new" "$U" > "$TMP/out" 2>&1
is "$(tail -n 1 "$TMP/out")" "pigeonhole: 5 of 8 test blocks pass" "4 of 6 blocks pass, 1 of 2 in failures/"
like "$(cat "$TMP/out")" "FAIL r.svtest: fails: test_fail: on purpose" "test_fail ends its block, with its reason"
like "$(cat "$TMP/out")" "FAIL r.svtest: never: not reached" "a block after stop is not reached"
like "$(cat "$TMP/out")" "FAIL failures/f.svtest: p: " "in failures/ a block that passes fails"
is "$(grep -c '^FAIL' "$TMP/out")" 3 "no other block failed (redirect to the outbox, fileinto a folder, stop)"
is "$(sort "$TMP/new" | uniq | wc -l)/$(wc -l < "$TMP/new")" "5/5" \
	"-w: each passing block once, though the mailer forked"
printf 'require "vnd.dovecot.testsuite";\nrequire "x-none";\ntest "a" { }\n' > "$U/failures/g.svtest"
"$RUN" -v "$U" > "$TMP/out" 2>&1
like "$(cat "$TMP/out")" "FAIL failures/g.svtest: a: does not compile: " "in failures/ a file that does not compile passes nothing"
is "$(tail -n 1 "$TMP/out")" "pigeonhole: 5 of 9 test blocks pass" "counted in M all the same"
# -x: "../../examples/NAME" from tests/execute/ is DIR/NAME; nothing else
P="$TMP/ph"
mkdir -p "$P/tests/execute" "$TMP/ex/sub"
printf 'keep;\n' > "$TMP/ex/a.sieve"
cp "$TMP/ex/a.sieve" "$TMP/ex/sub/a.sieve"
cat > "$P/tests/execute/ex.svtest" <<'S'
require "vnd.dovecot.testsuite";
test "examples" { if not test_script_compile "../../examples/a.sieve" { test_fail "not compiled"; } if not test_script_run { test_fail "not run"; } }
test "other sibling" { if test_script_compile "../../other/a.sieve" { test_fail "compiled"; } }
test "inside tests" { if test_script_compile "../examples/a.sieve" { test_fail "compiled"; } }
test "nested name" { if test_script_compile "../../examples/sub/a.sieve" { test_fail "compiled"; } }
test "climbing further" { if test_script_compile "../../../examples/a.sieve" { test_fail "compiled"; } }
S
"$RUN" -v "$P/tests" > "$TMP/out" 2>&1
like "$(cat "$TMP/out")" "FAIL execute/ex.svtest: examples: test_fail: not compiled" "no -x: the examples are looked for beside tests/"
"$RUN" -v -x "$TMP/ex" "$P/tests" > "$TMP/out" 2>&1
is "$(tail -n 1 "$TMP/out")" "pigeonhole: 5 of 5 test blocks pass" \
	"-x: the examples script found there, no other name mapped"
"$RUN" -v -x "$TMP/ex" "$P/tests/execute" > "$TMP/out" 2>&1
is "$(tail -n 1 "$TMP/out")" "pigeonhole: 5 of 5 test blocks pass" "-x when running one directory of tests/"
mv "$P/tests" "$P/suite"
"$RUN" -v -x "$TMP/ex" "$P/suite" > "$TMP/out" 2>&1
is "$(tail -n 1 "$TMP/out")" "pigeonhole: 5 of 5 test blocks pass" "-x with a tests directory of another name"

# -n twice; a block of the expected list not applicable in this run
printf 'execute/ex.svtest: nothing: x\n' > "$TMP/na1"
printf 'execute/ex.svtest: examples: no examples here\n' > "$TMP/na2"
printf 'execute/ex.svtest: examples\nexecute/ex.svtest: nested name\n' > "$TMP/exp"
"$RUN" -v -n "$TMP/na1" -n "$TMP/na2" -e "$TMP/exp" -w "$TMP/new" "$P/suite" > "$TMP/out" 2>&1
is "$?" 0 "an expected block that is not applicable in this run: no regression"
like "$(cat "$TMP/out")" "N/A  execute/ex.svtest: examples: no examples here" "the second list's reason"
like "$(cat "$TMP/out")" "not applicable: 1 blocks \\($TMP/na1, $TMP/na2\\)" "both lists named"
like "$(cat "$TMP/out")" "stale line in $TMP/na1: execute/ex.svtest: nothing: x" "a stale line named with its list"
is "$(cat "$TMP/new")" "$(printf 'execute/ex.svtest: examples\nexecute/ex.svtest: other sibling\nexecute/ex.svtest: inside tests\nexecute/ex.svtest: nested name\nexecute/ex.svtest: climbing further')" \
	"-w: the passes and, in its place, the expected block not applicable here"
"$RUN" -n "$TMP/na1" -n "$TMP/na2" -n "$TMP/na1" -n "$TMP/na2" -n "$TMP/na1" "$P/suite" > "$TMP/out" 2>&1
is "$?" 2 "at most four -n"
# get-examples.sh without the network
G="$SRCDIR/tests/pigeonhole/get-examples.sh"
TB=dovecot_2.3.19.1+dfsg1.orig-pigeonhole.tar.gz
mkdir -p "$TMP/gb"
out=$(PIGEONHOLE_EXAMPLES_MIRROR=http://127.0.0.1:9/ sh "$G" "$TMP/gb" 2>"$TMP/err")
is "$?" 1 "get-examples: unreachable mirror: exit 1"
like "$out" "^download failed: http://127\\.0\\.0\\.1:9/pool/main/d/dovecot/$(printf '%s' "$TB" | sed 's/[.+]/\\&/g'): ." \
	"saying why ..."
is "$(printf '%s\n' "$out" | wc -l)" 1 "... in one line"
is "$(ls -A "$TMP/gb")$(cat "$TMP/err")" "" "nothing left behind, nothing else said"
printf 'not the tarball' > "$TMP/gb/$TB"
out=$(sh "$G" "$TMP/gb" 2>/dev/null)
is "$?/$out" "1/$TB refused: SHA-256 $(printf 'not the tarball' | sha256sum | cut -d' ' -f1), not 9bc08c0eeefd75452033e022936968ff0ddad037672effdffc4a7c8dd360b8e0" \
	"a tarball with another checksum refused, saying so"
is "$(ls -A "$TMP/gb")" "" "... and removed, to be downloaded again"
mkdir "$TMP/gb/pigeonhole-examples"
echo 9bc08c0eeefd75452033e022936968ff0ddad037672effdffc4a7c8dd360b8e0 > "$TMP/gb/pigeonhole-examples/.sha256"
PIGEONHOLE_EXAMPLES_MIRROR=http://127.0.0.1:9/ sh "$G" "$TMP/gb" > "$TMP/out" 2>&1
is "$?/$(cat "$TMP/out")" "0/" "unpacked before: no download, nothing said"
sh "$G" > "$TMP/out" 2>&1
is "$?" 2 "get-examples: no BUILD_DIR: usage, exit 2"
finish
