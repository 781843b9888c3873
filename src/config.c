/* config.c: deliver.conf and -o overrides (see config.h). */
#include "config.h"
#include "quota.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum key_type { KEY_STRING, KEY_BOOL, KEY_CHAR, KEY_UINT, KEY_SIZE, KEY_ENUM,
	KEY_QUOTA /* quota: a string that must parse as a quota */,
	KEY_PERIOD /* seconds as Dovecot writes them ("1d"); "" = unset */,
	KEY_ADDRSRC /* a string config_address_source_valid accepts */ };

struct config_key {
	const char *name;
	enum key_type type;
	size_t offset;
	const char *fallback;       /* default, parsed like a configured value */
	const char *const *choices; /* KEY_ENUM: names, index = enum value */
	unsigned long long max;     /* KEY_UINT: largest accepted value */
};

static const char *const subscription_formats[] = { "dovecot", "courier", NULL };
static const char *const quota_full_modes[] = { "tempfail", "bounce", NULL }; /* quota */
static const char *const store_unavailable_modes[] = { "deliver", "defer",
	NULL };   /* enum store_unavailable */
static const char *const reject_modes[] = { "exit", "mail", NULL }; /* sieve */
static const char *const sieve_engines[] = { "native", "libsieve", NULL };
static const char *const spamtest_types[] = { "score", "strlen", "text",
	NULL };   /* enum spamtest_status_type */
static const char *const maildir_network_modes[] = { "auto", "yes", "no",
	NULL };   /* nfs */

#define FIELD(f) offsetof(struct config, f)

