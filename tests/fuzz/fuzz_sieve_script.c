/* libFuzzer target: the Sieve parser through the adapter.  The
 * input is a script; sieve_check parses it (as deliver -C does) and, when
 * it is valid, sieve_eval runs it against a fixed message.  Checks: no
 * crash in the adapter's callbacks; a valid script's result survives the
 * wire format; a failed one has an empty plan, keeps, and says why.
 * Left out, as known libsieve defects that deliver contains by evaluating
 * in a child (a crash there keeps the message): scripts naming vacation,
 * which corrupts libsieve's static state (LIBSIEVE.md), and envelope, whose
 * parts other than from/to make libsieve read an uninitialized pointer
 * (found by this target; deliver.1, Known limitations). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "headers.h"
#include "sieve.h"
#include "sieve_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);

/* libsieve's own defects, not the adapter's: its libsieve_strconcat writes
 * the NUL one byte past its buffer when a parse error message fills it
 * exactly, and the adapter's %s then reads that byte (check_printf); it
 * leaks per context (LIBSIEVE.md item 6), which would make LeakSanitizer
 * scan after every input (detect_leaks; tests/lsan.supp covers the other
 * targets). */
const char *__asan_default_options(void)
{
	return "check_printf=0:detect_leaks=0";
}

static void check_result(const struct sieve_result *res)
{
	struct sieve_result back;
	const char *why;
	char *buf;
	size_t len;

	if (res->failed && (res->plan.count != 0 || !res->keep ||
	    res->errors.count == 0))
		abort();
	if (res->plan.count > SIEVE_ACTIONS_MAX)
		abort();
	if (sieve_wire_encode(res, &buf, &len) < 0)
		return;
	if (sieve_wire_decode(buf, len, &back, &why) < 0 ||
	    back.plan.count != res->plan.count ||
	    back.failed != res->failed || back.keep != res->keep)
		abort();
	sieve_result_free(&back);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hdr[][2] = {
		{ "From", "Alice <alice@example.org>" },
		{ "To", "bob+lists@example.org, carol@example.net" },
		{ "Subject", "=?UTF-8?Q?caf=C3=A9?= [list] hello" },
		{ "List-Id", "<dev.lists.example.org>" },
		{ "X-Spam-Score", "7" },
	};
	struct header_index idx = { 0 };
	struct sieve_env env = { .headers = &idx, .sender = "alice@example.org",
	    .recipient = "bob+lists@example.org", .size = 1234,
	    .delimiter = "+" };
	struct sieve_result res;
	char *script;

	if (size > 4096 || memmem(data, size, "vacation", 8) != NULL ||
	    memmem(data, size, "envelope", 8) != NULL ||
	    (script = strndup((const char *)data, size)) == NULL)
		return 0;
	for (size_t i = 0; i < sizeof hdr / sizeof hdr[0]; i++)
		header_add(&idx, hdr[i][0], strlen(hdr[i][0]), hdr[i][1],
		    strlen(hdr[i][1]));
	if (sieve_check(script, &res) == 0) {
		int valid = !res.failed;

		check_result(&res);
		sieve_result_free(&res);
		if (valid && sieve_eval(script, &env, &res) == 0) {
			check_result(&res);
			sieve_result_free(&res);
		}
	}
	header_index_free(&idx);
	free(script);
	return 0;
}
