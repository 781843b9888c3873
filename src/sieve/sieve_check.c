/* sieve_check.c: semantic checks on a parsed Sieve script. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sieve_check.h"
#include "sieve_lex.h"

/* ---- extensions ---- */

static const struct {
	const char *name;
	unsigned bit;
} supported[] = {
	{ "fileinto", SIEVE_EXT_FILEINTO },
	{ "reject", SIEVE_EXT_REJECT },
	{ "envelope", SIEVE_EXT_ENVELOPE },
	{ "vacation", SIEVE_EXT_VACATION },
	{ "notify", SIEVE_EXT_NOTIFY },
	{ "subaddress", SIEVE_EXT_SUBADDRESS },
	{ "imap4flags", SIEVE_EXT_IMAP4FLAGS },
	{ "imapflags", SIEVE_EXT_IMAPFLAGS },
	{ "regex", SIEVE_EXT_REGEX },
	{ "relational", SIEVE_EXT_RELATIONAL },
	{ "comparator-i;octet", SIEVE_EXT_CMP_OCTET },
	{ "comparator-i;ascii-casemap", SIEVE_EXT_CMP_CASEMAP },
	{ "comparator-i;ascii-numeric", SIEVE_EXT_CMP_NUMERIC },
	{ "copy", SIEVE_EXT_COPY },
	{ "mailbox", SIEVE_EXT_MAILBOX },
};

static const char supported_list[] =
	"fileinto reject envelope vacation notify subaddress imap4flags "
	"imapflags regex relational comparator-i;octet "
	"comparator-i;ascii-casemap comparator-i;ascii-numeric copy mailbox";

const char *sieve_supported_extensions(void)
{
	return supported_list;
}

unsigned sieve_ext_bit(const char *name)
{
	for (size_t i = 0; i < sizeof supported / sizeof supported[0]; i++)
		if (strcmp(name, supported[i].name) == 0)
			return supported[i].bit;
	return 0;
}

/* Extensions that exist (Pigeonhole knows them) but deliver cannot run:
 * named as unsupported, not as unknown. */
static const char *const known_unsupported[] = {
	"variables", "include", "body", "date", "index", "spamtest",
	"spamtestplus", "virustest", "editheader", "ereject", "enotify",
	"environment", "ihave", "duplicate", "mime", "foreverypart",
	"extracttext", "encoded-character", "vacation-seconds",
	"mboxmetadata", "servermetadata", "special-use", "imapsieve",
	"comparator-i;unicode-casemap", "convert", "extlists", "fcc",
	"reject-ascii", "vnd.dovecot.debug", "vnd.dovecot.environment",
	"vnd.dovecot.report", "vnd.dovecot.duplicate", "vnd.dovecot.pipe",
	"vnd.dovecot.filter", "vnd.dovecot.execute",
};

bool sieve_check_known_extension(const char *name)
{
	for (size_t i = 0; i < sizeof known_unsupported /
	    sizeof known_unsupported[0]; i++)
		if (strcmp(name, known_unsupported[i]) == 0)
			return true;
	return false;
}

/* Commands and tests of extensions deliver does not run, for a useful
 * message when a script uses one without (or despite) its require. */
static const struct {
	const char *name;
	const char *ext;
} foreign[] = {
	{ "set", "variables" }, { "string", "variables" },
	{ "include", "include" }, { "return", "include" },
	{ "global", "include" }, { "body", "body" },
	{ "date", "date" }, { "currentdate", "date" },
	{ "spamtest", "spamtest" }, { "virustest", "virustest" },
	{ "addheader", "editheader" }, { "deleteheader", "editheader" },
	{ "ereject", "ereject" }, { "environment", "environment" },
	{ "ihave", "ihave" }, { "duplicate", "duplicate" },
	{ "mailboxexists", "mailbox" }, { "metadata", "mboxmetadata" },
	{ "metadataexists", "mboxmetadata" },
	{ "servermetadata", "servermetadata" },
	{ "valid_ext_list", "extlists" }, { "denotify", "notify" },
	{ "mark", "imapflags" }, { "unmark", "imapflags" },
	{ "foreverypart", "foreverypart" }, { "break", "foreverypart" },
	{ "extracttext", "extracttext" }, { "convert", "convert" },
	{ "pipe", "vnd.dovecot.pipe" }, { "filter", "vnd.dovecot.filter" },
	{ "execute", "vnd.dovecot.execute" },
};

