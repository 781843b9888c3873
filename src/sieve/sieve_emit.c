/* sieve_emit.c: re-emit a checked script in the form libsieve 2.2.6 reads. */
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sieve_check.h"
#include "sieve_emit.h"
#include "sieve_lex.h"

/* The output may grow past the input (escapes, marks); never this far. */
#define EMIT_MAX (4 * SIEVE_SOURCE_MAX)

/* How libsieve will treat a string. */
enum strctx {
	CTX_RAW,      /* compared as read: write the value itself */
	CTX_ESCAPED   /* unescaped by the adapter: write it escaped */
};

struct emitter {
	struct sieve_emit_result *res;
	char *buf;
	size_t len, cap;
	unsigned line;               /* current output line, 1-based */
	bool failed;
	bool need_regex;             /* some :matches becomes :regex */
	bool regex_required;         /* "regex" is in the emitted require */
};

static int refuse(struct emitter *e, struct sieve_pos pos, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static int refuse(struct emitter *e, struct sieve_pos pos, const char *fmt,
    ...)
{
	va_list ap;

	if (e->failed)
		return -1;
	e->failed = true;
	e->res->error.pos = pos;
	va_start(ap, fmt);
	(void)vsnprintf(e->res->error.msg, sizeof e->res->error.msg, fmt, ap);
	va_end(ap);
	return -1;
}

static int put(struct emitter *e, const char *s, size_t n)
{
	if (e->failed)
		return -1;
	if (e->len + n + 1 > e->cap) {
		size_t cap = e->cap ? e->cap : 4096;
		char *nb;

		while (cap < e->len + n + 1)
			cap *= 2;
		if (cap > EMIT_MAX ||
		    (nb = realloc(e->buf, cap)) == NULL)
			return refuse(e, (struct sieve_pos){ 1, 1 },
			    "out of memory writing the script for libsieve");
		e->buf = nb;
		e->cap = cap;
	}
	memcpy(e->buf + e->len, s, n);
	e->len += n;
	e->buf[e->len] = '\0';
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			e->line++;
	return 0;
}

static int puts_(struct emitter *e, const char *s)
{
	return put(e, s, strlen(s));
}

/* Start a node on its own source line when the output has not passed it,
 * so libsieve's line numbers point into the user's script. */
static int sync_line(struct emitter *e, struct sieve_pos pos)
{
	while (e->line < pos.line)
		if (put(e, "\n", 1) == -1)
			return -1;
	return puts_(e, " ");
}

/* ---- strings ---- */

/* Whether value[i] is the CR of a CRLF.  The lexer gives every line end
 * in a string as CRLF (Pigeonhole's reading); libsieve is handed LF, as
 * the scripts it ran were written. */
static bool crlf_cr(const char *value, size_t len, size_t i)
{
	return value[i] == '\r' && i + 1 < len && value[i + 1] == '\n';
}

/* value[0..len) with each CRLF as LF. */
static int put_lf(struct emitter *e, const char *value, size_t len)
{
	size_t from = 0;

	for (size_t i = 0; i < len; i++)
		if (crlf_cr(value, len, i)) {
			if (put(e, value + from, i - from) == -1)
				return -1;
			from = i + 1;
		}
	return put(e, value + from, len - from);
}

static int emit_raw(struct emitter *e, const struct sieve_string *s,
    const char *value, size_t len)
{
	if (memchr(value, '"', len) != NULL)
		return refuse(e, s->pos, "libsieve 2.2.6 cannot compare a "
		    "string holding a double quote (\")");
	if (len > 0 && value[len - 1] == '\\')
		return refuse(e, s->pos, "libsieve 2.2.6 cannot compare a "
		    "string ending in a backslash");
	if (memchr(value, '\\', len) != NULL)
		e->res->rewrites |= SIEVE_RW_STRING;
	if (put(e, "\"", 1) == -1 || put_lf(e, value, len) == -1)
		return -1;
	return put(e, "\"", 1);
}

/* A text: block: dot-stuffed, backslashes doubled for the adapter's
 * unescaping.  value ends with '\n'. */
static int emit_text(struct emitter *e, const char *value, size_t len)
{
	bool bol = true;

	if (puts_(e, "text:\n") == -1)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (crlf_cr(value, len, i))
			continue;
		if (bol && value[i] == '.' && put(e, ".", 1) == -1)
			return -1;
		if (value[i] == '\\' && put(e, "\\", 1) == -1)
			return -1;
		if (put(e, value + i, 1) == -1)
			return -1;
		bol = value[i] == '\n';
	}
	return puts_(e, ".\n");
}

