/* ph_lists.c: read not-applicable.txt and expected-pass.txt, look blocks
 * up in them (see ph_lists.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ph_lists.h"

static int add_line(struct ph_list *list, const char *line)
{
	char **lines;
	bool *used;

	if (list->count >= PH_LIST_LINES_MAX)
		return -1;
	lines = reallocarray(list->lines, list->count + 1, sizeof *lines);
	if (lines == NULL)
		return -1;
	list->lines = lines;
	used = reallocarray(list->used, list->count + 1, sizeof *used);
	if (used == NULL)
		return -1;
	list->used = used;
	if ((lines[list->count] = strdup(line)) == NULL)
		return -1;
	used[list->count++] = false;
	return 0;
}

int ph_list_read(const char *path, struct ph_list *list)
{
	char line[PH_LINE_MAX];
	FILE *f;
	int rc = 0;

	memset(list, 0, sizeof *list);
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "pigeonhole: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof line, f) != NULL) {
		size_t n = strlen(line);

		if (n > 0 && line[n - 1] != '\n' && !feof(f)) {
			fprintf(stderr, "pigeonhole: %s: line too long\n", path);
			rc = -1;
			break;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if ((rc = add_line(list, line)) != 0)
			fprintf(stderr, "pigeonhole: %s: too many lines\n", path);
	}
	fclose(f);
	if (rc != 0)
		ph_list_free(list);
	return rc;
}

void ph_list_free(struct ph_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->lines[i]);
	free(list->lines);
	free(list->used);
	memset(list, 0, sizeof *list);
}

const char *ph_list_exact(struct ph_list *list, const char *key)
{
	for (size_t i = 0; i < list->count; i++)
		if (strcmp(list->lines[i], key) == 0) {
			list->used[i] = true;
			return list->lines[i];
		}
	return NULL;
}

const char *ph_list_reason(struct ph_list *list, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < list->count; i++)
		if (strncmp(list->lines[i], key, n) == 0 &&
		    strncmp(list->lines[i] + n, ": ", 2) == 0) {
			list->used[i] = true;
			return list->lines[i] + n + 2;
		}
	return NULL;
}
