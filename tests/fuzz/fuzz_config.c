/* libFuzzer target: deliver.conf parsing.  Any file either loads or fails
 * with a "FILE:LINE: reason" message; -o style pairs likewise. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	char path[64], err[600], *pair;
	int fd = memfd_create("conf", 0);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	config_defaults(&cfg);
	err[0] = '\0';
	if (config_load(&cfg, path, true, err, sizeof err) < 0 &&
	    strncmp(err, path, strlen(path)) != 0)
		abort();
	if ((pair = strndup((const char *)data, size)) != NULL) {
		(void)config_set_pair(&cfg, pair, err, sizeof err);
		free(pair);
	}
	config_free(&cfg);
	close(fd);
	return 0;
}
