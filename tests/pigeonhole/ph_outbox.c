/* ph_outbox.c: the mail deliver's actions send, caught.  deliver hands
 * outgoing mail (redirect, vacation, rejection, notify) to the program
 * of its sendmail setting; for a test file that program is a two-line
 * shell script in the run's temporary directory which writes each message, with
 * its envelope, into a spool there.  After each action the spool is read
 * into ph_suite's outbox, in the order sent, for test_message :smtp. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ph_outbox.h"
#include "ph_suite.h"

static char outbox_dir[64];

/* Called as `sendmail -i -f SENDER -- RECIPIENT`: sender and recipient
 * on the first two lines, then the message. */
static const char capture[] =
    "#!/bin/sh\n"
    "{ printf '%s\\n%s\\n' \"$3\" \"$5\"; cat; } > "
    "\"$0.spool/$(date +%s%N)\"\n";

static int write_capture(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(capture, f);
	if (fclose(f) != 0 || chmod(path, 0700) != 0)
		return -1;
	return 0;
}

int ph_outbox_init(struct config *cfg, const char *dir)
{
	char path[128], err[300];

	strlcpy(outbox_dir, dir, sizeof outbox_dir);
	snprintf(path, sizeof path, "%s/sendmail.spool", outbox_dir);
	if (mkdir(path, 0700) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/sendmail", outbox_dir);
	if (write_capture(path) != 0)
		return -1;
	return config_set(cfg, "sendmail", path, err, sizeof err);
}

/* One spooled file into the outbox. */
static int take_file(const char *path)
{
	char *line = NULL, *from = NULL, *to = NULL, *text = NULL;
	size_t cap = 0, len = 0;
	FILE *f = fopen(path, "r");
	int rc = -1;

	if (f == NULL)
		return -1;
	if (getline(&line, &cap, f) > 0 && (from = strdup(line)) != NULL &&
	    getline(&line, &cap, f) > 0 && (to = strdup(line)) != NULL) {
		FILE *m = open_memstream(&text, &len);
		char buf[8192];
		size_t n;

		while (m != NULL && (n = fread(buf, 1, sizeof buf, f)) > 0)
			fwrite(buf, 1, n, m);
		if (m != NULL && fclose(m) == 0) {
			from[strcspn(from, "\n")] = '\0';
			to[strcspn(to, "\n")] = '\0';
			rc = ph_sent_add(strcmp(from, "<>") == 0 ? "" : from,
			    to, text, len);
		}
	}
	fclose(f);
	free(line);
	free(from);
	free(to);
	free(text);
	return rc;
}

int ph_outbox_collect(void)
{
	char spool[128], path[512];
	struct dirent **names;
	int n, rc = 0;

	snprintf(spool, sizeof spool, "%s/sendmail.spool", outbox_dir);
	if ((n = scandir(spool, &names, NULL, alphasort)) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof path, "%s/%s", spool,
			    names[i]->d_name);
			if (take_file(path) != 0)
				rc = -1;
			unlink(path);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}
