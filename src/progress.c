/* progress.c: the progress bar (see progress.h). */
#include "progress.h"

#include <stdio.h>
#include <string.h>

#define BAR_WIDTH 24
#define REDRAW_NS 100000000L   /* 0.1 s */

static double seconds_since(const struct timespec *a,
    const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void progress_format(char *buf, size_t len, unsigned long done,
    unsigned long total, double secs)
{
	char bar[BAR_WIDTH + 1];
	double rate = secs > 0 ? (double)done / secs : 0;
	size_t fill = total ? (size_t)((double)BAR_WIDTH * (double)done /
	    (double)total) : 0;

	if (fill > BAR_WIDTH)
		fill = BAR_WIDTH;
	memset(bar, '#', fill);
	memset(bar + fill, ' ', BAR_WIDTH - fill);
	bar[BAR_WIDTH] = '\0';
	if (total == 0) {
		snprintf(buf, len, "%lu %.1f/s", done, rate);
		return;
	}
	if (rate > 0 && done <= total) {
		unsigned long eta = (unsigned long)((double)(total - done) /
		    rate + 0.5);

		snprintf(buf, len, "[%s] %lu/%lu %.1f/s ETA %lu:%02lu", bar,
		    done, total, rate, eta / 60, eta % 60);
	} else
		snprintf(buf, len, "[%s] %lu/%lu", bar, done, total);
}

static void draw(struct progress *p, const struct timespec *now)
{
	char line[160];

	progress_format(line, sizeof line, p->done, p->total,
	    seconds_since(&p->start, now));
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	p->drawn = *now;
}

void progress_start(struct progress *p, unsigned long total, bool on)
{
	memset(p, 0, sizeof *p);
	p->on = on;
	p->total = total;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	if (on)
		draw(p, &p->start);
}

void progress_step(struct progress *p)
{
	struct timespec now;

	p->done++;
	if (!p->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (seconds_since(&p->drawn, &now) * 1e9 >= REDRAW_NS ||
	    p->done == p->total)
		draw(p, &now);
}

void progress_end(struct progress *p)
{
	if (p->on) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->on = false;
}
