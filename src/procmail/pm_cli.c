/* pm_cli.c: see pm_cli.h.  Nothing here delivers mail; the only file
 * ever written is the --install target, through a temporary file in the
 * same directory, checked, then linked into place (renamed with --force)
 * so that an existing script is never replaced unasked. */
#include "pm_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "config.h"
#include "pm_rc.h"
#include "pm_translate.h"
#include "sieve_cli.h"
#include "sieve_parse.h"
#include "sieve_rt.h"

#define OPT_FROM "--from-procmailrc"

struct pm_cli {
	const char *rc_path;
	const char *install;    /* NULL: stdout; "": the default target */
	bool force;
	const char *config;
	char home[4096];
	char default_rc[4200];
};

bool pm_cli_wanted(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], OPT_FROM, strlen(OPT_FROM)) == 0 &&
		    (argv[i][strlen(OPT_FROM)] == '\0' ||
		    argv[i][strlen(OPT_FROM)] == '='))
			return true;
	return false;
}

static int usage(const char *why)
{
	fprintf(stderr, "deliver: %s\nusage: deliver --from-procmailrc [FILE] "
	    "[--install[=PATH] [--force]] [-c CONFIG]\n", why);
	return EX_USAGE;
}

static void find_home(struct pm_cli *c)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if ((h == NULL || *h == '\0') && (pw = getpwuid(getuid())) != NULL)
		h = pw->pw_dir;
	strlcpy(c->home, h ? h : "/", sizeof c->home);
}

static int parse(int argc, char **argv, struct pm_cli *c)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, OPT_FROM) == 0)
			continue;
		if (strncmp(a, OPT_FROM "=", strlen(OPT_FROM) + 1) == 0)
			c->rc_path = a + strlen(OPT_FROM) + 1;
		else if (strcmp(a, "--install") == 0)
			c->install = "";
		else if (strncmp(a, "--install=", 10) == 0 && a[10])
			c->install = a + 10;
		else if (strcmp(a, "--force") == 0)
			c->force = true;
		else if (strcmp(a, "-c") == 0 && i + 1 < argc)
			c->config = argv[++i];
		else if ((a[0] != '-' || strcmp(a, "-") == 0) && !c->rc_path)
			c->rc_path = a;
		else
			return usage("--from-procmailrc: unexpected argument");
	}
	if (c->force && !c->install)
		return usage("--force needs --install");
	return 0;
}

/* The --install target: the option's PATH, deliver.conf's sieve key,
 * else ~/.dovecot.sieve (where deliver looks first). */
