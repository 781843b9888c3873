/* ph_suite.h: the world a Pigeonhole test file runs in, as the test-only
 * extension vnd.dovecot.testsuite (ph_ext_testsuite.c) changes and
 * inspects it: the message under test and its envelope, a temporary
 * directory holding the mail store (ph_store.h) and the outbox's spool
 * (ph_outbox.h), the messages "sent" (redirect, vacation, reject), the
 * last compiled script and its diagnostics, the settings of
 * test_config_set, and which test block is running.  One file runs in one child process, so the state is one
 * static object (ph_suite). */
#ifndef DELIVER_PH_SUITE_H
#define DELIVER_PH_SUITE_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "message.h"
#include "sieve.h"
#include "sieve_mime.h"
#include "sieve_ast.h"
#include "sieve_rt.h"

#define PH_SENT_MAX    64
#define PH_REASON_LEN  240

/* A message under test or sent: its text and its envelope. */
struct ph_mail {
	char *text;
	size_t len;
	char *from, *to;        /* envelope (sent mail) */
};

/* The message the script looks at: its text, the header index deliver's
 * own intake builds from it, and the sieve_env pointing at both. */
struct ph_message {
	struct ph_mail mail;
	struct intake in;
	int fd;                 /* the message as deliver files it */
	char flags[1024];       /* its IMAP flags when read from a folder */
	bool have_intake;
	char *env_from, *env_to, *env_orig_to, *env_auth;
	struct mime_source source;   /* fd: the body tests read it */
	struct sieve_env env;
};

struct ph_suite {
	FILE *out;                    /* the block reports (ph_exec.h) */
	char file_dir[1024];          /* directory of the running file */
	char tmpdir[64];              /* the store and the outbox spool */
	struct config cfg;            /* deliver's settings (test_config_set) */
	struct sieve_native_limits lim;
	struct ph_message msg;

	struct ph_mail sent[PH_SENT_MAX];
	size_t nsent;
	size_t executed;              /* plan actions test_result_execute
	                               * already carried out */
	bool keep_executed;           /* ... and the implicit keep */

	struct sieve_script *script;  /* of test_script_compile */
	struct sieve_msgs errors;     /* of the last compile or run */
	char saved[128];              /* test_binary_save's name for it */

	long block;                   /* running block (0-based), -1: none */
	long nblocks;                 /* blocks started */
	bool failed;                  /* test_fail ran in this block */
	char reason[PH_REASON_LEN];
};

extern struct ph_suite ph_suite;

/* Set up for a file whose directory is dir; report to out. */
int ph_suite_init(const char *dir, FILE *out);
void ph_suite_free(void);

/* Make text the message under test, its envelope taken from its
 * headers as Pigeonhole takes it.  -1 when it cannot be read (reason in
 * ph_suite.reason). */
int ph_message_set(const char *text, size_t len);

/* Point the envelope fields of the env at the current values. */
void ph_message_sync_env(void);

/* Empty the outbox (test_result_reset). */
void ph_sent_reset(void);

/* Add a copy of text to the outbox.  -1 when full. */
int ph_sent_add(const char *from, const char *to, const char *text,
    size_t len);

/* Replace the diagnostics with those of res (errors of a compile or a
 * run). */
void ph_errors_take(struct sieve_msgs *from);

/* Report the end of the running block (pass unless ph_suite.failed). */
void ph_block_end(const char *reason);

#endif
