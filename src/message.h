/* message.h: intake, the one pass over the incoming message.
 *
 * The message streams from the input descriptor into an already created
 * tmp file: a leading mbox "From " line is dropped (its address kept),
 * CRLF becomes LF, Return-Path and Delivered-To are prepended unless the
 * MTA already put the same ones on top, and every header is indexed on the
 * way.  Memory stays bounded by fixed buffers and the header index limits,
 * whatever the message size. */
#ifndef DELIVER_MESSAGE_H
#define DELIVER_MESSAGE_H

#include <stdbool.h>
#include <sys/types.h>

#include "headers.h"
#include "outcome.h"

struct intake {
	/* in */
	const char *sender;       /* envelope sender; NULL = not given */
	const char *recipient;    /* envelope recipient; NULL = none */
	bool add_return_path;
	bool add_delivered_to;

	/* out */
	char *envelope_sender;    /* sender as finally decided (malloced);
	                             NULL when no source named one */
	bool had_from_line;
	off_t size;               /* bytes written to the tmp file */
	off_t added;              /* of which headers deliver prepended (the
	                             Sieve size test counts the rest) */
	off_t crs;                /* CRs of CRLF line ends the copy dropped:
	                             the size test counts the message as
	                             received, with them, as Pigeonhole
	                             counts its physical size */
	struct header_index headers;
};

/* Copy in_fd to out_fd as described above; fsync is the caller's job.
 * Returns -1 with out filled on a read or write error. */
int message_intake(int in_fd, int out_fd, struct intake *in,
    struct outcome *out);

/* How many Delivered-To headers name this recipient, not counting one that
 * the MTA put on top nor the one deliver added: more than zero is a mail
 * forwarding loop. */
size_t message_loop_count(const struct intake *in, const char *recipient);

/* The sender address on a "From " line (the text up to the first blank
 * after "From "); "MAILER-DAEMON" means the null sender "".  Returns a
 * malloced string or NULL. */
char *message_from_line_sender(const char *line, size_t len);

/* True when an address can go into a header or a log line as it is: no
 * control characters (CR, LF, NUL, ...), not longer than 2048 bytes. */
bool message_address_ok(const char *address);

void intake_free(struct intake *in);

#endif
