/* interp_address_fallback.c: a stand-in for sieve_address.h until its
 * library (sieve_address.c) lands, so that the interpreter links.  Every
 * definition is weak: the real library's replaces it without a change
 * here, and this file goes once it is merged.  It reads only the simple
 * forms ("local@domain", "Name <local@domain>", comma-separated lists
 * without quoted commas), which is what the interpreter's unit tests
 * use. */
#include <stdlib.h>
#include <string.h>

#include "sieve_address.h"

#define WEAK __attribute__((weak))

WEAK int sieve_address_part_lookup(const char *tag,
    enum sieve_address_part *out)
{
	static const char *const names[] = { "all", "localpart", "domain",
	    "user", "detail" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(tag, names[i]) == 0) {
			*out = (enum sieve_address_part)i;
			return 0;
		}
	return -1;
}

static int add_one(struct sieve_address_list *out, const char *s,
    size_t len)
{
	const char *lt = memchr(s, '<', len), *at;
	struct sieve_address *a;

	if (lt != NULL) {
		const char *gt = memchr(lt, '>', len - (size_t)(lt - s));

		len = gt ? (size_t)(gt - lt - 1) : len - (size_t)(lt - s) - 1;
		s = lt + 1;
	}
	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0)
		return 0;
	a = reallocarray(out->items, out->n + 1, sizeof *a);
	if (a == NULL)
		return -1;
	out->items = a;
	a = &out->items[out->n];
	at = NULL;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '@')
			at = s + i;
	a->local = strndup(s, at ? (size_t)(at - s) : len);
	a->domain = at ? strndup(at + 1, len - (size_t)(at - s) - 1) : NULL;
	out->n++;
	return a->local == NULL || (at && a->domain == NULL) ? -1 : 0;
}

WEAK int sieve_address_list_parse(const char *value, size_t len,
    struct sieve_address_list *out)
{
	size_t start = 0;

	out->items = NULL;
	out->n = 0;
	for (size_t i = 0; i <= len; i++)
		if (i == len || value[i] == ',') {
			if (add_one(out, value + start, i - start) < 0)
				return -1;
			start = i + 1;
		}
	return 0;
}

WEAK void sieve_address_list_free(struct sieve_address_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].local);
		free(l->items[i].domain);
	}
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

WEAK int sieve_address_path_parse(const char *value,
    struct sieve_address_list *out)
{
	return sieve_address_list_parse(value, strlen(value), out);
}

WEAK char *sieve_address_part(const struct sieve_address *a,
    enum sieve_address_part part, const char *delimiters, bool *nomem)
{
	size_t cut = strcspn(a->local, delimiters);
	char *r = NULL;

	switch (part) {
	case SIEVE_AP_LOCALPART:
		r = strdup(a->local);
		break;
	case SIEVE_AP_DOMAIN:
		if (a->domain == NULL)
			return NULL;
		r = strdup(a->domain);
		break;
	case SIEVE_AP_USER:
		r = strndup(a->local, cut);
		break;
	case SIEVE_AP_DETAIL:
		if (a->local[cut] == '\0')
			return NULL;
		r = strdup(a->local + cut + 1);
		break;
	case SIEVE_AP_ALL:
		if (a->domain == NULL)
			r = strdup(a->local);
		else if (asprintf(&r, "%s@%s", a->local, a->domain) < 0)
			r = NULL;
		break;
	}
	if (r == NULL)
		*nomem = true;
	return r;
}
