/* mailmap.c: virtual mailboxes from a PCRE2 map (see mailmap.h). */
#include "mailmap.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "log.h"
#include "maildir.h"

#define FNV_BASIS 0x811c9dc5u
#define FNV_PRIME 0x01000193u

struct map_line {
	unsigned lineno;
	bool negated;              /* !/re/: matches when re does not */
	uint32_t ngroups;
	pcre2_code *code;
	char *template;
	size_t nkeys;
	char *names[MAILMAP_MAX_KEYS];
	char *values[MAILMAP_MAX_KEYS];
};

struct mailmap {
	char *path;
	char base[MAILMAP_PATH_MAX];
	size_t base_len;           /* without trailing '/'; "/" -> 0 */
	char *delimiters;
	struct map_line *lines;
	size_t nlines, cap;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit_stack;
};

/* Keys of features (Sieve, quota) that a build may lack: a map may
 * already carry them.  They are accepted unchecked and
 * shown by --where, and take effect once config.c knows them. */
static const char *const pending_keys[] = { "sieve", "quota", NULL };

/* Keys that a map line must not set: the map decides those itself. */
static const char *const refused_keys[] = {
	"mailbox_map", "mailbox_base", "maildir", NULL
};

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

static uint32_t fnv1a_update(uint32_t h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)tolower((unsigned char)s[i]);
		h *= FNV_PRIME;
	}
	return h;
}

uint32_t mailmap_hash(const char *s, size_t len)
{
	return fnv1a_update(FNV_BASIS, s, len);
}

