/* libFuzzer target: the result wire format as the parent reads it from a
 * hostile child.  Whatever the bytes, decoding either refuses them or
 * yields a result within the bounds, which encodes and decodes back to the
 * same thing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sieve.h"
#include "sieve_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sieve_result res, again;
	const char *why;
	char *buf;
	size_t len;

	if (sieve_wire_decode((const char *)data, size, &res, &why) < 0)
		return 0;
	if (res.plan.count > SIEVE_ACTIONS_MAX ||
	    res.errors.count > SIEVE_MSGS_MAX)
		abort();
	if (sieve_wire_encode(&res, &buf, &len) == 0) {
		if (sieve_wire_decode(buf, len, &again, &why) < 0 ||
		    again.plan.count != res.plan.count)
			abort();
		sieve_result_free(&again);
		free(buf);
	}
	sieve_result_free(&res);
	return 0;
}
