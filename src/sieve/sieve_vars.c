/* sieve_vars.c: the variables of one evaluation and the expansion of
 * ${...} references (RFC 5229 sections 3 and 4).
 *
 * Names are kept lower-cased, so lookups are case-insensitive as the RFC
 * asks; at most max_scope_size of them exist, found through a small
 * open-addressing hash (the limit is configurable, and a script may name
 * variables hundreds of thousands of times).  A reference is
 * recognised the way Pigeonhole recognises it: "${", up to ten
 * dot-separated elements (identifiers of at most 64 characters, or digits),
 * "}".  A reference that does not parse stays in the text as written and
 * scanning resumes just after its "${", so "${BAD${Company}" still expands
 * the inner reference.  Expansion is one pass: a value that itself looks
 * like a reference is not expanded again. */
#include "sieve_vars.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sieve_vars_int.h"

/* Pigeonhole's limits on a reference (ext-variables-limits.h). */
#define VARS_NAME_MAX        64    /* characters of one identifier */
#define VARS_ELEMENTS_MAX    10    /* elements of namespace.name... */
#define VARS_EXPAND_MAX      (1024 * 1024)  /* bytes of one expanded string */
#define VARS_NUMBER_CAP      100000000  /* a longer number stops growing */

struct vars_entry {
	char *name;          /* lower-case */
	char *value;
	size_t len;
	bool global;         /* declared by include's "global": the value
	                      * lives in the globals store */
};

struct sieve_vars {
	struct sieve_vars_limits lim;
	struct vars_entry *vars;
	size_t n, cap;
	size_t total;         /* bytes of all values */
	size_t *slots;        /* index into vars + 1; 0 is free */
	size_t nslots;        /* a power of two, more than twice n */
	char *match[SIEVE_VARS_MATCH_MAX];
	size_t match_len[SIEVE_VARS_MATCH_MAX];
	size_t nmatch;
	struct sieve_vars *globals;   /* include's global scope, or NULL */
	sieve_vars_ns_fn *ns_fn;   /* namespaces of extensions, or NULL */
	void *ns_ctx;
};

enum vars_ref_kind { REF_NAME, REF_MATCH, REF_NAMESPACE };

struct vars_ref {
	enum vars_ref_kind kind;
	const char *name;     /* the whole reference between "${" and "}" */
	size_t namelen;
	size_t index;         /* REF_MATCH; saturates above the maximum */
	const char *end;      /* just past the "}" */
};

static bool is_ident_start(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident_char(char c)
{
	return is_ident_start(c) || is_digit(c);
}

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* One element at *pp: an identifier or a number.  Returns false when
 * there is none or the identifier is too long. */
static bool parse_element(const char **pp, const char *end, bool *numeric,
    size_t *number)
{
	const char *p = *pp, *start = p;

	if (p < end && is_ident_start(*p)) {
		while (p < end && is_ident_char(*p))
			p++;
		if ((size_t)(p - start) > VARS_NAME_MAX)
			return false;
		*numeric = false;
	} else if (p < end && is_digit(*p)) {
		*number = 0;
		for (; p < end && is_digit(*p); p++)
			if (*number < VARS_NUMBER_CAP)
				*number = *number * 10 + (size_t)(*p - '0');
		*numeric = true;
	} else {
		return false;
	}
	*pp = p;
	return true;
}

/* Parse a reference whose "${" ends just before p.  A number first is a
 * match variable and ends the reference; anything after it but "}" makes
 * the reference invalid. */
static bool parse_ref(const char *p, const char *end, struct vars_ref *r)
{
	size_t elements = 0;
	bool numeric;

	r->name = p;
	for (;;) {
		if (elements == VARS_ELEMENTS_MAX)
			return false;
		if (!parse_element(&p, end, &numeric, &r->index))
			return false;
		if (elements++ == 0 && numeric) {
			r->kind = REF_MATCH;
			break;
		}
		if (p >= end || *p != '.')
			break;
		p++;
	}
	if (elements > 1)
		r->kind = REF_NAMESPACE;
	else if (!numeric)
		r->kind = REF_NAME;
	if (p >= end || *p != '}')
		return false;
	r->namelen = (size_t)(p - r->name);
	r->end = p + 1;
	return true;
}

/* The next valid reference in s[from..len), or false.  *at is where its
 * "$" is. */
static bool next_ref(const char *s, size_t len, size_t from, size_t *at,
    struct vars_ref *r)
{
	const char *end = s + len;
	size_t i = from;

	while (i + 1 < len) {
		const char *dollar = memchr(s + i, '$', len - i - 1);

		if (dollar == NULL)
			return false;
		i = (size_t)(dollar - s);
		if (s[i + 1] == '{' && parse_ref(s + i + 2, end, r)) {
			*at = i;
			return true;
		}
		i++;
	}
	return false;
}

/* FNV-1a over the lower-cased name. */
static size_t name_hash(const char *name, size_t len)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)ascii_lower(name[i]);
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

