/*
 * entity.c: the generic machinery that reads entity descriptors (see
 * entity.h): validation, storage, scope, masking, history, audit, lists.
 * Import and export are in entity_io.c, the metadata in entity_meta.c.
 *
 * SQL here is assembled from descriptor names only (static strings compiled
 * into the program), never from input; every value is a bound parameter.
 */
#include "model/entity.h"

#include <errno.h>
#include <pthread.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/alloc.h"
#include "base/crypto.h"
#include "base/date.h"
#include "base/mask.h"
#include "base/validate.h"
#include "db/db.h"
#include "db/group_commit.h"
#include "model/audit.h"
#include "model/entity_int.h"
#include "model/lookup_cache.h"
#include "model/session.h"

/* ---- errors ---- */

void model_error_init(struct model_error *e)
{
	e->code = 0;
	e->field = NULL;
	strbuf_init(&e->msg, 0);
}

void model_error_release(struct model_error *e)
{
	strbuf_release(&e->msg);
	e->code = 0;
	e->field = NULL;
}

int model_fail(struct model_error *e, int code, const char *field, const char *fmt, ...)
{
	struct strbuf tmp = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&tmp, fmt, ap); /* fmt's arguments may point into e->msg */
	va_end(ap);
	strbuf_reset(&e->msg);
	strbuf_addbuf(&e->msg, &tmp);
	strbuf_release(&tmp);
	e->code = code;
	e->field = field;
	return code;
}

int model_reason_check(struct model_error *e, const char *reason)
{
	if (!reason || !utf8_valid(reason, strlen(reason)) || !text_controls_ok(reason) ||
	    utf8_visible_length(reason) < 4 || utf8_length(reason) > 500)
		return model_fail(e, MODEL_EINVAL, "reason", "须写明理由（4 至 500 字，空白不计）");
	return 0;
}

int model_status(int code)
{
	switch (code) {
	case MODEL_EINVAL: return 422;
	case MODEL_EBADREQ: return 400;
	case MODEL_ENOTFOUND: return 404;
	case MODEL_EFORBIDDEN: return 403;
	case MODEL_ECONFLICT: return 409;
	case MODEL_ELIMIT: return 429;
	case MODEL_EPRECOND: return 428;
	case MODEL_ETOOBIG: return 413;
	default: return 500;
	}
}

/* ---- descriptors ---- */

const struct entity_desc *entity_find(const char *name)
{
	size_t i;

	for (i = 0; entities[i]; i++)
		if (!strcmp(entities[i]->name, name))
			return entities[i];
	return NULL;
}

int entity_field_index(const struct entity_desc *ed, const char *key)
{
	size_t i;

	for (i = 0; i < ed->nfields; i++)
		if (!strcmp(ed->fields[i].key, key))
			return (int)i;
	return -1;
}

const struct field_desc *entity_field(const struct entity_desc *ed, const char *key)
{
	int i = entity_field_index(ed, key);

	return i < 0 ? NULL : &ed->fields[i];
}

int entity_field_index_any(const struct entity_desc *ed, const char *s)
{
	size_t i;
	int k = entity_field_index(ed, s);

	if (k >= 0)
		return k;
	for (i = 0; i < ed->nfields; i++)
		if (!strcmp(ed->fields[i].label, s))
			return (int)i;
	return -1;
}

const char *enum_lookup(const struct enum_desc *en, const char *s)
{
	const struct enum_item *it;

	for (it = en->items; it->code; it++)
		if (!strcmp(it->code, s))
			return it->code;
	for (it = en->items; it->code; it++)
		if (!strcmp(it->label, s))
			return it->code;
	return NULL;
}

const char *enum_label(const struct enum_desc *en, const char *code)
{
	const struct enum_item *it;

	for (it = en->items; it->code; it++)
		if (!strcmp(it->code, code))
			return it->label;
	return code;
}

/* ---- records ---- */

void record_init(struct record *r, const struct entity_desc *ed)
{
	r->ed = ed;
	r->id = 0;
	r->rev = 0;
	r->val = NULL;
	r->given = NULL;
	r->overdue = -1;
	r->borrowed = 0;
	if (ed) {
		r->val = xcalloc(ed->nfields, sizeof(*r->val));
		r->given = xcalloc(ed->nfields, 1);
	}
}

void record_release(struct record *r)
{
	size_t i;

	if (r->borrowed) {
		/* a view of a cached record: nothing of it is ours */
		r->val = NULL;
		r->given = NULL;
		r->borrowed = 0;
		return;
	}
	if (r->val && r->ed)
		for (i = 0; i < r->ed->nfields; i++)
			free(r->val[i]);
	free(r->val);
	free(r->given);
	r->val = NULL;
	r->given = NULL;
}

void record_set(struct record *r, int i, const char *v)
{
	char *copy = NULL;

	if (i < 0 || r->borrowed)
		abort(); /* a descriptor bug, or a change to a borrowed (cached) record */
	if (v) {
		copy = xstrdup(v);
	}
	free(r->val[i]);
	r->val[i] = copy;
}

const char *record_get(const struct record *r, const char *key)
{
	int i = entity_field_index(r->ed, key);

	return i < 0 ? NULL : r->val[i];
}

static void record_copy(struct record *dst, const struct record *src)
{
	size_t i;

	record_init(dst, src->ed);
	dst->id = src->id;
	dst->rev = src->rev;
	for (i = 0; i < src->ed->nfields; i++)
		record_set(dst, (int)i, src->val[i]);
}

/* ---- SQL parameters ---- */

static void sqlp_grow(struct sqlp *p)
{
	if (p->n < p->alloc)
		return;
	p->alloc = p->alloc ? 2 * p->alloc : 16;
	p->v = xrealloc(p->v, p->alloc * sizeof(*p->v));
}

void sqlp_text(struct sqlp *p, const char *s)
{
	sqlp_grow(p);
	p->v[p->n].is_int = 0;
	p->v[p->n].s = s ? xstrdup(s) : NULL;
	p->n++;
}

void sqlp_int(struct sqlp *p, int64_t i)
{
	sqlp_grow(p);
	p->v[p->n].is_int = 1;
	p->v[p->n].s = NULL;
	p->v[p->n].i = i;
	p->n++;
}

void sqlp_bind(const struct sqlp *p, struct db_stmt *st, int first)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		int idx = first + (int)i;
		if (p->v[i].is_int)
			db_bind_int64(st, idx, p->v[i].i);
		else if (p->v[i].s)
			db_bind_text(st, idx, p->v[i].s);
		else
			db_bind_null(st, idx);
	}
}

int sqlp_aggregate(struct db *db, const char *sql, const struct sqlp *p, int64_t *out, int n,
		   struct strbuf *err)
{
	struct db_stmt *st;
	int i, rc;

	if (db_prepare(db, sql, &st, err))
		return -1;
	sqlp_bind(p, st, 1);
	rc = db_step(st, err);
	for (i = 0; i < n; i++)
		out[i] = rc == DB_ROW && !db_column_is_null(st, i) ? db_column_int64(st, i) : 0;
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int sqlp_run(struct db *db, const char *sql, const struct sqlp *p, struct strbuf *err)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(db, sql, &st, err))
		return -1;
	sqlp_bind(p, st, 1);
	rc = db_step(st, err);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

void sqlp_release(struct sqlp *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->v[i].s);
	free(p->v);
	p->v = NULL;
	p->n = p->alloc = 0;
}

/* ---- storage columns ---- */

/* Append the stored column list of `ed` (personal fields as _enc), prefixed. */
static void build_insert(const struct entity_desc *ed, struct strbuf *sql)
{
	size_t i;

	strbuf_addf(sql, "INSERT INTO %s (rev, created_at, updated_at", ed->table);
	for (i = 0; i < ed->nfields; i++) {
		const struct field_desc *fd = &ed->fields[i];
		if (fd->flags & FF_PERSONAL)
			strbuf_addf(sql, ", %s_enc, %s_idx", fd->key, fd->key);
		else
			strbuf_addf(sql, ", %s", fd->key);
	}
	strbuf_addstr(sql, ") VALUES (1, ?, ?");
	for (i = 0; i < ed->nfields; i++)
		strbuf_addstr(sql, (ed->fields[i].flags & FF_PERSONAL) ? ", ?, ?" : ", ?");
	strbuf_addch(sql, ')');
}

static void build_columns(const struct entity_desc *ed, const char *alias, struct strbuf *sql)
{
	size_t i;

	strbuf_addf(sql, "%s%sid, %s%srev, %s%screated_at, %s%supdated_at",
		    alias ? alias : "", alias ? "." : "", alias ? alias : "", alias ? "." : "",
		    alias ? alias : "", alias ? "." : "", alias ? alias : "", alias ? "." : "");
	for (i = 0; i < ed->nfields; i++)
		strbuf_addf(sql, ", %s%s%s%s", alias ? alias : "", alias ? "." : "",
			    ed->fields[i].key,
			    (ed->fields[i].flags & FF_PERSONAL) ? "_enc" : "");
}

/*
 * The column lists, bare and with alias "t", of every entity: built once
 * (they depend on the descriptors only), read by every query after.
 */
#define MAX_ENTITIES 64
static char *column_lists[MAX_ENTITIES][2];
static char *insert_sql[MAX_ENTITIES];
static pthread_once_t column_lists_once = PTHREAD_ONCE_INIT;

static void build_column_lists(void)
{
	size_t i;

	for (i = 0; entities[i] && i < MAX_ENTITIES; i++) {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
		build_columns(entities[i], NULL, &a);
		build_columns(entities[i], "t", &b);
		column_lists[i][0] = strbuf_detach(&a, NULL);
		column_lists[i][1] = strbuf_detach(&b, NULL);
		build_insert(entities[i], &a);
		insert_sql[i] = strbuf_detach(&a, NULL);
	}
}

/*
 * The INSERT of a new record of `ed` (built once per entity); on PostgreSQL
 * it returns the new id (see db.h).
 */
static void entity_insert_sql(const struct entity_desc *ed, enum db_dialect dialect,
			      struct strbuf *sql)
{
	size_t i;

