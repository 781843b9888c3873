/* interp_rt.c: what a run function may do during a native evaluation
 * (see sieve_rt.h): report, count work, allocate scratch, read its
 * arguments and the message, match, and add actions to the plan. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "interp_pool.h"
#include "rfc2047.h"
#include "sieve_address.h"
#include "sieve_match.h"
#include "sieve_rt.h"
#include "sieve_vars.h"

/* CPU time is read every this many steps: a clock_gettime costs far more
 * than a step. */
#define CPU_CHECK_EVERY 4096

/* ---- errors and messages ---- */

int sieve_rt_error(struct sieve_rt *rt, struct sieve_pos pos,
    const char *fmt, ...)
{
	char msg[SIEVE_MSG_MAX];
	va_list ap;

	if (rt->error)
		return -1;      /* the first error is the one that counts */
	rt->error = true;
	if (pos.line == 0)
		pos = rt->pos;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	(void)sieve_msgs_add(&rt->res->errors, "line %u, column %u: %s",
	    pos.line, pos.col, msg);
	return -1;
}

void sieve_rt_soft_error(struct sieve_rt *rt, struct sieve_pos pos,
    const char *fmt, ...)
{
	char msg[SIEVE_MSG_MAX];
	va_list ap;

	if (pos.line == 0)
		pos = rt->pos;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	(void)sieve_msgs_add(&rt->res->errors, "line %u, column %u: %s",
	    pos.line, pos.col, msg);
}

void sieve_rt_note(struct sieve_rt *rt, const char *fmt, ...)
{
	char msg[SIEVE_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	(void)sieve_msgs_add(&rt->res->notes, "%s", msg);
}

void sieve_rt_trace(struct sieve_rt *rt, const char *fmt, ...)
{
	char msg[SIEVE_MSG_MAX];
	va_list ap;

	if (!rt->trace)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	(void)sieve_msgs_add(&rt->res->trace, "%s", msg);
}

static double cpu_seconds_since(const struct timespec *start)
{
	struct timespec now;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now) != 0)
		return 0;
	return (double)(now.tv_sec - start->tv_sec) +
	    (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

int sieve_rt_step(struct sieve_rt *rt, struct sieve_pos pos, uint64_t n)
{
	uint64_t before = rt->steps;

	if (rt->error)
		return -1;
	rt->steps = n > UINT64_MAX - rt->steps ? UINT64_MAX : rt->steps + n;
	if (rt->steps > rt->lim.max_steps)
		return sieve_rt_error(rt, pos, "execution exceeded the step "
		    "limit (sieve_max_steps = %llu)",
		    (unsigned long long)rt->lim.max_steps);
	if (rt->steps / CPU_CHECK_EVERY != before / CPU_CHECK_EVERY &&
	    cpu_seconds_since(&rt->cpu_start) > rt->lim.max_cpu_time)
		return sieve_rt_error(rt, pos, "execution exceeded CPU time "
		    "limit (sieve_max_cpu_time = %us)", rt->lim.max_cpu_time);
	return 0;
}

/* ---- scratch memory ---- */

static void over_memory(struct sieve_rt *rt)
{
	(void)sieve_rt_error(rt, (struct sieve_pos){ 0, 0 },
	    "execution exceeded the memory limit (sieve_max_memory "
	    "= %zu bytes)", rt->lim.max_memory);
}

void *sieve_rt_alloc(struct sieve_rt *rt, size_t size)
{
	void *p = sieve_pool_alloc(rt->pool, size);

	if (p == NULL)
		over_memory(rt);
	return p;
}

int sieve_rt_charge(struct sieve_rt *rt, size_t size)
{
	if (sieve_pool_charge(rt->pool, size) == 0)
		return 0;
	over_memory(rt);
	return -1;
}

char *sieve_rt_strndup(struct sieve_rt *rt, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX)
		return NULL;
	if ((p = sieve_rt_alloc(rt, len + 1)) != NULL)
		memcpy(p, s, len);
	return p;
}

/* ---- arguments ---- */

