/*
 * entity_list.c: lists of any entity: scope, filters, search, sort, pages,
 * and the list as it stood in a past month for entities with history.  The
 * scope predicate is part of the one query, so counts and pages never see
 * a row outside it.  Not here: writing (entity_write.c), files (entity_io.c).
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/ratelimit.h"
#include "base/strbuf.h"
#include "base/validate.h"
#include "db/db.h"
#include "db/sqlp.h"
#include "model/audit.h"
#include "model/entity_int.h"
#include "model/scope.h"
#include "model/settings.h"

/*
 * Finding records by a personal field's value reveals that value as surely
 * as POST .../reveal does (a masked 138****8828 is 10,000 guesses away), so
 * it is one: only for the roles that may reveal, with a written reason,
 * audited, and at most `personal_lookups_per_minute` (a setting of the
 * security administrator's, 6 unless set) a minute for each user.
 */
static struct ratelimit *personal_filters;
static pthread_once_t personal_filters_once = PTHREAD_ONCE_INIT;

static void personal_filters_init(void)
{
	/* a minute's window per user; 512 users at once before they share a count */
	personal_filters = ratelimit_new(6, 1 << 30, 60, 512);
}

struct param_check {
	const struct entity_desc *ed;
	const char *bad;
};

static int param_known(const struct entity_desc *ed, const char *name)
{
	size_t i, n;

	if (!strcmp(name, "page") || !strcmp(name, "page_size") || !strcmp(name, "sort") ||
	    !strcmp(name, "q"))
		return 1;
	if (!strcmp(name, "as_of"))
		return (ed->flags & ENT_HISTORY) != 0;
	if (!strcmp(name, "reason"))
		return 1;
	if (!strcmp(name, "overdue"))
		return ed->overdue_sql != NULL;
	if (!strcmp(name, "overdue_on"))
		return ed->overdue_on_sql != NULL;
	for (i = 0; i < ed->nfields; i++) {
		const struct field_desc *fd = &ed->fields[i];
		n = strlen(fd->key);
		if ((fd->flags & FF_FILTER) && !strcmp(name, fd->key))
			return 1;
		if ((fd->flags & FF_RANGE) && !strncmp(name, fd->key, n) &&
		    (!strcmp(name + n, "_from") || !strcmp(name + n, "_to")))
			return 1;
	}
	return 0;
}

static void check_param(void *ctx, const char *name)
{
	struct param_check *pc = ctx;

	if (!pc->bad && !param_known(pc->ed, name))
		pc->bad = name;
}

static void add_like(struct strbuf *out, const char *q)
{
	strbuf_addch(out, '%');
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			strbuf_addch(out, '\\');
		strbuf_addch(out, *q);
	}
	strbuf_addch(out, '%');
}

#define KEY_LIST_MAX 100

/*
 * `?code=A,B,C` on a key of codes or an enumeration (whose codes never hold
 * a comma): any of them, at most KEY_LIST_MAX — the browser asks for the
 * names of a page's references in one request, and a figure counts several
 * statuses or kinds in one list.
 */
static int key_list(const struct field_desc *fd, const char *v, struct strbuf *fw,
		    struct sqlp *params, struct model_error *e)
{
	struct strbuf item = STRBUF_INIT, norm = STRBUF_INIT;
	const char *p = v, *comma;
	int n = 0, ret = 0;

	strbuf_addf(fw, " AND t.\"%s\" IN (", fd->key);
	for (;;) {
		comma = strchr(p, ',');
		strbuf_reset(&item);
		strbuf_add(&item, p, comma ? (size_t)(comma - p) : strlen(p));
		if (++n > KEY_LIST_MAX) {
			ret = model_fail(e, MODEL_EINVAL, fd->key, "%s：一次最多 %d 个", fd->label,
					 KEY_LIST_MAX);
			break;
		}
		if (!item.len) {
			ret = model_fail(e, MODEL_EINVAL, fd->key, "%s：列表中有空项", fd->label);
			break;
		}
		ret = field_normalize(fd, item.buf, &norm, e);
		if (ret)
			break;
		strbuf_addstr(fw, n > 1 ? ", ?" : "?");
		sqlp_text(params, norm.buf);
		if (!comma)
			break;
		p = comma + 1;
	}
	strbuf_addch(fw, ')');
	strbuf_release(&item);
	strbuf_release(&norm);
	return ret;
}

