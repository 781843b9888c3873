/* sieve_lex.c: the Sieve lexer (RFC 5228 section 8.1).
 *
 * Every script is lexed on every delivery, so the lexer works on spans:
 * a table classifies bytes, runs of white space, identifiers and string
 * bodies are found with one loop or memchr and copied with memcpy, and
 * the column is computed from the offset of the line's start rather than
 * counted byte by byte.
 *
 * After a lexical error the lexer stands after the offending text (the
 * whole number, identifier, string or run of stray bytes), so that the
 * parser can report it and carry on, as Pigeonhole does: one mistake, one
 * error.  Only a NUL byte and a failed allocation stop it for good.
 *
 * Line ends inside strings become CRLF whatever the script's own line
 * ends are (LF, CRLF), as in Pigeonhole: a text: line or a quoted string
 * spanning lines holds "\r\n", so sizes and comparisons of such strings
 * agree with it.  A CR not followed by LF inside a string is an error. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sieve_lex.h"

/* Byte classes. */
enum {
	C_SPACE = 1,       /* SP HTAB CR LF */
	C_ISTART = 2,      /* A-Z a-z _ */
	C_DIGIT = 4,       /* 0-9 */
	C_TOKEN = 8,       /* what can start a token or white space */
	C_UPPER = 16,      /* A-Z */
	C_QSTOP = 32       /* ends a run of plain bytes in a quoted string */
};

static unsigned char cls[256];

static void classes_init(void)
{
	if (cls['a'] != 0)
		return;
	cls[' '] = cls['\t'] = cls['\r'] = cls['\n'] = C_SPACE | C_TOKEN;
	for (int c = 'a'; c <= 'z'; c++)
		cls[c] = C_ISTART | C_TOKEN;
	for (int c = 'A'; c <= 'Z'; c++)
		cls[c] = C_ISTART | C_TOKEN | C_UPPER;
	cls['_'] = C_ISTART | C_TOKEN;
	for (int c = '0'; c <= '9'; c++)
		cls[c] = C_DIGIT | C_TOKEN;
	for (const char *p = "[](){},;:\"#"; *p; p++)
		cls[(unsigned char)*p] = C_TOKEN;
	for (const char *p = "\"\\\r\n"; *p; p++)
		cls[(unsigned char)*p] |= C_QSTOP;
}

int sieve_diag_set(struct sieve_diag *d, struct sieve_pos pos,
    const char *fmt, ...)
{
	va_list ap;

	d->pos = pos;
	va_start(ap, fmt);
	(void)vsnprintf(d->msg, sizeof d->msg, fmt, ap);
	va_end(ap);
	return -1;
}

const char *sieve_tok_name(enum sieve_tok kind)
{
	switch (kind) {
	case SIEVE_TOK_EOF:       return "end of script";
	case SIEVE_TOK_ERROR:     return "invalid input";
	case SIEVE_TOK_GARBAGE:   return "stray characters";
	case SIEVE_TOK_IDENT:     return "identifier";
	case SIEVE_TOK_TAG:       return "tag";
	case SIEVE_TOK_NUMBER:    return "number";
	case SIEVE_TOK_STRING:    return "string";
	case SIEVE_TOK_TEXT:      return "text: string";
	case SIEVE_TOK_LBRACKET:  return "'['";
	case SIEVE_TOK_RBRACKET:  return "']'";
	case SIEVE_TOK_LPAREN:    return "'('";
	case SIEVE_TOK_RPAREN:    return "')'";
	case SIEVE_TOK_LBRACE:    return "'{'";
	case SIEVE_TOK_RBRACE:    return "'}'";
	case SIEVE_TOK_COMMA:     return "','";
	case SIEVE_TOK_SEMICOLON: return "';'";
	}
	return "token";
}

