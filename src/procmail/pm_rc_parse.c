/* pm_rc_parse.c: the .procmailrc reader (pm_rc.h).  A cursor walks the
 * text; each construct reads its own lines: a recipe its start line, its
 * "*" conditions and its action (continued with a trailing backslash),
 * an assignment its shell-quoted value (which may span lines inside
 * quotes).  Blank lines and comments between a recipe's lines are
 * skipped, as procmail skips them. */
#include "pm_rc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "growbuf.h"

#define FLAG_LETTERS "HBDAaEehbfcwWir"

struct lexer {
	const char *t;
	size_t len, pos;
	int line;
	int depth;
	struct pm_rc *rc;
	int *errline;
	char *err;
	size_t errlen;
};

static int error_at(struct lexer *lx, int line, const char *why)
{
	*lx->errline = line;
	snprintf(lx->err, lx->errlen, "%s", why);
	return -1;
}

static void skip_blanks(struct lexer *lx)
{
	while (lx->pos < lx->len && (lx->t[lx->pos] == ' ' ||
	    lx->t[lx->pos] == '\t'))
		lx->pos++;
}

static void skip_to_next_line(struct lexer *lx)
{
	while (lx->pos < lx->len && lx->t[lx->pos] != '\n')
		lx->pos++;
	if (lx->pos < lx->len) {
		lx->pos++;
		lx->line++;
	}
}

/* The rest of the line, joined with the next ones while it ends in a
 * backslash; trim_continued drops the blanks that start a continued line
 * (a regex condition's indentation). */
static char *logical_line(struct lexer *lx, bool trim_continued)
{
	struct growbuf b = { 0 };

	while (lx->pos < lx->len && lx->t[lx->pos] != '\n') {
		char c = lx->t[lx->pos++];

		if (c == '\\' && lx->pos < lx->len && lx->t[lx->pos] == '\n') {
			lx->pos++;
			lx->line++;
			if (trim_continued)
				skip_blanks(lx);
			continue;
		}
		growbuf_add(&b, &c, 1);
		if (b.len > PM_RC_MAX_LINE) {
			free(b.data);
			return NULL;
		}
	}
	skip_to_next_line(lx);
	growbuf_add(&b, "", 0);
	if (b.nomem) {
		free(b.data);
		return NULL;
	}
	return b.data;
}

static void trim_right(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r'))
		s[--n] = '\0';
}

static struct pm_item *new_item(struct lexer *lx, enum pm_item_kind kind,
    int line)
{
	struct pm_rc *rc = lx->rc;
	struct pm_item *it;

	if (rc->n == PM_RC_MAX_ITEMS)
		return error_at(lx, line, "too many recipes and assignments"),
		    NULL;
	if (rc->n == rc->cap) {
		int cap = rc->cap ? rc->cap * 2 : 32;
		struct pm_item *grown = reallocarray(rc->items, (size_t)cap,
		    sizeof *grown);

		if (grown == NULL)
			return error_at(lx, line, "out of memory"), NULL;
		rc->items = grown;
		rc->cap = cap;
	}
	it = &rc->items[rc->n++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->line = line;
	it->depth = lx->depth;
	return it;
}

/* Skip blank lines and comment lines; false at the end of the text. */
static bool next_content_line(struct lexer *lx)
{
	for (;;) {
		skip_blanks(lx);
		if (lx->pos >= lx->len)
			return false;
		if (lx->t[lx->pos] == '\n' || lx->t[lx->pos] == '#' ||
		    lx->t[lx->pos] == '\r') {
			skip_to_next_line(lx);
			continue;
		}
		return true;
	}
}

/* ":0 flags : lockfile" (the cursor on the ':'). */
static int recipe_start(struct lexer *lx, struct pm_item *it)
{
	char *line = logical_line(lx, false), *p, *hash;
	size_t nflags = 0;

	if (line == NULL)
		return error_at(lx, it->line, "line too long");
	if ((hash = strchr(line, '#')) != NULL)
		*hash = '\0';
	trim_right(line);
	p = line + 1;
	while (isdigit((unsigned char)*p))
		p++;
	for (; *p && *p != ':'; p++) {
		if (*p == ' ' || *p == '\t')
			continue;
		if (strchr(FLAG_LETTERS, *p) == NULL) {
			free(line);
			return error_at(lx, it->line, "unknown flag");
		}
		if (nflags + 1 < sizeof it->flags && !strchr(it->flags, *p))
			it->flags[nflags++] = *p;
	}
	if (*p == ':') {
		it->has_lock = true;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p && (it->lockfile = strdup(p)) == NULL) {
			free(line);
			return error_at(lx, it->line, "out of memory");
		}
	}
	free(line);
	return 0;
}

