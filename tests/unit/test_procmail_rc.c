/* test_procmail_rc.c: the .procmailrc reader (src/procmail/pm_rc_parse.c):
 * recipe flags and lock files, conditions continued with a backslash,
 * comments and blank lines, nested blocks, assignments with quotes,
 * backquotes and comments, capture actions, and what procmail refuses
 * (with its line), with the caps on nesting and size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procmail/pm_rc.h"

#include <cmocka.h>

static struct pm_rc rc;

static void parse_ok(const char *text)
{
	char err[200];
	int line = 0;

	if (pm_rc_parse(text, strlen(text), &rc, &line, err, sizeof err) < 0)
		fail_msg("line %d: %s", line, err);
}

static void parse_fails(const char *text, int want_line, const char *why)
{
	char err[200] = "";
	int line = 0;

	assert_int_equal(pm_rc_parse(text, strlen(text), &rc, &line, err,
	    sizeof err), -1);
	assert_int_equal(line, want_line);
	assert_string_equal(err, why);
	pm_rc_free(&rc);
}

static int teardown(void **state)
{
	(void)state;
	pm_rc_free(&rc);
	return 0;
}

static void test_flags_and_locks(void **state)
{
	(void)state;
	parse_ok(":0 HBc: my.lock\n* ^Subject:.*x\n.x/\n"
	    ":0:\n* y\nmbox\n"
	    ":0Wh : msgid.lock # comment\n| formail -D 8192 msgid.cache\n"
	    ":0\n/dev/null\n");
	assert_int_equal(rc.n, 4);
	assert_string_equal(rc.items[0].flags, "HBc");
	assert_true(rc.items[0].has_lock);
	assert_string_equal(rc.items[0].lockfile, "my.lock");
	assert_int_equal(rc.items[0].action, PM_ACT_FOLDER);
	assert_string_equal(rc.items[0].action_text, ".x/");
	assert_int_equal(rc.items[0].action_line, 3);
	assert_true(rc.items[1].has_lock);
	assert_null(rc.items[1].lockfile);
	assert_int_equal(rc.items[1].line, 4);
	assert_string_equal(rc.items[2].flags, "Wh");
	assert_string_equal(rc.items[2].lockfile, "msgid.lock");
	assert_int_equal(rc.items[2].action, PM_ACT_PIPE);
	assert_string_equal(rc.items[2].action_text,
	    "| formail -D 8192 msgid.cache");
	assert_false(rc.items[3].has_lock);
	assert_int_equal(rc.items[3].nconds, 0);
}

static void test_conditions(void **state)
{
	(void)state;
	parse_ok(":0\n"
	    "*   ^Subject:.*\\\n"
	    "      continued\n"
	    "# a comment between conditions\n"
	    "\n"
	    "  * ! ^From:.*x\n"
	    "* \\!literal\n"
	    "! a@b.example c@d.example\n");
	assert_int_equal(rc.n, 1);
	assert_int_equal(rc.items[0].nconds, 3);
	assert_string_equal(rc.items[0].conds[0].text, "^Subject:.*continued");
	assert_int_equal(rc.items[0].conds[0].line, 2);
	assert_string_equal(rc.items[0].conds[1].text, "! ^From:.*x");
	assert_int_equal(rc.items[0].conds[1].line, 6);
	assert_string_equal(rc.items[0].conds[2].text, "\\!literal");
	assert_int_equal(rc.items[0].action, PM_ACT_FORWARD);
	assert_string_equal(rc.items[0].action_text,
	    "! a@b.example c@d.example");
	assert_int_equal(rc.items[0].action_line, 8);
}

/* procmail ends a folder or forward action at a '#' after a blank (the
 * way Debian's examples comment them); a pipe's line is the shell's. */
static void test_action_comments(void **state)
{
	(void)state;
	parse_ok(":0\n.Henry/\t\t# goes to .Henry/\n"
	    ":0 c\n! bob@phone.example\t# to the phone\n"
	    ":0\n\"My #1 Folder/\" # quoted\n"
	    ":0\nA#B/\n"
	    ":0\n| cat >> x # the shell's\n");
	assert_int_equal(rc.n, 5);
	assert_string_equal(rc.items[0].action_text, ".Henry/");
	assert_string_equal(rc.items[1].action_text, "! bob@phone.example");
	assert_string_equal(rc.items[2].action_text, "\"My #1 Folder/\"");
	assert_string_equal(rc.items[3].action_text, "A#B/");
	assert_string_equal(rc.items[4].action_text,
	    "| cat >> x # the shell's");
}

