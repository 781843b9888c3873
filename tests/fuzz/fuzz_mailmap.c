/* libFuzzer target: virtual mailbox maps.  The input is a map,
 * a NUL byte, then addresses separated by newlines.  A map either loads or
 * fails with "FILE:LINE: reason" (or "FILE: reason"); every address either
 * maps to a path strictly below the base, with no empty, "." or ".." level
 * and no control character, or is refused with EX_NOUSER / EX_TEMPFAIL. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mailmap.h"

#define BASE "/srv/mail"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_path(const char *path)
{
	const char *p = path + strlen(BASE);

	if (strncmp(path, BASE "/", strlen(BASE) + 1) != 0)
		abort();
	for (const char *c = path; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			abort();
	while (*p == '/') {
		size_t n = strcspn(p + 1, "/");

		if (n == 0 || (n == 1 && p[1] == '.') ||
		    (n == 2 && p[1] == '.' && p[2] == '.'))
			abort();
		p += n + 1;
	}
	if (*p != '\0')
		abort();
}

static void lookups(const struct mailmap *map, const char *addrs)
{
	static struct mailmap_result res;
	char *copy = strdup(addrs), *save = NULL;

	if (copy == NULL)
		return;
	for (char *a = strtok_r(copy, "\n", &save); a;
	    a = strtok_r(NULL, "\n", &save)) {
		struct outcome out = { .code = EX_OK };

		if (mailmap_lookup(map, a, &res, &out) == 0)
			check_path(res.maildir);
		else if (out.code != EX_NOUSER && out.code != EX_TEMPFAIL)
			abort();
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t maplen = nul ? (size_t)(nul - data) : size;
	char path[64], err[600], *addrs;
	struct mailmap *map;
	int fd = memfd_create("map", 0);

	if (fd < 0 || write(fd, data, maplen) != (ssize_t)maplen)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	err[0] = '\0';
	if (mailmap_load(&map, path, BASE, "+", err, sizeof err) < 0) {
		if (strncmp(err, path, strlen(path)) != 0)
			abort();
	} else if (nul && (addrs = strndup((const char *)nul + 1,
	    size - maplen - 1)) != NULL) {
		lookups(map, addrs);
		free(addrs);
	}
	mailmap_free(map);
	close(fd);
	return 0;
}
