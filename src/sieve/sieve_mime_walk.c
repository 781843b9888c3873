/* sieve_mime_walk.c: the MIME walker (sieve_mime.h): one pass over the
 * message file, line by line through the bounded reader, a state machine
 * with an explicit stack of the open multipart and message/rfc822 parts
 * (at most MIME_DEPTH_MAX deep), reporting each part once its content's
 * byte range is known.  The part structure follows Dovecot's message
 * parser, which Pigeonhole's body and foreverypart read (see the header
 * for the rules). */
#include "sieve_mime_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* An open container: a multipart whose boundary is still looked for, or
 * a message/rfc822 part held back until its enclosed header has ended
 * (its content is that header). */
struct frame {
	struct mime_part part;
	bool held;                     /* message: not reported yet */
	bool digest;                   /* multipart/digest */
	size_t blen;
	char boundary[MIME_BOUNDARY_MAX + 1];
};

#define QUEUE_MAX 4

struct mime_walk {
	struct mime_source src;
	struct mime_reader r;
	struct frame stack[MIME_DEPTH_MAX + 1];
	size_t nstack;
	enum { W_HEADER, W_BODY, W_DONE } state;
	struct mime_part cur;
	size_t nindex;       /* parts reported or begun (epilogues included) */
	size_t nreal;        /* parts counted against MIME_PARTS_MAX */
	unsigned prev_nl;    /* line break of the previous line of cur */
	bool any_line;       /* cur has had a line (header or body) */
	/* the header of cur */
	bool seen_type;
	bool has_boundary;
	char boundary[MIME_BOUNDARY_MAX + 1];
	char field_name[32];           /* a Content-* field being read */
	size_t field_len;
	bool field_open;
	char field[MIME_VALUE_MAX];
	/* parts ready to hand out */
	struct mime_part queue[QUEUE_MAX];
	size_t qhead, qlen;
};

static void emit(struct mime_walk *w, const struct mime_part *p)
{
	if (w->qlen < QUEUE_MAX)
		w->queue[(w->qhead + w->qlen++) % QUEUE_MAX] = *p;
}

/* A new part with the defaults (text/plain, no body yet). */
static void part_begin(struct mime_walk *w, size_t parent, unsigned depth,
    off_t at, bool is_mime)
{
	struct mime_part *p = &w->cur;

	memset(p, 0, sizeof *p);
	p->index = w->nindex++;
	w->nreal++;
	p->parent = parent;
	p->depth = depth;
	p->kind = MIME_LEAF;
	p->is_mime = is_mime;
	strlcpy(p->content_type, "text/plain", sizeof p->content_type);
	p->cte = MIME_CTE_IDENTITY;
	p->header_start = p->header_end = p->body_start = p->body_end = at;
	w->state = W_HEADER;
	w->prev_nl = 0;
	w->any_line = false;
	w->seen_type = w->has_boundary = w->field_open = false;
}

struct mime_walk *mime_walk_new(const struct mime_source *src)
{
	struct mime_walk *w = calloc(1, sizeof *w);

	if (w == NULL)
		return NULL;
	w->src = *src;
	mime_reader_init(&w->r, &w->src, 0, -1);
	part_begin(w, MIME_NO_PARENT, 0, 0, false);
	return w;
}

void mime_walk_free(struct mime_walk *w)
{
	free(w);
}

/* ---- the header of cur ---- */

static const char *const fields[] = {
	"Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
	"MIME-Version", NULL
};

static void field_done(struct mime_walk *w)
{
	struct mime_part *p = &w->cur;
	const char *v = w->field;
	size_t n = w->field_len;

	if (!w->field_open)
		return;
	w->field_open = false;
	if (strcasecmp(w->field_name, "MIME-Version") == 0) {
		p->is_mime = true;
	} else if (strcasecmp(w->field_name, "Content-Transfer-Encoding") ==
	    0) {
		p->cte = mime_cte_parse(v, n);
	} else if (strcasecmp(w->field_name, "Content-Disposition") == 0) {
		mime_disposition_parse(v, n, p->disposition,
		    sizeof p->disposition);
	} else if (!w->seen_type) {   /* only the first Content-Type */
		w->seen_type = true;
		p->is_mime = true;
		if (mime_content_type_parse(v, n, p->content_type,
		    sizeof p->content_type) < 0) {
			p->content_type[0] = '\0';
			return;
		}
		(void)mime_param_get(v, n, "charset", p->charset,
		    sizeof p->charset);
		if (strncasecmp(p->content_type, "multipart/", 10) == 0)
			w->has_boundary = mime_param_get(v, n, "boundary",
			    w->boundary, sizeof w->boundary) == 1;
	}
}

static void field_add(struct mime_walk *w, const char *s, size_t n)
{
	size_t room = sizeof w->field - w->field_len;

	if (n > room)
		n = room;
	memcpy(w->field + w->field_len, s, n);
	w->field_len += n;
}

