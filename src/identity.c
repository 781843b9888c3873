/* identity.c: the delivering user (see identity.h). */
#include "identity.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "userdb.h"

/* Drop root for good: groups first, then gid, then uid; then make sure
 * root cannot be regained. */
static int switch_to(const struct identity *id, struct outcome *out)
{
	gid_t *groups;
	size_t count;
	int err;

	if (userdb_groups(id->name, id->gid, &groups, &count, out) < 0)
		return -1;
	err = setgroups(count, groups) < 0 || setgid(id->gid) < 0 ||
	    setuid(id->uid) < 0 ? errno : 0;
	free(groups);
	if (err)
		return fail_errno(out, err, "cannot switch to user %s",
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
	if (userdb_by_name(user, id, out) < 0)
		return -1;
	if (id->uid == 0)
		return fail(out, EX_NOPERM, "will not deliver as root (%s)",
		    id->name);
	return switch_to(id, out);
}

static const char *env_value(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static int set_home(struct identity *id, const char *home,
    struct outcome *out)
{
	if (home && strlcpy(id->home, home, sizeof id->home) >= sizeof id->home)
		return fail(out, EX_USAGE, "HOME too long");
	return 0;
}

/* Without -d, $USER and $HOME when both are set, as dovecot-lda does:
 * the MTA sets them for the user it runs deliver as (Postfix local(8),
 * Exim's pipe transport), a login shell has them, and a process can only
 * mislead itself (deliver is never setuid).  No lookup then, which is most
 * of what the start of a delivery costs beyond the unavoidable.  -d, or
 * either variable missing: the password entry, and -d must name our own
 * uid. */
static int as_self(const char *user, struct identity *id, struct outcome *out)
{
	const char *name = env_value("USER"), *home = env_value("HOME");

	if (user == NULL && name && home) {
		if (strlcpy(id->name, name, sizeof id->name) >= sizeof id->name)
			return fail(out, EX_USAGE, "USER too long");
		id->uid = getuid();
		id->gid = getgid();
		return set_home(id, home, out);
	}
	if (user && userdb_by_name(user, id, out) < 0)
		return out->code == EX_NOUSER ? fail(out, EX_NOPERM,
		    "only root can deliver for %s", user) : -1;
	if (user && id->uid != getuid())
		return fail(out, EX_NOPERM, "only root can deliver for %s",
		    user);
	if (user == NULL && userdb_by_uid(getuid(), id, out) < 0)
		return -1;
	return set_home(id, home, out);
}

int identity_assume(const char *user, struct identity *id,
    struct outcome *out)
{
	if (getuid() == 0 || geteuid() == 0)
		return as_root(user, id, out);
	return as_self(user, id, out);
}
