/* sieve_ext.h: the extension table of the native Sieve interpreter.
 *
 * Everything a script can name is declared here, data first: each
 * extension (the base language included, as the pseudo-extension "" that
 * needs no require) lives in one file src/sieve/ext_NAME.c that defines
 * one `const struct sieve_extension sieve_ext_NAME`, and is listed by one
 * line SIEVE_EXT(NAME) in sieve_ext_list.h.  Nothing else changes to add one.
 *
 * An extension declares:
 *   - the commands and tests it adds (struct sieve_def): their argument
 *     shape, which the native checker (sieve_ext_check) verifies from the
 *     data alone, an optional extra check hook, and the run function the
 *     interpreter calls (sieve_rt.h);
 *   - the tags it adds to commands or tests of other extensions (struct
 *     sieve_tag_add): copy adds :copy to fileinto and redirect, relational
 *     adds :count/:value wherever a match type may stand, ...;
 *   - the comparators it provides ("comparator-i;ascii-numeric");
 *   - optional per-evaluation state hooks (imap4flags' internal flags).
 *
 * Tags are named without their colon, lower-case, as the parser stores
 * them.  All tables are terminated by an entry whose name is NULL.
 *
 * The libsieve path does not use this table: sieve_check_tree
 * (sieve_check.h) keeps its own list of what libsieve can run. */
#ifndef DELIVER_SIEVE_EXT_H
#define DELIVER_SIEVE_EXT_H

#include <stdbool.h>
#include <stddef.h>

#include "sieve_ast.h"

struct sieve_rt;        /* one evaluation: sieve_rt.h */
struct sieve_action_ctx;   /* an action being added: sieve_rt.h */
struct sieve_checker;   /* one check: below */
struct sieve_strings;   /* sieve_match.h */

/* What stands after a tag, or at a positional place. */
enum sieve_argtype {
	SIEVE_ARGT_NONE,     /* a tag without argument */
	SIEVE_ARGT_STRING,   /* exactly one string */
	SIEVE_ARGT_LIST,     /* a string or a string list */
	SIEVE_ARGT_NUMBER
};

/* Tags of one group exclude each other on one command ("tag conflicts
 * with an earlier tag of the same kind").  Extensions needing a private
 * group use SIEVE_TG_PRIVATE + n. */
enum sieve_tag_group {
	SIEVE_TG_NONE = 0,
	SIEVE_TG_MATCH,        /* :is :contains :matches :regex :count :value */
	SIEVE_TG_COMPARATOR,   /* :comparator */
	SIEVE_TG_ADDRPART,     /* :all :localpart :domain :user :detail */
	SIEVE_TG_SIZE,         /* :over :under */
	SIEVE_TG_PRIVATE = 16
};

struct sieve_arg;

struct sieve_tag {
	const char *name;              /* without ':' ("copy") */
	enum sieve_argtype arg;        /* what follows the tag */
	unsigned group;                /* enum sieve_tag_group, or private */
	/* Optional: check the value after the tag (val is NULL for
	 * SIEVE_ARGT_NONE); report with sieve_check_error. */
	void (*check)(struct sieve_checker *ck, const struct sieve_arg *tag,
	    const struct sieve_arg *val);
};

enum sieve_nesting {
	SIEVE_NEST_NONE,       /* takes no test */
	SIEVE_NEST_TEST,       /* exactly one test ("if", "not") */
	SIEVE_NEST_TESTLIST    /* a test list in parentheses ("anyof") */
};

#define SIEVE_POSITIONAL_MAX 4

/* A command or a test as the run and check hooks see it: its definition
 * and its arguments sorted into tags and positional ones. */
struct sieve_call {
	const struct sieve_def *def;
	const char *name;
	struct sieve_pos pos;
	const struct sieve_arg *args;          /* all, in script order */
	const struct sieve_arg *positional[SIEVE_POSITIONAL_MAX];
	size_t npositional;
	const struct sieve_test *tests;        /* nested test(s) */
	size_t ntests;
	const struct sieve_command *cmd;       /* NULL for a test */
	const struct sieve_test *test;         /* NULL for a command */
};

/* Run a command: 0, or -1 after sieve_rt_error (or out of memory).
 * Run a test: 1 true, 0 false, -1 as above. */
