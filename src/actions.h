/* actions.h: the Sieve actions that are not filing: redirect, reject,
 * vacation, notify.  Outgoing mail goes through mailer.h.
 *
 * Order in a delivery (deliver.c):
 *   plan -> actions_reject (may end the delivery: exit 77)
 *        -> actions_redirect (a redirect that cannot go out is replaced by
 *           a keep, so the message is never lost)
 *        -> filing -> actions_after_filing (vacation, notify; failures
 *           are logged, never fatal). */
#ifndef DELIVER_ACTIONS_H
#define DELIVER_ACTIONS_H

#include <stdbool.h>

#include "config.h"
#include "headers.h"
#include "outcome.h"
#include "plan.h"
#include "store.h"

struct action_ctx {
	const struct config *cfg;
	struct store *store;               /* may be NULL */
	const struct header_index *headers;
	const char *sender;                /* envelope sender, "" = <> */
	const char *recipient;             /* envelope recipient */
	/* the recipient before aliasing (ORIGINAL_RECIPIENT), NULL when not
	 * known: a redirect's envelope sender may be it, vacation may answer
	 * for it, a rejection names it */
	const char *orig_recipient;
	int msg_fd;                        /* the message as filed */
	/* where a redirect of an edited message (editheader) writes that
	 * version, an unlinked file: the Maildir's tmp/ (-1: a memory file,
	 * for the test runner) */
	int tmp_dirfd;
};

/* The value of the loop marker header X-Loop for this recipient:
 * "deliver <recipient>". */
void actions_loop_marker(const char *recipient, char *out, size_t outlen);

/* A reject in the plan.  Returns 0 when there is none or it was handled
 * (a rejection mail sent with reject_mode=mail, or a null sender, for which
 * nothing is ever sent and the message is dropped).  Returns -1 with out
 * filled: EX_NOPERM and the reason for reject_mode=exit, or the error of a
 * rejection mail that could not be sent (EX_TEMPFAIL: try again later). */
int actions_reject(const struct action_ctx *c, const struct plan *plan,
    struct outcome *out);

/* Hand each redirect to sendmail.  A redirect that is refused (own
 * address, loop, bad address, over sieve_max_redirects) or fails sets
 * *keep_instead.  One already recorded in the store is skipped. */
void actions_redirect(const struct action_ctx *c, const struct plan *plan,
    bool *keep_instead);

/* Vacation and notify, after the message is filed (notify: one mail per
 * recipient, notify_mail.h). */
void actions_after_filing(const struct action_ctx *c,
    const struct plan *plan);

/* Why no vacation reply may be sent (RFC 5230 / RFC 3834 rules), or NULL
 * when one may (the store's :days check not included). */
const char *vacation_refusal(const struct action_ctx *c,
    const struct action *a);

/* Whether a header value (an address list) names addr, compared without
 * regard to case as a whole address token. */
bool address_list_has(const char *value, const char *addr);

/* The vacation reply as text (headers and body), malloced. */
char *vacation_compose(const struct action_ctx *c, const struct action *a);

/* ---- shared with the notification sender (notify_mail.c) ---- */

/* sieve_user_email, or NULL when not configured. */
const char *actions_user_email(const struct action_ctx *c);
/* postmaster_address's address, or postmaster@ the recipient's domain. */
void actions_postmaster_address(const struct action_ctx *c, char *out,
    size_t len);
/* The postmaster as a From header value ("Postmaster <address>"). */
void actions_postmaster_from(const struct action_ctx *c, char *out,
    size_t len);
void actions_date_now(char *out, size_t len);
void actions_new_message_id(const struct config *cfg, char *out, size_t len);
/* Whether the message has an Auto-Submitted other than "no". */
bool actions_auto_submitted(const struct action_ctx *c);
/* The recipient before aliasing when known, else the final one. */
const char *actions_orig_recipient(const struct action_ctx *c);

#endif
