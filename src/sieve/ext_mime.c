/* ext_mime.c: the mime extension (RFC 5703 section 4) as an entry of the
 * extension table: the tags :mime and :anychild on header, address and
 * exists, and :type, :subtype, :contenttype and :param <list> on header.
 *
 * With :mime a test reads the headers of the part the innermost
 * foreverypart is at (outside every loop: the message's own header),
 * with :anychild those of that part and every part inside it, name by
 * name and part by part in walk order, as Pigeonhole 0.5.19 does.  The
 * options turn each Content-Type or Content-Disposition value into what
 * they name (sieve_ctype.h); any other header gives "".  Values are
 * unfolded, trimmed and RFC 2047-decoded as the message's own headers
 * are.  The part headers are read from the message file at each test
 * (sieve_mime.h: bounded pread, values cut at MIME_VALUE_MAX), counted
 * against the step limit part by part. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ext_foreverypart.h"
#include "rfc2047.h"
#include "sieve_ctype.h"
#include "sieve_match.h"
#include "sieve_rt.h"

#define MIME_OPTION_GROUP (SIEVE_TG_PRIVATE + 1)

/* A list of values growing in the evaluation's pool. */
struct vlist {
	struct sieve_rt *rt;
	const char **v;
	size_t *len;
	size_t n, cap;
};

static int vlist_add(void *ctx, const char *s, size_t len)
{
	struct vlist *l = ctx;
	char *copy;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		const char **v = sieve_rt_alloc(l->rt, ncap * sizeof *v);
		size_t *ln = sieve_rt_alloc(l->rt, ncap * sizeof *ln);

		if (v == NULL || ln == NULL)
			return -1;
		if (l->n > 0) {
			memcpy(v, l->v, l->n * sizeof *v);
			memcpy(ln, l->len, l->n * sizeof *ln);
		}
		l->v = v;
		l->len = ln;
		l->cap = ncap;
	}
	if ((copy = sieve_rt_strndup(l->rt, s, len)) == NULL)
		return -1;
	l->v[l->n] = copy;
	l->len[l->n++] = len;
	return 0;
}

/* What the tags of one test ask for. */
struct mime_ask {
	bool anychild;
	enum sieve_mime_option option;
	const char **params;      /* :param's names, NUL-terminated */
	size_t nparams;
};

/* One header value of a test through the option into the list. */
static int add_value(struct vlist *l, const struct mime_ask *ask,
    const char *name, const char *value, size_t len)
{
	int r = sieve_ctype_option_values(name, value, len, ask->option,
	    ask->params, ask->nparams, vlist_add, l);

	if (r != 0 && !l->rt->error)
		(void)sieve_rt_error(l->rt, l->rt->pos, "out of memory");
	return r != 0 ? -1 : 0;
}

/* ---- the headers of one part ---- */

struct collect {
	struct vlist *l;
	const struct mime_ask *ask;
	const char *name;         /* NUL-terminated */
	size_t namelen;
};

static int collect_one(void *ctx, const char *name, size_t namelen,
    const char *value, size_t valuelen)
{
	struct collect *k = ctx;
	char *raw, *dec;
	int r;

	if (namelen != k->namelen || strncasecmp(name, k->name, namelen) != 0)
		return 0;
	if ((raw = strndup(value, valuelen)) == NULL)
		return -2;
	dec = rfc2047_decode(raw, rfc2047_is_address_header(k->name));
	free(raw);
	if (dec == NULL)
		return -2;
	r = add_value(k->l, k->ask, k->name, dec, strlen(dec));
	free(dec);
	return r < 0 ? -3 : 0;
}

/* The values of header name in part i of parts. */
static int part_values(struct sieve_rt *rt, const struct mime_part *p,
    bool no_file, const struct mime_ask *ask, const char *name,
    size_t namelen, struct vlist *l)
{
	struct collect k = { l, ask, name, namelen };
	int r;

	if (no_file) {
		struct sieve_strings one = { &name, &namelen, 1 }, vals;

		if (sieve_rt_header_values(rt, &one, &vals) < 0)
			return -1;
		for (size_t i = 0; i < vals.n; i++)
			if (add_value(l, ask, name, vals.v[i], vals.len[i]) < 0)
				return -1;
		return 0;
	}
	r = mime_headers_each(rt->env->message, p->header_start,
	    p->header_end, collect_one, &k);
	return sieve_fep_status(rt, r);
}

/* ---- the header source ---- */

static int read_ask(struct sieve_rt *rt, const struct sieve_call *c,
    struct mime_ask *ask)
{
	static const struct {
		const char *tag;
		enum sieve_mime_option option;
	} options[] = {
		{ "type", SIEVE_MIME_OPT_TYPE },
		{ "subtype", SIEVE_MIME_OPT_SUBTYPE },
		{ "contenttype", SIEVE_MIME_OPT_CONTENTTYPE },
		{ "param", SIEVE_MIME_OPT_PARAM },
	};
	const struct sieve_arg *pv = sieve_call_tag_value(c, "param");
	struct sieve_strings ps;