static int emit_escaped(struct emitter *e, const struct sieve_string *s,
    const char *prefix)
{
	const char *v = s->value;
	size_t len = s->len;

	if (len > 0 && v[len - 1] == '\n' && *prefix == '\0')
		return emit_text(e, v, len);
	if (len > 0 && v[len - 1] == '\\')
		return refuse(e, s->pos, "libsieve 2.2.6 cannot read a string "
		    "ending in a backslash");
	if (put(e, "\"", 1) == -1 || puts_(e, prefix) == -1)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (crlf_cr(v, len, i))
			continue;
		if ((v[i] == '\\' || v[i] == '"') && put(e, "\\", 1) == -1)
			return -1;
		if (put(e, v + i, 1) == -1)
			return -1;
	}
	return put(e, "\"", 1);
}

static int emit_string(struct emitter *e, const struct sieve_string *s,
    enum strctx ctx)
{
	if (sync_line(e, s->pos) == -1)
		return -1;
	if (ctx == CTX_RAW)
		return emit_raw(e, s, s->value, s->len);
	return emit_escaped(e, s, "");
}

/* A header name: a trailing ':' (or several) is dropped. */
static int emit_header_name(struct emitter *e, const struct sieve_string *s)
{
	size_t len = s->len;

	while (len > 0 && s->value[len - 1] == ':')
		len--;
	if (len != s->len)
		e->res->rewrites |= SIEVE_RW_COLON;
	if (sync_line(e, s->pos) == -1)
		return -1;
	return emit_raw(e, s, s->value, len);
}

static int emit_list(struct emitter *e, const struct sieve_arg *a,
    enum strctx ctx, bool header_names)
{
	if (a->kind == SIEVE_ARG_LIST && puts_(e, " [") == -1)
		return -1;
	for (const struct sieve_string *s = a->strings; s; s = s->next) {
		if (s != a->strings && puts_(e, ",") == -1)
			return -1;
		if ((header_names ? emit_header_name(e, s) :
		    emit_string(e, s, ctx)) == -1)
			return -1;
	}
	return a->kind == SIEVE_ARG_LIST ? puts_(e, " ]") : 0;
}

/* ---- arguments ---- */

static int emit_number(struct emitter *e, const struct sieve_arg *a)
{
	char num[32];
	uint64_t n = a->number;

	if (n > INT_MAX) {
		n = INT_MAX;
		e->res->rewrites |= SIEVE_RW_NUMBER;
	}
	(void)snprintf(num, sizeof num, "%llu", (unsigned long long)n);
	if (sync_line(e, a->pos) == -1)
		return -1;
	return puts_(e, num);
}

static int emit_tag(struct emitter *e, const struct sieve_arg *a)
{
	if (sync_line(e, a->pos) == -1 || puts_(e, ":") == -1)
		return -1;
	return puts_(e, a->tag);
}

/* A relational operator, lower-cased: libsieve compares it exactly. */
static int emit_relop(struct emitter *e, const struct sieve_arg *a)
{
	char op[3] = { 0 };

	if (a->strings->len != 2)
		return emit_list(e, a, CTX_RAW, false);
	op[0] = (char)(a->strings->value[0] | 0x20);
	op[1] = (char)(a->strings->value[1] | 0x20);
	if (sync_line(e, a->strings->pos) == -1 || puts_(e, "\"") == -1 ||
	    puts_(e, op) == -1)
		return -1;
	return puts_(e, "\"");
}

