/* mbox.h: splitting an mbox file into its messages, streaming.
 *
 * A message starts at a line beginning with "From " that opens the file or
 * follows an empty line; the empty line before it is the separator and
 * belongs to neither message (so is one empty line at the very end of the
 * file).  Every other line matching ^>+From  loses one '>' (mboxrd; on an
 * mboxo file this also unquotes lines that were ">From " in the original,
 * which mboxo cannot tell apart).  The From_ line itself is passed on: the
 * intake drops it and takes the envelope sender from it.  Line endings are
 * left alone (the intake turns CRLF into LF); "\r\n" counts as an empty
 * line.
 *
 * Memory is two fixed buffers whatever the size of the file or of a
 * message or a line. */
#ifndef DELIVER_MBOX_H
#define DELIVER_MBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define MBOX_CHUNK (64 * 1024)

struct mbox;

/* Whether a file whose first bytes are head is an mbox: it starts with
 * "From ". */
bool mbox_looks_like(const char *head, size_t len);

/* A splitter reading fd from its current offset (the caller keeps and
 * closes fd).  NULL when memory runs out. */
struct mbox *mbox_open(int fd);

/* Write the next message to out_fd (out_fd < 0: only count it).  Returns
 * 1 when a message was written, 0 at the end of the file, -1 with errno
 * set on a read or write error. */
int mbox_next(struct mbox *mb, int out_fd);

/* Messages returned so far. */
unsigned long mbox_count(const struct mbox *mb);

void mbox_free(struct mbox *mb);

#endif