static int install_target(const struct pm_cli *c, const struct config *cfg,
    char *path, size_t len)
{
	const char *p = c->install[0] ? c->install : cfg->sieve;
	int n;

	if (p == NULL || p[0] == '\0')
		n = snprintf(path, len, "%s/.dovecot.sieve", c->home);
	else if (strncmp(p, "~/", 2) == 0)
		n = snprintf(path, len, "%s/%s", c->home, p + 2);
	else
		n = snprintf(path, len, "%s", p);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Run deliver's checker on path with its output (on stdout) silenced. */
static int check_quietly(const char *path, const struct config *cfg,
    char *why, size_t whylen)
{
	int saved = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
	int code;

	fflush(stdout);
	if (saved >= 0 && null >= 0)
		dup2(null, STDOUT_FILENO);
	code = sieve_check_path(path, cfg, why, whylen);
	fflush(stdout);
	if (saved >= 0) {
		dup2(saved, STDOUT_FILENO);
		close(saved);
	}
	if (null >= 0)
		close(null);
	return code;
}

static int write_temp(const struct pm_sieve *s, const char *target,
    char *tmp, size_t tmplen)
{
	FILE *f;
	int fd;

	if (snprintf(tmp, tmplen, "%s.XXXXXX", target) >= (int)tmplen ||
	    (fd = mkstemp(tmp)) < 0)
		return -1;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (pm_sieve_write(s, f) < 0 || fsync(fd) < 0) {
		fclose(f);
		unlink(tmp);
		return -1;
	}
	return fclose(f) == 0 ? 0 : (unlink(tmp), -1);
}

static int install(const struct pm_cli *c, const struct pm_sieve *s,
    FILE *report)
{
	struct config cfg = { 0 };
	char target[4096], tmp[4200], err[600], why[300];
	struct stat st;
	int code = EX_OK;

	config_defaults(&cfg);
	if (config_load(&cfg, c->config ? c->config : DELIVER_DEFAULT_CONFIG,
	    c->config != NULL, err, sizeof err) < 0) {
		fprintf(stderr, "deliver: config: %s\n", err);
		config_free(&cfg);
		return EX_CONFIG;
	}
	if (install_target(c, &cfg, target, sizeof target) < 0) {
		config_free(&cfg);
		return usage("--install: path too long");
	}
	if (!c->force && lstat(target, &st) == 0) {
		fprintf(report, "deliver: %s exists: not replaced (--force "
		    "replaces it)\n", target);
		config_free(&cfg);
		return EX_CANTCREAT;
	}
	if (write_temp(s, target, tmp, sizeof tmp) < 0) {
		fprintf(report, "deliver: cannot write %s: %s\n", target,
		    strerror(errno));
		config_free(&cfg);
		return EX_CANTCREAT;
	}
	if (check_quietly(tmp, &cfg, why, sizeof why) != EX_OK) {
		fprintf(report, "deliver: the translated script fails the "
		    "check: %s\n", why);
		code = EX_SOFTWARE;
	} else if (c->force ? rename(tmp, target) < 0 :
	    link(tmp, target) < 0) {
		fprintf(report, "deliver: cannot install %s: %s\n", target,
		    strerror(errno));
		code = EX_CANTCREAT;
	} else
		fprintf(report, "procmailrc: installed %s\n", target);
	unlink(tmp);   /* gone already after a rename */
	config_free(&cfg);
	return code;
}

/* A script for stdout goes through deliver's own parser and checker
 * first, as an installed one does: the translator is never to hand out a
 * script deliver refuses, and if it does (a bug), exit 70 says so.  0, or
 * -1 with the first error in why. */
static int script_accepted(const struct pm_sieve *s, char *why,
    size_t whylen)
{
	struct sieve_script *script = NULL;
	struct sieve_result r = { 0 };
	struct sieve_diag d = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc = -1;

	snprintf(why, whylen, "out of memory");
	if (f == NULL)
		return -1;
	if (pm_sieve_write(s, f) < 0 || fclose(f) != 0) {
		free(text);
		return -1;
	}
	if (sieve_parse(text, len, &script, &d) != 0)
		snprintf(why, whylen, "line %u: %s", d.pos.line, d.msg);
	else if (sieve_native_check(script, &r) == 0 && !r.failed)
		rc = 0;
	else if (r.errors.count > 0)
		snprintf(why, whylen, "%s", r.errors.items[0]);
	sieve_result_free(&r);
	sieve_script_free(script);
	free(text);
	return rc;
}

int pm_cli_main(int argc, char **argv)
{
	struct pm_cli c = { 0 };
	struct pm_sieve s = { 0 };
	struct pm_report rep = { 0 };
	struct pm_error err = { 0 };
	char *text, *report_text = NULL, why[600];
	size_t len, report_len = 0;
	int code;

	if ((code = parse(argc, argv, &c)) != 0)
		return code;
	find_home(&c);
	if (c.rc_path == NULL) {
		snprintf(c.default_rc, sizeof c.default_rc, "%s/.procmailrc",
		    c.home);
		c.rc_path = c.default_rc;
	}
	if ((text = pm_read_file(c.rc_path, &len)) == NULL) {
		fprintf(stderr, "%s: cannot read: %s\n", c.rc_path,
		    strerror(errno));
		return EX_NOINPUT;
	}
	if (len > PM_RC_MAX_SIZE) {
		fprintf(stderr, "%s:1: error: larger than %d bytes\n",
		    c.rc_path, PM_RC_MAX_SIZE);
		free(text);
		return EX_DATAERR;
	}
	/* the report waits until the rc is known to be readable whole */
	if ((rep.to = open_memstream(&report_text, &report_len)) == NULL) {
		free(text);
		return EX_OSERR;
	}
	code = pm_translate(text, len, c.rc_path, c.home, &s, &rep, &err);
	free(text);
	if (code < 0) {
		fclose(rep.to);
		free(report_text);
		pm_sieve_free(&s);
		fprintf(stderr, "%s:%d: error: %s\n", err.file, err.line,
		    err.reason);
		return EX_DATAERR;
	}
	code = rep.differs + rep.untranslatable ? 1 : EX_OK;
	if (c.install) {
		int icode = install(&c, &s, rep.to);

		if (icode != EX_OK)
			code = icode;
	} else if (script_accepted(&s, why, sizeof why) < 0) {
		fprintf(rep.to, "deliver: the translated script fails the "
		    "check: %s; not written\n", why);
		code = EX_SOFTWARE;
	} else if (pm_sieve_write(&s, stdout) < 0) {
		fprintf(rep.to, "deliver: cannot write the script\n");
		code = EX_IOERR;
	}
	pm_report_summary(&rep);
	fclose(rep.to);
	fwrite(report_text, 1, report_len, stderr);
	free(report_text);
	pm_sieve_free(&s);
	return code;
}
