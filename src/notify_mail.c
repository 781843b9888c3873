/* notify_mail.c: composing and sending a Sieve notification (see
 * notify_mail.h).  The recipients come from the action's mailto URI
 * (sieve/notify_mailto.h), parsed again here exactly as the interpreter
 * parsed it, with the recipients of the notifications before it left out
 * in the same way. */
#include "notify_mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "growbuf.h"
#include "log.h"
#include "mailer.h"
#include "notify_mailto.h"
#include "rfc2047.h"
#include "vacation_reply.h"

#define SUBJECT_MAX 256          /* characters of a subject, as Pigeonhole */
#define ADDR_MAX 1024

/* ---- the recipients ---- */

static int parse_action(const struct action *a, struct mailto_uri *u)
{
	char err[MAILTO_ERR_MAX];
	const char *body;

	if (a->address == NULL || !mailto_scheme(a->address, &body))
		return -1;
	return mailto_parse(body, u, err, sizeof err);
}

/* The action's recipients without those of the notifications of the same
 * kind before it.  0, or -1 (unparsable: cannot happen for a plan the
 * interpreter made). */
static int recipients(const struct plan *plan, size_t index,
    struct mailto_uri *u)
{
	const struct action *a = &plan->actions[index];

	memset(u, 0, sizeof *u);
	if (parse_action(a, u) != 0)
		return -1;
	for (size_t i = 0; i < index && u->nrcpt > 0; i++) {
		const struct action *b = &plan->actions[i];
		struct mailto_uri old;

		if (b->type != ACTION_NOTIFY || b->notify_kind !=
		    a->notify_kind || parse_action(b, &old) != 0)
			continue;
		mailto_drop_known(u, &old);
		mailto_free(&old);
	}
	return 0;
}

/* ---- pieces of text ---- */

