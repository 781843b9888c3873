/* main.c: deliver's command line: options, environment, exit code.
 *
 * deliver [-c CONFIG] [-o KEY=VALUE]... [-d USER] [-M MAILDIR] [-m FOLDER]
 *         [-s SIEVE_SCRIPT] [-f SENDER] [-a RECIPIENT]... [-p MESSAGE_FILE]
 *         [-n] [-e] [-V] [-h]
 * deliver --quota[=raw] [--recalc] [-c CONFIG] [-o KEY=VALUE]... [-d USER]
 *         [-M MAILDIR]
 * deliver -C SIEVE_SCRIPT   (check a script)
 * deliver --redeliver [--move] [-n] [options] PATH...
 * deliver --from-procmailrc [FILE] [--install[=PATH] [--force]]
 *
 * The contract (options, environment, exit codes) is documented in
 * man/deliver.1; keep the two in step. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"     /* several recipients */
#include "config.h"
#include "deliver.h"
#include "identity.h"
#include "log.h"
#include "mailmap.h"  /* virtual mailboxes */
#include "message.h"
#include "outcome.h"
#include "store.h"
#include "quota.h"
#include "redeliver.h"   /* --redeliver */
#include "sieve_run.h"   /* sieve: -C, -V */
#include "sieve_cli.h"   /* -C on our front end */
#include "procmail/pm_cli.h"   /* --from-procmailrc */

#include "version.h"
#define MAX_OVERRIDES 64
#define MAX_RECIPIENTS 1000   /* -a; Postfix's default limit is 50 */

struct options {
	const char *config_path;
	const char *overrides[MAX_OVERRIDES];
	size_t noverrides;
	const char *user, *maildir, *folder, *script;
	const char *sender, *recipient, *message_file;
	bool dry_run, errors_only;
	/* store: deliver --log */
	bool show_log;
	struct store_log_filter log_filter;
	char log_msgid[STORE_MSGID_MAX + 1];
	/* quota: --quota[=raw] [--recalc] */
	bool quota, quota_raw, quota_recalc;
	const char *check_script;   /* sieve: -C */
	const char *where;          /* --where ADDRESS */
	bool redeliver;             /* --redeliver [--move] PATH... */
	struct redeliver_options redo;
	const char *recipients[MAX_RECIPIENTS];  /* every -a */
	size_t nrecipients;
};

static void usage(FILE *to)
{
	fputs("usage: deliver [-c CONFIG] [-o KEY=VALUE]... [-d USER] "
	    "[-M MAILDIR] [-m FOLDER]\n"
	    "               [-s SIEVE_SCRIPT] [-f SENDER] [-a RECIPIENT]... "
	    "[-p MESSAGE_FILE]\n"
	    "               [-n] [-e] [-V] [-h]\n"
	    "       deliver --log [--since WHEN] [--message-id ID] "
	    "[--sender ADDRESS]\n"
	    "               [--folder FOLDER] [--limit N] [-c CONFIG] "
	    "[-o KEY=VALUE]... [-d USER] [-M MAILDIR]\n"
	    "       deliver [-c CONFIG] [-o KEY=VALUE]... --where ADDRESS\n"
	    "       deliver --quota[=raw] [--recalc] [-c CONFIG] [-o KEY=VALUE]... "
	    "[-d USER]\n"
	    "               [-M MAILDIR]\n"
	    "       deliver [-c CONFIG] [-o KEY=VALUE]... -C SIEVE_SCRIPT\n"
	    "       deliver --redeliver [--move] [-n] [-c CONFIG] [-o KEY=VALUE]... "
	    "[-d USER]\n"
	    "               [-M MAILDIR] [-m FOLDER] [-s SIEVE_SCRIPT] "
	    "[-f SENDER] [-a RECIPIENT]\n"
	    "               PATH...\n"
	    "       deliver --from-procmailrc [FILE] [--install[=PATH] "
	    "[--force]] [-c CONFIG]\n", to);
}

static void version(void)
{
	printf("deliver %s\n", DELIVER_VERSION);
	sieve_print_extensions();   /* sieve */
}

