/* proc.c: process identity from /proc (see proc.h). */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

long long proc_start_time(long pid)
{
	char path[64], buf[1024], *p;
	long long start = -1;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* the command name may hold anything: fields count after its ')' */
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (p && sscanf(p + 1, "%lld", &start) != 1)
		start = -1;
	return start;
}

bool proc_gone(long pid, long long start)
{
	long long running;

	if (pid <= 0)
		return true;
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return true;
	running = proc_start_time(pid);
	/* the pid was reused by a process started at another time */
	return start >= 0 && running >= 0 && running != start;
}