typedef int sieve_run_fn(struct sieve_rt *rt, const struct sieve_call *c);

struct sieve_def {
	const char *name;              /* lower-case ("fileinto") */
	bool is_test;
	const struct sieve_tag *tags;  /* its own tags; NULL for none */
	/* One letter per positional argument, in order: 'S' string, 'L'
	 * string list (a single string fits), 'N' number.  "" for none.
	 * Lower case: optional, given only when more arguments stand than
	 * the required ones (setflag ["var"] <flags>: "sL"). */
	const char *positional;
	/* The names of the positional arguments, in the order of
	 * positional, separated by '|' ("header names|key list"): Pigeonhole
	 * names them so in its messages, which say what argument N is
	 * ("expects a string list as argument 1 (header names)").  NULL
	 * when there are none; a missing name leaves the message without. */
	const char *arg_names;
	enum sieve_nesting nesting;
	bool block;                    /* a command ended by { ... } */
	/* Optional, after the shape checks passed: what the shape cannot
	 * say (":days" range, a constant regex, set's variable name). */
	void (*check)(struct sieve_checker *ck, const struct sieve_call *c);
	/* NULL only for the control commands the interpreter runs itself
	 * (require, if, elsif, else, not, anyof, allof). */
	sieve_run_fn *run;
};

/* Where an added tag goes: a command/test name, or one of these. */
#define SIEVE_ADD_TO_MATCH    "@match"    /* wherever :is may stand */
#define SIEVE_ADD_TO_ADDRPART "@addrpart" /* wherever :localpart may */

struct sieve_tag_add {
	const char *target;            /* "fileinto", or SIEVE_ADD_TO_* */
	struct sieve_tag tag;
};

struct sieve_extension {
	const char *name;              /* require name; "" for the base */
	const struct sieve_def *defs;            /* NULL-name-terminated */
	const struct sieve_tag_add *tag_adds;    /* NULL-target-terminated */
	const char *const *comparators;          /* NULL-terminated names */
	/* Another extension this one also enables when required (imapflags
	 * enables imap4flags' commands), or NULL. */
	const char *implies;
	/* Optional per-evaluation state, created lazily by the extension
	 * through sieve_rt_ext_state and freed here at the end. */
	void (*state_free)(void *state);
	/* Optional: called once when the script ended without error, before
	 * the implicit keep is settled (imap4flags gives it its flags).
	 * 0, or -1 after sieve_rt_error. */
	int (*end)(struct sieve_rt *rt);
	/* Optional: called, when the script requires this extension, for
	 * every action a command adds (keep, fileinto, redirect, discard,
	 * reject, ...: see sieve_rt_action_done), in table order.  The
	 * extension's tags on that command take effect here: copy keeps the
	 * implicit keep (ax->cancels_keep = false), imap4flags sets the
	 * flags, mailbox sets :create.  0, or -1 after sieve_rt_error. */
	int (*on_action)(struct sieve_rt *rt, const struct sieve_call *c,
	    struct sieve_action_ctx *ax);
	/* Optional: called by the checker, when the script requires this
	 * extension, for every string argument of every command and test
	 * (before that command's own checks), in table order.  It may
	 * rewrite the string in place, never making it longer:
	 * encoded-character decodes its escapes here. */
	void (*on_string)(struct sieve_checker *ck, struct sieve_string *s);
	/* Optional: called once the checker has walked a script requiring
	 * this extension (ok: no error so far); it may report more errors.
	 * include loads and checks the scripts it names here. */
	void (*checked)(struct sieve_checker *ck,
	    const struct sieve_script *script, bool ok);
	/* Optional: called when an evaluation of a script requiring this
	 * extension starts, after its variables exist.  0, or -1 after
	 * sieve_rt_error. */
	int (*start)(struct sieve_rt *rt);
	/* Optional: a namespace of variables (RFC 5229 section 3) the
	 * extension brings when the script requires it and "variables"
	 * ("env" for vnd.dovecot.environment), and the value of one of its
	 * variables: name is what follows "ns." in ${ns.name} (NUL-
	 * terminated); the value, valid until the command ends, or NULL
	 * for none (the reference expands to ""). */
	const char *var_namespace;
	const char *(*var_value)(struct sieve_rt *rt, const char *name);
	/* Optional: called, when the script requires this extension, by
	 * fileinto before it adds its action, with the folder the script
	 * names; returns the folder to file into (mailbox itself, or a
	 * string from rt's pool), or NULL after sieve_rt_error.  The action
	 * is then added (and merged with an equal one) under that name:
	 * special-use's :specialuse picks the folder of a special use. */
	const char *(*on_mailbox)(struct sieve_rt *rt,
	    const struct sieve_call *c, const char *mailbox);
	/* Optional: called by the checker, when the script requires this
	 * extension, for every command and test whose arguments passed the
	 * shape checks, after its definition's own check: what this
	 * extension's tags on another's command need (mime's :type needs
	 * :mime beside it). */
	void (*on_call)(struct sieve_checker *ck, const struct sieve_call *c);
	/* Other extensions a script requiring this one must require too
	 * (extracttext: variables and foreverypart), NULL-terminated, or
	 * NULL; the checker reports the one missing at this require. */
	const char *const *needs;
	/* Optional: the headers a header, address or exists test reads when
	 * this extension's tags on it name another source (mime's :mime: the
	 * current MIME part).  1 with out filled (the values of every name,
	 * name by name), 0 when c has none of its tags, -1 after
	 * sieve_rt_error.  See sieve_rt_header_source. */
	int (*header_source)(struct sieve_rt *rt, const struct sieve_call *c,
	    const struct sieve_strings *names, struct sieve_strings *out);
	/* Optional: frees the state the extension keeps during one check
	 * (sieve_check_ext_state), at the end of that check. */
	void (*check_state_free)(void *state);
};