/* ---- keys libsieve cannot match as written ----
 *
 * libsieve 2.2.6 never matches an escaped '*' or '?' literally (LIBSIEVE.md
 * 5), and its lexer cannot read a string ending in a backslash.  Such a
 * test becomes the equivalent anchored :regex (libsieve always has regex;
 * its :regex honours the comparator as the other match types do):
 *
 *   :matches  '*' -> ".*", '?' -> ".", an escaped character -> itself;
 *   :is       the key itself;
 *   :contains the key between ".*" and ".*";
 *
 * every regex metacharacter escaped, the whole between "^" and "$" so that
 * no backslash comes right before the closing quote. */

enum rx { RX_NONE, RX_IS, RX_CONTAINS, RX_MATCHES };

static bool has_escaped_wildcard(const struct sieve_string *s)
{
	for (size_t i = 0; i + 1 < s->len; i++) {
		if (s->value[i] != '\\')
			continue;
		if (s->value[i + 1] == '*' || s->value[i + 1] == '?')
			return true;
		i++;
	}
	return false;
}

static bool ends_in_backslash(const struct sieve_string *s)
{
	return s->len > 0 && s->value[s->len - 1] == '\\';
}

/* Keys libsieve's lexer cannot carry as written: ending in a backslash,
 * or holding a double quote (libsieve would compare the backslash of its
 * escape too). */
static bool unwritable_key(const struct sieve_string *s)
{
	return ends_in_backslash(s) || memchr(s->value, '"', s->len) != NULL;
}

/* The match type of a comparing test as an rx form (RX_NONE for :regex,
 * :count and :value), and its key list in *keys. */
static enum rx match_form(const struct sieve_test *t,
    const struct sieve_arg **keys)
{
	enum rx form = RX_IS;       /* RFC 5228 section 2.7.1: the default */

	*keys = NULL;
	if (strcmp(t->name, "header") != 0 && strcmp(t->name, "address") != 0 &&
	    strcmp(t->name, "envelope") != 0)
		return RX_NONE;
	for (const struct sieve_arg *a = t->args; a; a = a->next) {
		if (a->kind != SIEVE_ARG_TAG) {
			if (a->kind != SIEVE_ARG_NUMBER)
				*keys = a;   /* the last list: the keys */
			continue;
		}
		if (strcmp(a->tag, "contains") == 0)
			form = RX_CONTAINS;
		else if (strcmp(a->tag, "matches") == 0)
			form = RX_MATCHES;
		else if (strcmp(a->tag, "regex") == 0 ||
		    strcmp(a->tag, "count") == 0 ||
		    strcmp(a->tag, "value") == 0)
			form = RX_NONE;
		else if (strcmp(a->tag, "comparator") == 0 && a->next)
			a = a->next;     /* its name is not a key */
	}
	return *keys ? form : RX_NONE;
}

/* The form a test's keys must be rewritten to (RX_NONE: as written). */
static enum rx regex_rewrite(const struct sieve_test *t,
    const struct sieve_arg **keys)
{
	enum rx form = match_form(t, keys);

	if (form == RX_NONE)
		return RX_NONE;
	for (const struct sieve_string *s = (*keys)->strings; s; s = s->next)
		if (unwritable_key(s) ||
		    (form == RX_MATCHES && has_escaped_wildcard(s)))
			return form;
	return RX_NONE;
}

static bool tests_need_regex(const struct sieve_test *t)
{
	const struct sieve_arg *keys;

	for (; t; t = t->next)
		if (regex_rewrite(t, &keys) != RX_NONE ||
		    tests_need_regex(t->tests))
			return true;
	return false;
}

