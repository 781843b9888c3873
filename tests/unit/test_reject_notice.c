/* test_reject_notice.c: the rejection notice's text
 * (src/reject_notice.c): its headers, the MDN fields, and the original
 * header without Content-Type (folded lines too) and without the body. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "reject_notice.h"

static int message_fd(const char *text)
{
	int fd = memfd_create("msg", 0);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	return fd;
}

static void test_notice(void **state)
{
	int fd = message_fd("Subject: buy\nContent-Type: multipart/mixed;\n"
	    "\tboundary=x\nTo: bob@example.org\n\nthe body\n");
	struct reject_notice n = {
		.from = "Postmaster <postmaster@example.org>",
		.to = "alice@example.org", .recipient = "bob@example.org",
		.orig_recipient = "all@example.org", .msgid = "<m@x>",
		.reason = "No thanks.", .host = "mx", .date = "D", .id = "<i@mx>",
		.msg_fd = fd,
	};
	char *t = reject_notice_compose(&n);
	const char *rfc822;

	(void)state;
	assert_non_null(t);
	assert_non_null(strstr(t, "Message-ID: <i@mx>\nDate: D\n"
	    "From: Postmaster <postmaster@example.org>\n"
	    "To: <alice@example.org>\nSubject: Automatically rejected mail\n"
	    "Auto-Submitted: auto-replied (rejected)\n"));
	assert_non_null(strstr(t, "Your message to <bob@example.org> was "
	    "automatically rejected:\nNo thanks.\n"));
	assert_non_null(strstr(t, "Reporting-UA: mx; deliver\n"
	    "Original-Recipient: rfc822; all@example.org\n"
	    "Final-Recipient: rfc822; bob@example.org\n"
	    "Original-Message-ID: <m@x>\n"
	    "Disposition: automatic-action/MDN-sent-automatically; "
	    "deleted\n"));
	rfc822 = strstr(t, "Content-Type: message/rfc822\n\n");
	assert_non_null(rfc822);
	/* the header without its (folded) Content-Type, no body, the end */
	assert_non_null(strstr(rfc822, "\n\nSubject: buy\nTo: "
	    "bob@example.org\n\n\n--"));
	assert_null(strstr(rfc822, "multipart/mixed"));
	assert_null(strstr(rfc822, "boundary=x"));
	assert_null(strstr(t, "the body"));
	free(t);
	close(fd);
}

static void test_without_orig_and_msgid(void **state)
{
	struct reject_notice n = {
		.from = "F", .to = "a@x", .recipient = "b@x",
		.orig_recipient = "", .msgid = "", .reason = "r", .host = "h",
		.date = "D", .id = "<i@h>", .msg_fd = -1,
	};
	char *t = reject_notice_compose(&n);

	(void)state;
	assert_non_null(t);
	assert_null(strstr(t, "Original-Recipient:"));
	assert_null(strstr(t, "Original-Message-ID:"));
	assert_non_null(strstr(t, "Final-Recipient: rfc822; b@x\n"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notice),
		cmocka_unit_test(test_without_orig_and_msgid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