static const struct config_key config_keys[] = {
	/* delivery core */
	{ "maildir", KEY_STRING, FIELD(maildir), "~/Maildir", NULL, 0 },
	{ "sendmail", KEY_STRING, FIELD(sendmail), "/usr/sbin/sendmail", NULL, 0 },
	{ "autocreate", KEY_BOOL, FIELD(autocreate), "yes", NULL, 0 },
	{ "autosubscribe", KEY_BOOL, FIELD(autosubscribe), "yes", NULL, 0 },
	{ "subscription_format", KEY_ENUM, FIELD(subscription_format), "dovecot",
	  subscription_formats, 0 },
	{ "utf8_folders", KEY_BOOL, FIELD(utf8_folders), "no", NULL, 0 },
	{ "folder_separator", KEY_CHAR, FIELD(folder_separator), ".", NULL, 0 },
	{ "add_return_path", KEY_BOOL, FIELD(add_return_path), "yes", NULL, 0 },
	{ "add_delivered_to", KEY_BOOL, FIELD(add_delivered_to), "yes", NULL, 0 },
	{ "loop_check", KEY_BOOL, FIELD(loop_check), "yes", NULL, 0 },
	{ "recipient_delimiter", KEY_STRING, FIELD(recipient_delimiter), "+", NULL, 0 },
	{ "hostname", KEY_STRING, FIELD(hostname), "", NULL, 0 },
	{ "maildir_network", KEY_ENUM, FIELD(maildir_network), "auto",
	  maildir_network_modes, 0 },

	/* sieve */
	{ "sieve", KEY_STRING, FIELD(sieve), "", NULL, 0 },
	{ "sieve_before", KEY_STRING, FIELD(sieve_before), "", NULL, 0 },
	{ "sieve_after", KEY_STRING, FIELD(sieve_after), "", NULL, 0 },
	{ "sieve_before2", KEY_STRING, FIELD(sieve_before2), "", NULL, 0 },
	{ "sieve_before3", KEY_STRING, FIELD(sieve_before3), "", NULL, 0 },
	{ "sieve_after2", KEY_STRING, FIELD(sieve_after2), "", NULL, 0 },
	{ "sieve_after3", KEY_STRING, FIELD(sieve_after3), "", NULL, 0 },
	{ "sieve_user_log", KEY_STRING, FIELD(sieve_user_log), "", NULL, 0 },
	{ "sieve_cpu_limit", KEY_UINT, FIELD(sieve_cpu_limit), "10", NULL, 3600 },
	{ "sieve_memory_limit", KEY_SIZE, FIELD(sieve_memory_limit), "256M",
	  NULL, 0 },
	{ "sieve_timeout", KEY_UINT, FIELD(sieve_timeout), "30", NULL, 3600 },
	{ "sieve_max_redirects", KEY_UINT, FIELD(sieve_max_redirects), "4",
	  NULL, 64 },
	{ "reject_mode", KEY_ENUM, FIELD(reject_mode), "exit", reject_modes, 0 },
	/* Pigeonhole's names; unset: vacation_min_days / vacation_max_days */
	{ "sieve_vacation_min_period", KEY_PERIOD,
	  FIELD(sieve_vacation_min_period), "", NULL, 0 },
	{ "sieve_vacation_max_period", KEY_PERIOD,
	  FIELD(sieve_vacation_max_period), "", NULL, 0 },
	{ "vacation_min_days", KEY_UINT, FIELD(vacation_min_days), "1", NULL,
	  3650 },
	{ "vacation_max_days", KEY_UINT, FIELD(vacation_max_days), "0", NULL,
	  3650 },
	{ "sieve_engine", KEY_ENUM, FIELD(sieve_engine), "native",
	  sieve_engines, 0 },
	{ "sieve_max_actions", KEY_UINT, FIELD(sieve_max_actions), "32", NULL,
	  10000 },
	{ "sieve_max_script_size", KEY_SIZE, FIELD(sieve_max_script_size),
	  "1M", NULL, 0 },
	{ "sieve_max_cpu_time", KEY_UINT, FIELD(sieve_max_cpu_time), "30",
	  NULL, 3600 },
	{ "sieve_variables_max_scope_size", KEY_UINT,
	  FIELD(sieve_variables_max_scope_size), "255", NULL, 100000 },
	{ "sieve_variables_max_variable_size", KEY_UINT,
	  FIELD(sieve_variables_max_variable_size), "4096", NULL, 1048576 },
	{ "sieve_regex_match_limit", KEY_UINT, FIELD(sieve_regex_match_limit),
	  "100000", NULL, 100000000 },
	{ "sieve_max_steps", KEY_UINT, FIELD(sieve_max_steps), "10000000",
	  NULL, 4000000000u },
	{ "sieve_max_memory", KEY_SIZE, FIELD(sieve_max_memory), "64M", NULL,
	  0 },
	{ "sieve_body_max", KEY_SIZE, FIELD(sieve_body_max), "1M", NULL, 0 },
	{ "sieve_redirect_envelope_from", KEY_ADDRSRC,
	  FIELD(sieve_redirect_envelope_from), "sender", NULL, 0 },
	{ "sieve_notify_mailto_envelope_from", KEY_ADDRSRC,
	  FIELD(sieve_notify_mailto_envelope_from), "", NULL, 0 },
	{ "sieve_user_email", KEY_STRING, FIELD(sieve_user_email), "", NULL,
	  0 },
	{ "postmaster_address", KEY_STRING, FIELD(postmaster_address), "",
	  NULL, 0 },
	{ "sieve_vacation_dont_check_recipient", KEY_BOOL,
	  FIELD(sieve_vacation_dont_check_recipient), "no", NULL, 0 },
	{ "sieve_vacation_use_original_recipient", KEY_BOOL,
	  FIELD(sieve_vacation_use_original_recipient), "no", NULL, 0 },
	{ "sieve_vacation_send_from_recipient", KEY_BOOL,
	  FIELD(sieve_vacation_send_from_recipient), "no", NULL, 0 },
	{ "sieve_vacation_default_subject", KEY_STRING,
	  FIELD(sieve_vacation_default_subject), "", NULL, 0 },
	{ "sieve_vacation_default_subject_template", KEY_STRING,
	  FIELD(sieve_vacation_default_subject_template), "", NULL, 0 },
	{ "sieve_vacation_max_subject_codepoints", KEY_UINT,
	  FIELD(sieve_vacation_max_subject_codepoints), "256", NULL, 1024 },
	{ "sieve_vacation_to_header_ignore_envelope", KEY_BOOL,
	  FIELD(sieve_vacation_to_header_ignore_envelope), "no", NULL, 0 },
	/* editheader, Pigeonhole's names: header names, space separated;
	 * the size is parsed where it is used ("" = 2048, below 1024
	 * ignored, as Pigeonhole does) */
	{ "sieve_editheader_protected", KEY_STRING,
	  FIELD(sieve_editheader_protected), "", NULL, 0 },
	{ "sieve_editheader_forbid_add", KEY_STRING,
	  FIELD(sieve_editheader_forbid_add), "", NULL, 0 },
	{ "sieve_editheader_forbid_delete", KEY_STRING,
	  FIELD(sieve_editheader_forbid_delete), "", NULL, 0 },
	{ "sieve_editheader_max_header_size", KEY_STRING,
	  FIELD(sieve_editheader_max_header_size), "", NULL, 0 },
	{ "sieve_dir", KEY_STRING, FIELD(sieve_dir), "~/sieve", NULL, 0 },
	{ "sieve_global", KEY_STRING, FIELD(sieve_global),
	  "/etc/deliver/sieve", NULL, 0 },
	/* capped: the nesting is the depth of the checker's and the
	 * interpreter's recursion */
	{ "sieve_include_max_nesting_depth", KEY_UINT,
	  FIELD(sieve_include_max_nesting_depth), "10", NULL, 32 },
	{ "sieve_include_max_includes", KEY_UINT,
	  FIELD(sieve_include_max_includes), "255", NULL, 10000 },
	{ "sieve_default", KEY_STRING, FIELD(sieve_default), "", NULL, 0 },
	{ "sieve_discard", KEY_STRING, FIELD(sieve_discard), "", NULL, 0 },
	{ "sieve_duplicate_default_period", KEY_PERIOD,
	  FIELD(sieve_duplicate_default_period), "12h", NULL, 0 },
	{ "sieve_duplicate_max_period", KEY_PERIOD,
	  FIELD(sieve_duplicate_max_period), "2d", NULL, 0 },
	/* spamtest/spamtestplus, virustest (RFC 5235) */
#define SPAMVIRUS_KEYS(ext) \
	{ "sieve_" #ext "_status_header", KEY_STRING, \
	  FIELD(sieve_##ext##_status_header), "", NULL, 0 }, \
	{ "sieve_" #ext "_status_type", KEY_ENUM, \
	  FIELD(sieve_##ext##_status_type), "score", spamtest_types, 0 }, \
	{ "sieve_" #ext "_max_header", KEY_STRING, \
	  FIELD(sieve_##ext##_max_header), "", NULL, 0 }, \
	{ "sieve_" #ext "_max_value", KEY_STRING, \
	  FIELD(sieve_##ext##_max_value), "", NULL, 0 }
#define TEXT_VALUE(ext, n) \
	{ "sieve_" #ext "_text_value" #n, KEY_STRING, \
	  FIELD(sieve_##ext##_text_value[n]), "", NULL, 0 }
	SPAMVIRUS_KEYS(spamtest),
	TEXT_VALUE(spamtest, 0), TEXT_VALUE(spamtest, 1),
	TEXT_VALUE(spamtest, 2), TEXT_VALUE(spamtest, 3),
	TEXT_VALUE(spamtest, 4), TEXT_VALUE(spamtest, 5),
	TEXT_VALUE(spamtest, 6), TEXT_VALUE(spamtest, 7),
	TEXT_VALUE(spamtest, 8), TEXT_VALUE(spamtest, 9),
	TEXT_VALUE(spamtest, 10),
	SPAMVIRUS_KEYS(virustest),
	TEXT_VALUE(virustest, 0), TEXT_VALUE(virustest, 1),
	TEXT_VALUE(virustest, 2), TEXT_VALUE(virustest, 3),
	TEXT_VALUE(virustest, 4), TEXT_VALUE(virustest, 5),

	/* quota */
	{ "quota", KEY_QUOTA, FIELD(quota), "", NULL, 0 },
	{ "quota_full", KEY_ENUM, FIELD(quota_full), "tempfail",
	  quota_full_modes, 0 },
	{ "quota_full_message", KEY_STRING, FIELD(quota_full_message),
	  "Quota exceeded", NULL, 0 },
	{ "quota_warn", KEY_UINT, FIELD(quota_warn), "90", NULL, 100 },
	{ "quota_warn_message", KEY_STRING, FIELD(quota_warn_message), "",
	  NULL, 0 },

	/* store */
	{ "store", KEY_STRING, FIELD(store), "deliver.db", NULL, 0 },
	{ "store_timeout", KEY_UINT, FIELD(store_timeout), "5", NULL, 3600 },
	{ "store_unavailable", KEY_ENUM, FIELD(store_unavailable), "deliver",
	  store_unavailable_modes, 0 },
	{ "dedup", KEY_BOOL, FIELD(dedup), "yes", NULL, 0 },
	{ "dedup_days", KEY_UINT, FIELD(dedup_days), "3", NULL, 3650 },
	{ "delivery_log", KEY_BOOL, FIELD(delivery_log), "yes", NULL, 0 },
	{ "log_days", KEY_UINT, FIELD(log_days), "30", NULL, 36500 },

	/* virtual mailboxes */
	{ "mailbox_map", KEY_STRING, FIELD(mailbox_map), "", NULL, 0 },
	{ "mailbox_base", KEY_STRING, FIELD(mailbox_base), "", NULL, 0 },
};

#define NKEYS (sizeof config_keys / sizeof config_keys[0])

static const struct config_key *find_key(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(config_keys[i].name, name) == 0)
			return &config_keys[i];
	return NULL;
}

/* ---- families: a prefix and a name of the admin's choice ---- */

static const char *const families[] = { CONFIG_FAMILIES, NULL };

/* Whether key is prefix + a name: letters, digits, '_', '-', '.' (a
 * key can hold nothing a config line could not). */
static bool family_key(const char *key)
{
	for (size_t i = 0; families[i]; i++) {
		size_t n = strlen(families[i]);

		if (strncmp(key, families[i], n) == 0 && key[n] != '\0' &&
		    strlen(key) <= 128 &&
		    strspn(key + n, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") ==
		    strlen(key + n))
			return true;
	}
	return false;
}

static struct config_extra *extra_find(const struct config *cfg,
    const char *key)
{
	for (size_t i = 0; i < cfg->nextra; i++)
		if (strcmp(cfg->extra[i].key, key) == 0)
			return &cfg->extra[i];
	return NULL;
}

const char *config_extra_get(const struct config *cfg, const char *key)
{
	const struct config_extra *e = extra_find(cfg, key);

	return e ? e->value : NULL;
}

static int extra_set(struct config *cfg, const char *key, const char *value,
    char *err, size_t errlen)
{
	struct config_extra *e = extra_find(cfg, key), *grown;
	char *copy = strdup(value);

	if (copy == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (e != NULL) {
		free(e->value);
		e->value = copy;
		return 0;
	}
	if (cfg->nextra >= CONFIG_EXTRA_MAX) {
		free(copy);
		snprintf(err, errlen, "more than %d keys of the families %s",
		    CONFIG_EXTRA_MAX, "sieve_env_*, special_use_*");
		return -1;
	}
	grown = reallocarray(cfg->extra, cfg->nextra + 1, sizeof *grown);
	if (grown == NULL || (grown[cfg->nextra].key = strdup(key)) == NULL) {
		if (grown != NULL)
			cfg->extra = grown;
		free(copy);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	cfg->extra = grown;
	grown[cfg->nextra++].value = copy;
	return 0;
}

static int extra_reset(struct config *cfg, const char *key)
{
	struct config_extra *e = extra_find(cfg, key);

	if (e != NULL) {
		free(e->key);
		free(e->value);
		*e = cfg->extra[--cfg->nextra];
	}
	return 0;
}

/* virtual mailboxes */
bool config_key_exists(const char *key)
{
	return find_key(key) != NULL || family_key(key);
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };

	for (int i = 0; yes[i]; i++)
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, 0;
	for (int i = 0; no[i]; i++)
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, 0;
	return -1;
}

int config_parse_size(const char *text, unsigned long long *out)
{
	char *end;
	unsigned long long v, mult = 1;

	if (!isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 'T': mult <<= 10; /* fall through */
	case 'G': mult <<= 10; /* fall through */
	case 'M': mult <<= 10; /* fall through */
	case 'K': mult <<= 10; end++; break;
	case 'B': end++; break;
	default: break;
	}
	if (*end != '\0' || (v && mult > UINT64_MAX / v))
		return -1;
	*out = v * mult;
	return 0;
}

int config_parse_period(const char *text, unsigned long long *out)
{
	static const struct { const char *unit; unsigned long long mult; }
	    units[] = {
		{ "", 1 }, { "s", 1 }, { "sec", 1 }, { "secs", 1 },
		{ "second", 1 }, { "seconds", 1 }, { "m", 60 }, { "min", 60 },
		{ "mins", 60 }, { "minute", 60 }, { "minutes", 60 },
		{ "h", 3600 }, { "hour", 3600 }, { "hours", 3600 },
		{ "d", 86400 }, { "day", 86400 }, { "days", 86400 },
		{ "w", 604800 }, { "week", 604800 }, { "weeks", 604800 },
	};
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno)
		return -1;
	while (*end == ' ')
		end++;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcasecmp(end, units[i].unit) == 0) {
			if (v > UINT64_MAX / units[i].mult)
				return -1;
			*out = v * units[i].mult;
			return 0;
		}
	return -1;
}

static int set_enum(const struct config_key *k, void *field, const char *v)
{
	for (int i = 0; k->choices[i]; i++)
		if (strcasecmp(v, k->choices[i]) == 0)
			return *(int *)field = i, 0;
	return -1;
}

/* A copy of v without its surrounding blanks, lower-cased (as Pigeonhole
 * reads an address source), into the string field. */
static int set_lowered(void *field, const char *v)
{
	size_t n;
	char *copy;

	v += strspn(v, " \t");
	n = strlen(v);
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if ((copy = strndup(v, n)) == NULL)
		return -1;
	for (char *p = copy; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	free(*(char **)field);
	*(char **)field = copy;
	return 0;
}

bool config_address_source_valid(const char *text)
{
	static const char *const names[] = { "", "default", "sender",
		"recipient", "orig_recipient", "user_email", "postmaster", NULL };
	size_t n;

	text += strspn(text, " \t");
	n = strlen(text);
	while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	for (size_t i = 0; names[i]; i++)
		if (strlen(names[i]) == n && strncasecmp(text, names[i], n) == 0)
			return true;
	/* an explicit path: "<>" or "<local@domain>", nothing blank inside */
	if (n < 2 || text[0] != '<' || text[n - 1] != '>')
		return false;
	for (size_t i = 1; i + 1 < n; i++)
		if ((unsigned char)text[i] <= ' ' || text[i] == '<' ||
		    text[i] == '>' || text[i] == 0x7f)
			return false;
	return n == 2 || (memchr(text, '@', n) != NULL && text[1] != '@' &&
	    text[n - 2] != '@');
}

/* Store value into the field described by k; -1 if it does not parse. */
static int set_typed(struct config *cfg, const struct config_key *k,
    const char *v)
{
	void *field = (char *)cfg + k->offset;
	unsigned long long n;
	char *copy;

	switch (k->type) {
	case KEY_ADDRSRC:
		if (!config_address_source_valid(v))
			return -1;
		return set_lowered(field, v);
	case KEY_QUOTA: /* quota */
		if (!quota_config_valid(v))
			return -1;
		/* fall through */
	case KEY_STRING:
		if ((copy = strdup(v)) == NULL)
			return -1;
		free(*(char **)field);
		*(char **)field = copy;
		return 0;
	case KEY_BOOL:
		return parse_bool(v, field);
	case KEY_CHAR:
		if (strlen(v) != 1 || !ispunct((unsigned char)v[0]))
			return -1;
		*(char *)field = v[0];
		return 0;
	case KEY_UINT:
		if (config_parse_size(v, &n) < 0 || !isdigit((unsigned char)
		    v[strlen(v) - 1]) || n > k->max)
			return -1;
		*(unsigned *)field = (unsigned)n;
		return 0;
	case KEY_SIZE:
		if (config_parse_size(v, &n) < 0)
			return -1;
		*(unsigned long long *)field = n;
		return 0;
	case KEY_ENUM:
		return set_enum(k, field, v);
	case KEY_PERIOD:
		if (*v == '\0')
			n = CONFIG_PERIOD_UNSET;
		else if (config_parse_period(v, &n) < 0 ||
		    n == CONFIG_PERIOD_UNSET)
			return -1;
		*(unsigned long long *)field = n;
		return 0;
	}
	return -1;
}

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < NKEYS; i++)
		if (set_typed(cfg, &config_keys[i], config_keys[i].fallback) < 0)
			abort(); /* a bad default is a programming error */
}

int config_set(struct config *cfg, const char *key, const char *value,
    char *err, size_t errlen)
{
	const struct config_key *k = find_key(key);

	if (k == NULL && family_key(key))
		return extra_set(cfg, key, value, err, errlen);
	if (k == NULL) {
		snprintf(err, errlen, "unknown key \"%s\"", key);
		return -1;
	}
	if (set_typed(cfg, k, value) < 0) {
		snprintf(err, errlen, "bad value \"%s\" for %s", value, key);
		return -1;
	}
	return 0;
}

int config_reset(struct config *cfg, const char *key)
{
	const struct config_key *k = find_key(key);

	if (k == NULL && family_key(key))
		return extra_reset(cfg, key);
	return k == NULL ? -1 : set_typed(cfg, k, k->fallback);
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* Split "key = value" in place. Returns -1 when there is no '='. */
static int split_pair(char *line, char **key, char **value)
{
	char *eq = strchr(line, '=');

	if (eq == NULL)
		return -1;
	*eq = '\0';
	*key = trim(line);
	*value = trim(eq + 1);
	return **key ? 0 : -1;
}

int config_set_pair(struct config *cfg, const char *pair, char *err,
    size_t errlen)
{
	char *copy = strdup(pair), *key, *value;
	int rc;

	if (copy == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (split_pair(copy, &key, &value) < 0) {
		snprintf(err, errlen, "\"%s\" is not KEY=VALUE", pair);
		rc = -1;
	} else {
		rc = config_set(cfg, key, value, err, errlen);
	}
	free(copy);
	return rc;
}

static int load_line(struct config *cfg, char *line, char *err, size_t errlen)
{
	char *key, *value, *text = trim(line);

	if (*text == '\0' || *text == '#')
		return 0;
	if (split_pair(text, &key, &value) < 0) {
		snprintf(err, errlen, "expected \"key = value\"");
		return -1;
	}
	return config_set(cfg, key, value, err, errlen);
}

int config_load(struct config *cfg, const char *path, bool must_exist,
    char *err, size_t errlen)
{
	FILE *fp = fopen(path, "re");
	char *line = NULL, why[400];
	size_t cap = 0;
	unsigned lineno = 0;
	int rc = 0;

	if (fp == NULL) {
		if (errno == ENOENT && !must_exist)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	ssize_t len;

	while (rc == 0 && (len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		if ((size_t)len != strlen(line)) {
			snprintf(err, errlen, "%s:%u: NUL byte", path, lineno);
			rc = -1;
		} else if (load_line(cfg, line, why, sizeof why) < 0) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
			rc = -1;
		}
	}
	if (rc == 0 && ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(fp);
	return rc;
}

void config_free(struct config *cfg)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (config_keys[i].type == KEY_STRING ||
		    config_keys[i].type == KEY_QUOTA ||
		    config_keys[i].type == KEY_ADDRSRC) {
			char **field = (char **)((char *)cfg + config_keys[i].offset);
			free(*field);
			*field = NULL;
		}
	for (size_t i = 0; i < cfg->nextra; i++) {
		free(cfg->extra[i].key);
		free(cfg->extra[i].value);
	}
	free(cfg->extra);
	cfg->extra = NULL;
	cfg->nextra = 0;
}
