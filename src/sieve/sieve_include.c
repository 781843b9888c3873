/* sieve_include.c: locating, loading and checking the scripts a script
 * includes (see sieve_include.h).  The resolution is driven by the
 * checker: sieve_include_note collects what one script names while it
 * is checked, sieve_include_checked resolves that list when the checker
 * is done with the script, checking each new script in turn (which
 * notes and resolves its own).  The chain of scripts being resolved is
 * a list of frames on the C stack, one per nesting level, at most
 * SIEVE_INCLUDE_DEPTH_CAP deep. */
#include "sieve_include.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "sieve.h"
#include "sieve_file.h"
#include "sieve_parse.h"

/* ---- configuration ---- */

static struct {
	const struct config *cfg;
	char personal[PATH_MAX];     /* "" = none */
	char global[PATH_MAX];
	char main_path[PATH_MAX];
} conf;

static void set_dir(char *dst, const char *dir, const char *home)
{
	dst[0] = '\0';
	if (dir == NULL || *dir == '\0')
		return;
	if (strncmp(dir, "~/", 2) == 0) {
		if (home == NULL || (size_t)snprintf(dst, PATH_MAX, "%s/%s",
		    home, dir + 2) >= PATH_MAX)
			dst[0] = '\0';
		return;
	}
	if (strlcpy(dst, dir, PATH_MAX) >= PATH_MAX)
		dst[0] = '\0';
}

void sieve_include_configure_dirs(const struct config *cfg,
    const char *personal_dir, const char *global_dir, const char *main_path)
{
	conf.cfg = cfg;
	set_dir(conf.personal, personal_dir, NULL);
	set_dir(conf.global, global_dir, NULL);
	set_dir(conf.main_path, main_path, NULL);
}

void sieve_include_configure(const struct config *cfg, const char *home,
    const char *main_path)
{
	conf.cfg = cfg;
	set_dir(conf.personal, cfg ? cfg->sieve_dir : NULL, home);
	set_dir(conf.global, cfg ? cfg->sieve_global : NULL, home);
	set_dir(conf.main_path, main_path, home);
}

unsigned sieve_include_max_depth(void)
{
	unsigned d = conf.cfg ? conf.cfg->sieve_include_max_nesting_depth :
	    SIEVE_INCLUDE_DEPTH_DEFAULT;

	return d > SIEVE_INCLUDE_DEPTH_CAP ? SIEVE_INCLUDE_DEPTH_CAP : d;
}

static unsigned max_includes(void)
{
	return conf.cfg ? conf.cfg->sieve_include_max_includes :
	    SIEVE_INCLUDE_COUNT_DEFAULT;
}

static size_t max_script_size(void)
{
	size_t n = conf.cfg ? (size_t)conf.cfg->sieve_max_script_size : 0;

	return n ? n : SIEVE_SCRIPT_MAX;
}

static const char *location_name(enum sieve_include_location loc)
{
	return loc == SIEVE_INC_GLOBAL ? "global" : "personal";
}

/* ---- names ---- */

