/* test_sieve_ext_mime.c: the mime, foreverypart and extracttext
 * extensions (src/sieve/ext_mime.c, ext_foreverypart.c,
 * ext_extracttext.c) on the native interpreter: the parts a loop and
 * :anychild reach (Pigeonhole's outcomes, checked with sieve-test), break
 * and its names, the nesting limit when checked and when running, the
 * checks that need their context, extracttext's :first and modifiers, and
 * a message with no file (only the header index). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "headers.h"
#include "sieve_mime.h"
#include "sieve_parse.h"
#include "sieve_rt.h"

#include <cmocka.h>

static const char message[] =
    "From: a@example.com\n"
    "Subject: quirk\n"
    "Content-Type: multipart/mixed; boundary=R\n"
    "\n"
    "--R\n"
    "Content-Type: multipart/mixed; boundary=M1\n"
    "X-N: M1\n"
    "\n"
    "--M1\n"
    "Content-Type: text/plain\n"
    "X-N: x\n"
    "\n"
    "x text\n"
    "--M1\n"
    "Content-Type: multipart/mixed; boundary=M2\n"
    "X-N: M2\n"
    "\n"
    "--M2\n"
    "Content-Type: text/plain\n"
    "X-N: y\n"
    "\n"
    "y\n"
    "--M2\n"
    "Content-Type: text/html; charset=utf-8\n"
    "X-N: z\n"
    "\n"
    "<p>Z &amp; zz</p>\n"
    "--M2--\n"
    "--M1--\n"
    "--R\n"
    "Content-Type: application/octet-stream; name*0=\"w\"; name*1=\".bin\"\n"
    "Content-Transfer-Encoding: base64\n"
    "X-N: w\n"
    "\n"
    "V29ybGQ=\n"
    "--R--\n";

static struct header_index idx;
static struct mime_source src;

static int setup(void **state)
{
	char path[] = "/tmp/test_sieve_ext_mime.XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	(void)unlink(path);
	assert_int_equal(write(fd, message, sizeof message - 1),
	    (ssize_t)(sizeof message - 1));
	src.fd = fd;
	src.size = (off_t)(sizeof message - 1);
	memset(&idx, 0, sizeof idx);
	assert_int_equal(header_add(&idx, "From", 4, "a@example.com", 13), 0);
	assert_int_equal(header_add(&idx, "X-N", 3, "top", 3), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	close(src.fd);
	header_index_free(&idx);
	return 0;
}

/* The folders filed into, space separated, or "FAILED: error". */
static void run(const char *body, bool with_file, const char *want)
{
	char src_text[4096], got[4096] = "";
	struct sieve_env env = { .headers = &idx, .sender = "a@example.com",
	    .recipient = "b@example.org", .size = 100 };
	struct sieve_script *s = NULL;
	struct sieve_diag d;
	struct sieve_result r;

	env.message = with_file ? &src : NULL;
	(void)snprintf(src_text, sizeof src_text, "require [\"fileinto\", "
	    "\"mime\", \"foreverypart\", \"variables\", \"extracttext\"];\n"
	    "%s", body);
	assert_int_equal(sieve_parse(src_text, strlen(src_text), &s, &d), 0);
	assert_int_equal(sieve_native_eval(s, &env, NULL, &r), 0);
	if (r.failed) {
		(void)snprintf(got, sizeof got, "FAILED: %s", r.errors.count ?
		    r.errors.items[0] : "?");
	} else {
		for (size_t i = 0; i < r.plan.count; i++) {
			if (i > 0)
				(void)strlcat(got, " ", sizeof got);
			(void)strlcat(got, r.plan.actions[i].mailbox ?
			    r.plan.actions[i].mailbox : "-", sizeof got);
		}
	}
	if (strcmp(got, want) != 0) {
		print_error("script: %s\n got: %s\nwant: %s\n", body, got, want);
		fail();
	}
	sieve_result_free(&r);
	sieve_script_free(s);
}

