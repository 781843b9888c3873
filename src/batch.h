/* batch.h: the verdict on a delivery to several recipients.
 *
 * deliver -a A -a B -a C ends with one exit code for all of them (Postfix's
 * pipe(8) and Exim's pipe transport know nothing finer), so the rules that
 * turn the recipients' results into that code and into the lines on stderr
 * live here, apart from the pipeline (deliver_batch() in deliver.c):
 *
 *   - every recipient delivered (or a duplicate): 0;
 *   - any recipient failed temporarily: 75, so the MTA retries the whole
 *     batch; the recipients already delivered are found as duplicates by
 *     their store then.  A delivered recipient without that guarantee (no
 *     Message-ID, dedup or store off, the store failed) may get a second
 *     copy: it is named on stderr and in the log, but the exit stays 75,
 *     since a duplicate can be deleted and a lost message cannot be found;
 *   - else (only permanent failures besides successes): the code of the
 *     first recipient that failed, and the MTA bounces; the summary line
 *     tells the bounce's reader how many were delivered.
 *
 * The stderr format is documented in man/deliver.1 (MULTIPLE RECIPIENTS). */
#ifndef DELIVER_BATCH_H
#define DELIVER_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "deliver.h"
#include "outcome.h"

/* The exit code for the whole batch, by the rules above. */
int batch_exit_code(const struct recipient_result *res, size_t n);

/* Whether a retry of the batch (exit 75) may file a second copy for some
 * recipient that was delivered now. */
bool batch_may_duplicate(const struct recipient_result *res, size_t n);

/* Print one line per recipient that failed, in the given order:
 *     deliver: <ADDRESS>: REASON (exit CODE)
 * and, when the exit is 75, one per delivered recipient a retry may file
 * again:
 *     deliver: <ADDRESS>: delivered, but a retry may deliver it again (WHY)
 * (also logged).  Returns the exit code, with the summary for main() to
 * print last in *out ("N of M recipients not delivered") when it is not
 * 0.  Addresses and reasons are escaped as log lines are. */
int batch_report(const struct recipient_result *res, size_t n, FILE *to,
    struct outcome *out);

#endif
