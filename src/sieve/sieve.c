/* sieve.c: the libsieve adapter (see sieve.h). */
#include "sieve.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stddef.h>
#include <sieve2.h>

#include "rfc2047.h"
#include "sieve_emit.h"

/* State of one evaluation, handed to every callback as user data. */
struct eval {
	const char *script;
	const struct sieve_env *env;
	struct sieve_result *res;
	char **allocs;          /* everything we handed to libsieve */
	size_t nallocs, capallocs;
	size_t actions;
	bool nomem;
};

int sieve_msgs_add(struct sieve_msgs *m, const char *fmt, ...)
{
	char line[SIEVE_MSG_MAX], **items;
	va_list ap;

	if (m->count >= SIEVE_MSGS_MAX)
		return 0;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	items = reallocarray(m->items, m->count + 1, sizeof *items);
	if (items == NULL)
		return -1;
	m->items = items;
	if ((m->items[m->count] = strdup(line)) == NULL)
		return -1;
	m->count++;
	return 0;
}

void sieve_msgs_free(struct sieve_msgs *m)
{
	for (size_t i = 0; i < m->count; i++)
		free(m->items[i]);
	free(m->items);
	m->items = NULL;
	m->count = 0;
}

void sieve_result_free(struct sieve_result *res)
{
	plan_free(&res->plan);
	sieve_msgs_free(&res->errors);
	sieve_msgs_free(&res->notes);
	sieve_msgs_free(&res->trace);
	sieve_msgs_free(&res->marks);
	free(res->flags);
	res->flags = NULL;
	free(res->edits);
	res->edits = NULL;
}

