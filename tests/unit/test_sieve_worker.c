/* test_sieve_worker.c: the long-lived Sieve child (src/sieve_worker.c):
 * its request format, one child for many evaluations, a fresh one after a
 * crash; the early child of a single delivery. */
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ours before cmocka.h: its fail() macro would clash with outcome.h */
#include "config.h"
#include "sieve_front.h"
#include "sieve_request.h"
#include "sieve_worker.h"

#include <cmocka.h>

static void add(struct header_index *idx, const char *name, const char *value)
{
	assert_int_equal(header_add(idx, name, strlen(name), value,
	    strlen(value)), 0);
}

static void fill(struct header_index *idx, struct sieve_env *env)
{
	memset(idx, 0, sizeof *idx);
	add(idx, "Received", "from a by b");
	add(idx, "Subject", "hello world");
	add(idx, "X-Empty", "");
	idx->items[0].leading = true;
	idx->items[1].added = true;
	idx->truncated = true;
	memset(env, 0, sizeof *env);
	env->headers = idx;
	env->sender = "";
	env->recipient = "joe+list@example.com";
	env->delimiter = NULL;
	env->size = (off_t)5 << 30;   /* beyond 32 bits */
	env->vacation_min_days = 2;
	env->vacation_max_days = 30;
	env->trace = true;
}

static void test_request_round_trip(void **state)
{
	struct header_index idx, got_idx;
	struct sieve_env env, got;
	const char *text;
	char *buf;
	size_t len;

	(void)state;
	fill(&idx, &env);
	assert_int_equal(sieve_worker_encode("keep;", &env, &buf, &len), 0);
	/* the length prefix says how much follows */
	assert_int_equal(((unsigned char)buf[2] << 8 | (unsigned char)buf[3]),
	    len - 4);
	assert_int_equal(sieve_worker_decode(buf + 4, len - 4, &text, &got,
	    &got_idx), 0);
	assert_string_equal(text, "keep;");
	assert_string_equal(got.sender, "");
	assert_string_equal(got.recipient, "joe+list@example.com");
	assert_null(got.delimiter);
	assert_true(got.size == env.size);
	assert_int_equal(got.vacation_min_days, 2);
	assert_int_equal(got.vacation_max_days, 30);
	assert_true(got.trace);
	assert_ptr_equal(got.headers, &got_idx);
	assert_int_equal(got_idx.count, 3);
	assert_true(got_idx.truncated);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(got_idx.items[i].name, idx.items[i].name);
		assert_string_equal(got_idx.items[i].value,
		    idx.items[i].value);
		assert_int_equal(got_idx.items[i].leading, i == 0);
		assert_int_equal(got_idx.items[i].added, i == 1);
	}
	header_index_free(&got_idx);
	header_index_free(&idx);
	free(buf);
}

/* Every cut of a request, and one byte too many, is refused. */
static void test_request_cut_or_padded_refused(void **state)
{
	struct header_index idx, got_idx;
	struct sieve_env env, got;
	const char *text;
	char *buf, *copy;
	size_t len;

	(void)state;
	fill(&idx, &env);
	assert_int_equal(sieve_worker_encode("keep;", &env, &buf, &len), 0);
	for (size_t n = 0; n < len - 4; n++) {
		assert_non_null(copy = malloc(n + 1));
		memcpy(copy, buf + 4, n);
		assert_int_equal(sieve_worker_decode(copy, n, &text, &got,
		    &got_idx), -1);
		free(copy);
	}
	assert_non_null(copy = malloc(len - 3));
	memcpy(copy, buf + 4, len - 4);
	copy[len - 4] = 'x';
	assert_int_equal(sieve_worker_decode(copy, len - 3, &text, &got,
	    &got_idx), -1);
	/* a string without its terminating NUL */
	memcpy(copy, buf + 4, len - 4);
	copy[len - 5] = 'x';
	assert_int_equal(sieve_worker_decode(copy, len - 4, &text, &got,
	    &got_idx), -1);
	free(copy);
	header_index_free(&idx);
	free(buf);
}

static void eval_ok(const char *script, const struct sieve_env *env,
    const struct config *cfg, const char *folder)
{
	struct sieve_result res;
	char why[300] = "";

	assert_int_equal(sieve_worker_eval(script, env, cfg, &res, why,
	    sizeof why), 0);
	assert_false(res.failed);
	assert_int_equal(res.plan.count, 1);
	assert_int_equal(res.plan.actions[0].type, ACTION_FILEINTO);
	assert_string_equal(res.plan.actions[0].mailbox, folder);
	sieve_result_free(&res);
}

