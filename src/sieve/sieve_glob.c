/* sieve_glob.c: the :matches match type (RFC 5228 2.7.1): "*" matches any
 * run of octets, "?" exactly one octet (Pigeonhole 0.5.19 counts octets,
 * not UTF-8 characters: "é" is matched by "??"), a backslash makes the
 * next key character literal.
 *
 * The key splits at its stars into segments of literals and "?".  The
 * first segment must sit at the start of the value, the last at its end,
 * and each one between at the leftmost place after the previous one.
 * Leftmost placement never loses a match, so no backtracking across
 * stars is needed.  A segment without "?" is found by memmem (linear, on
 * a case-folded copy for i;ascii-casemap), so keys like "*a*a*a*a" or
 * "*aaaa...ab*" cost time linear in the value; a segment with "?" is
 * tried place by place, at most value length times segment length, and
 * only the script's author writes keys.  Match values come out as
 * Pigeonhole's: one per wildcard in key order, "*" taking as little as
 * it can except the last one, which takes what the last segment leaves.
 *
 * Where Pigeonhole 0.5.19's own matcher goes wrong, this one does not
 * follow it (found by running both on random keys; see the unit tests):
 *   - a segment of only "?" between two stars fails there when it reaches
 *     exactly to the end of the value: Pigeonhole says "a" does not match
 *     "*?*", nor "ab" "a*?*";
 *   - a literal after a "?" that fails to match, with no star before it,
 *     is skipped: Pigeonhole says "baaba" matches "?b*";
 *   - a segment with "?" after its first literal is tried only at the
 *     first place its first literal run occurs (and, last in the key,
 *     must end the value there): Pigeonhole says "abcabc" does not match
 *     "*a?c", nor "abbbbab" "***bb?b";
 *   - after such a failed try it resumes past the first literal run, not
 *     one octet on: Pigeonhole says "xaaxc" does not match "*?a?c*";
 *   - some keys ending in "?" groups or an escape make it read past the
 *     key and abort ("ab" against "*?*??", "bb" against "*???").
 * A lone backslash at the end of a key is a literal backslash. */
#include <stdlib.h>
#include <string.h>

#include "sieve_match_int.h"

enum glob_kind { GLOB_LIT, GLOB_ANY, GLOB_STAR };

/* The key, unescaped: kc[i] the octet (folded for casemap), kind[i]
 * what it is; a run of literals is a contiguous needle in kc. */
struct glob {
	unsigned char *kc, *kind;
	const unsigned char *val;    /* the value, for match values */
	const unsigned char *hay;    /* the value as compared (folded) */
	size_t vlen;
	struct sieve_mv_builder *mvb;
};

static size_t parse_key(const char *key, size_t klen, bool fold,
                        unsigned char *kc, unsigned char *kinds)
{
	size_t n = 0;
	for (size_t i = 0; i < klen; i++) {
		unsigned char c = (unsigned char)key[i];
		unsigned char kind = GLOB_LIT;
		if (c == '\\' && i + 1 < klen)
			c = (unsigned char)key[++i];
		else if (c == '*')
			kind = GLOB_STAR;
		else if (c == '?')
			kind = GLOB_ANY;
		if (fold)
			c = sieve_fold(c);
		kc[n] = c;
		kinds[n] = kind;
		n++;
	}
	return n;
}

/* Whether items [s, e) match the value at pos (pos + e - s <= vlen) */
static bool segment_at(const struct glob *g, size_t s, size_t e, size_t pos)
{
	for (size_t i = s; i < e; i++, pos++) {
		if (g->kind[i] == GLOB_LIT && g->hay[pos] != g->kc[i])
			return false;
	}
	return true;
}

/* The "?" of items [s, e) placed at pos become match values */
static void capture_anys(const struct glob *g, size_t s, size_t e, size_t pos)
{
	for (size_t i = s; i < e; i++, pos++) {
		if (g->kind[i] == GLOB_ANY)
			sieve_mvb_add(g->mvb, (const char *)g->val + pos, 1);
	}
}

/* Leftmost place >= cur for items [s, e) between two stars; vlen + 1 when
 * there is none. */
static size_t find_segment(const struct glob *g, size_t s, size_t e,
                           size_t cur)
{
	size_t len = e - s;
	if (len == 0)
		return cur;
	if (memchr(g->kind + s, GLOB_ANY, len) == NULL) {
		const unsigned char *at = memmem(g->hay + cur, g->vlen - cur,
		                                 g->kc + s, len);
		return at != NULL ? (size_t)(at - g->hay) : g->vlen + 1;
	}
	for (size_t p = cur; p + len <= g->vlen; p++) {
		if (segment_at(g, s, e, p))
			return p;
	}
	return g->vlen + 1;
}

static size_t next_star(const struct glob *g, size_t i, size_t n)
{
	while (i < n && g->kind[i] != GLOB_STAR)
		i++;
	return i;
}

static int run(const struct glob *g, size_t n)
{
	size_t e = next_star(g, 0, n);
	/* first segment: at the start; without a star, the whole value */
	if (e > g->vlen || (e == n && e != g->vlen) || !segment_at(g, 0, e, 0))
		return 0;
	if (g->mvb != NULL)
		capture_anys(g, 0, e, 0);
	size_t cur = e;
	size_t s = e;
	while (s < n) {
		s++;   /* past the star */
		e = next_star(g, s, n);
		size_t len = e - s;
		size_t p;
		if (e == n) {   /* last segment: at the end */
			if (cur + len > g->vlen)
				return 0;
			p = g->vlen - len;
			if (!segment_at(g, s, e, p))
				return 0;
		} else {
			p = find_segment(g, s, e, cur);
			if (p > g->vlen)
				return 0;
		}
		if (g->mvb != NULL) {
			sieve_mvb_add(g->mvb, (const char *)g->val + cur, p - cur);
			capture_anys(g, s, e, p);
		}
		cur = p + len;
		s = e;
	}
	return 1;
}

int sieve_glob_match(enum sieve_comparator cmp, const char *val, size_t vlen,
                     const char *key, size_t klen, struct sieve_mv_builder *mvb)
{
	bool fold = cmp == SIEVE_CMP_CASEMAP;
	/* one block: key octets, key kinds, folded value */
	unsigned char *buf = malloc(2 * klen + (fold ? vlen : 0) + 1);
	if (buf == NULL)
		return -1;
	struct glob g = {
		.kc = buf,
		.kind = buf + klen,
		.val = (const unsigned char *)val,
		.hay = (const unsigned char *)val,
		.vlen = vlen,
		.mvb = mvb,
	};
	if (fold) {
		unsigned char *h = buf + 2 * klen;
		for (size_t i = 0; i < vlen; i++)
			h[i] = sieve_fold((unsigned char)val[i]);
		g.hay = h;
	}
	size_t n = parse_key(key, klen, fold, g.kc, g.kind);
	int r = run(&g, n);
	free(buf);
	return r;
}
