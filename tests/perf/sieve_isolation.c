/* sieve_isolation.c: what running libsieve in a child costs per delivery.
 *
 *   make && cc -std=c17 -D_GNU_SOURCE -O2 -Isrc \
 *       $(pkg-config --cflags libbsd-overlay) -o build/sieve_isolation \
 *       tests/perf/sieve_isolation.c $(ls build/*.o | grep -v main.o) \
 *       -lsieve -lpcre2-8 -lbsd -lsqlite3 && build/sieve_isolation
 *
 * Prints medians over N runs of: the evaluation in this process, the
 * same evaluation in a child (fork, limits, pipe, result decoding,
 * waitpid), and a bare fork + pipe + waitpid for scale. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sieve_run.h"

#define N 200

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v)
{
	qsort(v, N, sizeof *v, cmp);
	return v[N / 2];
}

int main(void)
{
	static const char script[] = "require \"fileinto\";\n"
	    "if header :contains \"subject\" \"hello\" { fileinto \"x\"; }\n";
	struct config cfg;
	struct header_index idx = { 0 };
	struct sieve_env env = { .headers = &idx, .sender = "a@example.org",
	    .recipient = "b@example.org", .size = 4096, .delimiter = "+" };
	struct sieve_result r;
	double in[N], iso[N], bare[N];
	char why[300];

	config_defaults(&cfg);
	header_add(&idx, "Subject", 7, "hello", 5);
	for (int i = 0; i < N; i++) {
		double t0 = now_us(), t1, t2, t3;
		int p[2];
		pid_t pid;
		char c;

		sieve_eval(script, &env, &r);
		sieve_result_free(&r);
		t1 = now_us();
		if (sieve_eval_isolated(script, &env, &cfg, &r, why,
		    sizeof why) < 0) {
			fprintf(stderr, "%s\n", why);
			return 1;
		}
		sieve_result_free(&r);
		t2 = now_us();
		if (pipe(p) < 0 || (pid = fork()) < 0)
			return 1;
		if (pid == 0) {
			(void)!write(p[1], "x", 1);
			_exit(0);
		}
		close(p[1]);
		(void)!read(p[0], &c, 1);
		close(p[0]);
		waitpid(pid, NULL, 0);
		t3 = now_us();
		in[i] = t1 - t0;
		iso[i] = t2 - t1;
		bare[i] = t3 - t2;
	}
	printf("in-process evaluation:      %8.0f us (median of %d)\n",
	    median(in), N);
	printf("isolated evaluation:        %8.0f us\n", median(iso));
	printf("bare fork + pipe + waitpid: %8.0f us\n", median(bare));
	return 0;
}
