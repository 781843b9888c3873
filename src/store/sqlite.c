/* sqlite.c: deliver.db, the per-user SQLite backend of the store (see
 * store.h for what it promises, sqlite.h for its entry points and
 * man/deliver.db.5 for the schema): opening, migrating and quarantining
 * it, the helpers every statement goes through.  A delivery's claim and
 * record are in sqlite_claim.c, deliver --log in sqlite_log.c, what
 * Sieve's vacation and redirect remember in sqlite_track.c. */
#include "sqlite.h"
#include "sqlite_int.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

static int drop_unused_tracking(struct sqlite_store *st);

/* Migration i takes the schema from user_version i to i + 1: its SQL, then
 * its function if any.  Released steps are never edited: a new version
 * appends a step. */
static const struct migration {
	const char *sql;
	int (*fn)(struct sqlite_store *);
} migrations[] = {
	{ /* 0 -> 1 */
	"CREATE TABLE dedup ("
	" id INTEGER PRIMARY KEY,"
	" msgid TEXT NOT NULL,"
	" rcpt TEXT NOT NULL,"
	" state INTEGER NOT NULL,"     /* 0 claimed, 1 delivered */
	" stamp INTEGER NOT NULL,"     /* claim or delivery time */
	" pid INTEGER NOT NULL,"       /* claim holder, 0 = released */
	" pid_start INTEGER NOT NULL," /* its start time, -1 = unknown */
	" base TEXT NOT NULL,"
	" tmp TEXT NOT NULL,"
	" targets TEXT NOT NULL,"
	" UNIQUE (msgid, rcpt));"
	"CREATE INDEX dedup_stamp ON dedup (stamp);"
	"CREATE TABLE log ("
	" id INTEGER PRIMARY KEY,"
	" time INTEGER NOT NULL,"
	" msgid TEXT NOT NULL,"
	" sender TEXT NOT NULL,"
	" recipient TEXT NOT NULL,"
	" size INTEGER NOT NULL,"
	" folders TEXT NOT NULL,"
	" files TEXT NOT NULL,"
	" actions TEXT NOT NULL,"
	" result TEXT NOT NULL,"
	" exit_code INTEGER NOT NULL,"
	" duplicate INTEGER NOT NULL);"
	"CREATE INDEX log_time ON log (time);"
	"CREATE INDEX log_msgid ON log (msgid);"
	"CREATE TABLE vacation ("
	" sender TEXT NOT NULL,"
	" handle TEXT NOT NULL,"
	" sent INTEGER NOT NULL,"
	" expires INTEGER NOT NULL,"
	" PRIMARY KEY (sender, handle)) WITHOUT ROWID;"
	"CREATE INDEX vacation_expires ON vacation (expires);"
	"CREATE TABLE redirect ("
	" msgid TEXT NOT NULL,"
	" target TEXT NOT NULL,"
	" sent INTEGER NOT NULL,"
	" PRIMARY KEY (msgid, target)) WITHOUT ROWID;"
	"CREATE INDEX redirect_sent ON redirect (sent);", NULL },
	/* 1 -> 2: a delivery writes (and the next one's open reads back from
	 * the WAL) one page per index it changes: the time indexes go, the
	 * bounded prunes follow the rowid instead; and the tracking tables
	 * go while empty (they come back when first written). */
	{ "DROP INDEX IF EXISTS dedup_stamp;"
	    "DROP INDEX IF EXISTS log_time;", drop_unused_tracking },
};

#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

void st_note(struct sqlite_store *st, int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	store_vreport(st->report, priority, fmt, ap);
	va_end(ap);
}

