#!/bin/bash
# The mime, foreverypart and extracttext extensions (RFC 5703) in the
# native engine: where a multipart message lands, byte for byte, for
# scripts that loop over its parts, read part headers with :mime and the
# options, break out of named loops and extract a part's text; and
# hostile MIME (1,000 nested parts, a part without its end boundary)
# ending in bounded time with the message filed.
. "$(dirname "$0")/sieve-lib.sh"
plan 23

m="$TMP/m"
cat > "$m" <<'EOF'
From: Hendrik <hendrik@example.com>
To: bob@example.org
Subject: report
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=AA

preamble
--AA
Content-Type: multipart/alternative; boundary=BB

--BB
Content-Type: text/plain; charset=us-ascii

Hello, the invoice is attached.
--BB
Content-Type: text/html; charset=us-ascii

<html><body><p>Hello, the <b>invoice</b> is attached.</p></body></html>
--BB--
--AA
Content-Type: application/pdf; name="Invoice 42.pdf"
Content-Disposition: attachment;
 filename*0*=utf-8''Invoice%2042;
 filename*1=".pdf"
Content-Transfer-Encoding: base64

SGVsbG8gUERG
--AA--
epilogue
EOF

# run SCRIPT-BODY: "RC:folders" after delivering $m
run() {
	reset_md
	script "require [\"fileinto\", \"mime\", \"foreverypart\", \"variables\", \"extracttext\"];
$1"
	sdlv "$m"
	echo "$RC:$(landed)"
}

is "$(run 'foreverypart { if header :mime :contenttype "Content-Type" "application/pdf" { fileinto "Documents"; break; } }')" \
    "0:Documents/new" "foreverypart + header :mime :contenttype: the PDF part is found"
f=$(only_file "$MD/.Documents/new")
is "$(sha "$f")" "$(sha <(printf 'Return-Path: <%s>\nDelivered-To: %s\n' "$FROM" "$RCPT"; cat "$m"))" \
    "the filed message is the message, byte for byte, with deliver's two headers"
is "$(run 'if header :mime :anychild :param "filename" "Content-Disposition" "Invoice 42.pdf" { fileinto "Named"; }')" \
    "0:Named/new" ":anychild outside a loop; :param joins RFC 2231 pieces and decodes them"
is "$(run 'if header :mime :type "Content-Type" "multipart" { fileinto "Top"; }')" \
    "0:Top/new" ":mime outside a loop reads the message's own header"
is "$(run 'if header :mime "Content-Type" "application/pdf" { fileinto "Wrong"; }')" \
    "0:INBOX/new" "...and only that one without :anychild"
is "$(run 'set "n" ""; foreverypart { set "n" "${n}x"; } set :length "l" "${n}"; fileinto "Parts${l}";')" \
    "0:Parts5/new" "five parts visited (message, alternative, text, html, pdf); the epilogue is not one"
is "$(run 'set "t" ""; foreverypart { set "t" "${t}o"; foreverypart { set "t" "${t}i"; } } fileinto "${t}";')" \
    "0:oiiiioiiooo/new" "a nested loop visits the parts inside the outer loop's part"
is "$(run 'set "t" ""; foreverypart :name "outer" { foreverypart { set "t" "${t}i"; break :name "outer"; } set "t" "${t}o"; } fileinto "X${t}";')" \
    "0:Xi/new" "break :name leaves the outer loop from the inner one"
is "$(run 'foreverypart { if header :mime :contenttype "Content-Type" "text/html" { extracttext :first 14 "x"; fileinto "${x}"; } }')" \
    "0:Hello, the inv/new" "extracttext :first: the HTML part's text without markup"
is "$(run 'foreverypart { if header :mime :contenttype "Content-Type" "application/pdf" { extracttext :upper :first 5 "x"; fileinto "${x}"; } }')" \
    "0:HELLO/new" "extracttext decodes base64; modifiers apply"
is "$(run 'foreverypart { if header :mime :type "Content-Type" "multipart" { extracttext "x"; if string "${x}" "" { fileinto "Empty"; } } }')" \
    "0:Empty/new" "a part with parts inside gives \"\" (both multiparts file into Empty, once)"

# Pigeonhole's reach past the last child (sieve-test 0.5.19 gives these
# two folders for this message and these scripts)
q="$TMP/q"
printf '%s\n' 'From: a@example.com' 'Subject: quirk' \
    'Content-Type: multipart/mixed; boundary=R' '' '--R' \
    'Content-Type: multipart/mixed; boundary=M1' 'X-N: M1' '' '--M1' \
    'Content-Type: text/plain' 'X-N: x' '' 'x' '--M1' \
    'Content-Type: multipart/mixed; boundary=M2' 'X-N: M2' '' '--M2' \
    'Content-Type: text/plain' 'X-N: y' '' 'y' '--M2' \
    'Content-Type: text/plain' 'X-N: z' '' 'z' '--M2--' '--M1--' '--R' \
    'Content-Type: text/plain' 'X-N: w' '' 'w' '--R--' > "$q"
