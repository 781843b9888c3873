/* test_config.c: deliver.conf, -o pairs and typed values (src/config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

/* A fresh config with defaults, and a scratch directory for files. */
struct fixture {
	struct config cfg;
	char dir[64];
	char path[128];
	char err[512];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TMPDIR");

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof f->dir, "%s/cfgtest.XXXXXX",
	    tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/deliver.conf", f->dir);
	config_defaults(&f->cfg);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	config_free(&f->cfg);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Write exactly len bytes of text as the config file. */
static void write_file(struct fixture *f, const char *text, size_t len)
{
	FILE *fp = fopen(f->path, "we");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void write_conf(struct fixture *f, const char *text)
{
	write_file(f, text, strlen(text));
}

/* The error text expected for a problem on a line of f->path. */
static const char *at_line(struct fixture *f, unsigned line, const char *why)
{
	static char buf[600];

	snprintf(buf, sizeof buf, "%s:%u: %s", f->path, line, why);
	return buf;
}

static int set(struct fixture *f, const char *key, const char *value)
{
	f->err[0] = '\0';
	return config_set(&f->cfg, key, value, f->err, sizeof f->err);
}

static void test_defaults(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(f->cfg.maildir, "~/Maildir");
	assert_string_equal(f->cfg.sendmail, "/usr/sbin/sendmail");
	assert_true(f->cfg.autocreate);
	assert_true(f->cfg.autosubscribe);
	assert_int_equal(f->cfg.subscription_format, SUBSCRIBE_DOVECOT);
	assert_false(f->cfg.utf8_folders);
	assert_int_equal(f->cfg.folder_separator, '.');
	assert_true(f->cfg.add_return_path);
	assert_true(f->cfg.add_delivered_to);
	assert_true(f->cfg.loop_check);
	assert_string_equal(f->cfg.recipient_delimiter, "+");
	assert_string_equal(f->cfg.hostname, "");
}

static void test_string_key_replaces_value(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set(f, "sendmail", "/usr/lib/sendmail"), 0);
	assert_int_equal(set(f, "sendmail", "/bin/true"), 0);
	assert_string_equal(f->cfg.sendmail, "/bin/true");
	assert_int_equal(set(f, "hostname", ""), 0);
	assert_string_equal(f->cfg.hostname, "");
}

static void test_bool_true_words(void **state)
{
	struct fixture *f = *state;
	static const char *const words[] = { "yes", "true", "on", "1", "YES",
	    "True", "ON" };

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		f->cfg.utf8_folders = false;
		assert_int_equal(set(f, "utf8_folders", words[i]), 0);
		assert_true(f->cfg.utf8_folders);
	}
}

static void test_bool_false_words(void **state)
{
	struct fixture *f = *state;
	static const char *const words[] = { "no", "false", "off", "0", "NO",
	    "False", "Off" };

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		f->cfg.loop_check = true;
		assert_int_equal(set(f, "loop_check", words[i]), 0);
		assert_false(f->cfg.loop_check);
	}
}

static void test_bool_bad_value_message_and_no_change(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set(f, "autocreate", "maybe"), -1);
	assert_string_equal(f->err, "bad value \"maybe\" for autocreate");
	assert_true(f->cfg.autocreate);
	assert_int_equal(set(f, "autocreate", ""), -1);
	assert_int_equal(set(f, "autocreate", "yes "), -1);
}

static void test_char_key_takes_one_punctuation_char(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set(f, "folder_separator", "/"), 0);
	assert_int_equal(f->cfg.folder_separator, '/');
	assert_int_equal(set(f, "folder_separator", "."), 0);
	assert_int_equal(f->cfg.folder_separator, '.');
}

static void test_char_key_rejects_letters_and_lengths(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set(f, "folder_separator", "a"), -1);
	assert_string_equal(f->err, "bad value \"a\" for folder_separator");
	assert_int_equal(set(f, "folder_separator", "./"), -1);
	assert_int_equal(set(f, "folder_separator", ""), -1);
	assert_int_equal(set(f, "folder_separator", " "), -1);
	assert_int_equal(f->cfg.folder_separator, '.');
}

