/* interp_pool.c: the capped scratch memory of one native evaluation (see
 * interp_pool.h): each allocation carries a header linking it to the one
 * before, so a release walks back to the mark. */
#include "interp_pool.h"

#include <stdalign.h>
#include <stdlib.h>

struct sieve_pool_item {
	struct sieve_pool_item *prev;
	size_t size;
	alignas(max_align_t) unsigned char data[];
};

struct sieve_pool {
	struct sieve_pool_item *top;
	size_t used, cap;
};

struct sieve_pool *sieve_pool_new(size_t cap)
{
	struct sieve_pool *p = calloc(1, sizeof *p);

	if (p != NULL)
		p->cap = cap;
	return p;
}

void *sieve_pool_alloc(struct sieve_pool *p, size_t size)
{
	struct sieve_pool_item *it;

	if (size > p->cap || p->used > p->cap - size)
		return NULL;
	it = calloc(1, sizeof *it + size);
	if (it == NULL)
		return NULL;
	it->prev = p->top;
	it->size = size;
	p->top = it;
	p->used += size;
	return it->data;
}

sieve_pool_mark sieve_pool_mark_get(const struct sieve_pool *p)
{
	return p->top;
}

void sieve_pool_release(struct sieve_pool *p, sieve_pool_mark mark)
{
	while (p->top != NULL && p->top != mark) {
		struct sieve_pool_item *it = p->top;

		p->top = it->prev;
		p->used -= it->size;
		free(it);
	}
}

void sieve_pool_free(struct sieve_pool *p)
{
	if (p == NULL)
		return;
	sieve_pool_release(p, NULL);
	free(p);
}
