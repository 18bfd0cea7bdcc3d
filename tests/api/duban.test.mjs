// duban.test.mjs: 督办 and the work calendar over the API (DOMAIN.md, "The
// work cycle"; src/model/duban.c, src/jobs/cards.c).  The office puts a task
// or a problem under supervision with a deadline in working days; the owner
// answers, the office returns the answer and then accepts the next one, and
// the supervision is closed.  Every refusal names its field and stores
// nothing.  The card pass (`sanling work cards --today`) gives the yellow
// card the day after the due date, the red one N working days later across
// the National Day week of 2023, and the 催办 date; an edit of the calendar
// moves the due dates of open supervisions; the office's setting changes N.
// Expected dates are counted here, by this file's own working-day function
// over the calendar rows the API lists — never by asking the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, assertProblem, listAll } from './util.mjs';
import { EAST, DISTRICT, CSV_BODY, unchanged, byNo, addDays, assertStampedToday, auditRows } from './events_util.mjs';

let d, office;
before(async () => {
  d = await districtServer();
  office = await d.as('office');
});
after(async () => { await d?.stop(); });

const as = (u) => d.as(u);

// ---- working days, counted here ----

async function calendar() {
  const rows = await listAll(office, '/api/v1/work_calendar');
  return new Map(rows.map((r) => [r.day, r.kind]));
}
function isWorking(cal, day) {
  const k = cal.get(day);
  if (k) return k === 'workday';
  const wd = new Date(day + 'T00:00:00Z').getUTCDay();
  return wd >= 1 && wd <= 5;
}
function addWorkdays(cal, from, n) {
  let day = from;
  while (n > 0) {
    day = addDays(day, 1);
    if (isWorking(cal, day)) n--;
  }
  return day;
}
function workdaysBetween(cal, from, to) {
  let n = 0;
  for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) n += isWorking(cal, day);
  return n;
}

// ---- records ----

const task = (no, over = {}) => ({ no, title: `督办测试任务${no}`, source: 'standard', owner: 'JT', township: EAST,
  assigned_on: '2023-09-01', due_on: '2023-12-31', ...over });
const problem = (no, over = {}) => ({ no, found_on: '2023-09-01', source: 'supervision', department: 'JT', subject: 'S1',
  description: '督办测试问题', level: 'general', deadline: '2023-12-31', ...over });
const supervision = (no, item, over = {}) => ({ no, item_kind: 'task', item, level: 'office', notice_on: '2023-09-25',
  workdays: 5, requirement: '限期整改到位并反馈', ...over });
const feedback = (no, sup, over = {}) => ({ no, supervision: sup, answered_on: '2023-09-27', text: '已整改，附照片', ...over });