bool st_is_corrupt(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

static bool is_busy(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
}

/* ---- opening ---------------------------------------------------------- */

static int resolve_path(char *out, size_t len, const char *name,
    const char *maildir, const char *home)
{
	int n;

	if (name[0] == '/')
		n = snprintf(out, len, "%s", name);
	else if (strncmp(name, "~/", 2) == 0 && home)
		n = snprintf(out, len, "%s/%s", home, name + 2);
	else
		n = snprintf(out, len, "%s/%s", maildir, name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

struct sqlite_store *sqlite_store_new(const struct config *cfg,
    const char *maildir, const char *home, store_report_fn *report)
{
	struct sqlite_store *st;

	if (store_disabled(cfg))
		return NULL;
	if ((st = calloc(1, sizeof *st)) == NULL)
		return NULL;
	st->cfg = cfg;
	st->report = report;
	st->owner = getpid();
	st->owner_start = -2;  /* not read yet */
	if (resolve_path(st->path, sizeof st->path, cfg->store, maildir,
	    home) < 0) {
		st_note(st, LOG_ERR, "store path too long: not used");
		st->down = true;
	}
	return st;
}

/* SQLite's NOFOLLOW refuses a symlink anywhere in the path, but the Maildir
 * root may be one (the user's choice): resolve the directory, keep the
 * refusal for the file itself. */
int st_real_path(const struct sqlite_store *st, char *out, size_t len)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(st->path, '/');
	int n;

	if (slash == NULL || slash == st->path)
		return strlcpy(out, st->path, len) < len ? 0 : -1;
	if ((size_t)(slash - st->path) >= sizeof dir)
		return -1;
	memcpy(dir, st->path, slash - st->path);
	dir[slash - st->path] = '\0';
	if (realpath(dir, real) == NULL)
		return -1;
	n = snprintf(out, len, "%s%s", real, slash);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int user_version(sqlite3 *db, int *version)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*version = sqlite3_column_int(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

int st_exec(struct sqlite_store *st, const char *sql)
{
	return sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

void st_rollback(struct sqlite_store *st)
{
	if (st->db && !sqlite3_get_autocommit(st->db))
		st_exec(st, "ROLLBACK");
	if (st->batch_open && st->batch_rows > 0)
		st_note(st, LOG_WARNING, "store %s: %u %s not recorded",
		    st->path, st->batch_rows, st->batch_rows == 1 ?
		    "delivery" : "deliveries");
	st->batch_open = false;
}

/* A delivery changes a few rows of a few hundred bytes, one page each,
 * and every page it writes is a WAL frame that the next delivery's open
 * reads back and checksums whole: a new store uses 1 KiB pages rather
 * than SQLite's 4 KiB (measured: 0.1 M instructions and about 0.1x of the
 * baseline less per delivery; with a million rows the trees are one level
 * deeper, which costs less than that).  An existing store keeps its page
 * size: changing it means rewriting the whole file (VACUUM). */
#define STORE_PAGE_SIZE "1024"

/* Bring the schema to SCHEMA_VERSION; a current store costs one read. */
static int migrate(struct sqlite_store *st)
{
	int version = 0, rc;
	char sql[64];

	if ((rc = user_version(st->db, &version)) != SQLITE_OK)
		return rc;
	if (version == SCHEMA_VERSION)
		return st_exec(st, "PRAGMA synchronous=NORMAL");
	if (version > SCHEMA_VERSION) {
		st_note(st, LOG_ERR, "store %s has schema version %d, newer than "
		    "this deliver knows (%d): not used", st->path, version,
		    SCHEMA_VERSION);
		return SQLITE_MISMATCH;
	}
	/* a new store: small pages (below), then WAL */
	if (version == 0 && ((rc = st_exec(st, "PRAGMA page_size="
	    STORE_PAGE_SIZE)) != SQLITE_OK ||
	    (rc = st_exec(st, "PRAGMA journal_mode=WAL")) != SQLITE_OK))
		return rc;
	if ((rc = st_exec(st, "PRAGMA synchronous=NORMAL")) != SQLITE_OK ||
	    (rc = st_exec(st, "BEGIN IMMEDIATE")) != SQLITE_OK)
		return rc;
	/* another delivery may have migrated while we waited for the lock */
	rc = user_version(st->db, &version);
	for (; rc == SQLITE_OK && version < SCHEMA_VERSION; version++) {
		rc = st_exec(st, migrations[version].sql);
		if (rc == SQLITE_OK && migrations[version].fn)
			rc = migrations[version].fn(st);
	}
	snprintf(sql, sizeof sql, "PRAGMA user_version=%d", SCHEMA_VERSION);
	if (rc == SQLITE_OK)
		rc = st_exec(st, sql);
	if (rc == SQLITE_OK)
		rc = st_exec(st, "COMMIT");
	if (rc != SQLITE_OK)
		st_rollback(st);
	return rc;
}

/* Whether table holds no row; *empty is left alone on an error. */
static int table_empty(struct sqlite_store *st, const char *table, bool *empty)
{
	char sql[80];
	sqlite3_stmt *s;
	int rc;

	snprintf(sql, sizeof sql, "SELECT NOT EXISTS (SELECT 1 FROM %s)",
	    table);
	if ((rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL)) != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*empty = sqlite3_column_int(s, 0) == 1;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

/* Migration 1 -> 2: an empty tracking table is dropped (its rows, if any,
 * are kept with it). */
static int drop_unused_tracking(struct sqlite_store *st)
{
	static const char *const tables[] = { "vacation", "redirect" };
	char sql[64];
	int rc = SQLITE_OK;

	for (size_t i = 0; rc == SQLITE_OK && i < sizeof tables /
	    sizeof tables[0]; i++) {
		bool empty = false;

		rc = table_empty(st, tables[i], &empty);
		snprintf(sql, sizeof sql, "DROP TABLE %s", tables[i]);
		if (rc == SQLITE_OK && empty)
			rc = st_exec(st, sql);
	}
	return rc;
}

static void close_db(struct sqlite_store *st)
{
	if (st->db)
		sqlite3_close_v2(st->db);
	st->db = NULL;
}

/* A delivery is a short-lived process, and the last connection to close
 * used to checkpoint the WAL and delete it: a new WAL and -shm per
 * delivery, a directory sync for the new WAL, and three more syncs at
 * close.  Instead the WAL stays between deliveries and is checkpointed
 * when it passes STORE_WAL_PAGES, which keeps the read of the WAL at the
 * next open (SQLite rebuilds its index there) short.  With
 * synchronous=NORMAL a commit is safe against a crash of the process, and
 * consistent but possibly rolled back after a power loss (the messages
 * themselves are synced either way).
 *
 * The checkpoint truncates the WAL (SQLITE_CHECKPOINT_TRUNCATE).  SQLite's
 * own automatic checkpoint is PASSIVE: it leaves the frames in the file
 * for the next writer of the same shared-memory index to start over, but
 * each delivery is a new process whose index is rebuilt from the file,
 * which forgets what was checkpointed.  With it the WAL never started
 * over: it grew by every delivery, every open read all of it, and every
 * delivery past STORE_WAL_PAGES checkpointed it whole again (two syncs
 * more per delivery).  The truncation does not wait for other deliveries:
 * when one is reading, the next commit past the mark tries again. */
#define STORE_WAL_PAGES 64

static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	const struct sqlite_store *st = arg;

	if (frames < STORE_WAL_PAGES)
		return SQLITE_OK;
	sqlite3_busy_timeout(db, 0);
	(void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_TRUNCATE,
	    NULL, NULL);
	sqlite3_busy_timeout(db, (int)st->cfg->store_timeout * 1000);
	return SQLITE_OK;
}

static void keep_wal(struct sqlite_store *st)
{
	int persist = 1;

	sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_file_control(st->db, "main", SQLITE_FCNTL_PERSIST_WAL,
	    &persist);
	sqlite3_wal_hook(st->db, wal_hook, st);
}

/* The WAL kept between deliveries holds recent pages, page 1 among them,
 * so SQLite would not notice at open that the database file itself was
 * overwritten (it reads page 1 from the WAL): check the file's own header,
 * read through SQLite's own descriptor (a descriptor of our own, once
 * closed, would drop the POSIX locks of any connection to the file in this
 * process).  An empty file is a new store. */
static int header_ok(sqlite3 *db)
{
	static const char magic[16] = "SQLite format 3";
	sqlite3_file *f = NULL;
	char head[16];
	int rc;

	if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &f) !=
	    SQLITE_OK || f == NULL || f->pMethods == NULL)
		return SQLITE_OK;   /* cannot tell: SQLite checks what it reads */
	rc = f->pMethods->xRead(f, head, sizeof head, 0);
	if (rc == SQLITE_IOERR_SHORT_READ) {
		/* short: SQLite zero-fills; all zero means an empty file */
		static const char zero[16];

		return memcmp(head, zero, sizeof head) == 0 ? SQLITE_OK :
		    SQLITE_NOTADB;
	}
	if (rc != SQLITE_OK)
		return rc;
	return memcmp(head, magic, sizeof head) == 0 ? SQLITE_OK :
	    SQLITE_NOTADB;
}

/* SQLite as a short-lived, single-threaded process needs it, set before
 * its first use in the process (sqlite3_config() is refused afterwards,
 * harmlessly): no mutexes (deliver runs one thread, and a connection never
 * crosses fork()), no memory statistics (a mutex and two counters per
 * malloc: 0.13 M instructions per delivery), and no bulk allocation for
 * the page cache: it is carved into 20 page slots when the connection
 * opens, writing to each, which costs a page fault each (expensive under
 * a hypervisor) for slots a delivery mostly never uses (10 faults fewer). */
static void configure_sqlite(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
	/* no lookaside buffer either: 120 KiB carved into slots when the
	 * connection opens, the carving writing to every page of it (30
	 * page faults, a third of what the store cost a delivery), for
	 * the few small objects of one delivery's statements */
	sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0);
}

/* Open the file (never through a symlink at its name), mode 0600. */
static int open_db(struct sqlite_store *st)
{
	char real[PATH_MAX];
	struct stat sb;
	mode_t mask;
	int rc;

	if (st_real_path(st, real, sizeof real) < 0) {
		st_note(st, LOG_ERR, "store %s: %s: not used", st->path,
		    strerror(errno));
		return SQLITE_CANTOPEN;
	}
	if (lstat(real, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		st_note(st, LOG_ERR, "store %s is %s: not used", st->path,
		    S_ISLNK(sb.st_mode) ? "a symbolic link" : "not a file");
		return SQLITE_CANTOPEN;
	}
	configure_sqlite();
	mask = umask(077);
	rc = sqlite3_open_v2(real, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(st->db, (int)st->cfg->store_timeout * 1000);
		keep_wal(st);
		if ((rc = header_ok(st->db)) == SQLITE_OK)
			rc = migrate(st);
	}
	umask(mask);
	if (rc == SQLITE_OK && lstat(real, &sb) == 0) {
		st->dev = sb.st_dev;
		st->ino = sb.st_ino;
		st->known = true;
	}
	if (rc != SQLITE_OK && !st_is_corrupt(rc) && rc != SQLITE_MISMATCH)
		st_note(st, LOG_ERR, "store %s: %s: not used", st->path,
		    st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
	if (rc != SQLITE_OK)
		close_db(st);
	return rc;
}

/* Move a corrupt store aside (with its WAL) so that a new one can start.
 * Only the file this process opened: another delivery may have replaced
 * it already.  0 when a new store may be opened. */
static int quarantine(struct sqlite_store *st, int why)
{
	char real[PATH_MAX], aside[PATH_MAX + 40], from[PATH_MAX + 8],
	    to[PATH_MAX + 48];
	struct stat sb;

	close_db(st);
	if (st->quarantined || st_real_path(st, real, sizeof real) < 0)
		return -1;
	st->quarantined = true;
	if (lstat(real, &sb) < 0 || !S_ISREG(sb.st_mode) || (st->known &&
	    (sb.st_dev != st->dev || sb.st_ino != st->ino)))
		return 0;
	snprintf(aside, sizeof aside, "%s.corrupt-%lld", real,
	    (long long)time(NULL));
	if (rename(real, aside) < 0) {
		st_note(st, LOG_ERR, "store %s is corrupt (%s) and cannot be "
		    "moved aside: %s", st->path, sqlite3_errstr(why),
		    strerror(errno));
		return -1;
	}
	snprintf(from, sizeof from, "%s-wal", real);
	snprintf(to, sizeof to, "%s-wal", aside);
	rename(from, to);
	snprintf(from, sizeof from, "%s-shm", real);
	unlink(from);
	st->known = false;
	st_note(st, LOG_ERR, "store %s is corrupt (%s): moved aside to %s, "
	    "starting a new one", st->path, sqlite3_errstr(why), aside);
	return 0;
}

/* Open on first use.  0 when st->db is usable. */
int st_ready(struct sqlite_store *st)
{
	int rc;

	if (st == NULL || st->down || getpid() != st->owner)
		return -1;
	if (st->db)
		return 0;
	rc = open_db(st);
	if (st_is_corrupt(rc) && quarantine(st, rc) == 0)
		rc = open_db(st);
	if (rc != SQLITE_OK)
		st->down = true;
	return rc == SQLITE_OK ? 0 : -1;
}

/* After an operation failed with rc: a corrupt store is replaced (the
 * caller may retry once: returns true), a locked one is given up for the
 * rest of this delivery so that no later step waits for it again. */
bool st_recover(struct sqlite_store *st, int rc)
{
	st_rollback(st);
	if (st_is_corrupt(rc))
		return quarantine(st, rc) == 0;
	if (is_busy(rc))
		st->down = true;
	return false;
}

const char *st_why_failed(struct sqlite_store *st, int rc)
{
	if (is_busy(rc))
		return "store locked";
	return st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
}

void sqlite_store_close(struct sqlite_store *st)
{
	if (st == NULL)
		return;
	/* a child's copy of the connection must not touch the files */
	if (getpid() == st->owner)
		close_db(st);
	free(st->vacation_pair);
	free(st);
}

/* ---- statements ------------------------------------------------------- */

int st_prepare(struct sqlite_store *st, const char *sql, sqlite3_stmt **s)
{
	return sqlite3_prepare_v2(st->db, sql, -1, s, NULL);
}

void st_bind_text(sqlite3_stmt *s, int i, const char *text)
{
	sqlite3_bind_text(s, i, text ? text : "", -1, SQLITE_STATIC);
}

/* Step a statement that returns no rows, then finalize it. */
int st_run(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

bool sqlite_store_reachable(struct sqlite_store *st)
{
	return st_ready(st) == 0;
}
