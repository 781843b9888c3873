/* sieve_address_path.c: an SMTP envelope path (RFC 5321 section 4.1.2)
 * read for the envelope test, accepting and refusing what Pigeonhole
 * 0.5.19 does, since its envelope test sees the path through Dovecot's
 * SMTP address parser: angle brackets optional; a source route
 * ("<@a,@b:user@c>", only inside brackets) skipped; the null path ("" or
 * "<>"); a local part alone ("<MAILER-DAEMON>", as Dovecot's LDA takes
 * -f and a recipient); a Dot-string local part with loose dots
 * (".a..b."), as Dovecot accepts for Japanese mobile addresses, or a
 * quoted string; a domain of letters, digits, "-" and "_" in non-empty
 * dot-separated labels, or an address literal "[...]".  Anything else
 * (two "@", a stray or missing ">", an empty label, 8-bit bytes, text
 * after the path) is not a path at all.  One left-to-right pass over the
 * value, no recursion. */
#include <stdlib.h>
#include <string.h>

#include "growbuf.h"
#include "sieve_address.h"

struct path_rd {
	const char *p;
};

static bool is_path_atext(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static bool is_label_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Dot-string with loose dots: atext and "." , at least one byte */
static bool dot_string(struct path_rd *r, struct growbuf *b)
{
	const char *s = r->p;

	while (is_path_atext((unsigned char)*r->p) || *r->p == '.')
		r->p++;
	growbuf_add(b, s, (size_t)(r->p - s));
	return r->p > s;
}

/* Quoted-string: printable ASCII and space, "\" quoting one of them */
static bool quoted_string(struct path_rd *r, struct growbuf *b)
{
	r->p++;   /* the opening quote */
	for (;;) {
		unsigned char c = (unsigned char)*r->p;

		if (c == '"') {
			r->p++;
			growbuf_add(b, "", 0);   /* "" is a local part too */
			return true;
		}
		if (c == '\\') {
			c = (unsigned char)*++r->p;
		}
		if (c < 0x20 || c > 0x7e)
			return false;
		growbuf_add(b, r->p++, 1);
	}
}

/* Domain: labels of letters, digits, "-", "_" joined by single dots */
static bool domain_name(struct path_rd *r)
{
	for (;;) {
		if (!is_label_char((unsigned char)*r->p))
			return false;
		while (is_label_char((unsigned char)*r->p))
			r->p++;
		if (*r->p != '.')
			return true;
		r->p++;
	}
}

/* "[" dtext "]": printable ASCII but "[", "]", "\" and space */
static bool address_literal(struct path_rd *r)
{
	const char *s = ++r->p;

	while (*r->p > ' ' && *r->p <= '~' && strchr("[]\\", *r->p) == NULL)
		r->p++;
	if (r->p == s || *r->p != ']')
		return false;
	r->p++;
	return true;
}

/* A-d-l ":": "@" domain *( "," "@" domain ) ":", read and dropped */
static bool source_route(struct path_rd *r)
{
	for (;;) {
		r->p++;   /* the "@" */
		if (!domain_name(r))
			return false;
		if (*r->p == ':') {
			r->p++;
			return true;
		}
		if (*r->p != ',' || r->p[1] != '@')
			return false;
		r->p++;
	}
}

static int one_item(struct sieve_address_list *out, char *local,
    char *domain, bool raw)
{
	out->items = calloc(1, sizeof *out->items);
	if (local == NULL || out->items == NULL) {
		free(local);
		free(domain);
		free(out->items);
		out->items = NULL;
		return -1;
	}
	out->items[0] = (struct sieve_address){ local, domain, raw };
	out->n = 1;
	return 0;
}

/* The mailbox after the optional route: 1 read into *local and *domain
 * (domain NULL for a local part alone), 0 not a mailbox, -1 no memory */
static int mailbox(struct path_rd *r, char **local, char **domain)
{
	struct growbuf b = { 0 };
	bool ok = *r->p == '"' ? quoted_string(r, &b) : dot_string(r, &b);
	const char *d;

	*local = b.data;
	*domain = NULL;
	if (!ok || b.nomem)
		return b.nomem ? -1 : 0;
	if (*r->p != '@')
		return 1;
	d = ++r->p;
	if (!(*r->p == '[' ? address_literal(r) : domain_name(r)))
		return 0;
	*domain = strndup(d, (size_t)(r->p - d));
	return *domain != NULL ? 1 : -1;
}

int sieve_address_path_parse(const char *value, struct sieve_address_list *out)
{
	struct path_rd r = { value };
	bool bracket = *r.p == '<';
	char *local, *domain;
	int rc;

	out->items = NULL;
	out->n = 0;
	if (strcmp(value, "") == 0 || strcmp(value, "<>") == 0)
		return one_item(out, strdup(""), NULL, true);
	if (bracket && *++r.p == '@' && !source_route(&r))
		return 0;
	rc = mailbox(&r, &local, &domain);
	if (rc == 1 && bracket && *r.p++ != '>')
		rc = 0;
	if (rc == 1 && *r.p != '\0')
		rc = 0;
	if (rc != 1) {
		free(local);
		free(domain);
		return rc;
	}
	return one_item(out, local, domain, false);
}
