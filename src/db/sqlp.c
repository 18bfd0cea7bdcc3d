/*
 * sqlp.c: parameters collected while a statement is assembled (see sqlp.h).
 */
#include "db/sqlp.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/strbuf.h"
#include "db/db.h"

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
