/*
 * test_group_commit.c: nested transactions (savepoints) in the db layer and
 * the server's group commit: concurrent writers share batches, a refused
 * write undoes only itself, a large write runs alone as a transaction of
 * its own, and every acknowledged write is in the database.  On SQLite, and on PostgreSQL when SANLING_TEST_PG is set.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/group_commit.h"
#include "base/alloc.h"
#include "base/strbuf.h"
#include "db/db.h"

static char url[512];

static struct db *open_fresh(void)
{
	struct strbuf err = STRBUF_INIT;
	struct db *db = db_open(url, &err);

	assert_non_null(db);
	db_exec(db, "DROP TABLE IF EXISTS gc_t", NULL);
	assert_int_equal(db_exec(db, "CREATE TABLE gc_t (k TEXT PRIMARY KEY, v BIGINT)", &err), 0);
	strbuf_release(&err);
	return db;
}

static int64_t count(struct db *db, const char *where)
{
	struct strbuf sql = STRBUF_INIT;
	char *v = NULL;
	int64_t n;

	strbuf_addf(&sql, "SELECT COUNT(*) FROM gc_t%s%s", where ? " WHERE " : "", where ? where : "");
	assert_int_equal(db_query_value(db, sql.buf, NULL, 0, &v, NULL), 0);
	n = atoll(v);
	free(v);
	strbuf_release(&sql);
	return n;
}

static void insert(struct db *db, const char *k, int v)
{
	const char *p[] = { k };
	struct db_stmt *st;

	(void)p;
	assert_int_equal(db_prepare(db, "INSERT INTO gc_t (k, v) VALUES (?, ?)", &st, NULL), 0);
	db_bind_text(st, 1, k);
	db_bind_int64(st, 2, v);
	assert_true(db_step(st, NULL) >= 0);
	db_finalize(st);
}

static void test_nesting(void **state)
{
	struct db *db = open_fresh();

	assert_int_equal(db_begin(db, NULL), 0);
	insert(db, "outer", 1);
	assert_int_equal(db_begin(db, NULL), 0);   /* savepoint */
	insert(db, "kept", 2);
	assert_int_equal(db_commit(db, NULL), 0);  /* release */
	assert_int_equal(db_begin(db, NULL), 0);
	insert(db, "undone", 3);
	assert_int_equal(db_rollback(db), 0);      /* only the inner part */
	assert_true(db_in_transaction(db));
	assert_int_equal(db_commit(db, NULL), 0);  /* the outer one */
	assert_false(db_in_transaction(db));
	assert_int_equal(count(db, NULL), 2);
	assert_int_equal(count(db, "k = 'undone'"), 0);
	/* a rollback of the outer transaction undoes everything */
	assert_int_equal(db_begin(db, NULL), 0);
	insert(db, "gone", 4);
	assert_int_equal(db_begin(db, NULL), 0);
	insert(db, "gone2", 5);
	assert_int_equal(db_commit(db, NULL), 0);
	assert_int_equal(db_rollback(db), 0);
	assert_int_equal(count(db, NULL), 2);
	db_close(db);
}

struct writer {
	struct group_commit *g;
	int id;
	int n;
	int acked;
};

static void *write_many(void *arg)
{
	struct writer *w = arg;
	int i;

	for (i = 0; i < w->n; i++) {
		struct strbuf err = STRBUF_INIT;
		uint64_t batch;
		struct db *db = group_commit_enter(w->g, &batch, &err);
		char k[32];
		int refused = (i % 7) == 3;

		assert_non_null(db);
		/* the request's own transaction, nested in the batch */
		assert_int_equal(db_begin(db, NULL), 0);
		snprintf(k, sizeof(k), "w%d-%d", w->id, i);
		insert(db, k, i);
		if (refused)
			db_rollback(db); /* a refused write undoes only itself */
		else
			assert_int_equal(db_commit(db, NULL), 0);
		assert_int_equal(group_commit_leave(w->g, batch, &err), 0);
		if (!refused)
			w->acked++;
		strbuf_release(&err);
	}
	return NULL;
}

