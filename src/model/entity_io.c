/*
 * entity_io.c: import and export of any entity's list through the table
 * layer (CSV or XLSX), by the same descriptors.  Headers are keys or
 * Chinese labels; enumerations codes or labels; a bad row is reported with
 * its row number, column and reason.  Not here: file formats (io/table.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "io/table.h"
#include "model/audit.h"
#include "model/entity_int.h"
#include "model/lookup_cache.h"

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

/* Map header cells to field indexes (-1: a read-only column, ignored). */
static int map_header(const struct entity_desc *ed, const struct table_row *hdr, int *map,
		      struct import_report *rep)
{
	unsigned char *seen = calloc(ed->nfields, 1);
	size_t c, i;
	int bad = 0;

	if (!seen)
		abort();
	for (c = 0; c < hdr->ncells; c++) {
		const char *name = hdr->cells[c];
		int k;

		map[c] = -1;
		while (*name == ' ')
			name++;
		if (!*name)
			continue;
		k = entity_field_index_any(ed, name);
		if (k < 0) {
			row_error(rep, 1, NULL, name, "未知列");
			bad = 1;
			continue;
		}
		if (seen[k]) {
			row_error(rep, 1, &ed->fields[k], NULL, "列重复");
			bad = 1;
			continue;
		}
		seen[k] = 1;
		if (!importable(&ed->fields[k]))
			continue; /* an export's read-only column: ignored */
		map[c] = k;
	}
	for (i = 0; i < ed->nfields; i++)
		if ((ed->fields[i].flags & FF_REQUIRED) && importable(&ed->fields[i]) && !seen[i]) {
			row_error(rep, 1, &ed->fields[i], NULL, "缺少必填列");
			bad = 1;
		}
	free(seen);
	return bad ? -1 : 0;
}

/* One data row: parse, validate, store.  Returns 0, MODEL_EINVAL (row bad), or MODEL_EDB. */
static int import_row(const struct model_ctx *mc, const struct entity_desc *ed,
		      const struct table_row *row, const int *map, size_t ncols, size_t rownum,
		      struct import_report *rep, int *created)
{
	struct record r, old;
	struct strbuf cell = STRBUF_INIT, norm = STRBUF_INIT;
	struct model_error e;
	int have_old = 0, ret = 0, rc;
	size_t c, i;

	record_init(&r, ed);
	record_init(&old, NULL);
	model_error_init(&e);
	for (c = 0; c < ncols && c < row->ncells; c++) {
		const struct field_desc *fd;
		int k = map[c];

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
		r.given[k] = 1;
		if (!cell.len)
			continue;
		if ((fd->flags & FF_PERSONAL) && is_masked(cell.buf)) {
			r.given[k] = 2; /* masked in an export: keep the stored value */
			continue;
		}
		if (field_normalize(fd, cell.buf, &norm, &e)) {
			row_error(rep, rownum, fd, NULL, e.msg.buf);
			ret = MODEL_EINVAL;
			continue;
		}
		record_set(&r, k, norm.buf);
	}
	if (ret)
		goto cleanup;
	if (!record_get(&r, ed->key)) {
		const struct field_desc *kf = entity_field(ed, ed->key);
		row_error(rep, rownum, kf, NULL, "必填");
		ret = MODEL_EINVAL;
		goto cleanup;
	}
	if (ed->key2 && !record_get(&r, ed->key2) && mc->actor->district)
		record_set(&r, entity_field_index(ed, ed->key2), mc->actor->district);
	rc = entity_lookup_key2(mc->db, ed, record_get(&r, ed->key),
				ed->key2 ? record_get(&r, ed->key2) : NULL, &old, &e.msg);
	if (rc == MODEL_EDB) {
		row_error(rep, rownum, NULL, "", "数据库错误");
		ret = MODEL_EDB;
		goto cleanup;
	}
	if (rc == 0) {
		struct sqlp p = SQLP_INIT;
		struct strbuf sql = STRBUF_INIT;
		struct db_stmt *st = NULL;
		int visible = 0;

		/* Updating a record the importer cannot see is refused like a clash. */
		strbuf_addf(&sql, "SELECT 1 FROM %s t WHERE t.id = ?", ed->table);
		sqlp_int(&p, old.id);
		scope_where(ed, mc->actor, "t", &sql, &p);
		if (!db_prepare(mc->db, sql.buf, &st, &e.msg)) {
			sqlp_bind(&p, st, 1);
			visible = db_step(st, &e.msg) == DB_ROW;
			db_finalize(st);
		}
		sqlp_release(&p);
		strbuf_release(&sql);
		if (!visible) {
			row_error(rep, rownum, entity_field(ed, ed->key), NULL, "编码已被占用");
			ret = MODEL_EINVAL;
			goto cleanup;
		}
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
	if (entity_store(mc, &r, have_old ? &old : NULL, have_old ? "update" : "create", NULL, &e)) {
		row_error(rep, rownum, e.field ? entity_field(ed, e.field) : NULL, "", e.msg.buf);
		/* a statement failed inside the transaction: on PostgreSQL nothing
		 * more runs in it until a savepoint is rolled back */
		ret = e.code == MODEL_ECONFLICT ? MODEL_ECONFLICT : MODEL_EDB;
		goto cleanup;
	}
	*created = !have_old;
cleanup:
	record_release(&r);
	record_release(&old);
	model_error_release(&e);
	strbuf_release(&cell);
	strbuf_release(&norm);
	return ret;
}

int entity_import(const struct model_ctx *mc_in, const struct entity_desc *ed,
		  struct table_reader *rd, int keep_good,
		  struct import_report *rep, struct model_error *e)
{
	struct model_ctx ctx = *mc_in, *mc = &ctx;
	int64_t first_id = 0;
	struct table_row row;
	struct strbuf err = STRBUF_INIT, detail = STRBUF_INIT, action = STRBUF_INIT;
	int *map = NULL;
	size_t ncols = 0, i;
	int rc, ret = 0, in_tx = 0;

