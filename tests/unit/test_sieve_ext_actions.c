/* test_sieve_ext_actions.c: the action-side extensions of the native
 * Sieve interpreter, through its entry point sieve_native_eval:
 * imap4flags/imapflags, vacation(-seconds), reject/ereject, envelope,
 * mailbox, copy, ihave, subaddress (src/sieve/ext_*.c).  Each test runs a
 * script against a small message and checks the plan it leaves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ext_imap4flags.h"
#include "headers.h"
#include "sieve_parse.h"
#include "sieve_rt.h"

#include <cmocka.h>

static struct header_index headers;
static struct config cfg;
static struct sieve_env env;
static struct sieve_result res;

static void add_header(const char *name, const char *value)
{
	assert_int_equal(header_add(&headers, name, strlen(name), value,
	    strlen(value)), 0);
}

static int setup(void **state)
{
	(void)state;
	memset(&headers, 0, sizeof headers);
	add_header("From", "Alice <alice@example.org>");
	add_header("To", "Bob <bob+lists@example.org>");
	add_header("Subject", "hello");
	add_header("Message-ID", "<a1@example.org>");
	config_defaults(&cfg);
	memset(&env, 0, sizeof env);
	env.headers = &headers;
	env.sender = "alice@example.org";
	env.recipient = "bob+lists@example.org";
	env.size = 100;
	env.delimiter = "+";
	env.vacation_min_days = 1;
	env.cfg = &cfg;
	memset(&res, 0, sizeof res);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sieve_result_free(&res);
	header_index_free(&headers);
	config_free(&cfg);
	return 0;
}

/* Run script; the result is in res. */
static void run(const char *script)
{
	struct sieve_script *s = NULL;
	struct sieve_diag err;

	sieve_result_free(&res);
	assert_int_equal(sieve_parse(script, strlen(script), &s, &err), 0);
	assert_int_equal(sieve_native_eval(s, &env, NULL, &res), 0);
	sieve_script_free(s);
}

static void run_ok(const char *script)
{
	run(script);
	if (res.failed)
		fail_msg("script failed: %s", res.errors.count ?
		    res.errors.items[0] : "?");
}

