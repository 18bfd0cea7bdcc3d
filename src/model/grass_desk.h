/*
 * grass_desk: the grassroots at the desk (DOMAIN.md "Grassroots"; issue 15)
 * — the monthly subsidy ledger of the village auxiliary police (驻村补贴:
 * generated for the officers in post, marked paid, the finance office's
 * sheet; ledger.c) and today's patrols of the grids (一日双巡: which grid
 * has patrolled in which slot, the to-do of the missing ones by noon and by
 * evening; patrol_day.c).  Records are written through the descriptors'
 * write path (entity_validate, entity_store: hooks, scope, refusals), one
 * audit row per record and one for the action, in one transaction.
 */
#ifndef SANLING_GRASS_DESK_H
#define SANLING_GRASS_DESK_H

#include <stddef.h>

#include <jansson.h>

#include "base/date.h"
#include "model/entity.h"

struct table_writer;

/*
 * Generate the ledger of `month` (YYYY-MM, not after the current month):
 * one row per (village, officer) for every auxiliary assignment in post at
 * some day of the month within the actor's scope, amount the setting
 * police_subsidy_yuan, unpaid.  Rows already there are kept as they are
 * (natural key village|officer|month).  `*out`: {month, amount, created:
 * [rows], kept, total}.  MODEL_EINVAL `month` for a bad or future month,
 * MODEL_EFORBIDDEN for a role that may not write the ledger; nothing stored
 * on any refusal.  The system actor: every district, no audit row when
 * nothing was created (the scheduler's daily pass).
 */
int ledger_generate(const struct model_ctx *mc, const char *month, json_t **out,
		    struct model_error *e);

/*
 * Mark the month's unpaid rows (of `villages`, `n` region codes, when n >
 * 0) paid on `paid_on`: rev-checked updates through the model, one
 * transaction.  Refused (`paid_on`): not a date, in the future, before the
 * month; (`villages`): a code that is no village of the actor's district.
 * `*out`: {month, paid_on, paid, amount} (amount in yuan).
 */
int ledger_pay(const struct model_ctx *mc, const char *month, const char *paid_on,
	       const char *const *villages, size_t n, json_t **out, struct model_error *e);

/*
 * The finance office's sheet of `month` into `w`: 序号, 乡镇, 村（社区）,
 * 姓名, 警号, 月份, 补贴金额（元）, 发放日期, 签收, and a 合计 row; names, not
 * codes; within scope.  `*rows`: the ledger rows written.
 */
int ledger_sheet(const struct model_ctx *mc, const char *month, struct table_writer *w,
		 size_t *rows, struct model_error *e);

/*
 * Local (UTC+8) wall-clock day and minutes since midnight; the environment
 * variable SANLING_TEST_CLOCK ("YYYY-MM-DDTHH:MM", local) sets them for the
 * tests of the noon and evening to-dos.
 */
void grass_local_now(char day[DATE_BUFSZ], int *minutes);

/*
 * The grids in scope with grid staff active on `day` (NULL: the local
 * today; not after it), each with its patrols of the day by slot:
 * {date, items: [{grid, grid_name, village, village_name, township,
 * township_name, am: [patroller...], pm: [...], am_done, pm_done}], total,
 * missing_am, missing_pm}.
 */
int patrols_today(const struct model_ctx *mc, const char *day, json_t **out,
		  struct model_error *e);

/* The counts only: grids with staff on `day` in scope without an am, a pm patrol. */
int patrols_missing(const struct model_ctx *mc, const char *day, int64_t *am, int64_t *pm,
		    struct model_error *e);

#endif
