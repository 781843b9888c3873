/* store_bench.c: the store's own per-delivery cost, without process start
 * or Maildir work: store_new + store_claim + store_record + store_close,
 * as one delivery does them.  Not part of make check.
 *
 *   make && cc -O2 -std=c17 -D_GNU_SOURCE -Isrc -Isrc/store \
 *     $(pkg-config --cflags libbsd-overlay) -o build/store_bench \
 *     tests/bench/store_bench.c $(ls build/*.o build/sieve/*.o build/store/*.o |
 *     grep -v -e main.o -e sqlite_omit) -lsieve -lpcre2-8 -lsqlite3 -lbsd -lmd
 *   build/store_bench DB N      (DB: path of a deliver.db, created if absent)
 *
 * Prints the median and 90th percentile in milliseconds. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "store.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct store_delivery d = { .sender = "s@x", .recipient = "r@x",
	    .size = 4096, .folders = "INBOX", .files = "new/B,S=4096",
	    .actions = "keep", .result = "delivered" };
	char msgid[64];
	double *t;
	int n;

	if (argc != 3 || (n = atoi(argv[2])) <= 0)
		return fprintf(stderr, "usage: store_bench DB N\n"), 64;
	if ((t = calloc((size_t)n, sizeof *t)) == NULL)
		return 71;
	config_defaults(&cfg);
	free(cfg.store);
	cfg.store = strdup(argv[1]);
	for (int i = 0; i < n; i++) {
		double t0 = now_ms();
		struct store *st = store_new(&cfg, ".", NULL, NULL);
		struct store_claim c;

		snprintf(msgid, sizeof msgid, "bench%d.%ld@x", i, (long)getpid());
		store_claim(st, msgid, "r@x", "B", "T", "0/\n", &c);
		d.msgid = msgid;
		if (c.status != CLAIM_NEW || store_record(st, &c, &d) < 0)
			return fprintf(stderr, "claim %d: status %d\n", i,
			    c.status), 70;
		store_claim_free(&c);
		store_close(st);
		t[i] = now_ms() - t0;
	}
	qsort(t, (size_t)n, sizeof *t, cmp);
	printf("median %.3f ms  p90 %.3f ms  (n=%d)\n", t[n / 2],
	    t[n * 9 / 10], n);
	free(t);
	config_free(&cfg);
	return 0;
}