enum { OPT_WHERE = 256 }; /* long-only options */
enum { OPT_REDELIVER = 2000, OPT_MOVE };

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	/* store */
	{ "log", no_argument, NULL, 1000 },
	{ "since", required_argument, NULL, 1001 },
	{ "message-id", required_argument, NULL, 1002 },
	{ "sender", required_argument, NULL, 1003 },
	{ "folder", required_argument, NULL, 1004 },
	{ "limit", required_argument, NULL, 1005 },
	/* quota */
	{ "quota", optional_argument, NULL, 'Q' },
	{ "recalc", no_argument, NULL, 'R' },
	{ "check-sieve", required_argument, NULL, 'C' },  /* sieve */
	{ "where", required_argument, NULL, OPT_WHERE },
	{ "redeliver", no_argument, NULL, OPT_REDELIVER },
	{ "move", no_argument, NULL, OPT_MOVE },
	{ NULL, 0, NULL, 0 },
};

/* store: the --log options; -1 for a bad value. */
static int parse_log_option(int c, struct options *o, struct outcome *out)
{
	struct store_log_filter *f = &o->log_filter;
	const char *why = NULL;

	switch (c) {
	case 1000: o->show_log = true; return 0;
	case 1001:
		if (store_parse_since(optarg, time(NULL), &f->since) < 0)
			return fail(out, EX_USAGE, "--since: cannot read \"%s\" "
			    "(30m, 12h, 7d, 2w, YYYY-MM-DD [HH:MM[:SS]], @EPOCH)",
			    optarg);
		return 0;
	case 1002:
		if (!store_normalize_msgid(optarg, o->log_msgid,
		    sizeof o->log_msgid))
			return fail(out, EX_USAGE, "--message-id: empty or "
			    "invalid");
		f->msgid = o->log_msgid;
		return 0;
	case 1003: f->sender = optarg; return 0;
	case 1004: f->folder = optarg; return 0;
	case 1005:
		f->limit = (unsigned)strtonum(optarg, 1, 1000000, &why);
		return why ? fail(out, EX_USAGE, "--limit: %s", why) : 0;
	}
	return fail(out, EX_USAGE, "bad command line");
}

/* deliver --redeliver [--move] PATH... */
static int redeliver_args(int argc, char **argv, struct options *o,
    struct outcome *out)
{
	if (optind == argc)
		return fail(out, EX_USAGE, "--redeliver needs a PATH");
	if (o->message_file)
		return fail(out, EX_USAGE, "--redeliver takes PATHs, not -p");
	if (o->nrecipients > 1)
		return fail(out, EX_USAGE, "--redeliver takes one -a");
	o->redo.paths = argv + optind;
	o->redo.npaths = (size_t)(argc - optind);
	return 0;
}

/* -a, repeated; the first one is the recipient of one. */
static int add_recipient(struct options *o, const char *address,
    struct outcome *out)
{
	if (o->nrecipients == MAX_RECIPIENTS)
		return fail(out, EX_USAGE, "more than %d recipients",
		    MAX_RECIPIENTS);
	o->recipients[o->nrecipients++] = address;
	if (o->recipient == NULL)
		o->recipient = address;
	return 0;
}

/* Returns -1 for a usage error, 1 when the run is over (-h, -V), 0 to go on. */
static int parse_args(int argc, char **argv, struct options *o,
    struct outcome *out)
{
	int c;

