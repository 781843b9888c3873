/* ext_encoded_character.c: the encoded-character extension (RFC 5228
 * section 2.4.2.4) as an entry of the extension table.  It adds no
 * command: when a script requires it, the checker hands it every string
 * of the script before the string is checked or used, and "${hex:...}"
 * and "${unicode:...}" are decoded in place (a decoded string is never
 * longer than the text it came from).  Decoding comes before variable
 * expansion, so an encoded "${" can start a variable reference, as in
 * Pigeonhole.  An invalid Unicode value is a check error with Pigeonhole's
 * message; sieve_vars.h's sieve_encoded_decode does the work. */
#include <stdlib.h>
#include <string.h>

#include "sieve_ext.h"
#include "sieve_vars.h"

static void decode_string(struct sieve_checker *ck, struct sieve_string *s)
{
	char *out, err[200] = "";
	size_t len;

	/* a tree checked twice must not be decoded twice */
	if (s->decoded)
		return;
	s->decoded = true;
	if (memmem(s->value, s->len, "${", 2) == NULL)
		return;
	if (sieve_encoded_decode(s->value, s->len, &out, &len, err,
	    sizeof err) < 0) {
		if (out == NULL && err[0] == '\0')
			sieve_check_error(ck, s->pos, "out of memory");
		else
			sieve_check_error(ck, s->pos, "%s", err);
		return;
	}
	if (len <= s->len) {
		memcpy(s->value, out, len);
		s->value[len] = '\0';
		s->len = len;
	}
	free(out);
}

const struct sieve_extension sieve_ext_encoded_character = {
	.name = "encoded-character",
	.on_string = decode_string,
};
