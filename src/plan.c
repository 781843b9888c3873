/* plan.c: the action list and filing it into folders (see plan.h). */
#include "plan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "folder.h"
#include "log.h"
#include "maildir_keywords.h"
#include "msgedit.h"

static char *dup_or_null(const char *s, bool *failed)
{
	char *copy;

	if (s == NULL)
		return NULL;
	if ((copy = strdup(s)) == NULL)
		*failed = true;
	return copy;
}

int plan_add(struct plan *plan, enum action_type type, const char *mailbox,
    const char *flags, const char *address, const char *text)
{
	struct action *a;
	bool failed = false;

	if (plan->count == plan->cap) {
		size_t cap = plan->cap ? plan->cap * 2 : 4;
		struct action *grown = reallocarray(plan->actions, cap,
		    sizeof *grown);

		if (grown == NULL)
			return -1;
		plan->actions = grown;
		plan->cap = cap;
	}
	a = &plan->actions[plan->count];
	memset(a, 0, sizeof *a);
	a->type = type;
	a->mailbox = dup_or_null(mailbox, &failed);
	a->flags = dup_or_null(flags, &failed);
	a->address = dup_or_null(address, &failed);
	a->text = dup_or_null(text, &failed);
	plan->count++;
	return failed ? -1 : 0;
}

int plan_default(struct plan *plan, const char *default_folder)
{
	(void)default_folder; /* a keep files into the default folder anyway */
	return plan_add(plan, ACTION_KEEP, NULL, NULL, NULL, NULL);
}

void plan_free(struct plan *plan)
{
	for (size_t i = 0; i < plan->count; i++) {
		free(plan->actions[i].mailbox);
		free(plan->actions[i].flags);
		free(plan->actions[i].keywords);
		free(plan->actions[i].address);
		free(plan->actions[i].text);
		free(plan->actions[i].subject);   /* sieve */
		free(plan->actions[i].from);
		free(plan->actions[i].handle);
		free(plan->actions[i].addresses);
		free(plan->actions[i].edits);
	}
	free(plan->actions);
	memset(plan, 0, sizeof *plan);
}

const char *target_display(const struct target *t)
{
	return t->dirname[0] ? t->dirname + 1 : "INBOX";
}

/* The directory for a folder name; a refused name means INBOX (then
 * false). */
static bool resolve_dirname(const char *name, const struct config *cfg,
    char *dirname, size_t len)
{
	const char *why = NULL;
	char shown[512];

	if (folder_dirname(name, cfg->folder_separator, cfg->utf8_folders,
	    dirname, len, &why) == 0)
		return true;
	log_line(LOG_WARNING, "folder \"%s\" refused (%s): filing into INBOX",
	    log_escape(name, shown, sizeof shown), why ? why : "invalid");
	dirname[0] = '\0';
	return false;
}

/* The action's keywords, each once (IMAP compares them without case),
 * in the order written; what does not fit is left out. */
static void normalize_keywords(const char *in, char *out, size_t outlen)
{
	char word[MAILDIR_KEYWORD_LEN_MAX + 2];

	out[0] = '\0';
	while (in != NULL && *in != '\0') {
		size_t n = strcspn(in, " ");
		bool seen = false;

		if (n > 0 && n < sizeof word - 1) {
			snprintf(word, sizeof word, "%.*s", (int)n, in);
			for (const char *p = out; !seen &&
			    (p = strcasestr(p, word)) != NULL; p++)
				seen = (p == out || p[-1] == ' ') &&
				    (p[n] == ' ' || p[n] == '\0');
			if (!seen && strlen(out) + n + 2 <= outlen) {
				if (out[0] != '\0')
					strlcat(out, " ", outlen);
				strlcat(out, word, outlen);
			}
		}
		in += n + (in[n] == ' ');
	}
}

static bool same_edits(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static struct target *find_target(struct targets *t, const char *dirname,
    const char *flags, const char *keywords, const char *edits)
{
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->items[i].dirname, dirname) == 0 &&
		    strcmp(t->items[i].flags, flags) == 0 &&
		    strcmp(t->items[i].keywords, keywords) == 0 &&
		    same_edits(t->items[i].edits, edits))
			return &t->items[i];
	return NULL;
}

