/*
 * metrics: counters and histograms kept for Prometheus, and the text that
 * shows them (the text exposition format, version 0.0.4):
 *
 *     # HELP sanling_group_commit_batch_size Writes committed by one batch.
 *     # TYPE sanling_group_commit_batch_size histogram
 *     sanling_group_commit_batch_size_bucket{le="1"} 12
 *     ...
 *
 * A family is a static `struct metrics_family` of the module where its
 * events happen, with a fixed number of series addressed by index (the
 * module says which labels series i has).  metrics_count() and
 * metrics_observe() are for the hot path: no lock, no allocation, a
 * relaxed atomic add or two on the cells of the CPU the thread runs on (a
 * family keeps one copy of its cells per CPU, each on its own cache lines,
 * summed when shown), so threads on different cores never write the same
 * line.  Values shown in a gauge (a pool's connections, an age) are not
 * kept here: a collector, called at each scrape, writes them.
 *
 * Nothing is kept until metrics_enable(): before it, and for a family not
 * registered, the hot-path calls return at once.  The server enables it
 * when asked to serve /metrics; the command-line tools never do.
 *
 * Knows nothing of the domain: names, labels and what they count are the
 * callers'.  Label values must never carry personal data or a value a user
 * typed (a path, a query): callers pass fixed vocabularies only.
 */
#ifndef SANLING_METRICS_H
#define SANLING_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

enum metrics_type { METRICS_COUNTER, METRICS_HISTOGRAM };

enum metrics_flags {
	METRICS_SPARSE = 1 << 0,	/* a series still at zero is not shown */
};

struct metrics_family {
	const char *name;	/* "sanling_http_requests_total": [a-zA-Z_:][a-zA-Z0-9_:]* */
	const char *help;
	enum metrics_type type;
	size_t nseries;		/* series 0 .. nseries - 1; 0 means 1 */
	/*
	 * Histograms: the buckets' upper bounds in the unit observed
	 * (integers, ascending; +Inf is added), and what one such unit is in
	 * the unit shown (1e-6: microseconds observed, seconds shown; 0: 1).
	 */
	const uint64_t *bounds;
	size_t nbounds;
	double unit;
	/*
	 * The labels of series `i`, appended to `out` with metrics_label();
	 * NULL: the family has no labels (and one series).
	 */
	void (*labels)(size_t i, struct strbuf *out);
	unsigned flags;		/* enum metrics_flags */

	/* private: the cells (NULL until registered while enabled) */
	_Atomic(_Atomic uint64_t *) cells;
	void *mem;		/* their allocation */
	size_t width;		/* cells of a series */
	size_t stride;		/* cells of one CPU's copy */
	struct metrics_family *next;
};

/*
 * Keep metrics from now on: called once, before the families are
 * registered (registering one before does nothing).
 */
void metrics_enable(void);
int metrics_enabled(void);

/*
 * Keep and show `f` (in the order registered).  A second call is a no-op,
 * and so is every call before metrics_enable().  Thread-safe.
 */
void metrics_register(struct metrics_family *f);

/* Add `n` to series `i` of counter `f` (an `i` out of range is ignored). */
void metrics_count(struct metrics_family *f, size_t i, uint64_t n);
/* Count `v` (in the family's unit) in series `i` of histogram `f`. */
void metrics_observe(struct metrics_family *f, size_t i, uint64_t v);

/*
 * A collector: at each scrape, after the families, `fn(out, arg)` appends
 * its own metrics (gauges, or counters kept elsewhere) with metrics_head()
 * and metrics_sample().  Removed before what `arg` points to goes away.
 */
typedef void (*metrics_collect_fn)(struct strbuf *out, void *arg);
void metrics_collector_add(metrics_collect_fn fn, void *arg);
void metrics_collector_remove(metrics_collect_fn fn, void *arg);

/* Everything kept, then every collector's, appended to `out`. */
void metrics_render(struct strbuf *out);

/* "# HELP name help" and "# TYPE name type" ("gauge", "counter"). */
void metrics_head(struct strbuf *out, const char *name, const char *help, const char *type);
/*
 * One sample: "name{labels} value" ("name value" when `labels` is NULL or
 * empty; `labels` as metrics_label() makes them).  NaN and the infinities
 * are written as Prometheus spells them.
 */
void metrics_sample(struct strbuf *out, const char *name, const char *labels, double v);
/* `name="value"` appended to `out` (after a comma when `out` is not empty), escaped. */
void metrics_label(struct strbuf *out, const char *name, const char *value);

/* At exit, once nothing counts any more: every family forgotten, the memory freed. */
void metrics_release(void);

#endif
