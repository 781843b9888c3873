/* ext_foreverypart.c: the foreverypart extension (RFC 5703 section 3) as
 * an entry of the extension table: "foreverypart [:name <string>]
 * <block>" runs its block once for every MIME part of the message (the
 * outermost loop: the message itself first, then every part in walk
 * order; a loop inside another: the parts inside the outer loop's
 * current part), and "break [:name <string>]" leaves the innermost loop
 * or the one of that name.
 *
 * As Pigeonhole 0.5.19: epilogues are not visited, a loop inside another
 * runs from the part after the outer one's current part up to that
 * part's next sibling (to the end of the message when it is the last
 * child: Pigeonhole stops only at a sibling), loops nest at most
 * SIEVE_LOOP_DEPTH_MAX deep (an error when checked, and again when
 * running for loops an included script adds), and break must sit inside
 * a loop (of its name) in the script's text.
 *
 * The loop is iteration, not recursion over the message: the parts are a
 * flat array walked once per message (sieve_mime.h, bounded by
 * MIME_PARTS_MAX), a
 * loop is an index range of it, and the loop stack is a fixed array.
 * break sets rt->leaving, which ends every block up to the loop it
 * leaves. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ext_foreverypart.h"
#include "sieve_rt.h"

extern const struct sieve_extension sieve_ext_foreverypart;

struct fep_loop {
	const char *name;     /* :name, NULL when none (from the tree) */
	size_t cur;           /* the part the block runs for */
};

/* What the walk was of: the same message file and header index give the
 * same parts (the Pigeonhole runner changes the message between its
 * test blocks; a delivery never does). */
struct fep_key {
	const struct mime_source *src;
	int fd;
	off_t size;
	dev_t dev;
	ino_t ino;
	struct timespec mtim;
	const struct header_index *headers;
	size_t hcount, hbytes;
};

struct fep_state {
	struct mime_part *parts;
	size_t nparts;
	struct fep_key key;
	bool walked;
	bool no_file;
	struct fep_loop loops[SIEVE_LOOP_DEPTH_MAX];
	size_t nloops;
	size_t break_to;      /* the level a break leaves */
};

static void state_free(void *p)
{
	struct fep_state *st = p;

	free(st->parts);
	free(st);
}

static struct fep_state *state(struct sieve_rt *rt)
{
	void **slot = sieve_rt_ext_state(rt, &sieve_ext_foreverypart);

	if (*slot == NULL && (*slot = calloc(1, sizeof(struct fep_state))) ==
	    NULL)
		(void)sieve_rt_error(rt, rt->pos, "out of memory");
	return *slot;
}

/* ---- the parts ---- */

static int walk(struct sieve_rt *rt, struct fep_state *st)
{
	struct mime_walk *w = mime_walk_new(rt->env->message);
	size_t cap = 0;
	int r = 0;

	if (w == NULL)
		return sieve_rt_error(rt, rt->pos, "out of memory");
	for (;;) {
		struct mime_part p;

		if ((r = mime_walk_next(w, &p)) <= 0)
			break;
		if (st->nparts == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct mime_part *v = reallocarray(st->parts, ncap,
			    sizeof *v);

			if (v == NULL) {
				r = -2;
				break;
			}
			st->parts = v;
			cap = ncap;
		}
		st->parts[st->nparts++] = p;
		if (sieve_rt_step(rt, rt->pos, 1) < 0) {
			r = -3;
			break;
		}
	}
	mime_walk_free(w);
	return sieve_fep_status(rt, r);
}

int sieve_fep_status(struct sieve_rt *rt, int r)
{
	if (r == -1)
		return sieve_rt_error(rt, rt->pos, "cannot read the message: "
		    "%s", strerror(errno));
	if (r == -2)
		return sieve_rt_error(rt, rt->pos, "out of memory");
	return r < 0 ? -1 : 0;
}

static void key_of(struct sieve_rt *rt, struct fep_key *k)
{
	const struct mime_source *src = rt->env->message;
	const struct header_index *h = rt->env->headers;
	struct stat sb;

	memset(k, 0, sizeof *k);
	k->src = src;
	k->headers = h;
	if (h != NULL) {
		k->hcount = h->count;
		k->hbytes = h->bytes;
	}
	if (src == NULL)
		return;
	k->fd = src->fd;
	k->size = src->size;
	if (fstat(src->fd, &sb) == 0) {
		k->dev = sb.st_dev;
		k->ino = sb.st_ino;
		k->mtim = sb.st_mtim;
	}
}

