/* test_sieve_include.c: the include extension (src/sieve/ext_include.c,
 * sieve_include.c) through the native interpreter, with scripts in a
 * temporary personal and global directory: script names, resolution of
 * :personal and :global, each script loaded once, cycles (direct, through
 * the main script, with :once), the nesting and count limits and the
 * largest nesting the configuration accepts, :optional, return, global
 * variables and the global. namespace.  Each case checks the plan or the
 * errors exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "headers.h"
#include "sieve_include.h"
#include "sieve_parse.h"
#include "sieve_rt.h"

#include <cmocka.h>

static struct header_index idx;
static struct config cfg;
static char dir[64], personal[128], global[128];

static void put(const char *where, const char *name, const char *text)
{
	char path[300];
	FILE *fp;

	(void)snprintf(path, sizeof path, "%s/%s.sieve", where, name);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static int setup(void **state)
{
	(void)state;
	memset(&idx, 0, sizeof idx);
	assert_int_equal(header_add(&idx, "Subject", 7, "hello", 5), 0);
	config_defaults(&cfg);
	(void)strlcpy(dir, "/tmp/test-include.XXXXXX", sizeof dir);
	assert_non_null(mkdtemp(dir));
	(void)snprintf(personal, sizeof personal, "%s/p", dir);
	(void)snprintf(global, sizeof global, "%s/g", dir);
	assert_int_equal(mkdir(personal, 0700), 0);
	assert_int_equal(mkdir(global, 0700), 0);
	sieve_include_configure_dirs(&cfg, personal, global, NULL);
	return 0;
}

static int teardown(void **state)
{
	char cmd[200];

	(void)state;
	header_index_free(&idx);
	config_free(&cfg);
	(void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* "fileinto:A keep implicit-keep", or "FAILED: e1 | e2 ...". */
static void summary(const struct sieve_result *r, char *out, size_t len)
{
	out[0] = '\0';
	if (r->failed) {
		(void)strlcat(out, "FAILED:", len);
		for (size_t i = 0; i < r->errors.count; i++) {
			(void)strlcat(out, i ? " | " : " ", len);
			(void)strlcat(out, r->errors.items[i], len);
		}
		return;
	}
	for (size_t i = 0; i < r->plan.count; i++) {
		const struct action *a = &r->plan.actions[i];

		(void)strlcat(out, a->type == ACTION_FILEINTO ? "fileinto:" :
		    a->type == ACTION_KEEP ? "keep" : "other:", len);
		(void)strlcat(out, a->mailbox ? a->mailbox : "", len);
		(void)strlcat(out, " ", len);
	}
	(void)strlcat(out, r->keep ? "implicit-keep" : "no-keep", len);
}

static void run(const char *src, const char *want)
{
	struct sieve_script *s = NULL;
	struct sieve_diag d;
	struct sieve_result r;
	struct sieve_env env = { .headers = &idx, .sender = "a@example.org",
	    .recipient = "b@example.org", .size = 500, .cfg = &cfg };
	char got[8192];

	assert_int_equal(sieve_parse(src, strlen(src), &s, &d), 0);
	assert_int_equal(sieve_native_eval(s, &env, NULL, &r), 0);
	summary(&r, got, sizeof got);
	if (strcmp(got, want) != 0) {
		print_error("script: %s\n got: %s\nwant: %s\n", src, got,
		    want);
		fail();
	}
	sieve_result_free(&r);
	sieve_script_free(s);
}

static void test_names(void **state)
{
	(void)state;
	assert_true(sieve_include_name_valid("spam", 4));
	assert_true(sieve_include_name_valid("..", 2));
	assert_true(sieve_include_name_valid("Grüße", strlen("Grüße")));
	assert_false(sieve_include_name_valid("", 0));
	assert_false(sieve_include_name_valid("../x", 4));
	assert_false(sieve_include_name_valid("a/b", 3));
	assert_false(sieve_include_name_valid("a\x01", 2));
	assert_false(sieve_include_name_valid("a\x7f", 2));
	assert_false(sieve_include_name_valid("a\xc2\x85", 3));  /* U+0085 */
	assert_false(sieve_include_name_valid("a\xe2\x80\xa8", 4)); /* 2028 */
	assert_false(sieve_include_name_valid("a\xff", 2));   /* not UTF-8 */
	{
		char longname[300];

		memset(longname, 'a', sizeof longname);
		assert_true(sieve_include_name_valid(longname, 256));
		assert_false(sieve_include_name_valid(longname, 257));
	}
}

