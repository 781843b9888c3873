/* redeliver.h: deliver --redeliver [--move] [-n] PATH...
 *
 * Runs messages that are already on disk through the whole pipeline again
 * (Sieve, quota, log), in this one process: config, identity and deliver.db
 * are set up once for the run.  PATH is a Maildir folder (its cur/ and
 * new/, listed once before the run starts), an mbox file (it starts with
 * "From "; split by mbox.h) or one message file.
 *
 * Dedup: within the run only.  deliver.db recorded the delivery that made
 * each source file, so consulting it would make every redelivery a
 * duplicate; instead a Message-ID delivered earlier in the same run is a
 * duplicate (the same message twice in the sources is filed once).
 * Messages without a Message-ID are never duplicates, as in the store.
 *
 * A target that is the folder the source already lies in is left in place
 * (the source is that copy).  --move removes a source only after all its
 * copies are durable, never a duplicate, a failure or a message left in
 * place; an mbox only when every message in it was delivered.
 *
 * The message is filed as it is: no Delivered-To is added and there is no
 * loop check (it was delivered before and carries its trace headers).  No
 * mail goes out about old messages: Sieve's redirect, vacation, notify and
 * reject are dropped (deliver.c), a redirect or reject that took the
 * message away becoming a keep.
 *
 * Summary on stderr, exit code: see man/deliver.1. */
#ifndef DELIVER_REDELIVER_H
#define DELIVER_REDELIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "deliver.h"
#include "outcome.h"

struct redeliver_options {
	char **paths;
	size_t npaths;
	bool move;
};

/* Redeliver every message of o->paths with req as the template request
 * (req->input_fd is not used).  Returns the exit code; out holds the
 * reason when it is not EX_OK. */
int redeliver_run(const struct request *req,
    const struct redeliver_options *o, struct outcome *out);

#endif
