/* libFuzzer target: enotify's mailto URI parser (src/sieve/notify_mailto.c)
 * on hostile URIs.  Whatever the bytes, the parse either refuses them or
 * yields what a notification may carry: at most 8 recipients, each a valid
 * mailbox, at most 16 header fields whose names and values fit on one
 * header line (no CR, LF, other control characters or 8-bit bytes), and a
 * notification that drops the recipients it already has is left with
 * none. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "notify_mailto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_line(const char *s, bool name)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c < 0x20 && c != '\t') || c >= 0x7f || (name && (c ==
		    ':' || c <= 0x20)))
			abort();
	}
}

static void check(struct mailto_uri *u)
{
	char addr[1024];

	if (u->nrcpt > MAILTO_RECIPIENTS_MAX || u->nhdr > MAILTO_HEADERS_MAX)
		abort();
	for (size_t i = 0; i < u->nrcpt; i++) {
		if (mailto_mailbox(u->rcpt[i].full, addr, sizeof addr) != 0 ||
		    strcmp(addr, u->rcpt[i].address) != 0)
			abort();
		one_line(u->rcpt[i].full, false);
	}
	for (size_t i = 0; i < u->nhdr; i++) {
		one_line(u->hdr[i].name, true);
		one_line(u->hdr[i].value, false);
	}
	if (u->subject != NULL)
		one_line(u->subject, false);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mailto_uri u, again;
	char err[MAILTO_ERR_MAX];
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (mailto_parse(text, &u, err, sizeof err) == 0) {
		check(&u);
		if (mailto_parse(text, &again, err, sizeof err) != 0 ||
		    mailto_drop_known(&again, &u) != 0)
			abort();
		mailto_free(&again);
		mailto_free(&u);
	}
	free(text);
	return 0;
}
