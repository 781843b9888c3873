/* ext_foreverypart.h: what the mime and extracttext extensions read of
 * foreverypart's state (ext_foreverypart.c): the message's MIME parts,
 * walked once per evaluation, and the part the innermost running loop is
 * at. */
#ifndef DELIVER_EXT_FOREVERYPART_H
#define DELIVER_EXT_FOREVERYPART_H

#include <stdbool.h>
#include <stddef.h>

#include "headers.h"
#include "sieve_mime.h"

struct sieve_rt;

/* Pigeonhole's SIEVE_MAX_LOOP_DEPTH: nested foreverypart loops, checked
 * when the script is checked and again while it runs (an included
 * script's loops count on top of the includer's). */
#define SIEVE_LOOP_DEPTH_MAX 4

/* The parts of the message in walk order (sieve_mime.h), walked once per
 * evaluation (again only when the message changed, as between the
 * Pigeonhole runner's test blocks).  Without a message file (a caller that has
 * only the header index) there is one part, the message, marked by
 * *no_file: its headers are rt->env->headers, its content empty.
 * 0, or -1 after sieve_rt_error. */
int sieve_fep_parts(struct sieve_rt *rt, const struct mime_part **parts,
    size_t *n, bool *no_file);

/* A status of a read through the message (the walk, mime_headers_each)
 * as a run result: -1 (errno set) and -2 (out of memory) are reported
 * here, another negative one was reported already; 0 stays 0.  Returns
 * 0, or -1 after sieve_rt_error. */
int sieve_fep_status(struct sieve_rt *rt, int r);

/* The index of the part the innermost running foreverypart is at, or -1
 * outside every loop. */
long sieve_fep_current(struct sieve_rt *rt);

/* One past the last part a loop inside part i, or :anychild at part i,
 * visits: i's next sibling in walk order; the end of the message when i
 * is the message or the last child of its parent, where Pigeonhole
 * 0.5.19 goes on past i's own parts (checked with sieve-test: a loop at
 * the last part of a nested multipart sees the parts after it too). */
size_t sieve_fep_subtree_end(const struct mime_part *parts, size_t n,
    size_t i);

/* Whether part i has parts inside it (extracttext gives "" for it). */
bool sieve_fep_has_children(const struct mime_part *parts, size_t n,
    size_t i);

#endif
