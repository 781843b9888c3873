/* sieve_lex.c: the Sieve lexer (RFC 5228 section 8.1). */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sieve_lex.h"

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
	memset(lx, 0, sizeof *lx);
	lx->src = src;
	lx->len = len;
	lx->line = 1;
	lx->col = 1;
	if (len > SIEVE_SOURCE_MAX)
		return sieve_diag_set(err, (struct sieve_pos){ 1, 1 },
		    "script too large (%zu bytes, limit %d)", len,
		    SIEVE_SOURCE_MAX);
	return 0;
}

void sieve_lex_free(struct sieve_lexer *lx)
{
	free(lx->buf);
	lx->buf = NULL;
	lx->bufcap = lx->buflen = 0;
}

static struct sieve_pos here(const struct sieve_lexer *lx)
{
	return (struct sieve_pos){ lx->line, lx->col };
}

static int peek(const struct sieve_lexer *lx, size_t ahead)
{
	return lx->off + ahead < lx->len ?
	    (unsigned char)lx->src[lx->off + ahead] : -1;
}

/* Consume one byte, keeping line and column right. */
static void advance(struct sieve_lexer *lx)
{
	if (lx->src[lx->off] == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->off++;
}

/* Length of the line end at the current position: 2 for CRLF, 1 for LF,
 * 0 for none. */
static size_t line_end(const struct sieve_lexer *lx)
{
	if (peek(lx, 0) == '\n')
		return 1;
	if (peek(lx, 0) == '\r' && peek(lx, 1) == '\n')
		return 2;
	return 0;
}

static int buf_put(struct sieve_lexer *lx, char c, struct sieve_pos start,
    struct sieve_diag *err)
{
	if (lx->buflen >= SIEVE_STRING_MAX)
		return sieve_diag_set(err, start,
		    "string too long (limit %d bytes)", SIEVE_STRING_MAX);
	if (lx->buflen + 1 >= lx->bufcap) {
		size_t cap = lx->bufcap ? lx->bufcap * 2 : 256;
		char *nb = realloc(lx->buf, cap);

		if (nb == NULL)
			return sieve_diag_set(err, start, "out of memory");
		lx->buf = nb;
		lx->bufcap = cap;
	}
	lx->buf[lx->buflen++] = c;
	lx->buf[lx->buflen] = '\0';
	return 0;
}

static void buf_reset(struct sieve_lexer *lx)
{
	lx->buflen = 0;
}

/* Skip white space, hash comments and bracket comments. */
static int skip_space(struct sieve_lexer *lx, struct sieve_diag *err)
{
	for (;;) {
		int c = peek(lx, 0);

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			advance(lx);
		} else if (c == '#') {
			while (peek(lx, 0) != -1 && peek(lx, 0) != '\n')
				advance(lx);
		} else if (c == '/' && peek(lx, 1) == '*') {
			struct sieve_pos start = here(lx);

			advance(lx);
			advance(lx);
			while (!(peek(lx, 0) == '*' && peek(lx, 1) == '/')) {
				if (peek(lx, 0) == -1)
					return sieve_diag_set(err, start,
					    "unterminated comment "
					    "(missing '*/')");
				advance(lx);
			}
			advance(lx);
			advance(lx);
		} else {
			return 0;
		}
	}
}

