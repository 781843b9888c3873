/* test_sieve_guard.c: markers of Sieve evaluations in progress
 * (src/sieve/sieve_guard.c): a marker left by a dead process makes the
 * next attempt skip the scripts; a live one, or none, does not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "headers.h"
#include "proc.h"
#include "sieve_guard.h"

struct fixture {
	char dir[64];
	int tmpfd;
	struct header_index h;
};

static void add(struct header_index *idx, const char *name, const char *value)
{
	assert_int_equal(header_add(idx, name, strlen(name), value,
	    strlen(value)), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	strlcpy(f->dir, "/tmp/test_sieve_guard.XXXXXX", sizeof f->dir);
	if (mkdtemp(f->dir) == NULL)
		return -1;
	f->tmpfd = open(f->dir, O_RDONLY | O_DIRECTORY);
	add(&f->h, "Subject", "hello");
	add(&f->h, "Message-ID", "<1@example.org>");
	*state = f;
	return f->tmpfd < 0 ? -1 : 0;
}

/* The names of the files in the directory, as one string "a b ". */
static void list_dir(struct fixture *f, char *out, size_t len)
{
	DIR *d = opendir(f->dir);
	struct dirent *e;

	out[0] = '\0';
	while (d && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			strlcat(out, e->d_name, len);
			strlcat(out, " ", len);
		}
	if (d)
		closedir(d);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char names[4096], *p, *save = NULL;

	list_dir(f, names, sizeof names);
	for (p = strtok_r(names, " ", &save); p; p = strtok_r(NULL, " ", &save))
		unlinkat(f->tmpfd, p, 0);
	close(f->tmpfd);
	rmdir(f->dir);
	header_index_free(&f->h);
	free(f);
	return 0;
}