const char *sieve_rt_string(struct sieve_rt *rt, const struct sieve_string *s,
    size_t *len)
{
	char *exp = NULL, *out;
	size_t n = 0;

	if (rt->vars == NULL || !sieve_vars_has_refs(s->value, s->len)) {
		if (len != NULL)
			*len = s->len;
		return s->value;
	}
	if (sieve_vars_expand(rt->vars, s->value, s->len, &exp, &n) < 0) {
		(void)sieve_rt_error(rt, s->pos, "out of memory");
		return NULL;
	}
	out = sieve_rt_strndup(rt, exp, n);
	free(exp);
	if (out != NULL && len != NULL)
		*len = n;
	return out;
}

int sieve_rt_strings(struct sieve_rt *rt, const struct sieve_arg *a,
    struct sieve_strings *out)
{
	const char **v;
	size_t *len, i = 0;

	memset(out, 0, sizeof *out);
	v = sieve_rt_alloc(rt, (a->nstrings + 1) * sizeof *v);
	len = sieve_rt_alloc(rt, (a->nstrings + 1) * sizeof *len);
	if (v == NULL || len == NULL)
		return -1;
	for (const struct sieve_string *s = a->strings; s; s = s->next, i++)
		if ((v[i] = sieve_rt_string(rt, s, &len[i])) == NULL)
			return -1;
	out->v = v;
	out->len = len;
	out->n = i;
	return 0;
}

/* ---- the message ---- */

static int count_matching(struct sieve_rt *rt,
    const struct sieve_strings *names, size_t *total)
{
	const struct header_index *idx = rt->env->headers;

	*total = 0;
	for (size_t k = 0; k < names->n; k++) {
		if (sieve_rt_step(rt, (struct sieve_pos){ 0, 0 },
		    1 + (idx ? idx->count / 64 : 0)) < 0)
			return -1;
		if (idx != NULL && memchr(names->v[k], '\0',
		    names->len[k]) == NULL)
			*total += header_count(idx, names->v[k]);
	}
	return 0;
}

/* A header value as Pigeonhole compares it: trailing whitespace dropped
 * (the index already dropped the leading), RFC 2047-decoded.  Malloced;
 * NULL when memory runs out. */
static char *decoded_value(const char *value, bool phrase)
{
	size_t n = strlen(value);
	char *cut, *d;

	if (n == 0 || (value[n - 1] != ' ' && value[n - 1] != '\t'))
		return rfc2047_decode(value, phrase);
	while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t'))
		n--;
	if ((cut = strndup(value, n)) == NULL)
		return NULL;
	d = rfc2047_decode(cut, phrase);
	free(cut);
	return d;
}

/* Decoded header values, kept for the whole evaluation: a script tests
 * the same few headers rule after rule, and decoding is most of what a
 * header test costs.  Entry i is the index's item i as last decoded; it
 * is used only while the item still holds the same name and text
 * (editheader may change the header under the script), else decoded
 * again. */
struct sieve_hv_cache {
	struct hv_entry {
		char *name, *raw;     /* the header decoded */
		char *decoded;
		size_t len;
	} *e;
	size_t n;
	/* the last value parsed as an address list, and what it gave: a
	 * script's address tests read the same From: rule after rule, and
	 * parsing it each time was a sixth of evaluating 1,000 rules.  Used
	 * only for the very same bytes read the same way. */
	char *addr_value;
	size_t addr_len;
	bool addr_envelope;
	struct sieve_address_list addr;
};

static void hv_entry_clear(struct hv_entry *e)
{
	free(e->name);
	free(e->raw);
	free(e->decoded);
	e->name = e->raw = e->decoded = NULL;
}

void sieve_rt_hv_cache_free(struct sieve_hv_cache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++)
		hv_entry_clear(&c->e[i]);
	free(c->e);
	free(c->addr_value);
	sieve_address_list_free(&c->addr);
	free(c);
}

static struct hv_entry *hv_entry(struct sieve_rt *rt, size_t i, size_t n)
{
	struct sieve_hv_cache *c = rt->hv_cache;

