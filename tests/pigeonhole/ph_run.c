/* ph_run.c: pigeonhole-run, the runner of Pigeonhole 0.5.19's own Sieve
 * testsuite against deliver's native interpreter.
 *
 *   pigeonhole-run [-v] [-n NOT_APPLICABLE]... [-e EXPECTED] [-w WRITE]
 *                  [-l LOG] [-x EXAMPLES_DIR] TESTS_DIR
 *
 * Every in-scope *.svtest file (ph_files.h) runs in a child process of its
 * own (ph_exec.h), so a crash or a hang (PH_FILE_SECONDS) costs only that
 * file's unfinished blocks.  The figures are per block: per directory,
 * then the blocks listed as not applicable (never counted as passes), the
 * regressions (blocks of EXPECTED that did not pass: exit status 1), and
 * last `pigeonhole: N of M test blocks pass`, M being every in-scope
 * block.  In tests/failures/ Pigeonhole expects each block to fail
 * (its testsuite's -F): there a block passes when it fails while
 * running; a file that does not compile passes nothing anywhere.
 * -n may be given more than once (make check-pigeonhole adds a list when
 * a run lacks what some blocks need).  A block not applicable in this run
 * is no regression even when EXPECTED lists it: it was not counted.
 * -w writes the blocks that passed, one key a line, as the next EXPECTED,
 * and keeps EXPECTED's lines of blocks not applicable in this run.
 * -x names where Pigeonhole's examples/ scripts are (ph_examples.h).
 * -v prints every block that did not pass, with the reason. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "ph_examples.h"
#include "ph_exec.h"
#include "ph_files.h"
#include "ph_lists.h"

#define PH_FILE_SECONDS 60
#define PH_REASON_MAX   240
#define PH_DIRS_MAX     100
#define PH_NA_LISTS_MAX 4

enum block_status { BLOCK_NOT_RUN, BLOCK_PASS, BLOCK_FAIL };

struct block_state {
	enum block_status status;
	bool whole_file;          /* the file failed, not the block */
	char reason[PH_REASON_MAX];
};

struct dir_tally {
	char dir[PH_PATH_MAX];
	unsigned blocks, pass, not_applicable;
};

struct run {
	const char *dir;
	bool verbose;
	struct ph_list not_applicable[PH_NA_LISTS_MAX], expected;
	const char *na_paths[PH_NA_LISTS_MAX];
	size_t na_lists;
	FILE *write_expected;
	int log_fd;
	struct dir_tally dirs[PH_DIRS_MAX];
	size_t ndirs;
	unsigned blocks, pass, not_applicable_count, regressions;
};

static void set_reason(struct block_state *b, enum block_status st,
    const char *reason)
{
	size_t n;

	b->status = st;
	strlcpy(b->reason, reason, sizeof b->reason);
	n = strcspn(b->reason, "\r\n");
	b->reason[n] = '\0';
}

/* One line of the child's report (ph_exec.h) into the block states. */
static void take_line(char *line, struct block_state *st, size_t n)
{
	char *end;
	unsigned long i;
	bool pass = strncmp(line, "pass ", 5) == 0;

	if (strncmp(line, "file ", 5) == 0) {
		for (size_t k = 0; k < n; k++) {
			set_reason(&st[k], BLOCK_FAIL, line + 5);
			st[k].whole_file = true;
		}
		return;
	}
	if (!pass && strncmp(line, "fail ", 5) != 0)
		return;
	errno = 0;
	i = strtoul(line + 5, &end, 10);
	if (errno != 0 || end == line + 5 || i >= n)
		return;
	while (*end == ' ')
		end++;
	set_reason(&st[i], pass ? BLOCK_PASS : BLOCK_FAIL,
	    pass ? "" : (*end ? end : "test failed"));
}

static void run_child(const struct run *r, const char *rel, int wfd)
{
	FILE *out = fdopen(wfd, "w");

	if (out == NULL)
		_exit(2);
	setvbuf(out, NULL, _IOLBF, 0);
	if (r->log_fd >= 0) {
		dup2(r->log_fd, STDOUT_FILENO);
		dup2(r->log_fd, STDERR_FILENO);
		fprintf(stderr, "== %s\n", rel);
	}
	log_open(true);   /* deliver's log lines (refusals, fallbacks) too */
	alarm(PH_FILE_SECONDS);
	if (ph_exec_file(r->dir, rel, out) != 0)
		fprintf(out, "file the test run could not be set up\n");
	fclose(out);
	_exit(0);
}

