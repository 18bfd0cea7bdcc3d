/*
 * demo_work.c: the office's year of work in the demo district (DOMAIN.md,
 * "The work cycle"), January to August 2023 — a coordination meeting every
 * month and the tasks its decisions assigned, a task from above every
 * month, two supervision checks a month and the problems each found.
 *
 * The decisions are agreed items turned into tasks by 交办, as in the
 * browser.  Planned, not drawn: every date and outcome follows from a row's place in
 * the plan, so the work figures are known (docs/architecture.md, "The demo
 * district") and a change to the event generator's random stream cannot
 * move them.  Through 2023-08: 8 meetings, 16 checks; 32 tasks of which 1
 * cancelled, 2 finished late and 3 overdue and unfinished at the month's
 * end; 48 problems of which 2 rectified late and 4 overdue (the two major
 * ones put to coordination).  Four overdue items are under 督办: two red
 * cards and a yellow one by the demo's today, one answered and waiting for
 * the office's review.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "cli/demo_int.h"
#include "jobs/jobs.h"
#include "model/role.h"
#include "model/work.h"

#define TODAY "2023-08-31" /* the demo's today: sample.h's calendar ends here */
#define MONTHS 8

static const char *const meeting_days[MONTHS] = {
	"2023-01-18", "2023-02-24", "2023-03-24", "2023-04-25",
	"2023-05-25", "2023-06-26", "2023-07-25", "2023-08-25",
};
/* the two checks of each month: a routine one, then a special, joint or unannounced one */
static const char *const check_days[MONTHS][2] = {
	{ "2023-01-10", "2023-01-13" }, { "2023-02-08", "2023-02-16" },
	{ "2023-03-08", "2023-03-16" }, { "2023-04-11", "2023-04-18" },
	{ "2023-05-09", "2023-05-17" }, { "2023-06-08", "2023-06-15" },
	{ "2023-07-11", "2023-07-18" }, { "2023-08-08", "2023-08-17" },
};
static const char *const second_kind[3] = { "special", "joint", "unannounced" };
static const char *const second_lead[3] = { "YJJ", "GAJ", "XFJ" };

static const char *const chairs[2] = { "区委常委、政法委书记 李明", "副区长、公安局长 王强" };

/* a lead department's decision, a sector's, then a township's */
static const char *const lead_owner[3] = { "XFJ", "YJJ", "GAJ" };
static const char *const lead_topic[3] = {
	"化解信访积案，落实领导包案责任", "开展道路交通和消防安全隐患集中整治",
	"补齐空白村驻村辅警，深化“一村一警”",
};
static const char *const sector_owner[4] = { "JTJ", "WJW", "SCFZ", "SCJG" };
static const char *const sector_topic[4] = {
	"排查整治校园周边安全隐患", "排查化解医疗纠纷", "整治集贸市场消防通道",
	"排查餐饮场所燃气安全",
};

static const char *const problem_dept[8] = { "XFJ", "YJJ", "GAJ", "JTJ", "WJW", "SCFZ", "SCJG",
					      "JTYS" };
static const char *const problem_text[6] = {
	"部分村网格员一日双巡记录不全", "调处室矛盾纠纷台账不规范", "学校周边交通标志缺失",
	"集贸市场消防通道堵塞", "重点信访人员稳控措施不落实", "企业安全生产主体责任落实不到位",
};

/* tasks and problems that end otherwise than on time (indices in plan order) */
static int one_of(int k, const int *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == k)
			return 1;
	return 0;
}
static const int task_cancelled[] = { 7 };
static const int task_open_overdue[] = { 10, 17, 22 };
static const int task_late[] = { 4, 13 };
static const int problem_open_overdue[] = { 5, 20, 33, 41 };
static const int problem_late[] = { 9, 27 };
#define IN(k, v) one_of(k, v, sizeof(v) / sizeof((v)[0]))

static void add_days(const char *date, int n, char out[DATE_BUFSZ])
{
	date_add_days(date, n, out);
}

/* A township's code (0..19). */
static void township_code(int t, char out[16])
{
	snprintf(out, 16, "411603%03d000", 100 + t);
}

/* The meetings (一月一协调), one a month, and their decisions as one text. */
static void meetings_csv(struct strbuf *csv)
{
	int mo;

	strbuf_addstr(csv, "no,held_on,month,chair,attendees,decisions\n");
	for (mo = 0; mo < MONTHS; mo++) {
		char month[8];

		snprintf(month, sizeof(month), "2023-%02d", mo + 1);
		strbuf_addf(csv, "HY2023-%02d,%s,%s,%s,SLB|XFJ|YJJ|GAJ|%s|%s,", mo + 1,
			    meeting_days[mo], month, chairs[mo % 2], sector_owner[mo % 4],
			    problem_dept[(mo + 3) % 8]);
		demo_cellf(csv, 1, "一、%s；二、%s；三、%s乡镇矛盾纠纷排查化解", lead_topic[mo % 3],
			   sector_topic[mo % 4], demo_township_names[(mo * 3) % NTOWNSHIPS]);
	}
}

