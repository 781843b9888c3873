/* test_maildir_nfs.c: what several hosts sharing a Maildir over NFS rely
 * on: a link() answered EEXIST that did succeed (src/maildir.c), tmp/
 * cleanup that spares every host's young files, the filesystem detection
 * and the store decision (src/netfs.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>

#include "config.h"   /* before cmocka.h, whose fail() macro would clash */
#include "maildir.h"
#include "netfs.h"
#include "quota.h"

#include <cmocka.h>

#include "unit_fs.h"

/* ---- linkat double ---------------------------------------------------
 * linked into this program, it replaces the C library's for maildir.c.
 * Armed, it does what an NFS client does when the reply to LINK is lost
 * and the retransmission is answered by a server that had made the link:
 * the link exists, the caller is told EEXIST. */
static int links_retransmitted;
static int link_calls;

int linkat(int olddirfd, const char *oldpath, int newdirfd,
    const char *newpath, int flags)
{
	long rc = syscall(SYS_linkat, olddirfd, oldpath, newdirfd, newpath,
	    flags);

	link_calls++;
	if (rc == 0 && links_retransmitted > 0) {
		links_retransmitted--;
		errno = EEXIST;
		return -1;
	}
	return (int)rc;
}

/* ---- fixture ---------------------------------------------------------- */

struct fixture {
	char dir[64];
	int dirfd;
	struct maildir md;
	struct outcome out;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	strlcpy(f->dir, "/tmp/mdnfs.XXXXXX", sizeof f->dir);
	if (mkdtemp(f->dir) == NULL)
		return -1;
	f->dirfd = open(f->dir, O_RDONLY | O_DIRECTORY);
	if (f->dirfd < 0 || maildir_open(&f->md, f->dirfd, "Maildir",
	    MAILDIR_CREATE, &f->out) < 0)
		return -1;
	links_retransmitted = link_calls = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	maildir_close(&f->md);
	close(f->dirfd);
	unit_remove_tree(AT_FDCWD, f->dir);
	free(f);
	return 0;
}

/* Entries of a directory below the fixture, "." and ".." not counted. */
static int entries(struct fixture *f, const char *path)
{
	int fd = openat(f->dirfd, path, O_RDONLY | O_DIRECTORY), n = 0;
	struct dirent *e;
	DIR *d;

	assert_true(fd >= 0);
	assert_non_null(d = fdopendir(fd));
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

#define BODY "Subject: x\n\nhello\n"

static int message_in_tmp(struct fixture *f, char *name, size_t len)
{
	int fd = maildir_create_tmp(&f->md, "alpha.example", name, len,
	    &f->out);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, BODY, strlen(BODY)), strlen(BODY));
	return fd;
}

static int place_into(struct fixture *f, struct maildir *dst,
    const char *name, int fd, char *placed, size_t len)
{
	memset(&f->out, 0, sizeof f->out);
	return maildir_place(&f->md, name, fd, dst, name, (off_t)strlen(BODY),
	    NULL, false, placed, len, &f->out);
}

static ino_t inode_at(struct fixture *f, const char *path)
{
	struct stat st;

	assert_int_equal(fstatat(f->dirfd, path, &st, AT_SYMLINK_NOFOLLOW), 0);
	return st.st_ino;
}

/* ---- link() answered EEXIST ------------------------------------------- */

static void test_link_retransmitted_is_success(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX], placed[600] = "", want[700];
	int fd = message_in_tmp(f, name, sizeof name);

	links_retransmitted = 1;
	assert_int_equal(place_into(f, &f->md, name, fd, placed,
	    sizeof placed), 0);
	assert_int_equal(f->out.code, EX_OK);
	assert_int_equal(link_calls, 1);
	snprintf(want, sizeof want, "new/%s,S=%zu", name, strlen(BODY));
	assert_string_equal(placed, want);
	assert_int_equal(entries(f, "Maildir/new"), 1);   /* filed once */
	snprintf(want, sizeof want, "Maildir/new/%s,S=%zu", name,
	    strlen(BODY));
	snprintf(placed, sizeof placed, "Maildir/tmp/%s", name);
	assert_true(inode_at(f, want) == inode_at(f, placed));
	close(fd);
}

