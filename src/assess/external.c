/*
 * external.c: the districts that run a deployment of their own and report
 * to this one (exchange_districts, migration 029; their packages are read
 * and checked by src/cli/exchange.c).  Their events and subjects are not
 * here, so nothing here may compute their determinations or cells from
 * them: assess_districts(), assess_refresh() and cells_refresh() leave
 * them out, and what their packages say is stored as their months and
 * their cells of the whole district (see assess.h).
 */
#include "assess/assess.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/cells.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "db/sqlp.h"

int assess_is_external(struct db *db, const char *district, struct strbuf *err)
{
	char *v = NULL;
	int ret;

	if (db_query_value(db, "SELECT 1 FROM exchange_districts WHERE district = ?", &district, 1,
			   &v, err))
		return -1;
	ret = v != NULL;
	free(v);
	return ret;
}

/* Is `month` among the strings of the array `months`? */
static int listed(const json_t *months, const char *month)
{
	size_t i;
	json_t *m;

	json_array_foreach(months, i, m)
		if (json_is_string(m) && !strcmp(json_string_value(m), month))
			return 1;
	return 0;
}

/*
 * Month `m` of the external `district` as its package says: published or
 * not, and for the package's own month its publication.  Never computed
 * here (version -1): the writes keep nothing of it, the reads compute
 * nothing of it.
 */
static int store_month(struct db *db, const char *district, const char *m, int published,
		       int64_t publication, int64_t published_at, struct strbuf *err)
{
	struct sqlp p = SQLP_INIT;
	int ret;

	sqlp_text(&p, district);
	sqlp_text(&p, m);
	sqlp_int(&p, time_now());
	sqlp_int(&p, published);
	if (publication) {
		sqlp_int(&p, published_at);
		sqlp_text(&p, "exchange");
	} else {
		sqlp_text(&p, NULL);
		sqlp_text(&p, NULL);
	}
	sqlp_int(&p, publication);
	ret = sqlp_run(db, "INSERT INTO assess_months (district, month, computed_version, computed_at, "
		       "published, published_at, published_by, publication) VALUES (?, ?, -1, ?, ?, "
		       "?, ?, ?) ON CONFLICT (district, month) DO UPDATE SET computed_version = -1, "
		       "computed_at = excluded.computed_at, published = excluded.published, "
		       "published_at = COALESCE(excluded.published_at, assess_months.published_at), "
		       "published_by = COALESCE(excluded.published_by, assess_months.published_by), "
		       "publication = CASE WHEN excluded.publication > 0 THEN excluded.publication "
		       "ELSE assess_months.publication END", &p, err);
	sqlp_release(&p);
	if (ret)
		return ret;
	sqlp_text(&p, district);
	sqlp_text(&p, m);
	ret = sqlp_run(db, "INSERT INTO figure_months (district, month, assess_version, figure_version) "
		       "VALUES (?, ?, -1, -1) ON CONFLICT (district, month) DO UPDATE SET "
		       "assess_version = -1, figure_version = -1", &p, err);
	sqlp_release(&p);
	return ret;
}

int assess_external_store(struct db *db, const char *district, const char *month,
			  int64_t publication, int64_t published_at, const json_t *provisional,
			  const json_t *cells, struct strbuf *err)
{
	char m[8], next[8];

	for (snprintf(m, sizeof(m), "%.4s-01", month); strcmp(m, month) <= 0;
	     snprintf(m, sizeof(m), "%s", next)) {
		int own = !strcmp(m, month);
		if (store_month(db, district, m, own || !listed(provisional, m), own ? publication : 0,
				published_at, err) ||
		    month_add(m, 1, next))
			return -1;
	}
	return cells_import(db, district, month, cells, err);
}
