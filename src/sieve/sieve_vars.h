/* sieve_vars.h: the variables of one Sieve evaluation (RFC 5229) and the
 * encoded-character decoding of RFC 5228 section 2.4.2.4.
 *
 * A struct sieve_vars holds the named variables set by "set" (names are
 * case-insensitive) and the match variables ${0}..${32} that the last
 * successful :matches or :regex test filled.  Expansion replaces ${name},
 * ${N} and ${namespace.name} references in a string; "set"'s modifiers
 * (:lower, :length, ...) transform a value before it is stored.  Sizes are
 * capped as Pigeonhole caps them (scope size, variable size), so a hostile
 * script cannot grow the state without bound.  Everything here is pure
 * string work: the commands and tests that use it live in ext_variables.c
 * and ext_encoded_character.c. */
#ifndef DELIVER_SIEVE_VARS_H
#define DELIVER_SIEVE_VARS_H

#include <stdbool.h>
#include <stddef.h>

/* Pigeonhole's defaults (sieve_variables_max_scope_size and
 * sieve_variables_max_variable_size). */
#define SIEVE_VARS_SCOPE_DEFAULT     255
#define SIEVE_VARS_VALUE_DEFAULT     4096
/* Bytes all values together may hold, whatever the two limits above are
 * configured to (255 x 4096 bytes by default is far below it). */
#define SIEVE_VARS_TOTAL_MAX         (64u * 1024 * 1024)
/* Match variables: the RFC asks for ${0}..${9}; Pigeonhole keeps
 * ${0}..${32} and rejects a higher index when the script is checked. */
#define SIEVE_VARS_MATCH_INDEX_MAX   32
#define SIEVE_VARS_MATCH_MAX         (SIEVE_VARS_MATCH_INDEX_MAX + 1)

struct sieve_vars_limits {
	size_t max_scope_size;      /* named variables one evaluation may set */
	size_t max_variable_size;   /* bytes a value keeps; longer is cut */
};

/* struct sieve_match_values: what one :matches/:regex test captured. */
#include "sieve_match.h"

struct sieve_vars;

/* NULL lim means Pigeonhole's defaults.  NULL when memory runs out. */
struct sieve_vars *sieve_vars_new(const struct sieve_vars_limits *lim);
void sieve_vars_free(struct sieve_vars *v);

/* New limits for the values set from now on (a setting changed during
 * the evaluation, as the testsuite's test_config_reload does). */
void sieve_vars_set_limits(struct sieve_vars *v,
    const struct sieve_vars_limits *lim);

/* Set (or replace) a named variable.  A value longer than the limit is
 * cut to it, at a UTF-8 character boundary.  0; -1 when the scope is full
 * (a runtime error) or memory runs out; -2 when the values together would
 * pass SIEVE_VARS_TOTAL_MAX. */
int sieve_vars_set(struct sieve_vars *v, const char *name, const char *value,
    size_t len);

/* 1 and the value when set, 0 when not (value "" then). */
int sieve_vars_get(const struct sieve_vars *v, const char *name,
    const char **value, size_t *len);

/* Replace the match variables with mv's values, which are taken over
 * (mv is left empty).  mv->n == 0 clears them. */
void sieve_vars_set_match(struct sieve_vars *v, struct sieve_match_values *mv);

/* Expand ${name}, ${N} and ${namespace.name} in in[0..inlen) (RFC 5229
 * section 3) into a new NUL-terminated *out.  An unknown variable or a
 * match variable not set expands to ""; what is not a valid reference
 * stays as written.  0; -1 when memory runs out. */
int sieve_vars_expand(const struct sieve_vars *v, const char *in, size_t inlen,
    char **out, size_t *outlen);

/* Could expansion change s (does it hold a valid reference)? */
bool sieve_vars_has_refs(const char *s, size_t len);

/* Is name a valid variable name for set (identifier, no namespace)? */
bool sieve_vars_name_valid(const char *name);

/* For the checker, with Pigeonhole's messages in err (0 or -1):
 * set's first argument: an invalid name, a match variable ("0"), or a
 * variable in a namespace (none is known here). */
int sieve_vars_check_name(const char *name, size_t len, char *err,
    size_t errlen);
