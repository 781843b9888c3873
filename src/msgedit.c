/* msgedit.c: edited headers and the writing of edited messages (see
 * msgedit.h).  The field rules of the writer are those of the intake
 * (message.c): a header line is "Name:" with a name of at most 256
 * printable characters before the colon, continued by lines that start
 * with a blank; any other line in the header block is kept as it is and
 * belongs to no field; an empty line ends the block. */
#include "msgedit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#define NAME_MAX_LEN 256      /* as the intake's */
#define FOLD_AT      76       /* added fields are folded near this column */
#define IO_BUF       (64 * 1024)

/* ---- the field list ---- */

static int grow(struct msgedit *e)
{
	struct msgedit_field *f;
	size_t cap;

	if (e->n < e->cap)
		return 0;
	cap = e->cap ? e->cap * 2 : 16;
	if ((f = reallocarray(e->f, cap, sizeof *f)) == NULL)
		return -1;
	e->f = f;
	e->cap = cap;
	return 0;
}

static int push_orig(struct msgedit *e, const struct header_index *orig,
    size_t k)
{
	if (grow(e) < 0)
		return -1;
	e->f[e->n++] = (struct msgedit_field){ k, orig->items[k].name,
	    orig->items[k].value };
	return 0;
}

static int insert_added(struct msgedit *e, size_t pos, const char *name,
    size_t namelen, const char *value)
{
	char *n = strndup(name, namelen), *v = strdup(value);

	if (n == NULL || v == NULL || grow(e) < 0) {
		free(n);
		free(v);
		return -1;
	}
	memmove(&e->f[pos + 1], &e->f[pos], (e->n - pos) * sizeof *e->f);
	e->f[pos] = (struct msgedit_field){ MSGEDIT_ADDED, n, v };
	e->n++;
	e->added++;
	return 0;
}

/* One line of an edit string: "=A-B" or "+Name: value". */
static int parse_line(struct msgedit *e, const struct header_index *orig,
    const char *line, size_t len, size_t *next_orig)
{
	if (len > 1 && line[0] == '=') {
		unsigned long long a, b;
		char tail;

		if (sscanf(line, "=%llu-%llu%c", &a, &b, &tail) != 3 ||
		    tail != '\n' || a > b || b >= orig->count || a < *next_orig)
			return -1;
		for (size_t k = (size_t)a; k <= (size_t)b; k++)
			if (push_orig(e, orig, k) < 0)
				return -1;
		*next_orig = (size_t)b + 1;
		return 0;
	}
	if (len > 3 && line[0] == '+') {
		const char *colon = memchr(line, ':', len);
		char *value;
		int rc;

		if (colon == NULL || colon == line + 1 || colon[1] != ' ')
			return -1;
		if ((value = strndup(colon + 2, (size_t)(line + len - 1 -
		    (colon + 2)))) == NULL)
			return -1;
		rc = insert_added(e, e->n, line + 1, (size_t)(colon - line - 1),
		    value);
		free(value);
		return rc;
	}
	return -1;
}

int msgedit_init(struct msgedit *e, const struct header_index *orig,
    const char *edits)
{
	size_t next_orig = 0;

	memset(e, 0, sizeof *e);
	if (edits == NULL) {
		for (size_t k = 0; orig != NULL && k < orig->count; k++)
			if (push_orig(e, orig, k) < 0)
				goto fail;
		return 0;
	}
	while (*edits != '\0') {
		const char *nl = strchr(edits, '\n');

		if (nl == NULL)
			goto bad;
		if (parse_line(e, orig, edits, (size_t)(nl - edits) + 1,
		    &next_orig) < 0)
			goto bad;
		edits = nl + 1;
	}
	return 0;
bad:
	errno = EINVAL;
fail:
	msgedit_free(e);
	return -1;
}

void msgedit_free(struct msgedit *e)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->f[i].orig == MSGEDIT_ADDED) {
			free(e->f[i].name);
			free(e->f[i].value);
		}
	free(e->f);
	memset(e, 0, sizeof *e);
}

int msgedit_add(struct msgedit *e, const struct header_index *orig,
    const char *name, const char *value, bool last)
{
	size_t pos = 0;

	if (last)
		return insert_added(e, e->n, name, strlen(name), value);
	/* below Return-Path and Delivered-To: those stay on top, where the
	 * MTA's conventions want them */
	while (pos < e->n && e->f[pos].orig != MSGEDIT_ADDED &&
	    orig->items[e->f[pos].orig].added)
		pos++;
	return insert_added(e, pos, name, strlen(name), value);
}