const char *sieve_check_foreign_ext(const char *name)
{
	for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++)
		if (strcmp(name, foreign[i].name) == 0)
			return foreign[i].ext;
	return NULL;
}

/* ---- command and test shapes ---- */

enum argkind { K_NONE, K_STRING, K_LIST, K_NUMBER };

enum group {
	G_NONE,
	G_MATCH,      /* :is :contains :matches :regex :count :value */
	G_COMPARATOR,
	G_ADDRPART,   /* :all :localpart :domain :user :detail */
	G_SIZE,       /* :over :under */
	G_PRIORITY    /* notify :low :normal :high */
};

struct tagspec {
	const char *name;
	unsigned ext;          /* needed extension, 0 for core */
	enum argkind arg;
	enum group group;
};

#define MATCH_TAGS \
	{ "is", 0, K_NONE, G_MATCH }, \
	{ "contains", 0, K_NONE, G_MATCH }, \
	{ "matches", 0, K_NONE, G_MATCH }, \
	{ "regex", SIEVE_EXT_REGEX, K_NONE, G_MATCH }, \
	{ "count", SIEVE_EXT_RELATIONAL, K_STRING, G_MATCH }, \
	{ "value", SIEVE_EXT_RELATIONAL, K_STRING, G_MATCH }, \
	{ "comparator", 0, K_STRING, G_COMPARATOR }

#define ADDRPART_TAGS \
	{ "all", 0, K_NONE, G_ADDRPART }, \
	{ "localpart", 0, K_NONE, G_ADDRPART }, \
	{ "domain", 0, K_NONE, G_ADDRPART }, \
	{ "user", SIEVE_EXT_SUBADDRESS, K_NONE, G_ADDRPART }, \
	{ "detail", SIEVE_EXT_SUBADDRESS, K_NONE, G_ADDRPART }

static const struct tagspec no_tags[] = { { NULL, 0, K_NONE, G_NONE } };
static const struct tagspec match_tags[] = {
	MATCH_TAGS, { NULL, 0, K_NONE, G_NONE } };
static const struct tagspec address_tags[] = {
	MATCH_TAGS, ADDRPART_TAGS, { NULL, 0, K_NONE, G_NONE } };
static const struct tagspec size_tags[] = {
	{ "over", 0, K_NONE, G_SIZE }, { "under", 0, K_NONE, G_SIZE },
	{ NULL, 0, K_NONE, G_NONE } };
static const struct tagspec keep_tags[] = {
	{ "flags", SIEVE_EXT_IMAP4FLAGS, K_LIST, G_NONE },
	{ NULL, 0, K_NONE, G_NONE } };
static const struct tagspec fileinto_tags[] = {
	{ "flags", SIEVE_EXT_IMAP4FLAGS, K_LIST, G_NONE },
	{ "copy", SIEVE_EXT_COPY, K_NONE, G_NONE },
	{ "create", SIEVE_EXT_MAILBOX, K_NONE, G_NONE },
	{ NULL, 0, K_NONE, G_NONE } };
static const struct tagspec redirect_tags[] = {
	{ "copy", SIEVE_EXT_COPY, K_NONE, G_NONE },
	{ NULL, 0, K_NONE, G_NONE } };
static const struct tagspec vacation_tags[] = {
	{ "days", 0, K_NUMBER, G_NONE }, { "subject", 0, K_STRING, G_NONE },
	{ "from", 0, K_STRING, G_NONE }, { "addresses", 0, K_LIST, G_NONE },
	{ "mime", 0, K_NONE, G_NONE }, { "handle", 0, K_STRING, G_NONE },
	{ NULL, 0, K_NONE, G_NONE } };
