/*
 * scope.c: who reaches which rows.  A role reads and writes the rows whose
 * scope columns (the descriptor's `scope`: district, township, supervisor,
 * grid, subject) hold its own district, township, department, grid or
 * subject: as an SQL predicate for lists (scope_where) and as a check of
 * one record for writes (scope_check_record).  Work owned by departments
 * (the scope's owner and owners columns) is reached by the department that
 * owns or co-owns it.  An account of role `grid` naming a village instead of
 * a grid is a village auxiliary officer (驻村辅警): it reaches the rows of
 * every grid under its village.  An office above the districts (role
 * region) reads the districts under it and writes only where a district
 * granted it a list (region_grants, grants.c), then as that district's
 * office (scope_granted_actor()).
 */
#include "model/scope.h"

#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/sqlp.h"
#include "model/entity_int.h"

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

/* Does scope `s` place rows by the departments that own them, for role `r`? */
static int by_owner(const struct entity_scope *s, int refdata, enum role r)
{
	return !refdata && (s->owner || s->owners) &&
	       (r == ROLE_SUPERVISOR || r == ROLE_PETITION || r == ROLE_SAFETY || r == ROLE_POLICE);
}

/*
 * " AND (t.owner = ? OR <'|DEPT|' in '|' || t.owners || '|'>)" for department
 * `dept`.  Not LIKE: SQLite's is blind to case and `_` (a code's character)
 * is its wildcard; replace() matches exactly on both engines.
 */
static int owner_rows(const struct entity_scope *s, const char *dept, const char *t,
		      struct strbuf *sql, struct sqlp *p)
{
	struct strbuf like = STRBUF_INIT;

	if (!dept) {
		strbuf_addstr(sql, " AND 1 = 0");
		return -1;
	}
	strbuf_addstr(sql, " AND (");
	if (s->owner) {
		strbuf_addf(sql, "%s.\"%s\" = ?", t, s->owner);
		sqlp_text(p, dept);
	}
	if (s->owners) {
		strbuf_addf(&like, "|%s|", dept);
		strbuf_addf(sql, "%sreplace('|' || %s.\"%s\" || '|', ?, '') <> '|' || %s.\"%s\" || '|'",
			    s->owner ? " OR " : "", t, s->owners, t, s->owners);
		sqlp_text(p, like.buf);
	}
	strbuf_addch(sql, ')');
	strbuf_release(&like);
	return 0;
}

/* Is department `dept` the owner of `r`, or among its co-owners? */
static int owns_record(const struct record *r, const char *dept)
{
	const struct entity_scope *s = &r->ed->scope;
	const char *v, *p;
	size_t n;

	if (!dept)
		return 0;
	if (s->owner && (v = record_get(r, s->owner)) && !strcmp(v, dept))
		return 1;
	if (!s->owners || !(v = record_get(r, s->owners)))
		return 0;
	n = strlen(dept);
	for (p = v; *p; p++) {
		if ((p == v || p[-1] == '|') && !strncmp(p, dept, n) && (p[n] == '|' || !p[n]))
			return 1;
	}
	return 0;
}

/*
 * The predicate of scope_where() for rows placed by the scope columns `s`
 * (of `ed`, or of no entity when it is NULL; `refdata`: every business role
 * of the district reads them).  `*by_district`: whether it is the district's
 * column that it names.
 */
static int scope_rows(const struct entity_desc *ed, const struct entity_scope *s, int refdata,
		      const struct actor *a, const char *t, struct strbuf *sql, struct sqlp *p,
		      int *by_district)
{
	const struct entity_desc *via;
	const char *col = NULL, *val = NULL;

	if (by_owner(s, refdata, a->role))
		return owner_rows(s, a->dept, t, sql, p);
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
		if (!refdata && a->village && s->grid) {
			/* a village auxiliary officer (驻村辅警): every grid under its village */
			strbuf_addf(sql, " AND %s.%s IN (SELECT code FROM regions WHERE parent = ? AND "
				    "level = 'grid')", t, s->grid);
			sqlp_text(p, a->village);
			return 0;
		}
		col = refdata ? s->district : s->grid;
		val = refdata ? a->district : a->grid;
		break;
	case ROLE_SUBJECT:
		col = refdata ? s->district : s->subject;
		val = refdata ? a->district : a->subject;
		break;
	case ROLE_REGION:
		/* an office above the districts: every district under its city or province */
		if (!s->district || !a->region)
			break;
		strbuf_addf(sql, " AND %s.%s IN (" SCOPE_REGION_DISTRICTS ")", t, s->district);
		sqlp_text(p, a->region);
		sqlp_text(p, a->region);
		return 0;
	default:
		break;
	}
	if (!col || !val) {
		strbuf_addstr(sql, " AND 1 = 0");
		return -1;
	}
	strbuf_addf(sql, " AND %s.%s = ?", t, col);
	sqlp_text(p, val);
	*by_district = s->district && !strcmp(col, s->district);
	return 0;
}

