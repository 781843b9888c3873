/* libFuzzer target: folder names.  Whatever the name, the result is INBOX
 * or one safe path component ".X[.Y]" and never leaves the Maildir; every
 * level that encodes decodes back to itself. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "folder.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_dirname(const char *dir)
{
	size_t len = strlen(dir);

	if (len == 0)
		return;
	if (dir[0] != '.' || len > NAME_MAX || strchr(dir, '/') ||
	    strstr(dir, "..") || dir[len - 1] == '.')
		abort();
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)dir[i] < 0x20 || dir[i] == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = strndup((const char *)data, size);
	char dir[NAME_MAX + 1], enc[1024], dec[1024];
	const char *why;

	if (name == NULL)
		return 0;
	for (int utf8 = 0; utf8 < 2; utf8++)
		if (folder_dirname(name, '.', utf8, dir, sizeof dir, &why) == 0)
			check_dirname(dir);
		else if (why == NULL)
			abort();
	if (mutf7_encode(name, enc, sizeof enc) == 0 &&
	    (mutf7_decode(enc, dec, sizeof dec) < 0 || strcmp(dec, name) != 0))
		abort();
	(void)mutf7_decode(name, dec, sizeof dec);
	free(name);
	return 0;
}
