/* actions.c: redirect, reject, vacation, notify (see actions.h). */
#include "actions.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mailer.h"
#include "msgedit.h"
#include "notify_mail.h"
#include "reject_notice.h"
#include "vacation_reply.h"

/* ---- small helpers ------------------------------------------------------ */

static bool addr_char(int c)
{
	return isalnum(c) || (c && strchr(".@_+-=!#$%&'*/?^`{|}~", c)) ||
	    c >= 0x80;
}

bool address_list_has(const char *value, const char *addr)
{
	size_t n = strlen(addr);

	if (n == 0 || value == NULL)
		return false;
	for (const char *p = value; (p = strcasestr(p, addr)) != NULL; p++) {
		bool start = p == value || !addr_char((unsigned char)p[-1]);
		bool end = !addr_char((unsigned char)p[n]);

		if (start && end)
			return true;
	}
	return false;
}

/* addr without its +detail (recipient_delimiter), into out. */
static void strip_detail(const char *addr, const char *delims, char *out,
    size_t outlen)
{
	const char *at = strrchr(addr, '@');
	size_t local = at ? (size_t)(at - addr) : strlen(addr);
	size_t cut = delims && *delims ? strcspn(addr, delims) : local;

	if (cut > local)
		cut = local;
	snprintf(out, outlen, "%.*s%s", (int)cut, addr, at ? at : "");
}

/* Header text from a message or script made safe for one header line. */
static void header_safe(const char *in, char *out, size_t outlen)
{
	size_t i = 0;

	for (; in && *in && i + 1 < outlen; in++)
		out[i++] = (unsigned char)*in < 0x20 || *in == 0x7f ? ' ' : *in;
	out[i] = '\0';
}

static void hostname_of(const struct config *cfg, char *out, size_t len)
{
	if (cfg->hostname && *cfg->hostname)
		strlcpy(out, cfg->hostname, len);
	else if (gethostname(out, len) < 0 || out[0] == '\0')
		strlcpy(out, "localhost", len);
	out[len - 1] = '\0';
}

static void date_now(char *out, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL ||
	    strftime(out, len, "%a, %d %b %Y %H:%M:%S %z", &tm) == 0)
		strlcpy(out, "Thu, 01 Jan 1970 00:00:00 +0000", len);
}

static void new_message_id(const struct config *cfg, char *out, size_t len)
{
	char host[256];
	uint32_t r = arc4random();

	hostname_of(cfg, host, sizeof host);
	snprintf(out, len, "<%lld.%ld.%08x.deliver@%s>", (long long)time(NULL),
	    (long)getpid(), r, host);
}

/* Pigeonhole's original recipient: the one before aliasing when known,
 * else the final one. */
static const char *orig_rcpt(const struct action_ctx *c)
{
	if (c->orig_recipient != NULL && *c->orig_recipient != '\0')
		return c->orig_recipient;
	return c->recipient ? c->recipient : "";
}

/* sieve_user_email, or NULL when not configured. */
static const char *user_email(const struct action_ctx *c)
{
	const char *u = c->cfg->sieve_user_email;

	return u != NULL && *u != '\0' ? u : NULL;
}

/* The postmaster's address: postmaster_address's, or postmaster@ the
 * recipient's domain (the host name when it has none), as Dovecot's
 * default. */
static void postmaster_address(const struct action_ctx *c, char *out,
    size_t len)
{
	const char *at = c->recipient ? strrchr(c->recipient, '@') : NULL;
	char host[256];

	const char *pm = c->cfg->postmaster_address, *lt;

	if (pm && *pm) {
		/* "Name <address>": the address alone */
		if ((lt = strrchr(pm, '<')) != NULL)
			pm = lt;
		if (header_bare_address(pm, out, len) >= len)
			out[0] = '\0';
		return;
	}
	if (at != NULL && at[1] != '\0') {
		snprintf(out, len, "postmaster@%s", at + 1);
		return;
	}
	hostname_of(c->cfg, host, sizeof host);
	snprintf(out, len, "postmaster@%s", host);
}