/*
 * " AND t.district IN (?, …)": the districts under the region office's city
 * or province, read now, so that PostgreSQL plans their partitions alone
 * (it prunes by values, not by a subquery's rows).
 */
static int region_districts(struct db *db, const struct entity_desc *ed, const struct actor *a,
			    const char *t, struct strbuf *sql, struct sqlp *p)
{
	struct db_stmt *st = NULL;
	int rc, n = 0;

	if (db_prepare(db, SCOPE_REGION_DISTRICTS, &st, NULL))
		return -1;
	db_bind_text(st, 1, a->region);
	db_bind_text(st, 2, a->region);
	strbuf_addf(sql, " AND %s.%s IN (", t, ed->scope.district);
	while ((rc = db_step(st, NULL)) == DB_ROW) {
		strbuf_addstr(sql, n++ ? ", ?" : "?");
		sqlp_text(p, db_column_text(st, 0));
	}
	db_finalize(st);
	if (!n)
		strbuf_addstr(sql, "NULL");
	strbuf_addch(sql, ')');
	return rc < 0 ? -1 : 0;
}

/*
 * What a township, grid, subject or department reaches lies in its own
 * district, and a region office's in the districts under it: said in so many
 * words, PostgreSQL reads their partitions alone.  Not on SQLite, whose
 * planner would take the district's index for it instead of the narrower one.
 */
int scope_where_db(struct db *db, const struct entity_desc *ed, const struct actor *a,
		   const char *t, struct strbuf *sql, struct sqlp *p)
{
	int by_district = 0, ret;

	if (ed->flags & ENT_NATIONAL)
		return 0;
	ret = scope_rows(ed, &ed->scope, (ed->flags & ENT_REFDATA) != 0, a, t, sql, p,
			 &by_district);
	if (ret || by_district || !ed->scope.district || !db || !entity_partitioned(db, ed))
		return ret;
	if (a->role == ROLE_REGION && a->region)
		return region_districts(db, ed, a, t, sql, p);
	if (a->district) {
		strbuf_addf(sql, " AND %s.%s = ?", t, ed->scope.district);
		sqlp_text(p, a->district);
	}
	return ret;
}

int scope_where(const struct entity_desc *ed, const struct actor *a, const char *t,
		struct strbuf *sql, struct sqlp *p)
{
	return scope_where_db(NULL, ed, a, t, sql, p);
}

const struct entity_scope grid_region_scope = {
	.district = "district", .township = "township", .grid = "code",
};

int scope_where_columns(const struct entity_scope *s, const struct actor *a, const char *t,
			struct strbuf *sql, struct sqlp *p)
{
	int by_district = 0;

	return scope_rows(NULL, s, 0, a, t, sql, p, &by_district);
}

int entity_can_read(const struct entity_desc *ed, const struct actor *a)
{
	return a->role > ROLE_NONE && a->role < ROLE__COUNT &&
	       (ed->read_roles & ROLE_BIT(a->role)) && !a->must_change;
}

int entity_can_write(const struct entity_desc *ed, const struct actor *a)
{
	if (a->role == ROLE_REGION) /* where: scope_granted_actor() */
		return (ed->flags & ENT_GRANTABLE) && ed->scope.district && !a->must_change;
	return a->role > ROLE_NONE && a->role < ROLE__COUNT &&
	       (ed->write_roles & ROLE_BIT(a->role)) && !a->must_change;
}

int entity_can_reveal(const struct entity_desc *ed, const struct actor *a)
{
	/* a grant lets an office above write work lists, never read personal data */
	return a->role != ROLE_REGION && entity_can_write(ed, a);
}

enum role scope_write_role(const struct entity_desc *ed, const struct actor *a)
{
	return a->role == ROLE_REGION && (ed->flags & ENT_GRANTABLE) ? ROLE_OFFICE : a->role;
}

int scope_region_writable(const struct entity_desc *ed, const struct actor *a,
			  struct model_error *e)
{
	struct strbuf lists = STRBUF_INIT;
	int rc;

	if (entity_can_write(ed, a))
		return 0;
	scope_grantable_labels(&lists);
	rc = model_fail(e, MODEL_EFORBIDDEN, NULL, "市、省创建办只能查看%s；区县可以授权上级修改的只有%s",
			ed->label, lists.buf);
	strbuf_release(&lists);
	return rc;
}

