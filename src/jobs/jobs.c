/*
 * jobs.c: the scheduler thread, the month close and the daily audit anchor
 * (see jobs.h).
 */
#include "jobs/jobs.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "assess/assess.h"
#include "assess/raise.h"
#include "base/alloc.h"
#include "base/date.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/audit.h"
#include "model/grass_desk.h"
#include "model/role.h"
#include "ops/backup.h"

struct jobs {
	struct db_pool *pool;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop;
	char closed[8]; /* the last month closed */
	char anchored[DATE_BUFSZ]; /* the last day anchored */
	char carded[DATE_BUFSZ]; /* the last day of the card pass (督办) */
	char raised[DATE_BUFSZ]; /* the last day problems were raised */
	char ledgered[DATE_BUFSZ]; /* the last day the month's subsidy ledger was generated */
	char backed_up[DATE_BUFSZ]; /* the last day of the nightly backup */
	struct jobs_config cfg;
};

/* ---- metrics: each job's runs and how long they took; the newest backup's and anchor's age ---- */

enum job { JOB_MONTH_CLOSE, JOB_AUDIT_ANCHOR, JOB_CARDS, JOB_RAISE, JOB_LEDGER, JOB_BACKUP,
	   JOB_MINUTE, NJOBS };

static const char *const job_names[NJOBS] = {
	"month_close", "audit_anchor", "cards", "raise_problems", "subsidy_ledger", "backup",
	"every_minute",
};

static void job_labels(size_t i, struct strbuf *out)
{
	/* not "job": Prometheus's own label of the scrape target */
	metrics_label(out, "task", job_names[i / 2]);
	metrics_label(out, "result", i % 2 ? "error" : "ok");
}

static void job_label(size_t i, struct strbuf *out)
{
	metrics_label(out, "task", job_names[i]);
}

/* milliseconds: 10 ms to 1 h */
static const uint64_t job_bounds[] = { 10, 50, 100, 500, 1000, 5000, 10000, 30000, 60000,
				       300000, 1800000, 3600000 };

static struct metrics_family job_runs = {
	.name = "sanling_scheduler_task_runs_total",
	.help = "Runs of the scheduler's tasks (its jobs), by task and result.",
	.type = METRICS_COUNTER, .nseries = 2 * NJOBS, .labels = job_labels,
};
static struct metrics_family job_seconds = {
	.name = "sanling_scheduler_task_duration_seconds",
	.help = "How long a run of a scheduler's task took.",
	.type = METRICS_HISTOGRAM, .nseries = NJOBS, .labels = job_label,
	.bounds = job_bounds, .nbounds = sizeof(job_bounds) / sizeof(job_bounds[0]), .unit = 1e-3,
};

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A run of `job` begun at `t0` (now_ms()) is over. */
static void job_ran(enum job job, int64_t t0, int ok)
{
	metrics_count(&job_runs, 2 * (size_t)job + !ok, 1);
	metrics_observe(&job_seconds, job, (uint64_t)(now_ms() - t0));
}

static int is_backup_name(const char *name);

static int is_anchor_name(const char *name)
{
	size_t n = strlen(name);

	return n > 18 && !strncmp(name, "audit-anchor-", 13) && !strcmp(name + n - 5, ".json");
}

/* The latest modification time of the files of `dir` that `is` names; 0: none. */
static time_t newest(const char *dir, int (*is)(const char *name))
{
	struct strbuf path = STRBUF_INIT;
	struct dirent *e;
	struct stat st;
	time_t t = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (!is(e->d_name))
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, e->d_name);
		if (!stat(path.buf, &st) && S_ISREG(st.st_mode) && st.st_mtime > t)
			t = st.st_mtime;
	}
	closedir(d);
	strbuf_release(&path);
	return t;
}

