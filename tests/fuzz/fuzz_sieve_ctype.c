/* libFuzzer target: Content-Type and Content-Disposition values as the
 * mime extension's options read them (sieve_ctype.h).  The first byte
 * chooses the header and the option, the rest is the value.  Whatever the
 * input: parsing succeeds (only memory can fail it), an invalid value has
 * no parameters and an empty type, every value an option hands out lies
 * within the input's length (parameters are never longer than the value
 * that held them, %XX only shortens), :param always gives at least one
 * value and at most SIEVE_CTYPE_PARAMS_MAX, and the other options exactly
 * one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sieve_ctype.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct count {
	size_t n, max;
};

static int sink(void *ctx, const char *s, size_t len)
{
	struct count *c = ctx;

	/* a joined RFC 2231 value may gain "''" and "%25" escapes, never
	 * more than three bytes for each byte of the input */
	if (len > 3 * c->max + 2 || (len > 0 && s == NULL))
		abort();
	c->n++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "name", "filename", "charset",
	    "title", "" };
	const char *hdr;
	enum sieve_mime_option opt;
	struct sieve_ctype ct;
	struct count c = { 0, 0 };
	const char *v;

	if (size < 1)
		return 0;
	hdr = (data[0] & 1) ? "Content-Type" : (data[0] & 2) ?
	    "Content-Disposition" : "Subject";
	opt = (enum sieve_mime_option)((data[0] >> 2) % 5);
	v = (const char *)data + 1;
	size--;
	c.max = size;
	if (sieve_ctype_parse(v, size, (data[0] & 1) != 0, &ct) < 0)
		return 0;
	if (!ct.valid && (ct.nparams != 0 || ct.value[0] != '\0'))
		abort();
	if (strlen(ct.value) > size || ct.nparams > SIEVE_CTYPE_PARAMS_MAX)
		abort();
	sieve_ctype_free(&ct);
	if (sieve_ctype_option_values(hdr, v, size, opt, names, 5, sink,
	    &c) < 0)
		return 0;
	if (opt == SIEVE_MIME_OPT_PARAM && strcmp(hdr, "Subject") != 0 ?
	    (c.n < 1 || c.n > SIEVE_CTYPE_PARAMS_MAX) : c.n != 1)
		abort();
	return 0;
}