static int add_condition(struct lexer *lx, struct pm_item *it)
{
	int line = lx->line;
	char *text;
	struct pm_cond *grown;

	lx->pos++;   /* the '*' */
	skip_blanks(lx);
	if ((text = logical_line(lx, true)) == NULL)
		return error_at(lx, line, "line too long");
	if (it->nconds == PM_RC_MAX_CONDS) {
		free(text);
		return error_at(lx, line, "too many conditions");
	}
	grown = reallocarray(it->conds, (size_t)it->nconds + 1, sizeof *grown);
	if (grown == NULL) {
		free(text);
		return error_at(lx, line, "out of memory");
	}
	it->conds = grown;
	it->conds[it->nconds++] = (struct pm_cond){ line, text };
	return 0;
}

static size_t name_length(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
		i++;
	return i;
}

/* Cut a comment off a folder or forward action: procmail ends those at
 * a '#' after a blank (outside double quotes), as Debian's examples rely
 * on; a pipe's line goes to the shell whole. */
static void cut_action_comment(char *text)
{
	bool quoted = false;

	for (char *c = text; *c; c++) {
		if (*c == '"')
			quoted = !quoted;
		else if (*c == '\\' && c[1] != '\0')
			c++;
		else if (*c == '#' && !quoted && c > text &&
		    (c[-1] == ' ' || c[-1] == '\t')) {
			*c = '\0';
			break;
		}
	}
	trim_right(text);
}

/* The action line; a '{' opens a block and leaves the rest of its line
 * to be read as the block's first line. */
static int recipe_action(struct lexer *lx, struct pm_item *it)
{
	const char *p = lx->t + lx->pos;
	size_t n, rest = lx->len - lx->pos;

	it->action_line = lx->line;
	if (*p == '{') {
		it->action = PM_ACT_BLOCK;
		lx->pos++;
		if (lx->depth == PM_RC_MAX_DEPTH)
			return error_at(lx, lx->line, "blocks nested too deep");
		lx->depth++;
		return 0;
	}
	if ((it->action_text = logical_line(lx, false)) == NULL)
		return error_at(lx, it->action_line, "line too long");
	trim_right(it->action_text);
	if (*p == '!')
		it->action = PM_ACT_FORWARD;
	else if (*p == '|')
		it->action = PM_ACT_PIPE;
	else if ((n = name_length(p, rest)) > 0 && n + 1 < rest &&
	    p[n] == '=' && p[n + 1] == '|') {
		it->action = PM_ACT_CAPTURE;
		it->name = strndup(it->action_text, n);
		if (it->name == NULL)
			return error_at(lx, it->action_line, "out of memory");
	} else
		it->action = PM_ACT_FOLDER;
	if (it->action == PM_ACT_FORWARD || it->action == PM_ACT_FOLDER)
		cut_action_comment(it->action_text);
	return 0;
}

static int recipe(struct lexer *lx)
{
	struct pm_item *it = new_item(lx, PM_ITEM_RECIPE, lx->line);
	int idx = lx->rc->n - 1;

	if (it == NULL || recipe_start(lx, it) < 0)
		return -1;
	for (;;) {
		it = &lx->rc->items[idx];   /* add_condition may not move it,
		                               but stay safe */
		if (!next_content_line(lx))
			return error_at(lx, it->line, "recipe without an "
			    "action");
		if (lx->t[lx->pos] != '*')
			return recipe_action(lx, it);
		if (add_condition(lx, it) < 0)
			return -1;
	}
}

/* One shell word of an assignment's value: quotes removed, backquotes
 * noted; stops at an unquoted blank or the end of the line. */