static bool name_is(const char *lower, const char *name, size_t len)
{
	for (size_t k = 0; k < len; k++)
		if (lower[k] == '\0' || lower[k] != ascii_lower(name[k]))
			return false;
	return lower[len] == '\0';
}

static struct vars_entry *find(const struct sieve_vars *v, const char *name,
    size_t namelen)
{
	size_t mask = v->nslots - 1, i;

	if (v->nslots == 0)
		return NULL;
	for (i = name_hash(name, namelen) & mask; v->slots[i] != 0;
	    i = (i + 1) & mask) {
		struct vars_entry *e = &v->vars[v->slots[i] - 1];

		if (name_is(e->name, name, namelen))
			return e;
	}
	return NULL;
}

/* The store a name lives in: with a globals store linked, "global.x"
 * and a name declared global are its x; any other name is v's own.
 * *name and *len are moved past the namespace. */
static struct sieve_vars *owner(const struct sieve_vars *v, const char **name,
    size_t *len)
{
	const struct vars_entry *e;

	if (v->globals == NULL)
		return (struct sieve_vars *)v;
	if (*len > 7 && strncasecmp(*name, "global.", 7) == 0) {
		*name += 7;
		*len -= 7;
		return v->globals;
	}
	e = find(v, *name, *len);
	return e != NULL && e->global ? v->globals : (struct sieve_vars *)v;
}

static void slot_insert(struct sieve_vars *v, size_t idx)
{
	const char *name = v->vars[idx].name;
	size_t mask = v->nslots - 1;
	size_t i = name_hash(name, strlen(name)) & mask;

	while (v->slots[i] != 0)
		i = (i + 1) & mask;
	v->slots[i] = idx + 1;
}

/* Room in the index for one more name (at most half full); -1 when
 * memory runs out. */
static int slots_reserve(struct sieve_vars *v)
{
	size_t nslots = v->nslots ? v->nslots : 32;
	size_t *slots;

	while (nslots < 2 * (v->n + 1))
		nslots *= 2;
	if (nslots == v->nslots)
		return 0;
	if ((slots = calloc(nslots, sizeof *slots)) == NULL)
		return -1;
	free(v->slots);
	v->slots = slots;
	v->nslots = nslots;
	for (size_t i = 0; i < v->n; i++)
		slot_insert(v, i);
	return 0;
}

struct sieve_vars *sieve_vars_new(const struct sieve_vars_limits *lim)
{
	struct sieve_vars *v = calloc(1, sizeof *v);

	if (v == NULL)
		return NULL;
	if (lim != NULL) {
		v->lim = *lim;
	} else {
		v->lim.max_scope_size = SIEVE_VARS_SCOPE_DEFAULT;
		v->lim.max_variable_size = SIEVE_VARS_VALUE_DEFAULT;
	}
	return v;
}

void sieve_vars_set_limits(struct sieve_vars *v,
    const struct sieve_vars_limits *lim)
{
	v->lim = *lim;
}

