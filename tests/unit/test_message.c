/* test_message.c: intake, the streaming pass (src/message.c).
 *
 * Every intake test feeds exact bytes (through a memfd, or a pipe written
 * in pieces by a child process), compares the exact bytes written, and
 * checks that the reported size is the size of what was written.  The
 * reader's buffer is 64 KiB, so several inputs put a CRLF, a lone CR or a
 * long line across offsets 65535/65536. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "message.h" /* before cmocka.h, whose fail() macro would clash */

#include <cmocka.h>

#define KIB 1024
#define BUF (64 * KIB) /* the reader's buffer size in message.c */

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const void *data, size_t len)
{
	if (len == 0)
		return;
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void fill(struct buf *b, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(b, &c, 1);
}

/* ---- fixture ------------------------------------------------------- */

enum feed {
	FEED_FILE,        /* a memfd: full 64 KiB reads */
	FEED_PIPE_SMALL,  /* a pipe written 4093 bytes at a time */
	FEED_PIPE_BIG,    /* a pipe written 65535 bytes at a time */
};

struct fx {
	struct intake in;
	struct outcome out;
	struct buf input, want, got;
};

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct fx));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	intake_free(&f->in);
	free(f->input.p);
	free(f->want.p);
	free(f->got.p);
	free(f);
	return 0;
}

/* Envelope for the test; both headers switched on. */
static void envelope(struct fx *f, const char *sender, const char *rcpt)
{
	f->in.sender = sender;
	f->in.recipient = rcpt;
	f->in.add_return_path = true;
	f->in.add_delivered_to = true;
}

