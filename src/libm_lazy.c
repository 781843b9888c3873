/* libm_lazy.c: the math functions SQLite refers to, loaded only if called.
 *
 * Debian's libsqlite3.a has SQL's math functions (sin(), pow(), ...)
 * compiled in, so a static SQLite makes the executable need libm.so, and
 * the dynamic loader maps and relocates it at every start: about 0.3 ms
 * and ten page faults per delivery on these machines (its IFUNC resolvers
 * run at load), for functions deliver.db never calls.  Defined here, the
 * names are taken from this file instead; the first call of each loads
 * libm.so.6 with dlopen and calls the real function, so a store that
 * does use them still gets libm's results.  Linked only where SQLite is
 * linked statically and glibc dynamically (LINK=mixed in the Makefile).
 * A new reference to a math function fails the link (no -lm) until it is
 * added below. */
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>

typedef double math1_fn(double);
typedef double math2_fn(double, double);

/* libm's own definition of name (not this file's: the lookup is in the
 * library's handle), or NULL when libm cannot be loaded. */
static void *libm_symbol(const char *name)
{
	static void *libm;

	if (libm == NULL)
		libm = dlopen("libm.so.6", RTLD_LAZY | RTLD_LOCAL);
	return libm ? dlsym(libm, name) : NULL;
}

static double unavailable(void)
{
	errno = ENOSYS;
	return __builtin_nan("");
}

#define LAZY_MATH1(name)                                              \
	double name(double x);                                        \
	double name(double x)                                         \
	{                                                             \
		static math1_fn *real;                                \
		if (real == NULL)                                     \
			*(void **)&real = libm_symbol(#name);         \
		return real ? real(x) : unavailable();                \
	}
#define LAZY_MATH2(name)                                              \
	double name(double x, double y);                              \
	double name(double x, double y)                               \
	{                                                             \
		static math2_fn *real;                                \
		if (real == NULL)                                     \
			*(void **)&real = libm_symbol(#name);         \
		return real ? real(x, y) : unavailable();             \
	}

LAZY_MATH1(acos)
LAZY_MATH1(acosh)
LAZY_MATH1(asin)
LAZY_MATH1(asinh)
LAZY_MATH1(atan)
LAZY_MATH1(atanh)
LAZY_MATH1(cos)
LAZY_MATH1(cosh)
LAZY_MATH1(exp)
LAZY_MATH1(log)
LAZY_MATH1(sin)
LAZY_MATH1(sinh)
LAZY_MATH1(sqrt)
LAZY_MATH1(tan)
LAZY_MATH1(tanh)
LAZY_MATH1(trunc)
LAZY_MATH2(atan2)
LAZY_MATH2(fmod)
LAZY_MATH2(pow)
