/* notify_mailto.c: reading a mailto URI for enotify's mailto method (see
 * notify_mailto.h).
 *
 *   mailtoURI = "mailto:" [ to ] [ "?" hfield *( "&" hfield ) ]
 *   to        = addr *( "%2C" addr )       hfield = hfname "=" hfvalue
 *
 * Characters outside qchar (RFC 6068: unreserved and "!$'()*+,;:@", the
 * rest percent-encoded) end the parse with an error, as in Pigeonhole,
 * which this follows where RFC 6068 leaves room: "," ":" ";" may not
 * stand unencoded in the to part, to= and cc= values are split at commas,
 * a duplicate recipient is kept once (a To wins over a Cc), and every
 * hfield counts against the header limit. */
#include "notify_mailto.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec_digit.h"
#include "log.h"

/* Header fields the URI may not set: the notification's origin, its
 * identity and its trace belong to deliver (RFC 5436 section 2.3 and
 * Pigeonhole's list). */
static const char *const reserved_headers[] = {
	"auto-submitted", "received", "message-id", "data", "bcc",
	"in-reply-to", "references", "resent-date", "resent-from",
	"resent-sender", "resent-to", "resent-cc", "resent-bcc",
	"resent-msg-id", "from", "sender",
	/* written by deliver itself: a second copy would contradict it */
	"date", "mime-version", "content-type", "content-transfer-encoding",
	"x-sieve", "precedence", "x-priority", "importance", NULL
};

/* Header fields that may appear once; later ones are ignored. */
static const char *const unique_headers[] = { "reply-to", NULL };

static bool name_in(const char *name, const char *const *list)
{
	for (size_t i = 0; list[i] != NULL; i++)
		if (strcasecmp(name, list[i]) == 0)
			return true;
	return false;
}

static bool qchar(unsigned char c)
{
	return isalnum(c) || (c != '\0' && strchr("!$'()*+,-.:;@_~", c));
}

/* The error, with the URI's bytes in it escaped (it reaches the log, the
 * user's .err file and -C's output). */
static int fail(char *err, size_t errlen, const char *fmt, const char *arg)
{
	char shown[400];

	(void)snprintf(err, errlen, fmt, log_escape(arg, shown, sizeof shown));
	return -1;
}

/* Decode "%XX" at *p (p on the '%'): the byte, or -1 (bad or %00). */
static int pct_decode(const char **p)
{
	int hi = hex_digit_value((unsigned char)(*p)[1]), lo;

	if (hi < 0)
		return -1;
	lo = hex_digit_value((unsigned char)(*p)[2]);
	if (lo < 0 || (hi == 0 && lo == 0))
		return -1;
	*p += 3;
	return hi * 16 + lo;
}

/* ---- mailboxes ---- */

