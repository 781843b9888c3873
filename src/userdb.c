/* userdb.c: password entries and group lists (see userdb.h). */
#include "userdb.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PASSWD_LINE_MAX 8192
#define GROUPS_TEXT_MAX (256 * 1024)   /* thousands of groups */

/* ---- getent's output ------------------------------------------------------ */

static int parse_id(const char *text, long long *v)
{
	const char *err = NULL;

	*v = strtonum(text, 0, (long long)UINT32_MAX - 1, &err);
	return err ? -1 : 0;
}

int userdb_parse_passwd(const char *line, struct identity *id)
{
	char copy[PASSWD_LINE_MAX], *rest = copy, *f[7];
	long long uid, gid;
	size_t n = 0;

	if (strlcpy(copy, line, sizeof copy) >= sizeof copy)
		return -1;
	copy[strcspn(copy, "\n")] = '\0';
	while (n < 7 && rest)
		f[n++] = strsep(&rest, ":");
	if (n < 6 || f[0][0] == '\0' || parse_id(f[2], &uid) < 0 ||
	    parse_id(f[3], &gid) < 0 ||
	    strlcpy(id->name, f[0], sizeof id->name) >= sizeof id->name ||
	    strlcpy(id->home, f[5], sizeof id->home) >= sizeof id->home)
		return -1;
	id->uid = (uid_t)uid;
	id->gid = (gid_t)gid;
	return 0;
}

static int add_group(gid_t **groups, size_t *count, size_t *cap, gid_t g)
{
	for (size_t i = 0; i < *count; i++)
		if ((*groups)[i] == g)
			return 0;
	if (*count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		gid_t *n = reallocarray(*groups, ncap, sizeof *n);

		if (n == NULL)
			return -1;
		*groups = n;
		*cap = ncap;
	}
	(*groups)[(*count)++] = g;
	return 0;
}

int userdb_parse_groups(const char *line, gid_t gid, gid_t **groups,
    size_t *count)
{
	char *copy = strdup(line), *rest = copy, *tok;
	size_t cap = 0;
	long long g;
	int rc = 0;

	*groups = NULL;
	*count = 0;
	if (copy == NULL || add_group(groups, count, &cap, gid) < 0)
		rc = -1;
	strsep(&rest, " \t\n");      /* the user name */
	while (rc == 0 && rest && (tok = strsep(&rest, " \t\n")) != NULL) {
		if (*tok == '\0')
			continue;
		if (parse_id(tok, &g) < 0 ||
		    add_group(groups, count, &cap, (gid_t)g) < 0)
			rc = -1;
	}
	free(copy);
	if (rc < 0) {
		free(*groups);
		*groups = NULL;
		*count = 0;
	}
	return rc;
}

#ifdef USERDB_GETENT
/* ---- asking getent(1) ------------------------------------------------------ */

/* A key getent takes as data: not an option, not a passwd field
 * separator, not several lines. */
static bool key_ok(const char *key)
{
	return key[0] != '\0' && key[0] != '-' && strlen(key) < 256 &&
	    strpbrk(key, ":\n") == NULL;
}

static int spawn_getent(const char *db, const char *key, int out_fd,
    pid_t *pid)
{
	char *argv[] = { "getent", (char *)db, "--", (char *)key, NULL };
	char *envp[] = { NULL };
	posix_spawn_file_actions_t fa;
	int rc;

	if ((rc = posix_spawn_file_actions_init(&fa)) != 0)
		return rc;
	if ((rc = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO,
	    "/dev/null", O_RDONLY, 0)) == 0 &&
	    (rc = posix_spawn_file_actions_adddup2(&fa, out_fd,
	    STDOUT_FILENO)) == 0 &&
	    (rc = posix_spawn_file_actions_addopen(&fa, STDERR_FILENO,
	    "/dev/null", O_WRONLY, 0)) == 0)
		rc = posix_spawn(pid, GETENT_PATH, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

/* Everything getent prints, up to len - 1 bytes; -1 when there is more. */
static ssize_t read_all(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == len - 1)
			return -1;
	}
	buf[got] = '\0';
	return n < 0 ? -1 : (ssize_t)got;
}

static int wait_exit(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* getent DB KEY's output in buf: 0, 1 when getent found nothing (its exit
 * 2), -1 on any failure (reason in out, what names the lookup). */
