// work_figures.test.mjs: the work figures of DOMAIN.md ("The work
// figures") — tasks assigned, done and overdue, problems found, rectified
// and overdue, supervision checks and coordination meetings — against a
// model written here in plain JavaScript over the rows this test imports
// (through the API, by the templates of the work lists).  The rows hold the
// edge cases: done late but before M's end, due on M's last day, cancelled,
// assigned or found the year before, a township's and a department's rows,
// co-owned tasks.  /figures and `sanling figures --json` must equal the
// model for the office, the command line, a township and a supervisor
// department, through several months; the filters and the breakdowns too;
// and the list queries of /meta's table return what each figure counts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, toCsv } from './util.mjs';
import { EAST, WEST, CSV_BODY } from './events_util.mjs';
import { figures, WORK_KEYS } from './assess_util.mjs';

let d, office;
before(async () => {
  d = await districtServer();
  office = await d.as('office');
});
after(async () => { await d?.stop(); });

// ---- the rows (the templates' columns) ----

const TASK_COLS = ['no', 'title', 'source', 'meeting', 'owner', 'co_owners', 'township', 'assigned_on', 'due_on', 'status', 'done_on', 'verified_on'];
const PROBLEM_COLS = ['no', 'found_on', 'source', 'check', 'department', 'township', 'subject', 'description', 'level', 'deadline', 'status', 'rectified_on', 'verified_on'];
const row = (cols, o) => Object.fromEntries(cols.map((k) => [k, o[k] ?? '']));
const task = (o) => row(TASK_COLS, { title: '任务', source: 'standard', status: 'assigned', ...o });
const problem = (o) => row(PROBLEM_COLS, { source: 'supervision', description: '问题', level: 'general', status: 'open', ...o });

const TASKS = [
  // due on March's last day, never done: overdue at the end of March
  task({ no: 'WF-T1', owner: 'JT', co_owners: 'SJ', township: EAST, assigned_on: '2023-01-10', due_on: '2023-03-31' }),
  // due in February, done in March: overdue at the end of February, done (not overdue) at the end of March
  task({ no: 'WF-T2', owner: 'JT', assigned_on: '2023-02-01', due_on: '2023-02-28', status: 'done', done_on: '2023-03-15' }),
  // a department's co-owned task, verified
  task({ no: 'WF-T3', owner: 'SJ', co_owners: 'JT|GA', township: WEST, assigned_on: '2023-03-05', due_on: '2023-04-30',
    status: 'verified', done_on: '2023-04-20', verified_on: '2023-04-25' }),
  // cancelled: counts in none, whatever its dates
  task({ no: 'WF-T4', owner: 'JT', township: EAST, assigned_on: '2023-02-10', due_on: '2023-03-10', status: 'cancelled' }),
  // assigned the year before: not this year's
  task({ no: 'WF-T5', owner: 'SJ', township: WEST, assigned_on: '2022-12-01', due_on: '2023-01-31', status: 'in_progress' }),
  // done after its due date, after June: overdue at the end of June, done by December
  task({ no: 'WF-T6', owner: 'GA', co_owners: 'SJ', township: EAST, assigned_on: '2023-05-01', due_on: '2023-06-30',
    status: 'done', done_on: '2023-07-05' }),
  // a township's task due on the year's last day
  task({ no: 'WF-T7', owner: 'DZ', township: EAST, assigned_on: '2023-06-15', due_on: '2023-12-31', status: 'in_progress' }),
  task({ no: 'WF-T8', owner: 'SJ', township: WEST, assigned_on: '2023-03-31', due_on: '2023-03-31', status: 'done', done_on: '2023-03-31' }),
];
const PROBLEMS = [
  // rectified late, but before March's end
  problem({ no: 'WF-P1', found_on: '2023-01-20', department: 'JT', subject: 'S1', deadline: '2023-02-28',
    status: 'rectified', rectified_on: '2023-03-02' }),
  // found the year before, still open
  problem({ no: 'WF-P2', found_on: '2022-11-10', department: 'SJ', township: WEST, deadline: '2023-01-31' }),
  // deadline on March's last day
  problem({ no: 'WF-P3', found_on: '2023-03-15', department: 'SJ', subject: 'R1', deadline: '2023-03-31' }),
  // rectified on its deadline, then verified
  problem({ no: 'WF-P4', found_on: '2023-02-01', department: 'JT', township: WEST, deadline: '2023-06-30',
    status: 'verified', rectified_on: '2023-06-30', verified_on: '2023-07-01' }),
  // no department: a township's problem, escalated
  problem({ no: 'WF-P5', found_on: '2023-05-20', township: EAST, deadline: '2023-05-31', status: 'escalated', level: 'major' }),
  problem({ no: 'WF-P6', found_on: '2023-06-10', department: 'GA', subject: 'V3', deadline: '2023-08-31', status: 'rectifying' }),
  problem({ no: 'WF-P7', found_on: '2023-04-01', department: 'JT', subject: 'V1', deadline: '2023-12-31' }),
];
const CHECKS = [
  ['WF-C1', '2022-12-20', 'routine', 'OFF'],
  ['WF-C2', '2023-01-15', 'joint', 'OFF'],
  ['WF-C3', '2023-03-31', 'special', 'JT'],
  ['WF-C4', '2023-06-01', 'unannounced', 'OFF'],
].map(([no, checked_on, kind, lead]) => ({ no, checked_on, kind, lead, participants: 'XF|GA', summary: '督导' }));
const MEETINGS = [
  ['WF-M1', '2023-01-30', '2023-01'],
  ['WF-M2', '2023-04-02', '2023-03'], // March's coordination, held in April: counts by its date
  ['WF-M3', '2023-06-28', '2023-06'],
].map(([no, held_on, month]) => ({ no, held_on, month, chair: '李区长', attendees: 'XF|YJ|GA', decisions: '议定' }));