/* pid has exited and awaits its parent's waitpid. */
static bool zombie(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *fp;
	bool z = false;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return false;
	if (fgets(buf, sizeof buf, fp) != NULL && (p = strrchr(buf, ')')))
		z = p[1] == ' ' && p[2] == 'Z';
	fclose(fp);
	return z;
}

/* Many evaluations, one child; a crash costs that evaluation only. */
static void test_one_child_and_fresh_after_crash(void **state)
{
	struct config cfg = { .sieve_cpu_limit = 5, .sieve_timeout = 20 };
	struct header_index idx;
	struct sieve_env env;
	struct sieve_result res;
	unsigned long before = sieve_worker_started();
	pid_t pid;
	char why[300] = "";
	const char *script = "require \"fileinto\";\n"
	    "if header :contains \"subject\" \"hello\" { fileinto \"A\"; }\n"
	    "else { fileinto \"B\"; }\n";

	(void)state;
	fill(&idx, &env);
	add(&idx, "To", "nobody@elsewhere.example");
	env.trace = false;
	env.sender = "s@example.org";   /* vacation never answers <> */
	for (int i = 0; i < 5; i++)
		eval_ok(script, &env, &cfg, "A");
	assert_int_equal(sieve_worker_started() - before, 1);
	/* libsieve 2.2.6 dereferences NULL here when the user is not in
	 * To/Cc (LIBSIEVE.md) */
	assert_int_equal(sieve_worker_eval("require \"vacation\";\n"
	    "vacation :addresses [\"\"] \"away\";\n", &env, &cfg, &res, why,
	    sizeof why), -1);
	assert_non_null(strstr(why, "evaluation "));
	assert_int_equal(res.plan.count, 0);
	free(idx.items[1].value);
	assert_non_null(idx.items[1].value = strdup("other"));
	eval_ok(script, &env, &cfg, "B");
	assert_int_equal(sieve_worker_started() - before, 2);
	/* killed from outside while idle: the next message is not blamed */
	pid = sieve_worker_pid();
	assert_true(pid > 0);
	assert_int_equal(kill(pid, SIGKILL), 0);
	while (!zombie(pid))
		usleep(1000);
	eval_ok(script, &env, &cfg, "B");
	assert_int_equal(sieve_worker_started() - before, 3);
	sieve_worker_shutdown();
	assert_int_equal(sieve_worker_pid(), -1);
	header_index_free(&idx);
}

/* A worker serves SIEVE_WORKER_RECYCLE evaluations, then exits after its
 * last answer and is reaped; the next evaluation starts a new one. */
static void test_worker_recycled(void **state)
{
	struct config cfg = { .sieve_cpu_limit = 5, .sieve_timeout = 20 };
	struct header_index idx;
	struct sieve_env env;
	unsigned long before = sieve_worker_started();
	pid_t first;
	const char *script = "require \"fileinto\";\n"
	    "if header :contains \"subject\" \"hello\" { fileinto \"A\"; }\n";

	(void)state;
	fill(&idx, &env);
	env.trace = false;
	eval_ok(script, &env, &cfg, "A");
	first = sieve_worker_pid();
	assert_true(first > 0);
	for (int i = 1; i < SIEVE_WORKER_RECYCLE; i++)
		eval_ok(script, &env, &cfg, "A");
	assert_int_equal(sieve_worker_started() - before, 1);
	assert_int_equal(sieve_worker_pid(), -1);   /* gone after the last */
	assert_int_equal(kill(first, 0), -1);       /* and reaped */
	assert_int_equal(errno, ESRCH);
	eval_ok(script, &env, &cfg, "A");
	assert_int_equal(sieve_worker_started() - before, 2);
	assert_true(sieve_worker_pid() != first);
	sieve_worker_shutdown();
	header_index_free(&idx);
}

/* A file holding text, opened as sieve_early_start opens scripts. */
static int script_fd(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	return open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
}

/* One early child, three scripts: one refused by the front end, one that
 * is no file, one that runs; asked in that order, the last one last. */
