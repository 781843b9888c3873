/* maildir_keywords.c: IMAP keywords through Dovecot's dovecot-keywords
 * file (see maildir_keywords.h). */
#include "maildir_keywords.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "maildir.h"

#define KEYWORDS_FILE "dovecot-keywords"
#define KEYWORDS_LOCK "dovecot-keywords.lock"
#define KEYWORDS_FILE_MAX (64 * 1024)  /* 26 names: anything larger is junk */
#define LOCK_STALE_SECONDS 120         /* Dovecot's KEYWORDS_LOCK_STALE */
#define LOCK_WAIT_TRIES 50             /* x 100 ms */

/* The folder's table: names[i] is the keyword of letter 'a' + i. */
struct keyword_table {
	char names[MAILDIR_KEYWORDS_MAX][MAILDIR_KEYWORD_LEN_MAX + 1];
	struct timespec mtime;             /* of the file read, 0 if none */
};

bool maildir_keyword_valid(const char *keyword)
{
	size_t n = strlen(keyword);

	if (n == 0 || n > MAILDIR_KEYWORD_LEN_MAX || keyword[0] == '\\')
		return false;
	for (const char *p = keyword; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("(){%*\"\\]", *p))
			return false;
	return true;
}

/* One line "N name" into the table; anything else is skipped, as Dovecot
 * skips it. */
static void parse_line(char *line, struct keyword_table *t)
{
	char *space = strchr(line, ' ');
	const char *err = NULL;
	long long idx;

	if (space == NULL)
		return;
	*space = '\0';
	idx = strtonum(line, 0, MAILDIR_KEYWORDS_MAX - 1, &err);
	if (err != NULL || !maildir_keyword_valid(space + 1))
		return;
	strlcpy(t->names[idx], space + 1, sizeof t->names[idx]);
}

/* Read the folder's table; a missing file is an empty table. */
static int read_table(int dirfd, struct keyword_table *t)
{
	char *buf, *line, *save = NULL;
	struct stat st;
	ssize_t got;
	int fd;

	memset(t, 0, sizeof *t);
	fd = openat(dirfd, KEYWORDS_FILE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > KEYWORDS_FILE_MAX ||
	    (buf = malloc(KEYWORDS_FILE_MAX + 1)) == NULL) {
		close(fd);
		return -1;
	}
	got = read(fd, buf, KEYWORDS_FILE_MAX);
	close(fd);
	if (got < 0) {
		free(buf);
		return -1;
	}
	buf[got] = '\0';
	t->mtime = st.st_mtim;
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		parse_line(line, t);
	free(buf);
	return 0;
}

static int find_name(const struct keyword_table *t, const char *name)
{
	for (int i = 0; i < MAILDIR_KEYWORDS_MAX; i++)
		if (strcasecmp(t->names[i], name) == 0)
			return i;
	return -1;
}

static int free_slot(const struct keyword_table *t)
{
	for (int i = 0; i < MAILDIR_KEYWORDS_MAX; i++)
		if (t->names[i][0] == '\0')
			return i;
	return -1;
}

/* Take Dovecot's dot-lock: the lock file is created exclusively and later
 * becomes the new file.  A lock older than Dovecot's stale timeout was
 * left by a dead writer and is removed. */
