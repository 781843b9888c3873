/* store.c: deliver.db (see store.h).  Until the store lands, a stub: no
 * tracking, so vacation replies are always due and redirects never seen. */
#include "store.h"

bool store_vacation_due(struct store *st, const char *sender,
    const char *handle, unsigned days)
{
	(void)st, (void)sender, (void)handle, (void)days;
	return true;
}

int store_vacation_sent(struct store *st, const char *sender,
    const char *handle)
{
	(void)st, (void)sender, (void)handle;
	return 0;
}

bool store_redirect_done(struct store *st, const char *message_id,
    const char *target)
{
	(void)st, (void)message_id, (void)target;
	return false;
}

int store_redirect_sent(struct store *st, const char *message_id,
    const char *target)
{
	(void)st, (void)message_id, (void)target;
	return 0;
}
