/*
 * bare_metrics: what counting one request costs, alone — the work the
 * server adds to a request when it keeps metrics (base/metrics.h): the
 * clock read when the request comes and when it is answered, the counter
 * of its route and status, the observation of its latency in its route's
 * histogram — on THREADS threads at once (the CPUs' copies of the cells
 * under test), over families the size of the server's (ROUTES route slots
 * of 37 statuses; a 15-bucket histogram each).  Prints the process's CPU
 * time (all threads, user + system) a request; with --off the loop alone,
 * as a server without metrics runs it: no clock read, the calls on
 * families never registered (each returns at once).  The difference is
 * what keeping metrics adds to a request.
 *
 *   bare_metrics [--off] [THREADS [REQUESTS_PER_THREAD]]
 *
 * Built by bench/service.sh against build/libsanling.a.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/metrics.h"
#include "base/strbuf.h"

#define ROUTES 500
#define CODES 37

static const uint64_t bounds[] = { 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
				   500000, 1000000, 2500000, 5000000, 10000000, 30000000 };
static struct metrics_family requests = {
	.name = "bare_requests_total", .help = "requests", .type = METRICS_COUNTER,
	.nseries = ROUTES * CODES, .flags = METRICS_SPARSE,
};
static struct metrics_family latency = {
	.name = "bare_request_duration_seconds", .help = "latency", .type = METRICS_HISTOGRAM,
	.nseries = ROUTES, .bounds = bounds, .nbounds = 15, .unit = 1e-6, .flags = METRICS_SPARSE,
};
static long per_thread = 5000000;
static int off;

/* The process's CPU time so far (every thread), in ns. */
static uint64_t cpu_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (uint64_t)t.tv_sec * 1000000000 + (uint64_t)t.tv_nsec;
}

static void *work(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	long i;

	for (i = 0; i < per_thread; i++) {
		struct timespec t0, t1;
		/* a few routes take most requests, as in a server */
		size_t route = (seed = seed * 1103515245 + 12345) >> 16 & 7 ? (seed >> 8) % 16
									     : (seed >> 8) % ROUTES;
		uint64_t usec;

		if (!off) { /* the server reads the clock only to keep metrics */
			clock_gettime(CLOCK_MONOTONIC, &t0);
			clock_gettime(CLOCK_MONOTONIC, &t1);
		} else {
			t0 = t1 = (struct timespec){ 0, 0 };
		}
		usec = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000 +
		       (uint64_t)((t1.tv_nsec - t0.tv_nsec) / 1000) + (seed >> 4) % 20000;
		metrics_count(&requests, route * CODES + (seed >> 12) % 3, 1);
		metrics_observe(&latency, route, usec);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int threads, t;
	pthread_t th[64];
	uint64_t t0, t1;

	off = argc > 1 && !strcmp(argv[1], "--off");
	argv += off;
	argc -= off;
	threads = argc > 1 ? atoi(argv[1]) : 2;
	if (argc > 2)
		per_thread = atol(argv[2]);
	if (threads < 1 || threads > 64 || per_thread < 1)
		return fprintf(stderr, "usage: bare_metrics [--off] [THREADS [REQUESTS]]\n"), 2;
	if (!off) {
		metrics_enable();
		metrics_register(&requests);
		metrics_register(&latency);
	}
	t0 = cpu_ns();
	for (t = 0; t < threads; t++)
		pthread_create(&th[t], NULL, work, (void *)(uintptr_t)(t + 1));
	for (t = 0; t < threads; t++)
		pthread_join(th[t], NULL);
	t1 = cpu_ns();
	if (!off) {
		struct strbuf out = STRBUF_INIT;

		metrics_render(&out);
		if (!strstr(out.buf, "bare_request_duration_seconds_count"))
			return fprintf(stderr, "bare_metrics: nothing counted\n"), 1;
		strbuf_release(&out);
		metrics_release();
	}
	printf("%.1f ns a request (CPU time; %d threads, %ld requests each, %s)\n",
	       (double)(t1 - t0) / ((double)per_thread * threads), threads, per_thread,
	       off ? "metrics off" : "metrics on");
	return 0;
}
