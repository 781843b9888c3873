/* sieve_request.c: the request a Sieve child gets for one evaluation
 * (see sieve_request.h). */
#include "sieve_request.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "growbuf.h"

#define NO_STRING UINT32_MAX     /* a NULL string */
#define FLAG_TRACE     1u
#define FLAG_TRUNCATED 2u
#define FLAGS_KNOWN    (FLAG_TRACE | FLAG_TRUNCATED | FLAG_PREPARED | \
    FLAG_LAST)
#define HDR_LEADING 1u
#define HDR_ADDED   2u

static void put_u32(struct growbuf *o, uint32_t v)
{
	unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };

	growbuf_add(o, b, 4);
}

/* length, bytes, NUL (so the worker can point into the buffer) */
static void put_str(struct growbuf *o, const char *s)
{
	size_t n;

	if (s == NULL) {
		put_u32(o, NO_STRING);
		return;
	}
	n = strlen(s);
	put_u32(o, (uint32_t)n);
	growbuf_add(o, s, n + 1);
}

/* extra: FLAG_PREPARED, FLAG_LAST */
int sieve_request_encode(const char *text, const struct sieve_env *env,
    uint32_t extra, char **buf, size_t *len)
{
	struct growbuf o = { 0 };
	const struct header_index *h = env->headers;
	uint64_t size = env->size < 0 ? 0 : (uint64_t)env->size;
	size_t n = h ? h->count : 0;

	put_u32(&o, 0);   /* frame length, filled in below */
	put_u32(&o, (env->trace ? FLAG_TRACE : 0) |
	    (h && h->truncated ? FLAG_TRUNCATED : 0) | extra);
	put_u32(&o, (uint32_t)(size >> 32));
	put_u32(&o, (uint32_t)size);
	put_u32(&o, env->vacation_min_days);
	put_u32(&o, env->vacation_max_days);
	put_str(&o, text);
	put_str(&o, env->sender);
	put_str(&o, env->recipient);
	put_str(&o, env->delimiter);
	put_u32(&o, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		unsigned char f = (h->items[i].leading ? HDR_LEADING : 0) |
		    (h->items[i].added ? HDR_ADDED : 0);

		growbuf_add(&o, &f, 1);
		put_str(&o, h->items[i].name);
		put_str(&o, h->items[i].value);
	}
	if (o.nomem || o.len - 4 > REQ_MAX) {
		free(o.data);
		errno = o.nomem ? ENOMEM : EFBIG;
		return -1;
	}
	o.data[0] = (char)((o.len - 4) >> 24);
	o.data[1] = (char)((o.len - 4) >> 16);
	o.data[2] = (char)((o.len - 4) >> 8);
	o.data[3] = (char)(o.len - 4);
	*buf = o.data;
	*len = o.len;
	return 0;
}

int sieve_worker_encode(const char *text, const struct sieve_env *env,
    char **buf, size_t *len)
{
	return sieve_request_encode(text, env, 0, buf, len);
}

struct in {
	char *buf;
	size_t len, off;
	bool bad;
};

static uint32_t get_u32(struct in *in)
{
	const unsigned char *p = (const unsigned char *)in->buf + in->off;

	if (in->bad || in->len - in->off < 4) {
		in->bad = true;
		return 0;
	}
	in->off += 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static const char *get_str(struct in *in)
{
	uint32_t n = get_u32(in);
	const char *s;

	if (in->bad || n == NO_STRING)
		return NULL;
	if (in->len - in->off <= n || in->buf[in->off + n] != '\0') {
		in->bad = true;
		return NULL;
	}
	s = in->buf + in->off;
	in->off += (size_t)n + 1;
	return s;
}

/* buf is the frame without its length prefix; *flags: what was asked. */
int sieve_request_decode(char *buf, size_t len, const char **text,
    struct sieve_env *env, struct header_index *idx, uint32_t *flags)
{
	struct in in = { buf, len, 0, false };
	uint32_t n;
	uint64_t size;

	memset(env, 0, sizeof *env);
	memset(idx, 0, sizeof *idx);
	*flags = get_u32(&in);
	size = (uint64_t)get_u32(&in) << 32;
	size |= get_u32(&in);
	env->vacation_min_days = get_u32(&in);
	env->vacation_max_days = get_u32(&in);
	*text = get_str(&in);
	env->sender = get_str(&in);
	env->recipient = get_str(&in);
	env->delimiter = get_str(&in);
	n = get_u32(&in);
	if (in.bad || *text == NULL || n > HEADER_INDEX_COUNT ||
	    size > INT64_MAX || (*flags & ~FLAGS_KNOWN))
		return -1;
	env->size = (off_t)size;
	env->trace = *flags & FLAG_TRACE;
	for (uint32_t i = 0; i < n && !in.bad; i++) {
		unsigned char f = 0;
		const char *name, *value;

		if (in.off < in.len)
			f = (unsigned char)in.buf[in.off++];
		else
			in.bad = true;
		name = get_str(&in);
		value = get_str(&in);
		if (in.bad || name == NULL || value == NULL)
			in.bad = true;
		else if (header_add(idx, name, strlen(name), value,
		    strlen(value)) < 0)
			in.bad = true;
		else if (idx->count == i + 1) {
			idx->items[i].leading = f & HDR_LEADING;
			idx->items[i].added = f & HDR_ADDED;
		} else
			in.bad = true;
	}
	if (in.bad || in.off != in.len) {
		header_index_free(idx);
		return -1;
	}
	idx->truncated = *flags & FLAG_TRUNCATED;
	env->headers = idx;
	return 0;
}

int sieve_worker_decode(char *buf, size_t len, const char **text,
    struct sieve_env *env, struct header_index *idx)
{
	uint32_t flags;

	return sieve_request_decode(buf, len, text, env, idx, &flags);
}
