/* mbox.c: the streaming mbox splitter (see mbox.h). */
#include "mbox.h"
#include "io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct mbox {
	int fd;
	size_t start, end;        /* unread input: buf[start..end) */
	bool eof;
	bool line_start;          /* the next segment begins a line */
	unsigned long count;
	int out_fd;
	size_t out_used;
	char held[2];             /* an empty line held back: "\n" or "\r\n" */
	size_t held_len;
	char buf[MBOX_CHUNK];
	char out[MBOX_CHUNK];
};

bool mbox_looks_like(const char *head, size_t len)
{
	return len >= 5 && memcmp(head, "From ", 5) == 0;
}

struct mbox *mbox_open(int fd)
{
	struct mbox *mb = calloc(1, sizeof *mb);

	if (mb == NULL)
		return NULL;
	mb->fd = fd;
	mb->line_start = true;
	return mb;
}

void mbox_free(struct mbox *mb)
{
	free(mb);
}

unsigned long mbox_count(const struct mbox *mb)
{
	return mb->count;
}

/* The next segment: a whole line (with its LF) or, for a line longer than
 * the buffer or the last one without LF, a piece.  The bytes stay in buf
 * until the next call, so a segment can be given back (start -= len).
 * Returns 1, 0 at the end, -1 on a read error. */
static int next_segment(struct mbox *mb, const char **seg, size_t *len)
{
	for (;;) {
		const char *p = mb->buf + mb->start, *lf;
		size_t avail = mb->end - mb->start;
		ssize_t got;

		if ((lf = memchr(p, '\n', avail)) != NULL) {
			*seg = p;
			*len = (size_t)(lf - p) + 1;
			mb->start += *len;
			return 1;
		}
		if (mb->eof || avail == sizeof mb->buf) {
			if (avail == 0)
				return 0;
			*seg = p;
			*len = avail;
			mb->start += avail;
			return 1;
		}
		memmove(mb->buf, p, avail);
		mb->start = 0;
		mb->end = avail;
		got = read(mb->fd, mb->buf + avail, sizeof mb->buf - avail);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			mb->eof = true;
		mb->end += (size_t)got;
	}
}

static int flush_out(struct mbox *mb)
{
	if (mb->out_fd >= 0 && io_write_all(mb->out_fd, mb->out,
	    mb->out_used) < 0)
		return -1;
	mb->out_used = 0;
	return 0;
}

static int put(struct mbox *mb, const char *p, size_t len)
{
	if (mb->out_fd < 0)
		return 0;
	if (mb->out_used + len > sizeof mb->out && flush_out(mb) < 0)
		return -1;
	if (len > sizeof mb->out)
		return io_write_all(mb->out_fd, p, len);
	memcpy(mb->out + mb->out_used, p, len);
	mb->out_used += len;
	return 0;
}

static bool is_empty_line(const char *seg, size_t len)
{
	return (len == 1 && seg[0] == '\n') ||
	    (len == 2 && seg[0] == '\r' && seg[1] == '\n');
}

static bool is_from_line(const char *seg, size_t len)
{
	return len >= 5 && memcmp(seg, "From ", 5) == 0;
}

/* ^>+From : the mboxrd quoting of a line, to lose one '>'. */
static bool is_quoted_from(const char *seg, size_t len)
{
	size_t i = 0;

	while (i < len && seg[i] == '>')
		i++;
	return i > 0 && is_from_line(seg + i, len - i);
}

/* One line-starting segment of the message body or header.  Returns 1
 * when it starts the next message (given back), 0 when written, -1 on a
 * write error. */
static int line(struct mbox *mb, const char *seg, size_t len)
{
	if (mb->held_len > 0 && is_from_line(seg, len)) {
		mb->start -= len;
		mb->held_len = 0;        /* the separator */
		return 1;
	}
	if (mb->held_len > 0 && put(mb, mb->held, mb->held_len) < 0)
		return -1;
	mb->held_len = 0;
	if (is_empty_line(seg, len)) {
		memcpy(mb->held, seg, len);
		mb->held_len = len;
		return 0;
	}
	if (is_quoted_from(seg, len)) {
		seg++;
		len--;
	}
	return put(mb, seg, len);
}

int mbox_next(struct mbox *mb, int out_fd)
{
	const char *seg;
	size_t len;
	bool first = true;
	int got, rc;

	mb->out_fd = out_fd;
	mb->out_used = 0;
	mb->held_len = 0;
	while ((got = next_segment(mb, &seg, &len)) > 0) {
		bool starts = mb->line_start;

		mb->line_start = seg[len - 1] == '\n';
		if (first || !starts) {
			/* the From_ line as it is; a piece of a long line */
			first = false;
			if (put(mb, seg, len) < 0)
				return -1;
			continue;
		}
		if ((rc = line(mb, seg, len)) < 0)
			return -1;
		if (rc == 1) {
			mb->line_start = true;
			break;
		}
	}
	if (got < 0)
		return -1;
	if (first)
		return 0;
	/* an empty line held at the end of the file is the last separator */
	if (flush_out(mb) < 0)
		return -1;
	mb->count++;
	return 1;
}
