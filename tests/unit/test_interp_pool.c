/* test_interp_pool.c: the scratch pool of a native evaluation
 * (src/sieve/interp_pool.c): zeroed, aligned allocations carved from
 * chunks, the cap, releases back to a mark that keep what came before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "interp_pool.h"

#include <cmocka.h>

static void test_zeroed_and_aligned(void **state)
{
	struct sieve_pool *p = sieve_pool_new(1 << 20);

	(void)state;
	assert_non_null(p);
	for (size_t n = 1; n < 200; n += 7) {
		unsigned char *b = sieve_pool_alloc(p, n);

		assert_non_null(b);
		assert_int_equal((uintptr_t)b % _Alignof(max_align_t), 0);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(b[i], 0);
		memset(b, 0xff, n);    /* the next one must not overlap */
	}
	sieve_pool_free(p);
}

static void test_release_to_mark(void **state)
{
	struct sieve_pool *p = sieve_pool_new(1 << 20);
	sieve_pool_mark m;
	char *keep, *big, *again;

	(void)state;
	keep = sieve_pool_alloc(p, 10);
	memcpy(keep, "kept", 5);
	m = sieve_pool_mark_get(p);
	/* more than a chunk, so that the release drops chunks too */
	for (int i = 0; i < 100; i++)
		assert_non_null(sieve_pool_alloc(p, 1000));
	big = sieve_pool_alloc(p, 100000);
	assert_non_null(big);
	sieve_pool_release(p, m);
	assert_string_equal(keep, "kept");
	again = sieve_pool_alloc(p, 16);
	assert_non_null(again);
	assert_int_equal(again[0], 0);
	assert_true(again != keep);
	sieve_pool_free(p);
}

/* The cap counts what is held now: a release gives it back. */
static void test_cap(void **state)
{
	struct sieve_pool *p = sieve_pool_new(4096);
	sieve_pool_mark m = sieve_pool_mark_get(p);

	(void)state;
	assert_non_null(sieve_pool_alloc(p, 4000));
	assert_null(sieve_pool_alloc(p, 100));
	assert_null(sieve_pool_alloc(p, SIZE_MAX));
	sieve_pool_release(p, m);
	assert_non_null(sieve_pool_alloc(p, 4096));
	sieve_pool_free(p);
}

/* A charge counts against the cap like an allocation, and a release
 * to a mark taken before gives it back. */
static void test_charge(void **state)
{
	struct sieve_pool *p = sieve_pool_new(4096);
	sieve_pool_mark m = sieve_pool_mark_get(p);

	(void)state;
	assert_int_equal(sieve_pool_charge(p, 4000), 0);
	assert_null(sieve_pool_alloc(p, 100));
	assert_int_equal(sieve_pool_charge(p, 97), -1);
	assert_int_equal(sieve_pool_charge(p, 96), 0);
	assert_int_equal(sieve_pool_charge(p, 1), -1);
	assert_int_equal(sieve_pool_charge(p, SIZE_MAX), -1);
	sieve_pool_release(p, m);
	assert_int_equal(sieve_pool_charge(p, 4096), 0);
	sieve_pool_release(p, m);
	assert_non_null(sieve_pool_alloc(p, 4096));
	sieve_pool_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zeroed_and_aligned),
		cmocka_unit_test(test_release_to_mark),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_charge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
