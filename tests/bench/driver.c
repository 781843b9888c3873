/* driver.c: time deliveries, one process each, the way an MTA runs an MDA.
 *
 *     driver [-n N] [-r R] [-j P] PLAN
 *
 * PLAN has one configuration a line (blank lines and '#' lines ignored):
 *
 *     NAME MESSAGE [VAR=VALUE]... PROGRAM [ARG]...
 *
 * (whitespace-separated; no quoting).  For each of R rounds, every
 * configuration in turn runs N deliveries: PROGRAM is started with
 * posix_spawn, stdin opened on MESSAGE (if MESSAGE holds the token
 * @@ID@@, each delivery gets a copy in which it is replaced by a number
 * unique to this run, so that Message-IDs never repeat and deduplication
 * never kicks in), the VAR=VALUE pairs added to the
 * environment, stdout on /dev/null, and waited for with wait4.  Running the
 * configurations round-robin rather than one after the other spreads the
 * drift of a shared machine evenly over all of them.
 *
 * Why C and not the shell: a delivery costs a few milliseconds, about as
 * much as the shell's own fork+exec of `date` would add; here the clock
 * (CLOCK_MONOTONIC) is read right around posix_spawn + wait4, and wait4
 * hands back each child's peak RSS for free.
 *
 * Output, one line per configuration, tab-separated:
 *
 *     NAME  MEDIAN  MIN  MAX  MAXRSS_KIB  STATUS  CPU
 *
 * MEDIAN/MIN/MAX over the rounds of the mean wall time per delivery in
 * microseconds (only spawn to wait4 is timed), or with -j P (P writers at once, each running N deliveries
 * in a row) of deliveries per second.  STATUS is "ok", or "exit=C" /
 * "signal=S" for the first delivery that failed; a failed configuration is
 * not run again.  CPU is the median over the rounds of the mean user +
 * system time per delivery (from wait4) in microseconds: on a loaded
 * machine it moves less than the wall time. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_CONFIGS 64
#define MAX_ROUNDS 1000

struct config {
	char *name, *message;
	char **argv;     /* NULL-terminated */
	char **envp;     /* environ + the VAR=VALUE pairs */
	double result[MAX_ROUNDS];
	double cpu[MAX_ROUNDS];
	double cpu_round;   /* user + system seconds in this round */
	char *copy;         /* per-process copy of a template MESSAGE */
	int copy_fd;
	off_t id_at;        /* offset of @@ID@@ in it, -1 when none */
	long maxrss_kib;
	char status[32];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The environment with `pair` (VAR=VALUE) added or replacing VAR. */
static char **env_with(char **env, const char *pair)
{
	size_t keylen = strcspn(pair, "=") + 1, n = 0;
	char **out;

	while (env[n] != NULL)
		n++;
	out = calloc(n + 2, sizeof *out);
	if (out == NULL)
		return NULL;
	size_t j = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(env[i], pair, keylen) != 0)
			out[j++] = env[i];
	out[j++] = (char *)pair;
	out[j] = NULL;
	return out;
}

static int parse_line(char *line, struct config *c)
{
	char *save = NULL, *tok;
	size_t n = 0, cap = 16;

	c->name = strtok_r(line, " \t\n", &save);
	c->message = strtok_r(NULL, " \t\n", &save);
	if (c->name == NULL || c->message == NULL)
		return -1;
	c->envp = environ;
	c->argv = calloc(cap, sizeof *c->argv);
	if (c->argv == NULL)
		return -1;
	while ((tok = strtok_r(NULL, " \t\n", &save)) != NULL) {
		if (n == 0 && strchr(tok, '=') != NULL) {
			if ((c->envp = env_with(c->envp, tok)) == NULL)
				return -1;
			continue;
		}
		if (n + 1 == cap) {
			char **more = reallocarray(c->argv, cap * 2, sizeof *more);
			if (more == NULL)
				return -1;
			c->argv = more;
			cap *= 2;
		}
		c->argv[n++] = tok;
		c->argv[n] = NULL;
	}
	snprintf(c->status, sizeof c->status, "ok");
	return n == 0 ? -1 : 0;
}

static size_t read_plan(const char *path, struct config *cs)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0;

	if (fp == NULL) {
		perror(path);
		exit(2);
	}
	while (getline(&line, &cap, fp) > 0) {
		if (line[strspn(line, " \t\n")] == '\0' || line[0] == '#')
			continue;
		if (n == MAX_CONFIGS) {
			fputs("driver: too many configurations\n", stderr);
			exit(2);
		}
		if (parse_line(line, &cs[n]) < 0) {
			fprintf(stderr, "driver: %s: bad line\n", path);
			exit(2);
		}
		n++;
		line = NULL;  /* the tokens point into it */
		cap = 0;
	}
	fclose(fp);
	return n;
}

#define ID_TOKEN "@@ID@@"

/* Find ID_TOKEN in c->message; if it is there, later deliveries use a
 * private copy with a fresh number in its place. */
static void find_token(struct config *c)
{
	FILE *fp = fopen(c->message, "r");
	char buf[65536];
	size_t n;

	c->id_at = -1;
	if (fp == NULL)
		return;
	n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	char *p = memmem(buf, n, ID_TOKEN, strlen(ID_TOKEN));
	if (p != NULL)
		c->id_at = p - buf;
}

/* Point c->copy at a private copy of the template for this process. */
static int make_copy(struct config *c)
{
	char buf[65536];
	ssize_t n;
	size_t len = strlen(c->message) + 32;

	if (c->id_at < 0)
		return 0;
	if ((c->copy = malloc(len)) == NULL)
		return -1;
	snprintf(c->copy, len, "%s.%d", c->message, (int)getpid());
	int in = open(c->message, O_RDONLY);
	c->copy_fd = open(c->copy, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (in < 0 || c->copy_fd < 0)
		return -1;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(c->copy_fd, buf, (size_t)n) != n)
			return -1;
	close(in);
	return n < 0 ? -1 : 0;
}

