/* ph_store.c: the test run's Maildir (see ph_store.h).  Filing goes
 * through the product's plan.c exactly as a delivery's does: the message
 * is written once into the root's tmp/, plan_place links it into every
 * target.  Reading back orders a folder's messages by the time their
 * unique names carry (seconds, then microseconds), which is filing order
 * within one run. */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "folder.h"
#include "maildir_keywords.h"
#include "ph_store.h"
#include "ph_suite.h"

static struct maildir root = { .dirfd = -1, .tmpfd = -1, .newfd = -1,
	.curfd = -1 };
static const struct config *store_cfg;

int ph_store_init(const char *dir, const struct config *cfg)
{
	char path[512];
	struct outcome out = { 0 };

	store_cfg = cfg;
	snprintf(path, sizeof path, "%s/Maildir", dir);
	return maildir_open(&root, AT_FDCWD, path, MAILDIR_CREATE, &out);
}

void ph_store_free(void)
{
	if (root.dirfd >= 0)
		maildir_close(&root);
	root.dirfd = -1;
}

struct maildir *ph_store_root(void)
{
	return &root;
}

static int dirname_of(const char *name, char *out, size_t len)
{
	const char *why;

	return folder_dirname(name, store_cfg->folder_separator,
	    store_cfg->utf8_folders, out, len, &why);
}

int ph_store_create(const char *name)
{
	struct maildir folder;
	struct outcome out = { 0 };
	bool missing = false;
	char dir[256];

	if (dirname_of(name, dir, sizeof dir) != 0)
		return -1;
	if (dir[0] == '\0')
		return 0;
	if (folder_open(&root, dir, true, store_cfg, &folder, &missing,
	    &out) != 0)
		return -1;
	maildir_close(&folder);
	return 0;
}

/* Copy all of src (from offset 0) to fd; its size in *size. */
static int copy_all(int fd, int src, off_t *size)
{
	char buf[8192];
	ssize_t n;
	off_t off = 0;

	while ((n = pread(src, buf, sizeof buf, off)) > 0) {
		for (ssize_t done = 0; done < n; ) {
			ssize_t w = write(fd, buf + done, (size_t)(n - done));

			if (w <= 0)
				return -1;
			done += w;
		}
		off += n;
	}
	*size = off;
	return n == 0 ? 0 : -1;
}

/* Pigeonhole fails a filing whose mailbox cannot be used and reports
 * "failed to store into mailbox 'NAME': WHY"; deliver files such a
 * message into INBOX with a log line.  The test's error list gets
 * Pigeonhole's line for each filing deliver sent to INBOX instead. */
static void report_store_error(const char *name, const char *why)
{
	(void)sieve_msgs_add(&ph_suite.errors, "failed to store into "
	    "mailbox '%s': %s", name, why);
}

/* The fileinto actions whose name deliver refuses (plan_targets files
 * them into INBOX).  Returns how many. */
static int refused_names(const struct plan *plan)
{
	int n = 0;

	for (size_t i = 0; i < plan->count; i++) {
		const struct action *a = &plan->actions[i];
		char dir[256];
		const char *why = NULL;

		if (a->type != ACTION_FILEINTO || a->mailbox == NULL ||
		    folder_dirname(a->mailbox, store_cfg->folder_separator,
		    store_cfg->utf8_folders, dir, sizeof dir, &why) == 0)
			continue;
		(void)sieve_msgs_add(&ph_suite.errors, "failed to store into "
		    "mailbox '%s': Invalid mailbox name (%s)", a->mailbox,
		    why != NULL ? why : "refused");
		n++;
	}
	return n;
}

/* The targets plan_place sent to INBOX: those that named a folder
 * (names, NULL = INBOX all along) and name none after placing. */
static int fallbacks(const struct targets *targets, char (*names)[256])
{
	int n = 0;

	for (size_t i = 0; i < targets->count; i++) {
		struct stat st;

		if (names[i][0] == '\0' || targets->items[i].dirname[0] != '\0')
			continue;
		if (fstatat(root.dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) != 0)
			report_store_error(names[i] + 1,
			    "Mailbox doesn't exist");
		else
			report_store_error(names[i] + 1,
			    "Mailbox cannot be opened");
		n++;
	}
	return n;
}