static bool atext(unsigned char c)
{
	return isalnum(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* A dot-atom [s, e): atext runs separated by single dots. */
static bool dot_atom(const char *s, const char *e)
{
	bool dot = true;

	if (s == e)
		return false;
	for (; s < e; s++) {
		if (*s == '.') {
			if (dot)
				return false;
			dot = true;
		} else if (atext((unsigned char)*s)) {
			dot = false;
		} else {
			return false;
		}
	}
	return !dot;
}

/* A quoted string [s, e) with its quotes: printable ASCII, \-pairs. */
static bool quoted(const char *s, const char *e)
{
	if (e - s < 2 || *s != '"' || e[-1] != '"')
		return false;
	for (s++, e--; s < e; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\' && s + 1 < e)
			c = (unsigned char)*++s;
		else if (c == '"' || c == '\\')
			return false;
		if ((c < 0x20 && c != '\t') || c >= 0x7f)
			return false;
	}
	return true;
}

/* A domain literal [s, e) with its brackets: RFC 5322 dtext inside,
 * printable ASCII but '[', ']' and '\\' (never a control character or an
 * 8-bit byte on the notification's To: line). */
static bool domain_literal(const char *s, const char *e)
{
	if (e - s < 2 || *s != '[' || e[-1] != ']')
		return false;
	for (const char *p = s + 1; p < e - 1; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 33 || c > 126 || c == '[' || c == ']' || c == '\\')
			return false;
	}
	return true;
}

/* addr-spec [s, e) into out, the domain lowered. */
static int addr_spec(const char *s, const char *e, char *out, size_t outlen)
{
	const char *at = NULL;
	size_t n = (size_t)(e - s);

	for (const char *p = s; p < e; p++)    /* the last @ outside quotes */
		if (*p == '@')
			at = p;
	if (at == NULL || !(dot_atom(s, at) || quoted(s, at)))
		return -1;
	if (!dot_atom(at + 1, e) && !domain_literal(at + 1, e))
		return -1;
	if (n >= outlen)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	for (size_t i = (size_t)(at - s) + 1; i < n; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
	return 0;
}

/* A display name before "<": words, quoted strings, encoded words. */
static bool phrase_ok(const char *s, const char *e)
{
	bool inq = false;

	for (; s < e; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\' && inq && s + 1 < e)
			c = (unsigned char)*++s;    /* a quoted-pair: still one
			                               printable ASCII byte */
		else if (c == '"')
			inq = !inq;
		else if (!inq && strchr("<>@,;:[]\\", c))
			return false;
		if ((c < 0x20 && c != '\t') || c >= 0x7f)
			return false;
	}
	return !inq;
}

int mailto_mailbox(const char *text, char *addr, size_t addrlen)
{
	const char *s = text, *e = text + strlen(text), *lt;

	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (e > s && e[-1] == '>' && (lt = memchr(s, '<', (size_t)(e - s))) &&
	    memchr(lt + 1, '<', (size_t)(e - lt - 1)) == NULL) {
		if (!phrase_ok(s, lt))
			return -1;
		return addr_spec(lt + 1, e - 1, addr, addrlen);
	}
	return addr_spec(s, e, addr, addrlen);
}

/* ---- building the result ---- */

static int nomem(char *err, size_t errlen)
{
	strlcpy(err, "out of memory", errlen);
	return -1;
}

/* Add one recipient (already decoded); a repeat is kept once, as a To
 * when either is one. */
static int add_recipient(struct mailto_uri *u, const char *full, bool cc,
    char *err, size_t errlen)
{
	char addr[1024];
	struct mailto_recipient *r;

	if (mailto_mailbox(full, addr, sizeof addr) != 0)
		return fail(err, errlen, "invalid recipient '%.80s'", full);
	for (size_t i = 0; i < u->nrcpt; i++)
		if (strcmp(u->rcpt[i].address, addr) == 0) {
			u->rcpt[i].cc = u->rcpt[i].cc && cc;
			u->ignored++;
			return 0;
		}
	if (u->nrcpt == MAILTO_RECIPIENTS_MAX) {
		u->ignored++;
		return 0;
	}
	r = &u->rcpt[u->nrcpt];
	if ((r->full = strdup(full)) == NULL ||
	    (r->address = strdup(addr)) == NULL) {
		free(r->full);
		r->full = NULL;
		return nomem(err, errlen);
	}
	r->cc = cc;
	u->nrcpt++;
	return 0;
}

/* A to= or cc= value: recipients separated by commas. */
static int add_recipient_list(struct mailto_uri *u, char *value, bool cc,
    char *err, size_t errlen)
{
	char *next;

	for (char *p = value; p != NULL; p = next) {
		if ((next = strchr(p, ',')) != NULL)
			*next++ = '\0';
		if (add_recipient(u, p, cc, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* ---- the parse ---- */

/* The to part, up to '?' or the end; *pp moves past it. */
static int parse_to(struct mailto_uri *u, const char **pp, char *buf,
    char *err, size_t errlen)
{
	const char *p = *pp;
	size_t n = 0;

	if (*p == '\0' || *p == '?')
		return 0;
	for (; *p != '\0' && *p != '?'; ) {
		int c;

		if (*p == '%') {
			if ((c = pct_decode(&p)) < 0)
				return fail(err, errlen, "%s",
				    "invalid %-encoding");
		} else if (*p == ':' || *p == ';' || *p == ',' ||
		    !qchar((unsigned char)*p)) {
			char shown[2] = { isprint((unsigned char)*p) ? *p :
			    '?', '\0' };

			return fail(err, errlen, "invalid character '%s' in "
			    "the to part", shown);
		} else {
			c = (unsigned char)*p++;
		}
		if (c == ',') {
			buf[n] = '\0';
			if (add_recipient(u, buf, false, err, errlen) != 0)
				return -1;
			n = 0;
		} else {
			buf[n++] = (char)c;
		}
	}
	buf[n] = '\0';
	*pp = p;
	return add_recipient(u, buf, false, err, errlen);
}

/* One hfield name or value, decoded into buf, up to stop or the end. */
static int parse_hpart(const char **pp, char stop, char *buf, size_t *len,
    char *err, size_t errlen, const char *what)
{
	const char *p = *pp;
	size_t n = 0;

	while (*p != '\0' && *p != stop) {
		int c;

		if (*p == '%') {
			if ((c = pct_decode(&p)) < 0)
				return fail(err, errlen, "%s",
				    "invalid %-encoding");
		} else if (*p != '=' && !qchar((unsigned char)*p)) {
			return fail(err, errlen, "invalid character in header "
			    "field %s part", what);
		} else {
			c = (unsigned char)*p++;
		}
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	*len = n;
	if (*p != '\0')
		p++;
	*pp = p;
	return 0;
}

static bool header_name_ok(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f ||
		    s[i] == ':')
			return false;
	return true;
}

/* A header value fits on one header line: no CR, LF or other control
 * characters (tab aside), no 8-bit bytes. */
static bool header_value_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c >= 0x7f)
			return false;
	}
	return true;
}

static int set_once(char **field, const char *value, struct mailto_uri *u,
    char *err, size_t errlen)
{
	if (*field != NULL) {
		u->ignored++;
		return 0;
	}
	return (*field = strdup(value)) == NULL ? nomem(err, errlen) : 0;
}

static bool header_present(const struct mailto_uri *u, const char *name)
{
	for (size_t i = 0; i < u->nhdr; i++)
		if (strcasecmp(u->hdr[i].name, name) == 0)
			return true;
	return false;
}

static int add_header(struct mailto_uri *u, const char *name,
    const char *value, char *err, size_t errlen)
{
	struct mailto_header *h = &u->hdr[u->nhdr];

	if (name_in(name, reserved_headers) || (name_in(name,
	    unique_headers) && header_present(u, name))) {
		u->ignored++;
		return 0;
	}
	if ((h->name = strdup(name)) == NULL ||
	    (h->value = strdup(value)) == NULL) {
		free(h->name);
		h->name = NULL;
		return nomem(err, errlen);
	}
	u->nhdr++;
	return 0;
}

/* One hfield "name=value": the name in name, the value in value (both
 * buffers as long as the URI). */
static int parse_hfield(struct mailto_uri *u, const char **pp, size_t count,
    char *name, char *value, char *err, size_t errlen)
{
	size_t nlen, vlen;
	bool body;

	if (parse_hpart(pp, '=', name, &nlen, err, errlen, "name") != 0)
		return -1;
	if (!header_name_ok(name, nlen))
		return fail(err, errlen, "%s", "invalid header field name");
	if (parse_hpart(pp, '&', value, &vlen, err, errlen, "value") != 0)
		return -1;
	body = strcasecmp(name, "body") == 0;
	if (!body && !header_value_ok(value, vlen))
		return fail(err, errlen, "invalid header field body in "
		    "'%.32s'", name);
	if (memchr(value, '\0', vlen) != NULL)
		return fail(err, errlen, "%s", "NUL in a header field");
	if (count >= MAILTO_HEADERS_MAX) {
		u->ignored++;
		return 0;
	}
	if (strcasecmp(name, "to") == 0 || strcasecmp(name, "cc") == 0)
		return add_recipient_list(u, value, tolower((unsigned char)
		    name[0]) == 'c', err, errlen);
	if (strcasecmp(name, "subject") == 0)
		return set_once(&u->subject, value, u, err, errlen);
	if (body)
		return set_once(&u->body, value, u, err, errlen);
	return add_header(u, name, value, err, errlen);
}

static int parse_all(struct mailto_uri *u, const char *p, char *buf1,
    char *buf2, char *err, size_t errlen)
{
	size_t count = 0;

	if (parse_to(u, &p, buf1, err, errlen) != 0)
		return -1;
	if (*p == '\0')
		return 0;
	p++;    /* '?' */
	while (*p != '\0')
		if (parse_hfield(u, &p, count++, buf1, buf2, err, errlen) != 0)
			return -1;
	return 0;
}

int mailto_parse(const char *body, struct mailto_uri *out, char *err,
    size_t errlen)
{
	size_t len = strlen(body);
	char *buf1, *buf2;
	int rc;

	memset(out, 0, sizeof *out);
	if (len > MAILTO_URI_MAX)
		return fail(err, errlen, "%s", "URI too long");
	buf1 = malloc(len + 1);
	buf2 = malloc(len + 1);
	if (buf1 == NULL || buf2 == NULL) {
		free(buf1);
		free(buf2);
		return nomem(err, errlen);
	}
	rc = parse_all(out, body, buf1, buf2, err, errlen);
	free(buf1);
	free(buf2);
	if (rc != 0)
		mailto_free(out);
	return rc;
}

void mailto_free(struct mailto_uri *u)
{
	for (size_t i = 0; i < u->nrcpt; i++) {
		free(u->rcpt[i].full);
		free(u->rcpt[i].address);
	}
	for (size_t i = 0; i < u->nhdr; i++) {
		free(u->hdr[i].name);
		free(u->hdr[i].value);
	}
	free(u->subject);
	free(u->body);
	memset(u, 0, sizeof *u);
}

bool mailto_scheme(const char *uri, const char **body)
{
	if (strncasecmp(uri, "mailto:", 7) != 0)
		return false;
	*body = uri + 7;
	return true;
}

size_t mailto_drop_known(struct mailto_uri *u,
    const struct mailto_uri *earlier)
{
	size_t kept = 0;

	for (size_t i = 0; i < u->nrcpt; i++) {
		bool known = false;

		for (size_t j = 0; j < earlier->nrcpt && !known; j++)
			known = strcmp(u->rcpt[i].address,
			    earlier->rcpt[j].address) == 0;
		if (known) {
			free(u->rcpt[i].full);
			free(u->rcpt[i].address);
			continue;
		}
		u->rcpt[kept++] = u->rcpt[i];
	}
	u->nrcpt = kept;
	return kept;
}