/* the link made before the call (an earlier attempt, or the first
 * transmission) with the real linkat: same answer */
static void test_link_made_before_is_success(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX], placed[600], final[700];
	int fd = message_in_tmp(f, name, sizeof name);

	snprintf(final, sizeof final, "%s,S=%zu", name, strlen(BODY));
	assert_int_equal(linkat(f->md.tmpfd, name, f->md.newfd, final, 0), 0);
	assert_int_equal(place_into(f, &f->md, name, fd, placed,
	    sizeof placed), 0);
	assert_int_equal(entries(f, "Maildir/new"), 1);
	assert_int_equal(entries(f, "Maildir/cur"), 0);
	close(fd);
}

/* one tmp file linked into two folders has a link count of 3: a second
 * folder's retransmitted link is still recognised by its inode */
static void test_link_retransmitted_into_second_folder(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX], placed[600], path[800];
	struct maildir sub;
	struct stat st;
	int fd = message_in_tmp(f, name, sizeof name);

	assert_int_equal(maildir_open(&sub, f->md.dirfd, ".Sub",
	    MAILDIR_CREATE | MAILDIR_NOFOLLOW, &f->out), 0);
	assert_int_equal(place_into(f, &f->md, name, fd, placed,
	    sizeof placed), 0);
	links_retransmitted = 1;
	assert_int_equal(place_into(f, &sub, name, fd, placed,
	    sizeof placed), 0);
	maildir_close(&sub);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_nlink, 3);
	assert_int_equal(entries(f, "Maildir/.Sub/new"), 1);
	snprintf(path, sizeof path, "Maildir/.Sub/%s", placed);
	assert_true(inode_at(f, path) == st.st_ino);
	close(fd);
}

/* another file with the name: not this message, whatever its link
 * count; it is left as it was */
static void test_link_eexist_other_file_fails(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX], placed[600] = "", path[800], buf[64];
	int fd = message_in_tmp(f, name, sizeof name), other;

	snprintf(path, sizeof path, "Maildir/new/%s,S=%zu", name,
	    strlen(BODY));
	other = openat(f->dirfd, path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(other >= 0);
	assert_int_equal(write(other, "Subject: y\n\nHELLO\n", 18), 18);
	close(other);
	assert_int_equal(place_into(f, &f->md, name, fd, placed,
	    sizeof placed), -1);
	assert_int_equal(f->out.code, EX_TEMPFAIL);
	assert_non_null(strstr(f->out.reason, "another file has the name"));
	assert_string_equal(placed, "");
	assert_int_equal(entries(f, "Maildir/new"), 1);
	other = openat(f->dirfd, path, O_RDONLY);
	assert_int_equal(read(other, buf, sizeof buf), 18);
	assert_memory_equal(buf, "Subject: y\n\nHELLO\n", 18);
	close(other);
	close(fd);
}

/* where hard links are refused an earlier attempt left a copy: the same
 * bytes are this message */
static void test_link_eexist_copy_of_same_bytes_is_success(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX], placed[600], path[800];
	int fd = message_in_tmp(f, name, sizeof name), other;

	snprintf(path, sizeof path, "Maildir/new/%s,S=%zu", name,
	    strlen(BODY));
	other = openat(f->dirfd, path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(other >= 0);
	assert_int_equal(write(other, BODY, strlen(BODY)), strlen(BODY));
	close(other);
	assert_int_equal(place_into(f, &f->md, name, fd, placed,
	    sizeof placed), 0);
	assert_int_equal(entries(f, "Maildir/new"), 1);
	close(fd);
}

/* a symlink at the name is never "the same file" */
static void test_link_eexist_symlink_fails(void **state)
{
	struct fixture *f = *state;
	char name[MAILDIR_NAME_MAX], placed[600], path[800], target[800];
	int fd = message_in_tmp(f, name, sizeof name);

	snprintf(path, sizeof path, "%s/Maildir/new/%s,S=%zu", f->dir, name,
	    strlen(BODY));
	snprintf(target, sizeof target, "%s/Maildir/tmp/%s", f->dir, name);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(place_into(f, &f->md, name, fd, placed,
	    sizeof placed), -1);
	assert_int_equal(f->out.code, EX_TEMPFAIL);
	close(fd);
}