static int memfd_holding(const struct buf *b)
{
	int fd = memfd_create("input", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, b->p ? b->p : "", b->len), b->len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* A pipe fed by a child writing b in pieces of `piece` bytes. */
static int pipe_feeding(const struct buf *b, size_t piece, pid_t *pid)
{
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	*pid = fork();
	assert_true(*pid >= 0);
	if (*pid == 0) {
		close(fds[0]);
		for (size_t off = 0; off < b->len;) {
			size_t n = b->len - off < piece ? b->len - off : piece;
			ssize_t w = write(fds[1], b->p + off, n);

			if (w <= 0)
				_exit(1);
			off += (size_t)w;
		}
		_exit(0);
	}
	close(fds[1]);
	return fds[0];
}

static void read_back(struct fx *f, int fd)
{
	struct stat st;
	char chunk[BUF];
	ssize_t n;

	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	f->got.len = 0;
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		put(&f->got, chunk, (size_t)n);
	assert_int_equal(n, 0);
	assert_int_equal(f->got.len, st.st_size);
}

static int run_feed(struct fx *f, enum feed feed)
{
	int in, out = memfd_create("output", MFD_CLOEXEC), rc, status;
	pid_t pid = -1;

	assert_true(out >= 0);
	if (feed == FEED_FILE)
		in = memfd_holding(&f->input);
	else
		in = pipe_feeding(&f->input, feed == FEED_PIPE_SMALL ? 4093 :
		    BUF - 1, &pid);
	rc = message_intake(in, out, &f->in, &f->out);
	close(in);
	if (pid > 0) {
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	read_back(f, out);
	close(out);
	if (rc == 0)
		assert_int_equal(f->in.size, f->got.len); /* size = bytes written */
	return rc;
}

static void run(struct fx *f)
{
	assert_int_equal(run_feed(f, FEED_FILE), 0);
}

/* Compare what was written with f->want, naming the first difference. */
static void expect_want(struct fx *f)
{
	size_t i = 0;

	while (i < f->got.len && i < f->want.len && f->got.p[i] == f->want.p[i])
		i++;
	if (i == f->got.len && i == f->want.len)
		return;
	fail_msg("output differs at byte %zu (got %zu bytes, want %zu): "
	    "got \"%.40s\" want \"%.40s\"", i, f->got.len, f->want.len,
	    i < f->got.len ? f->got.p + i : "", i < f->want.len ?
	    f->want.p + i : "");
}

static void expect(struct fx *f, const char *want)
{
	f->want.len = 0;
	puts_(&f->want, want);
	expect_want(f);
}

/* Run with text as input and expect want as output. */
static void transforms(struct fx *f, const char *text, const char *want)
{
	f->input.len = 0;
	puts_(&f->input, text);
	run(f);
	expect(f, want);
}

static void expect_header(struct fx *f, size_t i, const char *name,
    const char *value, bool leading, bool added)
{
	const struct header *h;

	assert_true(i < f->in.headers.count);
	h = &f->in.headers.items[i];
	assert_string_equal(h->name, name);
	assert_string_equal(h->value, value);
	assert_int_equal(h->leading, leading);
	assert_int_equal(h->added, added);
}

/* ---- the From_ line ------------------------------------------------- */

static void test_from_line_removed_and_sender_used(void **state)
{
	struct fx *f = *state;

	envelope(f, NULL, "u@h");
	transforms(f, "From bounce@x.org Mon Nov 23 09:00:00 2026\n"
	    "Subject: s\n\nbody\n",
	    "Return-Path: <bounce@x.org>\nDelivered-To: u@h\n"
	    "Subject: s\n\nbody\n");
	assert_true(f->in.had_from_line);
	assert_string_equal(f->in.envelope_sender, "bounce@x.org");
}

static void test_from_line_mailer_daemon_is_null_sender(void **state)
{
	struct fx *f = *state;

	envelope(f, NULL, NULL);
	transforms(f, "From MAILER-DAEMON Mon Nov 23 09:00:00 2026\n"
	    "Subject: bounce\n\n",
	    "Return-Path: <>\nSubject: bounce\n\n");
	assert_string_equal(f->in.envelope_sender, "");
}

static void test_from_line_only_on_first_line(void **state)
{
	struct fx *f = *state;

	envelope(f, NULL, "u@h");
	transforms(f, "Subject: s\nFrom a@b Mon\n\nFrom c@d Mon\n",
	    "Delivered-To: u@h\nSubject: s\nFrom a@b Mon\n\nFrom c@d Mon\n");
	assert_false(f->in.had_from_line);
	assert_null(f->in.envelope_sender);
}

static void test_from_line_in_body_of_headerless_message_kept(void **state)
{
	struct fx *f = *state;

	transforms(f, "\nFrom a@b Mon\n", "\nFrom a@b Mon\n");
	assert_false(f->in.had_from_line);
}

static void test_from_colon_header_is_not_from_line(void **state)
{
	struct fx *f = *state;

	transforms(f, "From: a@b\n\n", "From: a@b\n\n");
	assert_false(f->in.had_from_line);
	expect_header(f, 0, "From", "a@b", false, false);
}

static void test_from_line_with_crlf(void **state)
{
	struct fx *f = *state;

	envelope(f, NULL, NULL);
	transforms(f, "From a@b Mon\r\nSubject: s\r\n\r\nbody\r\n",
	    "Return-Path: <a@b>\nSubject: s\n\nbody\n");
}

static void test_from_line_longer_than_buffer_dropped_whole(void **state)
{
	struct fx *f = *state;

	envelope(f, NULL, NULL);
	puts_(&f->input, "From a@b ");
	fill(&f->input, 'x', 3 * BUF + 17);
	puts_(&f->input, "\r\nSubject: s\n\nb\n");
	run(f);
	expect(f, "Return-Path: <a@b>\nSubject: s\n\nb\n");
	assert_string_equal(f->in.envelope_sender, "a@b");
}

static void test_input_only_from_line(void **state)
{
	struct fx *f = *state;

	envelope(f, NULL, "u@h");
	transforms(f, "From a@b Mon Nov 23 09:00:00 2026\n",
	    "Return-Path: <a@b>\nDelivered-To: u@h\n");
	assert_true(f->in.had_from_line);
}

static void test_input_only_from_line_without_newline(void **state)
{
	struct fx *f = *state;

	envelope(f, NULL, "u@h");
	transforms(f, "From a@b", "Return-Path: <a@b>\nDelivered-To: u@h\n");
	assert_true(f->in.had_from_line);
}

static void test_from_line_without_address_gives_no_sender(void **state)
{
	struct fx *f = *state;

	envelope(f, NULL, "u@h");
	transforms(f, "From \nSubject: s\n\n", "Delivered-To: u@h\nSubject: s\n\n");
	assert_true(f->in.had_from_line);
	assert_null(f->in.envelope_sender);
}

/* ---- which sender ------------------------------------------------------ */

static void test_given_sender_beats_from_line(void **state)
{
	struct fx *f = *state;

	envelope(f, "given@x", NULL);
	transforms(f, "From from@y Mon\nReturn-Path: <rp@z>\n\n",
	    "Return-Path: <given@x>\nReturn-Path: <rp@z>\n\n");
	assert_string_equal(f->in.envelope_sender, "given@x");
}

static void test_from_line_beats_leading_return_path(void **state)
{
	struct fx *f = *state;

	envelope(f, NULL, NULL);
	transforms(f, "From from@y Mon\nReturn-Path: <rp@z>\n\n",
	    "Return-Path: <from@y>\nReturn-Path: <rp@z>\n\n");
	assert_string_equal(f->in.envelope_sender, "from@y");
}

static void test_leading_return_path_is_sender(void **state)
{
	struct fx *f = *state;

	envelope(f, NULL, "u@h");
	transforms(f, "Return-Path: <rp@z>\nSubject: s\n\n",
	    "Delivered-To: u@h\nReturn-Path: <rp@z>\nSubject: s\n\n");
	assert_string_equal(f->in.envelope_sender, "rp@z");
}

static void test_leading_null_return_path_is_null_sender(void **state)
{
	struct fx *f = *state;

	envelope(f, NULL, NULL);
	transforms(f, "Return-Path: <>\n\n", "Return-Path: <>\n\n");
	assert_string_equal(f->in.envelope_sender, "");
}

static void test_return_path_below_other_header_not_sender(void **state)
{
	struct fx *f = *state;

	envelope(f, NULL, NULL);
	transforms(f, "Subject: s\nReturn-Path: <rp@z>\n\n",
	    "Subject: s\nReturn-Path: <rp@z>\n\n");
	assert_null(f->in.envelope_sender);
}

static void test_return_path_with_control_char_not_sender(void **state)
{
	struct fx *f = *state;

	envelope(f, NULL, NULL);
	transforms(f, "Return-Path: <a\tb@z>\n\n", "Return-Path: <a\tb@z>\n\n");
	assert_null(f->in.envelope_sender);
}

static void test_overlong_return_path_not_sender(void **state)
{
	struct fx *f = *state;

	/* 2100 bytes is over message_address_ok()'s 2048: not an address to
	 * use, rather than its first 2048 bytes */
	envelope(f, NULL, NULL);
	puts_(&f->input, "Return-Path: <");
	fill(&f->input, 'a', 2096);
	puts_(&f->input, "@z.x>\n\n");
	run(f);
	f->want.len = 0;
	put(&f->want, f->input.p, f->input.len);
	expect_want(f);
	if (f->in.envelope_sender != NULL)
		fail_msg("envelope sender is \"%.12s...\" (%zu bytes), want NULL",
		    f->in.envelope_sender, strlen(f->in.envelope_sender));
}

static void test_no_sender_anywhere_no_return_path(void **state)
{
	struct fx *f = *state;

	envelope(f, NULL, "u@h");
	transforms(f, "Subject: s\n\n", "Delivered-To: u@h\nSubject: s\n\n");
	assert_null(f->in.envelope_sender);
}

static void test_given_empty_sender_gives_null_return_path(void **state)
{
	struct fx *f = *state;

	envelope(f, "", NULL);
	transforms(f, "Subject: s\n\n", "Return-Path: <>\nSubject: s\n\n");
	assert_string_equal(f->in.envelope_sender, "");
}

/* ---- prepended trace headers ------------------------------------------ */

static void test_return_path_then_delivered_to_prepended(void **state)
{
	struct fx *f = *state;

	envelope(f, "a@x", "u@h");
	transforms(f, "Subject: hi\n\nbody\n",
	    "Return-Path: <a@x>\nDelivered-To: u@h\nSubject: hi\n\nbody\n");
	expect_header(f, 0, "Return-Path", "<a@x>", false, true);
	expect_header(f, 1, "Delivered-To", "u@h", false, true);
	expect_header(f, 2, "Subject", "hi", false, false);
	assert_int_equal(f->in.headers.count, 3);
}

static void test_prepending_switched_off(void **state)
{
	struct fx *f = *state;

	envelope(f, "a@x", "u@h");
	f->in.add_return_path = false;
	f->in.add_delivered_to = false;
	transforms(f, "Subject: hi\n\nbody\n", "Subject: hi\n\nbody\n");
	assert_int_equal(f->in.headers.count, 1);
	assert_string_equal(f->in.envelope_sender, "a@x");
}

static void test_only_delivered_to_switched_on(void **state)
{
	struct fx *f = *state;

	envelope(f, "a@x", "u@h");
	f->in.add_return_path = false;
	transforms(f, "Subject: hi\n\n", "Delivered-To: u@h\nSubject: hi\n\n");
}

static void test_only_return_path_switched_on(void **state)
{
	struct fx *f = *state;

	envelope(f, "a@x", "u@h");
	f->in.add_delivered_to = false;
	transforms(f, "Subject: hi\n\n", "Return-Path: <a@x>\nSubject: hi\n\n");
}

static void test_no_recipient_no_delivered_to(void **state)
{
	struct fx *f = *state;

	envelope(f, "a@x", "");
	transforms(f, "Subject: hi\n\n", "Return-Path: <a@x>\nSubject: hi\n\n");
}

static void test_postfix_top_not_duplicated(void **state)
{
	struct fx *f = *state;
	static const char msg[] = "Return-Path: <a@x>\nX-Original-To: u@h\n"
	    "Delivered-To: u@h\nReceived: by mx\nSubject: s\n\nbody\n";

	envelope(f, "a@x", "u@h");
	transforms(f, msg, msg);
	expect_header(f, 0, "Return-Path", "<a@x>", true, false);
	expect_header(f, 1, "X-Original-To", "u@h", true, false);
	expect_header(f, 2, "Delivered-To", "u@h", true, false);
	expect_header(f, 3, "Received", "by mx", false, false);
	assert_int_equal(message_loop_count(&f->in, "u@h"), 0);
}

static void test_exim_top_not_duplicated(void **state)
{
	struct fx *f = *state;
	static const char msg[] = "Envelope-To: u@h\n"
	    "Delivery-Date: Mon, 23 Nov 2026 09:00:00 +0000\n"
	    "Return-Path: <a@x>\nDelivered-To: u@h\nReceived: x\n\n";

	envelope(f, "a@x", "u@h");
	transforms(f, msg, msg);
	assert_int_equal(message_loop_count(&f->in, "u@h"), 0);
}

static void test_trace_compare_ignores_case_and_brackets(void **state)
{
	struct fx *f = *state;
	static const char msg[] = "return-path:  <A@X>\nDELIVERED-TO: <U@H>\n\n";

	envelope(f, "a@x", "u@h");
	transforms(f, msg, msg);
}

static void test_same_headers_further_down_still_added(void **state)
{
	struct fx *f = *state;

	envelope(f, "a@x", "u@h");
	transforms(f, "Received: r\nReturn-Path: <a@x>\nDelivered-To: u@h\n\n",
	    "Return-Path: <a@x>\nDelivered-To: u@h\n"
	    "Received: r\nReturn-Path: <a@x>\nDelivered-To: u@h\n\n");
	assert_int_equal(message_loop_count(&f->in, "u@h"), 1);
}

static void test_other_values_on_top_still_added(void **state)
{
	struct fx *f = *state;

	envelope(f, "a@x", "u@h");
	transforms(f, "Return-Path: <b@x>\nDelivered-To: v@h\n\n",
	    "Return-Path: <a@x>\nDelivered-To: u@h\n"
	    "Return-Path: <b@x>\nDelivered-To: v@h\n\n");
}

static void test_non_header_line_ends_trace_block(void **state)
{
	struct fx *f = *state;

	envelope(f, "a@x", "u@h");
	transforms(f, "junk line\nDelivered-To: u@h\n\n",
	    "Return-Path: <a@x>\nDelivered-To: u@h\n"
	    "junk line\nDelivered-To: u@h\n\n");
	assert_int_equal(message_loop_count(&f->in, "u@h"), 1);
}

static void test_trace_block_over_64k_keeps_order(void **state)
{
	struct fx *f = *state;

	envelope(f, "a@x", "u@h");
	for (int i = 0; i < 4000; i++)
		puts_(&f->input, "Delivered-To: other@h\n");
	puts_(&f->input, "Subject: s\n\nbody\n");
	run(f);
	puts_(&f->want, "Return-Path: <a@x>\nDelivered-To: u@h\n");
	put(&f->want, f->input.p, f->input.len);
	expect_want(f);
	assert_int_equal(message_loop_count(&f->in, "u@h"), 0);
}

/* ---- message_loop_count ------------------------------------------------ */

static void test_loop_count_lower_copies_counted(void **state)
{
	struct fx *f = *state;
	static const char msg[] = "Delivered-To: u@h\nReceived: x\n"
	    "Delivered-To: u@h\nDelivered-To: <U@H>\nDelivered-To: other@h\n\n";

	transforms(f, msg, msg);
	assert_int_equal(message_loop_count(&f->in, "u@h"), 2);
	assert_int_equal(message_loop_count(&f->in, "other@h"), 1);
	assert_int_equal(message_loop_count(&f->in, "nobody@h"), 0);
}

static void test_loop_count_second_leading_copy_counted(void **state)
{
	struct fx *f = *state;
	static const char msg[] = "Delivered-To: u@h\nDelivered-To: u@h\n\n";

	transforms(f, msg, msg);
	assert_int_equal(message_loop_count(&f->in, "u@h"), 1);
}

static void test_loop_count_ignores_added_header(void **state)
{
	struct fx *f = *state;

	envelope(f, "a@x", "u@h");
	transforms(f, "Subject: s\n\n",
	    "Return-Path: <a@x>\nDelivered-To: u@h\nSubject: s\n\n");
	assert_int_equal(message_loop_count(&f->in, "u@h"), 0);
}

/* ---- line endings and bytes ------------------------------------------- */

static void test_crlf_becomes_lf(void **state)
{
	struct fx *f = *state;

	transforms(f, "Subject: a\r\n\r\nline1\r\nline2\r\n\r\n",
	    "Subject: a\n\nline1\nline2\n\n");
	expect_header(f, 0, "Subject", "a", false, false);
}

static void test_bare_cr_kept(void **state)
{
	struct fx *f = *state;

	transforms(f, "Subject: a\rb\r\n\r\nx\ry\r\r\n\rz\r",
	    "Subject: a\rb\n\nx\ry\r\n\rz\r");
	expect_header(f, 0, "Subject", "a\rb", false, false);
}

static void test_nul_and_8bit_bytes_kept(void **state)
{
	struct fx *f = *state;

	puts_(&f->input, "Subject: caf\xc3\xa9\n\n");
	for (int round = 0; round < 2; round++)
		for (int c = 0; c < 256; c++)
			put(&f->input, &(char){ (char)c }, 1);
	run(f);
	put(&f->want, f->input.p, f->input.len);
	expect_want(f);
	expect_header(f, 0, "Subject", "caf\xc3\xa9", false, false);
}

static void test_nul_in_header_value_kept_in_output(void **state)
{
	struct fx *f = *state;
	static const char msg[] = "X-Bin: a\0b\nSubject: s\n\n";

	put(&f->input, msg, sizeof msg - 1);
	run(f);
	put(&f->want, msg, sizeof msg - 1);
	expect_want(f);
	assert_string_equal(header_get(&f->in.headers, "X-Bin", 0), "a");
	assert_string_equal(header_get(&f->in.headers, "Subject", 0), "s");
}

/* Input: `len` bytes 'a', CRLF, "b\r\n"; through every feed. */
static void check_long_line_crlf(struct fx *f, size_t len)
{
	static const enum feed feeds[] = { FEED_FILE, FEED_PIPE_SMALL,
	    FEED_PIPE_BIG };

	f->input.len = f->want.len = 0;
	fill(&f->input, 'a', len);
	puts_(&f->input, "\r\nb\r\n");
	fill(&f->want, 'a', len);
	puts_(&f->want, "\nb\n");
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(run_feed(f, feeds[i]), 0);
		expect_want(f);
	}
}

static void test_crlf_across_first_buffer_end(void **state)
{
	check_long_line_crlf(*state, BUF - 2);  /* CR 65534, LF 65535 */
	check_long_line_crlf(*state, BUF - 1);  /* CR 65535, LF 65536 */
	check_long_line_crlf(*state, BUF);      /* CR 65536, LF 65537 */
}

static void test_crlf_across_second_buffer_end(void **state)
{
	check_long_line_crlf(*state, 2 * BUF - 1);
	check_long_line_crlf(*state, 2 * BUF - 2);
}

static void test_line_longer_than_buffer_exact(void **state)
{
	check_long_line_crlf(*state, 200000);
}

/* A body line whose CRLF falls on byte `at` of the input. */
static void check_body_crlf_at(struct fx *f, size_t at)
{
	static const char head[] = "Subject: s\r\n\r\n";
	size_t head_len = sizeof head - 1;

	f->input.len = f->want.len = 0;
	puts_(&f->input, head);
	fill(&f->input, 'c', at - head_len);
	puts_(&f->input, "\r\nend\r\n");
	puts_(&f->want, "Subject: s\n\n");
	fill(&f->want, 'c', at - head_len);
	puts_(&f->want, "\nend\n");
	assert_int_equal(run_feed(f, FEED_FILE), 0);
	expect_want(f);
	assert_int_equal(run_feed(f, FEED_PIPE_SMALL), 0);
	expect_want(f);
}

static void test_body_crlf_across_buffer_end(void **state)
{
	check_body_crlf_at(*state, BUF - 1);         /* absolute offset */
	check_body_crlf_at(*state, 14 + BUF - 1);    /* offset in the line */
	check_body_crlf_at(*state, BUF);
}

static void test_cr_at_buffer_end_without_lf_kept(void **state)
{
	struct fx *f = *state;

	fill(&f->input, 'a', BUF - 1);
	puts_(&f->input, "\rb\n");
	run(f);
	put(&f->want, f->input.p, f->input.len);
	expect_want(f);
}

static void test_cr_cr_lf_across_buffer_end(void **state)
{
	struct fx *f = *state;

	fill(&f->input, 'a', BUF - 2);
	puts_(&f->input, "\r\r\nz");      /* CR 65534, CR 65535, LF 65536 */
	fill(&f->want, 'a', BUF - 2);
	puts_(&f->want, "\r\nz");
	run(f);
	expect_want(f);
}

static void test_final_cr_at_buffer_end_kept(void **state)
{
	struct fx *f = *state;

	fill(&f->input, 'a', BUF - 1);
	puts_(&f->input, "\r");          /* input ends with the CR */
	run(f);
	put(&f->want, f->input.p, f->input.len);
	expect_want(f);
	assert_int_equal(run_feed(f, FEED_PIPE_BIG), 0);
	expect_want(f);
}

static void test_folded_header_crlf_across_buffer_end(void **state)
{
	struct fx *f = *state;
	struct buf value = { 0 };

	puts_(&f->input, "X-F: ");
	fill(&f->input, 'a', BUF - 6);  /* CR at 65535 */
	puts_(&f->input, "\r\n cont\r\n\r\n");
	puts_(&f->want, "X-F: ");
	fill(&f->want, 'a', BUF - 6);
	puts_(&f->want, "\n cont\n\n");
	run(f);
	expect_want(f);
	fill(&value, 'a', BUF - 6);
	puts_(&value, " cont");
	put(&value, "", 1);
	assert_string_equal(header_get(&f->in.headers, "X-F", 0), value.p);
	assert_false(f->in.headers.truncated);
	free(value.p);
}

/* ---- the header index --------------------------------------------------- */

static void test_index_unfolds_values(void **state)
{
	struct fx *f = *state;

	transforms(f, "Subject: one\r\n two\r\n\tthree\r\nTo: x\n\n",
	    "Subject: one\n two\n\tthree\nTo: x\n\n");
	expect_header(f, 0, "Subject", "one two\tthree", false, false);
	expect_header(f, 1, "To", "x", false, false);
}

static void test_index_every_occurrence_in_order(void **state)
{
	struct fx *f = *state;
	const struct header_index *idx = &f->in.headers;

	transforms(f, "Received: 1\nSubject: s\nreceived: 2\nRECEIVED: 3\n\n",
	    "Received: 1\nSubject: s\nreceived: 2\nRECEIVED: 3\n\n");
	assert_int_equal(header_count(idx, "Received"), 3);
	assert_string_equal(header_get(idx, "Received", 0), "1");
	assert_string_equal(header_get(idx, "Received", 1), "2");
	assert_string_equal(header_get(idx, "Received", 2), "3");
}

static void test_index_leading_flags(void **state)
{
	struct fx *f = *state;

	transforms(f, "Return-Path: <a@x>\nX-Original-To: u@h\nDelivered-To: "
	    "u@h\nReceived: r\nDelivered-To: u@h\n\n", "Return-Path: <a@x>\n"
	    "X-Original-To: u@h\nDelivered-To: u@h\nReceived: r\n"
	    "Delivered-To: u@h\n\n");
	expect_header(f, 0, "Return-Path", "<a@x>", true, false);
	expect_header(f, 1, "X-Original-To", "u@h", true, false);
	expect_header(f, 2, "Delivered-To", "u@h", true, false);
	expect_header(f, 3, "Received", "r", false, false);
	expect_header(f, 4, "Delivered-To", "u@h", false, false);
}

static void test_index_added_headers_flagged(void **state)
{
	struct fx *f = *state;

	envelope(f, "a@x", "u@h");
	transforms(f, "X-Original-To: u@h\nSubject: s\n\n", "Return-Path: <a@x>"
	    "\nDelivered-To: u@h\nX-Original-To: u@h\nSubject: s\n\n");
	expect_header(f, 0, "Return-Path", "<a@x>", false, true);
	expect_header(f, 1, "Delivered-To", "u@h", false, true);
	expect_header(f, 2, "X-Original-To", "u@h", true, false);
	expect_header(f, 3, "Subject", "s", false, false);
}

static void test_index_line_without_colon_ignored(void **state)
{
	struct fx *f = *state;
	static const char msg[] = "A: 1\ngarbage line\n continued\nB: 2\n\n";

	transforms(f, msg, msg);
	assert_int_equal(f->in.headers.count, 2);
	expect_header(f, 0, "A", "1", false, false);
	expect_header(f, 1, "B", "2", false, false);
}

static void test_index_name_with_blanks_before_colon(void **state)
{
	struct fx *f = *state;
	static const char msg[] = "Subject \t: hi\nTo : x\n\n";

	transforms(f, msg, msg);
	expect_header(f, 0, "Subject", "hi", false, false);
	expect_header(f, 1, "To", "x", false, false);
}

static void test_index_bad_names_not_headers(void **state)
{
	struct fx *f = *state;
	static const char msg[] = "Bad Name: x\n: empty\n\x01X: y\nOk: z\n\n";

	transforms(f, msg, msg);
	assert_int_equal(f->in.headers.count, 1);
	expect_header(f, 0, "Ok", "z", false, false);
}

static void test_index_empty_and_blank_values(void **state)
{
	struct fx *f = *state;
	static const char msg[] = "X-Empty:\nX-Blank:   \t\nX-Pad:  \t v \n\n";

	transforms(f, msg, msg);
	expect_header(f, 0, "X-Empty", "", false, false);
	expect_header(f, 1, "X-Blank", "", false, false);
	expect_header(f, 2, "X-Pad", "v ", false, false);
}

static void test_index_stops_at_blank_line(void **state)
{
	struct fx *f = *state;
	static const char msg[] = "Subject: s\n\nIn-Body: x\n";

	transforms(f, msg, msg);
	assert_int_equal(f->in.headers.count, 1);
	assert_null(header_get(&f->in.headers, "In-Body", 0));
}

static void test_index_30000_headers_bounded(void **state)
{
	struct fx *f = *state;
	char line[32];

	for (int i = 0; i < 30000; i++) {
		snprintf(line, sizeof line, "X-H%d: v%d\n", i, i);
		puts_(&f->input, line);
	}
	puts_(&f->input, "\nbody\n");
	run(f);
	put(&f->want, f->input.p, f->input.len);
	expect_want(f);
	assert_int_equal(f->in.headers.count, HEADER_INDEX_COUNT);
	assert_true(f->in.headers.truncated);
	expect_header(f, 0, "X-H0", "v0", false, false);
	expect_header(f, HEADER_INDEX_COUNT - 1, "X-H19999", "v19999", false,
	    false);
}

static void test_index_1mib_header_value_cut(void **state)
{
	struct fx *f = *state;
	const char *v;

	puts_(&f->input, "X-Big: ");
	fill(&f->input, 'v', 1024 * KIB);
	puts_(&f->input, "\r\nSubject: after\r\n\r\nbody\r\n");
	run(f);
	puts_(&f->want, "X-Big: ");
	fill(&f->want, 'v', 1024 * KIB);
	puts_(&f->want, "\nSubject: after\n\nbody\n");
	expect_want(f);
	v = header_get(&f->in.headers, "X-Big", 0);
	assert_non_null(v);
	assert_int_equal(strlen(v), HEADER_VALUE_MAX);
	assert_int_equal(strspn(v, "v"), HEADER_VALUE_MAX);
	assert_true(f->in.headers.truncated);
	assert_string_equal(header_get(&f->in.headers, "Subject", 0), "after");
}

/* ---- edge inputs -------------------------------------------------------- */

static void test_empty_input(void **state)
{
	struct fx *f = *state;

	run(f);
	expect(f, "");
	assert_int_equal(f->in.size, 0);
	assert_int_equal(f->in.headers.count, 0);
}

static void test_empty_input_gets_trace_headers(void **state)
{
	struct fx *f = *state;

	envelope(f, "s@x", "u@h");
	transforms(f, "", "Return-Path: <s@x>\nDelivered-To: u@h\n");
	assert_int_equal(f->in.headers.count, 2);
}

static void test_input_without_blank_line(void **state)
{
	struct fx *f = *state;

	envelope(f, "s@x", NULL);
	transforms(f, "Subject: s\nX: y", "Return-Path: <s@x>\nSubject: s\nX: y");
	expect_header(f, 2, "X", "y", false, false);
}

static void test_input_only_trace_header_without_newline(void **state)
{
	struct fx *f = *state;

	envelope(f, NULL, "u@h");
	transforms(f, "Delivered-To: u@h", "Delivered-To: u@h");
	expect_header(f, 0, "Delivered-To", "u@h", true, false);
}

static void test_input_starting_with_blank_line(void **state)
{
	struct fx *f = *state;

	envelope(f, "s@x", "u@h");
	transforms(f, "\r\nbody: x\n",
	    "Return-Path: <s@x>\nDelivered-To: u@h\n\nbody: x\n");
	assert_int_equal(f->in.headers.count, 2);
}

/* ---- errors --------------------------------------------------------------- */

static void test_read_error_is_tempfail(void **state)
{
	struct fx *f = *state;
	int dir = open(".", O_RDONLY | O_DIRECTORY), out = memfd_create("o", 0);
	int rc = message_intake(dir, out, &f->in, &f->out);

	close(dir);
	close(out);
	assert_int_equal(rc, -1);
	assert_int_equal(f->out.code, EX_TEMPFAIL);
	assert_string_equal(f->out.reason,
	    "cannot read message: Is a directory");
}

static void test_write_error_is_tempfail(void **state)
{
	struct fx *f = *state;
	int fds[2], in, rc;

	puts_(&f->input, "Subject: s\n\nbody\n");
	in = memfd_holding(&f->input);
	assert_int_equal(pipe(fds), 0);
	rc = message_intake(in, fds[0], &f->in, &f->out); /* read end */
	close(in);
	close(fds[0]);
	close(fds[1]);
	assert_int_equal(rc, -1);
	assert_int_equal(f->out.code, EX_TEMPFAIL);
	assert_string_equal(f->out.reason,
	    "cannot write message: Bad file descriptor");
}

/* ---- message_from_line_sender and message_address_ok -------------------- */

static void check_from(const char *line, const char *want)
{
	char *got = message_from_line_sender(line, strlen(line));

	if (want == NULL) {
		if (got != NULL)
			fail_msg("\"%s\" gave \"%s\", want NULL", line, got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_from_line_sender_address(void **state)
{
	(void)state;
	check_from("From a@b.example Mon Nov 23 09:00:00 2026\n", "a@b.example");
	check_from("From   a@b  Mon\n", "a@b");
	check_from("From a@b\tMon\n", "a@b");
	check_from("From a@b\n", "a@b");
	check_from("From a@b", "a@b");
	check_from("From caf\xc3\xa9@b x", "caf\xc3\xa9@b");
}

static void test_from_line_sender_null_forms(void **state)
{
	(void)state;
	check_from("From MAILER-DAEMON Mon Nov 23 09:00:00 2026\n", "");
	check_from("From mailer-daemon x\n", "");
	check_from("From <> x\n", "");
}

static void test_from_line_sender_rejects(void **state)
{
	(void)state;
	check_from("From \n", NULL);
	check_from("From ", NULL);
	check_from("From    \n", NULL);
	check_from("From\ta@b\n", NULL);
	check_from("From:a@b\n", NULL);
	check_from("from a@b\n", NULL);
	check_from("Frm", NULL);
	check_from("", NULL);
	check_from("From a\rb@c x\n", NULL);
	check_from("From a\x01@c x\n", NULL);
}

static void test_from_line_sender_uses_length(void **state)
{
	char *got = message_from_line_sender("From a@b.example", 8);

	(void)state;
	assert_non_null(got);
	assert_string_equal(got, "a@b");
	free(got);
	assert_null(message_from_line_sender("From a@b", 4));
}

static void test_from_line_sender_with_nul_rejected(void **state)
{
	static const char line[] = "From a\0b@c.example Mon\n";
	char *got = message_from_line_sender(line, sizeof line - 1);
	bool rejected = got == NULL;

	/* "a" is not the sender named on this line: a NUL is a control
	 * character like CR, so the address is unusable as a whole */
	(void)state;
	free(got);
	assert_true(rejected);
}

static void test_address_ok_accepts(void **state)
{
	char long_ok[2049];

	(void)state;
	memset(long_ok, 'a', 2048);
	long_ok[2048] = '\0';
	assert_true(message_address_ok(""));
	assert_true(message_address_ok("a@b.example"));
	assert_true(message_address_ok("\"a b\"@c"));
	assert_true(message_address_ok("j\xc3\xb6rg@b"));
	assert_true(message_address_ok(long_ok));
}

static void test_address_ok_rejects(void **state)
{
	char too_long[2050];

	(void)state;
	memset(too_long, 'a', 2049);
	too_long[2049] = '\0';
	assert_false(message_address_ok("a@b\n"));
	assert_false(message_address_ok("a@b\rX: y"));
	assert_false(message_address_ok("a\tb@c"));
	assert_false(message_address_ok("a\x01@c"));
	assert_false(message_address_ok("a\x7f@c"));
	assert_false(message_address_ok(too_long));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_from_line_removed_and_sender_used),
		T(test_from_line_mailer_daemon_is_null_sender),
		T(test_from_line_only_on_first_line),
		T(test_from_line_in_body_of_headerless_message_kept),
		T(test_from_colon_header_is_not_from_line),
		T(test_from_line_with_crlf),
		T(test_from_line_longer_than_buffer_dropped_whole),
		T(test_input_only_from_line),
		T(test_input_only_from_line_without_newline),
		T(test_from_line_without_address_gives_no_sender),
		T(test_given_sender_beats_from_line),
		T(test_from_line_beats_leading_return_path),
		T(test_leading_return_path_is_sender),
		T(test_leading_null_return_path_is_null_sender),
		T(test_return_path_below_other_header_not_sender),
		T(test_return_path_with_control_char_not_sender),
		T(test_overlong_return_path_not_sender),
		T(test_no_sender_anywhere_no_return_path),
		T(test_given_empty_sender_gives_null_return_path),
		T(test_return_path_then_delivered_to_prepended),
		T(test_prepending_switched_off),
		T(test_only_delivered_to_switched_on),
		T(test_only_return_path_switched_on),
		T(test_no_recipient_no_delivered_to),
		T(test_postfix_top_not_duplicated),
		T(test_exim_top_not_duplicated),
		T(test_trace_compare_ignores_case_and_brackets),
		T(test_same_headers_further_down_still_added),
		T(test_other_values_on_top_still_added),
		T(test_non_header_line_ends_trace_block),
		T(test_trace_block_over_64k_keeps_order),
		T(test_loop_count_lower_copies_counted),
		T(test_loop_count_second_leading_copy_counted),
		T(test_loop_count_ignores_added_header),
		T(test_crlf_becomes_lf),
		T(test_bare_cr_kept),
		T(test_nul_and_8bit_bytes_kept),
		T(test_nul_in_header_value_kept_in_output),
		T(test_crlf_across_first_buffer_end),
		T(test_crlf_across_second_buffer_end),
		T(test_line_longer_than_buffer_exact),
		T(test_body_crlf_across_buffer_end),
		T(test_cr_at_buffer_end_without_lf_kept),
		T(test_cr_cr_lf_across_buffer_end),
		T(test_final_cr_at_buffer_end_kept),
		T(test_folded_header_crlf_across_buffer_end),
		T(test_index_unfolds_values),
		T(test_index_every_occurrence_in_order),
		T(test_index_leading_flags),
		T(test_index_added_headers_flagged),
		T(test_index_line_without_colon_ignored),
		T(test_index_name_with_blanks_before_colon),
		T(test_index_bad_names_not_headers),
		T(test_index_empty_and_blank_values),
		T(test_index_stops_at_blank_line),
		T(test_index_30000_headers_bounded),
		T(test_index_1mib_header_value_cut),
		T(test_empty_input),
		T(test_empty_input_gets_trace_headers),
		T(test_input_without_blank_line),
		T(test_input_only_trace_header_without_newline),
		T(test_input_starting_with_blank_line),
		T(test_read_error_is_tempfail),
		T(test_write_error_is_tempfail),
		T(test_from_line_sender_address),
		T(test_from_line_sender_null_forms),
		T(test_from_line_sender_rejects),
		T(test_from_line_sender_uses_length),
		T(test_from_line_sender_with_nul_rejected),
		T(test_address_ok_accepts),
		T(test_address_ok_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