	if (c == NULL && (c = rt->hv_cache = calloc(1, sizeof *c)) == NULL)
		return NULL;
	if (i >= c->n) {
		size_t want = n > i ? n : i + 1;
		struct hv_entry *e = reallocarray(c->e, want, sizeof *e);

		if (e == NULL)
			return NULL;
		memset(e + c->n, 0, (want - c->n) * sizeof *e);
		c->e = e;
		c->n = want;
	}
	return &c->e[i];
}

/* Item i of the index, decoded; NULL when memory runs out.  The string
 * stays valid until the evaluation ends or item i changes. */
static const char *cached_decode(struct sieve_rt *rt, size_t i,
    size_t *len)
{
	const struct header_index *idx = rt->env->headers;
	const struct header *h = &idx->items[i];
	struct hv_entry *e = hv_entry(rt, i, idx->count);

	if (e == NULL)
		return NULL;
	if (e->raw != NULL && strcmp(e->raw, h->value) == 0 &&
	    strcmp(e->name, h->name) == 0) {
		*len = e->len;
		return e->decoded;
	}
	hv_entry_clear(e);
	e->decoded = decoded_value(h->value,
	    rfc2047_is_address_header(h->name));
	e->raw = strdup(h->value);
	e->name = strdup(h->name);
	if (e->decoded == NULL || e->raw == NULL || e->name == NULL) {
		hv_entry_clear(e);
		return NULL;
	}
	e->len = strlen(e->decoded);
	*len = e->len;
	return e->decoded;
}

/* The values of the headers called name, appended to out (room for
 * cap): decoded (as decoded_value), or as the message has them when raw
 * is set. */
static int add_decoded(struct sieve_rt *rt, const char *name,
    struct sieve_strings *out, const char **v, size_t *len, size_t cap,
    bool raw)
{
	const struct header_index *idx = rt->env->headers;

	/* one pass over the index per name: header_get(nth) per occurrence
	 * would be quadratic on thousands of Received lines */
	for (size_t i = 0; i < idx->count && out->n < cap; i++) {
		const char *d;

		if (strcasecmp(idx->items[i].name, name) != 0)
			continue;
		if (raw) {
			/* the value as the message has it (date's reading) */
			len[out->n] = strlen(idx->items[i].value);
			d = sieve_rt_strndup(rt, idx->items[i].value,
			    len[out->n]);
			if (d == NULL)
				return -1;
		} else if ((d = cached_decode(rt, i, &len[out->n])) == NULL)
			return sieve_rt_error(rt, (struct sieve_pos){ 0, 0 },
			    "out of memory");
		v[out->n++] = d;
	}
	return 0;
}

static int header_values(struct sieve_rt *rt,
    const struct sieve_strings *names, bool raw, struct sieve_strings *out)
{
	const struct header_index *idx = rt->env->headers;
	const char **v;
	size_t *len, total;

	memset(out, 0, sizeof *out);
	/* one name (the usual test): room for every header, no counting
	 * pass; several: counted first, so that the arrays stay as small
	 * as the answer */
	if (names->n == 1 && idx != NULL) {
		if (sieve_rt_step(rt, (struct sieve_pos){ 0, 0 },
		    1 + idx->count / 64) < 0)
			return -1;
		total = idx->count;
	} else if (count_matching(rt, names, &total) < 0) {
		return -1;
	}
	v = sieve_rt_alloc(rt, (total + 1) * sizeof *v);
	len = sieve_rt_alloc(rt, (total + 1) * sizeof *len);
	if (v == NULL || len == NULL)
		return -1;
	out->v = v;
	out->len = len;
	for (size_t k = 0; k < names->n && total > 0; k++) {
		if (memchr(names->v[k], '\0', names->len[k]) != NULL)
			continue;
		if (add_decoded(rt, names->v[k], out, v, len, total, raw) < 0)
			return -1;
	}
	return 0;
}

/* The headers an extension's tags on c name instead of the message's
 * (mime's :mime): 1 with out filled, 0 when none claims c, -1. */
