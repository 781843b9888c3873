/* libFuzzer target: the Sieve front end (lexer, parser, checks, emitter).
 * Whatever the input: no crash, no leak, diagnostics carry a position,
 * and an emitted script is itself a valid script for our parser and
 * checker (what we hand libsieve is never garbage). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sieve_check.h"
#include "sieve_front.h"
#include "sieve_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_pos(const struct sieve_diag *d)
{
	if (d->pos.line == 0 || d->pos.col == 0 || d->msg[0] == '\0')
		abort();
}

/* The emitted script must parse and pass the checks again. */
static void reparse(const struct sieve_front *f)
{
	struct sieve_script *s;
	struct sieve_diag err;
	struct sieve_check_result res;

	if (strlen(f->emit.script) != f->emit.len)
		abort();
	if (sieve_parse(f->emit.script, f->emit.len, &s, &err) != 0)
		abort();
	if (sieve_check_tree(s, &res) != 0)
		abort();
	sieve_script_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sieve_front f;
	int rc = sieve_front_prepare((const char *)data, size, &f);

	if (rc == 0) {
		if (f.status > SIEVE_FRONT_REWRITTEN || f.emit.script == NULL)
			abort();
		reparse(&f);
	} else {
		if (f.status <= SIEVE_FRONT_REWRITTEN ||
		    f.emit.script != NULL)
			abort();
		if (f.has_error)
			check_pos(&f.error);
		else if (f.check.ndiags == 0)
			abort();
		for (size_t i = 0; i < f.check.ndiags; i++)
			check_pos(&f.check.diags[i]);
	}
	sieve_front_free(&f);
	return 0;
}