void msgedit_delete(struct msgedit *e, size_t pos)
{
	if (pos >= e->n)
		return;
	if (e->f[pos].orig == MSGEDIT_ADDED) {
		free(e->f[pos].name);
		free(e->f[pos].value);
		e->added--;
	}
	memmove(&e->f[pos], &e->f[pos + 1], (e->n - pos - 1) * sizeof *e->f);
	e->n--;
}

char *msgedit_serialize(const struct msgedit *e)
{
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);

	if (f == NULL)
		return NULL;
	for (size_t i = 0; i < e->n; i++) {
		size_t j = i;

		if (e->f[i].orig == MSGEDIT_ADDED) {
			fprintf(f, "+%s: %s\n", e->f[i].name, e->f[i].value);
			continue;
		}
		while (j + 1 < e->n && e->f[j + 1].orig != MSGEDIT_ADDED &&
		    e->f[j + 1].orig == e->f[j].orig + 1)
			j++;
		fprintf(f, "=%zu-%zu\n", e->f[i].orig, e->f[j].orig);
		i = j;
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

int msgedit_view(const struct msgedit *e, struct header_index *view)
{
	memset(view, 0, sizeof *view);
	if ((view->items = calloc(e->n + 1, sizeof *view->items)) == NULL)
		return -1;
	for (size_t i = 0; i < e->n; i++) {
		view->items[i].name = e->f[i].name;
		view->items[i].value = e->f[i].value;
		view->bytes += strlen(e->f[i].name) + strlen(e->f[i].value);
	}
	view->count = view->cap = e->n;
	return 0;
}

/* ---- writing a field ---- */

/* Emit the value folded: a line break goes before a blank once the line
 * would pass FOLD_AT (unfolding, which drops the break, gives the value
 * back).  emit NULL: only count.  Returns the bytes emitted. */
static size_t fold_value(const char *value, size_t col,
    int (*emit)(void *, const char *, size_t), void *ctx, int *rc)
{
	size_t total = 0, i = 0, n = strlen(value);

	while (i < n) {
		size_t j = i + 1;

		while (j < n && value[j] != ' ' && value[j] != '\t')
			j++;
		if (i > 0 && col + (j - i) > FOLD_AT && col > 1) {
			if (emit != NULL && emit(ctx, "\n", 1) < 0)
				*rc = -1;
			total++;
			col = 0;
		}
		if (emit != NULL && emit(ctx, value + i, j - i) < 0)
			*rc = -1;
		total += j - i;
		col += j - i;
		i = j;
	}
	return total;
}

static size_t added_size(const struct msgedit_field *f, bool crlf)
{
	size_t folded, n;
	int rc = 0;

	n = strlen(f->name) + 2;
	folded = fold_value(f->value, n, NULL, NULL, &rc);
	/* each line break written is one byte more counted with CRLF */
	return n + folded + 1 + (crlf ? folded - strlen(f->value) + 1 : 0);
}

long long msgedit_size_delta(const struct msgedit *e,
    const struct header_index *orig, bool crlf)
{
	long long delta = 0;
	size_t i = 0;

	for (size_t k = 0; orig != NULL && k < orig->count; k++) {
		while (i < e->n && e->f[i].orig == MSGEDIT_ADDED)
			delta += (long long)added_size(&e->f[i++], crlf);
		if (i < e->n && e->f[i].orig == k) {
			i++;
			continue;
		}
		delta -= (long long)(strlen(orig->items[k].name) + 2 +
		    strlen(orig->items[k].value) + 1 + crlf);
	}
	for (; i < e->n; i++)
		if (e->f[i].orig == MSGEDIT_ADDED)
			delta += (long long)added_size(&e->f[i], crlf);
	return delta;
}

/* ---- encoding an added value ---- */

static bool needs_encoding(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80)
			return true;
	}
	return false;
}

static void base64_chunk(FILE *f, const unsigned char *p, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		fputc(tab[(v >> 18) & 63], f);
		fputc(tab[(v >> 12) & 63], f);
		fputc(i + 1 < n ? tab[(v >> 6) & 63] : '=', f);
		fputc(i + 2 < n ? tab[v & 63] : '=', f);
	}
}

