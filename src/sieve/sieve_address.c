/* sieve_address.c: header address lists and envelope paths read for the
 * address and envelope tests, and the address parts (:all, :localpart,
 * :domain, and :user/:detail of RFC 5233).  See sieve_address.h for what
 * Pigeonhole 0.5.19 does with invalid and empty values, which this
 * follows.
 *
 * The header parser reads RFC 5322 3.4 (phrase and angle address with an
 * optional obsolete route, bare addr-spec, groups, comments, quoted
 * strings, domain literals) with the recovery Dovecot's parser has, which
 * Pigeonhole uses: the list stops at the first element it cannot end
 * cleanly, keeping what it has ("a@b c@d" gives a@b); "user" alone is a
 * mailbox without a domain; blanks after a dot in a local part are an
 * error ("john . doe@x") but repeated dots are not ("a..b@x").  Comments
 * nest by a counter, groups do not nest: no recursion, each byte read a
 * bounded number of times (an element tried as name-addr is read again as
 * addr-spec), memory linear in the value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "growbuf.h"
#include "sieve_address.h"

int sieve_address_part_lookup(const char *tag, enum sieve_address_part *out)
{
	static const char *const names[] = {
		[SIEVE_AP_ALL] = "all", [SIEVE_AP_LOCALPART] = "localpart",
		[SIEVE_AP_DOMAIN] = "domain", [SIEVE_AP_USER] = "user",
		[SIEVE_AP_DETAIL] = "detail",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(tag, names[i]) == 0) {
			*out = (enum sieve_address_part)i;
			return 0;
		}
	}
	return -1;
}

/* The header parser.  Every step returns as the grammar functions of
 * Dovecot's RFC 822 parser do, since Pigeonhole reads addresses with it
 * and its recovery from broken input decides which addresses a test
 * sees: 1 more input follows, 0 the input ended, -1 a syntax error. */

struct rd {
	const unsigned char *p, *end;
	size_t comments;   /* non-empty comments skipped so far */
};

/* RFC 5322 atext, and every 8-bit octet (UTF-8 in atoms) */
static bool is_atext(unsigned char c)
{
	if (c >= 0x80)
		return true;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static bool at_end(const struct rd *r)
{
	return r->p >= r->end;
}

static int more(const struct rd *r)
{
	return at_end(r) ? 0 : 1;
}

/* the byte at the cursor, NUL at the end (the input is not a C string) */
static unsigned char cur(const struct rd *r)
{
	return at_end(r) ? '\0' : *r->p;
}

/* A comment, nested by a level counter; -1 when it is not closed */
static int skip_comment(struct rd *r)
{
	size_t level = 1;
	const unsigned char *open = r->p;
	for (r->p++; !at_end(r); r->p++) {
		unsigned char c = *r->p;
		if (c == '(') {
			level++;
		} else if (c == ')') {
			if (--level == 0) {
				if (r->p - open > 1)
					r->comments++;
				r->p++;
				return more(r);
			}
		} else if (c == '\\') {
			if (++r->p >= r->end)
				return -1;
			if (*r->p == '\r' || *r->p == '\n' || *r->p == '\0')
				r->p--;   /* not a quoted pair: the "\" alone */
		}
	}
	return -1;
}

/* Blanks, line breaks and comments */
static int skip_cfws(struct rd *r)
{
	while (!at_end(r)) {
		unsigned char c = *r->p;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			r->p++;
		} else if (c == '(') {
			if (skip_comment(r) < 0)
				return -1;
		} else {
			break;
		}
	}
	return more(r);
}

static int atom(struct rd *r, struct growbuf *b)
{
	if (at_end(r) || !is_atext(*r->p))
		return -1;
	const unsigned char *s = r->p;
	while (!at_end(r) && is_atext(*r->p))
		r->p++;
	growbuf_add(b, s, (size_t)(r->p - s));
	return at_end(r) ? 0 : skip_cfws(r);
}

