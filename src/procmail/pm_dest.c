/* pm_dest.c: see pm_dest.h. */
#include "pm_dest.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "folder.h"

/* a and b name the same directory: equal but for trailing slashes */
static bool same_dir(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (lb > 1 && b[lb - 1] == '/')
		lb--;
	return la == lb && memcmp(a, b, la) == 0;
}

/* The part of dest below maildir; NULL when dest is elsewhere. */
static const char *below(const char *dest, const char *maildir)
{
	size_t n = strlen(maildir);

	while (n > 1 && maildir[n - 1] == '/')
		n--;
	if (dest[0] != '/')
		return dest;
	if (n > 0 && strncmp(dest, maildir, n) == 0 && dest[n] == '/')
		return dest + n + 1;
	return NULL;
}

static enum pm_dest_kind folder_named(const char *name, char *folder,
    size_t folderlen, struct pm_verdict *v)
{
	char dir[4096];
	const char *why = NULL;

	if (snprintf(folder, folderlen, "%s", name) >= (int)folderlen) {
		pm_verdict_add(v, PM_UNTRANSLATABLE, "folder name too long");
		return PM_DEST_NONE;
	}
	/* a name built from a runtime variable is checked at delivery */
	if (!strstr(name, "${") && folder_dirname(name, '.', false, dir,
	    sizeof dir, &why) < 0) {
		pm_verdict_add(v, PM_UNTRANSLATABLE, "\"%s\" is no folder name "
		    "deliver accepts (%s)", name, why ? why : "invalid");
		return PM_DEST_NONE;
	}
	return PM_DEST_FOLDER;
}

enum pm_dest_kind pm_dest_map(const char *dest, const char *maildir,
    const char *deflt, char *folder, size_t folderlen, struct pm_verdict *v)
{
	char rel[4096];
	const char *r;
	size_t n;

	if (strcmp(dest, "/dev/null") == 0)
		return PM_DEST_DISCARD;
	if (same_dir(dest, deflt) || same_dir(dest, maildir))
		return PM_DEST_KEEP;
	if ((r = below(dest, maildir)) == NULL) {
		pm_verdict_add(v, PM_UNTRANSLATABLE, "%s is outside $MAILDIR",
		    dest);
		return PM_DEST_NONE;
	}
	while (strncmp(r, "./", 2) == 0)
		r += 2;
	if (strlen(r) >= sizeof rel) {
		pm_verdict_add(v, PM_UNTRANSLATABLE, "folder name too long");
		return PM_DEST_NONE;
	}
	strlcpy(rel, r, sizeof rel);
	n = strlen(rel);
	if (n == 0 || strcmp(rel, ".") == 0 || strcmp(rel, "/") == 0)
		return PM_DEST_KEEP;
	if (n >= 2 && strcmp(rel + n - 2, "/.") == 0) {
		rel[n - 2] = '\0';
		pm_verdict_add(v, PM_DIFFERS, "MH folder %s/. becomes the "
		    "Maildir++ folder .%s/", rel, rel);
		return folder_named(rel, folder, folderlen, v);
	}
	if (rel[n - 1] != '/') {
		pm_verdict_add(v, PM_DIFFERS, "mbox file %s becomes the "
		    "Maildir++ folder .%s/", rel, rel);
		return folder_named(rel, folder, folderlen, v);
	}
	while (n > 0 && rel[n - 1] == '/')
		rel[--n] = '\0';
	if (rel[0] != '.') {
		pm_verdict_add(v, PM_DIFFERS, "maildir %s/ becomes the "
		    "Maildir++ folder .%s/", rel, rel);
		return folder_named(rel, folder, folderlen, v);
	}
	if (strchr(rel, '/'))
		pm_verdict_add(v, PM_DIFFERS, "maildir %s/ inside another "
		    "folder becomes one Maildir++ folder", rel);
	return folder_named(rel + 1, folder, folderlen, v);
}
