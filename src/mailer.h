/* mailer.h: handing a message to sendmail for redirect, vacation and
 * rejection notices.
 *
 * The configured program is run with execve (no shell) as
 *   sendmail -i -f SENDER -- RECIPIENT
 * with a fixed minimal environment, every descriptor above 2 closed, stdout
 * on /dev/null and the message on stdin. */
#ifndef DELIVER_MAILER_H
#define DELIVER_MAILER_H

#include <stdbool.h>
#include <sys/types.h>

#include "outcome.h"

/* What goes to sendmail's stdin: head (may be NULL), then the file
 * body_fd from body_offset to its end (-1 = none). */
struct mail_body {
	const char *head;
	int body_fd;
	off_t body_offset;
};

/* Send; sender "" is the null sender.  Returns 0 when sendmail exited 0,
 * else -1 with the reason in *out (code EX_TEMPFAIL or EX_UNAVAILABLE). */
int mailer_send(const char *sendmail, const char *sender,
    const char *recipient, const struct mail_body *body,
    struct outcome *out);

/* Whether an address may be handed to sendmail as an argument: not
 * empty, no whitespace or control characters, no leading '-', at most
 * 1000 bytes. */
bool mailer_address_ok(const char *address);

#endif