/* The WHERE terms of the fields' filters (?key=) and ranges (?key_from=, ?key_to=). */
static int field_filters(const struct model_ctx *mc, const struct entity_desc *ed,
			 const struct list_params *p, struct strbuf *fw, struct sqlp *params,
			 struct model_error *e)
{
	struct strbuf norm = STRBUF_INIT, tmp = STRBUF_INIT;
	size_t i;
	int ret = 0;

	for (i = 0; i < ed->nfields; i++) {
		const struct field_desc *fd = &ed->fields[i];
		const char *v;

		if (fd->flags & FF_FILTER) {
			v = p ? p->get(p->ctx, fd->key) : NULL;
			if (v) {
				if (!*v) {
					strbuf_addf(fw, " AND t.\"%s%s\" IS NULL", fd->key,
						    (fd->flags & FF_PERSONAL) ? "_idx" : "");
				} else if (fd->flags & FF_PERSONAL) {
					strbuf_reset(&norm);
					entity_blind_index(mc->keys, v, &norm);
					strbuf_addf(fw, " AND t.%s_idx = ?", fd->key);
					sqlp_text(params, norm.buf);
				} else if ((((fd->flags & FF_KEY) && fd->type == FT_CODE) ||
					    fd->type == FT_ENUM) && strchr(v, ',')) {
					ret = key_list(fd, v, fw, params, e);
					if (ret)
						goto cleanup;
				} else {
					ret = field_normalize(fd, v, &norm, e);
					if (!ret && (fd->flags & FF_FILTER_REF))
						ret = field_check_ref(mc, fd, norm.buf, e);
					if (ret)
						goto cleanup;
					strbuf_addf(fw, " AND t.\"%s\" = ?", fd->key);
					sqlp_text(params, norm.buf);
				}
			}
		}
		if (fd->flags & FF_RANGE) {
			static const char *const sfx[2] = { "_from", "_to" };
			int k;
			for (k = 0; k < 2; k++) {
				strbuf_reset(&tmp);
				strbuf_addf(&tmp, "%s%s", fd->key, sfx[k]);
				v = p ? p->get(p->ctx, tmp.buf) : NULL;
				if (!v)
					continue;
				ret = field_normalize(fd, v, &norm, e);
				if (ret)
					goto cleanup;
				strbuf_addf(fw, " AND t.\"%s\" %s ?", fd->key, k ? "<=" : ">=");
				sqlp_text(params, norm.buf);
			}
		}
	}
cleanup:
	strbuf_release(&norm);
	strbuf_release(&tmp);
	return ret;
}

/*
 * ?overdue=1|0: overdue today, by overdue_sql; with ?overdue_on=DAY (alone
 * it means overdue=1): overdue at the end of that day, by overdue_on_sql, the
 * records' own dates (a day still to come: due by then and not finished
 * now, as the figures of the month under way count).  CASE keeps a record
 * whose due date is empty on the side of the not overdue.
 */
static int overdue_filter(const struct entity_desc *ed, const struct list_params *p,
			  struct strbuf *fw, struct sqlp *params, struct model_error *e)
{
	const char *ov = p && ed->overdue_sql ? p->get(p->ctx, "overdue") : NULL;
	const char *on = p && ed->overdue_on_sql ? p->get(p->ctx, "overdue_on") : NULL;
	const char *sql = on ? ed->overdue_on_sql : ed->overdue_sql;
	char today[DATE_BUFSZ];

	if (!ov && !on)
		return 0;
	if (ov && strcmp(ov, "1") && strcmp(ov, "0"))
		return model_fail(e, MODEL_EBADREQ, "overdue", "overdue：应为 1 或 0");
	date_today(today);
	if (on && !date_valid(on))
		return model_fail(e, MODEL_EBADREQ, "overdue_on",
				  "overdue_on：“%.*s”不是日期（YYYY-MM-DD）", utf8_prefix(on, 32), on);
	strbuf_addf(fw, " AND CASE WHEN (%s) THEN 1 ELSE 0 END = %d", sql,
		    !ov || !strcmp(ov, "1"));
	entity_overdue_params(sql, params, on ? on : today);
	return 0;
}

/* ORDER BY `sort` (a FF_SORT field or id, "-" first: descending; NULL: the default). */
static int list_order(const struct entity_desc *ed, const char *sort, struct strbuf *order,
		      struct model_error *e)
{
	int desc;
	const char *key;
	const struct field_desc *fd;

