#!/bin/bash
# store-bench.sh DELIVER [N]: per-delivery cost of deliver.db (not part of
# make check).  Runs N deliveries (distinct Message-IDs) in each setting and
# prints the median wall time per delivery:
#   none      store = none
#   empty     dedup + log on, a fresh store
#   1M        dedup + log on, 1,000,000 rows in log and in dedup (half of
#             them old enough to be pruned)
# Run as an unprivileged user (deliver refuses root without -d).
set -eu
DELIVER=${1:?usage: store-bench.sh DELIVER [N]}
N=${2:-200}
T=$(mktemp -d "${TMPDIR:-/tmp}/store-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
: > "$T/conf"
mkdir "$T/a" "$T/b" "$T/c"

run() { # run LABEL MAILDIR OPTIONS...
	local label=$1 md=$2
	shift 2
	perl -MTime::HiRes=time -e '
		my ($deliver, $conf, $md, $n, @opt) = @ARGV; my @t;
		for my $i (1 .. $n) {
			my $m = "Message-ID: <bench$i.$$\@x>\nSubject: s\n\n" . ("x" x 4000) . "\n";
			open my $fh, "|-", $deliver, "-c", $conf, "-M", $md, "-f", "s\@x", "-a", "r\@x", @opt or die;
			my $t0 = time; print $fh $m; close $fh; push @t, time - $t0;
			$? == 0 or die "deliver failed: $?";
		}
		@t = sort { $a <=> $b } @t;
		printf "median %.2f ms  p90 %.2f ms  (n=%d)\n", 1000 * $t[$#t / 2], 1000 * $t[int($#t * 0.9)], $n;
	' "$DELIVER" "$T/conf" "$md" "$N" "$@" | sed "s/^/$label: /"
}

run none "$T/a/Maildir" -o store=none
run empty "$T/b/Maildir"
# a store with 1,000,000 rows in log and in dedup
"$DELIVER" -c "$T/conf" -M "$T/c/Maildir" -f s@x -a r@x <<<"Message-ID: <seed@x>"
now=$(date +%s)
sqlite3 "$T/c/Maildir/deliver.db" "
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
  INSERT INTO log (time, msgid, sender, recipient, size, folders, files, actions, result, exit_code, duplicate)
  SELECT $now - 40 * 86400 + i * 4, 'id' || i || '@example.org', 'sender@example.org', 'r@x', 4096,
         'INBOX', 'new/1795425500.M455613P1124Q1Rd7ab8cf0ec9ea4e6.vm,S=4096', 'keep', 'delivered', 0, 0 FROM n;
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
  INSERT INTO dedup (msgid, rcpt, state, stamp, pid, pid_start, base, tmp, targets)
  SELECT 'id' || i || '@example.org', 'r@x', 1, $now - 14 * 86400 + i, 0, -1,
         '1795425500.M455613P1124Q1Rd7ab8cf0ec9ea4e6.vm', '', '0/' || char(10) FROM n;"
ls -l "$T/c/Maildir/deliver.db" | awk '{ print "1M store: " $5 " bytes" }'
run 1M "$T/c/Maildir"
echo "rows left: log $(sqlite3 "$T/c/Maildir/deliver.db" 'SELECT count(*) FROM log'), dedup $(sqlite3 "$T/c/Maildir/deliver.db" 'SELECT count(*) FROM dedup')"
