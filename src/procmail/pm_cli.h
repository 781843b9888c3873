/* pm_cli.h: deliver --from-procmailrc [FILE] [--install[=PATH] [--force]]
 * [-c CONFIG]: the translation's command line (see deliver(1)).  The
 * script goes to stdout (or, with --install, to the user's Sieve script
 * after deliver's checker passed it), the report to stderr.  Exit codes:
 * 0 all exact, 1 some recipe differs or is not translatable, 64 usage,
 * 65 an rc procmail refuses, 66 an unreadable rc, 70 a script the
 * checker refuses, 73 the install target exists. */
#ifndef DELIVER_PM_CLI_H
#define DELIVER_PM_CLI_H

#include <stdbool.h>

/* argv asks for the translation. */
bool pm_cli_wanted(int argc, char **argv);
int pm_cli_main(int argc, char **argv);

#endif