	while ((c = getopt_long(argc, argv, "c:o:d:M:m:s:f:a:p:neVhC:",
	    long_options, NULL)) != -1) {
		switch (c) {
		case 'c': o->config_path = optarg; break;
		case 'o':
			if (o->noverrides == MAX_OVERRIDES)
				return fail(out, EX_USAGE, "too many -o options");
			o->overrides[o->noverrides++] = optarg;
			break;
		case 'd': o->user = optarg; break;
		case 'M': o->maildir = optarg; break;
		case 'm': o->folder = optarg; break;
		case 's': o->script = optarg; break;
		case 'f': o->sender = optarg; break;
		case 'a':
			if (add_recipient(o, optarg, out) < 0)
				return -1;
			break;
		case 'p': o->message_file = optarg; break;
		case 'n': o->dry_run = true; break;
		case 'e': o->errors_only = true; break;
		case 'Q': /* quota */
			if (optarg && strcmp(optarg, "raw") != 0)
				return fail(out, EX_USAGE, "--quota takes no "
				    "value but \"raw\"");
			o->quota = true;
			o->quota_raw = optarg != NULL;
			break;
		case 'R': o->quota_recalc = true; break;
		case 'V': version(); return 1;
		case 'C': o->check_script = optarg; break;  /* sieve */
		case 'h': usage(stdout); return 1;
		case 1000: case 1001: case 1002: case 1003: case 1004:
		case 1005:
			if (parse_log_option(c, o, out) < 0)
				return -1;
			break;
		case OPT_WHERE: o->where = optarg; break;
		case OPT_REDELIVER: o->redeliver = true; break;
		case OPT_MOVE: o->redo.move = true; break;
		default:
			usage(stderr);
			return fail(out, EX_USAGE, "bad command line");
		}
	}
	if (o->redeliver)
		return redeliver_args(argc, argv, o, out);
	if (o->redo.move)
		return fail(out, EX_USAGE, "--move needs --redeliver");
	if (optind != argc && o->nrecipients == 0)
		return fail(out, EX_USAGE, "unexpected argument \"%s\"",
		    argv[optind]);
	/* pipe(8) expands "-a ${recipient}" to -a A B C */
	for (; optind < argc; optind++)
		if (add_recipient(o, argv[optind], out) < 0)
			return -1;
	if (o->quota_recalc && !o->quota)
		return fail(out, EX_USAGE, "--recalc needs --quota");
	return 0;
}

/* A broken config file is the admin's to fix: mail waits (EX_TEMPFAIL).
 * A bad -o is a command-line error (EX_USAGE). */
static int load_config(const struct options *o, struct config *cfg,
    struct outcome *out)
{
	char err[600];

	config_defaults(cfg);
	if (config_load(cfg, o->config_path ? o->config_path :
	    DELIVER_DEFAULT_CONFIG, o->config_path != NULL, err,
	    sizeof err) < 0)
		return fail(out, EX_TEMPFAIL, "config: %s", err);
	for (size_t i = 0; i < o->noverrides; i++)
		if (config_set_pair(cfg, o->overrides[i], err, sizeof err) < 0)
			return fail(out, EX_USAGE, "-o %s", err);
	return 0;
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* Postfix local(8)'s $CLIENT_ADDRESS when it is an IPv4 or IPv6
 * address, else NULL: Sieve's environment "remote-ip". */
static const char *client_ip(void)
{
	const char *v = env("CLIENT_ADDRESS");
	unsigned char addr[sizeof(struct in6_addr)];

	return v && (inet_pton(AF_INET, v, addr) == 1 ||
	    inet_pton(AF_INET6, v, addr) == 1) ? v : NULL;
}

/* $CLIENT_HOSTNAME when it is a host name ("unknown", Postfix's word for
 * a client without a verified name, is none): Sieve's "remote-host". */
static const char *client_host(void)
{
	const char *v = env("CLIENT_HOSTNAME");

	return v && strlen(v) < 256 && strcmp(v, "unknown") != 0 &&
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-.") == strlen(v) ? v : NULL;
}

/* -M, $MAILDIR, the config's maildir (~/ = home), ~/Maildir. */
static int maildir_path(const struct options *o, const struct config *cfg,
    const struct identity *id, char *buf, size_t len, struct outcome *out)
{
	const char *path = o->maildir ? o->maildir : env("MAILDIR");
	int n;

	if (path == NULL)
		path = cfg->maildir;
	if (strncmp(path, "~/", 2) == 0)
		n = snprintf(buf, len, "%s/%s", id->home, path + 2);
	else if (path[0] != '/' && !o->maildir && !env("MAILDIR"))
		n = snprintf(buf, len, "%s/%s", id->home, path);
	else
		n = snprintf(buf, len, "%s", path);
	if (n < 0 || (size_t)n >= len)
		return fail(out, EX_USAGE, "Maildir path too long");
	return 0;
}

/* -f, $SENDER (set but empty is the null sender), else NULL: intake then
 * takes a From_ line or a Return-Path header. */
static const char *sender_of(const struct options *o)
{
	return o->sender ? o->sender : getenv("SENDER");
}

/* -a, $RECIPIENT (Postfix, Exim), $ORIGINAL_RECIPIENT (Postfix),
 * $LOCAL_PART_PREFIX$LOCAL_PART$LOCAL_PART_SUFFIX@$DOMAIN (Exim),
 * user@hostname. */
static int recipient_of(const struct options *o, const struct config *cfg,
    const struct identity *id, char *buf, size_t len)
{
	const char *r = o->recipient ? o->recipient : env("RECIPIENT");
	char host[256];

	if (r == NULL)
		r = env("ORIGINAL_RECIPIENT");
	if (r)
		return snprintf(buf, len, "%s", r) < (int)len ? 0 : -1;
	if (env("LOCAL_PART") && env("DOMAIN"))
		return snprintf(buf, len, "%s%s%s@%s",
		    env("LOCAL_PART_PREFIX") ? env("LOCAL_PART_PREFIX") : "",
		    env("LOCAL_PART"),
		    env("LOCAL_PART_SUFFIX") ? env("LOCAL_PART_SUFFIX") : "",
		    env("DOMAIN")) < (int)len ? 0 : -1;
	if (cfg->hostname[0])
		strlcpy(host, cfg->hostname, sizeof host);
	else if (gethostname(host, sizeof host) < 0)
		strlcpy(host, "localhost", sizeof host);
	host[sizeof host - 1] = '\0';
	return snprintf(buf, len, "%s@%s", id->name, host) < (int)len ? 0 : -1;
}

static int open_input(const struct options *o, struct outcome *out)
{
	int fd;

	if (o->message_file == NULL)
		return STDIN_FILENO;
	fd = open(o->message_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(out, errno == ENOENT ? EX_NOINPUT : EX_TEMPFAIL,
		    "cannot open %s: %s", o->message_file, strerror(errno));
	return fd;
}

/* qmail's 24-hour timer: a delivery that hangs gives up and the MTA
 * retries, instead of holding a tmp file forever. */
static void on_alarm(int sig)
{
	static const char msg[] = "deliver: timed out after 24 hours\n";

	(void)sig;
	(void)!write(STDERR_FILENO, msg, sizeof msg - 1);
	_exit(EX_TEMPFAIL);
}

static void setup_process(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };

	umask(077);
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGALRM, &sa, NULL);
	alarm(24 * 60 * 60);
}