const SUBJECT_TOWNSHIP = { S1: EAST, V1: EAST, V2: EAST, V3: WEST, R1: WEST };
const THROUGH = ['2023-02', '2023-03', '2023-06', '2023-12'];

// ---- the model: DOMAIN.md, written out ----

const lastDay = (m) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).toISOString().slice(0, 10);

// scope: {} (every district: the one here), { township }, { dept }
function expected(through, scope = {}) {
  const from = `${through.slice(0, 4)}-01-01`, to = lastDay(through);
  const inYear = (date) => date >= from && date <= to;
  const taskIn = (t) => (!scope.dept || t.owner === scope.dept || t.co_owners.split('|').includes(scope.dept)) &&
    (!scope.township || t.township === scope.township);
  const problemTownship = (p) => p.township || SUBJECT_TOWNSHIP[p.subject] || '';
  const problemIn = (p) => (!scope.dept || p.department === scope.dept) &&
    (!scope.township || problemTownship(p) === scope.township);
  const finishedBy = (date) => date !== '' && date <= to;
  const tasks = TASKS.filter((t) => t.status !== 'cancelled' && inYear(t.assigned_on) && taskIn(t));
  const problems = PROBLEMS.filter((p) => inYear(p.found_on) && problemIn(p));
  return {
    tasks_assigned: tasks.length,
    tasks_done: tasks.filter((t) => finishedBy(t.done_on)).length,
    tasks_overdue: tasks.filter((t) => t.due_on <= to && !finishedBy(t.done_on)).length,
    problems_found: problems.length,
    problems_rectified: problems.filter((p) => finishedBy(p.rectified_on)).length,
    problems_overdue: problems.filter((p) => p.deadline <= to && !finishedBy(p.rectified_on)).length,
    supervision_checks: CHECKS.filter((c) => inYear(c.checked_on)).length,
    coordination_meetings: MEETINGS.filter((m) => inYear(m.held_on)).length,
  };
}
const work = (f) => Object.fromEntries(WORK_KEYS.map((k) => [k, f[k]]));

// ---- the import ----

test('the work lists import through the API', async () => {
  for (const [entity, rows] of [['meetings', MEETINGS], ['supervision_checks', CHECKS], ['tasks', TASKS], ['problems', PROBLEMS]]) {
    const cols = Object.keys(rows[0]);
    const r = await office.post(`/api/v1/${entity}/import?format=csv`, toCsv([cols, ...rows.map((x) => cols.map((k) => x[k]))]), CSV_BODY);
    assert.equal(r.status, 200, `${entity}: ${r.text}`);
    assert.deepEqual([r.json.created, r.json.failed], [rows.length, 0], `${entity}: ${JSON.stringify(r.json.errors)}`);
  }
  // the model's edge cases are there
  const m = expected('2023-03');
  assert.ok(m.tasks_done > 0 && m.tasks_overdue > 0 && m.problems_overdue > 0 && m.problems_rectified > 0, JSON.stringify(m));
  assert.notDeepEqual(expected('2023-02'), m);
});

