#!/bin/sh
# Install the Debian packages that building and testing deliver need, but
# only those that are missing: with everything present this does nothing.
set -eu
PACKAGES="gcc make pkg-config perl libsieve2-dev libcmocka-dev libpcre2-dev
libbsd-dev libsqlite3-dev sqlite3 mandoc strace"
# 52-store-resume.t watches for a delivery that stopped itself with ps,
# which a minimal Debian (debootstrap's minbase, a container) lacks
PACKAGES="$PACKAGES procps"
# nfs: 59-store-netfs.t mounts a FUSE filesystem with bindfs to check the
# network-filesystem detection (the NFS part needs a kernel with nfs)
PACKAGES="$PACKAGES bindfs"
# folders: tests/integration/21-folders-dovecot.t reads our folders with doveadm
PACKAGES="$PACKAGES dovecot-core"
# quota: 43-quota-courier.t runs Courier's deliverquota and
# maildirmake against deliver's maildirsize; 44-quota-dovecot.t needs
# dovecot-core (above) for its quota plugin and doveadm quota
PACKAGES="$PACKAGES maildrop"
# fuzzing: make check runs each tests/fuzz target briefly with
# clang's libFuzzer, which is in libclang-rt-14-dev (only recommended by
# clang-14, and this script installs no recommends)
PACKAGES="$PACKAGES clang libclang-rt-14-dev"
# Sieve differential test: tests/sieve-diff/run.sh compares deliver with
# Pigeonhole's sieve-test, which is in dovecot-sieve (dovecot-core above)
PACKAGES="$PACKAGES dovecot-sieve"
# store: the PostgreSQL backend compiles against libpq-fe.h (libpq-dev;
# libpq itself is loaded at run time), and 62-store-pg.t starts a real
# PostgreSQL 15 server (initdb, pg_ctl) of its own
PACKAGES="$PACKAGES libpq-dev postgresql"
# procmail comparison: tests/procmail/oracle.sh (97-procmail-oracle.t) runs
# real .procmailrc files with procmail (and formail, in the same package)
PACKAGES="$PACKAGES procmail"
# Pigeonhole's examples/: tests/pigeonhole/get-examples.sh (make
# check-pigeonhole) downloads them from the Debian mirror with curl or
# wget, and a minimal Debian has neither
command -v wget >/dev/null || PACKAGES="$PACKAGES curl"
# MTA tests: swaks, postfix and an unpacked exim4-daemon-light
# are set up by tests/mta/setup.sh, which `make check-mta` (part of make
# check) runs: postfix needs a debconf answer and must never replace an
# installed MTA (apt-get --no-remove), and exim4 conflicts with postfix.
missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing (run 'make deps' as root)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends $missing >/dev/null