/* ---- tmp/ cleanup with several hosts ---------------------------------- */

static void tmp_file(struct fixture *f, const char *name, time_t mtime)
{
	struct timespec t[2] = { { mtime, 0 }, { mtime, 0 } };
	int fd = openat(f->md.tmpfd, name, O_WRONLY | O_CREAT | O_EXCL, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x\n", 2), 2);
	assert_int_equal(futimens(fd, t), 0);
	close(fd);
}

static bool in_tmp(struct fixture *f, const char *name)
{
	return faccessat(f->md.tmpfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

#define OURS   "1700000000.M1P10Q1R0123456789abcdef.alpha.example"
#define THEIRS "1700000000.M1P10Q1R0123456789abcdef.beta.example"

static void test_tmp_other_host_young_file_stays(void **state)
{
	struct fixture *f = *state;
	const time_t now = 1800000000;

	tmp_file(f, THEIRS, now - MAILDIR_STALE_SECONDS + 1);
	tmp_file(f, OURS, now - MAILDIR_STALE_SECONDS + 1);
	tmp_file(f, THEIRS ".copy", now - MAILDIR_STALE_SECONDS + 1);
	assert_int_equal(maildir_scan_tmp(&f->md, 100, now), 0);
	assert_true(in_tmp(f, THEIRS));
	assert_true(in_tmp(f, OURS));
	assert_true(in_tmp(f, THEIRS ".copy"));
}

static void test_tmp_other_host_file_goes_at_36_hours(void **state)
{
	struct fixture *f = *state;
	const time_t now = 1800000000;

	tmp_file(f, THEIRS, now - MAILDIR_STALE_SECONDS);
	tmp_file(f, OURS, now - MAILDIR_STALE_SECONDS);
	tmp_file(f, ".hidden.beta.example", now - 10 * MAILDIR_STALE_SECONDS);
	assert_int_equal(maildir_scan_tmp(&f->md, 100, now), 2);
	assert_false(in_tmp(f, THEIRS));
	assert_false(in_tmp(f, OURS));
	assert_true(in_tmp(f, ".hidden.beta.example"));
}

/* tmp/'s scan stamp a little in the future is a server clock running
 * ahead: not due (every delivery would scan); far in the future is a
 * clock set back: due */
static void test_tmp_scan_stamp_slightly_ahead_not_due(void **state)
{
	struct fixture *f = *state;
	time_t now = time(NULL);
	struct timespec t[2] = { { now + 600, 0 }, { 0, UTIME_OMIT } };

	tmp_file(f, THEIRS, now - MAILDIR_STALE_SECONDS - 3600);
	assert_int_equal(futimens(f->md.tmpfd, t), 0);
	assert_int_equal(maildir_clean_tmp(&f->md, 100), 0);
	assert_true(in_tmp(f, THEIRS));
	t[0].tv_sec = now + MAILDIR_SCAN_SECONDS + 600;
	assert_int_equal(futimens(f->md.tmpfd, t), 0);
	assert_int_equal(maildir_clean_tmp(&f->md, 100), 1);
	assert_false(in_tmp(f, THEIRS));
}

/* ---- detection -------------------------------------------------------- */

static void test_netfs_type_names(void **state)
{
	(void)state;
	assert_string_equal(netfs_type_name(NFS_SUPER_MAGIC), "nfs");
	assert_string_equal(netfs_type_name(SMB2_SUPER_MAGIC), "smb2");
	assert_string_equal(netfs_type_name(CEPH_SUPER_MAGIC), "ceph");
	assert_string_equal(netfs_type_name(FUSE_SUPER_MAGIC), "fuse");
	assert_string_equal(netfs_type_name(V9FS_MAGIC), "9p");
	assert_string_equal(netfs_type_name(OCFS2_SUPER_MAGIC), "ocfs2");
	assert_string_equal(netfs_type_name(0x0BD00BD0UL), "lustre");
	assert_string_equal(netfs_type_name(0x01161970UL), "gfs2");
	/* CIFS's magic has the top bit set: sign-extended in a 64-bit word */
	assert_string_equal(netfs_type_name((unsigned long)(long)(int32_t)
	    0xFF534D42UL), "cifs");
	assert_null(netfs_type_name(EXT4_SUPER_MAGIC));
	assert_null(netfs_type_name(TMPFS_MAGIC));
	assert_null(netfs_type_name(XFS_SUPER_MAGIC));
	assert_null(netfs_type_name(BTRFS_SUPER_MAGIC));
	assert_null(netfs_type_name(OVERLAYFS_SUPER_MAGIC));
}

static void test_netfs_probe_missing_path_uses_ancestor(void **state)
{
	struct fixture *f = *state;
	char path[200];
	const char *type = "unset";

	snprintf(path, sizeof path, "%s/no/such/dir/deliver.db", f->dir);
	/* the test directory is local here (tmpfs, ext4, overlay) */
	assert_int_equal(netfs_probe(path, &type), 0);
	assert_null(type);
	assert_int_equal(netfs_probe("relative/none", &type), 0);
}

static void test_netfs_store_is_file(void **state)
{
	(void)state;
	assert_true(netfs_store_is_file("deliver.db"));
	assert_true(netfs_store_is_file("/var/lib/deliver/u.db"));
	assert_false(netfs_store_is_file(""));
	assert_false(netfs_store_is_file("none"));
	assert_false(netfs_store_is_file("postgresql://db.example/mail"));
	assert_false(netfs_store_is_file("postgres:///mail?host=/run/pg"));
}

static void store_case(struct config *cfg, const char *store,
    enum maildir_network mode)
{
	config_defaults(cfg);
	free(cfg->store);
	cfg->store = strdup(store);
	cfg->maildir_network = mode;
}

static void test_netfs_store_allowed_override(void **state)
{
	struct fixture *f = *state;
	char maildir[200], why[600], store[300];
	struct config cfg;

	snprintf(maildir, sizeof maildir, "%s/Maildir", f->dir);
	store_case(&cfg, "deliver.db", MAILDIR_NETWORK_YES);
	assert_false(netfs_store_allowed(&cfg, maildir, "/home/u", why,
	    sizeof why));
	snprintf(store, sizeof store, "store %s/deliver.db is on a network "
	    "filesystem (maildir_network = yes)", maildir);
	assert_string_equal(why, store);
	config_free(&cfg);

	/* an absolute path inside the Maildir is inside it */
	snprintf(store, sizeof store, "%s/sub/x.db", maildir);
	store_case(&cfg, store, MAILDIR_NETWORK_YES);
	assert_false(netfs_store_allowed(&cfg, maildir, NULL, why,
	    sizeof why));
	config_free(&cfg);

	/* a local path elsewhere is fine; so is a name merely sharing the
	 * prefix ("Maildir2") */
	snprintf(store, sizeof store, "%s/Maildir2/x.db", f->dir);
	store_case(&cfg, store, MAILDIR_NETWORK_YES);
	assert_true(netfs_store_allowed(&cfg, maildir, NULL, why,
	    sizeof why));
	assert_string_equal(why, "");
	config_free(&cfg);

	store_case(&cfg, "deliver.db", MAILDIR_NETWORK_AUTO);
	assert_true(netfs_store_allowed(&cfg, maildir, NULL, why,
	    sizeof why));
	config_free(&cfg);
	store_case(&cfg, "deliver.db", MAILDIR_NETWORK_NO);
	assert_true(netfs_store_allowed(&cfg, maildir, NULL, why,
	    sizeof why));
	config_free(&cfg);
	store_case(&cfg, "postgresql://db/mail", MAILDIR_NETWORK_YES);
	assert_true(netfs_store_allowed(&cfg, maildir, NULL, why,
	    sizeof why));
	config_free(&cfg);
	store_case(&cfg, "none", MAILDIR_NETWORK_YES);
	assert_true(netfs_store_allowed(&cfg, maildir, NULL, why,
	    sizeof why));
	config_free(&cfg);
}

static void test_config_key_maildir_network(void **state)
{
	struct config cfg;
	char err[200];

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(cfg.maildir_network, MAILDIR_NETWORK_AUTO);
	assert_int_equal(config_set(&cfg, "maildir_network", "yes", err,
	    sizeof err), 0);
	assert_int_equal(cfg.maildir_network, MAILDIR_NETWORK_YES);
	assert_int_equal(config_set(&cfg, "maildir_network", "no", err,
	    sizeof err), 0);
	assert_int_equal(cfg.maildir_network, MAILDIR_NETWORK_NO);
	assert_int_equal(config_set(&cfg, "maildir_network", "nfs", err,
	    sizeof err), -1);
	config_free(&cfg);
}

/* ---- maildirsize after colliding appends -------------------------------
 * what two NFS clients appending at one offset leave, as the reader sees
 * it (tests/integration/46-quota-nfs-appends.t files real messages) */

static void parse(const char *buf, size_t len, struct maildirsize *ms)
{
	maildirsize_parse(buf, len, ms);
}

#define PARSE(lit, ms) parse(lit, sizeof lit - 1, ms)

static void test_maildirsize_fragment_is_corrupt(void **state)
{
	struct maildirsize ms;

	(void)state;
	/* "1234 1\n" then "51 1\n" at the same offset: "1" remains */
	PARSE("1000S\n0 0\n51 1\n1\n", &ms);
	assert_true(ms.corrupt);
	assert_int_equal(quota_recalc_on_read(&ms, NULL), RECALC_CORRUPT);
	/* two lines merged into three numbers */
	PARSE("1000S\n0 0\n1234 51 1\n", &ms);
	assert_true(ms.corrupt);
	/* a stale end of file: a hole of NUL bytes before the line */
	PARSE("1000S\n0 0\n\0\0\0\0\0" "51 1\n", &ms);
	assert_true(ms.corrupt);
	assert_int_equal(quota_recalc_on_read(&ms, NULL), RECALC_CORRUPT);
}

static void test_maildirsize_append_in_flight_is_ignored(void **state)
{
	struct maildirsize ms;

	(void)state;
	PARSE("1000S\n0 0\n51 1\n12", &ms);
	assert_false(ms.corrupt);
	assert_int_equal(ms.bytes, 51);
	assert_int_equal(ms.lines, 2);
}

/* a fragment can parse ("123456 1" under "12 1" leaves "6 1"): the sums
 * are then low, never high for deliver's own lines; a delivery they put
 * over quota has more than one line and so recalculates before refusing */
static void test_maildirsize_parsing_fragment_recounts_when_over(void **state)
{
	struct maildirsize ms;
	const time_t now = 1800000000;

	(void)state;
	PARSE("1000S\n0 0\n12 1\n6 1\n", &ms);
	assert_false(ms.corrupt);
	assert_int_equal(ms.bytes, 18);
	assert_int_equal(ms.count, 2);
	assert_true(quota_recalc_when_over(ms.lines, now, now));
	/* only a file of one line (a fresh recalculation's) is believed */
	assert_false(quota_recalc_when_over(1, now, now));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_link_retransmitted_is_success),
		T(test_link_made_before_is_success),
		T(test_link_retransmitted_into_second_folder),
		T(test_link_eexist_other_file_fails),
		T(test_link_eexist_copy_of_same_bytes_is_success),
		T(test_link_eexist_symlink_fails),
		T(test_tmp_other_host_young_file_stays),
		T(test_tmp_other_host_file_goes_at_36_hours),
		T(test_tmp_scan_stamp_slightly_ahead_not_due),
		cmocka_unit_test(test_netfs_type_names),
		T(test_netfs_probe_missing_path_uses_ancestor),
		cmocka_unit_test(test_netfs_store_is_file),
		T(test_netfs_store_allowed_override),
		cmocka_unit_test(test_config_key_maildir_network),
		cmocka_unit_test(test_maildirsize_fragment_is_corrupt),
		cmocka_unit_test(test_maildirsize_append_in_flight_is_ignored),
		cmocka_unit_test(
		    test_maildirsize_parsing_fragment_recounts_when_over),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
