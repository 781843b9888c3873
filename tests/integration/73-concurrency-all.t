#!/bin/bash
# Concurrency with everything on: 400 deliveries from 8 parallel writers
# into one Maildir with a Sieve script (filing some messages into a folder,
# some into a folder and INBOX), a quota and the store.  Afterwards:
#   - every delivery exited 0, silently;
#   - each folder holds exactly the messages the script puts there, each
#     exactly once and byte for byte as expected;
#   - file names are unique: one base name per message, shared only by the
#     copies of that message;
#   - maildirsize equals a fresh count, and a recalculation does not change
#     it.  No recalculation runs while the writers write: one that does
#     can leave the file a message short (a writer that opened the old
#     file before the rename appends its line to it; seen once in four
#     runs on a loaded machine with the file seeded near its 5120-byte
#     limit), which deliver.conf(5) allows until the next recalculation;
#   - deliver.db: one "delivered" log row per message, whose folders and
#     files are exactly those on disk, and one confirmed dedup record each.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/quota.sh"
plan 13

WRITERS=8
PER=50
N=$((WRITERS * PER))
user_dir "$TMP/u"
MD=$TMP/u/Maildir
mkdir "$TMP/m" "$TMP/x"

# Message i: Subject "list i" every 4th (-> Lists/dev only), else "arch i"
# every 5th (-> Archive and INBOX), else "plain i" (INBOX); a body of 1 to
# 37 lines so that sizes differ.
perl -e '
	my ($n, $dir) = @ARGV;
	for my $i (1 .. $n) {
		my $s = $i % 4 == 0 ? "list $i" : $i % 5 == 0 ? "arch $i" : "plain $i";
		my $m = "From: sender$i\@example.org\nTo: r\@x\nSubject: $s\n" .
		    "Message-ID: <$i.conc\@example.org>\n\n";
		$m .= "line $_ of message $i\n" for 0 .. $i % 37;
		open my $fh, ">", "$dir/m/$i" or die; print $fh $m; close $fh;
		open $fh, ">", "$dir/x/$i" or die;
		print $fh "Return-Path: <s\@x>\nDelivered-To: r\@x\n$m"; close $fh;
	}' "$N" "$TMP"
cat > "$TMP/s.sieve" <<'EOF'
require ["fileinto"];
if header :contains "Subject" "list" { fileinto "Lists/dev"; stop; }
if header :contains "Subject" "arch" { fileinto "Archive"; keep; }
EOF
chmod 644 "$TMP/s.sieve"
# expected copies per folder
want_list=$((N / 4))
want_arch=$(( N / 5 - N / 20 ))
want_inbox=$((N - want_list))

# The quota: maildirsize starts with the definition and a zero line, and
# 400 appends (about 2,800 bytes) stay below the 5120 bytes that would
# make a delivery recalculate it.
QUOTA=10485760S,2000C
mkdir -p "$MD"
printf '%s\n0 0\n' "$QUOTA" > "$MD/maildirsize"
is_root && chown -R "$TEST_USER" "$MD"
WHO=()
is_root && WHO=(-d "$TEST_USER")

start=$SECONDS
pids=()
for w in $(seq 0 $((WRITERS - 1))); do
	(
		for k in $(seq 1 $PER); do
			i=$((w * PER + k))
			"$DELIVER" -c "$DCONF" "${WHO[@]}" -M "$MD" -s "$TMP/s.sieve" \
			    -o quota=$QUOTA -o store_timeout=30 -f s@x -a r@x \
			    < "$TMP/m/$i" 2>"$TMP/err.$i"
			echo "$i $?" >> "$TMP/rc.$w"
		done
	) &
	pids+=($!)
done
wait "${pids[@]}"
echo "# $N deliveries by $WRITERS writers in $((SECONDS - start)) s"

is "$(cat "$TMP"/rc.* | awk '$2 != 0' | head -5)" "" "all $N deliveries exit 0"
is "$(cat "$TMP"/err.* | head -5)" "" "no delivery wrote to stderr"

