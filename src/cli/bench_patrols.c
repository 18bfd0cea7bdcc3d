/*
 * bench_patrols.c: a benchmark district's grids and a year of its patrols
 * (一日双巡; see bench_data.h, `gen scale --patrols YEAR`).  The district
 * has opt->grids grids: its villages' own (one each, bench_data.c) and the
 * rest as second, third ... grids under the villages in order.  Every grid
 * has two patrollers, the 网格长 in the morning and a 网格员 in the
 * afternoon, and each slot of each day of the year is patrolled unless the
 * plan misses it (opt->miss_permille of the slots, drawn independently).
 * Rows are written grid by grid, day by day, am before pm, either into the
 * patrols table through the bulk path (as the descriptor's hook would have
 * stored them: village, township and district from the grid) or, with
 * opt->patrol_csv, as rows of the patrols template (`sanling template
 * patrols`) for the import benchmark.
 *
 * The draws come from a stream of their own (seed and county), so that the
 * district's other rows are the same with or without patrols.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/strbuf.h"
#include "cli/bench_int.h"

static const char *const notes[] = {
	"未发现异常", "未发现异常", "未发现异常", "未发现异常", "走访商户，宣传防范电信诈骗",
	"发现路灯损坏，已报乡镇", "调解邻里噪声纠纷一起", "检查出租房屋消防设施",
};

const char *bench_grid_code(struct gen *g, int k, char *buf, size_t size)
{
	if (k < NVILL)
		return g->vill[k].grid;
	snprintf(buf, size, "%s%02d", g->vill[k % NVILL].code, 1 + k / NVILL);
	return buf;
}

int bench_load_grids(struct gen *g, struct strbuf *err)
{
	char code[64];
	int k;

	for (k = NVILL; k < g->opt->grids; k++) {
		const struct village *v = &g->vill[k % NVILL];
		SET(g, "code", bench_rowf(&g->row, "%s", bench_grid_code(g, k, code, sizeof(code))));
		SET(g, "name", bench_rowf(&g->row, "第%d网格", k + 1));
		SET(g, "level", "grid");
		SET(g, "parent", v->code);
		SET(g, "district", g->code);
		SET(g, "township", town_code(g, v->township));
		SET(g, "active", "1");
		if (bench_load_row(g, err))
			return -1;
	}
	return 0;
}

/* One patrol: into the bulk load, or a line of the CSV. */
static int patrol_row(struct gen *g, const char *no, const char *grid, const char *patroller,
		      const char *day, const char *slot, const char *start, const char *end,
		      const char *note, const struct village *v, struct strbuf *err)
{
	if (g->opt->patrol_csv) {
		if (fprintf(g->opt->patrol_csv, "%s,%s,%s,%s,%s,%s,%s,%s\n", no, grid, patroller,
			    day, slot, start, end, note) < 0) {
			strbuf_addstr(err, "patrols: cannot write the CSV file");
			return -1;
		}
		g->rows[T_PATROLS]++;
		g->district_rows++;
		return 0;
	}
	SET(g, "no", no);
	SET(g, "grid", grid);
	SET(g, "patroller", patroller);
	SET(g, "patrolled_on", day);
	SET(g, "slot", slot);
	SET(g, "started_at", start);
	SET(g, "ended_at", end);
	SET(g, "notes", note);
	SET(g, "village", v->code);
	SET(g, "township", town_code(g, v->township));
	SET(g, "district", g->code);
	return bench_load_row(g, err);
}

/* HH:MM of `min` minutes after midnight */
static void hhmm(int min, char out[8])
{
	snprintf(out, 8, "%02d:%02d", min / 60 % 24, min % 60);
}

static int grid_patrols(struct gen *g, struct rng *r, int k, int64_t day0, int ndays,
			struct strbuf *err)
{
	const struct village *v = &g->vill[k % NVILL];
	char code[64], who[2][96], day[DATE_BUFSZ], no[96], start[8], end[8];
	const char *grid = bench_grid_code(g, k, code, sizeof(code));
	int d, s;

	/* names carry the grid: one person, one patrol a slot, across the province */
	for (s = 0; s < 2; s++)
		snprintf(who[s], sizeof(who[s]), "%s%s%s", SAMPLE_PICK(r, bench_surnames),
			 SAMPLE_PICK(r, bench_given), grid);
	for (d = 0; d < ndays; d++) {
		date_from_days(day0 + d, day);
		for (s = 0; s < 2; s++) {
			int at = (s ? 14 * 60 : 8 * 60) + sample_below(r, 150);
			if (sample_below(r, 1000) < g->opt->miss_permille)
				continue;
			hhmm(at, start);
			hhmm(at + 30 + sample_below(r, 60), end);
			snprintf(no, sizeof(no), "XC%s%.4s%.2s%.2s%c", grid, day, day + 5, day + 8,
				 s ? 'P' : 'A');
			if (patrol_row(g, no, grid, who[s], day, s ? "pm" : "am", start, end,
				       SAMPLE_PICK(r, notes), v, err))
				return -1;
		}
	}
	return 0;
}

int bench_load_patrols(struct gen *g, struct strbuf *err)
{
	char first[16];
	struct rng r;
	int64_t day0;
	int k, ndays, y = g->opt->patrol_year;

	snprintf(first, sizeof(first), "%04d-01-01", y % 10000);
	day0 = date_days(first);
	ndays = date_is_leap(y) ? 366 : 365;
	rng_init(&r, RNG_SPLITMIX,
		 g->seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(g->county + 1)) ^ 0x706174726f6cULL);
	rng_next(&r);
	if (!g->opt->patrol_csv && bench_load_begin(g, T_PATROLS, err))
		return -1;
	for (k = 0; k < g->opt->grids; k++)
		if (grid_patrols(g, &r, k, day0, ndays, err))
			goto fail;
	return g->opt->patrol_csv ? 0 : bench_load_end(g, err);
fail:
	if (!g->opt->patrol_csv)
		bench_load_end(g, NULL);
	return -1;
}