int sieve_lex_init(struct sieve_lexer *lx, const char *src, size_t len,
    struct sieve_diag *err)
{
	classes_init();
	memset(lx, 0, sizeof *lx);
	lx->src = src;
	lx->len = len;
	lx->line = 1;
	if (len > SIEVE_SOURCE_MAX) {
		lx->fatal = true;
		return sieve_diag_set(err, (struct sieve_pos){ 1, 1 },
		    "script too large (%zu bytes, limit %d)", len,
		    SIEVE_SOURCE_MAX);
	}
	return 0;
}

void sieve_lex_free(struct sieve_lexer *lx)
{
	free(lx->buf);
	lx->buf = NULL;
	lx->bufcap = lx->buflen = 0;
}

static struct sieve_pos pos_at(const struct sieve_lexer *lx, size_t off)
{
	return (struct sieve_pos){ lx->line,
	    (unsigned)(off - lx->line_start + 1) };
}

static struct sieve_pos here(const struct sieve_lexer *lx)
{
	return pos_at(lx, lx->off);
}

/* A line end at offset off (just after its LF). */
static void newline_at(struct sieve_lexer *lx, size_t off)
{
	lx->line++;
	lx->line_start = off + 1;
}

/* Room for n more bytes and a NUL in the value buffer. */
static int buf_reserve(struct sieve_lexer *lx, size_t n,
    struct sieve_diag *err)
{
	size_t need = lx->buflen + n + 1, cap = lx->bufcap ? lx->bufcap : 256;
	char *nb;

	if (need <= lx->bufcap)
		return 0;
	while (cap < need)
		cap *= 2;
	if ((nb = realloc(lx->buf, cap)) == NULL) {
		lx->fatal = true;
		return sieve_diag_set(err, here(lx), "out of memory");
	}
	lx->buf = nb;
	lx->bufcap = cap;
	return 0;
}

/* Append src[0..n) to the value unless it is already over the string
 * limit (the rest of the string is still read, to resynchronise). */
static int buf_add(struct sieve_lexer *lx, const char *s, size_t n,
    struct sieve_diag *err)
{
	if (lx->buflen > SIEVE_STRING_MAX)
		return 0;
	if (n > SIEVE_STRING_MAX + 1 - lx->buflen)
		n = SIEVE_STRING_MAX + 1 - lx->buflen;
	if (buf_reserve(lx, n, err) == -1)
		return -1;
	memcpy(lx->buf + lx->buflen, s, n);
	lx->buflen += n;
	lx->buf[lx->buflen] = '\0';
	return 0;
}

/* A bracket comment from lx->off (at the '/'); -1 when it never ends. */
static int skip_bracket_comment(struct sieve_lexer *lx,
    struct sieve_diag *err)
{
	const char *s = lx->src;
	struct sieve_pos start = here(lx);
	size_t i = lx->off + 2;

	for (; i < lx->len; i++) {
		if (s[i] == '\n')
			newline_at(lx, i);
		else if (s[i] == '*' && i + 1 < lx->len && s[i + 1] == '/') {
			lx->off = i + 2;
			return 0;
		}
	}
	lx->off = lx->len;
	return sieve_diag_set(err, start,
	    "unterminated comment (missing '*/')");
}

/* Skip white space, hash comments and bracket comments. */
static int skip_space(struct sieve_lexer *lx, struct sieve_diag *err)
{
	const char *s = lx->src;
	size_t n = lx->len, i = lx->off;

	for (;;) {
		while (i < n && (cls[(unsigned char)s[i]] & C_SPACE)) {
			if (s[i] == '\n')
				newline_at(lx, i);
			i++;
		}
		if (i < n && s[i] == '#') {
			const char *nl = memchr(s + i, '\n', n - i);

			i = nl ? (size_t)(nl - s) : n;
			continue;
		}
		if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') {
			lx->off = i;
			if (skip_bracket_comment(lx, err) == -1)
				return -1;
			i = lx->off;
			continue;
		}
		lx->off = i;
		return 0;
	}
}

/* The identifier at lx->off, lower-cased into the buffer; tok->pos is
 * where the token (with a tag's ':') starts. */
