/* sieve_seq.c: building the sequence of scripts of one delivery (see
 * sieve_seq.h). */
#include "sieve_seq.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "sieve_run.h"

char *sieve_seq_expand(const char *path, const char *home)
{
	char *out = NULL;

	if (strncmp(path, "~/", 2) != 0 || home == NULL)
		return strdup(path);
	if (asprintf(&out, "%s/%s", home, path + 2) < 0)
		return NULL;
	return out;
}

static int push(struct sieve_seq *seq, char *path)
{
	if (path == NULL)
		return -1;
	if (seq->n >= SIEVE_SEQ_MAX) {
		log_line(LOG_WARNING, "sieve: more than %d scripts to run; "
		    "leaving out the rest", SIEVE_SEQ_MAX);
		free(path);
		return 0;
	}
	seq->paths[seq->n++] = path;
	return 0;
}

static int script_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 6 &&
	    strcmp(d->d_name + n - 6, ".sieve") == 0;
}

/* The scripts of one before/after key: the file, or a directory's
 * *.sieve files in name order. */
static int add_key(struct sieve_seq *seq, const char *value,
    const char *home)
{
	struct dirent **names = NULL;
	struct stat st;
	char *path;
	int n, rc = 0;

	if (value == NULL || *value == '\0')
		return 0;
	if ((path = sieve_seq_expand(value, home)) == NULL)
		return -1;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return push(seq, path);
	n = scandir(path, &names, script_name, alphasort);
	if (n < 0)
		log_line(LOG_WARNING, "sieve: cannot read the directory %s: "
		    "%s", path, strerror(errno));
	for (int i = 0; i < n; i++) {
		char *file = NULL;

		if (rc == 0 && asprintf(&file, "%s/%s", path,
		    names[i]->d_name) >= 0)
			rc = push(seq, file);
		else
			rc = -1;
		free(names[i]);
	}
	free(names);
	free(path);
	return rc;
}

/* The user's script, or sieve_default when the user has none. */
static int add_user(struct sieve_seq *seq, const struct config *cfg,
    const char *home, const char *opt)
{
	struct stat st;
	char *path = sieve_user_script(opt, cfg, home);

	if (path != NULL && (stat(path, &st) == 0 || errno != ENOENT ||
	    (opt != NULL && *opt) || *cfg->sieve_default == '\0')) {
		seq->user = seq->n;
		return push(seq, path);
	}
	free(path);
	if (*cfg->sieve_default == '\0')
		return 0;
	return push(seq, sieve_seq_expand(cfg->sieve_default, home));
}

int sieve_seq_build(const struct config *cfg, const char *home,
    const char *opt, struct sieve_seq *seq)
{
	memset(seq, 0, sizeof *seq);
	seq->user = SIEVE_SEQ_MAX;
	if (add_key(seq, cfg->sieve_before, home) < 0 ||
	    add_key(seq, cfg->sieve_before2, home) < 0 ||
	    add_key(seq, cfg->sieve_before3, home) < 0 ||
	    add_user(seq, cfg, home, opt) < 0 ||
	    add_key(seq, cfg->sieve_after, home) < 0 ||
	    add_key(seq, cfg->sieve_after2, home) < 0 ||
	    add_key(seq, cfg->sieve_after3, home) < 0) {
		sieve_seq_free(seq);
		return -1;
	}
	if (seq->user == SIEVE_SEQ_MAX)
		seq->user = seq->n;
	return 0;
}

void sieve_seq_free(struct sieve_seq *seq)
{
	for (size_t i = 0; i < seq->n; i++)
		free(seq->paths[i]);
	seq->n = 0;
}
