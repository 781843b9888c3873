/* libFuzzer target: the variables library and encoded-character decoding.
 * The first bytes choose the modifiers, the size limit and how the rest
 * is cut into a variable name, a value and a string to expand.  Whatever
 * the input: decoding never lengthens a string and changes nothing
 * without a "${"; expansion changes nothing when has_refs says it cannot
 * and stays within 1 MiB; modifiers that do not conflict always succeed
 * and keep the value within the limit; the checker helpers answer with a
 * message whenever they refuse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sieve_vars.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const all_mods[] = {
	":lower", ":upper", ":lowerfirst", ":upperfirst", ":quotewildcard",
	":quoteregex", ":encodeurl", ":length",
};

static void fuzz_decode(const char *in, size_t len)
{
	char *out, err[200] = "";
	size_t outlen;

	if (sieve_encoded_decode(in, len, &out, &outlen, err,
	    sizeof err) != 0) {
		if (err[0] == '\0' || out != NULL)
			abort();
		return;
	}
	if (outlen > len || out[outlen] != '\0')
		abort();
	if (memmem(in, len, "${", 2) == NULL &&
	    (outlen != len || memcmp(in, out, len) != 0))
		abort();
	free(out);
}

/* Modifiers by the bits of sel; only sets without two of one
 * precedence must succeed. */
static void fuzz_modify(uint8_t sel, size_t max, const char *in, size_t len)
{
	const char *mods[8];
	size_t n = 0;
	int seen[50] = { 0 };
	bool conflict = false;
	char *out;
	size_t outlen;

	for (size_t i = 0; i < 8; i++) {
		if (!(sel & (1u << i)))
			continue;
		mods[n] = all_mods[(i + sel) % 8];
		int p = sieve_vars_modifier_precedence(mods[n]);
		if (p < 0 || p >= 50)
			abort();
		conflict |= seen[p]++ > 0;
		n++;
	}
	if (sieve_vars_modify_max(mods, n, in, len, max, &out, &outlen) != 0) {
		if (!conflict)
			abort();
		return;
	}
	if (conflict || outlen > max || out[outlen] != '\0')
		abort();
	free(out);
}

static void fuzz_vars(const char *name, const char *val, size_t vlen,
    const char *in, size_t len, size_t max)
{
	struct sieve_vars_limits lim = { .max_scope_size = 4,
	    .max_variable_size = max };
	struct sieve_vars *v = sieve_vars_new(&lim), *decl;
	struct sieve_match_values mv = { 0 };
	const char *got;
	size_t gotlen, outlen;
	char *out, err[300];

	if (v == NULL)
		return;
	if (sieve_vars_set(v, name, val, vlen) == 0) {
		if (!sieve_vars_name_valid(name) ||
		    sieve_vars_get(v, name, &got, &gotlen) != 1 ||
		    gotlen > max || gotlen > vlen)
			abort();
	}
	(void)sieve_vars_set(v, "a", in, len);
	if ((mv.v[0] = malloc(vlen + 1)) != NULL) {
		memcpy(mv.v[0], val, vlen);
		mv.v[0][vlen] = '\0';
		mv.len[0] = vlen;
	}
	mv.v[1] = strdup("one");
	mv.len[1] = mv.v[1] != NULL ? 3 : 0;
	mv.n = 2;
	sieve_vars_set_match(v, &mv);
	if (mv.n != 0 || mv.v[0] != NULL)
		abort();
	if (sieve_vars_expand(v, in, len, &out, &outlen) == 0) {
		if (outlen > 1024 * 1024 || out[outlen] != '\0')
			abort();
		if (!sieve_vars_has_refs(in, len) &&
		    (outlen != len || memcmp(in, out, len) != 0))
			abort();
		free(out);
	}
	err[0] = '\0';
	if (sieve_vars_check_name(name, strlen(name), err, sizeof err) != 0 &&
	    err[0] == '\0')
		abort();
	if ((decl = sieve_vars_new(&lim)) != NULL) {
		err[0] = '\0';
		if (sieve_vars_check_string(decl, in, len, err, sizeof err) != 0
		    && err[0] == '\0')
			abort();
		sieve_vars_free(decl);
	}
	sieve_vars_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 4;
	size_t len, max, cut1, cut2;
	char *name;

	if (size < 4)
		return 0;
	len = size - 4;
	max = 1 + ((size_t)data[1] << 8 | data[2]) % 5000;
	cut1 = len ? data[3] % (len + 1) : 0;
	cut2 = cut1 + (len - cut1) / 2;
	fuzz_decode(s, len);
	fuzz_modify(data[0], max, s, len);
	if ((name = strndup(s, cut1)) == NULL)
		return 0;
	fuzz_vars(name, s + cut1, cut2 - cut1, s + cut2, len - cut2, max);
	free(name);
	return 0;
}
