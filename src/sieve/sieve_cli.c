/* sieve_cli.c: deliver -C on a script or a directory (see sieve_cli.h). */
#include "sieve_cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "sieve.h"
#include "sieve_edit.h"
#include "sieve_ext.h"
#include "sieve_front.h"
#include "sieve_include.h"
#include "sieve_parse.h"
#include "sieve_run.h"

/* What became of one script. */
enum verdict {
	V_AS_WRITTEN, V_REWRITTEN, V_UNSUPPORTED, V_REFUSED, V_ERROR,
	V_COUNT
};

struct check {
	enum verdict verdict;
	struct sieve_msgs lines;   /* errors, "line L[, column C]: reason" */
	size_t nerrors;            /* errors found (lines may keep fewer) */
	char rewrites[300];        /* V_REWRITTEN: what was rewritten */
	char unsupported[256];     /* V_UNSUPPORTED: the extensions */
	int read_errno;            /* not 0: could not be read */
	char nul_error[80];        /* read_errno EILSEQ: where the NUL is */
};

static enum verdict front_verdict(enum sieve_front_status s)
{
	switch (s) {
	case SIEVE_FRONT_AS_WRITTEN:  return V_AS_WRITTEN;
	case SIEVE_FRONT_REWRITTEN:   return V_REWRITTEN;
	case SIEVE_FRONT_UNSUPPORTED: return V_UNSUPPORTED;
	case SIEVE_FRONT_REFUSED:     return V_REFUSED;
	case SIEVE_FRONT_INVALID:     break;
	}
	return V_ERROR;
}

/* libsieve on the canonical text, in a child as for a delivery: what the
 * front end let through must still parse there (a bad :regex, say). */
static void check_libsieve(const char *text, const struct config *cfg,
    struct check *c)
{
	struct sieve_result res;
	char why[300];

	if (sieve_eval_isolated(text, NULL, cfg, &res, why, sizeof why) < 0) {
		c->verdict = V_ERROR;
		(void)sieve_msgs_add(&c->lines, "%s", why);
		return;
	}
	if (res.failed) {
		c->verdict = V_ERROR;
		for (size_t i = 0; i < res.errors.count; i++)
			(void)sieve_msgs_add(&c->lines, "%s",
			    res.errors.items[i]);
		c->nerrors = res.errors.count;
	}
	sieve_result_free(&res);
}

/* The extensions a script requires that the native engine lacks, space
 * separated into c->unsupported. */
static void native_unsupported(const struct sieve_script *script,
    struct check *c)
{
	const struct sieve_command *cmd = script->commands;

	for (; cmd && strcmp(cmd->name, "require") == 0; cmd = cmd->next) {
		if (cmd->args == NULL || cmd->args->kind == SIEVE_ARG_TAG)
			continue;
		for (const struct sieve_string *s = cmd->args->strings; s;
		    s = s->next) {
			if (s->len == 0 || sieve_ext_find(s->value) != NULL)
				continue;
			if (c->unsupported[0] != '\0')
				(void)strlcat(c->unsupported, " ",
				    sizeof c->unsupported);
			(void)strlcat(c->unsupported, s->value,
			    sizeof c->unsupported);
		}
	}
}

/* The native engine: parse and check against its extension table. */
static void check_native(const char *text, const struct config *cfg,
    struct check *c)
{
	struct sieve_script *script = NULL;
	struct sieve_ncheck_result *ck;
	struct sieve_parse_diags *diags = malloc(sizeof *diags);
	char line[700];
	int rc;

