/* test_maildir_keywords.c: IMAP keywords through Dovecot's
 * dovecot-keywords file (src/maildir_keywords.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "maildir_keywords.h"

#include <cmocka.h>

struct fixture {
	char dir[64];
	int fd;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	assert_non_null(f);
	strlcpy(f->dir, "/tmp/test_kw.XXXXXX", sizeof f->dir);
	assert_non_null(mkdtemp(f->dir));
	f->fd = open(f->dir, O_RDONLY | O_DIRECTORY);
	assert_true(f->fd >= 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unlinkat(f->fd, "dovecot-keywords", 0);
	unlinkat(f->fd, "dovecot-keywords.lock", 0);
	close(f->fd);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void write_file(struct fixture *f, const char *name, const char *text)
{
	int fd = openat(f->fd, name, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static char *read_keywords(struct fixture *f)
{
	static char buf[4096];
	int fd = openat(f->fd, "dovecot-keywords", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static void test_valid_keywords(void **state)
{
	(void)state;
	assert_true(maildir_keyword_valid("$Junk"));
	assert_true(maildir_keyword_valid("NonJunk"));
	assert_true(maildir_keyword_valid("a.b-c_d!"));
	assert_false(maildir_keyword_valid(""));
	assert_false(maildir_keyword_valid("\\Seen"));
	assert_false(maildir_keyword_valid("two words"));
	assert_false(maildir_keyword_valid("new\nline"));
	assert_false(maildir_keyword_valid("par(en"));
	assert_false(maildir_keyword_valid("br]acket"));
	assert_false(maildir_keyword_valid("st*ar"));
	assert_false(maildir_keyword_valid("quo\"te"));
	assert_false(maildir_keyword_valid("caf\xc3\xa9"));
}

static void test_new_file_created(void **state)
{
	struct fixture *f = *state;
	char letters[53] = "S";
	const char *why = "x";

	assert_int_equal(maildir_keywords_letters(f->fd, "$Junk NonJunk",
	    letters, sizeof letters, &why), 0);
	assert_null(why);
	assert_string_equal(letters, "Sab");
	assert_string_equal(read_keywords(f), "0 $Junk\n1 NonJunk\n");
	assert_int_equal(faccessat(f->fd, "dovecot-keywords.lock", F_OK, 0),
	    -1);
}

static void test_existing_names_reused_without_case(void **state)
{
	struct fixture *f = *state;
	char letters[53] = "";
	const char *why;

	write_file(f, "dovecot-keywords", "0 Work\n3 $junk\n");
	assert_int_equal(maildir_keywords_letters(f->fd, "$Junk", letters,
	    sizeof letters, &why), 0);
	assert_string_equal(letters, "d");
	/* nothing new: the file is left as it was */
	assert_string_equal(read_keywords(f), "0 Work\n3 $junk\n");
}

static void test_new_name_takes_first_free_letter(void **state)
{
	struct fixture *f = *state;
	char letters[53] = "";
	const char *why;

	write_file(f, "dovecot-keywords", "0 Work\n2 Home\nnonsense\n"
	    "30 TooFar\n");
	assert_int_equal(maildir_keywords_letters(f->fd, "Home Later",
	    letters, sizeof letters, &why), 0);
	assert_string_equal(letters, "cb");
	assert_string_equal(read_keywords(f), "0 Work\n1 Later\n2 Home\n");
}

static void test_full_table(void **state)
{
	struct fixture *f = *state;
	char text[2048] = "", line[32], letters[53] = "";
	const char *why = NULL;

	for (int i = 0; i < 26; i++) {
		snprintf(line, sizeof line, "%d k%d\n", i, i);
		strlcat(text, line, sizeof text);
	}
	write_file(f, "dovecot-keywords", text);
	assert_int_equal(maildir_keywords_letters(f->fd, "k25 extra", letters,
	    sizeof letters, &why), -1);
	assert_string_equal(why, "all 26 keyword letters taken");
	assert_string_equal(letters, "z");
	assert_string_equal(read_keywords(f), text);
}

