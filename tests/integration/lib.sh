# lib.sh: shared helpers for the integration tests (TAP output, run by prove).
#
# Each test script sources this, calls `plan N`, then uses ok/is/...; the
# script's exit status is 0 only when every test passed.  $DELIVER is the
# binary under test, $SRCDIR the repository root.
set -u
: "${DELIVER:?DELIVER must name the deliver binary}"
: "${SRCDIR:?SRCDIR must name the repository root}"

T_NUM=0
T_FAILED=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/deliver-test.XXXXXX")
chmod 755 "$TMP"
trap 'rm -rf "$TMP"' EXIT
# an empty config: tests never depend on the machine's /etc/deliver.conf
: > "$TMP/empty.conf"
DCONF="$TMP/empty.conf"

plan() { echo "1..$1"; }

_result() { # _result STATUS DESCRIPTION
	T_NUM=$((T_NUM + 1))
	if [ "$1" = 0 ]; then
		echo "ok $T_NUM - $2"
	else
		echo "not ok $T_NUM - $2"
		T_FAILED=$((T_FAILED + 1))
	fi
}

# ok DESCRIPTION COMMAND...: passes when COMMAND succeeds
ok() { local d=$1; shift; "$@" >/dev/null 2>&1; _result $? "$d"; }

# is GOT EXPECTED DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then
		_result 0 "$3"
	else
		_result 1 "$3"
		printf '#   got:      %s\n#   expected: %s\n' "$1" "$2" | head -c 4000
	fi
}

# like GOT REGEX DESCRIPTION (extended regex)
like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		_result 0 "$3"
	else
		_result 1 "$3"
		printf '#   got:   %s\n#   match: %s\n' "$1" "$2" | head -c 4000
	fi
}

skip() { T_NUM=$((T_NUM + 1)); echo "ok $T_NUM # skip $1"; }

finish() { [ "$T_FAILED" = 0 ]; exit $?; }

is_root() { [ "$(id -u)" = 0 ]; }

# The unprivileged user tests deliver as when they run as root (root
# ignores file modes, so permission tests need someone else).
TEST_USER=deliver-test
ensure_test_user() {
	is_root || return 1
	id "$TEST_USER" >/dev/null 2>&1 ||
		useradd -M -N -d /nonexistent -s /usr/sbin/nologin "$TEST_USER"
}

# dlv ARGS...: run deliver for the test user (as root: -d), with an empty
# config; exit status in $RC, stderr in $ERR.
dlv() {
	local who=()
	if is_root; then ensure_test_user; who=(-d "$TEST_USER"); fi
	"$DELIVER" -c "$DCONF" "${who[@]}" "$@" 2>"$TMP/stderr"
	RC=$?
	ERR=$(cat "$TMP/stderr")
}

# wait_stopped PID: 0 once the process has stopped itself (a test hook's
# SIGSTOP), 1 if it has not within 20 seconds.
wait_stopped() {
	local i
	for i in $(seq 1 400); do
		[ "$(ps -o stat= -p "$1" | cut -c1)" = T ] && return 0
		sleep 0.05
	done
	return 1
}

# A directory the test user may write into.
user_dir() {
	mkdir -p "$1"
	if is_root; then ensure_test_user; chown "$TEST_USER" "$1"; fi
}

# The only file in a directory (fails when there is not exactly one).
only_file() {
	local files=("$1"/*)
	[ ${#files[@]} = 1 ] && [ -f "${files[0]}" ] && echo "${files[0]}"
}

count_files() { find "$1" -type f | wc -l | tr -d ' '; }

sha() { sha256sum "$1" | cut -d' ' -f1; }
