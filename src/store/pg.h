/* pg.h: the PostgreSQL backend's entry points (one database shared by
 * every delivery host and user, libpq loaded with dlopen when such a store
 * is configured), called by the interface store.c only.  Each does what
 * store.h says of the function of the same name without "pg_". */
#ifndef DELIVER_STORE_PG_H
#define DELIVER_STORE_PG_H

#include "backend.h"

struct pg_store;

/* Whether a store setting names a PostgreSQL database (a libpq URI:
 * postgresql:// or postgres://). */
bool pg_store_uri(const char *spec);

struct pg_store *pg_store_new(const struct config *cfg,
    store_report_fn *report);
void pg_store_close(struct pg_store *st);
void pg_store_claim(struct pg_store *st, const char *msgid,
    const char *recipient, const char *base, const char *tmp,
    const char *targets, struct store_claim *c);
int pg_store_claim_targets(struct pg_store *st, const struct store_claim *c,
    const char *targets);
enum claim_check pg_store_claim_check(struct pg_store *st,
    const struct store_claim *c, char *why, size_t whylen);
int pg_store_record(struct pg_store *st, const struct store_claim *c,
    const struct store_delivery *d);
int pg_store_print_log(struct pg_store *st, const struct store_log_filter *f,
    FILE *fp, char *err, size_t errlen);
bool pg_store_vacation_due_period(struct pg_store *st, const char *sender,
    const char *handle, unsigned long long seconds);
int pg_store_vacation_sent(struct pg_store *st, const char *sender,
    const char *handle);
bool pg_store_redirect_done(struct pg_store *st, const char *message_id,
    const char *target);
int pg_store_redirect_sent(struct pg_store *st, const char *message_id,
    const char *target);
bool pg_store_duplicate_seen(struct pg_store *st, const char *key);
int pg_store_duplicate_mark(struct pg_store *st, const char *key,
    unsigned long long period);
bool pg_store_reachable(struct pg_store *st);

/* deliver --store-init: create or migrate the schema.  0, or -1 with a
 * reason in err. */
int pg_store_init(const struct config *cfg, char *err, size_t errlen);

#endif
