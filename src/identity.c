/* identity.c: the delivering user (see identity.h). */
#include "identity.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static int lookup(const char *user, struct identity *id, struct outcome *out)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (pw == NULL && errno != 0 && errno != ENOENT && errno != ESRCH)
		return fail_errno(out, errno, "cannot look up user %s", user);
	if (pw == NULL)
		return fail(out, EX_NOUSER, "unknown user %s", user);
	return copy_entry(pw, id, out);
}

/* Drop root for good: groups first, then gid, then uid; then make sure
 * root cannot be regained. */
static int switch_to(const struct identity *id, struct outcome *out)
{
	if (initgroups(id->name, id->gid) < 0 || setgid(id->gid) < 0 ||
	    setuid(id->uid) < 0)
		return fail_errno(out, errno, "cannot switch to user %s",
		    id->name);
	if (getuid() == 0 || geteuid() == 0 || setuid(0) == 0)
		return fail(out, EX_TEMPFAIL, "still root after switching to %s",
		    id->name);
	return 0;
}

static int as_root(const char *user, struct identity *id, struct outcome *out)
{
	if (user == NULL)
		return fail(out, EX_USAGE, "running as root needs -d USER");
	if (lookup(user, id, out) < 0)
		return -1;
	if (id->uid == 0)
		return fail(out, EX_NOPERM, "will not deliver as root (%s)",
		    id->name);
	return switch_to(id, out);
}

static int as_self(const char *user, struct identity *id, struct outcome *out)
{
	struct passwd *pw = getpwuid(getuid());
	const char *home = getenv("HOME");

	if (pw == NULL)
		return fail(out, EX_TEMPFAIL, "cannot look up uid %ld",
		    (long)getuid());
	if (copy_entry(pw, id, out) < 0)
		return -1;
	if (user && strcmp(user, id->name) != 0)
		return fail(out, EX_NOPERM, "only root can deliver for %s",
		    user);
	if (home && *home && strlcpy(id->home, home, sizeof id->home) >=
	    sizeof id->home)
		return fail(out, EX_USAGE, "HOME too long");
	return 0;
}

int identity_assume(const char *user, struct identity *id,
    struct outcome *out)
{
	if (getuid() == 0 || geteuid() == 0)
		return as_root(user, id, out);
	return as_self(user, id, out);
}
