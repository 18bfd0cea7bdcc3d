/*
 * metrics.c: the families kept, their cells, and the text (metrics.h).
 *
 * A family's cells: for each series `width` 64-bit counters (a counter: 1;
 * a histogram: one per bucket, +Inf included, then the sum), the series
 * one after the other; that block once per CPU (`stride` cells apart, a
 * whole number of cache lines), so that the add of a thread goes to the
 * copy of the CPU it runs on.  A thread moved to another CPU between
 * sched_getcpu() and its add only shares a line for that once: the adds
 * are atomic, so nothing is lost, it is only slower.  A scrape sums the
 * copies; a histogram's count is the sum of its buckets, so the +Inf
 * bucket and _count always agree.
 */
#include "base/metrics.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/strbuf.h"

#define CACHE_LINE 64
#define LINE_CELLS (CACHE_LINE / sizeof(uint64_t))
#define MAX_COPIES 64

struct collector {
	metrics_collect_fn fn;
	void *arg;
	struct collector *next;
};

/* guards the lists (registering, collectors) and a scrape's walk of them */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int enabled;
static unsigned ncopies = 1;	/* set by metrics_enable(), before any family has cells */
static struct metrics_family *families, **families_tail = &families;
static struct collector *collectors;

void metrics_enable(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	ncopies = n < 1 ? 1 : n > MAX_COPIES ? MAX_COPIES : (unsigned)n;
	atomic_store(&enabled, 1);
}

int metrics_enabled(void)
{
	return atomic_load(&enabled);
}

static size_t nseries(const struct metrics_family *f)
{
	return f->nseries ? f->nseries : 1;
}

void metrics_register(struct metrics_family *f)
{
	size_t cells;
	char *mem;

	pthread_mutex_lock(&lock);
	if (!atomic_load(&enabled) || atomic_load(&f->cells)) {
		pthread_mutex_unlock(&lock);
		return;
	}
	f->width = f->type == METRICS_HISTOGRAM ? f->nbounds + 2 : 1;
	cells = nseries(f) * f->width;
	f->stride = (cells + LINE_CELLS - 1) / LINE_CELLS * LINE_CELLS;
	/* zeroed, and its copies on lines of their own */
	mem = xcalloc(1, ncopies * f->stride * sizeof(uint64_t) + CACHE_LINE);
	f->mem = mem;
	f->next = NULL;
	*families_tail = f;
	families_tail = &f->next;
	atomic_store_explicit(&f->cells,
			      (_Atomic uint64_t *)(mem + CACHE_LINE - (uintptr_t)mem % CACHE_LINE),
			      memory_order_release);
	pthread_mutex_unlock(&lock);
}

/* The copy of `f`'s cells for the CPU this thread runs on. */
static _Atomic uint64_t *this_copy(const struct metrics_family *f, _Atomic uint64_t *cells)
{
	int cpu = sched_getcpu();

	return cells + (size_t)(cpu < 0 ? 0 : (unsigned)cpu % ncopies) * f->stride;
}

void metrics_count(struct metrics_family *f, size_t i, uint64_t n)
{
	_Atomic uint64_t *cells = atomic_load_explicit(&f->cells, memory_order_acquire);

	if (!cells || i >= nseries(f))
		return;
	atomic_fetch_add_explicit(this_copy(f, cells) + i * f->width, n, memory_order_relaxed);
}

void metrics_observe(struct metrics_family *f, size_t i, uint64_t v)
{
	_Atomic uint64_t *cells = atomic_load_explicit(&f->cells, memory_order_acquire), *s;
	size_t b = 0;

	if (!cells || i >= nseries(f))
		return;
	while (b < f->nbounds && v > f->bounds[b])
		b++;
	s = this_copy(f, cells) + i * f->width;
	atomic_fetch_add_explicit(s + b, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(s + f->nbounds + 1, v, memory_order_relaxed);
}

void metrics_collector_add(metrics_collect_fn fn, void *arg)
{
	struct collector *c = xmalloc(sizeof(*c)), **p;

	c->fn = fn;
	c->arg = arg;
	c->next = NULL;
	pthread_mutex_lock(&lock);
	for (p = &collectors; *p; p = &(*p)->next)
		;
	*p = c;
	pthread_mutex_unlock(&lock);
}

void metrics_collector_remove(metrics_collect_fn fn, void *arg)
{
	struct collector **p, *c;

	pthread_mutex_lock(&lock);
	for (p = &collectors; (c = *p); p = &c->next)
		if (c->fn == fn && c->arg == arg) {
			*p = c->next;
			free(c);
			break;
		}
	pthread_mutex_unlock(&lock);
}

/* ---- the text ---- */

/* `s` with backslashes and newlines escaped (and quotes, when `quote`). */
static void add_escaped(struct strbuf *out, const char *s, int quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			strbuf_addstr(out, "\\\\");
		else if (*s == '\n')
			strbuf_addstr(out, "\\n");
		else if (*s == '"' && quote)
			strbuf_addstr(out, "\\\"");
		else
			strbuf_addch(out, *s);
	}
}

static void add_number(struct strbuf *out, double v)
{
	if (isnan(v))
		strbuf_addstr(out, "NaN");
	else if (isinf(v))
		strbuf_addstr(out, v > 0 ? "+Inf" : "-Inf");
	else
		strbuf_addf(out, "%.15g", v);
}

