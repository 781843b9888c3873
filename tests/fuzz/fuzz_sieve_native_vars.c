/* libFuzzer target: scripts using variables and encoded-character on the
 * native interpreter.  The input is the body of a script whose require
 * line names them (with fileinto, regex and relational), run against a
 * fixed message with small variables limits.  Checks: no crash, no leak;
 * a failed run has an empty plan, keeps the message and says why; a
 * folder name never exceeds what expansion can produce. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "headers.h"
#include "sieve_parse.h"
#include "sieve_rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char require_line[] = "require [\"variables\", "
    "\"encoded-character\", \"fileinto\", \"regex\", \"relational\", "
    "\"comparator-i;ascii-numeric\"];\n";

static struct header_index *message(void)
{
	static struct header_index idx;
	static bool ready;
	static const char *const h[][2] = {
		{ "From", "Wile <wile@acme.example>" },
		{ "Subject", "[acme-users] [fwd] version 1.0 is out" },
		{ "List-Id", "Dovecot Users <Dovecot.Example.ORG>" },
	};

	if (!ready) {
		for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
			if (header_add(&idx, h[i][0], strlen(h[i][0]), h[i][1],
			    strlen(h[i][1])) != 0)
				abort();
		ready = true;
	}
	return &idx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sieve_native_limits lim = { .max_scope_size = 8,
	    .max_variable_size = 4000, .max_steps = 20000,
	    .max_memory = 8u * 1024 * 1024 };
	struct sieve_env env = { .headers = message(),
	    .sender = "a@example.org", .recipient = "b@example.org",
	    .size = 300 };
	struct sieve_script *script = NULL;
	struct sieve_result res;
	struct sieve_diag diag;
	size_t n = sizeof require_line - 1;
	char *src;

	if (size > 8192 || memchr(data, '\0', size) != NULL)
		return 0;
	if ((src = malloc(n + size + 1)) == NULL)
		return 0;
	memcpy(src, require_line, n);
	memcpy(src + n, data, size);
	src[n + size] = '\0';
	if (sieve_parse(src, n + size, &script, &diag) == 0) {
		if (sieve_native_eval(script, &env, &lim, &res) == 0) {
			if (res.failed && (res.plan.count != 0 || !res.keep ||
			    res.errors.count == 0))
				abort();
			for (size_t i = 0; i < res.plan.count; i++)
				if (res.plan.actions[i].mailbox != NULL &&
				    strlen(res.plan.actions[i].mailbox) >
				    1024 * 1024)
					abort();
			sieve_result_free(&res);
		}
		sieve_script_free(script);
	}
	free(src);
	return 0;
}
