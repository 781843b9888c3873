/* folder.c: Maildir++ folder names, modified UTF-7, creation and
 * subscriptions (see folder.h). */
#include "folder.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* RFC 3501 5.1.3: base64 with ',' instead of '/'; no padding. */
static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/* A bounded output buffer: running out of room sets full instead of
 * writing past the end, so encoders need no length checks of their own. */
struct sink {
	char *buf;
	size_t len, pos;
	bool full;
};

static void put(struct sink *s, char c)
{
	if (s->pos + 1 < s->len)
		s->buf[s->pos++] = c;
	else
		s->full = true;
}

static int finish(struct sink *s)
{
	if (s->len == 0)
		return -1;
	s->buf[s->pos] = '\0';
	return s->full ? -1 : 0;
}

/* Leave an empty string behind so a caller ignoring -1 prints nothing odd. */
static int reject(struct sink *s)
{
	if (s->len > 0)
		s->buf[0] = '\0';
	return -1;
}

/* One UTF-8 sequence at p: its length, or 0 when it is not strict UTF-8
 * (overlong forms, surrogates, beyond U+10FFFF, truncated). */
static size_t utf8_next(const unsigned char *p, uint32_t *cp)
{
	uint32_t c = p[0], min;
	size_t n;

	if (c < 0x80)
		return *cp = c, 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, c &= 0x1f, min = 0x80;
	else if ((c & 0xf0) == 0xe0)
		n = 3, c &= 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, c &= 0x07, min = 0x10000;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return *cp = c, n;
}

