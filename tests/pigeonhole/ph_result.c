/* ph_result.c: test_result_execute: the plan of an evaluation carried out
 * into the in-memory mail store and outbox of ph_suite.h, as deliver
 * would carry it out into a Maildir and through sendmail (vacation
 * replies composed by deliver's own actions.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "ph_ext.h"
#include "ph_suite.h"

const char *ph_action_name(enum action_type type)
{
	switch (type) {
	case ACTION_KEEP:     return "keep";
	case ACTION_FILEINTO: return "store";
	case ACTION_DISCARD:  return "discard";
	case ACTION_REDIRECT: return "redirect";
	case ACTION_REJECT:   return "reject";
	case ACTION_VACATION: return "vacation";
	case ACTION_NOTIFY:   return "notify";
	}
	return "";
}

static int file_into(const char *folder, bool create, const char *flags)
{
	const struct ph_mail *m = &ph_suite.msg.mail;
	bool inbox = folder == NULL || *folder == '\0' ||
	    strcasecmp(folder, "INBOX") == 0;
	struct ph_box *box = ph_box_get(inbox ? "INBOX" : folder,
	    inbox || create || ph_suite.cfg.autocreate);

	if (box == NULL)
		return -1;
	return ph_box_add(box, m->text, m->len, flags);
}

static int send_vacation(const struct action *a)
{
	struct ph_message *m = &ph_suite.msg;
	struct action_ctx ctx = {
		.cfg = &ph_suite.cfg,
		.headers = m->env.headers,
		.sender = m->env.sender,
		.recipient = m->env.recipient,
		.msg_fd = -1,
	};
	char *text;
	int rc;

	if (vacation_refusal(&ctx, a) != NULL)
		return 0;
	if ((text = vacation_compose(&ctx, a)) == NULL)
		return -1;
	rc = ph_sent_add("", a->address && *a->address ? a->address :
	    m->env.sender, text, strlen(text));
	free(text);
	return rc;
}

static int send_reject(const struct action *a)
{
	const struct ph_message *m = &ph_suite.msg;
	char *text = NULL;
	int rc;

	if (*m->env.sender == '\0')
		return 0;   /* nothing is ever sent to the null sender */
	if (asprintf(&text, "To: <%s>\nSubject: Rejected: your message\n"
	    "Auto-Submitted: auto-replied (rejected)\n\n%s\n", m->env.sender,
	    a->text ? a->text : "") < 0)
		return -1;
	rc = ph_sent_add("", m->env.sender, text, strlen(text));
	free(text);
	return rc;
}

static int execute_one(const struct action *a)
{
	const struct ph_message *m = &ph_suite.msg;

	switch (a->type) {
	case ACTION_KEEP:
		return file_into(NULL, true, a->flags);
	case ACTION_FILEINTO:
		return file_into(a->mailbox, a->create, a->flags);
	case ACTION_REDIRECT:
		return ph_sent_add(m->env.sender, a->address, m->mail.text,
		    m->mail.len);
	case ACTION_VACATION:
		return send_vacation(a);
	case ACTION_REJECT:
		return send_reject(a);
	case ACTION_DISCARD:
	case ACTION_NOTIFY:
		return 0;
	}
	return 0;
}

int ph_execute_plan(struct sieve_rt *rt)
{
	const struct plan *p = &rt->res->plan;
	int rc = 0;

	for (size_t i = ph_suite.executed; i < p->count; i++)
		if (execute_one(&p->actions[i]) != 0)
			rc = -1;
	ph_suite.executed = p->count;
	if (rt->res->keep && !ph_suite.keep_executed) {
		if (file_into(NULL, true, NULL) != 0)
			rc = -1;
		ph_suite.keep_executed = true;
	}
	return rc;
}