/* Atoms joined by dots, blanks allowed around the dots (RFC 822) */
static int dot_atom(struct rd *r, struct growbuf *b)
{
	for (;;) {
		if (at_end(r) || !is_atext(*r->p))
			return -1;
		const unsigned char *s = r->p;
		while (!at_end(r) && is_atext(*r->p))
			r->p++;
		growbuf_add(b, s, (size_t)(r->p - s));
		if (at_end(r))
			return 0;
		int ret = skip_cfws(r);
		if (ret <= 0)
			return ret;
		if (*r->p != '.')
			return 1;
		r->p++;
		growbuf_add(b, ".", 1);
		if (skip_cfws(r) <= 0)
			return -1;
	}
}

/* A local part with dots anywhere ("a..b", ".a", "a."), but no blanks
 * after a dot (Pigeonhole parses without the strict-dots flag) */
static int loose_dot_atom(struct rd *r, struct growbuf *b)
{
	int ret = -1;
	do {
		while (cur(r) == '.') {
			growbuf_add(b, ".", 1);
			r->p++;
			if (at_end(r))
				return 0;
			ret = 1;
		}
		if (cur(r) == '@')
			break;
		ret = atom(r, b);
	} while (ret > 0 && cur(r) == '.');
	return ret;
}

static const char nul_replacement[] = "\xef\xbf\xbd";   /* U+FFFD */

/* Text up to the closing quote or bracket, folding line breaks removed,
 * a NUL replaced; keep_escape: a quoted pair keeps its backslash */
static int delimited(struct rd *r, unsigned char close, bool keep_escape,
                     struct growbuf *b)
{
	for (r->p++; !at_end(r); r->p++) {
		unsigned char c = *r->p;
		if (c == close) {
			if (keep_escape)
				growbuf_add(b, "]", 1);
			r->p++;
			return skip_cfws(r);
		}
		if (c == '[' && keep_escape)
			return -1;
		if (c == '\0') {
			growbuf_add(b, nul_replacement, sizeof nul_replacement - 1);
		} else if (c == '\n' || c == '\r') {
			continue;   /* folding */
		} else if (c == '\\') {
			if (r->p + 1 >= r->end)
				return -1;
			unsigned char n = r->p[1];
			if (n == '\r' || n == '\n' || n == '\0') {
				growbuf_add(b, "\\", 1);
				continue;
			}
			if (keep_escape)
				growbuf_add(b, "\\", 1);
			r->p++;
			growbuf_add(b, r->p, 1);
		} else {
			growbuf_add(b, &c, 1);
		}
	}
	return -1;
}

static int quoted_string(struct rd *r, struct growbuf *b)
{
	return delimited(r, '"', false, b);
}

static int domain_literal(struct rd *r, struct growbuf *b)
{
	growbuf_add(b, "[", 1);
	return delimited(r, ']', true, b);
}

/* atoms and dots, no blanks skipped inside */
static int atom_or_dot(struct rd *r, struct growbuf *b)
{
	const unsigned char *s = r->p;
	while (!at_end(r) && (is_atext(*r->p) || *r->p == '.'))
		r->p++;
	growbuf_add(b, s, (size_t)(r->p - s));
	return at_end(r) ? 0 : skip_cfws(r);
}

/* Words, dots and blanks; may consume nothing (then returns 1) */
static int phrase(struct rd *r, struct growbuf *b)
{
	if (at_end(r))
		return 0;
	if (*r->p == '.')
		return -1;
	for (;;) {
		int ret = cur(r) == '"' ? quoted_string(r, b) : atom_or_dot(r, b);
		if (ret <= 0)
			return ret;
		unsigned char c = cur(r);
		if (!is_atext(c) && c != '"' && c != '.')
			break;
		growbuf_add(b, " ", 1);
	}
	return skip_cfws(r);
}

/* One mailbox or group marker as Dovecot's parser yields it */
struct mbox {
	struct growbuf local, domain;
	bool has_local, has_domain, invalid;
	bool comment_seen;
};

static void mbox_reset(struct mbox *m)
{
	free(m->local.data);
	free(m->domain.data);
	memset(m, 0, sizeof *m);
}

static int local_part(struct rd *r, struct mbox *m)
{
	m->local.len = 0;
	int ret = cur(r) == '"' ? quoted_string(r, &m->local)
	                        : loose_dot_atom(r, &m->local);
	if (ret < 0)
		return -1;
	m->has_local = true;
	return ret;
}