static bool same_message(struct sieve_rt *rt, const struct fep_state *st)
{
	struct fep_key k;

	key_of(rt, &k);
	return k.src == st->key.src && k.fd == st->key.fd &&
	    k.size == st->key.size && k.dev == st->key.dev &&
	    k.ino == st->key.ino && k.mtim.tv_sec == st->key.mtim.tv_sec &&
	    k.mtim.tv_nsec == st->key.mtim.tv_nsec &&
	    k.headers == st->key.headers && k.hcount == st->key.hcount &&
	    k.hbytes == st->key.hbytes;
}

int sieve_fep_parts(struct sieve_rt *rt, const struct mime_part **parts,
    size_t *n, bool *no_file)
{
	struct fep_state *st = state(rt);

	if (st == NULL)
		return -1;
	/* outside every loop the message may have changed since the walk
	 * (the runner's test_set); inside one it cannot */
	if (st->walked && st->nloops == 0 && !same_message(rt, st)) {
		free(st->parts);
		st->parts = NULL;
		st->nparts = 0;
		st->walked = st->no_file = false;
	}
	if (!st->walked) {
		st->walked = true;
		key_of(rt, &st->key);
		if (rt->env->message != NULL) {
			if (walk(rt, st) < 0)
				return -1;
		}
		if (st->nparts == 0) {
			/* no file, or nothing the walker could read: the
			 * message is one part, its header the index's */
			if ((st->parts = calloc(1, sizeof *st->parts)) ==
			    NULL)
				return sieve_rt_error(rt, rt->pos, "out of "
				    "memory");
			st->parts[0].parent = MIME_NO_PARENT;
			memcpy(st->parts[0].content_type, "text/plain", 11);
			st->nparts = 1;
			st->no_file = true;
		}
	}
	*parts = st->parts;
	*n = st->nparts;
	*no_file = st->no_file;
	return 0;
}

long sieve_fep_current(struct sieve_rt *rt)
{
	struct fep_state *st = *sieve_rt_ext_state(rt,
	    &sieve_ext_foreverypart);

	if (st == NULL || st->nloops == 0)
		return -1;
	return (long)st->loops[st->nloops - 1].cur;
}

size_t sieve_fep_subtree_end(const struct mime_part *parts, size_t n,
    size_t i)
{
	if (parts[i].parent == MIME_NO_PARENT)
		return n;
	for (size_t j = i + 1; j < n; j++)
		if (parts[j].parent == parts[i].parent &&
		    parts[j].kind != MIME_EPILOGUE)
			return j;
	return n;
}

bool sieve_fep_has_children(const struct mime_part *parts, size_t n,
    size_t i)
{
	for (size_t j = i + 1; j < n && parts[j].depth > parts[i].depth; j++)
		if (parts[j].kind != MIME_EPILOGUE)
			return true;
	return false;
}

/* ---- checks ---- */

static bool is_loop(const struct sieve_command *cmd)
{
	return strcmp(cmd->name, "foreverypart") == 0;
}

/* A loop command's :name, or NULL. */
static const char *loop_name(const struct sieve_command *cmd)
{
	for (const struct sieve_arg *a = cmd->args; a && a->next; a = a->next)
		if (a->kind == SIEVE_ARG_TAG && strcmp(a->tag, "name") == 0 &&
		    a->next->kind == SIEVE_ARG_STRING)
			return a->next->strings->value;
	return NULL;
}

static void check_foreverypart(struct sieve_checker *ck,
    const struct sieve_call *c)
{
	const struct sieve_command *up;
	size_t nesting = 0;

	for (size_t i = 0; (up = sieve_check_enclosing(ck, i)) != NULL; i++)
		if (is_loop(up))
			nesting++;
	if (nesting + 1 > SIEVE_LOOP_DEPTH_MAX)
		sieve_check_error(ck, c->pos, "the nested foreverypart loop "
		    "exceeds the nesting limit (<= %u levels)",
		    SIEVE_LOOP_DEPTH_MAX);
}