static void test_enum_key_choices_any_case(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set(f, "subscription_format", "courier"), 0);
	assert_int_equal(f->cfg.subscription_format, SUBSCRIBE_COURIER);
	assert_int_equal(set(f, "subscription_format", "DOVECOT"), 0);
	assert_int_equal(f->cfg.subscription_format, SUBSCRIBE_DOVECOT);
}

static void test_enum_key_rejects_other_names(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set(f, "subscription_format", "maildrop"), -1);
	assert_string_equal(f->err,
	    "bad value \"maildrop\" for subscription_format");
	assert_int_equal(f->cfg.subscription_format, SUBSCRIBE_DOVECOT);
}

static void test_unknown_key_message(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set(f, "no_such_key", "1"), -1);
	assert_string_equal(f->err, "unknown key \"no_such_key\"");
	assert_int_equal(set(f, "Sendmail", "/x"), -1); /* names are exact */
	assert_string_equal(f->err, "unknown key \"Sendmail\"");
}

static void check_size(const char *text, unsigned long long want)
{
	unsigned long long got = 12345;

	assert_int_equal(config_parse_size(text, &got), 0);
	assert_true(got == want);
}

static void check_bad_size(const char *text)
{
	unsigned long long got = 12345;

	assert_int_equal(config_parse_size(text, &got), -1);
	assert_true(got == 12345); /* untouched */
}

static void test_size_plain_numbers(void **state)
{
	(void)state;
	check_size("0", 0);
	check_size("123", 123);
	check_size("007", 7);
	check_size("5B", 5);
	check_size("5b", 5);
}

static void test_size_suffixes_are_powers_of_1024(void **state)
{
	(void)state;
	check_size("1K", 1024ULL);
	check_size("1k", 1024ULL);
	check_size("2M", 2ULL << 20);
	check_size("3g", 3ULL << 30);
	check_size("4T", 4ULL << 40);
	check_size("0T", 0);
}

static void test_size_rejects_junk(void **state)
{
	(void)state;
	check_bad_size("");
	check_bad_size("K");
	check_bad_size("-1");
	check_bad_size("+1");
	check_bad_size(" 1");
	check_bad_size("1 ");
	check_bad_size("1.5M");
	check_bad_size("1KB");
	check_bad_size("1P");
	check_bad_size("0x10");
	check_bad_size("ten");
}

static void test_size_largest_values_accepted(void **state)
{
	(void)state;
	check_size("18446744073709551615", UINT64_MAX);
	check_size("16777215T", 16777215ULL << 40);
	check_size("17179869183G", 17179869183ULL << 30);
}

static void test_size_overflow_rejected(void **state)
{
	(void)state;
	check_bad_size("18446744073709551616");
	check_bad_size("99999999999999999999999");
	check_bad_size("16777216T");
	check_bad_size("17179869184G");
	check_bad_size("18014398509481984K");
}

static int set_pair(struct fixture *f, const char *pair)
{
	f->err[0] = '\0';
	return config_set_pair(&f->cfg, pair, f->err, sizeof f->err);
}

static void test_pair_sets_key(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set_pair(f, "sendmail=/usr/lib/sendmail"), 0);
	assert_string_equal(f->cfg.sendmail, "/usr/lib/sendmail");
	assert_int_equal(set_pair(f, "  autocreate =  no "), 0);
	assert_false(f->cfg.autocreate);
}

static void test_pair_value_keeps_later_equals_signs(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set_pair(f, "sendmail=/x -oi -f=a"), 0);
	assert_string_equal(f->cfg.sendmail, "/x -oi -f=a");
}

static void test_pair_without_equals_is_error(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set_pair(f, "autocreate"), -1);
	assert_string_equal(f->err, "\"autocreate\" is not KEY=VALUE");
	assert_int_equal(set_pair(f, ""), -1);
	assert_string_equal(f->err, "\"\" is not KEY=VALUE");
}

static void test_pair_without_key_is_error(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set_pair(f, " =yes"), -1);
	assert_string_equal(f->err, "\" =yes\" is not KEY=VALUE");
}

