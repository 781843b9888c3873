/* sieve_worker.c: the long-lived Sieve child (see sieve_worker.h). */
#include "sieve_worker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "io.h"
#include "sieve_front.h"
#include "sieve_child.h"
#include "sieve_file.h"
#include "sieve_request.h"
#include "sieve_wire.h"

/* A child and the parent's end of its socket. */
struct child {
	pid_t pid;
	int fd;
};

static bool use_worker;
static struct child pool = { -1, -1 };    /* --redeliver's worker */
static struct child early = { -1, -1 };   /* one delivery's early child */
static unsigned long workers_started;

void sieve_worker_use(bool on)
{
	use_worker = on;
}

bool sieve_worker_in_use(void)
{
	return use_worker;
}

unsigned long sieve_worker_started(void)
{
	return workers_started;
}

pid_t sieve_worker_pid(void)
{
	return pool.pid;
}

/* ---- the worker child ------------------------------------------------------ */

/* A script the early child read and put through the front end before the
 * message arrived. */
struct prepared {
	const char *path;
	int fd;                  /* until read */
	int error;               /* errno: could not be read */
	int status;              /* the front end's verdict */
	struct sieve_msgs msgs;  /* its diagnostics, when refused */
	char *raw;               /* as read */
	char *text;              /* what libsieve runs, when runnable */
	struct sieve_result parsed;   /* libsieve's parse, when it failed */
};

static struct prepared *prep;    /* the early child's scripts */
static size_t nprep;

static void limit(int resource, rlim_t soft, rlim_t hard)
{
	struct rlimit rl = { soft, hard };

	setrlimit(resource, &rl);
}

