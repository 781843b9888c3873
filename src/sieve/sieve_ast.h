/* sieve_ast.h: the syntax tree of a Sieve script (RFC 5228 section 8).
 *
 * The parser (sieve_parse.h) builds it; the checker (sieve_check.h), the
 * emitter (sieve_emit.h) and, later, an evaluator walk it.  The tree is
 * purely syntactic: names are lower-cased but not interpreted, so an
 * unknown command is still a well-formed node.
 *
 *   script    = list of commands
 *   command   = name, arguments, optional tests, optional block
 *               ("if" carries one test and a block; "else" only a block;
 *               "keep" only arguments)
 *   test      = name, arguments, optional tests
 *               ("not" carries one test; "anyof"/"allof" a test list)
 *   argument  = :tag | number | string | string list
 *   string    = value after unescaping, with the position of its first
 *               character (the opening quote or the "t" of text:)
 *
 * Siblings are linked through `next`, in script order.  Every node has the
 * 1-based line and column where it starts.  All nodes live in one arena
 * owned by struct sieve_script: free the script and the whole tree goes,
 * without walking it. */
#ifndef DELIVER_SIEVE_AST_H
#define DELIVER_SIEVE_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sieve_pos {
	unsigned line;  /* 1-based */
	unsigned col;   /* 1-based, counted in bytes */
};

/* One string.  value is NUL-terminated (a script holding a NUL byte is
 * refused) and len is its length.  Quoted strings are unescaped (RFC 5228
 * section 2.4.2: "\\" -> "\", "\"" -> """, any other "\x" -> "x").
 * text: strings are dot-unstuffed and end with the line end of their last
 * line.  Line ends inside strings are kept as written (LF or CRLF). */
struct sieve_string {
	struct sieve_pos pos;
	char *value;
	size_t len;
	bool multiline;              /* written as text: */
	bool decoded;                /* encoded-character applied (once,
	                              * however often the tree is checked) */
	struct sieve_string *next;
};

enum sieve_arg_kind {
	SIEVE_ARG_TAG,      /* :name  -> tag (lower-case, without ':') */
	SIEVE_ARG_NUMBER,   /* 1K     -> number (quantifier applied) */
	SIEVE_ARG_STRING,   /* "x"    -> strings (exactly one) */
	SIEVE_ARG_LIST      /* ["x"]  -> strings (one or more) */
};

struct sieve_arg {
	struct sieve_pos pos;
	enum sieve_arg_kind kind;
	char *tag;
	uint64_t number;
	struct sieve_string *strings;
	size_t nstrings;
	struct sieve_arg *next;
};

struct sieve_test {
	struct sieve_pos pos;
	char *name;                  /* lower-case */
	struct sieve_arg *args;
	size_t nargs;
	struct sieve_test *tests;    /* nested test(s) */
	size_t ntests;
	bool test_list;              /* tests were written as ( ... ) */
	struct sieve_test *next;
};

struct sieve_command {
	struct sieve_pos pos;
	char *name;                  /* lower-case */
	struct sieve_arg *args;
	size_t nargs;
	struct sieve_test *tests;
	size_t ntests;
	bool test_list;
	bool has_block;              /* ended by { ... } rather than ';' */
	struct sieve_command *block; /* commands inside the block */
	size_t nblock;
	struct sieve_command *next;
};

struct sieve_arena;

/* A diagnostic: where, and what (one line, without the position). */
struct sieve_diag {
	struct sieve_pos pos;
	char msg[512];
};


struct sieve_script {
	struct sieve_command *commands;
	size_t ncommands;
	size_t nodes;                /* nodes allocated (limit SIEVE_NODES_MAX) */
	bool mixed_case;             /* some name, tag or quantifier was not
	                              * written the way libsieve reads it */
	struct sieve_arena *arena;
	/* what the include extension attached when it checked the script
	 * (the scripts it includes, parsed and checked), freed with it */
	struct sieve_included *included;
	void (*included_free)(struct sieve_included *);
};

#endif