test('the office, the command line and the lead departments: every district\'s work figures', async () => {
  for (const m of THROUGH) {
    const want = expected(m);
    assert.deepEqual(work(await figures(office, m)), want, `office through ${m}`);
    const r = d.store.cli(['figures', '--through', m, '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(work(JSON.parse(r.stdout)), want, `CLI through ${m}`);
  }
  // spelled out for March: T1 due on its last day, T2 done late within it, T4 cancelled, T5 last year's
  assert.deepEqual(expected('2023-03'), {
    tasks_assigned: 4, tasks_done: 2, tasks_overdue: 1, problems_found: 3, problems_rectified: 1, problems_overdue: 1,
    supervision_checks: 2, coordination_meetings: 1,
  });
  assert.deepEqual(expected('2023-02'), {
    tasks_assigned: 2, tasks_done: 0, tasks_overdue: 1, problems_found: 2, problems_rectified: 0, problems_overdue: 1,
    supervision_checks: 1, coordination_meetings: 1,
  });
});

test('a township counts what lies in it, a department what it owns or co-owns; checks and meetings are the district\'s', async () => {
  const east = await d.as('east'), west = await d.as('west'), edu = await d.as('edu'), police = await d.as('police');
  for (const m of THROUGH) {
    assert.deepEqual(work(await figures(east, m)), expected(m, { township: EAST }), `east through ${m}`);
    assert.deepEqual(work(await figures(west, m)), expected(m, { township: WEST }), `west through ${m}`);
    assert.deepEqual(work(await figures(edu, m)), expected(m, { dept: 'JT' }), `education bureau through ${m}`);
    assert.deepEqual(work(await figures(police, m)), expected(m, { dept: 'GA' }), `police through ${m}`);
    // the office's filters count as that township's or department's scope
    assert.deepEqual(work(await figures(office, m, `&township=${WEST}`)), expected(m, { township: WEST }), `?township through ${m}`);
    assert.deepEqual(work(await figures(office, m, '&supervisor=SJ')), expected(m, { dept: 'SJ' }), `?supervisor=SJ through ${m}`);
  }
  // the co-owned task T3 counts for its owner SJ and for JT; cancelled T4 for nobody
  assert.equal(expected('2023-03', { dept: 'JT' }).tasks_assigned, 3);
  assert.equal(expected('2023-03', { dept: 'SJ' }).tasks_assigned, 3);
  assert.equal(expected('2023-06', { township: EAST }).tasks_overdue, 2);
});

test('the breakdowns carry the work figures of each month, township and department', async () => {
  const r = await office.get('/api/v1/figures/breakdown?through=2023-12&by=month');
  assert.equal(r.status, 200, r.text);
  for (const x of r.json.rows) assert.deepEqual(work(x.figures), expected(x.key), `through ${x.key}`);
  const t = await office.get('/api/v1/figures/breakdown?through=2023-06&by=township');
  assert.equal(t.status, 200, t.text);
  for (const x of t.json.rows) assert.deepEqual(work(x.figures), expected('2023-06', { township: x.key }), `township ${x.key}`);
  const s = await office.get('/api/v1/figures/breakdown?through=2023-06&by=supervisor');
  assert.equal(s.status, 200, s.text);
  assert.ok(s.json.rows.length > 0);
  for (const x of s.json.rows) assert.deepEqual(work(x.figures), expected('2023-06', { dept: x.key }), `department ${x.key}`);
});

test('the list query of each work figure in /meta returns the records it counts', async () => {
  const next = (m) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 1)).toISOString().slice(0, 10);
  const fill = (q, m) => Object.fromEntries(Object.entries(q).map(([k, v]) => [k, v.replaceAll('{from}', `${m.slice(0, 4)}-01-01`)
    .replaceAll('{to}', lastDay(m)).replaceAll('{next}', next(m)).replaceAll('{month}', m)]));
  for (const user of ['office', 'east', 'edu']) {
    const c = await d.as(user);
    const table = (await c.get('/api/v1/meta')).json.figures;
    for (const m of THROUGH) {
      const f = await figures(c, m);
      for (const key of WORK_KEYS) {
        const r = table.find((x) => x.key === key);
        assert.ok(r && r.list && /^[\u4e00-\u9fff]+$/.test(r.label) && r.unit === 'count' && r.measure, `${key} in the table`);
        let total = 0;
        { const q = r.list.query;
          const res = await c.get(`/api/v1/${r.list.entity}?${new URLSearchParams(fill(q, m))}&page_size=1`);
          assert.equal(res.status, 200, `${key}: ${res.text}`);
          total += res.json.total;
        }
        assert.equal(total, f[key], `${user} through ${m}: ${key} from ${JSON.stringify(r.list)}`);
      }
    }
  }
});