void scope_grantable_labels(struct strbuf *out)
{
	size_t i, n = 0;

	for (i = 0; entities[i]; i++)
		if (entities[i]->flags & ENT_GRANTABLE)
			strbuf_addf(out, "%s%s", n++ ? "、" : "", entities[i]->label);
}

/* Is `district` one of the districts under `region` (a city or province office's reach)? */
static int district_in_region(struct db *db, const char *district, const char *region)
{
	const char *params[3] = { region, region, district };
	char *v = NULL;
	int ok;

	if (!region)
		return 0;
	ok = !db_query_value(db, "SELECT 1 FROM (" SCOPE_REGION_DISTRICTS ") x WHERE x.code = ?",
			     params, 3, &v, NULL) && v;
	free(v);
	return ok;
}

/*
 * Has `district` granted region office `a` list `ed`, and not revoked it?
 * 1, 0, or -1 (the database).  Read in the caller's transaction: a
 * revocation holds from its commit.
 */
static int granted(struct db *db, const struct actor *a, const struct entity_desc *ed,
		   const char *district)
{
	const char *params[3] = { district, a->region, ed->name };
	char *v = NULL;
	int ok;

	if (!district || !a->region || !(ed->flags & ENT_GRANTABLE))
		return 0;
	if (db_query_value(db, "SELECT 1 FROM region_grants WHERE district = ? AND region = ? "
			   "AND list = ? AND revoked_at IS NULL", params, 3, &v, NULL))
		return -1;
	ok = v != NULL;
	free(v);
	return ok;
}

int scope_granted_actor(struct db *db, const struct actor *a, const struct entity_desc *ed,
			const char *district, struct actor *as, struct model_error *e)
{
	char *name = NULL;
	int rc;

	if ((rc = scope_region_writable(ed, a, e)))
		return rc;
	if (!district)
		return model_fail(e, MODEL_EINVAL, "district",
				  "请指明在哪个区县新建%s（district：区县代码）", ed->label);
	if (!district_in_region(db, district, a->region))
		return model_fail(e, MODEL_EFORBIDDEN, "district", "区县“%s”不在本单位辖区内",
				  district);
	rc = granted(db, a, ed, district);
	if (rc < 0)
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	if (!rc) {
		if (db_query_value(db, "SELECT name FROM regions WHERE code = ?",
				   (const char *[]){ district }, 1, &name, NULL))
			name = NULL;
		rc = model_fail(e, MODEL_EFORBIDDEN, NULL, "%s未授权本单位修改%s，只能查看",
				name ? name : district, ed->label);
		free(name);
		return rc;
	}
	*as = *a;
	as->role = ROLE_OFFICE;
	as->district = district;
	return 0;
}

int scope_check_write(struct db *db, const struct actor *a, const struct record *r)
{
	const char *d;

	if (a->role != ROLE_REGION)
		return scope_check_record(db, a, r, 0);
	d = r->ed->scope.district ? record_get(r, r->ed->scope.district) : NULL;
	return d && district_in_region(db, d, a->region) && granted(db, a, r->ed, d) == 1;
}

/* Is `grid` a grid of village `village` (a 驻村辅警's reach)? */
static int grid_in_village(struct db *db, const char *grid, const char *village)
{
	const char *params[2] = { grid, village };
	char *v = NULL;
	int ok;

	if (!grid)
		return 0;
	ok = !db_query_value(db, "SELECT 1 FROM regions WHERE code = ? AND parent = ? AND "
			     "level = 'grid'", params, 2, &v, NULL) && v;
	free(v);
	return ok;
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

	if (r->ed->flags & ENT_NATIONAL)
		return 1;
	if (by_owner(s, (r->ed->flags & ENT_REFDATA) != 0, a->role))
		return owns_record(r, a->dept);
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
		if (!(r->ed->flags & ENT_REFDATA) && a->village && s->grid)
			return grid_in_village(db, record_get(r, s->grid), a->village);
		col = (r->ed->flags & ENT_REFDATA) ? s->district : s->grid;
		want = (r->ed->flags & ENT_REFDATA) ? a->district : a->grid;
		break;
	case ROLE_SUBJECT:
		col = (r->ed->flags & ENT_REFDATA) ? s->district : s->subject;
		want = (r->ed->flags & ENT_REFDATA) ? a->district : a->subject;
		break;
	case ROLE_REGION:
		return s->district && record_get(r, s->district) &&
		       district_in_region(db, record_get(r, s->district), a->region);
	default:
		break;
	}
	if (!col || !want)
		return 0;
	return record_get(r, col) && !strcmp(record_get(r, col), want);
}
