/* ext_special_use.c: the special-use extension (RFC 8579): the tag
 *     fileinto :specialuse <special-use-attr: string> <mailbox>
 * files into the folder that has that special use (RFC 6154: \Junk,
 * \Sent, \Trash, \Archive, \Drafts, \All, \Flagged, or "\" atom), and
 * into <mailbox> when no folder has it; and the test
 *     specialuse_exists [<mailbox: string>] <special-use-attrs: list>
 * true when every use is assigned to a folder (to that mailbox, when
 * one is named).
 *
 * Maildir keeps no SPECIAL-USE attributes, so the admin assigns them in
 * deliver.conf, one key per use, as Dovecot's mailbox { special_use }
 * blocks do: special_use_junk = Junk, special_use_sent = Sent Items
 * (the key is the use without its backslash, in any case).  An assigned
 * folder counts when it exists, or when autocreate will make it at the
 * first filing (Dovecot's auto = create).  Checks and messages follow
 * Pigeonhole 0.5.19: a constant use that is not "\" atom is a compile
 * error, one made from variables a runtime error; a constant mailbox of
 * specialuse_exists that is not UTF-8 makes the test false (with a
 * note in the log; Pigeonhole's warning), a constant fileinto mailbox
 * that is not UTF-8 is an error. */
#include <string.h>

#include "config.h"
#include "ext_mailbox.h"
#include "rfc2047.h"
#include "sieve_match.h"
#include "sieve_rt.h"
#include "sieve_vars.h"

#define USE_KEY_PREFIX "special_use_"

/* RFC 6154 section 6: "\" atom (IMAP's atom: no space, control,
 * 8-bit or atom-special); Pigeonhole also takes a lone "\". */
static bool use_valid(const char *use, size_t len)
{
	static const char specials[] = "(){%*\"\\]";

	if (len == 0 || use[0] != '\\')
		return false;
	for (size_t i = 1; i < len; i++) {
		unsigned char ch = (unsigned char)use[i];

		if (ch <= ' ' || ch >= 0x7f || strchr(specials, ch) != NULL)
			return false;
	}
	return true;
}

/* The folder deliver.conf assigns to use ("\Junk": special_use_junk,
 * compared without regard to case), or NULL. */
static const char *use_folder(const struct config *cfg, const char *use)
{
	size_t plen = strlen(USE_KEY_PREFIX);

	if (cfg == NULL)
		return NULL;
	for (size_t i = 0; i < cfg->nextra; i++) {
		const char *key = cfg->extra[i].key;

		if (strncmp(key, USE_KEY_PREFIX, plen) == 0 &&
		    strcasecmp(key + plen, use + 1) == 0 &&
		    cfg->extra[i].value[0] != '\0')
			return cfg->extra[i].value;
	}
	return NULL;
}

/* The folder that has the use now (assigned, and there or about to be
 * made), or NULL. */
static const char *use_mailbox(const struct sieve_env *env, const char *use)
{
	const char *folder = use_folder(env->cfg, use);

	if (folder == NULL)
		return NULL;
	if (env->cfg->autocreate || sieve_mailbox_exists(env, folder))
		return folder;
	return NULL;
}

static bool same_folder(const char *a, const char *b)
{
	if (strcasecmp(a, "INBOX") == 0 && strcasecmp(b, "INBOX") == 0)
		return true;
	return strcmp(a, b) == 0;
}

/* A string the script wrote as it stands (no variable to expand). */
static bool constant(struct sieve_checker *ck, const struct sieve_string *s)
{
	return !sieve_check_requires(ck, "variables") ||
	    !sieve_vars_has_refs(s->value, s->len);
}

static void check_use(struct sieve_checker *ck, const char *cmd,
    const struct sieve_string *s)
{
	if (constant(ck, s) && !use_valid(s->value, s->len))
		sieve_check_error(ck, s->pos, "%s: invalid special-use flag "
		    "`%.64s' specified", cmd, s->value);
}

/* ---- fileinto :specialuse ---- */

/* The tag's value is a special-use flag. */
static void check_specialuse_tag(struct sieve_checker *ck,
    const struct sieve_arg *tag, const struct sieve_arg *val)
{
	(void)tag;
	if (val == NULL || val->strings == NULL)
		return;
	/* the folder's name (UTF-8) is fileinto's own check */
	check_use(ck, "fileinto :specialuse", val->strings);
}

/* fileinto's folder: the one with the use, when one has it (before the
 * action is added, so that it merges with a fileinto of that folder). */
