/* pm_sieve.c: see pm_sieve.h. */
#include "pm_sieve.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void pm_sieve_line(struct pm_sieve *s, const char *fmt, ...)
{
	va_list ap;
	char small[512], *line = small;
	int n;

	for (int i = 0; i < s->indent; i++)
		growbuf_add(&s->text, "\t", 1);
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		s->text.nomem = true;
		return;
	}
	if ((size_t)n >= sizeof small) {
		if ((line = malloc((size_t)n + 1)) == NULL) {
			s->text.nomem = true;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(line, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	growbuf_add(&s->text, line, (size_t)n);
	growbuf_add(&s->text, "\n", 1);
	if (line != small)
		free(line);
}

void pm_sieve_quote(struct growbuf *b, const char *str)
{
	growbuf_add(b, "\"", 1);
	for (const char *p = str; *p; p++) {
		if (*p == '"' || *p == '\\')
			growbuf_add(b, "\\", 1);
		growbuf_add(b, p, 1);
	}
	growbuf_add(b, "\"", 1);
}

static const struct {
	enum pm_ext ext;
	const char *name;
} ext_names[] = {
	{ PM_EXT_FILEINTO, "fileinto" }, { PM_EXT_COPY, "copy" },
	{ PM_EXT_REGEX, "regex" }, { PM_EXT_BODY, "body" },
	{ PM_EXT_VARIABLES, "variables" }, { PM_EXT_DUPLICATE, "duplicate" },
	{ PM_EXT_ENCODED, "encoded-character" },
};

int pm_sieve_write(const struct pm_sieve *s, FILE *out)
{
	bool first = true;

	if (s->text.nomem)
		return -1;
	fputs("# Sieve script translated from a .procmailrc by "
	    "deliver --from-procmailrc\n", out);
	for (size_t i = 0; i < sizeof ext_names / sizeof ext_names[0]; i++) {
		if (!(s->exts & ext_names[i].ext))
			continue;
		fprintf(out, "%s\"%s\"", first ? "require [" : ", ",
		    ext_names[i].name);
		first = false;
	}
	if (!first)
		fputs("];\n", out);
	if (s->text.len)
		fwrite(s->text.data, 1, s->text.len, out);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

void pm_sieve_free(struct pm_sieve *s)
{
	free(s->text.data);
	memset(s, 0, sizeof *s);
}

/* The length of the UTF-8 sequence at p (strict: no overlong forms, no
 * surrogates, nothing past U+10FFFF), or 0. */
static size_t utf8_length(const unsigned char *p)
{
	unsigned c = p[0], cp, min;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f, min = 0x80;
	else if ((c & 0xf0) == 0xe0)
		n = 3, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	return cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ?
	    0 : n;
}

static bool is_control(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

bool pm_sieve_text_ok(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;

	while (*p) {
		size_t n = utf8_length(p);

		if (n == 0 || is_control(*p))
			return false;
		p += n;
	}
	return true;
}

void pm_sieve_comment(struct pm_sieve *s, const char *prefix,
    const char *text)
{
	struct growbuf b = { 0 };
	const unsigned char *p = (const unsigned char *)text;

	while (*p) {
		size_t n = utf8_length(p);

		if (n == 0 || is_control(*p)) {
			growbuf_add(&b, "?", 1);
			p++;
		} else {
			growbuf_add(&b, p, n);
			p += n;
		}
	}
	growbuf_add(&b, "", 0);
	pm_sieve_line(s, "%s%s", prefix, b.data ? b.data : "");
	if (b.nomem)
		s->text.nomem = true;
	free(b.data);
}
