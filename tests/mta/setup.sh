#!/bin/sh
# Make the real mail servers available to tests/mta/*.t (Debian, as root):
#
#   Postfix  the `postfix` package, installed normally, but with the
#            debconf answer "No configuration", so no system instance is
#            configured or started; the tests run a private instance
#            (postfix -c DIR) on a loopback port.  Never installed in place
#            of another MTA: apt-get runs with --no-remove.
#   Exim     Debian's exim4-* and postfix packages exclude each other (both
#            provide mail-transport-agent), so exim4-daemon-light is not
#            installed: its .deb is fetched with `apt-get download` and
#            unpacked with `dpkg-deb -x` into STATE/exim4; the libraries it
#            links with are installed (they conflict with nothing), and the
#            system user Debian-exim that the binary looks up at start-up
#            is created if missing.  exim.t runs STATE/exim4/usr/sbin/exim4
#            with -C and its own configuration.
#            Also postfix-pcre (Postfix reads deliver's mailbox_map).
#   swaks    the SMTP client the tests send with.
#
# What cannot be had is written to STATE/postfix.skip or STATE/exim.skip;
# the tests then report a TAP skip with that reason.  Exit status is 0
# either way.
#
# usage: sh tests/mta/setup.sh STATE_DIR
set -u
STATE=${1:?usage: setup.sh STATE_DIR}
mkdir -p "$STATE"
rm -f "$STATE/postfix.skip" "$STATE/exim.skip"

if [ "$(id -u)" != 0 ]; then
	echo "not root: cannot install Postfix" >"$STATE/postfix.skip"
	echo "not root: cannot set up Exim" >"$STATE/exim.skip"
	exit 0
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }

UPDATED=
apt_install() { # PACKAGE...: install the missing ones; status of apt-get
	missing=
	for p in "$@"; do installed "$p" || missing="$missing $p"; done
	[ -z "$missing" ] && return 0
	if [ -z "$UPDATED" ]; then
		apt-get update -q >/dev/null 2>&1
		UPDATED=1
	fi
	echo "check-mta: installing$missing"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends --no-remove $missing >"$STATE/apt.log" 2>&1
}

# iproute2: lib.sh finds free loopback ports with ss, which a minimal
# Debian (debootstrap's minbase, a container) lacks
apt_install swaks iproute2 || {
	echo "swaks or iproute2 cannot be installed: $(tail -n 1 "$STATE/apt.log")" |
	    tee "$STATE/postfix.skip" >"$STATE/exim.skip"
	exit 0
}

# --- Postfix --------------------------------------------------------------
if ! installed postfix; then
	echo "postfix postfix/main_mailer_type select No configuration" |
	    debconf-set-selections
	apt_install postfix ||
		echo "postfix cannot be installed (another MTA installed?): $(tail -n 1 "$STATE/apt.log")" >"$STATE/postfix.skip"
fi
# pcre: tables, for contrib/postfix-virtual.md (Postfix reads deliver's map)
installed postfix && ! installed postfix-pcre && apt_install postfix-pcre

# --- Exim -----------------------------------------------------------------
EXIM=$STATE/exim4/usr/sbin/exim4
exim_fail() { echo "$1" >"$STATE/exim.skip"; exit 0; }
if [ ! -x "$EXIM" ]; then
	mkdir -p "$STATE/deb"
	rm -f "$STATE"/deb/exim4-daemon-light_*.deb
	[ -n "$UPDATED" ] || apt-get update -q >/dev/null 2>&1
	(cd "$STATE/deb" && apt-get download -q exim4-daemon-light) \
	    >"$STATE/apt.log" 2>&1 ||
		exim_fail "apt-get download exim4-daemon-light failed: $(tail -n 1 "$STATE/apt.log")"
	rm -rf "$STATE/exim4.new"
	dpkg-deb -x "$STATE"/deb/exim4-daemon-light_*.deb "$STATE/exim4.new" ||
		exim_fail "dpkg-deb -x of exim4-daemon-light failed"
	# its libraries: Depends without exim4-base and debconf, no versions
	libs=$(dpkg-deb -f "$STATE"/deb/exim4-daemon-light_*.deb Depends |
	    tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/[[:space:]]//g' |
	    grep -v -e '^exim4' -e '^debconf' -e '^$')
	# shellcheck disable=SC2086 # a list of package names
	apt_install $libs ||
		exim_fail "the libraries of exim4-daemon-light cannot be installed: $(tail -n 1 "$STATE/apt.log")"
	# the tests run it as root; no setuid-root copy lies around in build/
	chmod u-s "$STATE/exim4.new/usr/sbin/exim4"
	rm -rf "$STATE/exim4"
	mv "$STATE/exim4.new" "$STATE/exim4"
fi
if ! id Debian-exim >/dev/null 2>&1; then
	useradd --system --user-group --no-create-home --home-dir /nonexistent \
	    --shell /usr/sbin/nologin Debian-exim ||
		exim_fail "cannot create the system user Debian-exim"
fi
exit 0
