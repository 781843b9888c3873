#!/bin/bash
# fresh-root.sh: README's two commands on a Debian 12 that has never seen
# deliver.  Builds a minimal root with mmdebstrap (what a new admin's
# server has: make, ca-certificates and git on top of minbase), clones the
# committed HEAD of this checkout into /root/deliver inside it, and runs
# `make demo` and then, unless told otherwise, `make check` there, as root,
# in a chroot with /proc, /sys and /dev mounted.  Everything it mounts is
# unmounted and everything it started inside is ended on every way out.
#
#   tests/fresh-root.sh [demo|all|both|check-part] [WORKDIR]
#   tests/fresh-root.sh deb DELIVER.DEB [WORKDIR]
#     demo        make demo only (what CI can afford besides make check)
#     all, both   make demo, then make check (the default)
#     check-part  make demo, then make check with only the integration
#                 tests named in FRESH_INTEG (default: those that run
#                 deliver as other users, which a checkout in /root
#                 broke) and no fuzzing; the build, the unit tests, the
#                 man pages and the MTA tests all run
#     deb         no clone: the package installed with apt-get, then a
#                 delivery through it as Postfix makes one
#                 (tests/deb-delivery.sh; make check-deb)
#   FRESH_KEEP=1  keep the root afterwards (default: removed)
#   FRESH_MIRROR  the Debian mirror (default: mmdebstrap's)
#
# Why a chroot and not a container: mmdebstrap and chroot are Debian
# packages and need nothing else; a chroot shares the kernel and network,
# which is what apt-get inside needs.  Output: each command's output is in
# WORKDIR/<command>.log; the last lines of a failing one are printed.
set -euo pipefail
# (in braces: bash reads all of it first, so editing the file while it
# runs cannot change what it does)
{

MODE=${1:-all}
DEB=""
case $MODE in
demo|all|both|check-part) ;;
deb)
	DEB=$(readlink -f "${2:?deb needs the .deb file}")
	[ -f "$DEB" ] || { echo "fresh-root: no $2" >&2; exit 66; }
	shift ;;
*)
	echo "usage: $0 [demo|all|check-part] [WORKDIR] | deb FILE.deb [WORKDIR]" >&2
	exit 64 ;;
esac
SRC=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "fresh-root: must run as root (mmdebstrap, chroot, mount)" >&2; exit 1; }

if ! command -v mmdebstrap >/dev/null; then
	echo "fresh-root: installing mmdebstrap"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends mmdebstrap >/dev/null
fi

WORK=${2:-$(mktemp -d /var/tmp/deliver-fresh.XXXXXX)}
mkdir -p "$WORK"
ROOT=$WORK/root
MOUNTED=()

# End what runs inside the root (daemons a test started and left behind):
# only processes whose root directory is this one, by process id.
end_inside() {
	local p r pids=()
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		[ "$r" = "$ROOT" ] && pids+=("${p#/proc/}")
	done
	[ ${#pids[@]} = 0 ] && return 0
	echo "fresh-root: ending ${#pids[@]} process(es) left inside: ${pids[*]}"
	kill -TERM "${pids[@]}" 2>/dev/null || true
	sleep 2
	kill -KILL "${pids[@]}" 2>/dev/null || true
}

cleanup() {
	local rc=$? i
	set +e
	end_inside
	for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
		umount -R "${MOUNTED[$i]}" 2>/dev/null || umount -lR "${MOUNTED[$i]}"
	done
	if [ "${FRESH_KEEP:-0}" = 1 ]; then
		echo "fresh-root: kept $ROOT"
	elif [ -d "$ROOT" ] && ! grep -q " $ROOT[/ ]" /proc/mounts; then
		rm -rf --one-file-system "$ROOT"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# seconds since the epoch, for the timings
now() { date +%s; }
step() { # step NAME COMMAND...: run, log, time; fail with the log's tail
	local name=$1 t0 rc; shift
	t0=$(now)
	echo "fresh-root: $name ..."
	set +e
	"$@" > "$WORK/$name.log" 2>&1
	rc=$?
	set -e
	echo "fresh-root: $name: exit $rc, $(( $(now) - t0 )) s (log: $WORK/$name.log)"
	if [ "$rc" != 0 ]; then
		tail -40 "$WORK/$name.log" | sed 's/^/  | /'
		exit "$rc"
	fi
}

# the committed HEAD, as the admin's clone would have it: uncommitted
# changes are not part of what is tested
rev=$(git -C "$SRC" rev-parse HEAD)
git -C "$SRC" bundle create "$WORK/deliver.bundle" HEAD >/dev/null 2>&1

step mmdebstrap mmdebstrap --variant=minbase --include=make,ca-certificates,git \
    bookworm "$ROOT" ${FRESH_MIRROR:+"$FRESH_MIRROR"}

for fs in proc sys dev; do
	mkdir -p "$ROOT/$fs"
	case $fs in
	proc) mount -t proc proc "$ROOT/proc" ;;
	*) mount --rbind "/$fs" "$ROOT/$fs"; mount --make-rslave "$ROOT/$fs" ;;
	esac
	MOUNTED+=("$ROOT/$fs")
done
cp "$WORK/deliver.bundle" "$ROOT/tmp/deliver.bundle"

# in_root COMMAND: a login-like root shell inside: a clean environment
# (nothing of the caller's, as after `ssh root@new-server`), in /root
in_root() {
	chroot "$ROOT" /usr/bin/env -i HOME=/root USER=root LOGNAME=root \
	    SHELL=/bin/bash TERM=dumb \
	    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	    /bin/bash -c "cd /root && $1"
}

if [ "$MODE" = deb ]; then
	cp "$DEB" "$SRC/tests/deb-delivery.sh" "$ROOT/root/"
	step apt-install in_root "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ./${DEB##*/}"
	step deb-delivery in_root "sh deb-delivery.sh"
	sed 's/^/  | /' "$WORK/deb-delivery.log"
	echo "fresh-root: ${DEB##*/} installed and delivered in a fresh Debian 12 root"
	exit 0
fi

step clone in_root "git clone -q /tmp/deliver.bundle deliver && git -C deliver checkout -q $rev && git -C deliver log --oneline -1"
step make-demo in_root "cd deliver && make demo"
grep -q '^  (exit 0)' "$WORK/make-demo.log" ||
	{ echo "fresh-root: make demo delivered nothing" >&2; exit 1; }
case $MODE in
demo) ;;
check-part)
	integ=""
	for t in ${FRESH_INTEG:-12-exit-codes 35-sieve-cli 52-store-resume 75-userdb 90-bench-smoke}; do
		integ="$integ tests/integration/$t.t"
	done
	step make-check in_root "cd deliver && make check INTEG='$integ' CHECK_FUZZ=check-fuzz-skip" ;;
*)
	step make-check in_root "cd deliver && make check" ;;
esac
tail -5 "$WORK/make-check.log" 2>/dev/null | sed 's/^/  | /' || true
echo "fresh-root: $MODE passed in a fresh Debian 12 root ($rev)"
exit 0
}
