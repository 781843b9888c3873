#!/bin/sh
# get-examples.sh: Pigeonhole 0.5.19's examples/ directory (the Sieve
# scripts execute/examples.svtest compiles), taken at test time from the
# release tarball that Debian's dovecot source package carries, as apt
# would take a package: from the Debian mirror this machine's apt uses.
#
#   sh tests/pigeonhole/get-examples.sh BUILD_DIR
#
# Downloads the tarball once into BUILD_DIR (kept there: a later run
# neither downloads nor unpacks again), refuses it unless its SHA-256 is
# the one below, and unpacks only examples/ into
# BUILD_DIR/pigeonhole-examples.  Exit 0: that directory is complete.
# Exit 1: one line on stdout saying why not (no network, bad checksum, no
# curl or wget); nothing half-made is left behind.  What it fetched and
# unpacked, one line each, goes to stderr.
#
#   PIGEONHOLE_EXAMPLES_MIRROR  the Debian mirror to use (default: the main
#                               archive of /etc/apt/sources.list.d/
#                               debian.sources, else of /etc/apt/sources.list)
#
# Nothing it fetches is part of this repository: the scripts are
# Pigeonhole's (LGPL), test data only.
set -u

TARBALL=dovecot_2.3.19.1+dfsg1.orig-pigeonhole.tar.gz
SHA256=9bc08c0eeefd75452033e022936968ff0ddad037672effdffc4a7c8dd360b8e0
TOPDIR=dovecot-2.3-pigeonhole-0.5.19
POOL=pool/main/d/dovecot

fail() {
	echo "$*"
	exit 1
}

[ $# = 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
BUILD=$1
OUT=$BUILD/pigeonhole-examples
# the marker is written last, so a directory without it is not trusted
examples_complete() { [ -f "$OUT/.sha256" ] && [ "$(cat "$OUT/.sha256")" = "$SHA256" ]; }
examples_complete && exit 0

# The main archive's URI: the first of a deb822 stanza that is not the
# security archive (whose pool does not hold this tarball), else the
# first `deb` line of the one-line format (its [options] skipped).
apt_mirror() {
	f=/etc/apt/sources.list.d/debian.sources
	if [ -r "$f" ]; then
		awk 'tolower($1) == "uris:" && $2 !~ /security/ { print $2; exit }' "$f"
		return
	fi
	f=/etc/apt/sources.list
	[ -r "$f" ] && awk '$1 == "deb" {
		i = 2
		if ($i ~ /^\[/) while ($i !~ /\]$/ && i < NF) i++
		if ($i ~ /^\[/ || $i ~ /\]$/) i++
		if ($i !~ /security/) { print $i; exit }
	}' "$f"
}

# apt's proxy, when it has one and the environment none: the only way out
# may be through it
apt_proxy() {
	command -v apt-config >/dev/null || return 0
	apt-config shell p Acquire::http::Proxy 2>/dev/null | sed -n "s/^p='\(.*\)'$/\1/p"
}

download() { # download URL FILE: with curl or wget, whichever is there;
	# prints the tool's first line of complaint when it fails
	if command -v curl >/dev/null; then
		msg=$(curl -fsS --connect-timeout 20 --max-time 300 -o "$2" "$1" 2>&1)
	elif command -v wget >/dev/null; then
		msg=$(wget -nv -T 20 -t 2 -O "$2" "$1" 2>&1)
	fi
	rc=$?
	[ $rc = 0 ] || echo "$msg" | grep -v '^ *$' | tail -n 1
	return $rc
}

mkdir -p "$BUILD" || fail "cannot create $BUILD"
if [ ! -f "$BUILD/$TARBALL" ]; then
	mirror=${PIGEONHOLE_EXAMPLES_MIRROR:-$(apt_mirror)}
	[ -n "$mirror" ] || fail "no Debian mirror found in /etc/apt (PIGEONHOLE_EXAMPLES_MIRROR=URL)"
	case $mirror in
	http://* | https://*) ;;
	*) fail "mirror $mirror is not http(s) (PIGEONHOLE_EXAMPLES_MIRROR=URL)" ;;
	esac
	if [ -z "${http_proxy:-}" ] && [ -z "${PIGEONHOLE_EXAMPLES_MIRROR:-}" ]; then
		proxy=$(apt_proxy)
		[ -n "$proxy" ] && [ "$proxy" != DIRECT ] && export http_proxy="$proxy"
	fi
	command -v curl >/dev/null || command -v wget >/dev/null ||
		fail "neither curl nor wget is installed (make deps installs curl)"
	url=${mirror%/}/$POOL/$TARBALL
	# a name of its own: another run may be downloading at the same time
	part=$(mktemp "$BUILD/$TARBALL.XXXXXX") || fail "cannot create a file in $BUILD"
	why=$(download "$url" "$part") || {
		rm -f "$part"
		fail "download failed: $url: ${why:-no data}"
	}
	mv "$part" "$BUILD/$TARBALL" || fail "cannot write $BUILD/$TARBALL"
	echo "check-pigeonhole: downloaded $url" >&2
fi

sum=$(sha256sum < "$BUILD/$TARBALL" | cut -d' ' -f1)
if [ "$sum" != "$SHA256" ]; then
	# removed, so that the next run downloads it again
	rm -f "$BUILD/$TARBALL"
	fail "$TARBALL refused: SHA-256 $sum, not $SHA256"
fi

tmp=$(mktemp -d "$BUILD/pigeonhole-examples.XXXXXX") || fail "cannot create a directory in $BUILD"
if ! tar -xzf "$BUILD/$TARBALL" -C "$tmp" "$TOPDIR/examples" 2>/dev/null ||
    ! ls "$tmp/$TOPDIR/examples/"*.sieve >/dev/null 2>&1; then
	rm -rf "$tmp"
	fail "$TARBALL holds no $TOPDIR/examples/*.sieve"
fi
echo "$SHA256" > "$tmp/$TOPDIR/examples/.sha256" || fail "cannot write in $tmp"
# -T: never into a directory another run has just put there
rm -rf "$OUT"
if ! mv -T "$tmp/$TOPDIR/examples" "$OUT" 2>/dev/null && ! examples_complete; then
	rm -rf "$tmp"
	fail "cannot write $OUT"
fi
rm -rf "$tmp"
echo "check-pigeonhole: Pigeonhole's examples/ in $OUT" >&2
exit 0
