/* sieve_match.c: comparators (RFC 4790: i;octet, i;ascii-casemap,
 * i;ascii-numeric), the match types :is and :contains (RFC 5228 2.7.1),
 * relational :value and :count (RFC 5231), and the loop of every value
 * against every key that all match types share.  :matches lives in
 * sieve_glob.c, :regex in sieve_regex.c.
 *
 * Where the RFCs leave room, Pigeonhole 0.5.19 decides: an empty value is
 * :is-equal only to an empty key under every comparator (even
 * i;ascii-numeric, where "" and "a" are both infinity), :contains with an
 * empty value matches only the empty key, and the first (value, key) pair
 * that matches ends the search and supplies the match values. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sieve_match_int.h"

const struct sieve_match_limits SIEVE_MATCH_LIMITS_DEFAULT = {
	.regex_match_limit = 1000000,
	.regex_depth_limit = 10000,
	.value_max = 0,
};

int sieve_comparator_lookup(const char *name, enum sieve_comparator *out)
{
	static const struct { const char *name; enum sieve_comparator cmp; }
	    names[] = {
		{ "i;octet", SIEVE_CMP_OCTET },
		{ "i;ascii-casemap", SIEVE_CMP_CASEMAP },
		{ "i;ascii-numeric", SIEVE_CMP_NUMERIC },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcasecmp(name, names[i].name) == 0) {
			*out = names[i].cmp;
			return 0;
		}
	}
	return -1;
}

int sieve_relation_lookup(const char *name, enum sieve_relation *out)
{
	static const char *const names[] = {
		[SIEVE_REL_GT] = "gt", [SIEVE_REL_GE] = "ge",
		[SIEVE_REL_LT] = "lt", [SIEVE_REL_LE] = "le",
		[SIEVE_REL_EQ] = "eq", [SIEVE_REL_NE] = "ne",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum sieve_relation)i;
			return 0;
		}
	}
	return -1;
}

bool sieve_comparator_supports(enum sieve_comparator cmp,
                               enum sieve_match_type type)
{
	switch (type) {
	case SIEVE_MT_IS:
	case SIEVE_MT_VALUE:
	case SIEVE_MT_COUNT:
		return true;
	case SIEVE_MT_CONTAINS:
	case SIEVE_MT_MATCHES:
	case SIEVE_MT_REGEX:
		return cmp != SIEVE_CMP_NUMERIC;
	}
	return false;
}

void sieve_match_values_clear(struct sieve_match_values *mv)
{
	/* values are only ever set below n (the builder fills 0..n-1) */
	for (size_t i = 0; i < mv->n && i < SIEVE_MATCH_VALUES; i++) {
		free(mv->v[i]);
		mv->v[i] = NULL;
		mv->len[i] = 0;
	}
	mv->n = 0;
}

/* Comparators */

static int sign(int r)
{
	return (r > 0) - (r < 0);
}