	pthread_once(&column_lists_once, build_column_lists);
	for (i = 0; i < MAX_ENTITIES && entities[i]; i++)
		if (entities[i] == ed)
			break;
	if (i < MAX_ENTITIES && entities[i])
		strbuf_addstr(sql, insert_sql[i]);
	else
		build_insert(ed, sql);
	if (dialect == DB_POSTGRES)
		strbuf_addstr(sql, " RETURNING id");
}

void entity_columns(const struct entity_desc *ed, const char *alias, struct strbuf *sql)
{
	size_t i;

	pthread_once(&column_lists_once, build_column_lists);
	if (!alias || !strcmp(alias, "t")) {
		for (i = 0; entities[i] && i < MAX_ENTITIES; i++) {
			if (entities[i] == ed) {
				strbuf_addstr(sql, column_lists[i][alias ? 1 : 0]);
				return;
			}
		}
	}
	build_columns(ed, alias, sql);
}

void entity_overdue_column(const struct entity_desc *ed, struct strbuf *sql, struct sqlp *p)
{
	char today[DATE_BUFSZ];

	if (!ed->overdue_sql)
		return;
	date_today_utc(today);
	strbuf_addf(sql, ", CASE WHEN (%s) THEN 1 ELSE 0 END", ed->overdue_sql);
	entity_overdue_params(ed, p, today);
}

void entity_overdue_params(const struct entity_desc *ed, struct sqlp *p, const char *today)
{
	const char *q;

	for (q = ed->overdue_sql; (q = strchr(q, '?')); q++)
		sqlp_text(p, today);
}

/* Read a row selected with entity_columns() (+ entity_overdue_column()) into `r`. */
void entity_row(struct db_stmt *st, struct record *r, int first)
{
	size_t i;
	int c = first + 4 + (int)r->ed->nfields;

	r->id = db_column_int64(st, first);
	r->rev = db_column_int64(st, first + 1);
	for (i = 0; i < r->ed->nfields; i++) {
		int k = first + 4 + (int)i;
		record_set(r, (int)i, db_column_is_null(st, k) ? NULL : db_column_text(st, k));
	}
	r->overdue = r->ed->overdue_sql && db_column_count(st) > c ? db_column_int64(st, c) != 0 : -1;
}

/* ---- scope ---- */

/*
 * Append " AND <predicate>" limiting rows of `ed` (table alias `t`) to what
 * the actor's role reaches.  Returns 0, or -1 when the actor reaches none of
 * them (the caller answers 404/empty, or 403 for a role that may not read).
 */
int scope_where(const struct entity_desc *ed, const struct actor *a, const char *t,
		struct strbuf *sql, struct sqlp *p)
{
	const struct entity_scope *s = &ed->scope;
	const char *col = NULL, *val = NULL;

	switch (a->role) {
	case ROLE_SYSTEM:
	case ROLE_SYSADMIN:
	case ROLE_SECADMIN:
	case ROLE_AUDITADMIN:
		return 0; /* entity_can_read() keeps admins from business data */
	case ROLE_OFFICE: case ROLE_PETITION: case ROLE_SAFETY: case ROLE_POLICE:
		col = s->district;
		val = a->district;
		break;
	case ROLE_SUPERVISOR:
		if (ed->flags & ENT_REFDATA) {
			col = s->district;
			val = a->district;
		} else if (s->supervisor) {
			col = s->supervisor;
			val = a->dept;
		} else if (s->subject && a->dept) {
			strbuf_addf(sql, " AND %s.%s IN (SELECT code FROM subjects WHERE supervisor = ?)",
				    t, s->subject);
			sqlp_text(p, a->dept);
			return 0;
		}
		break;
	case ROLE_TOWNSHIP:
		col = (ed->flags & ENT_REFDATA) ? s->district : s->township;
		val = (ed->flags & ENT_REFDATA) ? a->district : a->township;
		break;
	case ROLE_GRID:
		col = (ed->flags & ENT_REFDATA) ? s->district : s->grid;
		val = (ed->flags & ENT_REFDATA) ? a->district : a->grid;
		break;
	case ROLE_SUBJECT:
		col = (ed->flags & ENT_REFDATA) ? s->district : s->subject;
		val = (ed->flags & ENT_REFDATA) ? a->district : a->subject;
		break;
	default:
		break;
	}
	if (!col || !val) {
		strbuf_addstr(sql, " AND 1 = 0");
		return -1;
	}
	strbuf_addf(sql, " AND %s.%s = ?", t, col);
	sqlp_text(p, val);
	return 0;
}

int entity_can_read(const struct entity_desc *ed, const struct actor *a)
{
	return a->role > ROLE_NONE && a->role < ROLE__COUNT &&
	       (ed->read_roles & ROLE_BIT(a->role)) && !a->must_change;
}

int entity_can_write(const struct entity_desc *ed, const struct actor *a)
{
	return a->role > ROLE_NONE && a->role < ROLE__COUNT &&
	       (ed->write_roles & ROLE_BIT(a->role)) && !a->must_change;
}

int entity_can_reveal(const struct entity_desc *ed, const struct actor *a)
{
	return entity_can_write(ed, a);
}

/*
 * Is record `r` (new state of a write) inside the actor's scope?  Checked
 * on the row itself so that a township cannot create a subject in another
 * township, nor move one there.
 */
int scope_check_record(struct db *db, const struct actor *a, const struct record *r,
		       int for_ref)
{
	const struct entity_scope *s = &r->ed->scope;
	const char *col = NULL, *want = NULL;

	switch (a->role) {
	case ROLE_SYSTEM: case ROLE_SYSADMIN: case ROLE_SECADMIN: case ROLE_AUDITADMIN:
		return 1;
	case ROLE_OFFICE: case ROLE_PETITION: case ROLE_SAFETY: case ROLE_POLICE:
		col = s->district;
		want = a->district;
		break;
	case ROLE_SUPERVISOR:
		if (r->ed->flags & ENT_REFDATA) {
			col = s->district;
			want = a->district;
		} else if (s->supervisor) {
			col = s->supervisor;
			want = a->dept;
		} else if (s->subject) {
			const char *params[2] = { record_get(r, s->subject), a->dept };
			char *v = NULL;
			int ok;
			if (!params[0])
				return 0;
			if (db_query_value(db, "SELECT 1 FROM subjects WHERE code = ? AND supervisor = ?",
					   params, 2, &v, NULL))
				return 0;
			ok = v != NULL;
			free(v);
			return ok;
		}
		break;
	case ROLE_TOWNSHIP:
		/* a township reads the district's reference data, but what it
		 * writes may only name places of its own township */
		if ((r->ed->flags & ENT_REFDATA) && !(for_ref && s->township)) {
			col = s->district;
			want = a->district;
		} else {
			col = s->township;
			want = a->township;
		}
		break;
	case ROLE_GRID:
		col = (r->ed->flags & ENT_REFDATA) ? s->district : s->grid;
		want = (r->ed->flags & ENT_REFDATA) ? a->district : a->grid;
		break;
	case ROLE_SUBJECT:
		col = (r->ed->flags & ENT_REFDATA) ? s->district : s->subject;
		want = (r->ed->flags & ENT_REFDATA) ? a->district : a->subject;
		break;
	default:
		break;
	}
	if (!col || !want)
		return 0;
	return record_get(r, col) && !strcmp(record_get(r, col), want);
}

/* ---- values ---- */

static int code_chars_ok(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return 1;
}

static int parse_int(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!*s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* Yuan as typed ("1234", "1234.5", "-3.25") to fen; -1 when malformed. */
static int parse_money(const char *s, int64_t *fen)
{
	int64_t v = 0;
	int neg = 0, digits = 0, decimals = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (v > (INT64_MAX - 9) / 10 / 100)
			return -1;
		v = v * 10 + (*s - '0');
	}
	v *= 100;
	if (*s == '.') {
		s++;
		if (s[0] >= '0' && s[0] <= '9') {
			v += (s[0] - '0') * 10;
			decimals++;
			if (s[1] >= '0' && s[1] <= '9') {
				v += s[1] - '0';
				decimals++;
			}
			s += decimals;
		}
		if (!decimals)
			return -1;
	}
	if (!digits || *s)
		return -1;
	*fen = neg ? -v : v;
	return 0;
}

/* The stored form of a set of codes ("a|b"), each checked by `one`. */
static int normalize_set(const struct field_desc *fd, const char *in, struct strbuf *out,
			 struct model_error *e)
{
	const char *p = in;

	if (!*in)
		return model_fail(e, MODEL_EINVAL, fd->key, "%s：不能为空", fd->label);
	while (*p) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		char *item = xstrndup(p, n);
		const char *code = item;