void metrics_head(struct strbuf *out, const char *name, const char *help, const char *type)
{
	strbuf_addf(out, "# HELP %s ", name);
	add_escaped(out, help, 0);
	strbuf_addf(out, "\n# TYPE %s %s\n", name, type);
}

void metrics_label(struct strbuf *out, const char *name, const char *value)
{
	if (out->len)
		strbuf_addch(out, ',');
	strbuf_addf(out, "%s=\"", name);
	add_escaped(out, value, 1);
	strbuf_addch(out, '"');
}

/* "name{labels}" of a sample, `labels` and `more` (one more label) joined. */
static void add_name(struct strbuf *out, const char *name, const char *suffix, const char *labels,
		     const char *more)
{
	int l = labels && *labels, m = more && *more;

	strbuf_addstr(out, name);
	strbuf_addstr(out, suffix);
	if (l || m)
		strbuf_addf(out, "{%s%s%s}", l ? labels : "", l && m ? "," : "", m ? more : "");
	strbuf_addch(out, ' ');
}

void metrics_sample(struct strbuf *out, const char *name, const char *labels, double v)
{
	add_name(out, name, "", labels, NULL);
	add_number(out, v);
	strbuf_addch(out, '\n');
}

static void sample_u64(struct strbuf *out, const char *name, const char *suffix, const char *labels,
		       const char *more, uint64_t v)
{
	add_name(out, name, suffix, labels, more);
	strbuf_addf(out, "%" PRIu64 "\n", v);
}

/* Cell `k` of every series `i`, summed over the CPUs' copies. */
static uint64_t total(const struct metrics_family *f, const _Atomic uint64_t *cells, size_t i,
		      size_t k)
{
	uint64_t v = 0;
	unsigned c;

	for (c = 0; c < ncopies; c++)
		v += atomic_load_explicit(cells + (size_t)c * f->stride + i * f->width + k,
					  memory_order_relaxed);
	return v;
}

/* A histogram's series whose `buckets` (not cumulative, +Inf last) and `sum` were read. */
static void render_histogram(struct strbuf *out, const struct metrics_family *f,
			     const uint64_t *buckets, uint64_t sum, const char *labels)
{
	double unit = f->unit > 0 ? f->unit : 1;
	struct strbuf le = STRBUF_INIT;
	uint64_t count = 0;
	size_t b;

	for (b = 0; b <= f->nbounds; b++) {
		count += buckets[b];
		strbuf_reset(&le);
		strbuf_addstr(&le, "le=\"");
		if (b < f->nbounds)
			add_number(&le, (double)f->bounds[b] * unit);
		else
			strbuf_addstr(&le, "+Inf");
		strbuf_addch(&le, '"');
		sample_u64(out, f->name, "_bucket", labels, le.buf, count);
	}
	add_name(out, f->name, "_sum", labels, NULL);
	add_number(out, (double)sum * unit);
	strbuf_addch(out, '\n');
	sample_u64(out, f->name, "_count", labels, NULL, count);
	strbuf_release(&le);
}

static void render_family(struct strbuf *out, const struct metrics_family *f)
{
	const _Atomic uint64_t *cells = atomic_load_explicit(&f->cells, memory_order_acquire);
	int hist = f->type == METRICS_HISTOGRAM;
	struct strbuf labels = STRBUF_INIT;
	uint64_t *v = xcalloc(f->width, sizeof(*v)), n;
	size_t i, k;

	metrics_head(out, f->name, f->help, hist ? "histogram" : "counter");
	for (i = 0; i < nseries(f); i++) {
		/* read once (the buckets shown are the count's); a sparse zero costs no label */
		for (k = 0, n = 0; k < f->width; k++)
			v[k] = total(f, cells, i, k);
		for (k = 0; k < (hist ? f->nbounds + 1 : 1); k++)
			n += v[k];
		if (!n && (f->flags & METRICS_SPARSE))
			continue;
		strbuf_reset(&labels);
		if (f->labels)
			f->labels(i, &labels);
		if (hist)
			render_histogram(out, f, v, v[f->nbounds + 1], labels.buf);
		else
			sample_u64(out, f->name, "", labels.buf, NULL, v[0]);
	}
	free(v);
	strbuf_release(&labels);
}

void metrics_render(struct strbuf *out)
{
	const struct metrics_family *f;
	const struct collector *c;

	pthread_mutex_lock(&lock);
	for (f = families; f; f = f->next)
		render_family(out, f);
	for (c = collectors; c; c = c->next)
		c->fn(out, c->arg);
	pthread_mutex_unlock(&lock);
}

void metrics_release(void)
{
	struct metrics_family *f, *next;

	pthread_mutex_lock(&lock);
	atomic_store(&enabled, 0);
	for (f = families; f; f = next) {
		next = f->next;
		atomic_store(&f->cells, NULL);
		free(f->mem);
		f->mem = NULL;
		f->next = NULL;
	}
	families = NULL;
	families_tail = &families;
	while (collectors) {
		struct collector *c = collectors;

		collectors = c->next;
		free(c);
	}
	pthread_mutex_unlock(&lock);
}
