#!/bin/bash
# The benchmark must not rot: its quickest mode, 3 deliveries per
# configuration, has to print a ratio line for the baseline, the baseline
# with an isolated child, deliver plain, and the Sieve rows that compare
# the engines (native with variables, libsieve in its child).  Figures are not checked: this is a benchmark, not a test of speed.
set -u
: "${DELIVER:?}" "${SRCDIR:?}"
echo "1..8"
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-smoke.XXXXXX")
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"  # the benchmark runs its agents as nobody when root
fails=0
check() { if [ "$1" = 0 ]; then echo "ok $2 - $3"; else echo "not ok $2 - $3"; fails=$((fails + 1)); fi; }
F="-O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wvla -Wshadow -Wstrict-prototypes -Wmissing-prototypes"
cc $F -o "$T/driver" "$SRCDIR/tests/bench/driver.c" && cc $F -o "$T/baseline" "$SRCDIR/tests/bench/baseline.c"
check $? 1 "driver and baseline build"
BENCH_ONLY=core BENCH_QUICK=1 BENCH_N=3 BENCH_ROUNDS=1 TMPDIR=$T \
    timeout 60 bash "$SRCDIR/tests/bench/run.sh" "$T" "$DELIVER" "$T/RESULTS.md" > "$T/out" 2> "$T/err"
check $? 2 "tests/bench/run.sh exits 0"
grep -Eq '^\| baseline \| [0-9]+\.[0-9]+ \| 1\.00x \| [0-9]+\.[0-9]+ \| 1\.00x \|$' "$T/out"
check $? 3 "a ratio line for the baseline"
grep -Eq '^\| deliver plain \| [0-9]+\.[0-9]+ \| [0-9]+\.[0-9]+x \| [0-9]+\.[0-9]+ \| [0-9]+\.[0-9]+x \|$' "$T/out"
check $? 4 "a ratio line for deliver plain"
grep -Eq '^\| baseline \+ one isolated child \| [0-9]+\.[0-9]+ \| [0-9]+\.[0-9]+x \| [0-9]+\.[0-9]+ \| [0-9]+\.[0-9]+x \|$' "$T/out"
check $? 5 "a ratio line for the baseline with an isolated child (baseline -f)"
R='\| [0-9]+\.[0-9]+ \| [0-9]+\.[0-9]+x \| [0-9]+\.[0-9]+ \| [0-9]+\.[0-9]+x \|$'
grep -Eq "^\| deliver \+ Sieve 20 rules with variables $R" "$T/out"
check $? 6 "a ratio line for the native engine with a variables script"
grep -Eq "^\| deliver \+ Sieve \+ quota \+ deliver\.db \(libsieve engine\) $R" "$T/out"
check $? 7 "a ratio line for the libsieve engine with quota and deliver.db"
grep -Eq "^\| deliver \+ Sieve \(body, variables\) \+ quota \+ deliver\.db $R" "$T/out"
check $? 8 "a ratio line for a body and variables script with quota and deliver.db"
[ $fails = 0 ] || { echo "# output:"; sed 's/^/# /' "$T/out" "$T/err"; }
exit $((fails > 0))