static void test_early_child(void **state)
{
	struct config cfg = { .sieve_cpu_limit = 5, .sieve_timeout = 20 };
	char dir[] = "/tmp/test-early.XXXXXX", a[64], b[64], why[300] = "";
	struct sieve_early_answer ans;
	struct header_index idx;
	struct sieve_env env;
	const char *paths[3];
	int fds[3];
	pid_t pid;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof a, "%s/a.sieve", dir);
	snprintf(b, sizeof b, "%s/b.sieve", dir);
	paths[0] = a;
	fds[0] = script_fd(a, "require \"bogus\";\n");
	paths[1] = dir;   /* opens, but is no script */
	fds[1] = open(dir, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	paths[2] = b;
	fds[2] = script_fd(b, "require \"fileinto\";\n"
	    "if header :contains \"subject\" \"hello\" { fileinto \"A\"; }\n");
	for (int i = 0; i < 3; i++)
		assert_true(fds[i] >= 0);
	assert_false(sieve_worker_early());
	assert_int_equal(sieve_worker_start_early(paths, fds, 3, &cfg, why,
	    sizeof why), 0);
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	assert_true(sieve_worker_early());
	fill(&idx, &env);
	env.trace = false;

	assert_int_equal(sieve_worker_ask_early(a, &env, &cfg, false, NULL,
	    &ans, why, sizeof why), 0);
	assert_int_equal(ans.kind, SIEVE_EARLY_REFUSED);
	assert_int_equal(ans.status, SIEVE_FRONT_UNSUPPORTED);
	assert_int_equal(ans.res.errors.count, 1);
	assert_non_null(strstr(ans.res.errors.items[0], "bogus"));
	sieve_result_free(&ans.res);

	assert_int_equal(sieve_worker_ask_early(dir, &env, &cfg, false, NULL,
	    &ans, why, sizeof why), 0);
	assert_int_equal(ans.kind, SIEVE_EARLY_UNREADABLE);
	assert_int_equal(ans.error, EINVAL);

	assert_true(sieve_worker_early());
	assert_int_equal(sieve_worker_ask_early(b, &env, &cfg, true, NULL,
	    &ans, why, sizeof why), 0);
	assert_int_equal(ans.kind, SIEVE_EARLY_RESULT);
	assert_false(ans.res.failed);
	assert_int_equal(ans.res.plan.count, 1);
	assert_string_equal(ans.res.plan.actions[0].mailbox, "A");
	sieve_result_free(&ans.res);
	/* the last answer: the child is on its own, exiting */
	assert_false(sieve_worker_early());
	pid = wait(NULL);   /* the only child this test has */
	assert_true(pid > 0);
	sieve_worker_end_early();
	header_index_free(&idx);
	unlink(a);
	unlink(b);
	rmdir(dir);
}

/* A child that dies before its answer costs that script only: -1 and
 * why; no child is left. */
static void test_early_child_dies(void **state)
{
	struct config cfg = { .sieve_cpu_limit = 5, .sieve_timeout = 20 };
	char path[] = "/tmp/test-early-dies.XXXXXX", why[300] = "";
	struct sieve_early_answer ans;
	struct header_index idx;
	struct sieve_env env;
	const char *paths[1] = { path };
	int fd = mkstemp(path), fds[1];

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	/* libsieve 2.2.6 dereferences NULL here when the user is not in
	 * To/Cc (LIBSIEVE.md) */
	fds[0] = script_fd(path, "require \"vacation\";\n"
	    "vacation :addresses [\"\"] \"away\";\n");
	assert_int_equal(sieve_worker_start_early(paths, fds, 1, &cfg, why,
	    sizeof why), 0);
	close(fds[0]);
	fill(&idx, &env);
	add(&idx, "To", "nobody@elsewhere.example");
	env.trace = false;
	env.sender = "s@example.org";
	assert_int_equal(sieve_worker_ask_early(path, &env, &cfg, true, NULL,
	    &ans, why, sizeof why), -1);
	assert_non_null(strstr(why, "evaluation "));
	assert_false(sieve_worker_early());
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);   /* reaped */
	sieve_worker_end_early();
	header_index_free(&idx);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_round_trip),
		cmocka_unit_test(test_request_cut_or_padded_refused),
		cmocka_unit_test(test_one_child_and_fresh_after_crash),
		cmocka_unit_test(test_worker_recycled),
		cmocka_unit_test(test_early_child),
		cmocka_unit_test(test_early_child_dies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
