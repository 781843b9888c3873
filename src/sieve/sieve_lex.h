/* sieve_lex.h: the lexer of Sieve (RFC 5228 section 8.1).
 *
 * Tokens come one at a time from a script held in memory.  Comments and
 * white space are skipped.  String values are unescaped into a scratch
 * buffer owned by the lexer, valid until the next call.  Limits keep a
 * hostile script cheap: the script size, the length of one string and of
 * one identifier are bounded, and a NUL byte is refused. */
#ifndef DELIVER_SIEVE_LEX_H
#define DELIVER_SIEVE_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sieve_ast.h"

#define SIEVE_SOURCE_MAX  (1024 * 1024) /* bytes of script */
#define SIEVE_STRING_MAX  (256 * 1024)  /* bytes of one string value */
#define SIEVE_IDENT_MAX   128           /* bytes of an identifier or tag */

enum sieve_tok {
	SIEVE_TOK_EOF,
	SIEVE_TOK_IDENT,     /* value: lower-cased name */
	SIEVE_TOK_TAG,       /* value: lower-cased name without ':' */
	SIEVE_TOK_NUMBER,    /* number */
	SIEVE_TOK_STRING,    /* value/len: unescaped quoted string */
	SIEVE_TOK_TEXT,      /* value/len: text: multi-line string */
	SIEVE_TOK_LBRACKET, SIEVE_TOK_RBRACKET,   /* [ ] */
	SIEVE_TOK_LPAREN, SIEVE_TOK_RPAREN,       /* ( ) */
	SIEVE_TOK_LBRACE, SIEVE_TOK_RBRACE,       /* { } */
	SIEVE_TOK_COMMA, SIEVE_TOK_SEMICOLON
};

struct sieve_token {
	enum sieve_tok kind;
	struct sieve_pos pos;
	const char *value;   /* the lexer's scratch buffer */
	size_t len;
	uint64_t number;
};

struct sieve_lexer {
	const char *src;
	size_t len, off;
	unsigned line, col;
	char *buf;           /* scratch for token values */
	size_t buflen, bufcap;
	struct sieve_pos prev_end;   /* just after the previous token */
	bool saw_upper;      /* an identifier, tag, text: or K/M/G was not
	                      * lower-case (libsieve cannot read that) */
};

/* Start lexing src[0..len).  Returns -1 (with err filled) when the script
 * is larger than SIEVE_SOURCE_MAX. */
int sieve_lex_init(struct sieve_lexer *lx, const char *src, size_t len,
    struct sieve_diag *err);

/* The next token.  Returns -1 with err filled on a lexical error or when
 * memory runs out. */
int sieve_lex_next(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err);

void sieve_lex_free(struct sieve_lexer *lx);

/* A short description of a token kind for error messages ("';'"). */
const char *sieve_tok_name(enum sieve_tok kind);

/* Fill d with a printf-style message at pos; always returns -1. */
int sieve_diag_set(struct sieve_diag *d, struct sieve_pos pos,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
