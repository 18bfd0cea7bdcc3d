/*
 * demo_grass.c: the demo district's grassroots (DOMAIN.md, "Grassroots";
 * issue 15), January to August 2023 as demo_work.c's year: the grids and
 * their staff, 一日双巡 patrols, household visits, the police network (一村一警)
 * with its subsidy ledger and equipment, the 1+5+N informants, 联乡包村
 * cadres and their visits, and two 六防六促 campaigns.
 *
 * Planned, not drawn, so that the figures are known (docs/architecture.md,
 * "The demo district"): every date, person and gap follows from a row's
 * place in the plan; only phones and household heads come from a random
 * stream of this file's own.  The plan:
 *
 * - Grids: every village keeps its grid (demo_data.c); the villages of the
 *   two pilot townships of 一日双巡 on the system, 白楼镇 and 临蔡镇, get a
 *   second grid.  Every grid has a leader (网格长) and a member (网格员) since
 *   2022; a pilot grid has a second member, and some of its staff change
 *   in 2023 (a member in every ninth grid on May 1st, a leader in every
 *   thirteenth on June 16th).
 * - Patrols: the pilot grids only, every day from January 1st to August
 *   31st, the leader in the morning and a member in the afternoon — but
 *   for the planned missed slots (missed() below: whole days, mornings,
 *   afternoons, and one grid's week in February).
 * - Household visits: a visit a month in every grid, three in a pilot grid,
 *   the kinds in turn.
 * - The police network: 4 officers (民警) in an even township, 5 in an odd
 *   one, since 2022 (one leaves on April 30th and is replaced on May 1st,
 *   one leaves on June 30th unreplaced); an auxiliary (驻村辅警) in every
 *   village but three, three coming in 2023 and one leaving in May,
 *   replaced in June.  The ledger: a row for every month an auxiliary was
 *   in post, 500 yuan (600 in a community), paid on the 10th of the next
 *   month — August's not yet, nor May's of one village (the planned unpaid
 *   one).  An electric bicycle for every auxiliary, a body camera for every
 *   officer.
 * - Informants: six of six industries for most officers (the "1+5" and one
 *   of the "N"); every eleventh officer's five cover four industries only,
 *   another has five, one of whom leaves at the end of April, and the May
 *   replacement builds his network from May to July.
 * - Cadres: one of four 政法 units' cadres for every five villages of a
 *   township (two villages without); one cadre leaves on June 20th and his
 *   villages are taken over on July 10th.  Their visits: each village in
 *   January, March, May and July.
 *
 * The demo's test (tests/api/demo_grass.test.mjs) counts every grassroots
 * figure from the exported lists and compares it with the server's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "cli/demo_int.h"

#define FIRST "2023-01-01"
#define NDAYS 243 /* 2023-01-01 .. 2023-08-31, the demo's today */
#define MONTHS 8
#define PILOT(t) ((t) == 1 || (t) == 2) /* 白楼镇, 临蔡镇 */
#define NAMES_PER_PILOT 5

struct grid {
	char code[40];
	int village, pilot, k; /* the village's index; pilot: its index among the pilot grids */
};

struct grass {
	struct db *db;
	const struct crypto_keys *keys;
	const struct place *villages;
	struct grid *grids;
	int ngrids;
	struct rng r;
};

static const char *const visit_kinds[5] = { "routine", "difficulty", "dispute", "safety", "other" };
static const char *const industries[10] = {
	"agriculture", "commerce", "transport", "education", "health",
	"construction", "catering", "logistics", "finance", "other",
};
static const char *const cadre_units[4] = { "SLB", "XFJ", "GAJ", "YJJ" };

/* villages planned otherwise (indices into the villages) */
static const int no_auxiliary[] = { 100, 250, 400 };
static const int late_auxiliary[] = { 150, 300, 450 };
static const char *const late_from[] = { "2023-03-15", "2023-06-01", "2023-07-20" };
#define LEFT_AUXILIARY 200 /* left 2023-05-20, replaced 2023-06-10 */
#define UNPAID_VILLAGE 120 /* May's subsidy not paid */
static const int no_cadre[] = { 60, 61 };

