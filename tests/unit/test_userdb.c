/* test_userdb.c: reading what getent(1) prints (src/userdb.c): a passwd
 * line into an identity, an initgroups line into the group list that
 * setgroups() gets; malformed lines are refused, never half-read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* before cmocka.h, whose fail() macro would clash with outcome.h's fail() */
#include "userdb.h"

#include <cmocka.h>

static void passwd_line(void **state)
{
	struct identity id;

	(void)state;
	assert_int_equal(userdb_parse_passwd("bob:x:1001:100:Bob B,,,:"
	    "/home/bob:/bin/sh\n", &id), 0);
	assert_string_equal(id.name, "bob");
	assert_string_equal(id.home, "/home/bob");
	assert_int_equal(id.uid, 1001);
	assert_int_equal(id.gid, 100);
}

static void passwd_empty_shell_and_big_ids(void **state)
{
	struct identity id;

	(void)state;
	assert_int_equal(userdb_parse_passwd("svc:*:4294967294:4294967293::"
	    "/var/svc:", &id), 0);
	assert_int_equal(id.uid, 4294967294u);
	assert_int_equal(id.gid, 4294967293u);
	assert_string_equal(id.home, "/var/svc");
}

static void passwd_malformed(void **state)
{
	static const char *bad[] = {
		"", "\n", "bob", "bob:x:1001", "bob:x:1001:100:gecos",
		":x:1:1::/h:/s", "bob:x:-1:100::/h:/s", "bob:x:1x:100::/h:/s",
		"bob:x:1001::gecos:/h:/s", "bob:x:4294967295:1::/h:/s",
		"bob:x:99999999999:1::/h:/s",
	};
	struct identity id;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(userdb_parse_passwd(bad[i], &id), -1);
}

static void passwd_home_too_long(void **state)
{
	char line[6000] = "bob:x:1:1::/";
	struct identity id;

	(void)state;
	memset(line + strlen(line), 'h', 4200);
	assert_int_equal(userdb_parse_passwd(line, &id), -1);
}

static void groups_line(void **state)
{
	gid_t *g;
	size_t n;

	(void)state;
	/* getent pads the name; the primary group comes first, once */
	assert_int_equal(userdb_parse_groups("bob             27 100 1005\n",
	    100, &g, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(g[0], 100);
	assert_int_equal(g[1], 27);
	assert_int_equal(g[2], 1005);
	free(g);
}

static void groups_none(void **state)
{
	gid_t *g;
	size_t n;

	(void)state;
	assert_int_equal(userdb_parse_groups("root                 \n", 0, &g,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(g[0], 0);
	free(g);
	assert_int_equal(userdb_parse_groups("", 7, &g, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(g[0], 7);
	free(g);
}

static void groups_many(void **state)
{
	char line[20000] = "many";
	size_t len = strlen(line);
	gid_t *g;
	size_t n;

	(void)state;
	for (int i = 1; i <= 2000; i++)
		len += (size_t)snprintf(line + len, sizeof line - len, " %d",
		    i);
	assert_int_equal(userdb_parse_groups(line, 5, &g, &n), 0);
	assert_int_equal(n, 2000);        /* 5 is listed once */
	assert_int_equal(g[0], 5);
	assert_int_equal(g[1999], 2000);
	free(g);
}

static void groups_malformed(void **state)
{
	gid_t *g = (gid_t *)&g;
	size_t n = 9;

	(void)state;
	assert_int_equal(userdb_parse_groups("bob 27 x1\n", 1, &g, &n), -1);
	assert_null(g);
	assert_int_equal(n, 0);
	assert_int_equal(userdb_parse_groups("bob -3\n", 1, &g, &n), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(passwd_line),
		cmocka_unit_test(passwd_empty_shell_and_big_ids),
		cmocka_unit_test(passwd_malformed),
		cmocka_unit_test(passwd_home_too_long),
		cmocka_unit_test(groups_line),
		cmocka_unit_test(groups_none),
		cmocka_unit_test(groups_many),
		cmocka_unit_test(groups_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