static const char *special_use_mailbox(struct sieve_rt *rt,
    const struct sieve_call *c, const char *mailbox)
{
	const struct sieve_arg *val = sieve_call_tag_value(c, "specialuse");
	const char *use, *folder;
	size_t len;

	if (val == NULL)
		return mailbox;
	if ((use = sieve_rt_string(rt, val->strings, &len)) == NULL)
		return NULL;
	if (!use_valid(use, len) || strlen(use) != len) {
		(void)sieve_rt_error(rt, c->pos, "fileinto :specialuse: "
		    "invalid special-use flag `%.64s' specified", use);
		return NULL;
	}
	if ((folder = use_mailbox(rt->env, use)) == NULL) {
		sieve_rt_trace(rt, "fileinto :specialuse %s: no folder has it, "
		    "filing into \"%s\"", use, mailbox);
		return mailbox;
	}
	sieve_rt_trace(rt, "fileinto :specialuse %s: folder \"%s\"", use,
	    folder);
	return folder;
}

/* ---- specialuse_exists ---- */

/* One or two arguments: [<mailbox: string>] <uses: string-list>. */
static void check_exists(struct sieve_checker *ck,
    const struct sieve_call *c)
{
	const struct sieve_arg *uses = c->positional[c->npositional - 1];

	if (c->npositional == 2 && c->positional[0]->kind != SIEVE_ARG_STRING) {
		sieve_check_error(ck, c->positional[0]->pos, "if a second "
		    "argument is specified for the specialuse_exists test, "
		    "the first must be a string (mailbox)");
		return;
	}
	/* a constant mailbox that is not UTF-8 is only Pigeonhole's
	 * warning: the test is false when it runs (run_exists) */
	for (const struct sieve_string *s = uses->strings; s; s = s->next)
		check_use(ck, "specialuse_exists test", s);
}

static int run_exists(struct sieve_rt *rt, const struct sieve_call *c)
{
	const char *box = NULL;
	struct sieve_strings uses;
	size_t len;

	if (c->npositional == 2) {
		if ((box = sieve_rt_string(rt, c->positional[0]->strings,
		    &len)) == NULL)
			return -1;
		if (!rfc2047_utf8_valid(box, len) || strlen(box) != len) {
			sieve_rt_note(rt, "specialuse_exists test: invalid "
			    "mailbox name specified: not UTF-8");
			return 0;
		}
		if (!sieve_mailbox_exists(rt->env, box)) {
			sieve_rt_trace(rt, "specialuse_exists: mailbox '%s' is "
			    "not accessible", box);
			return 0;
		}
	}
	if (sieve_rt_strings(rt, c->positional[c->npositional - 1],
	    &uses) < 0)
		return -1;
	for (size_t i = 0; i < uses.n; i++) {
		const char *use = sieve_rt_strndup(rt, uses.v[i], uses.len[i]);
		const char *folder;

		if (use == NULL || sieve_rt_step(rt, c->pos, 1) < 0)
			return -1;
		if (!use_valid(use, uses.len[i]) || strlen(use) != uses.len[i])
			return sieve_rt_error(rt, c->pos, "specialuse_exists "
			    "test: invalid special-use flag `%.64s' specified",
			    use);
		folder = box ? use_folder(rt->env->cfg, use) :
		    use_mailbox(rt->env, use);
		if (folder == NULL || (box && !same_folder(folder, box))) {
			sieve_rt_trace(rt, "specialuse_exists: %s is not "
			    "assigned%s%s", use, box ? " to " : "",
			    box ? box : "");
			return 0;
		}
	}
	return 1;
}

static const struct sieve_def special_use_defs[] = {
	{ "specialuse_exists", true, NULL, "sL", "mailbox|special-use flags",
	  SIEVE_NEST_NONE, false, check_exists, run_exists },
	{ NULL, false, NULL, NULL, NULL, SIEVE_NEST_NONE, false, NULL, NULL }
};

static const struct sieve_tag_add special_use_tags[] = {
	{ "fileinto", { "specialuse", SIEVE_ARGT_STRING, SIEVE_TG_PRIVATE + 1,
	  check_specialuse_tag } },
	{ NULL, { NULL, SIEVE_ARGT_NONE, 0, NULL } }
};

const struct sieve_extension sieve_ext_special_use = {
	.name = "special-use",
	.defs = special_use_defs,
	.tag_adds = special_use_tags,
	.on_mailbox = special_use_mailbox,
};