/* Run rel in a child; st[0..n) get each block's outcome. */
static int run_file(const struct run *r, const char *rel,
    struct block_state *st, size_t n)
{
	int fds[2], status;
	char *line = NULL;
	size_t cap = 0;
	pid_t pid;
	FILE *in;

	/* a child that forks (deliver's mailer flushes every stream first)
	 * must not write what the parent buffered a second time */
	fflush(NULL);
	if (pipe(fds) != 0 || (pid = fork()) < 0) {
		perror("pigeonhole: pipe/fork");
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		run_child(r, rel, fds[1]);
	}
	close(fds[1]);
	if ((in = fdopen(fds[0], "r")) == NULL)
		return -1;
	while (getline(&line, &cap, in) > 0) {
		line[strcspn(line, "\n")] = '\0';
		take_line(line, st, n);
	}
	free(line);
	fclose(in);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	for (size_t k = 0; k < n; k++) {
		char why[64];

		if (st[k].status != BLOCK_NOT_RUN)
			continue;
		if (WIFSIGNALED(status))
			snprintf(why, sizeof why, "not reached: the run died "
			    "of signal %d", WTERMSIG(status));
		else
			strlcpy(why, "not reached", sizeof why);
		set_reason(&st[k], BLOCK_FAIL, why);
	}
	return 0;
}

static struct dir_tally *tally_of(struct run *r, const char *rel)
{
	char dir[PH_PATH_MAX];

	ph_dir_of(rel, dir, sizeof dir);
	for (size_t i = 0; i < r->ndirs; i++)
		if (strcmp(r->dirs[i].dir, dir) == 0)
			return &r->dirs[i];
	if (r->ndirs == PH_DIRS_MAX)
		return &r->dirs[PH_DIRS_MAX - 1];   /* lumped; never seen */
	strlcpy(r->dirs[r->ndirs].dir, dir, sizeof r->dirs[0].dir);
	return &r->dirs[r->ndirs++];
}

static bool expects_failure(const char *rel)
{
	return strncmp(rel, "failures/", 9) == 0;
}

/* The reason of the first not-applicable list naming key, or NULL. */
static const char *not_applicable(struct run *r, const char *key)
{
	const char *na;

	for (size_t i = 0; i < r->na_lists; i++)
		if ((na = ph_list_reason(&r->not_applicable[i], key)) != NULL)
			return na;
	return NULL;
}

/* Count one block; print what is worth a line. */
static void account(struct run *r, struct dir_tally *t, const char *rel,
    const char *name, const struct block_state *b)
{
	char key[PH_PATH_MAX + PH_NAME_MAX + 4];
	const char *na;
	bool pass = b->status == BLOCK_PASS;

	if (expects_failure(rel) && !b->whole_file)
		pass = b->status == BLOCK_FAIL &&
		    strncmp(b->reason, "not reached", 11) != 0;
	snprintf(key, sizeof key, "%s: %s", rel, name);
	t->blocks++;
	r->blocks++;
	if ((na = not_applicable(r, key)) != NULL) {
		t->not_applicable++;
		r->not_applicable_count++;
		if (r->verbose)
			printf("N/A  %s: %s\n", key, na);
		/* not counted, so not a regression; its line is kept */
		if (ph_list_exact(&r->expected, key) != NULL &&
		    r->write_expected)
			fprintf(r->write_expected, "%s\n", key);
		return;
	}
	if (pass) {
		t->pass++;
		r->pass++;
		if (r->write_expected)
			fprintf(r->write_expected, "%s\n", key);
	} else if (r->verbose) {
		printf("FAIL %s: %s\n", key, b->reason);
	}
	if (!pass && ph_list_exact(&r->expected, key) != NULL) {
		r->regressions++;
		printf("REGRESSION %s: %s\n", key, b->reason);
	} else if (pass) {
		(void)ph_list_exact(&r->expected, key);
	}
}

static int run_one(struct run *r, const char *rel)
{
	char path[PH_PATH_MAX * 2];
	struct ph_blocks blocks;
	struct block_state *st;
	struct dir_tally *t = tally_of(r, rel);

	snprintf(path, sizeof path, "%s/%s", r->dir, rel);
	if (ph_blocks_read(path, &blocks) != 0)
		return -1;
	if ((st = calloc(blocks.count + 1, sizeof *st)) == NULL ||
	    run_file(r, rel, st, blocks.count) != 0) {
		free(st);
		ph_blocks_free(&blocks);
		return -1;
	}
	for (size_t k = 0; k < blocks.count; k++)
		account(r, t, rel, blocks.names[k], &st[k]);
	free(st);
	ph_blocks_free(&blocks);
	return 0;
}

