/* deliver.c: the delivery pipeline (see deliver.h). */
#include "deliver.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "headers.h"
#include "log.h"
#include "maildir.h"
#include "message.h"
#include "plan.h"

/* Everything one delivery holds, released in one place. */
struct delivery {
	const struct request *req;
	struct maildir root;
	char tmp_name[MAILDIR_NAME_MAX];
	int tmp_fd;
	struct intake in;
	struct plan plan;
	struct targets targets;
};

static const char *message_id(const struct delivery *d)
{
	const char *id = header_get(&d->in.headers, "Message-ID", 0);

	return id ? id : "";
}

/* stdin -> tmp/<unique>, fsynced.  A dry run streams to /dev/null. */
static int stage_intake(struct delivery *d, struct outcome *out)
{
	const struct request *req = d->req;
	int out_fd;

	d->in.sender = req->sender;
	d->in.recipient = req->recipient;
	d->in.add_return_path = req->cfg->add_return_path;
	d->in.add_delivered_to = req->cfg->add_delivered_to;
	if (req->dry_run) {
		if ((out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
			return fail_errno(out, errno, "cannot open /dev/null");
		int rc = message_intake(req->input_fd, out_fd, &d->in, out);
		close(out_fd);
		return rc;
	}
	if (maildir_open(&d->root, AT_FDCWD, req->maildir, MAILDIR_CREATE,
	    out) < 0)
		return -1;
	maildir_clean_tmp(&d->root, 100);
	d->tmp_fd = maildir_create_tmp(&d->root, req->cfg->hostname,
	    d->tmp_name, sizeof d->tmp_name, out);
	if (d->tmp_fd < 0)
		return -1;
	if (message_intake(req->input_fd, d->tmp_fd, &d->in, out) < 0)
		return -1;
	if (fsync(d->tmp_fd) < 0)
		return fail_errno(out, errno, "cannot sync message");
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

/* What to do with the message.  Without a script: keep. */
static int stage_plan(struct delivery *d, struct outcome *out)
{
	if (plan_default(&d->plan, d->req->folder) < 0)
		return fail(out, EX_TEMPFAIL, "out of memory");
	if (plan_targets(&d->plan, d->req->folder ? d->req->folder : "",
	    d->req->cfg, &d->targets) < 0)
		return fail(out, EX_TEMPFAIL, "out of memory");
	return 0;
}

static int stage_place(struct delivery *d, struct outcome *out)
{
	struct delivery_file file = {
		.root = &d->root, .tmp_name = d->tmp_name,
		.tmp_fd = d->tmp_fd, .base = d->tmp_name, .size = d->in.size,
	};

	return plan_place(&d->targets, &file, d->req->cfg, out);
}

/* "INBOX,Lists.deliver" */
static void folder_list(const struct targets *t, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < t->count; i++) {
		if (i > 0)
			strlcat(buf, ",", len);
		strlcat(buf, target_display(&t->items[i]), len);
	}
}

static void print_dry_run(const struct delivery *d)
{
	char shown[600];

	for (size_t i = 0; i < d->targets.count; i++) {
		const struct target *t = &d->targets.items[i];

		printf("fileinto %s%s%s\n", log_escape(target_display(t),
		    shown, sizeof shown), t->flags[0] ? " flags=" : "",
		    t->flags);
	}
}

/* The one log line that says what happened to this message. */
static void log_result(const struct delivery *d, int code,
    const struct outcome *out)
{
	char to[600], from[600], id[600], folders[1024], why[1100];
	const char *sender = d->in.envelope_sender;

	log_escape(d->req->recipient, to, sizeof to);
	log_escape(sender ? sender : "", from, sizeof from);
	log_escape(message_id(d), id, sizeof id);
	if (code == EX_OK) {
		folder_list(&d->targets, folders, sizeof folders);
		log_line(LOG_INFO, "to=<%s> from=<%s> msgid=%s size=%lld "
		    "folder=%s status=delivered", to, from, id,
		    (long long)d->in.size, folders);
		return;
	}
	log_escape(out->reason, why, sizeof why);
	log_syslog(code == EX_TEMPFAIL ? LOG_WARNING : LOG_NOTICE,
	    "to=<%s> from=<%s> msgid=%s size=%lld status=%s (%s)", to, from,
	    id, (long long)d->in.size,
	    code == EX_TEMPFAIL ? "deferred" : "bounced", why);
}

static void release(struct delivery *d)
{
	if (d->tmp_fd >= 0) {
		close(d->tmp_fd);
		/* ENOENT is fine: a rename fallback already moved it */
		unlinkat(d->root.tmpfd, d->tmp_name, 0);
	}
	maildir_close(&d->root);
	targets_free(&d->targets);
	plan_free(&d->plan);
	intake_free(&d->in);
}

static int run_stages(struct delivery *d, struct outcome *out)
{
	if (stage_intake(d, out) < 0 || stage_loop_check(d, out) < 0 ||
	    stage_plan(d, out) < 0)
		return -1;
	if (d->req->dry_run) {
		print_dry_run(d);
		return 0;
	}
	return stage_place(d, out);
}

int deliver_message(const struct request *req, struct outcome *out)
{
	struct delivery d = { .req = req, .tmp_fd = -1 };
	int code;

	d.root.dirfd = d.root.tmpfd = d.root.newfd = d.root.curfd = -1;
	code = run_stages(&d, out) < 0 ? out->code : EX_OK;
	if (!req->dry_run)
		log_result(&d, code, out);
	release(&d);
	return code;
}
