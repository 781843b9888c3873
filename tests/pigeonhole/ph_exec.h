/* ph_exec.h: run one Pigeonhole test file, in a child of the runner.
 *
 * The file is compiled with deliver's extensions plus the test-only
 * extension vnd.dovecot.testsuite and run once, top to bottom, as
 * Pigeonhole's testsuite tool runs it: state set outside or in an earlier
 * block (the message, the envelope, the result) carries on until a test
 * command changes it, test_fail ends the block it is in, and the next
 * block starts.  Each block's end is written to out as one line:
 *
 *   pass I           block I (0-based, script order) reached its end, or
 *                    the script stopped inside it without a failure
 *   fail I REASON    test_fail, or a runtime error inside block I
 *   file REASON      the file did not compile (every block fails)
 *
 * REASON is one line.  Blocks never reached are left unreported: the
 * runner counts them as failed. */
#ifndef DELIVER_PH_EXEC_H
#define DELIVER_PH_EXEC_H

#include <stdio.h>

/* dir is the tests directory, rel the file's path inside it.  Returns 0,
 * or -1 when the run itself could not be set up (reported as "file"). */
int ph_exec_file(const char *dir, const char *rel, FILE *out);

#endif