static void test_pair_reports_key_errors(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(set_pair(f, "nosuch=1"), -1);
	assert_string_equal(f->err, "unknown key \"nosuch\"");
	assert_int_equal(set_pair(f, "loop_check=sometimes"), -1);
	assert_string_equal(f->err, "bad value \"sometimes\" for loop_check");
}

/* sieve_vacation_*_period: Dovecot's interval syntax, "" = unset */
static void test_vacation_period_keys(void **state)
{
	struct fixture *f = *state;

	assert_true(f->cfg.sieve_vacation_min_period == CONFIG_PERIOD_UNSET);
	assert_true(f->cfg.sieve_vacation_max_period == CONFIG_PERIOD_UNSET);
	assert_int_equal(set_pair(f, "sieve_vacation_min_period=1d"), 0);
	assert_true(f->cfg.sieve_vacation_min_period == 86400);
	assert_int_equal(set_pair(f, "sieve_vacation_min_period=30"), 0);
	assert_true(f->cfg.sieve_vacation_min_period == 30);
	assert_int_equal(set_pair(f, "sieve_vacation_max_period=2 weeks"), 0);
	assert_true(f->cfg.sieve_vacation_max_period == 14 * 86400);
	assert_int_equal(set_pair(f, "sieve_vacation_max_period=12h"), 0);
	assert_true(f->cfg.sieve_vacation_max_period == 12 * 3600);
	assert_int_equal(set_pair(f, "sieve_vacation_min_period=5 mins"), 0);
	assert_true(f->cfg.sieve_vacation_min_period == 300);
	assert_int_equal(set_pair(f, "sieve_vacation_min_period=0"), 0);
	assert_true(f->cfg.sieve_vacation_min_period == 0);
	assert_int_equal(set_pair(f, "sieve_vacation_min_period=1 fortnight"),
	    -1);
	assert_string_equal(f->err, "bad value \"1 fortnight\" for "
	    "sieve_vacation_min_period");
	assert_int_equal(set_pair(f, "sieve_vacation_min_period=-1d"), -1);
	assert_int_equal(set_pair(f, "sieve_vacation_min_period="), 0);
	assert_true(f->cfg.sieve_vacation_min_period == CONFIG_PERIOD_UNSET);
}

static int load(struct fixture *f, bool must_exist)
{
	f->err[0] = '\0';
	return config_load(&f->cfg, f->path, must_exist, f->err, sizeof f->err);
}

static void test_load_comments_blanks_and_whitespace(void **state)
{
	struct fixture *f = *state;

	write_conf(f, "# deliver.conf\n"
	    "\n"
	    "   \t\n"
	    "  # indented comment = ignored\n"
	    "sendmail=/opt/sendmail\n"
	    "\tautocreate   =   off\t\n"
	    "subscription_format = courier\r\n"
	    "maildir = /var/mail/%u/Maildir\n"
	    "folder_separator = /"); /* no newline at end */
	assert_int_equal(load(f, true), 0);
	assert_string_equal(f->err, "");
	assert_string_equal(f->cfg.sendmail, "/opt/sendmail");
	assert_false(f->cfg.autocreate);
	assert_int_equal(f->cfg.subscription_format, SUBSCRIBE_COURIER);
	assert_string_equal(f->cfg.maildir, "/var/mail/%u/Maildir");
	assert_int_equal(f->cfg.folder_separator, '/');
}

static void test_load_later_line_wins(void **state)
{
	struct fixture *f = *state;

	write_conf(f, "hostname = a.example\nhostname = b.example\n");
	assert_int_equal(load(f, false), 0);
	assert_string_equal(f->cfg.hostname, "b.example");
}

static void test_load_empty_file(void **state)
{
	struct fixture *f = *state;

	write_conf(f, "");
	assert_int_equal(load(f, true), 0);
	assert_string_equal(f->cfg.sendmail, "/usr/sbin/sendmail");
}

static void test_load_unknown_key_names_file_and_line_3(void **state)
{
	struct fixture *f = *state;

	write_conf(f, "# comment\n\nfrobnicate = yes\n");
	assert_int_equal(load(f, false), -1);
	assert_string_equal(f->err, at_line(f, 3,
	    "unknown key \"frobnicate\""));
}

