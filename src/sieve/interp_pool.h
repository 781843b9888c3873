/* interp_pool.h: the scratch memory of one native evaluation.
 *
 * Every string and array the run functions get through sieve_rt_* comes
 * from here: a stack of allocations whose total is capped (the memory cap
 * of the evaluation).  The interpreter takes a mark before each command
 * and releases back to it afterwards, so memory held at any time is what
 * one command needs, whatever the script's length.  Allocations are
 * carved from chunks (a few per evaluation, not one malloc per string). */
#ifndef DELIVER_INTERP_POOL_H
#define DELIVER_INTERP_POOL_H

#include <stddef.h>

struct sieve_pool;
struct sieve_pool_chunk;

/* A point to release back to. */
typedef struct {
	struct sieve_pool_chunk *chunk;   /* the top chunk then */
	size_t off;                       /* its bytes in use then */
	size_t used;                      /* the pool's total then */
} sieve_pool_mark;

/* NULL when memory runs out. */
struct sieve_pool *sieve_pool_new(size_t cap);

/* size bytes, zeroed; NULL when over the cap or out of memory. */
void *sieve_pool_alloc(struct sieve_pool *p, size_t size);

/* Count size bytes the caller holds elsewhere (until the next release
 * to a mark taken before) against the cap, without handing out memory:
 * a large value need not be copied into the pool to be counted.  0, or
 * -1 when over the cap. */
int sieve_pool_charge(struct sieve_pool *p, size_t size);

sieve_pool_mark sieve_pool_mark_get(const struct sieve_pool *p);

/* Free everything allocated after mark was taken. */
void sieve_pool_release(struct sieve_pool *p, sieve_pool_mark mark);

void sieve_pool_free(struct sieve_pool *p);

#endif
