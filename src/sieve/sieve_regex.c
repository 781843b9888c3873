/* sieve_regex.c: the :regex match type (draft-ietf-sieve-regex-01, as
 * Pigeonhole implements it): each key is a POSIX extended regular
 * expression (rewritten for PCRE2 by sieve_ere.c), unanchored, matched
 * against the value's octets; i;ascii-casemap matches caselessly (ASCII
 * only, PCRE2's default tables), i;octet exactly.  PCRE2 runs without JIT
 * under the match and depth limits the interpreter gives; hitting one is
 * a runtime error, never a silent "no match".  PCRE2's DFA matcher
 * answers first (no exponential backtracking); the backtracking matcher
 * only runs where the DFA one cannot (back references, too many states).
 *
 * Match values as Pigeonhole's: ${0} is the text the expression matched
 * (not the whole value), ${N} group N; a group that did not take part is
 * an empty value when a later group did, and absent after the last group
 * that did.  POSIX picks the longest of the matches at the leftmost
 * place, PCRE2 the first by its priorities ("x(a|ab)" on "xab": POSIX
 * "xab" with ${1} "ab", PCRE2 "xa" with ${1} "a"), so with match values
 * wanted the match is found in two steps: PCRE2's DFA matcher gives the
 * leftmost-longest span, then the expression, anchored at both ends of
 * that span, gives the groups.  Groups inside the span still follow
 * PCRE2's priorities where POSIX's subexpression rules would choose
 * otherwise; expressions the DFA matcher cannot run (back references)
 * and assertions that judge the span's end differently once it is cut
 * there fall back to PCRE2's own match.  A value is read up to its first NUL and so is a key, as
 * regexec and regcomp read C strings. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sieve_ere.h"
#include "sieve_match_int.h"

#define REGEX_KEY_MAX (64 * 1024)   /* bytes of one expression */
#define REGEX_DFA_WORDS 1000        /* pcre2_dfa_match workspace (ints) */
#define REGEX_DFA_WORDS_BIG 32768   /* ... when that is not enough */

static uint32_t compile_options(enum sieve_comparator cmp)
{
	uint32_t o = PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_UTF |
	             PCRE2_NEVER_UCP | PCRE2_NEVER_BACKSLASH_C;
	if (cmp == SIEVE_CMP_CASEMAP)
		o |= PCRE2_CASELESS;
	return o;
}

/* The compiled key, or NULL with the reason in err; with pat non-NULL,
 * the PCRE2 pattern it was compiled from is handed back (malloced) */
static pcre2_code *compile(const char *key, size_t klen,
                           enum sieve_comparator cmp, char **pat_out,
                           char *err, size_t errlen)
{
	if (cmp == SIEVE_CMP_NUMERIC) {
		snprintf(err, errlen, "regex match type only supports "
		         "i;octet and i;ascii-casemap comparators");
		return NULL;
	}
	if (klen > REGEX_KEY_MAX) {
		snprintf(err, errlen, "regular expression too big");
		return NULL;
	}
	size_t plen;
	char *pat = sieve_ere_to_pcre2(key, klen, cmp == SIEVE_CMP_CASEMAP,
	    &plen, err, errlen);
	if (pat == NULL)
		return NULL;
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, plen,
	                               compile_options(cmp), &code, &off, NULL);
	if (re != NULL && pat_out != NULL)
		*pat_out = pat;
	else
		free(pat);
	if (re == NULL) {
		PCRE2_UCHAR msg[200];
		if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
			snprintf((char *)msg, sizeof msg, "error %d", code);
		snprintf(err, errlen, "%s", (const char *)msg);
	}
	return re;
}

int sieve_regex_check(const char *pattern, size_t len,
                      enum sieve_comparator cmp, char *err, size_t errlen)
{
	pcre2_code *re = compile(pattern, len, cmp, NULL, err, errlen);
	if (re == NULL)
		return -1;
	pcre2_code_free(re);
	return 0;
}

/* Compiled keys, one slot per key, filled on first use */
struct sieve_regex_cache {
	size_t n;
	pcre2_match_context *mctx;
	pcre2_match_data *md;
	int *dfa_big;   /* nested repetitions need a large workspace */
	struct slot {
		pcre2_code *re;
		char *pat;            /* the PCRE2 pattern of re */
		pcre2_code *re_end;   /* "(?:pat)\\z", compiled when needed */
		bool tried, tried_end;
		char err[200];
	} slot[];
};

struct sieve_regex_cache *sieve_regex_cache_new(size_t nkeys,
                                                const struct sieve_match_limits *lim)
{
	struct sieve_regex_cache *c =
	    calloc(1, sizeof *c + nkeys * sizeof c->slot[0]);
	if (c == NULL)
		return NULL;
	c->n = nkeys;
	c->mctx = pcre2_match_context_create(NULL);
	c->md = pcre2_match_data_create(SIEVE_MATCH_VALUES, NULL);
	if (c->mctx == NULL || c->md == NULL) {
		sieve_regex_cache_free(c);
		return NULL;
	}
	if (lim->regex_match_limit > 0)
		pcre2_set_match_limit(c->mctx, lim->regex_match_limit);
	if (lim->regex_depth_limit > 0)
		pcre2_set_depth_limit(c->mctx, lim->regex_depth_limit);
	return c;
}