static int take_lock(int dirfd)
{
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	struct stat st;

	for (int tries = 0; tries < LOCK_WAIT_TRIES; tries++) {
		int fd = openat(dirfd, KEYWORDS_LOCK, O_WRONLY | O_CREAT |
		    O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

		if (fd >= 0 || errno != EEXIST)
			return fd;
		if (fstatat(dirfd, KEYWORDS_LOCK, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 &&
		    st.st_mtime + LOCK_STALE_SECONDS < time(NULL)) {
			unlinkat(dirfd, KEYWORDS_LOCK, 0);
			continue;
		}
		nanosleep(&pause, NULL);
	}
	errno = EWOULDBLOCK;
	return -1;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write the table into the lock file.  Dovecot re-reads the file only
 * when its mtime changed, so the new one must be strictly newer. */
static int write_table(int fd, const struct keyword_table *t)
{
	char buf[MAILDIR_KEYWORDS_MAX * (MAILDIR_KEYWORD_LEN_MAX + 8)];
	struct timespec times[2];
	struct stat st;
	size_t len = 0;

	for (int i = 0; i < MAILDIR_KEYWORDS_MAX; i++) {
		int n;

		if (t->names[i][0] == '\0')
			continue;
		n = snprintf(buf + len, sizeof buf - len, "%d %s\n", i,
		    t->names[i]);
		if (n < 0 || (size_t)n >= sizeof buf - len)
			return -1;
		len += (size_t)n;
	}
	if (write_all(fd, buf, len) < 0 || fstat(fd, &st) < 0)
		return -1;
	if (st.st_mtime <= t->mtime.tv_sec) {
		times[0].tv_sec = times[1].tv_sec = t->mtime.tv_sec + 1;
		times[0].tv_nsec = times[1].tv_nsec = 0;
		if (futimens(fd, times) < 0)
			return -1;
	}
	return fsync(fd);
}

/* Add the missing names to the table under the lock and replace the
 * file.  *full is set when some name found no free letter. */
static int add_names(int dirfd, char **missing, size_t n, bool *full)
{
	struct keyword_table t;
	int fd = take_lock(dirfd), rc = -1;

	if (fd < 0)
		return -1;
	if (read_table(dirfd, &t) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		int slot;

		if (find_name(&t, missing[i]) >= 0)
			continue;
		if ((slot = free_slot(&t)) < 0) {
			*full = true;
			continue;
		}
		strlcpy(t.names[slot], missing[i], sizeof t.names[slot]);
	}
	if (write_table(fd, &t) < 0)
		goto out;
	if (renameat(dirfd, KEYWORDS_LOCK, dirfd, KEYWORDS_FILE) < 0)
		goto out;
	rc = maildir_fsync_dir(dirfd);
out:
	close(fd);
	if (rc < 0)
		unlinkat(dirfd, KEYWORDS_LOCK, 0);
	return rc;
}

static void append_letter(char *letters, size_t len, int idx)
{
	char one[2] = { (char)('a' + idx), '\0' };

	if (strchr(letters, one[0]) == NULL)
		strlcat(letters, one, len);
}

/* Split keywords (a copy) into words; invalid ones set *bad. */
static size_t split_words(char *copy, char **words, size_t max, bool *bad)
{
	char *save = NULL;
	size_t n = 0;

	for (char *w = strtok_r(copy, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		if (!maildir_keyword_valid(w) || n == max)
			*bad = true;
		else
			words[n++] = w;
	}
	return n;
}

int maildir_keywords_letters(int dirfd, const char *keywords, char *letters,
    size_t len, const char **why)
{
	char *copy = strdup(keywords), *words[MAILDIR_KEYWORDS_MAX + 1];
	char *missing[MAILDIR_KEYWORDS_MAX + 1];
	struct keyword_table t;
	bool bad = false, full = false;
	size_t n, nmissing = 0;
	int rc = 0;

	*why = NULL;
	if (copy == NULL) {
		*why = "out of memory";
		return -1;
	}
	n = split_words(copy, words, MAILDIR_KEYWORDS_MAX + 1, &bad);
	if (read_table(dirfd, &t) < 0) {
		*why = "dovecot-keywords unreadable";
		free(copy);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (find_name(&t, words[i]) < 0)
			missing[nmissing++] = words[i];
	if (nmissing > 0 && (add_names(dirfd, missing, nmissing, &full) < 0 ||
	    read_table(dirfd, &t) < 0)) {
		*why = errno == EWOULDBLOCK ? "dovecot-keywords.lock held" :
		    "dovecot-keywords could not be written";
		rc = -1;
	}
	for (size_t i = 0; i < n; i++) {
		int idx = find_name(&t, words[i]);

		if (idx >= 0)
			append_letter(letters, len, idx);
		else if (rc == 0)
			full = true;
	}
	if (rc == 0 && (bad || full)) {
		*why = bad ? "invalid keyword" : "all 26 keyword letters taken";
		rc = -1;
	}
	free(copy);
	return rc;
}

static void append_word(char *out, size_t len, const char *word)
{
	if (strlen(out) + (out[0] != '\0') + strlen(word) >= len)
		return;
	if (out[0] != '\0')
		strlcat(out, " ", len);
	strlcat(out, word, len);
}

void maildir_imap_flags(int dirfd, const char *letters, char *out,
    size_t len)
{
	static const char *const system[26] = {
		['S' - 'A'] = "\\Seen", ['R' - 'A'] = "\\Answered",
		['F' - 'A'] = "\\Flagged", ['T' - 'A'] = "\\Deleted",
		['D' - 'A'] = "\\Draft",
	};
	struct keyword_table t;
	bool have_table = dirfd >= 0 && read_table(dirfd, &t) == 0;

	if (len == 0)
		return;
	out[0] = '\0';
	for (const char *p = letters; p != NULL && *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z' && system[*p - 'A'] != NULL)
			append_word(out, len, system[*p - 'A']);
		else if (*p >= 'a' && *p <= 'z' && have_table &&
		    t.names[*p - 'a'][0] != '\0')
			append_word(out, len, t.names[*p - 'a']);
	}
}
