/*
 * todos.c: the to-dos (待办) of the signed-in user and their version (see
 * todos.h).
 *
 * One row of `sources` per kind of to-do: its kind and Chinese label, the
 * entity its items link to (whose writes bump the district's version), a
 * fingerprint query for state that is not an entity's, and the function
 * that collects the caller's items.  Every collector restricts its rows
 * with scope_where() (the caller's district, township, or owning
 * department), so nothing here decides who reaches what.
 *
 * Who gets what:
 *  - a lead department (信访局/应急局/公安局): the unpublished months its
 *    dimension has not certified (GET /months' awaiting_me);
 *  - the office: the months all three certified, waiting to be published;
 *    tasks done awaiting verification (核销), problems rectified awaiting
 *    销号;
 *  - a department that owns work (owner, not co-owner) and a township (its
 *    own): tasks assigned or in progress and problems open, rectifying or
 *    escalated, due within 3 days or overdue;
 *  - those who handle petitions (信访局, the office, a township) and
 *    disputes (the dispute workers): the ones near (3 days) or past their
 *    deadline, by the descriptors' own overdue_sql;
 *  - 督办: the owning department or township, the supervisions issued or
 *    sent back that wait on its feedback (overdue past their due date; the
 *    card pass's 催办 moves the version); the office, the feedback waiting
 *    for its review;
 *  - 一月一动态: a supervising department or a township, this month's list
 *    while it has not confirmed it;
 *  - 一日双巡: a township and the office, the grids not yet patrolled this
 *    morning (after noon) and this afternoon (after 18:00), local time.
 */
#include "model/todos.h"

#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "db/db.h"
#include "db/sqlp.h"
#include "model/confirm.h"
#include "model/entities.h"
#include "model/entity_int.h"
#include "model/grass_desk.h"
#include "model/lookup_cache.h"
#include "model/scope.h"

#define R(r) ROLE_BIT(ROLE_##r)

struct todo_ctx {
	const struct model_ctx *mc;
	const struct actor *a;
	char today[DATE_BUFSZ]; /* overdue: due before today */
	char near[DATE_BUFSZ];  /* near: due before today + TODO_NEAR_DAYS + 1 */
	struct model_error *e;
};

struct todo_source {
	const char *kind;
	const char *label;
	/* the entity its items are records of; its writes bump the version (NULL: none) */
	const struct entity_desc *ed;
	/* NULL, or a query of one integer over district ?: state that is no entity's */
	const char *version_sql;
	/* the caller's items, appended to `items`: 0, or MODEL_EDB in tc->e */
	int (*collect)(const struct todo_ctx *tc, const struct todo_source *src, json_t *items);
};

/* ---- helpers ---- */

static void add_item(json_t *items, const struct todo_source *src, const char *entity,
		     json_t *id, const char *title, const char *due, int overdue)
{
	json_t *o = json_object();

	json_object_set_new(o, "kind", json_string(src->kind));
	json_object_set_new(o, "label", json_string(src->label));
	json_object_set_new(o, "entity", json_string(entity));
	json_object_set_new(o, "id", id);
	json_object_set_new(o, "title", title ? json_string(title) : json_string(""));
	json_object_set_new(o, "due", due ? json_string(due) : json_null());
	json_object_set_new(o, "overdue", json_boolean(overdue));
	json_array_append_new(items, o);
}

/* What an entity source selects: its rows' condition and how each reads. */
struct row_spec {
	const char *cond;      /* SQL over t, without parameters */
	const char *text;      /* the title's text column (after the key) */
	const char *due;       /* the due date (SQL over t), NULL: none */
	int by_deadline;       /* only those near or past the descriptor's overdue_sql */
	int owned;             /* a department sees only what it owns (scope.owner) */
};

/*
 * The items of entity source `src`: rows of its entity within the caller's
 * scope that meet `rs`, the most urgent first.
 */
