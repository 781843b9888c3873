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
#include "actions.h"     /* sieve (issue 3) */
#include "sieve_run.h"

/* Everything one delivery holds, released in one place. */
struct delivery {
	const struct request *req;
	struct maildir root;
	char tmp_name[MAILDIR_NAME_MAX];
	int tmp_fd;
	struct intake in;
	struct plan plan;
	struct targets targets;
	struct sieve_msgs trace;   /* sieve (issue 3): for -n */
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

/* sieve (issue 3): what outgoing actions need to know. */
static struct action_ctx action_context(const struct delivery *d)
{
	const char *sender = d->in.envelope_sender;

	return (struct action_ctx){
		.cfg = d->req->cfg, .store = NULL, /* the store: issue 5 */
		.headers = &d->in.headers, .sender = sender ? sender : "",
		.recipient = d->req->recipient, .msg_fd = d->tmp_fd,
	};
}

/* sieve (issue 3): the scripts make the plan; returns 1, or 0 when there
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
		    .recipient = d->req->recipient, .size = d->in.size,
		    .delimiter = cfg->recipient_delimiter,
		    .vacation_min_days = cfg->vacation_min_days,
		    .vacation_max_days = cfg->vacation_max_days,
		    .trace = d->req->dry_run },
	};
	struct sieve_plan sp;
	struct action_ctx ac = action_context(d);
	bool keep = false;
	int rc = sieve_make_plan(&job, &sp);

	d->plan = sp.plan;     /* released with the delivery */
	d->trace = sp.trace;
	if (rc < 0)
		return fail(out, EX_TEMPFAIL, "out of memory");
	if (!sp.scripted)
		return 0;
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
	int scripted = stage_sieve(d, out);   /* sieve (issue 3) */

	if (scripted < 0)
		return -1;
	if (scripted == 0 && plan_default(&d->plan, d->req->folder) < 0)
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

/* sieve (issue 3): the actions that are not filing, then the trace. */
static void print_dry_run_sieve(const struct delivery *d)
{
	char a[600], b[600];

	for (size_t i = 0; i < d->plan.count; i++) {
		const struct action *x = &d->plan.actions[i];
		const char *addr = x->address ? x->address : "";
		const char *text = x->text ? x->text : "";

		log_escape(addr, a, sizeof a);
		log_escape(text, b, sizeof b);
		if (x->type == ACTION_REDIRECT)
			printf("redirect %s\n", a);
		else if (x->type == ACTION_REJECT)
			printf("reject %s\n", b);
		else if (x->type == ACTION_DISCARD)
			printf("discard\n");
		else if (x->type == ACTION_VACATION)
			printf("vacation to=%s days=%u handle=%s\n", a, x->days,
			    log_escape(x->handle ? x->handle : "", b, sizeof b));
		else if (x->type == ACTION_NOTIFY)
			printf("notify method=%s message=%s\n", a, b);
	}
	for (size_t i = 0; i < d->trace.count; i++)
		printf("trace: %s\n", log_escape(d->trace.items[i], a,
		    sizeof a));
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
	print_dry_run_sieve(d);   /* sieve (issue 3) */
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
	sieve_msgs_free(&d->trace);   /* sieve (issue 3) */
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
	if (stage_place(d, out) < 0)
		return -1;
	/* sieve (issue 3): vacation and notify, once the mail is safe */
	struct action_ctx ac = action_context(d);

	actions_after_filing(&ac, &d->plan);
	return 0;
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
