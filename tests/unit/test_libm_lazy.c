/* test_libm_lazy.c: the math functions of src/libm_lazy.c forward to
 * libm's own: each result is the exact double libm gives (the file is
 * compiled into this test, so its definitions are the ones called). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dlfcn.h>

#include "../../src/libm_lazy.c"

typedef double (*one_fn)(double);

/* libm's value for name(x), looked up directly */
static double libm1(const char *name, double x)
{
	void *h = dlopen("libm.so.6", RTLD_LAZY | RTLD_LOCAL);
	one_fn f;

	assert_non_null(h);
	*(void **)&f = dlsym(h, name);
	assert_non_null(f);
	return f(x);
}

/* called through pointers, so that the compiler cannot fold the calls */
static void test_known_values(void **state)
{
	double (*volatile one)(double);
	double (*volatile two)(double, double);

	(void)state;
	one = sqrt;
	assert_true(one(2.0) == 1.4142135623730951);
	one = trunc;
	assert_true(one(-2.75) == -2.0);
	one = exp;
	assert_true(one(0.0) == 1.0);
	two = pow;
	assert_true(two(2.0, 10.0) == 1024.0);
	two = fmod;
	assert_true(two(7.0, 3.0) == 1.0);
	two = atan2;
	assert_true(two(0.0, -1.0) == 3.141592653589793);
}

static void test_same_as_libm(void **state)
{
	static const struct { const char *name; one_fn ours; } fns[] = {
		{ "acos", acos }, { "acosh", acosh }, { "asin", asin },
		{ "asinh", asinh }, { "atan", atan }, { "atanh", atanh },
		{ "cos", cos }, { "cosh", cosh }, { "exp", exp },
		{ "log", log }, { "sin", sin }, { "sinh", sinh },
		{ "sqrt", sqrt }, { "tan", tan }, { "tanh", tanh },
		{ "trunc", trunc },
	};

	(void)state;
	for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
		double x = fns[i].ours == acosh ? 1.75 : 0.375;

		assert_true(fns[i].ours(x) == libm1(fns[i].name, x));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_same_as_libm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
