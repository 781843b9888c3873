/* test_procmail_translate.c: whole rc files through the translator
 * (src/procmail/pm_translate.c): chaining with A and E as procmail keeps
 * lastcond and prevcond, a 'c' block as procmail's clone, 'e', the
 * assignments that are reported or dropped, MATCH into a folder name,
 * the formail -D idiom, INCLUDERC and SWITCHRC read in place, and an
 * error in an included file naming that file.  Scripts and reports are
 * compared byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procmail/pm_translate.h"

#include <cmocka.h>

struct translated {
	int rc;
	char *script, *report;
	struct pm_error err;
};

static struct translated run(const char *rc, const char *home)
{
	struct translated t = { 0 };
	struct pm_sieve s = { 0 };
	struct pm_report rep = { 0 };
	size_t rlen = 0, slen = 0;
	FILE *out;

	rep.to = open_memstream(&t.report, &rlen);
	assert_non_null(rep.to);
	t.rc = pm_translate(rc, strlen(rc), "rc", home, &s, &rep, &t.err);
	if (t.rc == 0)
		pm_report_summary(&rep);
	fclose(rep.to);
	out = open_memstream(&t.script, &slen);
	assert_non_null(out);
	if (t.rc == 0)
		assert_int_equal(pm_sieve_write(&s, out), 0);
	fclose(out);
	pm_sieve_free(&s);
	return t;
}

static void done(struct translated *t)
{
	free(t->script);
	free(t->report);
}

#define HEAD "# Sieve script translated from a .procmailrc by " \
	"deliver --from-procmailrc\n"

static void test_chains(void **state)
{
	struct translated t;

	(void)state;
	t = run(":0\n* ^X-A: 1\n{ }\n:0 A\n* ^X-B: 1\n.ab/\n"
	    ":0 E\n* ^X-C: 1\n.c/\n", "/h");
	assert_int_equal(t.rc, 0);
	assert_string_equal(t.script, HEAD
	    "require [\"fileinto\", \"regex\", \"variables\"];\n"
	    "# .procmailrc line 1\n"
	    "set \"pm_i\" \"0\";\n"
	    "if header :regex \"x-a\" \"^1\" {\n"
	    "\tset \"pm_i\" \"1\";\n"
	    "}\n"
	    "set \"pm_last\" \"${pm_i}\";\n"
	    "set \"pm_prev\" \"${pm_i}\";\n"
	    "if string :is \"${pm_i}\" \"1\" {\n"
	    "}\n"
	    "# .procmailrc line 4\n"
	    "set \"pm_i\" \"0\";\n"
	    "if allof(string :is \"${pm_last}\" \"1\", "
	    "header :regex \"x-b\" \"^1\") {\n"
	    "\tset \"pm_i\" \"1\";\n"
	    "}\n"
	    /* an A recipe leaves lastcond alone */
	    "set \"pm_prev\" \"${pm_i}\";\n"
	    "if string :is \"${pm_i}\" \"1\" {\n"
	    "\tfileinto \"ab\";\n"
	    "\tstop;\n"
	    "}\n"
	    "# .procmailrc line 7\n"
	    "set \"pm_i\" \"0\";\n"
	    "if allof(not string :is \"${pm_prev}\" \"1\", "
	    "header :regex \"x-c\" \"^1\") {\n"
	    "\tset \"pm_i\" \"1\";\n"
	    "}\n"
	    /* the last chained recipe: no later one reads its outcome */
	    "if string :is \"${pm_i}\" \"1\" {\n"
	    "\tfileinto \"c\";\n"
	    "\tstop;\n"
	    "}\n");
	assert_string_equal(t.report, "rc:1: exact\nrc:4: exact\nrc:7: exact\n"
	    "procmailrc: 3 recipes: 3 exact, 0 with differences, "
	    "0 not translatable\n");
	done(&t);
}

static void test_clone_block_and_e(void **state)
{
	struct translated t;

	(void)state;
	t = run(":0 c\n{\n  :0\n  .copy/\n\n  :0\n  .second/\n}\n"
	    ":0 e\n.never/\n", "/h");
	assert_int_equal(t.rc, 0);
	/* the clone's deliveries are copies; its first ends the block
	 * (no condition on the block: no "if" around it) */
	assert_non_null(strstr(t.script, "set \"pm_cdone\" \"0\";\n"));
	assert_non_null(strstr(t.script, "# .procmailrc line 3\n"
	    "if not string :is \"${pm_cdone}\" \"1\" {\n"
	    "\tfileinto :copy \"copy\";\n\tset \"pm_cdone\" \"1\";\n}\n"
	    "# .procmailrc line 6\n"
	    "if not string :is \"${pm_cdone}\" \"1\" {\n"
	    "\tfileinto :copy \"second\";\n"));
	assert_null(strstr(t.script, "fileinto \"copy\""));
	assert_non_null(strstr(t.script, "if false {\n"));
	assert_string_equal(t.report,
	    "rc:1: differs: when the 'c' block delivers nothing, procmail's "
	    "copy also goes on through the rest of the rc\n"
	    "rc:3: exact\nrc:6: exact\n"
	    "rc:9: differs: 'e' runs after a failed action; Sieve actions do "
	    "not fail while the script runs, so it never does\n"
	    "procmailrc: 4 recipes: 2 exact, 2 with differences, "
	    "0 not translatable\n");
	done(&t);
}