static void *write_many_jobs(void *arg);

/*
 * Eight threads write `rounds` rows each through `g` (with `mixed`, every
 * other one as jobs); then `g` and `db` are closed, and what was
 * acknowledged must be durable and visible to another connection.  Returns
 * how many were acknowledged.
 */
static int write_all(struct db *db, struct group_commit *g, int rounds, int mixed)
{
	struct strbuf err = STRBUF_INIT;
	struct db *check;
	pthread_t th[8];
	struct writer w[8];
	int i, acked = 0;

	for (i = 0; i < 8; i++) {
		w[i] = (struct writer){ g, i, rounds, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, mixed && i % 2 ? write_many_jobs
						: write_many, &w[i]), 0);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		acked += w[i].acked;
	}
	group_commit_free(g);
	assert_false(db_in_transaction(db));
	db_close(db);
	check = db_open(url, &err);
	assert_non_null(check);
	assert_int_equal(count(check, NULL), acked);
	db_close(check);
	strbuf_release(&err);
	return acked;
}

static void test_group_commit(void **state)
{
	struct db *db = open_fresh();

	assert_int_equal(write_all(db, group_commit_new(db, 16, 200), 50, 0), 8 * (50 - 7));
}

struct one_write {
	struct group_commit *g;
	const char *k;
	uint64_t batch;
	int delay_ms; /* before it comes */
	int refused;  /* takes 50 ms over its work, then undoes it */
};

static void *write_one(void *arg)
{
	struct one_write *w = arg;
	struct strbuf err = STRBUF_INIT;
	struct db *db;

	usleep((useconds_t)w->delay_ms * 1000);
	db = group_commit_enter(w->g, &w->batch, &err);
	assert_non_null(db);
	assert_int_equal(db_begin(db, NULL), 0);
	insert(db, w->k, 1);
	if (w->refused) {
		usleep(50 * 1000);
		assert_int_equal(db_rollback(db), 0);
	} else {
		assert_int_equal(db_commit(db, NULL), 0);
	}
	assert_int_equal(group_commit_leave(w->g, w->batch, &err), 0);
	strbuf_release(&err);
	return NULL;
}

/* Run the writes w[0..n) through group commit `g`, each on a thread of its own. */
static void run_writes(struct group_commit *g, struct one_write *w, int n)
{
	pthread_t th[4];
	int i;

	for (i = 0; i < n; i++) {
		w[i].g = g;
		assert_int_equal(pthread_create(&th[i], NULL, write_one, &w[i]), 0);
	}
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
}

/*
 * A lingering batch: a write that comes while the first one waits for
 * company shares its batch; one that comes after the linger gets its own.
 * Without a linger, a lone write commits at once.  A batch that the company
 * fills commits when the last is done, not before.
 */
static void test_linger(void **state)
{
	struct db *db = open_fresh();
	struct group_commit *g = group_commit_new(db, 16, 400 * 1000);
	struct one_write a[3] = { { .k = "first" }, { .k = "company", .delay_ms = 100 },
				  { .k = "late", .delay_ms = 900 } };
	struct one_write b[2] = { { .k = "alone" }, { .k = "after", .delay_ms = 100 } };
	/*
	 * the company fills the batch while the first lingers: the batch
	 * commits when the company is done, so that its refusal undoes it
	 */
	struct one_write c[3] = { { .k = "full" }, { .k = "refused", .delay_ms = 100, .refused = 1 },
				  { .k = "next", .delay_ms = 200 } };

	run_writes(g, a, 3);
	assert_true(a[0].batch == a[1].batch);
	assert_true(a[2].batch != a[0].batch);
	group_commit_free(g);
	g = group_commit_new(db, 16, 0);
	run_writes(g, b, 2);
	assert_true(b[0].batch != b[1].batch);
	group_commit_free(g);
	/*
	 * a long linger: the batch commits because it is full, not because
	 * the linger ran out (which a slow machine, or the sanitizers, could
	 * make happen before the company comes)
	 */
	g = group_commit_new(db, 2, 3000 * 1000);
	run_writes(g, c, 3);
	assert_true(c[0].batch == c[1].batch);
	assert_true(c[2].batch != c[0].batch);
	group_commit_free(g);
	assert_false(db_in_transaction(db));
	assert_int_equal(count(db, "k = 'refused'"), 0);
	assert_int_equal(count(db, NULL), 7);
	db_close(db);
}