	memset(ask, 0, sizeof *ask);
	ask->anychild = sieve_call_tag(c, "anychild") != NULL;
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
		if (sieve_call_tag(c, options[i].tag) != NULL)
			ask->option = options[i].option;
	if (pv == NULL)
		return 0;
	if (sieve_rt_strings(rt, pv, &ps) < 0 ||
	    (ask->params = sieve_rt_alloc(rt, (ps.n + 1) *
	    sizeof *ask->params)) == NULL)
		return -1;
	for (size_t i = 0; i < ps.n; i++)
		if ((ask->params[i] = sieve_rt_strndup(rt, ps.v[i],
		    ps.len[i])) == NULL)
			return -1;
	ask->nparams = ps.n;
	return 0;
}

/* Outside every loop and without :anychild: the message's header. */
static int message_values(struct sieve_rt *rt, const struct mime_ask *ask,
    const struct sieve_strings *names, struct vlist *l)
{
	for (size_t k = 0; k < names->n; k++) {
		struct sieve_strings one = { &names->v[k], &names->len[k], 1 };
		struct sieve_strings vals;
		const char *name = sieve_rt_strndup(rt, names->v[k],
		    names->len[k]);

		if (name == NULL || sieve_rt_header_values(rt, &one, &vals) < 0)
			return -1;
		for (size_t i = 0; i < vals.n; i++)
			if (add_value(l, ask, name, vals.v[i], vals.len[i]) < 0)
				return -1;
	}
	return 0;
}

static int mime_header_source(struct sieve_rt *rt,
    const struct sieve_call *c, const struct sieve_strings *names,
    struct sieve_strings *out)
{
	struct vlist l = { .rt = rt };
	const struct mime_part *parts;
	struct mime_ask ask;
	size_t n, from, to;
	bool no_file;
	long cur;

	if (sieve_call_tag(c, "mime") == NULL)
		return 0;
	if (read_ask(rt, c, &ask) < 0)
		return -1;
	cur = sieve_fep_current(rt);
	if (cur < 0 && !ask.anychild) {
		if (message_values(rt, &ask, names, &l) < 0)
			return -1;
		goto done;
	}
	if (sieve_fep_parts(rt, &parts, &n, &no_file) < 0)
		return -1;
	from = cur < 0 ? 0 : (size_t)cur;
	to = !ask.anychild ? from + 1 : cur < 0 ? n :
	    sieve_fep_subtree_end(parts, n, from);
	for (size_t k = 0; k < names->n; k++) {
		const char *name = sieve_rt_strndup(rt, names->v[k],
		    names->len[k]);

		if (name == NULL)
			return -1;
		if (memchr(names->v[k], '\0', names->len[k]) != NULL)
			continue;
		for (size_t i = from; i < to && i < n; i++) {
			if (parts[i].kind == MIME_EPILOGUE)
				continue;
			/* a step per part and per 512 bytes of its header:
			 * each visit reads the header again */
			if (sieve_rt_step(rt, c->pos, 1 + (uint64_t)
			    (parts[i].header_end - parts[i].header_start) /
			    512) < 0 ||
			    part_values(rt, &parts[i], no_file, &ask, name,
			    names->len[k], &l) < 0)
				return -1;
		}
	}
done:
	out->v = l.v;
	out->len = l.len;
	out->n = l.n;
	return 1;
}

/* ---- checks ---- */

/* :anychild and the options need :mime beside them (Pigeonhole reports
 * the first such tag of a test). */
static void check_call(struct sieve_checker *ck, const struct sieve_call *c)
{
	static const char *const needs_mime[] = {
		"anychild", "type", "subtype", "contenttype", "param", NULL
	};

	if (c->test == NULL || sieve_call_tag(c, "mime") != NULL ||
	    (strcmp(c->name, "header") != 0 &&
	    strcmp(c->name, "address") != 0 && strcmp(c->name, "exists") != 0))
		return;
	for (const struct sieve_arg *a = c->args; a; a = a->next) {
		if (a->kind != SIEVE_ARG_TAG)
			continue;
		for (const char *const *t = needs_mime; *t; t++)
			if (strcmp(a->tag, *t) == 0) {
				sieve_check_error(ck, a->pos, "the :%s tag for "
				    "the %s test cannot be specified without "
				    "the :mime tag", a->tag, c->name);
				return;
			}
	}
}

#define TAG(target, name, arg, group) \
	{ target, { name, arg, group, NULL } }

static const struct sieve_tag_add mime_tags[] = {
	TAG("header", "mime", SIEVE_ARGT_NONE, SIEVE_TG_NONE),
	TAG("header", "anychild", SIEVE_ARGT_NONE, SIEVE_TG_NONE),
	TAG("header", "type", SIEVE_ARGT_NONE, MIME_OPTION_GROUP),
	TAG("header", "subtype", SIEVE_ARGT_NONE, MIME_OPTION_GROUP),
	TAG("header", "contenttype", SIEVE_ARGT_NONE, MIME_OPTION_GROUP),
	TAG("header", "param", SIEVE_ARGT_LIST, MIME_OPTION_GROUP),
	TAG("address", "mime", SIEVE_ARGT_NONE, SIEVE_TG_NONE),
	TAG("address", "anychild", SIEVE_ARGT_NONE, SIEVE_TG_NONE),
	TAG("exists", "mime", SIEVE_ARGT_NONE, SIEVE_TG_NONE),
	TAG("exists", "anychild", SIEVE_ARGT_NONE, SIEVE_TG_NONE),
	{ NULL, { NULL, SIEVE_ARGT_NONE, 0, NULL } }
};

const struct sieve_extension sieve_ext_mime = {
	.name = "mime",
	.tag_adds = mime_tags,
	.on_call = check_call,
	.header_source = mime_header_source,
};