/* Each part's X-N, and what a nested loop visits from it. */
static void test_loop_reach(void **state)
{
	(void)state;
	run("set \"r\" \"\";\n"
	    "foreverypart {\n"
	    "  if header :mime :matches \"X-N\" \"*\" { set \"o\" \"${1}\"; }"
	    " else { set \"o\" \"root\"; }\n"
	    "  set \"r\" \"${r}_${o}-\";\n"
	    "  foreverypart { if header :mime :matches \"X-N\" \"*\" "
	    "{ set \"r\" \"${r}${1}\"; } }\n"
	    "}\nfileinto \"${r}\";", true,
	    "_root-M1xM2yzw_M1-xM2yz_x-_M2-yzw_y-_z-_w-");
}

static void test_anychild_outside_loop(void **state)
{
	(void)state;
	/* outside loops, :anychild reads every part (the message's header
	 * from the file: X-N is not in it), without it the index */
	run("if header :mime :anychild \"X-N\" \"w\" { fileinto \"W\"; }\n"
	    "if header :mime \"X-N\" \"top\" { fileinto \"Top\"; }\n"
	    "if exists :mime :anychild \"X-Nothing\" { fileinto \"No\"; }",
	    true, "W Top");
}

static void test_break(void **state)
{
	(void)state;
	run("set \"t\" \"\";\n"
	    "foreverypart :name \"a\" { set \"t\" \"${t}o\";\n"
	    "  foreverypart { set \"t\" \"${t}i\"; break :name \"a\"; } }\n"
	    "fileinto \"${t}\";", true, "oi");
	run("set \"t\" \"\";\n"
	    "foreverypart { set \"t\" \"${t}o\";\n"
	    "  foreverypart { set \"t\" \"${t}i\"; break; } }\n"
	    "fileinto \"${t}\";", true, "oioiooiooo");
	/* stop ends every loop */
	run("foreverypart { foreverypart { fileinto \"S\"; stop; } }\n"
	    "fileinto \"Never\";", true, "S");
}

static void test_extracttext(void **state)
{
	(void)state;
	run("foreverypart { if header :mime \"X-N\" \"z\" {\n"
	    "  extracttext :upper :first 6 \"t\"; fileinto \"${t}\"; } }", true,
	    "Z & ZZ");
	run("foreverypart { if header :mime \"X-N\" \"x\" {\n"
	    "  extracttext :first 3 \"t\"; fileinto \"[${t}]\"; } }", true,
	    "[x t]");
	run("foreverypart { if header :mime :param \"name\" "
	    "\"Content-Type\" \"w.bin\" {\n"
	    "  extracttext :length \"t\"; extracttext \"u\";\n"
	    "  fileinto \"${u}${t}\"; } }", true, "World5");
	/* a part with parts inside: "" */
	run("foreverypart { extracttext \"t\"; if string \"${t}\" \"\" "
	    "{ fileinto \"E\"; } break; }", true, "E");
}

static void test_no_file(void **state)
{
	(void)state;
	/* only the header index: the message is one part */
	run("set \"n\" \"\";\n"
	    "foreverypart { set \"n\" \"${n}p\"; extracttext \"t\";\n"
	    "  if header :mime \"X-N\" \"top\" { fileinto \"Top${n}${t}\"; } }",
	    false, "Topp");
}

static void test_checks(void **state)
{
	(void)state;
	run("foreverypart { foreverypart { foreverypart { foreverypart {\n"
	    "  foreverypart { keep; } } } } }", true,
	    "FAILED: line 3, column 3: the nested foreverypart loop exceeds "
	    "the nesting limit (<= 4 levels)");
	run("foreverypart :name \"a\" { }\nbreak :name \"a\";", true,
	    "FAILED: line 3, column 1: the break command is not placed inside "
	    "a foreverypart loop named `a'");
	run("extracttext \"x\";", true, "FAILED: line 2, column 1: the "
	    "extracttext command is not placed inside a foreverypart loop");
	run("if header :type \"Content-Type\" \"text\" { keep; }", true,
	    "FAILED: line 2, column 11: the :type tag for the header test "
	    "cannot be specified without the :mime tag");
	run("if address :mime :type \"To\" \"x\" { keep; }", true,
	    "FAILED: line 2, column 18: unknown tagged argument ':type' for "
	    "the address test (it takes :is :contains :matches :comparator "
	    ":all :localpart :domain :mime :anychild)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loop_reach),
		cmocka_unit_test(test_anychild_outside_loop),
		cmocka_unit_test(test_break),
		cmocka_unit_test(test_extracttext),
		cmocka_unit_test(test_no_file),
		cmocka_unit_test(test_checks),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