/* Encoded-words of at most 45 bytes of text each (60 of base64), cut
 * between UTF-8 characters, separated by blanks (where the writer may
 * fold; a decoder drops the blank between two encoded-words). */
static void encode_words(FILE *f, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i + 45 < n ? i + 45 : n;

		while (j > i + 1 && j < n && ((unsigned char)s[j] & 0xc0) ==
		    0x80)
			j--;
		fprintf(f, "%s=?UTF-8?B?", i > 0 ? " " : "");
		base64_chunk(f, (const unsigned char *)s + i, j - i);
		fputs("?=", f);
		i = j;
	}
}

char *msgedit_encode_value(const char *value, size_t len)
{
	char *flat = malloc(len + 1), *out = NULL;
	size_t n = 0, outlen = 0;
	FILE *f;

	if (flat == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (value[i] == '\r')
			continue;
		if (value[i] == '\n') {
			if (i + 1 < len && value[i + 1] != ' ' &&
			    value[i + 1] != '\t' && value[i + 1] != '\r' &&
			    value[i + 1] != '\n')
				flat[n++] = ' ';
			continue;
		}
		flat[n++] = value[i];
	}
	flat[n] = '\0';
	if (!needs_encoding(flat, n))
		return flat;
	if ((f = open_memstream(&out, &outlen)) != NULL) {
		encode_words(f, flat, n);
		if (fclose(f) != 0) {
			free(out);
			out = NULL;
		}
	}
	free(flat);
	return out;
}

/* ---- the writer ---- */

struct rd {
	int fd;
	size_t start, end;
	bool eof;
	char buf[IO_BUF];
};

struct wr {
	int fd;
	size_t used;
	off_t total;
	char buf[IO_BUF];
};

static int wr_flush(struct wr *w)
{
	size_t off = 0;

	while (off < w->used) {
		ssize_t n = write(w->fd, w->buf + off, w->used - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	w->used = 0;
	return 0;
}

static int wr_put(void *ctx, const char *p, size_t n)
{
	struct wr *w = ctx;

	w->total += (off_t)n;
	while (n > 0) {
		size_t room = sizeof w->buf - w->used, k = n < room ? n : room;

		memcpy(w->buf + w->used, p, k);
		w->used += k;
		p += k;
		n -= k;
		if (w->used == sizeof w->buf && wr_flush(w) < 0)
			return -1;
	}
	return 0;
}

/* At least need bytes buffered, unless the file ends first. */
static int rd_fill(struct rd *r, size_t need)
{
	if (r->end - r->start >= need || r->eof)
		return 0;
	memmove(r->buf, r->buf + r->start, r->end - r->start);
	r->end -= r->start;
	r->start = 0;
	while (r->end - r->start < need && !r->eof) {
		ssize_t n = read(r->fd, r->buf + r->end, sizeof r->buf - r->end);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			r->eof = true;
		r->end += (size_t)n;
	}
	return 0;
}

enum item { ITEM_END, ITEM_BLANK, ITEM_JUNK, ITEM_FIELD };

/* What starts at the reader's position (a line start in the header
 * block); a field's name into name. */
static int next_item(struct rd *r, char *name, enum item *kind)
{
	const char *p, *colon, *nl;
	size_t avail, len;

	if (rd_fill(r, NAME_MAX_LEN + 2) < 0)
		return -1;
	avail = r->end - r->start;
	p = r->buf + r->start;
	if (avail == 0) {
		*kind = ITEM_END;
		return 0;
	}
	if (p[0] == '\n') {
		*kind = ITEM_BLANK;
		return 0;
	}
	*kind = ITEM_JUNK;
	if (p[0] == ' ' || p[0] == '\t')
		return 0;
	len = avail < NAME_MAX_LEN + 1 ? avail : NAME_MAX_LEN + 1;
	colon = memchr(p, ':', len);
	nl = memchr(p, '\n', len);
	if (colon == NULL || (nl != NULL && nl < colon))
		return 0;
	len = (size_t)(colon - p);
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] <= ' ' || p[i] == 0x7f)
			return 0;
	memcpy(name, p, len);
	name[len] = '\0';
	*kind = ITEM_FIELD;
	return 0;
}

/* Pass one item (a line and its continuation lines), copying it to w or
 * not. */