static int ext_header_source(struct sieve_rt *rt, const struct sieve_call *c,
    const struct sieve_strings *names, struct sieve_strings *out)
{
	for (size_t i = 0; i < sieve_ext_count; i++) {
		const struct sieve_extension *e = sieve_ext_table[i];
		int r;

		if (e->header_source == NULL ||
		    !sieve_ext_set_has(&rt->required, e))
			continue;
		if ((r = e->header_source(rt, c, names, out)) != 0)
			return r < 0 ? -1 : 1;
	}
	return 0;
}

int sieve_rt_header_source(struct sieve_rt *rt, const struct sieve_call *c,
    const struct sieve_strings *names, struct sieve_strings *out)
{
	int r = ext_header_source(rt, c, names, out);

	if (r != 0)
		return r < 0 ? -1 : 0;
	return sieve_rt_header_values(rt, names, out);
}

int sieve_rt_header_values(struct sieve_rt *rt,
    const struct sieve_strings *names, struct sieve_strings *out)
{
	return header_values(rt, names, false, out);
}

/* The fields come from the extension's source first, then :index picks
 * among them, in Pigeonhole's order (its mime override runs before the
 * index one). */
int sieve_rt_call_header_values(struct sieve_rt *rt,
    const struct sieve_call *c, const struct sieve_strings *names,
    bool raw, struct sieve_strings *out)
{
	const struct sieve_arg *index = sieve_call_tag_value(c, "index");
	uint64_t nth;
	int r = ext_header_source(rt, c, names, out);

	if (r < 0 || (r == 0 && header_values(rt, names, raw, out) < 0))
		return -1;
	if (index == NULL)
		return 0;
	nth = index->number;      /* the checker refused 0 */
	if (nth == 0 || nth > out->n) {
		out->n = 0;
		return 0;
	}
	if (sieve_call_tag(c, "last") != NULL)
		nth = out->n + 1 - nth;
	out->v += nth - 1;
	out->len += nth - 1;
	out->n = 1;
	return 0;
}

/* ---- matching ---- */

static const struct {
	const char *tag;
	enum sieve_match_type type;
} match_types[] = {
	{ "is", SIEVE_MT_IS }, { "contains", SIEVE_MT_CONTAINS },
	{ "matches", SIEVE_MT_MATCHES }, { "regex", SIEVE_MT_REGEX },
	{ "value", SIEVE_MT_VALUE }, { "count", SIEVE_MT_COUNT },
};

/* c's matcher from its tags; -1 after a runtime error (a comparator or
 * relation named through a variable that does not exist). */
static int matcher_of(struct sieve_rt *rt, const struct sieve_call *c,
    struct sieve_matcher *m, struct sieve_match_limits *lim)
{
	const char *mt = sieve_call_group_tag(c, SIEVE_TG_MATCH);
	const struct sieve_arg *cmp = sieve_call_tag_value(c, "comparator");

	memset(m, 0, sizeof *m);
	m->type = SIEVE_MT_IS;
	m->cmp = SIEVE_CMP_CASEMAP;
	for (size_t i = 0; mt && i < sizeof match_types /
	    sizeof match_types[0]; i++)
		if (strcmp(mt, match_types[i].tag) == 0)
			m->type = match_types[i].type;
	if (cmp != NULL && sieve_comparator_lookup(cmp->strings->value,
	    &m->cmp) < 0)
		return sieve_rt_error(rt, cmp->pos, "unknown comparator "
		    "\"%s\"", cmp->strings->value);
	if (m->type == SIEVE_MT_VALUE || m->type == SIEVE_MT_COUNT) {
		const struct sieve_arg *rel = sieve_call_tag_value(c, mt);

		if (rel == NULL || sieve_relation_lookup(rel->strings->value,
		    &m->rel) < 0)
			return sieve_rt_error(rt, c->pos, "unknown relational "
			    "operator");
	}
	lim->regex_match_limit = rt->lim.regex_match_limit;
	lim->regex_depth_limit = 0;
	lim->value_max = rt->lim.max_variable_size;
	m->lim = lim;
	m->capture = rt->vars != NULL;
	return 0;
}

int sieve_rt_matcher(struct sieve_rt *rt, const struct sieve_call *c,
    struct sieve_matcher *m, struct sieve_match_limits *lim)
{
	return matcher_of(rt, c, m, lim);
}