/* The postmaster as a From header value: postmaster_address as written
 * when it has a display name, else "Postmaster <address>", as Dovecot
 * writes it. */
static void postmaster_from(const struct action_ctx *c, char *out,
    size_t len)
{
	char addr[1000];

	if (c->cfg->postmaster_address &&
	    strchr(c->cfg->postmaster_address, '<') != NULL) {
		header_safe(c->cfg->postmaster_address, out, len);
		return;
	}
	postmaster_address(c, addr, sizeof addr);
	snprintf(out, len, "Postmaster <%s>", addr);
}

/* ---- reject ------------------------------------------------------------ */

static const struct action *find_action(const struct plan *plan,
    enum action_type type)
{
	for (size_t i = 0; i < plan->count; i++)
		if (plan->actions[i].type == type)
			return &plan->actions[i];
	return NULL;
}

/* s with each CRLF as LF (malloced; NULL when memory runs out).  Sieve
 * strings end their lines in CRLF, as Pigeonhole reads them; the mail
 * deliver writes for sendmail ends its lines in LF. */
static char *lf_only(const char *s)
{
	char *out = strdup(s), *w = out;

	if (out == NULL)
		return NULL;
	for (const char *r = out; *r; r++)
		if (!(r[0] == '\r' && r[1] == '\n'))
			*w++ = *r;
	*w = '\0';
	return out;
}

/* The rejection as Pigeonhole sends it (reject_notice.h), from the
 * postmaster, for the original recipient. */
static char *reject_compose(const struct action_ctx *c, const char *reason)
{
	char date[64], id[300], to[1100], host[256], rcpt[1100], orig[1100];
	char msgid[1000], from[1200];
	const char *mid = header_get(c->headers, "Message-ID", 0);
	struct reject_notice n = {
		.from = from, .to = to, .recipient = rcpt,
		.orig_recipient = orig, .msgid = msgid, .reason = reason,
		.host = host, .date = date, .id = id, .msg_fd = c->msg_fd,
	};

	date_now(date, sizeof date);
	new_message_id(c->cfg, id, sizeof id);
	hostname_of(c->cfg, host, sizeof host);
	postmaster_from(c, from, sizeof from);
	header_safe(c->sender, to, sizeof to);
	header_safe(orig_rcpt(c), rcpt, sizeof rcpt);
	header_safe(c->orig_recipient, orig, sizeof orig);
	header_safe(mid, msgid, sizeof msgid);
	return reject_notice_compose(&n);
}

/* The reason as one line for stderr and the log. */
static void one_line(const char *in, char *out, size_t outlen)
{
	header_safe(in, out, outlen);
	for (size_t i = strlen(out); i > 0 && out[i - 1] == ' '; i--)
		out[i - 1] = '\0';
}

int actions_reject(const struct action_ctx *c, const struct plan *plan,
    struct outcome *out)
{
	const struct action *a = find_action(plan, ACTION_REJECT);
	const char *reason;
	char line[400], shown[600], *reason_lf;
	struct mail_body body = { .body_fd = -1 };
	int rc;

	if (a == NULL)
		return 0;
	reason = a->text && *a->text ? a->text : "rejected";
	one_line(reason, line, sizeof line);
	if (c->sender == NULL || *c->sender == '\0') {
		log_line(LOG_NOTICE, "sieve: reject of a message with null "
		    "sender: nothing sent, message dropped (%s)",
		    log_escape(line, shown, sizeof shown));
		return 0;
	}
	if (c->cfg->reject_mode == REJECT_EXIT)
		return fail(out, EX_NOPERM, "%s", line);
	reason_lf = lf_only(reason);
	body.head = reason_lf ? reject_compose(c, reason_lf) : NULL;
	free(reason_lf);
	if (body.head == NULL)
		return fail(out, EX_TEMPFAIL, "out of memory");
	rc = mailer_send(c->cfg->sendmail, "", c->sender, &body, out);
	free((char *)body.head);
	if (rc == 0)
		log_line(LOG_INFO, "sieve: rejected, notice sent to <%s>",
		    log_escape(c->sender, shown, sizeof shown));
	return rc;
}

