/* notify_mailto.h: the "mailto" notification method of enotify (RFC 5436):
 * reading a mailto URI (RFC 6068, as Pigeonhole 0.5.19 reads it) into the
 * recipients, header fields, subject and body of the notification.
 *
 * The same parser serves the checker (a constant URI), the valid_notify_
 * method and notify_method_capability tests, the notify command (which
 * also drops recipients an earlier notify already has) and actions.c,
 * which composes the mail from the parse once the message is filed.
 *
 * Hostile URIs stay bounded: at most MAILTO_URI_MAX bytes are read, at
 * most MAILTO_RECIPIENTS_MAX recipients and MAILTO_HEADERS_MAX header
 * fields are kept (the rest ignored, as Pigeonhole does), %00 is refused,
 * and a header value may hold neither CR, LF, other control characters
 * nor 8-bit bytes, so no hfield can add a header line of its own.  Headers
 * that would let the URI forge the notification's origin or threading
 * (From, Sender, Message-ID, Received, Auto-Submitted, Bcc, Resent-*, ...)
 * are ignored. */
#ifndef DELIVER_NOTIFY_MAILTO_H
#define DELIVER_NOTIFY_MAILTO_H

#include <stdbool.h>
#include <stddef.h>

#define MAILTO_URI_MAX        65536  /* bytes of one URI */
#define MAILTO_RECIPIENTS_MAX 8      /* Pigeonhole's limit */
#define MAILTO_HEADERS_MAX    16     /* hfields read, to/cc/... included */
#define MAILTO_ERR_MAX        200

struct mailto_recipient {
	char *full;      /* as written, decoded: "Name <a@b>" or "a@b" */
	char *address;   /* local@domain, the domain in lower case */
	bool cc;         /* from a cc= field (and not also a To) */
};

struct mailto_header {
	char *name;
	char *value;
};

struct mailto_uri {
	struct mailto_recipient rcpt[MAILTO_RECIPIENTS_MAX];
	size_t nrcpt;
	struct mailto_header hdr[MAILTO_HEADERS_MAX];
	size_t nhdr;
	char *subject;   /* NULL when absent */
	char *body;      /* NULL when absent */
	size_t ignored;  /* duplicates, reserved headers, over the limits */
};

/* Parse the part of a mailto URI after "mailto:".  0 with *out filled
 * (free it with mailto_free), or -1 with the reason in err (out is then
 * empty); -1 with "out of memory" when memory runs out. */
int mailto_parse(const char *body, struct mailto_uri *out, char *err,
    size_t errlen);

void mailto_free(struct mailto_uri *u);

/* Whether uri starts with the scheme "mailto:" (any case); then *body
 * points after the colon. */
bool mailto_scheme(const char *uri, const char **body);

/* One mailbox, "local@domain" or "Phrase <local@domain>", as RFC 5322
 * writes it (dot-atom or quoted local part, dot-atom or literal domain).
 * 0 with the normalized address (domain in lower case) in addr, or -1. */
int mailto_mailbox(const char *text, char *addr, size_t addrlen);

/* Remove from u the recipients earlier also has (RFC 5435 section 3.8:
 * no one is notified twice about one message).  Returns how many
 * recipients are left. */
size_t mailto_drop_known(struct mailto_uri *u,
    const struct mailto_uri *earlier);

#endif
