/* sieve_wire.c: result serialization (see sieve_wire.h). */
#include "sieve_wire.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "DSV1"

struct out {
	char *buf;
	size_t len, cap;
	bool nomem;
};

static void put(struct out *o, char tag, const void *data, size_t n)
{
	unsigned char head[5] = { (unsigned char)tag, (unsigned char)(n >> 24),
	    (unsigned char)(n >> 16), (unsigned char)(n >> 8),
	    (unsigned char)n };

	if (o->nomem)
		return;
	if (o->len + sizeof head + n > o->cap) {
		size_t cap = (o->len + sizeof head + n) * 2;
		char *grown = realloc(o->buf, cap);

		if (grown == NULL) {
			o->nomem = true;
			return;
		}
		o->buf = grown;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, head, sizeof head);
	if (n > 0)
		memcpy(o->buf + o->len + sizeof head, data, n);
	o->len += sizeof head + n;
}

static void put_str(struct out *o, char tag, const char *s)
{
	if (s != NULL)
		put(o, tag, s, strlen(s));
}

static void put_u32(struct out *o, char tag, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)(v >> 24),
	    (unsigned char)(v >> 16), (unsigned char)(v >> 8),
	    (unsigned char)v };

	put(o, tag, b, sizeof b);
}

static void put_action(struct out *o, const struct action *a)
{
	put_u32(o, 'A', (uint32_t)a->type);
	put_str(o, 'm', a->mailbox);
	put_str(o, 'f', a->flags);
	put_str(o, 'a', a->address);
	put_str(o, 't', a->text);
	put_str(o, 's', a->subject);
	put_str(o, 'F', a->from);
	put_str(o, 'h', a->handle);
	if (a->create)      /* fileinto :create */
		put_u32(o, 'C', 1);
	if (a->type == ACTION_NOTIFY) {
		put_u32(o, 'n', (uint32_t)a->notify_kind);
		put_u32(o, 'i', a->importance);
	}
	if (a->type == ACTION_VACATION) {
		put_u32(o, 'd', a->days);
		put_u32(o, 'M', a->mime);
	}
}

static void put_msgs(struct out *o, char tag, const struct sieve_msgs *m)
{
	for (size_t i = 0; i < m->count; i++)
		put_str(o, tag, m->items[i]);
}

int sieve_wire_encode(const struct sieve_result *res, char **buf,
    size_t *len)
{
	struct out o = { 0 };

	if ((o.buf = malloc(256)) == NULL)
		return -1;
	o.cap = 256;
	memcpy(o.buf, MAGIC, 4);
	o.len = 4;
	put_u32(&o, 'k', res->keep);
	put_u32(&o, 'x', res->failed);
	for (size_t i = 0; i < res->plan.count; i++)
		put_action(&o, &res->plan.actions[i]);
	put_msgs(&o, 'E', &res->errors);
	put_msgs(&o, 'N', &res->notes);
	put_msgs(&o, 'T', &res->trace);
	put(&o, 'Z', NULL, 0);
	if (o.nomem) {
		free(o.buf);
		return -1;
	}
	*buf = o.buf;
	*len = o.len;
	return 0;
}

/* ---- decoding ------------------------------------------------------------ */

struct in {
	const unsigned char *p;
	size_t left;
	struct sieve_result *res;
	struct action *cur;     /* fields apply to this action */
	const char *why;
};

static int bad(struct in *in, const char *why)
{
	in->why = why;
	return -1;
}

static int get_u32(struct in *in, const unsigned char *data, uint32_t n,
    uint32_t max, uint32_t *v)
{
	if (n != 4)
		return bad(in, "bad number length");
	*v = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
	    (uint32_t)data[2] << 8 | data[3];
	return *v <= max ? 0 : bad(in, "number out of range");
}

static int get_str(struct in *in, const unsigned char *data, uint32_t n,
    char **out)
{
	if (*out != NULL)
		return bad(in, "field given twice");
	if (memchr(data, '\0', n) != NULL)
		return bad(in, "NUL byte in a string");
	if ((*out = strndup((const char *)data, n)) == NULL)
		return bad(in, "out of memory");
	return 0;
}

static int get_msg(struct in *in, struct sieve_msgs *m,
    const unsigned char *data, uint32_t n)
{
	if (m->count >= SIEVE_MSGS_MAX || n >= SIEVE_MSG_MAX)
		return bad(in, "too many or too long lines");
	if (memchr(data, '\0', n) != NULL)
		return bad(in, "NUL byte in a line");
	return sieve_msgs_add(m, "%.*s", (int)n, (const char *)data) < 0 ?
	    bad(in, "out of memory") : 0;
}

static int flags_ok(const char *flags)
{
	return flags[0] != '\0' && strspn(flags, "DFRST") == strlen(flags);
}

