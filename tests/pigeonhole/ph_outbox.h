/* ph_outbox.h: catch the mail deliver's actions send (ph_outbox.c). */
#ifndef DELIVER_PH_OUTBOX_H
#define DELIVER_PH_OUTBOX_H

#include "config.h"

/* Make a capturing sendmail in dir and point cfg's sendmail setting at
 * it. */
int ph_outbox_init(struct config *cfg, const char *dir);

/* Move what was sent since the last call into ph_suite's outbox. */
int ph_outbox_collect(void);

#endif