static const struct tagspec notify_tags[] = {
	{ "method", 0, K_STRING, G_NONE }, { "id", 0, K_STRING, G_NONE },
	{ "options", 0, K_LIST, G_NONE }, { "message", 0, K_STRING, G_NONE },
	{ "low", 0, K_NONE, G_PRIORITY }, { "normal", 0, K_NONE, G_PRIORITY },
	{ "high", 0, K_NONE, G_PRIORITY },
	{ NULL, 0, K_NONE, G_NONE } };

enum nested { N_NONE, N_TEST, N_TESTLIST };

struct spec {
	const char *name;
	bool is_test;
	unsigned ext;                 /* extension needed, 0 for core */
	const struct tagspec *tags;
	const char *positional;       /* S string, L string list, N number */
	/* their names, '|'-separated, as the native engine's definitions
	 * (sieve_ext.h) and Pigeonhole name them */
	const char *arg_names;
	enum nested nested;
	bool block;                   /* commands: needs a block */
};

static const struct spec specs[] = {
	/* commands */
	{ "require", false, 0, no_tags, "L", "capabilities", N_NONE, false },
	{ "if", false, 0, no_tags, "", NULL, N_TEST, true },
	{ "elsif", false, 0, no_tags, "", NULL, N_TEST, true },
	{ "else", false, 0, no_tags, "", NULL, N_NONE, true },
	{ "stop", false, 0, no_tags, "", NULL, N_NONE, false },
	{ "keep", false, 0, keep_tags, "", NULL, N_NONE, false },
	{ "discard", false, 0, no_tags, "", NULL, N_NONE, false },
	{ "redirect", false, 0, redirect_tags, "S", "address", N_NONE, false },
	{ "fileinto", false, SIEVE_EXT_FILEINTO, fileinto_tags, "S", "folder",
	  N_NONE, false },
	{ "reject", false, SIEVE_EXT_REJECT, no_tags, "S", "reason", N_NONE,
	  false },
	{ "vacation", false, SIEVE_EXT_VACATION, vacation_tags, "S", "reason",
	  N_NONE, false },
	{ "notify", false, SIEVE_EXT_NOTIFY, notify_tags, "", NULL, N_NONE,
	  false },
	{ "setflag", false, SIEVE_EXT_IMAP4FLAGS, no_tags, "L",
	  "list of flags", N_NONE, false },
	{ "addflag", false, SIEVE_EXT_IMAP4FLAGS, no_tags, "L",
	  "list of flags", N_NONE, false },
	{ "removeflag", false, SIEVE_EXT_IMAP4FLAGS, no_tags, "L",
	  "list of flags", N_NONE, false },
	/* tests */
	{ "address", true, 0, address_tags, "LL", "header list|key list",
	  N_NONE, false },
	{ "envelope", true, SIEVE_EXT_ENVELOPE, address_tags, "LL",
	  "envelope part|key list", N_NONE, false },
	{ "header", true, 0, match_tags, "LL", "header names|key list",
	  N_NONE, false },
	{ "exists", true, 0, no_tags, "L", "header names", N_NONE, false },
	{ "size", true, 0, size_tags, "N", "limit", N_NONE, false },
	{ "true", true, 0, no_tags, "", NULL, N_NONE, false },
	{ "false", true, 0, no_tags, "", NULL, N_NONE, false },
	{ "not", true, 0, no_tags, "", NULL, N_TEST, false },
	{ "anyof", true, 0, no_tags, "", NULL, N_TESTLIST, false },
	{ "allof", true, 0, no_tags, "", NULL, N_TESTLIST, false },
	{ "hasflag", true, SIEVE_EXT_IMAP4FLAGS, match_tags, "L",
	  "list of flags", N_NONE, false },
	{ "valid_notif_method", true, SIEVE_EXT_NOTIFY, no_tags, "L",
	  "notification-uris", N_NONE, false },
};

static const struct spec *find_spec(const char *name, bool is_test)
{
	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
		if (specs[i].is_test == is_test &&
		    strcmp(specs[i].name, name) == 0)
			return &specs[i];
	return NULL;
}

/* ---- the walk ---- */

struct checker {
	struct sieve_check_result *res;
};