		if (fd->type == FT_ENUMSET)
			code = enum_lookup(fd->enumeration, item);
		else if (!*item || strlen(item) > 64 || !code_chars_ok(item))
			code = NULL;
		if (!code) {
			model_fail(e, MODEL_EINVAL, fd->key, "%s：“%s”不是%s", fd->label, item,
				   fd->type == FT_ENUMSET ? "可选值" : "有效的编码");
			free(item);
			return MODEL_EINVAL;
		}
		if (out->len)
			strbuf_addch(out, '|');
		strbuf_addstr(out, code);
		free(item);
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/*
 * Normalise and validate one value given as text (import cell, or a JSON
 * value already turned into text).  `in` is trimmed of nothing: callers
 * trim.  On success `out` holds the stored form.  Errors name the field.
 */
int field_normalize(const struct field_desc *fd, const char *in, struct strbuf *out,
		    struct model_error *e)
{
	strbuf_reset(out);
	if (!utf8_valid(in, strlen(in)))
		return model_fail(e, MODEL_EINVAL, fd->key, "%s：不是有效的 UTF-8 文本", fd->label);
	switch (fd->type) {
	case FT_TEXT: {
		int64_t max = fd->max ? fd->max : 200;
		if ((int64_t)utf8_length(in) > max)
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：长度不能超过 %" PRId64 " 个字符",
					  fd->label, max);
		if (!text_controls_ok(in))
			return model_fail(e, MODEL_EINVAL, fd->key,
					  "%s：含有不允许的控制字符或文字方向控制符", fd->label);
		strbuf_addstr(out, in);
		break;
	}
	case FT_CODE:
	case FT_REF: {
		int64_t max = fd->type == FT_CODE && fd->max ? fd->max : 64;
		if ((int64_t)strlen(in) > max || !code_chars_ok(in))
			return model_fail(e, MODEL_EINVAL, fd->key,
					  "%s：“%s”不是有效的编码（字母、数字、- _ .，不超过 %" PRId64 " 位）",
					  fd->label, fd->type == FT_REF ? "…" : "…", max);
		strbuf_addstr(out, in);
		break;
	}
	case FT_INT: {
		int64_t v;
		if (parse_int(in, &v))
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：应为整数", fd->label);
		if ((fd->min || fd->max) && (v < fd->min || v > fd->max))
			return model_fail(e, MODEL_EINVAL, fd->key,
					  "%s：应在 %" PRId64 " 到 %" PRId64 " 之间", fd->label, fd->min, fd->max);
		strbuf_addf(out, "%" PRId64, v);
		break;
	}
	case FT_REAL: {
		char *end;
		double v;
		errno = 0;
		v = strtod(in, &end);
		if (!*in || *end || errno || !isfinite(v))
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：应为数字", fd->label);
		if ((fd->min || fd->max) && (v < (double)fd->min || v > (double)fd->max))
			return model_fail(e, MODEL_EINVAL, fd->key,
					  "%s：应在 %" PRId64 " 到 %" PRId64 " 之间", fd->label, fd->min, fd->max);
		strbuf_addf(out, "%.15g", v);
		break;
	}
	case FT_BOOL:
		if (!strcmp(in, "1") || !strcmp(in, "true") || !strcmp(in, "是"))
			strbuf_addch(out, '1');
		else if (!strcmp(in, "0") || !strcmp(in, "false") || !strcmp(in, "否"))
			strbuf_addch(out, '0');
		else
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：应为 1/0 或 是/否", fd->label);
		break;
	case FT_DATE:
		if (!date_valid(in))
			return model_fail(e, MODEL_EINVAL, fd->key,
					  "%s：“%s”不是有效日期（YYYY-MM-DD）", fd->label, in);
		strbuf_addstr(out, in);
		break;
	case FT_MONTH:
		if (!month_valid(in))
			return model_fail(e, MODEL_EINVAL, fd->key,
					  "%s：“%s”不是有效月份（YYYY-MM）", fd->label, in);
		strbuf_addstr(out, in);
		break;
	case FT_ENUM: {
		const char *code = enum_lookup(fd->enumeration, in);
		if (!code)
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：“%s”不是可选值", fd->label, in);
		strbuf_addstr(out, code);
		break;
	}
	case FT_ENUMSET:
	case FT_REFSET: {
		int ret = normalize_set(fd, in, out, e);
		if (ret)
			return ret;
		break;
	}
	case FT_MONEY: {
		int64_t fen;
		if (parse_money(in, &fen))
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：应为金额（元，最多两位小数）",
					  fd->label);
		if ((fd->min || fd->max) && (fen < fd->min * 100 || fen > fd->max * 100))
			return model_fail(e, MODEL_EINVAL, fd->key,
					  "%s：应在 %" PRId64 " 到 %" PRId64 " 元之间", fd->label, fd->min,
					  fd->max);
		strbuf_addf(out, "%" PRId64, fen);
		break;
	}
	}
	if (fd->normalize && out->len) {
		struct strbuf canon = STRBUF_INIT;
		fd->normalize(out->buf, &canon);
		strbuf_reset(out);
		strbuf_addbuf(out, &canon);
		strbuf_release(&canon);
	}
	if (fd->check && !fd->check(out->buf))
		return model_fail(e, MODEL_EINVAL, fd->key, "%s：%s", fd->label,
				  fd->check_msg ? fd->check_msg : "格式不正确");
	return 0;
}

/* Turn a JSON value into text for field_normalize(), checking its JSON type. */
static int json_value_text(const struct field_desc *fd, json_t *v, struct strbuf *out,
			   struct model_error *e)
{
	strbuf_reset(out);
	switch (fd->type) {
	case FT_INT:
		if (!json_is_integer(v))
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：应为整数", fd->label);
		strbuf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return 0;
	case FT_REAL:
		if (!json_is_number(v))
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：应为数字", fd->label);
		strbuf_addf(out, "%.17g", json_number_value(v));
		return 0;
	case FT_BOOL:
		if (!json_is_boolean(v))
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：应为 true 或 false", fd->label);
		strbuf_addch(out, json_is_true(v) ? '1' : '0');
		return 0;
	case FT_MONEY:
		if (json_is_integer(v))
			strbuf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		else if (json_is_real(v))
			strbuf_addf(out, "%.10g", json_real_value(v));
		else if (json_is_string(v))
			strbuf_addstr(out, json_string_value(v));
		else
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：应为金额（数字）", fd->label);
		return 0;
	default:
		if (!json_is_string(v))
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：应为字符串", fd->label);
		strbuf_add(out, json_string_value(v), json_string_length(v));
		if (memchr(out->buf, 0, out->len))
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：不能包含 NUL 字符", fd->label);
		strbuf_trim(out);
		return 0;
	}
}

/* Fill `r` from JSON object `in`; `create` demands required fields. */
static int record_from_json(struct record *r, json_t *in, int create, int64_t *rev,
			    struct model_error *e)
{
	const struct entity_desc *ed = r->ed;
	struct strbuf text = STRBUF_INIT, norm = STRBUF_INIT;
	const char *key;
	json_t *v;
	int ret = 0;

	if (!json_is_object(in))
		return model_fail(e, MODEL_EBADREQ, NULL, "请求体应为 JSON 对象");
	json_object_foreach(in, key, v) {
		int i;
		const struct field_desc *fd;

		if (!strcmp(key, "rev") && rev) {
			if (!json_is_integer(v) || json_integer_value(v) < 0) {
				ret = model_fail(e, MODEL_EINVAL, "rev", "rev：应为非负整数");
				goto cleanup;
			}
			*rev = json_integer_value(v);
			continue;
		}
		i = entity_field_index(ed, key);
		if (i < 0) {
			ret = model_fail(e, MODEL_EBADREQ, NULL, "未知字段“%.*s”", utf8_prefix(key, 64),
					 key);
			goto cleanup;
		}
		fd = &ed->fields[i];
		if (fd->flags & (FF_DERIVED | FF_HIDDEN)) {
			ret = model_fail(e, MODEL_EINVAL, fd->key, "%s：由系统生成，不能填写", fd->label);
			goto cleanup;
		}
		/* keys and immutable fields may be given on update only unchanged:
		 * entity_validate() compares them with the stored record */
		r->given[i] = 1;
		if (json_is_null(v)) {
			record_set(r, i, NULL);
			continue;
		}
		ret = json_value_text(fd, v, &text, e);
		if (ret)
			goto cleanup;
		if (!text.len) {
			record_set(r, i, NULL);
			continue;
		}
		ret = field_normalize(fd, text.buf, &norm, e);
		if (ret)
			goto cleanup;
		record_set(r, i, norm.buf);
	}
cleanup:
	strbuf_release(&text);
	strbuf_release(&norm);
	return ret;
}

/* Required fields present (after merge on update). */
static int record_check_required(const struct record *r, struct model_error *e)
{
	size_t i;

	for (i = 0; i < r->ed->nfields; i++) {
		const struct field_desc *fd = &r->ed->fields[i];
		if ((fd->flags & FF_REQUIRED) && !r->val[i])
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：必填", fd->label);
	}
	return 0;
}

int ref_missing(struct model_error *e, const struct field_desc *fd, const char *value)
{
	return model_fail(e, MODEL_EINVAL, fd->key, "%s：“%s”不存在%s", fd->label, value,
			  fd->ref_level ? "或层级不符" : "");
}

/*
 * References: each non-null FT_REF value must name an existing record (of
 * the right level) that the actor can see.  Out of scope and missing read
 * the same, so that an error never tells what exists elsewhere.
 * Administrators, who read no business data, only learn that it exists.
 */
/* Does `key` name a record of `fd`'s entity that the writer may name? 0, or negative. */
static int check_one_ref(const struct model_ctx *mc, const struct field_desc *fd, const char *key,
			 struct model_error *e)
{
	const struct entity_desc *red = entity_find(fd->ref);
	struct record ref;
	int ok, rc;

	record_init(&ref, NULL);
	rc = entity_lookup_cached(mc->db, mc->cache, red, key, &ref, &e->msg);
	if (rc == MODEL_EDB) {
		record_release(&ref);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	ok = rc == 0;
	if (ok && fd->ref_level)
		ok = record_get(&ref, "level") && !strcmp(record_get(&ref, "level"), fd->ref_level);
	if (ok && !(ROLE_BIT(mc->actor->role) & ROLES_ADMIN))
		ok = scope_check_record(mc->db, mc->actor, &ref, 1);
	record_release(&ref);
	return ok ? 0 : ref_missing(e, fd, key);
}

static int record_check_refs(const struct model_ctx *mc, const struct record *r,
			     struct model_error *e)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < r->ed->nfields && !ret; i++) {
		const struct field_desc *fd = &r->ed->fields[i];
		const char *p;

		if (!r->val[i] || (fd->flags & FF_DERIVED))
			continue;
		if (fd->type == FT_REF)
			ret = check_one_ref(mc, fd, r->val[i], e);
		if (fd->type != FT_REFSET)
			continue;
		for (p = r->val[i]; *p && !ret;) {
			size_t n = strcspn(p, "|");
			char *item = xstrndup(p, n);
			ret = check_one_ref(mc, fd, item, e);
			free(item);
			p += n;
			if (*p)
				p++;
		}
	}
	return ret;
}

/* ---- personal data ---- */

static void normalize_personal(const char *in, struct strbuf *out)
{
	strbuf_reset(out);
	for (; *in; in++) {
		if (*in == ' ' || *in == '-')
			continue;
		strbuf_addch(out, (*in >= 'a' && *in <= 'z') ? *in - 32 : *in);
	}
}