static bool commands_need_regex(const struct sieve_command *c)
{
	for (; c; c = c->next)
		if (tests_need_regex(c->tests) || commands_need_regex(c->block))
			return true;
	return false;
}

static int emit_pattern_as_regex(struct emitter *e,
    const struct sieve_string *s, enum rx form)
{
	const char *v = s->value;

	if (sync_line(e, s->pos) == -1 ||
	    puts_(e, form == RX_CONTAINS ? "\"^.*" : "\"^") == -1)
		return -1;
	for (size_t i = 0; i < s->len; i++) {
		if (form == RX_MATCHES && (v[i] == '*' || v[i] == '?')) {
			if (puts_(e, v[i] == '*' ? ".*" : ".") == -1)
				return -1;
			continue;
		}
		if (form == RX_MATCHES && v[i] == '\\' && i + 1 < s->len)
			i++;
		/* '"' escaped too: libsieve's lexer reads \" as part of the
		 * string, its regex engine as a literal '"' */
		if (strchr(".[]()*+?{}|^$\\\"", v[i]) != NULL &&
		    put(e, "\\", 1) == -1)
			return -1;
		if (put(e, v + i, 1) == -1)
			return -1;
	}
	return puts_(e, form == RX_CONTAINS ? ".*$\"" : "$\"");
}

static int emit_regex_keys(struct emitter *e, const struct sieve_arg *a,
    enum rx form)
{
	bool backslash = false;

	for (const struct sieve_string *s = a->strings; s; s = s->next)
		backslash |= unwritable_key(s);
	e->res->rewrites |= backslash ? SIEVE_RW_BACKSLASH : SIEVE_RW_MATCHES;
	if (a->kind == SIEVE_ARG_LIST && puts_(e, " [") == -1)
		return -1;
	for (const struct sieve_string *s = a->strings; s; s = s->next) {
		if (s != a->strings && puts_(e, ",") == -1)
			return -1;
		if (emit_pattern_as_regex(e, s, form) == -1)
			return -1;
	}
	return a->kind == SIEVE_ARG_LIST ? puts_(e, " ]") : 0;
}

static bool is_match_tag(const char *tag)
{
	return strcmp(tag, "is") == 0 || strcmp(tag, "contains") == 0 ||
	    strcmp(tag, "matches") == 0;
}

/* Arguments of a test.  first_headers: the first positional string list
 * holds header names (address, header, exists). */
static int emit_test_args(struct emitter *e, const struct sieve_test *t,
    bool first_headers, enum strctx keys)
{
	bool positional = false, tagged = false;
	const struct sieve_arg *regex_keys;
	enum rx form = regex_rewrite(t, &regex_keys);

	if (form == RX_NONE)
		regex_keys = NULL;
	for (const struct sieve_arg *a = t->args; a; a = a->next) {
		if (regex_keys && !tagged && a->kind != SIEVE_ARG_TAG) {
			/* the default :is, written out as :regex */
			if (puts_(e, " :regex") == -1)
				return -1;
			tagged = true;
		}
		if (a->kind == SIEVE_ARG_TAG && regex_keys &&
		    is_match_tag(a->tag)) {
			if (sync_line(e, a->pos) == -1 ||
			    puts_(e, ":regex") == -1)
				return -1;
			tagged = true;
		} else if (a == regex_keys) {
			if (emit_regex_keys(e, a, form) == -1)
				return -1;
		} else if (a->kind == SIEVE_ARG_TAG) {
			if (emit_tag(e, a) == -1)
				return -1;
			if ((strcmp(a->tag, "count") == 0 ||
			    strcmp(a->tag, "value") == 0) && a->next) {
				a = a->next;
				if (emit_relop(e, a) == -1)
					return -1;
			} else if (strcmp(a->tag, "comparator") == 0 &&
			    a->next) {
				a = a->next;
				if (emit_list(e, a, CTX_RAW, false) == -1)
					return -1;
			}
		} else if (a->kind == SIEVE_ARG_NUMBER) {
			if (emit_number(e, a) == -1)
				return -1;
		} else {
			if (emit_list(e, a, positional ? keys : CTX_RAW,
			    first_headers && !positional) == -1)
				return -1;
			positional = true;
		}
	}
	return 0;
}

