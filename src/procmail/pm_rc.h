/* pm_rc.h: a .procmailrc read into a flat list of items (procmailrc(5)):
 * variable assignments, recipes (":0 flags :lock", "*" conditions, one
 * action) and the ends of nested blocks.  A recipe whose action is "{"
 * opens a block: the items up to its PM_ITEM_BLOCK_END are inside it.
 *
 * The reader works on the whole text with a cursor and an explicit
 * depth, no recursion; every size is capped (the file, one logical
 * line, the nesting, the number of items). */
#ifndef DELIVER_PM_RC_H
#define DELIVER_PM_RC_H

#include <stdbool.h>
#include <stddef.h>

#define PM_RC_MAX_SIZE   (16 * 1024 * 1024)   /* bytes of one rc file */
#define PM_RC_MAX_LINE   (256 * 1024)         /* one logical line */
#define PM_RC_MAX_DEPTH  256                  /* nested { } blocks */
#define PM_RC_MAX_ITEMS  1000000
#define PM_RC_MAX_CONDS  1000                 /* conditions of a recipe */

enum pm_item_kind { PM_ITEM_ASSIGN, PM_ITEM_RECIPE, PM_ITEM_BLOCK_END,
	PM_ITEM_SKIPPED };

enum pm_action_kind {
	PM_ACT_FOLDER,    /* a file, directory or /dev/null */
	PM_ACT_FORWARD,   /* ! addresses */
	PM_ACT_PIPE,      /* | command */
	PM_ACT_CAPTURE,   /* VAR=| command */
	PM_ACT_BLOCK,     /* { */
};

struct pm_cond {
	int line;
	char *text;       /* after '*' and the blanks that follow it */
};

struct pm_item {
	enum pm_item_kind kind;
	int line;
	int depth;        /* blocks around the item */
	/* PM_ITEM_ASSIGN (and PM_ACT_CAPTURE's variable) */
	char *name;
	char *value;      /* quotes removed; $ expansions left in */
	bool backquote;   /* the value holds a `command` */
	/* PM_ITEM_RECIPE */
	char flags[24];
	bool has_lock;
	char *lockfile;   /* NULL: procmail's default name */
	struct pm_cond *conds;
	int nconds;
	enum pm_action_kind action;
	char *action_text;
	int action_line;
	/* PM_ITEM_SKIPPED: a line procmail skips (value = its text) */
};

struct pm_rc {
	struct pm_item *items;
	int n, cap;
};

/* Read text.  Returns 0, or -1 with the line in *errline and the reason
 * in err (what procmail refuses: a block left open, a '}' with no block,
 * a recipe without an action, an unknown flag; too deep, too long). */
int pm_rc_parse(const char *text, size_t len, struct pm_rc *rc, int *errline,
    char *err, size_t errlen);
void pm_rc_free(struct pm_rc *rc);

#endif