void sieve_regex_cache_free(struct sieve_regex_cache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		pcre2_code_free(c->slot[i].re);
		pcre2_code_free(c->slot[i].re_end);
		free(c->slot[i].pat);
	}
	pcre2_match_context_free(c->mctx);
	pcre2_match_data_free(c->md);
	free(c->dfa_big);
	free(c);
}

static void capture(const char *val, const PCRE2_SIZE *ov, int rc,
                    struct sieve_mv_builder *mvb)
{
	size_t skipped = 0;
	sieve_mvb_set0(mvb, val + ov[0], ov[1] - ov[0]);
	for (int g = 1; g < rc; g++) {
		if (ov[2 * g] == PCRE2_UNSET) {
			skipped++;
			continue;
		}
		for (; skipped > 0; skipped--)
			sieve_mvb_add(mvb, NULL, 0);
		sieve_mvb_add(mvb, val + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
	}
}

static pcre2_code *end_anchored(struct slot *s, enum sieve_comparator cmp)
{
	if (s->tried_end)
		return s->re_end;
	s->tried_end = true;
	size_t n = strlen(s->pat) + 8;
	char *p = malloc(n);
	if (p == NULL)
		return NULL;
	snprintf(p, n, "(?:%s)\\z", s->pat);
	int code;
	PCRE2_SIZE off;
	s->re_end = pcre2_compile((PCRE2_SPTR)p, PCRE2_ZERO_TERMINATED,
	                          compile_options(cmp), &code, &off, NULL);
	free(p);
	return s->re_end;
}

/* PCRE2's DFA matcher: 1 with the leftmost-longest span in c->md, 0 no
 * match, -1 it cannot say (back references, its workspace, a limit) */
static int dfa_match(struct sieve_regex_cache *c, const struct slot *s,
                     const char *val, size_t vlen)
{
	int ws[REGEX_DFA_WORDS];
	int rc = pcre2_dfa_match(s->re, (PCRE2_SPTR)val, vlen, 0, 0, c->md,
	                         c->mctx, ws, REGEX_DFA_WORDS);
	if (rc == PCRE2_ERROR_DFA_WSSIZE) {
		if (c->dfa_big == NULL)
			c->dfa_big = reallocarray(NULL, REGEX_DFA_WORDS_BIG,
			                          sizeof *c->dfa_big);
		if (c->dfa_big == NULL)
			return -1;
		rc = pcre2_dfa_match(s->re, (PCRE2_SPTR)val, vlen, 0, 0, c->md,
		                     c->mctx, c->dfa_big, REGEX_DFA_WORDS_BIG);
	}
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return rc < 0 ? -1 : 1;
}

/* The POSIX match (see the file comment) into c->md: its pcre2_match
 * return, 0 when there is none, or -1 when it cannot be had this way
 * (use the plain match). */
static int posix_match(struct sieve_regex_cache *c, struct slot *s,
                       enum sieve_comparator cmp, const char *val, size_t vlen)
{
	int rc = dfa_match(c, s, val, vlen);
	if (rc <= 0)
		return rc;
	const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
	PCRE2_SIZE so = ov[0], eo = ov[1];
	pcre2_code *re_end = end_anchored(s, cmp);
	if (re_end == NULL)
		return -1;
	rc = pcre2_match(re_end, (PCRE2_SPTR)val, eo, so, PCRE2_ANCHORED, c->md,
	                 c->mctx);
	return rc < 0 ? -1 : (rc == 0 ? SIEVE_MATCH_VALUES : rc);
}

int sieve_regex_match(struct sieve_regex_cache *c, size_t k,
                      enum sieve_comparator cmp,
                      const char *val, size_t vlen,
                      const char *key, size_t klen,
                      struct sieve_mv_builder *mvb, char *err, size_t errlen)
{
	struct slot *s = &c->slot[k];
	if (!s->tried) {
		s->tried = true;
		s->re = compile(key, klen, cmp, &s->pat, s->err, sizeof s->err);
	}
	if (s->re == NULL) {
		snprintf(err, errlen, "%s", s->err);
		return -2;
	}
	const char *nul = memchr(val, '\0', vlen);
	if (nul != NULL)
		vlen = (size_t)(nul - val);
	/* The DFA matcher first: its time is polynomial where backtracking
	 * can run away ("^.*(ab|q)$" on 64 KiB) */
	if (mvb == NULL) {
		int drc = dfa_match(c, s, val, vlen);
		if (drc >= 0)
			return drc;
	} else {
		int prc = posix_match(c, s, cmp, val, vlen);
		if (prc == 0)
			return 0;
		if (prc > 0) {
			capture(val, pcre2_get_ovector_pointer(c->md), prc, mvb);
			return 1;
		}
	}
	int rc = pcre2_match(s->re, (PCRE2_SPTR)val, vlen, 0, 0, c->md, c->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0) {
		PCRE2_UCHAR msg[200];
		if (pcre2_get_error_message(rc, msg, sizeof msg) < 0)
			snprintf((char *)msg, sizeof msg, "error %d", rc);
		snprintf(err, errlen, "regex match failed: %s", (const char *)msg);
		return -1;
	}
	if (mvb != NULL) {
		if (rc == 0)   /* more groups than the vector holds */
			rc = SIEVE_MATCH_VALUES;
		capture(val, pcre2_get_ovector_pointer(c->md), rc, mvb);
	}
	return 1;
}