	if (!sort)
		sort = ed->default_sort ? ed->default_sort : "id";
	desc = sort[0] == '-';
	key = desc ? sort + 1 : sort;
	fd = entity_field(ed, key);
	if (strcmp(key, "id") && (!fd || !(fd->flags & FF_SORT)))
		return model_fail(e, MODEL_EBADREQ, "sort", "不能按“%.*s”排序",
				  utf8_prefix(key, 64), key);
	strbuf_addf(order, " ORDER BY t.\"%s\" %s, t.id %s", key, desc ? "DESC" : "ASC",
		    desc ? "DESC" : "ASC");
	return 0;
}

/*
 * `t.key IN (the codes of enumeration `en` whose label holds `q`)`, or
 * nothing when no label does: the match is made here, on the labels in
 * the program, so the query compares codes, which its indexes hold.
 */
static int enum_term(const struct field_desc *fd, const char *q, const char *or,
		     struct strbuf *fw, struct sqlp *params)
{
	const struct enum_item *it;
	int n = 0;

	for (it = fd->enumeration->items; it->code; it++) {
		if (!strstr(it->label, q))
			continue;
		strbuf_addf(fw, n ? ", ?" : "%st.\"%s\" IN (?", or, fd->key);
		sqlp_text(params, it->code);
		n++;
	}
	if (n)
		strbuf_addch(fw, ')');
	return n > 0;
}

/*
 * `t.key IN (the keys of the referenced records whose name holds `q`)`:
 * a subject's, a region's, a department's name (SEARCH_NAME fields).
 */
static int ref_term(const struct field_desc *fd, const char *like, const char *or,
		    struct strbuf *fw, struct sqlp *params)
{
	const struct entity_desc *rd = entity_find(fd->ref);

	strbuf_addf(fw, "%st.\"%s\" IN (SELECT r.\"%s\" FROM %s r WHERE r.name LIKE ? ESCAPE '\\')",
		    or, fd->key, rd->key, rd->table);
	sqlp_text(params, like);
	return 1;
}

/* How ?q= searches a field (entity.h). */
enum search_kind entity_search_kind(const struct entity_desc *ed, const struct field_desc *fd)
{
	const struct entity_desc *rd;
	const struct field_desc *name;

	if (fd->flags & (FF_PERSONAL | FF_HIDDEN))
		return SEARCH_NONE;
	if ((fd->flags & FF_SEARCH) ||
	    (!strcmp(fd->key, ed->key) && (fd->type == FT_CODE || fd->type == FT_TEXT)))
		return SEARCH_TEXT;
	if (!(fd->flags & FF_LIST))
		return SEARCH_NONE;
	if (fd->type == FT_ENUM)
		return SEARCH_LABEL;
	if (fd->type != FT_REF || !(rd = entity_find(fd->ref)) || !(name = entity_field(rd, "name")) ||
	    (name->flags & (FF_PERSONAL | FF_HIDDEN)))
		return SEARCH_NONE;
	return SEARCH_NAME;
}

/*
 * The terms of `?q=`, in one query: a substring of the FF_SEARCH texts and
 * of the record's number; an enumeration shown in the list whose label
 * holds it; a reference shown in the list whose record's name holds it.
 * Personal fields never: they are stored encrypted, and a substring search
 * would reveal them (personal_filter_check is the way to find by them).
 */
static void search_terms(const struct entity_desc *ed, const char *q, struct strbuf *fw,
			 struct sqlp *params)
{
	struct strbuf like = STRBUF_INIT;
	size_t i;
	int any = 0;

	add_like(&like, q);
	strbuf_addstr(fw, " AND (");
	for (i = 0; i < ed->nfields; i++) {
		const struct field_desc *fd = &ed->fields[i];
		const char *or = any ? " OR " : "";

		switch (entity_search_kind(ed, fd)) {
		case SEARCH_TEXT:
			strbuf_addf(fw, "%st.\"%s\" LIKE ? ESCAPE '\\'", or, fd->key);
			sqlp_text(params, like.buf);
			any = 1;
			break;
		case SEARCH_LABEL:
			any |= enum_term(fd, q, or, fw, params);
			break;
		case SEARCH_NAME:
			any |= ref_term(fd, like.buf, or, fw, params);
			break;
		case SEARCH_NONE:
			break;
		}
	}
	if (!any)
		strbuf_addstr(fw, "1 = 0");
	strbuf_addch(fw, ')');
	strbuf_release(&like);
}