/* hasflag: :is is the default and may go; libsieve crashes on the other
 * match types.  Flags are written as the flag actions write them. */
static int emit_hasflag(struct emitter *e, const struct sieve_test *t)
{
	for (const struct sieve_arg *a = t->args; a; a = a->next) {
		if (a->kind != SIEVE_ARG_TAG)
			continue;
		if (strcmp(a->tag, "is") == 0) {
			e->res->rewrites |= SIEVE_RW_HASFLAG;
			continue;
		}
		if (strcmp(a->tag, "comparator") != 0)
			return refuse(e, a->pos, "`hasflag :%s` is not "
			    "supported: libsieve 2.2.6 crashes on a match "
			    "type in hasflag (only the default :is works)",
			    a->tag);
	}
	for (const struct sieve_arg *a = t->args; a; a = a->next) {
		if (a->kind == SIEVE_ARG_TAG && strcmp(a->tag, "is") == 0)
			continue;
		if (a->kind == SIEVE_ARG_TAG) {
			if (emit_tag(e, a) == -1)
				return -1;
			continue;
		}
		if (emit_list(e, a, a->next ? CTX_RAW : CTX_ESCAPED,
		    false) == -1)
			return -1;
	}
	return 0;
}

static int emit_tests(struct emitter *e, const struct sieve_test *t,
    bool list);

static int emit_test(struct emitter *e, const struct sieve_test *t)
{
	const char *n = t->name;

	if (sync_line(e, t->pos) == -1 || puts_(e, n) == -1)
		return -1;
	if (strcmp(n, "hasflag") == 0)
		return emit_hasflag(e, t);
	if (strcmp(n, "valid_notif_method") == 0)
		return refuse(e, t->pos, "`valid_notif_method` is not "
		    "supported: libsieve 2.2.6 cannot parse it");
	if (emit_test_args(e, t, strcmp(n, "address") == 0 ||
	    strcmp(n, "header") == 0 || strcmp(n, "exists") == 0,
	    CTX_RAW) == -1)
		return -1;
	return emit_tests(e, t->tests, t->test_list);
}

static int emit_tests(struct emitter *e, const struct sieve_test *t,
    bool list)
{
	if (t == NULL)
		return 0;
	if (list && puts_(e, " (") == -1)
		return -1;
	for (; t; t = t->next) {
		if (emit_test(e, t) == -1)
			return -1;
		if (t->next && puts_(e, ",") == -1)
			return -1;
	}
	return list ? puts_(e, " )") : 0;
}

/* ---- commands ---- */

/* The require list libsieve accepts; nothing when nothing is left. */
static int emit_require(struct emitter *e, const struct sieve_command *c)
{
	unsigned done = 0;
	bool first = true;

	for (const struct sieve_string *s = c->args->strings; s; s = s->next) {
		unsigned bit = sieve_ext_bit(s->value);

		if (bit == SIEVE_EXT_IMAPFLAGS) {
			e->res->rewrites |= SIEVE_RW_IMAPFLAGS;
			bit = SIEVE_EXT_IMAP4FLAGS;
		}
		if (bit == SIEVE_EXT_COPY || bit == SIEVE_EXT_MAILBOX ||
		    (done & bit))
			continue;
		done |= bit;
		if (first && (sync_line(e, c->pos) == -1 ||
		    puts_(e, "require [") == -1))
			return -1;
		if (!first && puts_(e, ",") == -1)
			return -1;
		first = false;
		if (puts_(e, " \"") == -1 ||
		    puts_(e, bit == SIEVE_EXT_IMAP4FLAGS ? "imap4flags" :
		    s->value) == -1 || puts_(e, "\"") == -1)
			return -1;
	}
	if (e->need_regex && !e->regex_required && !(done & SIEVE_EXT_REGEX)) {
		if ((first && (sync_line(e, c->pos) == -1 ||
		    puts_(e, "require [") == -1)) ||
		    (!first && puts_(e, ",") == -1))
			return -1;
		first = false;
		if (puts_(e, " \"regex\"") == -1)
			return -1;
	}
	e->regex_required = true;
	return first ? 0 : puts_(e, " ];");
}