/* A message into why, cut to fit (messages quote paths of any length). */
static void say(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

/* ---- expansion of templates and values ---- */

enum expand_status { EXPAND_OK, EXPAND_SYNTAX, EXPAND_LONG, EXPAND_UNSAFE };

/* What $N and %Nh stand for.  subject NULL: a load-time check, where every
 * group reads "x" and every hash "00". */
struct expansion {
	const char *subject;
	const PCRE2_SIZE *ovector;
	uint32_t nset;             /* ovector pairs pcre2_match set */
	const struct map_line *line;
	char local_hex[9], address_hex[9];
	char *why;
	size_t whylen;
};

struct outbuf {
	char *buf;
	size_t len, used;
	bool overflow;
};

static void put(struct outbuf *o, const char *s, size_t n)
{
	if (o->overflow || n >= o->len - o->used) {
		o->overflow = true;
		return;
	}
	memcpy(o->buf + o->used, s, n);
	o->used += n;
	o->buf[o->used] = '\0';
}

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* "$N", "${N}", "$(N)" at t: the length of the reference, or -1. */
static int group_ref(const char *t, unsigned *group)
{
	if (t[1] >= '1' && t[1] <= '9') {
		*group = (unsigned)(t[1] - '0');
		return 2;
	}
	if ((t[1] == '{' || t[1] == '(') && t[2] >= '1' && t[2] <= '9' &&
	    t[3] == (t[1] == '{' ? '}' : ')')) {
		*group = (unsigned)(t[2] - '0');
		return 4;
	}
	return -1;
}

/* A group is address text: it may fill a path level but never add one,
 * never start a hidden, "." or ".." name and never carry a control
 * character. */
static enum expand_status put_group(struct outbuf *o, unsigned g,
    const struct expansion *x)
{
	const char *text;
	size_t len;

	if (x->subject == NULL) {
		put(o, "x", 1);
		return EXPAND_OK;
	}
	if (g >= x->nset || x->ovector[2 * g] == PCRE2_UNSET ||
	    x->ovector[2 * g + 1] < x->ovector[2 * g])
		return EXPAND_OK; /* an unset group is empty, as in Postfix */
	text = x->subject + x->ovector[2 * g];
	len = x->ovector[2 * g + 1] - x->ovector[2 * g];
	for (size_t i = 0; i < len; i++)
		if (text[i] == '/' || is_control((unsigned char)text[i]) ||
		    (i == 0 && text[i] == '.')) {
			snprintf(x->why, x->whylen, "$%u holds '%s'", g,
			    text[i] == '/' ? "/" : text[i] == '.' ?
			    "." : "control character");
			return EXPAND_UNSAFE;
		}
	put(o, text, len);
	return EXPAND_OK;
}

static void put_hash(struct outbuf *o, char levels, char which,
    const struct expansion *x)
{
	const char *hex = which == 'h' ? x->local_hex : x->address_hex;

	if (x->subject == NULL)
		hex = "00000000";
	put(o, hex, 2);
	if (levels == '2') {
		put(o, "/", 1);
		put(o, hex + 2, 2);
	}
}

static enum expand_status bad(const struct expansion *x, const char *fmt,
    const char *at)
{
	snprintf(x->why, x->whylen, fmt, at);
	return EXPAND_SYNTAX;
}

/* A '$' or '%' placeholder at *t: appended to o, *t moved past it. */
static enum expand_status expand_one(struct outbuf *o, const char **t,
    const struct expansion *x)
{
	const char *p = *t;
	unsigned g;
	int n;

	if (p[1] == p[0]) {         /* $$ or %% */
		put(o, p, 1);
		*t += 2;
		return EXPAND_OK;
	}
	if (p[0] == '%') {
		if ((p[1] != '1' && p[1] != '2') || (p[2] != 'h' && p[2] != 'H'))
			return bad(x, "bad placeholder \"%.3s\" (use %%1h, %%2h, "
			    "%%1H, %%2H or %%%%)", p);
		put_hash(o, p[1], p[2], x);
		*t += 3;
		return EXPAND_OK;
	}
	if ((n = group_ref(p, &g)) < 0)
		return bad(x, "bad substitution \"%.4s\" (use $1..$9, ${N}, "
		    "$(N) or $$)", p);
	if (x->line->negated)
		return bad(x, "substitution \"%.4s\" with a negated pattern",
		    p);
	if (g > x->line->ngroups) {
		snprintf(x->why, x->whylen, "$%u but the pattern has %u "
		    "group(s)", g, (unsigned)x->line->ngroups);
		return EXPAND_SYNTAX;
	}
	*t += n;
	return put_group(o, g, x);
}

static enum expand_status expand(const char *tmpl, const struct expansion *x,
    char *buf, size_t len)
{
	struct outbuf o = { buf, len, 0, false };
	enum expand_status st;

	buf[0] = '\0';
	for (const char *t = tmpl; *t; ) {
		if (*t == '$' || *t == '%') {
			if ((st = expand_one(&o, &t, x)) != EXPAND_OK)
				return st;
			continue;
		}
		put(&o, t++, 1);
	}
	if (o.overflow) {
		snprintf(x->why, x->whylen, "expansion too long");
		return EXPAND_LONG;
	}
	return EXPAND_OK;
}

/* ---- paths ---- */

/* Why path is not a Maildir strictly below base, or NULL when it is.  A
 * lexical check: with no empty, "." or ".." level below the base prefix
 * nothing can resolve above it (and the delivery never follows a symlink
 * below the Maildir). */
static const char *path_problem(const char *path, const char *base,
    size_t base_len)
{
	const char *p;

	if (strncmp(path, base, base_len) != 0 || path[base_len] != '/')
		return "is not below mailbox_base";
	for (p = path + base_len + 1;; p++) {
		size_t n = strcspn(p, "/");

		if (n == 0)
			return "has an empty level";
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' &&
		    p[1] == '.'))
			return "has a \".\" or \"..\" level";
		if (n > NAME_MAX)
			return "has a level longer than NAME_MAX";
		for (size_t i = 0; i < n; i++)
			if (is_control((unsigned char)p[i]))
				return "has a control character";
		p += n;
		if (*p == '\0')
			return NULL;
	}
}

/* mailbox_base: absolute, no empty, "." or ".." level; trailing '/'
 * dropped. */
