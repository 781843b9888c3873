/* sieve_ctype.c: Content-Type and Content-Disposition values as the mime
 * extension's :type, :subtype, :contenttype and :param read them (see
 * sieve_ctype.h for the rules and Pigeonhole's corners).
 *
 * A cursor walks the value once: RFC 822 blanks and comments (nested by
 * a counter, never recursion), MIME tokens (RFC 2045: printable ASCII
 * but tspecials; '.' and 8-bit bytes taken, as Dovecot takes them),
 * quoted strings, then the parameter list with RFC 2231 pieces set aside
 * and joined at the end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec_digit.h"
#include "growbuf.h"
#include "sieve_ctype.h"

/* growbuf's appends remember a failure; these report it at once */
static int gb_put(struct growbuf *b, const void *p, size_t n)
{
	if (n > 0)
		growbuf_add(b, p, n);
	return b->nomem ? -1 : 0;
}

static void gb_free(struct growbuf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

/* The NUL-terminated text (taken over), or NULL when memory ran out. */
static char *gb_take(struct growbuf *b)
{
	char *s = b->data;

	if (b->nomem) {
		gb_free(b);
		return NULL;
	}
	memset(b, 0, sizeof *b);
	return s != NULL ? s : strdup("");
}

struct cursor {
	const unsigned char *p, *end;
};

/* MIME token bytes: anything printable but SP and the tspecials of RFC
 * 2045; '.' is taken (Dovecot's token reader does) and so is 8-bit. */
static bool token_byte(unsigned char c)
{
	if (c >= 0x80)
		return true;
	if (c <= ' ' || c == 0x7f)
		return false;
	return strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* Blanks, line breaks and (nested) comments.  1 more to read, 0 at the
 * end, -1 an unterminated comment. */
static int skip_lwsp(struct cursor *c)
{
	while (c->p < c->end) {
		size_t level;

		if (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' ||
		    *c->p == '\n') {
			c->p++;
			continue;
		}
		if (*c->p != '(')
			break;
		for (level = 1, c->p++; c->p < c->end && level > 0; c->p++) {
			if (*c->p == '\\' && c->p + 1 < c->end &&
			    c->p[1] != '\r' && c->p[1] != '\n' &&
			    c->p[1] != '\0')
				c->p++;
			else if (*c->p == '\\' && c->p + 1 >= c->end)
				return -1;
			else if (*c->p == '(')
				level++;
			else if (*c->p == ')')
				level--;
		}
		if (level > 0)
			return -1;
	}
	return c->p < c->end ? 1 : 0;
}

/* A token (possibly empty) appended to out, then blanks skipped: as
 * skip_lwsp; a token running to the end returns 0. */
static int read_token(struct cursor *c, struct growbuf *out)
{
	const unsigned char *start = c->p;

	while (c->p < c->end && token_byte(*c->p))
		c->p++;
	if (gb_put(out, start, (size_t)(c->p - start)) < 0)
		return -2;
	if (c->p >= c->end)
		return 0;
	return skip_lwsp(c);
}

/* A quoted string (c->p at the opening quote), its quotes and
 * backslashes removed and line breaks dropped.  As skip_lwsp, -1 for a
 * missing closing quote. */
static int read_quoted(struct cursor *c, struct growbuf *out)
{
	for (c->p++; c->p < c->end; c->p++) {
		unsigned char ch = *c->p;

		if (ch == '"') {
			c->p++;
			return skip_lwsp(c);
		}
		if (ch == '\r' || ch == '\n')
			continue;
		if (ch == '\\') {
			if (c->p + 1 >= c->end)
				return -1;
			if (c->p[1] != '\r' && c->p[1] != '\n' &&
			    c->p[1] != '\0')
				ch = *++c->p;
		}
		if (gb_put(out, &ch, 1) < 0)
			return -2;
	}
	return -1;
}

/* "type/subtype" into out: 1 or 0 as skip_lwsp, -1 when it does not
 * parse (out then emptied). */
static int read_content_type(struct cursor *c, struct growbuf *out)
{
	size_t before;
	int r;

	if (skip_lwsp(c) <= 0)
		return -1;
	before = out->len;
	if ((r = read_token(c, out)) == -2)
		return -2;
	if (r <= 0 || out->len == before || *c->p != '/')
		return -1;
	c->p++;
	if (skip_lwsp(c) <= 0 || gb_put(out, "/", 1) < 0)
		return -1;
	before = out->len;
	if ((r = read_token(c, out)) == -2)
		return -2;
	if (r < 0 || out->len == before || (c->p < c->end && *c->p != ';'))
		return -1;
	return r;
}

/* ---- parameters ---- */

struct piece {              /* one RFC 2231 piece, name*N[*] */
	char *name, *value;
	unsigned long idx;
	bool extended;
};

struct plist {
	struct sieve_ctype_param *v;
	size_t n;
	struct piece *pieces;
	size_t npieces;
};

static int plist_add(struct plist *l, char *name, char *value)
{
	if (l->n >= SIEVE_CTYPE_PARAMS_MAX) {
		free(name);
		free(value);
		return 0;
	}
	if (l->v == NULL && (l->v = calloc(SIEVE_CTYPE_PARAMS_MAX,
	    sizeof *l->v)) == NULL) {
		free(name);
		free(value);
		return -1;
	}
	l->v[l->n].name = name;
	l->v[l->n++].value = value;
	return 0;
}

/* name*N, name*N* and name* as pieces; 1 when name is one (taken over),
 * 0 when it is a plain parameter name. */
static int piece_of(struct plist *l, char *name, char *value)
{
	char *star = strchr(name, '*'), *p;
	struct piece pc = { 0 };

	if (star == NULL)
		return 0;
	p = star;     /* "name*" alone: extended, piece 0 */
	if (p[1] != '\0')
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (pc.idx < 100000)
				pc.idx = pc.idx * 10 + (unsigned long)(*p - '0');
	if (*p == '*') {
		pc.extended = true;
		p++;
	}
	if (*p != '\0')
		return 0;
	if (l->npieces >= SIEVE_CTYPE_PARAMS_MAX) {
		free(name);
		free(value);
		return 1;
	}
	if (l->pieces == NULL && (l->pieces = calloc(SIEVE_CTYPE_PARAMS_MAX,
	    sizeof *l->pieces)) == NULL) {
		free(name);
		free(value);
		return -1;
	}
	*star = '\0';
	pc.name = name;
	pc.value = value;
	l->pieces[l->npieces++] = pc;
	return 1;
}

static int piece_cmp(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r != 0)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static char *printf_name(const struct piece *pc)
{
	struct growbuf b = { 0 };
	char num[24];
	size_t n = 0;
	unsigned long v = pc->idx;

	do {
		num[sizeof num - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 && n < sizeof num - 1);
	if (gb_put(&b, pc->name, strlen(pc->name)) < 0 ||
	    gb_put(&b, "*", 1) < 0 ||
	    gb_put(&b, num + sizeof num - n, n) < 0 ||
	    (pc->extended && gb_put(&b, "*", 1) < 0)) {
		gb_free(&b);
		return NULL;
	}
	return gb_take(&b);
}

/* The pieces of one name, [i, j): joined when they count 0, 1, 2, ...,
 * else each a parameter of its own. */
static int join_pieces(struct plist *l, size_t i, size_t j)
{
	bool ok = true, ext = false;
	struct growbuf b = { 0 };
	char *name;

	for (size_t k = i; k < j; k++) {
		ok = ok && l->pieces[k].idx == k - i;
		ext = ext || l->pieces[k].extended;
	}
	if (!ok) {
		for (size_t k = i; k < j; k++) {
			char *v;

			if ((name = printf_name(&l->pieces[k])) == NULL ||
			    (v = strdup(l->pieces[k].value)) == NULL) {
				free(name);
				return -1;
			}
			if (plist_add(l, name, v) < 0)
				return -1;
		}
		return 0;
	}
	if (!l->pieces[i].extended && ext && gb_put(&b, "''", 2) < 0)
		goto nomem;
	for (size_t k = i; k < j; k++) {
		const char *v = l->pieces[k].value;

		for (; *v; v++) {
			/* a plain piece among extended ones keeps its '%' */
			const char *s = (*v == '%' && ext &&
			    !l->pieces[k].extended) ? "%25" : v;

			if (gb_put(&b, s, s == v ? 1 : 3) < 0)
				goto nomem;
		}
	}
	{
		size_t nl = strlen(l->pieces[i].name);

		if ((name = malloc(nl + 2)) == NULL)
			goto nomem;
		memcpy(name, l->pieces[i].name, nl);
		name[nl] = ext ? '*' : '\0';
		name[nl + 1] = '\0';
	}
	{
		char *v = gb_take(&b);

		if (v == NULL) {
			free(name);
			return -1;
		}
		return plist_add(l, name, v);
	}
nomem:
	gb_free(&b);
	return -1;
}

static int join_all(struct plist *l)
{
	if (l->npieces == 0)
		return 0;
	qsort(l->pieces, l->npieces, sizeof *l->pieces, piece_cmp);
	for (size_t i = 0, j; i < l->npieces; i = j) {
		for (j = i; j < l->npieces && strcasecmp(l->pieces[i].name,
		    l->pieces[j].name) == 0; j++)
			;
		if (join_pieces(l, i, j) < 0)
			return -1;
	}
	return 0;
}

/* One "; name=value": 1 read, 0 at the end, -1 not well formed, -2 out
 * of memory. */
static int read_param(struct cursor *c, char **name, char **value)
{
	struct growbuf k = { 0 }, v = { 0 };
	int r;

	*name = *value = NULL;
	if (c->p >= c->end)
		return 0;
	if (*c->p != ';' )
		return -1;
	c->p++;
	if (skip_lwsp(c) <= 0)
		return -1;
	if ((r = read_token(c, &k)) <= 0 || *c->p != '=') {
		gb_free(&k);
		return r == -2 ? -2 : -1;
	}
	c->p++;
	if ((r = skip_lwsp(c)) <= 0) {
		r = r < 0 ? -1 : 0;      /* no value: "" */
	} else if (*c->p == '"') {
		r = read_quoted(c, &v);
	} else if (*c->p == '=') {
		/* broken input taken as Dovecot takes it: name==?utf-8?... */
		const unsigned char *s = c->p;

		while (c->p < c->end && strchr("; \t\r\n", *c->p) == NULL)
			c->p++;
		r = gb_put(&v, s, (size_t)(c->p - s)) < 0 ? -2 : 1;
	} else {
		r = read_token(c, &v);
	}
	if (r == -2 || (*name = gb_take(&k)) == NULL ||
	    (*value = gb_take(&v)) == NULL) {
		free(*name);
		*name = NULL;
		gb_free(&k);
		gb_free(&v);
		return -2;
	}
	return r < 0 ? -1 : 1;
}

static int read_params(struct cursor *c, struct plist *l)
{
	for (;;) {
		char *name, *value;
		int r = read_param(c, &name, &value), p;

		if (r == -2)
			return -1;
		if (r == 0)
			break;
		if (r < 0) {
			/* go on after a broken one, a byte further */
			free(name);
			free(value);
			if (c->p >= c->end)
				break;
			c->p++;
			continue;
		}
		if ((p = piece_of(l, name, value)) < 0)
			return -1;
		if (p == 0 && plist_add(l, name, value) < 0)
			return -1;
	}
	return join_all(l);
}

static void plist_free_pieces(struct plist *l)
{
	for (size_t i = 0; i < l->npieces; i++) {
		free(l->pieces[i].name);
		free(l->pieces[i].value);
	}
	free(l->pieces);
	l->pieces = NULL;
	l->npieces = 0;
}

void sieve_ctype_free(struct sieve_ctype *ct)
{
	for (size_t i = 0; i < ct->nparams; i++) {
		free(ct->params[i].name);
		free(ct->params[i].value);
	}
	free(ct->params);
	free(ct->value);
	memset(ct, 0, sizeof *ct);
}

int sieve_ctype_parse(const char *value, size_t len, bool is_ctype,
    struct sieve_ctype *ct)
{
	struct cursor c = { (const unsigned char *)value,
	    (const unsigned char *)value + len };
	struct growbuf v = { 0 };
	struct plist l = { 0 };
	int r;

	memset(ct, 0, sizeof *ct);
	(void)skip_lwsp(&c);
	r = is_ctype ? read_content_type(&c, &v) : read_token(&c, &v);
	if (r == -2)
		goto nomem;
	/* the value must end here or go on with parameters */
	ct->valid = r >= 0 && (c.p >= c.end || *c.p == ';');
	if (!ct->valid)
		gb_free(&v);
	if ((ct->value = gb_take(&v)) == NULL)
		goto nomem;
	if (ct->valid && read_params(&c, &l) < 0)
		goto nomem;
	plist_free_pieces(&l);
	ct->params = l.v;
	ct->nparams = l.n;
	return 0;
nomem:
	gb_free(&v);
	plist_free_pieces(&l);
	ct->params = l.v;
	ct->nparams = l.n;
	sieve_ctype_free(ct);
	return -1;
}

/* ---- the options ---- */

int sieve_ctype_decode_extended(const char *value, char **out,
    size_t *outlen)
{
	const char *q = strchr(value, '\'');
	size_t n = 0;
	char *d;

	*out = NULL;
	*outlen = 0;
	if (q == NULL || (q = strchr(q + 1, '\'')) == NULL)
		return 1;
	q++;
	if ((d = malloc(strlen(q) + 1)) == NULL)
		return -1;
	for (; *q; q++) {
		int hi, lo;

		if (*q != '%') {
			d[n++] = *q;
			continue;
		}
		if ((hi = hex_digit_value((unsigned char)q[1])) < 0 ||
		    (lo = hex_digit_value((unsigned char)q[2])) < 0) {
			free(d);
			return 1;
		}
		d[n++] = (char)(hi << 4 | lo);
		q += 2;
	}
	d[n] = '\0';
	*out = d;
	*outlen = n;
	return 0;
}

/* Whether parameter pname is wanted as want: 1 as written, 2 encoded
 * ("want*"), 0 not. */
static int param_wanted(const char *pname, const char *want)
{
	size_t pl = strlen(pname), wl = strlen(want);

	if (pl == wl)
		return strcasecmp(pname, want) == 0 ? 1 : 0;
	if (pl == wl + 1 && pname[wl] == '*' &&
	    strncasecmp(pname, want, wl) == 0)
		return 2;
	return 0;
}

/* The :param values of one parsed header: each wanted parameter in the
 * header's order; a badly encoded one ends the list; none gives "". */
static int param_values(const struct sieve_ctype *ct,
    const char *const *params, size_t nparams, sieve_ctype_sink *sink,
    void *ctx)
{
	size_t given = 0;

	for (size_t i = 0; ct->valid && i < ct->nparams; i++) {
		const struct sieve_ctype_param *p = &ct->params[i];
		int how = 0, r;

		for (size_t k = 0; k < nparams && how == 0; k++)
			how = param_wanted(p->name, params[k]);
		if (how == 1) {
			r = sink(ctx, p->value, strlen(p->value));
		} else if (how == 2) {
			char *d;
			size_t dl;

			if ((r = sieve_ctype_decode_extended(p->value, &d,
			    &dl)) < 0)
				return -1;
			if (r == 1)
				break;    /* as Pigeonhole: the list ends */
			r = sink(ctx, d, dl);
			free(d);
		} else {
			continue;
		}
		if (r != 0)
			return r;
		given++;
	}
	return given > 0 ? 0 : sink(ctx, "", 0);
}

int sieve_ctype_option_values(const char *hdr_name, const char *value,
    size_t len, enum sieve_mime_option option, const char *const *params,
    size_t nparams, sieve_ctype_sink *sink, void *ctx)
{
	struct sieve_ctype ct;
	const char *slash;
	bool is_ctype;
	int r;

	if (option == SIEVE_MIME_OPT_NONE)
		return sink(ctx, value, len);
	is_ctype = strcasecmp(hdr_name, "content-type") == 0;
	if (!is_ctype && strcasecmp(hdr_name, "content-disposition") != 0)
		return sink(ctx, "", 0);
	if (sieve_ctype_parse(value, len, is_ctype, &ct) < 0)
		return -1;
	slash = strchr(ct.value, '/');
	switch (option) {
	case SIEVE_MIME_OPT_TYPE:
		r = sink(ctx, ct.value, slash ? (size_t)(slash - ct.value) :
		    strlen(ct.value));
		break;
	case SIEVE_MIME_OPT_SUBTYPE:
		r = slash ? sink(ctx, slash + 1, strlen(slash + 1)) :
		    sink(ctx, "", 0);
		break;
	case SIEVE_MIME_OPT_PARAM:
		r = param_values(&ct, params, nparams, sink, ctx);
		break;
	default:
		r = sink(ctx, ct.value, strlen(ct.value));
		break;
	}
	sieve_ctype_free(&ct);
	return r;
}
