/* deliver_report.c: what a delivery reports: the lists deliver.db
 * records, -n's output and the log line (see deliver_int.h). */
#include "deliver_int.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

/* "INBOX,Lists.deliver" */
void report_folders(const struct targets *t, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < t->count; i++) {
		if (i > 0)
			strlcat(buf, ",", len);
		strlcat(buf, target_display(&t->items[i]), len);
	}
}

/* store: "new/X,.Lists.x/new/X" */
void report_files(const struct targets *t, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < t->count; i++) {
		if (!t->items[i].done)
			continue;
		if (buf[0])
			strlcat(buf, ",", len);
		if (t->items[i].dirname[0]) {
			strlcat(buf, t->items[i].dirname, len);
			strlcat(buf, "/", len);
		}
		strlcat(buf, t->items[i].placed, len);
	}
}

/* store: "keep,fileinto Lists.x,redirect a@b" */
void report_actions(const struct plan *p, char *buf, size_t len)
{
	static const char *const names[] = { "keep", "fileinto", "discard",
	    "redirect", "reject", "vacation", "notify" };

	buf[0] = '\0';
	for (size_t i = 0; i < p->count; i++) {
		const struct action *a = &p->actions[i];
		const char *arg = a->type == ACTION_FILEINTO ? a->mailbox :
		    a->type == ACTION_REDIRECT ? a->address : NULL;

		if (i > 0)
			strlcat(buf, ",", len);
		if ((size_t)a->type < sizeof names / sizeof names[0])
			strlcat(buf, names[a->type], len);
		if (arg) {
			strlcat(buf, " ", len);
			strlcat(buf, arg, len);
		}
	}
}

/* sieve: the actions that are not filing, then the trace. */
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
			printf("redirect %s%s\n", a, x->edits ?
			    " header=edited" : "");
		else if (x->type == ACTION_REJECT)
			printf("reject %s\n", b);
		else if (x->type == ACTION_DISCARD)
			printf("discard\n");
		else if (x->type == ACTION_VACATION)
			printf("vacation to=%s days=%u handle=%s\n", a, x->days,
			    log_escape(x->handle ? x->handle : "", b, sizeof b));
		else if (x->type == ACTION_NOTIFY && x->notify_kind !=
		    NOTIFY_LOGGED)   /* native: sent after filing */
			printf("notify method=%s importance=%u message=%s\n",
			    a, x->importance, b);
		else if (x->type == ACTION_NOTIFY)
			printf("notify method=%s message=%s\n", a, b);
	}
	/* what the duplicate test would record (as sieve-test lists it) */
	if (d->sieve_marks.count > 0)
		printf("track duplicate\n");
	for (size_t i = 0; i < d->trace.count; i++)
		printf("trace: %s\n", log_escape(d->trace.items[i], a,
		    sizeof a));
}

void report_dry_run(const struct delivery *d)
{
	char shown[600], kw[1200];

	for (size_t i = 0; i < d->targets.count; i++) {
		const struct target *t = &d->targets.items[i];

		/* header=edited: a header version of editheader's */
		printf("fileinto %s%s%s%s%s%s\n",
		    log_escape(target_display(t), shown, sizeof shown),
		    t->flags[0] ? " flags=" : "", t->flags,
		    t->keywords[0] ? " keywords=" : "",
		    log_escape(t->keywords, kw, sizeof kw),
		    t->edits ? " header=edited" : "");
	}
	print_dry_run_sieve(d);   /* sieve */
}

/* The one log line that says what happened to this message. */
void report_result(const struct delivery *d, int code,
    const struct outcome *out)
{
	char to[600], from[600], id[600], folders[1024], why[1100];
	const char *sender = d->in.envelope_sender;

	log_escape(d->req->recipient, to, sizeof to);
	log_escape(sender ? sender : "", from, sizeof from);
	log_escape(delivery_message_id(d), id, sizeof id);
	if (code == EX_OK && d->claim.status == CLAIM_DUPLICATE) {
		log_line(LOG_INFO, "to=<%s> from=<%s> msgid=%s size=%lld "
		    "status=duplicate (delivered %lld s ago, nothing filed)",
		    to, from, id, (long long)d->in.size,
		    (long long)(time(NULL) - d->claim.delivered));
		return;
	}
	if (code == EX_OK) {
		report_folders(&d->targets, folders, sizeof folders);
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