static int getent(const char *db, const char *key, char *buf, size_t len,
    const char *what, struct outcome *out)
{
	int fds[2], rc, code;
	pid_t pid;
	ssize_t got;

	if (!key_ok(key))
		return 1;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return fail_errno(out, errno, "cannot look up %s", what);
	rc = spawn_getent(db, key, fds[1], &pid);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		return fail_errno(out, rc, "cannot look up %s: %s", what,
		    GETENT_PATH);
	}
	got = read_all(fds[0], buf, len);
	close(fds[0]);
	code = wait_exit(pid);
	if (code == 2)
		return 1;
	if (code != 0 || got < 0)
		return fail(out, EX_TEMPFAIL, "cannot look up %s: getent %s "
		    "%s", what, code != 0 ? "failed" : "printed too much", db);
	return 0;
}

static int passwd_entry(const char *key, const char *what,
    struct identity *id, struct outcome *out)
{
	char line[PASSWD_LINE_MAX];
	int rc = getent("passwd", key, line, sizeof line, what, out);

	if (rc != 0)
		return rc;
	if (userdb_parse_passwd(line, id) < 0)
		return fail(out, EX_TEMPFAIL, "cannot look up %s: getent "
		    "printed an unreadable entry", what);
	return 0;
}

int userdb_by_name(const char *name, struct identity *id,
    struct outcome *out)
{
	char what[300];
	int rc;

	snprintf(what, sizeof what, "user %s", name);
	rc = passwd_entry(name, what, id, out);
	/* getent takes an all-digit key as a uid: only the name counts */
	if (rc == 1 || (rc == 0 && strcmp(id->name, name) != 0))
		return fail(out, EX_NOUSER, "unknown user %s", name);
	return rc;
}

int userdb_by_uid(uid_t uid, struct identity *id, struct outcome *out)
{
	char key[32], what[48];
	int rc;

	snprintf(key, sizeof key, "%lu", (unsigned long)uid);
	snprintf(what, sizeof what, "uid %s", key);
	rc = passwd_entry(key, what, id, out);
	if (rc == 1 || (rc == 0 && id->uid != uid))
		return fail(out, EX_TEMPFAIL, "cannot look up uid %s", key);
	return rc;
}

int userdb_groups(const char *name, gid_t gid, gid_t **groups, size_t *count,
    struct outcome *out)
{
	char what[300], *text = malloc(GROUPS_TEXT_MAX);
	int rc;

	snprintf(what, sizeof what, "the groups of %s", name);
	if (text == NULL)
		return fail(out, EX_TEMPFAIL, "out of memory");
	rc = getent("initgroups", name, text, GROUPS_TEXT_MAX, what, out);
	if (rc == 1)      /* a user in no group but its own */
		text[0] = '\0';
	if (rc >= 0 && userdb_parse_groups(text, gid, groups, count) < 0)
		rc = fail(out, EX_TEMPFAIL, "cannot look up %s: unreadable "
		    "getent output", what);
	free(text);
	return rc < 0 ? -1 : 0;
}

#else
/* ---- glibc in-process ------------------------------------------------------ */

static int copy_entry(const struct passwd *pw, struct identity *id,
    struct outcome *out)
{
	if (strlcpy(id->name, pw->pw_name, sizeof id->name) >= sizeof id->name ||
	    strlcpy(id->home, pw->pw_dir, sizeof id->home) >= sizeof id->home)
		return fail(out, EX_NOUSER, "user name or home too long");
	id->uid = pw->pw_uid;
	id->gid = pw->pw_gid;
	return 0;
}

/* getpwnam and getpwuid say "none" with NULL and errno 0, ENOENT, ESRCH
 * (or others, depending on the module); anything else is a failure. */
static bool lookup_failed(void)
{
	return errno != 0 && errno != ENOENT && errno != ESRCH;
}

int userdb_by_name(const char *name, struct identity *id,
    struct outcome *out)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(name);
	if (pw == NULL && lookup_failed())
		return fail_errno(out, errno, "cannot look up user %s", name);
	if (pw == NULL)
		return fail(out, EX_NOUSER, "unknown user %s", name);
	return copy_entry(pw, id, out);
}

int userdb_by_uid(uid_t uid, struct identity *id, struct outcome *out)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwuid(uid);
	if (pw == NULL)
		return fail(out, EX_TEMPFAIL, "cannot look up uid %lu",
		    (unsigned long)uid);
	return copy_entry(pw, id, out);
}

int userdb_groups(const char *name, gid_t gid, gid_t **groups, size_t *count,
    struct outcome *out)
{
	int n = 32;

	for (;;) {
		gid_t *list = reallocarray(NULL, (size_t)n, sizeof *list);
		int want = n;

		if (list == NULL)
			return fail(out, EX_TEMPFAIL, "out of memory");
		if (getgrouplist(name, gid, list, &want) >= 0) {
			*groups = list;
			*count = (size_t)want;
			return 0;
		}
		free(list);
		if (want <= n || want > 65536)
			return fail(out, EX_TEMPFAIL, "cannot look up the "
			    "groups of %s", name);
		n = want;
	}
}
#endif
