/* test_sieve.c: the libsieve adapter's pure parts: unescaping, flag
 * mapping, RFC 2047 decoding, the result wire format, the vacation rules
 * (src/sieve.c, src/rfc2047.c, src/sieve_wire.c, src/actions.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* before cmocka.h, whose fail() macro would clash with outcome.h's fail() */
#include "actions.h"
#include "config.h"
#include "headers.h"
#include "rfc2047.h"
#include "sieve.h"
#include "sieve_front.h"
#include "sieve_run.h"
#include "sieve_wire.h"

#include <cmocka.h>

/* ---- unescaping and flags ---- */

static void check_unescape(const char *in, const char *want)
{
	char *got = sieve_unescape(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_unescape(void **state)
{
	(void)state;
	check_unescape("plain", "plain");
	check_unescape("\\\\Seen", "\\Seen");
	check_unescape("a\\\"b", "a\"b");
	check_unescape("\\x\\y", "xy");
	check_unescape("end\\", "end\\");
	check_unescape("", "");
}

static void test_flag_letters(void **state)
{
	(void)state;
	assert_int_equal(sieve_flag_letter("\\Seen"), 'S');
	assert_int_equal(sieve_flag_letter("\\answered"), 'R');
	assert_int_equal(sieve_flag_letter("\\FLAGGED"), 'F');
	assert_int_equal(sieve_flag_letter("\\Deleted"), 'T');
	assert_int_equal(sieve_flag_letter("\\Draft"), 'D');
	assert_int_equal(sieve_flag_letter("\\Recent"), 0);
	assert_int_equal(sieve_flag_letter("Seen"), 0);
	assert_int_equal(sieve_flag_letter("$Junk"), 0);
}

static void test_flags_to_maildir(void **state)
{
	/* as libsieve hands them over: still escaped */
	char *flags[] = { "\\\\Seen", "\\\\Flagged $Label1", "\\\\Draft",
	    "\\\\Seen", "\\\\answered", NULL };
	struct sieve_msgs notes = { 0 };
	char out[53];

	(void)state;
	sieve_flags_to_maildir(flags, out, sizeof out, &notes);
	assert_string_equal(out, "DFRS");
	assert_int_equal(notes.count, 1);
	assert_string_equal(notes.items[0],
	    "flag \"$Label1\" is not a Maildir flag: dropped");
	sieve_msgs_free(&notes);
	sieve_flags_to_maildir(NULL, out, sizeof out, &notes);
	assert_string_equal(out, "");
	assert_int_equal(notes.count, 0);
}

/* ---- RFC 2047 ---- */

static void check_decode(const char *in, bool phrase, const char *want)
{
	char *got = rfc2047_decode(in, phrase);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_rfc2047_words(void **state)
{
	(void)state;
	check_decode("=?ISO-8859-1?Q?M=FCller?=", false, "M\xc3\xbcller");
	check_decode("=?utf-8?B?SsO2cmc=?=", false, "J\xc3\xb6rg");
	check_decode("=?utf-8?b?SsO2cmc?=", false, "J\xc3\xb6rg");
	check_decode("=?UTF-8?Q?a_b?=", false, "a b");
	check_decode("x =?utf-8?q?a?= =?utf-8?q?b?= y", false, "x ab y");
	check_decode("=?utf-8*en?q?hi?=", false, "hi");
	check_decode("=?koi8-r?B?8NLJ18XU?=", false,
	    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");
	check_decode("no words here", false, "no words here");
}

static void test_rfc2047_malformed(void **state)
{
	(void)state;
	check_decode("=?utf-8?X?abc?=", false, "=?utf-8?X?abc?=");
	check_decode("=?no-such-charset?q?abc?=", false,
	    "=?no-such-charset?q?abc?=");
	check_decode("=?utf-8?q?a b?=", false, "=?utf-8?q?a b?=");
	check_decode("=?utf-8?q?=ZZ?=", false, "=?utf-8?q?=ZZ?=");
	check_decode("=?utf-8?b?#$%?=", false, "=?utf-8?b?#$%?=");
	check_decode("=?utf-8?q?=FF?=", false, "=?utf-8?q?=FF?=");
	check_decode("=?utf-8?q?unterminated", false, "=?utf-8?q?unterminated");
	check_decode("=??q?x?=", false, "=??q?x?=");
	/* a control character from decoding never reaches libsieve */
	check_decode("=?utf-8?q?a=0Ab=00c?=", false, "a?b?c");
}

static void test_rfc2047_address_phrase(void **state)
{
	(void)state;
	check_decode("=?utf-8?B?SsO2cmc=?= <j@x.org>", true,
	    "J\xc3\xb6rg <j@x.org>");
	/* a decoded comma would split the address list: quoted */
	check_decode("=?utf-8?q?M=C3=BCller=2C_Hans?= <h@x.org>", true,
	    "\"M\xc3\xbcller, Hans\" <h@x.org>");
	check_decode("=?utf-8?q?a=22b?= <h@x.org>", true,
	    "\"a\\\"b\" <h@x.org>");
	/* inside <>, quotes and comments nothing is decoded */
	check_decode("<=?utf-8?q?a?=@x.org>", true, "<=?utf-8?q?a?=@x.org>");
	check_decode("\"=?utf-8?q?a?=\" <a@x>", true, "\"=?utf-8?q?a?=\" <a@x>");
	check_decode("a@x (=?utf-8?q?c?=)", true, "a@x (=?utf-8?q?c?=)");
	assert_true(rfc2047_is_address_header("From"));
	assert_true(rfc2047_is_address_header("resent-cc"));
	assert_false(rfc2047_is_address_header("Subject"));
}

/* ---- wire format ---- */

static void sample_result(struct sieve_result *res)
{
	struct action *a;

	memset(res, 0, sizeof *res);
	res->keep = true;
	assert_int_equal(plan_add(&res->plan, ACTION_FILEINTO, "Lists/x", "FS",
	    NULL, NULL), 0);
	assert_int_equal(plan_add(&res->plan, ACTION_REDIRECT, NULL, NULL,
	    "other@example.org", NULL), 0);
	assert_int_equal(plan_add(&res->plan, ACTION_VACATION, NULL, NULL,
	    "bob@example.org", "I am away"), 0);
	res->plan.actions[0].create = true;   /* fileinto :create */
	a = &res->plan.actions[2];
	a->subject = strdup("Gone");
	a->from = strdup("me@example.org");
	a->handle = strdup("h1");
	a->days = 14;
	a->mime = true;
	assert_int_equal(sieve_msgs_add(&res->notes, "note %d", 1), 0);
	assert_int_equal(sieve_msgs_add(&res->errors, "line 3: oops"), 0);
	assert_int_equal(sieve_msgs_add(&res->trace, "t"), 0);
}

static void test_wire_round_trip(void **state)
{
	struct sieve_result in, out;
	const char *why = NULL;
	char *buf;
	size_t len;

	(void)state;
	sample_result(&in);
	assert_int_equal(sieve_wire_encode(&in, &buf, &len), 0);
	assert_int_equal(sieve_wire_decode(buf, len, &out, &why), 0);
	assert_true(out.keep);
	assert_false(out.failed);
	assert_int_equal(out.plan.count, 3);
	assert_true(out.plan.actions[0].create);
	assert_false(out.plan.actions[1].create);
	assert_int_equal(out.plan.actions[0].type, ACTION_FILEINTO);
	assert_string_equal(out.plan.actions[0].mailbox, "Lists/x");
	assert_string_equal(out.plan.actions[0].flags, "FS");
	assert_string_equal(out.plan.actions[1].address, "other@example.org");
	assert_string_equal(out.plan.actions[2].text, "I am away");
	assert_string_equal(out.plan.actions[2].subject, "Gone");
	assert_string_equal(out.plan.actions[2].from, "me@example.org");
	assert_string_equal(out.plan.actions[2].handle, "h1");
	assert_int_equal(out.plan.actions[2].days, 14);
	assert_true(out.plan.actions[2].mime);
	assert_string_equal(out.notes.items[0], "note 1");
	assert_string_equal(out.errors.items[0], "line 3: oops");
	assert_string_equal(out.trace.items[0], "t");
	/* every strict prefix is refused (no end record) */
	for (size_t cut = 0; cut < len; cut++) {
		struct sieve_result r;

		assert_int_equal(sieve_wire_decode(buf, cut, &r, &why), -1);
		assert_int_equal(r.plan.count, 0);
	}
	free(buf);
	sieve_result_free(&in);
	sieve_result_free(&out);
}

/* A hand-made record stream: "DSV1" then records. */
struct raw {
	char buf[4096];
	size_t len;
};

static void raw_rec(struct raw *r, char tag, const void *data, uint32_t n)
{
	unsigned char head[5] = { (unsigned char)tag, n >> 24, n >> 16,
	    n >> 8, n };

	memcpy(r->buf + r->len, head, 5);
	memcpy(r->buf + r->len + 5, data, n);
	r->len += 5 + n;
}

static void raw_u32(struct raw *r, char tag, uint32_t v)
{
	unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };

	raw_rec(r, tag, b, 4);
}

static int decode_raw(struct raw *r, const char **why)
{
	struct sieve_result res;
	int rc = sieve_wire_decode(r->buf, r->len, &res, why);

	sieve_result_free(&res);
	return rc;
}

static void raw_start(struct raw *r)
{
	memcpy(r->buf, "DSV1", 4);
	r->len = 4;
}

static void test_wire_garbage(void **state)
{
	struct raw r;
	const char *why;

	(void)state;
	raw_start(&r);
	raw_rec(&r, 'Z', "", 0);
	assert_int_equal(decode_raw(&r, &why), 0);

	memcpy(r.buf, "XSV1", 4);
	assert_int_equal(decode_raw(&r, &why), -1);

	raw_start(&r);
	raw_rec(&r, 'm', "INBOX", 5);
	raw_rec(&r, 'Z', "", 0);
	assert_int_equal(decode_raw(&r, &why), -1);
	assert_string_equal(why, "field before any action");

	raw_start(&r);
	raw_u32(&r, 'A', ACTION_FILEINTO);
	raw_rec(&r, 'm', "a\0b", 3);
	raw_rec(&r, 'Z', "", 0);
	assert_int_equal(decode_raw(&r, &why), -1);
	assert_string_equal(why, "NUL byte in a string");

	raw_start(&r);
	raw_u32(&r, 'A', ACTION_FILEINTO);
	raw_rec(&r, 'Z', "", 0);
	assert_int_equal(decode_raw(&r, &why), -1);  /* no mailbox */

	raw_start(&r);
	raw_u32(&r, 'A', ACTION_KEEP);
	raw_rec(&r, 'f', "S../", 4);
	raw_rec(&r, 'Z', "", 0);
	assert_int_equal(decode_raw(&r, &why), -1);
	assert_string_equal(why, "bad flags");

	raw_start(&r);
	raw_u32(&r, 'A', 99);
	raw_rec(&r, 'Z', "", 0);
	assert_int_equal(decode_raw(&r, &why), -1);

	raw_start(&r);
	raw_u32(&r, 'A', ACTION_KEEP);
	raw_rec(&r, 'q', "", 0);
	raw_rec(&r, 'Z', "", 0);
	assert_int_equal(decode_raw(&r, &why), -1);

	raw_start(&r);
	raw_u32(&r, 'A', ACTION_REDIRECT);
	raw_rec(&r, 'a', "x@y", 3);
	raw_rec(&r, 'a', "z@y", 3);
	raw_rec(&r, 'Z', "", 0);
	assert_int_equal(decode_raw(&r, &why), -1);
	assert_string_equal(why, "field given twice");

	raw_start(&r);
	raw_rec(&r, 'Z', "", 0);
	raw_rec(&r, 'Z', "", 0);
	assert_int_equal(decode_raw(&r, &why), -1);

	raw_start(&r);   /* a length beyond the data */
	memcpy(r.buf + 4, "E\x7f\xff\xff\xff", 5);
	r.len = 9;
	assert_int_equal(decode_raw(&r, &why), -1);

	raw_start(&r);
	for (int i = 0; i <= SIEVE_ACTIONS_MAX; i++)
		raw_u32(&r, 'A', ACTION_DISCARD);
	raw_rec(&r, 'Z', "", 0);
	assert_int_equal(decode_raw(&r, &why), -1);
	assert_string_equal(why, "too many actions");
}

/* ---- evaluation in this process (no vacation: it corrupts libsieve) ---- */

static void test_eval_headers_and_flags(void **state)
{
	struct header_index idx = { 0 };
	struct sieve_env env = { .headers = &idx, .sender = "a@example.org",
	    .recipient = "bob+lists@example.org", .size = 2048,
	    .delimiter = "+" };
	struct sieve_result res;
	static const char script[] =
	    "require [\"fileinto\", \"imap4flags\", \"subaddress\", "
	    "\"envelope\"];\n"
	    "if header :is \"subject\" \"M\xc3\xbcller\" {\n"
	    "  fileinto :flags [\"\\\\Seen\", \"\\\\Flagged\"] \"a\\\"b\";\n}\n"
	    "if envelope :detail \"to\" \"lists\" { fileinto \"plus\"; }\n"
	    "if size :over 1K { keep :flags \"\\\\Answered\"; }\n";

	(void)state;
	assert_int_equal(header_add(&idx, "Subject", 7,
	    "=?iso-8859-1?q?M=FCller?=", 25), 0);
	assert_int_equal(sieve_eval(script, &env, &res), 0);
	assert_false(res.failed);
	assert_false(res.keep);
	assert_int_equal(res.plan.count, 3);
	assert_string_equal(res.plan.actions[0].mailbox, "a\"b");
	assert_string_equal(res.plan.actions[0].flags, "FS");
	assert_string_equal(res.plan.actions[1].mailbox, "plus");
	assert_int_equal(res.plan.actions[2].type, ACTION_KEEP);
	assert_string_equal(res.plan.actions[2].flags, "R");
	sieve_result_free(&res);
	header_index_free(&idx);
}

static void test_eval_parse_error(void **state)
{
	struct sieve_env env = { .sender = "", .recipient = "b@x" };
	struct sieve_result res;

	(void)state;
	assert_int_equal(sieve_eval("require \"fileinto\";\nif true {\n"
	    "  fileinto \"x\"\n}\nkeep;\n", &env, &res), 0);
	assert_true(res.failed);
	assert_true(res.keep);
	assert_int_equal(res.plan.count, 0);
	assert_int_equal(res.errors.count, 1);
	assert_string_equal(res.errors.items[0],
	    "line 4: syntax error, unexpected '}', expecting ';'");
	sieve_result_free(&res);
}

/* :copy and :create reach the adapter as marks on the canonical script
 * (sieve_emit.h): stripped, :copy keeps the implicit keep, :create sets
 * the action's create. */
static void eval_front(const char *src, struct sieve_result *res)
{
	struct sieve_env env = { .sender = "", .recipient = "b@x" };
	struct sieve_front f;

	assert_int_equal(sieve_front_prepare(src, strlen(src), &f), 0);
	assert_int_equal(sieve_eval(f.emit.script, &env, res), 0);
	sieve_front_free(&f);
	assert_false(res->failed);
}

static void test_eval_carried_tags(void **state)
{
	struct sieve_result res;

	(void)state;
	eval_front("require [\"fileinto\", \"copy\"];\n"
	    "fileinto :copy \"A\";\nredirect :copy \"c@example.org\";\n", &res);
	assert_true(res.keep);
	assert_int_equal(res.plan.count, 2);
	assert_string_equal(res.plan.actions[0].mailbox, "A");
	assert_false(res.plan.actions[0].create);
	assert_string_equal(res.plan.actions[1].address, "c@example.org");
	sieve_result_free(&res);

	eval_front("require [\"fileinto\", \"copy\", \"mailbox\"];\n"
	    "fileinto :create :copy \"A\";\nfileinto :create \"B\";\n", &res);
	assert_false(res.keep);
	assert_int_equal(res.plan.count, 2);
	assert_string_equal(res.plan.actions[0].mailbox, "A");
	assert_true(res.plan.actions[0].create);
	assert_string_equal(res.plan.actions[1].mailbox, "B");
	assert_true(res.plan.actions[1].create);
	sieve_result_free(&res);
}

/* ---- vacation rules ---- */

static struct config vcfg;

static const char *refusal(const char *sender, const char *const *hdrs)
{
	static struct header_index idx;
	struct action a = { .type = ACTION_VACATION };
	struct action_ctx c = { .cfg = &vcfg, .headers = &idx,
	    .sender = sender, .recipient = "bob+x@example.org", .msg_fd = -1 };

	header_index_free(&idx);
	for (size_t i = 0; hdrs[i]; i += 2)
		header_add(&idx, hdrs[i], strlen(hdrs[i]), hdrs[i + 1],
		    strlen(hdrs[i + 1]));
	return vacation_refusal(&c, &a);
}

static void test_vacation_rules(void **state)
{
	const char *to_me[] = { "To", "Bob <bob@example.org>", NULL };
	const char *cc_me[] = { "To", "x@y", "Cc", "a@b, BOB+x@Example.org",
	    NULL };
	const char *resent[] = { "Resent-To", "bob@example.org", NULL };
	const char *not_me[] = { "To", "bobby@example.org, xbob@example.org",
	    NULL };
	const char *auto_sub[] = { "To", "bob@example.org", "Auto-Submitted",
	    "auto-generated", NULL };
	const char *auto_no[] = { "To", "bob@example.org", "Auto-Submitted",
	    " no", NULL };
	const char *list[] = { "To", "bob@example.org", "List-Id",
	    "<l.example.org>", NULL };
	const char *bulk[] = { "To", "bob@example.org", "Precedence", "Bulk",
	    NULL };
	const char *suppress[] = { "To", "bob@example.org",
	    "X-Auto-Response-Suppress", "OOF", NULL };

	(void)state;
	config_defaults(&vcfg);
	assert_null(refusal("a@example.org", to_me));
	assert_null(refusal("a@example.org", cc_me));
	assert_null(refusal("a@example.org", resent));
	assert_null(refusal("a@example.org", auto_no));
	assert_string_equal(refusal("a@example.org", not_me),
	    "user not in To/Cc/Bcc/Resent-*");
	assert_string_equal(refusal("", to_me), "null sender");
	assert_string_equal(refusal("bob@example.org", to_me),
	    "sender is the user");
	assert_string_equal(refusal("MAILER-DAEMON@x.org", to_me),
	    "sender is a system address");
	assert_string_equal(refusal("owner-list@x.org", to_me),
	    "sender is a system address");
	assert_string_equal(refusal("list-request@x.org", to_me),
	    "sender is a system address");
	assert_string_equal(refusal("a@example.org", auto_sub),
	    "Auto-Submitted");
	assert_string_equal(refusal("a@example.org", list),
	    "mailing list message");
	assert_string_equal(refusal("a@example.org", bulk),
	    "Precedence bulk/junk/list");
	assert_string_equal(refusal("a@example.org", suppress),
	    "X-Auto-Response-Suppress");
	refusal("", (const char *[]){ NULL });
	config_free(&vcfg);
}

static void test_address_list_has(void **state)
{
	(void)state;
	assert_true(address_list_has("Bob <bob@x.org>", "BOB@x.org"));
	assert_true(address_list_has("a@b,bob@x.org", "bob@x.org"));
	assert_false(address_list_has("xbob@x.org", "bob@x.org"));
	assert_false(address_list_has("bob@x.org.uk", "bob@x.org"));
	assert_false(address_list_has(NULL, "bob@x.org"));
}

/* ---- reading a script (sieve_read_script_fd) ---- */

/* A file of len bytes of 'a' (a comment line's worth), opened for reading. */
static int script_of(size_t len)
{
	char path[] = "/tmp/test_sieve_script.XXXXXX";
	int fd = mkstemp(path);
	char *text = malloc(len ? len : 1);

	assert_true(fd >= 0);
	assert_non_null(text);
	memset(text, 'a', len);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	free(text);
	unlink(path);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static void test_read_script_limit(void **state)
{
	char *text = NULL;

	(void)state;
	assert_int_equal(sieve_read_script_fd(script_of(SIEVE_SCRIPT_MAX),
	    &text), 0);
	assert_int_equal(strlen(text), SIEVE_SCRIPT_MAX);
	free(text);
	text = NULL;
	assert_int_equal(sieve_read_script_fd(script_of(SIEVE_SCRIPT_MAX + 1),
	    &text), -1);
	assert_int_equal(errno, EFBIG);
	assert_null(text);
	assert_int_equal(sieve_read_script_fd(script_of(0), &text), 0);
	assert_string_equal(text, "");
	free(text);
}

/* All of a file, read in a loop. */
static size_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;

	assert_true(fd >= 0);
	while ((n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	assert_true(len < size - 1);
	buf[len] = '\0';
	return len;
}

/* A file longer than its size says when read (as one that grows while
 * it is read): /proc's files say 0 bytes.  All of it is read. */
static void test_read_script_longer_than_said(void **state)
{
	static char want[256 * 1024];
	const char *path = "/proc/self/mountinfo";
	char *text = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(sieve_read_script_fd(fd, &text), 0);
	assert_true(slurp(path, want, sizeof want) > 0);
	assert_string_equal(text, want);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_flag_letters),
		cmocka_unit_test(test_flags_to_maildir),
		cmocka_unit_test(test_rfc2047_words),
		cmocka_unit_test(test_rfc2047_malformed),
		cmocka_unit_test(test_rfc2047_address_phrase),
		cmocka_unit_test(test_wire_round_trip),
		cmocka_unit_test(test_wire_garbage),
		cmocka_unit_test(test_eval_headers_and_flags),
		cmocka_unit_test(test_eval_parse_error),
		cmocka_unit_test(test_eval_carried_tags),
		cmocka_unit_test(test_vacation_rules),
		cmocka_unit_test(test_address_list_has),
		cmocka_unit_test(test_read_script_limit),
		cmocka_unit_test(test_read_script_longer_than_said),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