/*
 * The personal fields given as filters with a value (not the empty "has
 * none" filter), comma-separated in `fields`: allowed, with a reason,
 * within the rate, and audited — or refused.  The command line on the
 * server (ROLE_SYSTEM) holds the key anyway and is not limited.
 */
static int personal_filter_check(const struct model_ctx *mc, const struct entity_desc *ed,
				 const struct list_params *p, struct model_error *e)
{
	struct strbuf fields = STRBUF_INIT, detail = STRBUF_INIT, action = STRBUF_INIT;
	const char *reason = p ? p->get(p->ctx, "reason") : NULL;
	size_t i;
	struct ratelimit_dropped dropped;
	int limit, ret = 0;

	for (i = 0; p && i < ed->nfields; i++) {
		const struct field_desc *fd = &ed->fields[i];
		const char *v;
		if (!(fd->flags & FF_PERSONAL) || !(fd->flags & FF_FILTER))
			continue;
		v = p->get(p->ctx, fd->key);
		if (v && *v)
			strbuf_addf(&fields, "%s%s", fields.len ? "," : "", fd->key);
	}
	if (!fields.len || mc->actor->role == ROLE_SYSTEM)
		goto cleanup;
	if (!entity_can_reveal(ed, mc->actor)) {
		ret = model_fail(e, MODEL_EFORBIDDEN, NULL, "无权按个人信息查询%s", ed->label);
		goto cleanup;
	}
	if ((ret = model_reason_check(e, reason)))
		goto cleanup;
	limit = settings_get_int(mc->db, "personal_lookups_per_minute");
	pthread_once(&personal_filters_once, personal_filters_init);
	ratelimit_set_per_key(personal_filters, limit);
	strbuf_addf(&detail, "%" PRId64, mc->actor->user_id);
	if (!ratelimit_hit(personal_filters, detail.buf, time_now(), &dropped)) {
		ret = model_fail(e, MODEL_ELIMIT, NULL,
				 "按个人信息查询过于频繁（每分钟最多 %d 次），请稍后再试", limit);
		goto cleanup;
	}
	strbuf_reset(&detail);
	strbuf_addf(&detail, "filter=%s reason=%.*s", fields.buf, utf8_prefix(reason, 200), reason);
	strbuf_addf(&action, "%s.reveal_filter", ed->name);
	if (audit_append(model_audit_db(mc), mc->actor, action.buf, ed->name, "ok", detail.buf, &e->msg))
		ret = model_fail(e, MODEL_EDB, NULL, "审计写入失败");
cleanup:
	strbuf_release(&fields);
	strbuf_release(&detail);
	strbuf_release(&action);
	return ret;
}

int list_where(const struct model_ctx *mc, const struct entity_desc *ed,
	       const struct list_params *p, struct strbuf *fw, struct sqlp *params,
	       struct strbuf *order, struct model_error *e)
{
	struct param_check pc = { ed, NULL };
	const char *as_of = p ? p->get(p->ctx, "as_of") : NULL;
	const char *q = p ? p->get(p->ctx, "q") : NULL;
	const char *sort = p ? p->get(p->ctx, "sort") : NULL;
	int ret = 0;

	if (p && p->each)
		p->each(p->ctx, check_param, &pc);
	if (pc.bad)
		return model_fail(e, MODEL_EBADREQ, NULL, "未知的查询参数“%.*s”",
				  utf8_prefix(pc.bad, 64), pc.bad);

	if (as_of) {
		if (!month_valid(as_of))
			return model_fail(e, MODEL_EINVAL, "as_of", "as_of：月份格式应为 YYYY-MM");
		strbuf_addf(fw, " FROM %s_history t WHERE t.rev = (SELECT MAX(h2.rev) FROM %s_history h2"
			    " WHERE h2.id = t.id AND h2.month <= ?)", ed->table, ed->table);
		sqlp_text(params, as_of);
		if (ed->month_from) {
			strbuf_addf(fw, " AND t.%s <= ?", ed->month_from);
			sqlp_text(params, as_of);
		}
		if (ed->month_to) {
			strbuf_addf(fw, " AND (t.%s IS NULL OR t.%s >= ?)", ed->month_to, ed->month_to);
			sqlp_text(params, as_of);
		}
	} else {
		strbuf_addf(fw, " FROM %s t WHERE 1 = 1", ed->table);
	}
	scope_where_db(mc->db, ed, mc->actor, "t", fw, params);