async function create(user, entity, body) {
  const r = await (await as(user)).post(`/api/v1/${entity}`, body);
  assert.equal(r.status, 201, `${user} creates ${entity} ${body.no ?? body.day}: ${r.text}`);
  return r.json;
}
const sup = (no) => byNo(office, 'supervisions', no);
function cards(day) {
  const r = d.store.cli(['work', 'cards', '--today', day]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

// ---- the calendar ----

test('the work calendar: the 2023 arrangements listed, read by the units, written by the office only', async () => {
  const cal = await calendar();
  assert.equal(cal.get('2023-01-28'), 'workday');
  assert.equal(cal.get('2023-10-02'), 'holiday');
  assert.equal(cal.get('2023-10-07'), 'workday');
  assert.equal(cal.get('2026-02-14'), 'workday');
  assert.equal(cal.get('2023-03-01'), undefined);
  assert.ok(cal.get('2027-02-05'), 'the provisional 2027 holidays');
  const edu = await as('edu');
  const r = await edu.get('/api/v1/work_calendar?day_from=2023-09-29&day_to=2023-10-08');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.total, 10);
  assertProblem(await unchanged(office, 'work_calendar', () => edu.post('/api/v1/work_calendar', { day: '2023-03-01', kind: 'holiday' })), 403);
  assertProblem(await (await as('grid1')).get('/api/v1/work_calendar'), 403);
  assertProblem(await unchanged(office, 'work_calendar', () => office.post('/api/v1/work_calendar', { day: '2023-02-30', kind: 'holiday' })), 422, { field: 'day' });
  assertProblem(await unchanged(office, 'work_calendar', () => office.post('/api/v1/work_calendar', { day: '2023-10-02', kind: 'holiday' })), 409, { field: 'day' });
  assertProblem(await unchanged(office, 'work_calendar', () => office.post('/api/v1/work_calendar', { day: '2023-03-01', kind: 'rest' })), 422, { field: 'kind' });
});

// ---- supervise, answer, return, answer, accept ----

test('supervise a task: the owner answers, the office returns, the owner answers again, the office accepts: closed', async () => {
  const cal = await calendar();
  await create('office', 'tasks', task('DB-T1'));
  const s = await create('office', 'supervisions', supervision('DB-1', 'DB-T1'));
  const due = addWorkdays(cal, '2023-09-25', 5);
  assert.equal(due, '2023-10-08', 'five working days after 2023-09-25 across the National Day week: a make-up Sunday');
  assert.deepEqual([s.status, s.card, s.due_on, s.red_from, s.owner, s.township, s.district, s.workdays],
    ['issued', 'none', due, addWorkdays(cal, due, 5), 'JT', EAST, DISTRICT, 5]);
  // the units see it within scope
  for (const [user, seen] of [['edu', true], ['east', true], ['west', false], ['safety', false]]) {
    assert.equal(!!(await byNo(await as(user), 'supervisions', 'DB-1')), seen, `${user} sees DB-1: ${seen}`);
  }
  // the owner answers
  const edu = await as('edu');
  const f1 = await create('edu', 'supervision_feedback', feedback('DB-1-F1', 'DB-1'));
  assert.deepEqual([f1.review, f1.owner, f1.township, f1.reviewed_on], ['pending', 'JT', EAST, null]);
  assert.equal((await sup('DB-1')).status, 'answered');
  // a second answer waits for the review
  assertProblem(await unchanged(office, 'supervision_feedback', () => edu.post('/api/v1/supervision_feedback', feedback('DB-1-FX', 'DB-1'))), 422, { field: 'supervision' });
  // the owner may correct its answer, not review it
  const c = await edu.update(`/api/v1/supervision_feedback/${f1.id}`, { text: '已整改，附照片三张' });
  assert.equal(c.status, 200, c.text);
  assertProblem(await edu.update(`/api/v1/supervision_feedback/${f1.id}`, { review: 'accepted' }), 403, { field: 'review' });
  // returned: a note is required
  assertProblem(await office.update(`/api/v1/supervision_feedback/${f1.id}`, { review: 'returned' }), 422, { field: 'review_note' });
  const ret = await office.update(`/api/v1/supervision_feedback/${f1.id}`, { review: 'returned', review_note: '缺少整改前后对比' });
  assert.equal(ret.status, 200, ret.text);
  assertStampedToday(ret.json.reviewed_on, 'reviewed_on');
  assert.equal((await sup('DB-1')).status, 'returned');
  assertProblem(await edu.update(`/api/v1/supervision_feedback/${f1.id}`, { text: '改' }), 403);
  // answered again, accepted: closed today
  const f2 = await create('east', 'supervision_feedback', feedback('DB-1-F2', 'DB-1', { answered_on: '2023-10-09', text: '补充对比照片' }));
  assert.equal((await sup('DB-1')).status, 'answered');
  const acc = await office.update(`/api/v1/supervision_feedback/${f2.id}`, { review: 'accepted' });
  assert.equal(acc.status, 200, acc.text);
  const closed = await sup('DB-1');
  assert.equal(closed.status, 'closed');
  assertStampedToday(closed.closed_on, 'closed_on');
  // no answer to a closed supervision
  assertProblem(await unchanged(office, 'supervision_feedback', () => edu.post('/api/v1/supervision_feedback', feedback('DB-1-F3', 'DB-1'))), 422, { field: 'supervision' });
  // the history of the answers, and the moves audited
  const fb = await listAll(office, '/api/v1/supervision_feedback?supervision=DB-1');
  assert.deepEqual(fb.map((x) => [x.no, x.review]).sort(), [['DB-1-F1', 'returned'], ['DB-1-F2', 'accepted']]);
  const moves = (await auditRows(await as('auditor'), 'supervisions.status')).filter((x) => x.object === 'supervisions/DB-1');
  assert.equal(moves.length, 4, 'answered, returned, answered, closed');
  // a task no longer under an open supervision may be supervised again
  await create('office', 'supervisions', supervision('DB-1B', 'DB-T1', { notice_on: '2023-10-16', level: 'leader' }));
});

test('a problem under supervision: its department and township; a due date given gives the working days', async () => {
  const cal = await calendar();
  await create('office', 'problems', problem('DB-P1'));
  const s = await create('office', 'supervisions', supervision('DB-2', 'DB-P1', { item_kind: 'problem', workdays: undefined, due_on: '2023-10-10' }));
  assert.deepEqual([s.owner, s.township, s.due_on, s.workdays], ['JT', EAST, '2023-10-10', workdaysBetween(cal, '2023-09-25', '2023-10-10')]);
  assert.equal(s.workdays, 7);
  // both given: they must agree
  await create('office', 'tasks', task('DB-T2'));
  assertProblem(await unchanged(office, 'supervisions', () => office.post('/api/v1/supervisions', supervision('DB-3', 'DB-T2', { due_on: '2023-10-10' }))), 422, { field: 'due_on' });
  const ok = await create('office', 'supervisions', supervision('DB-3', 'DB-T2', { due_on: addWorkdays(cal, '2023-09-25', 5) }));
  assert.equal(ok.workdays, 5);
  // a due date on a day off: the next working day, as legal time limits count
  await create('office', 'tasks', task('DB-T2B'));
  const off = await create('office', 'supervisions', supervision('DB-3B', 'DB-T2B', { workdays: undefined, due_on: '2023-10-01' }));
  assert.equal(isWorking(cal, '2023-10-01'), false);
  const n = workdaysBetween(cal, '2023-09-25', '2023-10-01') + 1;
  assert.deepEqual([off.workdays, off.due_on], [n, addWorkdays(cal, '2023-09-25', n)]);
  assert.equal(off.due_on, '2023-10-07');
  // the office changes the working days: the due date follows
  const up = await office.update(`/api/v1/supervisions/${ok.id}`, { workdays: 8 });
  assert.equal(up.status, 200, up.text);
  assert.deepEqual([up.json.due_on, up.json.red_from], [addWorkdays(cal, '2023-09-25', 8), addWorkdays(cal, addWorkdays(cal, '2023-09-25', 8), 5)]);
});

// ---- refusals ----

test('refusals: twice, a missing or finished item, dates, roles; feedback on nothing or by others', async () => {
  await create('office', 'tasks', task('DB-T4'));
  await create('office', 'supervisions', supervision('DB-4', 'DB-T4'));
  const post = (user, entity, body) => unchanged(office, [entity, 'supervisions'], async () => (await as(user)).post(`/api/v1/${entity}`, body));
  assertProblem(await post('office', 'supervisions', supervision('DB-4X', 'DB-T4')), 409, { field: 'item', detail: /DB-4/ });
  assertProblem(await post('office', 'supervisions', supervision('DB-4X', 'NO-SUCH')), 422, { field: 'item' });
  assertProblem(await post('office', 'supervisions', supervision('DB-4X', 'DB-P1')), 422, { field: 'item' }, 'a problem is not a task');
  // finished items
  const t = await create('office', 'tasks', task('DB-T5'));
  const done = await office.update(`/api/v1/tasks/${t.id}`, { status: 'done', done_on: '2023-09-20' });
  assert.equal(done.status, 200, done.text);
  assertProblem(await post('office', 'supervisions', supervision('DB-5', 'DB-T5')), 422, { field: 'item', detail: /已完成/ });
  const p = await create('office', 'problems', problem('DB-P5'));
  const rect = await office.update(`/api/v1/problems/${p.id}`, { status: 'rectified', rectified_on: '2023-09-20' });
  assert.equal(rect.status, 200, rect.text);
  assertProblem(await post('office', 'supervisions', supervision('DB-5', 'DB-P5', { item_kind: 'problem' })), 422, { field: 'item', detail: /已整改/ });
  // dates
  await create('office', 'tasks', task('DB-T6'));
  assertProblem(await post('office', 'supervisions', supervision('DB-6', 'DB-T6', { workdays: undefined, due_on: '2023-09-20' })), 422, { field: 'due_on' });
  assertProblem(await post('office', 'supervisions', supervision('DB-6', 'DB-T6', { workdays: undefined, due_on: '2023-09-25' })), 422, { field: 'due_on' });
  assertProblem(await post('office', 'supervisions', supervision('DB-6', 'DB-T6', { workdays: undefined })), 422, { field: 'workdays' });
  assertProblem(await post('office', 'supervisions', supervision('DB-6', 'DB-T6', { workdays: 0 })), 422, { field: 'workdays' });
  assertProblem(await post('office', 'supervisions', supervision('DB-6', 'DB-T6', { level: 'mayor' })), 422, { field: 'level' });
  assertProblem(await post('office', 'supervisions', supervision('DB-6', 'DB-T6', { status: 'closed' })), 422, { field: 'status' });
  // roles: only the office supervises
  for (const user of ['edu', 'east', 'safety']) assertProblem(await post(user, 'supervisions', supervision('DB-6', 'DB-T6')), 403);
  assertProblem(await (await as('grid1')).get('/api/v1/supervisions'), 403);
  // feedback: on no supervision; by a unit that does not own it; by a role without work
  assertProblem(await post('edu', 'supervision_feedback', feedback('DB-F9', 'NO-SUCH')), 422, { field: 'supervision' });
  assertProblem(await post('safety', 'supervision_feedback', feedback('DB-F9', 'DB-4')), 422, { field: 'supervision' });
  assertProblem(await post('west', 'supervision_feedback', feedback('DB-F9', 'DB-4')), 422, { field: 'supervision' });
  assertProblem(await post('grid1', 'supervision_feedback', feedback('DB-F9', 'DB-4')), 403);
  assertProblem(await post('edu', 'supervision_feedback', feedback('DB-F9', 'DB-4', { review: 'accepted' })), 422, { field: 'review' });
  assertProblem(await post('edu', 'supervision_feedback', feedback('DB-F9', 'DB-4', { answered_on: '2023-09-24' })), 422, { field: 'answered_on' });
  assert.equal((await sup('DB-4')).status, 'issued', 'nothing answered');
});

// ---- the card pass ----

test('the card pass: yellow the day after the due date with 催办, red N working days later across the National Day week', async () => {
  const cal = await calendar();
  await create('office', 'tasks', task('DB-T7'));
  const s = await create('office', 'supervisions', supervision('DB-7', 'DB-T7', { notice_on: '2023-09-20', workdays: 3 }));
  const due = addWorkdays(cal, '2023-09-20', 3);
  const red = addWorkdays(cal, due, 5);
  assert.deepEqual([due, red], ['2023-09-25', '2023-10-08'], 'the red card falls on a make-up Sunday');
  assert.deepEqual([s.due_on, s.red_from], [due, red]);
  const state = async () => { const x = await sup('DB-7'); return [x.card, x.yellow_on, x.red_on, x.reminded_on]; };
  cards(due);
  assert.deepEqual(await state(), ['none', null, null, null], 'on the due date: nothing');
  const next = addDays(due, 1);
  assert.match(cards(next), /黄牌 \d+，红牌 \d+，催办 \d+/);
  assert.deepEqual(await state(), ['yellow', next, null, next], 'the day after: yellow and 催办');
  cards(addDays(next, 1));
  assert.deepEqual(await state(), ['yellow', next, null, next], 'once only');
  cards(addDays(red, -1));
  assert.deepEqual(await state(), ['yellow', next, null, next], 'the day before red_from: still yellow');
  cards(red);
  assert.deepEqual(await state(), ['red', next, red, next], 'red from red_from');
  // a closed supervision gets no card; every pass audited with its counts
  const closed = await sup('DB-1');
  assert.deepEqual([closed.status, closed.card], ['closed', 'none']);
  const audits = await auditRows(await as('auditor'), 'supervisions.cards');
  const mine = audits.filter((x) => /today=2023-09-26 /.test(x.detail));
  assert.equal(mine.length, 1, JSON.stringify(audits.slice(0, 3)));
  assert.match(mine[0].detail, /yellow=\d+ red=\d+ reminded=\d+/);
  assert.match(audits.find((x) => x.detail.includes(`today=${red} `)).detail, /red=[1-9]/);
  const bad = d.store.cli(['work', 'cards', '--today', '2023-02-30']);
  assert.notEqual(bad.status, 0);
});

test('the office sets the working days to red; an edit of the calendar moves the due dates of open supervisions', async () => {
  // the setting: the office's key, not the security administrator's
  const g = await office.get('/api/v1/settings');
  const { number_patterns: patterns, ...work } = g.json; // the numbering patterns: names.test.mjs
  assert.deepEqual(work, { duban_red_workdays: 5, police_subsidy_yuan: 500 });
  assert.equal(typeof patterns, 'object');
  const sec = await as('secadmin');
  assert.equal((await sec.get('/api/v1/settings')).json.duban_red_workdays, undefined);
  assertProblem(await sec.put('/api/v1/settings', { duban_red_workdays: 3 }), 403, { field: 'duban_red_workdays' });
  assertProblem(await office.put('/api/v1/settings', { password_min_length: 12 }), 403, { field: 'password_min_length' });
  assertProblem(await office.put('/api/v1/settings', { duban_red_workdays: 61 }), 422, { field: 'duban_red_workdays' });
  const p = await office.put('/api/v1/settings', { duban_red_workdays: 3 });
  assert.equal(p.status, 200, p.text);
  assert.deepEqual({ ...p.json, number_patterns: undefined }, { duban_red_workdays: 3, police_subsidy_yuan: 500, number_patterns: undefined });
  let cal = await calendar();
  // the open supervisions counted again; a closed one keeps its dates
  const four = await sup('DB-4');
  assert.equal(four.red_from, addWorkdays(cal, four.due_on, 3));
  assert.equal((await sup('DB-1')).red_from, addWorkdays(cal, (await sup('DB-1')).due_on, 5));
  await create('office', 'tasks', task('DB-T8'));
  const s = await create('office', 'supervisions', supervision('DB-8', 'DB-T8', { notice_on: '2023-11-01', workdays: 3 }));
  assert.deepEqual([s.due_on, s.red_from], ['2023-11-06', addWorkdays(cal, '2023-11-06', 3)]);
  // a Friday made a holiday: the due date moves by a working day
  const h = await create('office', 'work_calendar', { day: '2023-11-03', kind: 'holiday', name: '测试调整' });
  cal = await calendar();
  let x = await sup('DB-8');
  assert.deepEqual([x.due_on, x.red_from], [addWorkdays(cal, '2023-11-01', 3), addWorkdays(cal, addWorkdays(cal, '2023-11-01', 3), 3)]);
  assert.equal(x.due_on, '2023-11-07');
  assert.equal(x.rev, s.rev + 1);
  // and back: a working Friday
  const back = await office.update(`/api/v1/work_calendar/${h.id}`, { kind: 'workday' });
  assert.equal(back.status, 200, back.text);
  cal = await calendar();
  x = await sup('DB-8');
  assert.deepEqual([x.due_on, x.red_from], ['2023-11-06', addWorkdays(cal, '2023-11-06', 3)]);
  // a closed supervision keeps its dates
  const closedBefore = await sup('DB-1');
  await create('office', 'work_calendar', { day: '2023-09-27', kind: 'holiday', name: '测试调整' });
  const closedAfter = await sup('DB-1');
  assert.deepEqual([closedAfter.due_on, closedAfter.rev], [closedBefore.due_on, closedBefore.rev]);
  const open = await sup('DB-4');
  assert.equal(open.due_on, addWorkdays(await calendar(), '2023-09-25', 5), 'an open one crossing the day moves');
  assert.equal(open.due_on, '2023-10-09');
  const restore = await office.put('/api/v1/settings', { duban_red_workdays: 5 });
  assert.equal(restore.status, 200);
});

test('the export of each list imports back: every row updated, none created, nothing changed', async () => {
  const strip = (l) => l.map(({ rev, updated_at, ...rest }) => rest).sort((a, b) => a.id - b.id);
  for (const entity of ['work_calendar', 'supervisions', 'supervision_feedback']) {
    const before = await listAll(office, `/api/v1/${entity}`);
    assert.ok(before.length >= 2, entity);
    const x = await office.get(`/api/v1/${entity}/export?format=csv`);
    assert.equal(x.status, 200, x.text);
    const r = await office.post(`/api/v1/${entity}/import?format=csv`, x.text, CSV_BODY);
    assert.equal(r.status, 200, `${entity}: ${r.text}`);
    assert.deepEqual([r.json.rows, r.json.created, r.json.updated, r.json.failed], [before.length, 0, before.length, 0], entity);
    assert.deepEqual(strip(await listAll(office, `/api/v1/${entity}`)), strip(before), `${entity}: every field as it was`);
  }
});