/* The mark for fileinto/redirect tags deliver carries. */
static void carried_marks(struct emitter *e, const struct sieve_command *c,
    char *mark, size_t len)
{
	size_t n = 0;

	mark[0] = '\0';
	for (const struct sieve_arg *a = c->args; a; a = a->next) {
		if (a->kind != SIEVE_ARG_TAG)
			continue;
		if (strcmp(a->tag, "copy") == 0) {
			e->res->rewrites |= SIEVE_RW_COPY;
			e->res->ncopy++;
			if (n + 1 < len)
				mark[n++] = 'c';
		} else if (strcmp(a->tag, "create") == 0) {
			e->res->rewrites |= SIEVE_RW_CREATE;
			e->res->ncreate++;
			if (n + 1 < len)
				mark[n++] = 'm';
		}
	}
	mark[n] = '\0';
}

/* fileinto and redirect: carried tags become a mark on the target. */
static int emit_target_action(struct emitter *e,
    const struct sieve_command *c)
{
	char letters[4], prefix[8] = "";
	const struct sieve_arg *target = NULL;

	carried_marks(e, c, letters, sizeof letters);
	if (letters[0] != '\0')
		(void)snprintf(prefix, sizeof prefix, "%c%s%c", SIEVE_MARK,
		    letters, SIEVE_MARK);
	for (const struct sieve_arg *a = c->args; a; a = a->next) {
		if (a->kind == SIEVE_ARG_TAG &&
		    (strcmp(a->tag, "copy") == 0 ||
		    strcmp(a->tag, "create") == 0))
			continue;
		if (a->kind == SIEVE_ARG_TAG) {
			if (a->next == NULL)
				return refuse(e, a->pos, "`:%s` without a value",
				    a->tag);
			if (emit_tag(e, a) == -1 ||
			    emit_list(e, a->next, CTX_ESCAPED, false) == -1)
				return -1;
			a = a->next;     /* :flags and its list */
			continue;
		}
		target = a;
	}
	if (target == NULL)
		return 0;
	if (target->strings->value[0] == SIEVE_MARK)
		return refuse(e, target->strings->pos, "a control character "
		    "(0x01) cannot start a mailbox name or an address");
	if (sync_line(e, target->strings->pos) == -1)
		return -1;
	return emit_escaped(e, target->strings, prefix);
}

/* Commands whose strings all reach an action callback. */
static int emit_action_args(struct emitter *e, const struct sieve_command *c)
{
	for (const struct sieve_arg *a = c->args; a; a = a->next) {
		int rc;

		if (a->kind == SIEVE_ARG_TAG)
			rc = emit_tag(e, a);
		else if (a->kind == SIEVE_ARG_NUMBER)
			rc = emit_number(e, a);
		else
			rc = emit_list(e, a, CTX_ESCAPED, false);
		if (rc == -1)
			return -1;
	}
	return 0;
}

static int emit_commands(struct emitter *e, const struct sieve_command *c);