static void checks_csv(struct strbuf *csv)
{
	int mo;

	strbuf_addstr(csv, "no,checked_on,kind,lead,participants,summary\n");
	for (mo = 0; mo < MONTHS; mo++) {
		strbuf_addf(csv, "DC2023-%02d-1,%s,routine,SLB,XFJ|YJJ|GAJ,", mo + 1,
			    check_days[mo][0]);
		demo_cellf(csv, 1, "%d月常规督导：抽查%s、%s等乡镇创建台账和网格巡查", mo + 1,
			   demo_township_names[(mo * 2) % NTOWNSHIPS],
			   demo_township_names[(mo * 2 + 1) % NTOWNSHIPS]);
		strbuf_addf(csv, "DC2023-%02d-2,%s,%s,%s,SLB|%s,", mo + 1, check_days[mo][1],
			    second_kind[mo % 3], second_lead[mo % 3], sector_owner[mo % 4]);
		demo_cellf(csv, 1, "%d月%s：重点行业领域和信访积案", mo + 1,
			   mo % 3 == 0 ? "专项督导" : mo % 3 == 1 ? "联合督导" : "暗访");
	}
}

/*
 * How a task or problem due `due` and started `start` ends: its status,
 * finished date (done_on/rectified_on) and verification date, into
 * `status`, `done`, `verified` (empty when none).
 */
static void outcome(int overdue, int late, int cancelled, const char *start, const char *due,
		    int k, const char *const st[4], const char **status, char done[DATE_BUFSZ],
		    char verified[DATE_BUFSZ])
{
	/* st: the open status, the one in progress, finished, verified */
	done[0] = verified[0] = '\0';
	if (cancelled) {
		*status = "cancelled";
		return;
	}
	if (strcmp(due, TODAY) > 0 || overdue) {
		*status = k % 2 ? st[1] : st[0];
		return;
	}
	if (late) {
		add_days(due, 6, done);
	} else {
		add_days(due, -(2 + k % 5), done);
		if (strcmp(done, start) <= 0)
			add_days(start, 1, done);
	}
	add_days(done, 5 + k % 3, verified);
	if (strcmp(verified, TODAY) > 0) {
		verified[0] = '\0';
		*status = st[2];
	} else {
		*status = st[3];
	}
}

/*
 * One task of the plan: its row of the tasks list, and — for a meeting's
 * decision — its row of the agreed items, which 交办 turns into the task.
 */
static void task_row(struct strbuf *csv, struct strbuf *decisions, struct strbuf *done_csv, int k,
		     const char *title,
		     const char *source, const char *meeting, int seq, const char *owner,
		     const char *co, const char *township, const char *assigned, int days)
{
	static const char *const st[4] = { "assigned", "in_progress", "done", "verified" };
	char due[DATE_BUFSZ], done[DATE_BUFSZ], verified[DATE_BUFSZ];
	const char *status;

	add_days(assigned, days, due);
	outcome(IN(k, task_open_overdue), IN(k, task_late), IN(k, task_cancelled), assigned, due, k,
		st, &status, done, verified);
	strbuf_addf(csv, "RW2023-%04d,", k + 1);
	demo_cellf(csv, 0, "%s", title);
	strbuf_addf(csv, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", source, meeting, owner, co, township,
		    assigned, due, status, done, verified);
	if (!seq)
		return;
	/* an assigned task reaches 已核销 through 已完成: the import goes as the work went */
	strbuf_addf(done_csv, "RW2023-%04d,", k + 1);
	demo_cellf(done_csv, 0, "%s", title);
	strbuf_addf(done_csv, "%s,%s,%s,%s,%s,%s,%s,%s,%s,\n", source, meeting, owner, co, township,
		    assigned, due, strcmp(status, "verified") ? status : "done", done);
	strbuf_addf(decisions, "%s-%02d,%s,%d,", meeting, seq, meeting, seq);
	demo_cellf(decisions, 0, "%s", title);
	strbuf_addf(decisions, "%s,%s,%s,%s\n", owner, co, township, due);
}

/*
 * Each meeting's three decisions (as agreed items, in `decisions`) and the
 * tasks they became, and a task from above each month (in `csv`); in
 * `done_csv`, the decisions' tasks one step short of 已核销.
 */
