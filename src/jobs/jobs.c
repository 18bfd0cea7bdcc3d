/*
 * jobs.c: the scheduler thread, the month close and the daily audit anchor
 * (see jobs.h).
 */
#include "jobs/jobs.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "assess/assess.h"
#include "assess/raise.h"
#include "base/alloc.h"
#include "base/date.h"
#include "base/log.h"
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
	int rc = jobs_backup(j->cfg.db_url, j->cfg.backup_dir, j->cfg.backup_keep, today, &err);

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
	struct db *db = db_pool_get(j->pool);
	int rc = jobs_audit_anchor(db, j->cfg.anchor_dir, today, &err);

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
	struct db *db = db_pool_get(j->pool);
	struct cards_counts n;
	int rc = jobs_cards(db, today, &n, &err);

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
	struct db *db = db_pool_get(j->pool);

	model_error_init(&e);
	actor_system(&sys);
	if (assess_raise_problems(db, &sys, today, &n, &e))
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

	model_error_init(&e);
	actor_system(&sys);
	month_now(month);
	mc.db = db_pool_get(j->pool);
	mc.actor = &sys;
	if (ledger_generate(&mc, month, &out, &e))
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
			struct db *db;

			pthread_mutex_unlock(&j->lock);
			db = db_pool_get(j->pool);
			if (jobs_month_close(db, prev, &err))
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
			pthread_mutex_unlock(&j->lock);
			j->cfg.every_minute(j->cfg.arg);
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
	if (pthread_create(&j->thread, NULL, run, j)) {
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
	pthread_mutex_lock(&j->lock);
	j->stop = 1;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->thread, NULL);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->wake);
	free(j);
}
