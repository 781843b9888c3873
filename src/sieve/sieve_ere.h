/* sieve_ere.h: POSIX extended regular expressions (as glibc's regcomp
 * with REG_EXTENDED reads them, which is what Pigeonhole uses) rewritten
 * as PCRE2 patterns, so that :regex keys mean in deliver what they mean
 * in Pigeonhole while PCRE2 (with its match limits) runs them. */
#ifndef DELIVER_SIEVE_ERE_H
#define DELIVER_SIEVE_ERE_H

#include <stdbool.h>
#include <stddef.h>

/* The PCRE2 pattern for an ERE of len bytes (read up to a NUL, as regcomp
 * reads a C string): malloced, NUL-terminated, its length in *outlen; or
 * NULL with the reason in err (glibc's wording where glibc would refuse
 * the pattern; "out of memory").  Compile the result with PCRE2_DOTALL and
 * PCRE2_DOLLAR_ENDONLY (no REG_NEWLINE: "." and "[^a]" match a newline,
 * "$" only the very end).  icase: the pattern will run caseless (as with
 * REG_ICASE, where glibc reads a bracket's range ends in lower case, so
 * that "[a-V]" is "[a-v]" and "[Z-a]" an error). */
char *sieve_ere_to_pcre2(const char *ere, size_t len, bool icase,
                         size_t *outlen, char *err, size_t errlen);

#endif