static int new_action(struct in *in, const unsigned char *data, uint32_t n)
{
	struct plan *plan = &in->res->plan;
	uint32_t type;

	if (get_u32(in, data, n, ACTION_NOTIFY, &type) < 0)
		return -1;
	if (plan->count >= SIEVE_ACTIONS_MAX)
		return bad(in, "too many actions");
	if (plan_add(plan, (enum action_type)type, NULL, NULL, NULL,
	    NULL) < 0)
		return bad(in, "out of memory");
	in->cur = &plan->actions[plan->count - 1];
	return 0;
}

static int action_field(struct in *in, char tag, const unsigned char *data,
    uint32_t n)
{
	struct action *a = in->cur;
	uint32_t v;

	if (a == NULL)
		return bad(in, "field before any action");
	switch (tag) {
	case 'm': return get_str(in, data, n, &a->mailbox);
	case 'a': return get_str(in, data, n, &a->address);
	case 't': return get_str(in, data, n, &a->text);
	case 's': return get_str(in, data, n, &a->subject);
	case 'F': return get_str(in, data, n, &a->from);
	case 'h': return get_str(in, data, n, &a->handle);
	case 'f':
		if (get_str(in, data, n, &a->flags) < 0)
			return -1;
		return flags_ok(a->flags) ? 0 : bad(in, "bad flags");
	case 'd':
		if (get_u32(in, data, n, 100000, &v) < 0)
			return -1;
		a->days = v;
		return 0;
	case 'M':
		if (get_u32(in, data, n, 1, &v) < 0)
			return -1;
		a->mime = v;
		return 0;
	case 'C':
		if (get_u32(in, data, n, 1, &v) < 0)
			return -1;
		a->create = v;
		return 0;
	case 'n':
		if (get_u32(in, data, n, NOTIFY_LEGACY, &v) < 0)
			return -1;
		a->notify_kind = (enum notify_kind)v;
		return 0;
	case 'i':
		if (get_u32(in, data, n, 3, &v) < 0)
			return -1;
		a->importance = v;
		return 0;
	}
	return bad(in, "unknown record");
}

static int record(struct in *in, char tag, const unsigned char *data,
    uint32_t n)
{
	uint32_t v;

	switch (tag) {
	case 'k':
	case 'x':
		if (get_u32(in, data, n, 1, &v) < 0)
			return -1;
		*(tag == 'k' ? &in->res->keep : &in->res->failed) = v;
		return 0;
	case 'A': return new_action(in, data, n);
	case 'E': return get_msg(in, &in->res->errors, data, n);
	case 'N': return get_msg(in, &in->res->notes, data, n);
	case 'T': return get_msg(in, &in->res->trace, data, n);
	}
	return action_field(in, tag, data, n);
}

static int decode(struct in *in)
{
	while (in->left >= 5) {
		char tag = (char)in->p[0];
		uint32_t n = (uint32_t)in->p[1] << 24 |
		    (uint32_t)in->p[2] << 16 | (uint32_t)in->p[3] << 8 |
		    in->p[4];

		in->p += 5;
		in->left -= 5;
		if (n > in->left || n > SIEVE_WIRE_FIELD_MAX)
			return bad(in, "record longer than the data");
		if (tag == 'Z')
			return n == 0 && in->left == 0 ? 0 :
			    bad(in, "data after the end record");
		if (record(in, tag, in->p, n) < 0)
			return -1;
		in->p += n;
		in->left -= n;
	}
	return bad(in, "no end record");
}

/* Each action carries what its type needs. */
static int check_actions(struct in *in)
{
	const struct plan *plan = &in->res->plan;

	for (size_t i = 0; i < plan->count; i++) {
		const struct action *a = &plan->actions[i];

		if ((a->type == ACTION_FILEINTO && a->mailbox == NULL) ||
		    ((a->type == ACTION_REDIRECT || a->type ==
		    ACTION_VACATION) && a->address == NULL) ||
		    (a->type == ACTION_VACATION && a->handle == NULL) ||
		    (a->flags != NULL && a->type != ACTION_KEEP &&
		    a->type != ACTION_FILEINTO))
			return bad(in, "action lacks or has a wrong field");
	}
	return 0;
}

int sieve_wire_decode(const char *buf, size_t len, struct sieve_result *res,
    const char **why)
{
	struct in in = { .res = res };

	memset(res, 0, sizeof *res);
	if (len < 4 || len > SIEVE_WIRE_MAX || memcmp(buf, MAGIC, 4) != 0) {
		*why = "bad magic or size";
		return -1;
	}
	in.p = (const unsigned char *)buf + 4;
	in.left = len - 4;
	if (decode(&in) < 0 || check_actions(&in) < 0) {
		sieve_result_free(res);
		memset(res, 0, sizeof *res);
		*why = in.why;
		return -1;
	}
	return 0;
}
