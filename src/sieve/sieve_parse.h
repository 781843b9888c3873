/* sieve_parse.h: recursive-descent parser for Sieve (RFC 5228 section 8.2).
 *
 *   start       = commands
 *   commands    = *command
 *   command     = identifier arguments (";" / block)
 *   block       = "{" commands "}"
 *   arguments   = *argument [ test / test-list ]
 *   argument    = string-list / number / tag
 *   test        = identifier arguments
 *   test-list   = "(" test *("," test) ")"
 *   string-list = "[" string *("," string) "]" / string
 *
 * The result is the syntax tree of sieve_ast.h; whether a command exists
 * or has the right arguments is sieve_check.h's business.  An error
 * does not end the parse: the parser recovers at the end of the construct
 * that failed, as Pigeonhole does, and reports the next one too, up to
 * SIEVE_PARSE_DIAGS_MAX.  Recursion is bounded by SIEVE_BLOCK_DEPTH_MAX
 * nested blocks and SIEVE_TEST_DEPTH_MAX nested tests (Pigeonhole's
 * limits), the tree by SIEVE_NODES_MAX nodes, a command's arguments by
 * SIEVE_ARGS_MAX, the input by the lexer's limits. */
#ifndef DELIVER_SIEVE_PARSE_H
#define DELIVER_SIEVE_PARSE_H

#include <stddef.h>

#include "sieve_ast.h"

#define SIEVE_BLOCK_DEPTH_MAX 32  /* nested blocks, the script's top
                                    * level counting as the first */
#define SIEVE_TEST_DEPTH_MAX  32  /* nested tests, a command counting as
                                    * the first level */
#define SIEVE_DEPTH_MAX  (SIEVE_BLOCK_DEPTH_MAX + SIEVE_TEST_DEPTH_MAX)
                                  /* the deepest walk of a tree */
#define SIEVE_ARGS_MAX   32       /* arguments of one command or test */
#define SIEVE_PARSE_DIAGS_MAX 20  /* errors before the parse gives up */
#define SIEVE_NODES_MAX  100000   /* commands, tests, arguments, strings */

/* Errors of one parse, in the order found. */
struct sieve_parse_diags {
	struct sieve_diag diags[SIEVE_PARSE_DIAGS_MAX];
	size_t ndiags;
	size_t nerrors;
};

/* Parse src[0..len) into *out (free with sieve_script_free).  Returns 0,
 * or -1 with every error in diags (and *out NULL). */
int sieve_parse_all(const char *src, size_t len, struct sieve_script **out,
    struct sieve_parse_diags *diags);

/* The same, keeping the first error only. */
int sieve_parse(const char *src, size_t len, struct sieve_script **out,
    struct sieve_diag *err);

void sieve_script_free(struct sieve_script *script);

/* "line L, column C: message" into buf; returns snprintf's result. */
int sieve_diag_format(const struct sieve_diag *d, char *buf, size_t len);

#endif