/* ---- redirect ------------------------------------------------------------ */

void actions_loop_marker(const char *recipient, char *out, size_t outlen)
{
	snprintf(out, outlen, "deliver <%s>", recipient ? recipient : "");
}

static bool is_own_address(const struct action_ctx *c, const char *addr)
{
	char bare[1100], mine[1100];

	if (c->recipient == NULL)
		return false;
	strip_detail(addr, c->cfg->recipient_delimiter, bare, sizeof bare);
	strip_detail(c->recipient, c->cfg->recipient_delimiter, mine,
	    sizeof mine);
	return strcasecmp(addr, c->recipient) == 0 ||
	    strcasecmp(bare, mine) == 0;
}

static bool already_looped(const struct action_ctx *c, const char *marker)
{
	const char *v;

	for (size_t i = 0; (v = header_get(c->headers, "X-Loop", i)); i++)
		if (strcasecmp(v, marker) == 0)
			return true;
	return false;
}

/* Pigeonhole's loop check: an X-Sieve-Redirected-From naming the final
 * recipient or sieve_user_email (compared without regard to case: the
 * same mailbox) means this user redirected the message before. */
static bool redirected_here_before(const struct action_ctx *c)
{
	const char *v, *mine[2] = { c->recipient, user_email(c) };
	char one[1100];

	for (size_t i = 0; (v = header_get(c->headers,
	    "X-Sieve-Redirected-From", i)); i++) {
		size_t n;

		v += strspn(v, " \t\r\n");
		n = strlen(v);
		while (n > 0 && strchr(" \t\r\n", v[n - 1]))
			n--;
		snprintf(one, sizeof one, "%.*s", (int)n, v);
		for (size_t k = 0; k < 2; k++)
			if (mine[k] && *mine[k] && strcasecmp(one, mine[k]) == 0)
				return true;
	}
	return false;
}

/* The envelope sender of a redirect, by sieve_redirect_envelope_from
 * (Pigeonhole's meanings), into out.  A message with the null sender is
 * redirected with the null sender whatever the setting (RFC 5228 section
 * 4.2: a bounce must not loop). */
static void redirect_sender(const struct action_ctx *c, char *out,
    size_t len)
{
	const char *how = c->cfg->sieve_redirect_envelope_from;
	const char *from = c->sender ? c->sender : "";

	if (*from == '\0' || how == NULL) {
		strlcpy(out, from, len);
		return;
	}
	if (strcmp(how, "user_email") == 0 && user_email(c) == NULL)
		how = "recipient";
	if (strcmp(how, "recipient") == 0)
		from = c->recipient ? c->recipient : "";
	else if (strcmp(how, "orig_recipient") == 0)
		from = orig_rcpt(c);
	else if (strcmp(how, "user_email") == 0)
		from = user_email(c);
	else if (strcmp(how, "postmaster") == 0) {
		postmaster_address(c, out, len);
		return;
	} else if (how[0] == '<') {       /* "<address>" or "<>" */
		snprintf(out, len, "%.*s", (int)strlen(how) - 2, how + 1);
		return;
	}
	strlcpy(out, from, len);
}

/* The length of a Return-Path header at the start of the filed message
 * (deliver's own, add_return_path): a redirect leaves it out, as
 * Pigeonhole does, the next delivery writes its own. */
