/* ext_envelope.c: the "envelope" extension (RFC 5228 section 5.4): the
 * test envelope [COMPARATOR] [ADDRESS-PART] [MATCH-TYPE] <envelope-part>
 * <key-list> against the SMTP sender ("from") and recipient ("to").
 *
 * As Pigeonhole 0.5.19 does it: part names are compared without case and
 * an unknown constant part is an error when the script is checked; the
 * null reverse-path is the empty string whatever the address part; a
 * path that does not parse gives no value at all (so not even :contains
 * "" matches); a part an address lacks (:detail without a delimiter)
 * gives no value.  Pigeonhole's non-standard "auth" part is the SMTP
 * AUTH user (sieve_env's auth), taken as it is, never parsed as an
 * address; a local delivery is told none, so it has no value, as
 * Pigeonhole's for an unauthenticated message. */
#include <string.h>
#include <strings.h>

#include "sieve_match.h"
#include "sieve_rt.h"

static bool part_known(const char *name)
{
	return strcasecmp(name, "from") == 0 || strcasecmp(name, "to") == 0 ||
	    strcasecmp(name, "auth") == 0;
}

static void check_envelope(struct sieve_checker *ck,
    const struct sieve_call *c)
{
	for (const struct sieve_string *s = c->positional[0]->strings; s;
	    s = s->next)
		if (!(sieve_check_requires(ck, "variables") &&
		    strstr(s->value, "${") != NULL) && !part_known(s->value))
			sieve_check_error(ck, s->pos, "specified envelope part "
			    "'%s' is not supported by the envelope test",
			    s->value);
	sieve_check_match_args(ck, c);   /* comparator, :regex keys */
}

/* The envelope paths the parts name, the null reverse-path left out
 * (*null_from set instead): at most one sender and one recipient.
 * *auth: whether "auth" is among the parts. */
static int envelope_paths(struct sieve_rt *rt, const struct sieve_call *c,
    const char **v, size_t *len, size_t *n, bool *null_from, bool *auth)
{
	struct sieve_strings parts;
	bool from = false, to = false;

	*n = 0;
	*null_from = false;
	*auth = false;
	if (sieve_rt_strings(rt, c->positional[0], &parts) < 0)
		return -1;
	for (size_t i = 0; i < parts.n; i++) {
		from |= parts.len[i] == 4 &&
		    strncasecmp(parts.v[i], "from", 4) == 0;
		to |= parts.len[i] == 2 && strncasecmp(parts.v[i], "to", 2) == 0;
		*auth |= parts.len[i] == 4 &&
		    strncasecmp(parts.v[i], "auth", 4) == 0;
	}
	if (from) {
		const char *s = rt->env->sender ? rt->env->sender : "";

		if (*s == '\0')
			*null_from = true;
		else
			v[*n] = s, len[(*n)++] = strlen(s);
	}
	if (to && rt->env->recipient != NULL && *rt->env->recipient != '\0') {
		v[*n] = rt->env->recipient;
		len[(*n)++] = strlen(rt->env->recipient);
	}
	return 0;
}

static int run_envelope(struct sieve_rt *rt, const struct sieve_call *c)
{
	const char *pv[2];
	size_t plen[2], n, *len;
	struct sieve_strings paths = { pv, plen, 0 }, keys, parts, values;
	const char **v;
	const char *auth_user = rt->env->auth;
	bool null_from, auth;

	if (envelope_paths(rt, c, pv, plen, &n, &null_from, &auth) < 0 ||
	    sieve_rt_strings(rt, c->positional[1], &keys) < 0)
		return -1;
	paths.n = n;
	if (sieve_rt_address_values(rt, c, &paths, true, &parts) < 0)
		return -1;
	/* RFC 5228 section 5.4: the null reverse-path is "" whatever the
	 * address part */
	v = sieve_rt_alloc(rt, (parts.n + 2) * sizeof *v);
	len = sieve_rt_alloc(rt, (parts.n + 2) * sizeof *len);
	if (v == NULL || len == NULL)
		return -1;
	for (size_t i = 0; i < parts.n; i++)
		v[i] = parts.v[i], len[i] = parts.len[i];
	values.n = parts.n;
	if (null_from)
		v[values.n] = "", len[values.n++] = 0;
	if (auth && auth_user != NULL)
		v[values.n] = auth_user, len[values.n++] = strlen(auth_user);
	values.v = v;
	values.len = len;
	return sieve_rt_match(rt, c, &values, &keys);
}

static const struct sieve_tag envelope_tags[] = {
	SIEVE_MATCH_TAGS,
	{ "all", SIEVE_ARGT_NONE, SIEVE_TG_ADDRPART, NULL },
	{ "localpart", SIEVE_ARGT_NONE, SIEVE_TG_ADDRPART, NULL },
	{ "domain", SIEVE_ARGT_NONE, SIEVE_TG_ADDRPART, NULL },
	{ NULL, SIEVE_ARGT_NONE, 0, NULL }
};

static const struct sieve_def envelope_defs[] = {
	{ "envelope", true, envelope_tags, "LL", "envelope part|key list",
	  SIEVE_NEST_NONE, false, check_envelope, run_envelope },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

const struct sieve_extension sieve_ext_envelope = {
	.name = "envelope",
	.defs = envelope_defs,
};
