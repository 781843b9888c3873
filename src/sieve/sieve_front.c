/* sieve_front.c: parse, check and re-emit a Sieve script in one call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sieve_front.h"
#include "sieve.h"
#include "sieve_lex.h"
#include "sieve_parse.h"

int sieve_front_prepare(const char *src, size_t len, struct sieve_front *f)
{
	struct sieve_parse_diags *diags = malloc(sizeof *diags);
	struct sieve_script *script;
	int rc;

	memset(f, 0, sizeof *f);
	if (diags == NULL) {
		(void)sieve_diag_set(&f->error, (struct sieve_pos){ 1, 1 },
		    "out of memory");
		f->has_error = true;
		f->status = SIEVE_FRONT_INVALID;
		return -1;
	}
	rc = sieve_parse_all(src, len, &script, diags);
	if (rc == -1) {
		/* every parse error, as the checker's would be */
		for (size_t i = 0; i < diags->ndiags &&
		    i < SIEVE_CHECK_DIAGS_MAX; i++)
			f->check.diags[f->check.ndiags++] = diags->diags[i];
		f->check.nerrors = diags->nerrors;
		f->status = SIEVE_FRONT_INVALID;
	}
	free(diags);
	if (rc == -1)
		return -1;
	if (sieve_check_tree(script, &f->check) == -1) {
		f->status = f->check.unsupported[0] != '\0' ?
		    SIEVE_FRONT_UNSUPPORTED : SIEVE_FRONT_INVALID;
		sieve_script_free(script);
		return -1;
	}
	if (sieve_emit_libsieve(script, &f->emit) == -1) {
		f->error = f->emit.error;
		f->has_error = true;
		f->status = SIEVE_FRONT_REFUSED;
		sieve_script_free(script);
		return -1;
	}
	sieve_script_free(script);
	f->status = f->emit.rewrites ? SIEVE_FRONT_REWRITTEN :
	    SIEVE_FRONT_AS_WRITTEN;
	return 0;
}

void sieve_front_free(struct sieve_front *f)
{
	sieve_emit_result_free(&f->emit);
}

static void print_diag(const struct sieve_diag *d, const char *name,
    FILE *out)
{
	char line[700];

	(void)sieve_diag_format(d, line, sizeof line);
	(void)fprintf(out, "%s: %s\n", name, line);
}

size_t sieve_front_print_errors(const struct sieve_front *f,
    const char *name, FILE *out)
{
	size_t n = 0;

	if (f->has_error) {
		print_diag(&f->error, name, out);
		n++;
	}
	for (size_t i = 0; i < f->check.ndiags; i++, n++)
		print_diag(&f->check.diags[i], name, out);
	if (f->check.nerrors > f->check.ndiags) {
		(void)fprintf(out, "%s: ... and %zu more errors\n", name,
		    f->check.nerrors - f->check.ndiags);
		n++;
	}
	return n;
}

void sieve_front_verdict(const struct sieve_front *f, char *buf, size_t len)
{
	char why[300];

	switch (f->status) {
	case SIEVE_FRONT_AS_WRITTEN:
		(void)snprintf(buf, len, "runs as written");
		break;
	case SIEVE_FRONT_REWRITTEN:
		sieve_rewrites_describe(f->emit.rewrites, why, sizeof why);
		(void)snprintf(buf, len, "runs after canonical rewrite (%s)",
		    why);
		break;
	case SIEVE_FRONT_UNSUPPORTED:
		(void)snprintf(buf, len, "needs extension %s",
		    f->check.unsupported);
		break;
	case SIEVE_FRONT_REFUSED:
		(void)snprintf(buf, len, "cannot run: %s", f->error.msg);
		break;
	case SIEVE_FRONT_INVALID:
		(void)snprintf(buf, len, "invalid");
		break;
	}
}

int sieve_front_msgs(const struct sieve_front *f, struct sieve_msgs *m)
{
	char line[700];
	int rc = 0;

	if (f->has_error) {
		(void)sieve_diag_format(&f->error, line, sizeof line);
		rc |= sieve_msgs_add(m, "%s", line);
	}
	for (size_t i = 0; i < f->check.ndiags; i++) {
		(void)sieve_diag_format(&f->check.diags[i], line, sizeof line);
		rc |= sieve_msgs_add(m, "%s", line);
	}
	if (f->check.nerrors > f->check.ndiags)
		rc |= sieve_msgs_add(m, "... and %zu more errors",
		    f->check.nerrors - f->check.ndiags);
	return rc < 0 ? -1 : 0;
}
