/*
 * cards.c: the daily card pass of 督办 (see jobs.h, jobs_cards): three
 * set-wise UPDATEs on the open supervisions and one audit row with their
 * counts, in one transaction.  What makes a card is the supervision's own
 * dates (due_on, red_from), counted in working days when it was written
 * (src/model/duban.c); the pass only compares them with today.
 */
#include "jobs/jobs.h"

#include <stdio.h>

#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/audit.h"
#include "model/role.h"

/* past due: a yellow card; from red_from on: red; the day after the due date: 催办 */
static const char *const card_sql[] = {
	"UPDATE supervisions SET card = 'yellow', yellow_on = ?, updated_at = CAST(? AS BIGINT), "
	"rev = rev + 1 WHERE status <> 'closed' AND due_on < ? AND card = 'none'",
	"UPDATE supervisions SET card = 'red', red_on = ?, updated_at = CAST(? AS BIGINT), "
	"rev = rev + 1 WHERE status <> 'closed' AND red_from <= ? AND card <> 'red'",
	"UPDATE supervisions SET reminded_on = ?, updated_at = CAST(? AS BIGINT), rev = rev + 1 "
	"WHERE status <> 'closed' AND due_on < ? AND reminded_on IS NULL",
};

int jobs_cards(struct db *db, const char *today, struct cards_counts *out, struct strbuf *err)
{
	int64_t *count[] = { &out->yellow, &out->red, &out->reminded };
	char now[24], detail[120];
	struct actor sys;
	size_t i;

	out->yellow = out->red = out->reminded = 0;
	if (!today || !date_valid(today)) {
		strbuf_addf(err, "cards: not a date: %s", today ? today : "(none)");
		return -1;
	}
	snprintf(now, sizeof(now), "%lld", (long long)time_now());
	if (db_begin(db, err))
		return -1;
	for (i = 0; i < sizeof(card_sql) / sizeof(card_sql[0]); i++) {
		struct db_stmt *st;
		int rc;

		if (db_prepare(db, card_sql[i], &st, err))
			goto fail;
		db_bind_text(st, 1, today);
		db_bind_text(st, 2, now);
		db_bind_text(st, 3, today);
		rc = db_step(st, err);
		*count[i] = rc < 0 ? 0 : db_changes(st);
		db_finalize(st);
		if (rc < 0)
			goto fail;
	}
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