int ph_store_file(const struct plan *plan, int src)
{
	char tmp[MAILDIR_NAME_MAX], base[MAILDIR_NAME_MAX];
	struct outcome out = { 0 };
	struct targets targets;
	char (*names)[256];
	off_t size = 0;
	int fd, rc = -1, failed = refused_names(plan);

	if (plan_targets(plan, "", store_cfg, &targets) != 0)
		return -1;
	if (targets.count == 0) {
		targets_free(&targets);
		return failed > 0;
	}
	if ((names = calloc(targets.count, sizeof *names)) == NULL) {
		targets_free(&targets);
		return -1;
	}
	for (size_t i = 0; i < targets.count; i++)
		strlcpy(names[i], targets.items[i].dirname, sizeof names[i]);
	fd = maildir_create_tmp(&root, store_cfg->hostname, tmp, sizeof tmp,
	    &out);
	if (fd >= 0 && copy_all(fd, src, &size) == 0 &&
	    maildir_unique_name(base, sizeof base, store_cfg->hostname) == 0) {
		struct delivery_file file = {
			.root = &root, .tmp_name = tmp, .tmp_fd = fd,
			.base = base, .size = size,
			/* editheader: versions from the message's index */
			.headers = &ph_suite.msg.in.headers,
		};

		rc = plan_place(&targets, &file, store_cfg, &out);
	}
	if (fd >= 0) {
		close(fd);
		unlinkat(root.tmpfd, tmp, 0);
	}
	if (rc == 0)
		failed += fallbacks(&targets, names);
	free(names);
	targets_free(&targets);
	return rc < 0 ? -1 : failed > 0;
}

/* A unique name's time, "SECONDS.M<usec>...", as one number. */
static unsigned long long name_time(const char *name)
{
	char *end;
	unsigned long long s = strtoull(name, &end, 10), us = 0;

	if (end[0] == '.' && end[1] == 'M')
		us = strtoull(end + 2, NULL, 10);
	return s * 1000000ULL + us;
}

struct entry {
	unsigned long long when;
	char path[600];   /* folder/sub/name */
};

static int cmp_entries(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* The messages of folder dir's new/ and cur/, sorted. */
static size_t list_folder(const char *dir, struct entry *e, size_t max)
{
	static const char *const subs[] = { "new", "cur" };
	size_t n = 0;

	for (size_t s = 0; s < 2; s++) {
		char path[300];
		int fd;
		DIR *d;
		struct dirent *de;

		snprintf(path, sizeof path, "%s%s%s", dir, *dir ? "/" : "",
		    subs[s]);
		fd = openat(root.dirfd, path, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || (d = fdopendir(fd)) == NULL) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		while ((de = readdir(d)) != NULL && n < max) {
			if (de->d_name[0] == '.')
				continue;
			e[n].when = name_time(de->d_name);
			snprintf(e[n].path, sizeof e[n].path, "%s/%s", path,
			    de->d_name);
			n++;
		}
		closedir(d);
	}
	qsort(e, n, sizeof *e, cmp_entries);
	return n;
}

static int read_file_at(const char *path, char **text, size_t *len)
{
	int fd = openat(root.dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	FILE *m;
	char buf[8192];
	ssize_t n;

	if (fd < 0)
		return -1;
	if ((m = open_memstream(text, len)) == NULL) {
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, m);
	close(fd);
	return fclose(m) == 0 && n == 0 ? 0 : -1;
}

#define PH_FOLDER_LIST_MAX 256

/* The IMAP flags of the file at path (folder/sub/name) from its info
 * letters (":2,FS"), keywords through the folder's dovecot-keywords. */
static void file_flags(const char *dir, const char *path, char *flags,
    size_t flagslen)
{
	const char *info = strstr(path, ":2,");
	int fd;

	flags[0] = '\0';
	if (info == NULL)
		return;
	fd = *dir ? openat(root.dirfd, dir, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC) : dup(root.dirfd);
	maildir_imap_flags(fd, info + 3, flags, flagslen);
	if (fd >= 0)
		close(fd);
}

int ph_store_read(const char *name, size_t n, char **text, size_t *len,
    char *flags, size_t flagslen)
{
	struct entry *e = calloc(PH_FOLDER_LIST_MAX, sizeof *e);
	char dir[256];
	size_t count;
	int rc = -1;

	if (e == NULL)
		return -1;
	if (dirname_of(name, dir, sizeof dir) == 0) {
		count = list_folder(dir, e, PH_FOLDER_LIST_MAX);
		if (n < count && (rc = read_file_at(e[n].path, text, len)) == 0)
			file_flags(dir, e[n].path, flags, flagslen);
	}
	free(e);
	return rc;
}
