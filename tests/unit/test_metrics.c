/*
 * test_metrics: unit tests of src/base/metrics: nothing is kept before
 * metrics_enable() (a family registered then is not, until registered
 * again); a counter's series with their labels (escaped), a
 * sparse family showing only the series that moved; a histogram's buckets
 * cumulative, in the unit shown, +Inf and _count equal to the values
 * observed (counted here), _sum their total; adds from several threads at
 * once all counted; a collector's samples after the families, gone once
 * removed.  The text is parsed back line by line here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/metrics.h"
#include "base/strbuf.h"

static const char *const colours[] = { "red", "say \"hi\"\\now", "blue" };

static void colour_labels(size_t i, struct strbuf *out)
{
	metrics_label(out, "colour", colours[i]);
	metrics_label(out, "n", i == 1 ? "two\nlines" : "x");
}

static struct metrics_family early = {
	.name = "t_early_total", .help = "registered before enable", .type = METRICS_COUNTER,
};
static struct metrics_family plain = {
	.name = "t_plain_total", .help = "a counter\nwith a \\ in its help", .type = METRICS_COUNTER,
};
static struct metrics_family coloured = {
	.name = "t_coloured_total", .help = "by colour", .type = METRICS_COUNTER, .nseries = 3,
	.labels = colour_labels, .flags = METRICS_SPARSE,
};
static const uint64_t bounds[] = { 10, 100, 1000 };
static struct metrics_family hist = {
	.name = "t_seconds", .help = "ms shown as s", .type = METRICS_HISTOGRAM,
	.bounds = bounds, .nbounds = 3, .unit = 1e-3,
};

/* The value of the sample line `name{labels}` in `text`; NAN when there is none. */
static double sample(const char *text, const char *line_start)
{
	size_t n = strlen(line_start);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, line_start, n) && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NAN;
}

static void collect(struct strbuf *out, void *arg)
{
	metrics_head(out, "t_gauge", "a gauge", "gauge");
	metrics_sample(out, "t_gauge", "k=\"v\"", *(double *)arg);
	metrics_sample(out, "t_gauge", NULL, INFINITY);
}

static void *adder(void *arg)
{
	int i;

	for (i = 0; i < 100000; i++) {
		metrics_count(&plain, 0, 1);
		metrics_observe(&hist, 0, (uint64_t)(i % 2000));
	}
	return arg;
}

static void test_metrics(void **state)
{
	struct strbuf out = STRBUF_INIT;
	pthread_t th[4];
	double g = 2.5;
	uint64_t v, in[4] = { 0 }, sum = 0;
	int i;

	/* before enable: nothing kept, nothing shown */
	metrics_register(&early);
	metrics_count(&early, 0, 5);
	assert_false(metrics_enabled());
	metrics_enable();
	assert_true(metrics_enabled());
	metrics_register(&early); /* now kept, from zero: the add before was not */
	metrics_register(&plain);
	metrics_register(&coloured);
	metrics_register(&coloured); /* twice: once */
	metrics_register(&hist);

	metrics_count(&plain, 0, 3);
	metrics_count(&plain, 7, 1); /* out of range: ignored */
	metrics_count(&coloured, 1, 2);
	metrics_count(&coloured, 1, 1);
	for (v = 0; v < 1500; v += 7) {
		metrics_observe(&hist, 0, v);
		in[v <= 10 ? 0 : v <= 100 ? 1 : v <= 1000 ? 2 : 3]++;
		sum += v;
	}
	metrics_collector_add(collect, &g);
	metrics_render(&out);
	assert_true(sample(out.buf, "t_early_total") == 0);
	assert_non_null(strstr(out.buf, "# HELP t_plain_total a counter\\nwith a \\\\ in its help\n"
					"# TYPE t_plain_total counter\nt_plain_total 3\n"));
	/* sparse: only the series that moved, its labels escaped */
	assert_null(strstr(out.buf, "colour=\"red\""));
	assert_null(strstr(out.buf, "colour=\"blue\""));
	assert_true(sample(out.buf, "t_coloured_total{colour=\"say \\\"hi\\\"\\\\now\",n=\"two\\nlines\"}")
		    == 3);
	/* the histogram: cumulative, bounds in seconds */
	assert_non_null(strstr(out.buf, "# TYPE t_seconds histogram\n"));
	assert_true(sample(out.buf, "t_seconds_bucket{le=\"0.01\"}") == in[0]);
	assert_true(sample(out.buf, "t_seconds_bucket{le=\"0.1\"}") == in[0] + in[1]);
	assert_true(sample(out.buf, "t_seconds_bucket{le=\"1\"}") == in[0] + in[1] + in[2]);
	assert_true(sample(out.buf, "t_seconds_bucket{le=\"+Inf\"}") ==
		    in[0] + in[1] + in[2] + in[3]);
	assert_true(sample(out.buf, "t_seconds_count") == in[0] + in[1] + in[2] + in[3]);
	assert_true(fabs(sample(out.buf, "t_seconds_sum") - (double)sum / 1000) < 1e-9);
	/* the collector's, after the families */
	assert_true(strstr(out.buf, "# TYPE t_gauge gauge") > strstr(out.buf, "t_seconds_count"));
	assert_true(sample(out.buf, "t_gauge{k=\"v\"}") == 2.5);
	assert_non_null(strstr(out.buf, "\nt_gauge +Inf\n"));

	/* from several threads at once: every add counted */
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, adder, NULL), 0);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	metrics_collector_remove(collect, &g);
	strbuf_reset(&out);
	metrics_render(&out);
	assert_true(sample(out.buf, "t_plain_total") == 3 + 4 * 100000);
	assert_true(sample(out.buf, "t_seconds_count") == in[0] + in[1] + in[2] + in[3] + 4 * 100000);
	assert_null(strstr(out.buf, "t_gauge"));

	/* released: nothing kept any more */
	metrics_release();
	assert_false(metrics_enabled());
	metrics_count(&plain, 0, 1);
	strbuf_reset(&out);
	metrics_render(&out);
	assert_int_equal(out.len, 0);
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
