/* deliver.h: one delivery, start to finish (the pipeline of DESIGN.md).
 *
 *   intake (stdin -> tmp/) -> loop check -> plan -> targets -> place
 *   -> unlink tmp -> log
 *
 * Each stage is its own function in deliver.c; a failure anywhere before
 * the copies are durable returns a temporary failure and leaves nothing
 * visible. */
#ifndef DELIVER_DELIVER_H
#define DELIVER_DELIVER_H

#include <stdbool.h>

#include "config.h"
#include "outcome.h"

/* What main() decided from argv, the environment and the config. */
struct request {
	const struct config *cfg;
	const char *user;
	const char *home;
	const char *maildir;     /* root Maildir path */
	const char *folder;      /* -m, NULL or "" = INBOX */
	const char *sender;      /* NULL = not given: From_ line, Return-Path */
	const char *recipient;   /* never NULL */
	const char *script;      /* -s */
	int input_fd;            /* stdin or -p FILE */
	bool dry_run;            /* -n: plan only, write nothing */
	bool errors_only;        /* -e */
};

/* Deliver one message.  Returns the exit code (EX_OK or a sysexits value,
 * with the reason in *out). */
int deliver_message(const struct request *req, struct outcome *out);

#endif
