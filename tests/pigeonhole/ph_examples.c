/* ph_examples.c: a script name of Pigeonhole's examples/ directory
 * mapped onto the runner's -x DIR (see ph_examples.h). */
#include <stdio.h>
#include <string.h>

#include "ph_examples.h"

#define PH_EXAMPLES_PATH_MAX 2048

/* the tests directory examples/ is the sibling of, "" when too long */
static char tests_home[PH_EXAMPLES_PATH_MAX];
static const char *examples;

static void strip_slashes(char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
}

static bool named_tests(const char *dir)
{
	const char *last = strrchr(dir, '/');

	return strcmp(last != NULL ? last + 1 : dir, "tests") == 0;
}

/* Remove dir's last component, which must be a plain name (not . or ..,
 * not the whole of an absolute path).  False when there is none. */
static bool drop_component(char *dir)
{
	char *slash, *last;

	strip_slashes(dir);
	slash = strrchr(dir, '/');
	last = slash != NULL ? slash + 1 : dir;
	if (*last == '\0' || strcmp(last, ".") == 0 ||
	    strcmp(last, "..") == 0 || slash == dir || slash == NULL)
		return false;
	*slash = '\0';
	strip_slashes(dir);
	return true;
}

/* The tests directory is tests_dir, unless that is one directory inside
 * a directory named tests (the runner run on a part of the testsuite):
 * then that one. */
void ph_examples_set(const char *tests_dir, const char *examples_dir)
{
	char dir[PH_EXAMPLES_PATH_MAX];

	examples = examples_dir;
	tests_home[0] = '\0';
	if (strlcpy(dir, tests_dir, sizeof dir) >= sizeof dir)
		return;
	strip_slashes(dir);
	strlcpy(tests_home, dir, sizeof tests_home);
	while (!named_tests(dir))
		if (!drop_component(dir))
			return;
	strlcpy(tests_home, dir, sizeof tests_home);
}

bool ph_examples_map(const char *file_dir, const char *rel, char *path,
    size_t size)
{
	char dir[PH_EXAMPLES_PATH_MAX];
	const char *name = rel;
	int up = 0;

	if (examples == NULL || tests_home[0] == '\0')
		return false;
	while (strncmp(name, "../", 3) == 0) {
		name += 3;
		up++;
	}
	if (up == 0 || strncmp(name, "examples/", 9) != 0)
		return false;
	name += 9;
	if (name[0] == '\0' || strchr(name, '/') != NULL ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	/* the "../" but the last climb from file_dir to the tests
	 * directory; the last one leaves it, to where examples/ is */
	if (strlcpy(dir, file_dir, sizeof dir) >= sizeof dir)
		return false;
	strip_slashes(dir);
	for (int i = 1; i < up; i++)
		if (!drop_component(dir))
			return false;
	if (strcmp(dir, tests_home) != 0 ||
	    strlen(examples) + 1 + strlen(name) >= size)
		return false;
	(void)snprintf(path, size, "%s/%s", examples, name);
	return true;
}