static int add_target(struct targets *t, const char *dirname,
    const char *flags, const char *keywords, const char *edits, bool create)
{
	struct target *grown, *found = find_target(t, dirname, flags,
	    keywords, edits);

	if (found) {
		found->create |= create;
		return 0;
	}
	grown = reallocarray(t->items, t->count + 1, sizeof *grown);
	if (grown == NULL)
		return -1;
	t->items = grown;
	found = &t->items[t->count++];
	memset(found, 0, sizeof *found);
	strlcpy(found->dirname, dirname, sizeof found->dirname);
	strlcpy(found->flags, flags, sizeof found->flags);
	strlcpy(found->keywords, keywords, sizeof found->keywords);
	found->create = create;
	found->edits = edits;
	return 0;
}

int plan_targets(const struct plan *plan, const char *default_folder,
    const struct config *cfg, struct targets *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < plan->count; i++) {
		const struct action *a = &plan->actions[i];
		char dirname[256], flags[53], keywords[TARGET_KEYWORDS_MAX];

		if (a->type != ACTION_KEEP && a->type != ACTION_FILEINTO)
			continue;
		/* a refused name files into INBOX as received, as a folder
		 * that cannot be opened does (unedit_fallbacks) */
		bool usable = resolve_dirname(a->type == ACTION_KEEP ?
		    default_folder : a->mailbox, cfg, dirname, sizeof dirname);

		maildir_normalize_flags(a->flags, flags);
		normalize_keywords(a->keywords, keywords, sizeof keywords);
		if (add_target(out, dirname, flags, keywords, usable ?
		    a->edits : NULL, cfg->autocreate || a->create) < 0)
			return -1;
	}
	return 0;
}

/* Open the target's folder; on failure log why and use the root. */
static struct maildir *open_target(struct target *t, struct maildir *root,
    const struct config *cfg, struct maildir *folder)
{
	struct outcome why = { 0 };
	bool missing = false;
	char shown[600];

	if (t->dirname[0] == '\0')
		return root;
	if (folder_open(root, t->dirname, t->create, cfg, folder, &missing,
	    &why) == 0)
		return folder;
	log_line(LOG_WARNING, "folder %s %s: filing into INBOX",
	    log_escape(target_display(t), shown, sizeof shown),
	    missing ? "does not exist" : why.reason);
	t->dirname[0] = '\0';
	return root;
}

/* A delivery that fails part-way takes back the copies it already made,
 * so that exit 75 leaves nothing visible and the MTA's retry files each
 * copy once.  Best effort: a copy that cannot be removed stays. */
static void unplace_one(const struct target *t, struct maildir *md)
{
	int dirfd = strncmp(t->placed, "cur/", 4) == 0 ? md->curfd : md->newfd;

	unlinkat(dirfd, t->placed + 4, 0);
	maildir_fsync_dir(dirfd);
}

static void unplace(struct targets *targets, struct maildir *root)
{
	for (size_t i = 0; i < targets->count; i++) {
		struct target *t = &targets->items[i];
		struct outcome ignored = { 0 };
		struct maildir folder;

		if (!t->done)
			continue;
		t->done = false;
		if (t->dirname[0] == '\0') {
			unplace_one(t, root);
		} else if (maildir_open(&folder, root->dirfd, t->dirname,
		    MAILDIR_NOFOLLOW, &ignored) == 0) {
			unplace_one(t, &folder);
			maildir_close(&folder);
		}
	}
}

/* The target's flag letters plus the letters of its keywords in the
 * folder dst; a keyword without a letter is logged and left out (the
 * message itself is still filed). */
static void flags_with_keywords(const struct target *t,
    const struct maildir *dst, char *out)
{
	char letters[53], shown[600], name[600];
	const char *why = NULL;

	strlcpy(letters, t->flags, sizeof letters);
	if (t->keywords[0] != '\0' && maildir_keywords_letters(dst->dirfd,
	    t->keywords, letters, sizeof letters, &why) < 0)
		log_line(LOG_WARNING, "folder %s: keywords \"%s\" not all "
		    "stored: %s", log_escape(target_display(t), name,
		    sizeof name), log_escape(t->keywords,
		    shown, sizeof shown), why ? why : "error");
	maildir_normalize_flags(letters, out);
}

/* The targets of one header version, from one file. */
static int place_version(struct targets *targets, const struct delivery_file
    *msg, const char *edits, bool may_take, const struct config *cfg,
    struct outcome *out)
{
	struct maildir *src = msg->src ? msg->src : msg->root;
	size_t last = targets->count;

