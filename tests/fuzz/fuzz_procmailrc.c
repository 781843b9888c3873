/* libFuzzer target: the .procmailrc translator (src/procmail/): the rc
 * reader, procmail's regex dialect, the header-field split and the Sieve
 * writer, on whatever text.  Checks: no crash, no leak, no undefined
 * behaviour (the sanitizers); a refused rc names a line and a reason; a
 * translated rc gives a script that deliver's own parser and native
 * checker accept (the translator never writes a script deliver would
 * refuse), and a report that ends with the summary line.  INCLUDERC
 * names are resolved under a directory that does not exist, so nothing
 * outside the input is read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procmail/pm_translate.h"
#include "sieve.h"
#include "sieve_parse.h"
#include "sieve_rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_script(const char *text, size_t len)
{
	struct sieve_script *s = NULL;
	struct sieve_diag d;
	struct sieve_result r;

	if (sieve_parse(text, len, &s, &d) != 0) {
		fprintf(stderr, "unparsable script:\n%s\n", text);
		abort();
	}
	if (sieve_native_check(s, &r) != 0 || r.failed) {
		fprintf(stderr, "script refused:\n%s\n", text);
		abort();
	}
	sieve_result_free(&r);
	sieve_script_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pm_sieve s = { 0 };
	struct pm_report rep = { 0 };
	struct pm_error err = { 0 };
	char *report = NULL, *script = NULL;
	size_t report_len = 0, script_len = 0;
	FILE *out;

	if ((rep.to = open_memstream(&report, &report_len)) == NULL)
		return 0;
	if (pm_translate((const char *)data, size, "rc",
	    "/nonexistent-fuzz-home", &s, &rep, &err) < 0) {
		if (err.line <= 0 || err.reason[0] == '\0')
			abort();
	} else {
		pm_report_summary(&rep);
		if ((out = open_memstream(&script, &script_len)) == NULL)
			abort();
		if (pm_sieve_write(&s, out) < 0)
			abort();
		fclose(out);
		check_script(script, script_len);
		free(script);
	}
	fclose(rep.to);
	if (report_len && strstr(report, "procmailrc: ") == NULL &&
	    err.line == 0)
		abort();
	free(report);
	pm_sieve_free(&s);
	return 0;
}