static int domain(struct rd *r, struct mbox *m)
{
	r->p++;   /* "@" */
	m->domain.len = 0;
	if (skip_cfws(r) <= 0)
		return -1;
	int ret = cur(r) == '[' ? domain_literal(r, &m->domain)
	                        : dot_atom(r, &m->domain);
	if (ret < 0)
		return -1;
	m->has_domain = true;
	return ret;
}

/* obs-route "@a,@b:"; the route itself is not kept */
static int route(struct rd *r)
{
	int ret = 1;
	while (!at_end(r) && *r->p == '@') {
		struct mbox tmp = { 0 };
		ret = domain(r, &tmp);
		mbox_reset(&tmp);
		if (ret <= 0)
			break;
		while (skip_cfws(r) > 0 && *r->p == ',')
			r->p++;
	}
	if (ret > 0 && at_end(r))
		ret = 0;
	return ret;
}

static int angle_addr(struct rd *r, struct mbox *m)
{
	r->p++;   /* "<" */
	if (skip_cfws(r) <= 0)
		return -1;
	if (*r->p == '@') {
		if (route(r) > 0 && cur(r) == ':')
			r->p++;
		else if (at_end(r))
			return -1;
		if (skip_cfws(r) <= 0)
			return -1;
	}
	if (*r->p != '>') {
		if (local_part(r, m) <= 0)
			return -1;
		if (cur(r) == '@' && domain(r, m) <= 0)
			return -1;
	}
	if (cur(r) != '>')
		return -1;
	r->p++;
	return skip_cfws(r);
}

static int name_addr(struct rd *r, struct mbox *m)
{
	struct growbuf name = { 0 };
	int ret = phrase(r, &name);
	free(name.data);
	if (ret <= 0 || cur(r) != '<')
		return -1;
	if (angle_addr(r, m) < 0)
		m->invalid = true;
	return more(r);
}

static int addr_spec(struct rd *r, struct mbox *m)
{
	size_t comments = r->comments;
	bool quoted = *r->p == '"';
	int ret = local_part(r, m);
	bool tried_domain = false;
	if (ret <= 0)
		m->invalid = true;
	if (ret != 0 && cur(r) == '@' && !at_end(r)) {
		tried_domain = true;
		int ret2 = domain(r, m);
		if (ret2 <= 0)
			ret = ret2;
	}
	/* A comment skipped on the way is taken as the display name by
	 * Dovecot, which spares "user (Name)" the phrase read below. */
	if (!tried_domain && r->comments == comments) {
		/* "user" alone is a mailbox without a domain; more words
		 * make it a display name without an address */
		struct growbuf more_words = { 0 };
		(void)phrase(r, &more_words);
		free(more_words.data);
		if (more_words.len > 0)
			m->has_local = false;
		else if (!quoted)
			m->has_domain = false;
		m->invalid = true;
		ret = -1;
	}
	return ret;
}

struct list_parser {
	struct rd r;
	struct parser_out {
		struct sieve_address *items;
		size_t n, cap;
		size_t invalid;
		bool nomem;
	} out;
};

static void push_item(struct parser_out *o, char *local, char *dom)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 4;
		struct sieve_address *n = reallocarray(o->items, cap, sizeof *n);
		if (n == NULL) {
			o->nomem = true;
			free(local);
			free(dom);
			return;
		}
		o->items = n;
		o->cap = cap;
	}
	o->items[o->n++] = (struct sieve_address){ local, dom, false };
}

/* Pigeonhole keeps an address with no syntax error, a domain, and a
 * non-empty local part of printable ASCII (SMTP's quoted-pair range) */
static void take_mbox(struct parser_out *o, struct mbox *m)
{
	bool ok = !m->invalid && m->has_local && m->has_domain &&
	          m->domain.len > 0 && m->local.len > 0;
	for (size_t i = 0; ok && i < m->local.len; i++) {
		unsigned char c = (unsigned char)m->local.data[i];
		ok = c >= 0x20 && c <= 0x7e;
	}
	if (m->local.nomem || m->domain.nomem)
		o->nomem = true;
	if (!ok || o->nomem) {
		if (!(m->has_local && m->local.len == 0 && !m->invalid &&
		      m->has_domain && m->domain.len > 0))
			o->invalid++;   /* ""@domain is neither: see header */
		mbox_reset(m);
		return;
	}
	growbuf_add(&m->local, "", 0);
	growbuf_add(&m->domain, "", 0);
	push_item(o, m->local.data, m->domain.data);
	memset(m, 0, sizeof *m);
}

