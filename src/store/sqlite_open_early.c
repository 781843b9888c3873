/* sqlite_open_early.c: deliver.db opened on a second thread while the
 * delivery reads, writes, filters and syncs the message.
 *
 * Opening is most of what the store costs a delivery: the file, SQLite's
 * first read of the schema, and the rebuild of the WAL's index (each
 * delivery is a new process, the first to open the index) take about as
 * long as the rest of a plain delivery, and none of it needs the message.
 * The claim does, so it stays where it was: the first call that needs the
 * connection (st_ready) waits for the thread and then has it to itself.
 * The two threads never use the connection at the same time, so SQLite
 * keeps running without mutexes (SQLITE_CONFIG_SINGLETHREAD).
 *
 * The thread also does what costs syncs and not the message: the WAL's
 * checkpoint when it has grown long, and the read of this process's
 * start time that claims record.  It takes no signals (they stay the
 * delivery thread's) and reports nothing itself: what it notes is held
 * in the store and reported once it was waited for. */
#include "sqlite.h"
#include "sqlite_int.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <unistd.h>

#include "config.h"

/* SQLite's parser and B-tree code need far less than glibc's 8 MiB
 * default; the mapping is only reserved, so this bounds, not saves. */
#define OPENER_STACK (512 * 1024)

static void *opener_main(void *arg)
{
	struct sqlite_store *st = arg;

	if (st_open_now(st) == 0)
		(void)st_checkpoint_if_long(st);
	(void)st_owner_start(st);
	return NULL;
}

void sqlite_store_open_early(struct sqlite_store *st)
{
	pthread_attr_t attr;
	sigset_t all, old;

	/* with neither dedup nor the log, only a Sieve action may need
	 * the store: it opens it then, and no deliver.db appears before */
	if (st == NULL || st->down || st->db || st->opening ||
	    getpid() != st->owner || (!st->cfg->dedup &&
	    !st->cfg->delivery_log))
		return;
	if (pthread_attr_init(&attr) != 0)
		return;
	(void)pthread_attr_setstacksize(&attr, OPENER_STACK);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);   /* inherited */
	st->opening = true;
	if (pthread_create(&st->opener, &attr, opener_main, st) != 0)
		st->opening = false;   /* then st_ready opens it, as before */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
}

void st_opener_wait(struct sqlite_store *st)
{
	unsigned i;

	if (!st->opening)
		return;
	pthread_join(st->opener, NULL);
	st->opening = false;
	for (i = 0; i < st->held; i++)
		st_note(st, st->held_priority[i], "%s", st->held_note[i]);
	st->held = 0;
}
