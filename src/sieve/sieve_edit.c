/* sieve_edit.c: the edit layer of an evaluation (see sieve_edit.h). */
#include "sieve_edit.h"

#include <stdlib.h>
#include <string.h>

#include "sieve_rt.h"

static void edit_free(struct sieve_edit *e)
{
	if (e == NULL)
		return;
	msgedit_free(&e->list);
	free(e->view.items);
	free(e->edits);
	free(e);
}

void sieve_edit_end(struct sieve_rt *rt)
{
	if (rt->edit == NULL)
		return;
	if (rt->env == &rt->edit->env)
		rt->env = rt->edit->base;
	edit_free(rt->edit);
	rt->edit = NULL;
}

static int rebuild(struct sieve_rt *rt, struct sieve_edit *e)
{
	const struct sieve_env *b = e->base;
	long long size;

	free(e->view.items);
	if (msgedit_view(&e->list, &e->view) < 0)
		return sieve_rt_error(rt, rt->pos, "out of memory");
	/* a pass over the fields, as a header read counts one */
	if (sieve_rt_step(rt, rt->pos, 1 + e->list.n / 64) < 0)
		return -1;
	free(e->edits);
	if ((e->edits = msgedit_serialize(&e->list)) == NULL)
		return sieve_rt_error(rt, rt->pos, "out of memory");
	/* every action keeps a copy: bounded, so sieve_max_actions copies
	 * stay small */
	if (strlen(e->edits) > MSGEDIT_STRING_MAX)
		return sieve_rt_error(rt, rt->pos, "header edits exceed %d "
		    "bytes", MSGEDIT_STRING_MAX);
	size = (long long)b->size + msgedit_size_delta(&e->list, b->headers,
	    b->size_crlf);
	e->env.headers = &e->view;
	e->env.size = size < 0 ? 0 : (off_t)size;
	e->env.edits = e->edits;
	return 0;
}

struct msgedit *sieve_edit_list(struct sieve_rt *rt)
{
	static const struct header_index none;
	const struct sieve_env *base = rt->env;
	struct sieve_edit *e;

	if (rt->edit != NULL && rt->env == &rt->edit->env)
		return &rt->edit->list;
	if (rt->edit != NULL) {        /* the runner loaded another message */
		edit_free(rt->edit);
		rt->edit = NULL;
	}
	if (base->headers != NULL && base->headers->truncated) {
		(void)sieve_rt_error(rt, rt->pos, "the message header is too "
		    "large to be edited");
		return NULL;
	}
	if ((e = calloc(1, sizeof *e)) == NULL ||
	    msgedit_init(&e->list, base->headers ? base->headers : &none,
	    base->edits) < 0) {
		free(e);
		(void)sieve_rt_error(rt, rt->pos, "cannot apply the header "
		    "edits of the scripts before");
		return NULL;
	}
	e->base = base;
	e->env = *base;
	if (rebuild(rt, e) < 0) {
		edit_free(e);
		return NULL;
	}
	rt->edit = e;
	rt->env = &e->env;
	return &e->list;
}

int sieve_edit_commit(struct sieve_rt *rt)
{
	if (rt->edit == NULL || rt->env != &rt->edit->env)
		return 0;
	return rebuild(rt, rt->edit);
}

int sieve_edit_start(struct sieve_rt *rt)
{
	if (rt->env->edits == NULL)
		return 0;
	return sieve_edit_list(rt) == NULL ? -1 : 0;
}
