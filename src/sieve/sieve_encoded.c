/* sieve_encoded.c: the encoded-character extension's decoding (RFC 5228
 * section 2.4.2.4): "${hex: 41 42}" and "${unicode: 263A}" in a constant
 * string become the bytes or the UTF-8 characters they name.
 *
 * What is not a complete, valid encoding stays as written, and scanning
 * resumes just after the "${" (so "${hex:4${hex:30}}" decodes the inner
 * one only).  The details follow Pigeonhole, which scripts are written
 * against: whitespace is space, tab, LF and CRLF (a CR alone spoils the
 * encoding); a hex pair is at most two digits and a third one spoils it;
 * a Unicode value of any length is read into 32 bits (a longer one wraps
 * around); the encoding's name may be any case-insensitive prefix of
 * "hex" or "unicode" (even an empty one: "${:41}" is "A").  A surrogate
 * or a value above 10FFFF is an error, reported when an encoding is
 * closed by its "}", even a later one than the bad value's own (as in
 * Pigeonhole, the bad value is remembered for the rest of the string). */
#include "sieve_vars.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "codec_digit.h"
#include "sieve_vars_int.h"

enum encoding { ENC_NONE, ENC_HEX, ENC_UNICODE };

struct decoder {
	const char *in;
	size_t len;
	size_t pos;
	uint32_t bad;          /* first invalid code point, 0 when none */
	struct growbuf piece;  /* what the current encoding decodes to */
};

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Skip blanks; false on a CR not followed by LF. */
static bool skip_blanks(struct decoder *d)
{
	while (d->pos < d->len) {
		char c = d->in[d->pos];

		if (c == '\r') {
			d->pos++;
			if (d->pos >= d->len || d->in[d->pos] != '\n')
				return false;
			continue;
		}
		if (c != ' ' && c != '\t' && c != '\n')
			break;
		d->pos++;
	}
	return true;
}

/* Hex digits (at most max of them, max 0: any number) into *value. */
static bool read_hex(struct decoder *d, size_t max, uint32_t *value)
{
	size_t digits = 0;
	int h;

	*value = 0;
	while (d->pos < d->len && (max == 0 || digits < max)) {
		if ((h = hex_digit_value(d->in[d->pos])) < 0)
			return digits > 0;
		*value = (*value << 4) + (uint32_t)h;
		d->pos++;
		digits++;
	}
	if (max != 0 && digits == max)
		return d->pos >= d->len || hex_digit_value(d->in[d->pos]) < 0;
	return digits > 0;
}

static void add_utf8(struct growbuf *b, uint32_t cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xC0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xE0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xF0 | (cp >> 18));
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	growbuf_add(b, u, n);
}

static bool valid_code_point(uint32_t cp)
{
	return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
}

/* The values of one encoding into d->piece; false when there are none or
 * the blanks are malformed. */
static bool decode_values(struct decoder *d, enum encoding enc)
{
	size_t values = 0;
	bool first_bad = true;
	uint32_t v;

	d->piece.len = 0;
	while (d->pos < d->len) {
		if (!skip_blanks(d))
			return false;
		if (!read_hex(d, enc == ENC_HEX ? 2 : 0, &v))
			break;
		if (enc == ENC_HEX) {
			unsigned char byte = (unsigned char)v;

			growbuf_add(&d->piece, &byte, 1);
		} else if (valid_code_point(v)) {
			add_utf8(&d->piece, v);
		} else if (first_bad) {
			d->bad = v;
			first_bad = false;
		}
		values++;
	}
	return values > 0;
}

/* The encoding named by in[from..to). */
static enum encoding encoding_named(const char *name, size_t n)
{
	if (n <= 3 && strncasecmp(name, "hex", n) == 0)
		return ENC_HEX;
	if (n <= 7 && strncasecmp(name, "unicode", n) == 0)
		return ENC_UNICODE;
	return ENC_NONE;
}

/* Try the encoding whose "${" starts at d->pos.  True with d->pos past
 * its "}" and d->piece holding its bytes; false with d->pos where
 * scanning goes on. */
static bool try_encoding(struct decoder *d)
{
	size_t name = d->pos + 2;
	enum encoding enc;

	d->pos = name;
	while (d->pos < d->len && is_alpha(d->in[d->pos]))
		d->pos++;
	if (d->pos >= d->len || d->in[d->pos] != ':')
		return false;
	enc = encoding_named(d->in + name, d->pos - name);
	d->pos++;
	if (enc == ENC_NONE || !decode_values(d, enc))
		return false;
	if (d->pos >= d->len || d->in[d->pos] != '}')
		return false;
	d->pos++;
	return true;
}

int sieve_encoded_decode(const char *in, size_t inlen, char **out,
    size_t *outlen, char *err, size_t errlen)
{
	struct decoder d = { .in = in, .len = inlen };
	struct growbuf b = { 0 };
	size_t literal = 0, start;

	while (d.pos + 1 < d.len) {
		if (in[d.pos] != '$' || in[d.pos + 1] != '{') {
			d.pos++;
			continue;
		}
		start = d.pos;
		if (!try_encoding(&d))
			continue;
		if (d.bad != 0) {
			(void)snprintf(err, errlen, "invalid unicode character "
			    "0x%08x in encoded character substitution",
			    (unsigned int)d.bad);
			free(d.piece.data);
			free(b.data);
			*out = NULL;
			*outlen = 0;
			return -1;
		}
		growbuf_add(&b, in + literal, start - literal);
		growbuf_add(&b, d.piece.data != NULL ? d.piece.data : "",
		    d.piece.len);
		literal = d.pos;
	}
	growbuf_add(&b, in + literal, inlen - literal);
	b.nomem |= d.piece.nomem;
	free(d.piece.data);
	return sieve_growbuf_finish(&b, out, outlen);
}