static void test_load_bad_value_names_file_and_line(void **state)
{
	struct fixture *f = *state;

	write_conf(f, "autocreate = no\nloop_check = perhaps\n");
	assert_int_equal(load(f, false), -1);
	assert_string_equal(f->err, at_line(f, 2,
	    "bad value \"perhaps\" for loop_check"));
}

static void test_load_line_without_equals(void **state)
{
	struct fixture *f = *state;

	write_conf(f, "autocreate = no\n\nautosubscribe no\n");
	assert_int_equal(load(f, false), -1);
	assert_string_equal(f->err, at_line(f, 3,
	    "expected \"key = value\""));
}

static void test_load_stops_at_first_error(void **state)
{
	struct fixture *f = *state;

	write_conf(f, "hostname = before\nbogus = 1\nhostname = after\n");
	assert_int_equal(load(f, false), -1);
	assert_string_equal(f->cfg.hostname, "before");
}

static void test_load_trailing_comment_is_part_of_value(void **state)
{
	struct fixture *f = *state;

	/* only whole-line comments exist: "yes # x" is not a bool */
	write_conf(f, "autocreate = yes # x\n");
	assert_int_equal(load(f, false), -1);
	assert_string_equal(f->err, at_line(f, 1,
	    "bad value \"yes # x\" for autocreate"));
}

static void test_load_nul_byte_line(void **state)
{
	struct fixture *f = *state;
	static const char text[] = "autocreate = no\nsend\0mail = /x\n";

	write_file(f, text, sizeof text - 1);
	assert_int_equal(load(f, false), -1);
	assert_string_equal(f->err, at_line(f, 2, "NUL byte"));
	assert_false(f->cfg.autocreate);
	assert_string_equal(f->cfg.sendmail, "/usr/sbin/sendmail");
}

static void test_load_missing_file_is_fine(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f, false), 0);
	assert_string_equal(f->err, "");
	assert_string_equal(f->cfg.maildir, "~/Maildir");
}

static void test_load_missing_file_must_exist(void **state)
{
	struct fixture *f = *state;
	char want[600];

	snprintf(want, sizeof want, "%s: No such file or directory", f->path);
	assert_int_equal(load(f, true), -1);
	assert_string_equal(f->err, want);
}

static void test_load_missing_directory_not_ok_when_must_exist(void **state)
{
	struct fixture *f = *state;

	snprintf(f->path, sizeof f->path, "%s/nodir/deliver.conf", f->dir);
	assert_int_equal(load(f, false), 0);
	assert_int_equal(load(f, true), -1);
}

static void test_load_directory_is_error(void **state)
{
	struct fixture *f = *state;
	char want[600];

	snprintf(f->path, sizeof f->path, "%s", f->dir);
	snprintf(want, sizeof want, "%s: Is a directory", f->dir);
	assert_int_equal(load(f, false), -1);
	assert_string_equal(f->err, want);
	snprintf(f->path, sizeof f->path, "%s/deliver.conf", f->dir);
}

