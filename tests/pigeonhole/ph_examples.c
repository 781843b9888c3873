/* ph_examples.c: a script name of Pigeonhole's examples/ directory
 * mapped onto the runner's -x DIR (see ph_examples.h). */
#include <stdio.h>
#include <string.h>

#include "ph_examples.h"

#define PH_EXAMPLES_PATH_MAX 2048

static const char *tests_root;
static const char *examples;

void ph_examples_set(const char *tests_dir, const char *examples_dir)
{
	tests_root = tests_dir;
	examples = examples_dir;
}

static void strip_slashes(char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
}

/* Whether dir is the tests directory: the runner's, or one named tests
 * (running a single directory of it, the runner's is below that). */
static bool is_tests_dir(const char *dir)
{
	char root[PH_EXAMPLES_PATH_MAX];
	const char *last = strrchr(dir, '/');

	if (strcmp(last != NULL ? last + 1 : dir, "tests") == 0)
		return true;
	if (strlcpy(root, tests_root, sizeof root) >= sizeof root)
		return false;
	strip_slashes(root);
	return strcmp(dir, root) == 0;
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

bool ph_examples_map(const char *file_dir, const char *rel, char *path,
    size_t size)
{
	char dir[PH_EXAMPLES_PATH_MAX];
	const char *name = rel;
	int up = 0;

	if (examples == NULL || tests_root == NULL)
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
	if (!is_tests_dir(dir) ||
	    strlen(examples) + 1 + strlen(name) >= size)
		return false;
	(void)snprintf(path, size, "%s/%s", examples, name);
	return true;
}
