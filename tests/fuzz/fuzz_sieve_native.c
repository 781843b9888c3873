/* libFuzzer target: the native Sieve interpreter, script and message
 * together.  The input is a script, a NUL byte, then a header block
 * ("Name: value" lines, folded lines allowed); without a NUL the script
 * runs against a fixed message.  The script is parsed and, if it parses,
 * evaluated in process with tight limits, as deliver does.  Checks: no
 * crash, no leak, no undefined behaviour (the sanitizers), a failed
 * evaluation keeps and says why with an empty plan, and no evaluation adds
 * more actions than sieve_max_actions allows. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "headers.h"
#include "sieve.h"
#include "sieve_parse.h"
#include "sieve_rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed_message[] =
	"From: Alice <alice@example.org>\n"
	"To: bob+lists@example.org, \"Carol, C.\" <carol@example.net>\n"
	"Cc: undisclosed-recipients:;\n"
	"Subject: =?UTF-8?Q?caf=C3=A9?= [list] hello\n"
	"List-Id: Dev list <dev.lists.example.org>\n"
	"X-Spam-Score: 7.5\n"
	"Message-ID: <1@example.org>\n";

/* Each "Name: value" line of text (continuation lines folded into the
 * value before it) into idx. */
static void index_headers(struct header_index *idx, const char *text,
    size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = eol ? eol : end;
		const char *colon = memchr(p, ':', (size_t)(line_end - p));

		/* folded lines: the value runs on while lines start blank */
		while (eol && eol + 1 < end && (eol[1] == ' ' || eol[1] == '\t')) {
			eol = memchr(eol + 1, '\n', (size_t)(end - eol - 1));
			line_end = eol ? eol : end;
		}
		if (colon != NULL && colon > p) {
			const char *v = colon + 1;

			while (v < line_end && (*v == ' ' || *v == '\t'))
				v++;
			header_add(idx, p, (size_t)(colon - p), v,
			    (size_t)(line_end - v));
		}
		p = eol ? eol + 1 : end;
	}
}

static void check_result(const struct sieve_result *res,
    const struct sieve_native_limits *lim)
{
	if (res->failed && (res->plan.count != 0 || !res->keep ||
	    res->errors.count == 0))
		abort();
	/* every action counts, and a vacation or redirect is one action */
	if (res->plan.count > lim->max_actions)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sieve_native_limits lim = {
		.max_actions = 32, .max_redirects = 4, .max_cpu_time = 2,
		.max_steps = 200000, .max_memory = 8u * 1024 * 1024,
		.max_scope_size = 255, .max_variable_size = 4096,
		.regex_match_limit = 20000,
	};
	const uint8_t *nul = memchr(data, '\0', size);
	size_t script_len = nul ? (size_t)(nul - data) : size;
	struct header_index idx = { 0 };
	struct sieve_env env = { .headers = &idx, .sender = "alice@example.org",
	    .recipient = "bob+lists@example.org", .size = 4321,
	    .delimiter = "+" };
	struct sieve_script *script = NULL;
	struct sieve_result res;
	struct sieve_diag err;

	if (size > 65536)
		return 0;
	if (nul != NULL)
		index_headers(&idx, (const char *)nul + 1, size - script_len - 1);
	else
		index_headers(&idx, fixed_message, sizeof fixed_message - 1);
	if (sieve_parse((const char *)data, script_len, &script, &err) == 0) {
		memset(&res, 0, sizeof res);
		if (sieve_native_eval(script, &env, &lim, &res) == 0)
			check_result(&res, &lim);
		sieve_result_free(&res);
		sieve_script_free(script);
	}
	header_index_free(&idx);
	return 0;
}