/* Keys of a family: sieve_env_NAME, special_use_USE. */
static void test_family_keys(void **state)
{
	struct fixture *f = *state;
	char key[32];

	assert_null(config_extra_get(&f->cfg, "sieve_env_team"));
	assert_int_equal(config_set(&f->cfg, "sieve_env_team", "ops", f->err,
	    sizeof f->err), 0);
	assert_int_equal(config_set(&f->cfg, "sieve_env_team", "dev", f->err,
	    sizeof f->err), 0);
	assert_string_equal(config_extra_get(&f->cfg, "sieve_env_team"), "dev");
	assert_int_equal(f->cfg.nextra, 1);
	assert_int_equal(config_set_pair(&f->cfg,
	    "special_use_sent = Sent Items", f->err, sizeof f->err), 0);
	assert_string_equal(config_extra_get(&f->cfg, "special_use_sent"),
	    "Sent Items");
	assert_true(config_key_exists("special_use_Junk"));
	/* the prefix alone, or odd characters: unknown keys */
	assert_false(config_key_exists("sieve_env_"));
	assert_int_equal(config_set(&f->cfg, "sieve_env_a/b", "x", f->err,
	    sizeof f->err), -1);
	assert_string_equal(f->err, "unknown key \"sieve_env_a/b\"");
	/* test_config_unset: gone */
	assert_int_equal(config_reset(&f->cfg, "sieve_env_team"), 0);
	assert_null(config_extra_get(&f->cfg, "sieve_env_team"));
	assert_string_equal(config_extra_get(&f->cfg, "special_use_sent"),
	    "Sent Items");
	/* at most CONFIG_EXTRA_MAX of them */
	for (int i = 1; i < CONFIG_EXTRA_MAX; i++) {
		(void)snprintf(key, sizeof key, "sieve_env_k%d", i);
		assert_int_equal(config_set(&f->cfg, key, "v", f->err,
		    sizeof f->err), 0);
	}
	assert_int_equal(config_set(&f->cfg, "sieve_env_more", "v", f->err,
	    sizeof f->err), -1);
	assert_int_equal(config_set(&f->cfg, "sieve_env_k1", "again", f->err,
	    sizeof f->err), 0);
}

/* spamtest's keys: a status type is one of three words; text values
 * 0..10 for spamtest, 0..5 for virustest. */
static void test_spamtest_keys(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(f->cfg.sieve_spamtest_status_type, SPAMTEST_SCORE);
	assert_int_equal(config_set(&f->cfg, "sieve_virustest_status_type",
	    "TEXT", f->err, sizeof f->err), 0);
	assert_int_equal(f->cfg.sieve_virustest_status_type, SPAMTEST_TEXT);
	assert_int_equal(config_set(&f->cfg, "sieve_spamtest_status_type",
	    "yesno", f->err, sizeof f->err), -1);
	assert_int_equal(config_set(&f->cfg, "sieve_spamtest_text_value10",
	    "Spam", f->err, sizeof f->err), 0);
	assert_string_equal(f->cfg.sieve_spamtest_text_value[10], "Spam");
	assert_int_equal(config_set(&f->cfg, "sieve_virustest_text_value5",
	    "Infected", f->err, sizeof f->err), 0);
	assert_string_equal(f->cfg.sieve_virustest_text_value[5], "Infected");
	assert_int_equal(config_set(&f->cfg, "sieve_virustest_text_value6",
	    "x", f->err, sizeof f->err), -1);
	assert_int_equal(config_reset(&f->cfg, "sieve_spamtest_text_value10"),
	    0);
	assert_string_equal(f->cfg.sieve_spamtest_text_value[10], "");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_defaults),
		T(test_vacation_period_keys),
		T(test_string_key_replaces_value),
		T(test_bool_true_words),
		T(test_bool_false_words),
		T(test_bool_bad_value_message_and_no_change),
		T(test_char_key_takes_one_punctuation_char),
		T(test_char_key_rejects_letters_and_lengths),
		T(test_enum_key_choices_any_case),
		T(test_enum_key_rejects_other_names),
		T(test_unknown_key_message),
		T(test_size_plain_numbers),
		T(test_size_suffixes_are_powers_of_1024),
		T(test_size_rejects_junk),
		T(test_size_largest_values_accepted),
		T(test_size_overflow_rejected),
		T(test_pair_sets_key),
		T(test_pair_value_keeps_later_equals_signs),
		T(test_pair_without_equals_is_error),
		T(test_pair_without_key_is_error),
		T(test_pair_reports_key_errors),
		T(test_load_comments_blanks_and_whitespace),
		T(test_load_later_line_wins),
		T(test_load_empty_file),
		T(test_load_unknown_key_names_file_and_line_3),
		T(test_load_bad_value_names_file_and_line),
		T(test_load_line_without_equals),
		T(test_load_stops_at_first_error),
		T(test_load_trailing_comment_is_part_of_value),
		T(test_load_nul_byte_line),
		T(test_load_missing_file_is_fine),
		T(test_load_missing_file_must_exist),
		T(test_load_missing_directory_not_ok_when_must_exist),
		T(test_load_directory_is_error),
		T(test_family_keys),
		T(test_spamtest_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
