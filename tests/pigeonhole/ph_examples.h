/* ph_examples.h: where Pigeonhole's examples/ directory is.
 *
 * execute/examples.svtest compiles scripts named "../../examples/NAME":
 * from its directory, out of the tests directory into examples/, its
 * sibling in Pigeonhole's source tree.  A copy of the testsuite alone
 * lacks it; the runner's -x DIR names a directory holding those scripts
 * (make check-pigeonhole unpacks them from Debian's orig tarball), and
 * exactly such a name, NAME being one file name, then means DIR/NAME.
 * No other path leaves the tests directory this way: it is a lexical
 * mapping of that one sibling directory, never a path opened. */
#ifndef DELIVER_PH_EXAMPLES_H
#define DELIVER_PH_EXAMPLES_H

#include <stdbool.h>
#include <stddef.h>

/* tests_dir: the runner's TESTS_DIR; examples_dir: -x's DIR, kept by
 * pointer (main's argv).  Called before the children start. */
void ph_examples_set(const char *tests_dir, const char *examples_dir);

/* When -x was given and rel, named from file_dir, climbs with "../" out
 * of the tests directory file_dir is in (the runner's TESTS_DIR, or the
 * directory named tests it is inside of) into "examples/" and names a file
 * there, write -x's DIR/NAME to path and return true; false otherwise
 * (path untouched).  A name that does not fit in size is not mapped. */
bool ph_examples_map(const char *file_dir, const char *rel, char *path,
    size_t size);

#endif
