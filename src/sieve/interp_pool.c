/* interp_pool.c: the capped scratch memory of one native evaluation (see
 * interp_pool.h).  A stack of chunks, allocations carved from the top one
 * (every test asks for a few arrays and strings: a malloc and a free for
 * each was a tenth of what a header test cost); a release moves back to
 * the mark and keeps one emptied chunk for the next command. */
#include "interp_pool.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* a page with its malloc and chunk headers: a short script's evaluation
 * touches one (every page first touched is a page fault) */
#define CHUNK_SIZE (4096 - 64)

struct sieve_pool_chunk {
	struct sieve_pool_chunk *prev;
	size_t size, off;
	alignas(max_align_t) unsigned char data[];
};

struct sieve_pool {
	struct sieve_pool_chunk *top;
	struct sieve_pool_chunk *spare;   /* an emptied chunk, kept */
	size_t used, cap;                 /* bytes handed out, the cap */
};

struct sieve_pool *sieve_pool_new(size_t cap)
{
	struct sieve_pool *p = calloc(1, sizeof *p);

	if (p != NULL)
		p->cap = cap;
	return p;
}

/* A chunk with room for size bytes on top of the stack. */
static struct sieve_pool_chunk *push_chunk(struct sieve_pool *p,
    size_t size)
{
	struct sieve_pool_chunk *c;

	if (p->spare != NULL && p->spare->size >= size) {
		c = p->spare;
		p->spare = NULL;
	} else {
		size_t n = size > CHUNK_SIZE ? size : CHUNK_SIZE;

		if ((c = malloc(sizeof *c + n)) == NULL)
			return NULL;
		c->size = n;
	}
	c->off = 0;
	c->prev = p->top;
	p->top = c;
	return c;
}

void *sieve_pool_alloc(struct sieve_pool *p, size_t size)
{
	size_t align = alignof(max_align_t), need;
	struct sieve_pool_chunk *c = p->top;
	void *out;

	if (size > p->cap || p->used > p->cap - size ||
	    size > SIZE_MAX - align)
		return NULL;
	need = (size + align - 1) / align * align;
	if (c == NULL || c->size - c->off < need)
		if ((c = push_chunk(p, need)) == NULL)
			return NULL;
	out = c->data + c->off;
	c->off += need;
	p->used += size;
	return memset(out, 0, size);
}

int sieve_pool_charge(struct sieve_pool *p, size_t size)
{
	if (size > p->cap || p->used > p->cap - size)
		return -1;
	p->used += size;
	return 0;
}

sieve_pool_mark sieve_pool_mark_get(const struct sieve_pool *p)
{
	return (sieve_pool_mark){ p->top, p->top ? p->top->off : 0, p->used };
}

static void drop_chunk(struct sieve_pool *p, struct sieve_pool_chunk *c)
{
	if (p->spare == NULL && c->size == CHUNK_SIZE)
		p->spare = c;
	else
		free(c);
}

void sieve_pool_release(struct sieve_pool *p, sieve_pool_mark mark)
{
	while (p->top != NULL && p->top != mark.chunk) {
		struct sieve_pool_chunk *c = p->top;

		p->top = c->prev;
		drop_chunk(p, c);
	}
	if (p->top != NULL)
		p->top->off = mark.off;
	p->used = mark.used;
}

void sieve_pool_free(struct sieve_pool *p)
{
	if (p == NULL)
		return;
	sieve_pool_release(p, (sieve_pool_mark){ NULL, 0, 0 });
	free(p->spare);
	free(p);
}