static int in_list(int v, const int *list, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (list[i] == v)
			return i;
	return -1;
}
#define IN_LIST(v, a) in_list(v, a, (int)(sizeof(a) / sizeof((a)[0])))

/* Person number `k`: distinct for k < 1200 (40 surnames × 30 given names). */
static void name_of(int k, struct strbuf *out)
{
	strbuf_addf(out, "%s%s", demo_surnames[k % 40], demo_given_names[(k / 40 + k) % 30]);
}

static void day_of(int d, char out[DATE_BUFSZ])
{
	date_add_days(FIRST, d, out);
}

/* Does pilot grid `gi` miss slot `slot` (0 am, 1 pm) of day `d`? */
static int missed(int gi, int d, int slot)
{
	if ((gi * 17 + d) % 211 == 5)
		return 1; /* the whole day */
	if (gi == 7 && d >= 40 && d <= 46)
		return 1; /* a week in February: the grid's staff away */
	if (slot == 1 && (gi * 31 + d * 7) % 97 == 0)
		return 1;
	return slot == 0 && (gi * 13 + d * 5) % 149 == 0;
}

/* The staff of pilot grid `gi` on `date`: its leader (0) or the patrolling member (1). */
static int staff_on(int gi, int who, const char *date)
{
	int k = gi * NAMES_PER_PILOT;

	if (who == 0)
		return gi % 13 == 6 && strcmp(date, "2023-06-15") > 0 ? k + 4 : k;
	return gi % 9 == 4 && strcmp(date, "2023-04-30") > 0 ? k + 3 : k + 1;
}

static int load(struct grass *g, const char *kind, const struct strbuf *csv, struct strbuf *err)
{
	return demo_load_as(g->db, g->keys, kind, csv, DISTRICT, err);
}

/* The pilot villages' second grids, and every grid in `g->grids`. */
static int grids(struct grass *g, struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT;
	int v, n = 0, pilot = 0, ret;

	g->grids = xcalloc(2 * NVILLAGES, sizeof(*g->grids));
	strbuf_addstr(&csv, "code,name,level,parent\n");
	for (v = 0; v < NVILLAGES; v++) {
		const struct place *p = &g->villages[v];
		struct grid *a = &g->grids[n++];
		snprintf(a->code, sizeof(a->code), "%s", p->grid);
		a->village = v;
		a->pilot = PILOT(p->township) ? pilot++ : -1;
		if (!PILOT(p->township))
			continue;
		a = &g->grids[n++];
		snprintf(a->code, sizeof(a->code), "%s02", p->code);
		a->village = v;
		a->pilot = pilot++;
		strbuf_addf(&csv, "%s,", a->code);
		demo_cellf(&csv, 0, "%s第二网格", p->name);
		strbuf_addf(&csv, "grid,%s\n", p->code);
	}
	g->ngrids = n;
	ret = demo_load_as(g->db, g->keys, "regions", &csv, NULL, err);
	strbuf_release(&csv);
	return ret;
}

static void staff_row(struct grass *g, struct strbuf *csv, const char *grid, int k,
		      const char *role, const char *from, const char *to)
{
	struct strbuf s = STRBUF_INIT;

	strbuf_addf(csv, "%s,", grid);
	name_of(k, &s);
	demo_csv_cell(csv, s.buf, 0);
	strbuf_reset(&s);
	demo_phone(&g->r, &s);
	strbuf_addf(csv, "%s,%s,%s,%s\n", role, s.buf, from, to);
	strbuf_release(&s);
}