static int lex_ident(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err)
{
	const unsigned char *s = (const unsigned char *)lx->src;
	size_t start = lx->off, i = start, n;

	while (i < lx->len && (cls[s[i]] & (C_ISTART | C_DIGIT)))
		i++;
	n = i - start;
	lx->off = i;
	if (n > SIEVE_IDENT_MAX)
		return sieve_diag_set(err, tok->pos,
		    "identifier too long (limit %d)", SIEVE_IDENT_MAX);
	lx->buflen = 0;
	if (buf_reserve(lx, n, err) == -1)
		return -1;
	for (size_t k = 0; k < n; k++) {
		unsigned char c = s[start + k];

		if (cls[c] & C_UPPER) {
			lx->saw_upper = true;
			c = (unsigned char)(c + ('a' - 'A'));
		}
		lx->buf[k] = (char)c;
	}
	lx->buf[n] = '\0';
	lx->buflen = n;
	return 0;
}

static int lex_number(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err)
{
	const char *s = lx->src;
	uint64_t n = 0, mult = 1;
	bool overflow = false;
	size_t i = lx->off;

	for (; i < lx->len && s[i] >= '0' && s[i] <= '9'; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (n > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			n = n * 10 + d;
	}
	if (i < lx->len) {
		switch (s[i]) {
		case 'k': case 'K': mult = UINT64_C(1) << 10; break;
		case 'm': case 'M': mult = UINT64_C(1) << 20; break;
		case 'g': case 'G': mult = UINT64_C(1) << 30; break;
		}
	}
	if (mult != 1) {
		/* libsieve reads only upper-case quantifiers */
		if (s[i] >= 'a')
			lx->saw_upper = true;
		i++;
		if (n > UINT64_MAX / mult)
			overflow = true;
		n *= mult;
	}
	lx->off = i;
	if (overflow)
		return sieve_diag_set(err, tok->pos, "number too large");
	tok->kind = SIEVE_TOK_NUMBER;
	tok->number = n;
	return 0;
}

/* A line end in a string at s[i] (CR or LF): appended as CRLF.  Returns
 * the bytes it took (1 or 2), 0 for a CR without LF. */
static size_t string_newline(struct sieve_lexer *lx, size_t i, int *rc,
    struct sieve_diag *err)
{
	size_t took = 1;

	if (lx->src[i] == '\r') {
		if (i + 1 >= lx->len || lx->src[i + 1] != '\n')
			return 0;
		took = 2;
	}
	newline_at(lx, i + took - 1);
	*rc = buf_add(lx, "\r\n", 2, err);
	return took;
}

static int lex_quoted(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err)
{
	const char *s = lx->src;
	size_t i = lx->off + 1, n = lx->len;
	bool stray_cr = false, escaped;
	int rc = 0;

	lx->buflen = 0;
	for (;;) {
		size_t span = i;

		while (span < n && !(cls[(unsigned char)s[span]] & C_QSTOP))
			span++;
		if (rc == 0 && span > i)
			rc = buf_add(lx, s + i, span - i, err);
		i = span;
		/* RFC 5228 2.4.2: "\x" stands for "x" */
		escaped = i < n && s[i] == '\\';
		if (escaped)
			i++;
		if (i >= n) {
			lx->off = n;
			return rc ? rc : sieve_diag_set(err, tok->pos,
			    "unterminated string (missing '\"')");
		}
		if (s[i] == '\r' || s[i] == '\n') {
			size_t took = string_newline(lx, i, &rc, err);

			if (took == 0) {
				stray_cr = true;
				took = 1;
			}
			i += took;
		} else if (s[i] == '"' && !escaped) {
			break;
		} else {
			if (rc == 0)
				rc = buf_add(lx, s + i, 1, err);
			i++;
		}
		if (lx->fatal)
			return -1;
	}
	lx->off = i + 1;
	if (rc != 0)
		return rc;
	if (stray_cr)
		return sieve_diag_set(err, tok->pos,
		    "stray CR (not followed by LF) in a string");
	if (lx->buflen > SIEVE_STRING_MAX)
		return sieve_diag_set(err, tok->pos,
		    "string too long (limit %d bytes)", SIEVE_STRING_MAX);
	tok->kind = SIEVE_TOK_STRING;
	return 0;
}

/* After "text:": blanks, then a hash comment or a line end. */
static int lex_text_header(struct sieve_lexer *lx, struct sieve_diag *err)
{
	const char *s = lx->src;
	size_t i = lx->off, n = lx->len;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && s[i] == '#') {
		const char *nl = memchr(s + i, '\n', n - i);

		i = nl ? (size_t)(nl - s) : n;
	} else if (i + 1 < n && s[i] == '\r' && s[i + 1] == '\n') {
		i++;
	}
	if (i >= n || s[i] != '\n') {
		lx->off = i;
		return sieve_diag_set(err, here(lx),
		    "expected the end of the line after 'text:'");
	}
	newline_at(lx, i);
	lx->off = i + 1;
	return 0;
}