static int cmp_dirs(const void *a, const void *b)
{
	return strcmp(((const struct dir_tally *)a)->dir,
	    ((const struct dir_tally *)b)->dir);
}

static void report(struct run *r)
{
	char na_paths[PH_NA_LISTS_MAX * (PH_PATH_MAX + 2)] = "/dev/null";

	qsort(r->dirs, r->ndirs, sizeof *r->dirs, cmp_dirs);
	printf("\n%-36s %6s %6s %6s\n", "directory", "pass", "blocks", "n/a");
	for (size_t i = 0; i < r->ndirs; i++)
		printf("%-36s %6u %6u %6u\n", r->dirs[i].dir,
		    r->dirs[i].pass, r->dirs[i].blocks,
		    r->dirs[i].not_applicable);
	for (size_t k = 0; k < r->na_lists; k++) {
		const struct ph_list *na = &r->not_applicable[k];

		for (size_t i = 0; i < na->count; i++)
			if (!na->used[i])
				printf("stale line in %s: %s\n",
				    r->na_paths[k], na->lines[i]);
		if (k == 0)
			na_paths[0] = '\0';
		else
			strlcat(na_paths, ", ", sizeof na_paths);
		strlcat(na_paths, r->na_paths[k], sizeof na_paths);
	}
	for (size_t i = 0; i < r->expected.count; i++)
		if (!r->expected.used[i]) {
			printf("REGRESSION (block gone) %s\n",
			    r->expected.lines[i]);
			r->regressions++;
		}
	printf("not applicable: %u blocks (%s), not counted as passes\n",
	    r->not_applicable_count, na_paths);
	printf("regressions from the expected-pass list: %u\n",
	    r->regressions);
	printf("pigeonhole: %u of %u test blocks pass\n", r->pass, r->blocks);
}

static void usage(void)
{
	fprintf(stderr, "usage: pigeonhole-run [-v] [-n not-applicable.txt] "
	    "[-e expected-pass.txt] [-w new-expected.txt] [-l log] "
	    "[-x examples-dir] TESTS_DIR\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct run r = { .log_fd = -1 };
	const char *exp_path = "/dev/null", *examples = NULL;
	char **files;
	int c, count, rc = 0;

	while ((c = getopt(argc, argv, "vn:e:w:l:x:")) != -1) {
		switch (c) {
		case 'v': r.verbose = true; break;
		case 'n':
			if (r.na_lists == PH_NA_LISTS_MAX) {
				fprintf(stderr, "pigeonhole-run: at most %d -n\n",
				    PH_NA_LISTS_MAX);
				return 2;
			}
			r.na_paths[r.na_lists++] = optarg;
			break;
		case 'x': examples = optarg; break;
		case 'e': exp_path = optarg; break;
		case 'w':
			if ((r.write_expected = fopen(optarg, "w")) == NULL) {
				perror(optarg);
				return 2;
			}
			break;
		case 'l':
			r.log_fd = open(optarg, O_WRONLY | O_CREAT | O_TRUNC |
			    O_CLOEXEC, 0644);
			if (r.log_fd < 0) {
				perror(optarg);
				return 2;
			}
			break;
		default: usage();
		}
	}
	if (optind + 1 != argc)
		usage();
	r.dir = argv[optind];
	ph_examples_set(r.dir, examples);
	for (size_t i = 0; i < r.na_lists; i++)
		if (ph_list_read(r.na_paths[i], &r.not_applicable[i]) != 0)
			return 2;
	if (ph_list_read(exp_path, &r.expected) != 0 ||
	    (count = ph_files_find(r.dir, &files)) < 0)
		return 2;
	for (int i = 0; i < count && rc == 0; i++)
		rc = run_one(&r, files[i]);
	ph_files_free(files, count);
	if (rc != 0)
		return 2;
	report(&r);
	if (r.write_expected && fclose(r.write_expected) != 0)
		return 2;
	for (size_t i = 0; i < r.na_lists; i++)
		ph_list_free(&r.not_applicable[i]);
	ph_list_free(&r.expected);
	return r.regressions ? 1 : 0;
}