static int build_request(const struct options *o, const struct config *cfg,
    struct identity *id, struct request *req, char *maildir, size_t mlen,
    char *rcpt, size_t rlen, struct outcome *out)
{
	memset(req, 0, sizeof *req);
	if (maildir_path(o, cfg, id, maildir, mlen, out) < 0)
		return -1;
	if (recipient_of(o, cfg, id, rcpt, rlen) < 0 || !message_address_ok(rcpt))
		return fail(out, EX_USAGE, "invalid recipient address");
	req->sender = sender_of(o);
	if (req->sender && !message_address_ok(req->sender))
		return fail(out, EX_USAGE, "invalid sender address");
	req->cfg = cfg;
	req->user = id->name;
	req->home = id->home;
	req->maildir = maildir;
	req->folder = o->folder;
	req->recipient = rcpt;
	/* Postfix's recipient before aliasing, for Sieve's outgoing mail
	 * (sieve_redirect_envelope_from = orig_recipient, vacation, reject);
	 * only for a delivery to one recipient */
	if (o->nrecipients <= 1 && env("ORIGINAL_RECIPIENT") &&
	    message_address_ok(env("ORIGINAL_RECIPIENT")))
		req->orig_recipient = env("ORIGINAL_RECIPIENT");
	req->remote_host = client_host();
	req->remote_ip = client_ip();
	req->script = o->script;
	req->dry_run = o->dry_run;
	req->errors_only = o->errors_only;
	req->input_fd = open_input(o, out);
	return req->input_fd < 0 ? -1 : 0;
}

/* store: deliver --log prints the user's delivery log.
 * Returns -1 with out filled, or 0. */
