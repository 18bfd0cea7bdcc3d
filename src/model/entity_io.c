/*
 * entity_io.c: import and export of any entity's list through the table
 * layer (CSV or XLSX), by the same descriptors.  Headers are keys or
 * Chinese labels; enumerations codes or labels; a bad row is reported with
 * its row number, column and reason, quoting the value.  A reference to a
 * record with a name (a township, a department, a subject) is exported as
 * two columns, the name under the field's label and the code under the
 * label + "编码", so that a person reads it and the file re-imports; an
 * import reads either or both (the code wins; the two must agree).  Not
 * here: file formats (io/table.c).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/crypto.h"
#include "base/date.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "db/group_commit.h"
#include "db/sqlp.h"
#include "io/table.h"
#include "model/audit.h"
#include "model/entity_int.h"
#include "model/lookup_cache.h"
#include "model/scope.h"

#define IMPORT_ERRORS_MAX 1000

void import_report_init(struct import_report *r)
{
	memset(r, 0, sizeof(*r));
	r->errors = json_array();
}

void import_report_release(struct import_report *r)
{
	json_decref(r->errors);
	r->errors = NULL;
}

static void row_error(struct import_report *rep, size_t row, const struct field_desc *fd,
		      const char *column, const char *msg)
{
	if (json_array_size(rep->errors) >= IMPORT_ERRORS_MAX)
		return;
	json_array_append_new(rep->errors, json_pack("{sI ss? ss? ss}",
		"row", (json_int_t)row, "column", fd ? fd->label : column,
		"field", fd ? fd->key : NULL, "message", msg));
}

static int importable(const struct field_desc *fd)
{
	return !(fd->flags & (FF_DERIVED | FF_HIDDEN | FF_NOIMPORT));
}

static int is_masked(const char *s)
{
	return strchr(s, '*') != NULL;
}

#define CODE_SUFFIX "编码" /* the header of a named reference's code column: label + this */

/*
 * The columns of an import's file: each one's field (-1: a read-only
 * column, ignored) and whether it is a named reference's code column.
 */
struct columns {
	int *map;
	unsigned char *code;
	size_t n;
};

/* The named reference field whose code column header `name` is ("所属乡镇编码"), or -1. */
static int code_column(const struct entity_desc *ed, const char *name)
{
	size_t n = strlen(name), sl = strlen(CODE_SUFFIX);
	char *base;
	int k;

	if (n <= sl || strcmp(name + n - sl, CODE_SUFFIX))
		return -1;
	base = xstrndup(name, n - sl);
	k = entity_field_index_any(ed, base);
	free(base);
	return k >= 0 && field_named_ref(&ed->fields[k]) ? k : -1;
}

/* Map header cells to columns (a field's, or its code column's). */
static int map_header(const struct entity_desc *ed, const struct table_row *hdr,
		      struct columns *cols, struct import_report *rep)
{
	unsigned char *seen = xcalloc(ed->nfields, 1);
	size_t c, i;
	int bad = 0;

	for (c = 0; c < hdr->ncells; c++) {
		const char *name = hdr->cells[c];
		int k, code = 0;

		cols->map[c] = -1;
		while (*name == ' ')
			name++;
		if (!*name)
			continue;
		k = entity_field_index_any(ed, name);
		if (k < 0 && (k = code_column(ed, name)) >= 0)
			code = 1;
		if (k < 0) {
			row_error(rep, 1, NULL, name, "未知列");
			bad = 1;
			continue;
		}
		if (seen[k] & (1 << code)) {
			row_error(rep, 1, NULL, name, "列重复");
			bad = 1;
			continue;
		}
		seen[k] |= 1 << code;
		if (!importable(&ed->fields[k]))
			continue; /* an export's read-only column: ignored */
		cols->map[c] = k;
		cols->code[c] = (unsigned char)code;
	}
	for (i = 0; i < ed->nfields; i++)
		if ((ed->fields[i].flags & FF_REQUIRED) && importable(&ed->fields[i]) && !seen[i]) {
			row_error(rep, 1, &ed->fields[i], NULL, "缺少必填列");
			bad = 1;
		}
	free(seen);
	return bad ? -1 : 0;
}

