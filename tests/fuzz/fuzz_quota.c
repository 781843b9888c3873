/* libFuzzer target: maildirsize parsing and quota definitions.
 * The input is read as a maildirsize file: the parse must agree with a
 * plain reference reading (line 1 the definition; every complete further
 * line blank or "<signed> <signed>" between blanks, an optional CR before
 * the newline; a NUL byte, garbage, overflow or a negative total make it
 * corrupt), and its definition is NUL-free and within its buffer.  The
 * input is also read as the config key's value: what quota_parse_config
 * accepts is formatted as line 1 and parses back to the same limits. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "quota.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool blank(char c) { return c == ' ' || c == '\t'; }

/* The reference: one signed decimal at *p, INT64 range; false on none. */
static bool ref_number(const char **pp, const char *end, int64_t *v)
{
	const char *p = *pp;
	bool neg = p < end && *p == '-';
	uint64_t n = 0;

	if (neg)
		p++;
	if (p == end || *p < '0' || *p > '9')
		return false;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (n > ((uint64_t)INT64_MAX - (uint64_t)(*p - '0')) / 10)
			return false;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	*v = neg ? -(int64_t)n : (int64_t)n;
	*pp = p;
	return true;
}

/* 0 blank line, 1 data line, -1 garbage */
static int ref_line(const char *p, const char *end, int64_t *b, int64_t *c)
{
	if (end > p && end[-1] == '\r')
		end--;
	while (p < end && blank(*p))
		p++;
	if (p == end)
		return 0;
	if (!ref_number(&p, end, b) || p == end || !blank(*p))
		return -1;
	while (p < end && blank(*p))
		p++;
	if (!ref_number(&p, end, c))
		return -1;
	while (p < end && blank(*p))
		p++;
	return p == end ? 1 : -1;
}

/* Sums and data lines of a file; false when it cannot be trusted. */
static bool ref_parse(const char *buf, size_t len, int64_t *bytes,
    int64_t *count, unsigned *lines)
{
	const char *p = memchr(buf, '\n', len), *end = buf + len, *nl;

	*bytes = *count = 0;
	*lines = 0;
	if (memchr(buf, '\0', len))
		return false;
	if (p == NULL)
		return true;
	for (p++; (nl = memchr(p, '\n', (size_t)(end - p))) != NULL;
	    p = nl + 1) {
		int64_t b, c;
		int rc = ref_line(p, nl, &b, &c);

		if (rc < 0 || (rc == 1 &&
		    (__builtin_add_overflow(*bytes, b, bytes) ||
		    __builtin_add_overflow(*count, c, count))))
			return false;
		*lines += (unsigned)rc;
	}
	return *bytes >= 0 && *count >= 0;
}

static void check_file(const char *buf, size_t len)
{
	struct maildirsize ms;
	int64_t bytes, count;
	unsigned lines;
	bool ok = ref_parse(buf, len, &bytes, &count, &lines);

	maildirsize_parse(buf, len, &ms);
	if (memchr(ms.definition, '\0', sizeof ms.definition) == NULL ||
	    strchr(ms.definition, '\n'))
		abort();
	if (ms.full != (len >= MAILDIRSIZE_READ_MAX))
		abort();
	if (ms.corrupt == ok)
		abort();
	if (ok && (ms.bytes != bytes || ms.count != count || ms.lines != lines))
		abort();
	(void)quota_recalc_on_read(&ms, &ms.limits);
}

static void check_config(const char *text)
{
	struct quota_limits q, back;
	char line[QUOTA_DEFINITION_MAX];

	if (quota_parse_config(text, &q) < 0) {
		if (quota_config_valid(text) && *text && strcmp(text, "none"))
			abort();
		return;
	}
	if (!quota_config_valid(text) || q.bytes > INT64_MAX ||
	    q.count > INT64_MAX)
		abort();
	if (quota_format_definition(&q, line, sizeof line) < 0)
		abort();
	quota_parse_definition(line, strlen(line), &back);
	if (back.bytes != q.bytes || back.count != q.count)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	check_file((const char *)data, size);
	if ((text = strndup((const char *)data, size)) == NULL)
		return 0;
	check_config(text);
	free(text);
	return 0;
}
