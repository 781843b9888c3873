/* mailer.c: running sendmail (see mailer.h). */
#include "mailer.h"
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

bool mailer_address_ok(const char *a)
{
	size_t len = strlen(a);

	if (len == 0 || len > 1000 || a[0] == '-')
		return false;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

/* In the child: stdin from the pipe, stdout to /dev/null, nothing else
 * inherited, then exec. */
static void __attribute__((noreturn)) run_sendmail(int in, char *argv[])
{
	static char *const envp[] = {
		"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL
	};
	int null = open("/dev/null", O_WRONLY);

	if (dup2(in, 0) < 0 || null < 0 || dup2(null, 1) < 0)
		_exit(127);
	closefrom(3);
	signal(SIGPIPE, SIG_DFL);
	execve(argv[0], argv, envp);
	_exit(127);
}


static int feed(int to, const struct mail_body *body)
{
	char buf[65536];
	off_t off = body->body_offset;
	ssize_t n;

	if (body->head && io_write_all(to, body->head, strlen(body->head)) < 0)
		return -1;
	if (body->body_fd < 0)
		return 0;
	while ((n = pread(body->body_fd, buf, sizeof buf, off)) > 0) {
		if (io_write_all(to, buf, (size_t)n) < 0)
			return -1;
		off += n;
	}
	return n < 0 ? -1 : 0;
}

static int wait_for(pid_t pid, const char *sendmail, struct outcome *out)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail_errno(out, errno, "waitpid");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return fail(out, EX_UNAVAILABLE, "cannot run %s", sendmail);
	if (WIFEXITED(status))
		return fail(out, EX_TEMPFAIL, "%s exited with status %d",
		    sendmail, WEXITSTATUS(status));
	return fail(out, EX_TEMPFAIL, "%s killed by signal %d", sendmail,
	    WTERMSIG(status));
}

int mailer_send(const char *sendmail, const char *sender,
    const char *recipient, const struct mail_body *body,
    struct outcome *out)
{
	char *argv[7];
	int fds[2], fed;
	pid_t pid;
	void (*old)(int);

	if (sendmail == NULL || sendmail[0] != '/')
		return fail(out, EX_CONFIG, "sendmail must be an absolute path");
	if (!mailer_address_ok(recipient) ||
	    (*sender && !mailer_address_ok(sender)))
		return fail(out, EX_DATAERR, "unusable address");
	argv[0] = (char *)sendmail;
	argv[1] = "-i";
	argv[2] = "-f";
	argv[3] = *sender ? (char *)sender : "<>";
	argv[4] = "--";
	argv[5] = (char *)recipient;
	argv[6] = NULL;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return fail_errno(out, errno, "pipe");
	fflush(NULL);   /* the child's exit() must not repeat our output */
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return fail_errno(out, errno, "fork");
	}
	if (pid == 0)
		run_sendmail(fds[0], argv);
	close(fds[0]);
	old = signal(SIGPIPE, SIG_IGN);  /* a sendmail that quits early */
	fed = feed(fds[1], body);
	close(fds[1]);
	signal(SIGPIPE, old);
	if (wait_for(pid, sendmail, out) < 0)
		return -1;
	if (fed < 0)
		return fail(out, EX_TEMPFAIL, "%s did not read the message",
		    sendmail);
	return 0;
}