/* A header line of cur (not empty, not a boundary). */
static void header_line(struct mime_walk *w, const struct mime_line *l)
{
	size_t n = l->n == (size_t)(l->end - l->start) ? l->n - l->nl : l->n;
	const char *colon;

	if (l->p[0] == ' ' || l->p[0] == '\t') {   /* folded */
		if (w->field_open)
			field_add(w, l->p, n);
		return;
	}
	field_done(w);
	if ((colon = memchr(l->p, ':', n)) == NULL)
		return;
	size_t nl = (size_t)(colon - l->p);

	while (nl > 0 && (l->p[nl - 1] == ' ' || l->p[nl - 1] == '\t'))
		nl--;
	for (size_t i = 0; fields[i] != NULL; i++)
		if (strlen(fields[i]) == nl &&
		    strncasecmp(fields[i], l->p, nl) == 0) {
			strlcpy(w->field_name, fields[i],
			    sizeof w->field_name);
			w->field_open = true;
			w->field_len = 0;
			field_add(w, colon + 1, n - (size_t)(colon + 1 - l->p));
			break;
		}
}

/* The innermost open message/rfc822 part held back for cur's header:
 * its content is that header, now complete. */
static void release_message(struct mime_walk *w)
{
	struct frame *f;

	if (w->nstack == 0)
		return;
	f = &w->stack[w->nstack - 1];
	if (f->part.kind != MIME_MESSAGE || !f->held ||
	    f->part.index != w->cur.parent)
		return;
	f->held = false;
	f->part.body_start = w->cur.header_start;
	f->part.body_end = w->cur.header_end;
	emit(w, &f->part);
}

static bool parent_is_digest(const struct mime_walk *w)
{
	return w->nstack > 0 &&
	    w->stack[w->nstack - 1].part.index == w->cur.parent &&
	    w->stack[w->nstack - 1].digest;
}

static void push(struct mime_walk *w, bool held)
{
	struct frame *f = &w->stack[w->nstack++];

	f->part = w->cur;
	f->held = held;
	f->digest = w->cur.kind == MIME_MULTIPART &&
	    strcasecmp(w->cur.content_type, "multipart/digest") == 0;
	f->blen = 0;
	f->boundary[0] = '\0';
	if (w->cur.kind == MIME_MULTIPART) {
		f->blen = strlcpy(f->boundary, w->boundary,
		    sizeof f->boundary);
		if (f->blen >= sizeof f->boundary)
			f->blen = sizeof f->boundary - 1;
	}
}

/* The empty line ending cur's header. */
static void header_end(struct mime_walk *w, const struct mime_line *l)
{
	struct mime_part *p = &w->cur;
	bool can_nest = p->depth + 1 < MIME_DEPTH_MAX &&
	    w->nstack < MIME_DEPTH_MAX;

	field_done(w);
	p->have_body = true;
	p->header_end = l->start;
	p->body_start = p->body_end = l->end;
	release_message(w);
	if (!p->is_mime)
		w->has_boundary = false;
	if (p->is_mime && w->has_boundary && can_nest &&
	    strncasecmp(p->content_type, "multipart/", 10) == 0) {
		p->kind = MIME_MULTIPART;
		push(w, false);
	} else if (can_nest && w->nreal < MIME_PARTS_MAX &&
	    ((p->is_mime && strcasecmp(p->content_type, "message/rfc822") ==
	    0) || (!w->seen_type && parent_is_digest(w)))) {
		p->kind = MIME_MESSAGE;
		push(w, true);
		part_begin(w, p->index, p->depth + 1, l->end, false);
		return;
	}
	w->state = W_BODY;
	w->prev_nl = 0;
	w->any_line = false;
}

/* ---- boundaries ---- */

/* The stack index of the multipart whose boundary the line is, or -1;
 * *closing: "--" follows the boundary. */
static long boundary_of(const struct mime_walk *w, const struct mime_line *l,
    bool *closing)
{
	const char *d = l->p + 2;
	size_t size, find;
	bool dashes;
	long best = -1;

	if (w->nreal >= MIME_PARTS_MAX || l->n < 2 || l->p[0] != '-' ||
	    l->p[1] != '-')
		return -1;
	size = l->n - 2;
	if (l->n == (size_t)(l->end - l->start) && l->nl > 0)
		find = size - l->nl;
	else
		find = size < MIME_BOUNDARY_MAX + 4 ? size :
		    MIME_BOUNDARY_MAX + 4;
	dashes = find > 2 && d[find - 1] == '-' && d[find - 2] == '-';
	for (size_t i = w->nstack; i-- > 0;) {
		const struct frame *f = &w->stack[i];

		if (f->part.kind != MIME_MULTIPART || f->blen > find ||
		    memcmp(f->boundary, d, f->blen) != 0)
			continue;
		if (best < 0 || w->stack[best].blen < f->blen)
			best = (long)i;
		if (f->blen == find || (dashes && f->blen == find - 2))
			break;
	}
	if (best >= 0) {
		size_t bl = w->stack[best].blen;

		*closing = size >= bl + 2 && d[bl] == '-' && d[bl + 1] == '-';
	}
	return best;
}