/* The steps one match costs: a step per value and key compared, plus the
 * bytes compared (in units of 256), and for :matches and :regex, whose
 * work grows with the value times the key, that product (in units of
 * 4096).  A bound of the work, not a measure: the point is that a huge
 * key list or a huge value costs in proportion. */
static uint64_t match_cost(const struct sieve_matcher *m,
    const struct sieve_strings *values, const struct sieve_strings *keys)
{
	bool product = m->type == SIEVE_MT_MATCHES ||
	    m->type == SIEVE_MT_REGEX;
	uint64_t cost = 1, klen = 0;

	for (size_t k = 0; k < keys->n; k++)
		klen += keys->len[k];
	for (size_t v = 0; v < values->n; v++) {
		uint64_t vl = values->len[v];

		cost += keys->n + (vl * keys->n + klen) / 256;
		if (product)
			cost += vl * klen / 4096;
	}
	return cost;
}

static int rt_match(struct sieve_rt *rt, const struct sieve_call *c,
    const struct sieve_strings *values, const struct sieve_strings *keys,
    bool capture);

int sieve_rt_match(struct sieve_rt *rt, const struct sieve_call *c,
    const struct sieve_strings *values, const struct sieve_strings *keys)
{
	return rt_match(rt, c, values, keys, true);
}

int sieve_rt_match_plain(struct sieve_rt *rt, const struct sieve_call *c,
    const struct sieve_strings *values, const struct sieve_strings *keys)
{
	return rt_match(rt, c, values, keys, false);
}

static int rt_match(struct sieve_rt *rt, const struct sieve_call *c,
    const struct sieve_strings *values, const struct sieve_strings *keys,
    bool capture)
{
	struct sieve_matcher m;
	struct sieve_match_limits lim;
	struct sieve_match_values mv;
	char err[256] = "";
	int rc;

	if (matcher_of(rt, c, &m, &lim) < 0)
		return -1;
	m.capture = m.capture && capture;
	if (sieve_rt_step(rt, c->pos, match_cost(&m, values, keys)) < 0)
		return -1;
	memset(&mv, 0, sizeof mv);
	rc = sieve_match(&m, values, keys, &mv, err, sizeof err);
	if (rc < 0)
		return sieve_rt_error(rt, c->pos, "%s", err[0] ? err :
		    "match failed");
	if (err[0] != '\0')   /* a :regex key skipped: Pigeonhole goes on */
		sieve_rt_soft_error(rt, c->pos, "%s", err);
	if (rc == 1 && m.capture && (m.type == SIEVE_MT_MATCHES ||
	    m.type == SIEVE_MT_REGEX))
		sieve_vars_set_match(rt->vars, &mv);
	sieve_match_values_clear(&mv);
	return rc;
}

const char *sieve_rt_address_part(struct sieve_rt *rt,
    const struct sieve_call *c)
{
	const char *p = sieve_call_group_tag(c, SIEVE_TG_ADDRPART);

	(void)rt;
	return p ? p : "all";
}

/* A growing list of pool strings (its arrays on the heap until done). */
struct partlist {
	const char **v;
	size_t *len;
	size_t n, cap;
};

static int partlist_add(struct sieve_rt *rt, struct partlist *pl,
    const char *s)
{
	size_t n = strlen(s);
	char *copy;

	if (pl->n == pl->cap) {
		size_t cap = pl->cap ? pl->cap * 2 : 16;
		const char **v = reallocarray(pl->v, cap, sizeof *v);
		size_t *len;

		if (v == NULL)
			return -1;
		pl->v = v;
		if ((len = reallocarray(pl->len, cap, sizeof *len)) == NULL)
			return -1;
		pl->len = len;
		pl->cap = cap;
	}
	if ((copy = sieve_rt_strndup(rt, s, n)) == NULL)
		return -1;
	pl->v[pl->n] = copy;
	pl->len[pl->n++] = n;
	return 0;
}

static int parts_of(struct sieve_rt *rt, struct sieve_pos pos,
    const struct sieve_address_list *l, enum sieve_address_part part,
    struct partlist *pl)
{
	const char *delim = rt->env->delimiter ? rt->env->delimiter : "";

