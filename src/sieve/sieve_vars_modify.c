/* sieve_vars_modify.c: the modifiers of "set" (RFC 5229 section 4.1,
 * :encodeurl from RFC 5435 section 6, :quoteregex from the regex draft)
 * and the UTF-8 measuring the variables library shares.
 *
 * The modifiers behave as Pigeonhole's do, since scripts move between the
 * two: :lower, :upper, :lowerfirst and :upperfirst change ASCII letters
 * only (RFC 5229 leaves other scripts to the implementation), :length
 * counts UTF-8 characters, and every step keeps the value within the
 * variable size limit, the escaping modifiers stopping before an escape
 * that would not fit whole. */
#include "sieve_vars.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sieve_vars_int.h"

enum vars_mod {
	MOD_LOWER, MOD_UPPER, MOD_LOWERFIRST, MOD_UPPERFIRST,
	MOD_QUOTEWILDCARD, MOD_QUOTEREGEX, MOD_ENCODEURL, MOD_LENGTH
};

static const struct {
	const char *name;
	enum vars_mod mod;
	int precedence;
} modifiers[] = {
	{ "lower", MOD_LOWER, 40 },
	{ "upper", MOD_UPPER, 40 },
	{ "lowerfirst", MOD_LOWERFIRST, 30 },
	{ "upperfirst", MOD_UPPERFIRST, 30 },
	{ "quotewildcard", MOD_QUOTEWILDCARD, 20 },
	{ "quoteregex", MOD_QUOTEREGEX, 20 },
	{ "encodeurl", MOD_ENCODEURL, 15 },
	{ "length", MOD_LENGTH, 10 },
};
#define N_MODIFIERS (sizeof modifiers / sizeof modifiers[0])

size_t sieve_utf8_char_bytes(unsigned char c)
{
	if (c < 0xC2 || c >= 0xFE)
		return 1;
	if (c < 0xE0)
		return 2;
	if (c < 0xF0)
		return 3;
	if (c < 0xF8)
		return 4;
	if (c < 0xFC)
		return 5;
	return 6;
}

size_t sieve_utf8_strlen(const char *s, size_t len)
{
	size_t chars = 0, i = 0;

	while (i < len) {
		size_t n = sieve_utf8_char_bytes((unsigned char)s[i]);

		if (n > len - i)
			break;
		i += n;
		chars++;
	}
	return chars;
}

size_t sieve_utf8_truncate(const char *s, size_t len, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;

	if (max >= len)
		return len;
	if (max == 0 || (u[max] & 0x80) == 0)
		return max;
	while (max > 0 && (u[max - 1] & 0xC0) == 0x80)
		max--;
	if (max > 0 && (u[max - 1] & 0xC0) == 0xC0)
		max--;
	return max;
}

int sieve_growbuf_finish(struct growbuf *b, char **out, size_t *outlen)
{
	if (!b->nomem && b->data == NULL)
		growbuf_add(b, "", 0);
	if (b->nomem) {
		free(b->data);
		*out = NULL;
		*outlen = 0;
		return -1;
	}
	*out = b->data;
	*outlen = b->len;
	return 0;
}

/* The table entry of a tag, with or without its colon, any case. */
static int lookup(const char *tag)
{
	if (tag[0] == ':')
		tag++;
	for (size_t i = 0; i < N_MODIFIERS; i++)
		if (strcasecmp(tag, modifiers[i].name) == 0)
			return (int)i;
	return -1;
}

int sieve_vars_modifier_precedence(const char *tag)
{
	int i = lookup(tag);

	return i < 0 ? -1 : modifiers[i].precedence;
}

