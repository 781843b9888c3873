#!/bin/sh
# build-deb.sh: `make deb`, the Debian package from debian/.
#
# dpkg-buildpackage writes its results into the parent directory of the
# tree it builds, so it builds a copy of this tree under build/deb/ and
# the .deb is copied to the top of the checkout:
# deliver_VERSION_ARCH.deb.  Missing build tools and build dependencies
# are installed first (as root, apt-get), as `make deps` does for the
# plain build.  lintian, when installed, checks the result; an error
# fails the target.
set -eu
cd "$(dirname "$0")/.."

if ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null ||
    ! dpkg-checkbuilddeps >/dev/null 2>&1; then
	if [ "$(id -u)" != 0 ]; then
		echo "deb: missing build dependencies (run 'make deb' as root)" >&2
		dpkg-checkbuilddeps || true
		exit 1
	fi
	echo "deb: installing the build dependencies"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends dpkg-dev debhelper \
	    build-essential >/dev/null
	apt-get build-dep -y -q ./ >/dev/null
fi

version=$(dpkg-parsechangelog -S Version)
arch=$(dpkg --print-architecture)
# the package's version is the program's (deliver -V)
code_version=$(sed -n 's/^#define DELIVER_VERSION "\(.*\)"$/\1/p' src/version.h)
if [ "$version" != "$code_version" ]; then
	echo "deb: debian/changelog says $version, src/version.h $code_version" >&2
	exit 1
fi

top=build/deb
tree=$top/deliver-$version
rm -rf "$top"
mkdir -p "$tree"
tar -c --exclude=./.git --exclude='./build*' --exclude=./demo \
    --exclude='./*.deb' . | tar -x -C "$tree"
(cd "$tree" && dpkg-buildpackage -us -uc -b)
deb=deliver_${version}_$arch.deb
cp "$top/$deb" "./$deb"
echo "$deb" > "$top/name"
echo "deb: ./$deb"
if command -v lintian >/dev/null; then
	echo "deb: lintian:"
	lintian "$top"/deliver_"${version}"_"$arch".changes
else
	echo "deb: lintian is not installed; not checked"
fi
