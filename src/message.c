/* message.c: intake, the single streaming pass (see message.h). */
#include "message.h"
#include "io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define CHUNK     (64 * 1024)
#define HOLD_MAX  (64 * 1024)  /* leading trace headers examined at most */
#define NAME_MAX_LEN 256       /* longer "names" are not headers */

/* Input in segments: a whole line (ending in LF, CRLF turned into LF) or,
 * for lines longer than the buffer, a piece of one. */
struct reader {
	int fd;
	size_t start, end;
	bool eof;
	off_t crs;           /* CRs of CRLF line ends dropped */
	char buf[CHUNK];
};

struct writer {
	int fd;
	size_t used;
	off_t total;
	char buf[CHUNK];
};

struct state {
	struct intake *in;
	struct writer *w;
	bool first_line, line_start, skipping_from, in_headers;
	bool have_header;
	char name[NAME_MAX_LEN + 1];
	char *value;
	size_t value_len;
	bool holding;
	char *hold;
	size_t hold_len;
	char *from_sender;
};

/* Returns 1 with a segment, 0 at end of input, -1 on a read error. */
static int reader_next(struct reader *r, char **seg, size_t *len,
    bool *line_end)
{
	for (;;) {
		char *p = r->buf + r->start, *lf;
		size_t avail = r->end - r->start;
		ssize_t got;

		if ((lf = memchr(p, '\n', avail)) != NULL) {
			size_t n = (size_t)(lf - p) + 1;

			r->start += n;
			if (n >= 2 && lf[-1] == '\r') {
				lf[-1] = '\n';
				n--;
				r->crs++;
			}
			*seg = p, *len = n, *line_end = true;
			return 1;
		}
		if (r->eof || avail == CHUNK) {
			size_t n = avail;

			/* keep a final CR back: it may start a CRLF */
			if (!r->eof && p[n - 1] == '\r')
				n--;
			if (n == 0)
				return 0;
			r->start += n;
			*seg = p, *len = n, *line_end = false;
			return 1;
		}
		memmove(r->buf, p, avail);
		r->start = 0;
		r->end = avail;
		got = read(r->fd, r->buf + r->end, CHUNK - r->end);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			r->eof = true;
		r->end += (size_t)got;
	}
}


static int writer_flush(struct writer *w)
{
	if (io_write_all(w->fd, w->buf, w->used) < 0)
		return -1;
	w->used = 0;
	return 0;
}

static int writer_put(struct writer *w, const char *p, size_t len)
{
	w->total += (off_t)len;
	if (w->used + len > sizeof w->buf && writer_flush(w) < 0)
		return -1;
	if (len > sizeof w->buf)
		return io_write_all(w->fd, p, len);
	memcpy(w->buf + w->used, p, len);
	w->used += len;
	return 0;
}

bool message_address_ok(const char *address)
{
	size_t len = strnlen(address, 2049);

	if (len > 2048)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)address[i] < 0x20 || address[i] == 0x7f)
			return false;
	return true;
}

char *message_from_line_sender(const char *line, size_t len)
{
	size_t i = 5, start;
	char *sender;

	if (len < 5 || memcmp(line, "From ", 5) != 0)
		return NULL;
	while (i < len && line[i] == ' ')
		i++;
	start = i;
	while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\n')
		i++;
	/* a NUL would cut the copy short of what message_address_ok sees */
	if (i == start || memchr(line + start, '\0', i - start) != NULL)
		return NULL;
	sender = strndup(line + start, i - start);
	if (sender == NULL || !message_address_ok(sender)) {
		free(sender);
		return NULL;
	}
	if (strcasecmp(sender, "MAILER-DAEMON") == 0 || strcmp(sender, "<>") == 0)
		sender[0] = '\0';
	return sender;
}

static bool is_trace_header(const char *name)
{
	static const char *const trace[] = { "Return-Path", "Delivered-To",
	    "X-Original-To", "Envelope-To", "Delivery-Date", NULL };

	for (int i = 0; trace[i]; i++)
		if (strcasecmp(name, trace[i]) == 0)
			return true;
	return false;
}

/* Does the leading trace block hold header `name` naming `address`? */
static bool leading_has(const struct header_index *idx, const char *name,
    const char *address)
{
	char bare[2049];

	for (size_t i = 0; i < idx->count; i++) {
		const struct header *h = &idx->items[i];

		if (!h->leading || strcasecmp(h->name, name) != 0 ||
		    header_bare_address(h->value, bare, sizeof bare) >= sizeof bare)
			continue;
		if (strcasecmp(bare, address) == 0)
			return true;
	}
	return false;
}

