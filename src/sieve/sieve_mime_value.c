/* sieve_mime_value.c: the Content-* header values the MIME walker reads
 * (RFC 2045 section 5.1, RFC 2183, RFC 2231), parsed as Dovecot's
 * rfc822 parser reads them for Pigeonhole: a token is atext without the
 * tspecials, plus "."; blanks and (comments) may stand between the
 * pieces; a type with anything but blanks or ";" after it is invalid. */
#include "sieve_mime.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "codec_digit.h"

struct cursor {
	const char *p, *end;
};

static bool token_char(unsigned char c)
{
	if (c <= ' ' || c >= 127)
		return false;
	return strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* Blanks, line breaks and comments (nested, with quoted pairs). */
static void skip_lwsp(struct cursor *c)
{
	while (c->p < c->end) {
		if (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' ||
		    *c->p == '\n') {
			c->p++;
			continue;
		}
		if (*c->p != '(')
			return;
		size_t depth = 0;

		for (; c->p < c->end; c->p++) {
			if (*c->p == '\\' && c->p + 1 < c->end)
				c->p++;
			else if (*c->p == '(')
				depth++;
			else if (*c->p == ')' && --depth == 0) {
				c->p++;
				break;
			}
		}
	}
}

/* A token at the cursor: its length (0 when none), cursor past it. */
static size_t token(struct cursor *c, const char **start)
{
	*start = c->p;
	while (c->p < c->end && token_char((unsigned char)*c->p))
		c->p++;
	return (size_t)(c->p - *start);
}

static void put(char *out, size_t outlen, size_t *at, const char *s,
    size_t n)
{
	for (size_t i = 0; i < n && *at + 1 < outlen; i++)
		out[(*at)++] = s[i];
	if (outlen > 0)
		out[*at < outlen ? *at : outlen - 1] = '\0';
}

int mime_content_type_parse(const char *value, size_t len, char *out,
    size_t outlen)
{
	struct cursor c = { value, value + len };
	const char *type, *sub;
	size_t tlen, slen, at = 0;

	if (outlen > 0)
		out[0] = '\0';
	skip_lwsp(&c);
	if ((tlen = token(&c, &type)) == 0)
		return -1;
	skip_lwsp(&c);
	if (c.p >= c.end || *c.p != '/')
		return -1;
	c.p++;
	skip_lwsp(&c);
	if ((slen = token(&c, &sub)) == 0)
		return -1;
	skip_lwsp(&c);
	if (c.p < c.end && *c.p != ';')
		return -1;
	if (tlen + 1 + slen >= outlen)
		return -1;
	put(out, outlen, &at, type, tlen);
	put(out, outlen, &at, "/", 1);
	put(out, outlen, &at, sub, slen);
	return 0;
}

void mime_disposition_parse(const char *value, size_t len, char *out,
    size_t outlen)
{
	struct cursor c = { value, value + len };
	const char *t;
	size_t tlen, at = 0;

	if (outlen > 0)
		out[0] = '\0';
	skip_lwsp(&c);
	tlen = token(&c, &t);
	skip_lwsp(&c);
	if (tlen == 0 || tlen >= outlen || (c.p < c.end && *c.p != ';'))
		return;
	put(out, outlen, &at, t, tlen);
}

enum mime_cte mime_cte_parse(const char *value, size_t len)
{
	struct cursor c = { value, value + len };
	const char *t;
	size_t n;

	skip_lwsp(&c);
	n = token(&c, &t);
	skip_lwsp(&c);
	if (c.p < c.end && *c.p != ';')
		return MIME_CTE_UNKNOWN;
	if ((n == 4 && (strncasecmp(t, "7bit", 4) == 0 ||
	    strncasecmp(t, "8bit", 4) == 0)) ||
	    (n == 6 && strncasecmp(t, "binary", 6) == 0))
		return MIME_CTE_IDENTITY;
	if (n == 6 && strncasecmp(t, "base64", 6) == 0)
		return MIME_CTE_BASE64;
	if (n == 16 && strncasecmp(t, "quoted-printable", 16) == 0)
		return MIME_CTE_QP;
	return MIME_CTE_UNKNOWN;
}

/* A parameter value (token or quoted string) appended to out; cursor
 * past it. */
static void param_value(struct cursor *c, char *out, size_t outlen,
    size_t *at)
{
	const char *t;
	size_t n;

	if (c->p < c->end && *c->p == '"') {
		for (c->p++; c->p < c->end && *c->p != '"'; c->p++) {
			if (*c->p == '\\' && c->p + 1 < c->end)
				c->p++;
			put(out, outlen, at, c->p, 1);
		}
		if (c->p < c->end)
			c->p++;
		return;
	}
	/* a token; Dovecot accepts any run up to ';' or a blank here */
	t = c->p;
	while (c->p < c->end && *c->p != ';' && *c->p != ' ' &&
	    *c->p != '\t' && *c->p != '\r' && *c->p != '\n')
		c->p++;
	n = (size_t)(c->p - t);
	put(out, outlen, at, t, n);
}

/* RFC 2231 section 4: charset'language'%XX-encoded, decoded in place
 * (the charset is not converted: boundaries and charsets are ASCII). */
static void ext_decode(char *s)
{
	char *q = strchr(s, '\''), *w = s;

	if (q == NULL || (q = strchr(q + 1, '\'')) == NULL)
		return;
	for (const char *r = q + 1; *r; r++) {
		int hi = *r == '%' ? hex_digit_value(r[1]) : -1;
		int lo = hi >= 0 ? hex_digit_value(r[2]) : -1;

		if (lo >= 0) {
			*w++ = (char)(hi * 16 + lo);
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* Whether the parameter name n[0..nlen) is name, or its RFC 2231 form
 * name*, name*N, name*N*: *section gets N (-1 for none), *ext whether
 * the value is %-encoded. */
static bool param_name_is(const char *n, size_t nlen, const char *name,
    long *section, bool *ext)
{
	size_t len = strlen(name);

	*section = -1;
	*ext = false;
	if (nlen < len || strncasecmp(n, name, len) != 0)
		return false;
	if (nlen == len)
		return true;
	if (n[len] != '*')
		return false;
	n += len + 1;
	nlen -= len + 1;
	if (nlen == 0) {
		*ext = true;
		return true;
	}
	long v = 0;
	size_t i = 0;

	for (; i < nlen && n[i] >= '0' && n[i] <= '9' && v < 1000; i++)
		v = v * 10 + (n[i] - '0');
	if (i == 0)
		return false;
	*section = v;
	if (i == nlen)
		return true;
	if (i + 1 == nlen && n[i] == '*') {
		*ext = true;
		return true;
	}
	return false;
}

int mime_param_get(const char *value, size_t len, const char *name,
    char *out, size_t outlen)
{
	struct cursor c = { value, value + len };
	char piece[MIME_VALUE_MAX];
	long want = 0;        /* the next continuation section */
	bool found = false, first_ext = false;
	size_t at = 0;

	if (outlen == 0)
		return 0;
	out[0] = '\0';
	/* past the type: everything up to the first ';' outside quotes */
	while (c.p < c.end && *c.p != ';') {
		if (*c.p == '"')
			for (c.p++; c.p < c.end && *c.p != '"'; c.p++)
				if (*c.p == '\\' && c.p + 1 < c.end)
					c.p++;
		if (c.p < c.end)
			c.p++;
	}
	while (c.p < c.end) {
		const char *n;
		size_t nlen, plen = 0;
		long section;
		bool ext;

		c.p++;   /* ';' */
		skip_lwsp(&c);
		nlen = token(&c, &n);
		skip_lwsp(&c);
		if (nlen == 0 || c.p >= c.end || *c.p != '=') {
			while (c.p < c.end && *c.p != ';')
				c.p++;
			continue;
		}
		c.p++;
		skip_lwsp(&c);
		piece[0] = '\0';
		param_value(&c, piece, sizeof piece, &plen);
		skip_lwsp(&c);
		while (c.p < c.end && *c.p != ';')
			c.p++;
		if (!param_name_is(n, nlen, name, &section, &ext))
			continue;
		if (section < 0 && !found) {   /* plain name= or name*= */
			if (ext)
				ext_decode(piece);
			put(out, outlen, &at, piece, strlen(piece));
			return 1;
		}
		if (section == want) {
			if (section == 0)
				first_ext = ext;
			if (ext && section == 0)
				ext_decode(piece);
			else if (ext && first_ext) {
				/* later sections are %-encoded without the
				 * charset'language' prefix */
				char tmp[MIME_VALUE_MAX + 2] = "''";

				strlcat(tmp, piece, sizeof tmp);
				ext_decode(tmp);
				strlcpy(piece, tmp, sizeof piece);
			}
			put(out, outlen, &at, piece, strlen(piece));
			found = true;
			want++;
		}
	}
	return found ? 1 : 0;
}