	ret = field_filters(mc, ed, p, fw, params, e);
	if (ret)
		goto cleanup;
	ret = overdue_filter(ed, p, fw, params, e);
	if (ret)
		goto cleanup;
	if (q && *q)
		search_terms(ed, q, fw, params);

	ret = list_order(ed, sort, order, e);
	if (ret)
		goto cleanup;
	/* last, so that a malformed query is refused before it counts or is audited */
	ret = personal_filter_check(mc, ed, p, e);
cleanup:
	return ret;
}

void list_columns(const struct entity_desc *ed, const struct list_params *p, struct strbuf *sql)
{
	size_t i;

	if (!p || !p->get(p->ctx, "as_of")) {
		entity_columns(ed, "t", sql);
		return;
	}
	/* the history table: its change time stands for created/updated */
	strbuf_addstr(sql, "t.id, t.rev, t.changed_at, t.changed_at");
	for (i = 0; i < ed->nfields; i++)
		strbuf_addf(sql, ", t.\"%s%s\"", ed->fields[i].key,
			    (ed->fields[i].flags & FF_PERSONAL) ? "_enc" : "");
}

static int parse_positive(const char *s, int64_t def, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (!s) {
		*out = def;
		return 0;
	}
	v = strtoll(s, &end, 10);
	if (!*s || *end || v < 1 || v > max)
		return -1;
	*out = v;
	return 0;
}

int entity_list(const struct model_ctx *mc, const struct entity_desc *ed,
		const struct list_params *p, json_t **out, struct model_error *e)
{
	struct strbuf fw = STRBUF_INIT, order = STRBUF_INIT, sql = STRBUF_INIT;
	struct sqlp params = SQLP_INIT, colp = SQLP_INIT;
	struct db_stmt *st = NULL;
	struct record r;
	int64_t page, size, total = 0;
	json_t *items = NULL;
	int ret, rc;

	record_init(&r, ed);
	if (!entity_can_read(ed, mc->actor)) {
		ret = model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看%s", ed->label);
		goto cleanup;
	}
	if (parse_positive(p ? p->get(p->ctx, "page") : NULL, 1, 1000000000, &page)) {
		ret = model_fail(e, MODEL_EBADREQ, "page", "page：应为正整数");
		goto cleanup;
	}
	if (parse_positive(p ? p->get(p->ctx, "page_size") : NULL, 20, 500, &size)) {
		ret = model_fail(e, MODEL_EBADREQ, "page_size", "page_size：应为 1 到 500 之间的整数");
		goto cleanup;
	}
	ret = list_where(mc, ed, p, &fw, &params, &order, e);
	if (ret)
		goto cleanup;

	strbuf_addf(&sql, "SELECT COUNT(*)%s", fw.buf);
	if (sqlp_aggregate(mc->db, sql.buf, &params, &total, 1, &e->msg))
		goto dberr;

	strbuf_reset(&sql);
	strbuf_addstr(&sql, "SELECT ");
	list_columns(ed, p, &sql);
	entity_overdue_column(ed, &sql, &colp);
	strbuf_addf(&sql, "%s%s LIMIT ? OFFSET ?", fw.buf, order.buf);
	if (db_prepare(mc->db, sql.buf, &st, &e->msg))
		goto dberr;
	sqlp_bind(&colp, st, 1);
	sqlp_bind(&params, st, 1 + (int)colp.n);
	db_bind_int64(st, (int)(colp.n + params.n) + 1, size);
	db_bind_int64(st, (int)(colp.n + params.n) + 2, (page - 1) * size);
	items = json_array();
	while ((rc = db_step(st, &e->msg)) == DB_ROW) {
		entity_row(st, &r, 0);
		json_array_append_new(items, record_json(&r, mc->keys));
	}
	if (rc < 0)
		goto dberr;
	*out = json_pack("{so sI sI sI}", "items", items, "total", (json_int_t)total,
			 "page", (json_int_t)page, "page_size", (json_int_t)size);
	items = NULL;
	ret = 0;
	goto cleanup;
dberr:
	ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
cleanup:
	if (st)
		db_finalize(st);
	json_decref(items);
	sqlp_release(&params);
	sqlp_release(&colp);
	record_release(&r);
	strbuf_release(&fw);
	strbuf_release(&order);
	strbuf_release(&sql);
	return ret;
}
