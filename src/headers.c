/* headers.c: the bounded header index (see headers.h). */
#include "headers.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *header_get(const struct header_index *idx, const char *name,
    size_t nth)
{
	for (size_t i = 0; i < idx->count; i++)
		if (strcasecmp(idx->items[i].name, name) == 0 && nth-- == 0)
			return idx->items[i].value;
	return NULL;
}

size_t header_count(const struct header_index *idx, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < idx->count; i++)
		n += strcasecmp(idx->items[i].name, name) == 0;
	return n;
}

static int grow(struct header_index *idx)
{
	struct header *items;
	size_t cap;

	if (idx->count < idx->cap)
		return 0;
	cap = idx->cap ? idx->cap * 2 : 32;
	items = reallocarray(idx->items, cap, sizeof *items);
	if (items == NULL)
		return -1;
	idx->items = items;
	idx->cap = cap;
	return 0;
}

static int store(struct header_index *idx, size_t pos, const char *name,
    size_t namelen, const char *value, size_t valuelen, bool added)
{
	struct header h = { 0 };

	if (valuelen > HEADER_VALUE_MAX) {
		valuelen = HEADER_VALUE_MAX;
		idx->truncated = true;
	}
	if (idx->count >= HEADER_INDEX_COUNT ||
	    idx->bytes + namelen + valuelen > HEADER_INDEX_BYTES) {
		idx->truncated = true;
		return 0;
	}
	if (grow(idx) < 0)
		return -1;
	h.name = strndup(name, namelen);
	h.value = strndup(value, valuelen);
	h.added = added;
	if (h.name == NULL || h.value == NULL) {
		free(h.name);
		free(h.value);
		return -1;
	}
	memmove(&idx->items[pos + 1], &idx->items[pos],
	    (idx->count - pos) * sizeof *idx->items);
	idx->items[pos] = h;
	idx->count++;
	idx->bytes += namelen + valuelen;
	return 0;
}

int header_add(struct header_index *idx, const char *name, size_t namelen,
    const char *value, size_t valuelen)
{
	return store(idx, idx->count, name, namelen, value, valuelen, false);
}

int header_insert_added(struct header_index *idx, size_t pos,
    const char *name, const char *value)
{
	if (pos > idx->count)
		pos = idx->count;
	return store(idx, pos, name, strlen(name), value, strlen(value), true);
}

void header_index_free(struct header_index *idx)
{
	for (size_t i = 0; i < idx->count; i++) {
		free(idx->items[i].name);
		free(idx->items[i].value);
	}
	free(idx->items);
	memset(idx, 0, sizeof *idx);
}

size_t header_bare_address(const char *value, char *out, size_t outlen)
{
	const char *start = value, *end;
	size_t len, full;

	while (isspace((unsigned char)*start))
		start++;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	if (end - start >= 2 && *start == '<' && end[-1] == '>') {
		start++;
		end--;
	}
	full = len = (size_t)(end - start);
	if (outlen == 0)
		return full;
	if (len >= outlen)
		len = outlen - 1;
	memcpy(out, start, len);
	out[len] = '\0';
	return full;
}