static void put_utf8(struct sink *s, uint32_t cp)
{
	if (cp < 0x80) {
		put(s, (char)cp);
	} else if (cp < 0x800) {
		put(s, (char)(0xc0 | cp >> 6));
		put(s, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		put(s, (char)(0xe0 | cp >> 12));
		put(s, (char)(0x80 | (cp >> 6 & 0x3f)));
		put(s, (char)(0x80 | (cp & 0x3f)));
	} else {
		put(s, (char)(0xf0 | cp >> 18));
		put(s, (char)(0x80 | (cp >> 12 & 0x3f)));
		put(s, (char)(0x80 | (cp >> 6 & 0x3f)));
		put(s, (char)(0x80 | (cp & 0x3f)));
	}
}

/* Bits waiting to become base64 digits inside one "&...-" run. */
struct shift {
	uint32_t bits;
	int nbits;
	bool open;
};

static void shift_unit(struct sink *s, struct shift *sh, uint32_t unit)
{
	if (!sh->open)
		put(s, '&');
	sh->open = true;
	sh->bits = sh->bits << 16 | unit;
	sh->nbits += 16;
	while (sh->nbits >= 6) {
		sh->nbits -= 6;
		put(s, b64_alphabet[sh->bits >> sh->nbits & 0x3f]);
	}
	sh->bits &= (1u << sh->nbits) - 1;
}

static void shift_close(struct sink *s, struct shift *sh)
{
	if (!sh->open)
		return;
	if (sh->nbits > 0)
		put(s, b64_alphabet[sh->bits << (6 - sh->nbits) & 0x3f]);
	put(s, '-');
	*sh = (struct shift){ 0 };
}

int mutf7_encode(const char *utf8, char *out, size_t outlen)
{
	struct sink s = { out, outlen, 0, false };
	struct shift sh = { 0 };
	const unsigned char *p = (const unsigned char *)utf8;

	while (*p) {
		uint32_t cp;
		size_t n = utf8_next(p, &cp);

		if (n == 0)
			return reject(&s);
		p += n;
		if (cp >= 0x20 && cp <= 0x7e) {
			shift_close(&s, &sh);
			put(&s, (char)cp);
			if (cp == '&')
				put(&s, '-');
		} else if (cp >= 0x10000) {
			cp -= 0x10000;
			shift_unit(&s, &sh, 0xd800 | cp >> 10);
			shift_unit(&s, &sh, 0xdc00 | (cp & 0x3ff));
		} else {
			shift_unit(&s, &sh, cp);
		}
	}
	shift_close(&s, &sh);
	return finish(&s);
}

static int b64_value(char c)
{
	const char *at = c != '\0' ? strchr(b64_alphabet, c) : NULL;

	return at ? (int)(at - b64_alphabet) : -1;
}

/* One decoded UTF-16 unit; *high holds a pending high surrogate.  Units
 * that must not be in base64 (printable ASCII, NUL, lone surrogates) are
 * errors: each name has exactly one encoding. */
static int put_unit(struct sink *s, uint32_t unit, uint32_t *high)
{
	bool is_high = unit >= 0xd800 && unit <= 0xdbff;
	bool is_low = unit >= 0xdc00 && unit <= 0xdfff;

	if (*high != 0) {
		if (!is_low)
			return -1;
		put_utf8(s, 0x10000 + ((*high - 0xd800) << 10) + (unit - 0xdc00));
		*high = 0;
		return 0;
	}
	if (is_high)
		return *high = unit, 0;
	if (is_low || unit == 0 || (unit >= 0x20 && unit <= 0x7e))
		return -1;
	put_utf8(s, unit);
	return 0;
}

/* Decode the base64 run after a '&' up to and including its '-'.  Returns
 * the characters consumed, or 0 for a malformed run. */
static size_t decode_run(const char *p, struct sink *s)
{
	uint32_t bits = 0, high = 0;
	int nbits = 0;
	size_t i, units = 0;

	for (i = 0; p[i] != '-'; i++) {
		int v = b64_value(p[i]);

		if (v < 0)
			return 0;
		bits = bits << 6 | (uint32_t)v;
		nbits += 6;
		if (nbits < 16)
			continue;
		nbits -= 16;
		if (put_unit(s, bits >> nbits & 0xffff, &high) < 0)
			return 0;
		bits &= (1u << nbits) - 1;
		units++;
	}
	/* leftover bits: fewer than one digit's worth, and all zero */
	if (units == 0 || nbits >= 6 || bits != 0 || high != 0)
		return 0;
	return i + 1;
}

int mutf7_decode(const char *mutf7, char *out, size_t outlen)
{
	struct sink s = { out, outlen, 0, false };
	bool after_run = false;
	size_t i = 0, n;

	while (mutf7[i] != '\0') {
		unsigned char c = (unsigned char)mutf7[i];

		if (c < 0x20 || c > 0x7e)
			return reject(&s);
		if (c != '&' || mutf7[i + 1] == '-') {
			put(&s, (char)c);
			i += c == '&' ? 2 : 1;
			after_run = false;
			continue;
		}
		/* "-&" would be a null shift: two runs must be one */
		if (after_run || (n = decode_run(mutf7 + i + 1, &s)) == 0)
			return reject(&s);
		i += 1 + n;
		after_run = true;
	}
	return finish(&s);
}

/* Character rules for a whole folder name, before it is split. */
static const char *check_chars(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;

	if (name[0] == '.')
		return "leading '.'";
	while (*p) {
		uint32_t cp;
		size_t n = utf8_next(p, &cp);

		if (n == 0)
			return "invalid UTF-8";
		/* C0, DEL and C1 controls: they would reach logs and terminals */
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return "control character";
		if (cp == '%' || cp == '*')
			return "IMAP wildcard '%' or '*'";
		if (cp == '?')
			return "'?'";
		p += n;
	}
	return NULL;
}

/* Rules for one level (a leading INBOX level is handled by the caller). */
static const char *check_level(const char *level, char separator)
{
	if (level[0] == '\0')
		return "empty level";
	if (strcmp(level, ".") == 0 || strcmp(level, "..") == 0)
		return "'.' or '..' level";
	/* on disk '.' separates levels: one inside a level would split it */
	if (separator != '.' && strchr(level, '.') != NULL)
		return "'.' inside a level";
	return NULL;
}

/* Append ".LEVEL" (encoded) to result. */
static const char *add_level(const char *level, bool utf8, char *result,
    size_t len)
{
	char enc[NAME_MAX + 1];

	if (utf8 ? strlcpy(enc, level, sizeof enc) >= sizeof enc
	    : mutf7_encode(level, enc, sizeof enc) < 0)
		return "name too long";
	if (strlcat(result, ".", len) >= len || strlcat(result, enc, len) >= len)
		return "name too long";
	return NULL;
}

static bool is_separator(char c, char separator)
{
	return c == '/' || (separator != '\0' && c == separator);
}

static const char *build_dirname(const char *name, char separator, bool utf8,
    char *result, size_t len)
{
	char level[NAME_MAX + 1];
	const char *why;

	for (size_t index = 0;; index++) {
		size_t n = 0;

		while (name[n] != '\0' && !is_separator(name[n], separator))
			n++;
		if (n >= sizeof level)
			return "name too long";
		memcpy(level, name, n);
		level[n] = '\0';
		/* one trailing separator is harmless ("INBOX/", "Lists.") */
		if (n == 0 && name[0] == '\0')
			return NULL;
		if (index == 0 && strcasecmp(level, "INBOX") == 0)
			why = NULL;
		else if ((why = check_level(level, separator)) == NULL)
			why = add_level(level, utf8, result, len);
		if (why != NULL || name[n] == '\0')
			return why;
		name += n + 1;
	}
}

int folder_dirname(const char *name, char separator, bool utf8, char *out,
    size_t outlen, const char **why)
{
	char result[NAME_MAX + 1] = "";

	*why = NULL;
	if (outlen > 0)
		out[0] = '\0';
	if (name != NULL && name[0] != '\0' &&
	    ((*why = check_chars(name)) != NULL ||
	    (*why = build_dirname(name, separator, utf8, result,
	    sizeof result)) != NULL))
		return -1;
	if (strlcpy(out, result, outlen) >= outlen) {
		*why = "name too long";
		return -1;
	}
	return 0;
}

/* folder_open trusts nothing it did not check itself: the dirname must be
 * one path component ".X[.Y...]" without empty levels or controls. */
static bool dirname_is_safe(const char *dirname)
{
	size_t len = strlen(dirname);

	if (len < 2 || len > NAME_MAX || dirname[0] != '.' ||
	    dirname[len - 1] == '.' || strstr(dirname, "..") != NULL)
		return false;
	for (const unsigned char *p = (const unsigned char *)dirname; *p; p++)
		if (*p == '/' || *p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* The line naming the folder in the subscription file.  What Dovecot
 * 2.3.19 expects was checked with doveadm (mailbox subscribe / list -s) on
 * a Maildir++ tree: it writes the names in their storage form, i.e. exactly
 * as on disk: mUTF-7 ("R&AOk-sum&AOk-") by default, UTF-8 with the :UTF-8
 * mail_location flag, where it takes an mUTF-7 line literally.  So the
 * on-disk levels are copied verbatim: TAB-separated in a version 2 file,
 * '.'-separated in a version 1 file.  Courier wants the IMAP name, which
 * is "INBOX" followed by the directory name (mUTF-7 for pre-Unicode
 * Courier, UTF-8 for current Courier, matching utf8_folders). */
static int subscription_line(const char *dirname, bool dovecot, bool v2,
    char *line, size_t len)
{
	int n = snprintf(line, len, "%s%s\n", dovecot ? "" : "INBOX",
	    dovecot ? dirname + 1 : dirname);

	if (n < 0 || (size_t)n >= len)
		return -1;
	for (char *p = line; dovecot && v2 && *p; p++)
		if (*p == '.')
			*p = '\t';
	return 0;
}

static bool has_line(const char *text, size_t len, const char *line)
{
	size_t linelen = strlen(line);

	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) + 1 : len;

		if (end - at == linelen && memcmp(text + at, line, linelen) == 0)
			return true;
		at = end;
	}
	return false;
}

/* Subscription files are a few lines; anything huge is not ours to parse. */
#define SUBSCRIPTIONS_MAX (1024 * 1024)

static int read_small_file(int fd, off_t size, char **text, const char *file,
    struct outcome *out)
{
	size_t got = 0;

	if (size > SUBSCRIPTIONS_MAX)
		return fail(out, EX_TEMPFAIL, "%s: larger than %d bytes", file,
		    SUBSCRIPTIONS_MAX);
	if ((*text = malloc((size_t)size + 1)) == NULL)
		return fail_errno(out, errno, "%s", file);
	while (got < (size_t)size) {
		ssize_t n = pread(fd, *text + got, (size_t)size - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(*text);
			return n < 0 ? fail_errno(out, errno, "cannot read %s",
			    file) : fail(out, EX_TEMPFAIL, "%s shrank", file);
		}
		got += (size_t)n;
	}
	return 0;
}

/* Add the folder unless already listed, in one O_APPEND write so that a
 * reader never sees half a line. */
static int append_subscription(int fd, off_t size, const char *dirname,
    bool dovecot, const char *file, struct outcome *out)
{
	static const char v2_header[] = "V\t2\n\n";
	char *text = NULL, line[NAME_MAX + 16], record[sizeof v2_header + sizeof line];
	bool v2;
	size_t skip;
	int rc = 0;

	if (read_small_file(fd, size, &text, file, out) < 0)
		return -1;
	v2 = dovecot && (size == 0 ||
	    ((size_t)size >= 4 && memcmp(text, v2_header, 4) == 0));
	skip = v2 && size > 0 ? 4 : 0;  /* the header line is not a folder */
	if (subscription_line(dirname, dovecot, v2, line, sizeof line) < 0)
		rc = fail(out, EX_SOFTWARE, "%s: folder name too long", file);
	else if (!has_line(text + skip, (size_t)size - skip, line)) {
		snprintf(record, sizeof record, "%s%s%s",
		    dovecot && size == 0 ? v2_header : "",
		    size > 0 && text[size - 1] != '\n' ? "\n" : "", line);
		ssize_t n = write(fd, record, strlen(record));

		if (n != (ssize_t)strlen(record) || fsync(fd) < 0)
			rc = fail_errno(out, n < 0 || n == (ssize_t)strlen(record) ?
			    errno : EIO, "cannot append to %s", file);
	}
	free(text);
	return rc;
}

static int subscribe(int rootfd, const char *dirname, bool dovecot,
    struct outcome *out)
{
	const char *file = dovecot ? "subscriptions" : "courierimapsubscribed";
	struct stat st;
	int fd, rc = -1;

	/* O_NOFOLLOW: a planted symlink must not redirect the write;
	 * O_NONBLOCK: a planted FIFO must not hang the delivery */
	fd = openat(rootfd, file, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail_errno(out, errno, "cannot open %s", file);
	if (fstat(fd, &st) < 0)
		fail_errno(out, errno, "cannot stat %s", file);
	else if (!S_ISREG(st.st_mode))
		fail(out, EX_TEMPFAIL, "%s is not a regular file", file);
	/* the lock makes check-then-append atomic between deliveries */
	else if (flock(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0)
		fail_errno(out, errno, "cannot lock %s", file);
	else
		rc = append_subscription(fd, st.st_size, dirname, dovecot, file,
		    out);
	close(fd);
	return rc;
}

/* What makes a fresh directory a Maildir++ folder, made durable. */
static int finish_new_folder(struct maildir *root, struct maildir *folder,
    const char *dirname, const struct config *cfg, struct outcome *out)
{
	struct outcome why = { 0 };
	char shown[600];
	int fd = openat(folder->dirfd, "maildirfolder", O_WRONLY | O_CREAT |
	    O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);

	if (fd < 0)
		return fail_errno(out, errno, "cannot create %s/maildirfolder",
		    dirname);
	close(fd);
	if (maildir_fsync_dir(folder->dirfd) < 0 ||
	    maildir_fsync_dir(root->dirfd) < 0)
		return fail_errno(out, errno, "cannot sync folder %s", dirname);
	if (!cfg->autosubscribe)
		return 0;
	/* the folder is usable even if the subscription cannot be recorded:
	 * file into it anyway and say so */
	if (subscribe(root->dirfd, dirname,
	    cfg->subscription_format == SUBSCRIBE_DOVECOT, &why) < 0)
		log_line(LOG_WARNING, "folder %s: not subscribed: %s",
		    dirname + 1, log_escape(why.reason, shown, sizeof shown));
	return 0;
}

int folder_open(struct maildir *root, const char *dirname, bool create,
    const struct config *cfg, struct maildir *folder, bool *missing,
    struct outcome *out)
{
	struct stat st;

	*missing = false;
	folder->dirfd = folder->tmpfd = folder->newfd = folder->curfd = -1;
	folder->created = false;
	if (dirname[0] == '\0')
		return maildir_open(folder, root->dirfd, ".", 0, out);
	if (!dirname_is_safe(dirname))
		return fail(out, EX_SOFTWARE, "unsafe folder directory name");
	if (!create && fstatat(root->dirfd, dirname, &st,
	    AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT) {
		*missing = true;
		return fail_errno(out, ENOENT, "folder %s", dirname);
	}
	if (maildir_open(folder, root->dirfd, dirname, MAILDIR_NOFOLLOW |
	    (create ? MAILDIR_CREATE : 0), out) < 0)
		return -1;
	if (folder->created &&
	    finish_new_folder(root, folder, dirname, cfg, out) < 0) {
		maildir_close(folder);
		return -1;
	}
	return 0;
}
