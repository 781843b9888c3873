/* ext_mailbox.c: the "mailbox" extension (RFC 5490 section 3): the tag
 * :create on fileinto (the folder is made when missing, whatever
 * autocreate says: the on_action hook marks the action) and the test
 * mailboxexists <mailbox-names>.
 *
 * mailboxexists is true when every named folder exists now (RFC 5490:
 * and mail can be filed into it).  A name resolves to its Maildir++
 * directory as filing resolves it (folder_dirname: separator, modified
 * UTF-7, refused names); "INBOX" is the root and always exists.  A folder
 * exists when its directory in the root is a real directory, reached
 * without following a symlink, holding cur/, new/ and tmp/ (a directory
 * without them is only a level of the hierarchy, which Dovecot shows as
 * \NoSelect).  The test only reads; without a root (an engine running
 * out of process) every folder but INBOX counts as missing. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ext_mailbox.h"
#include "folder.h"
#include "sieve_match.h"
#include "sieve_rt.h"

static bool subdir_ok(int fd, const char *name)
{
	struct stat st;

	return fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode);
}

bool sieve_mailbox_exists(const struct sieve_env *env, const char *name)
{
	char dirname[256];
	const char *why = NULL;
	bool ok;
	int fd;

	if (folder_dirname(name, env->cfg ? env->cfg->folder_separator : '.',
	    env->cfg ? env->cfg->utf8_folders : false, dirname,
	    sizeof dirname, &why) < 0)
		return false;
	if (dirname[0] == '\0')
		return true;           /* INBOX */
	if (env->root == NULL || env->root->dirfd < 0)
		return false;
	fd = openat(env->root->dirfd, dirname, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = subdir_ok(fd, "cur") && subdir_ok(fd, "new") &&
	    subdir_ok(fd, "tmp");
	close(fd);
	return ok;
}

static int run_mailboxexists(struct sieve_rt *rt, const struct sieve_call *c)
{
	struct sieve_strings names;

	if (sieve_rt_strings(rt, c->positional[0], &names) < 0)
		return -1;
	for (size_t i = 0; i < names.n; i++) {
		const char *name = sieve_rt_strndup(rt, names.v[i],
		    names.len[i]);

		if (name == NULL || sieve_rt_step(rt, c->pos, 1) < 0)
			return -1;
		/* a NUL inside the name cannot name a folder */
		if (strlen(name) != names.len[i] ||
		    !sieve_mailbox_exists(rt->env, name)) {
			sieve_rt_trace(rt, "mailboxexists: '%s' does not "
			    "exist", name);
			return 0;
		}
	}
	return 1;
}

static int mailbox_on_action(struct sieve_rt *rt, const struct sieve_call *c,
    struct sieve_action_ctx *ax)
{
	(void)rt;
	if (ax->action->type == ACTION_FILEINTO &&
	    sieve_call_tag(c, "create") != NULL)
		ax->action->create = true;
	return 0;
}

static const struct sieve_def mailbox_defs[] = {
	{ "mailboxexists", true, NULL, "L", "mailbox-names", SIEVE_NEST_NONE,
	  false, NULL, run_mailboxexists },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

static const struct sieve_tag_add mailbox_tags[] = {
	{ "fileinto", { "create", SIEVE_ARGT_NONE, SIEVE_TG_NONE, NULL } },
	{ NULL, { NULL, SIEVE_ARGT_NONE, 0, NULL } }
};

const struct sieve_extension sieve_ext_mailbox = {
	.name = "mailbox",
	.defs = mailbox_defs,
	.tag_adds = mailbox_tags,
	.on_action = mailbox_on_action,
};
