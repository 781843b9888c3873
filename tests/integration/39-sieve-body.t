#!/bin/bash
# The body extension (RFC 5173) at delivery, in the native engine: the
# message file read through the MIME walker, transfer-decoded and
# converted to UTF-8; the filed file exactly as delivered; -n and
# --redeliver read the body too; sieve_body_max bounds what a test reads;
# hostile MIME (1,000 levels, no closing boundary) ends quickly, filed.
. "$(dirname "$0")/sieve-lib.sh"
plan 21

# a multipart message: Latin-1 quoted-printable text, base64 HTML, a PDF
M="$TMP/multi"
cat > "$M" <<'MSG'
From: Alice <alice@example.org>
To: bob@example.org
Subject: Greetings
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

This is a multi-part message in MIME format.
--b1
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Gr=FC=DFe aus K=F6ln
--b1
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64

PHA+UGxlYXNlIDxiPnZlcmlmeSB5b3VyIGFjY291bnQ8L2I+PC9wPg==
--b1
Content-Type: application/pdf
Content-Disposition: attachment; filename="invoice.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--b1--
MSG

# run SCRIPT-BODY [MESSAGE] [ARGS...]: "RC:folders"
run() {
	local body=$1 m=${2:-$M}; shift; [ $# -gt 0 ] && shift
	reset_md
	script "require [\"body\", \"fileinto\", \"variables\", \"relational\", \"comparator-i;ascii-numeric\"];
$body"
	sdlv "$m" "$@"
	echo "$RC:$(landed)"
}

is "$(run 'if body :text :contains "Grüße aus Köln" { fileinto "Latin"; }')" \
    "0:Latin/new" ":text: quoted-printable ISO-8859-1 decoded and converted"
is "$(run 'if body :text :contains "please verify your account" { fileinto "Html"; }')" \
    "0:Html/new" ":text: base64 HTML without its markup"
is "$(run 'if body :text :contains "<b>" { fileinto "Markup"; }')" \
    "0:INBOX/new" ":text: no markup left"
is "$(run 'if body :content "text/html" :contains "<b>verify" { fileinto "Raw"; }')" \
    "0:Raw/new" ":content text/html: decoded, markup kept"
is "$(run 'if body :content "text" :count "eq" :comparator "i;ascii-numeric" "2" { fileinto "Two"; }')" \
    "0:Two/new" ":content text: two parts (the prologue is multipart)"
is "$(run 'if body :content "multipart" :is "This is a multi-part message in MIME format." { fileinto "Pro"; }')" \
    "0:Pro/new" ":content multipart: the prologue, without the boundary's line break"
is "$(run 'if body :raw :contains "Gr=FC=DFe" { fileinto "Undecoded"; }')" \
    "0:Undecoded/new" ":raw: undecoded, boundaries and part headers included"
is "$(run 'if body :raw :matches "*--b1--*" { fileinto "${1}"; } else { fileinto "NoMatch"; }')" \
    "0:INBOX/new" ":raw :matches sets no match variables (\${1} is empty: fileinto \"\" is INBOX)"

# the filed file is the message as delivered, byte for byte
run 'if body :text :contains "köln" { fileinto "Latin"; }' >/dev/null
{ printf 'Return-Path: <alice@example.org>\nDelivered-To: bob@example.org\n'; cat "$M"; } > "$TMP/want"
ok "the filed message is exactly the input after the prepended headers" \
    cmp "$TMP/want" "$(only_file "$MD/.Latin/new")"

# no body: every body test is false, even :contains ""
printf 'Subject: header only\nFrom: a@example.org\n' > "$TMP/nobody"
is "$(run 'if body :raw :contains "" { fileinto "Body"; }' "$TMP/nobody")" \
    "0:INBOX/new" "a message without an empty line has no body"

# sieve_body_max: what lies beyond it is not seen, and the log says so
{ printf 'Subject: long\n\n'; head -c 5000 /dev/zero | tr '\0' 'a'; printf 'NEEDLE\n'; } > "$TMP/long"
is "$(run 'if body :raw :contains "NEEDLE" { fileinto "Found"; }' "$TMP/long")" \
    "0:Found/new" "within the default cap: found"
run 'if body :raw :contains "NEEDLE" { fileinto "Found"; }' "$TMP/long" -o sieve_body_max=4096 > "$TMP/out"
is "$(cat "$TMP/out")" "0:INBOX/new" "sieve_body_max=4096: the needle at byte 5000 is not read"
like "$ERR" "read only the first 4096 bytes \\(sieve_body_max\\)" "the log names the cap"

# deliver -n reads the body from its own temporary copy
script 'require ["body", "fileinto"]; if body :text :contains "Köln" { fileinto "Latin"; }'
dlv -n -s "$TMP/s.sieve" -f "$FROM" -a "$RCPT" < "$M" > "$TMP/plan"
is "$RC:$(head -1 "$TMP/plan")" "0:fileinto Latin" "-n: the body test sees the body"

# --redeliver re-filters by body
reset_md
script 'require ["body", "fileinto"]; if body :text :contains "Köln" { fileinto "Latin"; }'
mkdir -p "$TMP/old/cur" && cp "$M" "$TMP/old/cur/1.host:2," && chmod -R a+rX "$TMP/old"
dlv --redeliver -s "$TMP/s.sieve" -M "$MD" -f s@x -a u@x "$TMP/old/cur/1.host:2,"
is "$RC:$(landed)" "0:Latin/new" "--redeliver: filed by the body"

# the example in sieve-examples/
through() {
	reset_md
	cp "$SRCDIR/sieve-examples/body.sieve" "$TMP/s.sieve"; chmod 644 "$TMP/s.sieve"
	sdlv "$1"
	echo "$RC:$(landed)"
}
is "$(through "$M")" "0:Junk/new" "body.sieve: the phishing phrase in the HTML part"
sed 's/verify your account/see you/; s/PHA+UGxlYXNlIDxiPnZlcmlmeSB5b3VyIGFjY291bnQ8L2I+PC9wPg==/PHA+c2VlIHlvdTwvcD4=/' "$M" > "$TMP/pdf"
is "$(through "$TMP/pdf")" "0:Invoices/new" "body.sieve: a PDF attachment"
printf 'Subject: hi\n\nJust text.\n' > "$TMP/plain"
is "$(through "$TMP/plain")" "0:INBOX/new" "body.sieve: anything else stays in INBOX"

# hostile MIME: 1,000 nested multiparts, then no closing boundary
{
	printf 'Subject: deep\n'
	for i in $(seq -w 0 999); do
		printf 'Content-Type: multipart/mixed; boundary="n%s"\n\n--n%s\n' "$i" "$i"
	done
	printf '\nNEEDLE\n'
} > "$TMP/deep"
start=$(date +%s%N)
is "$(run 'if body :content "" :contains "NEEDLE" { fileinto "Deep"; }' "$TMP/deep")" \
    "0:Deep/new" "1,000 levels: nesting stops at 100, the rest is text of the deepest part"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
ok "... in under 5 seconds ($ms ms)" test "$ms" -lt 5000
printf 'Content-Type: multipart/mixed; boundary=x\n\n--x\n\nunclosed NEEDLE' > "$TMP/open"
is "$(run 'if body :content "text/plain" :is "unclosed NEEDLE" { fileinto "Open"; }' "$TMP/open")" \
    "0:Open/new" "a part without its closing boundary ends at the end of the file"
finish