	if (!entity_can_write(ed, mc->actor))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权导入%s", ed->label);
	rc = table_reader_next(rd, &row, &err);
	if (rc <= 0) {
		ret = model_fail(e, rc == TABLE_ELIMIT ? MODEL_ETOOBIG : MODEL_EINVAL, NULL, "%s",
				 rc < 0 ? err.buf : "文件为空：缺少表头行");
		goto cleanup;
	}
	ncols = row.ncells;
	map = calloc(ncols ? ncols : 1, sizeof(*map));
	if (!map)
		abort();
	if (map_header(ed, &row, map, rep)) {
		rep->failed = 1;
		ret = model_fail(e, MODEL_EINVAL, NULL, "表头有误，未导入任何数据");
		goto cleanup;
	}
	if (db_begin(mc->db, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto cleanup;
	}
	in_tx = 1;
	/*
	 * a large transaction: keep its pages in memory instead of spilling
	 * them, as many as the file may fill (4 KiB of cache for each KiB of
	 * file, 8 to 128 MiB): the cache is per connection, and every write
	 * thread's connection may be importing at once
	 */
	if (db_dialect(mc->db) == DB_SQLITE) {
		size_t kib = table_reader_size(rd) / 1024 * 4;
		char pragma[64];

		kib = kib < 8192 ? 8192 : kib > 131072 ? 131072 : kib;
		snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%zu", kib);
		db_exec(mc->db, pragma, NULL);
	}
	ctx.cache = lookup_cache_new();
	ctx.bulk = 1; /* historical records may arrive in any status */
	if (ed->flags & ENT_HISTORY) {
		struct strbuf q = STRBUF_INIT;
		char *v = NULL;
		strbuf_addf(&q, "SELECT COALESCE(MAX(id), 0) FROM %s", ed->table);
		if (db_query_value(mc->db, q.buf, NULL, 0, &v, &e->msg)) {
			strbuf_release(&q);
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
			goto cleanup;
		}
		first_id = v ? strtoll(v, NULL, 10) : 0;
		free(v);
		strbuf_release(&q);
	}
	for (;;) {
		size_t rownum;
		int created = 0, empty = 1;

		strbuf_reset(&err);
		rc = table_reader_next(rd, &row, &err);
		if (rc == 0)
			break;
		if (rc == TABLE_ELIMIT) { /* a bomb: nothing of it is kept */
			rep->created = rep->updated = 0;
			ret = model_fail(e, MODEL_ETOOBIG, NULL, "%s", err.buf);
			goto cleanup;
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
		rep->rows++;
		if (keep_good && db_exec(mc->db, "SAVEPOINT import_row", &e->msg)) {
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
			goto cleanup;
		}
		rc = import_row(mc, ed, &row, map, ncols, rownum, rep, &created);
		if (rc) {
			rep->failed++;
			if (keep_good) {
				if (db_exec(mc->db, "ROLLBACK TO SAVEPOINT import_row", &e->msg)) {
					ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
					goto cleanup;
				}
				continue;
			}
			if (rc == MODEL_EINVAL)
				continue; /* nothing was written: go on finding bad rows */
			break; /* a statement failed: the transaction is spoilt */
		}
		if (keep_good && db_exec(mc->db, "RELEASE SAVEPOINT import_row", &e->msg)) {
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
			goto cleanup;
		}
		if (created)
			rep->created++;
		else
			rep->updated++;
	}
	if (rep->failed && !keep_good) {
		rep->created = rep->updated = 0;
		ret = model_fail(e, MODEL_EINVAL, NULL, "%zu 行有错误，未导入任何数据", rep->failed);
		goto cleanup;
	}
	if ((ed->flags & ENT_HISTORY) && rep->created &&
	    entity_history_created(mc, ed, first_id, 0, e)) {
		ret = e->code;
		goto cleanup;
	}
	strbuf_addf(&detail, "rows=%zu created=%zu updated=%zu failed=%zu", rep->rows,
		    rep->created, rep->updated, rep->failed);
	strbuf_addf(&action, "%s.import", ed->name);
	if (audit_append(mc->db, mc->actor, action.buf, ed->name, "ok", detail.buf, &e->msg) ||
	    db_commit(mc->db, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto cleanup;
	}
	in_tx = 0;
cleanup:
	if (in_tx)
		db_rollback(mc->db);
	if (db_dialect(mc->db) == DB_SQLITE)
		db_exec(mc->db, "PRAGMA cache_size = -2000", NULL);
	lookup_cache_free(ctx.cache);
	free(map);
	strbuf_release(&err);
	strbuf_release(&detail);
	strbuf_release(&action);
	return ret;
}

/* ---- export ---- */

static int exported(const struct field_desc *fd)
{
	return !(fd->flags & FF_HIDDEN);
}

int entity_template(const struct entity_desc *ed, struct table_writer *w, struct strbuf *err)
{
	const char **cells = calloc(ed->nfields, sizeof(*cells));
	size_t i, n = 0;
	int ret;

	if (!cells)
		abort();
	for (i = 0; i < ed->nfields; i++)
		if (importable(&ed->fields[i]))
			cells[n++] = ed->fields[i].label;
	ret = table_writer_row(w, cells, n, err);
	free(cells);
	return ret;
}

int entity_export(const struct model_ctx *mc, const struct entity_desc *ed,
		  const struct list_params *p, struct table_writer *w,
		  size_t *rows, struct model_error *e)
{
	struct strbuf fw = STRBUF_INIT, order = STRBUF_INIT, sql = STRBUF_INIT;
	struct strbuf plain = STRBUF_INIT, detail = STRBUF_INIT, action = STRBUF_INIT;
	struct strbuf *out = NULL;
	struct sqlp params = SQLP_INIT;
	struct db_stmt *st = NULL;
	struct record r;
	const char **cells = NULL;
	size_t i, n;
	int ret, rc;

	*rows = 0;
	record_init(&r, ed);
	out = calloc(ed->nfields, sizeof(*out));
	cells = calloc(ed->nfields, sizeof(*cells));
	if (!out || !cells)
		abort();
	for (i = 0; i < ed->nfields; i++)
		strbuf_init(&out[i], 0);
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
					char *item = strndup(s, len);
					if (!item)
						abort();
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
	if (audit_append(mc->db, mc->actor, action.buf, ed->name, "ok", detail.buf, &e->msg))
		goto dberr;
	ret = 0;
	goto cleanup;
dberr:
	ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
cleanup:
	if (st)
		db_finalize(st);
	for (i = 0; i < ed->nfields; i++)
		strbuf_release(&out[i]);
	free(out);
	free(cells);
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
