/* version.h: deliver's version, printed by -V and given to Sieve scripts
 * as the environment item "version" (RFC 5183); debian/changelog must
 * agree with it (tests/build-deb.sh checks). */
#ifndef DELIVER_VERSION_H
#define DELIVER_VERSION_H

#define DELIVER_VERSION "0.1"

#endif