void mask_value(const struct field_desc *fd, const char *plain, struct strbuf *out)
{
	switch (fd->mask) {
	case MASK_NAME: mask_name(out, plain); break;
	case MASK_IDCARD: mask_idcard(out, plain); break;
	case MASK_PHONE: mask_phone(out, plain); break;
	default: mask_generic(out, plain); break;
	}
}

/* ---- JSON output ---- */

/*
 * How stored value `v` of field `fd` shows in JSON: its kind, and in *text
 * the value as written (personal data decrypted and masked into `tmp`).
 */
enum json_kind { JK_STRING, JK_INT, JK_REAL, JK_BOOL };

static enum json_kind field_shown(const struct field_desc *fd, const char *v,
				  const struct crypto_keys *keys, struct strbuf *tmp,
				  const char **text)
{
	*text = v;
	if (fd->flags & FF_PERSONAL) {
		struct strbuf plain = STRBUF_INIT, err = STRBUF_INIT;
		strbuf_reset(tmp);
		if (keys && !pd_decrypt(keys, v, &plain, &err))
			mask_value(fd, plain.buf, tmp);
		else
			strbuf_addstr(tmp, "***");
		strbuf_release(&plain);
		strbuf_release(&err);
		*text = tmp->buf;
		return JK_STRING;
	}
	switch (fd->type) {
	case FT_INT: return JK_INT;
	case FT_REAL: case FT_MONEY: return JK_REAL;
	case FT_BOOL: return JK_BOOL;
	default: return JK_STRING;
	}
}

static double real_value(const struct field_desc *fd, const char *v)
{
	return fd->type == FT_MONEY ? (double)strtoll(v, NULL, 10) / 100.0 : strtod(v, NULL);
}

json_t *record_json(const struct record *r, const struct crypto_keys *keys)
{
	json_t *o = json_object();
	struct strbuf tmp = STRBUF_INIT;
	size_t i;

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "rev", json_integer(r->rev));
	for (i = 0; i < r->ed->nfields; i++) {
		const struct field_desc *fd = &r->ed->fields[i];
		const char *text;
		json_t *v = json_null();

		if (fd->flags & FF_HIDDEN)
			continue;
		if (r->val[i]) {
			switch (field_shown(fd, r->val[i], keys, &tmp, &text)) {
			case JK_INT: v = json_integer(strtoll(text, NULL, 10)); break;
			case JK_REAL: v = json_real(real_value(fd, text)); break;
			case JK_BOOL: v = json_boolean(strcmp(text, "0") != 0); break;
			case JK_STRING: v = json_string(text); break;
			}
		}
		json_object_set_new(o, fd->key, v);
	}
	if (r->overdue >= 0)
		json_object_set_new(o, "overdue", json_boolean(r->overdue));
	strbuf_release(&tmp);
	return o;
}

/* `s` as a JSON string, escaped as jansson escapes it. */
static void json_string_write(struct strbuf *out, const char *s)
{
	const char *run = s;

	strbuf_addch(out, '"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		strbuf_add(out, run, (size_t)(s - run));
		run = s + 1;
		switch (ch) {
		case '"': strbuf_addstr(out, "\\\""); break;
		case '\\': strbuf_addstr(out, "\\\\"); break;
		case '\b': strbuf_addstr(out, "\\b"); break;
		case '\f': strbuf_addstr(out, "\\f"); break;
		case '\n': strbuf_addstr(out, "\\n"); break;
		case '\r': strbuf_addstr(out, "\\r"); break;
		case '\t': strbuf_addstr(out, "\\t"); break;
		default: strbuf_addf(out, "\\u%04X", ch); break;
		}
	}
	strbuf_add(out, run, (size_t)(s - run));
	strbuf_addch(out, '"');
}

void record_json_write(const struct record *r, const struct crypto_keys *keys,
		       struct strbuf *out)
{
	struct strbuf tmp = STRBUF_INIT;
	size_t i;

	strbuf_addf(out, "{\"id\":%" PRId64 ",\"rev\":%" PRId64, r->id, r->rev);
	for (i = 0; i < r->ed->nfields; i++) {
		const struct field_desc *fd = &r->ed->fields[i];
		const char *text;

		if (fd->flags & FF_HIDDEN)
			continue;
		strbuf_addch(out, ',');
		json_string_write(out, fd->key);
		strbuf_addch(out, ':');
		if (!r->val[i]) {
			strbuf_addstr(out, "null");
			continue;
		}
		switch (field_shown(fd, r->val[i], keys, &tmp, &text)) {
		case JK_INT:
			strbuf_addf(out, "%lld", strtoll(text, NULL, 10));
			break;
		case JK_REAL: {
			/* jansson's own formatting of reals, at the API's precision */
			json_t *j = json_real(real_value(fd, text));
			char *d = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15));
			strbuf_addstr(out, d ? d : "null");
			free(d);
			json_decref(j);
			break;
		}
		case JK_BOOL:
			strbuf_addstr(out, strcmp(text, "0") ? "true" : "false");
			break;
		case JK_STRING:
			json_string_write(out, text);
			break;
		}
	}
	if (r->overdue >= 0)
		strbuf_addstr(out, r->overdue ? ",\"overdue\":true" : ",\"overdue\":false");
	strbuf_addch(out, '}');
	strbuf_release(&tmp);
}

/* ---- loading ---- */

int entity_lookup_key2(struct db *db, const struct entity_desc *ed, const char *key,
		      const char *key2, struct record *out, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct db_stmt *st = NULL;
	int ret = MODEL_EDB, rc;

	if (!out->ed)
		record_init(out, ed);
	strbuf_addstr(&sql, "SELECT ");
	entity_columns(ed, NULL, &sql);
	strbuf_addstr(&sql, " FROM ");
	strbuf_addstr(&sql, ed->table);
	strbuf_addstr(&sql, " WHERE ");
	strbuf_addstr(&sql, ed->key);
	strbuf_addstr(&sql, " = ?");
	if (ed->key2) {
		strbuf_addstr(&sql, " AND ");
		strbuf_addstr(&sql, ed->key2);
		strbuf_addstr(&sql, " = ?");
	}
	if (db_prepare(db, sql.buf, &st, err))
		goto cleanup;
	db_bind_text(st, 1, key);
	if (ed->key2) {
		if (key2)
			db_bind_text(st, 2, key2);
		else
			db_bind_null(st, 2);
	}
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		entity_row(st, out, 0);
		ret = 0;
	} else if (rc == DB_DONE) {
		ret = MODEL_ENOTFOUND;
	}
cleanup:
	if (st)
		db_finalize(st);
	strbuf_release(&sql);
	return ret;
}

int entity_lookup(struct db *db, const struct entity_desc *ed, const char *key,
		  struct record *out, struct strbuf *err)
{
	return entity_lookup_key2(db, ed, key, NULL, out, err);
}

int entity_lookup_cached(struct db *db, struct lookup_cache *cache,
			 const struct entity_desc *ed, const char *key, struct record *out,
			 struct strbuf *err)
{
	const struct record *hit;
	int ret;

	if (!cache)
		return entity_lookup(db, ed, key, out, err);
	if (lookup_cache_record(cache, ed, key, &hit)) {
		if (!hit)
			return MODEL_ENOTFOUND;
		/* a view: valid until the cache changes (the next store) */
		record_release(out);
		out->ed = ed;
		out->id = hit->id;
		out->rev = hit->rev;
		out->val = hit->val;
		out->given = NULL;
		out->overdue = -1;
		out->borrowed = 1;
		return 0;
	}
	ret = entity_lookup(db, ed, key, out, err);
	if (ret == 0)
		lookup_cache_put_record(cache, ed, key, out);
	else if (ret == MODEL_ENOTFOUND)
		lookup_cache_put_record(cache, ed, key, NULL);
	return ret;
}

int entity_op_query_value(struct entity_op *op, const char *sql, const char *const *params,
			  int nparams, char **out)
{
	struct strbuf key = STRBUF_INIT;
	const char *v;
	int i, ret;

	*out = NULL;
	if (op->cache) {
		strbuf_addstr(&key, sql);
		for (i = 0; i < nparams; i++) {
			strbuf_addch(&key, '\x1f');
			strbuf_addstr(&key, params[i] ? params[i] : "\x1e");
		}
		if (lookup_cache_value(op->cache, key.buf, &v)) {
			strbuf_release(&key);
			if (v)
				*out = xstrdup(v);
			return 0;
		}
	}
	ret = db_query_value(op->db, sql, params, nparams, out, &op->error.msg);
	if (!ret && op->cache)
		lookup_cache_put_value(op->cache, key.buf, *out);
	strbuf_release(&key);
	return ret;
}

