/* log.h: syslog (facility mail, ident "deliver") and stderr.
 *
 * Every line that carries text from a message, an address or a script goes
 * through log_escape() first, so no control character or newline from
 * untrusted input reaches a log and no log line can be forged. */
#ifndef DELIVER_LOG_H
#define DELIVER_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

/* Start logging.  to_stderr: also print every line on stderr. */
void log_open(bool to_stderr);

/* Whether log lines also go to stderr (-e, or stderr is a terminal). */
bool log_to_stderr(void);

/* One log line at priority (LOG_INFO, LOG_ERR, ...).  The format's own
 * text is trusted; pass untrusted strings through log_escape. */
void log_line(int priority, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The same, to syslog only: for lines whose gist main() already prints on
 * stderr (failures), so that an MTA quoting stderr sees one line. */
void log_syslog(int priority, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Escape untrusted text for a log line: control and 8-bit characters as
 * \ooo octal (strnvis), cut to fit outlen.  Returns out. */
const char *log_escape(const char *text, char *out, size_t outlen);

#endif
