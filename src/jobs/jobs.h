/*
 * jobs: the server's scheduler — work that runs by the calendar, not by a
 * request.  Today one job: the month close.  On start and then every
 * minute it checks whether a month has ended since it last looked; if so,
 * it writes the provisional determination of the month just ended for
 * every district, so that the lead departments find it waiting for their
 * confirmation (GET /api/v1/months) on the first day of the new month.
 *
 * Not a general cron: jobs are functions listed in jobs.c.
 */
#ifndef SANLING_JOBS_H
#define SANLING_JOBS_H

struct db_pool;
struct db;
struct strbuf;

struct jobs;

struct jobs_config {
	const char *anchor_dir;		/* the daily audit anchors; NULL: none */
	void (*every_minute)(void *arg);	/* NULL: none */
	void *arg;
};

/*
 * Start the scheduler thread on connections of `pool`, with `cfg` (may be
 * NULL; its strings must outlive the scheduler).  NULL on failure.
 */
struct jobs *jobs_start(struct db_pool *pool, const struct jobs_config *cfg,
			struct strbuf *err);
/* Stop and join it (waits for a running job to finish).  NULL is a no-op. */
void jobs_stop(struct jobs *j);

/*
 * The month close itself, for tests and the command line: the
 * determination of `month` (YYYY-MM) for every district.  0 or -1.
 */
int jobs_month_close(struct db *db, const char *month, struct strbuf *err);

/*
 * The anchor of `date` (YYYY-MM-DD): the current head of the audit chain
 * written to `dir`/audit-anchor-`date`.json unless that file exists.
 * Returns 1 when written, 0 when it was there already, -1 with `err`.
 */
int jobs_audit_anchor(struct db *db, const char *dir, const char *date, struct strbuf *err);

#endif
