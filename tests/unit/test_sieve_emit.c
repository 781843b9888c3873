/* test_sieve_emit.c: semantic checks (src/sieve_check.c), re-emission for
 * libsieve (src/sieve_emit.c) and the front end (src/sieve_front.c).
 *
 * The corpus tests/sieve/NAME.sieve is run through sieve_front_prepare
 * and the result compared byte for byte with NAME.expect; every emitted
 * script is then given to the real libsieve 2.2.6, which must parse it.
 * SIEVE_CORPUS_UPDATE=1 rewrites the .expect files (review the diff). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sieve_check.h"
#include "sieve_emit.h"
#include "sieve_front.h"
#include "sieve_parse.h"

#include <cmocka.h>
#include <sieve2.h>

#define CORPUS "tests/sieve"

/* libsieve leaks inside its own parser (LIBSIEVE.md, 6): not ours. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libsieve.so\n";
}

/* ---- helpers ---- */

/* Prepare src and return the emitted script (asserting success). */
static char *emit_ok(const char *src, unsigned *rewrites)
{
	struct sieve_front f;
	char *copy;

	if (sieve_front_prepare(src, strlen(src), &f) != 0) {
		sieve_front_print_errors(&f, "script", stderr);
		fail();
	}
	if (rewrites)
		*rewrites = f.emit.rewrites;
	copy = strdup(f.emit.script);
	assert_non_null(copy);
	sieve_front_free(&f);
	return copy;
}

static void emits(const char *src, const char *want)
{
	char *got = emit_ok(src, NULL);

	assert_string_equal(got, want);
	free(got);
}

/* The first diagnostic of a script that must not run. */
static void fails_with(const char *src, enum sieve_front_status status,
    const char *want)
{
	struct sieve_front f;
	char line[700];

	assert_int_equal(sieve_front_prepare(src, strlen(src), &f), -1);
	assert_int_equal(f.status, status);
	(void)sieve_diag_format(f.has_error ? &f.error : &f.check.diags[0],
	    line, sizeof line);
	assert_string_equal(line, want);
	sieve_front_free(&f);
}

/* ---- libsieve as the judge of emitted scripts ---- */

static const char *judge_script;
static char judge_error[512];

static int cb_getscript(sieve2_context_t *c, void *ud)
{
	(void)ud;
	sieve2_setvalue_string(c, "script", (char *)judge_script);
	return SIEVE2_OK;
}

static int cb_parse_error(sieve2_context_t *c, void *ud)
{
	(void)ud;
	(void)snprintf(judge_error, sizeof judge_error, "line %d: %s",
	    sieve2_getvalue_int(c, "lineno"),
	    sieve2_getvalue_string(c, "message"));
	return SIEVE2_OK;
}

static int cb_nothing(sieve2_context_t *c, void *ud)
{
	(void)c;
	(void)ud;
	return SIEVE2_OK;
}

/* ---- running emitted scripts in libsieve: the message and a log of the
 * actions, as the adapter would see them (unescaped, marks stripped) ---- */

static const char *msg_subject;
static int msg_size;
static char actions[2048];

static void log_action(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void log_action(const char *fmt, ...)
{
	size_t n = strlen(actions);
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(actions + n, sizeof actions - n, fmt, ap);
	va_end(ap);
}

/* RFC 5228 2.4.2, as the adapter does it on what libsieve hands over. */
static void unescape(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in && o + 1 < len; in++) {
		if (*in == '\\' && in[1] != '\0')
			in++;
		out[o++] = *in;
	}
	out[o] = '\0';
}

static void log_value(sieve2_context_t *c, const char *what,
    const char *name)
{
	char buf[512];
	unsigned marks;
	const char *v;

	unescape(sieve2_getvalue_string(c, (char *)name), buf, sizeof buf);
	v = sieve_mark_strip(buf, &marks);
	log_action("%s %s%s%s;", what, v,
	    marks & SIEVE_MARK_COPY ? " +copy" : "",
	    marks & SIEVE_MARK_CREATE ? " +create" : "");
}