/* The code point at s[*i] (UTF-8), advancing *i; -1 when invalid. */
static long next_code_point(const unsigned char *s, size_t len, size_t *i)
{
	unsigned char c = s[*i];
	size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 :
	    (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
	long cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) :
	    (c & 0x07);

	if (n == 0 || *i + n > len)
		return -1;
	for (size_t k = 1; k < n; k++) {
		if ((s[*i + k] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[*i + k] & 0x3f);
	}
	*i += n;
	return cp;
}

bool sieve_include_name_valid(const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i = 0, count = 0;

	if (len == 0 || len > SIEVE_INCLUDE_NAME_MAX * 4)
		return false;
	while (i < len) {
		long cp = next_code_point(s, len, &i);

		/* a "/" would leave the directory; the others cannot be
		 * written safely into a file name or a log line */
		if (cp < 0 || cp <= 0x1f || cp == '/' ||
		    (cp >= 0x7f && cp <= 0x9f) || cp == 0xff ||
		    cp == 0x2028 || cp == 0x2029)
			return false;
		if (++count > SIEVE_INCLUDE_NAME_MAX)
			return false;
	}
	return true;
}

/* ---- the resolution ---- */

/* What one include command names, noted while its script is checked. */
struct request {
	const struct sieve_command *cmd;
	struct sieve_pos pos;
	enum sieve_include_location loc;
	bool once, optional, missing;
	char *name, *path;
	dev_t dev;
	ino_t ino;
};

/* One script of the chain being resolved. */
struct frame {
	struct frame *parent;
	unsigned depth;              /* 0: the script the checker started */
	bool known;                  /* dev/ino valid */
	dev_t dev;
	ino_t ino;
	struct request *reqs;
	size_t nreqs, capreqs;
	bool failed;                 /* resolving its includes failed */
};

static struct {
	bool active;
	size_t bytes;                /* of the scripts loaded so far */
	struct frame root;
	struct frame *top;
	struct sieve_included *set;
} run;

static void frame_clear(struct frame *f)
{
	for (size_t i = 0; i < f->nreqs; i++) {
		free(f->reqs[i].name);
		free(f->reqs[i].path);
	}
	free(f->reqs);
	f->reqs = NULL;
	f->nreqs = f->capreqs = 0;
}

static void start_run(void)
{
	struct stat st;

	memset(&run, 0, sizeof run);
	run.active = true;
	run.top = &run.root;
	if (conf.main_path[0] && stat(conf.main_path, &st) == 0) {
		run.root.known = true;
		run.root.dev = st.st_dev;
		run.root.ino = st.st_ino;
	}
	run.set = calloc(1, sizeof *run.set);
}

static void end_run(void)
{
	frame_clear(&run.root);
	sieve_included_free(run.set);
	memset(&run, 0, sizeof run);
}

static int add_request(struct frame *f, const struct request *r)
{
	if (f->nreqs == f->capreqs) {
		size_t cap = f->capreqs ? f->capreqs * 2 : 8;
		struct request *n = reallocarray(f->reqs, cap, sizeof *n);

		if (n == NULL)
			return -1;
		f->reqs = n;
		f->capreqs = cap;
	}
	f->reqs[f->nreqs++] = *r;
	return 0;
}

void sieve_include_note(struct sieve_checker *ck, const struct sieve_call *c,
    enum sieve_include_location loc, bool once, bool optional,
    const char *name)
{
	const char *dir = loc == SIEVE_INC_GLOBAL ? conf.global :
	    conf.personal;
	struct request r = { .cmd = c->cmd, .pos = c->pos, .loc = loc,
	    .once = once, .optional = optional };
	struct stat st;
	int found;

	if (*dir == '\0') {
		sieve_check_error(ck, c->pos, "include: %s location for "
		    "included script `%.80s' is unavailable (contact system "
		    "administrator for more information)",
		    location_name(loc), name);
		return;
	}
	if (!run.active)
		start_run();
	if (run.set == NULL || asprintf(&r.path, "%s/%s.sieve", dir,
	    name) < 0) {
		r.path = NULL;
		sieve_check_error(ck, c->pos, "include: out of memory");
		return;
	}
	found = stat(r.path, &st);
	if (found == 0 && S_ISREG(st.st_mode)) {
		r.dev = st.st_dev;
		r.ino = st.st_ino;
	} else if (found == 0 || errno == ENOENT || errno == ENOTDIR) {
		/* a directory of that name holds no script either */
		if (!optional) {
			sieve_check_error(ck, c->pos, "included %s script "
			    "'%.80s' does not exist", location_name(loc),
			    name);
			free(r.path);
			return;
		}
		r.missing = true;
	} else {
		sieve_check_error(ck, c->pos, "failed to access included %s "
		    "script '%.80s': %s", location_name(loc), name,
		    strerror(errno));
		free(r.path);
		return;
	}
	if ((r.name = strdup(name)) == NULL || add_request(run.top, &r) < 0) {
		free(r.name);
		free(r.path);
		sieve_check_error(ck, c->pos, "include: out of memory");
	}
}

/* Whether the script (dev, ino) is f or one f is included from. */
static bool on_chain(const struct frame *f, dev_t dev, ino_t ino)
{
	for (; f != NULL; f = f->parent)
		if (f->known && f->dev == dev && f->ino == ino)
			return true;
	return false;
}

/* The set's script for r, or -1. */
static long find_script(const struct sieve_included *set,
    const struct request *r)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct sieve_include_script *s = &set->scripts[i];

		if (r->missing ? (s->missing && strcmp(s->path, r->path) ==
		    0) : (!s->missing && s->dev == r->dev &&
		    s->ino == r->ino))
			return (long)i;
	}
	return -1;
}