/*
 * An import runs in two steps, so that it holds the writer only to store:
 *
 *   1. check (the caller's own connection, no write, no lock): every row is
 *      parsed, looked up by its key and validated — references, the
 *      entity's hook, scope, workflow — into an `import_op`: the record to
 *      store and the stored record it replaces.  Rows of the file see the
 *      rows before them: each checked row is put in the import's lookup
 *      cache (references and hooks find it there), and a later row of the
 *      same key updates the earlier row's result (`prev`).  A bad row is
 *      reported; without keep_good nothing is stored and the writer is
 *      never taken.
 *   2. store (the writer, one transaction of its own): entity_store() of
 *      every op in file order, the creations' history set-wise, one audit
 *      row, one commit.  What may have changed since the check is checked
 *      again by the store itself: a record changed meanwhile (its rev), a
 *      key taken meanwhile (the unique index), a month published meanwhile
 *      (the list lock).  Any failure rolls the whole transaction back (with
 *      keep_good, that row's savepoint), so an import is still all or
 *      nothing, and a crash at any point stores nothing of it.
 *
 * In the server the store is a job of the group commit run alone
 * (group_commit_run_alone): the batch before it commits first and the
 * import is a transaction, not a savepoint of a shared one.  That matters
 * on SQLite: inside a savepoint, every statement's journal is truncated
 * back to the savepoint's journal, and the in-memory journal is truncated
 * by walking its chunks from the start, so the cost of a statement grew
 * with every row stored before it.
 */
struct import_op {
	struct record r;   /* to store: validated, derived; personal values plain */
	struct record old; /* the record it updates (have_old) */
	size_t rownum;
	long prev;         /* an earlier op of the same key that this one updates, or -1 */
	int have_old;
	int failed;        /* its store failed (keep_good) */
};

struct import_plan {
	const struct model_ctx *mc;
	const struct entity_desc *ed;
	struct import_op *ops;
	size_t n, alloc;
	/* each op's key: its index; NULL when streaming (each op stored at once) */
	struct lookup_cache *keys;
	int keep_good;
	struct import_report *rep;
	struct model_error *e;
};

/* Drop the plan's ops (their array kept for the next). */
static void plan_clear(struct import_plan *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++) {
		record_release(&pl->ops[i].r);
		record_release(&pl->ops[i].old);
	}
	pl->n = 0;
}

static void plan_release(struct import_plan *pl)
{
	plan_clear(pl);
	free(pl->ops);
	lookup_cache_free(pl->keys);
	pl->keys = NULL;
	pl->ops = NULL;
	pl->n = pl->alloc = 0;
}

/* `dst` (released before) becomes a copy of `src`'s values, id and rev. */
static void record_copy_into(struct record *dst, const struct record *src)
{
	size_t i;

	record_release(dst);
	record_init(dst, src->ed);
	dst->id = src->id;
	dst->rev = src->rev;
	for (i = 0; i < src->ed->nfields; i++)
		record_set(dst, (int)i, src->val[i]);
}

/* The cache key under which an op of this key (and key2) is found. */
static void op_key(const struct entity_desc *ed, const struct record *r, struct strbuf *out)
{
	const char *k2 = ed->key2 ? record_get(r, ed->key2) : NULL;

	strbuf_reset(out);
	strbuf_addf(out, "import-op\x1f%s\x1f%s", record_get(r, ed->key), k2 ? k2 : "");
}

/*
 * The cells of `row` into `r` (columns mapped to fields by `cols`), each
 * normalised; a masked personal value (from an export) is marked given 2:
 * keep the stored one.  A named reference's cell in its name column goes
 * to `names` as it is, for resolve_names().  Returns 0, or MODEL_EINVAL
 * with each bad cell reported.
 */
static int row_cells(const struct entity_desc *ed, const struct table_row *row,
		     const struct columns *cols, size_t rownum, struct import_report *rep,
		     struct record *r, struct record *names)
{
	struct strbuf cell = STRBUF_INIT, norm = STRBUF_INIT;
	struct model_error e;
	size_t c;
	int ret = 0;

	model_error_init(&e);
	for (c = 0; c < cols->n && c < row->ncells; c++) {
		const struct field_desc *fd;
		int k = cols->map[c];

		if (k < 0)
			continue;
		fd = &ed->fields[k];
		strbuf_reset(&cell);
		/* our own exports guard formulas with a leading ' : take it off */
		if (row->cells[c][0] == '\'' && strchr("=+-@\t\r", row->cells[c][1]) &&
		    row->cells[c][1])
			strbuf_addstr(&cell, row->cells[c] + 1);
		else
			strbuf_addstr(&cell, row->cells[c]);
		strbuf_trim(&cell);
		r->given[k] = 1;
		if (!cell.len)
			continue;
		if ((fd->flags & FF_PERSONAL) && is_masked(cell.buf)) {
			r->given[k] = 2; /* masked in an export: keep the stored value */
			continue;
		}
		if (!cols->code[c] && field_named_ref(fd)) {
			record_set(names, k, cell.buf);
			continue;
		}
		if (field_normalize(fd, cell.buf, &norm, &e)) {
			row_error(rep, rownum, fd, NULL, e.msg.buf);
			ret = MODEL_EINVAL;
			continue;
		}
		record_set(r, k, norm.buf);
	}
	model_error_release(&e);
	strbuf_release(&cell);
	strbuf_release(&norm);
	return ret;
}

