/* sieve_mime_decode.c: streamed content transfer decoding (RFC 2045
 * section 6.7 quoted-printable, section 6.8 base64) for the MIME walker's
 * content reader.  Any split of the input gives the same output; memory
 * is the fixed struct mime_decoder.  Lenient as Dovecot's decoders, which
 * Pigeonhole uses: base64 skips blanks and line breaks and ignores the
 * rest of the part after padding or a character outside the alphabet;
 * quoted-printable passes a "=" that starts no valid escape through as it
 * is. */
#include "sieve_mime.h"

#include <string.h>

#include "codec_digit.h"

enum { QP_TEXT, QP_EQ, QP_EQ_HEX, QP_EQ_CR, QP_EQ_BLANK, QP_CR };

void mime_decoder_init(struct mime_decoder *d, enum mime_cte cte)
{
	memset(d, 0, sizeof *d);
	d->cte = cte;
	d->qstate = QP_TEXT;
}

static int flush(struct mime_decoder *d, mime_sink_fn *sink, void *ctx)
{
	int rc = 0;

	if (d->nout > 0)
		rc = sink(ctx, d->out, d->nout);
	d->nout = 0;
	return rc;
}

static int put(struct mime_decoder *d, const char *s, size_t n,
    mime_sink_fn *sink, void *ctx)
{
	int rc;

	while (n > 0) {
		size_t k = sizeof d->out - d->nout;

		if (k == 0) {
			if ((rc = flush(d, sink, ctx)) != 0)
				return rc;
			continue;
		}
		if (k > n)
			k = n;
		memcpy(d->out + d->nout, s, k);
		d->nout += k;
		s += k;
		n -= k;
	}
	return 0;
}

/* ---- base64 ---- */

/* The bytes of a quantum of n (2..4) sextets. */
static int b64_quantum(struct mime_decoder *d, size_t n, mime_sink_fn *sink,
    void *ctx)
{
	const unsigned char *q = d->quad;
	char b[3];

	b[0] = (char)((q[0] << 2) | (q[1] >> 4));
	b[1] = (char)(((q[1] & 0x0f) << 4) | (q[2] >> 2));
	b[2] = (char)(((q[2] & 0x03) << 6) | q[3]);
	d->nquad = 0;
	return put(d, b, n - 1, sink, ctx);
}

static int b64_feed(struct mime_decoder *d, const unsigned char *in,
    size_t len, mime_sink_fn *sink, void *ctx)
{
	int rc;

	for (size_t i = 0; i < len && !d->ended; i++) {
		int v = base64_digit_value(in[i]);

		if (in[i] == ' ' || in[i] == '\t' || in[i] == '\r' ||
		    in[i] == '\n')
			continue;
		if (v < 0) {
			/* padding ends the data; anything else is broken
			 * input: what came before stays */
			if (d->nquad >= 2 && (rc = b64_quantum(d, d->nquad,
			    sink, ctx)) != 0)
				return rc;
			d->ended = true;
			break;
		}
		d->quad[d->nquad++] = (unsigned char)v;
		if (d->nquad == 4 && (rc = b64_quantum(d, 4, sink, ctx)) != 0)
			return rc;
	}
	return 0;
}

/* ---- quoted-printable ---- */

static int blanks_out(struct mime_decoder *d, mime_sink_fn *sink, void *ctx)
{
	int rc = put(d, d->blanks, d->nblanks, sink, ctx);

	d->nblanks = 0;
	return rc;
}

static int hold_blank(struct mime_decoder *d, char c, mime_sink_fn *sink,
    void *ctx)
{
	int rc;

	if (d->nblanks == sizeof d->blanks &&
	    (rc = blanks_out(d, sink, ctx)) != 0)
		return rc;
	d->blanks[d->nblanks++] = c;
	return 0;
}

/* One character in the plain text state. */
static int qp_text(struct mime_decoder *d, unsigned char c,
    mime_sink_fn *sink, void *ctx)
{
	int rc;

	switch (c) {
	case '=':
		d->qstate = QP_EQ;
		return 0;
	case ' ':
	case '\t':
		return hold_blank(d, (char)c, sink, ctx);
	case '\r':
		d->qstate = QP_CR;
		return 0;
	case '\n':
		d->nblanks = 0;   /* trailing blanks go */
		return put(d, "\n", 1, sink, ctx);
	default:
		if ((rc = blanks_out(d, sink, ctx)) != 0)
			return rc;
		return put(d, (const char *)&c, 1, sink, ctx);
	}
}