static bool has_8bit(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

/* Text for one header line: control characters become '?' (as Dovecot's
 * str_sanitize), cut at max characters with "..." when longer. */
static void sanitize(const char *in, char *out, size_t outlen, size_t max)
{
	size_t o = 0, chars = 0;

	for (; *in && o + 4 < outlen; in++) {
		unsigned char c = (unsigned char)*in;

		if ((c & 0xC0) != 0x80 && chars++ == max) {
			strlcpy(out + o, "...", outlen - o);
			return;
		}
		out[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	out[o] = '\0';
}

/* A Subject value: 8-bit text as RFC 2047 words. */
static void subject_value(const char *text, char *out, size_t outlen)
{
	char cut[SUBJECT_MAX * 4 + 8];

	sanitize(text, cut, sizeof cut, SUBJECT_MAX);
	if (has_8bit(cut))
		vacation_encode_words(cut, out, outlen);
	else
		strlcpy(out, cut, outlen);
}

static void enotify_subject(const struct action_ctx *c,
    const struct action *a, const struct mailto_uri *u, char *out,
    size_t outlen)
{
	const char *orig = header_get(c->headers, "Subject", 0);
	char *decoded, *line;

	if (a->text != NULL) {
		subject_value(a->text, out, outlen);
	} else if (u->subject != NULL) {
		subject_value(u->subject, out, outlen);
	} else if (orig != NULL && (decoded = rfc2047_decode(orig,
	    false)) != NULL) {
		if (asprintf(&line, "Notification: %s", decoded) >= 0) {
			subject_value(line, out, outlen);
			free(line);
		} else {
			strlcpy(out, "Notification", outlen);
		}
		free(decoded);
	} else {
		strlcpy(out, "Notification: (no subject)", outlen);
	}
}

/* "To: a, b" or "Cc: ..." folded after each comma; nothing when none. */
static void address_header(struct growbuf *b, const char *name,
    const struct mailto_uri *u, bool cc)
{
	bool first = true;

	for (size_t i = 0; i < u->nrcpt; i++) {
		if (u->rcpt[i].cc != cc)
			continue;
		growbuf_add(b, first ? name : ",\n ", strlen(first ? name :
		    ",\n "));
		growbuf_add(b, u->rcpt[i].full, strlen(u->rcpt[i].full));
		first = false;
	}
	if (!first)
		growbuf_add(b, "\n", 1);
}

static void add_line(struct growbuf *b, const char *name, const char *value)
{
	growbuf_add(b, name, strlen(name));
	growbuf_add(b, ": ", 2);
	growbuf_add(b, value, strlen(value));
	growbuf_add(b, "\n", 1);
}

static void importance_headers(struct growbuf *b, unsigned importance)
{
	static const char *const prio[] = { "3 (Normal)", "1 (Highest)",
		"3 (Normal)", "5 (Lowest)" };
	static const char *const imp[] = { "Normal", "High", "Normal", "Low" };
	unsigned i = importance <= 3 ? importance : 0;

	add_line(b, "X-Priority", prio[i]);
	add_line(b, "Importance", imp[i]);
}

/* The body: CR LF and lone CR become LF, a final LF added. */
static void body_text(struct growbuf *b, const char *text)
{
	bool charset8 = has_8bit(text);

	add_line(b, "MIME-Version", "1.0");
	add_line(b, "Content-Type", charset8 ? "text/plain; charset=utf-8" :
	    "text/plain; charset=us-ascii");
	add_line(b, "Content-Transfer-Encoding", charset8 ? "8bit" : "7bit");
	growbuf_add(b, "\n", 1);
	for (const char *p = text; *p; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue;
		growbuf_add(b, *p == '\r' ? "\n" : p, 1);
	}
	if (*text == '\0' || text[strlen(text) - 1] != '\n')
		growbuf_add(b, "\n", 1);
}

/* ---- envelope and From ---- */

/* The envelope sender by sieve_notify_mailto_envelope_from; "" for the
 * default (caller decides), "<>" never: a message with the null sender
 * is handled before. */
static void configured_sender(const struct action_ctx *c, char *out,
    size_t len)
{
	const char *how = c->cfg->sieve_notify_mailto_envelope_from;

	out[0] = '\0';
	if (how == NULL || *how == '\0' || strcmp(how, "default") == 0)
		return;
	if (strcmp(how, "sender") == 0)
		strlcpy(out, c->sender ? c->sender : "", len);
	else if (strcmp(how, "recipient") == 0)
		strlcpy(out, c->recipient ? c->recipient : "", len);
	else if (strcmp(how, "orig_recipient") == 0)
		strlcpy(out, actions_orig_recipient(c), len);
	else if (strcmp(how, "user_email") == 0 && actions_user_email(c))
		strlcpy(out, actions_user_email(c), len);
	else if (strcmp(how, "postmaster") == 0)
		actions_postmaster_address(c, out, len);
	else if (how[0] == '<')
		snprintf(out, len, "%.*s", (int)strlen(how) - 2, how + 1);
}

/* enotify: the envelope sender into env, the From value into from.
 * From is :from as written; else the configured or user's address the
 * envelope uses, in <>; else the postmaster (Pigeonhole's order). */
static void enotify_origin(const struct action_ctx *c, const struct action *a,
    char *env, char *from, size_t len)
{
	char addr[ADDR_MAX];
	bool null_sender = c->sender == NULL || *c->sender == '\0';
	bool named = false;     /* env is an address the user chose */

	env[0] = '\0';
	if (!null_sender) {
		configured_sender(c, env, len);
		named = env[0] != '\0';
		if (!named && a->from != NULL &&
		    mailto_mailbox(a->from, addr, sizeof addr) == 0)
			strlcpy(env, addr, len);
		else if (!named && actions_user_email(c) != NULL) {
			strlcpy(env, actions_user_email(c), len);
			named = true;
		} else if (!named)
			actions_postmaster_address(c, env, len);
	}
	if (a->from != NULL)
		sanitize(a->from, from, len, len);
	else if (named)
		snprintf(from, len, "<%s>", env);
	else
		actions_postmaster_from(c, from, len);
}

/* Who the notification is about, for Auto-Submitted's owner-email. */
static const char *owner_email(const struct action_ctx *c, char *buf,
    size_t len)
{
	if (actions_user_email(c) != NULL)
		return actions_user_email(c);
	if (c->recipient != NULL && *c->recipient != '\0')
		return c->recipient;
	actions_postmaster_address(c, buf, len);
	return buf;
}

/* ---- composing ---- */

static void enotify_compose(const struct action_ctx *c,
    const struct action *a, const struct mailto_uri *u, struct growbuf *b,
    char *env, size_t envlen)
{
	char id[300], date[64], subj[2048], from[ADDR_MAX + 8], own[ADDR_MAX];
	char line[ADDR_MAX + 64];

	actions_new_message_id(c->cfg, id, sizeof id);
	actions_date_now(date, sizeof date);
	enotify_subject(c, a, u, subj, sizeof subj);
	enotify_origin(c, a, env, from, envlen < sizeof from ? envlen :
	    sizeof from);
	add_line(b, "X-Sieve", "deliver");
	add_line(b, "Message-ID", id);
	add_line(b, "Date", date);
	add_line(b, "Subject", subj);
	add_line(b, "From", from);
	address_header(b, "To: ", u, false);
	address_header(b, "Cc: ", u, true);
	snprintf(line, sizeof line, "auto-notified; owner-email=\"%s\"",
	    owner_email(c, own, sizeof own));
	add_line(b, "Auto-Submitted", line);
	add_line(b, "Precedence", "bulk");
	importance_headers(b, a->importance);
	for (size_t i = 0; i < u->nhdr; i++)
		add_line(b, u->hdr[i].name, u->hdr[i].value);
	body_text(b, u->body != NULL ? u->body :
	    "Notification of new message.");
}

static int legacy_compose(const struct action_ctx *c,
    const struct action *a, const struct mailto_uri *u, struct growbuf *b,
    char *env, size_t envlen)
{
	char id[300], date[64], from[ADDR_MAX + 16];
	char *text = notify_legacy_text(c, a->text);

	if (text == NULL)
		return -1;
	actions_new_message_id(c->cfg, id, sizeof id);
	actions_date_now(date, sizeof date);
	actions_postmaster_from(c, from, sizeof from);
	env[0] = '\0';
	if (c->sender != NULL && *c->sender != '\0')
		actions_postmaster_address(c, env, envlen);
	add_line(b, "X-Sieve", "deliver");
	add_line(b, "Date", date);
	importance_headers(b, a->importance);
	add_line(b, "From", from);
	add_line(b, "Subject", "[SIEVE] New mail notification");
	add_line(b, "Auto-Submitted", "auto-generated (notify)");
	add_line(b, "Precedence", "bulk");
	add_line(b, "Message-ID", id);
	address_header(b, "To: ", u, false);
	body_text(b, text);
	free(text);
	return 0;
}

static char *compose(const struct action_ctx *c, const struct plan *plan,
    size_t index, struct mailto_uri *u, char *env, size_t envlen)
{
	const struct action *a = &plan->actions[index];
	struct growbuf b = { 0 };

	if (recipients(plan, index, u) != 0)
		return NULL;
	if (u->nrcpt == 0)
		return NULL;
	if (a->notify_kind == NOTIFY_LEGACY) {
		if (legacy_compose(c, a, u, &b, env, envlen) != 0)
			b.nomem = true;
	} else {
		enotify_compose(c, a, u, &b, env, envlen);
	}
	if (b.nomem) {
		free(b.data);
		return NULL;
	}
	return b.data;
}

char *notify_mail_compose(const struct action_ctx *c, const struct plan *plan,
    size_t index, char *envelope_from, size_t fromlen)
{
	struct mailto_uri u;
	char *text = compose(c, plan, index, &u, envelope_from, fromlen);

	mailto_free(&u);
	return text;
}

/* ---- sending ---- */

static void send_each(const struct action_ctx *c, const struct mailto_uri *u,
    const char *text, const char *env)
{
	struct mail_body body = { .head = text, .body_fd = -1 };
	char shown[600], why[700];

	for (size_t i = 0; i < u->nrcpt; i++) {
		struct outcome out = { 0 };
		const char *to = u->rcpt[i].address;

		log_escape(to, shown, sizeof shown);
		if (!mailer_address_ok(to)) {
			log_line(LOG_ERR, "sieve: notify: refused recipient "
			    "<%s>", shown);
			continue;
		}
		if (mailer_send(c->cfg->sendmail, env, to, &body, &out) < 0)
			log_line(LOG_ERR, "sieve: notify: failed to send mail "
			    "notification to <%s>: %s", shown,
			    log_escape(out.reason, why, sizeof why));
		else
			log_line(LOG_INFO, "sieve: notify: sent mail "
			    "notification to <%s>", shown);
	}
}

void notify_mail_send(const struct action_ctx *c, const struct plan *plan,
    size_t index)
{
	struct mailto_uri u;
	char env[ADDR_MAX], shown[600];
	char *text;

	if (actions_auto_submitted(c)) {
		log_line(LOG_INFO, "sieve: notify: not sending notification "
		    "for auto-submitted message from <%s>",
		    log_escape(c->sender ? c->sender : "", shown,
		    sizeof shown));
		return;
	}
	text = compose(c, plan, index, &u, env, sizeof env);
	if (text == NULL)
		log_line(LOG_INFO, "sieve: notify: nothing sent (no recipient "
		    "left, or out of memory)");
	else
		send_each(c, &u, text, env);
	free(text);
	mailto_free(&u);
}