	c->verdict = V_AS_WRITTEN;
	if (diags == NULL) {
		c->verdict = V_ERROR;
		(void)sieve_msgs_add(&c->lines, "out of memory");
		return;
	}
	rc = sieve_parse_all(text, strlen(text), &script, diags);
	for (size_t i = 0; rc < 0 && i < diags->ndiags; i++) {
		(void)sieve_diag_format(&diags->diags[i], line, sizeof line);
		(void)sieve_msgs_add(&c->lines, "%s", line);
	}
	if (rc < 0) {
		c->verdict = V_ERROR;
		c->nerrors = diags->nerrors;
		free(diags);
		return;
	}
	free(diags);
	if ((ck = calloc(1, sizeof *ck)) == NULL) {
		c->verdict = V_ERROR;
		(void)sieve_msgs_add(&c->lines, "out of memory");
		sieve_script_free(script);
		return;
	}
	ck->max_scope_size = cfg->sieve_variables_max_scope_size;
	if (sieve_ext_check(script, ck) < 0) {
		native_unsupported(script, c);
		c->verdict = c->unsupported[0] ? V_UNSUPPORTED : V_ERROR;
		for (size_t i = 0; i < ck->ndiags; i++) {
			(void)sieve_diag_format(&ck->diags[i], line,
			    sizeof line);
			(void)sieve_msgs_add(&c->lines, "%s", line);
		}
		c->nerrors = ck->nerrors;
	}
	free(ck);
	sieve_script_free(script);
}

/* Check one script file.  0, or -1 when it cannot be read (read_errno;
 * ENOENT when missing). */
static int check_one(const char *path, const struct config *cfg,
    struct check *c)
{
	struct sieve_front f;
	char *text = NULL;
	int found;

	memset(c, 0, sizeof *c);
	if ((found = sieve_read_script(path, &text)) <= 0) {
		c->read_errno = found == 0 ? ENOENT : errno;
		return -1;
	}
	if (cfg->sieve_engine == SIEVE_ENGINE_NATIVE) {
		/* -C runs at the user's shell: :personal is under $HOME */
		sieve_include_configure(cfg, getenv("HOME"), path);
		sieve_editheader_configure(cfg);   /* its size limit */
		check_native(text, cfg, c);
		free(text);
		return 0;
	}
	(void)sieve_front_prepare(text, strlen(text), &f);
	free(text);
	c->verdict = front_verdict(f.status);
	(void)sieve_front_msgs(&f, &c->lines);
	c->nerrors = f.check.nerrors + (f.has_error ? 1 : 0);
	(void)strlcpy(c->unsupported, f.check.unsupported,
	    sizeof c->unsupported);
	sieve_rewrites_describe(f.emit.rewrites, c->rewrites,
	    sizeof c->rewrites);
	if (c->verdict <= V_REWRITTEN)
		check_libsieve(f.emit.script, cfg, c);
	sieve_front_free(&f);
	return 0;
}

/* ---- one script --------------------------------------------------------- */

/* A script with a NUL byte is a broken script, not an unreadable file:
 * "line L, column C: the script holds a NUL byte" (into c's buffer). */
static const char *nul_byte_error(struct check *c)
{
	unsigned line, col;

	sieve_read_nul_pos(&line, &col);
	(void)snprintf(c->nul_error, sizeof c->nul_error, "line %u, column %u: "
	    "the script holds a NUL byte", line, col);
	return c->nul_error;
}

static int check_file(const char *path, const struct config *cfg,
    char *why, size_t whylen)
{
	struct check c;
	int code = EX_OK;

	if (check_one(path, cfg, &c) < 0 && c.read_errno == EILSEQ) {
		printf("%s: %s\n", path, nul_byte_error(&c));
		(void)snprintf(why, whylen, "script has errors");
		return EX_DATAERR;
	}
	if (c.read_errno != 0) {
		(void)snprintf(why, whylen, "cannot read the script: %s",
		    strerror(c.read_errno));
		return EX_NOINPUT;
	}
	for (size_t i = 0; i < c.lines.count; i++)
		printf("%s: %s\n", path, c.lines.items[i]);
	if (c.verdict == V_AS_WRITTEN) {
		printf("%s: OK\n", path);
	} else if (c.verdict == V_REWRITTEN) {
		printf("%s: OK (runs after canonical rewrite: %s)\n", path,
		    c.rewrites);
	} else {
		(void)snprintf(why, whylen, "%s", c.verdict == V_UNSUPPORTED ?
		    "script needs an extension this deliver lacks" :
		    "script has errors");
		code = EX_DATAERR;
	}
	sieve_msgs_free(&c.lines);
	return code;
}

