#!/bin/bash
# deliver --redeliver with a Sieve script: one long-lived Sieve child for
# the whole run instead of a fork per message, filing exactly as
# one delivery per message does; a crash or a runaway evaluation costs only
# that message's filter and the next message gets a fresh child.
. "$(dirname "$0")/lib.sh"
plan 16

N=40
user_dir "$TMP/u"
# the Sieve child is libsieve's: this file runs that engine; the native
# engine (in process, no child at all) is checked after step 2
echo "sieve_engine = libsieve" > "$DCONF"
S="$TMP/s.sieve"
cat > "$S" <<'EOF'
require ["fileinto", "imap4flags"];
if header :contains "subject" "[list]" { fileinto "Lists"; stop; }
if header :matches "from" "*@bank.example" { fileinto :flags "\\Flagged" "Bills"; stop; }
if address :domain "to" "other.example" { fileinto "Other"; }
if header :contains "subject" "junk" { discard; stop; }
if size :over 300 { addflag "\\Seen"; }
EOF
chmod 644 "$S"

# mk DIR I: message I into DIR/cur, of one of five kinds
mk() {
	local from="a$2@example.org" subj="hello $2" to="u@x" pad=""
	case $(($2 % 5)) in
	0) subj="[list] news $2" ;;
	1) from="billing@bank.example" ;;
	2) to="someone@other.example" ;;
	3) subj="junk $2" ;;
	4) pad=$(head -c 400 /dev/zero | tr '\0' x) ;;
	esac
	printf 'From: %s\nTo: %s\nSubject: %s\nMessage-ID: <w%s@x>\n\nbody %s\n%s\n' \
		"$from" "$to" "$subj" "$2" "$2" "$pad" > "$1/cur/17950000$(printf %02d "$2").M1P1.t:2,"
}
mkdir -p "$TMP/src/cur" "$TMP/src/new" "$TMP/src/tmp"
for i in $(seq 1 $N); do mk "$TMP/src" "$i"; done
chown -R "$(is_root && echo "$TEST_USER" || id -un)" "$TMP/src" 2>/dev/null

