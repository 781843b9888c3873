/* rfc2047.c: encoded-word decoding (see rfc2047.h). */
#include "rfc2047.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec_digit.h"
#include "growbuf.h"

static void buf_addc(struct growbuf *b, char c)
{
	growbuf_add(b, &c, 1);
}

/* Q encoding (RFC 2047 section 4.2) into out; -1 on a bad escape. */
static int decode_q(const char *p, size_t n, struct growbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '_') {
			buf_addc(out, ' ');
		} else if (p[i] == '=') {
			int hi, lo;

			if (i + 2 >= n)
				return -1;
			hi = hex_digit_value((unsigned char)p[i + 1]);
			lo = hex_digit_value((unsigned char)p[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			buf_addc(out, (char)(hi << 4 | lo));
			i += 2;
		} else {
			buf_addc(out, p[i]);
		}
	}
	return 0;
}

/* B encoding (base64); padding optional, anything else is an error. */
static int decode_b(const char *p, size_t n, struct growbuf *out)
{
	unsigned acc = 0;
	int bits = 0;
	size_t i;

	for (i = 0; i < n && p[i] != '='; i++) {
		int v = base64_digit_value((unsigned char)p[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(out, (char)((acc >> bits) & 0xff));
		}
	}
	for (; i < n; i++)
		if (p[i] != '=')
			return -1;
	return 0;
}

/* Length of the valid UTF-8 sequence at p, 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	size_t len;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

bool rfc2047_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		size_t len = utf8_seq(p + i, n - i);

		if (len == 0)
			return false;
		i += len;
	}
	return true;
}

static bool charset_is_utf8(const char *cs)
{
	return strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0 ||
	    strcasecmp(cs, "us-ascii") == 0;
}

/* Convert raw bytes in charset to UTF-8 into out; -1 if impossible. */
static int to_utf8(const char *charset, const struct growbuf *raw, struct growbuf *out)
{
	iconv_t cd;
	char *in, *o, *conv;
	size_t inleft, outleft, cap;
	int rc = 0;

	if (charset_is_utf8(charset)) {
		if (!rfc2047_utf8_valid(raw->data, raw->len))
			return -1;
		growbuf_add(out, raw->data, raw->len);
		return 0;
	}
	if ((cd = iconv_open("UTF-8", charset)) == (iconv_t)-1)
		return -1;
	cap = raw->len * 4 + 8;
	if ((conv = malloc(cap)) == NULL) {
		iconv_close(cd);
		out->nomem = true;
		return -1;
	}
	in = raw->data;
	inleft = raw->len;
	o = conv;
	outleft = cap;
	if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &o, &outleft) == (size_t)-1)
		rc = -1;
	else
		growbuf_add(out, conv, (size_t)(o - conv));
	free(conv);
	iconv_close(cd);
	return rc;
}

/* If an encoded word starts at p, decode it (appending UTF-8 to out) and
 * return its length; else return 0 and leave out as it was. */
static size_t decode_word(const char *p, struct growbuf *out)
{
	const char *cs, *q, *text, *end;
	char charset[64];
	struct growbuf raw = { 0 };
	size_t cslen, before = out->len;
	int enc, rc;

	if (p[0] != '=' || p[1] != '?')
		return 0;
	cs = p + 2;
	if ((q = strchr(cs, '?')) == NULL || q == cs ||
	    (size_t)(q - cs) >= sizeof charset)
		return 0;
	enc = toupper((unsigned char)q[1]);
	if ((enc != 'B' && enc != 'Q') || q[2] != '?')
		return 0;
	text = q + 3;
	if ((end = strstr(text, "?=")) == NULL)
		return 0;
	for (const char *t = text; t < end; t++)
		if (isspace((unsigned char)*t) || *t == '?')
			return 0;
	cslen = (size_t)(q - cs);
	memcpy(charset, cs, cslen);
	charset[cslen] = '\0';
	charset[strcspn(charset, "*")] = '\0';	/* RFC 2231 language */
	for (size_t i = 0; i < cslen; i++)
		if (isspace((unsigned char)charset[i]))
			return 0;
	rc = enc == 'B' ? decode_b(text, (size_t)(end - text), &raw) :
	    decode_q(text, (size_t)(end - text), &raw);
	if (rc == 0 && !raw.nomem && raw.data != NULL)
		rc = to_utf8(charset, &raw, out);
	else if (rc == 0 && raw.data == NULL)
		rc = 0;		/* empty word */
	else
		rc = -1;
	free(raw.data);
	if (rc < 0) {
		out->len = before;
		if (out->data)
			out->data[before] = '\0';
		return 0;
	}
	return (size_t)(end + 2 - p);
}

