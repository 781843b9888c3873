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