/* Grid staff: a leader and a member everywhere; the pilot grids' second members and changes. */
static int staff(struct grass *g, struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT;
	int i, ret;

	strbuf_addstr(&csv, "grid,name,role,phone,from,to\n");
	for (i = 0; i < g->ngrids; i++) {
		const struct grid *a = &g->grids[i];
		int gi = a->pilot, k = gi * NAMES_PER_PILOT;
		if (gi < 0) {
			/* beyond the pilot's names: people of the same name in other villages */
			staff_row(g, &csv, a->code, 600 + 2 * i, "leader", "2022-01-01", "");
			staff_row(g, &csv, a->code, 601 + 2 * i, "member", "2022-01-01", "");
			continue;
		}
		staff_row(g, &csv, a->code, k, "leader", "2022-01-01",
			  gi % 13 == 6 ? "2023-06-15" : "");
		staff_row(g, &csv, a->code, k + 1, "member", "2022-01-01",
			  gi % 9 == 4 ? "2023-04-30" : "");
		staff_row(g, &csv, a->code, k + 2, "member", "2022-03-01", "");
		if (gi % 9 == 4)
			staff_row(g, &csv, a->code, k + 3, "member", "2023-05-01", "");
		if (gi % 13 == 6)
			staff_row(g, &csv, a->code, k + 4, "leader", "2023-06-16", "");
	}
	ret = load(g, "grid_staff", &csv, err);
	strbuf_release(&csv);
	return ret;
}

static const char *const patrol_notes[4] = {
	"", "巡查村内主干道和重点户，未发现异常", "",
	"排查出租房屋和独居老人，宣传防诈骗、防溺水",
};

/* 一日双巡 in the pilot grids, but for the missed slots. */
static int patrols(struct grass *g, struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT, who = STRBUF_INIT;
	int i, d, slot, no = 0, ret;

	strbuf_addstr(&csv, "no,grid,patroller,patrolled_on,slot,started_at,ended_at,notes\n");
	for (i = 0; i < g->ngrids; i++) {
		const struct grid *a = &g->grids[i];
		if (a->pilot < 0)
			continue;
		for (d = 0; d < NDAYS; d++) {
			char day[DATE_BUFSZ];
			day_of(d, day);
			for (slot = 0; slot < 2; slot++) {
				int min = (a->pilot * 7 + d * 3 + slot * 11) % 50;
				if (missed(a->pilot, d, slot))
					continue;
				strbuf_reset(&who);
				name_of(staff_on(a->pilot, slot, day), &who);
				strbuf_addf(&csv, "XC2023-%06d,%s,%s,%s,%s,%02d:%02d,%02d:%02d,", ++no,
					    a->code, who.buf, day, slot ? "pm" : "am", slot ? 15 : 8, min,
					    slot ? 16 : 9, min + 5);
				demo_csv_cell(&csv, patrol_notes[(d + slot) % 4], 1);
			}
		}
	}
	ret = load(g, "patrols", &csv, err);
	strbuf_release(&csv);
	strbuf_release(&who);
	return ret;
}

static const char *const visit_needs[5] = {
	"", "家庭困难，申请临时救助", "邻里宅基地边界纠纷", "燃气使用和防溺水安全宣传", "反映道路照明问题",
};
static const char *const visit_follow[5] = {
	"", "已报村委会，协助申请", "已调解，双方达成协议", "", "已转乡镇处理",
};

