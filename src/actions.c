/* actions.c: redirect, reject, vacation, notify (see actions.h). */
#include "actions.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mailer.h"

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

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* RFC 2047 B-encoding of UTF-8 text, as one or more encoded words. */
static void encode_words(const char *s, char *out, size_t outlen)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s), o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n;) {
		size_t chunk = n - i < 45 ? n - i : 45;
		char word[128];
		size_t w = 0;

		/* do not split a UTF-8 sequence between two words */
		while (chunk < n - i && chunk > 0 &&
		    ((unsigned char)s[i + chunk] & 0xc0) == 0x80)
			chunk--;
		for (size_t j = 0; j < chunk; j += 3) {
			unsigned v = (unsigned char)s[i + j] << 16;

			if (j + 1 < chunk)
				v |= (unsigned char)s[i + j + 1] << 8;
			if (j + 2 < chunk)
				v |= (unsigned char)s[i + j + 2];
			word[w++] = b64[v >> 18 & 63];
			word[w++] = b64[v >> 12 & 63];
			word[w++] = j + 1 < chunk ? b64[v >> 6 & 63] : '=';
			word[w++] = j + 2 < chunk ? b64[v & 63] : '=';
		}
		word[w] = '\0';
		o += (size_t)snprintf(out + o, o < outlen ? outlen - o : 0,
		    "%s=?UTF-8?B?%s?=", i ? " " : "", word);
		if (o >= outlen) {
			out[outlen - 1] = '\0';
			return;
		}
		i += chunk;
	}
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

static char *reject_compose(const struct action_ctx *c, const char *reason)
{
	char date[64], id[300], subj[1000], to[1100], from[1100], ref[1100];
	const char *msgid = header_get(c->headers, "Message-ID", 0);
	char *text = NULL;

	date_now(date, sizeof date);
	new_message_id(c->cfg, id, sizeof id);
	header_safe(header_get(c->headers, "Subject", 0), subj, sizeof subj);
	header_safe(c->sender, to, sizeof to);
	header_safe(c->recipient, from, sizeof from);
	header_safe(msgid, ref, sizeof ref);
	if (asprintf(&text, "From: <%s>\nTo: <%s>\nSubject: Rejected: %s\n"
	    "Date: %s\nMessage-ID: %s\n%s%s%s"
	    "Auto-Submitted: auto-replied (rejected)\nMIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\n\n"
	    "Your message to <%s> was rejected by the recipient's mail "
	    "filter:\n\n%s\n", from, to, subj, date, id,
	    msgid ? "In-Reply-To: " : "", msgid ? ref : "", msgid ? "\n" : "",
	    from, reason) < 0)
		return NULL;
	return text;
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
	char line[400], shown[600];
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
	if ((body.head = reject_compose(c, reason)) == NULL)
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
	if (nth >= c->cfg->sieve_max_redirects)
		return "more redirects than sieve_max_redirects";
	return NULL;
}