/* The names of the records `codes` (joined by |) of named reference `fd`; 0, or -1. */
static int ref_names(const struct model_ctx *mc, struct lookup_cache *cache,
		     const struct field_desc *fd, const char *codes, struct strbuf *out)
{
	struct strbuf one = STRBUF_INIT;
	const char *p = codes;
	int ret = 0;

	strbuf_reset(out);
	while (*p && !ret) {
		size_t n = strcspn(p, "|");
		char *item = xstrndup(p, n);

		ret = field_ref_name(mc, cache, fd, item, &one);
		if (p != codes)
			strbuf_addch(out, '|');
		strbuf_addstr(out, one.len ? one.buf : item); /* none: the code as it is */
		free(item);
		p += n;
		if (*p)
			p++;
	}
	strbuf_release(&one);
	return ret;
}

/*
 * The named references of `r` given by name (in `names`, by row_cells()):
 * to their codes; given by code as well, the code stands and the name must
 * be the code's.  Returns 0, MODEL_EINVAL (each bad one reported) or MODEL_EDB.
 */
static int resolve_names(const struct model_ctx *mc, struct record *r, const struct record *names,
			 size_t rownum, struct import_report *rep)
{
	const struct entity_desc *ed = r->ed;
	struct strbuf code = STRBUF_INIT, had = STRBUF_INIT;
	struct model_error e;
	size_t k;
	int ret = 0;

	model_error_init(&e);
	for (k = 0; k < ed->nfields && ret != MODEL_EDB; k++) {
		const struct field_desc *fd = &ed->fields[k];
		const char *name = names->val[k], *given = r->val[k];

		if (!name)
			continue;
		if (given) {
			if (strcmp(name, given) && ref_names(mc, mc->cache, fd, given, &had)) {
				ret = MODEL_EDB;
			} else if (strcmp(name, given) && strcmp(name, had.buf)) {
				strbuf_reset(&code);
				strbuf_addf(&code, "%s：“%s”与编码“%s”%s%s%s不符", fd->label, name,
					    given, had.len ? "（" : "", had.buf, had.len ? "）" : "");
				row_error(rep, rownum, fd, NULL, code.buf);
				ret = MODEL_EINVAL;
			}
			continue;
		}
		if (field_ref_by_name(mc, fd, name, &code, &e)) {
			row_error(rep, rownum, fd, NULL, e.code == MODEL_EDB ? "数据库错误" : e.msg.buf);
			ret = e.code == MODEL_EDB ? MODEL_EDB : MODEL_EINVAL;
			continue;
		}
		record_set(r, (int)k, code.buf);
	}
	model_error_release(&e);
	strbuf_release(&code);
	strbuf_release(&had);
	return ret;
}

/* May the importer see stored record `id`?  (Updating one it cannot is refused like a clash.) */
static int visible_to(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id)
{
	struct sqlp p = SQLP_INIT;
	struct strbuf sql = STRBUF_INIT;
	struct db_stmt *st = NULL;
	int visible = 0;

	strbuf_addf(&sql, "SELECT 1 FROM %s t WHERE t.id = ?", ed->table);
	sqlp_int(&p, id);
	scope_where_db(mc->db, ed, mc->actor, "t", &sql, &p);
	if (!db_prepare(mc->db, sql.buf, &st, NULL)) {
		sqlp_bind(&p, st, 1);
		visible = db_step(st, NULL) == DB_ROW;
		db_finalize(st);
	}
	sqlp_release(&p);
	strbuf_release(&sql);
	return visible;
}

/* A checked row becomes an op of `pl` (taking `r` and `old`), seen by the rows after it. */
static void plan_add(const struct model_ctx *mc, struct import_plan *pl, const char *key,
		     struct record *r, struct record *old, size_t rownum, long prev, int have_old)
{
	const struct entity_desc *ed = r->ed;
	struct import_op *op;
	char idx[32];

	if (pl->n == pl->alloc) {
		pl->alloc = pl->alloc ? 2 * pl->alloc : 64;
		pl->ops = xrealloc(pl->ops, pl->alloc * sizeof(*pl->ops));
	}
	op = &pl->ops[pl->n];
	op->r = *r;
	op->old = *old;
	op->rownum = rownum;
	op->prev = prev;
	op->have_old = have_old;
	op->failed = 0;
	record_init(r, NULL);
	record_init(old, NULL);
	/* later rows see this one: in the plan, or (streaming) stored before they are checked */
	if (pl->keys) {
		snprintf(idx, sizeof(idx), "%zu", pl->n);
		lookup_cache_put_value(pl->keys, key, idx);
		if (!ed->key2 && record_get(&op->r, ed->key))
			lookup_cache_put_record(mc->cache, ed, record_get(&op->r, ed->key), &op->r);
	}
	pl->n++;
}

/*
 * One data row: parse and check it into a new op of `pl`.  Returns 0,
 * MODEL_EINVAL (the row is bad: reported) or MODEL_EDB.
 */
