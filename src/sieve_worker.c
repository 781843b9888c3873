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
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "io.h"
#include "sieve_run.h"
#include "sieve_wire.h"

/* A request holds at most a script, the kept headers with their framing
 * and the envelope strings. */
#define REQ_MAX ((size_t)SIEVE_SCRIPT_MAX + HEADER_INDEX_BYTES + \
    (size_t)HEADER_INDEX_COUNT * 16 + 4 * SIEVE_SCRIPT_MAX)
#define NO_STRING UINT32_MAX     /* a NULL string */
#define FLAG_TRACE     1u
#define FLAG_TRUNCATED 2u
#define HDR_LEADING 1u
#define HDR_ADDED   2u

static bool use_worker;
static pid_t worker_pid = -1;
static int worker_fd = -1;
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
	return worker_pid;
}

/* ---- the request --------------------------------------------------------- */

struct out {
	char *buf;
	size_t len, cap;
	bool nomem;
};

static void put(struct out *o, const void *p, size_t n)
{
	if (o->nomem)
		return;
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		char *nb;

		while (cap < o->len + n)
			cap *= 2;
		if ((nb = realloc(o->buf, cap)) == NULL) {
			o->nomem = true;
			return;
		}
		o->buf = nb;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static void put_u32(struct out *o, uint32_t v)
{
	unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };

	put(o, b, 4);
}

/* length, bytes, NUL (so the worker can point into the buffer) */
static void put_str(struct out *o, const char *s)
{
	size_t n;

	if (s == NULL) {
		put_u32(o, NO_STRING);
		return;
	}
	n = strlen(s);
	put_u32(o, (uint32_t)n);
	put(o, s, n + 1);
}

int sieve_worker_encode(const char *text, const struct sieve_env *env,
    char **buf, size_t *len)
{
	struct out o = { 0 };
	const struct header_index *h = env->headers;
	uint64_t size = env->size < 0 ? 0 : (uint64_t)env->size;
	size_t n = h ? h->count : 0;

	put_u32(&o, 0);   /* frame length, filled in below */
	put_u32(&o, (env->trace ? FLAG_TRACE : 0) |
	    (h && h->truncated ? FLAG_TRUNCATED : 0));
	put_u32(&o, (uint32_t)(size >> 32));
	put_u32(&o, (uint32_t)size);
	put_u32(&o, env->vacation_min_days);
	put_u32(&o, env->vacation_max_days);
	put_str(&o, text);
	put_str(&o, env->sender);
	put_str(&o, env->recipient);
	put_str(&o, env->delimiter);
	put_u32(&o, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		unsigned char f = (h->items[i].leading ? HDR_LEADING : 0) |
		    (h->items[i].added ? HDR_ADDED : 0);

		put(&o, &f, 1);
		put_str(&o, h->items[i].name);
		put_str(&o, h->items[i].value);
	}
	if (o.nomem || o.len - 4 > REQ_MAX) {
		free(o.buf);
		errno = o.nomem ? ENOMEM : EFBIG;
		return -1;
	}
	o.buf[0] = (char)((o.len - 4) >> 24);
	o.buf[1] = (char)((o.len - 4) >> 16);
	o.buf[2] = (char)((o.len - 4) >> 8);
	o.buf[3] = (char)(o.len - 4);
	*buf = o.buf;
	*len = o.len;
	return 0;
}

struct in {
	char *buf;
	size_t len, off;
	bool bad;
};