/* ---- a directory -------------------------------------------------------- */

static int sieve_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 6 &&
	    strcmp(d->d_name + n - 6, ".sieve") == 0;
}

/* The first error, and how many more there are. */
static void print_first(const char *name, const char *what,
    const struct check *c)
{
	const char *first = c->lines.count ? c->lines.items[0] : "failed";

	printf("%s: %s%s%s", name, what, strncmp(first, "line ", 5) == 0 ?
	    " at " : ": ", first);
	if (c->nerrors > 1)
		printf(" (and %zu more)", c->nerrors - 1);
	printf("\n");
}

static void print_verdict(const char *name, struct check *c)
{
	if (c->read_errno == EILSEQ) {
		printf("%s: error at %s\n", name, nul_byte_error(c));
		return;
	}
	if (c->read_errno != 0) {
		printf("%s: cannot read: %s\n", name, strerror(c->read_errno));
		return;
	}
	switch (c->verdict) {
	case V_AS_WRITTEN:
		printf("%s: runs as written\n", name);
		break;
	case V_REWRITTEN:
		printf("%s: runs after canonical rewrite (%s)\n", name,
		    c->rewrites);
		break;
	case V_UNSUPPORTED:
		printf("%s: needs extension %s\n", name, c->unsupported);
		break;
	case V_REFUSED:
		print_first(name, "cannot run", c);
		break;
	case V_ERROR:
	case V_COUNT:
		print_first(name, "error", c);
		break;
	}
}

static int check_dir(const char *path, const struct config *cfg,
    char *why, size_t whylen)
{
	struct dirent **names = NULL;
	size_t count[V_COUNT] = { 0 }, bad = 0;
	int n = scandir(path, &names, sieve_file, alphasort);

	if (n < 0) {
		(void)snprintf(why, whylen, "cannot read the directory: %s",
		    strerror(errno));
		return EX_NOINPUT;
	}
	for (int i = 0; i < n; i++) {
		char file[4096];
		struct check c;

		if ((size_t)snprintf(file, sizeof file, "%s/%s", path,
		    names[i]->d_name) >= sizeof file)
			memset(&c, 0, sizeof c), c.read_errno = ENAMETOOLONG;
		else
			(void)check_one(file, cfg, &c);
		print_verdict(names[i]->d_name, &c);
		if (c.read_errno != 0)
			count[V_ERROR]++;
		else
			count[c.verdict]++;
		sieve_msgs_free(&c.lines);
		free(names[i]);
	}
	free(names);
	bad = (size_t)n - count[V_AS_WRITTEN] - count[V_REWRITTEN];
	printf("total: %d script%s: %zu run%s as written, %zu after canonical "
	    "rewrite, %zu need%s an extension, %zu cannot run, %zu with "
	    "errors\n", n, n == 1 ? "" : "s", count[V_AS_WRITTEN],
	    count[V_AS_WRITTEN] == 1 ? "s" : "", count[V_REWRITTEN],
	    count[V_UNSUPPORTED], count[V_UNSUPPORTED] == 1 ? "s" : "",
	    count[V_REFUSED], count[V_ERROR]);
	if (n == 0) {
		(void)snprintf(why, whylen, "no *.sieve file in the directory");
		return EX_NOINPUT;
	}
	if (bad == 0)
		return EX_OK;
	(void)snprintf(why, whylen, "%zu of %d scripts cannot run", bad, n);
	return EX_DATAERR;
}

int sieve_check_path(const char *path, const struct config *cfg, char *why,
    size_t whylen)
{
	struct stat st;

	why[0] = '\0';
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return check_dir(path, cfg, why, whylen);
	return check_file(path, cfg, why, whylen);
}