static char *decide_sender(struct state *st)
{
	const struct header_index *idx = &st->in->headers;
	char bare[2049];

	if (st->in->sender)
		return strdup(st->in->sender);
	if (st->from_sender)
		return strdup(st->from_sender);
	for (size_t i = 0; i < idx->count; i++)
		if (idx->items[i].leading &&
		    strcasecmp(idx->items[i].name, "Return-Path") == 0) {
			if (header_bare_address(idx->items[i].value, bare,
			    sizeof bare) >= sizeof bare)
				return NULL;
			return message_address_ok(bare) ? strdup(bare) : NULL;
		}
	return NULL;
}

static int put_header(struct state *st, size_t pos, const char *name,
    const char *value, const char *open, const char *close)
{
	char line[4200];
	int n = snprintf(line, sizeof line, "%s: %s%s%s\n", name, open, value,
	    close);

	if (n < 0 || (size_t)n >= sizeof line)
		return 0; /* cannot happen: addresses are checked for length */
	if (writer_put(st->w, line, (size_t)n) < 0)
		return -1;
	st->in->added += n;
	line[n - 1] = '\0';
	return header_insert_added(&st->in->headers, pos, name,
	    line + strlen(name) + 2);
}

/* End of the leading block: write what deliver prepends, then the block. */
static int release_hold(struct state *st)
{
	struct intake *in = st->in;
	const char *rcpt = in->recipient;
	size_t pos = 0;

	if (!st->holding)
		return 0;
	st->holding = false;
	in->envelope_sender = decide_sender(st);
	if (in->add_return_path && in->envelope_sender &&
	    !leading_has(&in->headers, "Return-Path", in->envelope_sender)) {
		if (put_header(st, pos++, "Return-Path", in->envelope_sender,
		    "<", ">") < 0)
			return -1;
	}
	if (in->add_delivered_to && rcpt && *rcpt &&
	    !leading_has(&in->headers, "Delivered-To", rcpt)) {
		if (put_header(st, pos, "Delivered-To", rcpt, "", "") < 0)
			return -1;
	}
	if (writer_put(st->w, st->hold, st->hold_len) < 0)
		return -1;
	free(st->hold);
	st->hold = NULL;
	return 0;
}

static int emit(struct state *st, const char *seg, size_t len)
{
	if (st->holding && st->hold_len + len > HOLD_MAX &&
	    release_hold(st) < 0)
		return -1;
	if (!st->holding)
		return writer_put(st->w, seg, len);
	memcpy(st->hold + st->hold_len, seg, len);
	st->hold_len += len;
	return 0;
}

static void append_value(struct state *st, const char *seg, size_t len,
    bool line_end)
{
	if (line_end)
		len--; /* unfolding drops the line break, keeps the blanks */
	if (st->value_len + len > HEADER_VALUE_MAX) {
		len = HEADER_VALUE_MAX - st->value_len;
		st->in->headers.truncated = true;
	}
	memcpy(st->value + st->value_len, seg, len);
	st->value_len += len;
}

static int finish_header(struct state *st)
{
	struct header_index *idx = &st->in->headers;
	int rc;

	if (!st->have_header)
		return 0;
	st->have_header = false;
	rc = header_add(idx, st->name, strlen(st->name), st->value,
	    st->value_len);
	if (rc == 0 && st->holding && idx->count > 0)
		idx->items[idx->count - 1].leading = true;
	return rc;
}

/* A line that begins a header: "Name:" (blanks before the colon allowed). */
static int start_header(struct state *st, const char *seg, size_t len,
    bool line_end)
{
	const char *colon = memchr(seg, ':', len);
	size_t namelen, skip;

	if (colon == NULL || colon == seg || (size_t)(colon - seg) > NAME_MAX_LEN)
		return release_hold(st); /* not a header: leading block over */
	namelen = (size_t)(colon - seg);
	while (namelen > 0 && (seg[namelen - 1] == ' ' || seg[namelen - 1] == '\t'))
		namelen--;
	for (size_t i = 0; i < namelen; i++)
		if ((unsigned char)seg[i] <= ' ' || seg[i] == 0x7f)
			return release_hold(st);
	memcpy(st->name, seg, namelen);
	st->name[namelen] = '\0';
	if (!is_trace_header(st->name) && release_hold(st) < 0)
		return -1;
	st->have_header = true;
	st->value_len = 0;
	skip = (size_t)(colon - seg) + 1;
	while (skip < len && (seg[skip] == ' ' || seg[skip] == '\t'))
		skip++;
	append_value(st, seg + skip, len - skip, line_end && skip < len);
	return 0;
}