static void change_case(char *s, size_t len, bool upper)
{
	for (size_t i = 0; i < len; i++) {
		if (upper && s[i] >= 'a' && s[i] <= 'z')
			s[i] = (char)(s[i] - 'a' + 'A');
		else if (!upper && s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
	}
}

/* Put a backslash before every single-byte character in specials,
 * stopping where the next character (with its backslash) would take the
 * value past max. */
static void quote(struct growbuf *b, const char *in, size_t len, size_t max,
    const char *specials)
{
	size_t p = 0, from = 0;

	while (p < len) {
		size_t n = sieve_utf8_char_bytes((unsigned char)in[p]);

		if (n == 1 && in[p] != '\0' && strchr(specials, in[p])) {
			growbuf_add(b, in + from, p - from);
			from = p;
			if (b->len + 2 > max)
				break;
			growbuf_add(b, "\\", 1);
		} else if (b->len + (p - from) + n > max) {
			break;
		}
		if (n > len - p) {
			p = len;
			break;
		}
		p += n;
	}
	growbuf_add(b, in + from, p - from);
}

/* RFC 3986's unreserved characters stay; every other byte, and every byte
 * of a multi-byte character, becomes %XX, a character at a time so that
 * the limit never splits one. */
static bool url_unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

static void encodeurl(struct growbuf *b, const char *in, size_t len,
    size_t max)
{
	const unsigned char *u = (const unsigned char *)in;
	size_t p = 0, from = 0;

	while (p < len) {
		size_t n = sieve_utf8_char_bytes(u[p]);

		if (n > 1 || !url_unreserved(u[p])) {
			char hex[4];

			growbuf_add(b, in + from, p - from);
			if (b->len + 3 * n > max) {
				from = p;
				break;
			}
			for (size_t i = 0; i < n && p < len; i++, p++) {
				(void)snprintf(hex, sizeof hex, "%%%02X", u[p]);
				growbuf_add(b, hex, 3);
			}
			from = p;
			continue;
		}
		if (b->len + (p - from) + 1 > max)
			break;
		p++;
	}
	growbuf_add(b, in + from, p - from);
}

/* One modifier: in -> b (cut to max afterwards by the caller). */
static void apply(enum vars_mod mod, const char *in, size_t len, size_t max,
    struct growbuf *b)
{
	char num[32];

	switch (mod) {
	case MOD_LOWER:
	case MOD_UPPER:
	case MOD_LOWERFIRST:
	case MOD_UPPERFIRST:
		growbuf_add(b, in, len);
		if (b->nomem)
			return;
		change_case(b->data,
		    (mod == MOD_LOWER || mod == MOD_UPPER) ? b->len :
		    (b->len > 0), mod == MOD_UPPER || mod == MOD_UPPERFIRST);
		break;
	case MOD_QUOTEWILDCARD:
		quote(b, in, len, max, "*?\\");
		break;
	case MOD_QUOTEREGEX:
		quote(b, in, len, max, "\\^$.[]|()?*+{}");
		break;
	case MOD_ENCODEURL:
		encodeurl(b, in, len, max);
		break;
	case MOD_LENGTH:
		(void)snprintf(num, sizeof num, "%zu",
		    sieve_utf8_strlen(in, len));
		growbuf_add(b, num, strlen(num));
		break;
	}
}

/* mods' table entries into idx, highest precedence first; -1 when a tag
 * is unknown or two share a precedence (which RFC 5229 forbids). */
static int order(const char *const *mods, size_t nmods, int *idx)
{
	for (size_t i = 0; i < nmods; i++) {
		int m = lookup(mods[i]);
		size_t j;

		if (m < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (modifiers[idx[j]].precedence ==
			    modifiers[m].precedence)
				return -1;
		for (j = i; j > 0 && modifiers[idx[j - 1]].precedence <
		    modifiers[m].precedence; j--)
			idx[j] = idx[j - 1];
		idx[j] = m;
	}
	return 0;
}

int sieve_vars_modify_max(const char *const *mods, size_t nmods,
    const char *in, size_t inlen, size_t max, char **out, size_t *outlen)
{
	int idx[N_MODIFIERS];
	struct growbuf cur = { 0 };

	*out = NULL;
	*outlen = 0;
	if (nmods > N_MODIFIERS || order(mods, nmods, idx) != 0)
		return -1;
	growbuf_add(&cur, in, sieve_utf8_truncate(in, inlen, max));
	for (size_t i = 0; i < nmods && !cur.nomem; i++) {
		struct growbuf next = { 0 };
		const char *src = cur.data != NULL ? cur.data : "";

		apply(modifiers[idx[i]].mod, src, cur.len, max, &next);
		free(cur.data);
		cur = next;
		if (!cur.nomem && cur.data != NULL) {
			cur.len = sieve_utf8_truncate(cur.data, cur.len, max);
			cur.data[cur.len] = '\0';
		}
	}
	return sieve_growbuf_finish(&cur, out, outlen);
}

int sieve_vars_modify(const char *const *mods, size_t nmods, const char *in,
    size_t inlen, char **out, size_t *outlen)
{
	return sieve_vars_modify_max(mods, nmods, in, inlen,
	    SIEVE_VARS_VALUE_DEFAULT, out, outlen);
}