	for (size_t i = 0; i < l->n; i++) {
		bool nomem = false;
		char *p = sieve_address_part(&l->items[i], part, delim,
		    &nomem);
		int rc = 0;

		if (nomem || sieve_rt_step(rt, pos, 1) < 0) {
			free(p);
			return -1;
		}
		if (p != NULL)
			rc = partlist_add(rt, pl, p);
		free(p);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int parse_one(const struct sieve_strings *values, size_t i,
    bool envelope, struct sieve_address_list *l)
{
	char *z;
	int rc;

	if (!envelope)
		return sieve_address_list_parse(values->v[i], values->len[i],
		    l);
	if ((z = strndup(values->v[i], values->len[i])) == NULL)
		return -1;
	rc = sieve_address_path_parse(z, l);
	free(z);
	return rc;
}

/* values[i] parsed, from the cache when it holds these very bytes
 * parsed the same way, else parsed and kept there; NULL when memory runs
 * out.  Valid until the next call. */
static const struct sieve_address_list *cached_parse(struct sieve_rt *rt,
    const struct sieve_strings *values, size_t i, bool envelope)
{
	struct sieve_hv_cache *c = rt->hv_cache;
	const char *v = values->v[i];
	size_t len = values->len[i];

	if (c == NULL && (c = rt->hv_cache = calloc(1, sizeof *c)) == NULL)
		return NULL;
	if (c->addr_value != NULL && c->addr_len == len &&
	    c->addr_envelope == envelope && memcmp(c->addr_value, v, len) == 0)
		return &c->addr;
	free(c->addr_value);
	sieve_address_list_free(&c->addr);
	memset(&c->addr, 0, sizeof c->addr);
	if ((c->addr_value = malloc(len + 1)) == NULL)
		return NULL;
	if (parse_one(values, i, envelope, &c->addr) < 0) {
		sieve_address_list_free(&c->addr);
		free(c->addr_value);
		c->addr_value = NULL;
		return NULL;
	}
	memcpy(c->addr_value, v, len);
	c->addr_value[len] = '\0';
	c->addr_len = len;
	c->addr_envelope = envelope;
	return &c->addr;
}

int sieve_rt_address_values(struct sieve_rt *rt, const struct sieve_call *c,
    const struct sieve_strings *values, bool envelope,
    struct sieve_strings *out)
{
	enum sieve_address_part part = SIEVE_AP_ALL;
	struct partlist pl = { 0 };
	int rc = 0;

	memset(out, 0, sizeof *out);
	(void)sieve_address_part_lookup(sieve_rt_address_part(rt, c), &part);
	for (size_t i = 0; i < values->n && rc == 0; i++) {
		const struct sieve_address_list *l = cached_parse(rt, values, i,
		    envelope);

		rc = l == NULL ? -1 : parts_of(rt, c->pos, l, part, &pl);
	}
	if (rc == 0 && (out->v = sieve_rt_alloc(rt, (pl.n + 1) *
	    sizeof *out->v)) != NULL && (out->len = sieve_rt_alloc(rt,
	    (pl.n + 1) * sizeof *out->len)) != NULL) {
		for (size_t i = 0; i < pl.n; i++) {
			((const char **)out->v)[i] = pl.v[i];
			((size_t *)out->len)[i] = pl.len[i];
		}
		out->n = pl.n;
	} else {
		rc = -1;
	}
	free(pl.v);
	free(pl.len);
	if (rc < 0)
		(void)sieve_rt_error(rt, c->pos, "out of memory");
	return rc;
}

/* ---- actions ---- */

static bool same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* keep and fileinto "INBOX" (any case) are one action in Pigeonhole:
 * a store into the INBOX */
static bool stores_in_inbox(enum action_type type, const char *mailbox)
{
	return type == ACTION_KEEP || (type == ACTION_FILEINTO &&
	    mailbox != NULL && strcasecmp(mailbox, "INBOX") == 0);
}

/* Pigeonhole merges an action identical to one already planned (the
 * same folder, the same redirect address; keep and fileinto "INBOX")
 * before it counts it: the first stays where it is, a keep taking over
 * a fileinto "INBOX" as a keep.  The caller then applies the new one's
 * flags to it, so the last flags given win, as in Pigeonhole. */
static struct action *duplicate_of(struct sieve_rt *rt,
    enum action_type type, const char *mailbox, const char *address)
{
	struct plan *p = &rt->res->plan;

	if (type != ACTION_KEEP && type != ACTION_FILEINTO &&
	    type != ACTION_REDIRECT && type != ACTION_DISCARD)
		return NULL;
	for (size_t i = 0; i < p->count; i++) {
		struct action *a = &p->actions[i];

		if (stores_in_inbox(type, mailbox) &&
		    stores_in_inbox(a->type, a->mailbox)) {
			if (type == ACTION_KEEP && a->type != ACTION_KEEP) {
				a->type = ACTION_KEEP;
				free(a->mailbox);
				a->mailbox = NULL;
				a->create = false;
			}
			return a;
		}
		if (a->type == type && same(a->mailbox, mailbox) &&
		    same(a->address, address))
			return a;
	}
	return NULL;
}

struct action *sieve_rt_add_action(struct sieve_rt *rt, struct sieve_pos pos,
    enum action_type type, const char *mailbox, const char *flags,
    const char *address, const char *text)
{
	struct plan *p = &rt->res->plan;
	struct action *dup = duplicate_of(rt, type, mailbox, address);

	if (dup != NULL)
		return dup;
	if (rt->nactions >= rt->lim.max_actions) {
		(void)sieve_rt_error(rt, pos, "total number of actions "
		    "exceeds policy limit (%zu > %zu)", rt->nactions + 1,
		    rt->lim.max_actions);
		return NULL;
	}
	if (type == ACTION_REDIRECT &&
	    rt->nredirects >= rt->lim.max_redirects) {
		(void)sieve_rt_error(rt, pos, "number of redirect actions "
		    "exceeds policy limit (%zu > %zu)", rt->nredirects + 1,
		    rt->lim.max_redirects);
		return NULL;
	}
	if (plan_add(p, type, mailbox, flags, address, text) < 0) {
		(void)sieve_rt_error(rt, pos, "out of memory");
		return NULL;
	}
	/* the header version as it is now (editheader) */
	if (rt->env->edits != NULL && (type == ACTION_KEEP ||
	    type == ACTION_FILEINTO || type == ACTION_REDIRECT) &&
	    (p->actions[p->count - 1].edits = strdup(rt->env->edits)) ==
	    NULL) {
		(void)sieve_rt_error(rt, pos, "out of memory");
		return NULL;
	}
	rt->nactions++;
	if (type == ACTION_REDIRECT)
		rt->nredirects++;
	return &p->actions[p->count - 1];
}

int sieve_rt_action_done(struct sieve_rt *rt, const struct sieve_call *c,
    struct action *a, bool cancels_keep)
{
	struct sieve_action_ctx ax = { .action = a,
	    .cancels_keep = cancels_keep };

	for (size_t i = 0; i < sieve_ext_count; i++) {
		const struct sieve_extension *e = sieve_ext_table[i];

		if (e->on_action != NULL &&
		    sieve_ext_set_has(&rt->required, e) &&
		    e->on_action(rt, c, &ax) < 0)
			return -1;
	}
	if (ax.cancels_keep)
		sieve_rt_cancel_keep(rt);
	return rt->error ? -1 : 0;
}

void sieve_rt_cancel_keep(struct sieve_rt *rt)
{
	rt->res->keep = false;
}

/* ---- extensions ---- */

bool sieve_rt_requires(const struct sieve_rt *rt, const char *ext)
{
	const struct sieve_extension *e = sieve_ext_find(ext);

	return e != NULL && sieve_ext_set_has(&rt->required, e);
}

void **sieve_rt_ext_state(struct sieve_rt *rt,
    const struct sieve_extension *ext)
{
	size_t i = sieve_ext_index(ext);

	return i < SIEVE_EXT_MAX ? &rt->ext_state[i] : NULL;
}
