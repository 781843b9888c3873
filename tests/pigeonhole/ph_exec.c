/* ph_exec.c: run one Pigeonhole test file on deliver's native interpreter
 * (see ph_exec.h): parse it with the product's parser, check it against
 * the runner's extension table (the product's plus vnd.dovecot.testsuite)
 * and evaluate it once; the testsuite commands report each block. */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "ph_exec.h"
#include "ph_ext.h"
#include "ph_suite.h"
#include "sieve_edit.h"
#include "sieve_parse.h"
#include "sieve_run.h"

/* "does not compile: " and the first diagnostics, on one line. */
static void report_compile(FILE *out, const struct sieve_msgs *errs)
{
	fprintf(out, "file does not compile:");
	for (size_t i = 0; i < errs->count && i < 3; i++)
		fprintf(out, " %s%s", errs->items[i], i + 1 < errs->count &&
		    i < 2 ? ";" : "");
	fprintf(out, "\n");
}

static int run_script(const struct sieve_script *script, FILE *out)
{
	struct sieve_result res;

	sieve_editheader_configure(&ph_suite.cfg);   /* this file's */
	if (sieve_native_check(script, &res) != 0)
		return -1;
	if (res.failed) {
		report_compile(out, &res.errors);
		sieve_result_free(&res);
		return 0;
	}
	sieve_result_free(&res);
	if (sieve_native_eval(script, &ph_suite.msg.env, &ph_suite.lim,
	    &res) != 0)
		return -1;
	/* ended inside a block: by stop (a pass, as in Pigeonhole) or by an
	 * error the block could not catch */
	ph_block_end(res.failed ? (res.errors.count ?
	    res.errors.items[res.errors.count - 1] : "runtime error") : NULL);
	sieve_result_free(&res);
	return 0;
}

int ph_exec_file(const char *dir, const char *rel, FILE *out)
{
	struct sieve_script *script = NULL;
	struct sieve_diag diag;
	char path[2048], here[2048], line[700], *text = NULL;
	int rc;

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	strlcpy(here, path, sizeof here);
	if (sieve_read_script(path, &text) != 1) {
		fprintf(out, "file cannot be read\n");
		return 0;
	}
	if (sieve_parse(text, strlen(text), &script, &diag) != 0) {
		(void)sieve_diag_format(&diag, line, sizeof line);
		fprintf(out, "file does not parse: %s\n", line);
		free(text);
		return 0;
	}
	free(text);
	if (ph_suite_init(dirname(here), out) != 0) {
		sieve_script_free(script);
		return -1;
	}
	rc = run_script(script, out);
	ph_suite_free();
	sieve_script_free(script);
	return rc;
}
