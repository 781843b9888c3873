/* test_msgedit.c: edited headers (src/msgedit.c) and the editheader
 * extension on the native interpreter (ext_editheader.c, sieve_edit.c):
 * the field list and its edit string, value encoding, the streamed
 * writer's exact bytes, and what scripts see and record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "headers.h"
#include "msgedit.h"
#include "sieve_parse.h"
#include "sieve_rt.h"

#include <cmocka.h>

/* The message of most tests, as the intake would have stored it: a
 * prepended Return-Path, a folded field, a line that is no field. */
static const char msg[] =
    "Return-Path: <a@example.com>\n"
    "Received: from x\n"
    "\tby y\n"
    "Subject: hi\n"
    "not a header line\n"
    "X-A: one\n"
    "X-A: two\n"
    "\n"
    "Body line\n";

static struct header_index idx;

static void hdr(const char *name, const char *value, bool added)
{
	assert_int_equal(header_add(&idx, name, strlen(name), value,
	    strlen(value)), 0);
	idx.items[idx.count - 1].added = added;
}

static int setup(void **state)
{
	(void)state;
	memset(&idx, 0, sizeof idx);
	hdr("Return-Path", "<a@example.com>", true);
	hdr("Received", "from x\tby y", false);
	hdr("Subject", "hi", false);
	hdr("X-A", "one", false);
	hdr("X-A", "two", false);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	header_index_free(&idx);
	return 0;
}

static int msg_fd(const char *text)
{
	int fd = memfd_create("t", 0);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	return fd;
}

/* The message written with edits, as a string (malloced). */
static char *written(const char *text, const char *edits, int *rc)
{
	int src = msg_fd(text), dst = memfd_create("o", 0);
	off_t n = 0;
	char *out;

	*rc = msgedit_write(src, &idx, edits, dst, &n);
	out = calloc(1, (size_t)n + 1);
	assert_non_null(out);
	assert_int_equal(pread(dst, out, (size_t)n, 0), (ssize_t)n);
	close(src);
	close(dst);
	return out;
}

/* ---- the field list ---- */

static void test_list_edits(void **state)
{
	struct msgedit e;
	char *s;

	(void)state;
	assert_int_equal(msgedit_init(&e, &idx, NULL), 0);
	assert_int_equal(msgedit_add(&e, &idx, "X-Top", "t", false), 0);
	assert_int_equal(msgedit_add(&e, &idx, "X-End", "e", true), 0);
	msgedit_delete(&e, 4);      /* the first X-A */
	s = msgedit_serialize(&e);
	/* added on top goes below the prepended Return-Path */
	assert_string_equal(s, "=0-0\n+X-Top: t\n=1-2\n=4-4\n+X-End: e\n");
	msgedit_free(&e);
	/* the string gives the same list back */
	assert_int_equal(msgedit_init(&e, &idx, s), 0);
	assert_int_equal(e.n, 6);
	assert_string_equal(e.f[1].name, "X-Top");
	assert_int_equal(e.f[4].orig, 4);
	free(s);
	msgedit_free(&e);
}

static void test_list_bad_strings(void **state)
{
	static const char *const bad[] = { "=0-9\n", "=2-1\n", "=1-2",
	    "=3-4\n=0-1\n", "+NoColon\n", "?\n", "+X:nospace\n" };
	struct msgedit e;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(msgedit_init(&e, &idx, bad[i]), -1);
}

static void test_view_and_size(void **state)
{
	struct header_index view;
	struct msgedit e;

	(void)state;
	assert_int_equal(msgedit_init(&e, &idx, NULL), 0);
	assert_int_equal(msgedit_add(&e, &idx, "X-New", "value", true), 0);
	msgedit_delete(&e, 2);      /* Subject */
	assert_int_equal(msgedit_view(&e, &view), 0);
	assert_int_equal(view.count, 5);
	assert_null(header_get(&view, "subject", 0));
	assert_string_equal(header_get(&view, "x-new", 0), "value");
	/* + "X-New: value\n" (13) - "Subject: hi\n" (12) */
	assert_int_equal(msgedit_size_delta(&e, &idx, false), 1);
	/* with CRLF: one more for the added line, one less for the other */
	assert_int_equal(msgedit_size_delta(&e, &idx, true), 1);
	free(view.items);
	msgedit_free(&e);
}

/* ---- values ---- */

