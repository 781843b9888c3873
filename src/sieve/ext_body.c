/* ext_body.c: the "body" extension (RFC 5173): the test
 *   body [COMPARATOR] [MATCH-TYPE] [BODY-TRANSFORM] <key-list>
 * with BODY-TRANSFORM :raw, :content <content-types> or :text (the
 * default), on the message file through the MIME walker (sieve_mime.h).
 *
 * As Pigeonhole 0.5.19 does it: :raw is the undecoded text after the
 * header's empty line, one value, none when that text is empty or the
 * message has no empty line; :content gives one value per part whose
 * type matches (a type alone matches its subtypes, "" every part, a
 * type with a slash only itself, without case), transfer-decoded and in
 * UTF-8, a multipart's prologue and epilogue being values of their own
 * and a message/rfc822 part's value the enclosed header; :text is
 * :content "text" "application/xhtml+xml" with HTML markup removed; a
 * part without a body (no empty line after its header) gives no value.
 * The body test sets no match variables (${1} stays what it was).
 *
 * sieve_body_max (deliver.conf) caps the bytes one test reads into its
 * values, all parts together: beyond it the values are cut (a note says
 * so), so a large message costs no more than the cap. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "config.h"
#include "sieve_match.h"
#include "sieve_mime.h"
#include "sieve_rt.h"

#define BODY_MAX_DEFAULT (1024 * 1024)

extern const struct sieve_extension sieve_ext_body;
#define TG_TRANSFORM (SIEVE_TG_PRIVATE + 2)

/* The values one body test matches: malloced while collected, or, with
 * a scan, searched as they are read and not kept. */
struct values {
	char **v;
	size_t *len, n, cap;
	size_t budget;        /* bytes still allowed (sieve_body_max) */
	bool cut;
	struct sieve_contains_scan *scan;
	uint64_t scan_steps;     /* as matching the kept values would */
};

static void values_free(struct values *vs)
{
	for (size_t i = 0; i < vs->n; i++)
		free(vs->v[i]);
	free(vs->v);
	free(vs->len);
}

static int values_add(struct values *vs, char *s, size_t len)
{
	if (vs->n == vs->cap) {
		size_t cap = vs->cap ? vs->cap * 2 : 8;
		char **v = reallocarray(vs->v, cap, sizeof *v);
		size_t *l;

		if (v == NULL)
			return -1;
		vs->v = v;
		if ((l = reallocarray(vs->len, cap, sizeof *l)) == NULL)
			return -1;
		vs->len = l;
		vs->cap = cap;
	}
	vs->v[vs->n] = s;
	vs->len[vs->n++] = len;
	vs->budget -= len < vs->budget ? len : vs->budget;
	return 0;
}

/* ---- body :contains, as the text is read ----
 *
 * The usual body test looks for a phrase (:contains, i;octet or
 * i;ascii-casemap).  That needs no value whole: each piece the decoders
 * hand on goes to sieve_contains_scan (sieve_match.h), and the test holds
 * a piece and a key's length of tail instead of up to sieve_body_max of
 * text (1 MiB by default, while the rest of a delivery holds about
 * 3 MiB).  The outcome and the steps charged are those of matching the
 * kept values. */
/* Whether this test can be scanned: :contains with a comparator that
 * compares bytes, on a message stored as received (with CRLF line ends
 * put back, the values are copies anyway). */
static bool scannable(struct sieve_rt *rt, const struct sieve_matcher *m)
{
	return m->type == SIEVE_MT_CONTAINS && !rt->env->size_crlf &&
	    (m->cmp == SIEVE_CMP_OCTET || m->cmp == SIEVE_CMP_CASEMAP);
}