static int assignment_value(struct lexer *lx, struct pm_item *it)
{
	struct growbuf b = { 0 };
	char quote = 0;
	int start = lx->line;

	while (lx->pos < lx->len) {
		char c = lx->t[lx->pos];

		if (quote == 0 && (c == ' ' || c == '\t' || c == '\n' ||
		    c == '\r'))
			break;
		lx->pos++;
		if (c == '\n')
			lx->line++;
		if (c == '\\' && quote != '\'' && lx->pos < lx->len) {
			char e = lx->t[lx->pos++];

			if (e == '\n') {
				lx->line++;
				continue;
			}
			if (quote == '"' && !strchr("$`\"\\", e))
				growbuf_add(&b, "\\", 1);
			growbuf_add(&b, &e, 1);
			continue;
		}
		if (quote == 0 && (c == '"' || c == '\'' || c == '`')) {
			quote = c;
			if (c == '`')
				it->backquote = true;
			continue;
		}
		if (quote && c == quote) {
			quote = 0;
			continue;
		}
		growbuf_add(&b, &c, 1);
		if (b.len > PM_RC_MAX_LINE) {
			free(b.data);
			return error_at(lx, start, "value too long");
		}
	}
	growbuf_add(&b, "", 0);
	if (quote) {
		free(b.data);
		return error_at(lx, start, "unterminated quote");
	}
	if (b.nomem)
		return error_at(lx, start, "out of memory");
	it->value = b.data;
	return 0;
}

static int assignment(struct lexer *lx, size_t namelen)
{
	struct pm_item *it = new_item(lx, PM_ITEM_ASSIGN, lx->line);

	if (it == NULL)
		return -1;
	if ((it->name = strndup(lx->t + lx->pos, namelen)) == NULL)
		return error_at(lx, it->line, "out of memory");
	lx->pos += namelen;
	skip_blanks(lx);
	if (lx->pos < lx->len && lx->t[lx->pos] == '=') {
		lx->pos++;
		skip_blanks(lx);
		if (lx->pos < lx->len && lx->t[lx->pos] != '#' &&
		    assignment_value(lx, it) < 0)
			return -1;
	}
	/* the rest of the line: blanks and a comment */
	skip_blanks(lx);
	if (lx->pos < lx->len && lx->t[lx->pos] != '\n' &&
	    lx->t[lx->pos] != '#' && lx->t[lx->pos] != '\r')
		return 0;   /* another word: read as the next item */
	skip_to_next_line(lx);
	return 0;
}

static int skipped_line(struct lexer *lx)
{
	struct pm_item *it = new_item(lx, PM_ITEM_SKIPPED, lx->line);

	if (it == NULL)
		return -1;
	if ((it->value = logical_line(lx, false)) == NULL)
		return error_at(lx, it->line, "line too long");
	trim_right(it->value);
	return 0;
}

static int one_item(struct lexer *lx)
{
	const char *p = lx->t + lx->pos;
	size_t n;

	if (*p == ':')
		return recipe(lx);
	if (*p == '}') {
		if (lx->depth == 0)
			return error_at(lx, lx->line, "'}' without a block");
		lx->depth--;
		lx->pos++;
		return new_item(lx, PM_ITEM_BLOCK_END, lx->line) ? 0 : -1;
	}
	if ((n = name_length(p, lx->len - lx->pos)) > 0)
		return assignment(lx, n);
	return skipped_line(lx);
}

int pm_rc_parse(const char *text, size_t len, struct pm_rc *rc, int *errline,
    char *err, size_t errlen)
{
	struct lexer lx = { text, len, 0, 1, 0, rc, errline, err, errlen };
	int open_line[PM_RC_MAX_DEPTH + 1] = { 0 };

	memset(rc, 0, sizeof *rc);
	if (len > PM_RC_MAX_SIZE)
		return error_at(&lx, 1, "file too large");
	while (next_content_line(&lx)) {
		int depth = lx.depth, line = lx.line;

		if (one_item(&lx) < 0)
			return -1;
		if (lx.depth > depth)
			open_line[lx.depth] = line;
	}
	if (lx.depth > 0)
		return error_at(&lx, open_line[lx.depth], "missing '}'");
	return 0;
}

void pm_rc_free(struct pm_rc *rc)
{
	for (int i = 0; i < rc->n; i++) {
		struct pm_item *it = &rc->items[i];

		free(it->name);
		free(it->value);
		free(it->lockfile);
		for (int c = 0; c < it->nconds; c++)
			free(it->conds[c].text);
		free(it->conds);
		free(it->action_text);
	}
	free(rc->items);
	memset(rc, 0, sizeof *rc);
}
