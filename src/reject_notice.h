/* reject_notice.h: the text of a Sieve rejection notice, as Pigeonhole
 * 0.5.19 sends it (RFC 5429 section 2.1.1, MDN-like): a
 * multipart/report of type disposition-notification holding the reason,
 * the MDN fields (Reporting-UA, Original-Recipient when known,
 * Final-Recipient, Original-Message-ID, Disposition) and the header of the
 * rejected message without its Content-Type and without its body.  The
 * caller chooses every address; the strings must already be safe for one
 * header line. */
#ifndef DELIVER_REJECT_NOTICE_H
#define DELIVER_REJECT_NOTICE_H

/* The original header is cut at this many bytes, on a line boundary. */
#define REJECT_HEADER_MAX (64 * 1024)

struct reject_notice {
	const char *from;            /* From header value (the postmaster) */
	const char *to;              /* the sender's address */
	const char *recipient;       /* whom the message was for */
	const char *orig_recipient;  /* "" when not known */
	const char *msgid;           /* the message's Message-ID, "" = none */
	const char *reason;          /* the script's text */
	const char *host;            /* for the boundary and Reporting-UA */
	const char *date, *id;       /* Date and Message-ID of the notice */
	int msg_fd;                  /* the message as filed, -1 = none */
};

/* The notice (headers and body) as malloced text; NULL when memory runs
 * out. */
char *reject_notice_compose(const struct reject_notice *n);

#endif