static void test_encode_value(void **state)
{
	char *v;

	(void)state;
	v = msgedit_encode_value("a\n b\nc\r\n", 8);   /* unfolded */
	assert_string_equal(v, "a b c");
	free(v);
	v = msgedit_encode_value("bell\a!", 6);       /* kept as it is */
	assert_string_equal(v, "bell\a!");
	free(v);
	v = msgedit_encode_value("caf\xc3\xa9", 5);
	assert_string_equal(v, "=?UTF-8?B?Y2Fmw6k=?=");
	free(v);
}

/* A long 8-bit value: words of whole UTF-8 characters, which decode
 * back to the value. */
static void test_encode_long_utf8(void **state)
{
	char in[301], *v;

	(void)state;
	for (size_t i = 0; i < 300; i += 2)
		memcpy(in + i, "\xc3\xa9", 2);
	in[300] = '\0';
	v = msgedit_encode_value(in, 300);
	assert_non_null(strstr(v, "?= =?UTF-8?B?"));
	for (const char *w = v; (w = strstr(w, "=?UTF-8?B?")) != NULL; w++) {
		const char *end = strstr(w + 10, "?=");

		/* 44 bytes (22 characters) per word: 60 base64 characters */
		assert_true(end - (w + 10) <= 60);
	}
	free(v);
}

/* ---- the writer ---- */

static void test_write_unedited(void **state)
{
	char *out;
	int rc;

	(void)state;
	out = written(msg, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, msg);
	free(out);
}

static void test_write_edited(void **state)
{
	struct msgedit e;
	char *s, *out;
	int rc;

	(void)state;
	assert_int_equal(msgedit_init(&e, &idx, NULL), 0);
	msgedit_delete(&e, 1);      /* the folded Received */
	msgedit_delete(&e, 2);      /* the first X-A */
	assert_int_equal(msgedit_add(&e, &idx, "X-Top", "t", false), 0);
	assert_int_equal(msgedit_add(&e, &idx, "X-Long", "aaaaaaaaaa "
	    "bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff "
	    "gggggggggg", true), 0);
	s = msgedit_serialize(&e);
	out = written(msg, s, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out,
	    "Return-Path: <a@example.com>\n"
	    "X-Top: t\n"
	    "Subject: hi\n"
	    "not a header line\n"
	    "X-A: two\n"
	    "X-Long: aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee "
	    "ffffffffff\n gggggggggg\n"
	    "\n"
	    "Body line\n");
	free(out);
	free(s);
	msgedit_free(&e);
}

/* A file whose fields are not those of the index: EINVAL, so that the
 * caller files the message unedited. */
static void test_write_mismatch(void **state)
{
	char *out;
	int rc;

	(void)state;
	out = written("Return-Path: <a@example.com>\nFrom: z\n\nb\n",
	    "=0-1\n", &rc);
	assert_int_equal(rc, -1);
	free(out);
}