static bool is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(int c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* An identifier into the buffer, lower-cased. */
static int lex_ident(struct sieve_lexer *lx, struct sieve_pos start,
    struct sieve_diag *err)
{
	buf_reset(lx);
	while (is_ident_char(peek(lx, 0))) {
		if (lx->buflen >= SIEVE_IDENT_MAX)
			return sieve_diag_set(err, start,
			    "identifier too long (limit %d)", SIEVE_IDENT_MAX);
		if (peek(lx, 0) >= 'A' && peek(lx, 0) <= 'Z')
			lx->saw_upper = true;
		if (buf_put(lx, (char)tolower(peek(lx, 0)), start, err) == -1)
			return -1;
		advance(lx);
	}
	return 0;
}

static int lex_number(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err)
{
	uint64_t n = 0, mult = 1;

	while (peek(lx, 0) >= '0' && peek(lx, 0) <= '9') {
		unsigned d = (unsigned)(peek(lx, 0) - '0');

		if (n > (UINT64_MAX - d) / 10)
			return sieve_diag_set(err, tok->pos,
			    "number too large");
		n = n * 10 + d;
		advance(lx);
	}
	switch (peek(lx, 0)) {
	case 'k': case 'K': mult = UINT64_C(1) << 10; break;
	case 'm': case 'M': mult = UINT64_C(1) << 20; break;
	case 'g': case 'G': mult = UINT64_C(1) << 30; break;
	}
	/* libsieve reads only upper-case quantifiers */
	if (mult != 1 && peek(lx, 0) >= 'a')
		lx->saw_upper = true;
	if (mult != 1) {
		advance(lx);
		if (n > UINT64_MAX / mult)
			return sieve_diag_set(err, tok->pos,
			    "number too large");
		n *= mult;
	}
	tok->kind = SIEVE_TOK_NUMBER;
	tok->number = n;
	return 0;
}

static int lex_quoted(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err)
{
	buf_reset(lx);
	advance(lx);                        /* the opening quote */
	for (;;) {
		int c = peek(lx, 0);

		if (c == -1)
			return sieve_diag_set(err, tok->pos,
			    "unterminated string (missing '\"')");
		if (c == '"')
			break;
		if (c == '\\') {
			/* RFC 5228 2.4.2: \\ and \" are the escapes; any
			 * other \x stands for x. */
			advance(lx);
			c = peek(lx, 0);
			if (c == -1)
				continue;
		}
		if (buf_put(lx, (char)c, tok->pos, err) == -1)
			return -1;
		advance(lx);
	}
	advance(lx);                        /* the closing quote */
	tok->kind = SIEVE_TOK_STRING;
	return 0;
}

/* After "text:": blanks, then a hash comment or a line end. */
static int lex_text_header(struct sieve_lexer *lx, struct sieve_diag *err)
{
	size_t n;

	while (peek(lx, 0) == ' ' || peek(lx, 0) == '\t')
		advance(lx);
	if (peek(lx, 0) == '#')
		while (peek(lx, 0) != -1 && peek(lx, 0) != '\n')
			advance(lx);
	n = line_end(lx);
	if (n == 0)
		return sieve_diag_set(err, here(lx),
		    "expected the end of the line after 'text:'");
	while (n--)
		advance(lx);
	return 0;
}

/* One line of a text: string; sets *done at the terminating ".". */
static int lex_text_line(struct sieve_lexer *lx, struct sieve_token *tok,
    bool *done, struct sieve_diag *err)
{
	size_t n;

	if (peek(lx, 0) == '.') {
		advance(lx);
		n = line_end(lx);
		if (n > 0 || peek(lx, 0) == -1) {
			while (n--)
				advance(lx);
			*done = true;
			return 0;
		}
		if (peek(lx, 0) != '.' &&
		    buf_put(lx, '.', tok->pos, err) == -1)
			return -1;  /* a lone leading dot is kept */
	}
	for (;;) {
		int c = peek(lx, 0);

		if (c == -1)
			return sieve_diag_set(err, tok->pos,
			    "unterminated text: string "
			    "(missing a line holding only '.')");
		if (buf_put(lx, (char)c, tok->pos, err) == -1)
			return -1;
		advance(lx);
		if (c == '\n')
			return 0;
	}
}

static int lex_text(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err)
{
	bool done = false;

	advance(lx);                        /* the ':' of text: */
	if (lex_text_header(lx, err) == -1)
		return -1;
	buf_reset(lx);
	while (!done)
		if (lex_text_line(lx, tok, &done, err) == -1)
			return -1;
	tok->kind = SIEVE_TOK_TEXT;
	return 0;
}

static int lex_word(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err)
{
	if (lex_ident(lx, tok->pos, err) == -1)
		return -1;
	if (strcmp(lx->buf, "text") == 0 && peek(lx, 0) == ':')
		return lex_text(lx, tok, err);
	tok->kind = SIEVE_TOK_IDENT;
	return 0;
}

static int lex_tag(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err)
{
	advance(lx);                        /* the ':' */
	if (!is_ident_start(peek(lx, 0)))
		return sieve_diag_set(err, tok->pos,
		    "expected a tag name after ':'");
	if (lex_ident(lx, tok->pos, err) == -1)
		return -1;
	tok->kind = SIEVE_TOK_TAG;
	return 0;
}

static int lex_punct(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err)
{
	static const struct { char c; enum sieve_tok kind; } map[] = {
		{ '[', SIEVE_TOK_LBRACKET }, { ']', SIEVE_TOK_RBRACKET },
		{ '(', SIEVE_TOK_LPAREN },   { ')', SIEVE_TOK_RPAREN },
		{ '{', SIEVE_TOK_LBRACE },   { '}', SIEVE_TOK_RBRACE },
		{ ',', SIEVE_TOK_COMMA },    { ';', SIEVE_TOK_SEMICOLON },
	};
	int c = peek(lx, 0);

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (c == map[i].c) {
			advance(lx);
			tok->kind = map[i].kind;
			return 0;
		}
	if (c == 0)
		return sieve_diag_set(err, tok->pos, "NUL byte in script");
	if (c >= 0x21 && c < 0x7f)
		return sieve_diag_set(err, tok->pos,
		    "unexpected character '%c'", c);
	return sieve_diag_set(err, tok->pos,
	    "unexpected byte 0x%02x", (unsigned)c);
}

/* A script with a NUL byte is refused outright: later stages treat
 * values as C strings. */
static int check_nul(const struct sieve_lexer *lx, struct sieve_diag *err)
{
	const char *nul = memchr(lx->src + lx->off, '\0', lx->len - lx->off);
	struct sieve_pos pos = here(lx);

	if (nul == NULL)
		return 0;
	for (const char *p = lx->src + lx->off; p < nul; p++) {
		if (*p == '\n') {
			pos.line++;
			pos.col = 1;
		} else {
			pos.col++;
		}
	}
	return sieve_diag_set(err, pos, "NUL byte in script");
}

int sieve_lex_next(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err)
{
	int c;

	if (lx->off == 0 && check_nul(lx, err) == -1)
		return -1;
	lx->prev_end = here(lx);
	if (skip_space(lx, err) == -1)
		return -1;
	memset(tok, 0, sizeof *tok);
	tok->pos = here(lx);
	c = peek(lx, 0);
	if (c == -1) {
		tok->kind = SIEVE_TOK_EOF;
		return 0;
	}
	if (is_ident_start(c)) {
		if (lex_word(lx, tok, err) == -1)
			return -1;
	} else if (c == ':') {
		if (lex_tag(lx, tok, err) == -1)
			return -1;
	} else if (c >= '0' && c <= '9') {
		return lex_number(lx, tok, err);
	} else if (c == '"') {
		if (lex_quoted(lx, tok, err) == -1)
			return -1;
	} else {
		return lex_punct(lx, tok, err);
	}
	tok->value = lx->buf ? lx->buf : "";
	tok->len = lx->buflen;
	return 0;
}
