/* store.h: deliver.db, the per-user SQLite store (issue 5).
 *
 * This file starts as the seam other modules code against; the store issue
 * fills in store.c.  A NULL store (no store configured, or it could not be
 * opened) is always valid: every function then does nothing and says so. */
#ifndef DELIVER_STORE_H
#define DELIVER_STORE_H

#include <stdbool.h>
#include <time.h>

struct store;

/* Tracking for Sieve (issue 3).
 *
 * Vacation: may we reply to `sender` for the response identified by
 * `handle` (RFC 5230 section 4.2), given a reply at most every `days` days?
 * Without a store: yes (and nothing is remembered). */
bool store_vacation_due(struct store *st, const char *sender,
    const char *handle, unsigned days);

/* Remember that a vacation reply was sent now. 0, or -1 on a store error
 * (never fatal to the delivery). */
int store_vacation_sent(struct store *st, const char *sender,
    const char *handle);

/* Redirect: was this message (normalized Message-ID) already redirected to
 * target?  Without a store or a Message-ID: no. */
bool store_redirect_done(struct store *st, const char *message_id,
    const char *target);

/* Remember a redirect that has been handed to sendmail. */
int store_redirect_sent(struct store *st, const char *message_id,
    const char *target);

#endif
