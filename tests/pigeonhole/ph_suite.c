/* ph_suite.c: the state of one Pigeonhole test file's run (see
 * ph_suite.h): the message under test, built by deliver's own intake
 * (message.h) from the text test_set gives, the mail store and outbox in
 * memory, and the block reports. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <pwd.h>
#include <unistd.h>

#include "ph_outbox.h"
#include "ph_store.h"
#include "ph_suite.h"
#include "sieve_address.h"
#include "sieve_include.h"
#include "sieve_run.h"
#include "sieve_parse.h"

struct ph_suite ph_suite;

static void mail_free(struct ph_mail *m)
{
	free(m->text);
	free(m->from);
	free(m->to);
	memset(m, 0, sizeof *m);
}

static int mail_fill(struct ph_mail *m, const char *text, size_t len,
    const char *from, const char *to)
{
	memset(m, 0, sizeof *m);
	if ((m->text = malloc(len + 1)) == NULL)
		return -1;
	memcpy(m->text, text, len);
	m->text[len] = '\0';
	m->len = len;
	m->from = from ? strdup(from) : NULL;
	m->to = to ? strdup(to) : NULL;
	return 0;
}

/* The message Pigeonhole's testsuite starts with. */
static const char default_message[] =
    "From: sender@example.com\n"
    "To: recipient@example.org\n"
    "Subject: Frop!\n"
    "\n"
    "Friep!\n";

/* include's locations, as Pigeonhole's testsuite sets them: "included"
 * and "included-global" beside the test file. */
static void include_beside(const char *dir)
{
	char personal[1100], global[1100];

	(void)snprintf(personal, sizeof personal, "%s/included", dir);
	(void)snprintf(global, sizeof global, "%s/included-global", dir);
	sieve_include_configure_dirs(&ph_suite.cfg, personal, global, NULL);
}

int ph_suite_init(const char *dir, FILE *out)
{
	char err[300];

	memset(&ph_suite, 0, sizeof ph_suite);
	ph_suite.out = out;
	ph_suite.block = -1;
	strlcpy(ph_suite.file_dir, dir, sizeof ph_suite.file_dir);
	config_defaults(&ph_suite.cfg);
	/* a reject is a mail to the sender, as in Pigeonhole, not deliver's
	 * default exit code for the MTA to bounce; a missing folder is not
	 * created (Pigeonhole's store, like dovecot-lda's
	 * lda_mailbox_autocreate=no), only by fileinto :create or
	 * test_mailbox_create */
	strlcpy(ph_suite.tmpdir, "/tmp/ph-run.XXXXXX", sizeof ph_suite.tmpdir);
	if (config_set(&ph_suite.cfg, "reject_mode", "mail", err,
	    sizeof err) != 0 || config_set(&ph_suite.cfg, "autocreate", "no",
	    err, sizeof err) != 0 || mkdtemp(ph_suite.tmpdir) == NULL ||
	    ph_outbox_init(&ph_suite.cfg, ph_suite.tmpdir) != 0 ||
	    ph_store_init(ph_suite.tmpdir, &ph_suite.cfg) != 0)
		return -1;
	sieve_native_limits_of(&ph_suite.cfg, &ph_suite.lim);
	include_beside(dir);
	return ph_message_set(default_message, strlen(default_message));
}

static void message_free(struct ph_message *m)
{
	mail_free(&m->mail);
	if (m->have_intake) {
		intake_free(&m->in);
		close(m->fd);
	}
	m->have_intake = false;
}

static int remove_one(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path) == 0 ? 0 : 0;   /* go on whatever fails */
}