static void clear_match(struct sieve_vars *v)
{
	for (size_t i = 0; i < v->nmatch; i++) {
		free(v->match[i]);
		v->match[i] = NULL;
		v->match_len[i] = 0;
	}
	v->nmatch = 0;
}

void sieve_vars_free(struct sieve_vars *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->vars[i].name);
		free(v->vars[i].value);
	}
	free(v->vars);
	free(v->slots);
	clear_match(v);
	free(v);
}

/* A new entry for name (lower-cased), or NULL when the scope is full or
 * memory runs out. */
static struct vars_entry *add(struct sieve_vars *v, const char *name)
{
	struct vars_entry *e;
	size_t namelen = strlen(name);

	if (v->n >= v->lim.max_scope_size || slots_reserve(v) < 0)
		return NULL;
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		struct vars_entry *vars = reallocarray(v->vars, cap,
		    sizeof *vars);

		if (vars == NULL)
			return NULL;
		v->vars = vars;
		v->cap = cap;
	}
	e = &v->vars[v->n];
	if ((e->name = malloc(namelen + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < namelen; i++)
		e->name[i] = ascii_lower(name[i]);
	e->name[namelen] = '\0';
	e->value = NULL;
	e->len = 0;
	e->global = false;
	slot_insert(v, v->n++);
	return e;
}

int sieve_vars_set(struct sieve_vars *v, const char *name, const char *value,
    size_t len)
{
	struct vars_entry *e;
	char *copy;
	size_t namelen = strlen(name);

	v = owner(v, &name, &namelen);
	if (!sieve_vars_name_valid(name))
		return -1;
	len = sieve_utf8_truncate(value, len, v->lim.max_variable_size);
	e = find(v, name, strlen(name));
	if (v->total - (e != NULL ? e->len : 0) + len > SIEVE_VARS_TOTAL_MAX)
		return -2;
	if ((copy = malloc(len + 1)) == NULL)
		return -1;
	memcpy(copy, value, len);
	copy[len] = '\0';
	if (e == NULL && (e = add(v, name)) == NULL) {
		free(copy);
		return -1;
	}
	v->total = v->total - e->len + len;
	free(e->value);
	e->value = copy;
	e->len = len;
	return 0;
}

int sieve_vars_get(const struct sieve_vars *v, const char *name,
    const char **value, size_t *len)
{
	size_t namelen = strlen(name);
	const struct sieve_vars *o = owner(v, &name, &namelen);
	const struct vars_entry *e = find(o, name, namelen);

	*value = (e != NULL && e->value != NULL) ? e->value : "";
	*len = e != NULL ? e->len : 0;
	return e != NULL;
}

void sieve_vars_set_match(struct sieve_vars *v, struct sieve_match_values *mv)
{
	size_t cap = sizeof mv->v / sizeof mv->v[0];
	size_t n = mv->n < cap ? mv->n : cap;

	clear_match(v);
	for (size_t i = 0; i < n; i++) {
		if (i < SIEVE_VARS_MATCH_MAX) {
			v->match[i] = mv->v[i];
			v->match_len[i] = mv->v[i] != NULL ? mv->len[i] : 0;
			v->nmatch = i + 1;
		} else {
			free(mv->v[i]);
		}
		mv->v[i] = NULL;
		mv->len[i] = 0;
	}
	mv->n = 0;
}

/* The value a valid reference stands for (a namespace the checker let
 * through has no variables here: ""). */
static bool in_global_ns(const char *name, size_t len);

static void ref_value(const struct sieve_vars *v, const struct vars_ref *r,
    const char **val, size_t *len)
{
	const struct vars_entry *e;
	const struct sieve_vars *o;
	const char *name = r->name;
	size_t namelen = r->namelen;

	*val = "";
	*len = 0;
	switch (r->kind) {
	case REF_NAMESPACE:
		/* global.NAME (include's) is a variable of the global scope;
		 * the other namespaces are the extensions' (env.) */
		if (!(v->globals != NULL && in_global_ns(name, namelen))) {
			if (v->ns_fn != NULL && v->ns_fn(v->ns_ctx, name,
			    namelen, val, len) != 1) {
				*val = "";
				*len = 0;
			}
			break;
		}
		if (memchr(name + 7, '.', namelen - 7) != NULL)
			break;
		/* fall through */
	case REF_NAME:
		o = owner(v, &name, &namelen);
		if ((e = find(o, name, namelen)) != NULL &&
		    e->value != NULL) {
			*val = e->value;
			*len = e->len;
		}
		break;
	case REF_MATCH:
		if (r->index < v->nmatch && v->match[r->index] != NULL) {
			*val = v->match[r->index];
			*len = v->match_len[r->index];
		}
		break;
	}
}

void sieve_vars_set_namespaces(struct sieve_vars *v, sieve_vars_ns_fn *fn,
    void *ctx)
{
	v->ns_fn = fn;
	v->ns_ctx = ctx;
}

/* Append, but never past the expansion limit: Pigeonhole cuts a string
 * that grows beyond it (by bytes). */
static void add_capped(struct growbuf *b, const char *p, size_t n)
{
	if (b->len >= VARS_EXPAND_MAX)
		return;
	if (n > VARS_EXPAND_MAX - b->len)
		n = VARS_EXPAND_MAX - b->len;
	growbuf_add(b, p, n);
}

int sieve_vars_expand(const struct sieve_vars *v, const char *in, size_t inlen,
    char **out, size_t *outlen)
{
	struct growbuf b = { 0 };
	struct vars_ref r;
	size_t pos = 0, at;

	while (next_ref(in, inlen, pos, &at, &r)) {
		const char *val;
		size_t len;

		add_capped(&b, in + pos, at - pos);
		ref_value(v, &r, &val, &len);
		add_capped(&b, val, len);
		pos = (size_t)(r.end - in);
	}
	add_capped(&b, in + pos, inlen - pos);
	return sieve_growbuf_finish(&b, out, outlen);
}

bool sieve_vars_has_refs(const char *s, size_t len)
{
	struct vars_ref r;
	size_t at;

	return next_ref(s, len, 0, &at, &r);
}

bool sieve_vars_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > VARS_NAME_MAX || !is_ident_start(name[0]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!is_ident_char(name[i]))
			return false;
	return true;
}