static void log_flags(sieve2_context_t *c)
{
	char **flags = sieve2_getvalue_stringlist(c, "flags");
	char buf[128];

	for (; flags && *flags; flags++) {
		unescape(*flags, buf, sizeof buf);
		log_action("flag=%s ", buf);
	}
}

static int cb_fileinto(sieve2_context_t *c, void *ud)
{
	(void)ud;
	log_flags(c);
	log_value(c, "fileinto", "mailbox");
	return SIEVE2_OK;
}

static int cb_keep(sieve2_context_t *c, void *ud)
{
	(void)ud;
	log_flags(c);
	log_action("keep;");
	return SIEVE2_OK;
}

static int cb_redirect(sieve2_context_t *c, void *ud)
{
	(void)ud;
	log_value(c, "redirect", "address");
	return SIEVE2_OK;
}

static int cb_reject(sieve2_context_t *c, void *ud)
{
	(void)ud;
	log_value(c, "reject", "message");
	return SIEVE2_OK;
}

static int cb_discard(sieve2_context_t *c, void *ud)
{
	(void)c;
	(void)ud;
	log_action("discard;");
	return SIEVE2_OK;
}

static int cb_getsize(sieve2_context_t *c, void *ud)
{
	(void)ud;
	sieve2_setvalue_int(c, "size", msg_size);
	return SIEVE2_OK;
}

static int cb_getheader(sieve2_context_t *c, void *ud)
{
	static char *none[] = { NULL };
	static char *one[2];
	const char *h = sieve2_getvalue_string(c, "header");

	(void)ud;
	one[1] = NULL;
	if (strcasecmp(h, "subject") == 0)
		one[0] = (char *)msg_subject;
	else if (strcasecmp(h, "x-spam-flag") == 0)
		one[0] = "YES";
	else if (strcasecmp(h, "from") == 0)
		one[0] = "Alice <alice@example.org>";
	else
		one[0] = NULL;
	sieve2_setvalue_stringlist(c, "body", one[0] ? one : none);
	return SIEVE2_OK;
}

static sieve2_context_t *judge;

static void context_open(sieve2_context_t **ctx)
{
	static sieve2_callback_t cbs[] = {
		{ SIEVE2_SCRIPT_GETSCRIPT, cb_getscript },
		{ SIEVE2_ERRCALL_PARSE, cb_parse_error },
		{ SIEVE2_ERRCALL_RUNTIME, cb_parse_error },
		{ SIEVE2_ACTION_KEEP, cb_keep },
		{ SIEVE2_ACTION_FILEINTO, cb_fileinto },
		{ SIEVE2_ACTION_REDIRECT, cb_redirect },
		{ SIEVE2_ACTION_REJECT, cb_reject },
		{ SIEVE2_ACTION_DISCARD, cb_discard },
		{ SIEVE2_ACTION_VACATION, cb_nothing },
		{ SIEVE2_ACTION_NOTIFY, cb_nothing },
		{ SIEVE2_MESSAGE_GETSIZE, cb_getsize },
		{ SIEVE2_MESSAGE_GETHEADER, cb_getheader },
		{ SIEVE2_MESSAGE_GETENVELOPE, cb_nothing },
		{ SIEVE2_MESSAGE_GETSUBADDRESS, cb_nothing },
		{ 0, NULL },
	};

	if (*ctx != NULL)
		return;
	assert_int_equal(sieve2_alloc(ctx), SIEVE2_OK);
	assert_int_equal(sieve2_callbacks(*ctx, cbs), SIEVE2_OK);
}

static void judge_open(void)
{
	context_open(&judge);
}

/* libsieve must parse script without a word of complaint. */
static void libsieve_accepts(const char *name, const char *script)
{
	judge_open();
	judge_script = script;
	judge_error[0] = '\0';
	assert_int_equal(sieve2_validate(judge, NULL), SIEVE2_OK);
	if (judge_error[0] != '\0') {
		print_error("%s: libsieve: %s\n%s\n", name, judge_error,
		    script);
		fail();
	}
}

/* Emit src, run it in libsieve on a message with this subject and size,
 * and compare the actions with what RFC 5228 (and Pigeonhole) do. */