static int add_link(struct sieve_included *set, const struct request *r,
    size_t target)
{
	if (set->nlinks == set->caplinks) {
		size_t cap = set->caplinks ? set->caplinks * 2 : 8;
		struct sieve_include_link *n = reallocarray(set->links, cap,
		    sizeof *n);

		if (n == NULL)
			return -1;
		set->links = n;
		set->caplinks = cap;
	}
	set->links[set->nlinks++] = (struct sieve_include_link){
		.cmd = r->cmd, .target = target, .once = r->once };
	return 0;
}

static long add_script(struct sieve_included *set, struct request *r)
{
	struct sieve_include_script *s;

	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 8;
		struct sieve_include_script *n = reallocarray(set->scripts,
		    cap, sizeof *n);

		if (n == NULL)
			return -1;
		set->scripts = n;
		set->cap = cap;
	}
	s = &set->scripts[set->n];
	memset(s, 0, sizeof *s);
	s->name = r->name;
	s->path = r->path;
	r->name = r->path = NULL;
	s->location = r->loc;
	s->dev = r->dev;
	s->ino = r->ino;
	s->missing = r->missing;
	return (long)set->n++;
}

/* Read and parse the script s; -1 after reporting at r. */
static int load_script(struct sieve_checker *ck, const struct request *r,
    struct sieve_include_script *s)
{
	struct sieve_diag diag;
	char *text = NULL;
	size_t len;
	int found = sieve_read_script(s->path, &text);

	if (found != 1) {
		sieve_check_error(ck, r->pos, "failed to read included %s "
		    "script '%.80s': %s", location_name(s->location), s->name,
		    found == 0 ? "it does not exist" : strerror(errno));
		return -1;
	}
	len = strlen(text);
	if (run.bytes + len > SIEVE_INCLUDE_BYTES_MAX) {
		free(text);
		sieve_check_error(ck, r->pos, "included scripts would hold "
		    "more than %d MiB together; not including '%.80s'",
		    SIEVE_INCLUDE_BYTES_MAX / (1024 * 1024), s->name);
		return -1;
	}
	run.bytes += len;
	if (len > max_script_size()) {
		free(text);
		sieve_check_error(ck, r->pos, "included %s script '%.80s' is "
		    "longer than sieve_max_script_size (%zu bytes)",
		    location_name(s->location), s->name, max_script_size());
		return -1;
	}
	if (sieve_parse(text, len, &s->script, &diag) < 0) {
		free(text);
		s->script = NULL;
		sieve_check_error(ck, r->pos, "%s: line %u, column %u: %s",
		    s->name, diag.pos.line, diag.pos.col, diag.msg);
		sieve_check_error(ck, r->pos, "failed to parse included "
		    "script '%.80s'", s->name);
		return -1;
	}
	free(text);
	return 0;
}

/* Report a checked script's diagnostics at the include command. */
static void pass_up(struct sieve_checker *ck, const struct request *r,
    const char *name, const struct sieve_ncheck_result *res)
{
	for (size_t i = 0; i < res->ndiags; i++) {
		const struct sieve_diag *d = &res->diags[i];

		if (res->nerrors > 0)
			sieve_check_error(ck, r->pos, "%.80s: line %u, column "
			    "%u: %s", name, d->pos.line, d->pos.col, d->msg);
		else
			sieve_check_soft_error(ck, r->pos, "%.80s: line %u, "
			    "column %u: %s", name, d->pos.line, d->pos.col,
			    d->msg);
	}
	for (size_t i = res->ndiags; i < res->nerrors + res->nsoft; i++)
		sieve_check_error(ck, r->pos, "%.80s: more errors", name);
}