static int collect_rows(const struct todo_ctx *tc, const struct todo_source *src,
			const struct row_spec *rs, json_t *items)
{
	const struct entity_desc *ed = src->ed;
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st = NULL;
	int rc, dept = tc->a->role != ROLE_TOWNSHIP && tc->a->role != ROLE_OFFICE;

	if (!entity_can_read(ed, tc->a))
		return 0;
	strbuf_addf(&sql, "SELECT t.id, t.%s, substr(t.%s, 1, 60), %s, ", ed->key, rs->text,
		    rs->due ? rs->due : "NULL");
	if (ed->overdue_sql) {
		strbuf_addf(&sql, "CASE WHEN (%s) THEN 1 ELSE 0 END", ed->overdue_sql);
		entity_overdue_params(ed->overdue_sql, &p, tc->today);
	} else {
		strbuf_addstr(&sql, "0");
	}
	strbuf_addf(&sql, " FROM %s t WHERE (%s)", ed->table, rs->cond ? rs->cond : "1 = 1");
	if (rs->by_deadline) {
		strbuf_addf(&sql, " AND (%s)", ed->overdue_sql);
		entity_overdue_params(ed->overdue_sql, &p, tc->near);
	}
	if (scope_where(ed, tc->a, "t", &sql, &p) < 0)
		goto done;
	if (rs->owned && dept && ed->scope.owner) {
		strbuf_addf(&sql, " AND t.%s = ?", ed->scope.owner);
		sqlp_text(&p, tc->a->dept ? tc->a->dept : "");
	}
	strbuf_addf(&sql, " ORDER BY 4, t.id LIMIT %d", TODO_MAX_PER_SOURCE);
	if (db_prepare(tc->mc->db, sql.buf, &st, &tc->e->msg))
		goto dberr;
	sqlp_bind(&p, st, 1);
	while ((rc = db_step(st, &tc->e->msg)) == DB_ROW) {
		struct strbuf title = STRBUF_INIT;

		strbuf_addstr(&title, db_column_text(st, 1));
		if (!db_column_is_null(st, 2)) {
			strbuf_addch(&title, ' ');
			strbuf_addstr(&title, db_column_text(st, 2));
		}
		add_item(items, src, ed->name, json_integer(db_column_int64(st, 0)), title.buf,
			 db_column_is_null(st, 3) ? NULL : db_column_text(st, 3),
			 db_column_int64(st, 4) != 0);
		strbuf_release(&title);
	}
	db_finalize(st);
	if (rc < 0)
		goto dberr;
done:
	strbuf_release(&sql);
	sqlp_release(&p);
	return 0;
dberr:
	strbuf_release(&sql);
	sqlp_release(&p);
	return model_fail(tc->e, MODEL_EDB, NULL, "数据库错误");
}

/* ---- the sources ---- */

static int tasks_due(const struct todo_ctx *tc, const struct todo_source *src, json_t *items)
{
	static const struct row_spec rs = { NULL, "title", "t.due_on", 1, 1 };

	if (tc->a->role == ROLE_OFFICE)
		return 0; /* the office verifies; the owners do the work */
	return collect_rows(tc, src, &rs, items);
}

static int problems_due(const struct todo_ctx *tc, const struct todo_source *src, json_t *items)
{
	static const struct row_spec rs = { NULL, "description", "t.deadline", 1, 1 };

	if (tc->a->role == ROLE_OFFICE || tc->a->role == ROLE_SUBJECT)
		return 0;
	return collect_rows(tc, src, &rs, items);
}

static int tasks_verify(const struct todo_ctx *tc, const struct todo_source *src, json_t *items)
{
	static const struct row_spec rs = { "t.status = 'done'", "title", "t.done_on", 0, 0 };

	return tc->a->role == ROLE_OFFICE ? collect_rows(tc, src, &rs, items) : 0;
}

static int problems_verify(const struct todo_ctx *tc, const struct todo_source *src,
			   json_t *items)
{
	static const struct row_spec rs = { "t.status = 'rectified'", "description",
					    "t.rectified_on", 0, 0 };

	return tc->a->role == ROLE_OFFICE ? collect_rows(tc, src, &rs, items) : 0;
}

/* the petition bureau, the office, a township: petitions near or past their deadline */
static int petitions_due(const struct todo_ctx *tc, const struct todo_source *src, json_t *items)
{
	/* the statuses overdue_sql can hold, said again so that an index finds the open ones */
	static const struct row_spec rs = {
		"t.status IN ('registered', 'accepted', 'assigned', 'handling')", "summary",
		"CASE WHEN t.status = 'registered' THEN t.accept_due ELSE t.reply_due END", 1, 0,
	};

	if (!(ROLE_BIT(tc->a->role) & (R(PETITION) | R(OFFICE) | R(TOWNSHIP))))
		return 0;
	return collect_rows(tc, src, &rs, items);
}