/* One gauge: the age of the newest file `is` names in `dir`, +Inf when there is none. */
static void age_gauge(struct strbuf *out, const char *name, const char *help, const char *dir,
		      int (*is)(const char *name))
{
	time_t t = newest(dir, is);

	metrics_head(out, name, help, "gauge");
	metrics_sample(out, name, NULL, t ? difftime(time(NULL), t) : INFINITY);
}

/* The collector of the scheduler's folders (jobs_start, when they are given). */
static void collect_ages(struct strbuf *out, void *arg)
{
	const struct jobs_config *cfg = arg;

	if (cfg->backup_dir)
		age_gauge(out, "sanling_backup_newest_age_seconds",
			  "Seconds since the newest nightly backup in the backup folder was written "
			  "(+Inf: none there).", cfg->backup_dir, is_backup_name);
	if (cfg->anchor_dir)
		age_gauge(out, "sanling_audit_anchor_newest_age_seconds",
			  "Seconds since the newest daily anchor of the audit chain was written "
			  "(+Inf: none in the anchor folder).", cfg->anchor_dir, is_anchor_name);
}

int jobs_month_close(struct db *db, const char *month, struct strbuf *err)
{
	struct actor sys;

	if (!month || !month_valid(month)) {
		strbuf_addf(err, "month close: not a month: %s", month ? month : "(none)");
		return -1;
	}
	actor_system(&sys);
	return assess_refresh_all(db, &sys, month, month, err);
}

int jobs_audit_anchor(struct db *db, const char *dir, const char *date, struct strbuf *err)
{
	struct strbuf path = STRBUF_INIT;
	struct audit_anchor a;
	int ret = -1;

	strbuf_addf(&path, "%s/audit-anchor-%s.json", dir, date);
	if (access(path.buf, F_OK) == 0) {
		ret = 0;
		goto cleanup;
	}
	if (audit_anchor_take(db, &a, err) || audit_anchor_write(&a, path.buf, err))
		goto cleanup;
	ret = 1;
cleanup:
	strbuf_release(&path);
	return ret;
}

static int is_backup_name(const char *name)
{
	size_t n = strlen(name);

	return n == 26 && !strncmp(name, "sanling-", 8) && !strcmp(name + 18, ".tar.zst");
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Remove the oldest backups of `dir` (by the date in their names) until `keep` remain. */
static void prune_backups(const char *dir, int keep)
{
	char **names = NULL;
	size_t n = 0, i;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d)))
		if (is_backup_name(e->d_name)) {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(e->d_name);
		}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		if (i + (size_t)keep < n) {
			struct strbuf path = STRBUF_INIT;

			strbuf_addf(&path, "%s/%s", dir, names[i]);
			if (unlink(path.buf))
				log_error("backup: removing %s: %s", path.buf, strerror(errno));
			else
				log_info("backup: %s removed (%d kept)", path.buf, keep);
			strbuf_release(&path);
		}
		free(names[i]);
	}
	free(names);
}

int jobs_backup(const char *url, const char *dir, int keep, const char *date, struct strbuf *err)
{
	struct strbuf path = STRBUF_INIT;
	json_t *m = NULL;
	int ret = 0;

	strbuf_addf(&path, "%s/sanling-%s.tar.zst", dir, date);
	if (access(path.buf, F_OK)) {
		ret = backup_make(url, path.buf, &m, err) ? -1 : 1;
		json_decref(m);
	}
	if (ret >= 0)
		prune_backups(dir, keep);
	strbuf_release(&path);
	return ret;
}

/* The night's backup, if due; called without the lock. */
static void backup_due(struct jobs *j, const char *today)
{
	struct strbuf err = STRBUF_INIT;
	int64_t t0 = now_ms();
	int rc = jobs_backup(j->cfg.db_url, j->cfg.backup_dir, j->cfg.backup_keep, today, &err);

	job_ran(JOB_BACKUP, t0, rc >= 0);
	if (rc < 0)
		log_error("backup %s: %s", today, err.buf);
	else if (rc > 0)
		log_info("backup: %s/sanling-%s.tar.zst written", j->cfg.backup_dir, today);
	strbuf_release(&err);
	/* a failure waits for the next night (not every minute): the log says it */
	memcpy(j->backed_up, today, sizeof(j->backed_up));
}