static off_t return_path_length(int fd)
{
	char buf[2048];
	ssize_t n = fd >= 0 ? pread(fd, buf, sizeof buf, 0) : -1;
	ssize_t i = 12;

	if (n < 12 || strncasecmp(buf, "Return-Path:", 12) != 0)
		return 0;
	for (; i < n; i++)
		if (buf[i] == '\n' && (i + 1 >= n ||
		    (buf[i + 1] != ' ' && buf[i + 1] != '\t')))
			return i + 1 < n ? i + 1 : 0;
	return 0;
}

/* Why this redirect may not go out, or NULL. */
static const char *redirect_refusal(const struct action_ctx *c,
    const char *target, size_t nth, const char *marker)
{
	if (target == NULL || !mailer_address_ok(target))
		return "unusable address";
	if (is_own_address(c, target))
		return "the recipient's own address";
	if (already_looped(c, marker))
		return "the message was redirected here before (X-Loop)";
	if (redirected_here_before(c))
		return "the message was redirected here before "
		    "(X-Sieve-Redirected-From)";
	if (nth >= c->cfg->sieve_max_redirects)
		return "more redirects than sieve_max_redirects";
	return NULL;
}

/* The message a redirect sends: the file as filed, or for an edited
 * header version (editheader, as Pigeonhole sends the message as the
 * script had edited it when it redirected) that version written to an
 * unlinked file.  -1 when it cannot be written (logged; the caller
 * sends the unedited message then). */
