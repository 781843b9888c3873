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
 * or has the right arguments is sieve_check.h's business.  The first
 * error stops the parse.  Recursion is bounded by SIEVE_DEPTH_MAX (blocks
 * and nested tests together), the tree by SIEVE_NODES_MAX nodes, the
 * input by the lexer's limits. */
#ifndef DELIVER_SIEVE_PARSE_H
#define DELIVER_SIEVE_PARSE_H

#include <stddef.h>

#include "sieve_ast.h"

#define SIEVE_DEPTH_MAX  32       /* nested blocks + nested tests */
#define SIEVE_NODES_MAX  100000   /* commands, tests, arguments, strings */

/* Parse src[0..len) into *out (free with sieve_script_free).  Returns 0,
 * or -1 with err filled (and *out NULL). */
int sieve_parse(const char *src, size_t len, struct sieve_script **out,
    struct sieve_diag *err);

void sieve_script_free(struct sieve_script *script);

/* "line L, column C: message" into buf; returns snprintf's result. */
int sieve_diag_format(const struct sieve_diag *d, char *buf, size_t len);

#endif
