/* quota.c: maildirsize parsing, reading, the recalculation rules and the
 * per-delivery check and append (see quota.h).  The scan lives in
 * quota_scan.c, the warning and the admin report in quota_warn.c. */
#include "quota.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- definitions ------------------------------------------------------ */

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Digits at p (no sign); -1 on none or on overflow past UINT64_MAX. */
static int read_digits(const char **pp, const char *end, uint64_t *v)
{
	const char *p = *pp;
	uint64_t n = 0;

	if (p == end || !isdigit((unsigned char)*p))
		return -1;
	for (; p < end && isdigit((unsigned char)*p); p++) {
		if (n > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	*pp = p;
	*v = n;
	return 0;
}

/* K/M/G/T multiplier (powers of 1024); 1 when there is none. */
static uint64_t multiplier(const char **pp, const char *end)
{
	static const char units[] = "KMGT";
	const char *u;

	if (*pp == end || **pp == '\0' ||
	    (u = strchr(units, toupper((unsigned char)**pp))) == NULL)
		return 1;
	(*pp)++;
	return (uint64_t)1 << (10 * (u - units + 1));
}

/* One config item: "<n>[KMGT][S]" (bytes) or "<n>C" (count). */
static int parse_config_item(const char *p, const char *end,
    struct quota_limits *q, bool *seen_s, bool *seen_c)
{
	uint64_t n, mult;
	char kind;

	p = skip_blanks(p, end);
	if (read_digits(&p, end, &n) < 0)
		return -1;
	mult = multiplier(&p, end);
	p = skip_blanks(p, end);
	kind = p < end ? (char)toupper((unsigned char)*p++) : 'S';
	if (skip_blanks(p, end) != end || (kind != 'S' && kind != 'C'))
		return -1;
	if (n && mult > (uint64_t)INT64_MAX / n)
		return -1;
	if (kind == 'C') {
		if (mult != 1 || *seen_c)
			return -1;
		*seen_c = true;
		q->count = n;
	} else {
		if (*seen_s)
			return -1;
		*seen_s = true;
		q->bytes = n * mult;
	}
	return 0;
}

int quota_parse_config(const char *text, struct quota_limits *q)
{
	bool seen_s = false, seen_c = false;
	const char *p = text, *comma;

	memset(q, 0, sizeof *q);
	if (*text == '\0')
		return -1;
	for (;;) {
		comma = strchr(p, ',');
		if (parse_config_item(p, comma ? comma : p + strlen(p), q,
		    &seen_s, &seen_c) < 0)
			return -1;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

bool quota_config_valid(const char *text)
{
	struct quota_limits q;

	return *text == '\0' || strcmp(text, "none") == 0 ||
	    quota_parse_config(text, &q) == 0;
}

/* Digits, saturating at INT64_MAX as Dovecot does; -1 when there are none. */
static int read_capped(const char **pp, const char *end, uint64_t *v)
{
	const char *p = *pp;
	uint64_t n = 0;

	if (p == end || !isdigit((unsigned char)*p))
		return -1;
	for (; p < end && isdigit((unsigned char)*p); p++)
		n = n > (uint64_t)INT64_MAX / 10 ? (uint64_t)INT64_MAX :
		    n * 10 + (uint64_t)(*p - '0');
	*v = n > (uint64_t)INT64_MAX ? (uint64_t)INT64_MAX : n;
	*pp = p;
	return 0;
}

void quota_parse_definition(const char *line, size_t len,
    struct quota_limits *q)
{
	const char *p = line, *end = line + len;

	memset(q, 0, sizeof *q);
	while (p < end) {
		const char *item_end = memchr(p, ',', (size_t)(end - p));
		uint64_t n;

		if (item_end == NULL)
			item_end = end;
		p = skip_blanks(p, item_end);
		/* unknown items are skipped, as Courier and Dovecot do */
		if (read_capped(&p, item_end, &n) == 0 && p < item_end &&
		    (*p == 'S' || *p == 'C'))
			*(*p == 'S' ? &q->bytes : &q->count) = n;
		p = item_end + 1;
	}
}

int quota_format_definition(const struct quota_limits *q, char *buf,
    size_t len)
{
	int n;

	if (q->bytes && q->count)
		n = snprintf(buf, len, "%lluS,%lluC",
		    (unsigned long long)q->bytes, (unsigned long long)q->count);
	else if (q->count)
		n = snprintf(buf, len, "%lluC", (unsigned long long)q->count);
	else
		n = snprintf(buf, len, "%lluS", (unsigned long long)q->bytes);
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

/* ---- the file's contents ---------------------------------------------- */

/* A signed decimal; -1 on junk or overflow. */
static int read_signed(const char **pp, const char *end, int64_t *v)
{
	const char *p = *pp;
	bool negative = false;
	uint64_t n;

	if (p < end && *p == '-') {
		negative = true;
		p++;
	}
	if (read_digits(&p, end, &n) < 0 || n > (uint64_t)INT64_MAX)
		return -1;
	*v = negative ? -(int64_t)n : (int64_t)n;
	*pp = p;
	return 0;
}

/* "<bytes> <count>" with any blanks around; a blank line is no line (1 for
 * a data line, 0 for a blank one, -1 for garbage). */
static int parse_data_line(const char *p, const char *end, int64_t *bytes,
    int64_t *count)
{
	const char *after;

	if (end > p && end[-1] == '\r')
		end--;
	p = skip_blanks(p, end);
	if (p == end)
		return 0;
	if (read_signed(&p, end, bytes) < 0)
		return -1;
	after = skip_blanks(p, end);
	if (after == p || read_signed(&after, end, count) < 0)
		return -1;
	return skip_blanks(after, end) == end ? 1 : -1;
}

static void keep_definition(const char *line, size_t len,
    struct maildirsize *ms)
{
	const char *nul = memchr(line, '\0', len);

	if (nul)
		len = (size_t)(nul - line);
	if (len > 0 && line[len - 1] == '\r')
		len--;
	ms->definition_cut = len >= sizeof ms->definition;
	if (ms->definition_cut)
		len = sizeof ms->definition - 1;
	memcpy(ms->definition, line, len);
	ms->definition[len] = '\0';
}

static void sum_data_lines(const char *p, const char *end,
    struct maildirsize *ms)
{
	const char *nl;

	/* an unterminated last line may be an append still in progress */
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		int64_t bytes, count;
		int rc = parse_data_line(p, nl, &bytes, &count);

		p = nl + 1;
		if (rc == 0)
			continue;
		if (rc < 0 ||
		    __builtin_add_overflow(ms->bytes, bytes, &ms->bytes) ||
		    __builtin_add_overflow(ms->count, count, &ms->count)) {
			ms->corrupt = true;
			return;
		}
		ms->lines++;
	}
}

void maildirsize_parse(const char *buf, size_t len, struct maildirsize *ms)
{
	const char *end = buf + len, *nl = memchr(buf, '\n', len);

	memset(ms, 0, sizeof *ms);
	ms->full = len >= MAILDIRSIZE_READ_MAX;
	ms->corrupt = memchr(buf, '\0', len) != NULL;
	keep_definition(buf, nl ? (size_t)(nl - buf) : len, ms);
	quota_parse_definition(ms->definition, strlen(ms->definition),
	    &ms->limits);
	if (nl && !ms->corrupt)
		sum_data_lines(nl + 1, end, ms);
	if (ms->bytes < 0 || ms->count < 0)
		ms->corrupt = true;
}

/* ---- the rules -------------------------------------------------------- */

const char *quota_recalc_name(enum quota_recalc why)
{
	static const char *const names[] = {
		[RECALC_NONE] = "not needed",
		[RECALC_MISSING] = "no maildirsize",
		[RECALC_TOO_BIG] = "maildirsize reached 5120 bytes",
		[RECALC_CORRUPT] = "maildirsize unreadable",
		[RECALC_DEFINITION] = "quota definition changed",
		[RECALC_OVER_QUOTA] = "over quota",
		[RECALC_ASKED] = "asked for",
		[RECALC_RESUMED] = "a killed delivery resumed",
	};

	return names[why];
}

enum quota_recalc quota_recalc_on_read(const struct maildirsize *ms,
    const struct quota_limits *configured)
{
	if (ms == NULL)
		return configured ? RECALC_MISSING : RECALC_NONE;
	if (ms->full)
		return RECALC_TOO_BIG;
	if (ms->corrupt)
		return RECALC_CORRUPT;
	if (configured && (configured->bytes != ms->limits.bytes ||
	    configured->count != ms->limits.count))
		return RECALC_DEFINITION;
	return RECALC_NONE;
}

bool quota_recalc_when_over(unsigned lines, time_t mtime, time_t now)
{
	return lines > 1 || now >= mtime + MAILDIRSIZE_STALE_SECONDS;
}

static bool over_one(uint64_t limit, int64_t used, int64_t add)
{
	int64_t total;

	if (limit == 0)
		return false;
	if (__builtin_add_overflow(used, add, &total))
		return true;
	return total > 0 && (uint64_t)total > limit;
}

bool quota_exceeds(const struct quota_limits *l, int64_t bytes,
    int64_t count, int64_t add_bytes, int64_t add_count)
{
	return over_one(l->bytes, bytes, add_bytes) ||
	    over_one(l->count, count, add_count);
}

static unsigned percent_of(uint64_t limit, int64_t used)
{
	unsigned __int128 p;

	if (limit == 0 || used <= 0)
		return 0;
	p = (unsigned __int128)(uint64_t)used * 100 / limit;
	return p > 100000 ? 100000 : (unsigned)p;
}

unsigned quota_percent(const struct quota_limits *l, int64_t bytes,
    int64_t count)
{
	unsigned b = percent_of(l->bytes, bytes), c = percent_of(l->count, count);

	return b > c ? b : c;
}

/* ---- one delivery ----------------------------------------------------- */

/* Read up to MAILDIRSIZE_READ_MAX bytes; some NFS clients return short
 * reads, so loop until EOF or the buffer is full. */
static ssize_t read_file(int fd, char *buf, size_t cap)
{
	size_t got = 0;

	while (got < cap) {
		ssize_t n = read(fd, buf + got, cap - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Open and parse maildirsize.  0 with *fd = -1 when there is none. */
static int read_maildirsize(struct quota *q, int *fd, struct maildirsize *ms,
    struct outcome *out)
{
	char buf[MAILDIRSIZE_READ_MAX];
	struct stat st;
	ssize_t n;

	*fd = openat(q->root->dirfd, MAILDIRSIZE_NAME, O_RDWR | O_APPEND |
	    O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (*fd < 0)
		return errno == ENOENT ? 0 :
		    fail_errno(out, errno, "cannot open %s", MAILDIRSIZE_NAME);
	if (fstat(*fd, &st) < 0)
		return fail_errno(out, errno, "cannot stat %s", MAILDIRSIZE_NAME);
	if (!S_ISREG(st.st_mode))
		return fail(out, EX_TEMPFAIL, "%s is not a regular file",
		    MAILDIRSIZE_NAME);
	if ((n = read_file(*fd, buf, sizeof buf)) < 0)
		return fail_errno(out, errno, "cannot read %s", MAILDIRSIZE_NAME);
	maildirsize_parse(buf, (size_t)n, ms);
	q->mtime = st.st_mtime;
	return 0;
}

/* The definition the file gets: the configured one in canonical form, or
 * the file's own line 1 as it was (so that a recalculation does not fight
 * over the format with whoever wrote it). */
static void choose_definition(struct quota *q, const struct quota_limits *conf,
    const struct maildirsize *ms)
{
	if (conf == NULL && !ms->definition_cut) {
		strlcpy(q->definition, ms->definition, sizeof q->definition);
		q->limits = ms->limits;
		return;
	}
	q->limits = conf ? *conf : ms->limits;
	quota_format_definition(&q->limits, q->definition,
	    sizeof q->definition);
}

/* The Maildir is itself a Maildir++ folder (it holds "maildirfolder"):
 * the quota belongs to its parent, as the specification says.  Switches
 * q->root to the parent; false when there is none to switch to. */
static bool in_folder(struct quota *q)
{
	struct outcome ignored = { 0 };

	if (faccessat(q->root->dirfd, "maildirfolder", F_OK,
	    AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	/* a parent that is no Maildir: the marker is wrong, not the mail */
	if (maildir_open(&q->parent, q->root->dirfd, "..", 0, &ignored) < 0)
		return false;
	q->root = &q->parent;
	return true;
}

int quota_open(struct quota *q, struct maildir *root,
    const struct config *cfg, struct outcome *out)
{
	struct quota_limits conf;
	struct maildirsize ms;
	bool configured = cfg->quota[0] != '\0';
	enum quota_recalc why;
	int fd;

	memset(q, 0, sizeof *q);
	q->fd = -1;
	q->parent.dirfd = q->parent.tmpfd = q->parent.newfd =
	    q->parent.curfd = -1;
	q->root = root;
	q->hostname = cfg->hostname;
	if (strcmp(cfg->quota, "none") == 0)
		return 0;
	if (configured && quota_parse_config(cfg->quota, &conf) < 0)
		return fail(out, EX_TEMPFAIL, "bad quota definition \"%s\"",
		    cfg->quota);
	if (read_maildirsize(q, &fd, &ms, out) < 0 ||
	    (fd < 0 && in_folder(q) &&
	    read_maildirsize(q, &fd, &ms, out) < 0)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fd < 0 && !configured)
		return 0;   /* no definition anywhere: nothing to do */
	q->active = true;
	why = quota_recalc_on_read(fd < 0 ? NULL : &ms,
	    configured ? &conf : NULL);
	if (fd < 0)
		memset(&ms, 0, sizeof ms);
	choose_definition(q, configured ? &conf : NULL, &ms);
	if (why == RECALC_NONE) {
		q->fd = fd;
		q->bytes = ms.bytes;
		q->count = ms.count;
		q->lines = ms.lines;
		return 0;
	}
	if (fd >= 0)
		close(fd);
	q->recalc_why = why;
	return quota_recalculate(q, out);
}

int quota_check(struct quota *q, const struct config *cfg, off_t size,
    size_t copies, struct outcome *out)
{
	int64_t add_bytes, add_count = (int64_t)copies;

	if (!q->active || copies == 0)
		return 0;
	if (__builtin_mul_overflow((int64_t)size, add_count, &add_bytes) ||
	    quota_exceeds(&q->limits, 0, 0, add_bytes, add_count))
		return fail(out, EX_NOPERM, "%s (message larger than the "
		    "whole quota)", cfg->quota_full_message);
	if (!quota_exceeds(&q->limits, q->bytes, q->count, add_bytes,
	    add_count))
		return 0;
	if (!q->recalculated &&
	    quota_recalc_when_over(q->lines, q->mtime, time(NULL))) {
		q->recalc_why = RECALC_OVER_QUOTA;
		if (quota_recalculate(q, out) < 0)
			return -1;
		if (!quota_exceeds(&q->limits, q->bytes, q->count, add_bytes,
		    add_count))
			return 0;
	}
	return fail(out, cfg->quota_full == QUOTA_FULL_BOUNCE ? EX_NOPERM :
	    EX_TEMPFAIL, "%s", cfg->quota_full_message);
}

/* Whether another delivery's recalculation renamed a new maildirsize over
 * the one fd holds since this delivery opened it. */
static bool replaced_since_open(const struct quota *q, int fd)
{
	struct stat held, now;

	if (fstat(fd, &held) < 0 || fstatat(q->root->dirfd, MAILDIRSIZE_NAME,
	    &now, AT_SYMLINK_NOFOLLOW) < 0)
		return false;   /* gone: the next delivery recalculates */
	return held.st_ino != now.st_ino || held.st_dev != now.st_dev;
}

/* The line also goes into a maildirsize that replaced ours meanwhile: the
 * new file may have been counted before this copy was placed, and an
 * undercount lets the Maildir grow past its quota until the file fills.
 * Counting the copy twice instead errs on the side the reading rules
 * repair: over quota with more than one line, the Maildir is scanned. */
static int append_to_replacement(struct quota *q, const char *line,
    size_t len)
{
	int fd = openat(q->root->dirfd, MAILDIRSIZE_NAME, O_WRONLY | O_APPEND |
	    O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;   /* removed: recalculated from scratch next time */
	n = write(fd, line, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

int quota_add(struct quota *q, int64_t bytes, int64_t count,
    struct outcome *out)
{
	char line[64];
	int n;

	if (!q->active || q->fd < 0 || (bytes == 0 && count == 0))
		return 0;
	/* Dovecot's unpadded form: half the bytes of Courier's "%12s %12s",
	 * so twice as many deliveries before the file fills 5120 bytes and
	 * forces a scan of the whole Maildir. */
	n = snprintf(line, sizeof line, "%lld %lld\n", (long long)bytes,
	    (long long)count);
	errno = 0;
	if (write(q->fd, line, (size_t)n) != n)
		return fail_errno(out, errno ? errno : EIO,
		    "cannot append to %s", MAILDIRSIZE_NAME);
	if (replaced_since_open(q, q->fd) &&
	    append_to_replacement(q, line, (size_t)n) < 0)
		return fail_errno(out, errno ? errno : EIO,
		    "cannot append to %s", MAILDIRSIZE_NAME);
	q->bytes += bytes;
	q->count += count;
	q->lines++;
	return 0;
}

void quota_close(struct quota *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	q->active = false;
	if (q->root == &q->parent)
		maildir_close(&q->parent);
	q->root = NULL;
}