/* Load record `id` of `ed` if the actor's scope reaches it. */
static int load_scoped(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id,
		       struct record *out, struct model_error *e)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st = NULL;
	int ret, rc;

	record_init(out, ed);
	strbuf_addstr(&sql, "SELECT ");
	entity_columns(ed, "t", &sql);
	entity_overdue_column(ed, &sql, &p);
	strbuf_addf(&sql, " FROM %s t WHERE t.id = ?", ed->table);
	sqlp_int(&p, id);
	scope_where(ed, mc->actor, "t", &sql, &p);
	if (db_prepare(mc->db, sql.buf, &st, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto cleanup;
	}
	sqlp_bind(&p, st, 1);
	rc = db_step(st, &e->msg);
	if (rc == DB_ROW) {
		entity_row(st, out, 0);
		ret = 0;
	} else if (rc == DB_DONE) {
		ret = model_fail(e, MODEL_ENOTFOUND, NULL, "%s不存在", ed->label);
	} else {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
cleanup:
	if (st)
		db_finalize(st);
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}

/* ---- writing ---- */

/* Encrypt personal fields of `r` into their stored form (in place). */
static int encrypt_personal(const struct crypto_keys *keys, struct record *r,
			    const struct record *old, struct model_error *e)
{
	struct strbuf enc = STRBUF_INIT;
	size_t i;
	int ret = 0;

	for (i = 0; i < r->ed->nfields; i++) {
		if (!(r->ed->fields[i].flags & FF_PERSONAL) || !r->val[i])
			continue;
		if (old && !r->given[i])
			continue; /* unchanged: already ciphertext */
		strbuf_reset(&enc);
		if (!keys || pd_encrypt(keys, r->val[i], &enc)) {
			ret = model_fail(e, MODEL_EDB, NULL, "个人信息加密失败（密钥未配置？）");
			break;
		}
		record_set(r, (int)i, enc.buf);
	}
	strbuf_release(&enc);
	return ret;
}

/* The keyed hash of a personal value, computed from the plain value. */
void entity_blind_index(const struct crypto_keys *keys, const char *plain, struct strbuf *out)
{
	struct strbuf norm = STRBUF_INIT;

	normalize_personal(plain, &norm);
	strbuf_reset(out);
	pd_blind_index(keys, norm.buf, out);
	strbuf_release(&norm);
}

static int map_db_error(int rc, const struct entity_desc *ed, struct model_error *e)
{
	/* references were checked before: a constraint here is the key */
	if (rc == DB_ECONSTRAINT)
		return model_fail(e, MODEL_ECONFLICT, ed->key, "%s：该编码不能使用，请换一个",
				  entity_field(ed, ed->key)->label);
	return model_fail(e, MODEL_EDB, NULL, "数据库错误");
}

/* Write the history row of `r` (its stored form) for month `month`. */
static int write_history(struct db *db, const struct actor *a, const struct record *r,
			 const char *action, const char *month, const char *bidx_cols[],
			 struct model_error *e)
{
	const struct entity_desc *ed = r->ed;
	struct strbuf sql = STRBUF_INIT;
	struct db_stmt *st = NULL;
	size_t i;
	int n = 0, rc, ret = 0;

	strbuf_addf(&sql, "INSERT INTO %s_history (id, rev, month, action, changed_at, changed_by",
		    ed->table);
	for (i = 0; i < ed->nfields; i++) {
		const struct field_desc *fd = &ed->fields[i];
		if (fd->flags & FF_PERSONAL)
			strbuf_addf(&sql, ", %s_enc, %s_idx", fd->key, fd->key);
		else
			strbuf_addf(&sql, ", %s", fd->key);
	}
	strbuf_addstr(&sql, ") VALUES (?, ?, ?, ?, ?, ?");
	for (i = 0; i < ed->nfields; i++)
		strbuf_addstr(&sql, (ed->fields[i].flags & FF_PERSONAL) ? ", ?, ?" : ", ?");
	strbuf_addch(&sql, ')');
	if (db_prepare(db, sql.buf, &st, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto cleanup;
	}
	db_bind_int64(st, ++n, r->id);
	db_bind_int64(st, ++n, r->rev);
	db_bind_text(st, ++n, month);
	db_bind_text(st, ++n, action);
	db_bind_int64(st, ++n, time_now());
	db_bind_text(st, ++n, a->username ? a->username : "-");
	for (i = 0; i < ed->nfields; i++) {
		if (r->val[i])
			db_bind_text(st, ++n, r->val[i]);
		else
			db_bind_null(st, ++n);
		if (ed->fields[i].flags & FF_PERSONAL) {
			if (bidx_cols[i])
				db_bind_text(st, ++n, bidx_cols[i]);
			else
				db_bind_null(st, ++n);
		}
	}
	rc = db_step(st, &e->msg);
	if (rc < 0)
		ret = map_db_error(rc, ed, e);
cleanup:
	if (st)
		db_finalize(st);
	strbuf_release(&sql);
	return ret;
}

/*
 * A write that can change the monthly determination of `district` bumps its
 * version (assess_versions), so that the months computed before are
 * recomputed when read; one that only the report figures count bumps
 * figure_versions.  In a bulk operation each district is bumped once.
 */
static int version_bump(const struct model_ctx *mc, const char *table, const char *district)
{
	struct db_stmt *st = NULL;
	struct strbuf sql = STRBUF_INIT;
	const char *seen;
	int rc;

	if (!district)
		return 0;
	if (mc->cache && lookup_cache_value(mc->cache, district, &seen))
		return 0;
	strbuf_addf(&sql, "INSERT INTO %s (district, version) VALUES (?, 1) ON CONFLICT (district) "
		    "DO UPDATE SET version = %s.version + 1", table, table);
	rc = db_prepare(mc->db, sql.buf, &st, NULL);
	strbuf_release(&sql);
	if (rc)
		return -1;
	db_bind_text(st, 1, district);
	rc = db_step(st, NULL);
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (mc->cache)
		lookup_cache_put_value(mc->cache, district, "1");
	return 0;
}

/* The published months of `district`, each followed by ',' (once per bulk operation). */
static int published_months(const struct model_ctx *mc, const char *district, struct strbuf *out,
			    struct model_error *e)
{
	struct strbuf key = STRBUF_INIT;
	struct db_stmt *st;
	const char *v;
	int rc;

	strbuf_addf(&key, "published\x1f%s", district);
	if (mc->cache && lookup_cache_value(mc->cache, key.buf, &v)) {
		strbuf_addstr(out, v ? v : "");
		strbuf_release(&key);
		return 0;
	}
	if (db_prepare(mc->db, "SELECT month FROM assess_months WHERE district = ? AND published = 1",
		       &st, &e->msg)) {
		strbuf_release(&key);
		return -1;
	}
	db_bind_text(st, 1, district);
	while ((rc = db_step(st, &e->msg)) == DB_ROW)
		strbuf_addf(out, "%s,", db_column_text(st, 0));
	db_finalize(st);
	if (rc >= 0 && mc->cache)
		lookup_cache_put_value(mc->cache, key.buf, out->buf);
	strbuf_release(&key);
	return rc < 0 ? -1 : 0;
}

/* Is record `r` (with months month_from..month_to) on the list of `district` in `month`? */
static int on_list(const struct record *r, const char *district, const char *month)
{
	const char *d, *from, *to;

	if (!r || !(d = record_get(r, "district")) || strcmp(d, district))
		return 0;
	from = record_get(r, r->ed->month_from);
	to = record_get(r, r->ed->month_to);
	return from && strcmp(from, month) <= 0 && (!to || strcmp(month, to) <= 0);
}

/*
 * A published month is locked: a write that changes who is on its list (a
 * subject joining, leaving or changing district in it) is refused until the
 * office reopens the month.
 */
static int list_locked(const struct model_ctx *mc, const struct record *r,
		       const struct record *old, struct model_error *e)
{
	const char *districts[2] = { old ? record_get(old, "district") : NULL,
				     record_get(r, "district") };
	struct strbuf months = STRBUF_INIT;
	int k, ret = 0;

	for (k = 0; k < 2 && !ret; k++) {
		const char *m;
		if (!districts[k] || (k == 1 && districts[0] && !strcmp(districts[0], districts[1])))
			continue;
		strbuf_reset(&months);
		if (published_months(mc, districts[k], &months, e)) {
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
			break;
		}
		for (m = months.buf; *m; m += 8) {
			char month[8];
			snprintf(month, sizeof(month), "%.7s", m);
			if (on_list(old, districts[k], month) == on_list(r, districts[k], month))
				continue;
			ret = model_fail(e, MODEL_EINVAL,
					 old && !strcmp(record_get(old, r->ed->month_from),
							record_get(r, r->ed->month_from)) ?
					 r->ed->month_to : r->ed->month_from,
					 "%s 的认定已发布，该月的创建清单不能再变；须先由创建办撤销发布", month);
			break;
		}
	}
	strbuf_release(&months);
	return ret;
}

int record_values_differ(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a && strcmp(a, b));
}

/*
 * A published month is locked with its events: a write is refused when it
 * would change what the determination or the figures counted in it — a
 * record created with a counted date in it, a counted date moved into or
 * out of it, or another counted field changed while any counted date of the
 * record lies in it.  Fields nobody counts (a petition's handling, a
 * hazard's description) stay open, so the work on a record goes on.
 */
static int events_locked(const struct model_ctx *mc, const struct record *r,
			 const struct record *old, struct model_error *e)
{
	const struct entity_desc *ed = r->ed;
	const char *districts[2] = { old ? record_get(old, "district") : NULL,
				     record_get(r, "district") };
	const char *dates[16];
	const struct field_desc *date_fd[16];
	struct strbuf months = STRBUF_INIT;
	size_t i, n = 0;
	int others = !old, k, ret = 0;

	for (i = 0; i < ed->nfields; i++) {
		const struct field_desc *fd = &ed->fields[i];
		int changed = !old || record_values_differ(r->val[i], old->val[i]);
		if (!(fd->flags & FF_COUNTED))
			continue;
		if (fd->type != FT_DATE) {
			others |= changed;
			continue;
		}
		if (!changed && old)
			continue;
		if (n + 2 <= sizeof(dates) / sizeof(dates[0])) {
			date_fd[n] = fd, dates[n++] = r->val[i];
			date_fd[n] = fd, dates[n++] = old ? old->val[i] : NULL;
		}
	}
	if (others) {
		for (i = 0; i < ed->nfields; i++) {
			const struct field_desc *fd = &ed->fields[i];
			if (!(fd->flags & FF_COUNTED) || fd->type != FT_DATE)
				continue;
			if (n + 2 <= sizeof(dates) / sizeof(dates[0])) {
				date_fd[n] = fd, dates[n++] = r->val[i];
				date_fd[n] = fd, dates[n++] = old ? old->val[i] : NULL;
			}
		}
	}
	for (k = 0; k < 2 && n && !ret; k++) {
		if (!districts[k] || (k == 1 && districts[0] && !strcmp(districts[0], districts[1])))
			continue;
		strbuf_reset(&months);
		if (published_months(mc, districts[k], &months, e)) {
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
			break;
		}
		for (i = 0; i < n && months.len; i++) {
			char month[9];
			if (!dates[i] || strlen(dates[i]) < 7)
				continue;
			snprintf(month, sizeof(month), "%.7s,", dates[i]);
			if (!strstr(months.buf, month))
				continue;
			month[7] = '\0';
			ret = model_fail(e, MODEL_ECONFLICT, date_fd[i]->key,
					 "%s 的认定已发布，该月的%s不能再登记或修改（%s）；"
					 "须先由创建办撤销发布（重新开启该月）",
					 month, ed->label, date_fd[i]->label);
			break;
		}
	}
	strbuf_release(&months);
	return ret;
}

/*
 * The "create" history versions of records of `ed` that have none: those
 * with id > `first` (or exactly `only_id` when it is not 0), from their
 * stored rows, in one statement.  Bulk operations write the creations'
 * history this way instead of row by row.
 */
int entity_history_created(const struct model_ctx *mc, const struct entity_desc *ed,
			   int64_t first, int64_t only_id, struct model_error *e)
{
	struct strbuf sql = STRBUF_INIT, cols = STRBUF_INIT;
	struct db_stmt *st = NULL;
	char month[8];
	size_t i;
	int n = 0, ret = 0;

	for (i = 0; i < ed->nfields; i++) {
		const struct field_desc *fd = &ed->fields[i];
		if (fd->flags & FF_PERSONAL)
			strbuf_addf(&cols, ", %s_enc, %s_idx", fd->key, fd->key);
		else
			strbuf_addf(&cols, ", %s", fd->key);
	}
	month_now_utc(month);
	strbuf_addf(&sql, "INSERT INTO %s_history (id, rev, month, action, changed_at, changed_by%s) "
		    "SELECT t.id, t.rev, %s%s, 'create', t.created_at, ?%s FROM %s t WHERE %s "
		    "AND NOT EXISTS (SELECT 1 FROM %s_history h WHERE h.id = t.id)",
		    ed->table, cols.buf, ed->month_from ? "t." : "?",
		    ed->month_from ? ed->month_from : "", cols.buf, ed->table,
		    only_id ? "t.id = ?" : "t.id > ?", ed->table);
	if (db_prepare(mc->db, sql.buf, &st, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto cleanup;
	}
	if (!ed->month_from)
		db_bind_text(st, ++n, month);
	db_bind_text(st, ++n, mc->actor->username ? mc->actor->username : "-");
	db_bind_int64(st, ++n, only_id ? only_id : first);
	if (db_step(st, &e->msg) < 0)
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
cleanup:
	if (st)
		db_finalize(st);
	strbuf_release(&sql);
	strbuf_release(&cols);
	return ret;
}

/*
 * A key or immutable column that an update leaves as it was is not SET at
 * all.  Other tables' foreign keys name these columns (a petition's
 * `previous`, an event's subject ...), and SQLite checks every child table
 * of a parent whose key column is SET, changed or not: without an index on
 * the child column, a scan of the child table per updated row.  (Validation
 * refuses a change to such a column; this only leaves the equal ones out.)
 */
static int same_key(const struct field_desc *fd, const char *v, const char *was)
{
	if (!(fd->flags & (FF_KEY | FF_IMMUTABLE)) || (fd->flags & FF_PERSONAL))
		return 0;
	return !record_values_differ(v, was);
}

/*
 * Store `r` (validated, derived, plain personal values): INSERT when
 * old == NULL, else UPDATE with rev+1.  Writes history when the entity has
 * it.  Must run in a transaction.  On success r->id and r->rev are set and
 * personal values in `r` are ciphertext.
 */
int entity_store(const struct model_ctx *mc, struct record *r, const struct record *old,
		 const char *action, const char *month, struct model_error *e)
{
	const struct entity_desc *ed = r->ed;
	struct strbuf sql = STRBUF_INIT;
	struct strbuf *bidx = NULL;
	const char **bidx_cols = NULL;
	struct db_stmt *st = NULL;
	int64_t now = time_now();
	size_t i;
	int n = 0, rc, ret = 0;

	bidx = xcalloc(ed->nfields, sizeof(*bidx));
	bidx_cols = xcalloc(ed->nfields, sizeof(*bidx_cols));
	for (i = 0; i < ed->nfields; i++)
		strbuf_init(&bidx[i], 0);
	if (ed->month_from && ed->month_to && (ret = list_locked(mc, r, old, e)))
		goto cleanup;
	if ((ed->flags & (ENT_ASSESS | ENT_FIGURES)) && (ret = events_locked(mc, r, old, e)))
		goto cleanup;
	/* blind indexes from the plain values, before encryption */
	for (i = 0; i < ed->nfields; i++) {
		if (!(ed->fields[i].flags & FF_PERSONAL) || !r->val[i])
			continue;
		if (old && !r->given[i])
			continue;
		if (!mc->keys) {
			ret = model_fail(e, MODEL_EDB, NULL, "个人信息加密失败（密钥未配置）");
			goto cleanup;
		}
		entity_blind_index(mc->keys, r->val[i], &bidx[i]);
		bidx_cols[i] = bidx[i].buf;
	}
	ret = encrypt_personal(mc->keys, r, old, e);
	if (ret)
		goto cleanup;

	/* a bulk operation changing a record it created: its create version first */
	if (old && mc->bulk && (ed->flags & ENT_HISTORY) && old->id > mc->bulk_first_id) {
		ret = entity_history_created(mc, ed, 0, old->id, e);
		if (ret)
			goto cleanup;
	}
	if (!old) {
		entity_insert_sql(ed, db_dialect(mc->db), &sql);
		r->rev = 1;
	} else {
		strbuf_addf(&sql, "UPDATE %s SET rev = rev + 1, updated_at = ?", ed->table);
		for (i = 0; i < ed->nfields; i++) {
			const struct field_desc *fd = &ed->fields[i];
			if (same_key(fd, r->val[i], old->val[i]))
				continue; /* see same_key() */
			if ((fd->flags & FF_PERSONAL) && r->given[i])
				strbuf_addf(&sql, ", %s_enc = ?, %s_idx = ?", fd->key, fd->key);
			else if (fd->flags & FF_PERSONAL)
				strbuf_addf(&sql, ", %s_enc = ?", fd->key); /* its index stays */
			else
				strbuf_addf(&sql, ", %s = ?", fd->key);
		}
		strbuf_addstr(&sql, " WHERE id = ? AND rev = ?");
		r->rev = old->rev + 1;
		r->id = old->id;
	}
	if (db_prepare(mc->db, sql.buf, &st, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto cleanup;
	}
	db_bind_int64(st, ++n, now);
	if (!old)
		db_bind_int64(st, ++n, now);
	for (i = 0; i < ed->nfields; i++) {
		if (old && same_key(&ed->fields[i], r->val[i], old->val[i]))
			continue;
		if (r->val[i])
			db_bind_text(st, ++n, r->val[i]);
		else
			db_bind_null(st, ++n);
		if ((ed->fields[i].flags & FF_PERSONAL) && (!old || r->given[i])) {
			if (bidx_cols[i])
				db_bind_text(st, ++n, bidx_cols[i]);
			else
				db_bind_null(st, ++n);
		}
	}
	if (old) {
		db_bind_int64(st, ++n, old->id);
		db_bind_int64(st, ++n, old->rev);
	}
	rc = db_step(st, &e->msg);
	if (rc < 0) {
		ret = map_db_error(rc, ed, e);
		goto cleanup;
	}
	if (!old) {
		r->id = db_dialect(mc->db) == DB_POSTGRES ? (rc == DB_ROW ? db_column_int64(st, 0) : 0)
							    : db_last_insert_id(mc->db);
		if (r->id <= 0) {
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误：未返回新记录编号");
			goto cleanup;
		}
	} else if (db_changes(st) != 1) {
		ret = model_fail(e, MODEL_ECONFLICT, NULL, "记录已被他人修改，请刷新后重试");
		goto cleanup;
	}
	db_finalize(st);
	st = NULL;
	if (mc->cache)
		lookup_cache_forget(mc->cache, ed, record_get(r, ed->key));
	if (ed->flags & ENT_ACCOUNTS)
		session_cache_forget_all(); /* a changed or closed account acts no more as before */
	if (ed->flags & (ENT_ASSESS | ENT_FIGURES)) {
		const char *table = (ed->flags & ENT_ASSESS) ? "assess_versions" : "figure_versions";
		ret = version_bump(mc, table, record_get(r, "district"));
		if (!ret && old && record_get(old, "district") &&
		    strcmp(record_get(old, "district"), record_get(r, "district") ? record_get(r, "district") : ""))
			ret = version_bump(mc, table, record_get(old, "district"));
		if (ret) {
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
			goto cleanup;
		}
	}
	/* a bulk operation writes the history of what it created in one go */
	if ((ed->flags & ENT_HISTORY) && !(mc->bulk && !old)) {
		char cur[8];
		if (!month) {
			month_now_utc(cur);
			month = (!old && ed->month_from) ? record_get(r, ed->month_from) : cur;
		}
		/* unchanged personal columns keep their keyed hash: copy it */
		if (old) {
			for (i = 0; i < ed->nfields; i++) {
				char *v = NULL;
				const char *params[1];
				struct strbuf q = STRBUF_INIT;
				if (!(ed->fields[i].flags & FF_PERSONAL) || r->given[i])
					continue;
				strbuf_addf(&q, "SELECT %s_idx FROM %s WHERE id = ?", ed->fields[i].key,
					    ed->table);
				strbuf_reset(&bidx[i]);
				strbuf_addf(&bidx[i], "%" PRId64, r->id);
				params[0] = bidx[i].buf;
				rc = db_query_value(mc->db, q.buf, params, 1, &v, &e->msg);
				strbuf_release(&q);
				strbuf_reset(&bidx[i]);
				if (v)
					strbuf_addstr(&bidx[i], v);
				bidx_cols[i] = v ? bidx[i].buf : NULL;
				free(v);
				if (rc) {
					ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
					goto cleanup;
				}
			}
		}
		ret = write_history(mc->db, mc->actor, r, action, month, bidx_cols, e);
	}
cleanup:
	if (st)
		db_finalize(st);
	for (i = 0; i < ed->nfields; i++)
		strbuf_release(&bidx[i]);
	free(bidx);
	free(bidx_cols);
	strbuf_release(&sql);
	return ret;
}

/* Names of the fields whose values differ (for the audit detail; never values). */
static void changed_fields(const struct record *r, const struct record *old, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < r->ed->nfields; i++) {
		const char *a = r->val[i], *b = old ? old->val[i] : NULL;
		if (r->ed->fields[i].flags & FF_HIDDEN)
			continue;
		if ((r->ed->fields[i].flags & FF_PERSONAL) ? r->given[i] && a :
		    record_values_differ(a, b)) {
			if (out->len)
				strbuf_addch(out, ',');
			strbuf_addstr(out, r->ed->fields[i].key);
		}
	}
}

static void object_name(const struct record *r, struct strbuf *out)
{
	const char *key = record_get(r, r->ed->key);

	strbuf_reset(out);
	strbuf_addf(out, "%s/%" PRId64 " %s", r->ed->name, r->id, key ? key : "");
}

static int workflow_check(const struct model_ctx *mc, struct record *r, const struct record *old,
			  struct model_error *e);

/*
 * Validate `r` for writing by the actor: required, hook, references,
 * scope.  `old` is the stored record on update.
 */
/* The hooks' view of a write of `r` (from `old`) by the context's actor. */
static void op_init(struct entity_op *op, const struct model_ctx *mc, struct record *r,
		    const struct record *old)
{
	memset(op, 0, sizeof(*op));
	op->db = mc->db;
	op->actor = mc->actor;
	op->keys = mc->keys;
	op->ed = r->ed;
	op->rec = r;
	op->old = old;
	op->cache = mc->cache;
	model_error_init(&op->error);
}

int entity_guard(const struct model_ctx *mc, struct record *r, const struct record *old,
		 struct model_error *e)
{
	struct entity_op op;
	int ret;

	if (!r->ed->guard)
		return 0;
	op_init(&op, mc, r, old);
	ret = r->ed->guard(&op);
	if (ret)
		model_fail(e, ret, op.error.field, "%s", op.error.msg.buf);
	model_error_release(&op.error);
	return ret;
}

int entity_validate(const struct model_ctx *mc, struct record *r, const struct record *old,
		    const char *secret, struct model_error *e)
{
	struct entity_op op;
	int ret;

	ret = entity_guard(mc, r, old, e);
	if (ret)
		return ret;
	ret = record_check_required(r, e);
	if (ret)
		return ret;
	if (old) {
		size_t i;
		for (i = 0; i < r->ed->nfields; i++) {
			const struct field_desc *fd = &r->ed->fields[i];
			if (!(fd->flags & (FF_KEY | FF_IMMUTABLE)) || !r->given[i])
				continue;
			if (record_values_differ(r->val[i], old->val[i]))
				return model_fail(e, MODEL_EINVAL, fd->key, "%s：创建后不能修改", fd->label);
		}
	}
	ret = workflow_check(mc, r, old, e);
	if (ret)
		return ret;
	ret = record_check_refs(mc, r, e);
	if (ret)
		return ret;
	if (r->ed->prepare) {
		op_init(&op, mc, r, old);
		op.secret = secret;
		op.policy_min_len = 8;
		op.policy_min_classes = 3;
		if (secret)
			model_policy(mc->db, &op.policy_min_len, &op.policy_min_classes);
		ret = r->ed->prepare(&op);
		if (ret) {
			model_fail(e, ret, op.error.field, "%s", op.error.msg.buf);
			model_error_release(&op.error);
			return ret;
		}
		model_error_release(&op.error);
	}
	if (!scope_check_record(mc->db, mc->actor, r, 0))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "该记录不在您的管辖范围内");
	return 0;
}

/*
 * The status of `r` against its entity's workflow: new records start in
 * the initial status (imports may bring any), changes follow the table and
 * the role that makes them.
 */
static int workflow_check(const struct model_ctx *mc, struct record *r, const struct record *old,
			  struct model_error *e)
{
	const struct workflow *wf = r->ed->workflow;
	const struct field_desc *fd;
	const struct transition *t;
	const char *to, *from;
	int i, known = 0;

	if (!wf)
		return 0;
	i = entity_field_index(r->ed, wf->field);
	fd = &r->ed->fields[i];
	to = r->val[i];
	if (!old) {
		if (!to)
			record_set(r, i, wf->initial);
		else if (strcmp(to, wf->initial) && !mc->bulk && mc->actor->role != ROLE_SYSTEM)
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：新登记的记录应为“%s”",
					  fd->label, enum_label(fd->enumeration, wf->initial));
		return 0;
	}
	from = old->val[i];
	if (!to)
		return model_fail(e, MODEL_EINVAL, fd->key, "%s：必填", fd->label);
	if (from && !strcmp(from, to))
		return 0;
	for (t = wf->transitions; t->from; t++) {
		if (!from || strcmp(t->from, from) || strcmp(t->to, to))
			continue;
		known = 1;
		if ((t->roles & ROLE_BIT(mc->actor->role)) || mc->actor->role == ROLE_SYSTEM)
			return 0;
	}
	if (known)
		return model_fail(e, MODEL_EFORBIDDEN, fd->key, "%s：您的角色不能把“%s”改为“%s”",
				  fd->label, enum_label(fd->enumeration, from),
				  enum_label(fd->enumeration, to));
	return model_fail(e, MODEL_EINVAL, fd->key, "%s：不能从“%s”直接改为“%s”", fd->label,
			  from ? enum_label(fd->enumeration, from) : "（空）",
			  enum_label(fd->enumeration, to));
}