void ph_suite_free(void)
{
	struct ph_message *m = &ph_suite.msg;

	message_free(m);
	free(m->env_from);
	free(m->env_to);
	free(m->env_orig_to);
	free(m->env_auth);
	for (size_t i = 0; i < ph_suite.nsent; i++)
		mail_free(&ph_suite.sent[i]);
	if (ph_suite.script != NULL)
		sieve_script_free(ph_suite.script);
	sieve_msgs_free(&ph_suite.errors);
	ph_store_free();
	if (ph_suite.tmpdir[0] != '\0')
		(void)nftw(ph_suite.tmpdir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	config_free(&ph_suite.cfg);
}

/* Run deliver's intake over text: memory file in, memory file out (the
 * message as deliver would file it, kept in *fd for redirect). */
static int intake_text(struct intake *in, const char *text, size_t len,
    int *fd)
{
	int ifd = memfd_create("ph-in", MFD_CLOEXEC);
	int ofd = memfd_create("ph-out", MFD_CLOEXEC);
	struct outcome out = { 0 };
	int rc = -1;

	memset(in, 0, sizeof *in);
	if (ifd >= 0 && ofd >= 0 && write(ifd, text, len) == (ssize_t)len &&
	    lseek(ifd, 0, SEEK_SET) == 0)
		rc = message_intake(ifd, ofd, in, &out);
	if (ifd >= 0)
		close(ifd);
	if (rc == 0) {
		*fd = ofd;
	} else if (ofd >= 0) {
		close(ofd);
	}
	if (rc != 0)
		snprintf(ph_suite.reason, sizeof ph_suite.reason,
		    "message intake failed: %.200s", out.reason);
	return rc;
}

static const char *run_user(void)
{
	static char name[64];
	const struct passwd *pw;

	if (name[0] == '\0')
		(void)snprintf(name, sizeof name, "%s",
		    (pw = getpwuid(getuid())) != NULL ? pw->pw_name : "user");
	return name;
}

void ph_message_sync_env(void)
{
	struct ph_message *m = &ph_suite.msg;

	m->env.headers = m->have_intake ? &m->in.headers : NULL;
	m->env.size = m->have_intake ? m->in.size - m->in.added +
	    m->in.crs : 0;
	/* Pigeonhole holds a test message with CRLF line ends (a text:
	 * literal's lines end so, and intake counted the CRs it dropped);
	 * the size change of header edits counts a CR per line too */
	m->env.size_crlf = true;
	m->env.sender = m->env_from ? m->env_from : "";
	m->env.recipient = m->env_to ? m->env_to : "";
	m->env.orig_recipient = m->env_orig_to;
	m->env.auth = m->env_auth;
	m->env.delimiter = ph_suite.cfg.recipient_delimiter;
	m->env.cfg = &ph_suite.cfg;
	m->env.root = ph_store_root();
	m->env.flags = m->flags[0] ? m->flags : NULL;
	m->env.vacation_min_days = ph_suite.cfg.vacation_min_days;
	m->env.vacation_max_days = ph_suite.cfg.vacation_max_days;
	m->source.fd = m->fd;
	m->source.size = m->have_intake ? m->in.size : 0;
	m->env.message = m->have_intake && m->fd >= 0 ? &m->source : NULL;
	/* environment's vnd.dovecot.username: the user running the suite,
	 * as Pigeonhole's testsuite runs as the invoking user */
	m->env.username = run_user();
}

/* The first address of the first of these headers that has one, as
 * local@domain (malloced), or a copy of fallback. */
static char *header_address(const struct header_index *idx,
    const char *const *names, const char *fallback)
{
	for (; *names != NULL; names++) {
		const char *v = header_get(idx, *names, 0);
		struct sieve_address_list l = { 0 };
		char *found = NULL;

		if (v == NULL || sieve_address_list_parse(v, strlen(v), &l) != 0)
			continue;
		for (size_t i = 0; i < l.n && found == NULL; i++)
			if (l.items[i].local && *l.items[i].local &&
			    l.items[i].domain && *l.items[i].domain &&
			    asprintf(&found, "%s@%s", l.items[i].local,
			    l.items[i].domain) < 0)
				found = NULL;
		sieve_address_list_free(&l);
		if (found != NULL)
			return found;
	}
	return strdup(fallback);
}

/* As Pigeonhole does for every message it is given: the envelope comes
 * from its headers (or the defaults), the original recipient is the
 * recipient, no authenticated user. */
static void envelope_from_headers(struct ph_message *m)
{
	static const char *const from[] = { "Return-Path", "Sender", "From",
		NULL };
	static const char *const to[] = { "Envelope-To", "To", NULL };

	free(m->env_from);
	free(m->env_to);
	free(m->env_orig_to);
	free(m->env_auth);
	m->env_from = header_address(&m->in.headers, from,
	    "sender@example.com");
	m->env_to = header_address(&m->in.headers, to,
	    "recipient@example.com");
	m->env_orig_to = m->env_to ? strdup(m->env_to) : NULL;
	m->env_auth = NULL;
}

int ph_message_set(const char *text, size_t len)
{
	struct ph_message *m = &ph_suite.msg;
	struct ph_mail mail;
	struct intake in;
	int fd = -1;

	if (mail_fill(&mail, text, len, NULL, NULL) != 0)
		return -1;
	if (intake_text(&in, text, len, &fd) != 0) {
		mail_free(&mail);
		return -1;
	}
	message_free(m);
	m->mail = mail;
	m->in = in;
	m->fd = fd;
	m->flags[0] = '\0';
	m->have_intake = true;
	envelope_from_headers(m);
	ph_message_sync_env();
	return 0;
}

void ph_sent_reset(void)
{
	for (size_t i = 0; i < ph_suite.nsent; i++)
		mail_free(&ph_suite.sent[i]);
	ph_suite.nsent = 0;
}

int ph_sent_add(const char *from, const char *to, const char *text,
    size_t len)
{
	if (ph_suite.nsent == PH_SENT_MAX)
		return -1;
	if (mail_fill(&ph_suite.sent[ph_suite.nsent], text, len, from,
	    to) != 0)
		return -1;
	ph_suite.nsent++;
	return 0;
}

void ph_errors_take(struct sieve_msgs *from)
{
	sieve_msgs_free(&ph_suite.errors);
	ph_suite.errors = *from;
	memset(from, 0, sizeof *from);
}

void ph_block_end(const char *reason)
{
	if (ph_suite.block < 0)
		return;
	if (ph_suite.failed || reason != NULL)
		fprintf(ph_suite.out, "fail %ld %s\n", ph_suite.block,
		    reason ? reason : ph_suite.reason);
	else
		fprintf(ph_suite.out, "pass %ld\n", ph_suite.block);
	ph_suite.block = -1;
	ph_suite.failed = false;
	ph_suite.reason[0] = '\0';
}
