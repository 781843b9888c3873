/* sieve_lex.h: the lexer of Sieve (RFC 5228 section 8.1).
 *
 * Tokens come one at a time from a script held in memory.  Comments and
 * white space are skipped.  String values are unescaped into a scratch
 * buffer owned by the lexer, valid until the next call; line ends in
 * strings are CRLF, however the script ends its lines.  Limits keep a
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
#define SIEVE_IDENT_MAX   32            /* bytes of an identifier or tag
                                         * (Pigeonhole's limit) */

enum sieve_tok {
	SIEVE_TOK_EOF,
	SIEVE_TOK_ERROR,     /* a lexical error, already reported */
	SIEVE_TOK_GARBAGE,   /* bytes that start no token (reported too,
	                      * but the parser says what it expected) */
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
	unsigned line;       /* of off */
	size_t line_start;   /* offset where that line starts */
	char *buf;           /* scratch for token values */
	size_t buflen, bufcap;
	struct sieve_pos prev_end;   /* just after the previous token */
	bool saw_upper;      /* an identifier, tag, text: or K/M/G was not
	                      * lower-case (libsieve cannot read that) */
	bool started;        /* the script was checked for NUL bytes */
	bool fatal;          /* cannot go on (NUL byte, size, memory):
	                      * only EOF follows */
};

/* Start lexing src[0..len).  Returns -1 (with err filled) when the script
 * is larger than SIEVE_SOURCE_MAX. */
int sieve_lex_init(struct sieve_lexer *lx, const char *src, size_t len,
    struct sieve_diag *err);

/* The next token.  Returns -1 with err filled on a lexical error, the
 * token then being SIEVE_TOK_ERROR: the lexer stands after the offending
 * text and the next call goes on from there, unless lx->fatal is set
 * (a NUL byte, memory exhausted), after which only EOF comes. */
int sieve_lex_next(struct sieve_lexer *lx, struct sieve_token *tok,
    struct sieve_diag *err);

void sieve_lex_free(struct sieve_lexer *lx);

/* A short description of a token kind for error messages ("';'"). */
const char *sieve_tok_name(enum sieve_tok kind);

/* Fill d with a printf-style message at pos; always returns -1. */
int sieve_diag_set(struct sieve_diag *d, struct sieve_pos pos,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
