/* sieve_mime_html.c: the text of an HTML part for body :text, as
 * Dovecot's mail_html2text gives it to Pigeonhole: tags become a single
 * space, comments, <script>, <style> vanish, CDATA sections are kept as
 * text, entities (named ones from a common set, and &#N; &#xN;) become
 * their character, a broken entity loses its "&", an unknown one
 * vanishes; inside <blockquote> a tag ends with a line break and ">".
 * The input is the whole (bounded) content at once, as Pigeonhole passes
 * it; an unfinished construct at its end is dropped, as there. */
#include "sieve_mime_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "growbuf.h"

#define WS(c) ((c) == ' ' || (c) == '\t' || (c) == '\r' || (c) == '\n')

static const struct {
	const char *name;
	unsigned cp;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", 0xa0 }, { "copy", 0xa9 },
	{ "reg", 0xae }, { "trade", 0x2122 }, { "euro", 0x20ac },
	{ "pound", 0xa3 }, { "yen", 0xa5 }, { "cent", 0xa2 },
	{ "sect", 0xa7 }, { "para", 0xb6 }, { "deg", 0xb0 },
	{ "plusmn", 0xb1 }, { "times", 0xd7 }, { "divide", 0xf7 },
	{ "middot", 0xb7 }, { "bull", 0x2022 }, { "hellip", 0x2026 },
	{ "ndash", 0x2013 }, { "mdash", 0x2014 }, { "lsquo", 0x2018 },
	{ "rsquo", 0x2019 }, { "sbquo", 0x201a }, { "ldquo", 0x201c },
	{ "rdquo", 0x201d }, { "bdquo", 0x201e }, { "laquo", 0xab },
	{ "raquo", 0xbb }, { "shy", 0xad }, { "iexcl", 0xa1 },
	{ "iquest", 0xbf }, { "auml", 0xe4 }, { "ouml", 0xf6 },
	{ "uuml", 0xfc }, { "Auml", 0xc4 }, { "Ouml", 0xd6 },
	{ "Uuml", 0xdc }, { "szlig", 0xdf }, { "eacute", 0xe9 },
	{ "egrave", 0xe8 }, { "ecirc", 0xea }, { "aacute", 0xe1 },
	{ "agrave", 0xe0 }, { "acirc", 0xe2 }, { "ccedil", 0xe7 },
	{ "ntilde", 0xf1 }, { "oacute", 0xf3 }, { "uacute", 0xfa },
	{ "iacute", 0xed }, { "Eacute", 0xc9 }, { "zwnj", 0x200c },
	{ "zwj", 0x200d }, { "thinsp", 0x2009 }, { "ensp", 0x2002 },
	{ "emsp", 0x2003 },
};

enum hstate {
	H_TEXT, H_TAG, H_TAG_DQ, H_TAG_DQ_ESC, H_TAG_SQ, H_TAG_SQ_ESC,
	H_COMMENT, H_COMMENT_END, H_SCRIPT, H_STYLE, H_CDATA
};

struct html {
	enum hstate state;
	unsigned quote_level;
	bool add_newline;
	struct growbuf *out;
};

static void put_cp(struct growbuf *out, unsigned cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	growbuf_add(out, b, n);
}

static void add_space(struct growbuf *out)
{
	if (out->len > 0 && out->data[out->len - 1] != ' ' &&
	    out->data[out->len - 1] != '\n')
		growbuf_add(out, " ", 1);
}

static bool prefix_ci(const char *d, size_t n, const char *word)
{
	size_t len = strlen(word);

	return n >= len && strncasecmp(d, word, len) == 0;
}

/* After "<" at d (n bytes): how many bytes of the tag's start to eat
 * (0: not enough input to tell). */
static size_t tag_name(struct html *h, const char *d, size_t n)
{
	size_t i;

	if (prefix_ci(d, n, "!--")) {
		h->state = H_COMMENT;
		return 4;
	}
	if (n >= 7 && prefix_ci(d, n, "script") && (WS(d[6]) || d[6] == '>')) {
		h->state = H_SCRIPT;
		return 8;
	}
	if (n >= 6 && prefix_ci(d, n, "style") && (WS(d[5]) || d[5] == '>')) {
		h->state = H_STYLE;
		return 7;
	}
	if (prefix_ci(d, n, "![CDATA[")) {
		h->state = H_CDATA;
		return 9;
	}
	if (n >= 11 && prefix_ci(d, n, "blockquote") &&
	    (WS(d[10]) || d[10] == '>')) {
		h->quote_level++;
		h->state = H_TAG;
		return 1;
	}
	if (h->quote_level > 0 && prefix_ci(d, n, "/blockquote>")) {
		h->quote_level--;
		h->add_newline = true;
		h->state = H_TAG;
		return 1;
	}
	if (n < 12) {
		for (i = 0; i < n && !WS(d[i]) && d[i] != '>'; i++)
			;
		if (i == n)
			return 0;
	}
	h->state = H_TAG;
	return 1;
}

