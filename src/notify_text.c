/* notify_text.c: the message of the deprecated notify draft, with its
 * substitutions filled in (notify_mail.h): $from$ and $subject$ (the
 * headers, RFC 2047-decoded), $env-from$ (the envelope sender), $text$
 * (the message's text: its text parts) and $text[N]$ (the first N bytes
 * of it), names in any case, as Pigeonhole 0.5.19 fills them.
 *
 * The text is read from the filed message through the MIME walker
 * (sieve_mime.h: bounded, in pieces), transfer-decoded and converted to
 * UTF-8 as Pigeonhole's message decoder does; at most TEXT_MAX bytes are
 * kept. */
#include "notify_mail.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "growbuf.h"
#include "rfc2047.h"
#include "sieve_mime.h"

#define TEXT_MAX (64 * 1024)

/* ---- the text parts ---- */

static bool text_part(const struct mime_part *p)
{
	return p->kind == MIME_LEAF && p->have_body &&
	    strncasecmp(p->content_type, "text/", 5) == 0;
}

/* The message's text parts, transfer-decoded and in UTF-8, one after the
 * other, at most TEXT_MAX bytes. */
static int message_text(int fd, struct growbuf *out)
{
	struct stat st;
	struct mime_source src;
	struct mime_walk *w;
	struct mime_part part;
	int rc = 0;

	if (fd < 0 || fstat(fd, &st) != 0)
		return -1;
	src = (struct mime_source){ .fd = fd, .size = st.st_size };
	if ((w = mime_walk_new(&src)) == NULL)
		return -1;
	while (out->len < TEXT_MAX && (rc = mime_walk_next(w, &part)) == 1) {
		char *text;
		size_t len;
		bool cut;

		if (!text_part(&part))
			continue;
		if (mime_part_content(&src, &part, MIME_CONTENT_DECODE |
		    MIME_CONTENT_UTF8, TEXT_MAX - out->len, &text, &len,
		    &cut) != 0) {
			rc = -1;
			break;
		}
		growbuf_add(out, text, len);
		free(text);
	}
	mime_walk_free(w);
	return rc < 0 ? -1 : 0;
}

/* ---- the substitutions ---- */

static void add_header(struct growbuf *b, const struct action_ctx *c,
    const char *name)
{
	const char *v = header_get(c->headers, name, 0);
	char *d;

	if (v == NULL)
		return;
	if ((d = rfc2047_decode(v, false)) == NULL) {
		b->nomem = true;
		return;
	}
	growbuf_add(b, d, strlen(d));
	free(d);
}

/* $text$ or $text[N]$ at p: the text (once read) and the length of the
 * marker, or 0 when p is no such marker. */
static size_t add_text(struct growbuf *b, const struct action_ctx *c,
    const char *p, struct growbuf *text, bool *read)
{
	size_t n = 0, len = 5;

	if (strncasecmp(p, "$text", 5) != 0 || (p[5] != '[' && p[5] != '$'))
		return 0;
	if (p[5] == '[') {
		len = 6;
		while (isdigit((unsigned char)p[len]) && len < 20)
			n = n * 10 + (size_t)(p[len++] - '0');
		if (p[len] != ']' || p[len + 1] != '$')
			return 0;
		len++;
	}
	len++;
	if (!*read) {
		*read = true;
		(void)message_text(c->msg_fd, text);
	}
	if (text->data != NULL)
		growbuf_add(b, text->data, n > 0 && n < text->len ? n :
		    text->len);
	return len;
}

char *notify_legacy_text(const struct action_ctx *c, const char *format)
{
	struct growbuf b = { 0 }, text = { 0 };
	bool read = false;
	const char *p = format != NULL ? format : "$from$: $subject$";

	while (*p != '\0') {
		size_t n;

		if (strncasecmp(p, "$from$", 6) == 0) {
			add_header(&b, c, "From");
			p += 6;
		} else if (strncasecmp(p, "$env-from$", 10) == 0) {
			if (c->sender != NULL)
				growbuf_add(&b, c->sender, strlen(c->sender));
			p += 10;
		} else if (strncasecmp(p, "$subject$", 9) == 0) {
			add_header(&b, c, "Subject");
			p += 9;
		} else if ((n = add_text(&b, c, p, &text, &read)) > 0) {
			p += n;
		} else {
			n = strcspn(p + 1, "$") + 1;
			growbuf_add(&b, p, n);
			p += n;
		}
	}
	free(text.data);
	growbuf_add(&b, "", 0);
	if (b.nomem) {
		free(b.data);
		return NULL;
	}
	return b.data;
}
