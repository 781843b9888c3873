#!/bin/bash
# deliver's Sieve outcomes against Pigeonhole 0.5.19's sieve-test, every
# script x message pair of tests/sieve-diff (see its README.md); a
# difference not listed in tests/sieve-diff/known-differences.md fails.
: "${DELIVER:?DELIVER must name the deliver binary}"
: "${SRCDIR:?SRCDIR must name the repository root}"
exec "$SRCDIR/tests/sieve-diff/run.sh"
