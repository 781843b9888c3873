/* deliver.c: the delivery pipeline (see deliver.h); what a delivery
 * reports (deliver.db lists, -n, the log line) is in deliver_report.c. */
#include "deliver.h"
#include "deliver_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "headers.h"
#include "log.h"
#include "netfs.h"     /* nfs: no SQLite store on a network fs */
#include "maildir.h"
#include "message.h"
#include "plan.h"
#include "store.h"
#include "quota.h"
#include "actions.h"     /* sieve */
#include "sieve_run.h"
#include "sieve_mime.h"  /* sieve: the body tests' message file */

static int stage_adopt(struct delivery *d, struct outcome *out);

static void sync_now(struct delivery *d)
{
	if (!d->synced)
		d->sync_errno = fsync(d->tmp_fd) < 0 ? errno : 0;
	d->synced = true;
}

/* The message durable in tmp/, before the plan is acted on.  A batch's
 * recipients share their owner's file, synced by the owner. */
static int sync_message(struct delivery *d, struct outcome *out)
{
	if (d->owner || d->req->dry_run || d->tmp_fd < 0)
		return 0;
	sync_now(d);
	return d->sync_errno ? fail_errno(out, d->sync_errno,
	    "cannot sync message") : 0;
}

/* sieve: the parent's wait for the Sieve child, put to use: the
 * message's fsync (the child evaluates on the second core meanwhile).
 * Opening the store there too measured slower: the parent's writes then
 * fault on pages it still shares with the child. */
static void while_sieve_runs(void *arg)
{
	sync_now(arg);
}

/* The Maildir, created if need be, and tmp/ looked through for stale
 * files (at most hourly).  A redelivery's messages share the run's. */
static int open_root(struct delivery *d, struct outcome *out)
{
	struct redelivery *r = d->req->redelivery;

	if (r && r->root.dirfd >= 0) {
		d->root = r->root;
		d->root_shared = true;
		return 0;
	}
	if (maildir_open(&d->root, AT_FDCWD, d->req->maildir, MAILDIR_CREATE,
	    out) < 0)
		return -1;
	maildir_clean_tmp(&d->root, 100);
	if (r) {
		r->root = d->root;
		d->root_shared = true;
	}
	return 0;
}

/* A dry run's copy of the message: an unlinked file in $TMPDIR (or
 * /tmp), else an anonymous memory file; the Sieve body tests read it. */
