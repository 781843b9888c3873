/* unit_fs.h: file-system helpers the unit tests share (header only: each
 * test is one program built from its own .c file). */
#ifndef DELIVER_UNIT_FS_H
#define DELIVER_UNIT_FS_H

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Remove name below atfd, a directory tree or a file; symlinks are
 * removed, never followed.  Best effort: a test's scratch directory. */
static inline void unit_remove_tree(int atfd, const char *name)
{
	int fd = openat(atfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	struct dirent *e;
	DIR *d;

	if (fd < 0) {
		unlinkat(atfd, name, 0);
		return;
	}
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unit_remove_tree(dirfd(d), e->d_name);
	closedir(d);
	unlinkat(atfd, name, AT_REMOVEDIR);
}

#endif
