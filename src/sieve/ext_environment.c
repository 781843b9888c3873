/* ext_environment.c: the environment extension (RFC 5183): the test
 *     environment [COMPARATOR] [MATCH-TYPE] <name: string> <keys>
 * compares the value of an item of the delivery's environment with the
 * keys; an item without a value here is false for every match type,
 * :count included (Pigeonhole's behaviour, checked by its rfc.svtest).
 *
 * Items: "domain" (the part of the user's name after "@", else of the
 * host name after its first dot when a dot follows, else the host name,
 * as Pigeonhole derives it), "host" (deliver.conf's hostname, else the
 * system's), "location" "MDA", "phase" "during", "name" "deliver" (the
 * product whose interpreter runs the script: deliver's own, not
 * Pigeonhole's "Pigeonhole Sieve"), "version" (deliver's), and
 * "remote-host" / "remote-ip" when the MTA named the SMTP client.  With
 * vnd.dovecot.environment: "vnd.dovecot.default-mailbox" (the folder
 * the implicit keep files into), "vnd.dovecot.username", and
 * "vnd.dovecot.config.NAME" (deliver.conf's key sieve_env_NAME, as
 * Pigeonhole reads its sieve_env_NAME settings). */
#include "ext_environment.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "sieve_match.h"
#include "version.h"

#define HOST_MAX 256
#define VND_PREFIX "vnd.dovecot."
#define CONFIG_ITEM "config"

static const char *host_of(struct sieve_rt *rt)
{
	const struct config *cfg = rt->env->cfg;
	char host[HOST_MAX];

	if (cfg != NULL && cfg->hostname != NULL && cfg->hostname[0] != '\0')
		return cfg->hostname;
	if (gethostname(host, sizeof host) < 0)
		return NULL;
	host[sizeof host - 1] = '\0';
	return sieve_rt_strndup(rt, host, strlen(host));
}

static const char *domain_of(struct sieve_rt *rt)
{
	const char *user = rt->env->username, *host = host_of(rt), *p;

	if (user != NULL && (p = strchr(user, '@')) != NULL && p[1] != '\0')
		return p + 1;
	if (host == NULL)
		return NULL;
	if ((p = strchr(host, '.')) != NULL && p[1] != '\0' &&
	    strchr(p + 1, '.') != NULL)
		return p + 1;
	return host;
}

/* The vnd.dovecot.* items (name without the prefix). */
static const char *vnd_item(struct sieve_rt *rt, const char *name)
{
	const struct sieve_env *env = rt->env;
	char key[128];

	if (strcmp(name, "default-mailbox") == 0)
		return env->default_mailbox != NULL &&
		    env->default_mailbox[0] != '\0' ? env->default_mailbox :
		    "INBOX";
	if (strcmp(name, "username") == 0)
		return env->username;
	if (strncmp(name, CONFIG_ITEM ".", strlen(CONFIG_ITEM) + 1) == 0 &&
	    env->cfg != NULL) {
		name += strlen(CONFIG_ITEM) + 1;
		if (*name == '\0' || snprintf(key, sizeof key, "sieve_env_%s",
		    name) >= (int)sizeof key)
			return NULL;
		return config_extra_get(env->cfg, key);
	}
	return NULL;
}

const char *sieve_environment_item(struct sieve_rt *rt, const char *name)
{
	const struct sieve_env *env = rt->env;

	if (strcmp(name, "domain") == 0)
		return domain_of(rt);
	if (strcmp(name, "host") == 0)
		return host_of(rt);
	if (strcmp(name, "location") == 0)
		return "MDA";
	if (strcmp(name, "phase") == 0)
		return "during";
	if (strcmp(name, "name") == 0)
		return SIEVE_ENVIRONMENT_NAME;
	if (strcmp(name, "version") == 0)
		return DELIVER_VERSION;
	if (strcmp(name, "remote-host") == 0)
		return env->remote_host;
	if (strcmp(name, "remote-ip") == 0)
		return env->remote_ip;
	if (strncmp(name, VND_PREFIX, strlen(VND_PREFIX)) == 0 &&
	    sieve_rt_requires(rt, "vnd.dovecot.environment"))
		return vnd_item(rt, name + strlen(VND_PREFIX));
	return NULL;
}

static const struct sieve_tag environment_tags[] = {
	SIEVE_MATCH_TAGS,
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

static int run_environment(struct sieve_rt *rt, const struct sieve_call *c)
{
	const char *name, *value;
	size_t nlen, vlen;
	struct sieve_strings values = { &value, &vlen, 1 }, keys;

	if ((name = sieve_rt_string(rt, c->positional[0]->strings,
	    &nlen)) == NULL || sieve_rt_step(rt, c->pos, 1) < 0)
		return -1;
	value = strlen(name) == nlen ? sieve_environment_item(rt, name) :
	    NULL;
	if (value == NULL) {
		sieve_rt_trace(rt, "environment: no item '%.100s'", name);
		return rt->error ? -1 : 0;
	}
	sieve_rt_trace(rt, "environment: '%.100s' is '%.200s'", name, value);
	vlen = strlen(value);
	if (sieve_rt_strings(rt, c->positional[1], &keys) < 0)
		return -1;
	return sieve_rt_match(rt, c, &values, &keys);
}

static const struct sieve_def environment_defs[] = {
	{ "environment", true, environment_tags, "SL", "name|key list",
	  SIEVE_NEST_NONE, false, sieve_check_match_args, run_environment },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

const struct sieve_extension sieve_ext_environment = {
	.name = "environment",
	.defs = environment_defs,
};
