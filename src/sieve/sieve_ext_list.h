/* sieve_ext_list.h: the extensions the native interpreter knows, one
 * line each: SIEVE_EXT(name) for the file src/sieve/ext_name.c that
 * defines `const struct sieve_extension sieve_ext_name`.  Included only
 * by sieve_ext_table.c (twice: declarations, then the table).  Keep the
 * lines sorted by name after the base; at most SIEVE_EXT_MAX lines. */
SIEVE_EXT(base)
SIEVE_EXT(body)
SIEVE_EXT(comparator_casemap)
SIEVE_EXT(comparator_numeric)
SIEVE_EXT(comparator_octet)
SIEVE_EXT(copy)
SIEVE_EXT(encoded_character)
SIEVE_EXT(enotify)
SIEVE_EXT(envelope)
SIEVE_EXT(ereject)
SIEVE_EXT(fileinto)
SIEVE_EXT(ihave)
SIEVE_EXT(imap4flags)
SIEVE_EXT(imapflags)
SIEVE_EXT(mailbox)
SIEVE_EXT(notify)
SIEVE_EXT(regex)
SIEVE_EXT(reject)
SIEVE_EXT(relational)
SIEVE_EXT(subaddress)
SIEVE_EXT(vacation)
SIEVE_EXT(vacation_seconds)
SIEVE_EXT(variables)