/* the dispute workers (township, grid, petition bureau, office) */
static int disputes_due(const struct todo_ctx *tc, const struct todo_source *src, json_t *items)
{
	static const struct row_spec rs = { "t.status IN ('registered', 'mediating')", "summary",
					    "t.deadline", 1, 0 };

	if (!entity_can_write(src->ed, tc->a) || tc->a->role == ROLE_SYSTEM)
		return 0;
	return collect_rows(tc, src, &rs, items);
}

/* The lead role's dimension code, or NULL. */
static const char *dimension_of(enum role r)
{
	switch (r) {
	case ROLE_PETITION: return "petition";
	case ROLE_SAFETY: return "accident";
	case ROLE_POLICE: return "case";
	default: return NULL;
	}
}

static const char *const dimension_labels[][2] = {
	{ "petition", "信访" }, { "accident", "安全事故" }, { "case", "刑事治安案件" },
};

/*
 * Months of the caller's district not yet published, in the last three
 * years (as GET /months lists them): for a lead department those its
 * dimension has not certified; for the office those all three have.
 */
static int months_awaiting(const struct todo_ctx *tc, const struct todo_source *src,
			   json_t *items)
{
	const char *dim = dimension_of(tc->a->role);
	struct db_stmt *st = NULL;
	char since[16], title[96];
	const char *label = "";
	size_t i;
	int rc, y, m;

	if (!tc->a->district || (!dim && tc->a->role != ROLE_OFFICE) ||
	    (dim && strcmp(src->kind, "certification")) ||
	    (!dim && strcmp(src->kind, "month_publish")))
		return 0;
	if (sscanf(tc->today, "%d-%d", &y, &m) != 2)
		return 0;
	snprintf(since, sizeof(since), "%04d-%02d", y - 3, m);
	if (db_prepare(tc->mc->db, dim ?
		       "SELECT m.month FROM assess_months m WHERE m.district = ? AND m.published = 0 "
		       "AND m.month >= ? AND NOT EXISTS (SELECT 1 FROM certifications c WHERE "
		       "c.district = m.district AND c.month = m.month AND c.dimension = ?) "
		       "ORDER BY m.month LIMIT 36" :
		       "SELECT m.month FROM assess_months m WHERE m.district = ? AND m.published = 0 "
		       "AND m.month >= ? AND (SELECT COUNT(*) FROM certifications c WHERE "
		       "c.district = m.district AND c.month = m.month) >= 3 ORDER BY m.month LIMIT 36",
		       &st, &tc->e->msg))
		return model_fail(tc->e, MODEL_EDB, NULL, "数据库错误");
	db_bind_text(st, 1, tc->a->district);
	db_bind_text(st, 2, since);
	if (dim)
		db_bind_text(st, 3, dim);
	for (i = 0; dim && i < sizeof(dimension_labels) / sizeof(*dimension_labels); i++)
		if (!strcmp(dimension_labels[i][0], dim))
			label = dimension_labels[i][1];
	while ((rc = db_step(st, &tc->e->msg)) == DB_ROW) {
		const char *month = db_column_text(st, 0);

		if (dim)
			snprintf(title, sizeof(title), "%s %s维度认定结果待确认", month, label);
		else
			snprintf(title, sizeof(title), "%s 三家均已确认，待发布", month);
		add_item(items, src, "months", json_string(month), title, NULL, 0);
	}
	db_finalize(st);
	return rc < 0 ? model_fail(tc->e, MODEL_EDB, NULL, "数据库错误") : 0;
}

/* 督办: the owner (department or township) answers what is issued or sent back */
static int supervisions_answer(const struct todo_ctx *tc, const struct todo_source *src,
			       json_t *items)
{
	static const struct row_spec rs = { "t.status IN ('issued', 'returned')", "item",
					    "t.due_on", 0, 1 };

	if (tc->a->role == ROLE_OFFICE || tc->a->role == ROLE_SYSTEM)
		return 0;
	return collect_rows(tc, src, &rs, items);
}

/* 督办: the office reviews the owners' feedback */
static int feedback_review(const struct todo_ctx *tc, const struct todo_source *src,
			   json_t *items)
{
	static const struct row_spec rs = { "t.review = 'pending'", "supervision", "t.answered_on",
					    0, 0 };

	return tc->a->role == ROLE_OFFICE ? collect_rows(tc, src, &rs, items) : 0;
}