static int show_log(const struct options *o, const struct config *cfg,
    const struct identity *id, struct outcome *out)
{
	char maildir[4096], err[512];
	struct store *st;
	int rows;

	if (maildir_path(o, cfg, id, maildir, sizeof maildir, out) < 0)
		return -1;
	if ((st = store_new(cfg, maildir, id->home, NULL)) == NULL)
		return fail(out, EX_CONFIG, "no store configured (store = %s)",
		    cfg->store);
	rows = store_print_log(st, &o->log_filter, stdout, err, sizeof err);
	store_close(st);
	if (rows < 0)
		return fail(out, EX_TEMPFAIL, "--log: %s", err);
	if (fflush(stdout) != 0)
		return fail(out, EX_IOERR, "--log: cannot write output");
	return 0;
}

/* quota: deliver --quota prints the Maildir's usage and limits. */
static int run_quota(const struct options *o, const struct config *cfg,
    const struct identity *id, struct outcome *out)
{
	char maildir[4096];

	if (maildir_path(o, cfg, id, maildir, sizeof maildir, out) < 0 ||
	    quota_report(maildir, cfg, o->quota_recalc, o->quota_raw, stdout,
	    out) < 0)
		return out->code;
	return EX_OK;
}

/* sieve: deliver -C SCRIPT; the errors go to stdout.  Our own front
 * end first, so errors carry line and column; a directory: each script. */
static int check_script(const char *path, const struct config *cfg,
    struct outcome *out)
{
	char why[200];
	int code = sieve_check_path(path, cfg, why, sizeof why);

	if (code == EX_OK)
		return EX_OK;
	fail(out, code, "%s: %s", path, why);
	return code;
}

/* virtual mailboxes: with mailbox_map set and no -M, the map
 * names the Maildir of the recipient and may set config keys.  cache: see
 * mailmap_resolve_cached(); NULL = compile the map for this call alone. */
static int map_recipient(struct options *o, struct config *cfg,
    const struct identity *id, struct mailmap **cache,
    struct mailmap_result *res, struct outcome *out)
{
	char rcpt[2100];

	if (cfg->mailbox_map[0] == '\0' || o->maildir)
		return 0;
	if (recipient_of(o, cfg, id, rcpt, sizeof rcpt) < 0 ||
	    !message_address_ok(rcpt))
		return fail(out, EX_USAGE, "invalid recipient address");
	if ((cache ? mailmap_resolve_cached(cache, cfg, rcpt, !o->dry_run, res,
	    out) : mailmap_resolve(cfg, rcpt, !o->dry_run, res, out)) < 0)
		return -1;
	o->maildir = res->maildir;
	return 0;
}

/* --where ADDRESS: what the map says, without delivering. */
static int where(const char *address, struct config *cfg,
    struct outcome *out)
{
	struct mailmap_result res;

	if (!message_address_ok(address))
		return fail(out, EX_USAGE, "invalid address");
	if (mailmap_resolve(cfg, address, false, &res, out) < 0)
		return -1;
	mailmap_print(&res, stdout);
	return fflush(stdout) == 0 ? 0 :
	    fail_errno(out, errno, "cannot write output");
}

/* ---- one write, many recipients ---- */

/* What one recipient of a batch needs until the end. */
struct batch_slot {
	struct config cfg;   /* its own: the map may set keys */
	struct request req;
	char maildir[4096], rcpt[2100];
};

/* The request for recipient i, as a single -a would build it; a failure
 * (unknown user, ...) is the recipient's alone.  The input is opened once:
 * the first request that opens it lends it to the others. */
static void batch_prepare(struct options *o, size_t i,
    const char *maildir_opt, struct identity *id, struct mailmap **map,
    struct batch_slot *s, struct recipient_result *r, int *input_fd)
{
	struct mailmap_result *mapped = malloc(sizeof *mapped);
	const char *message_file = o->message_file;
	int rc;