static void test_blocks(void **state)
{
	(void)state;
	parse_ok(":0\n* a\n{\n  :0\n  * b\n  {\n    :0\n    .c/\n  }\n"
	    "  X=1\n}\n:0\n{ }\n");
	assert_int_equal(rc.n, 8);
	assert_int_equal(rc.items[0].action, PM_ACT_BLOCK);
	assert_int_equal(rc.items[0].depth, 0);
	assert_int_equal(rc.items[1].depth, 1);
	assert_int_equal(rc.items[1].action, PM_ACT_BLOCK);
	assert_int_equal(rc.items[2].depth, 2);
	assert_int_equal(rc.items[3].kind, PM_ITEM_BLOCK_END);
	assert_int_equal(rc.items[3].depth, 1);
	assert_int_equal(rc.items[3].line, 9);
	assert_int_equal(rc.items[4].kind, PM_ITEM_ASSIGN);
	assert_int_equal(rc.items[4].depth, 1);
	assert_int_equal(rc.items[5].kind, PM_ITEM_BLOCK_END);
	assert_int_equal(rc.items[5].depth, 0);
	/* "{ }" on one line */
	assert_int_equal(rc.items[6].action, PM_ACT_BLOCK);
	assert_int_equal(rc.items[7].kind, PM_ITEM_BLOCK_END);
}

static void test_assignments(void **state)
{
	(void)state;
	parse_ok("MAILDIR=$HOME/Maildir\n"
	    "A=\"x y\"   # comment\n"
	    "B='$q \"z\"'\n"
	    "C=`date +%s`\n"
	    "D = spaced\n"
	    "E=\"two\\\nlines\"\n"
	    "F=\n"
	    "G=a\"b c\"'d'\n"
	    ":0\nLIST=| formail -xList-Id:\n");
	assert_int_equal(rc.n, 9);
	assert_string_equal(rc.items[0].name, "MAILDIR");
	assert_string_equal(rc.items[0].value, "$HOME/Maildir");
	assert_string_equal(rc.items[1].value, "x y");
	assert_string_equal(rc.items[2].value, "$q \"z\"");
	assert_true(rc.items[3].backquote);
	assert_string_equal(rc.items[3].value, "date +%s");
	assert_string_equal(rc.items[4].name, "D");
	assert_string_equal(rc.items[4].value, "spaced");
	assert_string_equal(rc.items[5].value, "twolines");
	assert_int_equal(rc.items[6].line, 8);
	assert_string_equal(rc.items[6].value, "");
	assert_string_equal(rc.items[7].value, "ab cd");
	assert_int_equal(rc.items[8].action, PM_ACT_CAPTURE);
	assert_string_equal(rc.items[8].name, "LIST");
}

static void test_refused(void **state)
{
	char *deep;

	(void)state;
	parse_fails(":0\n* x\n", 1, "recipe without an action");
	parse_fails("\n\n}\n", 3, "'}' without a block");
	parse_fails(":0\n{\n:0\n{\n:0\n.x/\n}\n", 1, "missing '}'");
	parse_fails(":0 Q\n.x/\n", 1, "unknown flag");
	parse_fails("A=\"open\n", 1, "unterminated quote");
	/* 1,000 nested blocks: refused at the cap, no recursion */
	deep = malloc(1000 * 5 + 1);
	assert_non_null(deep);
	for (int i = 0; i < 1000; i++)
		memcpy(deep + i * 5, ":0\n{\n", 5);
	deep[5000] = '\0';
	parse_fails(deep, PM_RC_MAX_DEPTH * 2 + 2, "blocks nested too deep");
	free(deep);
}

static void test_large(void **state)
{
	size_t n = 10 * 1024 * 1024, used = 0;
	char *big = malloc(n + 1);
	int recipes = 0;

	(void)state;
	assert_non_null(big);
	/* 10 MiB of recipes: read, bounded by the item cap */
	while (used + 40 < n) {
		used += (size_t)snprintf(big + used, n - used,
		    ":0\n* ^Subject:.*x%d\n.f/\n", recipes++);
	}
	big[used] = '\0';
	parse_ok(big);
	assert_int_equal(rc.n, recipes);
	pm_rc_free(&rc);
	/* past PM_RC_MAX_SIZE: refused before reading */
	{
		char err[100];
		int line;

		assert_int_equal(pm_rc_parse(big, PM_RC_MAX_SIZE + 1, &rc,
		    &line, err, sizeof err), -1);
		assert_string_equal(err, "file too large");
	}
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_flags_and_locks, teardown),
		cmocka_unit_test_teardown(test_conditions, teardown),
		cmocka_unit_test_teardown(test_action_comments, teardown),
		cmocka_unit_test_teardown(test_blocks, teardown),
		cmocka_unit_test_teardown(test_assignments, teardown),
		cmocka_unit_test_teardown(test_refused, teardown),
		cmocka_unit_test_teardown(test_large, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