static int import_row(const struct model_ctx *mc, const struct entity_desc *ed,
		      const struct table_row *row, const struct columns *cols, size_t rownum,
		      struct import_report *rep, struct import_plan *pl)
{
	struct record r, old, names;
	struct strbuf key = STRBUF_INIT;
	struct model_error e;
	const char *staged;
	long prev = -1;
	int have_old = 0, numbered = 0, ret, rc;
	size_t i;

	record_init(&r, ed);
	record_init(&old, NULL);
	record_init(&names, ed);
	model_error_init(&e);
	ret = row_cells(ed, row, cols, rownum, rep, &r, &names);
	rc = resolve_names(mc, &r, &names, rownum, rep);
	if (ret || (ret = rc))
		goto cleanup;
	if (!record_get(&r, ed->key)) {
		const struct field_desc *kf = record_natural_key(mc->keys, &r);
		if (!kf && ed->natural)
			goto keyed;
		if (ed->number_prefix) {
			/* a new record the store numbers (entity_number()): no earlier row is it */
			numbered = 1;
			goto keyed;
		}
		row_error(rep, rownum, kf ? kf : entity_field(ed, ed->key), NULL, "必填");
		ret = MODEL_EINVAL;
		goto cleanup;
	}
keyed:
	if (ed->key2 && !record_get(&r, ed->key2) && mc->actor->district)
		record_set(&r, entity_field_index(ed, ed->key2), mc->actor->district);
	op_key(ed, &r, &key);
	if (numbered) {
		strbuf_addf(&key, "\x1frow %zu", rownum);
		rc = MODEL_ENOTFOUND;
	} else if (pl->keys && lookup_cache_value(pl->keys, key.buf, &staged) && staged) {
		/* an earlier row of this file: this one updates its result */
		prev = strtol(staged, NULL, 10);
		record_copy_into(&old, &pl->ops[prev].r);
		rc = 0;
	} else {
		rc = entity_lookup_key2(mc->db, ed, record_get(&r, ed->key),
					ed->key2 ? record_get(&r, ed->key2) : NULL, &old, &e.msg);
	}
	if (rc == MODEL_EDB) {
		row_error(rep, rownum, NULL, "", "数据库错误");
		ret = MODEL_EDB;
		goto cleanup;
	}
	if (rc == 0 && prev < 0 && !visible_to(mc, ed, old.id)) {
		strbuf_reset(&e.msg);
		strbuf_addf(&e.msg, "%s：“%s”不能使用，请换一个", entity_field(ed, ed->key)->label,
			    record_get(&r, ed->key));
		row_error(rep, rownum, entity_field(ed, ed->key), NULL, e.msg.buf);
		ret = MODEL_EINVAL;
		goto cleanup;
	}
	if (rc == 0) {
		have_old = 1;
		for (i = 0; i < ed->nfields; i++) {
			if (r.given[i] == 2)
				r.given[i] = 0;
			if (!r.given[i])
				record_set(&r, (int)i, old.val[i]);
		}
	} else {
		for (i = 0; i < ed->nfields; i++)
			if (r.given[i] == 2) {
				row_error(rep, rownum, &ed->fields[i], NULL, "脱敏值不能用于新建记录");
				ret = MODEL_EINVAL;
				goto cleanup;
			}
	}
	if (entity_validate(mc, &r, have_old ? &old : NULL, NULL, &e)) {
		row_error(rep, rownum, e.field ? entity_field(ed, e.field) : NULL, "", e.msg.buf);
		ret = e.code == MODEL_EDB ? MODEL_EDB : MODEL_EINVAL;
		goto cleanup;
	}
	plan_add(mc, pl, key.buf, &r, &old, rownum, prev, have_old);
cleanup:
	record_release(&r);
	record_release(&old);
	record_release(&names);
	model_error_release(&e);
	strbuf_release(&key);
	return ret;
}

/*
 * Store op `i` of the plan (in the import's transaction; with keep_good, in
 * a savepoint of its own).  Returns 0 when stored; 1 when its row failed,
 * reported, and the import goes on (keep_good); a negative MODEL_E* when the
 * import fails (the message in pl->e), op->failed saying whether the row was
 * at fault.
 */