char *sieve_unescape(const char *s)
{
	size_t len = strlen(s);
	char *out = malloc(len + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (; *s; s++) {
		if (*s == '\\' && s[1] != '\0')
			s++;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

char sieve_flag_letter(const char *flag)
{
	static const struct { const char *name; char letter; } map[] = {
		{ "\\Seen", 'S' }, { "\\Answered", 'R' }, { "\\Flagged", 'F' },
		{ "\\Deleted", 'T' }, { "\\Draft", 'D' },
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcasecmp(flag, map[i].name) == 0)
			return map[i].letter;
	return 0;
}

/* Add the flags of one (unescaped) list entry: IMAP lets one string hold
 * several flags separated by spaces. */
static void add_flag_words(char *entry, char *out, size_t outlen,
    struct sieve_msgs *notes)
{
	char *save = NULL;

	for (char *w = strtok_r(entry, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save)) {
		char letter = sieve_flag_letter(w), one[2] = { letter, '\0' };

		if (letter == 0)
			sieve_msgs_add(notes, "flag \"%s\" is not a Maildir "
			    "flag: dropped", w);
		else if (strchr(out, letter) == NULL)
			strlcat(out, one, outlen);
	}
}

static int cmp_char(const void *a, const void *b)
{
	return *(const char *)a - *(const char *)b;
}

void sieve_flags_to_maildir(char **flags, char *out, size_t outlen,
    struct sieve_msgs *notes)
{
	if (outlen == 0)
		return;
	out[0] = '\0';
	for (size_t i = 0; flags != NULL && flags[i] != NULL; i++) {
		char *entry = sieve_unescape(flags[i]);

		if (entry == NULL)
			continue;
		add_flag_words(entry, out, outlen, notes);
		free(entry);
	}
	qsort(out, strlen(out), 1, cmp_char);
}

/* Keep p until the evaluation ends: libsieve reads our values later. */
static void *keep_alloc(struct eval *ev, void *p)
{
	if (p == NULL) {
		ev->nomem = true;
		return NULL;
	}
	if (ev->nallocs == ev->capallocs) {
		size_t cap = ev->capallocs ? ev->capallocs * 2 : 64;
		char **grown = reallocarray(ev->allocs, cap, sizeof *grown);

		if (grown == NULL) {
			free(p);
			ev->nomem = true;
			return NULL;
		}
		ev->allocs = grown;
		ev->capallocs = cap;
	}
	ev->allocs[ev->nallocs++] = p;
	return p;
}

static void free_allocs(struct eval *ev)
{
	for (size_t i = 0; i < ev->nallocs; i++)
		free(ev->allocs[i]);
	free(ev->allocs);
	ev->allocs = NULL;
	ev->nallocs = ev->capallocs = 0;
}

static char *getstr(sieve2_context_t *s, const char *name)
{
	return sieve2_getvalue_string(s, (char *)name);
}

/* ---- message access ---------------------------------------------------- */

static int cb_getscript(sieve2_context_t *s, void *ud)
{
	struct eval *ev = ud;
	const char *path = getstr(s, "path"), *name = getstr(s, "name");

	/* include is not supported by libsieve 2.2: only the main script */
	if ((path && *path) || (name && *name))
		return SIEVE2_ERROR_BADARGS;
	sieve2_setvalue_string(s, "script", (char *)ev->script);
	return SIEVE2_OK;
}

/* Every occurrence of the header, decoded, in a fresh array: libsieve's
 * vacation code writes into the array it got last (LIBSIEVE.md). */
static int cb_getheader(sieve2_context_t *s, void *ud)
{
	struct eval *ev = ud;
	const struct header_index *idx = ev->env->headers;
	const char *name = getstr(s, "header");
	size_t n = 0, k = 0;
	char **body;
	bool phrase;

	if (name != NULL && idx != NULL)
		n = header_count(idx, name);
	body = keep_alloc(ev, calloc(n + 2, sizeof *body));
	if (body == NULL)
		return SIEVE2_ERROR_NOMEM;
	phrase = name != NULL && rfc2047_is_address_header(name);
	/* one pass over the index: header_get(nth) per occurrence would be
	 * quadratic on a message with thousands of Received lines */
	for (size_t i = 0; i < (idx ? idx->count : 0) && k < n; i++) {
		char *d;

		if (strcasecmp(idx->items[i].name, name) != 0)
			continue;
		d = keep_alloc(ev, rfc2047_decode(idx->items[i].value, phrase));
		if (d == NULL)
			return SIEVE2_ERROR_NOMEM;
		body[k++] = d;
	}
	sieve2_setvalue_stringlist(s, "body", body);
	return SIEVE2_OK;
}

static int cb_getenvelope(sieve2_context_t *s, void *ud)
{
	struct eval *ev = ud;
	const char *which = getstr(s, "env");
	const char *v;

	if (which == NULL)
		return SIEVE2_ERROR_BADARGS;
	if (strcasecmp(which, "from") == 0) {
		v = ev->env->sender ? ev->env->sender : "";
		sieve2_setvalue_string(s, "from", (char *)v);
	} else {
		v = ev->env->recipient ? ev->env->recipient : "";
		sieve2_setvalue_string(s, "to", (char *)v);
	}
	return SIEVE2_OK;
}

static int cb_getsize(sieve2_context_t *s, void *ud)
{
	struct eval *ev = ud;
	off_t size = ev->env->size;

	sieve2_setvalue_int(s, "size", size > INT_MAX ? INT_MAX : (int)size);
	return SIEVE2_OK;
}

/* user+detail@domain, split at the first of the delimiter characters
 * (RFC 5233); without a delimiter the detail is absent (NULL). */
static int cb_getsubaddress(sieve2_context_t *s, void *ud)
{
	struct eval *ev = ud;
	const char *addr = getstr(s, "address"), *delims = ev->env->delimiter;
	char *local, *at, *user, *detail = NULL, *domain = NULL;
	size_t cut;

	if (addr == NULL)
		return SIEVE2_ERROR_BADARGS;
	if ((local = keep_alloc(ev, strdup(addr))) == NULL)
		return SIEVE2_ERROR_NOMEM;
	if ((at = strrchr(local, '@')) != NULL) {
		*at = '\0';
		domain = at + 1;
	}
	if ((user = keep_alloc(ev, strdup(local))) == NULL)
		return SIEVE2_ERROR_NOMEM;
	cut = delims && *delims ? strcspn(user, delims) : strlen(user);
	if (user[cut] != '\0') {
		user[cut] = '\0';
		detail = user + cut + 1;
	}
	sieve2_setvalue_string(s, "user", user);
	sieve2_setvalue_string(s, "detail", detail);
	sieve2_setvalue_string(s, "localpart", local);
	sieve2_setvalue_string(s, "domain", domain ? domain : (char *)"");
	return SIEVE2_OK;
}

/* ---- actions ----------------------------------------------------------- */

/* Room for one more action?  Past the limit the script fails. */
static bool action_room(struct eval *ev)
{
	if (++ev->actions <= SIEVE_ACTIONS_MAX)
		return true;
	if (!ev->res->failed)
		sieve_msgs_add(&ev->res->errors, "more than %d actions",
		    SIEVE_ACTIONS_MAX);
	ev->res->failed = true;
	return false;
}

/* Unescaped copy of a value libsieve offers, owned by the caller. */
static char *value_copy(sieve2_context_t *s, const char *name)
{
	const char *v = getstr(s, name);

	return v ? sieve_unescape(v) : NULL;
}

static char **flag_list(sieve2_context_t *s)
{
	char **flags = sieve2_getvalue_stringlist(s, "flags");

	/* later libsieve releases name it "imapflags" */
	return flags ? flags : sieve2_getvalue_stringlist(s, "imapflags");
}

/* A mailbox or address from the front end's canonical script may carry a
 * mark for a tag libsieve does not know (sieve_emit.h): strip it in place
 * and return its SIEVE_MARK_* bits. */
static unsigned take_marks(char *value)
{
	unsigned marks;
	const char *real = sieve_mark_strip(value, &marks);

	if (real != value)
		memmove(value, real, strlen(real) + 1);
	return marks;
}

static int add_filing(struct eval *ev, sieve2_context_t *s,
    enum action_type type)
{
	char flags[53], *mailbox = NULL;
	unsigned marks = 0;
	int rc;

	if (type == ACTION_FILEINTO &&
	    (mailbox = value_copy(s, "mailbox")) == NULL) {
		ev->nomem = true;
		return SIEVE2_ERROR_NOMEM;
	}
	if (mailbox != NULL)
		marks = take_marks(mailbox);
	/* :copy (RFC 3894) leaves the implicit keep alone */
	if (!(marks & SIEVE_MARK_COPY))
		ev->res->keep = false;
	if (!action_room(ev)) {
		free(mailbox);
		return SIEVE2_OK;
	}
	sieve_flags_to_maildir(flag_list(s), flags, sizeof flags,
	    &ev->res->notes);
	rc = plan_add(&ev->res->plan, type, mailbox, flags[0] ? flags : NULL,
	    NULL, NULL);
	if (rc == 0 && (marks & SIEVE_MARK_CREATE))   /* RFC 5490 :create */
		ev->res->plan.actions[ev->res->plan.count - 1].create = true;
	free(mailbox);
	if (rc < 0)
		ev->nomem = true;
	return SIEVE2_OK;
}

static int cb_keep(sieve2_context_t *s, void *ud)
{
	return add_filing(ud, s, ACTION_KEEP);
}

static int cb_fileinto(sieve2_context_t *s, void *ud)
{
	return add_filing(ud, s, ACTION_FILEINTO);
}

/* An action with one string (address or text) taken from libsieve. */
static int add_simple(struct eval *ev, sieve2_context_t *s,
    enum action_type type, const char *value, bool cancels_keep)
{
	char *v = NULL;
	int rc;

	if (value != NULL && (v = value_copy(s, value)) == NULL)
		v = strdup("");
	/* redirect :copy (RFC 3894) leaves the implicit keep alone */
	if (type == ACTION_REDIRECT && v != NULL &&
	    (take_marks(v) & SIEVE_MARK_COPY))
		cancels_keep = false;
	if (cancels_keep)
		ev->res->keep = false;
	if (!action_room(ev)) {
		free(v);
		return SIEVE2_OK;
	}
	rc = plan_add(&ev->res->plan, type, NULL, NULL,
	    type == ACTION_REDIRECT ? v : NULL,
	    type == ACTION_REDIRECT ? NULL : v);
	free(v);
	if (rc < 0)
		ev->nomem = true;
	return SIEVE2_OK;
}

static int cb_redirect(sieve2_context_t *s, void *ud)
{
	return add_simple(ud, s, ACTION_REDIRECT, "address", true);
}

static int cb_discard(sieve2_context_t *s, void *ud)
{
	return add_simple(ud, s, ACTION_DISCARD, NULL, true);
}

static int cb_reject(sieve2_context_t *s, void *ud)
{
	return add_simple(ud, s, ACTION_REJECT, "message", true);
}

/* FNV-1a over length-prefixed fields: different arguments cannot collide
 * by moving text from one field into the next (RFC 5230 section 4.2). */
static void fnv_field(uint64_t *h, const char *s)
{
	size_t len = s ? strlen(s) : SIZE_MAX;
	const unsigned char *p = (const unsigned char *)&len;

	for (size_t i = 0; i < sizeof len; i++)
		*h = (*h ^ p[i]) * 0x100000001b3ULL;
	for (; s && *s; s++)
		*h = (*h ^ (unsigned char)*s) * 0x100000001b3ULL;
}

static char *vacation_handle(const struct action *a)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	char buf[40];

	fnv_field(&h, a->subject);
	fnv_field(&h, a->from);
	fnv_field(&h, a->mime ? "mime" : "");
	fnv_field(&h, a->text);
	snprintf(buf, sizeof buf, "auto-%016llx", (unsigned long long)h);
	return strdup(buf);
}

static unsigned clamp_days(int days, const struct sieve_env *env)
{
	unsigned min = env->vacation_min_days ? env->vacation_min_days : 1;
	unsigned d = days > 0 ? (unsigned)days : min;

	if (d < min)
		d = min;
	if (env->vacation_max_days && d > env->vacation_max_days)
		d = env->vacation_max_days;
	return d;
}

/* libsieve fills in its own subject when the script gives none: "Re: "
 * plus the original (leading "Re: " stripped, cut to 127 bytes), or
 * "Automated reply".  Recognize it so deliver can use RFC 5230's "Auto: "
 * default instead. */
static bool libsieve_default_subject(const char *subj,
    const struct header_index *idx)
{
	const char *orig = idx ? header_get(idx, "Subject", 0) : NULL;
	char *dec;
	const char *rest;
	size_t n;
	bool same;

	if (orig == NULL)
		return strcmp(subj, "Automated reply") == 0;
	if (strncmp(subj, "Re: ", 4) != 0 || (dec = rfc2047_decode(orig,
	    false)) == NULL)
		return false;
	rest = dec;
	while (strncasecmp(rest, "Re: ", 4) == 0)
		rest += 4;
	n = strlen(subj + 4);
	same = strncmp(subj + 4, rest, n) == 0 &&
	    (rest[n] == '\0' || strlen(subj) >= 120);
	free(dec);
	return same;
}

static int cb_vacation(sieve2_context_t *s, void *ud)
{
	struct eval *ev = ud;
	struct action *a;
	char *hash;

	if (!action_room(ev))
		return SIEVE2_OK;
	if (plan_add(&ev->res->plan, ACTION_VACATION, NULL, NULL, NULL,
	    NULL) < 0) {
		ev->nomem = true;
		return SIEVE2_OK;
	}
	a = &ev->res->plan.actions[ev->res->plan.count - 1];
	a->address = value_copy(s, "address");
	a->text = value_copy(s, "message");
	a->subject = value_copy(s, "subject");
	if (a->subject != NULL &&
	    libsieve_default_subject(a->subject, ev->env->headers)) {
		free(a->subject);
		a->subject = NULL;
	}
	a->from = value_copy(s, "fromaddr");
	a->days = clamp_days(sieve2_getvalue_int(s, "days"), ev->env);
	a->mime = sieve2_getvalue_int(s, "mime") != 0;
	hash = value_copy(s, "hash");
	a->handle = hash && *hash ? hash : vacation_handle(a);
	if (a->handle != hash)
		free(hash);
	if (a->text == NULL)
		a->text = strdup("");
	if (a->handle == NULL || a->text == NULL)
		ev->nomem = true;
	return SIEVE2_OK;
}

static int cb_notify(sieve2_context_t *s, void *ud)
{
	struct eval *ev = ud;
	const char *method = getstr(s, "method");
	char *m = method ? sieve_unescape(method) : NULL;
	size_t before = ev->res->plan.count;
	int rc;

	rc = add_simple(ev, s, ACTION_NOTIFY, "message", false);
	if (ev->res->plan.count > before && m != NULL) {
		ev->res->plan.actions[ev->res->plan.count - 1].address = m;
		m = NULL;
	}
	free(m);
	return rc;
}

/* ---- errors and trace -------------------------------------------------- */

static int cb_err_parse(sieve2_context_t *s, void *ud)
{
	struct eval *ev = ud;
	const char *msg = getstr(s, "message");

	ev->res->failed = true;
	sieve_msgs_add(&ev->res->errors, "line %d: %s",
	    sieve2_getvalue_int(s, "lineno"), msg ? msg : "parse error");
	return SIEVE2_OK;
}

static int cb_err_runtime(sieve2_context_t *s, void *ud)
{
	struct eval *ev = ud;
	const char *msg = getstr(s, "message");

	ev->res->failed = true;
	sieve_msgs_add(&ev->res->errors, "run-time error: %s",
	    msg ? msg : "unknown");
	return SIEVE2_OK;
}

/* A header or address libsieve could not parse: the test that needed it
 * does not match; worth a note, not a failure. */
static int cb_err_header(sieve2_context_t *s, void *ud)
{
	struct eval *ev = ud;
	const char *msg = getstr(s, "message");

	sieve_msgs_add(&ev->res->notes, "header parse error: %s",
	    msg ? msg : "unknown");
	return SIEVE2_OK;
}

static int cb_err_address(sieve2_context_t *s, void *ud)
{
	struct eval *ev = ud;
	const char *msg = getstr(s, "message");

	sieve_msgs_add(&ev->res->notes, "address parse error: %s",
	    msg ? msg : "unknown");
	return SIEVE2_OK;
}

static int cb_trace(sieve2_context_t *s, void *ud)
{
	struct eval *ev = ud;
	const char *module = getstr(s, "module"), *msg = getstr(s, "message");

	/* the parser's trace is noise (and prints heap addresses) */
	if (module == NULL || strcmp(module, "sv_parser") != 0)
		sieve_msgs_add(&ev->res->trace, "%s: %s",
		    module ? module : "sieve", msg ? msg : "");
	return SIEVE2_OK;
}

static sieve2_callback_t callbacks[] = {
	{ SIEVE2_ACTION_KEEP, cb_keep },
	{ SIEVE2_ACTION_FILEINTO, cb_fileinto },
	{ SIEVE2_ACTION_REDIRECT, cb_redirect },
	{ SIEVE2_ACTION_DISCARD, cb_discard },
	{ SIEVE2_ACTION_REJECT, cb_reject },
	{ SIEVE2_ACTION_VACATION, cb_vacation },
	{ SIEVE2_ACTION_NOTIFY, cb_notify },
	{ SIEVE2_ERRCALL_PARSE, cb_err_parse },
	{ SIEVE2_ERRCALL_RUNTIME, cb_err_runtime },
	{ SIEVE2_ERRCALL_HEADER, cb_err_header },
	{ SIEVE2_ERRCALL_ADDRESS, cb_err_address },
	{ SIEVE2_SCRIPT_GETSCRIPT, cb_getscript },
	{ SIEVE2_MESSAGE_GETHEADER, cb_getheader },
	{ SIEVE2_MESSAGE_GETENVELOPE, cb_getenvelope },
	{ SIEVE2_MESSAGE_GETSIZE, cb_getsize },
	{ SIEVE2_MESSAGE_GETSUBADDRESS, cb_getsubaddress },
	/* Registered only when a trace is asked for (-n): libsieve 2.2.6's
	 * address parser formats an already freed string into its trace
	 * (found by tests/fuzz/fuzz_sieve.c under ASan), and does so only
	 * when this callback exists. */
	{ SIEVE2_DEBUG_TRACE, cb_trace },
	{ 0, NULL },
};
#define NCALLBACKS (sizeof callbacks / sizeof callbacks[0])

/* ---- running ----------------------------------------------------------- */

/* After the run: a failure empties the plan (implicit keep instead). */
static int finish(struct eval *ev, int rc)
{
	struct sieve_result *res = ev->res;

	free_allocs(ev);
	if (ev->nomem)
		return -1;
	if (rc != SIEVE2_OK && !res->failed) {
		res->failed = true;
		sieve_msgs_add(&res->errors, "%s", sieve2_errstr(rc));
	}
	if (res->failed) {
		plan_free(&res->plan);
		res->keep = true;
		if (res->errors.count == 0)
			sieve_msgs_add(&res->errors, "script failed");
	}
	return 0;
}

static int run(const char *script, const struct sieve_env *env,
    struct sieve_result *res, bool execute)
{
	static const struct sieve_env no_env = { 0 };
	struct eval ev = { .script = script, .env = env ? env : &no_env,
	    .res = res };
	sieve2_context_t *ctx = NULL;
	sieve2_callback_t cbs[NCALLBACKS];
	int rc;

	memcpy(cbs, callbacks, sizeof cbs);
	if (!ev.env->trace)
		cbs[NCALLBACKS - 2] = cbs[NCALLBACKS - 1];  /* no trace */

	memset(res, 0, sizeof *res);
	res->keep = true;
	if (strlen(script) > SIEVE_SCRIPT_MAX) {
		res->failed = true;
		sieve_msgs_add(&res->errors, "script longer than %d bytes",
		    SIEVE_SCRIPT_MAX);
		return finish(&ev, SIEVE2_OK);
	}
	if ((rc = sieve2_alloc(&ctx)) == SIEVE2_OK &&
	    (rc = sieve2_callbacks(ctx, cbs)) == SIEVE2_OK)
		rc = execute ? sieve2_execute(ctx, &ev) :
		    sieve2_validate(ctx, &ev);
	if (ctx != NULL)
		sieve2_free(&ctx);
	return finish(&ev, rc);
}

int sieve_eval(const char *script, const struct sieve_env *env,
    struct sieve_result *res)
{
	return run(script, env, res, true);
}

int sieve_check(const char *script, struct sieve_result *res)
{
	return run(script, NULL, res, false);
}

char *sieve_extensions(void)
{
	sieve2_context_t *ctx = NULL;
	char *list = NULL, *copy = NULL;

	if (sieve2_alloc(&ctx) != SIEVE2_OK)
		return NULL;
	if (sieve2_callbacks(ctx, callbacks) == SIEVE2_OK &&
	    (list = sieve2_listextensions(ctx)) != NULL &&
	    (copy = strdup(list)) != NULL)
		copy[strcspn(copy, "\n")] = '\0';
	for (size_t n = copy ? strlen(copy) : 0; n > 0 && copy[n - 1] == ' ';)
		copy[--n] = '\0';
	sieve2_free(&ctx);
	return copy;
}