static int mailbox(struct list_parser *lp)
{
	struct mbox m = { 0 };
	const unsigned char *start = lp->r.p;
	int ret = name_addr(&lp->r, &m);
	if (ret < 0) {
		mbox_reset(&m);
		lp->r.p = start;
		ret = addr_spec(&lp->r, &m);
	}
	if (ret < 0)
		m.invalid = true;
	take_mbox(&lp->out, &m);
	return ret;
}

/* name ":" [mailbox-list] ";": its start and end markers are items
 * Pigeonhole does not take (no domain) */
static int group(struct list_parser *lp)
{
	struct growbuf name = { 0 };
	int ret = phrase(&lp->r, &name);
	free(name.data);
	if (ret <= 0 || cur(&lp->r) != ':')
		return -1;
	lp->r.p++;
	lp->out.invalid += 2;
	ret = skip_cfws(&lp->r);
	if (ret > 0 && *lp->r.p != ';') {
		for (;;) {
			(void)mailbox(lp);
			if (cur(&lp->r) != ',' || at_end(&lp->r))
				break;
			lp->r.p++;
			if (skip_cfws(&lp->r) <= 0) {
				ret = -1;
				break;
			}
		}
	}
	if (ret >= 0) {
		if (at_end(&lp->r) || *lp->r.p != ';') {
			ret = -1;
		} else {
			lp->r.p++;
			ret = skip_cfws(&lp->r);
		}
	}
	return ret == 0 ? 0 : 1;
}

static int address(struct list_parser *lp)
{
	const unsigned char *start = lp->r.p;
	int ret = group(lp);
	if (ret < 0) {
		lp->r.p = start;
		ret = mailbox(lp);
	}
	return ret;
}

static void address_list(struct list_parser *lp)
{
	if (skip_cfws(&lp->r) <= 0)
		return;   /* nothing but blanks and comments: no item */
	for (size_t k = 0; k < SIEVE_ADDRESS_MAX && !lp->out.nomem; k++) {
		if (address(lp) == 0)
			break;
		if (at_end(&lp->r) || *lp->r.p != ',')
			break;
		lp->r.p++;
		int ret = skip_cfws(&lp->r);
		if (ret <= 0) {
			if (ret < 0)
				lp->out.invalid++;   /* trailing garbage */
			break;
		}
	}
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static int raw_only(struct sieve_address_list *out, const char *value,
                    size_t len)
{
	out->items = calloc(1, sizeof *out->items);
	char *raw = dup_n(value, len);
	if (out->items == NULL || raw == NULL) {
		free(out->items);
		free(raw);
		out->items = NULL;
		return -1;
	}
	out->items[0] = (struct sieve_address){ raw, NULL, true };
	out->n = 1;
	return 0;
}

int sieve_address_list_parse(const char *value, size_t len,
                             struct sieve_address_list *out)
{
	out->items = NULL;
	out->n = 0;
	if (len == 0)
		return raw_only(out, value, 0);
	struct list_parser lp = {
		.r = { .p = (const unsigned char *)value,
		       .end = (const unsigned char *)value + len },
	};
	address_list(&lp);
	struct sieve_address_list got = { lp.out.items, lp.out.n };
	if (lp.out.nomem) {
		sieve_address_list_free(&got);
		return -1;
	}
	if (got.n == 0 && lp.out.invalid > 0) {
		free(got.items);
		return raw_only(out, value, len);
	}
	*out = got;
	return 0;
}

void sieve_address_list_free(struct sieve_address_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].local);
		free(l->items[i].domain);
	}
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* Envelope paths */