/* A body far larger than the writer's buffer streams through. */
static void test_write_large_body(void **state)
{
	size_t n = 300 * 1024;
	char *text = malloc(sizeof msg + n), *out;
	int rc;

	(void)state;
	assert_non_null(text);
	memcpy(text, msg, sizeof msg - 1);
	memset(text + sizeof msg - 1, 'x', n - 1);
	text[sizeof msg - 1 + n - 1] = '\n';
	text[sizeof msg - 1 + n] = '\0';
	out = written(text, "=0-4\n+X-B: b\n", &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(strlen(out), strlen(text) + strlen("X-B: b\n"));
	assert_memory_equal(out + strlen(out) - n, text + strlen(text) - n, n);
	free(out);
	free(text);
}

/* ---- scripts ---- */

static struct config cfg;
static char err[300];

static void run(const char *src, struct sieve_result *r)
{
	struct sieve_env env = { .headers = &idx, .sender = "a@example.com",
	    .recipient = "b@example.com", .size = 1000, .delimiter = "+",
	    .cfg = &cfg };
	struct sieve_script *s = NULL;
	struct sieve_diag d;

	assert_int_equal(sieve_parse(src, strlen(src), &s, &d), 0);
	assert_int_equal(sieve_native_eval(s, &env, NULL, r), 0);
	sieve_script_free(s);
}

/* Later tests see the edit; each action records its version; the
 * result carries the final one for the implicit keep. */
static void test_script_versions(void **state)
{
	struct sieve_result r;

	(void)state;
	config_defaults(&cfg);
	run("require [\"editheader\", \"fileinto\"];\n"
	    "fileinto \"A\";\n"
	    "addheader \"x-SPAM\" \"yes\";\n"
	    "if header :is \"x-spam\" \"yes\" { fileinto \"B\"; }\n"
	    "deleteheader :index 1 :last \"X-A\";\n"
	    "if not header :is \"x-a\" \"two\" { fileinto \"C\"; }\n"
	    "if size :over 1000 { fileinto \"D\"; }\n", &r);
	assert_false(r.failed);
	assert_int_equal(r.plan.count, 4);
	assert_null(r.plan.actions[0].edits);
	assert_string_equal(r.plan.actions[1].edits,
	    "=0-0\n+X-Spam: yes\n=1-4\n");
	assert_string_equal(r.plan.actions[2].edits,
	    "=0-0\n+X-Spam: yes\n=1-3\n");
	/* + "X-Spam: yes\n" (12) - "X-A: two\n" (9) */
	assert_string_equal(r.plan.actions[3].mailbox, "D");
	assert_string_equal(r.edits, "=0-0\n+X-Spam: yes\n=1-3\n");
	sieve_result_free(&r);
	config_free(&cfg);
}

/* Received and Auto-Submitted stay; the configured lists protect more;
 * deleteheader with patterns compares decoded values. */
static void test_script_protected(void **state)
{
	struct sieve_result r;

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(config_set(&cfg, "sieve_editheader_protected",
	    "x-a", err, sizeof err), 0);
	run("require [\"editheader\"];\n"
	    "deleteheader \"received\";\n"
	    "deleteheader \"x-a\";\n"
	    "addheader \"X-A\" \"three\";\n"
	    "deleteheader :matches \"subject\" \"h*\";\n"
	    "keep;\n", &r);
	assert_false(r.failed);
	assert_string_equal(r.plan.actions[0].edits, "=0-1\n=3-4\n");
	sieve_result_free(&r);
	config_free(&cfg);
}

/* A value over sieve_editheader_max_header_size from a variable is a
 * runtime error: the script fails, the message is kept unedited. */
static void test_script_too_large(void **state)
{
	struct sieve_result r;

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(config_set(&cfg, "sieve_editheader_max_header_size",
	    "1024", err, sizeof err), 0);
	run("require [\"editheader\", \"variables\", \"fileinto\"];\n"
	    "set \"a\" \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\";\n"
	    "set \"a\" \"${a}${a}${a}${a}${a}${a}${a}${a}\";\n"
	    "set \"a\" \"${a}${a}${a}\";\n"
	    "fileinto \"A\";\n"
	    "addheader \"X-Big\" \"${a}\";\n", &r);
	assert_true(r.failed);
	assert_true(r.keep);
	assert_int_equal(r.plan.count, 0);
	assert_null(r.edits);
	assert_non_null(strstr(r.errors.items[0], "is too large (1512 bytes)"));
	sieve_result_free(&r);
	config_free(&cfg);
}

/* Edits whose string passes MSGEDIT_STRING_MAX: a runtime error, not
 * a copy of megabytes for every action. */
static void test_script_edits_bounded(void **state)
{
	struct sieve_result r;
	char *src = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&src, &len);

	(void)state;
	config_defaults(&cfg);
	assert_non_null(f);
	fprintf(f, "require [\"editheader\", \"variables\"];\n"
	    "set \"a\" \"0123456789012345678901234567890123456789\";\n"
	    "set \"a\" \"${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}\";\n"
	    "set \"a\" \"${a}${a}${a}${a}${a}\";\n");   /* 2000 bytes */
	for (int i = 0; i < 140; i++)
		fprintf(f, "addheader \"X-%d\" \"${a}\";\n", i);
	assert_int_equal(fclose(f), 0);
	run(src, &r);
	assert_true(r.failed);
	assert_non_null(strstr(r.errors.items[0], "header edits exceed"));
	sieve_result_free(&r);
	free(src);
	config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list_edits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_list_bad_strings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_view_and_size, setup,
		    teardown),
		cmocka_unit_test(test_encode_value),
		cmocka_unit_test(test_encode_long_utf8),
		cmocka_unit_test_setup_teardown(test_write_unedited, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_write_edited, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_write_mismatch, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_write_large_body, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_script_versions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_script_protected, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_script_too_large, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_script_edits_bounded,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