/* The day's anchor, if due; called without the lock. */
static void anchor_due(struct jobs *j, const char *today)
{
	struct strbuf err = STRBUF_INIT;
	int64_t t0 = now_ms();
	struct db *db = db_pool_get(j->pool);
	int rc = jobs_audit_anchor(db, j->cfg.anchor_dir, today, &err);

	job_ran(JOB_AUDIT_ANCHOR, t0, rc >= 0);
	if (rc < 0)
		log_error("audit anchor %s: %s", today, err.buf);
	else if (rc > 0)
		log_info("audit anchor: %s/audit-anchor-%s.json written", j->cfg.anchor_dir, today);
	db_rollback(db);
	db_pool_put(j->pool, db);
	strbuf_release(&err);
	if (rc >= 0)
		memcpy(j->anchored, today, sizeof(j->anchored));
}

/* The day's card pass of 督办, if due; called without the lock. */
static void cards_due(struct jobs *j, const char *today)
{
	struct strbuf err = STRBUF_INIT;
	int64_t t0 = now_ms();
	struct db *db = db_pool_get(j->pool);
	struct cards_counts n;
	int rc = jobs_cards(db, today, &n, &err);

	job_ran(JOB_CARDS, t0, !rc);
	if (rc)
		log_error("cards %s: %s", today, err.buf);
	else
		log_info("cards %s: %lld yellow, %lld red, %lld reminded", today,
			 (long long)n.yellow, (long long)n.red, (long long)n.reminded);
	db_rollback(db);
	db_pool_put(j->pool, db);
	strbuf_release(&err);
	if (!rc)
		memcpy(j->carded, today, sizeof(j->carded));
}

/* The day's problems raised from the determination and the hazards; without the lock. */
static void raise_due(struct jobs *j, const char *today)
{
	struct raise_counts n;
	struct model_error e;
	struct actor sys;
	int64_t t0 = now_ms();
	struct db *db = db_pool_get(j->pool);
	int rc;

	model_error_init(&e);
	actor_system(&sys);
	rc = assess_raise_problems(db, &sys, today, &n, &e);
	job_ran(JOB_RAISE, t0, !rc);
	if (rc)
		log_error("raise problems %s: %s", today, e.msg.buf);
	else
		log_info("raise problems %s: %d from the determination, %d from hazards", today,
			 n.determination, n.hazard);
	db_rollback(db);
	db_pool_put(j->pool, db);
	if (!e.code)
		memcpy(j->raised, today, sizeof(j->raised));
	model_error_release(&e);
}

/* The current month's subsidy ledger generated (idempotent: kept rows stay); without the lock. */
static void ledger_due(struct jobs *j, const char *today)
{
	struct model_ctx mc = { 0 };
	struct model_error e;
	struct actor sys;
	char month[MONTH_BUFSZ];
	json_t *out = NULL;
	int64_t t0 = now_ms();
	int rc;

	model_error_init(&e);
	actor_system(&sys);
	month_now(month);
	mc.db = db_pool_get(j->pool);
	mc.actor = &sys;
	rc = ledger_generate(&mc, month, &out, &e);
	job_ran(JOB_LEDGER, t0, !rc);
	if (rc)
		log_error("subsidy ledger %s: %s", month, e.msg.buf);
	else if (json_array_size(json_object_get(out, "created")))
		log_info("subsidy ledger %s: %zu rows generated", month,
			 json_array_size(json_object_get(out, "created")));
	json_decref(out);
	db_rollback(mc.db);
	db_pool_put(j->pool, mc.db);
	if (!e.code)
		memcpy(j->ledgered, today, sizeof(j->ledgered));
	model_error_release(&e);
}