/* A visit a month in every grid, three in a pilot grid; the kinds in turn. */
static int visits(struct grass *g, struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT, s = STRBUF_INIT;
	int i, m, j, no = 0, ret;

	strbuf_addstr(&csv, "no,grid,visitor,visited_on,address,kind,needs,head,follow_up\n");
	for (i = 0; i < g->ngrids; i++) {
		const struct grid *a = &g->grids[i];
		const struct place *p = &g->villages[a->village];
		int n = a->pilot < 0 ? 1 : 3;
		for (m = 0; m < MONTHS; m++) {
			for (j = 0; j < n; j++) {
				int kind = (i + m + j) % 5, day = 1 + (i * 3 + m * 5 + j * 9) % 28;
				char date[24];
				snprintf(date, sizeof(date), "2023-%02d-%02d", (m + 1) % 100, day % 100);
				strbuf_reset(&s);
				if (a->pilot < 0)
					name_of(600 + 2 * i, &s); /* its leader */
				else
					name_of(j == 1 ? a->pilot * NAMES_PER_PILOT + 2 :
						staff_on(a->pilot, 0, date), &s);
				strbuf_addf(&csv, "ZF2023-%06d,%s,", ++no, a->code);
				demo_csv_cell(&csv, s.buf, 0);
				strbuf_addf(&csv, "%s,", date);
				demo_cellf(&csv, 0, "%s%d组%d号", p->name, 1 + (i + j) % 8,
					   1 + (m * 7 + j * 13 + i) % 60);
				strbuf_addf(&csv, "%s,", visit_kinds[kind]);
				demo_csv_cell(&csv, visit_needs[kind], 0);
				strbuf_reset(&s);
				demo_person(&g->r, &s);
				demo_csv_cell(&csv, s.buf, 0);
				demo_csv_cell(&csv, visit_follow[kind], 1);
			}
		}
	}
	ret = load(g, "household_visits", &csv, err);
	strbuf_release(&csv);
	strbuf_release(&s);
	return ret;
}

/* The officer `j` of township `t`: its police number. */
static void officer_no(int t, int j, char out[16])
{
	snprintf(out, 16, "416%03d", t * 10 + j);
}

/* When auxiliary of village `v` came (NULL: none) and, for the one who left, went. */
static const char *aux_from(int v)
{
	int i = IN_LIST(v, late_auxiliary);

	if (IN_LIST(v, no_auxiliary) >= 0)
		return NULL;
	return i >= 0 ? late_from[i] : "2022-01-01";
}

static int police(struct grass *g, struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT, s = STRBUF_INIT;
	int t, j, v, ret;
	char no[16];

	strbuf_addstr(&csv, "officer,police_no,kind,township,village,from,to\n");
	for (t = 0; t < NTOWNSHIPS; t++) {
		for (j = 0; j < 4 + t % 2; j++) {
			strbuf_reset(&s);
			name_of(900 + t * 10 + j, &s);
			officer_no(t, j, no);
			strbuf_addf(&csv, "%s,%s,officer,", s.buf, no);
			demo_township_code(t, &csv);
			strbuf_addf(&csv, ",2022-01-01,%s\n", t == 3 && j == 0 ? "2023-04-30" :
				    t == 7 && j == 4 ? "2023-06-30" : "");
		}
	}
	/* the replacement in 安岭镇 */
	officer_no(3, 9, no);
	strbuf_reset(&s);
	name_of(900 + 3 * 10 + 9, &s);
	strbuf_addf(&csv, "%s,%s,officer,", s.buf, no);
	demo_township_code(3, &csv);
	strbuf_addstr(&csv, ",2023-05-01,\n");
	for (v = 0; v < NVILLAGES; v++) {
		const char *from = aux_from(v);
		if (!from)
			continue;
		strbuf_reset(&s);
		name_of(1100 + v, &s);
		strbuf_addf(&csv, "%s,FJ%04d,auxiliary,", s.buf, v + 1);
		demo_township_code(g->villages[v].township, &csv);
		strbuf_addf(&csv, "%s,%s,%s\n", g->villages[v].code, from,
			    v == LEFT_AUXILIARY ? "2023-05-20" : "");
		if (v != LEFT_AUXILIARY)
			continue;
		strbuf_reset(&s);
		name_of(1100 + NVILLAGES + v, &s);
		strbuf_addf(&csv, "%s,FJ%04d,auxiliary,", s.buf, 5000 + v + 1);
		demo_township_code(g->villages[v].township, &csv);
		strbuf_addf(&csv, "%s,2023-06-10,\n", g->villages[v].code);
	}
	ret = load(g, "police_assignments", &csv, err);
	strbuf_release(&csv);
	strbuf_release(&s);
	return ret;
}

