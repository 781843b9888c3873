/* ph_exec_none.c: the runner's executor while deliver has no native Sieve
 * interpreter to run the testsuite on: every file "fails to compile", so
 * the runner still counts every block and the figure starts at 0. */
#include "ph_exec.h"

int ph_exec_file(const char *dir, const char *rel, FILE *out)
{
	(void)dir;
	(void)rel;
	fprintf(out, "file deliver has no native Sieve interpreter\n");
	return 0;
}