static int qp_char(struct mime_decoder *d, unsigned char c,
    mime_sink_fn *sink, void *ctx)
{
	char b[2];
	int rc;

	switch (d->qstate) {
	case QP_TEXT:
		return qp_text(d, c, sink, ctx);
	case QP_CR:
		d->qstate = QP_TEXT;
		if (c == '\n') {
			d->nblanks = 0;
			return put(d, "\r\n", 2, sink, ctx);
		}
		if ((rc = blanks_out(d, sink, ctx)) != 0 ||
		    (rc = put(d, "\r", 1, sink, ctx)) != 0)
			return rc;
		return qp_text(d, c, sink, ctx);
	case QP_EQ:
		if ((rc = blanks_out(d, sink, ctx)) != 0)
			return rc;
		if (hex_digit_value(c) >= 0) {
			d->hex1 = (char)c;
			d->qstate = QP_EQ_HEX;
			return 0;
		}
		if (c == '\n') {             /* soft line break */
			d->qstate = QP_TEXT;
			return 0;
		}
		if (c == '\r' || c == ' ' || c == '\t') {
			d->qstate = c == '\r' ? QP_EQ_CR : QP_EQ_BLANK;
			return 0;
		}
		d->qstate = QP_TEXT;
		if ((rc = put(d, "=", 1, sink, ctx)) != 0)
			return rc;
		return qp_text(d, c, sink, ctx);
	case QP_EQ_HEX:
		d->qstate = QP_TEXT;
		if (hex_digit_value(c) >= 0) {
			b[0] = (char)(hex_digit_value((unsigned char)d->hex1) *
			    16 + hex_digit_value(c));
			return put(d, b, 1, sink, ctx);
		}
		b[0] = '=';
		b[1] = d->hex1;
		if ((rc = put(d, b, 2, sink, ctx)) != 0)
			return rc;
		return qp_text(d, c, sink, ctx);
	case QP_EQ_BLANK:
		if (c == ' ' || c == '\t')
			return 0;
		/* FALLTHROUGH */
	case QP_EQ_CR:
		if (c == '\n') {             /* soft line break */
			d->qstate = QP_TEXT;
			return 0;
		}
		if (c == '\r') {
			d->qstate = QP_EQ_CR;
			return 0;
		}
		/* "=" and blanks not at a line end: kept as text */
		d->qstate = QP_TEXT;
		if ((rc = put(d, "=", 1, sink, ctx)) != 0)
			return rc;
		return qp_text(d, c, sink, ctx);
	}
	return 0;
}

/* ---- the interface ---- */

int mime_decoder_feed(struct mime_decoder *d, const char *in, size_t len,
    mime_sink_fn *sink, void *ctx)
{
	const unsigned char *u = (const unsigned char *)in;
	int rc = 0;

	switch (d->cte) {
	case MIME_CTE_UNKNOWN:
		return 0;   /* Dovecot skips a part it cannot decode */
	case MIME_CTE_IDENTITY:
		rc = put(d, in, len, sink, ctx);
		break;
	case MIME_CTE_BASE64:
		rc = b64_feed(d, u, len, sink, ctx);
		break;
	case MIME_CTE_QP:
		for (size_t i = 0; i < len && rc == 0; i++)
			rc = qp_char(d, u[i], sink, ctx);
		break;
	}
	return rc != 0 ? rc : flush(d, sink, ctx);
}

int mime_decoder_finish(struct mime_decoder *d, mime_sink_fn *sink,
    void *ctx)
{
	int rc = 0;

	if (d->cte == MIME_CTE_BASE64 && !d->ended && d->nquad >= 2)
		rc = b64_quantum(d, d->nquad, sink, ctx);
	if (d->cte == MIME_CTE_QP) {
		switch (d->qstate) {
		case QP_EQ:
		case QP_EQ_BLANK:
			rc = blanks_out(d, sink, ctx);
			break;
		case QP_EQ_HEX: {
			char b[2] = { '=', d->hex1 };

			rc = put(d, b, 2, sink, ctx);
			break;
		}
		case QP_EQ_CR:
			rc = put(d, "=\r", 2, sink, ctx);
			break;
		case QP_CR:
			if ((rc = blanks_out(d, sink, ctx)) == 0)
				rc = put(d, "\r", 1, sink, ctx);
			break;
		default:
			rc = blanks_out(d, sink, ctx);
		}
		d->qstate = QP_TEXT;
	}
	return rc != 0 ? rc : flush(d, sink, ctx);
}
