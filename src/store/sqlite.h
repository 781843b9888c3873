/* sqlite.h: the SQLite backend's entry points (deliver.db, one file per
 * user), called by the interface store.c only.  Each does what store.h
 * says of the function of the same name without "sqlite_"; a NULL store
 * is valid everywhere. */
#ifndef DELIVER_STORE_SQLITE_H
#define DELIVER_STORE_SQLITE_H

#include "backend.h"

struct sqlite_store;

struct sqlite_store *sqlite_store_new(const struct config *cfg,
    const char *maildir, const char *home, store_report_fn *report);
void sqlite_store_close(struct sqlite_store *st);
void sqlite_store_claim(struct sqlite_store *st, const char *msgid,
    const char *recipient, const char *base, const char *tmp,
    const char *targets, struct store_claim *c);
int sqlite_store_claim_targets(struct sqlite_store *st,
    const struct store_claim *c, const char *targets);
int sqlite_store_record(struct sqlite_store *st, const struct store_claim *c,
    const struct store_delivery *d);
void sqlite_store_batch_begin(struct sqlite_store *st);
int sqlite_store_batch_end(struct sqlite_store *st);
int sqlite_store_print_log(struct sqlite_store *st,
    const struct store_log_filter *f, FILE *fp, char *err, size_t errlen);
bool sqlite_store_vacation_due_period(struct sqlite_store *st,
    const char *sender, const char *handle, unsigned long long seconds);
int sqlite_store_vacation_sent(struct sqlite_store *st, const char *sender,
    const char *handle);
bool sqlite_store_redirect_done(struct sqlite_store *st,
    const char *message_id, const char *target);
int sqlite_store_redirect_sent(struct sqlite_store *st,
    const char *message_id, const char *target);
bool sqlite_store_duplicate_seen(struct sqlite_store *st, const char *key);
int sqlite_store_duplicate_mark(struct sqlite_store *st, const char *key,
    unsigned long long period);
/* Whether the store can be opened now (it is, if it was not yet). */
bool sqlite_store_reachable(struct sqlite_store *st);

#endif
