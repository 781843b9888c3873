/* quota_warn.c: the quota warning message and deliver --quota (see
 * quota.h).
 *
 * The warning is filed once per crossing of cfg->quota_warn percent.  The
 * empty file QUOTA_WARN_MARKER in the root Maildir says "warned already";
 * creating it with O_EXCL picks exactly one of several concurrent
 * deliveries to file the warning, and any delivery that finds usage below
 * the threshold removes it again.  Courier's deliverquota uses a file of
 * the same name (its mtime, repeating after 24 hours), so the two do not
 * warn twice for the same crossing. */
#include "quota.h"
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <libutil.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEMPLATE_MAX (64 * 1024)

static const char default_template[] =
    "From: Mail Delivery System <MAILER-DAEMON@${host}>\n"
    "Subject: Mail quota warning\n"
    "Auto-Submitted: auto-generated\n"
    "Precedence: bulk\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=us-ascii\n"
    "Content-Transfer-Encoding: 7bit\n"
    "\n"
    "Your mailbox is ${percent}% full.\n"
    "\n"
    "  storage:  ${usage} of ${limit}\n"
    "  messages: ${count} of ${count_limit}\n"
    "\n"
    "When it is full, new mail waits at the sender's mail server and is\n"
    "eventually returned.  Please delete messages you no longer need,\n"
    "and empty the Trash folder.\n";

const char *quota_human(int64_t bytes, char *buf, size_t len)
{
	/* 5 bytes: at most 4 characters, which makes humanize_number pick
	 * the unit ("9.8K", "10M", "1.0G") */
	if (len < 5 || humanize_number(buf, 5, bytes, "", HN_AUTOSCALE,
	    HN_DECIMAL | HN_NOSPACE | HN_B) < 0)
		snprintf(buf, len, "%lld", (long long)bytes);
	return buf;
}

/* ---- the text ----------------------------------------------------------- */

struct text {
	char *buf;
	size_t len, cap;
};

static int append(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = (t->len + n + 1) * 2;
		char *grown = realloc(t->buf, cap);

		if (grown == NULL)
			return -1;
		t->buf = grown;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
	return 0;
}

static int append_str(struct text *t, const char *s)
{
	return append(t, s, strlen(s));
}

static const char *host_name(const struct quota *q, char *buf, size_t len)
{
	if (q->hostname && *q->hostname)
		strlcpy(buf, q->hostname, len);
	else if (gethostname(buf, len) < 0)
		strlcpy(buf, "localhost", len);
	buf[len - 1] = '\0';
	return buf;
}

/* The value of placeholder name (length n), or NULL if unknown. */
static const char *placeholder(const struct quota *q, const char *name,
    size_t n, char *buf, size_t len)
{
	if (n == 4 && memcmp(name, "host", 4) == 0)
		return host_name(q, buf, len);
	if (n == 5 && memcmp(name, "usage", 5) == 0)
		return quota_human(q->bytes, buf, len);
	if (n == 5 && memcmp(name, "limit", 5) == 0)
		return q->limits.bytes ? quota_human((int64_t)q->limits.bytes,
		    buf, len) : "unlimited";
	if (n == 7 && memcmp(name, "percent", 7) == 0) {
		snprintf(buf, len, "%u", quota_percent(&q->limits, q->bytes,
		    q->count));
		return buf;
	}
	if (n == 5 && memcmp(name, "count", 5) == 0) {
		snprintf(buf, len, "%lld", (long long)q->count);
		return buf;
	}
	if (n == 11 && memcmp(name, "count_limit", 11) == 0) {
		if (q->limits.count == 0)
			return "unlimited";
		snprintf(buf, len, "%llu", (unsigned long long)q->limits.count);
		return buf;
	}
	return NULL;
}

/* Copy the template, replacing ${name} placeholders; unknown ones stay. */
static int substitute(const struct quota *q, const char *tpl, size_t len,
    struct text *t)
{
	const char *p = tpl, *end = tpl + len;

