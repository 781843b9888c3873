#!/bin/bash
# spamtest and virustest end to end: the settings deliver.conf(5) gives
# for SpamAssassin, Amavis's X-Spam-Score, rspamd and ClamAV, taken from
# the man page itself, with sieve-examples/spamtest.sieve and messages as
# those scanners write them; the folder each lands in on disk.
. "$(dirname "$0")/sieve-lib.sh"
plan 20

# example NAME: the deliver.conf lines of the man page's block marked
# `.\" example: NAME` (roff's \e is a backslash)
example() {
	sed -n "/^\\.\\\\\" example: $1\$/,/^\\.Ed\$/p" \
	    "$SRCDIR/man/deliver.conf.5" |
	    sed -n '/^\.Bd/,/^\.Ed/p' | sed '/^\.Bd/d; /^\.Ed/d; s/\\e/\\/g'
}
# conf NAME...: $DCONF holds those examples
conf() {
	: > "$TMP/d.conf"
	for n in "$@"; do example "$n" >> "$TMP/d.conf"; done
	DCONF="$TMP/d.conf"
}
# through MESSAGE-HEADERS...: deliver through the current script;
# prints "RC:landed"
through() {
	reset_md
	mail "$TMP/x" "Subject: offer" "$@"
	sdlv "$TMP/x" -o dedup=no
	echo "$RC:$(landed)"
}

is "$(example spamassassin | wc -l)" "3" "the man page's SpamAssassin block is found"
cp "$SRCDIR/sieve-examples/spamtest.sieve" "$TMP/s.sieve"
chmod 644 "$TMP/s.sieve"

# ---- SpamAssassin: X-Spam-Status with its own threshold ----
conf spamassassin
is "$(through "X-Spam-Status: Yes, score=5.3 required=5.0 tests=BAYES_99,
	URIBL_BLACK autolearn=no autolearn_force=no version=3.4.6")" \
    "0:Junk/new" "SpamAssassin: score over required (folded header): 10, Junk"
is "$(through "X-Spam-Status: Yes, score=5.0 required=5.0 tests=NONE")" \
    "0:Junk/new" "SpamAssassin: score at required: 10, Junk"
is "$(through "X-Spam-Status: No, score=3.1 required=5.0 tests=NONE")" \
    "0:Suspect/new" "SpamAssassin: 3.1 of 5.0 is 6: Suspect"
is "$(through "X-Spam-Status: No, score=-0.1 required=5.0 tests=ALL_TRUSTED")" \
    "0:INBOX/new" "SpamAssassin: below zero is 1: INBOX"
is "$(through "X-Spam-Flag: YES")" "0:INBOX/new" \
    "SpamAssassin: no X-Spam-Status: not tested (0), INBOX"

# ---- a bare score, fixed scale ----
conf spam-score
is "$(through "X-Spam-Score: 9.7")" "0:Suspect/new" "X-Spam-Score 9.7 of 10: 9, Suspect"
is "$(through "X-Spam-Score: 12.5")" "0:Junk/new" "X-Spam-Score over the scale: 10, Junk"
is "$(through "X-Spam-Score: 2")" "0:INBOX/new" "X-Spam-Score 2 of 10: 2, INBOX"
is "$(through "X-Spam-Score: lots")" "0:INBOX/new" "X-Spam-Score not a number: not tested, INBOX"

# ---- rspamd ----
conf rspamd
is "$(through "X-Spamd-Result: default: True [16.20 / 15.00]; BAYES_SPAM(5.10)[99.99%]")" \
    "0:Junk/new" "rspamd: over the reject threshold: Junk"
is "$(through "X-Spamd-Result: default: False [9.00 / 15.00]; R_SPF_ALLOW(-0.20)[+ip4:192.0.2.1]")" \
    "0:Suspect/new" "rspamd: 9 of 15 is 6: Suspect"
is "$(through "X-Spamd-Result: default: False [-1.50 / 15.00]; MID_RHS_MATCH_FROM(0.00)[]")" \
    "0:INBOX/new" "rspamd: below zero: INBOX"

# ---- a configuration error: logged, tests see 0 ----
printf 'sieve_spamtest_status_header = X-Spam-Score\n' > "$TMP/d.conf"
DCONF="$TMP/d.conf"
through "X-Spam-Score: 99" > "$TMP/out"
is "$(cat "$TMP/out")" "0:INBOX/new" "no max configured: 0, INBOX"
ERR=$(cat "$TMP/stderr")
like "$ERR" 'spamtest: extension not configured, tests will always match against "0": neither max_header nor max_value is configured' \
    "no max configured: the reason is logged"

# ---- virustest with ClamAV's header, :percent with spamtestplus ----
conf clamav spam-score
script 'require ["virustest", "spamtestplus", "relational", "comparator-i;ascii-numeric", "fileinto"];
if virustest :value "eq" :comparator "i;ascii-numeric" "5" { fileinto "Virus"; stop; }
if virustest :value "eq" :comparator "i;ascii-numeric" "0" { fileinto "Unscanned"; stop; }
if spamtest :percent :value "ge" :comparator "i;ascii-numeric" "75" { fileinto "Junk"; }'
is "$(through "X-Virus-Status: Infected (Eicar-Signature)")" "0:Virus/new" "ClamAV: infected is 5: Virus"
is "$(through "X-Virus-Status: Clean")" "0:INBOX/new" "ClamAV: clean is 1, no spam score: INBOX"
is "$(through "X-Virus-Status: Broken")" "0:Unscanned/new" "ClamAV: another text is 0: Unscanned"
is "$(through "X-Virus-Status: Clean" "X-Spam-Score: 7.5")" "0:Junk/new" "spamtest :percent 75 of 100: Junk"
is "$(through "X-Virus-Status: Clean" "X-Spam-Score: 7.4")" "0:INBOX/new" "spamtest :percent 74: INBOX"
finish
