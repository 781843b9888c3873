/* ph_files.c: find the in-scope *.svtest files of Pigeonhole's testsuite
 * and the names of their top-level test blocks (see ph_files.h).  Blocks
 * are found from deliver's lexer tokens (a `test` identifier, a string and
 * a "{" at brace depth 0), which needs no knowledge of the commands; past
 * a lexical error the rest of the file is read line by line. */
#include <errno.h>
#include <fts.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "growbuf.h"
#include "ph_files.h"
#include "sieve_lex.h"

/* About IMAP or external programs: never run at delivery time. */
static const char *const out_of_scope[] = {
	"plugins/",
	"extensions/metadata/",
	"extensions/vnd.dovecot/report/",
};

int ph_in_scope(const char *rel)
{
	size_t n = strlen(rel);

	if (n < 7 || strcmp(rel + n - 7, ".svtest") != 0)
		return 0;
	for (size_t i = 0; i < sizeof out_of_scope / sizeof *out_of_scope; i++)
		if (strncmp(rel, out_of_scope[i], strlen(out_of_scope[i])) == 0)
			return 0;
	return 1;
}

static int cmp_names(const FTSENT **a, const FTSENT **b)
{
	return strcmp((*a)->fts_name, (*b)->fts_name);
}

static int add_file(char ***files, int *count, const char *rel)
{
	char **grown;

	if (*count >= PH_FILES_MAX) {
		fprintf(stderr, "pigeonhole: more than %d test files\n",
		    PH_FILES_MAX);
		return -1;
	}
	grown = reallocarray(*files, (size_t)*count + 1, sizeof *grown);
	if (grown == NULL)
		return -1;
	*files = grown;
	if ((grown[*count] = strdup(rel)) == NULL)
		return -1;
	(*count)++;
	return 0;
}

static int cmp_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ph_files_find(const char *dir, char ***out)
{
	char *roots[] = { (char *)dir, NULL };
	size_t skip = strlen(dir);
	char **files = NULL;
	int count = 0, rc = 0;
	FTS *fts;
	FTSENT *e;

	if ((fts = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR, cmp_names)) ==
	    NULL) {
		fprintf(stderr, "pigeonhole: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while (rc == 0 && (e = fts_read(fts)) != NULL) {
		const char *rel = e->fts_path + skip;

		if (e->fts_info != FTS_F)
			continue;
		while (*rel == '/')
			rel++;
		if (ph_in_scope(rel))
			rc = add_file(&files, &count, rel);
	}
	fts_close(fts);
	if (rc != 0) {
		ph_files_free(files, count);
		return -1;
	}
	qsort(files, (size_t)count, sizeof *files, cmp_paths);
	*out = files;
	return count;
}

void ph_files_free(char **files, int count)
{
	for (int i = 0; i < count; i++)
		free(files[i]);
	free(files);
}

void ph_dir_of(const char *rel, char *buf, size_t len)
{
	const char *slash = strrchr(rel, '/');

	if (slash == NULL)
		strlcpy(buf, ".", len);
	else
		strlcpy(buf, rel, (size_t)(slash - rel) + 1 < len ?
		    (size_t)(slash - rel) + 1 : len);
}

static int add_block(struct ph_blocks *b, const char *name, size_t len)
{
	if (b->count >= PH_BLOCKS_MAX) {
		fprintf(stderr, "pigeonhole: more than %d test blocks\n",
		    PH_BLOCKS_MAX);
		return -1;
	}
	if (len >= PH_NAME_MAX - 8)
		len = PH_NAME_MAX - 8;   /* room for " [NNN]" */
	memcpy(b->names[b->count], name, len);
	b->names[b->count][len] = '\0';
	b->count++;
	return 0;
}

/* The raw scan past a lexical error: `test "name"` starting a line. */
static int scan_lines(const char *src, size_t len, size_t from,
    struct ph_blocks *b)
{
	size_t i = from;

