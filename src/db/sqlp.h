/*
 * sqlp: the bound parameters of a statement that is assembled piece by
 * piece (filters, scope predicates, lists of codes): each piece appends its
 * SQL text with `?` and its values here, and all are bound in one go.
 * Values are always parameters, never SQL text.
 */
#ifndef SANLING_SQLP_H
#define SANLING_SQLP_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct db_stmt;
struct strbuf;

/* Bound parameters collected while SQL is assembled (as many as it needs). */
struct sqlp {
	size_t n, alloc;
	struct sqlp_value {
		int is_int;
		char *s;
		int64_t i;
	} *v;
};
#define SQLP_INIT { 0, 0, NULL }
void sqlp_text(struct sqlp *p, const char *s);
void sqlp_int(struct sqlp *p, int64_t i);
/* Bind all, the first as parameter `first`. */
void sqlp_bind(const struct sqlp *p, struct db_stmt *st, int first);
void sqlp_release(struct sqlp *p);
/* Run a statement that returns no rows, with the parameters `p`: 0, or -1 with err. */
int sqlp_run(struct db *db, const char *sql, const struct sqlp *p, struct strbuf *err);
/*
 * Run `sql` with parameters `p` and fill `out` with the first `n` integer
 * columns of its one row (0 for NULL or no row): counts and sums.  0 or -1.
 */
int sqlp_aggregate(struct db *db, const char *sql, const struct sqlp *p, int64_t *out, int n,
		   struct strbuf *err);

#endif