/* One ledger row: auxiliary `no` in village `v`, month `m` (1..8). */
static void subsidy_row(struct grass *g, struct strbuf *csv, int v, int no, int m)
{
	/* paid on the 10th of the next month, by the demo's today: not August's */
	int paid = m < MONTHS && !(v == UNPAID_VILLAGE && m == 5);

	strbuf_addf(csv, "%s,FJ%04d,2023-%02d,%s,", g->villages[v].code, no, m,
		    v < NCOMMUNITIES ? "600" : "");
	if (paid)
		strbuf_addf(csv, "2023-%02d-10\n", m + 1);
	else
		strbuf_addstr(csv, "\n");
}

/* The monthly ledger of the auxiliaries in post, and the equipment issued. */
static int ledger(struct grass *g, struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT;
	int v, m, t, j, n = 0, ret;

	strbuf_addstr(&csv, "village,officer,month,amount,paid_on\n");
	for (v = 0; v < NVILLAGES; v++) {
		const char *from = aux_from(v);
		if (!from)
			continue;
		for (m = 1; m <= MONTHS; m++) {
			char first[24];
			snprintf(first, sizeof(first), "2023-%02d-01", m % 100);
			/* in post some day of the month: came before its end, left after its start */
			if (strncmp(from, first, 7) > 0)
				continue;
			if (v == LEFT_AUXILIARY && m >= 6)
				subsidy_row(g, &csv, v, 5000 + v + 1, m);
			if (v != LEFT_AUXILIARY || m <= 5)
				subsidy_row(g, &csv, v, v + 1, m);
		}
	}
	ret = load(g, "police_subsidies", &csv, err);
	strbuf_reset(&csv);
	strbuf_addstr(&csv, "no,item,officer,issued_on\n");
	for (v = 0; !ret && v < NVILLAGES; v++) {
		const char *from = aux_from(v);
		if (from)
			strbuf_addf(&csv, "ZB2023-%04d,警用电动自行车,FJ%04d,%s\n", ++n, v + 1,
				    strcmp(from, "2023-03-01") > 0 ? from : "2023-03-01");
	}
	for (t = 0; !ret && t < NTOWNSHIPS; t++) {
		for (j = 0; j < 4 + t % 2; j++) {
			char no[16];
			officer_no(t, j, no);
			strbuf_addf(&csv, "ZB2023-%04d,执法记录仪,%s,2023-02-01\n", ++n, no);
		}
	}
	if (!ret)
		ret = load(g, "police_equipment", &csv, err);
	strbuf_release(&csv);
	return ret;
}

static void informant_row(struct grass *g, struct strbuf *csv, int k, const char *industry,
			  const char *officer, const char *from, const char *to)
{
	struct strbuf s = STRBUF_INIT;

	name_of(k, &s);
	demo_csv_cell(csv, s.buf, 0);
	strbuf_reset(&s);
	demo_phone(&g->r, &s);
	strbuf_addf(csv, "%s,%s,%s,%s,%s\n", industry, s.buf, officer, from, to);
	strbuf_release(&s);
}

/*
 * 1+5+N: six informants of six industries an officer; every eleventh
 * officer's five cover four industries; one's informant leaves in April;
 * the May replacement's network grows to five from May to July.
 */
