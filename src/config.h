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
enum quota_full { QUOTA_FULL_TEMPFAIL, QUOTA_FULL_BOUNCE };  /* quota */
enum reject_mode { REJECT_EXIT, REJECT_MAIL };   /* sieve */
enum sieve_engine { SIEVE_ENGINE_NATIVE, SIEVE_ENGINE_LIBSIEVE };
/* spamtest/virustest: how the status header's value reads */
enum spamtest_status_type { SPAMTEST_SCORE, SPAMTEST_STRLEN, SPAMTEST_TEXT };
/* nfs: is the Maildir on a network filesystem (src/netfs.h)? */
enum maildir_network { MAILDIR_NETWORK_AUTO, MAILDIR_NETWORK_YES,
	MAILDIR_NETWORK_NO };

/* One key of a family (struct config's extra). */
struct config_extra {
	char *key;      /* the whole key, "sieve_env_display_name" */
	char *value;
};
#define CONFIG_EXTRA_MAX 64
/* The prefixes of the families, for the documentation and the check. */
#define CONFIG_FAMILIES "sieve_env_", "special_use_"

/* What a delivery does when its store cannot be reached. */
enum store_unavailable {
	STORE_UNAVAILABLE_DELIVER,  /* file without it, with a warning */
	STORE_UNAVAILABLE_DEFER,    /* exit 75 before filing anything */
};

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
	enum maildir_network maildir_network;   /* auto = statfs decides */

	/* sieve */
	char *sieve;                /* the user's script; "" = ~/.dovecot.sieve
	                               if it exists, else ~/.sieve */
	char *sieve_before;         /* global script run before the user's */
	char *sieve_after;          /* global script run after the user's */
	/* more of them, as Pigeonhole numbers them; each of the six a file
	 * or a directory of *.sieve files run in name order */
	char *sieve_before2, *sieve_before3;
	char *sieve_after2, *sieve_after3;
	char *sieve_user_log;       /* "" = the user's script path + ".log" */
	unsigned sieve_cpu_limit;   /* CPU seconds for one evaluation */
	unsigned long long sieve_memory_limit; /* address space of the child */
	unsigned sieve_timeout;     /* wall-clock seconds for one evaluation */
	unsigned sieve_max_redirects;
	/* vacation's period bounds in seconds, CONFIG_PERIOD_UNSET = from
	 * vacation_min_days / vacation_max_days (0 max = no limit) */
	unsigned long long sieve_vacation_min_period, sieve_vacation_max_period;
	enum reject_mode reject_mode;
	unsigned vacation_min_days, vacation_max_days; /* 0 max = no limit */
	/* the native engine (in process) and its bounds, Pigeonhole's names */
	enum sieve_engine sieve_engine;
	unsigned sieve_max_actions;
	unsigned long long sieve_max_script_size;
	unsigned sieve_max_cpu_time;           /* CPU seconds per script */
	unsigned sieve_variables_max_scope_size;
	unsigned sieve_variables_max_variable_size;
	unsigned sieve_regex_match_limit;      /* PCRE2 match limit */
	unsigned sieve_max_steps;              /* commands, tests, values */
	unsigned long long sieve_max_memory;   /* scratch bytes per command */
	unsigned long long sieve_body_max;     /* bytes one body test reads */
	/* outgoing mail, Pigeonhole's names: the envelope sender of a
	 * redirect (sender, recipient, orig_recipient, user_email,
	 * postmaster, "<address>" or "<>"; lower-cased and trimmed, as
	 * Pigeonhole reads it), the user's own address, and the vacation
	 * recipient checks */
	char *sieve_redirect_envelope_from;
	/* the envelope sender of enotify's mailto notifications, the same
	 * values; "" = Pigeonhole's default (:from, sieve_user_email, the
	 * postmaster) */
	char *sieve_notify_mailto_envelope_from;
	char *sieve_user_email;                /* "" = none */
	char *postmaster_address;              /* "" = postmaster@domain */
	bool sieve_vacation_dont_check_recipient;
	bool sieve_vacation_use_original_recipient;
	bool sieve_vacation_send_from_recipient;
	char *sieve_vacation_default_subject;  /* "" = "Automated reply" */
	char *sieve_vacation_default_subject_template; /* "" = "Auto: %$" */
	unsigned sieve_vacation_max_subject_codepoints;
	bool sieve_vacation_to_header_ignore_envelope;
	/* editheader (Pigeonhole's names): header names that may not be
	 * added and deleted, added, deleted; the largest added value */
	char *sieve_editheader_protected;
	char *sieve_editheader_forbid_add;
	char *sieve_editheader_forbid_delete;
	char *sieve_editheader_max_header_size;   /* "" = 2048 */
	/* include (RFC 6609), Pigeonhole's names: where :personal and
	 * :global scripts are, and its limits */
	char *sieve_dir;                       /* "~/sieve" */
	char *sieve_global;                    /* "/etc/deliver/sieve" */
	unsigned sieve_include_max_nesting_depth;   /* 10 */
	unsigned sieve_include_max_includes;        /* 255 */
	/* the admin's script for users who have none, and the one run when
	 * the message would be discarded ("" = none) */
	char *sieve_default;
	char *sieve_discard;
	/* duplicate (RFC 7352): default and largest :seconds */
	unsigned long long sieve_duplicate_default_period;
	unsigned long long sieve_duplicate_max_period;
	/* spamtest/spamtestplus and virustest (RFC 5235), Pigeonhole's
	 * sieve_spamtest_* and sieve_virustest_* keys: "" = not set; no
	 * status header = not configured (every test sees "0") */
	char *sieve_spamtest_status_header;
	enum spamtest_status_type sieve_spamtest_status_type;
	char *sieve_spamtest_max_header;
	char *sieve_spamtest_max_value;
	char *sieve_spamtest_text_value[11];   /* sieve_spamtest_text_value0..10 */
	char *sieve_virustest_status_header;
	enum spamtest_status_type sieve_virustest_status_type;
	char *sieve_virustest_max_header;
	char *sieve_virustest_max_value;
	char *sieve_virustest_text_value[6];   /* sieve_virustest_text_value0..5 */

	/* quota */
	char *quota;                /* "" = maildirsize's line 1, "none" = off */
	enum quota_full quota_full; /* over quota: retry later or bounce */
	char *quota_full_message;
	unsigned quota_warn;        /* percent; 0 = no warning */
	char *quota_warn_message;   /* template file; "" = built-in text */

	/* store */
	char *store;                /* deliver.db path; "" or "none" = no store */
	unsigned store_timeout;     /* seconds to wait for a lock or a claim */
	enum store_unavailable store_unavailable; /* store away: file or defer */
	bool dedup;                 /* duplicate suppression */
	unsigned dedup_days;        /* a delivery counts as seen this long */
	bool delivery_log;          /* one log row per delivery */
	unsigned log_days;          /* log rows older than this are pruned */

	/* virtual mailboxes */
	char *mailbox_map;          /* PCRE2 map file; "" = none */
	char *mailbox_base;         /* every mapped Maildir stays below it */

	/* keys of a family, a fixed prefix and a name of the admin's choice
	 * (CONFIG_FAMILIES): sieve_env_NAME (vnd.dovecot.environment's
	 * config items), special_use_USE (the folder of a special-use, RFC
	 * 8579); in the order set, at most CONFIG_EXTRA_MAX */
	struct config_extra *extra;
	size_t nextra;
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

/* A period as Dovecot's settings write it: "30" or "30s", "5m", "12h",
 * "1d", "2w" (also "1 day", "2 weeks", ...), into seconds.  0 or -1. */
#define CONFIG_PERIOD_UNSET (~0ULL)
int config_parse_period(const char *text, unsigned long long *out);

void config_free(struct config *cfg);

/* Set key back to its default (test_config_unset).  -1 for an unknown
 * key. */
int config_reset(struct config *cfg, const char *key);

/* Whether text is a value of sieve_redirect_envelope_from. */
bool config_address_source_valid(const char *text);

/* virtual mailboxes: whether key names a key of this build. */
bool config_key_exists(const char *key);

/* The value of a key of a family ("sieve_env_display_name"), or NULL
 * when it is not set. */
const char *config_extra_get(const struct config *cfg, const char *key);

#endif