static int store_op(struct db *db, struct import_plan *pl, const struct model_ctx *ctx,
		    size_t i, struct model_error *re)
{
	const struct entity_desc *ed = pl->ed;
	struct import_op *op = &pl->ops[i];
	struct model_error *e = pl->e;
	size_t k;
	int rc;

	if (op->prev >= 0) {
		const struct import_op *p = &pl->ops[op->prev];

		if (p->failed) {
			row_error(pl->rep, op->rownum, entity_field(ed, ed->key), NULL,
				  "同一编码的前一行未能导入");
			op->failed = 1;
			return 1;
		}
		/* the earlier row as stored: its id, rev and ciphertexts */
		record_copy_into(&op->old, &p->r);
		for (k = 0; k < ed->nfields; k++)
			if ((ed->fields[k].flags & FF_PERSONAL) && !op->r.given[k])
				record_set(&op->r, (int)k, p->r.val[k]);
	}
	if (pl->keep_good && db_exec(db, "SAVEPOINT import_row", &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	rc = entity_store(ctx, &op->r, op->have_old ? &op->old : NULL,
			  op->have_old ? "update" : "create", NULL, re);
	if (!rc) {
		if (pl->keep_good && db_exec(db, "RELEASE SAVEPOINT import_row", &e->msg))
			return model_fail(e, MODEL_EDB, NULL, "数据库错误");
		return 0;
	}
	row_error(pl->rep, op->rownum, re->field ? entity_field(ed, re->field) : NULL, "",
		  rc == MODEL_EDB ? "数据库错误" : re->msg.buf);
	op->failed = 1;
	if (rc == MODEL_EDB)
		return model_fail(e, MODEL_EDB, NULL, "%s", re->msg.buf);
	if (!pl->keep_good)
		return model_fail(e, MODEL_EINVAL, NULL, "第 %zu 行未能保存（%s），未导入任何数据",
				  op->rownum, re->msg.buf);
	if (db_exec(db, "ROLLBACK TO SAVEPOINT import_row", &e->msg) ||
	    db_exec(db, "RELEASE SAVEPOINT import_row", &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	return 1;
}

/* One import's store: its context (a cache of its own), counts and transaction. */
struct import_run {
	struct model_ctx ctx;
	struct model_error re;
	int64_t first_id;
	size_t created, updated, failed;
	int big;
};

/*
 * Open the store's transaction on `db` (`many`: a large import, whose pages
 * SQLite keeps in memory instead of spilling them).  0, or MODEL_EDB in
 * pl->e; run_finish() ends it either way.
 */
static int run_begin(struct db *db, struct import_plan *pl, struct import_run *run, int many)
{
	const struct entity_desc *ed = pl->ed;
	struct model_error *e = pl->e;
	struct strbuf q = STRBUF_INIT;
	char *v = NULL;
	int rc;

	memset(run, 0, sizeof(*run));
	run->ctx = *pl->mc;
	run->ctx.db = db;
	run->ctx.writes = NULL;
	run->ctx.cache = lookup_cache_new(); /* published months, districts bumped: read anew */
	run->ctx.bulk = 1; /* historical records may arrive in any status */
	model_error_init(&run->re);
	if (db_begin(db, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	if (db_dialect(db) == DB_SQLITE && many) {
		db_exec(db, "PRAGMA cache_size = -131072", NULL);
		run->big = 1;
	}
	if (!(ed->flags & ENT_HISTORY))
		return 0;
	strbuf_addf(&q, "SELECT COALESCE(MAX(id), 0) FROM %s", ed->table);
	rc = db_query_value(db, q.buf, NULL, 0, &v, &e->msg);
	strbuf_release(&q);
	if (rc)
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	run->first_id = v ? strtoll(v, NULL, 10) : 0;
	run->ctx.bulk_first_id = run->first_id; /* the records before have their history */
	free(v);
	return 0;
}

/* Store op `i` and count it: store_op()'s answer. */
static int run_op(struct db *db, struct import_plan *pl, struct import_run *run, size_t i)
{
	int rc = store_op(db, pl, &run->ctx, i, &run->re);

	if (rc < 0)
		run->failed += pl->ops[i].failed;
	else if (rc)
		run->failed++;
	else if (pl->ops[i].have_old)
		run->updated++;
	else
		run->created++;
	return rc;
}

/*
 * End the store: with `ret` 0, the creations' history set-wise, one audit
 * row and the commit; else (or when those fail) the rollback.  Returns 0
 * or the failure (in pl->e); the report gets the counts.
 */
static int run_finish(struct db *db, struct import_plan *pl, struct import_run *run, int ret)
{
	const struct entity_desc *ed = pl->ed;
	struct import_report *rep = pl->rep;
	struct model_error *e = pl->e;
	struct strbuf detail = STRBUF_INIT, action = STRBUF_INIT;

	if (!ret && (ed->flags & ENT_HISTORY) && run->created &&
	    entity_history_created(&run->ctx, ed, run->first_id, 0, &run->re))
		ret = model_fail(e, run->re.code, NULL, "%s", run->re.msg.buf);
	rep->failed += run->failed;
	if (!ret) {
		strbuf_addf(&detail, "rows=%zu created=%zu updated=%zu failed=%zu", rep->rows,
			    run->created, run->updated, rep->failed);
		strbuf_addf(&action, "%s.import", ed->name);
		if (audit_append(db, run->ctx.actor, action.buf, ed->name, "ok", detail.buf,
				 &e->msg) || db_commit(db, &e->msg))
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	if (ret) {
		db_rollback(db);
	} else {
		rep->created = run->created;
		rep->updated = run->updated;
	}
	if (run->big)
		db_exec(db, "PRAGMA cache_size = -2000", NULL);
	lookup_cache_free(run->ctx.cache);
	model_error_release(&run->re);
	strbuf_release(&detail);
	strbuf_release(&action);
	return ret;
}

/*
 * Step 2 of the server's import (a job on the writer, run alone): store
 * every checked op in one transaction.  Returns 0, MODEL_EINVAL (a row
 * failed and nothing is stored: reported), or MODEL_EDB.
 */
static int import_store(struct db *db, void *arg)
{
	struct import_plan *pl = arg;
	struct import_run run;
	size_t i;
	int ret = run_begin(db, pl, &run, pl->n > 1000);

	for (i = 0; !ret && i < pl->n; i++) {
		int rc = run_op(db, pl, &run, i);
		if (rc < 0)
			ret = rc;
	}
	return run_finish(db, pl, &run, ret);
}

static long long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000LL + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * The command line's import (no writer to share): one transaction from the
 * first row to the last, each row stored as soon as it is checked, so that
 * what it holds does not grow with the file.  A later row of the same key
 * finds the earlier one stored.  Once a row fails (without keep_good) the
 * rest are only checked, for the report, and nothing is kept.
 */
static int stream_row(struct import_plan *pl, struct import_run *run, int *storing)
{
	int rc = 0;

	if (*storing && pl->n) {
		rc = run_op(pl->mc->db, pl, run, 0);
		if (rc < 0)
			*storing = 0;
	}
	plan_clear(pl); /* the op is stored (or dropped): nothing of it is kept */
	return rc < 0 ? rc : 0;
}

/* Read, check and (streaming) store the data rows of `rd`; what entity_import() returns. */
static int import_rows(struct model_ctx *mc, struct table_reader *rd, const struct columns *cols,
		       struct import_plan *pl, struct import_run *run)
{
	struct import_report *rep = pl->rep;
	struct model_error *e = pl->e;
	struct table_row row;
	struct strbuf err = STRBUF_INIT;
	int rc, ret = 0, storing = run != NULL;
	size_t i;

	for (;;) {
		size_t rownum;
		int empty = 1;

		strbuf_reset(&err);
		rc = table_reader_next(rd, &row, &err);
		if (rc == 0)
			break;
		if (rc == TABLE_ELIMIT) { /* a bomb: nothing of it is kept */
			rep->created = rep->updated = 0;
			ret = model_fail(e, MODEL_ETOOBIG, NULL, "%s", err.buf);
			break;
		}
		if (rc < 0) {
			row_error(rep, table_reader_rownum(rd), NULL, "", err.buf);
			rep->failed++;
			break; /* the file itself is broken past this point */
		}
		for (i = 0; i < row.ncells; i++)
			if (row.cells[i][0] && strspn(row.cells[i], " \t") != strlen(row.cells[i]))
				empty = 0;
		if (empty)
			continue;
		rownum = table_reader_rownum(rd);
		if (mc->import_max_rows && rep->rows >= mc->import_max_rows) {
			rep->created = rep->updated = 0;
			ret = model_fail(e, MODEL_ETOOBIG, NULL,
					 "一次最多导入 %zu 行：请把文件分成几个，分别导入",
					 mc->import_max_rows);
			break;
		}
		rep->rows++;
		rc = import_row(mc, pl->ed, &row, cols, rownum, rep, pl);
		if (rc == MODEL_EDB) {
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
			break;
		}
		if (rc) {
			rep->failed++;
			storing &= pl->keep_good;
		}
		if (run && (ret = stream_row(pl, run, &storing)))
			break;
	}
	strbuf_release(&err);
	if (!ret && rep->failed && !pl->keep_good)
		ret = model_fail(e, MODEL_EINVAL, NULL, "%zu 行有错误，未导入任何数据", rep->failed);
	return ret;
}

int entity_import(const struct model_ctx *mc_in, const struct entity_desc *ed,
		  struct table_reader *rd, int keep_good,
		  struct import_report *rep, struct model_error *e)
{
	struct timespec t0, t1;
	struct model_ctx ctx = *mc_in, *mc = &ctx;
	struct import_plan pl = { .mc = mc_in, .ed = ed, .keep_good = keep_good, .rep = rep, .e = e };
	struct import_run run;
	struct table_row row;
	struct strbuf err = STRBUF_INIT;
	struct columns cols = { NULL, NULL, 0 };
	int rc, ret = 0, reading = 0, streaming = !mc_in->writes;

	ctx.cache = NULL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!entity_can_write(ed, mc->actor))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权导入%s", ed->label);
	rc = table_reader_next(rd, &row, &err);
	if (rc <= 0) {
		ret = model_fail(e, rc == TABLE_ELIMIT ? MODEL_ETOOBIG : MODEL_EINVAL, NULL, "%s",
				 rc < 0 ? err.buf : "文件为空：缺少表头行");
		goto cleanup;
	}
	cols.n = row.ncells;
	cols.map = xcalloc(cols.n ? cols.n : 1, sizeof(*cols.map));
	cols.code = xcalloc(cols.n ? cols.n : 1, 1);
	if (map_header(ed, &row, &cols, rep)) {
		rep->failed = 1;
		ret = model_fail(e, MODEL_EINVAL, NULL, "表头有误，未导入任何数据");
		goto cleanup;
	}
	ctx.cache = lookup_cache_new();
	ctx.bulk = 1; /* historical records may arrive in any status */
	ctx.writes = NULL;
	if (streaming) {
		/*
		 * the command line: check and store row by row, in one
		 * transaction, the check reading through the store's cache
		 * (which forgets each record as it is written)
		 */
		lookup_cache_free(ctx.cache);
		ret = run_begin(mc->db, &pl, &run, table_reader_size(rd) > 256 * 1024);
		ctx.cache = run.ctx.cache;
		ret = ret ? ret : import_rows(mc, rd, &cols, &pl, &run);
		ret = run_finish(mc->db, &pl, &run, ret);
		ctx.cache = NULL;
		goto done;
	}
	/* step 1: check every row, on the caller's connection, writing nothing */
	if (!db_in_transaction(mc->db)) {
		if (db_begin_read(mc->db, &e->msg)) {
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
			goto cleanup;
		}
		reading = 1;
	}
	pl.keys = lookup_cache_new();
	ret = import_rows(mc, rd, &cols, &pl, NULL);
	if (ret)
		goto cleanup;
	/* step 2: store, in one transaction of its own, on the writer alone */
	db_rollback(mc->db);
	reading = 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	{
		struct group_job job = { .work = import_store, .arg = &pl };

		if (group_commit_run_alone(mc_in->writes, &job, &err)) {
			rep->created = rep->updated = 0;
			ret = model_fail(e, MODEL_EDB, NULL, "保存失败，请重试：%s", err.buf);
			goto cleanup;
		}
		ret = job.rc;
		/* how long the writer was another's: what others waited at most */
		log_info("%s import: %zu rows checked in %lld ms, stored in %lld ms", ed->name,
			 rep->rows, ms_since(&t0) - ms_since(&t1), ms_since(&t1));
	}
done:
	if (ret && !keep_good) {
		rep->created = rep->updated = 0;
		if (!rep->failed)
			rep->failed = 1;
	}
cleanup:
	if (reading)
		db_rollback(mc->db);
	plan_release(&pl);
	lookup_cache_free(ctx.cache);
	free(cols.map);
	free(cols.code);
	strbuf_release(&err);
	return ret;
}

/* ---- export ---- */

static int exported(const struct field_desc *fd)
{
	return !(fd->flags & FF_HIDDEN);
}

/* The header `fd`'s code column has (a named reference's), into `out`. */
static void code_header(const struct field_desc *fd, struct strbuf *out)
{
	strbuf_reset(out);
	strbuf_addf(out, "%s%s", fd->label, CODE_SUFFIX);
}

int entity_template(const struct entity_desc *ed, struct table_writer *w, struct strbuf *err)
{
	const char **cells = xcalloc(2 * ed->nfields, sizeof(*cells));
	struct strbuf *hdr = xcalloc(ed->nfields, sizeof(*hdr));
	size_t i, n = 0;
	int ret;

	for (i = 0; i < ed->nfields; i++) {
		strbuf_init(&hdr[i], 0);
		if (!importable(&ed->fields[i]))
			continue;
		cells[n++] = ed->fields[i].label;
		if (field_named_ref(&ed->fields[i])) {
			code_header(&ed->fields[i], &hdr[i]);
			cells[n++] = hdr[i].buf;
		}
	}
	ret = table_writer_row(w, cells, n, err);
	for (i = 0; i < ed->nfields; i++)
		strbuf_release(&hdr[i]);
	free(hdr);
	free(cells);
	return ret;
}

int entity_export(const struct model_ctx *mc, const struct entity_desc *ed,
		  const struct list_params *p, struct table_writer *w,
		  size_t *rows, struct model_error *e)
{
	struct strbuf fw = STRBUF_INIT, order = STRBUF_INIT, sql = STRBUF_INIT;
	struct strbuf plain = STRBUF_INIT, detail = STRBUF_INIT, action = STRBUF_INIT;
	struct strbuf *out = NULL, *names = NULL;
	struct sqlp params = SQLP_INIT;
	struct db_stmt *st = NULL;
	struct lookup_cache *cache = lookup_cache_new(); /* the names of references */
	struct record r;
	const char **cells = NULL;
	size_t i, n;
	int ret, rc;

	*rows = 0;
	record_init(&r, ed);
	out = xcalloc(ed->nfields, sizeof(*out));
	names = xcalloc(ed->nfields, sizeof(*names));
	cells = xcalloc(2 * ed->nfields, sizeof(*cells));
	for (i = 0; i < ed->nfields; i++) {
		strbuf_init(&out[i], 0);
		strbuf_init(&names[i], 0);
	}
	if (!entity_can_read(ed, mc->actor)) {
		ret = model_fail(e, MODEL_EFORBIDDEN, NULL, "无权导出%s", ed->label);
		goto cleanup;
	}
	ret = list_where(mc, ed, p, &fw, &params, &order, e);
	if (ret)
		goto cleanup;
	for (i = n = 0; i < ed->nfields; i++) {
		if (!exported(&ed->fields[i]))
			continue;
		if (ed->fields[i].type == FT_INT || ed->fields[i].type == FT_REAL ||
		    ed->fields[i].type == FT_MONEY)
			table_writer_set_numeric(w, n, 1);
		cells[n++] = ed->fields[i].label;
		if (field_named_ref(&ed->fields[i])) {
			code_header(&ed->fields[i], &names[i]);
			cells[n++] = names[i].buf;
		}
	}
	if (table_writer_row(w, cells, n, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "写文件失败：%s", e->msg.buf);
		goto cleanup;
	}
	strbuf_addstr(&sql, "SELECT ");
	list_columns(ed, p, &sql);
	strbuf_addf(&sql, "%s%s", fw.buf, order.buf);
	if (db_prepare(mc->db, sql.buf, &st, &e->msg))
		goto dberr;
	sqlp_bind(&params, st, 1);
	while ((rc = db_step(st, &e->msg)) == DB_ROW) {
		entity_row(st, &r, 0);
		for (i = n = 0; i < ed->nfields; i++) {
			const struct field_desc *fd = &ed->fields[i];
			const char *v = r.val[i];

			if (!exported(fd))
				continue;
			strbuf_reset(&out[i]);
			if (v && (fd->flags & FF_PERSONAL)) {
				strbuf_reset(&plain);
				if (mc->keys && !pd_decrypt(mc->keys, v, &plain, NULL))
					mask_value(fd, plain.buf, &out[i]);
				else
					strbuf_addstr(&out[i], "***");
			} else if (v && fd->type == FT_ENUM) {
				strbuf_addstr(&out[i], enum_label(fd->enumeration, v));
			} else if (v && fd->type == FT_ENUMSET) {
				const char *s = v;
				while (*s) {
					const char *bar = strchr(s, '|');
					size_t len = bar ? (size_t)(bar - s) : strlen(s);
					char *item = xstrndup(s, len);
					if (out[i].len)
						strbuf_addch(&out[i], '|');
					strbuf_addstr(&out[i], enum_label(fd->enumeration, item));
					free(item);
					s += len;
					if (*s)
						s++;
				}
			} else if (v && fd->type == FT_MONEY) {
				long long fen = strtoll(v, NULL, 10);
				strbuf_addf(&out[i], "%s%lld.%02lld", fen < 0 ? "-" : "",
					    llabs(fen) / 100, llabs(fen) % 100);
			} else if (v && fd->type == FT_BOOL) {
				strbuf_addstr(&out[i], strcmp(v, "0") ? "是" : "否");
			} else if (v) {
				strbuf_addstr(&out[i], v);
			}
			if (field_named_ref(fd)) {
				/* the name(s) to read, then the code(s) to re-import */
				if (v && ref_names(mc, cache, fd, v, &names[i]))
					goto dberr;
				cells[n++] = v ? names[i].buf : "";
			}
			cells[n++] = out[i].buf;
		}
		if (table_writer_row(w, cells, n, &e->msg)) {
			ret = model_fail(e, MODEL_EDB, NULL, "写文件失败：%s", e->msg.buf);
			goto cleanup;
		}
		(*rows)++;
	}
	if (rc < 0)
		goto dberr;
	db_finalize(st);
	st = NULL;
	strbuf_addf(&detail, "rows=%zu", *rows);
	strbuf_addf(&action, "%s.export", ed->name);
	if (audit_append(model_audit_db(mc), mc->actor, action.buf, ed->name, "ok", detail.buf,
			 &e->msg))
		goto dberr;
	ret = 0;
	goto cleanup;
dberr:
	ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
cleanup:
	if (st)
		db_finalize(st);
	for (i = 0; i < ed->nfields; i++) {
		strbuf_release(&out[i]);
		strbuf_release(&names[i]);
	}
	free(out);
	free(names);
	free(cells);
	lookup_cache_free(cache);
	record_release(&r);
	sqlp_release(&params);
	strbuf_release(&fw);
	strbuf_release(&order);
	strbuf_release(&sql);
	strbuf_release(&plain);
	strbuf_release(&detail);
	strbuf_release(&action);
	return ret;
}