static int compare_bytes(bool fold, const char *a, size_t alen,
                         const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	for (size_t i = 0; i < n; i++) {
		unsigned char ca = (unsigned char)a[i], cb = (unsigned char)b[i];
		if (fold) {
			ca = sieve_fold(ca);
			cb = sieve_fold(cb);
		}
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* RFC 4790 9.1: a string that does not start with a digit is positive
 * infinity; otherwise its value is that of its leading digits.  The digit
 * strings are compared as strings (leading zeros skipped, then length,
 * then digits), so numbers of any length compare without overflow. */
static int compare_numeric(const char *a, size_t alen,
                           const char *b, size_t blen)
{
	bool a_inf = alen == 0 || !is_digit(a[0]);
	bool b_inf = blen == 0 || !is_digit(b[0]);
	if (a_inf || b_inf)
		return a_inf == b_inf ? 0 : (a_inf ? 1 : -1);
	size_t ai = 0, bi = 0;
	while (ai < alen && a[ai] == '0')
		ai++;
	while (bi < blen && b[bi] == '0')
		bi++;
	size_t ae = ai, be = bi;
	while (ae < alen && is_digit(a[ae]))
		ae++;
	while (be < blen && is_digit(b[be]))
		be++;
	if (ae - ai != be - bi)
		return ae - ai < be - bi ? -1 : 1;
	return sign(memcmp(a + ai, b + bi, ae - ai));
}

int sieve_cmp_compare(enum sieve_comparator cmp, const char *a, size_t alen,
                      const char *b, size_t blen)
{
	switch (cmp) {
	case SIEVE_CMP_OCTET:
		return compare_bytes(false, a, alen, b, blen);
	case SIEVE_CMP_CASEMAP:
		return compare_bytes(true, a, alen, b, blen);
	case SIEVE_CMP_NUMERIC:
		return compare_numeric(a, alen, b, blen);
	}
	return 0;
}

static bool relation_holds(enum sieve_relation rel, int c)
{
	switch (rel) {
	case SIEVE_REL_GT: return c > 0;
	case SIEVE_REL_GE: return c >= 0;
	case SIEVE_REL_LT: return c < 0;
	case SIEVE_REL_LE: return c <= 0;
	case SIEVE_REL_EQ: return c == 0;
	case SIEVE_REL_NE: return c != 0;
	}
	return false;
}

/* Match types of one value against one key */

static int match_is(enum sieve_comparator cmp, const char *v, size_t vlen,
                    const char *k, size_t klen)
{
	if (vlen == 0)
		return klen == 0;
	return sieve_cmp_compare(cmp, v, vlen, k, klen) == 0;
}

/* Casemap :contains folds the key and the value, a window at a time,
 * into one scratch buffer and lets memmem (linear time in glibc) search
 * each window: no quadratic worst case, and the scratch stays near
 * CONTAINS_WINDOW however long the value (a body test's value can be
 * sieve_body_max, 1 MiB by default).  Each window starts CONTAINS_WINDOW
 * (or the key's length, if longer) after the last and reaches klen - 1
 * bytes further, so every place the key could start is searched with
 * all of its bytes, and no byte is folded more than twice. */
#define CONTAINS_WINDOW (64 * 1024)

static int match_contains(enum sieve_comparator cmp, const char *v,
                          size_t vlen, const char *k, size_t klen)
{
	if (vlen == 0)
		return klen == 0;
	if (klen == 0)
		return 1;
	if (klen > vlen)
		return 0;
	if (cmp != SIEVE_CMP_CASEMAP)
		return memmem(v, vlen, k, klen) != NULL;
	size_t step = klen > CONTAINS_WINDOW ? klen : CONTAINS_WINDOW;
	size_t span = step + klen - 1 < vlen ? step + klen - 1 : vlen;
	char *key = malloc(klen + span);
	if (key == NULL)
		return -1;
	char *win = key + klen;
	for (size_t i = 0; i < klen; i++)
		key[i] = (char)sieve_fold((unsigned char)k[i]);
	int r = 0;
	for (size_t at = 0; at + klen <= vlen && r == 0; at += step) {
		size_t n = vlen - at < span ? vlen - at : span;
		for (size_t i = 0; i < n; i++)
			win[i] = (char)sieve_fold((unsigned char)v[at + i]);
		r = memmem(win, n, key, klen) != NULL;
	}
	free(key);
	return r;
}

/* ---- :contains over a value that arrives in pieces ---- */

void sieve_contains_scan_free(struct sieve_contains_scan *sc)
{
	free(sc->folded);
	free(sc->buf);
	sc->folded = sc->buf = NULL;
}

int sieve_contains_scan_init(struct sieve_contains_scan *sc,
                             enum sieve_comparator cmp,
                             const struct sieve_strings *keys)
{
	memset(sc, 0, sizeof *sc);
	sc->fold = cmp == SIEVE_CMP_CASEMAP;
	sc->keys = keys;
	for (size_t k = 0; k < keys->n; k++) {
		sc->ktotal += keys->len[k];
		if (keys->len[k] > sc->kmax)
			sc->kmax = keys->len[k];
		sc->empty_key |= keys->len[k] == 0;
	}
	if ((sc->folded = malloc(sc->ktotal + 1)) == NULL)
		return -1;
	for (size_t k = 0, at = 0; k < keys->n; at += keys->len[k++])
		for (size_t i = 0; i < keys->len[k]; i++)
			sc->folded[at + i] = sc->fold ? (char)sieve_fold(
			    (unsigned char)keys->v[k][i]) : keys->v[k][i];
	return 0;
}

void sieve_contains_scan_begin(struct sieve_contains_scan *sc)
{
	sc->tail = 0;
	sc->vlen = 0;
}

int sieve_contains_scan_piece(void *ctx, const char *data, size_t len)
{
	struct sieve_contains_scan *sc = ctx;

	sc->vlen += len;
	if (sc->found || sc->kmax == 0 || len == 0)
		return 0;
	if (sc->tail + len > sc->cap) {
		char *b = realloc(sc->buf, sc->tail + len);
		if (b == NULL) {
			errno = ENOMEM;
			return -1;
		}
		sc->buf = b;
		sc->cap = sc->tail + len;
	}
	for (size_t i = 0; i < len; i++)
		sc->buf[sc->tail + i] = sc->fold ?
		    (char)sieve_fold((unsigned char)data[i]) : data[i];
	size_t n = sc->tail + len;
	for (size_t k = 0, at = 0; k < sc->keys->n && !sc->found;
	     at += sc->keys->len[k++])
		sc->found = sc->keys->len[k] > 0 && sc->keys->len[k] <= n &&
		            memmem(sc->buf, n, sc->folded + at,
		                   sc->keys->len[k]) != NULL;
	/* what a key that starts here and ends in the next piece needs */
	size_t keep = sc->kmax - 1 < n ? sc->kmax - 1 : n;
	memmove(sc->buf, sc->buf + n - keep, keep);
	sc->tail = keep;
	return 0;
}

void sieve_contains_scan_end(struct sieve_contains_scan *sc)
{
	/* an empty key is in every value, the empty one too */
	sc->found |= sc->empty_key;
}

static void set_err(char *err, size_t errlen, const char *msg)
{
	if (errlen > 0)
		strlcpy(err, msg, errlen);
}

/* One value against key number k; -2 from :regex is a skipped key
 * (reason kept in err). */
static int match_one(const struct sieve_matcher *m,
                     struct sieve_regex_cache *rc, const char *v, size_t vlen,
                     const struct sieve_strings *keys, size_t k,
                     struct sieve_mv_builder *mvb, char *err, size_t errlen)
{
	const char *key = keys->v[k];
	size_t klen = keys->len[k];
	switch (m->type) {
	case SIEVE_MT_IS:
		return match_is(m->cmp, v, vlen, key, klen);
	case SIEVE_MT_CONTAINS:
		return match_contains(m->cmp, v, vlen, key, klen);
	case SIEVE_MT_MATCHES:
		return sieve_glob_match(m->cmp, v, vlen, key, klen, mvb);
	case SIEVE_MT_REGEX:
		return sieve_regex_match(rc, k, m->cmp, v, vlen, key, klen, mvb,
		                         err, errlen);
	case SIEVE_MT_VALUE:
	case SIEVE_MT_COUNT:
		return relation_holds(m->rel, sieve_cmp_compare(m->cmp, v, vlen,
		                                                key, klen));
	}
	return 0;
}

/* :count: the number of values, in decimal, against each key */
static int match_count(const struct sieve_matcher *m,
                       const struct sieve_strings *values,
                       const struct sieve_strings *keys)
{
	char num[32];
	int n = snprintf(num, sizeof num, "%zu", values->n);
	if (n < 0 || (size_t)n >= sizeof num)
		return -1;
	for (size_t j = 0; j < keys->n; j++) {
		int c = sieve_cmp_compare(m->cmp, num, (size_t)n, keys->v[j],
		                          keys->len[j]);
		if (relation_holds(m->rel, c))
			return 1;
	}
	return 0;
}

static bool captures(const struct sieve_matcher *m)
{
	return m->capture &&
	       (m->type == SIEVE_MT_MATCHES || m->type == SIEVE_MT_REGEX);
}

/* 1 when the pair matched (values committed into *out), 0 when not, -1
 * on a fatal error (reason in err) */
static int match_pair(const struct sieve_matcher *m,
                      struct sieve_regex_cache *rc,
                      const struct sieve_strings *values, size_t i,
                      const struct sieve_strings *keys, size_t j,
                      struct sieve_match_values *out, char *err, size_t errlen)
{
	struct sieve_mv_builder mvb;
	struct sieve_mv_builder *pb = NULL;
	if (captures(m)) {
		sieve_mvb_init(&mvb, m->lim != NULL ? m->lim->value_max : 0);
		pb = &mvb;
	}
	char kerr[256] = "";
	int r = match_one(m, rc, values->v[i], values->len[i], keys, j, pb,
	                  kerr, sizeof kerr);
	if (r == -2) {   /* a key that does not compile is skipped */
		set_err(err, errlen, kerr);
		r = 0;
	} else if (r < 0) {
		set_err(err, errlen, kerr[0] != '\0' ? kerr : "out of memory");
	}
	if (r != 1 || pb == NULL) {
		if (pb != NULL)
			sieve_mvb_discard(pb);
		return r;
	}
	/* :regex sets ${0} to the matched part itself */
	if (m->type == SIEVE_MT_MATCHES)
		sieve_mvb_set0(pb, values->v[i], values->len[i]);
	if (sieve_mvb_commit(pb, out) < 0) {
		set_err(err, errlen, "out of memory");
		return -1;
	}
	return 1;
}

int sieve_match(const struct sieve_matcher *m,
                const struct sieve_strings *values,
                const struct sieve_strings *keys,
                struct sieve_match_values *out, char *err, size_t errlen)
{
	if (errlen > 0)
		err[0] = '\0';
	if (!sieve_comparator_supports(m->cmp, m->type)) {
		set_err(err, errlen, "comparator does not support match type");
		return -1;
	}
	if (m->type == SIEVE_MT_COUNT)
		return match_count(m, values, keys);
	struct sieve_regex_cache *rc = NULL;
	if (m->type == SIEVE_MT_REGEX && values->n > 0) {
		rc = sieve_regex_cache_new(keys->n, m->lim != NULL ? m->lim :
		                           &SIEVE_MATCH_LIMITS_DEFAULT);
		if (rc == NULL) {
			set_err(err, errlen, "out of memory");
			return -1;
		}
	}
	int r = 0;
	for (size_t i = 0; i < values->n && r == 0; i++) {
		for (size_t j = 0; j < keys->n && r == 0; j++)
			r = match_pair(m, rc, values, i, keys, j, out, err, errlen);
	}
	sieve_regex_cache_free(rc);
	return r;
}

/* Match-value builder */

void sieve_mvb_init(struct sieve_mv_builder *b, size_t value_max)
{
	memset(b, 0, sizeof *b);
	b->value_max = value_max;
	b->mv.n = 1;   /* ${0} is reserved, set when the match is complete */
}

static char *dup_bytes(const struct sieve_mv_builder *b, const char *p,
                       size_t *len)
{
	if (b->value_max > 0 && *len > b->value_max)
		*len = b->value_max;
	char *s = malloc(*len + 1);
	if (s == NULL)
		return NULL;
	if (*len > 0)
		memcpy(s, p, *len);
	s[*len] = '\0';
	return s;
}

void sieve_mvb_add(struct sieve_mv_builder *b, const char *p, size_t len)
{
	if (b->nomem || b->mv.n >= SIEVE_MATCH_VALUES)
		return;
	char *s = dup_bytes(b, p, &len);
	if (s == NULL) {
		b->nomem = true;
		return;
	}
	b->mv.v[b->mv.n] = s;
	b->mv.len[b->mv.n] = len;
	b->mv.n++;
}

void sieve_mvb_set0(struct sieve_mv_builder *b, const char *p, size_t len)
{
	if (b->nomem)
		return;
	char *s = dup_bytes(b, p, &len);
	if (s == NULL) {
		b->nomem = true;
		return;
	}
	free(b->mv.v[0]);
	b->mv.v[0] = s;
	b->mv.len[0] = len;
}

int sieve_mvb_commit(struct sieve_mv_builder *b, struct sieve_match_values *out)
{
	if (b->nomem) {
		sieve_mvb_discard(b);
		return -1;
	}
	/* slots reserved but never filled read as empty strings */
	for (size_t i = 0; i < b->mv.n; i++) {
		if (b->mv.v[i] == NULL) {
			b->mv.v[i] = calloc(1, 1);
			if (b->mv.v[i] == NULL) {
				sieve_mvb_discard(b);
				return -1;
			}
		}
	}
	sieve_match_values_clear(out);
	*out = b->mv;
	memset(&b->mv, 0, sizeof b->mv);
	return 0;
}

void sieve_mvb_discard(struct sieve_mv_builder *b)
{
	sieve_match_values_clear(&b->mv);
}