static void test_match_dedup_assignments(void **state)
{
	struct translated t;

	(void)state;
	t = run("MAILDIR=$HOME/Maildir\nVERBOSE=on\n"
	    ":0 Wh: msgid.lock\n| formail -D 8192 msgid.cache\n"
	    ":0\n* ^X-List: *\\/[a-z]+\n{\n  LIST=$MATCH\n  :0\n  .L.$LIST/\n}\n"
	    "HOST=example\nEXITCODE=75\nX=`date`\n", "/h");
	assert_int_equal(t.rc, 0);
	assert_string_equal(t.script, HEAD
	    "require [\"fileinto\", \"regex\", \"variables\", \"duplicate\"];\n"
	    "# .procmailrc line 3\n"
	    "if duplicate {\n\tdiscard;\n\tstop;\n}\n"
	    "# .procmailrc line 5\n"
	    "if header :regex \"x-list\" \"^([a-z]+)\" {\n"
	    "\tset \"MATCH\" \"${1}\";\n"
	    "\t# .procmailrc line 8\n"
	    "\tset \"LIST\" \"${MATCH}\";\n"
	    "\t# .procmailrc line 9\n"
	    "\tfileinto \"L.${LIST}\";\n"
	    "\tstop;\n"
	    "}\n");
	assert_string_equal(t.report,
	    "rc:1: note: MAILDIR=/h/Maildir: folders are relative to deliver's "
	    "Maildir root\n"
	    "rc:2: note: VERBOSE: procmail's own setting, dropped\n"
	    "rc:3: note: lock file msgid.lock dropped: Sieve needs none\n"
	    "rc:3: note: formail -D: deliver's duplicate test remembers "
	    "Message-IDs in deliver.db for its period, not in formail's cache "
	    "file\n"
	    "rc:3: exact\nrc:5: exact\nrc:9: exact\n"
	    "rc:12: untranslatable: HOST: procmail leaves the rc on another "
	    "host; Sieve cannot tell\n"
	    "rc:13: differs: EXITCODE: a Sieve script cannot set deliver's exit "
	    "code\n"
	    "rc:14: untranslatable: $X takes the output of a program\n"
	    "procmailrc: 6 recipes: 3 exact, 1 with differences, "
	    "2 not translatable\n");
	done(&t);
}

static void test_includes(void **state)
{
	char dir[] = "/tmp/test_procmail_XXXXXX", path[200];
	struct translated t;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/Maildir", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/Maildir/lists.rc", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(":0\n* ^List-Id:.*<a\\.example>\n.A/\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/Maildir/bad.rc", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("\n\n}\n", f);
	fclose(f);

	t = run("INCLUDERC=lists.rc\n:0\n.B/\n", dir);
	assert_int_equal(t.rc, 0);
	snprintf(path, sizeof path, "# line 1: INCLUDERC %s/Maildir/lists.rc\n"
	    "# %s/Maildir/lists.rc line 1\n", dir, dir);
	assert_non_null(strstr(t.script, path));
	assert_non_null(strstr(t.script, "fileinto \"A\";"));
	snprintf(path, sizeof path, "%s/Maildir/lists.rc:1: exact\n", dir);
	assert_non_null(strstr(t.report, path));
	done(&t);

	/* SWITCHRC: the rest of this file is not procmail's any more */
	t = run("SWITCHRC=lists.rc\n", dir);
	assert_int_equal(t.rc, 0);
	assert_non_null(strstr(t.script, "\tstop;\n}\nstop;\n"));
	done(&t);

	/* an error in an included file names that file and its line */
	t = run("INCLUDERC=bad.rc\n", dir);
	assert_int_equal(t.rc, -1);
	snprintf(path, sizeof path, "%s/Maildir/bad.rc", dir);
	assert_string_equal(t.err.file, path);
	assert_int_equal(t.err.line, 3);
	assert_string_equal(t.err.reason, "'}' without a block");
	done(&t);

	/* an include that is not there: reported, the rest translated */
	t = run("INCLUDERC=none.rc\n:0\n.B/\n", dir);
	assert_int_equal(t.rc, 0);
	assert_non_null(strstr(t.report, "rc:1: untranslatable: cannot read "));
	done(&t);

	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

/* A '$' procmail leaves alone ("${" with no name) stays two plain
 * characters: in a script without variables Sieve's checker refuses such
 * a redirect address, so the forward is untranslatable (the mail stays),
 * never a script deliver would refuse.  Found by fuzz_procmailrc. */
static void test_forward_with_a_lone_dollar(void **state)
{
	struct translated t;

	(void)state;
	t = run(":0\n!digged.${\n", NULL);
	assert_int_equal(t.rc, 0);
	assert_string_equal(t.script, HEAD "# .procmailrc line 1\n"
	    "keep;\nstop;\n");
	assert_string_equal(t.report, "rc:1: untranslatable: \"digged.${\" "
	    "is no address Sieve redirects to (a local name needs its "
	    "domain); a forward without an address\n"
	    "procmailrc: 1 recipes: 0 exact, 0 with differences, 1 not "
	    "translatable\n");
	done(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chains),
		cmocka_unit_test(test_clone_block_and_e),
		cmocka_unit_test(test_match_dedup_assignments),
		cmocka_unit_test(test_includes),
		cmocka_unit_test(test_forward_with_a_lone_dollar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