static void write_marker(struct fixture *f, const char *name,
    const char *text)
{
	int fd = openat(f->tmpfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_enter_leave(void **state)
{
	struct fixture *f = *state;
	struct sieve_guard g;
	char names[4096], want[256], content[64];
	int fd;
	ssize_t n;

	assert_int_equal(sieve_guard_enter(&g, f->tmpfd, &f->h, "bob@x"), 0);
	assert_true(g.held);
	assert_int_equal(strncmp(g.name, SIEVE_GUARD_PREFIX,
	    strlen(SIEVE_GUARD_PREFIX)), 0);
	assert_int_equal(strlen(g.name), strlen(SIEVE_GUARD_PREFIX) + 32);
	list_dir(f, names, sizeof names);
	snprintf(want, sizeof want, "%s ", g.name);
	assert_string_equal(names, want);
	/* it says who holds it: this process, with its start time */
	fd = openat(f->tmpfd, g.name, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, content, sizeof content - 1);
	close(fd);
	assert_true(n > 0);
	content[n] = '\0';
	snprintf(want, sizeof want, "%ld %lld\n", (long)getpid(),
	    proc_start_time(getpid()));
	assert_string_equal(content, want);
	sieve_guard_leave(&g);
	list_dir(f, names, sizeof names);
	assert_string_equal(names, "");
}

static void test_dead_marker_skips(void **state)
{
	struct fixture *f = *state;
	struct sieve_guard g, again;
	char names[4096];

	assert_int_equal(sieve_guard_enter(&g, f->tmpfd, &f->h, "bob@x"), 0);
	/* as if the process had died evaluating: the pid is not running */
	write_marker(f, g.name, "2147483646 12345\n");
	assert_int_equal(sieve_guard_enter(&again, f->tmpfd, &f->h, "bob@x"),
	    1);
	assert_false(again.held);
	assert_true(again.dead_found);
	/* leaving does not remove it: only a finished delivery does */
	sieve_guard_leave(&again);
	list_dir(f, names, sizeof names);
	assert_int_not_equal(strstr(names, g.name), NULL);
	sieve_guard_delivered(&again);
	list_dir(f, names, sizeof names);
	assert_string_equal(names, "");
}

static void test_reused_pid_is_dead(void **state)
{
	struct fixture *f = *state;
	struct sieve_guard g, again;
	char text[64];

	assert_int_equal(sieve_guard_enter(&g, f->tmpfd, &f->h, "bob@x"), 0);
	/* our pid, but a start time that is not ours: the pid was reused */
	snprintf(text, sizeof text, "%ld %lld\n", (long)getpid(),
	    proc_start_time(getpid()) + 1);
	write_marker(f, g.name, text);
	assert_int_equal(sieve_guard_enter(&again, f->tmpfd, &f->h, "bob@x"),
	    1);
}

static void test_empty_marker_is_dead(void **state)
{
	struct fixture *f = *state;
	struct sieve_guard g, again;

	assert_int_equal(sieve_guard_enter(&g, f->tmpfd, &f->h, "bob@x"), 0);
	write_marker(f, g.name, "");
	assert_int_equal(sieve_guard_enter(&again, f->tmpfd, &f->h, "bob@x"),
	    1);
	write_marker(f, g.name, "garbage\n");
	assert_int_equal(sieve_guard_enter(&again, f->tmpfd, &f->h, "bob@x"),
	    1);
}

static void test_live_marker_is_not_a_crash(void **state)
{
	struct fixture *f = *state;
	struct sieve_guard g, other;

	/* a concurrent delivery of the same message, still evaluating */
	assert_int_equal(sieve_guard_enter(&g, f->tmpfd, &f->h, "bob@x"), 0);
	assert_int_equal(sieve_guard_enter(&other, f->tmpfd, &f->h, "bob@x"),
	    0);
	assert_false(other.held);
	assert_false(other.dead_found);
	sieve_guard_leave(&other);   /* must not remove the other's marker */
	assert_int_equal(faccessat(f->tmpfd, g.name, F_OK, 0), 0);
	sieve_guard_leave(&g);
	assert_int_not_equal(faccessat(f->tmpfd, g.name, F_OK, 0), 0);
}

static void test_names_tell_messages_apart(void **state)
{
	struct fixture *f = *state;
	struct sieve_guard a, b, c, d;
	struct header_index noid = { 0 }, noid2 = { 0 };

	assert_int_equal(sieve_guard_enter(&a, f->tmpfd, &f->h, "bob@x"), 0);
	assert_int_equal(sieve_guard_enter(&b, f->tmpfd, &f->h, "carol@x"), 0);
	assert_string_not_equal(a.name, b.name);
	/* without a Message-ID, the headers the message came with */
	add(&noid, "Subject", "one");
	add(&noid2, "Subject", "two");
	assert_int_equal(sieve_guard_enter(&c, f->tmpfd, &noid, "bob@x"), 0);
	assert_int_equal(sieve_guard_enter(&d, f->tmpfd, &noid2, "bob@x"), 0);
	assert_string_not_equal(c.name, d.name);
	/* ...but not those deliver added (they differ between attempts) */
	sieve_guard_leave(&c);
	assert_int_equal(header_insert_added(&noid, 0, "Delivered-To",
	    "bob@x"), 0);
	assert_int_equal(sieve_guard_enter(&d, f->tmpfd, &noid, "bob@x"), 0);
	assert_string_equal(c.name, d.name);
	header_index_free(&noid);
	header_index_free(&noid2);
}

static void test_no_tmp_no_guard(void **state)
{
	struct fixture *f = *state;
	struct sieve_guard g;

	assert_int_equal(sieve_guard_enter(&g, -1, &f->h, "bob@x"), 0);
	assert_false(g.held);
	sieve_guard_leave(&g);
	sieve_guard_delivered(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_enter_leave, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dead_marker_skips, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reused_pid_is_dead, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_empty_marker_is_dead,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_marker_is_not_a_crash,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_tell_messages_apart,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_tmp_no_guard, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
