#!/bin/sh
# reachable.sh: run a test command with $DELIVER set to a deliver that
# every user can execute.
#
#   sh tests/reachable.sh BUILD/deliver COMMAND...
#
# The tests run as root switch to unprivileged users (deliver-test, nobody,
# the MTA tests' mail users) and run deliver as them.  A checkout in
# /root (mode 0700 on Debian) or under any directory others cannot
# traverse leaves them "Permission denied" (exit 126).  Then the binary is
# copied into a fresh directory under /tmp that they can reach, and removed
# afterwards.  The checkout's permissions are not changed: they are the
# admin's choice, and a test suite has no business opening /root.
# deliver is one self-contained file (the static build needs nothing
# beside it; a dynamic one only system libraries), so a copy tests the same
# program.
set -u
bin=$1
shift
stage=""
probe_user=nobody
if [ "$(id -u)" = 0 ] &&
    ! setpriv --reuid="$probe_user" --regid=nogroup --clear-groups \
        test -x "$bin" 2>/dev/null; then
	stage=$(mktemp -d /tmp/deliver-check.XXXXXX) || exit 1
	trap 'rm -rf "$stage"' EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	chmod 755 "$stage"
	cp "$bin" "$stage/deliver" || exit 1
	# tests that find other build products beside deliver (the
	# Pigeonhole runner, 88-pigeonhole-runner.t) find them in the copy too
	if [ -x "${bin%/*}/tests/pigeonhole-run" ]; then
		mkdir "$stage/tests" &&
		    cp "${bin%/*}/tests/pigeonhole-run" "$stage/tests/" || exit 1
	fi
	echo "# $bin is out of other users' reach (its directories' modes):" \
	    "testing a copy, $stage/deliver"
	bin=$stage/deliver
fi
DELIVER=$bin "$@"
exit $?
