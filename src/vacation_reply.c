/* vacation_reply.c: Subject and To of a vacation reply (see
 * vacation_reply.h). */
#include "vacation_reply.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rfc2047.h"
#include "sieve_address.h"

#define SUBJECT_MAX 8192   /* bytes of subject text handled */

/* Control characters (a folded header's line breaks) become spaces. */
static void one_line(const char *in, char *out, size_t outlen)
{
	size_t i = 0;

	for (; in && *in && i + 1 < outlen; in++)
		out[i++] = (unsigned char)*in < 0x20 || *in == 0x7f ? ' ' : *in;
	out[i] = '\0';
}

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

void vacation_encode_words(const char *s, char *out, size_t outlen)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s), o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n;) {
		size_t chunk = n - i < 45 ? n - i : 45;
		char word[128];
		size_t w = 0;

		/* do not split a UTF-8 sequence between two words */
		while (chunk < n - i && chunk > 0 &&
		    ((unsigned char)s[i + chunk] & 0xc0) == 0x80)
			chunk--;
		if (chunk == 0)
			chunk = n - i < 45 ? n - i : 45;   /* not UTF-8 */
		for (size_t j = 0; j < chunk; j += 3) {
			unsigned v = (unsigned char)s[i + j] << 16;

			if (j + 1 < chunk)
				v |= (unsigned char)s[i + j + 1] << 8;
			if (j + 2 < chunk)
				v |= (unsigned char)s[i + j + 2];
			word[w++] = b64[v >> 18 & 63];
			word[w++] = b64[v >> 12 & 63];
			word[w++] = j + 1 < chunk ? b64[v >> 6 & 63] : '=';
			word[w++] = j + 2 < chunk ? b64[v & 63] : '=';
		}
		word[w] = '\0';
		/* lines stay short: a fold between two words is no text */
		o += (size_t)snprintf(out + o, o < outlen ? outlen - o : 0,
		    "%s=?UTF-8?B?%s?=", i ? "\n " : "", word);
		if (o >= outlen) {
			out[outlen - 1] = '\0';
			return;
		}
		i += chunk;
	}
}

void vacation_cut_codepoints(char *text, size_t size, size_t max)
{
	static const char ellipsis[] = "\xe2\x80\xa6";
	size_t cps = 0, keep = 0;

	for (size_t i = 0; text[i] != '\0'; i++)
		if (((unsigned char)text[i] & 0xc0) != 0x80) {
			if (cps == (max ? max - 1 : 0))
				keep = i;
			cps++;
		}
	if (cps <= max)
		return;
	/* room for the ellipsis in a full buffer: cut code points more */
	while (keep > 0 && keep + sizeof ellipsis > size)
		while (keep > 0 &&
		    ((unsigned char)text[--keep] & 0xc0) == 0x80)
			;
	if (keep + sizeof ellipsis <= size)
		memcpy(text + keep, ellipsis, sizeof ellipsis);
}

/* The template with "%$" and "%{subject}" replaced by subject, "%%" by
 * "%", into out. */
static void expand_template(const char *tpl, const char *subject, char *out,
    size_t outlen)
{
	size_t o = 0;

	for (const char *p = tpl; *p != '\0' && o + 1 < outlen; p++) {
		const char *put = NULL;
		size_t skip = 0;

		if (p[0] == '%' && p[1] == '$')
			put = subject, skip = 1;
		else if (strncmp(p, "%{subject}", 10) == 0)
			put = subject, skip = 9;
		else if (p[0] == '%' && p[1] == '%')
			put = "%", skip = 1;
		if (put == NULL) {
			out[o++] = *p;
			continue;
		}
		o += strlcpy(out + o, put, outlen - o);
		if (o >= outlen)
			o = outlen - 1;
		p += skip;
	}
	out[o] = '\0';
}

void vacation_subject(const struct config *cfg,
    const struct header_index *headers, const char *explicit_subject,
    char *out, size_t outlen)
{
	const char *orig = header_get(headers, "Subject", 0);
	const char *tpl = cfg->sieve_vacation_default_subject_template;
	char *text = malloc(SUBJECT_MAX), *decoded = NULL;

	if (text == NULL) {
		strlcpy(out, "Automated reply", outlen);
		return;
	}
	if (explicit_subject && *explicit_subject) {
		one_line(explicit_subject, text, SUBJECT_MAX);
	} else if (orig != NULL && (decoded = rfc2047_decode(orig, false))) {
		char line[SUBJECT_MAX - 8];

		one_line(decoded + strspn(decoded, " \t"), line, sizeof line);
		if (tpl && *tpl)
			expand_template(tpl, line, text, SUBJECT_MAX);
		else
			snprintf(text, SUBJECT_MAX, "Auto: %s", line);
	} else {
		one_line(cfg->sieve_vacation_default_subject, text,
		    SUBJECT_MAX);
		if (*text == '\0')
			strlcpy(text, "Automated reply", SUBJECT_MAX);
	}
	free(decoded);
	vacation_cut_codepoints(text, SUBJECT_MAX,
	    cfg->sieve_vacation_max_subject_codepoints);
	if (is_ascii(text))
		strlcpy(out, text, outlen);
	else
		vacation_encode_words(text, out, outlen);
	free(text);
}

/* The value v written by one address whose local@domain is sender (or,
 * with ignore, any valid one): the whole value when it is the only
 * address in it, so its display name goes along. */
static bool full_address(const char *v, const char *sender, bool ignore,
    char *out, size_t outlen)
{
	struct sieve_address_list l = { 0 };
	bool found = false;
	char addr[1100];

	if (sieve_address_list_parse(v, strlen(v), &l) != 0)
		return false;
	for (size_t i = 0; i < l.n && !found; i++) {
		const struct sieve_address *a = &l.items[i];

		if (a->raw || a->domain == NULL)
			continue;
		snprintf(addr, sizeof addr, "%s@%s", a->local, a->domain);
		if (!ignore && strcasecmp(addr, sender) != 0)
			continue;
		found = true;
		if (l.n == 1 && strchr(v, '<') != NULL) {
			one_line(v + strspn(v, " \t"), out, outlen);
			for (size_t k = strlen(out); k > 0 &&
			    out[k - 1] == ' '; k--)
				out[k - 1] = '\0';
		} else {
			snprintf(out, outlen, "<%s>", addr);
		}
	}
	sieve_address_list_free(&l);
	return found;
}

void vacation_reply_to(const struct config *cfg,
    const struct header_index *headers, const char *sender, char *out,
    size_t outlen)
{
	static const char *const names[] = { "Sender", "Resent-From", "From",
		NULL };
	char safe[1100];

	for (size_t n = 0; names[n]; n++) {
		const char *v = header_get(headers, names[n], 0);

		if (v != NULL && full_address(v, sender ? sender : "",
		    cfg->sieve_vacation_to_header_ignore_envelope, out, outlen))
			return;
	}
	one_line(sender, safe, sizeof safe);
	snprintf(out, outlen, "<%s>", safe);
}