static int redirect_one(const struct action_ctx *c, const char *target,
    const char *marker, const char *msgid)
{
	char head[1200], shown[600], why[700];
	struct mail_body body = { .head = head, .body_fd = c->msg_fd };
	struct outcome out = { 0 };

	if (*msgid && store_redirect_done(c->store, msgid, target)) {
		log_line(LOG_INFO, "sieve: redirect to <%s> already done",
		    log_escape(target, shown, sizeof shown));
		return 0;
	}
	snprintf(head, sizeof head, "X-Loop: %s\n", marker);
	if (mailer_send(c->cfg->sendmail, c->sender ? c->sender : "",
	    target, &body, &out) < 0) {
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
		} else if (redirect_one(c, a->address, marker, msgid) < 0) {
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

/* One of the user's addresses in To, Cc, Bcc or Resent-To/Cc/Bcc
 * (RFC 5230 section 4.5): the recipient (with and without its detail),
 * :from and :addresses.  When it is one of :addresses, that one goes to
 * via (the reply is then sent from it, as Pigeonhole does), else via is
 * "". */
static bool addressed_to_user(const struct action_ctx *c,
    const struct action *a, char *via, size_t vialen)
{
	static const char *const names[] = {
		"To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc", NULL
	};
	char bare[1100];
	const char *mine[3] = { c->recipient, bare, a->from };
	const char *v;

	via[0] = '\0';
	strip_detail(c->recipient ? c->recipient : "",
	    c->cfg->recipient_delimiter, bare, sizeof bare);
	for (size_t n = 0; names[n]; n++)
		for (size_t i = 0; (v = header_get(c->headers, names[n], i));
		    i++) {
			for (size_t k = 0; k < 3; k++)
				if (mine[k] && address_list_has(v, mine[k]))
					return true;
			if (in_addresses(a, NULL, v, via, vialen))
				return true;
		}
	return false;
}

const char *vacation_refusal(const struct action_ctx *c,
    const struct action *a)
{
	static const char *const bulk[] = { "bulk", "junk", "list", NULL };
	const char *s = c->sender;
	char via[1100];

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
	if (!addressed_to_user(c, a, via, sizeof via))
		return "user not in To/Cc/Bcc/Resent-*";
	return NULL;
}

/* Subject of the reply: :subject, or "Auto: " + the original. */
static void reply_subject(const struct action_ctx *c, const struct action *a,
    char *out, size_t outlen)
{
	char raw[1000];
	const char *orig = header_get(c->headers, "Subject", 0);

	if (a->subject && *a->subject) {
		header_safe(a->subject, raw, sizeof raw);
		if (is_ascii(raw))
			strlcpy(out, raw, outlen);
		else
			encode_words(raw, out, outlen);
		return;
	}
	header_safe(orig, raw, sizeof raw);
	if (orig == NULL || raw[strspn(raw, " ")] == '\0')
		strlcpy(out, "Automated reply", outlen);
	else
		snprintf(out, outlen, "Auto: %s", raw + strspn(raw, " "));
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
	char date[64], id[300], subj[1200], from[1100], to[1100];
	char orig[1000], refs[3100], threading[4200] = "", via[1100] = "";
	const char *msgid = header_get(c->headers, "Message-ID", 0);
	char *text = NULL;

	date_now(date, sizeof date);
	new_message_id(c->cfg, id, sizeof id);
	reply_subject(c, a, subj, sizeof subj);
	if (a->from == NULL || *a->from == '\0')
		(void)addressed_to_user(c, a, via, sizeof via);
	header_safe(a->from && *a->from ? a->from : via[0] ? via :
	    c->recipient, from, sizeof from);
	header_safe(c->sender, to, sizeof to);
	if (msgid != NULL) {
		header_safe(msgid, orig, sizeof orig);
		references(c, orig, refs, sizeof refs);
		snprintf(threading, sizeof threading,
		    "In-Reply-To: %s\nReferences: %s\n", orig, refs);
	}
	if (asprintf(&text, "From: %s%s%s\nTo: <%s>\nSubject: %s\nDate: %s\n"
	    "Message-ID: %s\n%sAuto-Submitted: auto-replied (vacation)\n"
	    "Precedence: bulk\nX-Auto-Response-Suppress: All\n"
	    "MIME-Version: 1.0\n%s%s\n",
	    strchr(from, '<') ? "" : "<", from, strchr(from, '<') ? "" : ">",
	    to, subj, date, id, threading,
	    a->mime ? "" : "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\n\n", a->text ? a->text : "") < 0)
		return NULL;
	return text;
}

static void vacation(const struct action_ctx *c, const struct action *a)
{
	struct mail_body body = { .body_fd = -1 };
	struct outcome out = { 0 };
	char shown[600], why[700];
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
	if (mailer_send(c->cfg->sendmail, "", c->sender, &body, &out) < 0) {
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
		} else if (a->type == ACTION_NOTIFY) {
			log_line(LOG_INFO, "sieve: notify :method %s: %s "
			    "(not sent: notify is only logged)",
			    log_escape(a->address ? a->address : "", m,
			    sizeof m), log_escape(a->text ? a->text : "", t,
			    sizeof t));
		}
	}
}
