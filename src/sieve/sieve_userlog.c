/* sieve_userlog.c: appending a failed run's errors to the user's Sieve
 * log (see sieve_userlog.h). */
#include "sieve_userlog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "sieve_seq.h"

static char *log_path(const struct config *cfg, const char *home,
    const char *script)
{
	char *path = NULL;

	if (cfg->sieve_user_log != NULL && *cfg->sieve_user_log)
		return sieve_seq_expand(cfg->sieve_user_log, home);
	if (asprintf(&path, "%s.log", script) < 0)
		return NULL;
	return path;
}

/* The log open for appending; restarted when over the bound.  NULL
 * after saying why in deliver's log. */
static FILE *open_log(const char *path)
{
	struct stat st;
	FILE *fp;
	int fd;

	errno = 0;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC | O_NONBLOCK, 0600);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_size > SIEVE_USERLOG_MAX && ftruncate(fd, 0) < 0) ||
	    (fp = fdopen(fd, "a")) == NULL) {
		log_line(LOG_WARNING, "sieve: cannot write the user log %s: "
		    "%s", path, errno == 0 ? "not a regular file" :
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return fp;
}

void sieve_user_log_append(const struct config *cfg, const char *home,
    const char *script, const struct sieve_msgs *errors)
{
	char *path = log_path(cfg, home, script);
	char when[64], line[2048];
	const char *base = strrchr(script, '/');
	time_t now = time(NULL);
	struct tm tm;
	FILE *fp;

	if (path == NULL || (fp = open_log(path)) == NULL) {
		free(path);
		return;
	}
	base = base != NULL ? base + 1 : script;
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		(void)strlcpy(when, "-", sizeof when);
	for (size_t i = 0; i < errors->count; i++)
		fprintf(fp, "%s %s: error: %s\n", when, base,
		    log_escape(errors->items[i], line, sizeof line));
	fprintf(fp, "%s %s: error: the script did not run; the message "
	    "was kept\n", when, base);
	if (fclose(fp) != 0)
		log_line(LOG_WARNING, "sieve: cannot write the user log %s",
		    path);
	free(path);
}