static int dry_run_file(void)
{
	const char *dir = getenv("TMPDIR");
	int fd = open(dir != NULL && *dir == '/' ? dir : "/tmp",
	    O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	return fd >= 0 ? fd : memfd_create("deliver-n", MFD_CLOEXEC);
}

/* stdin -> tmp/<unique>, fsynced.  A dry run streams to an unlinked
 * temporary file (dry_run_file). */
static int stage_intake(struct delivery *d, struct outcome *out)
{
	const struct request *req = d->req;
	int out_fd;

	if (d->owner)   /* another recipient's copy: the message is already in */
		return stage_adopt(d, out);
	d->in.sender = req->sender;
	d->in.recipient = req->recipient;
	d->in.add_return_path = req->cfg->add_return_path;
	d->in.add_delivered_to = req->cfg->add_delivered_to && !d->several;
	if (req->dry_run) {
		if ((out_fd = dry_run_file()) < 0)
			return fail_errno(out, errno, "cannot create a "
			    "temporary file");
		d->dry_fd = out_fd;
		return message_intake(req->input_fd, out_fd, &d->in, out);
	}
	if (open_root(d, out) < 0)
		return -1;
	d->tmp_fd = maildir_create_tmp(&d->root, req->cfg->hostname,
	    d->tmp_name, sizeof d->tmp_name, out);
	if (d->tmp_fd < 0)
		return -1;
	if (message_intake(req->input_fd, d->tmp_fd, &d->in, out) < 0)
		return -1;
	if (d->several)
		return sync_message(d, out);
	/* a single delivery syncs while its Sieve child runs (stage_sieve)
	 * or else after the store's claim (run_stages): the disk starts on
	 * it now, so that the fsync then waits less (a hint: errors show at
	 * the fsync) */
	sync_file_range(d->tmp_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	return 0;
}

static int stage_loop_check(struct delivery *d, struct outcome *out)
{
	char shown[600];

	if (!d->req->cfg->loop_check ||
	    message_loop_count(&d->in, d->req->recipient) == 0)
		return 0;
	return fail(out, EX_NOPERM, "mail forwarding loop for %s",
	    log_escape(d->req->recipient, shown, sizeof shown));
}

/* sieve: what outgoing actions need to know. */
static struct action_ctx action_context(const struct delivery *d)
{
	const char *sender = d->in.envelope_sender;

	return (struct action_ctx){
		.cfg = d->req->cfg, .store = d->store,
		.headers = &d->in.headers, .sender = sender ? sender : "",
		.recipient = d->req->recipient,
		.orig_recipient = d->req->orig_recipient, .msg_fd = d->tmp_fd,
		.tmp_dirfd = d->root.tmpfd,
	};
}

/* deliver --redeliver: no mail goes out about old messages (a
 * vacation reply, notification, redirect or rejection notice to senders
 * of long ago).  A redirect or reject that took the message away becomes
 * a keep, so that --move never loses it.  -1 when memory runs out. */
static int redelivery_quiet(struct plan *p)
{
	struct plan dropped = { 0 };
	size_t kept = 0;
	bool taken = false, filed = false;

	if ((dropped.actions = calloc(p->count + 1,
	    sizeof *dropped.actions)) == NULL)
		return -1;
	for (size_t i = 0; i < p->count; i++) {
		enum action_type t = p->actions[i].type;

		if (t == ACTION_REDIRECT || t == ACTION_REJECT ||
		    t == ACTION_VACATION || t == ACTION_NOTIFY) {
			taken |= t == ACTION_REDIRECT || t == ACTION_REJECT;
			dropped.actions[dropped.count++] = p->actions[i];
			continue;
		}
		filed |= t == ACTION_KEEP || t == ACTION_FILEINTO;
		p->actions[kept++] = p->actions[i];
	}
	p->count = kept;
	if (dropped.count)
		log_line(LOG_INFO, "redelivery: %zu outgoing Sieve action(s) "
		    "not performed%s", dropped.count, taken && !filed ?
		    "; keeping the message" : "");
	plan_free(&dropped);
	return taken && !filed ? plan_add(p, ACTION_KEEP, NULL, NULL, NULL,
	    NULL) : 0;
}

/* sieve: the scripts make the plan; returns 1, or 0 when there
 * is no script (the default keep follows).  A reject ends the delivery
 * here (exit 77) or is answered by mail; redirects go out before the
 * filing, and one that cannot go out becomes a keep, so the message is
 * never lost. */
static int stage_sieve(struct delivery *d, struct outcome *out)
{
	const struct config *cfg = d->req->cfg;
	const char *sender = d->in.envelope_sender;
	struct sieve_job job = {
		.cfg = cfg, .home = d->req->home, .script = d->req->script,
		.dry_run = d->req->dry_run,
		.env = { .headers = &d->in.headers,
		    .sender = sender ? sender : "",
		    .recipient = d->req->recipient,
		    .orig_recipient = d->req->orig_recipient,
		    /* as received: without the headers deliver prepended */
		    .size = d->in.size - d->in.added + d->in.crs,
		    /* edits count a CR per line when the message came so */
		    .size_crlf = d->in.crs > 0,
		    .delimiter = cfg->recipient_delimiter,
		    .vacation_min_days = cfg->vacation_min_days,
		    .vacation_max_days = cfg->vacation_max_days,
		    /* a redelivery's -n reports in its summary, not per message */
		    .trace = d->req->dry_run && !d->req->redelivery,
		    .root = &d->root, .cfg = cfg, .store = d->store,
		    /* environment: who, and where the keep files */
		    .username = d->req->user,
		    .default_mailbox = d->req->folder,
		    .remote_host = d->req->remote_host,
		    .remote_ip = d->req->remote_ip },
	};
	struct sieve_overlap overlap = { while_sieve_runs, d };
	/* the message file for body tests: the tmp file, or a dry run's */
	const struct mime_source message = {
		.fd = d->tmp_fd >= 0 ? d->tmp_fd : d->dry_fd,
		.size = d->in.size };
	struct sieve_plan sp;
	struct action_ctx ac = action_context(d);
	bool keep = false;
	int rc;

	if (!d->owner && !d->req->dry_run && d->tmp_fd >= 0)
		job.overlap = &overlap;
	if (message.fd >= 0)
		job.env.message = &message;
	rc = sieve_make_plan(&job, &sp);
	d->plan = sp.plan;     /* released with the delivery */
	d->trace = sp.trace;
	d->sieve_marks = sp.marks;
	d->sieve_guard = sp.guard;
	if (rc < 0)
		return fail(out, EX_TEMPFAIL, "out of memory");
	if (!sp.scripted)
		return 0;   /* synced after the claim (stages_file) */
	/* a redelivery syncs its messages in windows instead, fewer fsyncs
	 * (deliver_sync; its worker runs no overlap) */
	if (!d->req->redelivery && sync_message(d, out) < 0)
		return -1;
	if (d->req->redelivery && redelivery_quiet(&d->plan) < 0)  /* no mail on old mail */
		return fail(out, EX_TEMPFAIL, "out of memory");
	if (d->req->dry_run)
		return 1;
	if (actions_reject(&ac, &d->plan, out) < 0)
		return -1;
	actions_redirect(&ac, &d->plan, &keep);
	if (keep && plan_add(&d->plan, ACTION_KEEP, NULL, NULL, NULL,
	    NULL) < 0)
		return fail(out, EX_TEMPFAIL, "out of memory");
	return 1;
}

/* What to do with the message.  Without a script: keep. */
static int stage_plan(struct delivery *d, struct outcome *out)
{
	int scripted = stage_sieve(d, out);   /* sieve */

	if (scripted < 0)
		return -1;
	if (scripted == 0 && plan_default(&d->plan, d->req->folder) < 0)
		return fail(out, EX_TEMPFAIL, "out of memory");
	if (plan_targets(&d->plan, d->req->folder ? d->req->folder : "",
	    d->req->cfg, &d->targets) < 0)
		return fail(out, EX_TEMPFAIL, "out of memory");
	return 0;
}

/* store: the targets as the claim records them, one line each:
 * '0' or '1' (may create), the flag letters, '/', the directory name
 * ("" = INBOX).  Neither flags nor directory names hold '/' or '\n'. */
static char *targets_encode(const struct targets *t)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	if (fp == NULL)
		return NULL;
	for (size_t i = 0; i < t->count; i++)
		fprintf(fp, "%d%s/%s\n", t->items[i].create, t->items[i].flags,
		    t->items[i].dirname);
	if (fclose(fp) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* A directory name read back from the store is the user's data: only a
 * folder directly below the root (".name", never "." or "..") or INBOX. */
static bool recorded_dirname_ok(const char *name, size_t len)
{
	if (len == 0)
		return true;
	if (name[0] != '.' || len >= sizeof ((struct target *)0)->dirname ||
	    (len == 1) || (len == 2 && name[1] == '.'))
		return false;
	for (size_t i = 0; i < len; i++)
		if (name[i] == '/' || (unsigned char)name[i] < ' ')
			return false;
	return true;
}

static int target_decode(const char *line, size_t len, struct target *t)
{
	const char *slash = memchr(line, '/', len);
	size_t nflags;

	memset(t, 0, sizeof *t);
	if (len < 2 || (line[0] != '0' && line[0] != '1') || slash == NULL)
		return -1;
	nflags = (size_t)(slash - line) - 1;
	if (nflags >= sizeof t->flags)
		return -1;
	for (size_t i = 0; i < nflags; i++)
		if (!isalpha((unsigned char)line[1 + i]))
			return -1;
	memcpy(t->flags, line + 1, nflags);
	len -= (size_t)(slash + 1 - line);
	if (!recorded_dirname_ok(slash + 1, len))
		return -1;
	memcpy(t->dirname, slash + 1, len);
	t->create = line[0] == '1';
	return 0;
}

/* Replace the targets by the recorded ones; -1 (targets untouched) when
 * the record does not parse. */
static int targets_decode(const char *text, struct targets *out)
{
	struct targets t = { 0 };
	const char *nl;

	for (; *text; text = nl + 1) {
		struct target *grown;

		if ((nl = strchr(text, '\n')) == NULL ||
		    (grown = reallocarray(t.items, t.count + 1,
		    sizeof *grown)) == NULL)
			break;
		t.items = grown;
		if (target_decode(text, (size_t)(nl - text),
		    &t.items[t.count++]) < 0)
			break;
	}
	if (*text || t.count == 0) {
		targets_free(&t);
		return -1;
	}
	targets_free(out);
	*out = t;
	return 0;
}

/* deliver --redeliver: the run's own dedup replaces the
 * store's claim; deliver.db recorded the delivery that made the source,
 * so asking it would call every redelivered message a duplicate. */
static void redelivery_claim(struct delivery *d)
{
	struct redelivery *r = d->req->redelivery;

	store_normalize_msgid(delivery_message_id(d), d->msgid, sizeof d->msgid);
	if (d->msgid[0] && r->seen && r->seen(r->ctx, d->msgid)) {
		d->claim.status = CLAIM_DUPLICATE;
		d->claim.delivered = time(NULL);
		d->rd_duplicate = true;
	}
}

/* deliver --redeliver: a target that is the folder the source
 * lies in is already done: the source is that copy (no double). */
static void redelivery_in_place(struct delivery *d)
{
	struct redelivery *r = d->req->redelivery;
	struct targets *t = &d->targets;
	size_t kept = 0;

	if (r == NULL || r->source_dir == NULL)
		return;
	for (size_t i = 0; i < t->count; i++) {
		if (strcmp(t->items[i].dirname, r->source_dir) == 0)
			d->rd_in_place = true;
		else
			t->items[kept++] = t->items[i];
	}
	t->count = kept;
}

static void redelivery_report(struct delivery *d, int code)
{
	struct redelivery *r = d->req->redelivery;

	if (r == NULL || code != EX_OK || d->claim.status == CLAIM_DUPLICATE)
		return;
	/* -n: the copies it would file */
	for (size_t i = 0; i < d->targets.count; i++)
		if (d->targets.items[i].done || d->req->dry_run) {
			d->rd_copies++;
			if (r->filed)
				r->filed(r->ctx,
				    target_display(&d->targets.items[i]));
		}
}

/* a redelivery: what the run reads back (redeliver.c) */
static void redelivery_publish(const struct delivery *d)
{
	struct redelivery *r = d->req->redelivery;

	if (r == NULL)
		return;
	strlcpy(r->msgid, d->msgid, sizeof r->msgid);
	r->duplicate = d->rd_duplicate;
	r->in_place = d->rd_in_place;
	r->copies = d->rd_copies;
}

static void store_report(int priority, const char *line)
{
	log_line(priority, "%s", line);
}

/* store: claim the message before filing it.  A duplicate
 * files nothing; a dead delivery's claim is finished with its base name
 * and targets. */
static int stage_claim(struct delivery *d, struct outcome *out)
{
	char *targets;
	const char *hook = getenv("DELIVER_TEST_HOOK");
	struct store_claim *c = &d->claim;
	char shown[600];

	if (d->req->redelivery) {  /* the run's own dedup: no claim */
		redelivery_claim(d);
		return 0;
	}
	targets = targets_encode(&d->targets);
	store_normalize_msgid(delivery_message_id(d), d->msgid, sizeof d->msgid);
	store_claim(d->store, d->msgid, d->req->recipient,
	    d->base[0] ? d->base : d->tmp_name, d->owner ? "" : d->tmp_name,
	    targets ? targets : "", c);
	free(targets);
	log_escape(d->msgid, shown, sizeof shown);
	/* store_unavailable = defer: nothing filed, the MTA retries */
	if (c->status == CLAIM_SKIPPED && c->unreachable &&
	    d->req->cfg->store_unavailable == STORE_UNAVAILABLE_DEFER)
		return fail(out, EX_TEMPFAIL, "store unavailable (%s): "
		    "deferred (store_unavailable = defer)", c->why);
	switch (c->status) {
	case CLAIM_HELD:
		return fail(out, EX_TEMPFAIL, "message <%s> is being delivered "
		    "by process %ld", shown, c->holder);
	case CLAIM_RESUME:
		if (c->targets[0] && targets_decode(c->targets,
		    &d->targets) < 0)
			log_line(LOG_WARNING, "recorded targets of <%s> "
			    "unreadable: filing as planned now", shown);
		log_line(LOG_NOTICE, "msgid=<%s> resuming an unfinished "
		    "delivery (base %s)", shown, c->base);
		break;
	case CLAIM_SKIPPED:
		/* only a store that failed deserves a line */
		if (d->store && d->req->cfg->dedup && d->msgid[0])
			log_line(LOG_WARNING, "msgid=<%s> duplicate check "
			    "skipped: %s", shown, c->why);
		break;
	default:
		break;
	}
	/* tests stop here to kill a delivery that holds its claim */
	if (hook && strcmp(hook, "stop-after-claim") == 0)
		raise(SIGSTOP);
	return 0;
}

/* store: right before the first link the claim must still be this
 * delivery's.  A PostgreSQL claim ends with its session: lost since the
 * claim, another delivery may have filed the message, and a second copy
 * is worse than a retry (which then finds that copy, or resumes). */
static int stage_claim_check(struct delivery *d, struct outcome *out)
{
	char why[256], shown[600];
	enum claim_check k = store_claim_check(d->store, &d->claim, why,
	    sizeof why);

	if (k == CLAIM_STILL_HELD)
		return 0;
	/* the one line, on stderr and in the log's status line: a reason
	 * is escaped when it is shown */
	if (k == CLAIM_LOST)
		return fail(out, EX_TEMPFAIL, "msgid=<%s> claim lost while "
		    "filing: %s; the MTA retries", d->msgid, why);
	if (d->req->cfg->store_unavailable == STORE_UNAVAILABLE_DEFER)
		return fail(out, EX_TEMPFAIL, "store unavailable (%s): "
		    "deferred (store_unavailable = defer)", why);
	log_escape(d->msgid, shown, sizeof shown);
	log_line(LOG_WARNING, "msgid=<%s> claim not confirmed: %s; filed "
	    "anyway (store_unavailable = deliver)", shown, why);
	return 0;
}

static int stage_place(struct delivery *d, struct outcome *out)
{
	struct delivery_file file = {
		.root = &d->root, .tmp_name = d->tmp_name,
		.tmp_fd = d->tmp_fd, .base = d->base[0] ? d->base : d->tmp_name,
		.size = d->in.size, .shared = d->several,
		.headers = &d->in.headers,   /* editheader's versions */
		.src = d->owner ? &d->owner->root : NULL,   /* link the owner's copy */
	};

	/* store: a resumed delivery reuses the dead one's base name,
	 * so a copy it already placed is found (EEXIST), not doubled */
	if (d->claim.status == CLAIM_RESUME)
		file.base = d->claim.base;
	return plan_place(&d->targets, &file, d->req->cfg, out);
}

/* quota: how many copies count against the quota: one per
 * distinct filing target, except in Trash or flagged deleted. */
static size_t quota_copies(const struct targets *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->count; i++)
		n += quota_counts_copy(t->items[i].dirname, t->items[i].flags);
	return n;
}

/* quota: the bytes the counted copies take.  Before placing, an edited
 * version counts as the message plus its edit string (more than the
 * edit can add); once placed, each copy counts its file's real size. */
static int64_t quota_bytes(const struct delivery *d, bool placed)
{
	const struct targets *t = &d->targets;
	int64_t bytes = 0;

	for (size_t i = 0; i < t->count; i++) {
		const struct target *x = &t->items[i];

		if (!quota_counts_copy(x->dirname, x->flags))
			continue;
		if (placed && x->done)
			bytes += (int64_t)x->size;
		else
			bytes += (int64_t)d->in.size + (int64_t)(x->edits ?
			    strlen(x->edits) : 0);
	}
	return bytes;
}

/* quota: decided before anything is linked into place.  A plan
 * without a counted copy (discard, Trash only) does not touch maildirsize. */
static int stage_quota(struct delivery *d, struct outcome *out)
{
	const struct config *cfg = d->req->cfg;
	struct outcome why = { 0 };
	size_t copies = quota_copies(&d->targets);
	int rc;

	if (copies == 0)
		return 0;
	if (quota_open(&d->quota, &d->root, cfg, out) < 0)
		return -1;
	/* the largest copy per copy: the same check as for one size */
	rc = quota_check(&d->quota, cfg, (off_t)((quota_bytes(d, false) +
	    (int64_t)copies - 1) / (int64_t)copies), copies, out);
	if (d->quota.recalculated)
		log_line(LOG_INFO, "maildirsize recalculated (%s): %lld bytes "
		    "in %lld messages", quota_recalc_name(d->quota.recalc_why),
		    (long long)d->quota.bytes, (long long)d->quota.count);
	if (rc == 0)
		return 0;
	if (quota_warn(&d->quota, cfg, &why) < 0)  /* refusals warn too */
		log_line(LOG_WARNING, "quota warning: %s", why.reason);
	return -1;
}

/* quota: one maildirsize line once the copies are durable; mail
 * is no longer at stake, so a failure here is only logged. */
/* A resumed delivery cannot know whether the killed one appended its
 * line before it died: counting the Maildir again is exact either way
 * (72-crash kills at every step and compares). */
static int quota_account(struct delivery *d, struct outcome *why)
{
	int64_t copies = (int64_t)quota_copies(&d->targets);

	if (d->claim.status == CLAIM_RESUME && d->quota.active) {
		d->quota.recalc_why = RECALC_RESUMED;
		return quota_recalculate(&d->quota, why);
	}
	return quota_add(&d->quota, quota_bytes(d, true), copies, why);
}

static void stage_quota_account(struct delivery *d)
{
	struct outcome why = { 0 };

	if (quota_account(d, &why) < 0)
		log_line(LOG_WARNING, "quota: %s", why.reason);
	else if (quota_warn(&d->quota, d->req->cfg, &why) < 0)
		log_line(LOG_WARNING, "quota warning: %s", why.reason);
}

static const char *result_name(const struct delivery *d, int code)
{
	if (code == EX_OK)
		return d->claim.status == CLAIM_DUPLICATE ? "duplicate" :
		    d->claim.status == CLAIM_RESUME ? "resumed" : "delivered";
	return code == EX_TEMPFAIL ? "deferred" : "bounced";
}

/* store: confirm or release the claim and add the log row.  A
 * store that cannot record it is logged; the delivery stands. */
static void stage_record(struct delivery *d, int code)
{
	char folders[1024] = "", files[4096] = "", actions[2048];
	const char *sender = d->in.envelope_sender;
	bool filed = code == EX_OK && d->claim.status != CLAIM_DUPLICATE;
	struct store_delivery rec = {
		.msgid = d->msgid, .sender = sender ? sender : "",
		.recipient = d->req->recipient, .size = d->in.size,
		.folders = folders, .files = files, .actions = actions,
		.result = result_name(d, code), .exit_code = code,
		.duplicate = d->claim.status == CLAIM_DUPLICATE,
	};

	if (d->root.dirfd < 0)
		return; /* no Maildir, so no store either */
	if (d->msgid[0] == '\0')
		store_normalize_msgid(delivery_message_id(d), d->msgid, sizeof d->msgid);
	if (filed) {
		report_folders(&d->targets, folders, sizeof folders);
		report_files(&d->targets, files, sizeof files);
	}
	report_actions(&d->plan, actions, sizeof actions);
	d->recorded = store_record(d->store, &d->claim, &rec) == 0;
	/* the dead delivery's message file, now filed by this one */
	if (filed && d->claim.status == CLAIM_RESUME && d->claim.tmp[0] &&
	    strchr(d->claim.tmp, '/') == NULL && d->claim.tmp[0] != '.' &&
	    strcmp(d->claim.tmp, d->tmp_name) != 0)
		unlinkat(d->root.tmpfd, d->claim.tmp, 0);
}

static void release(struct delivery *d)
{
	if (d->tmp_fd >= 0 && d->owner == NULL) {
		close(d->tmp_fd);
		/* ENOENT is fine: a rename fallback already moved it */
		unlinkat(d->root.tmpfd, d->tmp_name, 0);
	}
	if (d->dry_fd >= 0 && d->owner == NULL)
		close(d->dry_fd);
	quota_close(&d->quota);
	if (!d->root_shared)
		maildir_close(&d->root);
	store_claim_free(&d->claim);
	if (d->req->redelivery == NULL)  /* a redelivery's store is the run's */
		store_close(d->store);
	targets_free(&d->targets);
	plan_free(&d->plan);
	sieve_msgs_free(&d->trace);   /* sieve */
	sieve_msgs_free(&d->sieve_marks);
	if (d->owner == NULL)   /* a borrowed intake is the owner's */
		intake_free(&d->in);
}

/* Up to the claim: 1 = the message waits in tmp/ to be synced and filed
 * (stages_file), 0 = nothing more to do (a duplicate, a dry run), -1 =
 * failed. */
static int stages_decide(struct delivery *d, struct outcome *out)
{
	if (stage_intake(d, out) < 0 || stage_loop_check(d, out) < 0 ||
	    stage_plan(d, out) < 0)
		return -1;
	redelivery_in_place(d);
	if (d->req->dry_run) {
		if (d->req->redelivery)
			redelivery_claim(d);
		if (d->claim.status != CLAIM_DUPLICATE)
			report_dry_run(d);
		return 0;
	}
	if (stage_claim(d, out) < 0)
		return -1;
	return d->claim.status == CLAIM_DUPLICATE ? 0 : 1;
}

static int stages_file(struct delivery *d, struct outcome *out)
{
	/* durable before anything is linked */
	if (sync_message(d, out) < 0 || stage_quota(d, out) < 0 ||
	    stage_claim_check(d, out) < 0 || stage_place(d, out) < 0)
		return -1;
	stage_quota_account(d);
	/* sieve: vacation and notify, once the mail is safe */
	struct action_ctx ac = action_context(d);

	actions_after_filing(&ac, &d->plan);
	return 0;
}

static int run_stages(struct delivery *d, struct outcome *out)
{
	int rc = stages_decide(d, out);

	return rc > 0 ? stages_file(d, out) : rc;
}

static void delivery_init(struct delivery *d, const struct request *req)
{
	memset(d, 0, sizeof *d);
	d->req = req;
	d->tmp_fd = d->dry_fd = d->quota.fd = -1;
	d->root.dirfd = d->root.tmpfd = d->root.newfd = d->root.curfd = -1;
	d->claim.status = CLAIM_SKIPPED;
	d->sieve_guard.tmpfd = -1;
}

static void delivery_store(struct delivery *d)
{
	const struct request *req = d->req;

	if (req->redelivery)   /* opened once for the run */
		d->store = req->dry_run ? NULL : req->redelivery->store;
	else if (!req->dry_run && netfs_store_ok(req->cfg, req->maildir,
	    req->home))
		d->store = store_new(req->cfg, req->maildir, req->home,
		    store_report);
}

/* Sieve's duplicate test: the ids it saw are remembered only now that
 * the delivery succeeded (RFC 7352 section 3). */
static void record_duplicate_marks(struct delivery *d)
{
	for (size_t i = 0; i < d->sieve_marks.count; i++) {
		char key[128];
		unsigned long long period;

		if (sscanf(d->sieve_marks.items[i], "%127s %llu", key,
		    &period) == 2)
			(void)store_duplicate_mark(d->store, key, period);
	}
}

/* The record, the log line and the report of a delivery that ended with
 * code; d is released. */
static int delivery_end(struct delivery *d, int code,
    const struct outcome *out)
{
	if (code == EX_OK)   /* a crashed attempt's marker, if any, goes */
		sieve_guard_delivered(&d->sieve_guard);
	if (code == EX_OK && !d->req->dry_run)
		record_duplicate_marks(d);
	if (!d->req->dry_run) {
		stage_record(d, code);
		report_result(d, code, out);
	}
	redelivery_report(d, code);
	redelivery_publish(d);
	release(d);
	return code;
}

/* The whole delivery to d's recipient; d is released. */
static int deliver_one(struct delivery *d, struct outcome *out)
{
	delivery_store(d);
	return delivery_end(d, run_stages(d, out) < 0 ? out->code : EX_OK,
	    out);
}

/* The Sieve child is forked before the message is read, while
 * this process is still small; it reads and compiles the scripts on the
 * second core meanwhile.  Not for a redelivery (its worker serves every
 * message) nor a batch. */
static void sieve_early(const struct request *req)
{
	const struct sieve_job job = { .cfg = req->cfg, .home = req->home,
	    .script = req->script };

	if (req->redelivery == NULL)
		sieve_early_start(&job);
}

int deliver_message(const struct request *req, struct outcome *out)
{
	struct delivery d;
	int code;

	delivery_init(&d, req);
	sieve_early(req);
	code = deliver_one(&d, out);
	sieve_early_end();
	return code;
}

/* ---- a redelivery's messages, synced in windows -------------- */

struct delivery *deliver_begin(const struct request *req,
    struct outcome *out, int *code)
{
	struct delivery *d = malloc(sizeof *d);
	int rc;

	if (d == NULL) {
		fail(out, EX_TEMPFAIL, "out of memory");
		*code = out->code;
		return NULL;
	}
	delivery_init(d, req);
	delivery_store(d);
	rc = stages_decide(d, out);
	if (rc > 0) {
		redelivery_publish(d);
		return d;
	}
	*code = delivery_end(d, rc < 0 ? out->code : EX_OK, out);
	free(d);
	return NULL;
}

void deliver_sync(struct delivery *d)
{
	sync_now(d);
}

int deliver_finish(struct delivery *d, struct outcome *out)
{
	int code = delivery_end(d, stages_file(d, out) < 0 ? out->code :
	    EX_OK, out);

	free(d);
	return code;
}

size_t deliver_held_bytes(const struct delivery *d)
{
	return sizeof *d + d->in.headers.bytes + d->in.headers.cap *
	    sizeof *d->in.headers.items;
}

/* ---- one write, many recipients ------------------------------ */

/* A batch recipient takes the message its owner read in: its own Maildir
 * opened (created if missing), the message borrowed, and a base name of its
 * own, so two recipients sharing one Maildir get two files (and the
 * owner's EEXIST rule for resumed copies does not merge them). */
static int stage_adopt(struct delivery *d, struct outcome *out)
{
	const struct delivery *o = d->owner;

	d->in = o->in;
	d->tmp_fd = o->tmp_fd;
	d->dry_fd = o->dry_fd;
	strlcpy(d->tmp_name, o->tmp_name, sizeof d->tmp_name);
	if (d->req->dry_run)
		return 0;
	if (maildir_open(&d->root, AT_FDCWD, d->req->maildir, MAILDIR_CREATE,
	    out) < 0)
		return -1;
	maildir_clean_tmp(&d->root, 100);
	if (o->req == d->req)
		return 0;   /* the owner's own recipient: base = tmp name */
	if (maildir_unique_name(d->base, sizeof d->base,
	    d->req->cfg->hostname) < 0)
		return fail(out, EX_SOFTWARE, "unique name too long");
	return 0;
}

static void batch_fail(struct recipient_result *r, const struct outcome *why)
{
	r->out = *why;
	r->code = why->code;
	r->done = true;
}

/* Read the message once, into the tmp/ of the first recipient whose
 * Maildir takes it.  A recipient whose Maildir cannot hold the tmp file
 * fails alone, and the next one is tried: the input is still unread.  Once
 * reading has started, a failure is everyone's.  0, or -1 (all done). */
static int batch_intake(struct delivery *msg, struct recipient_result *res,
    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct recipient_result *r = &res[i];
		bool unread;

		if (r->done || r->req == NULL)
			continue;
		delivery_init(msg, r->req);
		msg->several = true;
		if (stage_intake(msg, &r->out) == 0)
			return 0;
		batch_fail(r, &r->out);
		report_result(msg, r->code, &r->out);
		unread = !r->req->dry_run && msg->tmp_fd < 0;
		if (unread) {
			release(msg);
			continue;
		}
		for (size_t j = i + 1; j < n; j++) {
			if (res[j].done || res[j].req == NULL)
				continue;
			batch_fail(&res[j], &r->out);
			msg->req = res[j].req;
			report_result(msg, res[j].code, &res[j].out);
		}
		release(msg);
		return -1;
	}
	return -1;   /* nobody left to deliver to */
}

/* Whether a retry of the batch would file nothing again for d. */
static bool retry_safe(const struct delivery *d, char *why, size_t len)
{
	switch (d->claim.status) {
	case CLAIM_DUPLICATE:
		return true;
	case CLAIM_NEW:
	case CLAIM_RESUME:
		if (d->recorded && d->req->cfg->dedup_days > 0)
			return true;
		strlcpy(why, d->recorded ? "dedup_days = 0" :
		    "the store did not record it", len);
		return false;
	default:
		strlcpy(why, d->claim.why[0] ? d->claim.why :
		    "no duplicate check", len);
		return false;
	}
}

void deliver_batch(struct recipient_result *res, size_t n)
{
	struct delivery msg;
	char shown[600];

	if (batch_intake(&msg, res, n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		struct recipient_result *r = &res[i];
		struct delivery d;

		if (r->done || r->req == NULL)
			continue;
		delivery_init(&d, r->req);
		d.owner = &msg;
		d.several = true;
		if (r->req->dry_run)
			printf("to=<%s>\n", log_escape(r->req->recipient, shown,
			    sizeof shown));
		r->code = deliver_one(&d, &r->out);
		r->done = true;
		if (r->code == EX_OK && !r->req->dry_run)
			r->retry_safe = retry_safe(&d, r->unsafe_why,
			    sizeof r->unsafe_why);
	}
	release(&msg);
}
