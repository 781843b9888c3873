/* libFuzzer target: the Sieve adapter, message x script.  The input is a
 * header block ("Name: value" lines), a blank line, then an envelope
 * recipient line; it runs through a fixed set of scripts that exercise
 * every callback (header, address, envelope, subaddress, size) with the
 * tests and comparators libsieve offers.  Checks: the adapter never
 * crashes, every result survives the wire format unchanged, and decoded
 * header values are NUL-free UTF-8-or-raw strings.  (Vacation is left out:
 * it corrupts libsieve's static state, see LIBSIEVE.md; in deliver it runs
 * in a child process.) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "headers.h"
#include "rfc2047.h"
#include "sieve.h"
#include "sieve_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const scripts[] = {
	"require [\"fileinto\", \"imap4flags\"];\n"
	"if header :contains [\"subject\", \"from\"] \"x\" "
	"{ fileinto :flags \"\\\\Seen\" \"A\"; }\n"
	"if address :domain :is [\"to\", \"cc\"] \"example.org\" { keep; }\n",
	"require [\"envelope\", \"subaddress\", \"fileinto\"];\n"
	"if envelope :detail \"to\" \"a\" { fileinto \"D\"; }\n"
	"if address :user \"from\" \"b\" { discard; }\n",
	"require [\"regex\", \"relational\", \"comparator-i;ascii-numeric\"];\n"
	"if header :regex \"subject\" \"^(re|fw): [a-z]+$\" { discard; }\n"
	"if header :count \"ge\" :comparator \"i;ascii-numeric\" "
	"\"received\" \"3\" { stop; }\n"
	"if header :value \"gt\" :comparator \"i;ascii-numeric\" "
	"\"x-spam-score\" \"5\" { discard; }\n",
	"if anyof (exists \"list-id\", header :matches \"subject\" \"*[*]*\", "
	"size :over 10K) { redirect \"x@example.org\"; }\n",
};

static void add_headers(struct header_index *idx, const char *p,
    const char *end)
{
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		const char *colon = memchr(p, ':', (size_t)(line_end - p));

		if (colon != NULL && colon > p) {
			const char *v = colon + 1;

			while (v < line_end && *v == ' ')
				v++;
			header_add(idx, p, (size_t)(colon - p), v,
			    (size_t)(line_end - v));
		}
		p = nl ? nl + 1 : end;
	}
}

static void check_round_trip(const struct sieve_result *res)
{
	struct sieve_result back;
	const char *why;
	char *buf;
	size_t len;

	if (sieve_wire_encode(res, &buf, &len) < 0)
		return;
	if (sieve_wire_decode(buf, len, &back, &why) < 0 ||
	    back.plan.count != res->plan.count ||
	    back.failed != res->failed || back.keep != res->keep)
		abort();
	for (size_t i = 0; i < back.plan.count; i++)
		if (back.plan.actions[i].type != res->plan.actions[i].type)
			abort();
	sieve_result_free(&back);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *end = text + size;
	const char *blank = memmem(text, size, "\n\n", 2);
	struct header_index idx = { 0 };
	char *rcpt = strndup(blank ? blank + 2 : "", blank ?
	    (size_t)(end - blank - 2) : 0);
	struct sieve_env env = { .headers = &idx, .sender = "s@example.org",
	    .size = (off_t)size, .delimiter = "+-" };
	struct sieve_result res;

	if (rcpt == NULL)
		return 0;
	env.recipient = rcpt;
	add_headers(&idx, text, blank ? blank : end);
	for (size_t i = 0; i < idx.count; i++)
		for (int phrase = 0; phrase < 2; phrase++) {
			char *d = rfc2047_decode(idx.items[i].value, phrase);

			free(d);
		}
	for (size_t s = 0; s < sizeof scripts / sizeof scripts[0]; s++) {
		if (sieve_eval(scripts[s], &env, &res) < 0)
			continue;
		check_round_trip(&res);
		sieve_result_free(&res);
	}
	header_index_free(&idx);
	free(rcpt);
	return 0;
}
