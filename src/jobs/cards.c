/*
 * cards.c: the daily card pass of 督办 (see jobs.h, jobs_cards): three
 * set-wise UPDATEs on the open supervisions and one audit row with their
 * counts, in one transaction.  What makes a card is the supervision's own
 * dates (due_on, red_from), counted in working days when it was written
 * (src/model/duban.c); the pass only compares them with today.
 */
#include "jobs/jobs.h"

#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/audit.h"
#include "model/role.h"

/*
 * past due: a yellow card; from red_from on: red; the day after the due
 * date: 催办.  One statement for the three rules, so that each row is
 * written once (each SET reads the row as it was); its counts are read
 * first by the same rules, in the same transaction.  ?1 is today, ?2 now.
 */
#define DUE "due_on < ?1"
#define YELLOW DUE " AND card = 'none'"
#define RED "red_from <= ?1 AND card <> 'red'"
#define REMIND DUE " AND reminded_on IS NULL"
#define OPEN "status <> 'closed' AND ((" YELLOW ") OR (" RED ") OR (" REMIND "))"

/* the counts, by the same rules, in one scan */
static const char count_sql[] =
	"SELECT COALESCE(SUM(CASE WHEN " YELLOW " THEN 1 ELSE 0 END), 0), "
	"COALESCE(SUM(CASE WHEN " RED " THEN 1 ELSE 0 END), 0), "
	"COALESCE(SUM(CASE WHEN " REMIND " THEN 1 ELSE 0 END), 0) FROM supervisions WHERE " OPEN;
/*
 * the to-do versions move (every district's: a district has a version
 * from its first write to a to-do's list, supervisions included; one whose
 * cards did not change refetches its to-dos once, which is cheaper than
 * finding the districts that changed)
 */
static const char bump_sql[] = "UPDATE todo_versions SET version = version + 1";
static const char card_sql[] =
	"UPDATE supervisions SET "
	"card = CASE WHEN red_from <= ?1 THEN 'red' WHEN " YELLOW " THEN 'yellow' ELSE card END, "
	"yellow_on = CASE WHEN " YELLOW " THEN ?1 ELSE yellow_on END, "
	"red_on = CASE WHEN " RED " THEN ?1 ELSE red_on END, "
	"reminded_on = CASE WHEN " REMIND " THEN ?1 ELSE reminded_on END, "
	"updated_at = CAST(?2 AS BIGINT), rev = rev + 1 WHERE " OPEN;

int jobs_cards(struct db *db, const char *today, struct cards_counts *out, struct strbuf *err)
{
	int64_t *count[] = { &out->yellow, &out->red, &out->reminded };
	char now[24], detail[120];
	struct actor sys;
	struct db_stmt *st;
	size_t i;
	int rc;

	out->yellow = out->red = out->reminded = 0;
	if (!today || !date_valid(today)) {
		strbuf_addf(err, "cards: not a date: %s", today ? today : "(none)");
		return -1;
	}
	snprintf(now, sizeof(now), "%lld", (long long)time_now());
	if (db_begin(db, err))
		return -1;
	if (db_prepare(db, count_sql, &st, err))
		goto fail;
	db_bind_text(st, 1, today);
	rc = db_step(st, err);
	for (i = 0; rc == DB_ROW && i < 3; i++)
		*count[i] = db_column_int64(st, (int)i);
	db_finalize(st);
	if (rc != DB_ROW)
		goto fail;
	/* what the pass changes changes to-dos (督办待反馈, 催办) */
	if ((out->yellow || out->red || out->reminded) && db_prepare(db, bump_sql, &st, err))
		goto fail;
	if (out->yellow || out->red || out->reminded) {
		rc = db_step(st, err);
		db_finalize(st);
		if (rc < 0)
			goto fail;
	}
	if (db_prepare(db, card_sql, &st, err))
		goto fail;
	db_bind_text(st, 1, today);
	db_bind_text(st, 2, now);
	rc = db_step(st, err);
	db_finalize(st);
	if (rc < 0)
		goto fail;
	actor_system(&sys);
	snprintf(detail, sizeof(detail), "today=%s yellow=%lld red=%lld reminded=%lld", today,
		 (long long)out->yellow, (long long)out->red, (long long)out->reminded);
	if (audit_append(db, &sys, "supervisions.cards", "supervisions", "ok", detail, err) ||
	    db_commit(db, err))
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return -1;
}
