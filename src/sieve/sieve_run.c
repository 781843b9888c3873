/* sieve_run.c: script selection, isolation and sequencing (see
 * sieve_run.h). */
#include "sieve_run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "ext_imap4flags.h"
#include "log.h"
#include "sieve_front.h"
#include "sieve_include.h"
#include "sieve_parse.h"
#include "sieve_rt.h"
#include "sieve_seq.h"
#include "sieve_userlog.h"
#include "sieve_wire.h"
#include "sieve_worker.h"

/* ---- script files ------------------------------------------------------ */

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

char *sieve_user_script(const char *opt, const struct config *cfg,
    const char *home)
{
	char *path;

	if (opt != NULL && *opt)
		return strdup(opt);
	if (cfg->sieve != NULL && *cfg->sieve)
		return sieve_seq_expand(cfg->sieve, home);
	if (home == NULL)
		return NULL;
	if ((path = sieve_seq_expand("~/.dovecot.sieve", home)) != NULL &&
	    exists(path))
		return path;
	free(path);
	return sieve_seq_expand("~/.sieve", home);
}

/* <script>.err: the errors for the user, or gone when there are none. */
static void update_err_file(const char *script, const struct sieve_msgs *e)
{
	char path[4096];
	FILE *fp;
	int fd;

	if ((size_t)snprintf(path, sizeof path, "%s.err", script) >=
	    sizeof path)
		return;
	if (e == NULL) {
		if (unlink(path) < 0 && errno != ENOENT)
			log_line(LOG_WARNING, "sieve: cannot remove %s: %s",
			    path, strerror(errno));
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0 || (fp = fdopen(fd, "w")) == NULL) {
		log_line(LOG_WARNING, "sieve: cannot write %s: %s", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	for (size_t i = 0; i < e->count; i++)
		fprintf(fp, "%s: %s\n", script, e->items[i]);
	if (fclose(fp) != 0)
		log_line(LOG_WARNING, "sieve: cannot write %s", path);
}

/* ---- the child ---------------------------------------------------------- */

static void limit(int resource, rlim_t soft, rlim_t hard)
{
	struct rlimit rl = { soft, hard };

	setrlimit(resource, &rl);
}

/* In the child: limits, then evaluate, then the result down the pipe. */
static void __attribute__((noreturn)) child(int fd, const char *text,
    const struct sieve_env *env, const struct config *cfg)
{
	struct sieve_result res;
	char *buf;
	size_t len, off = 0;
	ssize_t n;
	rlim_t cpu;

	if (dup2(fd, 3) < 0)
		_exit(EX_OSERR);
	closefrom(4);
	/* no RLIMIT_FSIZE: it would also hit a stderr redirected into a
	 * file, killing the child on its first diagnostic (SIGXFSZ) */
	limit(RLIMIT_CORE, 0, 0);
	/* the soft limit sends SIGXCPU (a clear reason), the hard one kills */
	cpu = cfg->sieve_cpu_limit ? cfg->sieve_cpu_limit : 1;
	limit(RLIMIT_CPU, cpu, cpu + 1);
#if !defined(__SANITIZE_ADDRESS__)
	/* ASan reserves terabytes of address space up front */
	if (cfg->sieve_memory_limit)
		limit(RLIMIT_AS, (rlim_t)cfg->sieve_memory_limit,
		    (rlim_t)cfg->sieve_memory_limit);
#endif
	if ((env ? sieve_eval(text, env, &res) : sieve_check(text, &res)) < 0)
		_exit(EX_OSERR);
	if (sieve_wire_encode(&res, &buf, &len) < 0)
		_exit(EX_OSERR);
	while (off < len && (n = write(3, buf + off, len - off)) > 0)
		off += (size_t)n;
	_exit(off == len ? 0 : EX_IOERR);
}

/* Read everything the child writes, up to SIEVE_WIRE_MAX + 1 bytes or the
 * deadline.  Returns the length, or -1 on timeout / error. */
static ssize_t read_result(int fd, char *buf, unsigned timeout)
{
	struct timespec deadline;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t len = 0;
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout ? timeout : 1;
	for (;;) {
		if (sieve_wait_ready(&pfd, &deadline) < 0)
			return -1;
		n = read(fd, buf + len, SIEVE_WIRE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : (ssize_t)len;
		len += (size_t)n;
		if (len > SIEVE_WIRE_MAX)
			return (ssize_t)len;
	}
}

/* Collect the child; kill it first when it overran.  -1 unless it
 * exited 0. */
static int reap(pid_t pid, bool kill_it, char *why, size_t whylen)
{
	int status;

	if (kill_it)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, whylen, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (kill_it) {
		snprintf(why, whylen, "evaluation timed out or sent too much");
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	sieve_describe_status(status, why, whylen);
	return -1;
}

static void overlap_run(struct sieve_overlap *ov)
{
	void (*fn)(void *) = ov ? ov->fn : NULL;

	if (fn) {
		ov->fn = NULL;
		fn(ov->ctx);
	}
}

static int eval_isolated(const char *text, const struct sieve_env *env,
    const struct config *cfg, struct sieve_overlap *ov,
    struct sieve_result *res, char *why, size_t whylen)
{
	int fds[2];
	pid_t pid;
	char *buf;
	ssize_t len;
	const char *bad;

	memset(res, 0, sizeof *res);
	if ((buf = malloc(SIEVE_WIRE_MAX + 1)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	/* a child that leaves through exit() (libsieve may call it) must
	 * not write this process's pending output a second time */
	fflush(NULL);
	if (pipe2(fds, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		snprintf(why, whylen, "cannot start evaluation: %s",
		    strerror(errno));
		free(buf);
		return -1;
	}
	if (pid == 0) {
		/* the child has no use for the result buffer; freeing it keeps
		 * valgrind from calling it lost when the child _exits */
		free(buf);
		close(fds[0]);
		child(fds[1], text, env, cfg);
	}
	close(fds[1]);
	overlap_run(ov);
	len = read_result(fds[0], buf, cfg->sieve_timeout);
	close(fds[0]);
	if (reap(pid, len < 0 || len > SIEVE_WIRE_MAX, why, whylen) < 0) {
		free(buf);
		return -1;
	}
	if (sieve_wire_decode(buf, (size_t)len, res, &bad) < 0) {
		snprintf(why, whylen, "evaluation sent garbage (%s)", bad);
		free(buf);
		return -1;
	}
	free(buf);
	return 0;
}

int sieve_eval_isolated(const char *text, const struct sieve_env *env,
    const struct config *cfg, struct sieve_result *res, char *why,
    size_t whylen)
{
	return eval_isolated(text, env, cfg, NULL, res, why, whylen);
}

/* ---- the sequence ------------------------------------------------------ */

static void log_msgs(int prio, const char *script, const char *what,
    const struct sieve_msgs *m)
{
	char a[1024], b[2048];

	for (size_t i = 0; i < m->count; i++)
		log_line(prio, "sieve: %s: %s%s", log_escape(script, a, sizeof a),
		    what, log_escape(m->items[i], b, sizeof b));
}

/* Move the actions of one script into the combined plan. */
static int take_actions(struct plan *to, struct plan *from)
{
	for (size_t i = 0; i < from->count; i++) {
		struct action *a = &from->actions[i];

		if (plan_add(to, a->type, NULL, NULL, NULL, NULL) < 0)
			return -1;
		to->actions[to->count - 1] = *a;
		memset(a, 0, sizeof *a);
	}
	return 0;
}

static bool has_explicit_keep(const struct plan *plan)
{
	for (size_t i = 0; i < plan->count; i++)
		if (plan->actions[i].type == ACTION_KEEP)
			return true;
	return false;
}

/* A script the front end refused: what a failed evaluation does (log,
 * trace, .err), without starting libsieve at all. */
static int refused(const struct sieve_job *job, const char *path,
    bool user_script, int status, const struct sieve_msgs *errors,
    struct sieve_plan *out)
{
	char shown[1024];

	log_escape(path, shown, sizeof shown);
	log_msgs(LOG_ERR, path, "error: ", errors);
	log_line(LOG_ERR, "sieve: %s: script %s; keeping the message", shown,
	    status == SIEVE_FRONT_UNSUPPORTED ? "needs an extension "
	    "deliver lacks" : status == SIEVE_FRONT_REFUSED ?
	    "cannot run in libsieve" : "failed");
	for (size_t i = 0; i < errors->count; i++)
		sieve_msgs_add(&out->trace, "error: %s", errors->items[i]);
	if (!job->dry_run && user_script) {
		update_err_file(path, errors);
		sieve_user_log_append(job->cfg, job->home, path, errors);
	}
	return 1;
}

/* ---- the early child ------------------------------------------ */

/* The scripts of this delivery, settled by sieve_early_start before the
 * message is read: before, the user's, after (NULL = none named), and
 * what opening each gave (0: opened and handed to the early child). */
static struct {
	bool active;
	char *paths[3];
	int error[3];
} early;

/* The script paths of a job, in Dovecot's order (malloced, NULL = none). */
static void script_paths(const struct sieve_job *job, char *paths[3])
{
	const struct config *cfg = job->cfg;

	paths[0] = *cfg->sieve_before ?
	    sieve_seq_expand(cfg->sieve_before, job->home) : NULL;
	paths[1] = sieve_user_script(job->script, cfg, job->home);
	paths[2] = *cfg->sieve_after ?
	    sieve_seq_expand(cfg->sieve_after, job->home) : NULL;
}

void sieve_early_start(const struct sieve_job *job)
{
	const char *names[3];
	int fds[3];
	size_t n = 0;
	char why[300];

	sieve_early_end();
	if (sieve_worker_in_use())   /* a redelivery has its worker */
		return;
	if (job->cfg->sieve_engine == SIEVE_ENGINE_NATIVE)
		return;              /* evaluated in process: no child */
	script_paths(job, early.paths);
	for (size_t i = 0; i < 3; i++) {
		if (early.paths[i] == NULL)
			continue;
		/* as sieve_read_script opens it: a FIFO does not block */
		fds[n] = open(early.paths[i], O_RDONLY | O_CLOEXEC |
		    O_NONBLOCK);
		early.error[i] = fds[n] < 0 ? errno : 0;
		if (fds[n] >= 0)
			names[n++] = early.paths[i];
	}
	early.active = true;
	/* no script, no child; a child that cannot start leaves each
	 * script to run_here, which tries again and says why it failed */
	if (n > 0)
		(void)sieve_worker_start_early(names, fds, n, job->cfg, why,
		    sizeof why);
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
}

void sieve_early_end(void)
{
	sieve_worker_end_early();
	for (size_t i = 0; i < 3; i++) {
		free(early.paths[i]);
		early.paths[i] = NULL;
		early.error[i] = 0;
	}
	early.active = false;
}

/* Whether a script after seq[i] may still go to the early child. */
static bool early_more_after(size_t i)
{
	for (size_t j = i + 1; j < 3; j++)
		if (early.paths[j] != NULL && early.error[j] == 0)
			return true;
	return false;
}

/* ---- the native engine ------------------------------------------------ */

void sieve_native_limits_of(const struct config *cfg,
    struct sieve_native_limits *l)
{
	memset(l, 0, sizeof *l);
	l->max_actions = cfg->sieve_max_actions;
	l->max_redirects = cfg->sieve_max_redirects;
	l->max_script_size = (size_t)cfg->sieve_max_script_size;
	l->max_cpu_time = cfg->sieve_max_cpu_time;
	l->max_scope_size = cfg->sieve_variables_max_scope_size;
	l->max_variable_size = cfg->sieve_variables_max_variable_size;
	l->regex_match_limit = cfg->sieve_regex_match_limit;
	l->max_steps = cfg->sieve_max_steps;
	l->max_memory = (size_t)cfg->sieve_max_memory;
}

/* A script the native engine cannot take before evaluating it (too long,
 * does not parse): refused as the front end refuses for libsieve. */
static int native_refused(struct sieve_early_answer *ans, const char *fmt,
    const char *detail)
{
	ans->kind = SIEVE_EARLY_REFUSED;
	ans->status = (int)SIEVE_FRONT_INVALID;
	return sieve_msgs_add(&ans->res.errors, fmt, detail) < 0 ? -2 : 0;
}

/* Read the script at path for a run: 1 with the text; 0 with *ans saying
 * it cannot be read, or refusing it as invalid when it holds a NUL byte
 * (a broken script, reported with its position like a syntax error); -2
 * when memory runs out. */
static int read_for_run(const char *path, char **text,
    struct sieve_early_answer *ans)
{
	unsigned line, col;
	int found = sieve_read_script(path, text);

	if (found > 0)
		return 1;
	if (found < 0 && errno == EILSEQ) {
		sieve_read_nul_pos(&line, &col);
		ans->kind = SIEVE_EARLY_REFUSED;
		ans->status = (int)SIEVE_FRONT_INVALID;
		return sieve_msgs_add(&ans->res.errors, "line %u, column %u: "
		    "the script holds a NUL byte", line, col) < 0 ? -2 : 0;
	}
	ans->kind = SIEVE_EARLY_UNREADABLE;
	ans->error = found < 0 ? errno : ENOENT;
	return 0;
}

/* Read, parse and evaluate in this process: no child, no fork (the
 * interpreter is bounded by its own limits, sieve_rt.h).  0 with *ans
 * filled, -2 when memory runs out. */
static int run_native(const struct sieve_job *job, const char *path,
    struct sieve_early_answer *ans)
{
	struct sieve_native_limits lim;
	struct sieve_script *script = NULL;
	/* on the stack, not malloc()ed: only its counts are written unless
	 * the script has errors (a malloc of 10 KiB touches 3 pages) */
	struct sieve_parse_diags diags_buf, *diags = &diags_buf;
	char *text = NULL, line[700];
	int found, rc;
	size_t len;

	memset(ans, 0, sizeof *ans);
	if ((found = read_for_run(path, &text, ans)) <= 0)
		return found;
	sieve_native_limits_of(job->cfg, &lim);
	len = strlen(text);
	if (lim.max_script_size != 0 && len > lim.max_script_size) {
		free(text);
		(void)snprintf(line, sizeof line, "%zu bytes, more than "
		    "sieve_max_script_size (%zu)", len, lim.max_script_size);
		return native_refused(ans, "script too long: %s", line);
	}
	rc = sieve_parse_all(text, len, &script, diags);
	free(text);
	for (size_t i = 0; rc < 0 && i < diags->ndiags; i++) {
		(void)sieve_diag_format(&diags->diags[i], line, sizeof line);
		if (native_refused(ans, "%s", line) < 0)
			return -2;
	}
	if (rc < 0)
		return 0;
	ans->kind = SIEVE_EARLY_RESULT;
	sieve_include_configure(job->cfg, job->home, path);
	rc = sieve_native_eval(script, &job->env, &lim, &ans->res);
	sieve_script_free(script);
	return rc < 0 ? -2 : 0;
}

/* ---- one script ---------------------------------------------------------- */

/* Read, front end and evaluation in this process and a child forked for
 * the evaluation (or the redelivery's worker).  0 with *ans filled, -1
 * when the evaluation died (why), -2 when memory runs out. */
static int run_here(const struct sieve_job *job, const char *path,
    struct sieve_early_answer *ans, char *why, size_t whylen)
{
	struct sieve_front front;
	char *text = NULL;
	int found, rc;

	if (job->cfg->sieve_engine == SIEVE_ENGINE_NATIVE)
		return run_native(job, path, ans);
	memset(ans, 0, sizeof *ans);
	if ((found = read_for_run(path, &text, ans)) <= 0)
		return found;
	/* libsieve gets the front end's canonical text, never the
	 * user's; what the front end refuses never reaches libsieve */
	if (sieve_front_prepare(text, strlen(text), &front) < 0) {
		free(text);
		ans->kind = SIEVE_EARLY_REFUSED;
		ans->status = (int)front.status;
		rc = sieve_front_msgs(&front, &ans->res.errors);
		sieve_front_free(&front);
		return rc < 0 ? -2 : 0;
	}
	free(text);
	text = front.emit.script;
	front.emit.script = NULL;
	sieve_front_free(&front);
	ans->kind = SIEVE_EARLY_RESULT;
	/* redelivery: one long-lived child instead of a fork per script */
	rc = sieve_worker_in_use() ? sieve_worker_eval(text, &job->env,
	    job->cfg, &ans->res, why, whylen) : eval_isolated(text, &job->env,
	    job->cfg, job->overlap, &ans->res, why, whylen);
	free(text);
	return rc;
}

/* seq[i] through the early child when it has it, else run_here. */
static int get_answer(const struct sieve_job *job, size_t i,
    const char *path, struct sieve_early_answer *ans, char *why,
    size_t whylen)
{
	if (!early.active)
		return run_here(job, path, ans, why, whylen);
	if (early.error[i] != 0) {   /* its open failed before the fork */
		memset(ans, 0, sizeof *ans);
		ans->kind = SIEVE_EARLY_UNREADABLE;
		ans->error = early.error[i];
		return 0;
	}
	if (!sieve_worker_early())   /* never started, or stopped */
		return run_here(job, path, ans, why, whylen);
	return sieve_worker_ask_early(path, &job->env, job->cfg,
	    !early_more_after(i), job->overlap, ans, why, whylen);
}

/* Run seq[i]; returns whether the keep is still in effect afterwards
 * (true for every failure), or -1 when memory runs out. */
/* imap4flags across a sequence of scripts: a script that did not use it
 * files its keeps and fileintos with the flags an earlier script left
 * (Pigeonhole's internal variable lives as long as the result); one that
 * used it leaves its own for the scripts after it and the implicit
 * keep. */
static int carry_flags(struct sieve_result *res, char **carried)
{
	if (res->flags != NULL) {
		free(*carried);
		*carried = res->flags;
		res->flags = NULL;
		return 0;
	}
	for (size_t k = 0; *carried != NULL && k < res->plan.count; k++) {
		struct action *a = &res->plan.actions[k];

		if ((a->type == ACTION_KEEP || a->type == ACTION_FILEINTO) &&
		    a->flags == NULL && a->keywords == NULL &&
		    sieve_imap4flags_apply(*carried, a) < 0)
			return -1;
	}
	return 0;
}

/* editheader across a sequence: the edits a script made are the start
 * of the next one's message and the implicit keep's, as Pigeonhole
 * edits one message for the whole sequence. */
static void carry_edits(struct sieve_result *res, char **edits)
{
	if (res->edits == NULL)
		return;
	free(*edits);
	*edits = res->edits;
	res->edits = NULL;
}

static int run_script(const struct sieve_job *job, size_t i,
    const char *path, struct sieve_plan *out, bool *implicit, char **carried,
    char **edits)
{
	struct sieve_early_answer ans;
	struct sieve_result *res = &ans.res;
	bool user_script = i == 1;
	char why[300], shown[1024];
	int rc, keep;

	log_escape(path, shown, sizeof shown);
	*implicit = true;
	if ((rc = get_answer(job, i, path, &ans, why, sizeof why)) == -2)
		return -1;
	if (rc == 0 && ans.kind == SIEVE_EARLY_UNREADABLE) {
		if (ans.error == EILSEQ)   /* read by the libsieve child */
			log_line(LOG_ERR, "sieve: %s: the script holds a NUL "
			    "byte; keeping the message", shown);
		else if (ans.error != ENOENT)
			log_line(LOG_ERR, "sieve: %s: cannot read: %s; keeping "
			    "the message", shown, strerror(ans.error));
		return 1;
	}
	out->scripted = true;
	if (job->env.trace)
		sieve_msgs_add(&out->trace, "script %s", path);
	if (rc < 0) {
		log_line(LOG_ERR, "sieve: %s: %s; keeping the message", shown,
		    why);
		sieve_msgs_add(&out->trace, "%s: %s", path, why);
		return 1;
	}
	if (ans.kind == SIEVE_EARLY_REFUSED) {
		keep = refused(job, path, user_script, ans.status,
		    &res->errors, out);
		sieve_result_free(res);
		return keep;
	}
	for (size_t k = 0; k < res->trace.count; k++)
		sieve_msgs_add(&out->trace, "%s", res->trace.items[k]);
	log_msgs(LOG_NOTICE, path, "", &res->notes);
	if (res->failed) {
		log_msgs(LOG_ERR, path, "error: ", &res->errors);
		log_line(LOG_ERR, "sieve: %s: script failed; keeping the "
		    "message", shown);
		for (size_t k = 0; k < res->errors.count; k++)
			sieve_msgs_add(&out->trace, "error: %s",
			    res->errors.items[k]);
		if (!job->dry_run && user_script) {
			update_err_file(path, &res->errors);
			sieve_user_log_append(job->cfg, job->home, path,
			    &res->errors);
		}
		sieve_result_free(res);
		return 1;
	}
	if (!job->dry_run && user_script)
		update_err_file(path, NULL);
	/* errors the script went on after (a :regex key that did not
	 * compile), logged as Pigeonhole logs them */
	log_msgs(LOG_ERR, path, "error: ", &res->errors);
	*implicit = res->keep;
	keep = res->keep || has_explicit_keep(&res->plan);
	carry_edits(res, edits);
	for (size_t k = 0; k < res->marks.count; k++)
		(void)sieve_msgs_add(&out->marks, "%s", res->marks.items[k]);
	if (carry_flags(res, carried) < 0 ||
	    take_actions(&out->plan, &res->plan) < 0)
		keep = -1;
	sieve_result_free(res);
	return keep;
}

/* The native engine evaluates in this process, so a crash while it
 * evaluates would recur on every retry of the message: the guard remembers
 * the attempt in tmp/ (sieve_guard.h).  True when an earlier attempt died
 * there: the scripts are skipped and the message is kept.  No guard for a
 * dry run (it files nothing), without a Maildir to hold the marker, or
 * when none of the scripts is there: most deliveries name ~/.sieve and
 * have none, and the marker cost them 7 system calls and a file created
 * and removed in tmp/ (a script that appears after the stat runs
 * unguarded, as when the marker cannot be written). */
static bool guard_says_skip(const struct sieve_job *job, char *const *seq,
    size_t n, struct sieve_plan *out)
{
	const struct sieve_env *env = &job->env;
	const char *hook = getenv("DELIVER_TEST_HOOK");
	struct stat sb;
	bool any = false;

	if (job->cfg->sieve_engine != SIEVE_ENGINE_NATIVE || job->dry_run ||
	    env->root == NULL || env->root->tmpfd < 0)
		return false;
	for (size_t i = 0; i < n && !any; i++)
		any = seq[i] != NULL && stat(seq[i], &sb) == 0;
	if (!any)
		return false;
	if (sieve_guard_enter(&out->guard, env->root->tmpfd, env->headers,
	    env->recipient) == 1) {
		log_line(LOG_WARNING, "sieve: an earlier attempt died while "
		    "evaluating the scripts for this message; keeping it "
		    "without running them");
		out->scripted = true;
		return true;
	}
	/* the test suite's stand-in for a crash inside the interpreter */
	if (hook != NULL && strcmp(hook, "sieve-crash") == 0 &&
	    out->guard.held)
		raise(SIGKILL);
	return false;
}

/* Whether the plan would let the message go: nothing files or
 * redirects it (Pigeonhole's "executed delivery"). */
static bool discards(const struct plan *plan)
{
	for (size_t i = 0; i < plan->count; i++)
		if (plan->actions[i].type == ACTION_KEEP ||
		    plan->actions[i].type == ACTION_FILEINTO ||
		    plan->actions[i].type == ACTION_REDIRECT)
			return false;
	return true;
}

/* sieve_discard: the admin's last word on a message the scripts would
 * discard (its implicit keep files it into INBOX). */
static int run_discard_script(struct sieve_job *each, struct sieve_plan *out,
    bool *implicit, char **carried, char **edits)
{
	char *path;
	int keep;

	if (*each->cfg->sieve_discard == '\0' || !discards(&out->plan))
		return 0;
	if ((path = sieve_seq_expand(each->cfg->sieve_discard,
	    each->home)) == NULL)
		return -1;
	if (*carried != NULL)
		each->env.flags = *carried;
	each->env.edits = *edits;
	keep = run_script(each, 0, path, out, implicit, carried, edits);
	free(path);
	return keep < 0 ? -1 : 0;
}

/* The native engine's sequence (sieve_seq.h): 1 while the keep is in
 * effect, 0 when the scripts took it, -1 when memory ran out. */
static int run_sequence(struct sieve_job *each, const struct sieve_seq *seq,
    struct sieve_plan *out, bool *implicit, char **carried, char **edits)
{
	int keep = 1;

	for (size_t i = 0; i < seq->n && keep > 0; i++) {
		if (*carried != NULL)
			each->env.flags = *carried;
		each->env.edits = *edits;
		/* index 1 marks the user's own script (its .err and log) */
		keep = run_script(each, i == seq->user ? 1 : 0, seq->paths[i],
		    out, implicit, carried, edits);
	}
	if (keep == 0 && out->scripted &&
	    run_discard_script(each, out, implicit, carried, edits) < 0)
		keep = -1;
	return keep;
}

int sieve_make_plan(const struct sieve_job *job, struct sieve_plan *out)
{
	struct sieve_seq seq = { .n = 0 };
	char *carried = NULL;     /* imap4flags' flags, script to script */
	char *edits = NULL;       /* editheader's edits, script to script */
	struct sieve_job each = *job;
	bool implicit = true;
	int keep = 1;

	memset(out, 0, sizeof *out);
	out->guard.tmpfd = -1;
	if (!early.active && sieve_seq_build(job->cfg, job->home,
	    job->script, &seq) < 0)
		return -1;
	if (early.active ? guard_says_skip(job, early.paths, 3, out) :
	    guard_says_skip(job, seq.paths, seq.n, out))
		keep = 0;   /* the implicit keep, below */
	else if (!early.active)
		keep = run_sequence(&each, &seq, out, &implicit, &carried,
		    &edits);
	for (size_t i = 0; early.active && i < 3 && keep > 0; i++)
		if (early.paths[i] != NULL) {
			if (carried != NULL)
				each.env.flags = carried;
			each.env.edits = edits;
			keep = run_script(&each, i, early.paths[i], out,
			    &implicit, &carried, &edits);
		}
	sieve_guard_leave(&out->guard);
	if (keep >= 0 && out->scripted && implicit &&
	    plan_add(&out->plan, ACTION_KEEP, NULL, NULL, NULL, NULL) < 0)
		keep = -1;
	/* the implicit keep files with the flags the scripts left */
	if (keep >= 0 && out->scripted && implicit && carried != NULL &&
	    sieve_imap4flags_apply(carried,
	    &out->plan.actions[out->plan.count - 1]) < 0)
		keep = -1;
	/* ... and with the header the scripts left */
	if (keep >= 0 && out->scripted && implicit && edits != NULL) {
		out->plan.actions[out->plan.count - 1].edits = edits;
		edits = NULL;
	}
	free(edits);
	free(carried);
	/* a child the sequence no longer needs is stopped now */
	if (early.active)
		sieve_worker_end_early();
	sieve_seq_free(&seq);
	return keep < 0 ? -1 : 0;
}

void sieve_plan_free(struct sieve_plan *sp)
{
	plan_free(&sp->plan);
	sieve_msgs_free(&sp->trace);
	sieve_msgs_free(&sp->marks);
}

void sieve_print_extensions(void)
{
	char *list = sieve_extensions();

	printf("sieve extensions (native, the default engine): %s\n",
	    sieve_ext_names());
	printf("sieve extensions (libsieve): %s\n", list ? list :
	    "(unknown)");
	free(list);
}
