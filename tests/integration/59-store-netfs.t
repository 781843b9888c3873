#!/bin/bash
# A Maildir on a network filesystem: deliver.db (SQLite, WAL journal) is
# never opened there; the message is filed without it and one line says
# why and what to do.  maildir_network = yes|no overrides the detection
# (statfs f_type).  Then the detection itself, on what this machine can
# mount: a FUSE filesystem (bindfs), and NFS over loopback when the
# kernel has it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/store-lib.sh"
plan 22

WHY="store $MD/deliver.db is on a network filesystem (maildir_network = yes)"
LOST="delivering without it (no duplicate suppression, delivery log or vacation tracking); set store = postgresql://... or a local path"
msg "$TMP/m" "<nfs-1@example.org>"
# lines of $ERR that say the store is not used
refusals() { printf '%s\n' "$ERR" | grep -c 'is on a network filesystem'; }

# --- the override ------------------------------------------------------
dlv -e -o maildir_network=yes -M "$MD" -f s@x -a r@x < "$TMP/m"
is "$RC:$(count_files "$MD/new")" "0:1" "maildir_network=yes: delivered"
is "$(printf '%s\n' "$ERR" | head -n 1)" "deliver: $WHY: $LOST" \
    "... the store's refusal, its reason and the fix, logged"
is "$(refusals)" 1 "... once"
ok "... and no deliver.db, -wal or -shm was created" \
    test ! -e "$DB" -a ! -e "$DB-wal" -a ! -e "$DB-shm"
dlv -e -o maildir_network=yes -M "$MD" -f s@x -a r@x < "$TMP/m"
is "$RC:$(count_files "$MD/new")" "0:2" \
    "the same message again: filed again (no store, no duplicate suppression)"

# a SQLite store on a local path outside the Maildir is fine
dlv -e -o maildir_network=yes -o store="$TMP/u/local.db" -M "$MD" -f s@x -a r@x < "$TMP/m"
is "$RC:$(refusals)" "0:0" "a store outside the Maildir: used, nothing logged about it"
dlv -e -o maildir_network=yes -o store="$TMP/u/local.db" -M "$MD" -f s@x -a r@x < "$TMP/m"
is "$RC:$(count_files "$MD/new")" "0:3" "... so the repeated message is a duplicate"
ok "... recorded in that store" test -s "$TMP/u/local.db"

# --log does not open it either
dlv -o maildir_network=yes -M "$MD" --log
is "$RC:$ERR" "78:deliver: --log: $WHY: not opened; set store = postgresql://... or a local path" \
    "--log: refused with the reason, exit 78"

dlv -e -o maildir_network=no -M "$MD" -f s@x -a r@x < "$TMP/m"
is "$RC:$(refusals)" "0:0" "maildir_network=no: the store is used"
ok "... deliver.db created in the Maildir" test -s "$DB"