static void sanitize_controls(char *s, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = '?';
}

/* Decode a run of adjacent encoded words starting at p; returns the bytes
 * consumed (0 if no word starts at p).  The decoded text goes to out. */
static size_t decode_run(const char *p, struct growbuf *out)
{
	size_t used = decode_word(p, out), ws, more;

	if (used == 0)
		return 0;
	for (;;) {
		ws = strspn(p + used, " \t\r\n");
		if (ws == 0)
			break;
		if ((more = decode_word(p + used + ws, out)) == 0)
			break;
		used += ws + more;
	}
	return used;
}

/* Put text into out as a phrase: quoted when it holds specials. */
static void add_phrase(struct growbuf *out, const char *text, size_t n)
{
	if (strcspn(text, "()<>[]:;@\\,.\"") >= n) {
		growbuf_add(out, text, n);
		return;
	}
	buf_addc(out, '"');
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '"' || text[i] == '\\')
			buf_addc(out, '\\');
		buf_addc(out, text[i]);
	}
	buf_addc(out, '"');
}

/* Skip an address-header construct that must stay untouched: a quoted
 * string, a comment or an angle address.  Returns its length (0 if none). */
static size_t skip_literal(const char *p)
{
	size_t i = 1;
	int depth = 1;

	switch (p[0]) {
	case '"':
		for (; p[i] && p[i] != '"'; i++)
			if (p[i] == '\\' && p[i + 1])
				i++;
		return p[i] ? i + 1 : i;
	case '(':
		for (; p[i] && depth > 0; i++) {
			if (p[i] == '\\' && p[i + 1])
				i++;
			else if (p[i] == '(')
				depth++;
			else if (p[i] == ')')
				depth--;
		}
		return i;
	case '<':
		while (p[i] && p[i] != '>')
			i++;
		return p[i] ? i + 1 : i;
	default:
		return 0;
	}
}

char *rfc2047_decode(const char *value, bool phrase_only)
{
	struct growbuf out = { 0 }, word = { 0 };
	const char *p = value;
	size_t n;

	growbuf_add(&out, "", 0);
	while (*p) {
		if (phrase_only && (n = skip_literal(p)) > 0) {
			growbuf_add(&out, p, n);
			p += n;
			continue;
		}
		word.len = 0;
		if ((n = decode_run(p, &word)) > 0 && !word.nomem) {
			if (word.data == NULL)
				growbuf_add(&word, "", 0);
			if (word.data != NULL)
				sanitize_controls(word.data, 0, word.len);
			if (phrase_only)
				add_phrase(&out, word.data ? word.data : "", word.len);
			else
				growbuf_add(&out, word.data ? word.data : "", word.len);
			p += n;
			continue;
		}
		buf_addc(&out, *p++);
	}
	free(word.data);
	if (out.nomem || word.nomem) {
		free(out.data);
		return NULL;
	}
	return out.data;
}

bool rfc2047_is_address_header(const char *name)
{
	static const char *const names[] = {
		"from", "sender", "reply-to", "to", "cc", "bcc",
		"resent-from", "resent-sender", "resent-to", "resent-cc",
		"resent-bcc", "return-path", "delivered-to", "envelope-to",
		"x-original-to", "errors-to", "mail-followup-to",
		"mail-reply-to", "disposition-notification-to", NULL
	};

	for (size_t i = 0; names[i]; i++)
		if (strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}