# what a Maildir holds: "folder Message-ID flags" per message, sorted
contents() {
	(cd "$1" && find . -path '*/new/*' -o -path '*/cur/*' -type f) | while read -r f; do
		local dir=${f%/*/*}; dir=${dir#./}; [ "$dir" = . ] && dir=INBOX
		local flags=${f##*:2,}; [ "$flags" = "$f" ] && flags=-
		echo "$dir $(sed -n 's/^Message-ID: <\(.*\)>$/\1/p' "$1/$f") ${flags:--}"
	done | sort
}
# forks FILE: the processes the traced run created (not threads nor
# LeakSanitizer's CLONE_VM helper at exit in an ASan build)
forks() { grep -E '(clone|clone3|fork|vfork)\(' "$1" | grep -vc CLONE_VM; }

# 1. the fork-per-message path: one delivery per message
for f in "$TMP"/src/cur/*; do
	dlv -M "$TMP/u/single" -s "$S" -f s@x -a u@x < "$f"
	[ "$RC" = 0 ] || echo "# single delivery of $f: $RC $ERR"
done
single=$(contents "$TMP/u/single")
is "$(echo "$single" | wc -l | tr -d ' ')" $((N - N / 5)) "single deliveries: all but the junk filed"

# 2. one redelivery: one Sieve child
have_strace=0
strace -f -o /dev/null true 2>/dev/null && have_strace=1
run() { # run MAILDIR [OPTIONS]: redeliver src, traced when strace works
	local md=$1; shift
	if [ $have_strace = 1 ]; then
		# (LeakSanitizer cannot run under ptrace: no leak check here)
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
		strace -f -e trace=clone,clone3,fork,vfork -o "$TMP/trace" \
			"$DELIVER" -c "$DCONF" $(is_root && echo -d "$TEST_USER") -e \
			--redeliver -s "$S" -M "$md" -f s@x -a u@x "$@" "$TMP/src" \
			2> "$TMP/stderr"
		RC=$?; ERR=$(cat "$TMP/stderr")
	else
		dlv -e --redeliver -s "$S" -M "$md" -f s@x -a u@x "$@" "$TMP/src"
	fi
}
run "$TMP/u/re"
is "$RC" 0 "redelivery of $N messages exits 0"
is "$(contents "$TMP/u/re")" "$single" "same folders, messages and flags as one delivery per message"
if [ $have_strace = 1 ]; then
	is "$(forks "$TMP/trace")" 1 "$N messages, one Sieve child"
else
	skip "strace cannot trace here"
fi

# 2b. the native engine: the same filing, in process, not one child
run "$TMP/u/nat" -o sieve_engine=native
# ...except that the implicit keep of the large messages (kind 4: addflag
# without keep) takes the internal flags, as RFC 5232 and Pigeonhole
# want, where libsieve files them without
native_single=$(echo "$single" | awk '{ n = substr($2, 2) + 0 } $1 == "INBOX" && n % 5 == 4 && $3 == "-" { $3 = "S" } { print }')
is "$RC:$(contents "$TMP/u/nat")" "0:$native_single" "native: same folders, messages and flags as libsieve's single deliveries, the implicit keep flagged"
if [ $have_strace = 1 ]; then
	is "$(forks "$TMP/trace")" 0 "native: $N messages, no Sieve child"
else
	skip "strace cannot trace here"
fi

# 3. a libsieve crash on one message (LIBSIEVE.md: NULL dereference on an
# unparsable vacation :addresses entry when the user is not in To/Cc),
# a runaway :matches on another
mk "$TMP/src" 41; sed -i 's/^Subject: .*/Subject: boom/; s/^To: .*/To: nobody@elsewhere.example/' "$TMP/src/cur/"*41.M1P1*
mk "$TMP/src" 42
sed -i "s/^Subject: .*/Subject: $(head -c 3000 /dev/zero | tr '\0' a)/" "$TMP/src/cur/"*42.M1P1*
mk "$TMP/src" 43
mk "$TMP/src" 44
{ echo 'require ["fileinto", "imap4flags", "vacation"];'
  echo 'if header :contains "subject" "boom" { vacation :addresses [""] "away"; }'
  echo 'if header :matches "subject" "*a*a*a*a*a*a*a*a*a*a*a*a*b" { discard; }'
  sed 1d "$S"; } > "$S.new" && mv "$S.new" "$S" && chmod 644 "$S"
start=$(date +%s)
run "$TMP/u/crash" -o sieve_cpu_limit=1
is "$RC" 0 "redelivery with a crash and a runaway exits 0"
like "$ERR" "sieve: $S: evaluation (killed by signal 11|exited with status (1|99)); keeping the message" "crash logged as for a forked child"
like "$ERR" "sieve: $S: evaluation killed by signal 24 \(CPU limit\); keeping the message" "CPU limit logged as for a forked child"
is "$(printf '%s\n' "$ERR" | grep -c 'keeping the message')" 2 "two messages lost their filter, no more"
ok "the runaway was stopped within seconds" test $(( $(date +%s) - start )) -le 20
got=$(contents "$TMP/u/crash")
is "$(echo "$got" | grep -E ' w4[12]@x ')" "INBOX w41@x -
INBOX w42@x -" "the crashing and the runaway message: kept in INBOX"
is "$(echo "$got" | grep -vE ' w4[1-4]@x ')" "$single" "the first $N filed as before"
is "$(echo "$got" | grep -E ' w4[34]@x ')" "INBOX w44@x -" "messages after them filtered by a fresh child (43 discarded, 44 kept)"
if [ $have_strace = 1 ]; then
	is "$(forks "$TMP/trace")" 3 "a fresh child after each failure: three in all"
else
	skip "strace cannot trace here"
fi
is "$(count_files "$TMP/u/crash/tmp")" 0 "nothing left in tmp/"
finish