/* "global.NAME" with include's namespace: 0 when it is one variable, -1
 * with Pigeonhole's message when not (a sub-namespace, a number). */
static int check_global_ref(const char *name, size_t len, char *err,
    size_t errlen)
{
	const char *rest = name + 7, *end = name + len, *p = rest;
	bool numeric = false;
	size_t number;

	if (memchr(rest, '.', (size_t)(end - rest)) != NULL) {
		(void)snprintf(err, errlen, "invalid variable name within "
		    "global namespace: encountered sub-namespace");
		return -1;
	}
	if (!parse_element(&p, end, &numeric, &number) || numeric) {
		(void)snprintf(err, errlen, "invalid variable name within "
		    "global namespace: encountered numeric variable name");
		return -1;
	}
	return 0;
}

static bool in_global_ns(const char *name, size_t len)
{
	return len > 7 && strncasecmp(name, "global.", 7) == 0;
}

int sieve_vars_check_name(const char *name, size_t len, char *err,
    size_t errlen)
{
	return sieve_vars_check_name_ns(name, len, false, err, errlen);
}

int sieve_vars_check_name_ns(const char *name, size_t len, bool global_ns,
    char *err, size_t errlen)
{
	struct vars_ref r;
	const char *p = name, *end = name + len;
	size_t elements = 0;
	bool numeric = false;

	/* the same element grammar as a reference, over the whole string */
	while (elements < VARS_ELEMENTS_MAX &&
	    parse_element(&p, end, &numeric, &r.index)) {
		if (elements++ == 0 && numeric)
			break;
		if (p >= end || *p != '.' || p + 1 >= end)
			break;
		p++;
	}
	if (elements == 0 || p != end || memchr(name, '\0', len) != NULL) {
		(void)snprintf(err, errlen, "invalid variable name '%.80s'",
		    name);
		return -1;
	}
	if (elements == 1 && numeric) {
		(void)snprintf(err, errlen, "cannot assign to match variable");
		return -1;
	}
	if (elements > 1 && global_ns && in_global_ns(name, len))
		return check_global_ref(name, len, err, errlen);
	if (elements > 1) {
		(void)snprintf(err, errlen,
		    "referring to variable in unknown namespace '%.*s'",
		    (int)strcspn(name, "."), name);
		return -1;
	}
	return 0;
}

