#!/bin/bash
# make install / uninstall honour PREFIX and DESTDIR.
. "$(dirname "$0")/lib.sh"
plan 3

dest="$TMP/root"
make -s -C "$SRCDIR" install DESTDIR="$dest" PREFIX=/opt/dlv >/dev/null 2>&1
expected="./opt/dlv/bin/deliver"
for m in "$SRCDIR"/man/*.[15]; do expected="$expected ./opt/dlv/share/man/man${m##*.}/$(basename "$m")"; done
is "$(cd "$dest" && find . -type f | sort | tr '\n' ' ')" "$(echo $expected | tr ' ' '\n' | sort | tr '\n' ' ')" \
   "install puts the binary and both man pages under DESTDIR/PREFIX"
is "$(stat -c %a "$dest/opt/dlv/bin/deliver")" 755 "binary mode 0755, not setuid"
make -s -C "$SRCDIR" uninstall DESTDIR="$dest" PREFIX=/opt/dlv >/dev/null 2>&1
is "$(find "$dest" -type f | wc -l)" 0 "uninstall removes them again"
finish