static void test_invalid_keyword_left_out(void **state)
{
	struct fixture *f = *state;
	char letters[53] = "";
	const char *why = NULL;

	assert_int_equal(maildir_keywords_letters(f->fd, "ok b(ad \\Seen",
	    letters, sizeof letters, &why), -1);
	assert_string_equal(why, "invalid keyword");
	assert_string_equal(letters, "a");
	assert_string_equal(read_keywords(f), "0 ok\n");
}

static void test_stale_lock_removed(void **state)
{
	struct fixture *f = *state;
	struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };
	char letters[53] = "";
	const char *why;

	write_file(f, "dovecot-keywords.lock", "junk");
	assert_int_equal(utimensat(f->fd, "dovecot-keywords.lock", old, 0), 0);
	assert_int_equal(maildir_keywords_letters(f->fd, "New", letters,
	    sizeof letters, &why), 0);
	assert_string_equal(letters, "a");
	assert_string_equal(read_keywords(f), "0 New\n");
}

static void test_fresh_lock_respected(void **state)
{
	struct fixture *f = *state;
	char letters[53] = "";
	const char *why = NULL;

	write_file(f, "dovecot-keywords", "0 Old\n");
	write_file(f, "dovecot-keywords.lock", "busy");
	assert_int_equal(maildir_keywords_letters(f->fd, "Old New", letters,
	    sizeof letters, &why), -1);
	assert_string_equal(why, "dovecot-keywords.lock held");
	/* the known name still gets its letter */
	assert_string_equal(letters, "a");
	assert_string_equal(read_keywords(f), "0 Old\n");
}

static void test_symlink_not_followed(void **state)
{
	struct fixture *f = *state;
	char letters[53] = "";
	const char *why = NULL;

	assert_int_equal(symlinkat("/etc/passwd", f->fd, "dovecot-keywords"),
	    0);
	assert_int_equal(maildir_keywords_letters(f->fd, "X", letters,
	    sizeof letters, &why), -1);
	assert_string_equal(why, "dovecot-keywords unreadable");
	assert_string_equal(letters, "");
}

static void test_mtime_grows(void **state)
{
	struct fixture *f = *state;
	struct timespec future[2] = { { 0, 0 }, { 0, 0 } };
	char letters[53] = "";
	const char *why;
	struct stat st;

	future[0].tv_sec = future[1].tv_sec = time(NULL) + 100;
	write_file(f, "dovecot-keywords", "0 A\n");
	assert_int_equal(utimensat(f->fd, "dovecot-keywords", future, 0), 0);
	assert_int_equal(maildir_keywords_letters(f->fd, "B", letters,
	    sizeof letters, &why), 0);
	assert_int_equal(fstatat(f->fd, "dovecot-keywords", &st, 0), 0);
	/* Dovecot re-reads only a file whose mtime changed */
	assert_true(st.st_mtime > future[0].tv_sec);
}

static void test_imap_flags_of_letters(void **state)
{
	struct fixture *f = *state;
	char out[256], tiny[12];

	write_file(f, "dovecot-keywords", "0 $Junk\n2 Work\n");
	maildir_imap_flags(f->fd, "DFPRSTabc", out, sizeof out);
	assert_string_equal(out, "\\Draft \\Flagged \\Answered \\Seen "
	    "\\Deleted $Junk Work");
	maildir_imap_flags(-1, "Sa", out, sizeof out);
	assert_string_equal(out, "\\Seen");
	maildir_imap_flags(f->fd, "", out, sizeof out);
	assert_string_equal(out, "");
	maildir_imap_flags(f->fd, "SFa", tiny, sizeof tiny);
	assert_string_equal(tiny, "\\Seen $Junk");   /* what fits */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_keywords),
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_new_file_created),
		T(test_existing_names_reused_without_case),
		T(test_new_name_takes_first_free_letter),
		T(test_full_table),
		T(test_invalid_keyword_left_out),
		T(test_stale_lock_removed),
		T(test_fresh_lock_respected),
		T(test_symlink_not_followed),
		T(test_mtime_grows),
		T(test_imap_flags_of_letters),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