static void test_locations(void **state)
{
	(void)state;
	put(personal, "p", "require \"fileinto\"; fileinto \"P\";");
	put(global, "p", "require \"fileinto\"; fileinto \"G\";");
	run("require \"include\"; include \"p\"; include :global \"p\";",
	    "fileinto:P fileinto:G no-keep");
	run("require \"include\"; include \"nope\";",
	    "FAILED: line 1, column 20: included personal script 'nope' "
	    "does not exist");
	run("require \"include\"; include :optional \"nope\"; keep;",
	    "keep implicit-keep");
	run("require \"include\"; include \"../p\";",
	    "FAILED: line 1, column 28: include: invalid script name "
	    "'../p'");
	sieve_include_configure_dirs(&cfg, personal, NULL, NULL);
	run("require \"include\"; include :global \"p\";",
	    "FAILED: line 1, column 20: include: global location for "
	    "included script `p' is unavailable (contact system "
	    "administrator for more information)");
	sieve_include_configure_dirs(&cfg, personal, global, NULL);
}

static void test_once_and_twice(void **state)
{
	(void)state;
	put(personal, "t", "require [\"fileinto\", \"variables\", "
	    "\"include\"]; global \"n\"; set \"n\" \"${n}x\"; "
	    "fileinto \"T${n}\";");
	run("require [\"include\", \"variables\"]; global \"n\"; "
	    "include \"t\"; include \"t\"; include :once \"t\";",
	    "fileinto:Tx fileinto:Txx no-keep");
	run("require [\"include\", \"variables\"]; include :once \"t\"; "
	    "include :once \"t\";", "fileinto:Tx no-keep");
}

static void test_cycles(void **state)
{
	char main_path[300];

	(void)state;
	put(personal, "self", "require \"include\"; include \"self\";");
	run("require \"include\"; include \"self\";",
	    "FAILED: line 1, column 20: self: line 1, column 20: circular "
	    "include | line 1, column 20: failed to generate code for "
	    "included script 'self'");
	put(personal, "a", "require \"include\"; include \"b\";");
	put(personal, "b", "require \"include\"; include \"a\";");
	run("require \"include\"; include \"a\";",
	    "FAILED: line 1, column 20: a: line 1, column 20: b: line 1, "
	    "column 20: circular include | line 1, column 20: a: line 1, "
	    "column 20: failed to generate code for included script 'b' | "
	    "line 1, column 20: failed to generate code for included "
	    "script 'a'");
	/* through the main script itself, known by its file */
	put(personal, "main", "require \"include\"; include \"back\";");
	put(personal, "back", "require \"include\"; include \"main\";");
	(void)snprintf(main_path, sizeof main_path, "%s/main.sieve",
	    personal);
	sieve_include_configure_dirs(&cfg, personal, global, main_path);
	run("require \"include\"; include \"back\";",
	    "FAILED: line 1, column 20: back: line 1, column 20: circular "
	    "include | line 1, column 20: failed to generate code for "
	    "included script 'back'");
	sieve_include_configure_dirs(&cfg, personal, global, NULL);
	/* :once skips the check at load time, the run stops the loop */
	put(personal, "o1", "require \"include\"; include :once \"o2\"; "
	    "keep;");
	put(personal, "o2", "require \"include\"; include :once \"o1\";");
	run("require \"include\"; include :once \"o1\";",
	    "keep implicit-keep");
}