static uint32_t get_u32(struct in *in)
{
	const unsigned char *p = (const unsigned char *)in->buf + in->off;

	if (in->bad || in->len - in->off < 4) {
		in->bad = true;
		return 0;
	}
	in->off += 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static const char *get_str(struct in *in)
{
	uint32_t n = get_u32(in);
	const char *s;

	if (in->bad || n == NO_STRING)
		return NULL;
	if (in->len - in->off <= n || in->buf[in->off + n] != '\0') {
		in->bad = true;
		return NULL;
	}
	s = in->buf + in->off;
	in->off += (size_t)n + 1;
	return s;
}

/* buf is the frame without its length prefix. */
int sieve_worker_decode(char *buf, size_t len, const char **text,
    struct sieve_env *env, struct header_index *idx)
{
	struct in in = { buf, len, 0, false };
	uint32_t flags, n;
	uint64_t size;

	memset(env, 0, sizeof *env);
	memset(idx, 0, sizeof *idx);
	flags = get_u32(&in);
	size = (uint64_t)get_u32(&in) << 32;
	size |= get_u32(&in);
	env->vacation_min_days = get_u32(&in);
	env->vacation_max_days = get_u32(&in);
	*text = get_str(&in);
	env->sender = get_str(&in);
	env->recipient = get_str(&in);
	env->delimiter = get_str(&in);
	n = get_u32(&in);
	if (in.bad || *text == NULL || n > HEADER_INDEX_COUNT ||
	    size > INT64_MAX)
		return -1;
	env->size = (off_t)size;
	env->trace = flags & FLAG_TRACE;
	for (uint32_t i = 0; i < n && !in.bad; i++) {
		unsigned char f = 0;
		const char *name, *value;

		if (in.off < in.len)
			f = (unsigned char)in.buf[in.off++];
		else
			in.bad = true;
		name = get_str(&in);
		value = get_str(&in);
		if (in.bad || name == NULL || value == NULL)
			in.bad = true;
		else if (header_add(idx, name, strlen(name), value,
		    strlen(value)) < 0)
			in.bad = true;
		else if (idx->count == i + 1) {
			idx->items[i].leading = f & HDR_LEADING;
			idx->items[i].added = f & HDR_ADDED;
		} else
			in.bad = true;
	}
	if (in.bad || in.off != in.len) {
		header_index_free(idx);
		return -1;
	}
	idx->truncated = flags & FLAG_TRUNCATED;
	env->headers = idx;
	return 0;
}

/* ---- the worker child ------------------------------------------------------ */

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

/* One request in, one answer out: 'K' (or 'X' when this worker stops
 * after it), the result's length, the result in the wire format. */
static int serve_one(int fd, const struct config *cfg, bool last)
{
	unsigned char hdr[5];
	char *req, *wire;
	const char *text;
	struct sieve_env env;
	struct header_index idx;
	struct sieve_result res;
	size_t len, wlen;
	uint32_t n;

	if (read_all(fd, (char *)hdr, 4) < 0)
		return -1;
	n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | hdr[3];
	if (n > REQ_MAX || (req = malloc(n ? n : 1)) == NULL)
		_exit(EX_SOFTWARE);
	if (read_all(fd, req, n) < 0)
		_exit(EX_IOERR);
	if (sieve_worker_decode(req, n, &text, &env, &idx) < 0)
		_exit(EX_SOFTWARE);
	if (!cpu_budget(cfg))
		_exit(EX_OSERR);
	if (sieve_eval(text, &env, &res) < 0)
		_exit(EX_OSERR);
	header_index_free(&idx);
	free(req);
	if (sieve_wire_encode(&res, &wire, &wlen) < 0)
		_exit(EX_OSERR);
	last = last || res.failed;
	sieve_result_free(&res);
	len = wlen;
	hdr[0] = last ? 'X' : 'K';
	hdr[1] = (unsigned char)(len >> 24);
	hdr[2] = (unsigned char)(len >> 16);
	hdr[3] = (unsigned char)(len >> 8);
	hdr[4] = (unsigned char)len;
	if (io_write_all(fd, hdr, 5) < 0 || io_write_all(fd, wire, wlen) < 0)
		_exit(EX_IOERR);
	free(wire);
	return last ? -1 : 0;
}

static void __attribute__((noreturn)) worker(int fd, const struct config *cfg)
{
	if (dup2(fd, 3) < 0)
		_exit(EX_OSERR);
	closefrom(4);
	/* a crash must end this process, whatever handler the host program
	 * (a test harness) installed: the parent reports the signal */
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	signal(SIGILL, SIG_DFL);
	signal(SIGFPE, SIG_DFL);
	signal(SIGABRT, SIG_DFL);
	limit(RLIMIT_CORE, 0, 0);
#if !defined(__SANITIZE_ADDRESS__)
	/* ASan reserves terabytes of address space up front */
	if (cfg->sieve_memory_limit)
		limit(RLIMIT_AS, (rlim_t)cfg->sieve_memory_limit,
		    (rlim_t)cfg->sieve_memory_limit);
#endif
	for (unsigned i = 1; serve_one(3, cfg, i >= SIEVE_WORKER_RECYCLE) == 0;
	    i++)
		;
	_exit(0);
}

/* ---- the parent ------------------------------------------------------------ */

static int start(const struct config *cfg, char *why, size_t whylen)
{
	int sv[2];
	pid_t pid;

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
	worker_pid = pid;
	worker_fd = sv[0];
	workers_started++;
	return 0;
}

/* The worker is done: killed first when it overran; its exit status
 * becomes the reason unless one is given. */
static void stop(bool kill_it, const char *reason, char *why, size_t whylen)
{
	int status = 0;
	pid_t r;

	if (worker_pid < 0)
		return;
	close(worker_fd);
	if (kill_it)
		kill(worker_pid, SIGKILL);
	while ((r = waitpid(worker_pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (why != NULL) {
		if (reason != NULL)
			snprintf(why, whylen, "%s", reason);
		else if (r < 0)
			snprintf(why, whylen, "waitpid: %s", strerror(errno));
		else
			sieve_describe_status(status, why, whylen);
	}
	worker_pid = -1;
	worker_fd = -1;
}

void sieve_worker_shutdown(void)
{
	stop(false, NULL, NULL, 0);
}

/* Move n bytes to or from the worker before the deadline.  0 when done,
 * 1 at EOF (the worker went away), -1 on timeout or error. */
static int xfer(bool out, char *p, size_t n, const struct timespec *deadline)
{
	struct pollfd pfd = { .fd = worker_fd, .events = out ? POLLOUT :
	    POLLIN };
	ssize_t r;

	while (n > 0) {
		if (sieve_wait_ready(&pfd, deadline) < 0)
			return -1;
		r = out ? send(worker_fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT) :
		    recv(worker_fd, p, n, MSG_DONTWAIT);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
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

/* Send the request and read the answer's header and body. */
static int exchange(char *req, size_t reqlen, unsigned timeout, char *hdr,
    char **body, size_t *blen, char *why, size_t whylen)
{
	struct timespec deadline;
	int rc;
	uint32_t n;
	const unsigned char *u = (const unsigned char *)hdr;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout ? timeout : 1;
	if ((rc = xfer(true, req, reqlen, &deadline)) == 0)
		rc = xfer(false, hdr, 5, &deadline);
	if (rc == 0) {
		n = (uint32_t)u[1] << 24 | (uint32_t)u[2] << 16 |
		    (uint32_t)u[3] << 8 | u[4];
		if ((hdr[0] != 'K' && hdr[0] != 'X') || n > SIEVE_WIRE_MAX) {
			stop(true, "evaluation timed out or sent too much",
			    why, whylen);
			return -1;
		}
		if ((*body = malloc(n ? n : 1)) == NULL) {
			stop(true, "out of memory", why, whylen);
			return -1;
		}
		*blen = n;
		if ((rc = xfer(false, *body, n, &deadline)) == 0)
			return 0;
		free(*body);
		*body = NULL;
	}
	if (rc > 0)
		stop(false, NULL, why, whylen);   /* it died: say how */
	else
		stop(true, "evaluation timed out or sent too much", why,
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
	if (worker_pid >= 0 && waitpid(worker_pid, NULL, WNOHANG) ==
	    worker_pid) {
		close(worker_fd);
		worker_pid = -1;
		worker_fd = -1;
	}
	if (worker_pid < 0 && start(cfg, why, whylen) < 0) {
		free(req);
		return -1;
	}
	if (exchange(req, reqlen, cfg->sieve_timeout, hdr, &body, &blen, why,
	    whylen) < 0) {
		free(req);
		return -1;
	}
	free(req);
	if (sieve_wire_decode(body, blen, res, &bad) < 0) {
		free(body);
		stop(true, NULL, NULL, 0);
		snprintf(why, whylen, "evaluation sent garbage (%s)", bad);
		return -1;
	}
	free(body);
	if (hdr[0] == 'X')
		stop(false, NULL, NULL, 0);
	return 0;
}