/* The script fails with an error containing text. */
static void run_fails(const char *script, const char *text)
{
	run(script);
	assert_true(res.failed);
	assert_true(res.keep);
	assert_int_equal(res.plan.count, 0);
	assert_true(res.errors.count > 0);
	if (strstr(res.errors.items[0], text) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", res.errors.items[0], text);
}

static const struct action *action(size_t i)
{
	assert_true(i < res.plan.count);
	return &res.plan.actions[i];
}

static void assert_str_or_null(const char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

static void assert_filing(size_t i, enum action_type type,
    const char *mailbox, const char *flags, const char *keywords)
{
	const struct action *a = action(i);

	assert_int_equal(a->type, type);
	assert_str_or_null(a->mailbox, mailbox);
	assert_str_or_null(a->flags, flags);
	assert_str_or_null(a->keywords, keywords);
}

/* The implicit keep's flags: the internal variable the script left in
 * res.flags, as the filing will see them. */
static void assert_implicit_flags(const char *letters, const char *keywords)
{
	struct action a;

	memset(&a, 0, sizeof a);
	assert_true(res.keep);
	assert_non_null(res.flags);
	assert_int_equal(sieve_imap4flags_apply(res.flags, &a), 0);
	assert_str_or_null(a.flags, letters);
	assert_str_or_null(a.keywords, keywords);
	free(a.flags);
	free(a.keywords);
}

/* ---- imap4flags ---- */

static void test_flags_twice_into_one_folder(void **state)
{
	(void)state;
	/* libsieve crashed on this one */
	run_ok("require [\"fileinto\", \"imap4flags\"];\n"
	    "fileinto \"Junk\"; setflag \"\\\\Seen\";\n"
	    "fileinto \"Junk\"; setflag \"\\\\Seen\";\n");
	/* the second fileinto, merged into the first, has \Seen */
	assert_int_equal(res.plan.count, 1);
	assert_filing(0, ACTION_FILEINTO, "Junk", "S", NULL);
	assert_false(res.keep);

	run_ok("require [\"fileinto\", \"imap4flags\"];\n"
	    "setflag \"\\\\Seen\"; fileinto \"Junk\";\n"
	    "setflag \"\\\\Flagged\"; fileinto \"Junk\";\n");
	/* a merged action takes the later flags, as Pigeonhole's */
	assert_int_equal(res.plan.count, 1);
	assert_filing(0, ACTION_FILEINTO, "Junk", "F", NULL);
}

static void test_flags_and_keywords_on_fileinto(void **state)
{
	(void)state;
	run_ok("require [\"fileinto\", \"imap4flags\"];\n"
	    "addflag [\"$Junk NonJunk\", \"\\\\flagged\"];\n"
	    "addflag \"nonjunk \\\\Flagged $junk\";\n"
	    "fileinto \"Junk\";\n");
	assert_filing(0, ACTION_FILEINTO, "Junk", "F", "$Junk NonJunk");
}

static void test_explicit_flags_tag(void **state)
{
	(void)state;
	run_ok("require [\"fileinto\", \"imap4flags\"];\n"
	    "addflag \"\\\\Deleted\";\n"
	    "keep :flags [\"$Junk\", \"\\\\seen\", \"\\\\bogus\", \"b(ad\"];\n"
	    "fileinto :flags \"Work \\\\Answered \\\\Draft\" \"Archive\";\n");
	assert_filing(0, ACTION_KEEP, NULL, "S", "$Junk");
	assert_filing(1, ACTION_FILEINTO, "Archive", "RD", "Work");
}

static void test_implicit_keep_takes_final_flags(void **state)
{
	(void)state;
	run_ok("require \"imap4flags\";\n"
	    "setflag \"\\\\Seen\"; addflag \"Later\";\n");
	assert_int_equal(res.plan.count, 0);
	assert_implicit_flags("S", "Later");

	run_ok("require \"imap4flags\";\n"
	    "setflag \"\\\\Seen\"; removeflag \"\\\\SEEN\";\n");
	assert_int_equal(res.plan.count, 0);
	assert_implicit_flags(NULL, NULL);
	assert_string_equal(res.flags, "");
}

static void test_explicit_keep_stands_for_implicit(void **state)
{
	(void)state;
	run_ok("require \"imap4flags\";\n"
	    "keep; setflag \"\\\\Seen\";\n");
	assert_int_equal(res.plan.count, 1);
	assert_filing(0, ACTION_KEEP, NULL, NULL, NULL);
	assert_false(res.keep);
}

static void test_removeflag_without_case(void **state)
{
	(void)state;
	run_ok("require \"imap4flags\";\n"
	    "addflag \"\\\\Seen \\\\Flagged A b\";\n"
	    "removeflag [\"\\\\SEEN\", \"a B\", \"absent\"];\n");
	assert_implicit_flags("F", NULL);
}

static void test_hasflag(void **state)
{
	(void)state;
	run_ok("require [\"imap4flags\", \"relational\", "
	    "\"comparator-i;ascii-numeric\"];\n"
	    "addflag [\"\\\\Seen\", \"$Junk\"];\n"
	    "if hasflag :count \"eq\" :comparator \"i;ascii-numeric\" \"2\" "
	    "{ addflag \"count\"; }\n"
	    "if hasflag \"\\\\seen\" { addflag \"is\"; }\n"
	    "if hasflag :contains \"junk\" { addflag \"substring\"; }\n"
	    "if hasflag :contains \"$junk \\\\seen\" { addflag \"contains\"; }\n"
	    "if hasflag :matches \"$J*\" { addflag \"matches\"; }\n"
	    "if hasflag \"\\\\Flagged\" { addflag \"wrong\"; }\n");
	assert_implicit_flags("S",
	    "$Junk count is substring contains matches");
}

static void test_invalid_flags_dropped(void **state)
{
	(void)state;
	run_ok("require \"imap4flags\";\n"
	    "addflag [\"\\\\Recent\", \"a(b\", \"x]\", \"\\\\\", \"ok\"];\n");
	assert_implicit_flags(NULL, "ok");
}

static void test_flag_list_is_bounded(void **state)
{
	char *script = malloc(64 * 1024), word[32];

	(void)state;
	assert_non_null(script);
	strlcpy(script, "require \"imap4flags\";\naddflag \"", 64 * 1024);
	for (int i = 0; i < 1000; i++) {
		snprintf(word, sizeof word, "keyword%d ", i);
		strlcat(script, word, 64 * 1024);
	}
	strlcat(script, "\";\n", 64 * 1024);
	run_fails(script, "flag list longer than 4096 bytes");
	free(script);
}

static void test_message_flags_start_the_variable(void **state)
{
	(void)state;
	env.flags = "\\Seen $Junk bad(";
	run_ok("require \"imap4flags\";\n"
	    "if hasflag \"$junk\" { addflag \"had\"; }\n");
	assert_implicit_flags("S", "$Junk had");
	run_ok("require [\"imap4flags\", \"fileinto\"];\n"
	    "removeflag \"\\\\seen\"; fileinto \"A\";\n");
	assert_filing(0, ACTION_FILEINTO, "A", NULL, "$Junk");
}

static void test_imapflags_mark_unmark(void **state)
{
	(void)state;
	run_ok("require \"imapflags\";\nmark;\n");
	assert_implicit_flags("F", NULL);
	run_ok("require \"imapflags\";\n"
	    "addflag \"\\\\Seen\"; mark; unmark;\n");
	assert_implicit_flags("S", NULL);
	run_ok("require [\"imapflags\", \"fileinto\"];\n"
	    "setflag \"\\\\Answered\"; mark; fileinto \"A\";\n");
	assert_filing(0, ACTION_FILEINTO, "A", "RF", NULL);
}

static void test_flag_variables(void **state)
{
	(void)state;
	run_fails("require \"imap4flags\";\nsetflag \"var\" \"x\";\n",
	    "the setflag command only allows for the specification of a "
	    "variable name when the variables extension is active");
	if (sieve_ext_find("variables") == NULL)
		skip();   /* until the variables extension is in the table */
	/* Pigeonhole 0.5.19's sieve-test files this with
	 * "\seen \draft A hv hv2" */
	run_ok("require [\"imap4flags\", \"variables\"];\n"
	    "set \"myflags\" \"\";\n"
	    "addflag \"myflags\" [\"\\\\Seen\", \"A\"];\n"
	    "addflag \"myflags\" \"a B\";\n"
	    "removeflag \"myflags\" \"b\";\n"
	    "addflag \"other\" \"\\\\Draft\";\n"
	    "if hasflag \"myflags\" \"\\\\seen\" { addflag \"other\" \"hv\"; }\n"
	    "if hasflag [\"other\", \"nothere\"] \"\\\\draft\" "
	    "{ addflag \"other\" \"hv2\"; }\n"
	    "if hasflag :is [\"myflags\"] \"x\" { addflag \"other\" \"no\"; }\n"
	    "if hasflag \"\\\\seen\" { addflag \"other\" \"no2\"; }\n"
	    "keep :flags \"${myflags} ${other}\";\n");
	assert_filing(0, ACTION_KEEP, NULL, "SD", "A hv hv2");
}

/* ---- vacation ---- */

static void test_vacation_defaults(void **state)
{
	const struct action *a;

	(void)state;
	run_ok("require \"vacation\";\nvacation \"I am away.\";\n");
	assert_true(res.keep);   /* vacation leaves the implicit keep */
	assert_int_equal(res.plan.count, 1);
	a = action(0);
	assert_int_equal(a->type, ACTION_VACATION);
	assert_string_equal(a->text, "I am away.");
	assert_string_equal(a->address, "alice@example.org");
	assert_int_equal(a->days, 7);
	assert_true(a->seconds == 7 * 86400ULL);
	assert_null(a->subject);
	assert_null(a->from);
	assert_null(a->addresses);
	assert_false(a->mime);
	assert_non_null(a->handle);
	assert_int_equal(strncmp(a->handle, "auto-", 5), 0);
	assert_int_equal(strlen(a->handle), 21);
}

static void test_vacation_arguments(void **state)
{
	const struct action *a;

	(void)state;
	run_ok("require \"vacation\";\n"
	    "vacation :days 3 :subject \"Away\" :from \"me@example.org\"\n"
	    "  :addresses [\"bob@example.org\", \"not an address\", "
	    "\"Bob <b@example.net>\"]\n"
	    "  :mime :handle \"h1\" \"Content-Type: text/plain\\r\\n\\r\\nx\";\n");
	a = action(0);
	assert_int_equal(a->days, 3);
	assert_true(a->seconds == 3 * 86400ULL);
	assert_string_equal(a->subject, "Away");
	assert_string_equal(a->from, "me@example.org");
	assert_string_equal(a->addresses, "bob@example.org\nb@example.net");
	assert_true(a->mime);
	assert_string_equal(a->handle, "h1");
	assert_int_equal(res.notes.count, 1);
}

static void test_vacation_handle_follows_arguments(void **state)
{
	char h1[64];

	(void)state;
	run_ok("require \"vacation\";\nvacation :subject \"a\" \"r\";\n");
	strlcpy(h1, action(0)->handle, sizeof h1);
	run_ok("require \"vacation\";\nvacation :subject \"a\" \"r\";\n");
	assert_string_equal(action(0)->handle, h1);
	run_ok("require \"vacation\";\nvacation :subject \"ar\" \"\";\n");
	assert_string_not_equal(action(0)->handle, h1);
	run_ok("require \"vacation\";\nvacation :days 9 :subject \"a\" \"r\";\n");
	assert_string_equal(action(0)->handle, h1);   /* :days is not in it */
}

static void test_vacation_period_limits(void **state)
{
	(void)state;
	run_ok("require \"vacation\";\nvacation :days 0 \"r\";\n");
	assert_true(action(0)->seconds == 86400);   /* minimum 1 day */
	run_ok("require \"vacation-seconds\";\nvacation :seconds 60 \"r\";\n");
	assert_true(action(0)->seconds == 86400);
	assert_int_equal(action(0)->days, 1);

	cfg.sieve_vacation_min_period = 0;
	run_ok("require \"vacation-seconds\";\nvacation :seconds 0 \"r\";\n");
	assert_true(action(0)->seconds == 0);       /* every message */
	assert_int_equal(action(0)->days, 0);
	run_ok("require \"vacation-seconds\";\nvacation :seconds 90 \"r\";\n");
	assert_true(action(0)->seconds == 90);
	assert_int_equal(action(0)->days, 1);

	cfg.sieve_vacation_max_period = 10 * 86400;
	run_ok("require \"vacation\";\nvacation :days 400 \"r\";\n");
	assert_true(action(0)->seconds == 10 * 86400);

	/* without the period keys, the old day keys */
	cfg.sieve_vacation_min_period = CONFIG_PERIOD_UNSET;
	cfg.sieve_vacation_max_period = CONFIG_PERIOD_UNSET;
	env.vacation_min_days = 2;
	env.vacation_max_days = 30;
	run_ok("require \"vacation\";\nvacation :days 1 \"r\";\n");
	assert_int_equal(action(0)->days, 2);
	run_ok("require \"vacation\";\nvacation :days 99 \"r\";\n");
	assert_int_equal(action(0)->days, 30);
}

static void test_vacation_errors(void **state)
{
	(void)state;
	run_fails("require \"vacation\";\nvacation \"a\"; vacation \"b\";\n",
	    "duplicate vacation action");
	run_fails("require \"vacation\";\n"
	    "vacation :from \"not an address\" \"a\";\n",
	    ":from address 'not an address' is invalid");
	run_fails("require \"vacation\";\nvacation :seconds 5 \"a\";\n",
	    "seconds");
}

/* ---- reject ---- */

static void test_reject(void **state)
{
	(void)state;
	run_ok("require \"reject\";\nreject \"go away\";\n");
	assert_false(res.keep);
	assert_int_equal(res.plan.count, 1);
	assert_int_equal(action(0)->type, ACTION_REJECT);
	assert_string_equal(action(0)->text, "go away");

	run_ok("require \"ereject\";\nereject \"no\";\n");
	assert_int_equal(action(0)->type, ACTION_REJECT);

	run_ok("require \"reject\";\nreject \"no\"; discard;\n");
	assert_int_equal(res.plan.count, 2);
}

static void test_reject_conflicts(void **state)
{
	(void)state;
	run_fails("require [\"reject\", \"fileinto\"];\n"
	    "fileinto \"A\"; reject \"no\";\n",
	    "the fileinto action tries to deliver the message");
	run_fails("require \"reject\";\nreject \"no\"; keep;\n",
	    "the keep action tries to deliver the message");
	run_fails("require [\"reject\", \"copy\"];\n"
	    "reject \"no\"; redirect :copy \"x@example.org\";\n",
	    "the redirect action tries to deliver the message");
	run_fails("require [\"reject\", \"vacation\"];\n"
	    "vacation \"x\"; reject \"no\";\n",
	    "also sends a response");
	run_fails("require [\"reject\", \"vacation\"];\n"
	    "reject \"no\"; vacation \"x\";\n",
	    "also sends a response");
	run_fails("require [\"reject\", \"ereject\"];\n"
	    "reject \"a\"; ereject \"b\";\n", "duplicate reject/ereject");
}

/* ---- envelope and subaddress ---- */

static void test_envelope_parts(void **state)
{
	(void)state;
	run_ok("require [\"envelope\", \"subaddress\", \"imap4flags\"];\n"
	    "if envelope :all :is \"from\" \"alice@example.org\" "
	    "{ addflag \"all\"; }\n"
	    "if envelope :localpart :is \"from\" \"alice\" { addflag \"lp\"; }\n"
	    "if envelope :domain :is \"FROM\" \"EXAMPLE.org\" "
	    "{ addflag \"dom\"; }\n"
	    "if envelope :user :is \"to\" \"bob\" { addflag \"user\"; }\n"
	    "if envelope :detail :is \"to\" \"lists\" { addflag \"detail\"; }\n"
	    "if envelope :detail :is \"from\" \"\" { addflag \"wrong\"; }\n"
	    "if envelope :is [\"from\", \"to\"] \"bob+lists@example.org\" "
	    "{ addflag \"list\"; }\n");
	assert_implicit_flags(NULL,
	    "all lp dom user detail list");
}

static void test_envelope_null_sender(void **state)
{
	(void)state;
	env.sender = "";
	run_ok("require [\"envelope\", \"imap4flags\"];\n"
	    "if envelope :all :is \"from\" \"\" { addflag \"all\"; }\n"
	    "if envelope :domain :is \"from\" \"\" { addflag \"dom\"; }\n"
	    "if envelope :localpart :contains \"from\" \"\" "
	    "{ addflag \"lp\"; }\n"
	    "if envelope :all :contains \"from\" \"@\" { addflag \"wrong\"; }\n");
	assert_implicit_flags(NULL, "all dom lp");
}

static void test_envelope_unknown_part(void **state)
{
	(void)state;
	run_fails("require \"envelope\";\n"
	    "if envelope \"x-bogus\" \"x\" { discard; }\n",
	    "envelope part 'x-bogus' is not supported");
	/* Pigeonhole's "auth": known, without a value here */
	run_ok("require \"envelope\";\n"
	    "if envelope :contains \"AUTH\" \"\" { discard; }\n");
	assert_int_equal(res.plan.count, 0);
	assert_true(res.keep);
}

static void test_address_subaddress(void **state)
{
	(void)state;
	run_ok("require [\"subaddress\", \"imap4flags\"];\n"
	    "if address :user \"to\" \"bob\" { addflag \"user\"; }\n"
	    "if address :detail \"to\" \"lists\" { addflag \"detail\"; }\n"
	    "if address :detail \"from\" \"\" { addflag \"wrong\"; }\n");
	assert_implicit_flags(NULL, "user detail");
}

/* ---- mailbox ---- */

static void test_mailboxexists(void **state)
{
	char dir[] = "/tmp/test_ext_mbox.XXXXXX", path[256];
	static const char *const made[] = {
		".A", ".A/cur", ".A/new", ".A/tmp", ".Half", ".R&AOk-sum&AOk-",
		".R&AOk-sum&AOk-/cur", ".R&AOk-sum&AOk-/new",
		".R&AOk-sum&AOk-/tmp", "out", "out/cur", "out/new", "out/tmp",
	};
	struct maildir root = { .dirfd = -1 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, made[i]);
		assert_int_equal(mkdir(path, 0700), 0);
	}
	snprintf(path, sizeof path, "%s/.Link", dir);
	assert_int_equal(symlink("out", path), 0);
	root.dirfd = open(dir, O_RDONLY | O_DIRECTORY);
	env.root = &root;
	run_ok("require [\"mailbox\", \"imap4flags\"];\n"
	    "if mailboxexists \"A\" { addflag \"a\"; }\n"
	    "if mailboxexists [\"INBOX\", \"A\", \"R\xc3\xa9sum\xc3\xa9\"] "
	    "{ addflag \"all3\"; }\n"
	    "if mailboxexists \"Half\" { addflag \"half\"; }\n"
	    "if mailboxexists \"Link\" { addflag \"link\"; }\n"
	    "if mailboxexists \"../out\" { addflag \"dots\"; }\n"
	    "if mailboxexists [\"A\", \"Missing\"] { addflag \"missing\"; }\n");
	assert_implicit_flags(NULL, "a all3");
	close(root.dirfd);
	env.root = NULL;
	run_ok("require [\"mailbox\", \"imap4flags\"];\n"
	    "if mailboxexists \"inbox\" { addflag \"inbox\"; }\n"
	    "if mailboxexists \"A\" { addflag \"a\"; }\n");
	assert_implicit_flags(NULL, "inbox");
	for (size_t i = sizeof made / sizeof made[0]; i-- > 0;) {
		snprintf(path, sizeof path, "%s/%s", dir, made[i]);
		rmdir(path);
	}
	snprintf(path, sizeof path, "%s/.Link", dir);
	unlink(path);
	rmdir(dir);
}

static void test_fileinto_create(void **state)
{
	(void)state;
	run_ok("require [\"mailbox\", \"fileinto\"];\n"
	    "fileinto :create \"New\"; fileinto \"Old\";\n");
	assert_true(action(0)->create);
	assert_false(action(1)->create);
	run_fails("require \"fileinto\";\nfileinto :create \"New\";\n",
	    "create");
}

/* ---- copy ---- */

static void test_copy(void **state)
{
	(void)state;
	run_ok("require [\"copy\", \"fileinto\"];\n"
	    "fileinto :copy \"A\"; redirect :copy \"x@example.org\";\n");
	assert_true(res.keep);
	assert_int_equal(res.plan.count, 2);
	run_ok("require [\"copy\", \"fileinto\"];\n"
	    "fileinto :copy \"A\"; fileinto \"B\";\n");
	assert_false(res.keep);
	run_fails("require \"fileinto\";\nfileinto :copy \"A\";\n", "copy");
}

/* ---- ihave ---- */

static void test_ihave(void **state)
{
	(void)state;
	run_ok("require [\"ihave\", \"imap4flags\"];\n"
	    "if ihave \"fileinto\" { addflag \"fileinto\"; }\n"
	    "if ihave [\"envelope\", \"vacation\"] { addflag \"two\"; }\n"
	    "if ihave \"variables\" { addflag \"variables\"; }\n"
	    "if ihave \"encoded-character\" { addflag \"enc\"; }\n"
	    "if ihave [\"fileinto\", \"x-nonsense\"] { addflag \"nonsense\"; }\n");
	assert_implicit_flags(NULL, "fileinto two");
}

static void test_ihave_guards_blocks(void **state)
{
	(void)state;
	/* Pigeonhole's ihave/execute/ihave.sieve */
	run_ok("require \"ihave\";\n"
	    "if ihave \"nonsense-extension\" {\n"
	    "\tnonsense_command \"Frop!\";\n}\n"
	    "redirect \"frop@example.com\";\n");
	assert_int_equal(action(0)->type, ACTION_REDIRECT);
	/* known ones are loaded as a require would */
	run_ok("require \"ihave\";\n"
	    "if ihave \"fileinto\" { fileinto \"A\"; }\n"
	    "elsif ihave \"variables\" { set \"x\" \"y\"; }\n");
	assert_filing(0, ACTION_FILEINTO, "A", NULL, NULL);
	/* ihave "" is false, as the checker takes it: the unchecked block,
	 * here an if without a test, is never run (found by fuzzing: it
	 * was run, and crashed) */
	run_ok("require [\"ihave\", \"fileinto\"];\n"
	    "if ihave \"\" { if :nse; }\nfileinto \"B\";\n");
	assert_filing(0, ACTION_FILEINTO, "B", NULL, NULL);
	/* outside an ihave block an unknown command is still an error */
	run_fails("require \"ihave\";\n"
	    "if ihave \"nonsense\" { discard; }\nnonsense_command;\n",
	    "nonsense_command");
}

static void test_error_command(void **state)
{
	(void)state;
	run_fails("require \"ihave\";\nerror \"my own failure\";\n",
	    "my own failure");
	run_fails("require [\"ihave\", \"fileinto\"];\n"
	    "fileinto \"A\"; error \"stop here\";\n", "stop here");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_flags_twice_into_one_folder),
		T(test_flags_and_keywords_on_fileinto),
		T(test_explicit_flags_tag),
		T(test_implicit_keep_takes_final_flags),
		T(test_explicit_keep_stands_for_implicit),
		T(test_removeflag_without_case),
		T(test_hasflag),
		T(test_invalid_flags_dropped),
		T(test_flag_list_is_bounded),
		T(test_message_flags_start_the_variable),
		T(test_imapflags_mark_unmark),
		T(test_flag_variables),
		T(test_vacation_defaults),
		T(test_vacation_arguments),
		T(test_vacation_handle_follows_arguments),
		T(test_vacation_period_limits),
		T(test_vacation_errors),
		T(test_reject),
		T(test_reject_conflicts),
		T(test_envelope_parts),
		T(test_envelope_null_sender),
		T(test_envelope_unknown_part),
		T(test_address_subaddress),
		T(test_mailboxexists),
		T(test_fileinto_create),
		T(test_copy),
		T(test_ihave),
		T(test_ihave_guards_blocks),
		T(test_error_command),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