#define TASK_COLUMNS "no,title,source,meeting,owner,co_owners,township,assigned_on,due_on," \
	"status,done_on,verified_on\n"

static void tasks_csv(struct strbuf *csv, struct strbuf *decisions, struct strbuf *done_csv)
{
	int mo, k = 0;

	strbuf_addstr(done_csv, TASK_COLUMNS);
	strbuf_addstr(csv, TASK_COLUMNS);
	strbuf_addstr(decisions, "no,meeting,seq,text,owner,co_owners,township,due_on\n");
	for (mo = 0; mo < MONTHS; mo++) {
		char meeting[16], assigned[DATE_BUFSZ], title[256], fifth[DATE_BUFSZ], town[16];
		char dept[8];
		int t = (mo * 3) % NTOWNSHIPS;

		snprintf(meeting, sizeof(meeting), "HY2023-%02d", mo + 1);
		add_days(meeting_days[mo], 1, assigned);
		task_row(csv, decisions, done_csv, k++, lead_topic[mo % 3], "meeting", meeting, 1,
			 lead_owner[mo % 3], "SLB", "", assigned, 30);
		task_row(csv, decisions, done_csv, k++, sector_topic[mo % 4], "meeting", meeting, 2,
			 sector_owner[mo % 4], lead_owner[(mo + 1) % 3], "", assigned, 20);
		snprintf(title, sizeof(title), "%s矛盾纠纷排查化解", demo_township_names[t]);
		township_code(t, town);
		snprintf(dept, sizeof(dept), "XZ%03d", 100 + t);
		task_row(csv, decisions, done_csv, k++, title, "meeting", meeting, 3, dept, "XFJ", town,
			 assigned, 45);
		snprintf(fifth, sizeof(fifth), "2023-%02d-05", mo + 1);
		task_row(csv, decisions, done_csv, k++, "落实市“三零”创建推进会部署", "superior", "", 0,
			 lead_owner[mo % 3], "", "", fifth, 25);
	}
}

/*
 * 交办, as the office does it in the browser: each agreed item becomes its
 * task, numbered and dated as planned (the next day after the meeting).
 */
static int assign_decisions(struct db *db, const struct crypto_keys *keys, struct strbuf *err)
{
	struct model_ctx mc = { 0 };
	struct model_error e;
	struct db_stmt *st;
	struct actor sys;
	int rc, k = 0, ret = 0;

	actor_system(&sys);
	sys.district = DISTRICT;
	mc.db = db;
	mc.actor = &sys;
	mc.keys = keys;
	model_error_init(&e);
	if (db_prepare(db, "SELECT d.id, m.held_on FROM meeting_decisions d JOIN meetings m ON "
		       "m.no = d.meeting ORDER BY d.meeting, d.seq", &st, err))
		return -1;
	while (!ret && (rc = db_step(st, err)) == DB_ROW) {
		int64_t id = db_column_int64(st, 0);
		char assigned[DATE_BUFSZ], no[24];
		json_t *in, *out = NULL;

		add_days(db_column_text(st, 1), 1, assigned);
		/* the plan numbers four tasks a month, the fourth from above */
		snprintf(no, sizeof(no), "RW2023-%04d", k / 3 * 4 + k % 3 + 1);
		k++;
		in = json_pack("{ss ss}", "no", no, "assigned_on", assigned);
		if (work_assign(&mc, id, in, &out, &e)) {
			strbuf_addf(err, "交办 %s: %s", no, e.msg.buf);
			ret = -1;
		}
		json_decref(in);
		json_decref(out);
	}
	db_finalize(st);
	model_error_release(&e);
	return ret || rc < 0 ? -1 : 0;
}

/* Three problems found by each check. */
static void problems_csv(struct strbuf *csv)
{
	static const char *const st[4] = { "open", "rectifying", "rectified", "verified" };
	int mo, c, i, p = 0;

	strbuf_addstr(csv, "no,found_on,source,check,department,township,subject,description,level,"
			   "deadline,status,rectified_on,verified_on\n");
	for (mo = 0; mo < MONTHS; mo++)
		for (c = 0; c < 2; c++)
			for (i = 0; i < 3; i++, p++) {
				const char *found = check_days[mo][c], *status;
				char deadline[DATE_BUFSZ], done[DATE_BUFSZ], verified[DATE_BUFSZ];
				char town[16];
				int major = p % 6 == 5, t = (p * 7) % NTOWNSHIPS;

				add_days(found, i == 2 ? 30 : 15, deadline);
				outcome(IN(p, problem_open_overdue), IN(p, problem_late), 0, found,
					deadline, p, st, &status, done, verified);
				if (major && IN(p, problem_open_overdue))
					status = "escalated"; /* put to coordination */
				township_code(t, town);
				strbuf_addf(csv, "WT2023-%04d,%s,supervision,DC2023-%02d-%d,%s,%s,,",
					    p + 1, found, mo + 1, c + 1, problem_dept[p % 8], town);
				demo_cellf(csv, 0, "%s%s", demo_township_names[t],
					   problem_text[p % 6]);
				strbuf_addf(csv, "%s,%s,%s,%s,%s\n", major ? "major" : "general",
					    deadline, status, done, verified);
			}
}

