#!/bin/bash
# deliver.db's WAL stays short across deliveries: once it passes 64 pages
# it is checkpointed and truncated.  (SQLite's own passive checkpoint left
# it to grow by every delivery, each new process reading all of it and
# checkpointing it whole again: two syncs more per delivery.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/store-lib.sh"
plan 4

biggest=0 fails=0 shrank=0 last=0
for i in $(seq 1 30); do
	msg "$TMP/m" "<wal-$i@example.org>"
	dlv -M "$MD" -f s@x -a r@x < "$TMP/m"
	[ "$RC" = 0 ] || fails=$((fails + 1))
	size=$(stat -c %s "$DB-wal")
	[ "$size" -gt "$biggest" ] && biggest=$size
	[ "$size" -lt "$last" ] && shrank=$((shrank + 1))
	last=$size
done
is "$fails" 0 "30 deliveries exit 0"
is "$(q "SELECT count(*) FROM log")" 30 "30 log rows"
ok "the WAL was truncated after passing 64 pages ($shrank times)" \
    test "$shrank" -ge 1
# 64 pages and one delivery's frames, 1 KiB pages + 24 bytes a frame
ok "the WAL never passes 64 pages and a delivery's ($biggest bytes)" \
    test "$biggest" -lt $(( (64 + 16) * 1048 + 32 ))