/* A fresh 6-character id in the copy: pid and a counter, base 36. */
static const char *next_message(struct config *c)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	static unsigned long counter;
	char id[6];

	if (c->id_at < 0)
		return c->message;
	unsigned long v = ((unsigned long)getpid() % 1296) * 1679616UL +
	    counter++ % 1679616UL;
	for (int i = 5; i >= 0; i--, v /= 36)
		id[i] = digits[v % 36];
	if (pwrite(c->copy_fd, id, sizeof id, c->id_at) != (ssize_t)sizeof id)
		return NULL;
	return c->copy;
}

/* One delivery; 0, or -1 with c->status set. */
static int run_one(struct config *c, double *elapsed)
{
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	pid_t pid;
	int st, rc;
	const char *message = next_message(c);

	if (message == NULL) {
		snprintf(c->status, sizeof c->status, "template");
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, message, O_RDONLY, 0);
	double t0 = now();
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, c->argv[0], &fa, NULL, c->argv, c->envp);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		snprintf(c->status, sizeof c->status, "spawn=%d", rc);
		return -1;
	}
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR) {
			snprintf(c->status, sizeof c->status, "wait=%d", errno);
			return -1;
		}
	*elapsed += now() - t0;
	c->cpu_round += (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	if (ru.ru_maxrss > c->maxrss_kib)
		c->maxrss_kib = ru.ru_maxrss;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st))
		snprintf(c->status, sizeof c->status, "exit=%d", WEXITSTATUS(st));
	else
		snprintf(c->status, sizeof c->status, "signal=%d", WTERMSIG(st));
	return -1;
}

static double run_serial(struct config *c, unsigned n)
{
	double elapsed = 0;

	for (unsigned i = 0; i < n; i++)
		if (run_one(c, &elapsed) < 0)
			return -1;
	return elapsed / n * 1e6;
}

/* P writers at once, each n deliveries; deliveries per second, or -1.
 * A writer reports a failure through its exit status. */
static double run_parallel(struct config *c, unsigned n, unsigned p)
{
	double t0 = now();
	int failed = 0, st;

	for (unsigned w = 0; w < p; w++) {
		pid_t pid = fork();
		if (pid < 0)
			return -1;
		if (pid == 0) {
			int bad = make_copy(c) < 0 || run_serial(c, n) < 0;
			if (c->copy != NULL)
				unlink(c->copy);
			_exit(bad);
		}
	}
	for (unsigned w = 0; w < p; w++)
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed = 1;
	if (failed) {
		snprintf(c->status, sizeof c->status, "writer failed");
		return -1;
	}
	return (double)n * p / (now() - t0);
}

static unsigned number(const char *s, unsigned max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v == 0 || v > max) {
		fprintf(stderr, "driver: bad number \"%s\"\n", s);
		exit(2);
	}
	return (unsigned)v;
}

int main(int argc, char **argv)
{
	static struct config cs[MAX_CONFIGS];
	unsigned n = 20, rounds = 5, writers = 0;
	int opt;

	while ((opt = getopt(argc, argv, "n:r:j:")) != -1) {
		switch (opt) {
		case 'n': n = number(optarg, 10000000); break;
		case 'r': rounds = number(optarg, MAX_ROUNDS); break;
		case 'j': writers = number(optarg, 256); break;
		default:
			fputs("usage: driver [-n N] [-r R] [-j P] PLAN\n", stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fputs("usage: driver [-n N] [-r R] [-j P] PLAN\n", stderr);
		return 2;
	}
	size_t nc = read_plan(argv[optind], cs);
	for (size_t i = 0; i < nc; i++) {
		find_token(&cs[i]);
		if (writers == 0 && make_copy(&cs[i]) < 0) {
			perror(cs[i].message);
			return 2;
		}
	}
	for (unsigned r = 0; r < rounds; r++)
		for (size_t i = 0; i < nc; i++) {
			if (strcmp(cs[i].status, "ok") != 0)
				continue;
			cs[i].cpu_round = 0;
			cs[i].result[r] = writers > 0 ?
			    run_parallel(&cs[i], n, writers) : run_serial(&cs[i], n);
			cs[i].cpu[r] = cs[i].cpu_round / n * 1e6;
			if (cs[i].result[r] < 0 && strcmp(cs[i].status, "ok") == 0)
				snprintf(cs[i].status, sizeof cs[i].status, "failed");
		}
	for (size_t i = 0; i < nc; i++) {
		struct config *c = &cs[i];
		if (strcmp(c->status, "ok") != 0) {
			printf("%s\t-\t-\t-\t%ld\t%s\t-\n", c->name,
			    c->maxrss_kib, c->status);
			continue;
		}
		qsort(c->result, rounds, sizeof c->result[0], cmp_double);
		double med = rounds % 2 ? c->result[rounds / 2] :
		    (c->result[rounds / 2 - 1] + c->result[rounds / 2]) / 2;
		qsort(c->cpu, rounds, sizeof c->cpu[0], cmp_double);
		double cpu = rounds % 2 ? c->cpu[rounds / 2] :
		    (c->cpu[rounds / 2 - 1] + c->cpu[rounds / 2]) / 2;
		printf("%s\t%.1f\t%.1f\t%.1f\t%ld\tok\t%.1f\n", c->name, med,
		    c->result[0], c->result[rounds - 1], c->maxrss_kib, cpu);
	}
	for (size_t i = 0; i < nc; i++)
		if (cs[i].copy != NULL)
			unlink(cs[i].copy);
	return 0;
}