static int redirect_version(const struct action_ctx *c, const char *edits)
{
	off_t size;
	int fd;

	if (edits == NULL)
		return -1;
	if ((fd = msgedit_tmpfile(c->tmp_dirfd > 0 ? c->tmp_dirfd : -1)) < 0 ||
	    msgedit_write(c->msg_fd, c->headers, edits, fd, &size) < 0) {
		log_line(LOG_WARNING, "sieve: redirect: cannot write the "
		    "edited message (%s): sending it unedited",
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int redirect_send(const struct action_ctx *c, const char *target,
    const char *marker, const char *msgid, int msg_fd)
{
	char head[4096], shown[600], why[700], from[1100], self[1100];
	char newid[300] = "";
	struct mail_body body = { .head = head, .body_fd = msg_fd,
		.body_offset = return_path_length(msg_fd) };
	struct outcome out = { 0 };
	const char *me = user_email(c) ? user_email(c) : c->recipient;

	if (*msgid && store_redirect_done(c->store, msgid, target)) {
		log_line(LOG_INFO, "sieve: redirect to <%s> already done",
		    log_escape(target, shown, sizeof shown));
		return 0;
	}
	/* X-Sieve-Redirected-From: whose Sieve redirected it (Pigeonhole's
	 * loop marker), sieve_user_email or the recipient */
	header_safe(me, self, sizeof self);
	/* a message without a Message-ID gets one, as Pigeonhole gives it:
	 * the receiving side can then recognise it */
	if (*msgid == '\0')
		new_message_id(c->cfg, newid, sizeof newid);
	snprintf(head, sizeof head, "X-Loop: %s\n%s%s%s%s%s%s", marker,
	    *self ? "X-Sieve-Redirected-From: " : "", self, *self ? "\n" : "",
	    *newid ? "Message-ID: " : "", newid, *newid ? "\n" : "");
	redirect_sender(c, from, sizeof from);
	if (mailer_send(c->cfg->sendmail, from, target, &body, &out) < 0) {
		log_line(LOG_ERR, "sieve: redirect to <%s> failed: %s",
		    log_escape(target, shown, sizeof shown),
		    log_escape(out.reason, why, sizeof why));
		return -1;
	}
	log_line(LOG_INFO, "sieve: redirected to <%s>",
	    log_escape(target, shown, sizeof shown));
	if (*msgid)
		store_redirect_sent(c->store, msgid, target);
	return 0;
}

static int redirect_one(const struct action_ctx *c, const char *target,
    const char *marker, const char *msgid, const char *edits)
{
	int edited = redirect_version(c, edits);
	int rc = redirect_send(c, target, marker, msgid,
	    edited >= 0 ? edited : c->msg_fd);

	if (edited >= 0)
		close(edited);
	return rc;
}

void actions_redirect(const struct action_ctx *c, const struct plan *plan,
    bool *keep_instead)
{
	char marker[1100], msgid[1000], shown[600];
	const char *id = header_get(c->headers, "Message-ID", 0);
	size_t nth = 0;

	actions_loop_marker(c->recipient, marker, sizeof marker);
	header_bare_address(id ? id : "", msgid, sizeof msgid);
	for (size_t i = 0; i < plan->count; i++) {
		const struct action *a = &plan->actions[i];
		const char *why;

		if (a->type != ACTION_REDIRECT)
			continue;
		if ((why = redirect_refusal(c, a->address, nth++, marker))) {
			log_line(LOG_NOTICE, "sieve: redirect to <%s> refused: "
			    "%s; keeping the message", log_escape(a->address ?
			    a->address : "", shown, sizeof shown), why);
			*keep_instead = true;
		} else if (redirect_one(c, a->address, marker, msgid,
		    a->edits) < 0) {
			*keep_instead = true;
		}
	}
}

/* ---- vacation ------------------------------------------------------------ */

static bool system_sender(const char *sender)
{
	const char *at = strrchr(sender, '@');
	size_t n = at ? (size_t)(at - sender) : strlen(sender);
	char local[256];

	if (n >= sizeof local)
		n = sizeof local - 1;
	memcpy(local, sender, n);
	local[n] = '\0';
	return strncasecmp(local, "mailer-daemon", 13) == 0 ||
	    strcasecmp(local, "listserv") == 0 ||
	    strcasecmp(local, "majordomo") == 0 ||
	    strncasecmp(local, "owner-", 6) == 0 ||
	    (n >= 8 && strcasecmp(local + n - 8, "-request") == 0);
}

static bool header_is_one_of(const struct action_ctx *c, const char *name,
    const char *const *values)
{
	const char *v;
	char word[64];

	for (size_t i = 0; (v = header_get(c->headers, name, i)); i++) {
		while (isspace((unsigned char)*v))
			v++;
		snprintf(word, sizeof word, "%.*s", (int)strcspn(v, " \t;("), v);
		for (size_t k = 0; values[k]; k++)
			if (strcasecmp(word, values[k]) == 0)
				return true;
	}
	return false;
}

/* X-Auto-Response-Suppress: a comma-separated list ("DR, OOF, RN"); All
 * or OOF asks not to answer (Pigeonhole reads it so). */
static bool response_suppressed(const struct action_ctx *c)
{
	const char *v;
	char word[64];

	for (size_t i = 0; (v = header_get(c->headers,
	    "X-Auto-Response-Suppress", i)); i++)
		while (*v != '\0') {
			size_t n;

			v += strspn(v, " \t,");
			n = strcspn(v, ",");
			snprintf(word, sizeof word, "%.*s", (int)n, v);
			for (size_t k = strlen(word); k > 0 &&
			    strchr(" \t", word[k - 1]); k--)
				word[k - 1] = '\0';
			if (strcasecmp(word, "All") == 0 ||
			    strcasecmp(word, "OOF") == 0)
				return true;
			v += n;
		}
	return false;
}

static bool auto_submitted(const struct action_ctx *c)
{
	const char *v;
	char word[64];

	for (size_t i = 0; (v = header_get(c->headers, "Auto-Submitted", i));
	    i++) {
		while (isspace((unsigned char)*v))
			v++;
		snprintf(word, sizeof word, "%.*s", (int)strcspn(v, " \t;("), v);
		if (strcasecmp(word, "no") != 0)
			return true;
	}
	return false;
}

static bool list_message(const struct action_ctx *c)
{
	static const char *const names[] = {
		"List-Id", "List-Help", "List-Subscribe", "List-Unsubscribe",
		"List-Post", "List-Owner", "List-Archive", NULL
	};

	for (size_t i = 0; names[i]; i++)
		if (header_get(c->headers, names[i], 0) != NULL)
			return true;
	return false;
}

/* Whether one of the :addresses lines of a is addr or, with addr NULL,
 * appears in the header value v; the line found goes to found (when not
 * NULL). */
static bool in_addresses(const struct action *a, const char *addr,
    const char *v, char *found, size_t foundlen)
{
	char one[1100];

	for (const char *p = a->addresses; p != NULL && *p != '\0';) {
		size_t n = strcspn(p, "\n");

		if (n > 0 && n < sizeof one) {
			snprintf(one, sizeof one, "%.*s", (int)n, p);
			if (addr != NULL ? strcasecmp(one, addr) == 0 :
			    address_list_has(v, one)) {
				if (found != NULL)
					strlcpy(found, one, foundlen);
				return true;
			}
		}
		p += n + (p[n] == '\n');
	}
	return false;
}

/* Whom a vacation reply is from: the From header's address and the
 * envelope sender used with sieve_vacation_send_from_recipient. */
struct reply_from {
	char from[1100];
	char smtp_from[1100];
};

/* The original recipient vacation answers for, with
 * sieve_vacation_use_original_recipient; else NULL. */
static const char *vacation_orig(const struct action_ctx *c)
{
	return c->cfg->sieve_vacation_use_original_recipient ? orig_rcpt(c) :
	    NULL;
}

static void set_from(struct reply_from *rf, const char *from,
    const char *smtp_from)
{
	strlcpy(rf->from, from ? from : "", sizeof rf->from);
	strlcpy(rf->smtp_from, smtp_from ? smtp_from : "", sizeof rf->smtp_from);
}

/* Whether the header value v names one of the user's addresses, in
 * Pigeonhole's order: the recipient (deliver also takes it without its
 * detail, and :from), the original recipient
 * (sieve_vacation_use_original_recipient), one of :addresses,
 * sieve_user_email.  The one found fills rf. */
static bool names_user(const struct action_ctx *c, const struct action *a,
    const char *v, struct reply_from *rf)
{
	const char *orig = vacation_orig(c), *ue = user_email(c);
	char bare[1100], found[1100];
	const char *mine[3];

	strip_detail(c->recipient ? c->recipient : "",
	    c->cfg->recipient_delimiter, bare, sizeof bare);
	mine[0] = c->recipient;
	mine[1] = bare;
	mine[2] = a->from;
	for (size_t k = 0; k < 3; k++)
		if (mine[k] && *mine[k] && address_list_has(v, mine[k])) {
			set_from(rf, c->recipient, c->recipient);
			return true;
		}
	if (orig && address_list_has(v, orig)) {
		set_from(rf, orig, orig);
		return true;
	}
	if (in_addresses(a, NULL, v, found, sizeof found)) {
		/* the envelope sender is never the script's choice */
		set_from(rf, found, orig ? orig : c->recipient);
		return true;
	}
	if (ue && address_list_has(v, ue)) {
		set_from(rf, ue, ue);
		return true;
	}
	return false;
}

/* One of the user's addresses in To, Cc, Bcc or Resent-To/Cc/Bcc
 * (RFC 5230 section 4.5; names_user says which).  With
 * sieve_vacation_dont_check_recipient a message that names none is
 * answered all the same, from sieve_user_email (else the recipient), as
 * Pigeonhole does. */
static bool addressed_to_user(const struct action_ctx *c,
    const struct action *a, struct reply_from *rf)
{
	static const char *const names[] = {
		"To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc", NULL
	};
	const char *v, *orig = vacation_orig(c);

	set_from(rf, NULL, NULL);
	for (size_t n = 0; names[n]; n++)
		for (size_t i = 0; (v = header_get(c->headers, names[n], i));
		    i++)
			if (names_user(c, a, v, rf))
				return true;
	if (!c->cfg->sieve_vacation_dont_check_recipient)
		return false;
	set_from(rf, user_email(c) ? user_email(c) : c->recipient,
	    orig ? orig : c->recipient);
	return true;
}

const char *vacation_refusal(const struct action_ctx *c,
    const struct action *a)
{
	static const char *const bulk[] = { "bulk", "junk", "list", NULL };
	const char *s = c->sender;
	struct reply_from rf;

	if (s == NULL || *s == '\0')
		return "null sender";
	if (!mailer_address_ok(s))
		return "unusable sender address";
	if (is_own_address(c, s) || (a->from && strcasecmp(a->from, s) == 0) ||
	    in_addresses(a, s, NULL, NULL, 0))
		return "sender is the user";
	if (system_sender(s))
		return "sender is a system address";
	if (auto_submitted(c))
		return "Auto-Submitted";
	if (list_message(c))
		return "mailing list message";
	if (header_is_one_of(c, "Precedence", bulk))
		return "Precedence bulk/junk/list";
	if (response_suppressed(c))
		return "X-Auto-Response-Suppress";
	if (!addressed_to_user(c, a, &rf))
		return "user not in To/Cc/Bcc/Resent-*";
	return NULL;
}

static void references(const struct action_ctx *c, const char *msgid,
    char *out, size_t outlen)
{
	char old[2000];
	const char *refs = header_get(c->headers, "References", 0);

	header_safe(refs, old, sizeof old);
	if (refs && *old)
		snprintf(out, outlen, "%s %s", old, msgid);
	else
		strlcpy(out, msgid, outlen);
}

char *vacation_compose(const struct action_ctx *c, const struct action *a)
{
	char date[64], id[300], subj[8192], from[1100], to[1200];
	char orig[1000], refs[3100], threading[4200] = "", pm[1100];
	const char *msgid = header_get(c->headers, "Message-ID", 0);
	char *text = NULL, *body = a->text ? lf_only(a->text) : NULL;
	struct reply_from rf;
	int n;

	date_now(date, sizeof date);
	new_message_id(c->cfg, id, sizeof id);
	vacation_subject(c->cfg, c->headers, a->subject, subj, sizeof subj);
	/* From: :from, else the address the message was sent to, else the
	 * postmaster (Pigeonhole's order) */
	(void)addressed_to_user(c, a, &rf);
	postmaster_from(c, pm, sizeof pm);
	header_safe(a->from && *a->from ? a->from : rf.from[0] ? rf.from :
	    pm, from, sizeof from);
	vacation_reply_to(c->cfg, c->headers, c->sender, to, sizeof to);
	if (msgid != NULL) {
		header_safe(msgid, orig, sizeof orig);
		references(c, orig, refs, sizeof refs);
		snprintf(threading, sizeof threading,
		    "In-Reply-To: %s\nReferences: %s\n", orig, refs);
	} else if (header_get(c->headers, "References", 0) != NULL) {
		header_safe(header_get(c->headers, "References", 0), refs,
		    sizeof refs);
		snprintf(threading, sizeof threading, "References: %s\n",
		    refs);
	}
	if (a->text != NULL && body == NULL)
		return NULL;
	n = asprintf(&text, "From: %s%s%s\nTo: %s\nSubject: %s\nDate: %s\n"
	    "Message-ID: %s\n%sAuto-Submitted: auto-replied (vacation)\n"
	    "Precedence: bulk\nX-Auto-Response-Suppress: All\n"
	    "MIME-Version: 1.0\n%s%s\n",
	    strchr(from, '<') ? "" : "<", from, strchr(from, '<') ? "" : ">",
	    to, subj, date, id, threading,
	    a->mime ? "" : "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\n\n", body ? body : "");
	free(body);
	return n < 0 ? NULL : text;
}

static void vacation(const struct action_ctx *c, const struct action *a)
{
	struct mail_body body = { .body_fd = -1 };
	struct outcome out = { 0 };
	char shown[600], why[700], smtp_from[1100];
	struct reply_from rf;
	const char *refusal = vacation_refusal(c, a);
	/* the native engine gives the period in seconds (vacation-seconds),
	 * libsieve in days */
	unsigned long long period = a->seconds ? a->seconds :
	    (unsigned long long)a->days * 86400;

	log_escape(c->sender ? c->sender : "", shown, sizeof shown);
	if (refusal != NULL) {
		log_line(LOG_INFO, "sieve: vacation: no reply to <%s>: %s",
		    shown, refusal);
		return;
	}
	if (!store_vacation_due_period(c->store, c->sender, a->handle,
	    period)) {
		log_line(LOG_INFO, "sieve: vacation: <%s> already answered "
		    "within %llu seconds", shown, period);
		return;
	}
	if ((body.head = vacation_compose(c, a)) == NULL)
		return;
	/* the null sender (RFC 3834), or with
	 * sieve_vacation_send_from_recipient the recipient's address */
	smtp_from[0] = '\0';
	if (c->cfg->sieve_vacation_send_from_recipient &&
	    addressed_to_user(c, a, &rf))
		strlcpy(smtp_from, rf.smtp_from, sizeof smtp_from);
	if (mailer_send(c->cfg->sendmail, smtp_from, c->sender, &body,
	    &out) < 0) {
		log_line(LOG_ERR, "sieve: vacation reply to <%s> failed: %s",
		    shown, log_escape(out.reason, why, sizeof why));
	} else {
		log_line(LOG_INFO, "sieve: vacation reply sent to <%s>", shown);
		store_vacation_sent(c->store, c->sender, a->handle);
	}
	free((char *)body.head);
}

void actions_after_filing(const struct action_ctx *c,
    const struct plan *plan)
{
	char m[600], t[600];
	bool answered = false;

	for (size_t i = 0; i < plan->count; i++) {
		const struct action *a = &plan->actions[i];

		/* one response per message: a later script's vacation (a
		 * sequence: sieve_before, the user's, sieve_after) gives way
		 * to the earlier one, as in Pigeonhole */
		if (a->type == ACTION_VACATION && !answered) {
			vacation(c, a);
			answered = true;
		} else if (a->type == ACTION_VACATION) {
			log_line(LOG_INFO, "sieve: vacation: an earlier script "
			    "already answers this message");
		} else if (a->type == ACTION_NOTIFY && a->notify_kind !=
		    NOTIFY_LOGGED) {
			notify_mail_send(c, plan, i);
		} else if (a->type == ACTION_NOTIFY) {
			log_line(LOG_INFO, "sieve: notify :method %s: %s "
			    "(not sent: notify is only logged)",
			    log_escape(a->address ? a->address : "", m,
			    sizeof m), log_escape(a->text ? a->text : "", t,
			    sizeof t));
		}
	}
}

/* ---- shared with notify_mail.c ------------------------------------------ */

const char *actions_user_email(const struct action_ctx *c)
{
	return user_email(c);
}

void actions_postmaster_address(const struct action_ctx *c, char *out,
    size_t len)
{
	postmaster_address(c, out, len);
}

void actions_postmaster_from(const struct action_ctx *c, char *out,
    size_t len)
{
	postmaster_from(c, out, len);
}

void actions_date_now(char *out, size_t len)
{
	date_now(out, len);
}

void actions_new_message_id(const struct config *cfg, char *out, size_t len)
{
	new_message_id(cfg, out, len);
}

bool actions_auto_submitted(const struct action_ctx *c)
{
	return auto_submitted(c);
}

const char *actions_orig_recipient(const struct action_ctx *c)
{
	return orig_rcpt(c);
}