/* 一月一动态: a supervising department or a township, this month's list not yet confirmed */
static int list_confirmation(const struct todo_ctx *tc, const struct todo_source *src,
			     json_t *items)
{
	char month[MONTH_BUFSZ], title[64];
	int rc;

	if (tc->a->role != ROLE_SUPERVISOR && tc->a->role != ROLE_TOWNSHIP)
		return 0;
	rc = confirm_pending(tc->mc->db, tc->a, NULL, tc->e);
	if (rc < 0)
		return rc;
	if (rc) {
		memcpy(month, tc->today, 7);
		month[7] = '\0';
		snprintf(title, sizeof(title), "%s 主体清单待确认（一月一动态）", month);
		add_item(items, src, "confirmations", json_string(month), title, NULL, 0);
	}
	return 0;
}

/*
 * 一日双巡: the township (its grids) and the office (the district's), after
 * noon the grids with staff today and no morning patrol, after 18:00 those
 * with no afternoon one (local time, grass_local_now()) — one item a slot,
 * with the count, opening today's patrols.
 */
#define NOON_MINUTES (12 * 60)
#define EVENING_MINUTES (18 * 60)

static int patrols_missing_today(const struct todo_ctx *tc, const struct todo_source *src,
				 json_t *items)
{
	char day[DATE_BUFSZ], id[DATE_BUFSZ + 4], title[96];
	int64_t am, pm;
	int minutes, rc;

	if (tc->a->role != ROLE_TOWNSHIP && tc->a->role != ROLE_OFFICE)
		return 0;
	grass_local_now(day, &minutes);
	if (minutes < NOON_MINUTES)
		return 0;
	if ((rc = patrols_missing(tc->mc, day, &am, &pm, tc->e)))
		return rc;
	if (am) {
		snprintf(id, sizeof(id), "%s:am", day);
		snprintf(title, sizeof(title), "%s 上午有 %lld 个网格未巡查", day, (long long)am);
		add_item(items, src, "patrols_today", json_string(id), title, day, 1);
	}
	if (pm && minutes >= EVENING_MINUTES) {
		snprintf(id, sizeof(id), "%s:pm", day);
		snprintf(title, sizeof(title), "%s 下午有 %lld 个网格未巡查", day, (long long)pm);
		add_item(items, src, "patrols_today", json_string(id), title, day, 1);
	}
	return 0;
}

/* certify/publish/reopen are not entity writes: their tables' fingerprints */
#define CERT_VERSION "SELECT COUNT(*) + COALESCE(SUM(confirmed_at), 0) FROM certifications " \
		     "WHERE district = ?"
#define CONFIRM_VERSION "SELECT COUNT(*) FROM list_confirmations WHERE district = ?"
#define MONTH_VERSION "SELECT COUNT(*) + 2 * COALESCE(SUM(published), 0) + " \
		      "COALESCE(SUM(published_at), 0) FROM assess_months WHERE district = ?"

/*
 * The sources.  Adding one: a row here and its collector (for records of an
 * entity, a struct row_spec handed to collect_rows() is most of it); the
 * entity named makes its writes move the version, and a state that is not
 * an entity's needs a fingerprint query of one integer over district ?.
 */
static const struct todo_source sources[] = {
	{ "certification", "待确认认定", NULL, CERT_VERSION, months_awaiting },
	{ "month_publish", "待发布认定", NULL, MONTH_VERSION, months_awaiting },
	{ "task_due", "任务临期", &task_desc, NULL, tasks_due },
	{ "problem_due", "问题整改临期", &problem_desc, NULL, problems_due },
	{ "task_verify", "任务待核销", &task_desc, NULL, tasks_verify },
	{ "problem_verify", "问题待销号", &problem_desc, NULL, problems_verify },
	{ "petition_due", "信访临期", &petition_desc, NULL, petitions_due },
	{ "dispute_due", "纠纷化解临期", &dispute_desc, NULL, disputes_due },
	{ "supervision_answer", "督办待反馈", &supervision_desc, NULL, supervisions_answer },
	{ "feedback_review", "督办反馈待审核", &supervision_feedback_desc, NULL, feedback_review },
	{ "list_confirmation", "主体清单待确认", NULL, CONFIRM_VERSION, list_confirmation },
	{ "patrol_missing", "网格巡查缺失", &patrol_desc, NULL, patrols_missing_today },
};

#define NSOURCES (sizeof(sources) / sizeof(*sources))

/* ---- the list ---- */