/* The lines of a text: string up to the one holding only "."; dots
 * unstuffed, each line ended by CRLF. */
static int lex_text_body(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err)
{
	const char *s = lx->src;
	size_t i = lx->off, n = lx->len;
	bool stray_cr = false;
	int rc = 0;

	lx->buflen = 0;
	for (;;) {
		const char *nl;
		size_t end;

		if (i < n && s[i] == '.') {
			/* "." alone (or at the end of the script) ends it */
			if (i + 1 >= n || s[i + 1] == '\n' ||
			    (s[i + 1] == '\r' && i + 2 < n && s[i + 2] == '\n')) {
				i += i + 1 >= n ? 1 : s[i + 1] == '\n' ? 2 : 3;
				if (i <= n && s[i - 1] == '\n')
					newline_at(lx, i - 1);
				break;
			}
			if (s[i + 1] == '.')
				i++;            /* dot-stuffing */
		}
		if ((nl = memchr(s + i, '\n', n - i)) == NULL) {
			lx->off = n;
			return rc ? rc : sieve_diag_set(err, tok->pos,
			    "unterminated text: string "
			    "(missing a line holding only '.')");
		}
		end = (size_t)(nl - s);
		newline_at(lx, end);
		if (end > i && s[end - 1] == '\r')
			end--;
		if (memchr(s + i, '\r', end - i) != NULL)
			stray_cr = true;
		if (rc == 0)
			rc = buf_add(lx, s + i, end - i, err);
		if (rc == 0)
			rc = buf_add(lx, "\r\n", 2, err);
		if (lx->fatal)
			return -1;
		i = (size_t)(nl - s) + 1;
	}
	lx->off = i;
	if (rc != 0)
		return rc;
	if (stray_cr)
		return sieve_diag_set(err, tok->pos,
		    "stray CR (not followed by LF) in a text: string");
	if (lx->buflen > SIEVE_STRING_MAX)
		return sieve_diag_set(err, tok->pos,
		    "string too long (limit %d bytes)", SIEVE_STRING_MAX);
	tok->kind = SIEVE_TOK_TEXT;
	return 0;
}

static int lex_word(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err)
{
	if (lex_ident(lx, tok, err) == -1)
		return -1;
	if (lx->buflen == 4 && memcmp(lx->buf, "text", 4) == 0 &&
	    lx->off < lx->len && lx->src[lx->off] == ':') {
		lx->off++;
		if (lex_text_header(lx, err) == -1)
			return -1;
		return lex_text_body(lx, tok, err);
	}
	tok->kind = SIEVE_TOK_IDENT;
	return 0;
}

static int lex_tag(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err)
{
	lx->off++;                          /* the ':' */
	if (lx->off >= lx->len ||
	    !(cls[(unsigned char)lx->src[lx->off]] & C_ISTART))
		return sieve_diag_set(err, tok->pos,
		    "expected a tag name after ':'");
	if (lex_ident(lx, tok, err) == -1)
		return -1;
	tok->kind = SIEVE_TOK_TAG;
	return 0;
}

