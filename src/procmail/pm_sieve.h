/* pm_sieve.h: the Sieve script being written: indented lines in a
 * buffer, the extensions they need (the "require" line is written last,
 * on top), and Sieve string quoting. */
#ifndef DELIVER_PM_SIEVE_H
#define DELIVER_PM_SIEVE_H

#include <stdbool.h>
#include <stdio.h>

#include "growbuf.h"

enum pm_ext {
	PM_EXT_FILEINTO = 1 << 0,
	PM_EXT_COPY = 1 << 1,
	PM_EXT_REGEX = 1 << 2,
	PM_EXT_BODY = 1 << 3,
	PM_EXT_VARIABLES = 1 << 4,
	PM_EXT_DUPLICATE = 1 << 5,
	PM_EXT_ENCODED = 1 << 6,
};

struct pm_sieve {
	struct growbuf text;
	unsigned exts;
	int indent;
};

/* One line at the current indentation (printf format). */
void pm_sieve_line(struct pm_sieve *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* str as a Sieve quoted string, quotes included. */
void pm_sieve_quote(struct growbuf *b, const char *str);
/* The script: header comment, require, the lines.  0, or -1 on a write
 * error or when memory ran out. */
int pm_sieve_write(const struct pm_sieve *s, FILE *out);
void pm_sieve_free(struct pm_sieve *s);

/* text can stand in a Sieve string as it is: UTF-8, no control
 * character but the tab. */
bool pm_sieve_text_ok(const char *text);
/* A comment line: prefix, then text with every byte a comment cannot
 * hold (a line break, a control character, invalid UTF-8) as '?'. */
void pm_sieve_comment(struct pm_sieve *s, const char *prefix,
    const char *text);

#endif
