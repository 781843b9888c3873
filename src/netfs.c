/* netfs.c: network-filesystem detection by statfs(2) f_type, and whether
 * the SQLite store may be opened (see netfs.h). */
#include "netfs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>

#include <linux/gfs2_ondisk.h>
#include <linux/magic.h>

#include "log.h"

/* Magic numbers that the kernel's UAPI headers do not carry (out-of-tree
 * filesystems, or ones kept in the filesystem's private headers); the
 * values are those the filesystems put into f_type. */
#define NETFS_LUSTRE_MAGIC   0x0BD00BD0UL  /* Lustre's LL_SUPER_MAGIC */
#define NETFS_GPFS_MAGIC     0x47504653UL  /* IBM Spectrum Scale: "GPFS" */
#define NETFS_PANFS_MAGIC    0xAAD7AAEAUL  /* Panasas PanFS */
#define NETFS_BEEGFS_MAGIC   0x19830326UL  /* BeeGFS (formerly FhGFS) */
#define NETFS_ORANGEFS_MAGIC 0x20030528UL  /* OrangeFS / PVFS2 */

/* Every filesystem whose files other hosts write too.  FUSE counts: it
 * carries GlusterFS's native client, sshfs, ceph-fuse, s3fs and the
 * like; a local FUSE filesystem (bindfs, ntfs-3g) is the reason
 * maildir_network = no exists.  GFS2 and OCFS2 are shared-disk cluster
 * filesystems: local block devices, but other nodes write the same
 * files, and SQLite's shared memory does not reach them either. */
static const struct {
	unsigned long magic;
	const char *name;
} network_types[] = {
	{ NFS_SUPER_MAGIC, "nfs" },
	{ SMB_SUPER_MAGIC, "smb" },
	{ CIFS_SUPER_MAGIC, "cifs" },
	{ SMB2_SUPER_MAGIC, "smb2" },
	{ CEPH_SUPER_MAGIC, "ceph" },
	{ FUSE_SUPER_MAGIC, "fuse" },
	{ AFS_SUPER_MAGIC, "afs" },      /* OpenAFS */
	{ AFS_FS_MAGIC, "afs" },         /* the kernel's kAFS */
	{ CODA_SUPER_MAGIC, "coda" },
	{ NCP_SUPER_MAGIC, "ncpfs" },
	{ V9FS_MAGIC, "9p" },
	{ OCFS2_SUPER_MAGIC, "ocfs2" },
	{ GFS2_MAGIC, "gfs2" },
	{ NETFS_LUSTRE_MAGIC, "lustre" },
	{ NETFS_GPFS_MAGIC, "gpfs" },
	{ NETFS_PANFS_MAGIC, "panfs" },
	{ NETFS_BEEGFS_MAGIC, "beegfs" },
	{ NETFS_ORANGEFS_MAGIC, "orangefs" },
};

const char *netfs_type_name(unsigned long f_type)
{
	/* f_type is a signed word on some ABIs: compare its low 32 bits */
	f_type &= 0xFFFFFFFFUL;
	for (size_t i = 0; i < sizeof network_types / sizeof network_types[0];
	    i++)
		if (network_types[i].magic == f_type)
			return network_types[i].name;
	return NULL;
}

/* The parent of path in place ("/a/b" -> "/a", "a" -> "."); false when
 * there is none left to try. */
static bool to_parent(char *path, size_t len)
{
	char *slash = strrchr(path, '/');

	if (strcmp(path, "/") == 0 || strcmp(path, ".") == 0)
		return false;
	if (slash == NULL)
		return strlcpy(path, ".", len) < len;
	if (slash == path)
		slash[1] = '\0';
	else
		*slash = '\0';
	return true;
}

int netfs_probe(const char *path, const char **type)
{
	char at[PATH_MAX];
	struct statfs sf;

	*type = NULL;
	if (strlcpy(at, path, sizeof at) >= sizeof at) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* bounded by the path's length: each step drops one component */
	while (statfs(at, &sf) < 0) {
		if ((errno != ENOENT && errno != ENOTDIR) ||
		    !to_parent(at, sizeof at))
			return -1;
	}
	*type = netfs_type_name((unsigned long)sf.f_type);
	return *type != NULL;
}

bool netfs_store_is_file(const char *store)
{
	return store != NULL && store[0] != '\0' &&
	    strcmp(store, "none") != 0 &&
	    strncmp(store, "postgresql://", 13) != 0 &&
	    strncmp(store, "postgres://", 11) != 0;
}

/* The store file's path, resolved as the store does: absolute, ~/ for
 * the home, else relative to the Maildir. */
static int store_file_path(char *out, size_t len, const char *store,
    const char *maildir, const char *home)
{
	int n;

	if (store[0] == '/')
		n = snprintf(out, len, "%s", store);
	else if (strncmp(store, "~/", 2) == 0 && home != NULL)
		n = snprintf(out, len, "%s/%s", home, store + 2);
	else
		n = snprintf(out, len, "%s/%s", maildir, store);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* maildir_network = yes: a store file named relative to the Maildir, or
 * with the Maildir's path as its prefix, is inside it. */
static bool inside_maildir(const char *store, const char *file,
    const char *maildir)
{
	size_t n = strlen(maildir);

	if (store[0] != '/' && strncmp(store, "~/", 2) != 0)
		return true;
	return strncmp(file, maildir, n) == 0 && file[n] == '/';
}

bool netfs_store_allowed(const struct config *cfg, const char *maildir,
    const char *home, char *why, size_t whylen)
{
	char file[PATH_MAX], shown[PATH_MAX * 4 + 1];
	const char *type = NULL;

	why[0] = '\0';
	if (cfg->maildir_network == MAILDIR_NETWORK_NO ||
	    !netfs_store_is_file(cfg->store) ||
	    store_file_path(file, sizeof file, cfg->store, maildir, home) < 0)
		return true;   /* a path too long: the store reports it */
	if (cfg->maildir_network == MAILDIR_NETWORK_YES &&
	    inside_maildir(cfg->store, file, maildir))
		type = "maildir_network = yes";
	else if (netfs_probe(file, &type) <= 0)
		return true;   /* local, or cannot tell: SQLite's own errors */
	log_escape(file, shown, sizeof shown);
	snprintf(why, whylen, "store %s is on a network filesystem (%s)",
	    shown, type);
	return false;
}

bool netfs_store_ok(const struct config *cfg, const char *maildir,
    const char *home)
{
	char why[PATH_MAX * 4 + 128];

	if (netfs_store_allowed(cfg, maildir, home, why, sizeof why))
		return true;
	log_line(LOG_WARNING, "%s: delivering without it (no duplicate "
	    "suppression, delivery log or vacation tracking); %s", why,
	    NETFS_STORE_FIX);
	return false;
}