int model_setting(struct db *db, const char *key, int def)
{
	const char *params[] = { key };
	char *v = NULL;
	int ret = def;

	if (!db_query_value(db, "SELECT value FROM settings WHERE key = ?", params, 1, &v, NULL) && v)
		ret = atoi(v);
	free(v);
	return ret;
}

void model_policy(struct db *db, int *min_len, int *min_classes)
{
	*min_len = model_setting(db, "password_min_length", *min_len);
	*min_classes = model_setting(db, "password_min_classes", *min_classes);
}

/* One create or update, as a transaction of its own (see write_common). */
struct write {
	struct model_ctx mc;	/* the write's: its db is the connection it runs on */
	const struct entity_desc *ed;
	int64_t id, rev;
	const char *secret;
	struct record r, old;
	struct strbuf detail, obj;
	struct model_error *e;
	int answer;		/* read the stored record back into `stored` */
	int in_scope;		/* it is still in the caller's scope */
	struct record stored;
};

static int write_txn(struct db *db, void *arg)
{
	struct write *w = arg;
	const struct model_ctx *mc = &w->mc;
	struct model_error *e = w->e;
	struct strbuf action = STRBUF_INIT;
	size_t i;
	int ret;

	w->mc.db = db;
	if (db_begin(db, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	if (w->id) {
		ret = load_scoped(mc, w->ed, w->id, &w->old, e);
		if (ret)
			goto rollback;
		if (w->rev >= 0 && w->rev != w->old.rev) {
			ret = model_fail(e, MODEL_ECONFLICT, "rev", "记录已被他人修改（版本 %" PRId64
					 "，当前 %" PRId64 "），请刷新后重试", w->rev, w->old.rev);
			goto rollback;
		}
		for (i = 0; i < w->ed->nfields; i++)
			if (!w->r.given[i])
				record_set(&w->r, (int)i, w->old.val[i]);
	}
	ret = entity_validate(mc, &w->r, w->id ? &w->old : NULL, w->secret, e);
	if (ret)
		goto rollback;
	changed_fields(&w->r, w->id ? &w->old : NULL, &w->detail);
	ret = entity_store(mc, &w->r, w->id ? &w->old : NULL, w->id ? "update" : "create", NULL, e);
	if (ret)
		goto rollback;
	object_name(&w->r, &w->obj);
	strbuf_addf(&action, "%s.%s", w->ed->name, w->id ? "update" : "create");
	if (audit_append(db, mc->actor, action.buf, w->obj.buf, "ok", w->detail.buf, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "审计写入失败");
		goto rollback;
	}
	if (w->answer) {
		/* the answer, read where its pages are at hand; not found: it left the scope */
		struct model_error none;

		model_error_init(&none);
		w->in_scope = load_scoped(mc, w->ed, w->r.id, &w->stored, &none) == 0;
		if (!w->in_scope && none.code != MODEL_ENOTFOUND) {
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
			model_error_release(&none);
			goto rollback;
		}
		model_error_release(&none);
	}
	if (db_commit(db, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto rollback;
	}
	strbuf_release(&action);
	return 0;
rollback:
	db_rollback(db);
	strbuf_release(&action);
	return ret;
}

/*
 * A create (id 0) or update: the JSON is read before, and the answer made
 * after, on the caller's thread; the transaction, which also reads the
 * stored record back for the answer, runs on the writer connection (in the
 * server, a job of its group commit, answered once durable).
 */
static int write_common(const struct model_ctx *rmc, const struct entity_desc *ed, int64_t id,
			json_t *in, const char *secret, json_t **out, struct model_error *e)
{
	struct write w = { .mc = *rmc, .ed = ed, .id = id, .rev = -1, .secret = secret, .e = e,
			   .detail = STRBUF_INIT, .obj = STRBUF_INIT, .answer = out != NULL };
	int ret;

	w.mc.writes = NULL; /* the transaction runs on the writer already */
	record_init(&w.r, ed);
	record_init(&w.old, NULL);
	record_init(&w.stored, NULL);
	if (!entity_can_write(ed, rmc->actor)) {
		ret = model_fail(e, MODEL_EFORBIDDEN, NULL, "无权修改%s", ed->label);
		goto out;
	}
	ret = record_from_json(&w.r, in, !id, id ? &w.rev : NULL, e);
	if (ret)
		goto out;
	/* an update names the version it was made from: no silent overwrite */
	if (id && w.rev < 0) {
		ret = model_fail(e, MODEL_EPRECOND, "rev",
				 "缺少 rev：修改记录须带上读取时的版本号 rev，以免覆盖他人的修改");
		goto out;
	}
	if (rmc->writes) {
		struct group_job job = { .work = write_txn, .arg = &w };

		if (group_commit_run(rmc->writes, &job, &e->msg)) {
			ret = model_fail(e, MODEL_EDB, NULL, "保存失败，请重试");
			goto out;
		}
		ret = job.rc;
	} else {
		ret = write_txn(rmc->db, &w);
	}
	if (ret || !out)
		goto out;
	if (w.in_scope)
		*out = record_json(&w.stored, rmc->keys);
	else /* written, but it left the caller's scope (e.g. moved away) */
		*out = json_pack("{sI}", "id", (json_int_t)w.r.id);
out:
	record_release(&w.r);
	record_release(&w.old);
	record_release(&w.stored);
	strbuf_release(&w.detail);
	strbuf_release(&w.obj);
	return ret;
}

int entity_create(const struct model_ctx *mc, const struct entity_desc *ed,
		  json_t *in, json_t **out, struct model_error *e)
{
	return write_common(mc, ed, 0, in, NULL, out, e);
}

int entity_create_secret(const struct model_ctx *mc, const struct entity_desc *ed,
			 json_t *in, const char *secret, json_t **out, struct model_error *e)
{
	return write_common(mc, ed, 0, in, secret, out, e);
}

int entity_update(const struct model_ctx *mc, const struct entity_desc *ed,
		  int64_t id, json_t *in, json_t **out, struct model_error *e)
{
	if (id <= 0)
		return model_fail(e, MODEL_ENOTFOUND, NULL, "%s不存在", ed->label);
	return write_common(mc, ed, id, in, NULL, out, e);
}

int entity_retire(const struct model_ctx *mc, const struct entity_desc *ed,
		  int64_t id, const char *month, json_t **out, struct model_error *e)
{
	struct record old, r;
	struct strbuf obj = STRBUF_INIT, action = STRBUF_INIT;
	char cur[8];
	int i, ret;

	record_init(&old, NULL);
	record_init(&r, NULL);
	if (!(ed->flags & ENT_RETIRE))
		return model_fail(e, MODEL_EBADREQ, NULL, "%s不能关闭", ed->label);
	if (!entity_can_write(ed, mc->actor))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权修改%s", ed->label);
	if (month && !month_valid(month))
		return model_fail(e, MODEL_EINVAL, "month", "月份格式应为 YYYY-MM");
	month_now_utc(cur);
	if (!month)
		month = cur;
	if (db_begin(mc->db, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	ret = load_scoped(mc, ed, id, &old, e);
	if (ret)
		goto rollback;
	if (!scope_check_record(mc->db, mc->actor, &old, 0)) {
		ret = model_fail(e, MODEL_EFORBIDDEN, NULL, "该记录不在您的管辖范围内");
		goto rollback;
	}
	record_copy(&r, &old);
	i = entity_field_index(ed, ed->retire_field);
	if (ed->fields[i].type == FT_MONTH) {
		if (ed->month_from && strcmp(month, record_get(&old, ed->month_from)) < 0) {
			ret = model_fail(e, MODEL_EINVAL, "month", "退出月份早于纳入月份");
			goto rollback;
		}
		record_set(&r, i, month);
	} else {
		record_set(&r, i, "0");
	}
	ret = entity_guard(mc, &r, &old, e);
	if (ret)
		goto rollback;
	ret = entity_store(mc, &r, &old, "retire", month, e);
	if (ret)
		goto rollback;
	object_name(&r, &obj);
	strbuf_addf(&action, "%s.retire", ed->name);
	if (audit_append(mc->db, mc->actor, action.buf, obj.buf, "ok", month, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "审计写入失败");
		goto rollback;
	}
	if (db_commit(mc->db, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto rollback;
	}
	if (out)
		*out = record_json(&r, mc->keys);
	goto out;
rollback:
	db_rollback(mc->db);
out:
	record_release(&old);
	record_release(&r);
	strbuf_release(&obj);
	strbuf_release(&action);
	return ret;
}

/* Record `id` of `ed` within the actor's scope, if the actor may read `ed`. */
static int load_readable(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id,
			 struct record *r, struct model_error *e)
{
	if (!entity_can_read(ed, mc->actor)) {
		record_init(r, ed);
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看%s", ed->label);
	}
	return load_scoped(mc, ed, id, r, e);
}

int entity_get(const struct model_ctx *mc, const struct entity_desc *ed,
	       int64_t id, json_t **out, struct model_error *e)
{
	struct record r;
	int ret = load_readable(mc, ed, id, &r, e);

	if (!ret)
		*out = record_json(&r, mc->keys);
	record_release(&r);
	return ret;
}

int entity_get_text(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id,
		    struct strbuf *out, struct model_error *e)
{
	struct record r;
	int ret = load_readable(mc, ed, id, &r, e);

	if (!ret)
		record_json_write(&r, mc->keys, out);
	record_release(&r);
	return ret;
}

int entity_history(const struct model_ctx *mc, const struct entity_desc *ed,
		   int64_t id, json_t **out, struct model_error *e)
{
	struct record r, h;
	struct strbuf sql = STRBUF_INIT;
	struct db_stmt *st = NULL;
	json_t *arr = NULL;
	size_t i;
	int ret, rc;

	if (!entity_can_read(ed, mc->actor))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看%s", ed->label);
	ret = load_scoped(mc, ed, id, &r, e);
	record_release(&r);
	if (ret)
		return ret;
	if (!(ed->flags & ENT_HISTORY)) {
		/* entities without versions: their audit trail is their history */
		return entity_audit_trail(mc, ed, id, out, e);
	}
	strbuf_addstr(&sql, "SELECT id, rev, month, action, changed_at, changed_by");
	for (i = 0; i < ed->nfields; i++)
		strbuf_addf(&sql, ", %s%s", ed->fields[i].key,
			    (ed->fields[i].flags & FF_PERSONAL) ? "_enc" : "");
	strbuf_addf(&sql, " FROM %s_history WHERE id = ? ORDER BY rev", ed->table);
	if (db_prepare(mc->db, sql.buf, &st, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto cleanup;
	}
	db_bind_int64(st, 1, id);
	arr = json_array();
	record_init(&h, ed);
	while ((rc = db_step(st, &e->msg)) == DB_ROW) {
		json_t *o;
		char at[32];
		h.id = db_column_int64(st, 0);
		h.rev = db_column_int64(st, 1);
		for (i = 0; i < ed->nfields; i++)
			record_set(&h, (int)i, db_column_is_null(st, 6 + (int)i) ? NULL :
				   db_column_text(st, 6 + (int)i));
		o = record_json(&h, mc->keys);
		json_object_set_new(o, "month", json_string(db_column_text(st, 2)));
		json_object_set_new(o, "action", json_string(db_column_text(st, 3)));
		time_iso_utc(db_column_int64(st, 4), at);
		json_object_set_new(o, "changed_at", json_string(at));
		json_object_set_new(o, "changed_by", json_string(db_column_text(st, 5)));
		json_array_append_new(arr, o);
	}
	record_release(&h);
	if (rc < 0) {
		json_decref(arr);
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto cleanup;
	}
	*out = arr;
	ret = 0;
cleanup:
	if (st)
		db_finalize(st);
	strbuf_release(&sql);
	return ret;
}

int entity_audit_trail(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id,
		       json_t **out, struct model_error *e)
{
	struct strbuf pat = STRBUF_INIT;
	struct db_stmt *st = NULL;
	json_t *arr;
	int rc, ret = 0;

	strbuf_addf(&pat, "%s/%" PRId64 " %%", ed->name, id);
	if (db_prepare(mc->db, "SELECT at, username, action, outcome, detail FROM audit "
		       "WHERE object LIKE ? ORDER BY seq", &st, &e->msg)) {
		strbuf_release(&pat);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	db_bind_text(st, 1, pat.buf);
	arr = json_array();
	while ((rc = db_step(st, &e->msg)) == DB_ROW)
		json_array_append_new(arr, json_pack("{ss ss ss ss ss}",
			"changed_at", db_column_text(st, 0), "changed_by", db_column_text(st, 1),
			"action", db_column_text(st, 2), "outcome", db_column_text(st, 3),
			"detail", db_column_text(st, 4)));
	if (rc < 0) {
		json_decref(arr);
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
	} else {
		*out = arr;
	}
	db_finalize(st);
	strbuf_release(&pat);
	return ret;
}

/* ---- reveal ---- */

static void sodium_memzero_strbuf(struct strbuf *sb)
{
	if (sb->alloc)
		sodium_memzero(sb->buf, sb->alloc);
	strbuf_release(sb);
}

int entity_reveal(const struct model_ctx *mc, const struct entity_desc *ed,
		  int64_t id, const char *field, const char *reason,
		  json_t **out, struct model_error *e)
{
	const struct field_desc *fd = field ? entity_field(ed, field) : NULL;
	struct record r;
	struct strbuf plain = STRBUF_INIT, obj = STRBUF_INIT, detail = STRBUF_INIT;
	int i, ret;

	record_init(&r, NULL);
	if (!fd || !(fd->flags & FF_PERSONAL))
		return model_fail(e, MODEL_EINVAL, "field", "字段“%.*s”不是个人信息字段",
				  field ? utf8_prefix(field, 64) : 0, field ? field : "");
	if (model_reason_check(e, reason))
		return e->code;
	if (!entity_can_reveal(ed, mc->actor))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看个人信息");
	ret = load_scoped(mc, ed, id, &r, e);
	if (ret)
		goto cleanup;
	i = entity_field_index(ed, field);
	if (r.val[i] && pd_decrypt(mc->keys, r.val[i], &plain, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "解密失败");
		goto cleanup;
	}
	object_name(&r, &obj);
	strbuf_addf(&detail, "field=%s reason=%.*s", field, utf8_prefix(reason, 200), reason);
	if (audit_append(mc->db, mc->actor, "reveal", obj.buf, "ok", detail.buf, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "审计写入失败");
		goto cleanup;
	}
	*out = json_pack("{sIssss?}", "id", (json_int_t)id, "field", field,
			 "value", r.val[i] ? plain.buf : NULL);
cleanup:
	record_release(&r);
	sodium_memzero_strbuf(&plain);
	strbuf_release(&obj);
	strbuf_release(&detail);
	return ret;
}