/* Read exactly n bytes from fd 3; 0 on success, -1 at EOF or error. */
static int read_all(int fd, char *p, size_t n)
{
	ssize_t r;

	while (n > 0) {
		if ((r = read(fd, p, n)) < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* This evaluation's CPU budget: the soft limit (SIGXCPU, as for a forked
 * child) at the CPU seconds used so far plus the configured limit.  The
 * hard limit is left as inherited (the parent's wall timeout is the
 * backstop); false when it leaves no room for a whole budget. */
static bool cpu_budget(const struct config *cfg)
{
	struct rusage ru;
	struct rlimit rl;
	rlim_t used, soft;

	if (getrusage(RUSAGE_SELF, &ru) < 0 || getrlimit(RLIMIT_CPU, &rl) < 0)
		return false;
	used = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1;
	soft = used + (cfg->sieve_cpu_limit ? cfg->sieve_cpu_limit : 1);
	if (rl.rlim_max != RLIM_INFINITY && soft >= rl.rlim_max)
		return false;
	limit(RLIMIT_CPU, soft, rl.rlim_max);
	return true;
}

/* Before a child's last answer: it lets go of deliver's stdout and stderr
 * first, so that an MTA waiting for EOF on them (Postfix pipe, Exim) need
 * not wait for this process to exit. */
static void let_go_of_stdio(void)
{
	static bool done;
	int fd;

	if (done)
		return;
	done = true;
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		_exit(EX_OSERR);
	if (dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0 ||
	    dup2(fd, STDERR_FILENO) < 0)
		_exit(EX_OSERR);
	close(fd);
}

/* The answer: kind, the body's length, the body. */
static void answer(int fd, char kind, const char *body, size_t len,
    bool last)
{
	unsigned char hdr[5] = { (unsigned char)kind,
	    (unsigned char)(len >> 24), (unsigned char)(len >> 16),
	    (unsigned char)(len >> 8), (unsigned char)len };

	if (last)
		let_go_of_stdio();
	if (io_write_all(fd, hdr, 5) < 0 || io_write_all(fd, body, len) < 0)
		_exit(EX_IOERR);
}

static void u32_bytes(uint32_t v, char *b)
{
	b[0] = (char)(v >> 24);
	b[1] = (char)(v >> 16);
	b[2] = (char)(v >> 8);
	b[3] = (char)v;
}

/* A prepared script that does not reach libsieve: 'E' with the errno of
 * the failed read, or 'F' with the front end's status and diagnostics
 * (as a failed result in the wire format). */
static void answer_unrun(int fd, const struct prepared *p, bool last)
{
	struct sieve_result res = { .failed = true, .keep = true };
	char *wire, *body;
	size_t wlen;

	if (p->error) {
		char b[4];

		u32_bytes((uint32_t)p->error, b);
		answer(fd, 'E', b, 4, last);
		return;
	}
	res.errors = p->msgs;
	if (sieve_wire_encode(&res, &wire, &wlen) < 0 ||
	    (body = malloc(wlen + 4)) == NULL)
		_exit(EX_OSERR);
	u32_bytes((uint32_t)p->status, body);
	memcpy(body + 4, wire, wlen);
	answer(fd, 'F', body, wlen + 4, last);
	free(body);
	free(wire);
}

/* An evaluation's result: 'K', or 'X' when this child stops after it. */
static void send_result(int fd, const struct sieve_result *res, bool last)
{
	char *wire;
	size_t wlen;

	if (sieve_wire_encode(res, &wire, &wlen) < 0)
		_exit(EX_OSERR);
	answer(fd, last ? 'X' : 'K', wire, wlen, last);
	free(wire);
}

static const struct prepared *find_prepared(const char *path)
{
	for (size_t i = 0; i < nprep; i++)
		if (strcmp(prep[i].path, path) == 0)
			return &prep[i];
	return NULL;
}

/* One request in, one answer out.  An evaluation answers 'K' (or 'X'
 * when this worker stops after it) with the result in the wire format; a
 * prepared script that cannot run answers as answer_unrun says.  -1 when
 * the worker stops. */
static int serve_one(int fd, const struct config *cfg, bool last)
{
	unsigned char hdr[4];
	char *req;
	const char *text;
	const struct prepared *p = NULL;
	struct sieve_env env;
	struct header_index idx;
	struct sieve_result res;
	uint32_t n, flags;

	if (read_all(fd, (char *)hdr, 4) < 0)
		return -1;
	n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | hdr[3];
	if (n > REQ_MAX || (req = malloc(n ? n : 1)) == NULL)
		_exit(EX_SOFTWARE);
	if (read_all(fd, req, n) < 0)
		_exit(EX_IOERR);
	if (sieve_request_decode(req, n, &text, &env, &idx, &flags) < 0)
		_exit(EX_SOFTWARE);
	last = last || (flags & FLAG_LAST);
	if (flags & FLAG_PREPARED) {
		if ((p = find_prepared(text)) == NULL)
			_exit(EX_SOFTWARE);
		if (p->text == NULL) {
			answer_unrun(fd, p, last);
			header_index_free(&idx);
			free(req);
			return last ? -1 : 0;
		}
		if (p->parsed.failed) {
			header_index_free(&idx);
			free(req);
			send_result(fd, &p->parsed, true);
			return -1;
		}
		text = p->text;
	}
	if (!cpu_budget(cfg))
		_exit(EX_OSERR);
	if (sieve_eval(text, &env, &res) < 0)
		_exit(EX_OSERR);
	header_index_free(&idx);
	free(req);
	last = last || res.failed;   /* libsieve keeps global state */
	send_result(fd, &res, last);
	sieve_result_free(&res);
	return last ? -1 : 0;
}

/* A crash must end this process, whatever handler the host program (a
 * test harness) installed: the parent reports the signal. */
static void default_signals(void)
{
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	signal(SIGILL, SIG_DFL);
	signal(SIGFPE, SIG_DFL);
	signal(SIGABRT, SIG_DFL);
}

static void memory_limit(const struct config *cfg)
{
#if !defined(__SANITIZE_ADDRESS__)
	/* ASan reserves terabytes of address space up front */
	if (cfg->sieve_memory_limit)
		limit(RLIMIT_AS, (rlim_t)cfg->sieve_memory_limit,
		    (rlim_t)cfg->sieve_memory_limit);
#else
	(void)cfg;
#endif
}

static void __attribute__((noreturn)) worker(int fd, const struct config *cfg)
{
	if (dup2(fd, 3) < 0)
		_exit(EX_OSERR);
	closefrom(4);
	default_signals();
	limit(RLIMIT_CORE, 0, 0);
	memory_limit(cfg);
	for (unsigned i = 1; serve_one(3, cfg, i >= SIEVE_WORKER_RECYCLE) == 0;
	    i++)
		;
	_exit(0);
}

/* ---- the early child --------------------------------------------------------- */

/* The script's text, from the descriptor the parent opened. */
static void read_prepared(struct prepared *p)
{
	if (p->fd < 0)
		return;
	if (sieve_read_script_fd(p->fd, &p->raw) < 0)   /* closes it */
		p->error = errno ? errno : EIO;
	p->fd = -1;
}

/* Let libsieve parse the text once before the message arrives: its code
 * and heap are then faulted in (each page fault is costly on a VM) and the
 * evaluation that counts runs warm.  A script libsieve cannot parse is
 * answered with these errors, which an evaluation would report alike (it
 * parses first), and the child stops after it, as after any failed
 * script. */
static void warm_up(struct prepared *p)
{
	if (p->text == NULL)
		return;
	if (sieve_check(p->text, &p->parsed) < 0)
		_exit(EX_OSERR);
	if (!p->parsed.failed)
		sieve_result_free(&p->parsed);
}

/* Put the text through the front end, as run_script in sieve_run.c does
 * for a script it reads itself. */
static void prepare(struct prepared *p)
{
	struct sieve_front front;

	if (p->raw == NULL)
		return;
	if (sieve_front_prepare(p->raw, strlen(p->raw), &front) < 0) {
		p->status = (int)front.status;
		if (sieve_front_msgs(&front, &p->msgs) < 0)
			_exit(EX_OSERR);
	} else {
		p->text = front.emit.script;
		front.emit.script = NULL;
	}
	sieve_front_free(&front);
	free(p->raw);
	p->raw = NULL;
}

/* Whether the parent's first request is already waiting: then the child
 * is late, and a warm-up would only delay the answer. */
static bool request_waiting(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) != 0;
}

/* The child of sieve_worker_start_early: it never outlives its parent,
 * reads nothing of deliver's stdin and writes nothing to its stdout. */
static void __attribute__((noreturn)) early_child(int fd, pid_t parent,
    struct prepared *scripts, size_t n, const struct config *cfg)
{
	rlim_t cpu = cfg->sieve_cpu_limit ? cfg->sieve_cpu_limit : 1;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	const char *hook = getenv("DELIVER_TEST_HOOK");
	bool linger = hook && strcmp(hook, "sieve-linger") == 0;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(EX_OSERR);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(null, STDOUT_FILENO) < 0)
		_exit(EX_OSERR);
	default_signals();
	limit(RLIMIT_CORE, 0, 0);
	/* the soft limit (SIGXCPU, a clear reason) covers the preparation;
	 * serve_one moves it on by a whole budget for each evaluation,
	 * within a hard limit with room for the preparation and every
	 * script */
	limit(RLIMIT_CPU, cpu, (rlim_t)(n + 1) * (cpu + 1) + 1);
	memory_limit(cfg);
	prep = scripts;
	nprep = n;
	for (size_t i = 0; i < n; i++)
		read_prepared(&scripts[i]);
	/* nothing but the socket is open while untrusted text is parsed */
	if (dup2(fd, 3) < 0)
		_exit(EX_OSERR);
	closefrom(4);
	for (size_t i = 0; i < n; i++)
		prepare(&scripts[i]);
	for (size_t i = 0; i < n && !request_waiting(3); i++)
		warm_up(&scripts[i]);
	while (serve_one(3, cfg, false) == 0)
		;
	/* the last answer is out, or the parent is done with us (EOF) */
	let_go_of_stdio();
	if (linger)   /* tests: a child slow to go must not hold anyone up */
		sleep(10);
	_exit(0);
}

