/* vacation_reply.h: the Subject and To of a vacation reply, as Pigeonhole
 * 0.5.19 writes them.
 *
 * The subject is the script's :subject, else the configured
 * sieve_vacation_default_subject_template filled with the original
 * subject ("%$" or "%{subject}"), else "Auto: " and the original subject
 * (RFC 5230 section 5.7), else sieve_vacation_default_subject or
 * "Automated reply" when the message has none; the original is decoded
 * from RFC 2047 first, the result cut at
 * sieve_vacation_max_subject_codepoints (an ellipsis marks the cut) and
 * 8-bit text encoded again as RFC 2047 words.  The To is the sender's
 * address as one of Sender, Resent-From or From writes it (with its
 * display name), else the envelope sender in <>. */
#ifndef DELIVER_VACATION_REPLY_H
#define DELIVER_VACATION_REPLY_H

#include <stddef.h>

#include "config.h"
#include "headers.h"

/* The Subject header value into out (one header line, folded between
 * encoded words). */
void vacation_subject(const struct config *cfg,
    const struct header_index *headers, const char *explicit_subject,
    char *out, size_t outlen);

/* The To header value into out. */
void vacation_reply_to(const struct config *cfg,
    const struct header_index *headers, const char *sender, char *out,
    size_t outlen);

/* Text (in a buffer of size bytes) cut at max code points of UTF-8, the
 * last one replaced by U+2026 when cut (Dovecot's str_sanitize_utf8), in
 * place. */
void vacation_cut_codepoints(char *text, size_t size, size_t max);

/* RFC 2047 B-encoding of UTF-8 text as encoded words, folded between
 * words. */
void vacation_encode_words(const char *s, char *out, size_t outlen);

#endif