static int set_base(struct mailmap *map, const char *base, char *why,
    size_t whylen)
{
	size_t len = strlen(base);

	if (len == 0 || base[0] != '/') {
		snprintf(why, whylen, "mailbox_base must be an absolute "
		    "directory when mailbox_map is set");
		return -1;
	}
	while (len > 1 && base[len - 1] == '/')
		len--;
	if (len >= sizeof map->base - 2) {
		snprintf(why, whylen, "mailbox_base too long");
		return -1;
	}
	memcpy(map->base, base, len);
	map->base[len] = '\0';
	map->base_len = len == 1 ? 0 : len;
	/* the base itself must pass the rules its Maildirs must pass */
	if (map->base_len && path_problem(map->base, "", 0) != NULL) {
		snprintf(why, whylen, "bad mailbox_base \"%s\"", base);
		return -1;
	}
	return 0;
}

/* ---- loading ---- */

static bool has_placeholder(const char *s)
{
	return strpbrk(s, "$%") != NULL;
}

/* Whether value is good for key, checked by setting it on a scratch
 * configuration: the same check -o makes. */
static int value_ok(const char *name, const char *value, char *why,
    size_t whylen)
{
	struct config scratch;
	int rc;

	if (!config_key_exists(name))
		return 0; /* a pending key (see pending_keys) */
	config_defaults(&scratch);
	rc = config_set(&scratch, name, value, why, whylen);
	config_free(&scratch);
	return rc;
}

static int add_key(struct map_line *ln, char *token,
    const struct expansion *check, char *why, size_t whylen)
{
	char *eq = strchr(token, '='), scratch[MAILMAP_VALUE_MAX];

	if (eq == NULL || eq == token) {
		snprintf(why, whylen, "expected key=value, not \"%s\"", token);
		return -1;
	}
	*eq = '\0';
	if (ln->nkeys == MAILMAP_MAX_KEYS || strlen(token) >= MAILMAP_KEY_MAX) {
		snprintf(why, whylen, "too many keys or key too long");
		return -1;
	}
	if (in_list(refused_keys, token) || (!config_key_exists(token) &&
	    !in_list(pending_keys, token))) {
		snprintf(why, whylen, "key \"%s\" cannot be set in a map", token);
		return -1;
	}
	if (expand(eq + 1, check, scratch, sizeof scratch) != EXPAND_OK)
		return -1;
	if (!has_placeholder(eq + 1) && value_ok(token, eq + 1, why,
	    whylen) < 0)
		return -1;
	ln->names[ln->nkeys] = strdup(token);
	ln->values[ln->nkeys] = strdup(eq + 1);
	if (!ln->names[ln->nkeys] || !ln->values[ln->nkeys++]) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	return 0;
}

