// demo.test.mjs: `sanling gen demo` loads a district whose computed report
// figures are the seed report's.  The generator plans events (who fails
// which month, how many events fall in each month); the figures are
// computed by `sanling figures` from those events, and this test holds them
// to the seed: 2,201 subjects, 407 of 475 villages and 1,693 of 1,726
// enterprises complying through August 2023, 1,093 visits of 10,396
// persons, 246 petition-work activities, 783 online petitions, 11,385
// inspections, 4,642 hazards all rectified, 1,330 persons under coercive
// measures and 1,059 referred for prosecution, the monthly zero-case rates,
// and 241 disputes mediated in 2022 at 98 % or better.  It also checks the
// generated events against the raw lists (exported through the command
// line): the spreads the demo promises, every event inside January 2022 to
// August 2023, every event's subject on the list in its month; and that a
// second `gen demo` refuses.  Not a test of the figures' definitions: those
// have their own tests; this one runs on SQLite and PostgreSQL alike.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshDb } from './lib.mjs';
import { parseCsv } from './util.mjs';

let store, first;
const figures = {};

function cliJson(args) {
  const r = store.cli(args);
  assert.equal(r.status, 0, `sanling ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// An exported list as objects keyed by its Chinese column labels.
function exported(kind) {
  const file = join(store.dir, `${kind}.csv`);
  const r = store.cli(['export', kind, file]);
  assert.equal(r.status, 0, `export ${kind}: ${r.stderr}`);
  const [head, ...rows] = parseCsv(readFileSync(file, 'utf8')).filter((row) => row.length > 1);
  return rows.map((row) => Object.fromEntries(head.map((h, i) => [h, row[i]])));
}

before(() => {
  store = freshDb();
  const t0 = Date.now();
  first = store.cli(['gen', 'demo']); // freshDb's cli sets SANLING_FAST_KDF=1
  first.ms = Date.now() - t0;
  if (first.status !== 0) throw new Error('gen demo: ' + first.stderr);
  figures.aug2023 = cliJson(['figures', '--through', '2023-08', '--json']);
  figures.dec2022 = cliJson(['figures', '--through', '2022-12', '--json']);
});

after(() => store?.cleanup());

test('gen demo loads the district and prints one account per role', () => {
  for (const user of ['office', 'petition', 'safety', 'police', 'education', 'chengguan', 'grid',
    'school', 'sysadmin', 'secadmin', 'auditadmin'])
    assert.match(first.stdout, new RegExp(`^${user}\\s`, 'm'), `account ${user}`);
  assert.match(first.stdout, /475 villages and communities, 1726 enterprises and institutions/);
  // a ceiling against a hang, not a benchmark: ~3 s on SQLite, ~30 s on PostgreSQL
  assert.ok(first.ms < 80000, `gen demo took ${first.ms} ms`);
});

test('the figures through 2023-08 are the seed report\'s', () => {
  const f = figures.aug2023;
  const exact = {
    subjects_total: 2201,
    villages_total: 475, villages_compliant: 407, villages_rate: 85.7,
    enterprises_total: 1726, enterprises_compliant: 1693, enterprises_rate: 98.1,
    visit_batches: 1093, visit_persons: 10396,
    petition_activities: 246, online_petitions: 783,
    inspections: 11385, hazards_found: 4642, hazards_rectified: 4642,
    coerced_persons: 1330, prosecuted_persons: 1059,
  };
  for (const [key, want] of Object.entries(exact))
    assert.equal(f[key], want, `${key}: got ${f[key]}, want ${want}`);
  // 行政村月均零发案90%以上，企事业月均零发案98%
  assert.equal(typeof f.villages_zero_case_monthly_rate, 'number');
  assert.ok(f.villages_zero_case_monthly_rate >= 90.0, `villages zero-case ${f.villages_zero_case_monthly_rate}`);
  assert.ok(f.villages_zero_case_monthly_rate < 100.0, 'some villages have cases');
  assert.equal(typeof f.enterprises_zero_case_monthly_rate, 'number');
  assert.ok(f.enterprises_zero_case_monthly_rate >= 98.0, `enterprises zero-case ${f.enterprises_zero_case_monthly_rate}`);
  assert.ok(f.enterprises_zero_case_monthly_rate < 100.0, 'some enterprises have cases');
});

test('2022: 241 disputes mediated, 98 % or more of them successfully', () => {
  const f = figures.dec2022;
  assert.equal(f.disputes_mediated, 241);
  assert.equal(typeof f.mediation_success_rate, 'number');
  assert.ok(f.mediation_success_rate >= 98.0, `success rate ${f.mediation_success_rate}`);
  assert.ok(f.mediation_success_rate < 100.0, 'some mediations failed');
  // a plausible year: work of every kind, some subjects failing
  for (const key of ['visit_batches', 'online_petitions', 'petition_activities', 'inspections',
    'hazards_found', 'coerced_persons', 'prosecuted_persons'])
    assert.ok(f[key] > 0, `2022 ${key}`);
  assert.ok(f.villages_compliant < f.villages_total && f.villages_compliant > f.villages_total * 0.7);
  assert.ok(f.enterprises_compliant < f.enterprises_total);
});

test('the raw lists agree with the figures and spread as the demo promises', () => {
  const in2023 = (d) => d >= '2023-01-01' && d <= '2023-08-31';
  const pet = exported('petitions');
  const visits = pet.filter((p) => p['信访形式'] === '来访' && in2023(p['登记日期']));
  assert.equal(visits.length, 1093);
  assert.equal(visits.reduce((s, p) => s + Number(p['人数']), 0), 10396);
  assert.equal(pet.filter((p) => p['信访形式'] === '网上' && in2023(p['登记日期'])).length, 783);
  assert.deepEqual(new Set(pet.map((p) => p['信访形式'])), new Set(['来访', '来信', '来电', '网上']));
  assert.deepEqual(new Set(pet.map((p) => p['最高到达层级'])),
    new Set(['村级', '乡级', '县级', '市级', '省级', '进京']));
  assert.equal(new Set(pet.map((p) => p['问题类别'])).size, 7);
  assert.ok(pet.some((p) => p['集体访'] === '是'), 'collective visits');
  // most petitions stay at village or township level, or name no subject
  const failing = pet.filter((p) => p['涉及主体'] &&
    (['县级', '市级', '省级', '进京'].includes(p['最高到达层级']) ||
     (p['最高到达层级'] === '乡级' && Number(p['人数']) >= 5)));
  assert.ok(failing.length > 0 && failing.length < pet.length / 20, `${failing.length} failing petitions`);

  const cases = exported('cases');
  const c2023 = cases.filter((c) => in2023(c['发案日期']));
  assert.equal(c2023.reduce((s, c) => s + Number(c['采取刑事强制措施人数']), 0), 1330);
  assert.equal(c2023.reduce((s, c) => s + Number(c['移送起诉人数']), 0), 1059);
  assert.ok(cases.some((c) => c['案件类型'] === '治安案件' && c['有重大影响'] === '否' && c['所属主体']),
    'public-order cases at a subject that fail no one');
  assert.ok(cases.some((c) => c['案件类型'] === '治安案件' && c['有重大影响'] === '是'));
  assert.ok(cases.some((c) => c['案件类型'] === '刑事案件' && !c['所属主体']));

  const activities = exported('petition_activities');
  assert.equal(new Set(activities.map((a) => a['活动形式'])).size, 6);
  assert.equal(activities.filter((a) => in2023(a['日期'])).length, 246);

  const hazards = exported('hazards');
  const h2023 = hazards.filter((h) => in2023(h['发现日期']));
  assert.equal(h2023.length, 4642);
  for (const h of h2023) {
    assert.ok(h['整改完成日期'] && h['整改完成日期'] >= h['发现日期'] && h['整改完成日期'] <= '2023-08-31',
      `hazard ${h['隐患编号']} rectified ${h['整改完成日期']}`);
  }

  const disputes = exported('disputes');
  const closed2022 = disputes.filter((d) => d['办结日期'] >= '2022-01-01' && d['办结日期'] <= '2022-12-31');
  assert.equal(closed2022.filter((d) => d['调解状态'] === '调解成功').length +
    closed2022.filter((d) => d['调解状态'] === '调解失败').length, 241);

  // every event from 2022-01-01 to 2023-08-31; every subject on the list in its month
  const subjects = new Map(exported('subjects').map((s) => [s['主体编码'], s]));
  const lists = [
    [pet, '登记日期', '涉及主体'], [cases, '发案日期', '所属主体'], [hazards, '发现日期', '所属主体'],
    [disputes, '发现日期', '所属主体'], [exported('inspections'), '检查日期', '被检查主体'],
    [exported('accidents'), '发生日期', '所属主体'],
  ];
  for (const [rows, dateCol, subjectCol] of lists) {
    for (const row of rows) {
      const day = row[dateCol], code = row[`${subjectCol}编码`]; // the name is in row[subjectCol]
      assert.ok(day >= '2022-01-01' && day <= '2023-08-31', `${dateCol} ${day}`);
      if (!code) continue;
      const s = subjects.get(code);
      assert.ok(s, `subject ${code}`);
      const month = day.slice(0, 7);
      assert.ok(s['纳入月份'] <= month && (!s['退出月份'] || month <= s['退出月份']),
        `${code} is not on the list in ${month}`);
    }
  }
});

// The office's year (src/cli/demo_work.c): the work figures through each month
// of 2023, counted here from the exported lists by DOMAIN.md's rules, and the
// plan's promises — a meeting every month with the tasks of its decisions,
// two checks a month with three problems each, a few late and overdue.
test('the demo office\'s year of work: its figures are the lists\' by DOMAIN.md\'s rules', () => {
  const tasks = exported('tasks');
  const problems = exported('problems');
  const meetings = exported('meetings');
  const checks = exported('supervision_checks');
  const lastDay = (m) => new Date(Date.UTC(2023, m, 0)).toISOString().slice(0, 10);
  for (let m = 1; m <= 8; m++) {
    const M = `2023-${String(m).padStart(2, '0')}`, end = lastDay(m);
    const inYear = (d) => d >= '2023-01-01' && d <= end;
    const t = tasks.filter((x) => inYear(x['交办日期']) && x['办理状态'] !== '已撤销');
    const done = (x, day) => x['完成日期'] && x['完成日期'] <= day;
    const p = problems.filter((x) => inYear(x['发现日期']));
    const fixed = (x, day) => x['整改完成日期'] && x['整改完成日期'] <= day;
    const want = {
      tasks_assigned: t.length,
      tasks_done: t.filter((x) => done(x, end)).length,
      tasks_overdue: t.filter((x) => x['完成时限'] <= end && !done(x, end)).length,
      problems_found: p.length,
      problems_rectified: p.filter((x) => fixed(x, end)).length,
      problems_overdue: p.filter((x) => x['整改期限'] <= end && !fixed(x, end)).length,
      supervision_checks: checks.filter((x) => inYear(x['督导日期'])).length,
      coordination_meetings: meetings.filter((x) => inYear(x['会议日期'])).length,
    };
    const got = m === 8 ? figures.aug2023 : cliJson(['figures', '--through', M, '--json']);
    for (const [key, value] of Object.entries(want))
      assert.equal(got[key], value, `${M} ${key}: got ${got[key]}, want ${value}`);
  }
  // the plan: one meeting a month, its three decisions assigned, one task from above
  assert.equal(meetings.length, 8);
  assert.equal(checks.length, 16);
  assert.equal(tasks.filter((x) => x['任务来源'] === '会议决定').length, 24);
  assert.equal(problems.length, 48);
  const f = figures.aug2023;
  assert.deepEqual([f.tasks_assigned, f.tasks_overdue, f.problems_found, f.problems_overdue],
    [31, 3, 48, 4]);
  assert.equal(tasks.filter((x) => x['完成日期'] > x['完成时限']).length, 2, 'tasks done late');
  assert.equal(problems.filter((x) => x['整改完成日期'] > x['整改期限']).length, 2, 'problems rectified late');
  assert.equal(problems.filter((x) => x['整改状态'] === '提请协调').length, 2, 'major problems put to coordination');
  // each meeting's decisions are agreed items made tasks by 交办: the link both ways
  const decisions = exported('meeting_decisions');
  assert.equal(decisions.length, 24);
  const byNo = new Map(tasks.map((x) => [x['任务编号'], x]));
  for (const dcs of decisions) {
    const t = byNo.get(dcs['交办任务']);
    assert.ok(t, `decision ${dcs['事项编号']} has its task`);
    assert.deepEqual([t['会议编号'], t['完成时限'], t['任务来源']], [dcs['会议编号'], dcs['完成时限'], '会议决定']);
  }
  // 督办: two red cards and a yellow one by the demo's today, one answered
  const sups = exported('supervisions');
  assert.deepEqual(sups.map((x) => x['红黄牌']).sort(), ['无', '红牌', '红牌', '黄牌']);
});

test('a second gen demo refuses and changes nothing', () => {
  const again = store.cli(['gen', 'demo']);
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /already loaded/);
  assert.deepEqual(cliJson(['figures', '--through', '2023-08', '--json']), figures.aug2023);
});