static void *run(void *arg)
{
	struct jobs *j = arg;

	pthread_mutex_lock(&j->lock);
	while (!j->stop) {
		char now[8], prev[8];
		struct timespec until;

		month_now(now);
		month_add(now, -1, prev);
		if (strcmp(j->closed, prev)) {
			struct strbuf err = STRBUF_INIT;
			int64_t t0 = now_ms();
			struct db *db;
			int rc;

			pthread_mutex_unlock(&j->lock);
			db = db_pool_get(j->pool);
			rc = jobs_month_close(db, prev, &err);
			job_ran(JOB_MONTH_CLOSE, t0, !rc);
			if (rc)
				log_error("month close %s: %s", prev, err.buf);
			else
				log_info("month close: %s determined (provisional)", prev);
			db_rollback(db);
			db_pool_put(j->pool, db);
			strbuf_release(&err);
			pthread_mutex_lock(&j->lock);
			memcpy(j->closed, prev, sizeof(j->closed));
		}
		if (j->cfg.anchor_dir) {
			char today[DATE_BUFSZ];

			date_today(today);
			if (strcmp(j->anchored, today)) {
				pthread_mutex_unlock(&j->lock);
				anchor_due(j, today);
				pthread_mutex_lock(&j->lock);
			}
		}
		{
			char today[DATE_BUFSZ];

			date_today(today);
			if (strcmp(j->carded, today)) {
				pthread_mutex_unlock(&j->lock);
				cards_due(j, today);
				pthread_mutex_lock(&j->lock);
			}
			if (strcmp(j->raised, today)) {
				pthread_mutex_unlock(&j->lock);
				raise_due(j, today);
				pthread_mutex_lock(&j->lock);
			}
			if (strcmp(j->ledgered, today)) {
				pthread_mutex_unlock(&j->lock);
				ledger_due(j, today);
				pthread_mutex_lock(&j->lock);
			}
		}
		if (j->cfg.backup_dir) {
			char today[DATE_BUFSZ];
			int minute;

			date_now_china(today, &minute);
			if (minute >= j->cfg.backup_minute && strcmp(j->backed_up, today)) {
				pthread_mutex_unlock(&j->lock);
				backup_due(j, today);
				pthread_mutex_lock(&j->lock);
			}
		}
		if (j->cfg.every_minute) {
			int64_t t0 = now_ms();

			pthread_mutex_unlock(&j->lock);
			j->cfg.every_minute(j->cfg.arg);
			job_ran(JOB_MINUTE, t0, 1);
			pthread_mutex_lock(&j->lock);
		}
		alloc_trouble_clear(); /* what met a shortage was not committed; the next minute tries again */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 60;
		while (!j->stop && pthread_cond_timedwait(&j->wake, &j->lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

struct jobs *jobs_start(struct db_pool *pool, const struct jobs_config *cfg,
			struct strbuf *err)
{
	struct jobs *j = xcalloc(1, sizeof(*j));

	j->pool = pool;
	if (cfg)
		j->cfg = *cfg;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->wake, NULL);
	metrics_register(&job_runs);
	metrics_register(&job_seconds);
	if (metrics_enabled() && (j->cfg.backup_dir || j->cfg.anchor_dir))
		metrics_collector_add(collect_ages, &j->cfg);
	if (pthread_create(&j->thread, NULL, run, j)) {
		metrics_collector_remove(collect_ages, &j->cfg);
		strbuf_addstr(err, "cannot start the scheduler thread");
		pthread_mutex_destroy(&j->lock);
		pthread_cond_destroy(&j->wake);
		free(j);
		return NULL;
	}
	return j;
}

void jobs_stop(struct jobs *j)
{
	if (!j)
		return;
	metrics_collector_remove(collect_ages, &j->cfg);
	pthread_mutex_lock(&j->lock);
	j->stop = 1;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->thread, NULL);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->wake);
	free(j);
}