static void runs_like_rfc(const char *src, const char *subject, int size,
    const char *want)
{
	char *script = emit_ok(src, NULL);
	sieve2_context_t *ctx = NULL;

	/* a context per run: libsieve keeps action state in it */
	context_open(&ctx);
	judge_script = script;
	judge_error[0] = '\0';
	actions[0] = '\0';
	msg_subject = subject;
	msg_size = size;
	assert_int_equal(sieve2_execute(ctx, NULL), SIEVE2_OK);
	sieve2_free(&ctx);
	if (judge_error[0] != '\0' || strcmp(actions, want) != 0)
		print_error("script:\n%s\nlibsieve: %s\n", script, judge_error);
	assert_string_equal(judge_error, "");
	assert_string_equal(actions, want);
	free(script);
}

static void test_libsieve_runs_rewritten(void **state)
{
	(void)state;
	runs_like_rfc("Require \"fileinto\"; IF Header :Contains \"Subject\" "
	    "\"[announce]\" { FileInto \"Announce\"; }", "[announce] 2.0",
	    10, "fileinto Announce;");
	runs_like_rfc("require \"fileinto\"; if header :is \"X-Spam-Flag:\" "
	    "\"yes\" { fileinto \"Junk\"; }", "x", 10, "fileinto Junk;");
	/* a backslash in a test string: "C:\\Temp" is C:\Temp */
	runs_like_rfc("require \"fileinto\"; if header :contains \"subject\" "
	    "\"C:\\\\Temp\" { fileinto \"Win\"; }", "see C:\\Temp now", 10,
	    "fileinto Win;");
	runs_like_rfc("require \"fileinto\"; if header :contains \"subject\" "
	    "\"C:\\\\Temp\" { fileinto \"Win\"; }", "see C:Temp now", 10, "");
	/* an escaped wildcard is literal */
	static const char lit[] = "require \"fileinto\"; if header :matches "
	    "\"subject\" \"100\\\\*\" { fileinto \"Lit\"; } else { "
	    "fileinto \"Other\"; }";
	runs_like_rfc(lit, "100*", 10, "fileinto Lit;");
	runs_like_rfc(lit, "1000", 10, "fileinto Other;");
	runs_like_rfc(lit, "100*x", 10, "fileinto Other;");
	static const char q[] = "if header :matches \"subject\" \"a\\\\?.?\" "
	    "{ discard; }";
	runs_like_rfc(q, "a?.b", 10, "discard;");
	runs_like_rfc(q, "ab.b", 10, "");
	runs_like_rfc(q, "a?xb", 10, "");
	/* strings of actions, :copy and :create */
	runs_like_rfc("require [\"fileinto\", \"copy\", \"mailbox\"]; "
	    "fileinto :copy :create \"a\\\\b\\\"c\";", "x", 10,
	    "fileinto a\\b\"c +copy +create;");
	runs_like_rfc("require [\"copy\"]; redirect :copy \"x@example.org\";",
	    "x", 10, "redirect x@example.org +copy;");
	/* imapflags, hasflag :is */
	runs_like_rfc("require \"imapflags\"; addflag \"\\\\Seen\"; "
	    "if hasflag :is \"\\\\Seen\" { keep; }", "x", 10,
	    "flag=\\Seen keep;");
	/* numbers */
	runs_like_rfc("if size :over 1k { discard; }", "x", 2000, "discard;");
	runs_like_rfc("if size :over 1k { discard; }", "x", 1000, "");
	runs_like_rfc("if size :under 4G { discard; }", "x", 1000, "discard;");
	/* text: has no escapes; dot-stuffing */
	runs_like_rfc("require \"reject\"; reject text:\nC:\\x says\n..no\n.\n;",
	    "x", 10, "reject C:\\x says\n.no\n;");
}

/* ---- the corpus ---- */

/* What a corpus script becomes: the verdict, the diagnostics, and the
 * emitted script after a "---" line. */