static int informants(struct grass *g, struct strbuf *err)
{
	static const char *const grows[5] = { "2023-05-10", "2023-05-25", "2023-06-12", "2023-06-28",
					      "2023-07-15" };
	struct strbuf csv = STRBUF_INIT;
	int t, j, i, o = 0, ret;
	char no[16];

	strbuf_addstr(&csv, "name,industry,phone,officer,from,to\n");
	for (t = 0; t < NTOWNSHIPS; t++) {
		for (j = 0; j < 4 + t % 2; j++, o++) {
			int short_net = o % 11 == 3, n = short_net || o == 17 ? 5 : 6;
			officer_no(t, j, no);
			for (i = 0; i < n; i++) {
				/* the short network: its fifth is of its first's industry */
				const char *ind = industries[(o + (short_net && i == 4 ? 0 : i)) % 10];
				informant_row(g, &csv, 2000 + o * 6 + i, ind, no, "2022-06-01",
					      o == 17 && i == 2 ? "2023-04-30" : "");
			}
		}
	}
	officer_no(3, 9, no);
	for (i = 0; i < 5; i++)
		informant_row(g, &csv, 2000 + o * 6 + i, industries[(i + 3) % 10], no, grows[i], "");
	ret = load(g, "informants", &csv, err);
	strbuf_release(&csv);
	return ret;
}

/* 联乡包村: a cadre for every five villages of a township (in village order), and visits. */
static int cadres(struct grass *g, struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT, visits = STRBUF_INIT, s = STRBUF_INIT;
	int t, v, m, c = 0, no = 0, ret;

	strbuf_addstr(&csv, "cadre,unit,village,from,to\n");
	strbuf_addstr(&visits, "no,cadre,village,visited_on,findings\n");
	for (t = 0; t < NTOWNSHIPS; t++) {
		int in_t = 0;
		for (v = 0; v < NVILLAGES; v++) {
			int cadre, left;
			if (g->villages[v].township != t || IN_LIST(v, no_cadre) >= 0)
				continue;
			if (in_t++ % 5 == 0)
				c++;
			cadre = c;
			left = cadre == 10; /* leaves 2023-06-20; cadre 0 takes over 2023-07-10 */
			strbuf_reset(&s);
			name_of(3000 + cadre, &s);
			strbuf_addf(&csv, "%s,%s,%s,2022-02-01,%s\n", s.buf, cadre_units[cadre % 4],
				    g->villages[v].code, left ? "2023-06-20" : "");
			if (left) {
				strbuf_reset(&s);
				name_of(3000, &s);
				strbuf_addf(&csv, "%s,SLB,%s,2023-07-10,\n", s.buf, g->villages[v].code);
			}
			for (m = 1; m <= MONTHS; m += 2) {
				strbuf_reset(&s);
				name_of(3000 + (left && m == 7 ? 0 : cadre), &s);
				strbuf_addf(&visits, "BC2023-%05d,%s,%s,2023-%02d-%02d,", ++no, s.buf,
					    g->villages[v].code, m, 12 + (v + m) % 15);
				demo_cellf(&visits, 1, "走访%s，了解矛盾纠纷排查和平安建设情况",
					   g->villages[v].name);
			}
		}
	}
	ret = load(g, "cadre_assignments", &csv, err) ||
	      load(g, "cadre_visits", &visits, err);
	strbuf_release(&csv);
	strbuf_release(&visits);
	strbuf_release(&s);
	return ret;
}

static int campaigns(struct grass *g, struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT;
	int ret;

	strbuf_addstr(&csv, "no,name,kind,from,to\n"
		      "ZX2023-01,春节前后“六防六促”矛盾纠纷排查化解专项行动,六防六促,2023-01-10,2023-02-28\n"
		      "ZX2023-02,夏季“六防六促”治安打击整治专项行动,六防六促,2023-06-01,2023-08-31\n");
	ret = load(g, "campaigns", &csv, err);
	strbuf_release(&csv);
	return ret;
}

int demo_grass(struct db *db, const struct crypto_keys *keys, const struct place *villages,
	       struct strbuf *err)
{
	struct grass g = { db, keys, villages, NULL, 0, { 0x6772617373ULL, RNG_XORSHIFT } };
	int ret;

	ret = grids(&g, err) || staff(&g, err) || patrols(&g, err) || visits(&g, err) ||
	      police(&g, err) || ledger(&g, err) || informants(&g, err) || cadres(&g, err) ||
	      campaigns(&g, err);
	free(g.grids);
	return ret ? -1 : 0;
}
