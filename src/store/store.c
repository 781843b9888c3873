/* store.c: the store's interface (store.h): each call goes to the backend
 * the store setting names, SQLite's deliver.db (sqlite*.c) or a shared
 * PostgreSQL database (pg*.c), so the delivery pipeline never knows which
 * it talks to.  Also what is the same for both: Message-IDs, freeing a
 * claim, the store_unavailable = defer check. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg.h"
#include "sqlite.h"

struct store {
	const struct config *cfg;
	struct sqlite_store *sq;   /* exactly one of the two */
	struct pg_store *pg;
};

/* The SQLite backend also answers for "no store" (NULL). */
bool store_disabled(const struct config *cfg)
{
	return cfg->store == NULL || cfg->store[0] == '\0' ||
	    strcmp(cfg->store, "none") == 0;
}

void store_vreport(store_report_fn *report, int priority, const char *fmt,
    va_list ap)
{
	char line[1024];

	if (report == NULL)
		return;
	vsnprintf(line, sizeof line, fmt, ap);
	report(priority, line);
}

#define SQ(st) ((st) ? (st)->sq : NULL)

struct store *store_new(const struct config *cfg, const char *maildir,
    const char *home, store_report_fn *report)
{
	struct store *st;

	if (store_disabled(cfg))
		return NULL;
	if ((st = calloc(1, sizeof *st)) == NULL)
		return NULL;
	st->cfg = cfg;
	if (pg_store_uri(cfg->store))
		st->pg = pg_store_new(cfg, report);
	else
		st->sq = sqlite_store_new(cfg, maildir, home, report);
	if (st->pg == NULL && st->sq == NULL) {
		free(st);
		return NULL;
	}
	return st;
}

void store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->pg)
		pg_store_close(st->pg);
	else
		sqlite_store_close(st->sq);
	free(st);
}

int store_init(const struct config *cfg, char *err, size_t errlen)
{
	if (cfg->store == NULL || !pg_store_uri(cfg->store)) {
		snprintf(err, errlen, "--store-init needs a PostgreSQL store "
		    "(store = postgresql://...); deliver.db creates itself");
		return -1;
	}
	return pg_store_init(cfg, err, errlen);
}

/* With store_unavailable = defer a claim that did not reach the store
 * says so even when it had no reason to try (no Message-ID, dedup off):
 * the delivery then waits for the store rather than file without it. */
static void check_reachable(struct store *st, struct store_claim *c)
{
	if (st == NULL || c->status != CLAIM_SKIPPED || c->unreachable ||
	    st->cfg->store_unavailable != STORE_UNAVAILABLE_DEFER)
		return;
	if (st->pg ? !pg_store_reachable(st->pg) :
	    !sqlite_store_reachable(st->sq)) {
		c->unreachable = true;
		strlcpy(c->why, "store unavailable", sizeof c->why);
	}
}

void store_claim(struct store *st, const char *msgid, const char *recipient,
    const char *base, const char *tmp, const char *targets,
    struct store_claim *c)
{
	if (st && st->pg)
		pg_store_claim(st->pg, msgid, recipient, base, tmp, targets, c);
	else
		sqlite_store_claim(SQ(st), msgid, recipient, base, tmp,
		    targets, c);
	check_reachable(st, c);
}

int store_claim_targets(struct store *st, const struct store_claim *c,
    const char *targets)
{
	if (st && st->pg)
		return pg_store_claim_targets(st->pg, c, targets);
	return sqlite_store_claim_targets(SQ(st), c, targets);
}

enum claim_check store_claim_check(struct store *st,
    const struct store_claim *c, char *why, size_t whylen)
{
	if (whylen > 0)
		why[0] = '\0';
	if (st == NULL || st->pg == NULL)
		return CLAIM_STILL_HELD;
	return pg_store_claim_check(st->pg, c, why, whylen);
}

void store_claim_free(struct store_claim *c)
{
	free(c->targets);
	c->targets = NULL;
}

int store_record(struct store *st, const struct store_claim *c,
    const struct store_delivery *d)
{
	if (st && st->pg)
		return pg_store_record(st->pg, c, d);
	return sqlite_store_record(SQ(st), c, d);
}

/* PostgreSQL commits each record on its own: a batch is SQLite's saving
 * of WAL writes. */
void store_batch_begin(struct store *st)
{
	if (st == NULL || st->pg == NULL)
		sqlite_store_batch_begin(SQ(st));
}

int store_batch_end(struct store *st)
{
	if (st && st->pg)
		return 0;
	return sqlite_store_batch_end(SQ(st));
}

int store_print_log(struct store *st, const struct store_log_filter *f,
    FILE *fp, char *err, size_t errlen)
{
	if (st && st->pg)
		return pg_store_print_log(st->pg, f, fp, err, errlen);
	return sqlite_store_print_log(SQ(st), f, fp, err, errlen);
}

bool store_vacation_due_period(struct store *st, const char *sender,
    const char *handle, unsigned long long seconds)
{
	if (st && st->pg)
		return pg_store_vacation_due_period(st->pg, sender, handle,
		    seconds);
	return sqlite_store_vacation_due_period(SQ(st), sender, handle,
	    seconds);
}

bool store_vacation_due(struct store *st, const char *sender,
    const char *handle, unsigned days)
{
	return store_vacation_due_period(st, sender, handle,
	    (unsigned long long)days * DAY);
}

int store_vacation_sent(struct store *st, const char *sender,
    const char *handle)
{
	if (st && st->pg)
		return pg_store_vacation_sent(st->pg, sender, handle);
	return sqlite_store_vacation_sent(SQ(st), sender, handle);
}

bool store_redirect_done(struct store *st, const char *message_id,
    const char *target)
{
	if (st && st->pg)
		return pg_store_redirect_done(st->pg, message_id, target);
	return sqlite_store_redirect_done(SQ(st), message_id, target);
}

int store_redirect_sent(struct store *st, const char *message_id,
    const char *target)
{
	if (st && st->pg)
		return pg_store_redirect_sent(st->pg, message_id, target);
	return sqlite_store_redirect_sent(SQ(st), message_id, target);
}

bool store_duplicate_seen(struct store *st, const char *key)
{
	if (st && st->pg)
		return pg_store_duplicate_seen(st->pg, key);
	return sqlite_store_duplicate_seen(SQ(st), key);
}

int store_duplicate_mark(struct store *st, const char *key,
    unsigned long long period)
{
	if (st && st->pg)
		return pg_store_duplicate_mark(st->pg, key, period);
	return sqlite_store_duplicate_mark(SQ(st), key, period);
}

bool store_normalize_msgid(const char *value, char *out, size_t outlen)
{
	const char *start, *end;
	size_t len;

	if (outlen > 0)
		out[0] = '\0';
	if (value == NULL || outlen == 0)
		return false;
	start = value;
	while (isspace((unsigned char)*start))
		start++;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	if (end - start >= 2 && *start == '<' && end[-1] == '>')
		start++, end--;
	while (start < end && isspace((unsigned char)*start))
		start++;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	len = (size_t)(end - start);
	if (len == 0 || len > STORE_MSGID_MAX || len >= outlen)
		return false;
	for (const char *p = start; p < end; p++)
		if (iscntrl((unsigned char)*p))
			return false;
	memcpy(out, start, len);
	out[len] = '\0';
	return true;
}

