/* sieve_flaglist.c: IMAP flag lists (see sieve_flaglist.h). */
#include "sieve_flaglist.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	char letter;
} system_flags[] = {
	{ "\\Seen", 'S' }, { "\\Answered", 'R' }, { "\\Flagged", 'F' },
	{ "\\Deleted", 'T' }, { "\\Draft", 'D' },
};

static char system_letter(const char *f, size_t n)
{
	for (size_t i = 0; i < sizeof system_flags / sizeof system_flags[0];
	    i++)
		if (strlen(system_flags[i].name) == n &&
		    strncasecmp(f, system_flags[i].name, n) == 0)
			return system_flags[i].letter;
	return 0;
}

/* RFC 3501 flag-keyword = atom, or one of the five system flags. */
bool sieve_flag_valid(const char *f, size_t n)
{
	if (n == 0)
		return false;
	if (f[0] == '\\')
		return system_letter(f, n) != 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)f[i] <= ' ' || (unsigned char)f[i] >= 0x7f ||
		    strchr("(){%*\"\\]", f[i]) != NULL)
			return false;
	return true;
}

/* The next flag of s[0..len) from *pos on (flags are separated by
 * spaces); false at the end. */
bool sieve_flaglist_next(const char *s, size_t len, size_t *pos,
    const char **f, size_t *n)
{
	while (*pos < len && s[*pos] == ' ')
		(*pos)++;
	if (*pos >= len)
		return false;
	*f = s + *pos;
	while (*pos < len && s[*pos] != ' ')
		(*pos)++;
	*n = (size_t)(s + *pos - *f);
	return true;
}

bool sieve_flaglist_has(const struct sieve_flaglist *l, const char *f,
    size_t n)
{
	const char *g;
	size_t pos = 0, m;

	while (sieve_flaglist_next(l->text, l->len, &pos, &g, &m))
		if (m == n && strncasecmp(f, g, n) == 0)
			return true;
	return false;
}

/* Append f[0..n) to l unless it is there already.  -1 when l is full. */
static int append(struct sieve_flaglist *l, const char *f, size_t n)
{
	if (sieve_flaglist_has(l, f, n))
		return 0;
	if (l->len + n + 1 > SIEVE_FLAGLIST_MAX)
		return -1;
	if (l->len > 0)
		l->text[l->len++] = ' ';
	memcpy(l->text + l->len, f, n);
	l->len += n;
	l->text[l->len] = '\0';
	return 0;
}

int sieve_flaglist_add(struct sieve_flaglist *l, const char *s,
    size_t len)
{
	const char *f;
	size_t pos = 0, n;

	while (sieve_flaglist_next(s, len, &pos, &f, &n))
		if (sieve_flag_valid(f, n) && append(l, f, n) < 0)
			return -1;
	return 0;
}

/* Remove every flag of l that s names (compared without case): the
 * names go into a list of their own first, so each is looked for once. */
void sieve_flaglist_remove(struct sieve_flaglist *l, const char *s,
    size_t len)
{
	struct sieve_flaglist gone = { .len = 0 }, kept = { .len = 0 };
	const char *f;
	size_t pos = 0, n;

	while (sieve_flaglist_next(s, len, &pos, &f, &n))
		(void)append(&gone, f, n);
	pos = 0;
	while (sieve_flaglist_next(l->text, l->len, &pos, &f, &n))
		if (!sieve_flaglist_has(&gone, f, n))
			(void)append(&kept, f, n);
	*l = kept;
}

/* Maildir letters and keywords of a flag list, into malloced strings
 * (NULL when none). */
int sieve_flaglist_split(const struct sieve_flaglist *l, char **letters,
    char **keywords)
{
	char let[8] = "";
	char *kw = malloc(l->len + 1);
	const char *f;
	size_t pos = 0, n, k = 0;

	*letters = *keywords = NULL;
	if (kw == NULL)
		return -1;
	while (sieve_flaglist_next(l->text, l->len, &pos, &f, &n)) {
		char c = f[0] == '\\' ? system_letter(f, n) : 0;

		if (c != 0 && strchr(let, c) == NULL) {
			size_t m = strlen(let);

			let[m] = c;
			let[m + 1] = '\0';
		} else if (f[0] != '\\') {
			if (k > 0)
				kw[k++] = ' ';
			memcpy(kw + k, f, n);
			k += n;
		}
	}
	kw[k] = '\0';
	if (k > 0)
		*keywords = kw;
	else
		free(kw);
	if (let[0] != '\0' && (*letters = strdup(let)) == NULL)
		return -1;
	return 0;
}