static void test_limits(void **state)
{
	char name[16], text[100];

	(void)state;
	for (int i = 0; i < 12; i++) {
		(void)snprintf(name, sizeof name, "d%d", i);
		(void)snprintf(text, sizeof text, i < 11 ? "require "
		    "\"include\"; include \"d%d\";" : "keep;", i + 1);
		put(personal, name, text);
	}
	/* d2 .. d11 are 10 levels below the main script; d1 .. d11 one
	 * too many */
	run("require \"include\"; include \"d2\";", "keep implicit-keep");
	{
		struct sieve_script *s = NULL;
		struct sieve_diag d;
		struct sieve_result r;
		struct sieve_env env = { .headers = &idx, .cfg = &cfg };
		const char *src = "require \"include\"; include \"d1\";";

		assert_int_equal(sieve_parse(src, strlen(src), &s, &d), 0);
		assert_int_equal(sieve_native_eval(s, &env, NULL, &r), 0);
		assert_true(r.failed);
		assert_non_null(strstr(r.errors.items[0], "cannot nest "
		    "includes deeper than 10 levels"));
		assert_int_equal(r.errors.count, 11);
		sieve_result_free(&r);
		sieve_script_free(s);
	}
	cfg.sieve_include_max_includes = 2;
	put(personal, "x", "keep;");
	run("require \"include\"; include \"d11\"; include \"x\"; "
	    "include \"d10\";", "FAILED: line 1, column 48: failed to include script 'd10': no "
	    "more than 2 includes allowed");
	cfg.sieve_include_max_includes = 255;
	/* the included scripts together: 9 of 1,000,000 bytes are over
	 * the 8 MiB */
	{
		char *big = malloc(1000001), main_src[400];
		size_t off;

		assert_non_null(big);
		memset(big, 'x', 1000000);
		big[0] = '#';
		memcpy(big + 999990, "\nkeep;\n", 7);
		big[999997] = '\0';
		for (int i = 0; i < 9; i++) {
			(void)snprintf(name, sizeof name, "big%d", i);
			put(personal, name, big);
		}
		free(big);
		off = (size_t)snprintf(main_src, sizeof main_src,
		    "require \"include\";");
		for (int i = 0; i < 9; i++)
			off += (size_t)snprintf(main_src + off,
			    sizeof main_src - off, " include \"big%d\";", i);
		run(main_src, "FAILED: line 1, column 148: included scripts "
		    "would hold more than 8 MiB together; not including "
		    "'big8'");
	}
	/* the nesting the configuration asks for is capped */
	cfg.sieve_include_max_nesting_depth = 1000;
	assert_int_equal(sieve_include_max_depth(), SIEVE_INCLUDE_DEPTH_CAP);
	cfg.sieve_include_max_nesting_depth = 10;
}

static void test_return_and_globals(void **state)
{
	(void)state;
	put(personal, "r", "require [\"include\", \"fileinto\"]; "
	    "fileinto \"R1\"; return; fileinto \"R2\";");
	run("require [\"include\", \"fileinto\"]; include \"r\"; "
	    "fileinto \"After\";", "fileinto:R1 fileinto:After no-keep");
	run("require [\"include\", \"fileinto\"]; return; fileinto \"No\";",
	    "implicit-keep");
	put(personal, "s", "require \"include\"; stop;");
	run("require [\"include\", \"fileinto\"]; include \"s\"; "
	    "fileinto \"No\";", "implicit-keep");
	/* a local of the same name stays apart; global. needs no
	 * declaration */
	put(personal, "v", "require [\"include\", \"variables\"]; "
	    "set \"l\" \"inner\"; set \"global.g\" \"G\";");
	run("require [\"include\", \"variables\", \"fileinto\"]; "
	    "set \"l\" \"outer\"; include \"v\"; "
	    "fileinto \"${l}-${global.g}\";", "fileinto:outer-G no-keep");
	run("require [\"include\", \"variables\"]; set \"global.a.b\" "
	    "\"x\";", "FAILED: line 1, column 39: invalid variable name "
	    "within global namespace: encountered sub-namespace");
	run("require [\"include\", \"variables\"]; set \"x\" \"1\"; "
	    "global \"x\";", "FAILED: line 1, column 48: declaration of "
	    "new global variable 'x' conflicts with earlier local use");
}

/* imap4flags required only by an included script still gives the
 * implicit keep its flags. */
static void test_flags_from_included(void **state)
{
	const char *src = "require \"include\"; include \"fl\";";
	struct sieve_script *s = NULL;
	struct sieve_diag d;
	struct sieve_result r;
	struct sieve_env env = { .headers = &idx, .cfg = &cfg };

	(void)state;
	put(personal, "fl", "require \"imap4flags\"; addflag \"\\\\Seen\";");
	assert_int_equal(sieve_parse(src, strlen(src), &s, &d), 0);
	assert_int_equal(sieve_native_eval(s, &env, NULL, &r), 0);
	assert_false(r.failed);
	assert_true(r.keep);
	assert_non_null(r.flags);
	assert_string_equal(r.flags, "\\Seen");
	sieve_result_free(&r);
	sieve_script_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_locations),
		cmocka_unit_test(test_once_and_twice),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_return_and_globals),
		cmocka_unit_test(test_flags_from_included),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
