/* progress.h: a progress bar on stderr for long runs (deliver --redeliver).
 *
 * Shown only when stderr is a terminal; redrawn at most ten times a
 * second so that drawing never costs more than the work it reports. */
#ifndef DELIVER_PROGRESS_H
#define DELIVER_PROGRESS_H

#include <stdbool.h>
#include <time.h>

struct progress {
	bool on;
	unsigned long total;    /* 0 = not known */
	unsigned long done;
	struct timespec start, drawn;
};

/* on: draw at all (the caller decides, normally isatty(2)). */
void progress_start(struct progress *p, unsigned long total, bool on);

/* One more item done. */
void progress_step(struct progress *p);

/* Erase the bar (before the summary is printed). */
void progress_end(struct progress *p);

/* The bar's text for done of total after secs seconds, for tests:
 * "[#####     ] 50/100 12.5/s ETA 0:04". */
void progress_format(char *buf, size_t len, unsigned long done,
    unsigned long total, double secs);

#endif