/* The extension the script required (per required_fn(ctx, name)) that
 * brings the variables namespace ns[0..nslen) (case-insensitive), or
 * NULL. */
const struct sieve_extension *sieve_ext_namespace(const char *ns,
    size_t nslen, bool (*required_fn)(const void *ctx, const char *name),
    const void *ctx);

/* ---- the table (sieve_ext_table.c) ---- */

extern const struct sieve_extension *const sieve_ext_table[];
extern const size_t sieve_ext_count;
#define SIEVE_EXT_MAX 64     /* bits of a required set */

/* The extension of that require name (case-sensitive, RFC 5228 section
 * 3.2), or NULL. */
const struct sieve_extension *sieve_ext_find(const char *name);

/* Its index in sieve_ext_table (for a bit set of required extensions). */
size_t sieve_ext_index(const struct sieve_extension *ext);

/* The names the native engine supports, space separated, for deliver -V
 * and error messages (static storage). */
const char *sieve_ext_names(void);

/* A set of required extensions (the base is always in it). */
struct sieve_ext_set {
	unsigned long long bits;
};
bool sieve_ext_set_has(const struct sieve_ext_set *s,
    const struct sieve_extension *ext);

/* The definition of a command or test among the extensions of set (or
 * among all extensions when set is NULL), with the extension it comes
 * from in *from.  NULL when no extension defines it. */
const struct sieve_def *sieve_ext_def(const struct sieve_ext_set *set,
    const char *name, bool is_test, const struct sieve_extension **from);

/* Fill c from a command or a test (one of cmd, test non-NULL) whose
 * definition is def: tags skipped (with their values), positional
 * arguments collected. */
void sieve_call_init(struct sieve_call *c, const struct sieve_def *def,
    const struct sieve_command *cmd, const struct sieve_test *test);

/* The tag argument ":name" of c, or NULL when absent. */
const struct sieve_arg *sieve_call_tag(const struct sieve_call *c,
    const char *name);

/* The argument after the tag ":name" (its value), or NULL. */
const struct sieve_arg *sieve_call_tag_value(const struct sieve_call *c,
    const char *name);

/* The name of c's first tag in group (enum sieve_tag_group), or NULL
 * ("is" when c has ":is" and group is SIEVE_TG_MATCH). */
const char *sieve_call_group_tag(const struct sieve_call *c, unsigned group);

/* The tag ":name" as def accepts it: its own, or one another extension
 * adds to it (that extension in *from, NULL for def's own).  NULL when
 * def takes no such tag. */
const struct sieve_tag *sieve_def_tag(const struct sieve_def *def,
    const char *name, const struct sieve_extension **from);

