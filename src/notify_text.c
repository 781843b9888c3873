/* notify_text.c: the message of the deprecated notify draft, with its
 * substitutions filled in (notify_mail.h): $from$ and $subject$ (the
 * headers, RFC 2047-decoded), $env-from$ (the envelope sender), $text$
 * (the message's text: its text parts) and $text[N]$ (the first N bytes
 * of it), names in any case, as Pigeonhole 0.5.19 fills them.
 *
 * The text is read from the filed message in a bounded way: at most
 * TEXT_READ_MAX bytes of the file are looked at and at most TEXT_MAX
 * bytes kept; MIME parts are followed by their boundaries (at most
 * BOUNDARIES_MAX levels, the rest read as text of the part around them),
 * without recursion.  Transfer encodings are not undone: the text of a
 * base64 part stays base64. */
#include "notify_mail.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "growbuf.h"
#include "rfc2047.h"

#define TEXT_READ_MAX (1024 * 1024)
#define TEXT_MAX (64 * 1024)
#define BOUNDARIES_MAX 8
#define BOUNDARY_LEN 72       /* RFC 2046 section 5.1.1 allows 70 */
#define CTYPE_MAX 1024

/* ---- reading the text parts ---- */

struct text_scan {
	char bound[BOUNDARIES_MAX][BOUNDARY_LEN + 1];
	size_t nbound;
	bool in_header;
	bool saving;
	char ctype[CTYPE_MAX];     /* this part's Content-Type, unfolded */
	bool in_ctype;             /* the header line being read is it */
	struct growbuf *out;
};

/* The boundary parameter of a Content-Type value into out, or "". */
static void boundary_of(const char *ct, char *out, size_t outlen)
{
	const char *p = ct;
	size_t n;

	out[0] = '\0';
	while ((p = strcasestr(p, "boundary")) != NULL) {
		const char *v = p + 8;

		p = v;
		v += strspn(v, " \t");
		if (*v != '=')
			continue;
		v++;
		v += strspn(v, " \t");
		if (*v == '"') {
			v++;
			n = strcspn(v, "\"");
		} else {
			n = strcspn(v, " \t;");
		}
		if (n > 0 && n < outlen && n <= BOUNDARY_LEN) {
			memcpy(out, v, n);
			out[n] = '\0';
		}
		return;
	}
}

static bool ctype_is(const char *ct, const char *prefix)
{
	return strncasecmp(ct + strspn(ct, " \t"), prefix,
	    strlen(prefix)) == 0;
}

/* A header line of a part (or of a message inside a message/rfc822). */
static void header_line(struct text_scan *s, const char *line, size_t n)
{
	size_t have = strlen(s->ctype);

	if (n > 0 && (line[0] == ' ' || line[0] == '\t')) {
		if (s->in_ctype && have + n < sizeof s->ctype) {
			memcpy(s->ctype + have, line, n);
			s->ctype[have + n] = '\0';
		}
		return;
	}
	s->in_ctype = n > 13 && strncasecmp(line, "Content-Type:", 13) == 0;
	if (s->in_ctype) {
		size_t v = n - 13 < sizeof s->ctype ? n - 13 :
		    sizeof s->ctype - 1;

		memcpy(s->ctype, line + 13, v);
		s->ctype[v] = '\0';
	}
}

/* The blank line after a part's headers: what its body is. */
static void header_end(struct text_scan *s)
{
	char b[BOUNDARY_LEN + 1];

	s->in_ctype = false;
	if (ctype_is(s->ctype, "multipart/")) {
		boundary_of(s->ctype, b, sizeof b);
		if (b[0] != '\0' && s->nbound < BOUNDARIES_MAX)
			strlcpy(s->bound[s->nbound++], b, sizeof b);
		s->in_header = false;
		s->saving = false;
	} else if (ctype_is(s->ctype, "message/rfc822")) {
		s->in_header = true;      /* the inner message's headers */
	} else {
		s->in_header = false;
		s->saving = s->ctype[0] == '\0' || ctype_is(s->ctype, "text/");
	}
	s->ctype[0] = '\0';
}

/* A "--boundary" line of an open multipart: starts a part, or ("--" at
 * the end) closes that multipart and those inside it. */
static bool boundary_line(struct text_scan *s, const char *line, size_t n)
{
	if (n < 2 || line[0] != '-' || line[1] != '-')
		return false;
	for (size_t k = s->nbound; k-- > 0; ) {
		size_t bl = strlen(s->bound[k]);

		if (n < 2 + bl || memcmp(line + 2, s->bound[k], bl) != 0)
			continue;
		if (n >= 4 + bl && line[2 + bl] == '-' && line[3 + bl] == '-') {
			s->nbound = k;    /* the epilogue is not text */
			s->saving = false;
			s->in_header = false;
		} else {
			s->nbound = k + 1;
			s->in_header = true;
			s->saving = false;
			s->ctype[0] = '\0';
		}
		return true;
	}
	return false;
}

static void scan_line(struct text_scan *s, const char *line, size_t n,
    bool has_lf)
{
	size_t bare = n > 0 && line[n - 1] == '\r' ? n - 1 : n;

	if (s->in_header) {
		if (bare == 0)
			header_end(s);
		else
			header_line(s, line, bare);
		return;
	}
	if (boundary_line(s, line, bare))
		return;
	if (s->saving && s->out->len < TEXT_MAX) {
		size_t room = TEXT_MAX - s->out->len;

		growbuf_add(s->out, line, bare < room ? bare : room);
		if (has_lf && s->out->len < TEXT_MAX)
			growbuf_add(s->out, "\n", 1);
	}
}

/* The message's headers (deliver's own included: they hold no
 * Content-Type) and its body, from the file. */
static int message_text(int fd, struct growbuf *out)
{
	struct text_scan s = { .in_header = true, .out = out };
	char *buf;
	ssize_t got;
	size_t len = 0;

	if (fd < 0 || (buf = malloc(TEXT_READ_MAX)) == NULL)
		return -1;
	while (len < TEXT_READ_MAX && (got = pread(fd, buf + len,
	    TEXT_READ_MAX - len, (off_t)len)) > 0)
		len += (size_t)got;
	for (size_t p = 0; p < len; ) {
		const char *nl = memchr(buf + p, '\n', len - p);
		size_t n = nl ? (size_t)(nl - (buf + p)) : len - p;

		scan_line(&s, buf + p, n, nl != NULL);
		p += n + (nl != NULL);
	}
	free(buf);
	return 0;
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