/* ---- the parent ------------------------------------------------------------ */

static int start(const struct config *cfg, char *why, size_t whylen)
{
	int sv[2];
	pid_t pid;

	fflush(NULL);   /* the child's exit() must not repeat our output */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    (pid = fork()) < 0) {
		snprintf(why, whylen, "cannot start evaluation: %s",
		    strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		worker(sv[1], cfg);
	}
	close(sv[1]);
	pool.pid = pid;
	pool.fd = sv[0];
	workers_started++;
	return 0;
}

/* The child is done: killed first when it overran; its exit status
 * becomes the reason unless one is given. */
static void stop(struct child *c, bool kill_it, const char *reason,
    char *why, size_t whylen)
{
	int status = 0;
	pid_t r;

	if (c->pid < 0)
		return;
	close(c->fd);
	if (kill_it)
		kill(c->pid, SIGKILL);
	while ((r = waitpid(c->pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (why != NULL) {
		if (reason != NULL)
			snprintf(why, whylen, "%s", reason);
		else if (r < 0)
			snprintf(why, whylen, "waitpid: %s", strerror(errno));
		else
			sieve_describe_status(status, why, whylen);
	}
	c->pid = -1;
	c->fd = -1;
}

void sieve_worker_shutdown(void)
{
	stop(&pool, false, NULL, NULL, 0);
}

/* Move n bytes to or from the child before the deadline.  0 when done,
 * 1 at EOF (the child went away), -1 on timeout or error.  The transfer
 * is tried first and waited for only when the socket is not ready (one
 * system call instead of two when it is, as it mostly is). */
static int xfer(const struct child *c, bool out, char *p, size_t n,
    const struct timespec *deadline)
{
	struct pollfd pfd = { .fd = c->fd, .events = out ? POLLOUT : POLLIN };
	ssize_t r;

	while (n > 0) {
		r = out ? send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT) :
		    recv(c->fd, p, n, MSG_DONTWAIT);
		if (r < 0 && errno == EAGAIN) {
			if (sieve_wait_ready(&pfd, deadline) < 0)
				return -1;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && out && (errno == EPIPE || errno == ECONNRESET))
			return 1;
		if (r < 0)
			return -1;
		if (r == 0)
			return 1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static bool kind_ok(char kind, bool early_answer)
{
	return kind == 'K' || kind == 'X' ||
	    (early_answer && (kind == 'E' || kind == 'F'));
}

/* Send the request, run the overlap (if any) while the child works, read
 * the answer's header and body.  On failure the child is stopped and the
 * reason is in why. */
static int exchange(struct child *c, char *req, size_t reqlen,
    unsigned timeout, struct sieve_overlap *ov, char *hdr, char **body,
    size_t *blen, char *why, size_t whylen)
{
	struct timespec deadline;
	int rc;
	uint32_t n;
	const unsigned char *u = (const unsigned char *)hdr;
	void (*fn)(void *);

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout ? timeout : 1;
	rc = xfer(c, true, req, reqlen, &deadline);
	if (ov != NULL && (fn = ov->fn) != NULL) {
		ov->fn = NULL;
		fn(ov->ctx);
	}
	if (rc == 0)
		rc = xfer(c, false, hdr, 5, &deadline);
	if (rc == 0) {
		n = (uint32_t)u[1] << 24 | (uint32_t)u[2] << 16 |
		    (uint32_t)u[3] << 8 | u[4];
		if (!kind_ok(hdr[0], c == &early) || n > SIEVE_WIRE_MAX + 4) {
			stop(c, true, "evaluation timed out or sent too much",
			    why, whylen);
			return -1;
		}
		if ((*body = malloc(n ? n : 1)) == NULL) {
			stop(c, true, "out of memory", why, whylen);
			return -1;
		}
		*blen = n;
		if ((rc = xfer(c, false, *body, n, &deadline)) == 0)
			return 0;
		free(*body);
		*body = NULL;
	}
	if (rc > 0)
		stop(c, false, NULL, why, whylen);   /* it died: say how */
	else
		stop(c, true, "evaluation timed out or sent too much", why,
		    whylen);
	return -1;
}

int sieve_worker_eval(const char *text, const struct sieve_env *env,
    const struct config *cfg, struct sieve_result *res, char *why,
    size_t whylen)
{
	char *req, *body = NULL, hdr[5];
	size_t reqlen, blen = 0;
	const char *bad;

	memset(res, 0, sizeof *res);
	if (sieve_worker_encode(text, env, &req, &reqlen) < 0) {
		snprintf(why, whylen, "cannot pass the message to the "
		    "evaluation: %s", strerror(errno));
		return -1;
	}
	/* a worker that died while idle (killed from outside) is no fault of
	 * this message: reap it and start afresh */
	if (pool.pid >= 0 && waitpid(pool.pid, NULL, WNOHANG) == pool.pid) {
		close(pool.fd);
		pool.pid = -1;
		pool.fd = -1;
	}
	if (pool.pid < 0 && start(cfg, why, whylen) < 0) {
		free(req);
		return -1;
	}
	if (exchange(&pool, req, reqlen, cfg->sieve_timeout, NULL, hdr, &body,
	    &blen, why, whylen) < 0) {
		free(req);
		return -1;
	}
	free(req);
	if (sieve_wire_decode(body, blen, res, &bad) < 0) {
		free(body);
		stop(&pool, true, NULL, NULL, 0);
		snprintf(why, whylen, "evaluation sent garbage (%s)", bad);
		return -1;
	}
	free(body);
	if (hdr[0] == 'X')
		stop(&pool, false, NULL, NULL, 0);
	return 0;
}

/* ---- the early child, the parent's side ------------------------------------ */

static pid_t early_done = -1;   /* finished, not yet reaped */

int sieve_worker_start_early(const char *const *paths, const int *fds,
    size_t n, const struct config *cfg, char *why, size_t whylen)
{
	struct prepared *scripts = calloc(n, sizeof *scripts);
	pid_t parent = getpid(), pid;
	int sv[2];

	if (scripts == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		scripts[i].path = paths[i];
		scripts[i].fd = fds[i];
	}
	fflush(NULL);   /* the child's exit() must not repeat our output */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    (pid = fork()) < 0) {
		snprintf(why, whylen, "cannot start evaluation: %s",
		    strerror(errno));
		free(scripts);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		early_child(sv[1], parent, scripts, n, cfg);
	}
	free(scripts);
	close(sv[1]);
	early.pid = pid;
	early.fd = sv[0];
	return 0;
}

bool sieve_worker_early(void)
{
	return early.pid >= 0;
}

/* The child answered for the last time and exits on its own: no wait
 * here (its exit runs on the other core); reaped later if it is gone by
 * then, else by init once this process exits. */
static void early_release(void)
{
	close(early.fd);
	early_done = early.pid;
	early.pid = -1;
	early.fd = -1;
}

/* The body of an 'E' or 'F' answer. */
static int early_unrun(char kind, const char *body, size_t blen,
    struct sieve_early_answer *ans, const char **bad)
{
	const unsigned char *u = (const unsigned char *)body;
	uint32_t v;

	if (blen < 4 || (kind == 'E' && blen != 4)) {
		*bad = "short answer";
		return -1;
	}
	v = (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 |
	    (uint32_t)u[2] << 8 | u[3];
	if (kind == 'E') {
		ans->kind = SIEVE_EARLY_UNREADABLE;
		ans->error = v > 0 && v < 4096 ? (int)v : EIO;
		return 0;
	}
	if (v != SIEVE_FRONT_UNSUPPORTED && v != SIEVE_FRONT_REFUSED &&
	    v != SIEVE_FRONT_INVALID) {
		*bad = "unknown front end status";
		return -1;
	}
	ans->kind = SIEVE_EARLY_REFUSED;
	ans->status = (int)v;
	return sieve_wire_decode(body + 4, blen - 4, &ans->res, bad);
}

int sieve_worker_ask_early(const char *path, const struct sieve_env *env,
    const struct config *cfg, bool last, struct sieve_overlap *ov,
    struct sieve_early_answer *ans, char *why, size_t whylen)
{
	char *req, *body = NULL, hdr[5];
	size_t reqlen, blen = 0;
	const char *bad = NULL;
	int rc;

	memset(ans, 0, sizeof *ans);
	if (early.pid < 0) {
		snprintf(why, whylen, "no evaluation running");
		return -1;
	}
	if (sieve_request_encode(path, env, FLAG_PREPARED | (last ? FLAG_LAST : 0), &req,
	    &reqlen) < 0) {
		snprintf(why, whylen, "cannot pass the message to the "
		    "evaluation: %s", strerror(errno));
		return -1;
	}
	rc = exchange(&early, req, reqlen, cfg->sieve_timeout, ov, hdr, &body,
	    &blen, why, whylen);
	free(req);
	if (rc < 0)
		return -1;
	if (hdr[0] == 'E' || hdr[0] == 'F')
		rc = early_unrun(hdr[0], body, blen, ans, &bad);
	else {
		ans->kind = SIEVE_EARLY_RESULT;
		rc = sieve_wire_decode(body, blen, &ans->res, &bad);
	}
	free(body);
	if (rc < 0) {
		stop(&early, true, NULL, NULL, 0);
		snprintf(why, whylen, "evaluation sent garbage (%s)", bad);
		return -1;
	}
	if (hdr[0] == 'X' || last)
		early_release();
	return 0;
}

void sieve_worker_end_early(void)
{
	pid_t r;

	if (early.pid >= 0) {
		/* never asked, or not for its last script: nothing it does
		 * is wanted any more */
		kill(early.pid, SIGKILL);
		early_release();
	}
	if (early_done >= 0 && ((r = waitpid(early_done, NULL, WNOHANG)) ==
	    early_done || (r < 0 && errno != EINTR)))
		early_done = -1;
}