	while (i < len) {
		const char *line = src + i, *end = memchr(line, '\n', len - i);
		size_t n = end ? (size_t)(end - line) : len - i;
		const char *p = line, *q;

		while (p < line + n && (*p == ' ' || *p == '\t'))
			p++;
		if (p + 4 < line + n && strncmp(p, "test", 4) == 0) {
			p += 4;
			while (p < line + n && (*p == ' ' || *p == '\t'))
				p++;
			if (p < line + n && *p == '"' &&
			    (q = memchr(p + 1, '"', (size_t)(line + n - p - 1)))
			    != NULL && add_block(b, p + 1, (size_t)(q - p - 1)))
				return -1;
		}
		i += n + 1;
	}
	return 0;
}

/* Walk the tokens; a lexical error hands the rest to scan_lines. */
static int scan_tokens(const char *src, size_t len, struct ph_blocks *b)
{
	struct sieve_lexer lx;
	struct sieve_token tok;
	struct sieve_diag err;
	int depth = 0, state = 0, rc = 0;
	char pending[PH_NAME_MAX];
	size_t pending_len = 0;

	if (sieve_lex_init(&lx, src, len, &err) != 0)
		return scan_lines(src, len, 0, b);
	for (;;) {
		if (sieve_lex_next(&lx, &tok, &err) != 0) {
			/* restart at the line after the one at fault */
			size_t off = lx.off;
			while (off < len && src[off] != '\n')
				off++;
			rc = scan_lines(src, len, off, b);
			break;
		}
		if (tok.kind == SIEVE_TOK_EOF)
			break;
		/* state: 1 after `test`, 2 after its name */
		if (state == 2 && tok.kind == SIEVE_TOK_LBRACE && depth == 0 &&
		    (rc = add_block(b, pending, pending_len)) != 0)
			break;
		if (state == 1 && tok.kind == SIEVE_TOK_STRING) {
			pending_len = tok.len < sizeof pending ? tok.len :
			    sizeof pending - 1;
			memcpy(pending, tok.value, pending_len);
			state = 2;
		} else {
			state = tok.kind == SIEVE_TOK_IDENT && depth == 0 &&
			    strcmp(tok.value, "test") == 0;
		}
		if (tok.kind == SIEVE_TOK_LBRACE)
			depth++;
		else if (tok.kind == SIEVE_TOK_RBRACE && depth > 0)
			depth--;
	}
	sieve_lex_free(&lx);
	return rc;
}

void ph_blocks_unique(struct ph_blocks *b)
{
	for (size_t i = 0; i < b->count; i++) {
		unsigned seen = 1;
		char suffix[16];

		for (size_t j = 0; j < i; j++)
			if (strcmp(b->names[j], b->names[i]) == 0)
				seen++;
		if (seen == 1)
			continue;
		if (snprintf(suffix, sizeof suffix, " [%u]", seen) <
		    (int)sizeof suffix)
			strlcat(b->names[i], suffix, PH_NAME_MAX);
	}
}

int ph_blocks_read(const char *path, struct ph_blocks *out)
{
	FILE *f = fopen(path, "r");
	struct growbuf gb;
	char chunk[8192];
	size_t n;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (f == NULL) {
		fprintf(stderr, "pigeonhole: %s: %s\n", path, strerror(errno));
		return -1;
	}
	memset(&gb, 0, sizeof gb);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		growbuf_add(&gb, chunk, n);
	if (gb.nomem || ferror(f))
		rc = -1;
	fclose(f);
	out->names = calloc(PH_BLOCKS_MAX, sizeof *out->names);
	if (rc == 0 && out->names != NULL)
		rc = scan_tokens(gb.data ? gb.data : "", gb.len, out);
	else
		rc = -1;
	free(gb.data);
	if (rc == 0)
		ph_blocks_unique(out);
	else
		ph_blocks_free(out);
	return rc;
}

void ph_blocks_free(struct ph_blocks *b)
{
	free(b->names);
	b->names = NULL;
	b->count = 0;
}