	for (size_t i = 0; i < targets->count; i++)
		if (!targets->items[i].done &&
		    same_edits(targets->items[i].edits, edits))
			last = i;
	for (size_t i = 0; i < targets->count; i++) {
		struct target *t = &targets->items[i];
		struct maildir folder, *dst;
		char flags[53];
		int rc;

		if (t->done || !same_edits(t->edits, edits))
			continue;
		folder.dirfd = folder.tmpfd = folder.newfd = folder.curfd = -1;
		dst = open_target(t, msg->root, cfg, &folder);
		flags_with_keywords(t, dst, flags);
		rc = maildir_place(src, msg->tmp_name, msg->tmp_fd, dst,
		    msg->base, msg->size, flags, i == last && may_take,
		    t->placed, sizeof t->placed, out);
		if (dst != msg->root)
			maildir_close(&folder);
		if (rc < 0) {
			unplace(targets, msg->root);
			return -1;
		}
		t->done = true;
		t->size = msg->size;
	}
	return 0;
}

/* The base name of header version n: "V<n>" before the host part, so
 * that a resumed delivery finds the copies it already made. */
static void version_base(const char *base, unsigned n, char *out,
    size_t len)
{
	const char *dot = strchr(base, '.');
	const char *host = dot ? strchr(dot + 1, '.') : NULL;

	if (host == NULL)
		snprintf(out, len, "%sV%u", base, n);
	else
		snprintf(out, len, "%.*sV%u%s", (int)(host - base), base, n,
		    host);
}

/* Targets whose version cannot be written from this file get the
 * message as received (logged): a copy is never lost for an edit. */
static void unedit(struct targets *targets, const char *edits,
    const char *why)
{
	log_line(LOG_WARNING, "editheader: %s: filing the unedited message",
	    why);
	for (size_t i = 0; i < targets->count; i++)
		if (!targets->items[i].done &&
		    same_edits(targets->items[i].edits, edits))
			targets->items[i].edits = NULL;
}

static int place_edited(struct targets *targets, const struct delivery_file
    *msg, const char *edits, unsigned n, const struct config *cfg,
    struct outcome *out)
{
	char tmp[MAILDIR_NAME_MAX], base[MAILDIR_NAME_MAX + 16];
	struct delivery_file v = *msg;
	off_t size;
	int fd, rc;

	if (msg->headers == NULL) {
		unedit(targets, edits, "no header index");
		return 0;
	}
	if ((fd = maildir_create_tmp(msg->root, cfg->hostname, tmp,
	    sizeof tmp, out)) < 0) {
		unplace(targets, msg->root);
		return -1;
	}
	rc = msgedit_write(msg->tmp_fd, msg->headers, edits, fd, &size);
	if (rc < 0 && errno == EINVAL) {
		unedit(targets, edits, "the header does not match its index");
		rc = 0;
		size = -1;
	} else if (rc < 0 || fsync(fd) < 0) {
		fail_errno(out, errno, "cannot write an edited copy");
		unplace(targets, msg->root);
		rc = -1;
	} else {
		version_base(msg->base, n, base, sizeof base);
		v.tmp_name = tmp;
		v.tmp_fd = fd;
		v.base = base;
		v.size = size;
		v.src = NULL;
		rc = place_version(targets, &v, edits, true, cfg, out);
	}
	close(fd);
	(void)unlinkat(msg->root->tmpfd, tmp, 0);
	return rc;
}

/* An edited copy whose folder cannot be used goes to INBOX as received:
 * the filing failed, and what stands in for it is the keep of a failed
 * script (Pigeonhole's implicit keep after a failed store), not the
 * edited message.  Settled before any edited copy is written. */
static void unedit_fallbacks(struct targets *targets, struct maildir *root,
    const struct config *cfg)
{
	for (size_t i = 0; i < targets->count; i++) {
		struct target *t = &targets->items[i];
		struct maildir folder;

		if (t->done || t->edits == NULL || t->dirname[0] == '\0')
			continue;
		folder.dirfd = folder.tmpfd = folder.newfd = folder.curfd = -1;
		if (open_target(t, root, cfg, &folder) == root)
			t->edits = NULL;
		else
			maildir_close(&folder);
	}
}

int plan_place(struct targets *targets, const struct delivery_file *msg,
    const struct config *cfg, struct outcome *out)
{
	unsigned n = 0;

	unedit_fallbacks(targets, msg->root, cfg);
	/* the edited versions first: one that cannot be written falls
	 * back to the original, placed last */
	for (size_t i = 0; i < targets->count; i++) {
		const char *edits = targets->items[i].edits;

		if (targets->items[i].done || edits == NULL)
			continue;
		if (place_edited(targets, msg, edits, ++n, cfg, out) < 0)
			return -1;
	}
	return place_version(targets, msg, NULL, !msg->shared, cfg, out);
}

void targets_free(struct targets *targets)
{
	free(targets->items);
	memset(targets, 0, sizeof *targets);
}