/* One value from part, kept in vs or scanned; 0, or -1 (errno). */
static int take_value(const struct mime_source *src,
    const struct mime_part *part, unsigned flags, struct values *vs)
{
	char *s;
	size_t len;
	bool cut;

	if (vs->scan != NULL) {
		struct sieve_contains_scan *sc = vs->scan;

		sieve_contains_scan_begin(sc);
		if (mime_part_scan(src, part, flags, vs->budget,
		    sieve_contains_scan_piece, sc, &len, &cut) < 0)
			return -1;
		sieve_contains_scan_end(sc);
		vs->scan_steps += sc->keys->n + ((uint64_t)len * sc->keys->n +
		    sc->ktotal) / 256;
		vs->cut |= cut;
		vs->budget -= len < vs->budget ? len : vs->budget;
		return 0;
	}
	if (mime_part_content(src, part, flags, vs->budget, &s, &len,
	    &cut) < 0)
		return -1;
	vs->cut |= cut;
	if (values_add(vs, s, len) < 0) {
		free(s);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* RFC 5173 section 5.2, as Pigeonhole compares. */
static bool type_wanted(const struct sieve_strings *types, const char *ct)
{
	const char *slash = strchr(ct, '/');
	size_t tlen = slash ? (size_t)(slash - ct) : strlen(ct);

	for (size_t i = 0; i < types->n; i++) {
		const char *w = types->v[i];
		size_t wl = types->len[i];

		if (wl == 0)
			return true;
		if (memchr(w, '\0', wl) != NULL)
			continue;
		if (memchr(w, '/', wl) == NULL) {
			if (wl == tlen && strncasecmp(w, ct, tlen) == 0)
				return true;
		} else if (wl == strlen(ct) && strncasecmp(w, ct, wl) == 0) {
			return true;
		}
	}
	return false;
}

static int read_error(struct sieve_rt *rt, const struct sieve_call *c)
{
	if (errno == ENOMEM)
		return sieve_rt_error(rt, c->pos, "out of memory reading the "
		    "message body");
	return sieve_rt_error(rt, c->pos, "cannot read the message body: %s",
	    strerror(errno));
}

/* :raw: everything after the header's empty line, undecoded. */
static int raw_values(struct sieve_rt *rt, const struct sieve_call *c,
    const struct mime_source *src, struct values *vs)
{
	struct mime_part whole = { .kind = MIME_LEAF };
	off_t start = mime_body_start(src);

	if (start == -2)
		return read_error(rt, c);
	if (start < 0 || start >= src->size)
		return 0;   /* no body, or an empty one: no value */
	whole.body_start = start;
	whole.body_end = src->size;
	if (take_value(src, &whole, 0, vs) < 0)
		return read_error(rt, c);
	return 0;
}

/* The message's parts, kept for the evaluation's later body tests once
 * one walk has seen them all (as Pigeonhole keeps them), when there are
 * at most PARTS_KEPT_MAX; a message with more is walked again. */
#define PARTS_KEPT_MAX 1024

struct body_state {
	struct mime_part *parts;
	size_t n;
	bool complete;      /* parts holds every part */
	bool too_many;      /* more than PARTS_KEPT_MAX: never kept */
	/* the file the list is of: the message may change within one
	 * evaluation (the test suite's test_set, an edited header) */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

/* Whether st describes the file src now is; if not, st is reset to it. */
static bool same_file(struct body_state *st, const struct mime_source *src)
{
	struct stat sb;

	if (fstat(src->fd, &sb) < 0) {
		st->complete = false;
		st->too_many = true;   /* cannot tell: keep nothing */
		return false;
	}
	if (st->dev == sb.st_dev && st->ino == sb.st_ino &&
	    st->size == src->size &&
	    st->mtime.tv_sec == sb.st_mtim.tv_sec &&
	    st->mtime.tv_nsec == sb.st_mtim.tv_nsec)
		return true;
	st->dev = sb.st_dev;
	st->ino = sb.st_ino;
	st->size = src->size;
	st->mtime = sb.st_mtim;
	st->complete = st->too_many = false;
	st->n = 0;
	return false;
}

static void body_state_free(void *p)
{
	struct body_state *st = p;

	if (st != NULL)
		free(st->parts);
	free(st);
}

/* Parts one by one: from the kept list, or from a walk that fills it. */
struct parts {
	struct body_state *st;
	struct mime_walk *w;
	size_t i;
	bool keeping;
};

static int parts_open(struct sieve_rt *rt, const struct mime_source *src,
    struct parts *ps)
{
	void **slot = sieve_rt_ext_state(rt, &sieve_ext_body);

	memset(ps, 0, sizeof *ps);
	if (*slot == NULL)
		*slot = calloc(1, sizeof(struct body_state));
	ps->st = *slot;   /* NULL: nothing kept, the walk goes on anyway */
	if (ps->st != NULL && same_file(ps->st, src) && ps->st->complete)
		return 0;
	if ((ps->w = mime_walk_new(src)) == NULL)
		return -1;
	ps->keeping = ps->st != NULL && !ps->st->too_many;
	if (ps->keeping && ps->st->parts == NULL &&
	    (ps->st->parts = calloc(PARTS_KEPT_MAX,
	    sizeof *ps->st->parts)) == NULL)
		ps->keeping = false;
	if (ps->keeping)
		ps->st->n = 0;
	return 0;
}

/* 1 with *p, 0 at the end, -1 on a read error. */
static int parts_next(struct parts *ps, struct mime_part *p)
{
	int rc;

	if (ps->w == NULL) {
		if (ps->i >= ps->st->n)
			return 0;
		*p = ps->st->parts[ps->i++];
		return 1;
	}
	rc = mime_walk_next(ps->w, p);
	if (rc > 0 && ps->keeping) {
		if (ps->st->n < PARTS_KEPT_MAX) {
			ps->st->parts[ps->st->n++] = *p;
		} else {
			ps->keeping = false;
			ps->st->too_many = true;
			free(ps->st->parts);
			ps->st->parts = NULL;
			ps->st->n = 0;
		}
	}
	if (rc == 0 && ps->keeping)
		ps->st->complete = true;
	return rc;
}

static void parts_close(struct parts *ps)
{
	mime_walk_free(ps->w);
}

/* :content and :text: each wanted part's content. */
static int part_values(struct sieve_rt *rt, const struct sieve_call *c,
    const struct mime_source *src, const struct sieve_strings *types,
    bool text, struct values *vs)
{
	struct parts ps;
	struct mime_part p;
	unsigned flags = MIME_CONTENT_DECODE | MIME_CONTENT_UTF8 |
	    (text ? MIME_CONTENT_TEXT : 0);
	int rc;

	if (parts_open(rt, src, &ps) < 0)
		return sieve_rt_error(rt, c->pos, "out of memory");
	while ((rc = parts_next(&ps, &p)) > 0) {
		if (sieve_rt_step(rt, c->pos, 1 + (uint64_t)(p.body_end -
		    p.body_start) / 4096) < 0) {
			parts_close(&ps);
			return -1;
		}
		if (!p.have_body || !type_wanted(types, p.content_type))
			continue;
		if (vs->budget == 0) {
			vs->cut = true;
			break;
		}
		if (take_value(src, &p, flags, vs) < 0) {
			parts_close(&ps);
			return read_error(rt, c);
		}
	}
	parts_close(&ps);
	return rc < 0 ? read_error(rt, c) : 0;
}

static size_t body_max(const struct sieve_rt *rt)
{
	const struct config *cfg = rt->env->cfg;

	if (cfg != NULL && cfg->sieve_body_max > 0)
		return cfg->sieve_body_max > SIZE_MAX / 2 ? SIZE_MAX / 2 :
		    (size_t)cfg->sieve_body_max;
	return BODY_MAX_DEFAULT;
}

/* s[0..len) into the pool with every bare LF made CRLF: the body as
 * received when the message came with CRLF line ends (deliver stored it
 * with LF), as Pigeonhole reads it; NULL after the memory error. */
static char *crlf_copy(struct sieve_rt *rt, const char *s, size_t len,
    size_t *outlen)
{
	size_t n = len;
	char *out, *o;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n' && (i == 0 || s[i - 1] != '\r');
	if ((out = o = sieve_rt_alloc(rt, n + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			*o++ = '\r';
		*o++ = s[i];
	}
	*outlen = n;
	return out;
}

/* The values handed to the matcher, counted against sieve_max_memory.
 * They are not copied into the pool (up to sieve_body_max each: a copy
 * doubled the test's peak memory), only charged to it; a message that
 * came with CRLF line ends needs its copy with them put back. */
static int match_values(struct sieve_rt *rt, const struct sieve_call *c,
    const struct values *vs, const struct sieve_strings *keys)
{
	const char **v = sieve_rt_alloc(rt, (vs->n + 1) * sizeof *v);
	size_t *len = sieve_rt_alloc(rt, (vs->n + 1) * sizeof *len);
	struct sieve_strings values = { v, len, vs->n };

	if (v == NULL || len == NULL)
		return -1;
	for (size_t i = 0; i < vs->n; i++) {
		len[i] = vs->len[i];
		if (rt->env->size_crlf)
			v[i] = crlf_copy(rt, vs->v[i], vs->len[i], &len[i]);
		else if (sieve_rt_charge(rt, vs->len[i] + 1) == 0)
			v[i] = vs->v[i];
		else
			v[i] = NULL;
		if (v[i] == NULL)
			return -1;
	}
	return sieve_rt_match_plain(rt, c, &values, keys);
}

static int run_body(struct sieve_rt *rt, const struct sieve_call *c)
{
	static const char *const text_types[] = { "application/xhtml+xml",
		"text" };
	static const size_t text_lens[] = { 21, 4 };
	const struct sieve_strings text = { text_types, text_lens, 2 };
	const struct sieve_arg *content = sieve_call_tag_value(c, "content");
	const struct mime_source *src = rt->env->message;
	struct values vs = { .budget = body_max(rt) };
	struct sieve_strings keys, types;
	struct sieve_matcher m;
	struct sieve_match_limits lim;
	struct sieve_contains_scan sc;
	int rc;

	if (sieve_rt_strings(rt, c->positional[0], &keys) < 0)
		return -1;
	if (content != NULL && sieve_rt_strings(rt, content, &types) < 0)
		return -1;
	if (sieve_rt_matcher(rt, c, &m, &lim) < 0)
		return -1;
	if (src != NULL && scannable(rt, &m)) {
		if (sieve_contains_scan_init(&sc, m.cmp, &keys) < 0) {
			sieve_contains_scan_free(&sc);
			return sieve_rt_error(rt, c->pos, "out of memory");
		}
		vs.scan = &sc;
		vs.scan_steps = 1;
	}
	if (src == NULL) {
		rc = 0;   /* no message file (libsieve path): no body */
	} else if (sieve_call_tag(c, "raw") != NULL) {
		rc = raw_values(rt, c, src, &vs);
	} else {
		rc = part_values(rt, c, src, content ? &types : &text,
		    content == NULL, &vs);
	}
	if (rc == 0 && vs.cut)
		sieve_rt_note(rt, "body: the test read only the first %zu "
		    "bytes (sieve_body_max)", body_max(rt));
	if (rc == 0 && vs.scan != NULL)
		rc = sieve_rt_step(rt, c->pos, vs.scan_steps) < 0 ? -1 :
		    sc.found;
	else if (rc == 0)
		rc = match_values(rt, c, &vs, &keys);
	if (vs.scan != NULL)
		sieve_contains_scan_free(&sc);
	values_free(&vs);
	return rc;
}

static const struct sieve_tag body_tags[] = {
	SIEVE_MATCH_TAGS,
	{ "raw", SIEVE_ARGT_NONE, TG_TRANSFORM, NULL },
	{ "content", SIEVE_ARGT_LIST, TG_TRANSFORM, NULL },
	{ "text", SIEVE_ARGT_NONE, TG_TRANSFORM, NULL },
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

static const struct sieve_def body_defs[] = {
	{ "body", true, body_tags, "L", "key list", SIEVE_NEST_NONE, false,
	  sieve_check_match_args, run_body },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

const struct sieve_extension sieve_ext_body = {
	.name = "body",
	.defs = body_defs,
	.state_free = body_state_free,
};
