/* sqlite_omit.c: SQLite's bundled extensions, left out of a static link.
 *
 * Debian's libsqlite3.a is built with FTS3/4, FTS5, R*Tree, dbstat and
 * sqlite_stmt, and every sqlite3_open_v2() registers each of them with the
 * new connection: about 40,000 instructions, 7 page faults and 330 KiB of
 * executable per delivery (measured with callgrind and perf stat on
 * deliver + deliver.db), for modules deliver.db never uses.  The open
 * calls them through these five functions, the only references into their
 * archive members: defined here, they make the linker leave those members
 * out.  A library that pulled a member in anyway would fail the link with
 * "multiple definition", not misbehave.  Linked only where SQLite is
 * linked statically (Makefile, LINK=static and LINK=mixed): a shared
 * libsqlite3 exports these names, and a definition in the executable would
 * interpose them.  A deliver.db never holds a virtual table; one added by
 * hand only fails when used, and deliver never uses it. */
#include <sqlite3.h>

int sqlite3Fts3Init(sqlite3 *db);
int sqlite3Fts5Init(sqlite3 *db);
int sqlite3RtreeInit(sqlite3 *db);
int sqlite3DbstatRegister(sqlite3 *db);
int sqlite3StmtVtabInit(sqlite3 *db);

static int not_registered(sqlite3 *db)
{
	(void)db;
	return SQLITE_OK;
}

int sqlite3Fts3Init(sqlite3 *db) { return not_registered(db); }
int sqlite3Fts5Init(sqlite3 *db) { return not_registered(db); }
int sqlite3RtreeInit(sqlite3 *db) { return not_registered(db); }
int sqlite3DbstatRegister(sqlite3 *db) { return not_registered(db); }
int sqlite3StmtVtabInit(sqlite3 *db) { return not_registered(db); }