/* ---- jobs: whichever thread holds the connection runs the queue ---- */

struct job_arg {
	const char *k;
	int delay_ms;    /* before it comes */
	int work_ms;     /* inside its work */
	int refused;     /* undoes its insert and returns -1 */
	const char *fk;  /* also inserts a child of this (deferred) parent */
	int shortage;    /* its request's first allocation in its work fails (the test fault) */
	int trouble;     /* its request's thread was in trouble after it (base/alloc.h) */
	long made;       /* allocations counted to its request */
	pthread_t ran_on;
	struct group_job job;
	int ret;         /* of group_commit_run */
	struct group_commit *g;
	pthread_t thread;
};

static int job_work(struct db *db, void *arg)
{
	struct job_arg *a = arg;

	a->ran_on = pthread_self();
	if (db_begin(db, NULL))
		return -1;
	insert(db, a->k, 1);
	if (a->fk) {
		struct db_stmt *st;

		assert_int_equal(db_prepare(db, "INSERT INTO gc_child (parent) VALUES (?)", &st, NULL), 0);
		db_bind_text(st, 1, a->fk);
		assert_true(db_step(st, NULL) >= 0); /* deferred: checked at the batch's commit */
		db_finalize(st);
	}
	if (a->work_ms)
		usleep((useconds_t)a->work_ms * 1000);
	if (a->shortage)
		free(xmalloc(16));
	if (a->refused || db_commit(db, NULL)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

static void *run_job(void *arg)
{
	struct job_arg *a = arg;
	struct strbuf err = STRBUF_INIT;

	usleep((useconds_t)a->delay_ms * 1000);
	a->job = (struct group_job){ .work = job_work, .arg = a };
	alloc_trouble_clear();
	if (a->shortage)
		alloc_fault_arm(1);
	a->ret = group_commit_run(a->g, &a->job, &err);
	a->made = alloc_fault_arm(0);
	a->trouble = alloc_trouble();
	alloc_trouble_clear();
	strbuf_release(&err);
	return NULL;
}

static void run_jobs(struct group_commit *g, struct job_arg *a, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		a[i].g = g;
		assert_int_equal(pthread_create(&a[i].thread, NULL, run_job, &a[i]), 0);
	}
	for (i = 0; i < n; i++)
		pthread_join(a[i].thread, NULL);
}

/*
 * Jobs that come while one runs wait in the queue, and the thread running
 * it runs them next, in its batch; a refused job undoes only itself.
 */
static void test_jobs(void **state)
{
	struct db *db = open_fresh();
	struct group_commit *g;
	struct strbuf err = STRBUF_INIT;
	struct job_arg a[4] = { { .k = "slow", .work_ms = 150 }, { .k = "q1", .delay_ms = 30 },
				{ .k = "q2", .delay_ms = 60, .refused = 1 }, { .k = "q3", .delay_ms = 90 } };
	int i;

	assert_int_equal(db_defer_sync(db, &err), 0);
	g = group_commit_new(db, 16, 0);
	run_jobs(g, a, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(a[i].ret, 0);
		assert_true(a[i].job.batch == a[0].job.batch);
		assert_true(pthread_equal(a[i].ran_on, a[0].thread));
		assert_int_equal(a[i].job.rc, a[i].refused ? -1 : 0);
	}
	group_commit_free(g);
	db_close(db);
	/* on another connection: what was acknowledged, and nothing refused */
	db = db_open(url, &err);
	assert_non_null(db);
	assert_int_equal(count(db, NULL), 3);
	assert_int_equal(count(db, "k = 'q2'"), 0);
	db_close(db);
	strbuf_release(&err);
}

/*
 * A job counts to its request, whichever thread runs it (base/alloc.h): the
 * shortage met in a queued job run by the thread of the job before is its
 * request's — that job alone is undone (its savepoint refused), its request
 * is in trouble, not the runner's — and the batch keeps the others.
 */
static void test_job_shortage(void **state)
{
	struct db *db = open_fresh();
	struct group_commit *g;
	struct strbuf err = STRBUF_INIT;
	struct job_arg a[3] = { { .k = "slow", .work_ms = 300 },
				{ .k = "short", .delay_ms = 30, .shortage = 1 },
				{ .k = "q3", .delay_ms = 60 } };
	int i;

	assert_int_equal(db_defer_sync(db, &err), 0);
	g = group_commit_new(db, 16, 0);
	run_jobs(g, a, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(a[i].ret, 0);
		assert_true(a[i].job.batch == a[0].job.batch);
		assert_true(pthread_equal(a[i].ran_on, a[0].thread));
		assert_int_equal(a[i].trouble, a[i].shortage);
		assert_int_equal(a[i].job.rc, a[i].shortage ? -1 : 0);
	}
	assert_true(a[1].made >= 1);
	group_commit_free(g);
	db_close(db);
	db = db_open(url, &err);
	assert_non_null(db);
	assert_int_equal(count(db, NULL), 2);
	assert_int_equal(count(db, "k = 'short'"), 0);
	db_close(db);
	strbuf_release(&err);
}

/*
 * A request in trouble that holds the connection and is the batch's last
 * commits the others' work in it (the batch's commit is nobody's request);
 * its own work, refused at its savepoint, is not in it.
 */
static void test_batch_commit_not_refused(void **state)
{
	struct db *db = open_fresh();
	struct group_commit *g = group_commit_new(db, 16, 0);
	struct strbuf err = STRBUF_INIT;
	struct alloc_account other = { 0 }, mine = { 0 };
	struct alloc_account *before;
	struct db *w;
	uint64_t batch;

	w = group_commit_enter(g, &batch, &err);
	assert_non_null(w);
	/* another request's work, kept at its savepoint */
	before = alloc_account_use(&other);
	assert_int_equal(db_begin(w, &err), 0);
	insert(w, "theirs", 1);
	assert_int_equal(db_commit(w, &err), 0);
	assert_true(alloc_committed());
	/* this one's, which meets a shortage: refused, undone */
	alloc_account_use(&mine);
	alloc_fault_arm(1);
	assert_int_equal(db_begin(w, &err), 0);
	insert(w, "mine", 1);
	free(xmalloc(16));
	assert_true(alloc_trouble());
	assert_int_not_equal(db_commit(w, &err), 0);
	assert_false(alloc_committed());
	db_rollback(w);
	strbuf_reset(&err);
	assert_int_equal(group_commit_leave(g, batch, &err), 0);
	alloc_account_use(before);
	assert_int_equal(mine.trouble, 1);
	assert_int_equal(other.trouble, 0);
	group_commit_free(g);
	assert_false(db_in_transaction(db));
	assert_int_equal(count(db, NULL), 1);
	assert_int_equal(count(db, "k = 'theirs'"), 1);
	db_close(db);
	strbuf_release(&err);
}

/*
 * A batch whose commit fails (a deferred foreign key, checked only then)
 * fails every job of it, stores nothing of it, and the next batch goes on.
 */
static void test_commit_fails(void **state)
{
	struct db *db = open_fresh();
	struct group_commit *g;
	struct strbuf err = STRBUF_INIT;
	struct job_arg a[3] = { { .k = "orphan", .work_ms = 100, .fk = "nobody" },
				{ .k = "mate", .delay_ms = 30 }, { .k = "later", .delay_ms = 300 } };

	db_exec(db, "DROP TABLE IF EXISTS gc_child", NULL);
	db_exec(db, "DROP TABLE IF EXISTS gc_parent", NULL);
	assert_int_equal(db_exec(db, "CREATE TABLE gc_parent (id TEXT PRIMARY KEY)", &err), 0);
	assert_int_equal(db_exec(db, "CREATE TABLE gc_child (parent TEXT REFERENCES gc_parent (id) "
				 "DEFERRABLE INITIALLY DEFERRED)", &err), 0);
	assert_int_equal(db_defer_sync(db, &err), 0);
	g = group_commit_new(db, 16, 0);
	run_jobs(g, a, 3);
	assert_true(a[1].job.batch == a[0].job.batch);
	assert_int_equal(a[0].ret, -1);
	assert_int_equal(a[1].ret, -1);
	assert_int_equal(a[2].ret, 0);
	assert_true(a[2].job.batch != a[0].job.batch);
	group_commit_free(g);
	assert_false(db_in_transaction(db));
	assert_int_equal(count(db, NULL), 1);
	assert_int_equal(count(db, "k = 'later'"), 1);
	db_exec(db, "DROP TABLE gc_child", NULL);
	db_exec(db, "DROP TABLE gc_parent", NULL);
	db_close(db);
	strbuf_release(&err);
}

/* ---- a job alone: a transaction of its own, not a savepoint of a batch ---- */

struct alone_arg {
	struct job_arg base;
	int in_tx_at_start; /* a transaction was open when its work began */
};

static int alone_work(struct db *db, void *arg)
{
	struct alone_arg *a = arg;

	a->in_tx_at_start = db_in_transaction(db);
	return job_work(db, &a->base);
}

static void *run_alone(void *arg)
{
	struct alone_arg *a = arg;
	struct strbuf err = STRBUF_INIT;

	usleep((useconds_t)a->base.delay_ms * 1000);
	a->base.job = (struct group_job){ .work = alone_work, .arg = a };
	a->base.ret = group_commit_run_alone(a->base.g, &a->base.job, &err);
	strbuf_release(&err);
	return NULL;
}

/*
 * A job run alone waits for the batch being worked in (whose runner runs the
 * jobs queued meanwhile first), which commits first, durable for its jobs as
 * usual; it then runs with no transaction open, in a batch of its own.  A
 * refused lone job undoes only itself.
 */
static void test_alone(void **state)
{
	struct db *db = open_fresh();
	struct group_commit *g;
	struct strbuf err = STRBUF_INIT;
	struct job_arg a[2] = { { .k = "before", .work_ms = 120 }, { .k = "after", .delay_ms = 60 } };
	struct alone_arg lone = { .base = { .k = "alone", .delay_ms = 30, .work_ms = 100 } };
	struct alone_arg refused = { .base = { .k = "no", .refused = 1 } };
	pthread_t t;
	int i;

	assert_int_equal(db_defer_sync(db, &err), 0);
	g = group_commit_new(db, 16, 0);
	lone.base.g = g;
	assert_int_equal(pthread_create(&t, NULL, run_alone, &lone), 0);
	for (i = 0; i < 2; i++) {
		a[i].g = g;
		assert_int_equal(pthread_create(&a[i].thread, NULL, run_job, &a[i]), 0);
	}
	for (i = 0; i < 2; i++)
		pthread_join(a[i].thread, NULL);
	pthread_join(t, NULL);
	assert_int_equal(a[0].ret, 0);
	assert_int_equal(a[1].ret, 0);
	assert_int_equal(lone.base.ret, 0);
	assert_int_equal(lone.base.job.rc, 0);
	assert_false(lone.in_tx_at_start);
	/* the runner of the batch before takes the queued job first */
	assert_true(a[0].job.batch < lone.base.job.batch);
	assert_true(a[1].job.batch != lone.base.job.batch);
	refused.base.g = g;
	run_alone(&refused);
	assert_int_equal(refused.base.ret, 0);
	assert_int_equal(refused.base.job.rc, -1);
	group_commit_free(g);
	assert_false(db_in_transaction(db));
	db_close(db);
	db = db_open(url, &err);
	assert_non_null(db);
	assert_int_equal(count(db, NULL), 3);
	assert_int_equal(count(db, "k = 'no'"), 0);
	db_close(db);
	strbuf_release(&err);
}

/* Jobs and requests that hold the connection themselves, at once. */
static void *write_many_jobs(void *arg)
{
	struct writer *w = arg;
	int i;

	for (i = 0; i < w->n; i++) {
		struct job_arg a = { .refused = (i % 5) == 2 };
		struct strbuf err = STRBUF_INIT;
		char k[32];

		snprintf(k, sizeof(k), "j%d-%d", w->id, i);
		a.k = k;
		a.job = (struct group_job){ .work = job_work, .arg = &a };
		assert_int_equal(group_commit_run(w->g, &a.job, &err), 0);
		if (!a.refused)
			w->acked++;
		strbuf_release(&err);
	}
	return NULL;
}

static void test_mixed(void **state)
{
	struct db *db = open_fresh();
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(db_defer_sync(db, &err), 0);
	assert_int_equal(write_all(db, group_commit_new(db, 8, 200), 40, 1),
			 4 * (40 - 6) + 4 * (40 - 8));
	strbuf_release(&err);
}

/* Deferred syncs: the writer alone commits without syncing. */
static void test_defer_sync(void **state)
{
	struct db *db = open_fresh(), *other;
	struct strbuf err = STRBUF_INIT;
	char *v = NULL;

	assert_int_equal(db_defer_sync(db, &err), 0);
	assert_int_equal(db_sync(db, &err), 0);
	other = db_open(url, &err);
	assert_non_null(other);
	if (db_dialect(db) == DB_SQLITE) {
		assert_int_equal(db_query_value(db, "PRAGMA synchronous", NULL, 0, &v, NULL), 0);
		assert_string_equal(v, "1"); /* NORMAL */
		free(v);
		assert_int_equal(db_query_value(other, "PRAGMA synchronous", NULL, 0, &v, NULL), 0);
		assert_string_equal(v, "2"); /* FULL */
		free(v);
	}
	insert(db, "k", 1);
	assert_int_equal(db_sync(db, &err), 0);
	assert_int_equal(count(other, NULL), 1);
	db_close(other);
	db_close(db);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_group_commit),
		cmocka_unit_test(test_linger),
		cmocka_unit_test(test_jobs),
		cmocka_unit_test(test_job_shortage),
		cmocka_unit_test(test_batch_commit_not_refused),
		cmocka_unit_test(test_commit_fails),
		cmocka_unit_test(test_alone),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_defer_sync),
	};
	char dir[] = "/tmp/sanling-gc.XXXXXX";
	const char *pg = getenv("SANLING_TEST_PG");
	int failed;

	if (!mkdtemp(dir))
		return 1;
	snprintf(url, sizeof(url), "%s/gc.db", dir);
	failed = cmocka_run_group_tests_name("group_commit/sqlite", tests, NULL, NULL);
	if (pg && *pg) {
		snprintf(url, sizeof(url), "%s", pg);
		failed += cmocka_run_group_tests_name("group_commit/postgresql", tests, NULL, NULL);
	}
	{
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd)) {
			/* nothing to do: a temp dir left behind */
		}
	}
	return failed ? 1 : 0;
}
