/* reject_notice.c: the text of a Sieve rejection notice (see
 * reject_notice.h). */
#include "reject_notice.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* The header of the message as filed, without Content-Type (the report
 * carries no body, so a multipart type would mislead), cut at
 * REJECT_HEADER_MAX bytes on a line boundary, written to f. */
static void original_header(int fd, FILE *f)
{
	char *buf = malloc(REJECT_HEADER_MAX + 1);
	ssize_t n = buf && fd >= 0 ? pread(fd, buf, REJECT_HEADER_MAX, 0) : -1;
	bool skipping = false;

	for (ssize_t i = 0; n > 0 && i < n;) {
		char *nl = memchr(buf + i, '\n', (size_t)(n - i));
		size_t len;

		if (nl == NULL)
			break;              /* a line cut by the cap: left out */
		len = (size_t)(nl - (buf + i)) + 1;
		if (len == 1 || (len == 2 && buf[i] == '\r'))
			break;              /* the end of the header */
		if (buf[i] != ' ' && buf[i] != '\t')
			skipping = strncasecmp(buf + i, "Content-Type:", 13) == 0;
		if (!skipping)
			fwrite(buf + i, 1, len, f);
		i += (ssize_t)len;
	}
	free(buf);
}

char *reject_notice_compose(const struct reject_notice *n)
{
	char boundary[400], *text = NULL;
	size_t len = 0;
	bool orig = n->orig_recipient && *n->orig_recipient;
	bool msgid = n->msgid && *n->msgid;
	FILE *f;

	snprintf(boundary, sizeof boundary, "%ld.%lld/%s", (long)getpid(),
	    (long long)time(NULL), n->host);
	if ((f = open_memstream(&text, &len)) == NULL)
		return NULL;
	fprintf(f, "Message-ID: %s\nDate: %s\nFrom: %s\nTo: <%s>\n"
	    "Subject: Automatically rejected mail\n"
	    "Auto-Submitted: auto-replied (rejected)\nPrecedence: bulk\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/report; "
	    "report-type=disposition-notification;\n\tboundary=\"%s\"\n\n"
	    "This is a MIME-encapsulated message\n\n", n->id, n->date,
	    n->from, n->to, boundary);
	fprintf(f, "--%s\nContent-Type: text/plain; charset=utf-8\n"
	    "Content-Disposition: inline\nContent-Transfer-Encoding: 8bit\n\n"
	    "Your message to <%s> was automatically rejected:\n%s\n",
	    boundary, n->recipient, n->reason);
	fprintf(f, "--%s\nContent-Type: message/disposition-notification\n\n"
	    "Reporting-UA: %s; deliver\n", boundary, n->host);
	if (orig)
		fprintf(f, "Original-Recipient: rfc822; %s\n", n->orig_recipient);
	fprintf(f, "Final-Recipient: rfc822; %s\n", n->recipient);
	if (msgid)
		fprintf(f, "Original-Message-ID: %s\n", n->msgid);
	fprintf(f, "Disposition: automatic-action/MDN-sent-automatically; "
	    "deleted\n\n--%s\nContent-Type: message/rfc822\n\n", boundary);
	original_header(n->msg_fd, f);
	/* the embedded header's end, then the closing delimiter */
	fprintf(f, "\n\n--%s--\n", boundary);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
