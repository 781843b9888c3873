#include "folder.h"
#include <string.h>
#include <fcntl.h>
#include <stdio.h>
#include <strings.h>
int folder_dirname(const char *name, char separator, bool utf8, char *out,
    size_t outlen, const char **why)
{
	(void)separator; (void)utf8; (void)why;
	if (name == NULL || !*name || strcasecmp(name, "INBOX") == 0) { out[0] = 0; return 0; }
	snprintf(out, outlen, ".%s", name);
	return 0;
}
int folder_open(struct maildir *root, const char *dirname, bool create,
    const struct config *cfg, struct maildir *folder, bool *missing,
    struct outcome *out)
{
	(void)cfg; (void)missing;
	return maildir_open(folder, root->dirfd, dirname, MAILDIR_NOFOLLOW | (create ? MAILDIR_CREATE : 0), out);
}