/* A string argument: a reference into a namespace, or a match index above
 * SIEVE_VARS_MATCH_INDEX_MAX.  When decl is not NULL, every variable the
 * string names is declared in it, as Pigeonhole declares them at compile
 * time: more than decl's max_scope_size distinct names is an error.
 * (Pigeonhole logs these three without failing the script, and the
 * reference expands to "": ext_variables.c reports them as soft errors,
 * sieve_check_soft_error.) */
int sieve_vars_check_string(struct sieve_vars *decl, const char *s,
    size_t len, char *err, size_t errlen);
/* Namespaces (RFC 5229 section 3) that extensions bring, "env" of
 * vnd.dovecot.environment among them.  fn gives the value of the
 * reference name[0..len) (the whole "ns.a.b"): 1 and *val, *vlen (valid
 * until the expansion is over), or 0 when no extension knows it (the
 * reference expands to "", as before any is set). */
typedef int sieve_vars_ns_fn(void *ctx, const char *name, size_t len,
    const char **val, size_t *vlen);
void sieve_vars_set_namespaces(struct sieve_vars *v, sieve_vars_ns_fn *fn,
    void *ctx);
/* What sieve_vars_check_string_ns (below) asks: may a reference name
 * the namespace ns[0..nslen) without an error? */
typedef bool sieve_vars_ns_known_fn(const void *ctx, const char *ns,
    size_t nslen);
/* Declare set's variable name in decl (the same limit). */
int sieve_vars_declare(struct sieve_vars *decl, const char *name, char *err,
    size_t errlen);

/* The same, with include's "global" namespace known when global_ns:
 * global.NAME is a variable, global.a.b and global.1 are errors with
 * Pigeonhole's messages; and, for strings, the extensions' namespaces
 * that known(ctx, ns, nslen) accepts (known may be NULL: none). */
int sieve_vars_check_name_ns(const char *name, size_t len, bool global_ns,
    char *err, size_t errlen);
int sieve_vars_check_string_ns(struct sieve_vars *decl, const char *s,
    size_t len, bool global_ns, sieve_vars_ns_known_fn *known,
    const void *ctx, char *err, size_t errlen);

/* include's global variables (RFC 6609 section 3.3): link the store of
 * the global scope to a script's own store; from then on "global.NAME"
 * and the names marked global in v are variables of globals.  globals
 * must outlive its use through v. */
void sieve_vars_link_globals(struct sieve_vars *v, struct sieve_vars *globals);
/* Mark name as global in v (the "global" command).  0, or -1 when the
 * name is invalid, the scope is full or memory runs out. */
int sieve_vars_mark_global(struct sieve_vars *v, const char *name);

/* set's modifiers, by their tag with the colon (":lower").  The value is
 * the precedence of RFC 5229 section 4.1 (40 :lower/:upper, 30
 * :lowerfirst/:upperfirst, 20 :quotewildcard/:quoteregex, 15 :encodeurl
 * (RFC 5435), 10 :length); -1 when tag is not a modifier.  The colon may
 * be left out; case does not matter (Pigeonhole takes ":UPPER").  Two
 * modifiers of the same precedence on one set is an error the checker
 * reports.  (Pigeonhole 0.5.19 has no :quoteregex; ext_variables.c takes
 * it, from the regex draft, when the script requires "regex".) */
int sieve_vars_modifier_precedence(const char *tag);

/* Apply mods (tags as above, any order) to in[0..inlen), highest
 * precedence first, into a new NUL-terminated *out.  0; -1 when a tag is
 * unknown, two share a precedence, or memory runs out. */
int sieve_vars_modify(const char *const *mods, size_t nmods, const char *in,
    size_t inlen, char **out, size_t *outlen);
/* The same with a variable size limit other than the default: every step
 * is cut to max bytes (at a character boundary), and :quotewildcard and
 * :encodeurl stop before an escape that would not fit whole. */
int sieve_vars_modify_max(const char *const *mods, size_t nmods,
    const char *in, size_t inlen, size_t max, char **out, size_t *outlen);

/* encoded-character: decode ${hex:...} and ${unicode:...} in in[0..inlen)
 * into a new NUL-terminated *out (constant strings, at compile time, when
 * the script requires the extension).  0, or -1 with the reason in err
 * (an invalid Unicode code point: a surrogate, above 10FFFF). */
int sieve_encoded_decode(const char *in, size_t inlen, char **out,
    size_t *outlen, char *err, size_t errlen);

#endif
