/*
 * scope.c: who reaches which rows.  A role reads and writes the rows whose
 * scope columns (the descriptor's `scope`: district, township, supervisor,
 * grid, subject) hold its own district, township, department, grid or
 * subject: as an SQL predicate for lists (scope_where) and as a check of
 * one record for writes (scope_check_record).
 */
#include "model/scope.h"

#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/sqlp.h"

/*
 * The entity whose records scope column `col` of `ed` names (a subject's
 * code: subjects), found from the descriptor: the column's reference, or
 * `ed` itself when the column is its key.  NULL when there is none.
 */
static const struct entity_desc *scope_ref(const struct entity_desc *ed, const char *col)
{
	const struct field_desc *fd = ed && col ? entity_field(ed, col) : NULL;

	if (fd && fd->ref)
		return entity_find(fd->ref);
	return fd && !strcmp(col, ed->key) ? ed : NULL;
}

/*
 * The predicate of scope_where() for rows placed by the scope columns `s`
 * (of `ed`, or of no entity when it is NULL; `refdata`: every business role
 * of the district reads them).
 */
static int scope_rows(const struct entity_desc *ed, const struct entity_scope *s, int refdata,
		      const struct actor *a, const char *t, struct strbuf *sql, struct sqlp *p)
{
	const struct entity_desc *via;
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
		if (refdata) {
			col = s->district;
			val = a->district;
		} else if (s->supervisor) {
			col = s->supervisor;
			val = a->dept;
		} else if (s->subject && a->dept && (via = scope_ref(ed, s->subject)) &&
			   via->scope.supervisor) {
			/* rows of the subjects the department supervises */
			strbuf_addf(sql, " AND %s.%s IN (SELECT %s FROM %s WHERE %s = ?)", t,
				    s->subject, via->key, via->table, via->scope.supervisor);
			sqlp_text(p, a->dept);
			return 0;
		}
		break;
	case ROLE_TOWNSHIP:
		col = refdata ? s->district : s->township;
		val = refdata ? a->district : a->township;
		break;
	case ROLE_GRID:
		col = refdata ? s->district : s->grid;
		val = refdata ? a->district : a->grid;
		break;
	case ROLE_SUBJECT:
		col = refdata ? s->district : s->subject;
		val = refdata ? a->district : a->subject;
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

int scope_where(const struct entity_desc *ed, const struct actor *a, const char *t,
		struct strbuf *sql, struct sqlp *p)
{
	return scope_rows(ed, &ed->scope, (ed->flags & ENT_REFDATA) != 0, a, t, sql, p);
}

int scope_where_columns(const struct entity_scope *s, const struct actor *a, const char *t,
			struct strbuf *sql, struct sqlp *p)
{
	return scope_rows(NULL, s, 0, a, t, sql, p);
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
			const struct entity_desc *via = scope_ref(r->ed, s->subject);
			const char *params[2] = { record_get(r, s->subject), a->dept };
			struct strbuf q = STRBUF_INIT;
			char *v = NULL;
			int ok;
			if (!params[0] || !params[1] || !via || !via->scope.supervisor)
				return 0;
			/* a subject the department supervises */
			strbuf_addf(&q, "SELECT 1 FROM %s WHERE %s = ? AND %s = ?", via->table,
				    via->key, via->scope.supervisor);
			ok = !db_query_value(db, q.buf, params, 2, &v, NULL) && v;
			strbuf_release(&q);
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
