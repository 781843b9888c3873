/* ph_files.h: which Pigeonhole testsuite files count, and their blocks.
 *
 * The testsuite is a tree of *.svtest scripts; every directory counts
 * except the few about IMAP or external programs (PH_OUT_OF_SCOPE).  A
 * file's "blocks" are its top-level `test "name" { ... }` commands: the
 * unit the runner counts.  They are found with deliver's own parser; a
 * file the parser refuses (a lexer test, a fuzzed script) is scanned for
 * them token by token instead, so that every block is counted even when
 * the file cannot run. */
#ifndef DELIVER_PH_FILES_H
#define DELIVER_PH_FILES_H

#include <stddef.h>

#define PH_FILES_MAX   1000      /* *.svtest files in one tree */
#define PH_BLOCKS_MAX  200       /* test blocks in one file */
#define PH_NAME_MAX    200       /* bytes of a block's name (with [N]) */
#define PH_PATH_MAX    512       /* bytes of a path */

/* The sorted relative paths ("extensions/body/basic.svtest") of every
 * in-scope file under dir.  Returns the count, or -1 with a message on
 * stderr.  Free with ph_files_free. */
int ph_files_find(const char *dir, char ***out);
void ph_files_free(char **files, int count);

/* Whether a relative path is in scope. */
int ph_in_scope(const char *rel);

/* A file's test blocks, in script order.  Names are unique within the
 * file: the second "X" is "X [2]", the third "X [3]". */
struct ph_blocks {
	char (*names)[PH_NAME_MAX];
	size_t count;
};

/* Read the blocks of the script at path.  Returns 0, or -1 with a message
 * on stderr (unreadable file, too many blocks). */
int ph_blocks_read(const char *path, struct ph_blocks *out);
void ph_blocks_free(struct ph_blocks *b);

/* Make the names of b unique as described above. */
void ph_blocks_unique(struct ph_blocks *b);

/* The directory part of a relative path ("extensions/body", "." for a
 * top-level file) into buf. */
void ph_dir_of(const char *rel, char *buf, size_t len);

#endif
