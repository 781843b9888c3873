/* sieve_include.h: where the include extension (RFC 6609) finds the
 * scripts a script names, and the set of scripts one script includes,
 * each read, parsed and checked once.
 *
 * Locations are Pigeonhole's: `include :personal "x"` is x.sieve in the
 * user's Sieve directory (sieve_dir, ~/sieve), `:global "x"` x.sieve in
 * the admin's (sieve_global, /etc/deliver/sieve).  The checker has no
 * delivery at hand, so the locations and limits are set for the process
 * with sieve_include_configure before a script is checked; one delivery
 * (or one redelivered message, one -C run) checks its scripts one after
 * the other in one thread.
 *
 * Resolution follows Pigeonhole's compiler: when a script requiring
 * include has checked without error, the scripts it names are loaded
 * depth first; an included script is parsed and checked once however
 * often it is named; a script naming one of the scripts it is included
 * from (without :once) is a "circular include"; more than
 * sieve_include_max_nesting_depth levels (10) or more than
 * sieve_include_max_includes scripts (255) is an error.  Any error in an
 * included script fails the check of the script that names it, so a
 * delivery keeps the message and deliver -C reports it.  The depth of
 * the recursion is that nesting, which the configuration caps. */
#ifndef DELIVER_SIEVE_INCLUDE_H
#define DELIVER_SIEVE_INCLUDE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sieve_ast.h"
#include "sieve_ext.h"

struct config;

#define SIEVE_INCLUDE_DEPTH_DEFAULT  10
#define SIEVE_INCLUDE_COUNT_DEFAULT  255
#define SIEVE_INCLUDE_DEPTH_CAP      32    /* whatever is configured */
#define SIEVE_INCLUDE_NAME_MAX       256   /* characters of a name */
/* Bytes all the scripts one script includes may hold together (their
 * trees stay in memory for the evaluation): 255 scripts of 1 MiB each
 * would be 255 MiB of text, and several times that of tree. */
#define SIEVE_INCLUDE_BYTES_MAX      (8 * 1024 * 1024)

enum sieve_include_location { SIEVE_INC_PERSONAL, SIEVE_INC_GLOBAL };

/* One script of the set. */
struct sieve_include_script {
	char *name;                     /* as the include command names it */
	char *path;
	enum sieve_include_location location;
	dev_t dev;                      /* its identity (cycles, once) */
	ino_t ino;
	bool missing;                   /* :optional and not there */
	struct sieve_script *script;    /* NULL when missing */
	struct sieve_ext_set required;  /* what it requires */
};

/* An include command and the script it runs. */
struct sieve_include_link {
	const struct sieve_command *cmd;
	size_t target;                  /* index into scripts */
	bool once;
};

struct sieve_included {
	struct sieve_include_script *scripts;
	size_t n, cap;
	struct sieve_include_link *links;
	size_t nlinks, caplinks;
};

/* Set the locations and limits for the scripts checked from now on:
 * cfg's sieve_dir and sieve_global (~/ expanded with home; home NULL:
 * no personal location), its limits read when a script is checked (cfg
 * must outlive that; NULL: the defaults and no locations).  main_path,
 * when not NULL, is the file of the script about to be checked, so that
 * a script including itself is found circular. */
void sieve_include_configure(const struct config *cfg, const char *home,
    const char *main_path);

/* The same with the directories given as they are (the test runner:
 * beside the test file).  NULL: no such location. */
void sieve_include_configure_dirs(const struct config *cfg,
    const char *personal_dir, const char *global_dir, const char *main_path);

/* Whether name is a valid script name (RFC 6609 section 3.2, as
 * Pigeonhole checks it): not empty, UTF-8, at most
 * SIEVE_INCLUDE_NAME_MAX characters, no "/", no control characters
 * (U+0000-001F, U+007F-009F), no U+00FF, no line or paragraph
 * separator (U+2028, U+2029). */
bool sieve_include_name_valid(const char *name, size_t len);

/* ---- for ext_include.c ---- */

/* The include command c (its tags and name already checked) as the
 * checker meets it: the target is located and noted for the resolution
 * once the script has checked; a missing target without :optional, an
 * unavailable location, is reported here. */
void sieve_include_note(struct sieve_checker *ck, const struct sieve_call *c,
    enum sieve_include_location loc, bool once, bool optional,
    const char *name);

/* The checker's hook (sieve_extension.checked): resolve what script
 * named, depth first; attach the set to the outermost script. */
void sieve_include_checked(struct sieve_checker *ck,
    const struct sieve_script *script, bool ok);

/* The link of an include command in the set of script, or NULL. */
const struct sieve_include_link *sieve_include_find(
    const struct sieve_script *script, const struct sieve_command *cmd);

/* The nesting limit in effect (for the interpreter's own check). */
unsigned sieve_include_max_depth(void);

void sieve_included_free(struct sieve_included *set);

#endif