static int header_segment(struct state *st, const char *seg, size_t len,
    bool starts, bool line_end)
{
	if (!starts) {
		if (st->have_header)
			append_value(st, seg, len, line_end);
		return 0;
	}
	if (len == 1 && seg[0] == '\n') {
		st->in_headers = false;
		if (finish_header(st) < 0)
			return -1;
		return release_hold(st);
	}
	if ((seg[0] == ' ' || seg[0] == '\t') && st->have_header) {
		append_value(st, seg, len, line_end);
		return 0;
	}
	if (finish_header(st) < 0)
		return -1;
	return start_header(st, seg, len, line_end);
}

static int process(struct state *st, const char *seg, size_t len,
    bool line_end)
{
	bool starts = st->line_start;

	st->line_start = line_end;
	if (st->first_line) {
		st->first_line = false;
		if (len >= 5 && memcmp(seg, "From ", 5) == 0) {
			st->in->had_from_line = true;
			st->from_sender = message_from_line_sender(seg, len);
			st->skipping_from = !line_end;
			return 0;
		}
	}
	if (st->skipping_from) {
		st->skipping_from = !line_end;
		return 0;
	}
	if (st->in_headers && header_segment(st, seg, len, starts, line_end) < 0)
		return -1;
	return emit(st, seg, len);
}

static int finish(struct state *st)
{
	if (finish_header(st) < 0 || release_hold(st) < 0)
		return -1;
	return writer_flush(st->w);
}

int message_intake(int in_fd, int out_fd, struct intake *in,
    struct outcome *out)
{
	/* malloc, not calloc: zeroing 128 KiB of buffers would touch (fault
	 * in) every page of them, most of which a small message never uses */
	struct reader *r = malloc(sizeof *r);
	struct writer *w = malloc(sizeof *w);
	struct state st = { .in = in, .w = w, .first_line = true,
	    .line_start = true, .in_headers = true, .holding = true };
	char *seg;
	size_t len;
	bool line_end;
	int got, rc = -1;

	in->added = 0;
	st.value = malloc(HEADER_VALUE_MAX);
	st.hold = malloc(HOLD_MAX);
	if (!r || !w || !st.value || !st.hold) {
		fail(out, EX_TEMPFAIL, "out of memory");
		goto done;
	}
	r->fd = in_fd;
	r->start = r->end = 0;
	r->eof = false;
	r->crs = 0;
	w->fd = out_fd;
	w->used = 0;
	w->total = 0;
	while ((got = reader_next(r, &seg, &len, &line_end)) > 0)
		if (process(&st, seg, len, line_end) < 0) {
			fail_errno(out, errno, "cannot write message");
			goto done;
		}
	if (got < 0) {
		fail_errno(out, errno, "cannot read message");
		goto done;
	}
	if (finish(&st) < 0) {
		fail_errno(out, errno, "cannot write message");
		goto done;
	}
	in->size = w->total;
	in->crs = r->crs;
	rc = 0;
done:
	free(st.value);
	free(st.hold);
	free(st.from_sender);
	free(r);
	free(w);
	return rc;
}

size_t message_loop_count(const struct intake *in, const char *recipient)
{
	const struct header_index *idx = &in->headers;
	bool mta_own_skipped = false;
	char bare[2049];
	size_t loops = 0;

	for (size_t i = 0; i < idx->count; i++) {
		const struct header *h = &idx->items[i];

		if (h->added || strcasecmp(h->name, "Delivered-To") != 0 ||
		    header_bare_address(h->value, bare, sizeof bare) >= sizeof bare)
			continue;
		if (strcasecmp(bare, recipient) != 0)
			continue;
		if (h->leading && !mta_own_skipped)
			mta_own_skipped = true;
		else
			loops++;
	}
	return loops;
}

void intake_free(struct intake *in)
{
	free(in->envelope_sender);
	in->envelope_sender = NULL;
	header_index_free(&in->headers);
}