	r->recipient = o->recipient = o->recipients[i];
	o->maildir = maildir_opt;
	if (*input_fd >= 0)
		o->message_file = NULL;   /* open_input: nothing to open */
	rc = mapped == NULL ? fail(&r->out, EX_TEMPFAIL, "out of memory") :
	    load_config(o, &s->cfg, &r->out) < 0 ||
	    map_recipient(o, &s->cfg, id, map, mapped, &r->out) < 0 ||
	    build_request(o, &s->cfg, id, &s->req, s->maildir,
	    sizeof s->maildir, s->rcpt, sizeof s->rcpt, &r->out) < 0 ? -1 : 0;
	o->message_file = message_file;
	o->maildir = maildir_opt;   /* not the map's, about to be freed */
	free(mapped);
	if (rc < 0) {
		r->code = r->out.code;
		r->done = true;
		return;
	}
	if (*input_fd < 0)
		*input_fd = s->req.input_fd;
	s->req.input_fd = *input_fd;
	r->req = &s->req;
}

/* deliver -a A -a B ...: one result per recipient, one exit code. */
static int run_batch(struct options *o, struct identity *id,
    struct outcome *out)
{
	size_t n = o->nrecipients;
	struct batch_slot *slots = calloc(n, sizeof *slots);
	struct recipient_result *res = calloc(n, sizeof *res);
	const char *maildir_opt = o->maildir;
	struct mailmap *map = NULL;   /* compiled once for all */
	int input_fd = -1, code;

	if (slots == NULL || res == NULL) {
		free(slots);
		free(res);
		fail(out, EX_TEMPFAIL, "out of memory");
		return out->code;
	}
	/* a malformed address is a bad command line: nobody gets the mail */
	for (size_t i = 0; i < n; i++)
		if (!message_address_ok(o->recipients[i])) {
			free(slots);
			free(res);
			fail(out, EX_USAGE, "invalid recipient address");
			return out->code;
		}
	for (size_t i = 0; i < n; i++)
		batch_prepare(o, i, maildir_opt, id, &map, &slots[i], &res[i],
		    &input_fd);
	mailmap_free(map);
	deliver_batch(res, n);
	fflush(stdout);   /* a dry run's plans before the verdict */
	code = batch_report(res, n, stderr, out);
	if (input_fd > STDIN_FILENO)
		close(input_fd);
	for (size_t i = 0; i < n; i++)
		config_free(&slots[i].cfg);
	free(slots);
	free(res);
	return code;
}

static int run(int argc, char **argv, struct config *cfg, struct outcome *out)
{
	struct options o = { 0 };
	struct identity id;
	struct request req;
	struct mailmap_result mapped;
	char maildir[4096], rcpt[2100];
	int rc = parse_args(argc, argv, &o, out);

	if (rc != 0)
		return rc < 0 ? out->code : EX_OK;
	/* a redelivery reports in its summary, not line by line */
	log_open(o.errors_only || (isatty(STDERR_FILENO) && !o.redeliver));
	if (load_config(&o, cfg, out) < 0)
		return out->code;
	if (o.check_script != NULL)   /* sieve */
		return check_script(o.check_script, cfg, out);
	if (o.where)
		return where(o.where, cfg, out) < 0 ? out->code : EX_OK;
	if (identity_assume(o.user, &id, out) < 0)
		return out->code;
	if (o.show_log) /* store */
		return show_log(&o, cfg, &id, out) < 0 ? out->code : EX_OK;
	if (o.quota) /* quota */
		return run_quota(&o, cfg, &id, out);
	if (o.nrecipients > 1)  /* one write, many recipients */
		return run_batch(&o, &id, out);
	if (map_recipient(&o, cfg, &id, NULL, &mapped, out) < 0 || /* a map */
	    build_request(&o, cfg, &id, &req, maildir, sizeof maildir, rcpt,
	    sizeof rcpt, out) < 0)
		return out->code;
	if (o.redeliver)
		return redeliver_run(&req, &o.redo, out);
	return deliver_message(&req, out);
}

int main(int argc, char **argv)
{
	struct outcome out = { .code = EX_OK };
	struct config cfg = { 0 };
	int code;

	setup_process();
	if (pm_cli_wanted(argc, argv))   /* translates; never delivers */
		return pm_cli_main(argc, argv);
	code = run(argc, argv, &cfg, &out);
	if (code != EX_OK) {
		char shown[1100];

		fprintf(stderr, "deliver: %s\n",
		    log_escape(out.reason, shown, sizeof shown));
		if (out.code == EX_OK)
			code = EX_SOFTWARE;
	}
	config_free(&cfg);
	return code;
}