/* Declare r's variable in decl (the set of names the script uses). */
static int declare(struct sieve_vars *decl, const struct vars_ref *r,
    char *err, size_t errlen)
{
	char name[VARS_NAME_MAX + 1];

	memcpy(name, r->name, r->namelen);
	name[r->namelen] = '\0';
	if (find(decl, name, r->namelen) != NULL || add(decl, name) != NULL)
		return 0;
	(void)snprintf(err, errlen, "(implicit) declaration of new variable "
	    "'%s' exceeds the limit (max variables: %zu)", name,
	    decl->lim.max_scope_size);
	return -1;
}

int sieve_vars_check_string(struct sieve_vars *decl, const char *s,
    size_t len, char *err, size_t errlen)
{
	return sieve_vars_check_string_ns(decl, s, len, false, NULL, NULL,
	    err, errlen);
}

int sieve_vars_check_string_ns(struct sieve_vars *decl, const char *s,
    size_t len, bool global_ns, sieve_vars_ns_known_fn *known,
    const void *ctx, char *err, size_t errlen)
{
	struct vars_ref r;
	size_t pos = 0, at;

	while (next_ref(s, len, pos, &at, &r)) {
		if (r.kind == REF_NAMESPACE && global_ns &&
		    in_global_ns(r.name, r.namelen)) {
			if (check_global_ref(r.name, r.namelen, err,
			    errlen) < 0)
				return -1;
		} else if (r.kind == REF_NAMESPACE && (known == NULL ||
		    !known(ctx, r.name, strcspn(r.name, ".")))) {
			(void)snprintf(err, errlen, "referring to variable in "
			    "unknown namespace '%.*s'",
			    (int)strcspn(r.name, "."), r.name);
			return -1;
		}
		if (r.kind == REF_MATCH &&
		    r.index > SIEVE_VARS_MATCH_INDEX_MAX) {
			(void)snprintf(err, errlen, "match value index %zu out "
			    "of range (max: %d)", r.index,
			    SIEVE_VARS_MATCH_INDEX_MAX);
			return -1;
		}
		if (r.kind == REF_NAME && decl != NULL &&
		    declare(decl, &r, err, errlen) != 0)
			return -1;
		pos = (size_t)(r.end - s);
	}
	return 0;
}

int sieve_vars_declare(struct sieve_vars *decl, const char *name, char *err,
    size_t errlen)
{
	struct vars_ref r = { .kind = REF_NAME, .name = name,
	    .namelen = strlen(name) };

	if (!sieve_vars_name_valid(name)) {
		(void)snprintf(err, errlen, "invalid variable name '%.80s'",
		    name);
		return -1;
	}
	return declare(decl, &r, err, errlen);
}

void sieve_vars_link_globals(struct sieve_vars *v, struct sieve_vars *globals)
{
	v->globals = globals;
}

int sieve_vars_mark_global(struct sieve_vars *v, const char *name)
{
	struct vars_entry *e = find(v, name, strlen(name));

	if (!sieve_vars_name_valid(name))
		return -1;
	if (e == NULL && (e = add(v, name)) == NULL)
		return -1;
	if (!e->global) {
		/* what the local held is no longer reachable */
		v->total -= e->len;
		free(e->value);
		e->value = NULL;
		e->len = 0;
		e->global = true;
	}
	return 0;
}