static int pass_item(struct rd *r, struct wr *w, bool copy)
{
	for (;;) {
		const char *p, *nl;
		size_t n;

		if (rd_fill(r, 1) < 0)
			return -1;
		if (r->start == r->end)
			return 0;
		p = r->buf + r->start;
		nl = memchr(p, '\n', r->end - r->start);
		n = nl ? (size_t)(nl - p) + 1 : r->end - r->start;
		if (copy && wr_put(w, p, n) < 0)
			return -1;
		r->start += n;
		if (nl == NULL)
			continue;     /* a line longer than the buffer */
		/* the next line continues this item only when it starts
		 * with a blank */
		if (rd_fill(r, 1) < 0)
			return -1;
		if (r->start == r->end || (r->buf[r->start] != ' ' &&
		    r->buf[r->start] != '\t'))
			return 0;
	}
}

static int write_added(struct wr *w, const struct msgedit_field *f)
{
	int rc = 0;

	if (wr_put(w, f->name, strlen(f->name)) < 0 || wr_put(w, ": ", 2) < 0)
		return -1;
	(void)fold_value(f->value, strlen(f->name) + 2, wr_put, w, &rc);
	if (rc < 0 || wr_put(w, "\n", 1) < 0)
		return -1;
	return 0;
}

/* Walk the file's header block along the edited list. */
static int write_header(struct rd *r, struct wr *w,
    const struct header_index *orig, const struct msgedit *e)
{
	char name[NAME_MAX_LEN + 1];
	enum item kind;
	size_t k = 0, i = 0;

	if (next_item(r, name, &kind) < 0)
		return -1;
	for (;;) {
		bool in_list;

		if (i < e->n && e->f[i].orig == MSGEDIT_ADDED) {
			if (write_added(w, &e->f[i++]) < 0)
				return -1;
			continue;
		}
		if (kind == ITEM_END || kind == ITEM_BLANK)
			break;
		if (kind == ITEM_FIELD && (k >= orig->count ||
		    strcasecmp(name, orig->items[k].name) != 0)) {
			errno = EINVAL;
			return -1;
		}
		in_list = kind == ITEM_JUNK || (i < e->n && e->f[i].orig == k);
		if (pass_item(r, w, in_list) < 0)
			return -1;
		if (kind == ITEM_FIELD) {
			if (in_list)
				i++;
			k++;
		}
		if (next_item(r, name, &kind) < 0)
			return -1;
	}
	if (i != e->n) {   /* a kept field the file does not have */
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static int copy_rest(struct rd *r, struct wr *w)
{
	for (;;) {
		if (r->start < r->end && wr_put(w, r->buf + r->start,
		    r->end - r->start) < 0)
			return -1;
		r->start = r->end = 0;
		if (r->eof)
			return 0;
		if (rd_fill(r, 1) < 0)
			return -1;
	}
}

int msgedit_write(int src, const struct header_index *orig,
    const char *edits, int dst, off_t *written)
{
	struct rd *r = malloc(sizeof *r);
	struct wr *w = malloc(sizeof *w);
	struct msgedit e;
	int rc = -1, saved;

	*written = 0;
	if (r == NULL || w == NULL || msgedit_init(&e, orig, edits) < 0) {
		saved = errno;
		free(r);
		free(w);
		errno = saved;
		return -1;
	}
	r->fd = src;
	r->start = r->end = 0;
	r->eof = false;
	w->fd = dst;
	w->used = 0;
	w->total = 0;
	if (lseek(src, 0, SEEK_SET) == 0 && write_header(r, w, orig, &e) == 0 &&
	    copy_rest(r, w) == 0 && wr_flush(w) == 0) {
		*written = w->total;
		rc = 0;
	}
	saved = errno;
	msgedit_free(&e);
	free(r);
	free(w);
	errno = saved;
	return rc;
}

int msgedit_tmpfile(int dirfd)
{
	char name[64];
	uint32_t r;
	int fd;

	if (dirfd < 0)
		return memfd_create("deliver-edited", MFD_CLOEXEC);
	if ((fd = openat(dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) >= 0)
		return fd;
	arc4random_buf(&r, sizeof r);
	snprintf(name, sizeof name, "edited.%ld.%08x", (long)getpid(),
	    (unsigned)r);
	if ((fd = openat(dirfd, name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) >= 0)
		(void)unlinkat(dirfd, name, 0);
	return fd;
}