int todos_list(const struct model_ctx *mc, json_t **out, struct model_error *e)
{
	struct todo_ctx tc = { .mc = mc, .a = mc->actor, .e = e };
	struct strbuf err = STRBUF_INIT;
	json_t *items = json_array();
	int64_t version;
	size_t i;

	date_today(tc.today);
	date_add_days(tc.today, TODO_NEAR_DAYS + 1, tc.near);
	/* the version first: a write after it shows as a change at the next wait */
	if (todos_version(mc->db, mc->actor->district, &version, &err)) {
		strbuf_addbuf(&e->msg, &err);
		strbuf_release(&err);
		json_decref(items);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	strbuf_release(&err);
	/* the three administrators keep no business data: nothing waits on them */
	if (ROLE_BIT(mc->actor->role) & ROLES_BUSINESS) {
		for (i = 0; i < NSOURCES; i++) {
			if (sources[i].collect(&tc, &sources[i], items)) {
				json_decref(items);
				return e->code;
			}
		}
	}
	*out = json_pack("{sO sI sI}", "items", items, "total", (json_int_t)json_array_size(items),
			 "version", (json_int_t)version);
	json_decref(items);
	return 0;
}

/* ---- the version ---- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n--) {
		h ^= *s++;
		h *= 1099511628211ULL;
	}
	return h;
}

int todos_version(struct db *db, const char *district, int64_t *version, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	int64_t v[1 + NSOURCES];
	char today[DATE_BUFSZ];
	uint64_t h = 1469598103934665603ULL;
	size_t i, n = 1;
	int rc = 0;

	date_today(today);
	h = fnv(h, today, strlen(today));
	{
		/* the patrols' to-do turns at local noon and evening */
		char day[DATE_BUFSZ];
		int minutes, turn;

		grass_local_now(day, &minutes);
		turn = minutes >= EVENING_MINUTES ? 2 : minutes >= NOON_MINUTES;
		h = fnv(h, day, strlen(day));
		h = fnv(h, &turn, sizeof(turn));
	}
	if (district) {
		strbuf_addstr(&sql, "SELECT COALESCE((SELECT version FROM todo_versions WHERE "
			      "district = ?), 0)");
		sqlp_text(&p, district);
		for (i = 0; i < NSOURCES; i++) {
			if (!sources[i].version_sql)
				continue;
			strbuf_addf(&sql, ", (%s)", sources[i].version_sql);
			sqlp_text(&p, district);
			n++;
		}
		rc = sqlp_aggregate(db, sql.buf, &p, v, (int)n, err);
		if (!rc)
			h = fnv(h, v, n * sizeof(*v));
	}
	strbuf_release(&sql);
	sqlp_release(&p);
	*version = (int64_t)(h & ((1ULL << 53) - 1));
	return rc;
}

/* ---- the write observer ---- */

static int is_source(const struct entity_desc *ed)
{
	size_t i;

	for (i = 0; i < NSOURCES; i++)
		if (sources[i].ed == ed)
			return 1;
	return 0;
}

/* Bump the version of `district` (once per bulk operation). */
static int bump(const struct model_ctx *mc, const char *district)
{
	struct strbuf key = STRBUF_INIT, err = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	const char *seen;
	int rc = 0;

	if (!district)
		return 0;
	strbuf_addf(&key, "todo\x1f%s", district);
	if (!mc->cache || !lookup_cache_value(mc->cache, key.buf, &seen)) {
		sqlp_text(&p, district);
		rc = sqlp_run(mc->db, "INSERT INTO todo_versions (district, version) VALUES (?, 1) "
			      "ON CONFLICT (district) DO UPDATE SET version = todo_versions.version + 1",
			      &p, &err);
		if (!rc && mc->cache)
			lookup_cache_put_value(mc->cache, key.buf, "1");
	}
	sqlp_release(&p);
	strbuf_release(&key);
	strbuf_release(&err);
	return rc;
}

static int bump_versions(const struct model_ctx *mc, const struct record *r,
			 const struct record *old, struct model_error *e)
{
	const char *col = r->ed->scope.district, *now, *was;

	if (!col || !is_source(r->ed))
		return 0;
	now = record_get(r, col);
	was = old ? record_get(old, col) : NULL;
	if (bump(mc, now) || (was && (!now || strcmp(was, now)) && bump(mc, was)))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	return 0;
}

static const struct write_observer todo_observer = {
	.name = "todos", .stored = bump_versions,
};

void todos_observe_writes(void)
{
	model_observe(&todo_observer);
}
