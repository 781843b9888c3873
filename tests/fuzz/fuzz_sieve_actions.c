/* libFuzzer target: the native interpreter's action extensions
 * (imap4flags, vacation, reject, envelope, mailbox, ihave, copy).  The
 * input is a script; it runs with every extension required (a prelude
 * is put before it) against a fixed message whose flags start the
 * imap4flags variable, with a small Maildir for mailboxexists.  Checks:
 * no crash or leak; a failed script leaves an empty plan and keeps; what
 * a keep or fileinto carries is filing-safe (flag letters, keywords that
 * dovecot-keywords may hold, at most 26 of them); a vacation is complete
 * and its period within the configured bounds; the flags of the implicit
 * keep parse back. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ext_imap4flags.h"
#include "headers.h"
#include "maildir_keywords.h"
#include "sieve_parse.h"
#include "sieve_rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char prelude[] =
    "require [\"imap4flags\", \"vacation\", \"vacation-seconds\", "
    "\"reject\", \"envelope\", \"subaddress\", \"mailbox\", \"ihave\", "
    "\"copy\", \"fileinto\", \"variables\", \"relational\", "
    "\"comparator-i;ascii-numeric\"];\n";

static struct maildir root = { .dirfd = -1 };

static void make_root(void)
{
	char dir[] = "/tmp/fuzz_actions.XXXXXX";
	int fd;

	if (root.dirfd >= 0 || mkdtemp(dir) == NULL ||
	    (fd = open(dir, O_RDONLY | O_DIRECTORY)) < 0)
		return;
	mkdirat(fd, ".Lists", 0700);
	mkdirat(fd, ".Lists/cur", 0700);
	mkdirat(fd, ".Lists/new", 0700);
	mkdirat(fd, ".Lists/tmp", 0700);
	root.dirfd = fd;
}

static void check_filing(const struct action *a)
{
	size_t n = 0;
	char *copy, *save = NULL;

	for (const char *p = a->flags; p && *p; p++)
		if (!strchr("SRFTD", *p))
			abort();
	if (a->keywords == NULL)
		return;
	if ((copy = strdup(a->keywords)) == NULL)
		return;
	for (char *w = strtok_r(copy, " ", &save); w;
	    w = strtok_r(NULL, " ", &save), n++)
		if (w[0] == '\\' || strchr(w, '\n') || strchr(w, '"'))
			abort();
	free(copy);
}

static void check_result(const struct sieve_result *res,
    const struct config *cfg)
{
	if (res->failed && (res->plan.count != 0 || !res->keep))
		abort();
	for (size_t i = 0; i < res->plan.count; i++) {
		const struct action *a = &res->plan.actions[i];

		if (a->type == ACTION_KEEP || a->type == ACTION_FILEINTO)
			check_filing(a);
		if (a->type == ACTION_VACATION && (a->text == NULL ||
		    a->handle == NULL || a->seconds < 60 ||
		    a->seconds > cfg->sieve_vacation_max_period))
			abort();
	}
	if (res->flags != NULL) {
		struct action k;

		memset(&k, 0, sizeof k);
		if (sieve_imap4flags_apply(res->flags, &k) == 0)
			check_filing(&k);
		free(k.flags);
		free(k.keywords);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct header_index idx = { 0 };
	static struct config cfg;
	static int cfg_done;
	struct sieve_env env = { .headers = &idx, .sender = "alice@example.org",
	    .recipient = "bob+lists@example.org", .size = 1234,
	    .delimiter = "+", .vacation_min_days = 1, .cfg = &cfg,
	    .flags = "\\Seen $Junk" };
	struct sieve_script *script = NULL;
	struct sieve_result res;
	struct sieve_diag err;
	char *text;

	if (size > 8192 || (text = malloc(sizeof prelude + size)) == NULL)
		return 0;
	if (!cfg_done) {
		config_defaults(&cfg);
		cfg.sieve_vacation_min_period = 60;
		cfg.sieve_vacation_max_period = 30 * 86400;
		cfg_done = 1;
	}
	make_root();
	env.root = &root;
	memcpy(text, prelude, sizeof prelude - 1);
	memcpy(text + sizeof prelude - 1, data, size);
	text[sizeof prelude - 1 + size] = '\0';
	header_add(&idx, "From", 4, "Alice <alice@example.org>", 25);
	header_add(&idx, "To", 2, "bob+lists@example.org", 21);
	header_add(&idx, "Subject", 7, "hello", 5);
	if (sieve_parse(text, strlen(text), &script, &err) == 0) {
		if (sieve_native_eval(script, &env, NULL, &res) == 0) {
			check_result(&res, &cfg);
			sieve_result_free(&res);
		}
		sieve_script_free(script);
	}
	header_index_free(&idx);
	free(text);
	return 0;
}