/* Check the newly loaded script s (index idx), one level below f, which
 * resolves what s includes in turn.  -1 after reporting at r. */
static int check_script(struct sieve_checker *ck, struct frame *f,
    const struct request *r, size_t idx)
{
	struct sieve_ncheck_result *res = calloc(1, sizeof *res);
	struct frame child = { .parent = f, .depth = f->depth + 1,
	    .known = true, .dev = r->dev, .ino = r->ino };
	struct sieve_include_script *s;
	int rc;

	if (res == NULL) {
		sieve_check_error(ck, r->pos, "include: out of memory");
		return -1;
	}
	run.top = &child;
	rc = sieve_ext_check(run.set->scripts[idx].script, res);
	run.top = f;
	frame_clear(&child);
	s = &run.set->scripts[idx];   /* the array may have moved */
	s->required = res->required;
	pass_up(ck, r, s->name, res);
	if (rc < 0)
		sieve_check_error(ck, r->pos, "failed to %s included script "
		    "'%.80s'", child.failed ? "generate code for" :
		    "validate", s->name);
	free(res);
	return rc;
}

/* Resolve one noted include of f: 0, or -1 after reporting. */
static int resolve(struct sieve_checker *ck, struct frame *f,
    struct request *r)
{
	struct sieve_included *set = run.set;
	long idx;

	if (f->depth >= sieve_include_max_depth()) {
		sieve_check_error(ck, r->pos, "cannot nest includes deeper "
		    "than %u levels", sieve_include_max_depth());
		return -1;
	}
	if (!r->once && !r->missing && on_chain(f, r->dev, r->ino)) {
		sieve_check_error(ck, r->pos, "circular include");
		return -1;
	}
	if ((idx = find_script(set, r)) >= 0)
		return add_link(set, r, (size_t)idx) < 0 ? -1 : 0;
	if (set->n >= max_includes()) {
		sieve_check_error(ck, r->pos, "failed to include script "
		    "'%.80s': no more than %u includes allowed", r->name,
		    max_includes());
		return -1;
	}
	if ((idx = add_script(set, r)) < 0 ||
	    add_link(set, r, (size_t)idx) < 0) {
		sieve_check_error(ck, r->pos, "include: out of memory");
		return -1;
	}
	if (set->scripts[idx].missing)
		return 0;
	if (load_script(ck, r, &set->scripts[idx]) < 0)
		return -1;
	return check_script(ck, f, r, (size_t)idx);
}

void sieve_include_checked(struct sieve_checker *ck,
    const struct sieve_script *script, bool ok)
{
	struct frame *f = run.top;
	struct sieve_script *owner = (struct sieve_script *)script;

	if (!run.active)
		return;
	/* as Pigeonhole's generator: the first failure ends the script */
	for (size_t i = 0; ok && run.set != NULL && i < f->nreqs; i++)
		if (resolve(ck, f, &f->reqs[i]) < 0) {
			ok = false;
			f->failed = true;
		}
	if (f != &run.root)
		return;
	/* the outermost script owns the set; checking it again (the test
	 * runner checks, then evaluates) replaces the set */
	if (ok && run.set != NULL) {
		if (owner->included != NULL && owner->included_free != NULL)
			owner->included_free(owner->included);
		owner->included = run.set;
		owner->included_free = sieve_included_free;
		run.set = NULL;
	}
	end_run();
}

const struct sieve_include_link *sieve_include_find(
    const struct sieve_script *script, const struct sieve_command *cmd)
{
	const struct sieve_included *set = script ? script->included : NULL;

	for (size_t i = 0; set != NULL && i < set->nlinks; i++)
		if (set->links[i].cmd == cmd)
			return &set->links[i];
	return NULL;
}

void sieve_included_free(struct sieve_included *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++) {
		free(set->scripts[i].name);
		free(set->scripts[i].path);
		sieve_script_free(set->scripts[i].script);
	}
	free(set->scripts);
	free(set->links);
	free(set);
}
