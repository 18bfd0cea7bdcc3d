/*
 * jobs: the server's scheduler — work that runs by the calendar, not by a
 * request.  Today one job: the month close.  On start and then every
 * minute it checks whether a month has ended since it last looked; if so,
 * it writes the provisional determination of the month just ended for
 * every district, so that the lead departments find it waiting for their
 * confirmation (GET /api/v1/months) on the first day of the new month.
 * Once a day (and at start) the card pass of 督办 (jobs_cards, cards.c).
 * Once a day (and at start) the problems raised from the published months'
 * failures and the overdue major hazards (assess_raise_problems, raise.c).
 * Once a day (and at start) the current month's subsidy ledger of the
 * village police (ledger_generate, model/ledger.c; rows there are kept).
 * Once a day, from its time on (China time), when asked: the nightly backup
 * (ops/backup.h) into a folder that keeps the newest N of them.
 *
 * Metrics (base/metrics.h, when enabled before jobs_start()): each job's
 * runs by result and their durations; the age of the newest backup in the
 * backup folder and of the newest anchor in the anchor folder, read from
 * the folders at each scrape.
 *
 * Not a general cron: jobs are functions listed in jobs.c.
 */
#ifndef SANLING_JOBS_H
#define SANLING_JOBS_H

#include <stdint.h>

struct db_pool;
struct db;
struct strbuf;

struct jobs;

struct jobs_config {
	const char *anchor_dir;		/* the daily audit anchors; NULL: none */
	const char *backup_dir;		/* the nightly backups; NULL: none */
	const char *db_url;		/* the database they copy */
	int backup_keep;		/* how many of them stay (the newest) */
	int backup_minute;		/* from when in the day (minutes after 00:00, China time) */
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

/*
 * The backup of `date` (YYYY-MM-DD) into `dir`/sanling-`date`.tar.zst
 * unless there, then the oldest of that folder's backups removed until
 * `keep` remain.  Returns 1 when written, 0 when it was there, -1 with `err`.
 */
int jobs_backup(const char *url, const char *dir, int keep, const char *date, struct strbuf *err);

/*
 * The card pass of 督办 for `today` (YYYY-MM-DD), run by the scheduler once
 * a day (and at its start), and by `sanling work cards`: on the open (not
 * closed) supervisions, set-wise, a yellow card (yellow_on = today) when
 * the due date has passed and there is none yet; a red card (red_on =
 * today) from red_from on; the 催办 date (reminded_on = today) once the
 * due date has passed.  One transaction with one audit row
 * "supervisions.cards" holding the counts.  0 with `out` filled, or -1.
 */
struct cards_counts {
	int64_t yellow, red, reminded;
};
int jobs_cards(struct db *db, const char *today, struct cards_counts *out, struct strbuf *err);

#endif