/* Where the domain starts: after the last "@" outside a quoted string */
static const char *path_at(const char *s, size_t n)
{
	const char *at = NULL;
	bool quoted = false;
	for (size_t i = 0; i < n; i++) {
		if (quoted && s[i] == '\\')
			i++;
		else if (s[i] == '"')
			quoted = !quoted;
		else if (s[i] == '@' && !quoted)
			at = s + i;
	}
	return at;
}

static char *unquote(const char *s, size_t n)
{
	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return dup_n(s, n);
	char *d = malloc(n);
	if (d == NULL)
		return NULL;
	size_t k = 0;
	for (size_t i = 1; i + 1 < n; i++) {
		if (s[i] == '\\' && i + 2 < n)
			i++;
		d[k++] = s[i];
	}
	d[k] = '\0';
	return d;
}

int sieve_address_path_parse(const char *value, struct sieve_address_list *out)
{
	size_t n = strlen(value);
	if (n >= 2 && value[0] == '<' && value[n - 1] == '>') {
		value++;
		n -= 2;
	}
	out->items = NULL;
	out->n = 0;
	if (n == 0)
		return raw_only(out, value, 0);
	const char *at = path_at(value, n);
	size_t llen = at != NULL ? (size_t)(at - value) : n;
	char *local = unquote(value, llen);
	char *domain = at != NULL && at + 1 < value + n ?
	               dup_n(at + 1, (size_t)(value + n - at - 1)) : NULL;
	out->items = calloc(1, sizeof *out->items);
	if (local == NULL || out->items == NULL ||
	    (domain == NULL && at != NULL && at + 1 < value + n)) {
		free(local);
		free(domain);
		free(out->items);
		out->items = NULL;
		return -1;
	}
	out->items[0] = (struct sieve_address){ local, domain, false };
	out->n = 1;
	return 0;
}

/* Parts */

/* RFC 5321 Dot-string: atext atoms joined by single dots */
static bool is_dot_string(const char *s)
{
	if (*s == '\0' || *s == '.')
		return false;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '.') {
			if (s[1] == '.' || s[1] == '\0')
				return false;
		} else if (c >= 0x80 || !is_atext(c)) {
			return false;
		}
	}
	return true;
}

/* local@domain as SMTP writes it (Pigeonhole's :all): the local part
 * quoted unless it is a Dot-string */
static char *encode_all(const struct sieve_address *a)
{
	struct growbuf b = { 0 };
	if (is_dot_string(a->local)) {
		growbuf_add(&b, a->local, strlen(a->local));
	} else {
		growbuf_add(&b, "\"", 1);
		for (const char *s = a->local; *s != '\0'; s++) {
			if (*s == '"' || *s == '\\')
				growbuf_add(&b, "\\", 1);
			growbuf_add(&b, s, 1);
		}
		growbuf_add(&b, "\"", 1);
	}
	if (a->domain != NULL) {
		growbuf_add(&b, "@", 1);
		growbuf_add(&b, a->domain, strlen(a->domain));
	}
	growbuf_add(&b, "", 0);
	if (b.nomem) {
		free(b.data);
		return NULL;
	}
	return b.data;
}

static char *checked(char *s, bool *nomem)
{
	if (s == NULL)
		*nomem = true;
	return s;
}

char *sieve_address_part(const struct sieve_address *a,
                         enum sieve_address_part part,
                         const char *delimiters, bool *nomem)
{
	*nomem = false;
	if (a->raw) {
		if (part != SIEVE_AP_ALL && a->local[0] != '\0')
			return NULL;
		return checked(strdup(a->local), nomem);
	}
	size_t user_len = strcspn(a->local, delimiters != NULL ? delimiters
	                                                       : "");
	switch (part) {
	case SIEVE_AP_ALL:
		return checked(encode_all(a), nomem);
	case SIEVE_AP_LOCALPART:
		return checked(strdup(a->local), nomem);
	case SIEVE_AP_DOMAIN:
		return a->domain != NULL ? checked(strdup(a->domain), nomem)
		                         : NULL;
	case SIEVE_AP_USER:
		return checked(dup_n(a->local, user_len), nomem);
	case SIEVE_AP_DETAIL:
		if (a->local[user_len] == '\0')
			return NULL;
		return checked(strdup(a->local + user_len + 1), nomem);
	}
	return NULL;
}
