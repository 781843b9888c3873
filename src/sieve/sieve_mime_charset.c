/* sieve_mime_charset.c: streamed conversion of a part's content to UTF-8
 * with glibc's iconv (deliver links glibc shared, so iconv loads the
 * gconv modules of the glibc it runs with: every charset glibc knows).
 * As Dovecot's charset_to_utf8, which Pigeonhole uses: US-ASCII and
 * UTF-8 content is taken as UTF-8, an unknown charset too; input that
 * does not convert becomes U+FFFD, one per bad byte, and the conversion
 * goes on.  Memory is fixed: the input a character left incomplete at
 * the end of one piece waits in a small buffer for the next. */
#include "sieve_mime.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PENDING_MAX 16              /* bytes of an unfinished character */
#define REPLACEMENT "\xef\xbf\xbd"  /* U+FFFD */

struct mime_charset {
	iconv_t cd;                 /* (iconv_t)-1: UTF-8 checked only */
	char pending[PENDING_MAX];
	size_t npending;
	char out[4096];
};

static bool is_utf8(const char *cs)
{
	return *cs == '\0' || strcasecmp(cs, "utf-8") == 0 ||
	    strcasecmp(cs, "utf8") == 0 || strcasecmp(cs, "us-ascii") == 0 ||
	    strcasecmp(cs, "ascii") == 0;
}

struct mime_charset *mime_charset_new(const char *charset)
{
	struct mime_charset *cs = calloc(1, sizeof *cs);

	if (cs == NULL)
		return NULL;
	cs->cd = (iconv_t)-1;
	if (charset != NULL && !is_utf8(charset))
		cs->cd = iconv_open("UTF-8", charset);
	return cs;
}

void mime_charset_free(struct mime_charset *cs)
{
	if (cs == NULL)
		return;
	if (cs->cd != (iconv_t)-1)
		iconv_close(cs->cd);
	free(cs);
}

/* ---- UTF-8 checked ---- */

/* The length of the valid UTF-8 sequence at s (n bytes there): >0 valid,
 * 0 when it may complete with more input, -1 invalid. */
static int utf8_seq(const unsigned char *s, size_t n)
{
	size_t want;
	unsigned min;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		want = 2, min = 0x80, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		want = 3, min = 0x800, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		want = 4, min = 0x10000, cp = s[0] & 0x07;
	else
		return -1;
	for (size_t i = 1; i < want; i++) {
		if (i >= n)
			return 0;
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
		/* reject overlong, surrogate and too large ones early */
		if (i == 1 && ((want == 3 && s[0] == 0xe0 && s[1] < 0xa0) ||
		    (want == 3 && s[0] == 0xed && s[1] > 0x9f) ||
		    (want == 4 && s[0] == 0xf0 && s[1] < 0x90) ||
		    (want == 4 && s[0] == 0xf4 && s[1] > 0x8f)))
			return -1;
	}
	return cp >= min ? (int)want : -1;
}

/* Checked UTF-8 of s[0..len): valid runs pass, each bad byte is U+FFFD;
 * a sequence cut by the end is left (*left bytes) unless final. */
static int utf8_run(const char *s, size_t len, bool final, size_t *left,
    mime_sink_fn *sink, void *ctx)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;
	int rc, k;

	*left = 0;
	while (i + run < len) {
		k = utf8_seq(u + i + run, len - i - run);
		if (k > 0) {
			run += (size_t)k;
			continue;
		}
		if (run > 0 && (rc = sink(ctx, s + i, run)) != 0)
			return rc;
		i += run;
		run = 0;
		if (k == 0 && !final) {
			*left = len - i;
			return 0;
		}
		if ((rc = sink(ctx, REPLACEMENT, 3)) != 0)
			return rc;
		i++;
	}
	return run > 0 ? sink(ctx, s + i, run) : 0;
}

/* ---- iconv ---- */

static int iconv_run(struct mime_charset *cs, const char **in, size_t *len,
    bool final, mime_sink_fn *sink, void *ctx)
{
	int rc;

	while (*len > 0) {
		char *ip = (char *)*in, *op = cs->out;
		size_t il = *len, ol = sizeof cs->out;
		size_t r = iconv(cs->cd, &ip, &il, &op, &ol);
		int err = r == (size_t)-1 ? errno : 0;

		if (op > cs->out && (rc = sink(ctx, cs->out,
		    (size_t)(op - cs->out))) != 0)
			return rc;
		*in = ip;
		*len = il;
		if (err == 0 || err == E2BIG)
			continue;
		if (err == EINVAL && !final && il < PENDING_MAX)
			return 0;   /* an unfinished character: wait */
		/* a byte that does not convert: U+FFFD, then go on */
		if ((rc = sink(ctx, REPLACEMENT, 3)) != 0)
			return rc;
		(*in)++;
		(*len)--;
	}
	return 0;
}

/* The pending bytes, then in, through the converter in pieces that fit
 * the stage; what a piece leaves unfinished waits as pending. */
static int convert(struct mime_charset *cs, const char *in, size_t len,
    bool final, mime_sink_fn *sink, void *ctx)
{
	char stage[PENDING_MAX + 4096];
	const char *p;
	size_t take, n;
	int rc;

	do {
		take = len < 4096 ? len : 4096;
		memcpy(stage, cs->pending, cs->npending);
		memcpy(stage + cs->npending, in, take);
		in += take;
		len -= take;
		n = cs->npending + take;
		cs->npending = 0;
		p = stage;
		if (cs->cd == (iconv_t)-1) {
			size_t left;

			rc = utf8_run(stage, n, final && len == 0, &left, sink,
			    ctx);
			p = stage + n - left;
			n = left;
		} else {
			rc = iconv_run(cs, &p, &n, final && len == 0, sink,
			    ctx);
		}
		if (rc != 0)
			return rc;
		if (n > 0) {   /* n < PENDING_MAX: an unfinished character */
			memcpy(cs->pending, p, n);
			cs->npending = n;
		}
	} while (len > 0);
	return 0;
}

int mime_charset_feed(struct mime_charset *cs, const char *in, size_t len,
    mime_sink_fn *sink, void *ctx)
{
	return convert(cs, in, len, false, sink, ctx);
}

int mime_charset_finish(struct mime_charset *cs, mime_sink_fn *sink,
    void *ctx)
{
	char *op = cs->out;
	size_t ol = sizeof cs->out;
	int rc;

	if ((rc = convert(cs, "", 0, true, sink, ctx)) != 0 ||
	    cs->cd == (iconv_t)-1)
		return rc;
	/* the shift state back to the initial one (ISO-2022-JP) */
	(void)iconv(cs->cd, NULL, NULL, &op, &ol);
	if (op > cs->out)
		return sink(ctx, cs->out, (size_t)(op - cs->out));
	return 0;
}