/* The tags def takes, its own and those the extensions of set add (of
 * every extension when set is NULL), as ":is :contains ..." into buf
 * (truncated to size); "" when it takes none.  For messages. */
void sieve_def_tag_names(const struct sieve_def *def,
    const struct sieve_ext_set *set, char *buf, size_t size);

/* ---- the native checker (sieve_ext_check.c) ---- */

#define SIEVE_NCHECK_DIAGS_MAX 20

struct sieve_ncheck_result {
	/* in: sieve_variables_max_scope_size (0: Pigeonhole's 255), the
	 * variables a script may declare, counted at compile time */
	size_t max_scope_size;
	struct sieve_diag diags[SIEVE_NCHECK_DIAGS_MAX];
	size_t ndiags;                /* kept */
	size_t nerrors;               /* found */
	size_t nsoft;                 /* found that do not fail the check */
	struct sieve_ext_set required;
};

/* Check script against the extension table: require, argument shapes,
 * if/elsif/else order, every extension used required, the extension
 * check hooks.  0 valid, -1 with res->diags.  The walk is bounded by the
 * parser's SIEVE_DEPTH_MAX. */
int sieve_ext_check(const struct sieve_script *script,
    struct sieve_ncheck_result *res);

/* For check hooks: the extension's own slot of state for this check
 * (NULL at first; freed by its check_state_free at the end). */
void **sieve_check_ext_state(struct sieve_checker *ck,
    const struct sieve_extension *ext);
/* The max_scope_size this check applies. */
size_t sieve_check_max_scope_size(const struct sieve_checker *ck);

/* For check hooks: report an error at pos (printf format). */
void sieve_check_error(struct sieve_checker *ck, struct sieve_pos pos,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* An error the script still runs with (a diag, not counted in nerrors):
 * Pigeonhole logs some errors and compiles the script all the same, e.g.
 * a reference to a variable in an unknown namespace. */
void sieve_check_soft_error(struct sieve_checker *ck, struct sieve_pos pos,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* For check hooks: the errors reported so far in this check. */
size_t sieve_check_errors(const struct sieve_checker *ck);
/* For check hooks: the command whose block holds what is being checked
 * (up = 0), the one whose block holds that command (up = 1), ...; NULL
 * past the top.  Loops look for their loop (break, extracttext). */
const struct sieve_command *sieve_check_enclosing(
    const struct sieve_checker *ck, size_t up);
/* For a tag's check hook: every argument of the command or test the tag
 * stands on, in script order. */
const struct sieve_arg *sieve_check_args(const struct sieve_checker *ck);

/* For check hooks: whether the script required that extension. */
bool sieve_check_requires(const struct sieve_checker *ck, const char *ext);

/* Whether a comparator of that name comes with a required extension (or
 * the base: i;octet, i;ascii-casemap). */
bool sieve_check_comparator_known(const struct sieve_checker *ck,
    const char *name);

/* The check hook of a :comparator tag: the comparator is one the script
 * may use, or an error says why not (its extension was not required, or
 * there is no such comparator). */
void sieve_check_comparator_tag(struct sieve_checker *ck,
    const struct sieve_arg *tag, const struct sieve_arg *val);

/* The tags of a test that takes MATCH-TYPE and COMPARATOR (RFC 5228
 * section 2.7), to open a struct sieve_tag table; the extensions add
 * theirs (:regex, :count, ...) with struct sieve_tag_add. */
#define SIEVE_MATCH_TAGS \
	{ "is", SIEVE_ARGT_NONE, SIEVE_TG_MATCH, NULL }, \
	{ "contains", SIEVE_ARGT_NONE, SIEVE_TG_MATCH, NULL }, \
	{ "matches", SIEVE_ARGT_NONE, SIEVE_TG_MATCH, NULL }, \
	{ "comparator", SIEVE_ARGT_STRING, SIEVE_TG_COMPARATOR, \
	  sieve_check_comparator_tag }

/* The check hook shared by every test with a match type and comparator
 * (header, address, envelope, string, hasflag, ...): the comparator
 * supports the match type (i;ascii-numeric has no :contains), and a
 * constant :regex key compiles.  Use as a def's check or call it from
 * one. */
void sieve_check_match_args(struct sieve_checker *ck,
    const struct sieve_call *c);

#endif
