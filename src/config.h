/* config.h: deliver.conf, -o overrides and their typed values.
 *
 * Every key lives in one table in config.c (name, type, field, default);
 * adding a key means adding a field here and a row there, and documenting it
 * in man/deliver.conf.5. */
#ifndef DELIVER_CONFIG_H
#define DELIVER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define DELIVER_DEFAULT_CONFIG "/etc/deliver.conf"

enum subscription_format { SUBSCRIBE_DOVECOT, SUBSCRIBE_COURIER };

struct config {
	/* delivery core */
	char *maildir;              /* "~/Maildir"; ~/ is the user's home */
	char *sendmail;             /* program for outgoing mail */
	bool autocreate;            /* create missing folders */
	bool autosubscribe;         /* subscribe folders we create */
	enum subscription_format subscription_format;
	bool utf8_folders;          /* folder names on disk in UTF-8, not mUTF-7 */
	char folder_separator;      /* hierarchy separator besides '/' */
	bool add_return_path;
	bool add_delivered_to;
	bool loop_check;            /* refuse a Delivered-To loop */
	char *recipient_delimiter;  /* characters that start an address detail */
	char *hostname;             /* for unique names and defaults; "" = gethostname */

	/* sieve (issue 3) */

	/* quota (issue 4) */

	/* store (issue 5) */

	/* virtual mailboxes (issue 8) */
	char *mailbox_map;          /* PCRE2 map file; "" = none */
	char *mailbox_base;         /* every mapped Maildir stays below it */
};

/* Fill cfg with the defaults of every key. */
void config_defaults(struct config *cfg);

/* Read a config file of "key = value" lines ('#' comments, blank lines).
 * A missing file is fine unless must_exist.  On error returns -1 with
 * "FILE:LINE: reason" in err. */
int config_load(struct config *cfg, const char *path, bool must_exist,
    char *err, size_t errlen);

/* Set one key from text, as -o key=value does. Returns -1 with a reason in
 * err for an unknown key or a bad value. */
int config_set(struct config *cfg, const char *key, const char *value,
    char *err, size_t errlen);

/* Parse "key=value" (the -o argument) and set it. */
int config_set_pair(struct config *cfg, const char *pair, char *err,
    size_t errlen);

/* Parse a size with an optional K/M/G/T suffix (powers of 1024), as used by
 * size-valued keys.  Returns -1 on junk or overflow. */
int config_parse_size(const char *text, unsigned long long *out);

void config_free(struct config *cfg);

/* virtual mailboxes (issue 8): whether key names a key of this build. */
bool config_key_exists(const char *key);

#endif