static void check_break(struct sieve_checker *ck, const struct sieve_call *c)
{
	const struct sieve_arg *nv = sieve_call_tag_value(c, "name");
	const char *name = nv ? nv->strings->value : NULL;
	const struct sieve_command *up;

	for (size_t i = 0; (up = sieve_check_enclosing(ck, i)) != NULL; i++) {
		const char *ln;

		if (!is_loop(up))
			continue;
		if (name == NULL || ((ln = loop_name(up)) != NULL &&
		    strcmp(ln, name) == 0))
			return;
	}
	if (name == NULL)
		sieve_check_error(ck, c->pos, "the break command is not placed "
		    "inside a foreverypart loop");
	else
		sieve_check_error(ck, c->pos, "the break command is not placed "
		    "inside a foreverypart loop named `%s'", name);
}

/* ---- running ---- */

static int run_foreverypart(struct sieve_rt *rt, const struct sieve_call *c)
{
	const struct sieve_arg *nv = sieve_call_tag_value(c, "name");
	struct fep_state *st = state(rt);
	const struct mime_part *parts;
	size_t n, from, to, level;
	bool no_file;
	int r = 0;

	if (st == NULL || sieve_fep_parts(rt, &parts, &n, &no_file) < 0)
		return -1;
	if (st->nloops >= SIEVE_LOOP_DEPTH_MAX)
		return sieve_rt_error(rt, c->pos, "new program loop exceeds "
		    "the nesting limit (<= %u levels)", SIEVE_LOOP_DEPTH_MAX);
	if (st->nloops == 0) {
		from = 0;
		to = n;
	} else {
		size_t cur = st->loops[st->nloops - 1].cur;

		/* a part without children has nothing to loop over, even
		 * where the range below would run on (Pigeonhole's) */
		from = cur + 1;
		to = sieve_fep_has_children(parts, n, cur) ?
		    sieve_fep_subtree_end(parts, n, cur) : from;
	}
	level = st->nloops++;
	st->loops[level].name = nv ? nv->strings->value : NULL;
	for (size_t i = from; i < to; i++) {
		if (parts[i].kind == MIME_EPILOGUE)
			continue;
		st->loops[level].cur = i;
		sieve_rt_trace(rt, "  line %u: foreverypart: part %zu (%s)",
		    c->pos.line, i, parts[i].content_type);
		if (sieve_rt_step(rt, c->pos, 1) < 0 ||
		    sieve_rt_run_block(rt, c->cmd->block) < 0 || rt->error) {
			r = -1;
			break;
		}
		if (rt->leaving) {
			if (st->break_to == level)
				rt->leaving = false;
			break;
		}
		if (rt->stopped)
			break;
	}
	st->nloops = level;
	return r;
}

static int run_break(struct sieve_rt *rt, const struct sieve_call *c)
{
	const struct sieve_arg *nv = sieve_call_tag_value(c, "name");
	struct fep_state *st = state(rt);
	size_t level;

	if (st == NULL)
		return -1;
	for (level = st->nloops; level > 0; level--) {
		const char *ln = st->loops[level - 1].name;

		if (nv == NULL || (ln != NULL &&
		    strcmp(ln, nv->strings->value) == 0))
			break;
	}
	if (level == 0)
		return sieve_rt_error(rt, c->pos, "break outside a "
		    "foreverypart loop");
	st->break_to = level - 1;
	rt->leaving = true;
	return 0;
}

static const struct sieve_tag name_tags[] = {
	{ "name", SIEVE_ARGT_STRING, SIEVE_TG_NONE, NULL },
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

static const struct sieve_def foreverypart_defs[] = {
	{ "foreverypart", false, name_tags, "", NULL, SIEVE_NEST_NONE, true,
	  check_foreverypart, run_foreverypart },
	{ "break", false, name_tags, "", NULL, SIEVE_NEST_NONE, false,
	  check_break, run_break },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

const struct sieve_extension sieve_ext_foreverypart = {
	.name = "foreverypart",
	.defs = foreverypart_defs,
	.state_free = state_free,
};
