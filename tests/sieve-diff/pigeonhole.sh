#!/bin/bash
# pigeonhole.sh WORK [K N]: the reference half of the differential test.  Runs
# Pigeonhole's sieve-test on every script x message pair listed in
# WORK/scripts.list and WORK/messages.list and leaves, per pair, the printed
# result (out/ph/S@M.out), sieve-test's log (.err, ending in "rc=N") and,
# when the result holds a vacation action, the log of a second, executing
# run (.exec.err) that says whether the reply would be sent and to whom.
#
# It runs under `doveconf -c WORK/dovecot.conf -e`, which passes the
# configuration in the environment, as an unprivileged user (sieve-test
# refuses root), in one process loop: one sieve-test per pair, no dovecot
# daemon.  A script that does not compile is compiled once; its other pairs
# copy that outcome.  With K and N it takes the Kth of every N scripts
# (0-based), so that two can run side by side.
set -u
W=$1 shard=${2:-0} shards=${3:-1}
ST=${SIEVE_TEST:-sieve-test}
export HOME=$W/ph-home-$shard
cd "$W" || exit 1
mkdir -p out/ph "$HOME"

# The executing run stores into a scratch Maildir.  sieve-test never
# creates a missing folder (only dovecot-lda's lda_mailbox_autocreate
# does), so the folders the printed result names are made first.
exec_run() { # exec_run OUT ARGS...
	local o=$1 f; shift
	rm -rf "$HOME/Maildir"
	mkdir -p "$HOME/Maildir"/{cur,new,tmp}
	sed -n 's/^ \* store message in folder: //p' "$o.out" |
	    while IFS= read -r f; do
		[ "$f" = INBOX ] && continue
		mkdir -p "$HOME/Maildir/.${f//\//.}"/{cur,new,tmp}
	    done
	"$ST" -e "$@" >/dev/null 2>"$o.exec.err"
	echo "rc=$?" >>"$o.exec.err"
}

# has FILE TEXT: FILE holds TEXT (a newline first: TEXT starts a line);
# read by the shell itself, as a grep per pair would cost a process
has() {
	local c
	IFS= read -r -d '' c <"$1"
	[[ $'\n'$c == *"$2"* ]]
}

i=-1
while read -r s; do
	i=$((i + 1))
	[ $((i % shards)) = "$shard" ] || continue
	broken=
	while read -r m from to; do
		o=out/ph/$s@$m
		if [ -n "$broken" ]; then
			cp "$broken.out" "$o.out"
			cp "$broken.err" "$o.err"
			continue
		fi
		args=(-a "$to" -r "$to")
		# sieve-test has no way to pass the null reverse path: without
		# -f it takes Return-Path, Sender or From (known-differences.md)
		[ "$from" != "<>" ] && args+=(-f "$from")
		args+=("scripts/$s.sieve" "msgs/$m.eml")
		"$ST" "${args[@]}" >"$o.out" 2>"$o.err"
		echo "rc=$?" >>"$o.err"
		if has "$o.err" 'failed to compile'; then
			broken=$o
		elif has "$o.out" $'\n * send vacation message'; then
			exec_run "$o" "${args[@]}"
		fi
	done <messages.list
done <scripts.list
times >"$W/times.ph$shard"