static char *corpus_report(const char *src, size_t len, char **emitted)
{
	struct sieve_front f;
	char verdict[600], *out = NULL;
	size_t outlen = 0;
	FILE *mem = open_memstream(&out, &outlen);

	assert_non_null(mem);
	*emitted = NULL;
	(void)sieve_front_prepare(src, len, &f);
	sieve_front_verdict(&f, verdict, sizeof verdict);
	fprintf(mem, "verdict: %s\n", verdict);
	(void)sieve_front_print_errors(&f, "error", mem);
	if (f.emit.script != NULL) {
		fprintf(mem, "copy: %u, create: %u\n---\n", f.emit.ncopy,
		    f.emit.ncreate);
		fputs(f.emit.script, mem);
		*emitted = strdup(f.emit.script);
		assert_non_null(*emitted);
	}
	sieve_front_free(&f);
	assert_int_equal(fclose(mem), 0);
	return out;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void corpus_one(const char *name, bool update, unsigned *counts)
{
	char path[512], *src, *want, *got, *emitted;
	size_t len, wlen;

	(void)snprintf(path, sizeof path, "%s/%s", CORPUS, name);
	src = slurp(path, &len);
	assert_non_null(src);
	got = corpus_report(src, len, &emitted);
	(void)snprintf(path + strlen(path) - strlen(".sieve"),
	    sizeof path - strlen(path) + strlen(".sieve"), ".expect");
	if (update) {
		FILE *fp = fopen(path, "w");

		assert_non_null(fp);
		fputs(got, fp);
		assert_int_equal(fclose(fp), 0);
	}
	want = slurp(path, &wlen);
	if (want == NULL) {
		print_error("%s: missing\n", path);
		fail();
	}
	if (strcmp(got, want) != 0)
		print_error("%s differs:\n--- want\n%s--- got\n%s", path,
		    want, got);
	assert_string_equal(got, want);
	if (emitted != NULL) {
		libsieve_accepts(name, emitted);
		counts[0]++;
	} else {
		counts[1]++;
	}
	free(src);
	free(want);
	free(got);
	free(emitted);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_sieve(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 6 && strcmp(d->d_name + n - 6, ".sieve") == 0;
}

static void test_corpus(void **state)
{
	struct dirent **list;
	int n = scandir(CORPUS, &list, is_sieve, by_name);
	const char *u = getenv("SIEVE_CORPUS_UPDATE");
	unsigned counts[2] = { 0, 0 };

	(void)state;
	assert_true(n >= 30);
	for (int i = 0; i < n; i++) {
		corpus_one(list[i]->d_name, u != NULL && *u == '1', counts);
		free(list[i]);
	}
	free(list);
	/* both kinds are there: runnable and refused */
	assert_true(counts[0] >= 14);
	assert_true(counts[1] >= 20);
}

/* ---- the rewrites, one by one ---- */

static void test_emit_lower_case(void **state)
{
	unsigned rw;
	char *s = emit_ok("IF TRUE { KEEP; }", &rw);

	(void)state;
	assert_string_equal(s, " if true { keep; }\n");
	assert_int_equal(rw, SIEVE_RW_CASE);
	free(s);
	s = emit_ok("if size :OVER 1k { keep; }", &rw);
	assert_string_equal(s, " if size :over 1024 { keep; }\n");
	assert_int_equal(rw, SIEVE_RW_CASE);
	free(s);
	s = emit_ok("if size :over 1K { keep; }", &rw);
	assert_int_equal(rw, 0);
	free(s);
}

static void test_emit_require(void **state)
{
	unsigned rw;
	char *s;

	(void)state;
	emits("require [\"imapflags\", \"imap4flags\", \"copy\"]; "
	    "addflag \"a\";",
	    " require [ \"imap4flags\" ]; addflag \"a\";\n");
	emits("require [\"copy\", \"mailbox\"]; redirect :copy \"a\";",
	    " redirect \"\001c\001a\";\n");
	s = emit_ok("require \"fileinto\";\n# nothing else\n", &rw);
	assert_string_equal(s, "\n");
	assert_int_equal(rw, SIEVE_RW_REQUIRE);
	free(s);
	s = emit_ok("", &rw);
	assert_string_equal(s, "\n");
	assert_int_equal(rw, 0);
	free(s);
}

static void test_emit_header_colon(void **state)
{
	unsigned rw;
	char *s = emit_ok("if header \"Subject:\" \"a:\" { keep; }", &rw);

	(void)state;
	/* only header names lose the colon, not keys */
	assert_string_equal(s, " if header \"Subject\" \"a:\" { keep; }\n");
	assert_int_equal(rw, SIEVE_RW_COLON);
	free(s);
	emits("if exists [\"a:\", \"b\"] { keep; }",
	    " if exists [ \"a\", \"b\" ] { keep; }\n");
	emits("if address \"to:\" \"x:\" { keep; }",
	    " if address \"to\" \"x:\" { keep; }\n");
	emits("require \"envelope\"; if envelope \"to:\" \"x\" { keep; }",
	    " require [ \"envelope\" ]; if envelope \"to:\" \"x\" { keep; }\n");
}

/* Tests: raw.  Actions and flags: escaped, or text:. */
static void test_emit_strings(void **state)
{
	unsigned rw;
	char *s;

	(void)state;
	s = emit_ok("if header :is \"s\" \"a\\\\b\" { keep; }", &rw);
	assert_string_equal(s, " if header :is \"s\" \"a\\b\" { keep; }\n");
	assert_int_equal(rw, SIEVE_RW_STRING);
	free(s);
	emits("if header :is \"s\" \"\\x\\y\" { keep; }",
	    " if header :is \"s\" \"xy\" { keep; }\n");
	emits("require \"fileinto\"; fileinto \"a\\\\b\\\"c\\d\";",
	    " require [ \"fileinto\" ]; fileinto \"a\\\\b\\\"cd\";\n");
	emits("require \"imap4flags\"; addflag \"\\\\Seen\"; "
	    "if hasflag \"\\\\Seen\" { keep :flags \"\\\\Seen\"; }",
	    " require [ \"imap4flags\" ]; addflag \"\\\\Seen\"; "
	    "if hasflag \"\\\\Seen\" { keep :flags \"\\\\Seen\"; }\n");
	/* an action string ending in a line end becomes text:, with its
	 * backslashes doubled and dot-stuffed */
	emits("require \"reject\"; reject \"a\\\\\n.b\n\";",
	    " require [ \"reject\" ]; reject text:\na\\\\\n..b\n.\n;\n");
	emits("redirect \"\";", " redirect \"\";\n");
	emits("if header \"s\" [\"\", \"two\nlines\"] { keep; }",
	    " if header \"s\" [ \"\", \"two\nlines\" ] { keep; }\n");
	/* a key holding a double quote: :regex, the quote escaped */
	emits("if header :is \"s\" \"a\\\"b\" { keep; }",
	    " require \"regex\"; if header :regex \"s\" \"^a\\\"b$\" { keep; }\n");
	/* a header name holding one cannot be rewritten */
	fails_with("if exists \"a\\\"b\" { keep; }",
	    SIEVE_FRONT_REFUSED, "line 1, column 11: libsieve 2.2.6 cannot "
	    "compare a string holding a double quote (\")");
	/* a key ending in a backslash: the test becomes an anchored :regex
	 * (the default :is written out) */
	emits("if header \"s\" \"a\\\\\" { keep; }",
	    " require \"regex\"; if header :regex \"s\" \"^a\\\\$\" { keep; }\n");
	emits("if header :contains \"s\" [\"x\", \"a\\\\\"] { keep; }",
	    " require \"regex\"; if header :regex \"s\" [ \"^.*x.*$\", "
	    "\"^.*a\\\\.*$\" ] { keep; }\n");
	/* a header name ending in one cannot be rewritten */
	fails_with("if exists \"a\\\\\" { keep; }",
	    SIEVE_FRONT_REFUSED, "line 1, column 11: libsieve 2.2.6 cannot "
	    "compare a string ending in a backslash");
	fails_with("redirect \"a\\\\\";", SIEVE_FRONT_REFUSED,
	    "line 1, column 10: libsieve 2.2.6 cannot read a string ending "
	    "in a backslash");
}

static void test_emit_numbers(void **state)
{
	unsigned rw;
	char *s = emit_ok("if size :over 2147483647 { keep; }", &rw);

	(void)state;
	assert_int_equal(rw, 0);
	free(s);
	s = emit_ok("if size :over 2147483648 { keep; }", &rw);
	assert_string_equal(s, " if size :over 2147483647 { keep; }\n");
	assert_int_equal(rw, SIEVE_RW_NUMBER);
	free(s);
	emits("require \"vacation\"; vacation :days 99999999999 \"x\";",
	    " require [ \"vacation\" ]; vacation :days 2147483647 \"x\";\n");
}

static void test_emit_copy_create_marks(void **state)
{
	struct sieve_front f;
	const char *src = "require [\"fileinto\", \"copy\", \"mailbox\"];\n"
	    "fileinto :create :copy \"A\"; fileinto :copy \"B\";\n"
	    "fileinto :create \"C\"; fileinto \"D\"; redirect :copy \"e\";";
	unsigned marks;

	(void)state;
	assert_int_equal(sieve_front_prepare(src, strlen(src), &f), 0);
	assert_string_equal(f.emit.script, " require [ \"fileinto\" ];\n"
	    " fileinto \"\001mc\001A\"; fileinto \"\001c\001B\";\n"
	    " fileinto \"\001m\001C\"; fileinto \"D\"; "
	    "redirect \"\001c\001e\";\n");
	assert_int_equal(f.emit.ncopy, 3);
	assert_int_equal(f.emit.ncreate, 2);
	assert_int_equal(f.emit.rewrites, SIEVE_RW_COPY | SIEVE_RW_CREATE);
	sieve_front_free(&f);

	assert_string_equal(sieve_mark_strip("\001mc\001A", &marks), "A");
	assert_int_equal(marks, SIEVE_MARK_COPY | SIEVE_MARK_CREATE);
	assert_string_equal(sieve_mark_strip("\001c\001", &marks), "");
	assert_int_equal(marks, SIEVE_MARK_COPY);
	assert_string_equal(sieve_mark_strip("plain", &marks), "plain");
	assert_int_equal(marks, 0);
	assert_string_equal(sieve_mark_strip("\001x\001A", &marks),
	    "\001x\001A");
	assert_int_equal(marks, 0);
	assert_string_equal(sieve_mark_strip("\001c", &marks), "\001c");
	assert_int_equal(marks, 0);
	/* a mark cannot be forged from the script */
	fails_with("redirect \"\001c\001a\";", SIEVE_FRONT_REFUSED,
	    "line 1, column 10: a control character (0x01) cannot start a "
	    "mailbox name or an address");
}

static void test_emit_hasflag(void **state)
{
	unsigned rw;
	char *s = emit_ok("require \"imap4flags\"; if hasflag :is "
	    ":comparator \"i;octet\" \"a\" { keep; }", &rw);

	(void)state;
	assert_string_equal(s, " require [ \"imap4flags\" ]; if hasflag "
	    ":comparator \"i;octet\" \"a\" { keep; }\n");
	assert_int_equal(rw, SIEVE_RW_HASFLAG);
	free(s);
	static const char *const crashers[] = { "contains", "matches",
	    "regex", "count \"gt\"", "value \"eq\"" };
	for (size_t i = 0; i < sizeof crashers / sizeof crashers[0]; i++) {
		char src[200], want[300];
		char tag[20];

		(void)snprintf(src, sizeof src, "require [\"imap4flags\", "
		    "\"regex\", \"relational\"]; if hasflag :%s \"a\" "
		    "{ keep; }", crashers[i]);
		(void)sscanf(crashers[i], "%19s", tag);
		(void)snprintf(want, sizeof want, "line 1, column 59: "
		    "`hasflag :%s` is not supported: libsieve 2.2.6 crashes "
		    "on a match type in hasflag (only the default :is works)",
		    tag);
		fails_with(src, SIEVE_FRONT_REFUSED, want);
	}
}

/* Commands keep their line so libsieve's errors point into the script. */
static void test_emit_lines_kept(void **state)
{
	(void)state;
	emits("# one\n\n/* three\n*/ keep;\n\n\nif true\n{\n stop;\n}",
	    "\n\n\n keep;\n\n\n if true {\n\n stop; }\n");
	emits("keep; keep;\nkeep;", " keep; keep;\n keep;\n");
}

/* ---- checks ---- */

static void test_check_messages(void **state)
{
	(void)state;
	fails_with("require \"variables\";", SIEVE_FRONT_UNSUPPORTED,
	    "line 1, column 9: the `variables` extension is not supported by "
	    "this deliver (supported: fileinto reject envelope vacation notify "
	    "subaddress imap4flags imapflags regex relational "
	    "comparator-i;octet comparator-i;ascii-casemap "
	    "comparator-i;ascii-numeric copy mailbox)");
	fails_with("require \"fileinto\";\nfileinto :create \"x\";",
	    SIEVE_FRONT_INVALID, "line 2, column 10: `fileinto :create` "
	    "needs `require \"mailbox\"`");
	fails_with("keep\nfileinto \"x\";", SIEVE_FRONT_INVALID,
	    "line 2, column 1: `keep` takes no test (is a ';' missing after "
	    "`keep`?)");
	fails_with("set \"a\" \"b\";", SIEVE_FRONT_UNSUPPORTED,
	    "line 1, column 1: command `set` (extension `variables`) is not "
	    "supported by this deliver");
	fails_with("if body :contains \"x\" { keep; }", SIEVE_FRONT_UNSUPPORTED,
	    "line 1, column 4: test `body` (extension `body`) is not "
	    "supported by this deliver");
	fails_with("frob;", SIEVE_FRONT_INVALID,
	    "line 1, column 1: unknown command `frob`");
	fails_with("if frob { }", SIEVE_FRONT_INVALID,
	    "line 1, column 4: unknown test `frob`");
	fails_with("keep :flags \"a\";", SIEVE_FRONT_INVALID,
	    "line 1, column 6: `keep :flags` needs `require \"imap4flags\"`");
	fails_with("require \"imapflags\"; keep :flags;", SIEVE_FRONT_INVALID,
	    "line 1, column 27: the :flags tag for the keep command requires "
	    "a string list as parameter, but no parameters were found");
	fails_with("if header :is :is \"a\" \"b\" { }", SIEVE_FRONT_INVALID,
	    "line 1, column 15: tag `:is` given twice");
	fails_with("if header :is :matches \"a\" \"b\" { }",
	    SIEVE_FRONT_INVALID, "line 1, column 15: tag `:matches` "
	    "conflicts with an earlier tag of the same kind");
	fails_with("if header :regex \"a\" \"b\" { }", SIEVE_FRONT_INVALID,
	    "line 1, column 11: `header :regex` needs `require \"regex\"`");
	fails_with("if address :detail \"a\" \"b\" { }", SIEVE_FRONT_INVALID,
	    "line 1, column 12: `address :detail` needs `require "
	    "\"subaddress\"`");
	fails_with("if header \"a\" { }", SIEVE_FRONT_INVALID,
	    "line 1, column 4: the header test requires 2 positional "
	    "arguments, but 1 was specified");
	fails_with("if header \"a\" \"b\" \"c\" { }", SIEVE_FRONT_INVALID,
	    "line 1, column 4: the header test requires 2 positional "
	    "arguments, but 3 were specified");
	fails_with("if header \"a\" :is \"b\" { }", SIEVE_FRONT_INVALID,
	    "line 1, column 15: encountered an unexpected tagged argument "
	    "':is' while validating positional arguments for the header "
	    "test");
	fails_with("if size :over \"1\" { }", SIEVE_FRONT_INVALID,
	    "line 1, column 15: the size test expects a number as argument 1 "
	    "(limit), but a string was found");
	fails_with("if header :frob \"a\" \"b\" { }", SIEVE_FRONT_INVALID,
	    "line 1, column 11: unknown tagged argument ':frob' for the "
	    "header test (it takes :is :contains :matches :comparator)");
	fails_with("if size :over :under 1 { }", SIEVE_FRONT_INVALID,
	    "line 1, column 15: tag `:under` conflicts with an earlier tag of "
	    "the same kind");
	fails_with("if true;", SIEVE_FRONT_INVALID,
	    "line 1, column 1: `if` needs a block { ... }");
	fails_with("if { }", SIEVE_FRONT_INVALID,
	    "line 1, column 1: `if` needs a test");
	fails_with("if (true) { }", SIEVE_FRONT_INVALID,
	    "line 1, column 5: `if` takes one test, not a test list");
	fails_with("keep { }", SIEVE_FRONT_INVALID,
	    "line 1, column 1: `keep` takes no block (is a ';' missing?)");
	fails_with("if true { } elsif true { } else { } else { }",
	    SIEVE_FRONT_INVALID,
	    "line 1, column 37: `else` without a preceding `if`");
	fails_with("if true { require \"fileinto\"; }", SIEVE_FRONT_INVALID,
	    "line 1, column 11: `require` must come before any other command, "
	    "at the top of the script");
	fails_with("if not true false { }", SIEVE_FRONT_INVALID,
	    "line 1, column 13: `true` takes no test");
	fails_with("if allof true { }", SIEVE_FRONT_INVALID,
	    "line 1, column 10: `allof` needs a test list in parentheses");
}

static void test_check_errors_are_bounded(void **state)
{
	struct sieve_front f;
	char *src = malloc(50 * 8 + 1);
	char line[64];

	(void)state;
	assert_non_null(src);
	src[0] = '\0';
	for (int i = 0; i < 50; i++)
		(void)strlcat(src, "frob;\n", 50 * 8 + 1);
	assert_int_equal(sieve_front_prepare(src, strlen(src), &f), -1);
	assert_int_equal(f.check.ndiags, SIEVE_CHECK_DIAGS_MAX);
	assert_int_equal(f.check.nerrors, 50);
	FILE *mem = fmemopen(NULL, 8192, "w+");
	assert_non_null(mem);
	assert_int_equal(sieve_front_print_errors(&f, "s", mem), 21);
	rewind(mem);
	for (int i = 0; i < 21; i++)
		assert_non_null(fgets(line, sizeof line, mem));
	assert_string_equal(line, "s: ... and 30 more errors\n");
	fclose(mem);
	sieve_front_free(&f);
	free(src);
}

static void test_verdicts(void **state)
{
	struct sieve_front f;
	char v[600];
	const char *src;

	(void)state;
	src = "keep;";
	assert_int_equal(sieve_front_prepare(src, strlen(src), &f), 0);
	sieve_front_verdict(&f, v, sizeof v);
	assert_string_equal(v, "runs as written");
	sieve_front_free(&f);
	src = "require [\"imapflags\"]; Keep;";
	assert_int_equal(sieve_front_prepare(src, strlen(src), &f), 0);
	sieve_front_verdict(&f, v, sizeof v);
	assert_string_equal(v, "runs after canonical rewrite (names "
	    "lower-cased, imapflags -> imap4flags)");
	sieve_front_free(&f);
	src = "require [\"variables\", \"date\", \"variables\"];";
	assert_int_equal(sieve_front_prepare(src, strlen(src), &f), -1);
	sieve_front_verdict(&f, v, sizeof v);
	assert_string_equal(v, "needs extension variables date");
	sieve_front_free(&f);
	src = "keep";
	assert_int_equal(sieve_front_prepare(src, strlen(src), &f), -1);
	sieve_front_verdict(&f, v, sizeof v);
	assert_string_equal(v, "invalid");
	sieve_front_free(&f);
	src = "require \"notify\"; if valid_notif_method \"x\" { }";
	assert_int_equal(sieve_front_prepare(src, strlen(src), &f), -1);
	sieve_front_verdict(&f, v, sizeof v);
	assert_string_equal(v, "cannot run: `valid_notif_method` is not "
	    "supported: libsieve 2.2.6 cannot parse it");
	sieve_front_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emit_lower_case),
		cmocka_unit_test(test_emit_require),
		cmocka_unit_test(test_emit_header_colon),
		cmocka_unit_test(test_emit_strings),
		cmocka_unit_test(test_emit_numbers),
		cmocka_unit_test(test_emit_copy_create_marks),
		cmocka_unit_test(test_emit_hasflag),
		cmocka_unit_test(test_emit_lines_kept),
		cmocka_unit_test(test_check_messages),
		cmocka_unit_test(test_check_errors_are_bounded),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_libsieve_runs_rewritten),
		cmocka_unit_test(test_corpus),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	if (judge != NULL)
		sieve2_free(&judge);
	return rc;
}
