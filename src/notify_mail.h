/* notify_mail.h: the mail a Sieve notification sends, composed and handed
 * to sendmail once the message is filed: enotify's mailto method (RFC
 * 5435/5436) and the deprecated notify draft, as Pigeonhole 0.5.19 writes
 * them.
 *
 * Rules (RFC 5436 section 2.7 and Pigeonhole):
 *   - nothing is sent about a message whose Auto-Submitted is other than
 *     "no" (a notification about a notification would loop);
 *   - what is sent carries Auto-Submitted: auto-notified (enotify; the
 *     deprecated draft: auto-generated (notify)) and Precedence: bulk;
 *   - a recipient an earlier notify of this message has is not notified
 *     again; each recipient gets the mail as its own sendmail run, the
 *     To and Cc headers naming them all;
 *   - the envelope sender is the null sender for a message that had one
 *     (no bounce may loop), else by sieve_notify_mailto_envelope_from:
 *     by default :from, sieve_user_email, the postmaster;
 *   - From: is :from as written, else that envelope address, else the
 *     postmaster.
 * A notification that cannot be sent is logged; it never costs the
 * message, which is filed already. */
#ifndef DELIVER_NOTIFY_MAIL_H
#define DELIVER_NOTIFY_MAIL_H

#include <stddef.h>

#include "actions.h"
#include "plan.h"

/* Send the notification plan->actions[index] (an ACTION_NOTIFY of kind
 * NOTIFY_ENOTIFY or NOTIFY_LEGACY); the actions before it say who is
 * already notified. */
void notify_mail_send(const struct action_ctx *c, const struct plan *plan,
    size_t index);

/* The whole mail of that notification (headers and body, LF line ends)
 * for the envelope recipients, malloced, or NULL (no recipient left, or
 * out of memory); *envelope_from gets the envelope sender ("" = null).
 * For tests and for notify_mail_send. */
char *notify_mail_compose(const struct action_ctx *c, const struct plan *plan,
    size_t index, char *envelope_from, size_t fromlen);

/* The deprecated notify's message with $from$, $env-from$, $subject$,
 * $text$ and $text[N]$ filled in (notify_text.c), malloced; NULL when
 * memory runs out. */
char *notify_legacy_text(const struct action_ctx *c, const char *format);

#endif