reset_md
script 'require ["fileinto", "mime", "foreverypart", "variables"];
set "r" "";
foreverypart {
  if header :mime :matches "X-N" "*" { set "o" "${1}"; } else { set "o" "root"; }
  set "r" "${r}_${o}-";
  foreverypart { if header :mime :matches "X-N" "*" { set "r" "${r}${1}"; } }
}
fileinto "${r}";'
sdlv "$q"
is "$RC:$(landed)" "0:_root-M1xM2yzw_M1-xM2yz_x-_M2-yzw_y-_z-_w-/new" \
    "a loop inside the last child of a multipart runs on to the parts after it, as Pigeonhole's"
reset_md
script 'require ["fileinto", "mime", "foreverypart", "variables", "relational", "comparator-i;ascii-numeric"];
set "r" "";
foreverypart {
  if header :mime :matches "X-N" "*" { set "o" "${1}"; } else { set "o" "root"; }
  set "c" "0";
  if header :mime :anychild :count "eq" :comparator "i;ascii-numeric" "X-N" "2" { set "c" "2"; }
  if header :mime :anychild :count "eq" :comparator "i;ascii-numeric" "X-N" "4" { set "c" "4"; }
  if header :mime :anychild :count "eq" :comparator "i;ascii-numeric" "X-N" "5" { set "c" "5"; }
  if header :mime :anychild :count "eq" :comparator "i;ascii-numeric" "X-N" "6" { set "c" "6"; }
  set "r" "${r}_${o}${c}";
}
fileinto "${r}";'
sdlv "$q"
is "$RC:$(landed)" "0:_root6_M15_x0_M24_y0_z2_w0/new" \
    ":anychild counts the same parts (x, y, w: one each, not counted here)"

# sieve-examples/pdf-attachments.sieve
cp "$SRCDIR/sieve-examples/pdf-attachments.sieve" "$TMP/s.sieve"
chmod 644 "$TMP/s.sieve"
reset_md; sdlv "$m"
is "$RC:$(landed)" "0:Documents/new" "pdf-attachments example: application/pdf part"
x="$TMP/x"
sed 's#application/pdf; name="Invoice 42.pdf"#application/octet-stream#' "$m" > "$x"
reset_md; sdlv "$x"
is "$RC:$(landed)" "0:Documents/new" "...an octet-stream whose RFC 2231 filename ends in .pdf"
sed -e 's#application/pdf; name="Invoice 42.pdf"#application/octet-stream#' -e 's#\.pdf#.txt#' "$m" > "$x"
reset_md; sdlv "$x"
is "$RC:$(landed)" "0:INBOX/new" "...no PDF: INBOX"
printf 'Subject: note\nContent-Type: text/plain\n\nsee the pdf\n' > "$x"
reset_md; sdlv "$x"
is "$RC:$(landed)" "0:INBOX/new" "...a plain message: INBOX"

# errors when checked: the message is kept
run 'break;' > "$TMP/out"
is "$(cat "$TMP/out")" "0:INBOX/new" "break outside a loop: the script fails, kept"
like "$ERR" "the break command is not placed inside a foreverypart loop" "...with Pigeonhole's message"
run 'foreverypart { foreverypart { foreverypart { foreverypart { foreverypart { keep; } } } } }' > "$TMP/out"
like "$ERR" "exceeds the nesting limit \(<= 4 levels\)" "five nested loops: Pigeonhole's limit of 4"

# hostile MIME: 1,000 nested multiparts, then a part that never ends
h="$TMP/deep"
{
	printf 'Subject: deep\nContent-Type: multipart/mixed; boundary=b0x\n\n'
	for i in $(seq 1 1000); do
		printf -- '--b%dx\nContent-Type: multipart/mixed; boundary=b%dx\n\n' $((i - 1)) "$i"
	done
	printf -- '--b1000x\nContent-Type: application/pdf\n\nno end boundary follows\n'
} > "$h"
reset_md
script 'require ["fileinto", "mime", "foreverypart"];
foreverypart { foreverypart { if header :mime :contenttype "Content-Type" "application/pdf" { fileinto "Never"; } } }
if header :mime :anychild :type "Content-Type" "nothing" { fileinto "Never"; }'
start=$(date +%s)
sdlv "$h"
is "$RC:$(landed)" "0:INBOX/new" "1,000 nested parts: walked to the nesting cap (the deepest are text), the message filed"
ok "...in bounded time (under 10 s)" test $(( $(date +%s) - start )) -lt 10
reset_md
printf 'Subject: open\nContent-Type: multipart/mixed; boundary=X\n\n--X\nContent-Type: text/plain\n\nno end\n' > "$h"
script 'require ["fileinto", "mime", "foreverypart", "variables", "extracttext"];
foreverypart { extracttext "t"; if string :matches "${t}" "no end*" { fileinto "Open"; } }'
sdlv "$h"
is "$RC:$(landed)" "0:Open/new" "a part without its end boundary runs to the end of the message"
finish
