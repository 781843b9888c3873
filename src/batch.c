/* batch.c: the verdict on a delivery to several recipients (see batch.h). */
#include "batch.h"

#include <stdio.h>

#include "log.h"

int batch_exit_code(const struct recipient_result *res, size_t n)
{
	int first = EX_OK;

	for (size_t i = 0; i < n; i++) {
		if (res[i].code == EX_TEMPFAIL)
			return EX_TEMPFAIL;
		if (first == EX_OK)
			first = res[i].code;
	}
	return first;
}

bool batch_may_duplicate(const struct recipient_result *res, size_t n)
{
	if (batch_exit_code(res, n) != EX_TEMPFAIL)
		return false;
	for (size_t i = 0; i < n; i++)
		if (res[i].code == EX_OK && !res[i].retry_safe)
			return true;
	return false;
}

static void report_failure(const struct recipient_result *r, FILE *to)
{
	char addr[600], why[1100];

	fprintf(to, "deliver: <%s>: %s (exit %d)\n",
	    log_escape(r->recipient, addr, sizeof addr),
	    log_escape(r->out.reason, why, sizeof why), r->code);
}

/* Exit 75 and r delivered without a record a retry would find. */
static void report_unsafe(const struct recipient_result *r, FILE *to)
{
	char addr[600], why[600];

	log_escape(r->recipient, addr, sizeof addr);
	log_escape(r->unsafe_why[0] ? r->unsafe_why : "no duplicate check",
	    why, sizeof why);
	fprintf(to, "deliver: <%s>: delivered, but a retry may deliver it "
	    "again (%s)\n", addr, why);
	log_syslog(LOG_WARNING, "to=<%s> delivered, but the batch is deferred "
	    "and a retry may deliver it again (%s)", addr, why);
}

int batch_report(const struct recipient_result *res, size_t n, FILE *to,
    struct outcome *out)
{
	int code = batch_exit_code(res, n);
	size_t failed = 0;

	for (size_t i = 0; i < n; i++) {
		if (res[i].code == EX_OK)
			continue;
		report_failure(&res[i], to);
		failed++;
	}
	if (batch_may_duplicate(res, n))
		for (size_t i = 0; i < n; i++)
			if (res[i].code == EX_OK && !res[i].retry_safe)
				report_unsafe(&res[i], to);
	if (code != EX_OK)
		fail(out, code, "%zu of %zu recipients not delivered", failed,
		    n);
	return code;
}