static bool entity_cp(const char *name, unsigned *cp)
{
	char *end;
	unsigned long v;

	for (size_t i = 0; i < sizeof entities / sizeof entities[0]; i++)
		if (strcmp(entities[i].name, name) == 0) {
			*cp = entities[i].cp;
			return true;
		}
	if (name[0] != '#' || name[1] == '\0')
		return false;
	if (name[1] == 'x' && name[2] != '\0')
		v = strtoul(name + 2, &end, 16);
	else
		v = strtoul(name + 1, &end, 10);
	if (*end != '\0' || v == 0 || v > 0x10ffff ||
	    (v >= 0xd800 && v <= 0xdfff))
		return false;
	*cp = (unsigned)v;
	return true;
}

/* After "&" at d: bytes to eat (0: not enough input). */
static size_t entity(struct html *h, const char *d, size_t n)
{
	char name[10];
	unsigned cp;
	size_t i;

	for (i = 0; i < n; i++) {
		if (WS(d[i]) || i >= sizeof name)
			return 1;   /* broken: the "&" goes */
		if (d[i] == ';')
			break;
	}
	if (i == n)
		return 0;
	memcpy(name, d, i);
	name[i] = '\0';
	if (entity_cp(name, &cp))
		put_cp(h->out, cp);
	return i + 2;
}

/* Where a closing word ("</script>") ends the state at d: bytes to eat,
 * 1 when this "<" is not it, 0 when the input ends inside it. */
static size_t closing(const char *d, size_t n, const char *word)
{
	size_t len = strlen(word), m = n < len ? n : len;

	if (strncasecmp(d, word, m) != 0)
		return 1;
	return m < len ? 0 : len;
}

static size_t step_text(struct html *h, const char *d, size_t n)
{
	if (d[0] == '<')
		return tag_name(h, d + 1, n - 1);
	if (d[0] == '&')
		return entity(h, d + 1, n - 1);
	growbuf_add(h->out, d, 1);
	return 1;
}

static void tag_end(struct html *h)
{
	h->state = H_TEXT;
	if (h->quote_level > 0)
		growbuf_add(h->out, "\n>", 2);
	else if (h->add_newline)
		growbuf_add(h->out, "\n", 1);
	h->add_newline = false;
	add_space(h->out);
}

/* One step at d (n > 0 bytes left): bytes eaten, 0 = need more. */
static size_t step(struct html *h, const char *d, size_t n)
{
	char c = d[0];
	size_t k;

	switch (h->state) {
	case H_TEXT:
		return step_text(h, d, n);
	case H_TAG:
		if (c == '"')
			h->state = H_TAG_DQ;
		else if (c == '\'')
			h->state = H_TAG_SQ;
		else if (c == '>')
			tag_end(h);
		return 1;
	case H_TAG_DQ:
	case H_TAG_SQ:
		if (c == (h->state == H_TAG_DQ ? '"' : '\''))
			h->state = H_TAG;
		else if (c == '\\')
			h->state = h->state == H_TAG_DQ ? H_TAG_DQ_ESC :
			    H_TAG_SQ_ESC;
		return 1;
	case H_TAG_DQ_ESC:
		h->state = H_TAG_DQ;
		return 1;
	case H_TAG_SQ_ESC:
		h->state = H_TAG_SQ;
		return 1;
	case H_COMMENT:
		if (c != '-')
			return 1;
		if (n < 2)
			return 0;
		if (d[1] != '-')
			return 1;
		h->state = H_COMMENT_END;
		return 2;
	case H_COMMENT_END:
		if (c == '>')
			h->state = H_TEXT;
		else if (!WS(c))
			h->state = H_COMMENT;
		return 1;
	case H_SCRIPT:
	case H_STYLE:
		if (c != '<')
			return 1;
		k = closing(d, n, h->state == H_SCRIPT ? "</script>" :
		    "</style>");
		if (k > 1) {
			add_space(h->out);
			h->state = H_TEXT;
		}
		return k;
	case H_CDATA:
		if (c == ']') {
			k = closing(d, n, "]]>");
			if (k != 1) {
				if (k > 1)
					h->state = H_TEXT;
				return k;
			}
		}
		growbuf_add(h->out, d, 1);
		return 1;
	}
	return 1;
}

void mime_html_to_text(const char *in, size_t len, struct growbuf *out)
{
	struct html h = { H_TEXT, 0, false, out };
	size_t i = 0, k;

	while (i < len) {
		if ((k = step(&h, in + i, len - i)) == 0)
			break;   /* unfinished at the end: dropped */
		i += k;
	}
}

bool mime_html_type(const char *content_type)
{
	return strcasecmp(content_type, "text/html") == 0 ||
	    strcasecmp(content_type, "application/xhtml+xml") == 0;
}