/*
 * 督办 of four overdue items: two long past their feedback date (red cards
 * by the demo's today), one just past it (yellow), one answered and
 * waiting for the office's review (not yet due).
 */
static void supervisions_csv(struct strbuf *csv)
{
	strbuf_addstr(csv, "no,item_kind,item,level,notice_on,workdays,requirement\n"
		      "DB2023-001,problem,WT2023-0006,leader,2023-03-01,15,重大疑难问题，区领导挂牌督办，限期化解\n"
		      "DB2023-002,task,RW2023-0011,office,2023-05-15,10,逾期未完成，限期办结并书面反馈\n"
		      "DB2023-003,problem,WT2023-0034,office,2023-08-21,5,逾期未整改，限期整改到位\n"
		      "DB2023-004,task,RW2023-0023,office,2023-08-24,10,逾期未完成，限期办结并书面反馈\n");
}

static void feedback_csv(struct strbuf *csv)
{
	strbuf_addstr(csv, "no,supervision,answered_on,text\n"
		      "DB2023-004-1,DB2023-004,2023-08-30,已召开专题会议部署，排查化解矛盾纠纷12起，剩余3起正在调处\n");
}

static int by_date(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/*
 * The cards as the scheduler gave them, day by day, by the demo's today:
 * the card pass on each day that can change one (the day after a due
 * date, a red card's first day), in order.
 */
static int card_days(struct db *db, struct strbuf *err)
{
	char days[16][DATE_BUFSZ];
	struct cards_counts cards;
	struct db_stmt *st;
	size_t n = 0, i;
	int rc;

	if (db_prepare(db, "SELECT due_on, red_from FROM supervisions", &st, err))
		return -1;
	while ((rc = db_step(st, err)) == DB_ROW && n + 2 <= sizeof(days) / sizeof(days[0])) {
		add_days(db_column_text(st, 0), 1, days[n++]);
		snprintf(days[n++], DATE_BUFSZ, "%s", db_column_text(st, 1));
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	qsort(days, n, sizeof(days[0]), by_date);
	for (i = 0; i < n; i++) {
		if (strcmp(days[i], TODAY) > 0 || (i && !strcmp(days[i], days[i - 1])))
			continue;
		if (jobs_cards(db, days[i], &cards, err))
			return -1;
	}
	return 0;
}

/*
 * The year of work: meetings and checks; the agreed items, each made its
 * task by 交办; the tasks (those of the items updated with what became of
 * them, those from above added), the problems, 督办 and its feedback; then
 * the cards of the days gone by.
 */
int demo_work(struct db *db, const struct crypto_keys *keys, struct strbuf *err)
{
	void (*const gen[])(struct strbuf *) = { meetings_csv, checks_csv, problems_csv,
						 supervisions_csv, feedback_csv };
	static const char *const kinds[] = { "meetings", "supervision_checks", "problems",
					     "supervisions", "supervision_feedback" };
	struct strbuf csv = STRBUF_INIT, tasks = STRBUF_INIT, decisions = STRBUF_INIT;
	struct strbuf done = STRBUF_INIT;
	size_t i;
	int ret = 0;

	tasks_csv(&tasks, &decisions, &done);
	for (i = 0; !ret && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		strbuf_reset(&csv);
		gen[i](&csv);
		ret = demo_load_as(db, keys, kinds[i], &csv, DISTRICT, err);
		if (!ret && !strcmp(kinds[i], "supervision_checks"))
			ret = demo_load_as(db, keys, "meeting_decisions", &decisions, DISTRICT,
					   err) ||
			      assign_decisions(db, keys, err) ||
			      demo_load_as(db, keys, "tasks", &done, DISTRICT, err) ||
			      demo_load_as(db, keys, "tasks", &tasks, DISTRICT, err);
	}
	strbuf_release(&csv);
	strbuf_release(&tasks);
	strbuf_release(&decisions);
	strbuf_release(&done);
	return ret ? ret : card_days(db, err);
}