# --- FUSE: bindfs (statfs says FUSE_SUPER_MAGIC) -------------------------
cleanup_mounts() {
	mountpoint -q "$TMP/fuse" 2>/dev/null && fusermount -u "$TMP/fuse"
	mountpoint -q "$TMP/nfs" 2>/dev/null && umount -l "$TMP/nfs"
	[ -n "${EXPORTED:-}" ] && exportfs -u "127.0.0.1:$TMP/export" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup_mounts EXIT

fuse_why=""
if ! is_root; then fuse_why="not root (bindfs mounts for deliver's user need allow_other)"
elif ! command -v bindfs >/dev/null; then fuse_why="bindfs not installed (Debian package bindfs)"
elif [ ! -c /dev/fuse ]; then fuse_why="no /dev/fuse"
else
	mkdir -p "$TMP/real" "$TMP/fuse"; chown "$TEST_USER" "$TMP/real"
	err=$(bindfs "$TMP/real" "$TMP/fuse" 2>&1) ||
		fuse_why="'bindfs $TMP/real $TMP/fuse' failed: $err"
fi
if [ -z "$fuse_why" ]; then
	dlv -e -M "$TMP/fuse/Maildir" -f s@x -a r@x < "$TMP/m"
	is "$RC:$(count_files "$TMP/real/Maildir/new")" "0:1" "FUSE (bindfs): delivered"
	is "$(printf '%s\n' "$ERR" | head -n 1)" \
	    "deliver: store $TMP/fuse/Maildir/deliver.db is on a network filesystem (fuse): $LOST" \
	    "... detected by statfs: the store is not used, and said so"
	ok "... no deliver.db there" test ! -e "$TMP/real/Maildir/deliver.db"
	dlv -e -o maildir_network=no -M "$TMP/fuse/Maildir" -f s@x -a r@x < "$TMP/m"
	is "$RC:$(refusals)" "0:0" "FUSE with maildir_network=no: the store is used"
	ok "... deliver.db created" test -s "$TMP/real/Maildir/deliver.db"

	# two hosts (hostname settings) delivering at once through the mount
	FMD=$TMP/fuse/Maildir; rm -f "$TMP/real/Maildir/new/"*
	for i in 1 2 3 4 5; do
		for h in alpha beta; do
			"$DELIVER" -c "$DCONF" -d "$TEST_USER" -o hostname=$h.example \
			    -M "$FMD" -f s@x -a r@x < "$TMP/m" 2>/dev/null
			echo $? > "$TMP/rc.$h.$i" &
		done
	done
	wait
	is "$(cat "$TMP"/rc.* | sort | uniq -c | tr -s ' ')" " 10 0" "two hosts, 10 deliveries at once: all exit 0"
	is "$(ls "$TMP/real/Maildir/new" | sed 's/.*\.\([a-z]*\)\.example,S=.*/\1/' | sort | uniq -c | tr -s ' ' | tr '\n' '|')" \
	    " 5 alpha| 5 beta|" "... 10 files, each named for its host"

	# tmp/ cleanup through the mount: beta's young file stays, its old
	# one goes, when alpha scans
	echo y > "$TMP/real/Maildir/tmp/1700000000.M1P1Q1R1.beta.example"
	echo o > "$TMP/real/Maildir/tmp/1700000000.M1P2Q1R1.beta.example"
	touch -d '35 hours ago' "$TMP/real/Maildir/tmp/1700000000.M1P1Q1R1.beta.example"
	touch -d '37 hours ago' "$TMP/real/Maildir/tmp/1700000000.M1P2Q1R1.beta.example"
	chown "$TEST_USER" "$TMP/real/Maildir/tmp/"*
	touch -a -d '61 minutes ago' "$TMP/real/Maildir/tmp"
	sleep 2   # FUSE caches attributes for a second (NFS for longer)
	dlv -o hostname=alpha.example -M "$FMD" -f s@x -a r@x < "$TMP/m"
	is "$RC:$(ls "$TMP/real/Maildir/tmp" | tr '\n' ' ')" "0:1700000000.M1P1Q1R1.beta.example " \
	    "alpha's scan: beta's 35-hour-old tmp/ file stays, the 37-hour-old one is gone"
else
	for i in 1 2 3 4 5 6 7 8; do skip "FUSE: $fuse_why"; done
fi

# --- NFS over loopback -------------------------------------------------
# Needs the nfs and nfsd filesystems in the kernel (nfs-kernel-server,
# nfs-common).  Two "hosts" (hostname settings) deliver into one Maildir
# through the mount.
nfs_why=""
mkdir -p "$TMP/export" "$TMP/nfs"
if ! is_root; then nfs_why="not root (exportfs, mount)"
elif ! command -v mount.nfs >/dev/null || ! command -v exportfs >/dev/null; then
	nfs_why="mount.nfs or exportfs missing (Debian nfs-common, nfs-kernel-server)"
elif ! grep -qw nfs /proc/filesystems; then
	err=$(timeout 20 mount -t nfs -o vers=4.2 "127.0.0.1:$TMP/export" "$TMP/nfs" 2>&1)
	nfs_why="'mount -t nfs -o vers=4.2 127.0.0.1:$TMP/export $TMP/nfs' says '$err' (no nfs in /proc/filesystems; this kernel or container cannot load it)"
else
	chown "$TEST_USER" "$TMP/export"
	mountpoint -q /proc/fs/nfsd || mount -t nfsd nfsd /proc/fs/nfsd 2>/dev/null
	pgrep -x rpc.mountd >/dev/null || rpc.mountd 2>/dev/null
	rpc.nfsd 2 2>/dev/null
	if err=$(exportfs -o rw,sync,no_subtree_check,no_root_squash,insecure,fsid=4242 \
	    "127.0.0.1:$TMP/export" 2>&1); then
		EXPORTED=1
		err=$(timeout 30 mount -t nfs -o vers=4.2,hard,timeo=50 \
		    "127.0.0.1:$TMP/export" "$TMP/nfs" 2>&1) ||
			nfs_why="'mount -t nfs -o vers=4.2 127.0.0.1:$TMP/export $TMP/nfs' says '$err'"
	else
		nfs_why="'exportfs 127.0.0.1:$TMP/export' says '$err'"
	fi
fi
if [ -z "$nfs_why" ]; then
	dlv -e -o hostname=alpha.example -M "$TMP/nfs/Maildir" -f s@x -a r@x < "$TMP/m"
	like "$RC:$ERR" "^0:deliver: store $TMP/nfs/Maildir/deliver.db is on a network filesystem \\(nfs\\)" \
	    "NFS: delivered, the store refused by statfs"
	dlv -e -o hostname=beta.example -M "$TMP/nfs/Maildir" -f s@x -a r@x < "$TMP/m"
	is "$RC:$(ls "$TMP/export/Maildir/new" | sed 's/.*\.\([a-z]*\)\.example,.*/\1/' | sort | tr '\n' ' ')" \
	    "0:alpha beta " "... two hosts' files, each named for its host"
	ok "... no deliver.db on the export" test ! -e "$TMP/export/Maildir/deliver.db"
else
	for i in 1 2 3; do skip "NFS: $nfs_why"; done
fi
finish