static int emit_command(struct emitter *e, const struct sieve_command *c)
{
	int rc;

	if (strcmp(c->name, "require") == 0)
		return emit_require(e, c);
	if (sync_line(e, c->pos) == -1 || puts_(e, c->name) == -1)
		return -1;
	if (strcmp(c->name, "fileinto") == 0 ||
	    strcmp(c->name, "redirect") == 0)
		rc = emit_target_action(e, c);
	else
		rc = emit_action_args(e, c);
	if (rc == -1 || emit_tests(e, c->tests, c->test_list) == -1)
		return -1;
	if (!c->has_block)
		return puts_(e, ";");
	if (puts_(e, " {") == -1 || emit_commands(e, c->block) == -1)
		return -1;
	return puts_(e, " }");
}

static int emit_commands(struct emitter *e, const struct sieve_command *c)
{
	for (; c; c = c->next)
		if (emit_command(e, c) == -1)
			return -1;
	return 0;
}

/* Whether anything besides require is there to run. */
static bool only_require(const struct sieve_script *script)
{
	for (const struct sieve_command *c = script->commands; c; c = c->next)
		if (strcmp(c->name, "require") != 0)
			return false;
	return true;
}

int sieve_emit_libsieve(const struct sieve_script *script,
    struct sieve_emit_result *res)
{
	struct emitter e = { .res = res, .line = 1 };

	memset(res, 0, sizeof *res);
	if (script->mixed_case)
		res->rewrites |= SIEVE_RW_CASE;
	e.need_regex = commands_need_regex(script->commands);
	if (e.need_regex && strcmp(script->commands->name, "require") != 0) {
		e.regex_required = true;
		if (puts_(&e, " require \"regex\";") == -1) {
			free(e.buf);
			return -1;
		}
	}
	if (only_require(script)) {
		if (script->ncommands > 0)
			res->rewrites |= SIEVE_RW_REQUIRE;
	} else if (emit_commands(&e, script->commands) == -1) {
		free(e.buf);
		return -1;
	}
	if (put(&e, "\n", 1) == -1) {
		free(e.buf);
		return -1;
	}
	res->script = e.buf;
	res->len = e.len;
	return 0;
}

void sieve_emit_result_free(struct sieve_emit_result *res)
{
	free(res->script);
	res->script = NULL;
	res->len = 0;
}

void sieve_rewrites_describe(unsigned rewrites, char *buf, size_t len)
{
	static const struct { unsigned bit; const char *text; } what[] = {
		{ SIEVE_RW_CASE, "names lower-cased" },
		{ SIEVE_RW_IMAPFLAGS, "imapflags -> imap4flags" },
		{ SIEVE_RW_COLON, "':' removed from header names" },
		{ SIEVE_RW_COPY, ":copy carried by deliver" },
		{ SIEVE_RW_CREATE, ":create carried by deliver" },
		{ SIEVE_RW_REQUIRE, "require-only script emptied" },
		{ SIEVE_RW_STRING, "strings re-quoted" },
		{ SIEVE_RW_NUMBER, "numbers clamped to 2147483647" },
		{ SIEVE_RW_HASFLAG, "hasflag :is -> hasflag" },
		{ SIEVE_RW_MATCHES, ":matches with escaped wildcards -> "
		  ":regex" },
		{ SIEVE_RW_BACKSLASH, "keys with '\"' or a final '\\' -> "
		  ":regex" },
	};

	if (len == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof what / sizeof what[0]; i++) {
		if (!(rewrites & what[i].bit))
			continue;
		if (buf[0] != '\0')
			(void)strlcat(buf, ", ", len);
		(void)strlcat(buf, what[i].text, len);
	}
}

const char *sieve_mark_strip(const char *value, unsigned *marks)
{
	const char *p = value + 1;

	*marks = 0;
	if (value[0] != SIEVE_MARK)
		return value;
	for (; *p == 'c' || *p == 'm'; p++)
		*marks |= *p == 'c' ? SIEVE_MARK_COPY : SIEVE_MARK_CREATE;
	if (*p != SIEVE_MARK) {
		*marks = 0;
		return value;
	}
	return p + 1;
}