/* The template and the key=value fields after the pattern. */
static int parse_fields(struct mailmap *map, struct map_line *ln, char *rest,
    char *why, size_t whylen)
{
	struct expansion check = { .line = ln, .why = why, .whylen = whylen };
	char path[MAILMAP_PATH_MAX], *save = NULL;
	char *tok = strtok_r(rest, " \t", &save);
	const char *problem;

	if (tok == NULL) {
		snprintf(why, whylen, "no Maildir template after the pattern");
		return -1;
	}
	if (expand(tok, &check, path, sizeof path) != EXPAND_OK)
		return -1;
	if ((problem = path_problem(path, map->base, map->base_len)) != NULL) {
		say(why, whylen, "Maildir template \"%s\" %s \"%s\"", tok,
		    problem, map->base_len ? map->base : "/");
		return -1;
	}
	if ((ln->template = strdup(tok)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	while ((tok = strtok_r(NULL, " \t", &save)) != NULL)
		if (add_key(ln, tok, &check, why, whylen) < 0)
			return -1;
	return 0;
}

/* Postfix pcre_table(5) flags; each toggles, i is on by default. */
static int parse_flags(const char **p, uint32_t *opts, char *why,
    size_t whylen)
{
	static const struct { char c; uint32_t bit; } flags[] = {
		{ 'i', PCRE2_CASELESS }, { 'm', PCRE2_MULTILINE },
		{ 's', PCRE2_DOTALL }, { 'x', PCRE2_EXTENDED },
		{ 'A', PCRE2_ANCHORED }, { 'E', PCRE2_DOLLAR_ENDONLY },
		{ 'U', PCRE2_UNGREEDY },
	};

	*opts = PCRE2_CASELESS;
	for (; **p && !isspace((unsigned char)**p); (*p)++) {
		size_t i;

		for (i = 0; i < sizeof flags / sizeof flags[0]; i++)
			if (flags[i].c == **p)
				break;
		if (i == sizeof flags / sizeof flags[0]) {
			snprintf(why, whylen, "unknown flag '%c'", **p);
			return -1;
		}
		*opts ^= flags[i].bit;
	}
	return 0;
}

static int compile(struct map_line *ln, const char *re, size_t len,
    uint32_t opts, char *why, size_t whylen)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE offset;
	int errcode;

	ln->code = pcre2_compile((PCRE2_SPTR)re, len, opts, &errcode, &offset,
	    NULL);
	if (ln->code == NULL) {
		if (pcre2_get_error_message(errcode, msg, sizeof msg) < 0)
			strlcpy((char *)msg, "unknown PCRE2 error", sizeof msg);
		snprintf(why, whylen, "%s at offset %zu", (char *)msg,
		    (size_t)offset);
		return -1;
	}
	/* JIT is an optimisation: without it (or where it fails) the
	 * interpreter runs the same pattern under the same limits */
	(void)pcre2_jit_compile(ln->code, PCRE2_JIT_COMPLETE);
	pcre2_pattern_info(ln->code, PCRE2_INFO_CAPTURECOUNT, &ln->ngroups);
	return 0;
}

/* "[!]/re/flags template key=value..." (text has no leading blank). */
static int parse_rule(struct mailmap *map, struct map_line *ln, char *text,
    char *why, size_t whylen)
{
	char *p = text, delim;
	const char *flags;
	size_t start;
	uint32_t opts;

	if ((ln->negated = *p == '!'))
		p++;
	delim = *p;
	if (!ispunct((unsigned char)delim) || delim == '\\') {
		snprintf(why, whylen, "expected /pattern/flags");
		return -1;
	}
	start = (size_t)(++p - text);
	while (*p != delim) {
		if (*p == '\0') {
			snprintf(why, whylen, "no closing '%c'", delim);
			return -1;
		}
		p += p[0] == '\\' && p[1] != '\0' ? 2 : 1;
	}
	*p = '\0';
	flags = p + 1;
	if (parse_flags(&flags, &opts, why, whylen) < 0 ||
	    compile(ln, text + start, (size_t)(p - text) - start, opts, why,
	    whylen) < 0)
		return -1;
	return parse_fields(map, ln, (char *)flags, why, whylen);
}

static struct map_line *new_line(struct mailmap *map, unsigned lineno)
{
	if (map->nlines == map->cap) {
		size_t cap = map->cap ? map->cap * 2 : 16;
		struct map_line *l = reallocarray(map->lines, cap, sizeof *l);

		if (l == NULL)
			return NULL;
		map->lines = l;
		map->cap = cap;
	}
	memset(&map->lines[map->nlines], 0, sizeof map->lines[0]);
	map->lines[map->nlines].lineno = lineno;
	return &map->lines[map->nlines++];
}

static int load_line(struct mailmap *map, char *line, unsigned lineno,
    char *why, size_t whylen)
{
	char *text = line + strspn(line, " \t");
	size_t len = strlen(text);
	struct map_line *ln;

	while (len > 0 && isspace((unsigned char)text[len - 1]))
		text[--len] = '\0';
	if (*text == '\0' || *text == '#')
		return 0;
	if (text != line) {
		snprintf(why, whylen, "line starts with a blank (continuation "
		    "lines are not supported)");
		return -1;
	}
	if (strncmp(text, "if ", 3) == 0 || strcmp(text, "endif") == 0) {
		snprintf(why, whylen, "if/endif is not supported");
		return -1;
	}
	if ((ln = new_line(map, lineno)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	return parse_rule(map, ln, text, why, whylen);
}

static int load_file(struct mailmap *map, FILE *fp, char *err,
    size_t errlen)
{
	char *line = NULL, why[400];
	size_t cap = 0;
	unsigned lineno = 0;
	ssize_t len;
	int rc = 0;

	while (rc == 0 && (len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		why[0] = '\0';
		if ((size_t)len != strlen(line)) {
			snprintf(why, sizeof why, "NUL byte");
			rc = -1;
		} else {
			rc = load_line(map, line, lineno, why, sizeof why);
		}
		if (rc < 0)
			snprintf(err, errlen, "%s:%u: %s", map->path, lineno,
			    why);
	}
	if (rc == 0 && ferror(fp)) {
		snprintf(err, errlen, "%s: %s", map->path, strerror(errno));
		rc = -1;
	}
	free(line);
	return rc;
}

static int setup(struct mailmap *map, const char *path, const char *base,
    const char *delimiters, char *err, size_t errlen)
{
	char why[400];

	map->path = strdup(path);
	map->delimiters = strdup(delimiters ? delimiters : "");
	map->mctx = pcre2_match_context_create(NULL);
	if (!map->path || !map->delimiters || !map->mctx) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	pcre2_set_match_limit(map->mctx, MAILMAP_MATCH_LIMIT);
	pcre2_set_depth_limit(map->mctx, MAILMAP_DEPTH_LIMIT);
	pcre2_set_heap_limit(map->mctx, MAILMAP_HEAP_LIMIT);
	/* JIT code runs on its own stack (32 KiB by default); give it the
	 * room the interpreter's heap limit gives.  Without one, PCRE2 uses
	 * its default stack. */
	map->jit_stack = pcre2_jit_stack_create(32 * 1024,
	    MAILMAP_HEAP_LIMIT * 1024, NULL);
	if (map->jit_stack)
		pcre2_jit_stack_assign(map->mctx, NULL, map->jit_stack);
	if (set_base(map, base ? base : "", why, sizeof why) < 0) {
		snprintf(err, errlen, "%s: %s", path, why);
		return -1;
	}
	return 0;
}

int mailmap_load(struct mailmap **mapp, const char *path, const char *base,
    const char *delimiters, char *err, size_t errlen)
{
	struct mailmap *map = calloc(1, sizeof *map);
	FILE *fp = NULL;
	int rc = -1;

	*mapp = NULL;
	if (map == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (setup(map, path, base, delimiters, err, errlen) < 0)
		goto out;
	if ((fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = load_file(map, fp, err, errlen);
out:
	if (fp)
		fclose(fp);
	if (rc < 0)
		mailmap_free(map);
	else
		*mapp = map;
	return rc;
}

void mailmap_free(struct mailmap *map)
{
	if (map == NULL)
		return;
	for (size_t i = 0; i < map->nlines; i++) {
		struct map_line *ln = &map->lines[i];

		pcre2_code_free(ln->code);
		free(ln->template);
		for (size_t k = 0; k < ln->nkeys; k++) {
			free(ln->names[k]);
			free(ln->values[k]);
		}
	}
	free(map->lines);
	pcre2_match_context_free(map->mctx);
	pcre2_jit_stack_free(map->jit_stack);
	free(map->path);
	free(map->delimiters);
	free(map);
}

/* ---- lookup ---- */

/* %1h hashes the local part without its +detail (split at the first
 * recipient_delimiter character, as Postfix does), so user+list@ lands
 * beside user@; %1H adds "@domain". */
static void address_hashes(const char *address, const char *delimiters,
    struct expansion *x)
{
	const char *at = strrchr(address, '@');
	size_t local = at ? (size_t)(at - address) : strlen(address);
	size_t cut = strcspn(address, delimiters);
	uint32_t h;

	if (cut == 0 || cut > local)
		cut = local;
	h = mailmap_hash(address, cut);
	snprintf(x->local_hex, sizeof x->local_hex, "%08x", h);
	if (at)
		h = fnv1a_update(h, at, strlen(at));
	snprintf(x->address_hex, sizeof x->address_hex, "%08x", h);
}

/* 1: line matches (*nset group pairs in md), 0: it does not, -1: out of
 * memory. */
static int try_line(const struct mailmap *map, const struct map_line *ln,
    const char *address, pcre2_match_data *md, uint32_t *nset,
    struct mailmap_result *res)
{
	int rc = pcre2_match(ln->code, (PCRE2_SPTR)address, strlen(address),
	    0, 0, md, map->mctx);

	if (rc == PCRE2_ERROR_NOMEMORY)
		return -1;
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
		/* over a match, depth, heap or JIT stack limit (or any other
		 * failure to decide): a hostile address does not get this
		 * line, and the admin hears of it */
		if (res->limited++ == 0)
			res->limited_line = ln->lineno;
		return 0;
	}
	*nset = rc > 0 && !ln->negated ? (uint32_t)rc : 0;
	return ln->negated ? rc == PCRE2_ERROR_NOMATCH : rc >= 0;
}

static int unknown(struct outcome *out, const char *address,
    const struct mailmap *map, const struct map_line *ln, const char *why)
{
	return fail(out, EX_NOUSER, "unknown user %s (%s:%u: %s)", address,
	    map->path, ln->lineno, why);
}

/* The matching line's Maildir and keys, from the groups in md. */
static int fill_result(const struct mailmap *map, const struct map_line *ln,
    const char *address, pcre2_match_data *md, uint32_t nset,
    struct mailmap_result *res, struct outcome *out)
{
	char why[400];
	struct expansion x = {
		.subject = address, .ovector = pcre2_get_ovector_pointer(md),
		.nset = nset,
		.line = ln, .why = why, .whylen = sizeof why,
	};
	const char *problem;

	address_hashes(address, map->delimiters, &x);
	res->line = ln->lineno;
	if (expand(ln->template, &x, res->maildir, sizeof res->maildir) !=
	    EXPAND_OK)
		return unknown(out, address, map, ln, why);
	if ((problem = path_problem(res->maildir, map->base,
	    map->base_len)) != NULL)
		return unknown(out, address, map, ln, problem);
	for (size_t k = 0; k < ln->nkeys; k++) {
		strlcpy(res->keys[k].name, ln->names[k], MAILMAP_KEY_MAX);
		if (expand(ln->values[k], &x, res->keys[k].value,
		    MAILMAP_VALUE_MAX) != EXPAND_OK ||
		    value_ok(ln->names[k], res->keys[k].value, why,
		    sizeof why) < 0)
			return unknown(out, address, map, ln, why);
	}
	res->nkeys = ln->nkeys;
	return 0;
}

int mailmap_lookup(const struct mailmap *map, const char *address,
    struct mailmap_result *res, struct outcome *out)
{
	memset(res, 0, sizeof *res);
	for (size_t i = 0; i < map->nlines; i++) {
		const struct map_line *ln = &map->lines[i];
		pcre2_match_data *md =
		    pcre2_match_data_create_from_pattern(ln->code, NULL);
		uint32_t nset = 0;
		int rc;

		if (md == NULL)
			return fail(out, EX_TEMPFAIL, "out of memory");
		rc = try_line(map, ln, address, md, &nset, res);
		if (rc > 0)
			rc = fill_result(map, ln, address, md, nset, res,
			    out) < 0 ? -2 : 1;
		pcre2_match_data_free(md);
		if (rc == -1)
			return fail(out, EX_TEMPFAIL, "%s:%u: PCRE2 out of "
			    "memory", map->path, ln->lineno);
		if (rc == -2)
			return -1;
		if (rc == 1)
			return 0;
	}
	return fail(out, EX_NOUSER, "unknown user %s", address);
}

/* ---- for main() ---- */

static int apply_keys(const struct mailmap_result *res, struct config *cfg,
    struct outcome *out)
{
	char why[400];

	for (size_t k = 0; k < res->nkeys; k++)
		if (config_key_exists(res->keys[k].name) &&
		    config_set(cfg, res->keys[k].name, res->keys[k].value, why,
		    sizeof why) < 0)
			return fail(out, EX_TEMPFAIL, "mailbox_map: %s", why);
	return 0;
}

/* One level below dirfd, made if missing (and its parent synced, so the
 * new entry survives a crash), opened without following a symlink. */
static int step_into(int dirfd, const char *name, struct outcome *out)
{
	int fd;

	if (mkdirat(dirfd, name, 0700) == 0) {
		if (maildir_fsync_dir(dirfd) < 0)
			return fail_errno(out, errno, "cannot sync directory "
			    "of %s", name);
	} else if (errno != EEXIST) {
		return fail_errno(out, errno, "cannot create %s", name);
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return fail_errno(out, errno, "cannot open %s", name);
	return fd;
}

/* The hashed levels between mailbox_base (which must exist: a missing base
 * is an unmounted file system, not something to recreate) and the
 * Maildir, which maildir_open() creates itself. */
static int make_parents(const char *base, const char *maildir,
    struct outcome *out)
{
	size_t base_len = strlen(base);
	const char *p, *slash;
	char name[NAME_MAX + 1];
	int fd;

	while (base_len > 1 && base[base_len - 1] == '/')
		base_len--;
	if ((fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return fail_errno(out, errno, "cannot open mailbox_base %s",
		    base);
	p = maildir + (base_len == 1 ? 1 : base_len + 1);
	while ((slash = strchr(p, '/')) != NULL) {
		int next;

		if ((size_t)(slash - p) >= sizeof name) {
			close(fd);
			return fail(out, EX_TEMPFAIL, "path level too long");
		}
		strlcpy(name, p, (size_t)(slash - p) + 1);
		next = step_into(fd, name, out);
		close(fd);
		if (next < 0)
			return -1;
		fd = next;
		p = slash + 1;
	}
	close(fd);
	return 0;
}

int mailmap_resolve(struct config *cfg, const char *address,
    bool make_parent_dirs, struct mailmap_result *res, struct outcome *out)
{
	struct mailmap *map = NULL;
	int rc = mailmap_resolve_cached(&map, cfg, address, make_parent_dirs,
	    res, out);

	mailmap_free(map);
	return rc;
}

int mailmap_resolve_cached(struct mailmap **cache, struct config *cfg,
    const char *address, bool make_parent_dirs, struct mailmap_result *res,
    struct outcome *out)
{
	struct mailmap *map = *cache;
	char err[600], shown[600];
	int rc;

	if (cfg->mailbox_map == NULL || cfg->mailbox_map[0] == '\0')
		return fail(out, EX_USAGE, "no mailbox_map is configured");
	if (map == NULL && mailmap_load(&map, cfg->mailbox_map,
	    cfg->mailbox_base, cfg->recipient_delimiter, err, sizeof err) < 0)
		return fail(out, EX_TEMPFAIL, "%s", err);
	*cache = map;
	rc = mailmap_lookup(map, address, res, out);
	if (res->limited)
		log_line(LOG_WARNING, "%s:%u: PCRE2 match limit hit for <%s>, "
		    "line skipped (%u line(s) in all)", map->path,
		    res->limited_line, log_escape(address, shown, sizeof shown),
		    res->limited);
	if (rc < 0 || apply_keys(res, cfg, out) < 0)
		return -1;
	if (make_parent_dirs && make_parents(cfg->mailbox_base, res->maildir,
	    out) < 0)
		return -1;
	return 0;
}

void mailmap_print(const struct mailmap_result *res, FILE *to)
{
	fprintf(to, "%s\n", res->maildir);
	for (size_t k = 0; k < res->nkeys; k++)
		fprintf(to, "%s=%s\n", res->keys[k].name, res->keys[k].value);
}