	while (p < end) {
		const char *open = memmem(p, (size_t)(end - p), "${", 2);
		const char *close, *value;
		char buf[256];

		if (open == NULL)
			return append(t, p, (size_t)(end - p));
		if (append(t, p, (size_t)(open - p)) < 0)
			return -1;
		close = memchr(open, '}', (size_t)(end - open));
		value = close ? placeholder(q, open + 2,
		    (size_t)(close - open - 2), buf, sizeof buf) : NULL;
		if (value == NULL) {
			if (append(t, "${", 2) < 0)
				return -1;
			p = open + 2;
			continue;
		}
		if (append_str(t, value) < 0)
			return -1;
		p = close + 1;
	}
	return 0;
}

/* Does the header block of text have a field called name? */
static bool has_header(const char *text, size_t len, const char *name)
{
	size_t n = strlen(name);
	const char *p = text, *end = text + len;

	while (p < end && *p != '\n') {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if ((size_t)(end - p) > n && strncasecmp(p, name, n) == 0 &&
		    p[n] == ':')
			return true;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return false;
}

static int read_template(const char *path, struct text *t,
    struct outcome *out)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return fail_errno(out, errno, "cannot open quota_warn_message "
		    "%s", path);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (t->len + (size_t)n > TEMPLATE_MAX ||
		    append(t, buf, (size_t)n) < 0) {
			close(fd);
			return fail(out, EX_TEMPFAIL, "quota_warn_message %s "
			    "is larger than %d bytes", path, TEMPLATE_MAX);
		}
	close(fd);
	if (n < 0)
		return fail_errno(out, errno, "cannot read %s", path);
	return 0;
}

static int headers_for(const struct quota *q, const char *body, size_t len,
    time_t now, struct text *t)
{
	char date[64], host[256], line[400];
	struct tm tm;

	if (!has_header(body, len, "Date")) {
		localtime_r(&now, &tm);
		strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S %z", &tm);
		snprintf(line, sizeof line, "Date: %s\n", date);
		if (append_str(t, line) < 0)
			return -1;
	}
	if (!has_header(body, len, "Message-ID")) {
		host_name(q, host, sizeof host);
		snprintf(line, sizeof line, "Message-ID: <%lld.P%ld.quotawarn@%s>\n",
		    (long long)now, (long)getpid(), host);
		if (append_str(t, line) < 0)
			return -1;
	}
	return 0;
}

int quota_warn_render(const struct quota *q, const struct config *cfg,
    time_t now, char **buf, size_t *len, struct outcome *out)
{
	struct text tpl = { 0 }, body = { 0 }, msg = { 0 };
	const char *path = cfg->quota_warn_message;
	int rc = -1;

	if (path && *path) {
		if (read_template(path, &tpl, out) < 0)
			goto done;
	} else if (append_str(&tpl, default_template) < 0) {
		goto nomem;
	}
	if (substitute(q, tpl.buf, tpl.len, &body) < 0 ||
	    headers_for(q, body.buf, body.len, now, &msg) < 0 ||
	    append(&msg, body.buf, body.len) < 0)
		goto nomem;
	*buf = msg.buf;
	*len = msg.len;
	msg.buf = NULL;
	rc = 0;
	goto done;
nomem:
	fail(out, EX_TEMPFAIL, "out of memory");
done:
	free(tpl.buf);
	free(body.buf);
	free(msg.buf);
	return rc;
}

/* ---- filing it ------------------------------------------------------------ */


/* Write the warning to tmp/ and place it in the root's new/. */
static int file_warning(struct quota *q, const char *text, size_t len,
    struct outcome *out)
{
	char name[MAILDIR_NAME_MAX], placed[MAILDIR_NAME_MAX + 48];
	struct maildir *root = q->root;
	int fd, rc;

	fd = maildir_create_tmp(root, q->hostname, name, sizeof name, out);
	if (fd < 0)
		return -1;
	if (io_write_all(fd, text, len) < 0 || fsync(fd) < 0)
		rc = fail_errno(out, errno, "cannot write the quota warning");
	else
		rc = maildir_place(root, name, fd, root, name, (off_t)len, "",
		    true, placed, sizeof placed, out);
	close(fd);
	unlinkat(root->tmpfd, name, 0);
	if (rc < 0)
		return -1;
	return quota_add(q, (int64_t)len, 1, out);
}