/* Bytes that start no token: one error for the whole run of them. */
static int lex_garbage(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err)
{
	unsigned char c = (unsigned char)lx->src[lx->off];
	size_t i = lx->off + 1;

	while (i < lx->len && !(cls[(unsigned char)lx->src[i]] & C_TOKEN) &&
	    !(lx->src[i] == '/' && i + 1 < lx->len && lx->src[i + 1] == '*'))
		i++;
	lx->off = i;
	tok->kind = SIEVE_TOK_GARBAGE;
	if (c >= 0x21 && c < 0x7f)
		return sieve_diag_set(err, tok->pos,
		    "unexpected character '%c'", c);
	return sieve_diag_set(err, tok->pos, "unexpected byte 0x%02x", c);
}

static int lex_punct(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err)
{
	switch (lx->src[lx->off]) {
	case '[': tok->kind = SIEVE_TOK_LBRACKET; break;
	case ']': tok->kind = SIEVE_TOK_RBRACKET; break;
	case '(': tok->kind = SIEVE_TOK_LPAREN; break;
	case ')': tok->kind = SIEVE_TOK_RPAREN; break;
	case '{': tok->kind = SIEVE_TOK_LBRACE; break;
	case '}': tok->kind = SIEVE_TOK_RBRACE; break;
	case ',': tok->kind = SIEVE_TOK_COMMA; break;
	case ';': tok->kind = SIEVE_TOK_SEMICOLON; break;
	default:
		return lex_garbage(lx, tok, err);
	}
	lx->off++;
	return 0;
}

/* A script with a NUL byte is refused outright: later stages treat
 * values as C strings. */
static int check_nul(struct sieve_lexer *lx, struct sieve_diag *err)
{
	const char *nul = memchr(lx->src, '\0', lx->len);
	struct sieve_pos pos = { 1, 1 };

	if (nul == NULL)
		return 0;
	for (const char *p = lx->src; p < nul; p++) {
		if (*p == '\n') {
			pos.line++;
			pos.col = 1;
		} else {
			pos.col++;
		}
	}
	lx->fatal = true;
	return sieve_diag_set(err, pos, "NUL byte in script");
}

static int lex_token(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err)
{
	unsigned char c = (unsigned char)lx->src[lx->off];

	if (cls[c] & C_ISTART)
		return lex_word(lx, tok, err);
	if (c == ':')
		return lex_tag(lx, tok, err);
	if (cls[c] & C_DIGIT)
		return lex_number(lx, tok, err);
	if (c == '"')
		return lex_quoted(lx, tok, err);
	return lex_punct(lx, tok, err);
}

int sieve_lex_next(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err)
{
	memset(tok, 0, sizeof *tok);
	if (!lx->started) {
		lx->started = true;
		if (!lx->fatal && check_nul(lx, err) == -1) {
			tok->kind = SIEVE_TOK_ERROR;
			return -1;
		}
	}
	if (lx->fatal) {
		tok->kind = SIEVE_TOK_EOF;
		tok->pos = here(lx);
		return 0;
	}
	lx->prev_end = here(lx);
	tok->pos = here(lx);
	if (skip_space(lx, err) == -1) {
		tok->kind = SIEVE_TOK_ERROR;
		return -1;
	}
	tok->pos = here(lx);
	if (lx->off >= lx->len) {
		tok->kind = SIEVE_TOK_EOF;
		return 0;
	}
	if (lex_token(lx, tok, err) == -1) {
		if (tok->kind != SIEVE_TOK_GARBAGE)
			tok->kind = SIEVE_TOK_ERROR;
		return -1;
	}
	if (tok->kind == SIEVE_TOK_IDENT || tok->kind == SIEVE_TOK_TAG ||
	    tok->kind == SIEVE_TOK_STRING || tok->kind == SIEVE_TOK_TEXT) {
		tok->value = lx->buf ? lx->buf : "";
		tok->len = lx->buflen;
	}
	return 0;
}