static void diag(struct checker *c, struct sieve_pos pos, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static void diag(struct checker *c, struct sieve_pos pos, const char *fmt,
    ...)
{
	struct sieve_check_result *r = c->res;
	va_list ap;

	r->nerrors++;
	if (r->ndiags >= SIEVE_CHECK_DIAGS_MAX)
		return;
	r->diags[r->ndiags].pos = pos;
	va_start(ap, fmt);
	(void)vsnprintf(r->diags[r->ndiags].msg,
	    sizeof r->diags[r->ndiags].msg, fmt, ap);
	va_end(ap);
	r->ndiags++;
}

/* The require name of one extension bit (imap4flags covers imapflags). */
static const char *ext_name(unsigned bit)
{
	for (size_t i = 0; i < sizeof supported / sizeof supported[0]; i++)
		if (supported[i].bit == bit)
			return supported[i].name;
	return "?";
}

static bool has_ext(const struct checker *c, unsigned bit)
{
	unsigned req = c->res->required;

	if (req & SIEVE_EXT_IMAPFLAGS)
		req |= SIEVE_EXT_IMAP4FLAGS;
	return (req & bit) != 0;
}

/* Whether the space-separated list holds name as a whole word. */
static bool list_has(const char *list, const char *name)
{
	size_t n = strlen(name);

	if (n == 0)
		return false;
	for (const char *p = list; (p = strstr(p, name)) != NULL; p++)
		if ((p == list || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static void note_unsupported(struct checker *c, const char *name)
{
	char *u = c->res->unsupported;

	if (list_has(u, name))
		return;
	if (*u != '\0')
		(void)strlcat(u, " ", sizeof c->res->unsupported);
	(void)strlcat(u, name, sizeof c->res->unsupported);
}

static void check_require_name(struct checker *c,
    const struct sieve_string *s)
{
	unsigned bit = sieve_ext_bit(s->value);

	if (bit != 0) {
		c->res->required |= bit;
	} else if (s->len == 0) {
		diag(c, s->pos, "empty extension name in `require`");
	} else if (sieve_check_known_extension(s->value) ||
	    strncmp(s->value, "vnd.", 4) == 0 ||
	    strncmp(s->value, "comparator-", 11) == 0) {
		note_unsupported(c, s->value);
		diag(c, s->pos, "the `%s` extension is not supported by this "
		    "deliver (supported: %s)", s->value, supported_list);
	} else {
		note_unsupported(c, s->value);
		diag(c, s->pos, "unknown extension `%s` (supported: %s)",
		    s->value, supported_list);
	}
}

static void check_require(struct checker *c, const struct sieve_command *cmd,
    bool at_start)
{
	if (!at_start) {
		diag(c, cmd->pos, "`require` must come before any other "
		    "command, at the top of the script");
		return;
	}
	if (cmd->args && cmd->args->kind != SIEVE_ARG_TAG)
		for (const struct sieve_string *s = cmd->args->strings; s;
		    s = s->next)
			check_require_name(c, s);
}

/* Whether arg fits kind; a single string is a valid string list. */
static bool arg_fits(const struct sieve_arg *a, enum argkind kind)
{
	switch (kind) {
	case K_STRING: return a->kind == SIEVE_ARG_STRING;
	case K_LIST:   return a->kind == SIEVE_ARG_STRING ||
			   a->kind == SIEVE_ARG_LIST;
	case K_NUMBER: return a->kind == SIEVE_ARG_NUMBER;
	case K_NONE:   return false;
	}
	return false;
}

/* Pigeonhole's names of types, which the native checker uses too. */
static const char *kind_name(enum argkind kind)
{
	switch (kind) {
	case K_STRING: return "a string";
	case K_LIST:   return "a string list";     /* or one string */
	case K_NUMBER: return "a number";
	case K_NONE:   break;
	}
	return "nothing";
}

const char *sieve_arg_found(const struct sieve_arg *a)
{
	switch (a->kind) {
	case SIEVE_ARG_TAG:    return "a tag";
	case SIEVE_ARG_NUMBER: return "a number";
	case SIEVE_ARG_STRING: return "a string";
	case SIEVE_ARG_LIST:   return "a string list";
	}
	return "nothing";
}

const char *sieve_arg_name(const char *names, size_t i, char *buf,
    size_t size)
{
	const char *n = names, *bar;
	int len;

	if (size == 0)
		return "";
	buf[0] = '\0';
	for (; n != NULL && i > 0; i--)
		n = (bar = strchr(n, '|')) != NULL ? bar + 1 : NULL;
	if (n == NULL || *n == '\0' || *n == '|')
		return buf;
	bar = strchr(n, '|');
	len = bar != NULL ? (int)(bar - n) : (int)strlen(n);
	if (snprintf(buf, size, " (%.*s)", len, n) < 0)
		buf[0] = '\0';
	return buf;
}

static const char *spec_kind(const struct spec *sp)
{
	return sp->is_test ? "test" : "command";
}

static const struct tagspec *find_tag(const struct tagspec *tags,
    const char *name)
{
	for (; tags->name; tags++)
		if (strcmp(tags->name, name) == 0)
			return tags;
	return NULL;
}

static void check_relational(struct checker *c, const struct sieve_arg *a)
{
	static const char *const ops[] = { "gt", "ge", "lt", "le", "eq",
	    "ne" };

	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (strcasecmp(a->strings->value, ops[i]) == 0)
			return;
	diag(c, a->pos, "unknown relational operator \"%s\" (expected gt, "
	    "ge, lt, le, eq or ne)", a->strings->value);
}

static void check_comparator(struct checker *c, const struct sieve_arg *a)
{
	const char *name = a->strings->value;

	if (strcmp(name, "i;octet") == 0 ||
	    strcmp(name, "i;ascii-casemap") == 0)
		return;
	if (strcmp(name, "i;ascii-numeric") == 0) {
		if (!has_ext(c, SIEVE_EXT_CMP_NUMERIC))
			diag(c, a->pos, "comparator \"i;ascii-numeric\" needs "
			    "`require \"comparator-i;ascii-numeric\"`");
		return;
	}
	diag(c, a->pos, "comparator \"%s\" is not supported (supported: "
	    "i;octet i;ascii-casemap i;ascii-numeric)", name);
}

/* The argument after a tag that takes one. */
static void check_tag_value(struct checker *c, const struct spec *sp,
    const struct tagspec *t, const struct sieve_arg *tag,
    const struct sieve_arg *val)
{
	if (val == NULL) {
		diag(c, tag->pos, "the :%s tag for the %s %s requires %s as "
		    "parameter, but no parameters were found", t->name,
		    sp->name, spec_kind(sp), kind_name(t->arg));
		return;
	}
	if (!arg_fits(val, t->arg)) {
		diag(c, val->pos, "the :%s tag for the %s %s requires %s as "
		    "parameter, but %s was found", t->name, sp->name,
		    spec_kind(sp), kind_name(t->arg), sieve_arg_found(val));
		return;
	}
	if (strcmp(t->name, "count") == 0 || strcmp(t->name, "value") == 0)
		check_relational(c, val);
	else if (strcmp(t->name, "comparator") == 0)
		check_comparator(c, val);
}

/* A tag sp does not take, named with those it takes (the ones of
 * extensions the script required). */
static void unknown_tag(struct checker *c, const struct spec *sp,
    const struct sieve_arg *a)
{
	char tags[256] = "";

	for (const struct tagspec *t = sp->tags; t->name; t++) {
		if (t->ext != 0 && !has_ext(c, t->ext))
			continue;
		if (tags[0] != '\0')
			(void)strlcat(tags, " ", sizeof tags);
		(void)strlcat(tags, ":", sizeof tags);
		(void)strlcat(tags, t->name, sizeof tags);
	}
	diag(c, a->pos, "unknown tagged argument ':%s' for the %s %s (%s%s)",
	    a->tag, sp->name, spec_kind(sp), tags[0] != '\0' ? "it takes " :
	    "it takes no tags", tags);
}

/* Check one tag; returns the argument after it (and its value). */
static const struct sieve_arg *check_tag(struct checker *c,
    const struct spec *sp, const struct sieve_arg *a, unsigned *groups,
    unsigned *seen_tags)
{
	const struct tagspec *t = find_tag(sp->tags, a->tag);
	size_t idx;

	if (t == NULL) {
		unknown_tag(c, sp, a);
		return a->next;
	}
	idx = (size_t)(t - sp->tags);
	if (*seen_tags & (1u << idx))
		diag(c, a->pos, "tag `:%s` given twice", a->tag);
	else if (t->group != G_NONE && (*groups & (1u << t->group)))
		diag(c, a->pos, "tag `:%s` conflicts with an earlier tag of "
		    "the same kind", a->tag);
	*seen_tags |= 1u << idx;
	if (t->group != G_NONE)
		*groups |= 1u << t->group;
	if (t->ext != 0 && !has_ext(c, t->ext))
		diag(c, a->pos, "`%s :%s` needs `require \"%s\"`", sp->name,
		    a->tag, ext_name(t->ext));
	if (t->arg == K_NONE)
		return a->next;
	check_tag_value(c, sp, t, a, a->next);
	return a->next ? a->next->next : NULL;
}

static enum argkind positional_kind(char code)
{
	return code == 'S' ? K_STRING : code == 'L' ? K_LIST : K_NUMBER;
}

/* The number of positional arguments from a on against sp's (the native
 * checker's words); returns whether it fits. */
static bool check_positional_count(struct checker *c, const struct spec *sp,
    struct sieve_pos pos, const struct sieve_arg *a)
{
	size_t given = 0, want = strlen(sp->positional);

	for (; a != NULL; a = a->next)
		given++;
	if (given == want)
		return true;
	diag(c, pos, "the %s %s requires %zu positional argument%s, but %zu "
	    "%s specified", sp->name, spec_kind(sp), want, want == 1 ? "" :
	    "s", given, given == 1 ? "was" : "were");
	return false;
}

/* Tags first (RFC 5228 section 2.6.2: tagged arguments precede the
 * positional ones), then exactly the positional arguments of the spec:
 * no tag among them, their number, each one's type. */
static void check_args(struct checker *c, const struct spec *sp,
    struct sieve_pos pos, const struct sieve_arg *args)
{
	unsigned groups = 0, seen = 0;
	const struct sieve_arg *a = args;
	size_t number = 0;
	char name[80];

	while (a && a->kind == SIEVE_ARG_TAG)
		a = check_tag(c, sp, a, &groups, &seen);
	for (const struct sieve_arg *b = a; b != NULL; b = b->next)
		if (b->kind == SIEVE_ARG_TAG) {
			if (find_tag(sp->tags, b->tag) == NULL)
				unknown_tag(c, sp, b);
			else
				diag(c, b->pos, "encountered an unexpected "
				    "tagged argument ':%s' while validating "
				    "positional arguments for the %s %s",
				    b->tag, sp->name, spec_kind(sp));
			return;
		}
	if (!check_positional_count(c, sp, pos, a))
		return;
	for (const char *p = sp->positional; *p; p++, a = a->next) {
		enum argkind want = positional_kind(*p);

		number++;
		if (!arg_fits(a, want))
			diag(c, a->pos, "the %s %s expects %s as argument "
			    "%zu%s, but %s was found", sp->name,
			    spec_kind(sp), kind_name(want), number,
			    sieve_arg_name(sp->arg_names, number - 1, name,
			    sizeof name), sieve_arg_found(a));
	}
	if (sp->tags == size_tags && !(groups & (1u << G_SIZE)))
		diag(c, pos, "`size` needs `:over` or `:under`");
}

static void check_tests(struct checker *c, const struct sieve_test *t,
    unsigned depth);

/* The test(s) a command or test carries, against what its spec wants. */
static void check_nested(struct checker *c, const struct spec *sp,
    struct sieve_pos pos, const struct sieve_test *tests, size_t ntests,
    bool test_list, unsigned depth)
{
	if (sp->nested == N_NONE && ntests > 0) {
		if (sp->is_test)
			diag(c, tests->pos, "`%s` takes no test", sp->name);
		else
			diag(c, tests->pos, "`%s` takes no test (is a ';' "
			    "missing after `%s`?)", sp->name, sp->name);
	} else if (sp->nested == N_TEST && (ntests != 1 || test_list)) {
		diag(c, ntests ? tests->pos : pos, test_list ?
		    "`%s` takes one test, not a test list" :
		    "`%s` needs a test", sp->name);
	} else if (sp->nested == N_TESTLIST && !test_list) {
		diag(c, ntests ? tests->pos : pos, "`%s` needs a test list "
		    "in parentheses", sp->name);
	}
	if (sp->nested != N_NONE)   /* else the test is a typo, said once */
		check_tests(c, tests, depth + 1);
}

static void unknown(struct checker *c, struct sieve_pos pos,
    const char *what, const char *name)
{
	const char *ext = sieve_check_foreign_ext(name);

	if (ext != NULL && list_has(c->res->unsupported, ext))
		return;     /* its require line already said so */
	if (ext != NULL) {
		note_unsupported(c, ext);
		diag(c, pos, "%s `%s` (extension `%s`) is not supported by "
		    "this deliver", what, name, ext);
	} else {
		diag(c, pos, "unknown %s `%s`", what, name);
	}
}

static void check_ext(struct checker *c, const struct spec *sp,
    struct sieve_pos pos)
{
	if (sp->ext != 0 && !has_ext(c, sp->ext))
		diag(c, pos, "`%s` needs `require \"%s\"`", sp->name,
		    ext_name(sp->ext));
}

static void check_tests(struct checker *c, const struct sieve_test *t,
    unsigned depth)
{
	for (; t; t = t->next) {
		const struct spec *sp = find_spec(t->name, true);

		if (sp == NULL) {
			unknown(c, t->pos, "test", t->name);
			check_tests(c, t->tests, depth + 1);
			continue;
		}
		check_ext(c, sp, t->pos);
		check_args(c, sp, t->pos, t->args);
		check_nested(c, sp, t->pos, t->tests, t->ntests, t->test_list,
		    depth);
	}
}

static void check_commands(struct checker *c,
    const struct sieve_command *cmd, unsigned depth);

static void check_block(struct checker *c, const struct spec *sp,
    const struct sieve_command *cmd, unsigned depth)
{
	if (sp->block && !cmd->has_block)
		diag(c, cmd->pos, "`%s` needs a block { ... }", sp->name);
	else if (!sp->block && cmd->has_block)
		diag(c, cmd->pos, "`%s` takes no block (is a ';' missing?)",
		    sp->name);
	check_commands(c, cmd->block, depth + 1);
}

/* elsif and else must follow if or elsif. */
static void check_order(struct checker *c, const struct sieve_command *cmd,
    const char *prev)
{
	if ((strcmp(cmd->name, "elsif") == 0 ||
	    strcmp(cmd->name, "else") == 0) &&
	    (prev == NULL || (strcmp(prev, "if") != 0 &&
	    strcmp(prev, "elsif") != 0)))
		diag(c, cmd->pos, "`%s` without a preceding `if`", cmd->name);
}

static void check_commands(struct checker *c,
    const struct sieve_command *cmd, unsigned depth)
{
	const char *prev = NULL;
	bool at_start = depth == 0;

	for (; cmd; prev = cmd->name, cmd = cmd->next) {
		const struct spec *sp = find_spec(cmd->name, false);

		if (sp == NULL) {
			unknown(c, cmd->pos, "command", cmd->name);
			at_start = false;
			continue;
		}
		check_order(c, cmd, prev);
		if (strcmp(sp->name, "require") == 0)
			check_require(c, cmd, at_start);
		else
			at_start = false;
		check_ext(c, sp, cmd->pos);
		check_args(c, sp, cmd->pos, cmd->args);
		check_nested(c, sp, cmd->pos, cmd->tests, cmd->ntests,
		    cmd->test_list, depth);
		check_block(c, sp, cmd, depth);
	}
}

int sieve_check_tree(const struct sieve_script *script,
    struct sieve_check_result *res)
{
	struct checker c = { .res = res };

	memset(res, 0, sizeof *res);
	check_commands(&c, script->commands, 0);
	return res->nerrors == 0 ? 0 : -1;
}