int quota_warn(struct quota *q, const struct config *cfg,
    struct outcome *out)
{
	char *text;
	size_t len;
	int fd, rc;

	if (!q->active || cfg->quota_warn == 0 ||
	    (q->limits.bytes == 0 && q->limits.count == 0))
		return 0;
	if (quota_percent(&q->limits, q->bytes, q->count) < cfg->quota_warn) {
		if (unlinkat(q->root->dirfd, QUOTA_WARN_MARKER, 0) < 0 &&
		    errno != ENOENT)
			return fail_errno(out, errno, "cannot remove %s",
			    QUOTA_WARN_MARKER);
		return 0;
	}
	fd = openat(q->root->dirfd, QUOTA_WARN_MARKER, O_WRONLY | O_CREAT |
	    O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? 0 : fail_errno(out, errno,
		    "cannot create %s", QUOTA_WARN_MARKER);
	close(fd);
	rc = quota_warn_render(q, cfg, time(NULL), &text, &len, out);
	if (rc == 0) {
		rc = file_warning(q, text, len, out);
		free(text);
	}
	if (rc < 0) {
		/* not warned after all: let the next delivery try again */
		unlinkat(q->root->dirfd, QUOTA_WARN_MARKER, 0);
		return -1;
	}
	return 1;
}

/* ---- deliver --quota -------------------------------------------------------- */

static void report_raw(const struct quota *q, FILE *to)
{
	fprintf(to, "quota=%s\n", q->active ? q->definition : "none");
	fprintf(to, "bytes=%lld\n", (long long)q->bytes);
	fprintf(to, "bytes_limit=%llu\n", (unsigned long long)q->limits.bytes);
	fprintf(to, "count=%lld\n", (long long)q->count);
	fprintf(to, "count_limit=%llu\n", (unsigned long long)q->limits.count);
	fprintf(to, "percent=%u\n", quota_percent(&q->limits, q->bytes,
	    q->count));
}

static void report_human(const struct quota *q, FILE *to)
{
	char used[16], limit[16];

	if (!q->active) {
		fputs("no quota (no maildirsize, and deliver.conf sets none)\n",
		    to);
		return;
	}
	fprintf(to, "quota:    %s\n", q->definition[0] ? q->definition :
	    "(empty definition)");
	quota_human(q->bytes, used, sizeof used);
	if (q->limits.bytes)
		fprintf(to, "storage:  %s of %s (%u%%)\n", used,
		    quota_human((int64_t)q->limits.bytes, limit, sizeof limit),
		    quota_percent(&(struct quota_limits){ q->limits.bytes, 0 },
		    q->bytes, 0));
	else
		fprintf(to, "storage:  %s (no limit)\n", used);
	if (q->limits.count)
		fprintf(to, "messages: %lld of %llu (%u%%)\n",
		    (long long)q->count, (unsigned long long)q->limits.count,
		    quota_percent(&(struct quota_limits){ 0, q->limits.count },
		    0, q->count));
	else
		fprintf(to, "messages: %lld (no limit)\n", (long long)q->count);
}

int quota_report(const char *path, const struct config *cfg, bool recalc,
    bool raw, FILE *to, struct outcome *out)
{
	struct maildir root;
	struct quota q;
	int rc = -1;

	if (maildir_open(&root, AT_FDCWD, path, 0, out) < 0)
		return -1;
	if (quota_open(&q, &root, cfg, out) < 0)
		goto done;
	if (recalc && q.active && !q.recalculated) {
		q.recalc_why = RECALC_ASKED;
		if (quota_recalculate(&q, out) < 0)
			goto done;
	}
	if (raw)
		report_raw(&q, to);
	else
		report_human(&q, to);
	rc = fflush(to) == 0 ? 0 : fail_errno(out, errno, "cannot write");
done:
	quota_close(&q);
	maildir_close(&root);
	return rc;
}