# Every file in new/ or cur/: "FOLDER NUMBER BASE" when its bytes are those
# expected for the message its Message-ID names, else "BAD path".
(cd "$MD" && find . \( -path '*/new/*' -o -path '*/cur/*' \) -type f) |
    perl -e '
	my ($md, $x) = @ARGV;
	while (my $f = <STDIN>) {
		chomp $f; $f =~ s{^\./}{};
		my ($folder, $name) = $f =~ m{^(?:(\.[^/]+)/)?(?:new|cur)/(.*)$};
		$folder //= "INBOX";
		open my $fh, "<", "$md/$f" or die; local $/; my $got = <$fh>;
		my ($i) = $got =~ /^Message-ID: <(\d+)\.conc\@example\.org>$/m;
		my $want = "";
		if (defined $i && open my $xh, "<", "$x/$i") { $want = <$xh>; }
		(my $base = $name) =~ s/,.*//;
		print defined $i && $got eq $want ? "$folder $i $base\n" : "BAD $f\n";
	}' "$MD" "$TMP/x" | sort -k2n > "$TMP/files"
is "$(grep -c '^BAD' "$TMP/files")" 0 "every file holds exactly the bytes of its message"
is "$(awk '{print $1}' "$TMP/files" | sort | uniq -c | awk '{printf "%s=%s ", $2, $1}')" \
    ".Archive=$want_arch .Lists.dev=$want_list INBOX=$want_inbox " \
    "copies per folder as the script decides"
# where each message should be, and where it is
for i in $(seq 1 $N); do
	if [ $((i % 4)) = 0 ]; then echo ".Lists.dev $i"
	elif [ $((i % 5)) = 0 ]; then echo ".Archive $i"; echo "INBOX $i"
	else echo "INBOX $i"; fi
done | sort > "$TMP/want"
is "$(awk '{print $1, $2}' "$TMP/files" | sort | diff "$TMP/want" - | head -5)" "" \
    "each message exactly once in each of its folders, nowhere else"
is "$(awk '{print $3}' "$TMP/files" | sort -u | wc -l)" "$N" "$N distinct base names"
is "$(awk '{print $2, $3}' "$TMP/files" | sort -u | wc -l)" "$N" "the copies of a message share its base name, no other"
is "$(cd "$MD" && find . -path '*/tmp/*' | wc -l)" 0 "no file left in any tmp/"

# quota
read -r bytes count < <(fresh_sum "$MD")
is "$(mds_sum "$MD")" "$bytes $count" "maildirsize sums to a fresh count ($bytes bytes, $count files)"
is "$(wc -l < "$MD/maildirsize")" $((N + 2)) "maildirsize: the definition, the first line and one line per delivery"
dq -M "$MD" --quota --recalc
is "$RC $(head -1 "$MD/maildirsize") $(mds_sum "$MD")" "0 $QUOTA $bytes $count" \
    "deliver --quota --recalc finds the same usage"

# deliver.db: one log row per delivery naming its folders and files
DB=$MD/deliver.db
as_user sqlite3 "$DB" "SELECT msgid, result, exit_code, folders, files FROM log" > "$TMP/log" 2>&1
is "$(awk -F'|' '{print $2, $3}' "$TMP/log" | sort | uniq -c | tr -s ' ')$(cut -d'|' -f1 "$TMP/log" | sort -u | wc -l)" \
    " $N delivered 0$N" "deliver.db: $N log rows, all delivered, one per Message-ID"
perl -ne '
	chomp; my ($id, undef, undef, undef, $files) = split /\|/, $_, 5;
	my ($i) = $id =~ /^(\d+)\.conc\@example\.org$/ or print "BAD $_\n";
	for (split /,(?=(?:\.[^\/,]+\/)?(?:new|cur)\/)/, $files) {
		my ($folder, $name) = m{^(?:(\.[^/]+)/)?(?:new|cur)/(.*)$};
		(my $base = $name) =~ s/,.*//;
		print +($folder // "INBOX"), " $i $base\n";
	}' "$TMP/log" | sort -k2n > "$TMP/logged"
is "$(diff "$TMP/files" "$TMP/logged" | head -5)$(as_user sqlite3 "$DB" "SELECT state, count(*) FROM dedup GROUP BY state")" \
    "1|$N" "deliver.db: the logged files are those on disk; $N confirmed dedup records"
finish