/* After a boundary line of stack[b]: the next part, or the epilogue. */
static void after_boundary(struct mime_walk *w, const struct mime_line *l,
    size_t b, bool closing)
{
	struct frame *f;

	w->nstack = b + 1;   /* the parts inside it end here */
	f = &w->stack[b];
	if (!closing) {
		part_begin(w, f->part.index, f->part.depth + 1, l->end, true);
		return;
	}
	/* the epilogue: numbered only when it is reported */
	struct mime_part *p = &w->cur;

	*p = f->part;
	p->kind = MIME_EPILOGUE;
	p->parent = f->part.index;
	p->have_body = true;
	p->cte = MIME_CTE_IDENTITY;
	p->header_start = p->header_end = p->body_start = p->body_end = l->end;
	w->nstack = b;
	w->state = W_BODY;
	w->prev_nl = 0;
	w->any_line = false;
}

/* cur's content ends before the line at `at` (the line break before a
 * boundary belongs to the boundary), or at the end of the file. */
static void body_end(struct mime_walk *w, off_t at, bool boundary)
{
	struct mime_part *p = &w->cur;

	p->body_end = at;
	if (boundary && w->any_line && at - (off_t)w->prev_nl >= p->body_start)
		p->body_end = at - (off_t)w->prev_nl;
	if (p->kind == MIME_EPILOGUE) {
		if (p->body_end <= p->body_start)
			return;   /* Dovecot makes no part of an empty one */
		p->index = w->nindex++;
	}
	emit(w, p);
}

/* ---- the machine ---- */

static void at_eof(struct mime_walk *w)
{
	if (w->state == W_HEADER) {
		field_done(w);
		w->cur.header_end = w->cur.body_start = w->cur.body_end =
		    w->src.size;
		release_message(w);
		emit(w, &w->cur);
	} else if (w->state == W_BODY) {
		body_end(w, w->src.size, false);
	}
	/* messages still held: their enclosed header never ended */
	for (size_t i = w->nstack; i-- > 0;)
		if (w->stack[i].held) {
			w->stack[i].held = false;
			w->stack[i].part.body_end = w->src.size;
		}
	w->state = W_DONE;
}

static void header_step(struct mime_walk *w, const struct mime_line *l)
{
	bool closing = false;
	long b = boundary_of(w, l, &closing);

	if (b >= 0) {
		/* the header ends without an empty line: no body */
		field_done(w);
		w->cur.header_end = w->any_line && l->start - (off_t)w->prev_nl
		    >= w->cur.header_start ? l->start - (off_t)w->prev_nl :
		    l->start;
		w->cur.body_start = w->cur.body_end = w->cur.header_end;
		release_message(w);
		emit(w, &w->cur);
		after_boundary(w, l, (size_t)b, closing);
		return;
	}
	if (mime_line_empty(l)) {
		header_end(w, l);
		return;
	}
	header_line(w, l);
	w->prev_nl = l->nl;
	w->any_line = true;
}

static void body_step(struct mime_walk *w, const struct mime_line *l)
{
	bool closing = false;
	long b = boundary_of(w, l, &closing);

	if (b >= 0) {
		body_end(w, l->start, true);
		after_boundary(w, l, (size_t)b, closing);
		return;
	}
	w->prev_nl = l->nl;
	w->any_line = true;
}

int mime_walk_next(struct mime_walk *w, struct mime_part *part)
{
	struct mime_line l;
	int rc;

	while (w->qlen == 0 && w->state != W_DONE) {
		if ((rc = mime_reader_line(&w->r, &l)) < 0)
			return -1;
		if (rc == 0)
			at_eof(w);
		else if (w->state == W_HEADER)
			header_step(w, &l);
		else
			body_step(w, &l);
	}
	if (w->qlen == 0)
		return 0;
	*part = w->queue[w->qhead];
	w->qhead = (w->qhead + 1) % QUEUE_MAX;
	w->qlen--;
	return 1;
}

off_t mime_body_start(const struct mime_source *src)
{
	struct mime_reader *r = malloc(sizeof *r);
	struct mime_line l;
	off_t at = -1;
	int rc;

	if (r == NULL)
		return -2;
	mime_reader_init(r, src, 0, -1);
	while ((rc = mime_reader_line(r, &l)) > 0)
		if (mime_line_empty(&l)) {
			at = l.end;
			break;
		}
	free(r);
	return rc < 0 ? -2 : at;
}
