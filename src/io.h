/* io.h: small I/O helpers shared by the modules that write files. */
#ifndef DELIVER_IO_H
#define DELIVER_IO_H

#include <stddef.h>

/* Write all len bytes, retrying short writes and EINTR.  0, or -1 with
 * errno set (a write that returns 0 counts as EIO). */
int io_write_all(int fd, const void *buf, size_t len);

#endif
