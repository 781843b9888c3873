/* sieve_file.c: reading a Sieve script file (see sieve_file.h). */
#include "sieve_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "growbuf.h"
#include "sieve.h"
#include "sieve_ast.h"

int sieve_read_script(const char *path, char **text)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	return sieve_read_script_fd(fd, text) < 0 ? -1 : 1;
}

/* A script is text: a NUL byte in it is refused with its position, which
 * is kept here for the caller that reports it (one delivery reads one
 * script at a time). */
static struct sieve_pos last_nul;

void sieve_read_nul_pos(unsigned *line, unsigned *col)
{
	*line = last_nul.line;
	*col = last_nul.col;
}

static void note_nul(const char *data, const char *nul)
{
	last_nul.line = 1;
	last_nul.col = 1;
	for (const char *p = data; p < nul; p++)
		if (*p == '\n') {
			last_nul.line++;
			last_nul.col = 1;
		} else {
			last_nul.col++;
		}
}

int sieve_read_script_fd(int fd, char **text)
{
	struct growbuf b = { 0 };
	char chunk[16384];
	const char *nul;
	ssize_t n = 0;
	struct stat st;
	int saved;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	/* grown as read, not a buffer of the 1 MiB limit each time (an mmap
	 * and a munmap a message in a redelivery's worker) */
	growbuf_add(&b, "", 0);
	while (!b.nomem && b.len <= SIEVE_SCRIPT_MAX &&
	    (n = read(fd, chunk, sizeof chunk)) > 0)
		growbuf_add(&b, chunk, (size_t)n);
	saved = errno;
	close(fd);
	if (b.nomem || n < 0 || b.len > SIEVE_SCRIPT_MAX) {
		free(b.data);
		errno = b.nomem ? ENOMEM : n < 0 ? saved : EFBIG;
		return -1;
	}
	if ((nul = memchr(b.data, '\0', b.len)) != NULL) {
		note_nul(b.data, nul);
		free(b.data);
		errno = EILSEQ;
		return -1;
	}
	*text = b.data;
	return 0;
}
