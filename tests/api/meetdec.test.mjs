// meetdec.test.mjs: the meetings' agreed items (议定事项) and their 交办 —
// one action making the task and writing its number back, refused twice
// (409) and for an item without owner or due date (422); the tasks'
// progress reports (进展), written by the task's owner, its township or the
// office, never a co-owner, and refused on a cancelled or verified task;
// the problems put to a meeting; and the problems raised automatically —
// one per subject that failed a published month, one per major hazard past
// its deadline and not rectified — by the office's action and the command
// line only (never by an import or a read), once each.  Expected values come
// from the rows the test wrote.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, assertProblem, listAll } from './util.mjs';
import { EAST, WEST, DISTRICT, unchanged, byNo, nos, today, addDays, auditRows } from './events_util.mjs';
import { withDistrict, importRows } from './assess_util.mjs';

let d, office;
before(async () => {
  d = await districtServer();
  office = await d.as('office');
});
after(async () => { await d?.stop(); });

const as = (u) => d.as(u);

async function create(client, entity, body, status = 201) {
  const r = await client.post(`/api/v1/${entity}`, body);
  assert.equal(r.status, status, `${entity} ${JSON.stringify(body)}: ${r.text}`);
  return r.json;
}
const meeting = (no, over = {}) => ({ no, held_on: '2023-03-28', month: '2023-03', chair: '李区长', attendees: 'XF|YJ|GA|JT', ...over });

// ---- 1. 交办 ----

test('交办: an agreed item becomes a task of the meeting, linked both ways; twice is 409; no owner or due date is 422', async () => {
  await create(office, 'meetings', meeting('MD-M1'));
  const text = '东镇中学周边交通秩序整治。由教体局牵头，公安局配合，六月底前完成';
  const d1 = await create(office, 'meeting_decisions', { meeting: 'MD-M1', text, owner: 'JT', co_owners: 'GA', township: EAST, due_on: '2023-06-30' });
  assert.deepEqual([d1.no, d1.seq, d1.task, d1.district], ['MD-M1-01', 1, null, DISTRICT]);
  const d2 = await create(office, 'meeting_decisions', { meeting: 'MD-M1', text: '加强防溺水宣传', due_on: '2023-06-30' });
  const d3 = await create(office, 'meeting_decisions', { meeting: 'MD-M1', text: '排查燃气隐患', owner: 'YJ' });
  assert.deepEqual([d2.seq, d2.no, d3.seq, d3.no], [2, 'MD-M1-02', 3, 'MD-M1-03'], 'numbered in the meeting in turn');
  // an item's due date before its meeting is refused
  assertProblem(await unchanged(office, 'meeting_decisions', () => office.post('/api/v1/meeting_decisions',
    { meeting: 'MD-M1', text: '早于会议', due_on: '2023-03-01' })), 422, { field: 'due_on' });
  // a unit reads the items (district-wide), only the office writes them
  assert.deepEqual(nos(await (await as('east')).get('/api/v1/meeting_decisions?meeting=MD-M1')), ['MD-M1-01', 'MD-M1-02', 'MD-M1-03']);
  assertProblem(await (await as('edu')).post('/api/v1/meeting_decisions', { meeting: 'MD-M1', text: '越权' }), 403);

  const r = await office.post(`/api/v1/meeting_decisions/${d1.id}/assign`, { assigned_on: '2023-04-01' });
  assert.equal(r.status, 201, r.text);
  const t = r.json;
  const year = '2023';
  assert.match(t.no, new RegExp(`^RW${year}-\\d{6}$`));
  assert.deepEqual(
    [t.title, t.source, t.meeting, t.decision, t.owner, t.co_owners, t.township, t.assigned_on, t.due_on, t.status, t.district],
    [text.split('。')[0], 'meeting', 'MD-M1', d1.no, d1.owner, d1.co_owners, d1.township, '2023-04-01', d1.due_on, 'assigned', DISTRICT]);
  // the link both ways
  const back = await office.get(`/api/v1/meeting_decisions/${d1.id}`);
  assert.equal(back.json.task, t.no);
  assert.deepEqual(nos(await office.get(`/api/v1/tasks?decision=${d1.no}`)), [t.no]);
  // the owner sees the task it was given
  assert.ok(await byNo(await as('edu'), 'tasks', t.no), 'the owning department sees the task');

  // twice: 409, one task stored
  const again = await unchanged(office, ['tasks', 'meeting_decisions'],
    () => office.post(`/api/v1/meeting_decisions/${d1.id}/assign`, {}));
  assertProblem(again, 409, { field: 'task', detail: new RegExp(t.no) });
  assert.deepEqual(nos(await office.get(`/api/v1/tasks?decision=${d1.no}`)), [t.no]);
  // without owner, without due date: 422 naming it, nothing stored
  assertProblem(await unchanged(office, ['tasks', 'meeting_decisions'],
    () => office.post(`/api/v1/meeting_decisions/${d2.id}/assign`, {})), 422, { field: 'owner' });
  assertProblem(await unchanged(office, ['tasks', 'meeting_decisions'],
    () => office.post(`/api/v1/meeting_decisions/${d3.id}/assign`, {})), 422, { field: 'due_on' });
  // a bad body, a date before the meeting, another role, no such item
  assertProblem(await unchanged(office, 'tasks', () => office.post(`/api/v1/meeting_decisions/${d3.id}/assign`, { assigned_on: '2023-13-01' })), 422, { field: 'assigned_on' });
  assertProblem(await unchanged(office, 'tasks', () => office.post(`/api/v1/meeting_decisions/${d3.id}/assign`, { whatever: 1 })), 400);
  // the body's number and title are checked as the task's form checks them
  const d5 = await create(office, 'meeting_decisions', { meeting: 'MD-M1', text: '第五项', owner: 'JT', due_on: '2023-06-30' });
  assertProblem(await unchanged(office, 'tasks', () => office.post(`/api/v1/meeting_decisions/${d5.id}/assign`, { no: 'RW 2023/1' })), 422, { field: 'no' });
  assertProblem(await unchanged(office, 'tasks', () => office.post(`/api/v1/meeting_decisions/${d5.id}/assign`, { title: '长'.repeat(201) })), 422, { field: 'title' });
  assertProblem(await unchanged(office, 'tasks', () => office.post(`/api/v1/meeting_decisions/${d5.id}/assign`, { no: 7 })), 422, { field: 'no' });
  const r5 = await office.post(`/api/v1/meeting_decisions/${d5.id}/assign`, { no: 'MD-T5', title: '第五项任务', assigned_on: '2023-04-02' });
  assert.equal(r5.status, 201, r5.text);
  assert.deepEqual([r5.json.no, r5.json.title, r5.json.assigned_on, r5.json.decision], ['MD-T5', '第五项任务', '2023-04-02', d5.no]);
  // a number already taken: 409, nothing stored
  const d6 = await create(office, 'meeting_decisions', { meeting: 'MD-M1', text: '第六项', owner: 'JT', due_on: '2023-06-30' });
  assertProblem(await unchanged(office, ['tasks', 'meeting_decisions'], () => office.post(`/api/v1/meeting_decisions/${d6.id}/assign`, { no: 'MD-T5', assigned_on: '2023-04-02' })), 409);
  assertProblem(await (await as('edu')).post(`/api/v1/meeting_decisions/${d2.id}/assign`, {}), 403);
  assertProblem(await office.post('/api/v1/meeting_decisions/999999999/assign', {}), 404);
  // decisions' task and tasks' decision are never input
  assertProblem(await office.post('/api/v1/meeting_decisions', { meeting: 'MD-M1', text: 'x', task: t.no }), 422, { field: 'task' });
  assertProblem(await office.post('/api/v1/tasks', { no: 'MD-X', title: 'x', source: 'meeting', meeting: 'MD-M1', owner: 'JT', assigned_on: '2023-04-01', due_on: '2023-05-01', decision: d2.no }), 422, { field: 'decision' });

  // assigned today by default; the next number of that year
  const d4 = await create(office, 'meeting_decisions', { meeting: 'MD-M1', text: '第四项', owner: 'SJ', due_on: addDays(today(), 30) });
  const r4 = await office.post(`/api/v1/meeting_decisions/${d4.id}/assign`, {});
  assert.equal(r4.status, 201, r4.text);
  const y = today().slice(0, 4);
  const sameYear = (await listAll(office, '/api/v1/tasks')).filter((x) => x.no.startsWith(`RW${y}-`) && x.no !== r4.json.no);
  assert.equal(r4.json.no, `RW${y}-${String(sameYear.length + 1).padStart(6, '0')}`);
  assert.deepEqual([r4.json.assigned_on, r4.json.title, r4.json.decision], [today(), '第四项', d4.no]);
  // the office's numbering pattern of the tasks numbers 交办's tasks as it numbers those saved without a number
  const put = await office.put('/api/v1/settings', { number_patterns: { tasks: 'JB{YYYY}{NNNN}' } });
  assert.equal(put.status, 200, put.text);
  const r6 = await office.post(`/api/v1/meeting_decisions/${d6.id}/assign`, { assigned_on: '2023-04-03' });
  assert.equal(r6.status, 201, r6.text);
  assert.equal(r6.json.no, 'JB20230002', 'the year\'s sequence goes on from the first task (RW2023-000001)');
  const plain = await office.post('/api/v1/tasks', { title: '手工登记的任务', source: 'standard', owner: 'JT', assigned_on: '2023-05-01', due_on: '2023-06-01' });
  assert.equal(plain.status, 201, plain.text);
  assert.equal(plain.json.no, 'JB20230003');
  // once assigned, the item's owner and due date change in the task; its text may still be corrected
  const a1 = (await office.get(`/api/v1/meeting_decisions/${d1.id}`)).json;
  for (const [field, value] of [['owner', 'SJ'], ['due_on', '2023-07-31'], ['co_owners', ''], ['township', WEST]]) {
    assertProblem(await unchanged(office, 'meeting_decisions', () => office.update(`/api/v1/meeting_decisions/${d1.id}`, { rev: a1.rev, [field]: value })), 409, { field, detail: new RegExp(t.no) });
  }
  const fixed = await office.update(`/api/v1/meeting_decisions/${d1.id}`, { rev: a1.rev, text: text + '。' });
  assert.deepEqual([fixed.status, fixed.json.task], [200, t.no]);

  const rows = await auditRows(await as('auditor'), 'meeting_decisions.assign');
  assert.deepEqual(rows.map((x) => [x.username, x.object, x.detail]).sort(),
    [['office', `meeting_decisions/${d1.id} ${d1.no}`, `task=${t.no}`], ['office', `meeting_decisions/${d4.id} ${d4.no}`, `task=${r4.json.no}`],
      ['office', `meeting_decisions/${d5.id} ${d5.no}`, 'task=MD-T5'], ['office', `meeting_decisions/${d6.id} ${d6.no}`, 'task=JB20230002']].sort());
});

// ---- 2. progress ----

test('progress: the owner, its township and the office report; a co-owner only reads; none on a cancelled or verified task', async () => {
  await create(office, 'tasks', { no: 'MD-T1', title: '进展测试', source: 'other', owner: 'JT', co_owners: 'GA', township: EAST, assigned_on: '2023-04-01', due_on: '2023-06-30' });
  const u1 = await create(await as('edu'), 'task_updates', { task: 'MD-T1', reported_on: '2023-04-10', text: '已完成排查' });
  assert.deepEqual([u1.no, u1.owner, u1.co_owners, u1.township, u1.district], ['MD-T1-01', 'JT', 'GA', EAST, DISTRICT]);
  const u2 = await create(await as('east'), 'task_updates', { task: 'MD-T1', reported_on: '2023-04-20', text: '镇里已落实' });
  const u3 = await create(office, 'task_updates', { task: 'MD-T1', reported_on: '2023-05-01', text: '办公室督促' });
  assert.deepEqual([u2.no, u3.no], ['MD-T1-02', 'MD-T1-03']);
  // the history, newest first, as the task's readers see it
  const hist = await office.get('/api/v1/task_updates?task=MD-T1');
  assert.deepEqual(hist.json.items.map((x) => x.no), ['MD-T1-03', 'MD-T1-02', 'MD-T1-01']);
  assert.deepEqual(nos(await (await as('police')).get('/api/v1/task_updates?task=MD-T1')), ['MD-T1-01', 'MD-T1-02', 'MD-T1-03'], 'a co-owner reads');
  assert.deepEqual(nos(await (await as('west')).get('/api/v1/task_updates?task=MD-T1')), [], 'another township does not');
  // refusals, nothing stored
  const refuse = async (user, body, status, field) => assertProblem(
    await unchanged(office, 'task_updates', async () => (await as(user)).post('/api/v1/task_updates', body)), status, { field });
  await refuse('police', { task: 'MD-T1', reported_on: '2023-04-11', text: '配合单位' }, 403, 'task');
  await refuse('edu', { task: 'MD-T1', reported_on: '2023-03-01', text: '早于交办' }, 422, 'reported_on');
  await refuse('edu', { task: 'MD-T1', reported_on: addDays(today(), 2), text: '未来' }, 422, 'reported_on');
  await refuse('edu', { task: 'MD-T1', reported_on: '2023-04-11' }, 422, 'text');
  await refuse('edu', { task: 'NOPE', reported_on: '2023-04-11', text: 'x' }, 422, 'task');
  await refuse('edu', { task: 'MD-T1', reported_on: '2023-04-11', text: 'x', owner: 'SJ' }, 422, 'owner');
  // a co-owner may not change the owner's report either
  const p = await (await as('police')).update(`/api/v1/task_updates/${u1.id}`, { rev: u1.rev, text: '改' });
  assertProblem(p, 403, { field: 'task' });
  // cancelled, verified: no more reports, even from the office
  let r = await office.update(`/api/v1/tasks/${(await byNo(office, 'tasks', 'MD-T1')).id}`, { rev: 1, status: 'cancelled' });
  assert.equal(r.status, 200, r.text);
  await refuse('office', { task: 'MD-T1', reported_on: '2023-05-02', text: '已撤销' }, 409, 'task');
  const t2 = await create(office, 'tasks', { no: 'MD-T2', title: '核销测试', source: 'other', owner: 'JT', assigned_on: '2023-04-01', due_on: '2023-06-30' });
  r = await (await as('edu')).update(`/api/v1/tasks/${t2.id}`, { rev: t2.rev, status: 'done', done_on: '2023-05-01' });
  assert.equal(r.status, 200, r.text);
  r = await office.update(`/api/v1/tasks/${t2.id}`, { rev: r.json.rev, status: 'verified' });
  assert.equal(r.status, 200, r.text);
  await refuse('edu', { task: 'MD-T2', reported_on: '2023-05-02', text: '已核销' }, 409, 'task');
});

// ---- 3. problems put to a meeting ----

test('a problem escalated names its meeting; a meeting lists its topics', async () => {
  await create(office, 'meetings', meeting('MD-M2'));
  const p = await create(office, 'problems', { no: 'MD-P1', found_on: '2023-03-15', source: 'other', department: 'JT', subject: 'S1', description: '重大疑难', level: 'major', deadline: '2023-04-30' });
  assertProblem(await unchanged(office, 'problems', () => office.update(`/api/v1/problems/${p.id}`, { rev: p.rev, meeting: 'MD-M2' })), 422, { field: 'meeting' });
  const r = await (await as('edu')).update(`/api/v1/problems/${p.id}`, { rev: p.rev, status: 'escalated', meeting: 'MD-M2' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.status, r.json.meeting], ['escalated', 'MD-M2']);
  assert.deepEqual(nos(await office.get('/api/v1/problems?meeting=MD-M2')), ['MD-P1']);
  const m = await byNo(office, 'meetings', 'MD-M2');
  const um = await office.update(`/api/v1/meetings/${m.id}`, { rev: m.rev, topics: 'MD-P1' });
  assert.deepEqual([um.status, um.json.topics], [200, 'MD-P1']);
  assertProblem(await office.update(`/api/v1/meetings/${m.id}`, { rev: um.json.rev, topics: 'MD-P1|NOPE' }), 422, { field: 'topics' });
  // a topic is a major problem or one put to coordination
  await create(office, 'problems', { no: 'MD-P2', found_on: '2023-03-15', source: 'other', department: 'JT', description: '一般问题', level: 'general', deadline: '2023-04-30' });
  assertProblem(await unchanged(office, 'meetings', () => office.update(`/api/v1/meetings/${m.id}`, { rev: um.json.rev, topics: 'MD-P1|MD-P2' })), 422, { field: 'topics', detail: /MD-P2/ });
});

// ---- 4. problems raised automatically ----

const crimeCase = (no, subject, occurred_on) => ({
  no, kind: 'criminal', major_impact: 0, category: 'theft_robbery_fraud', occurred_on, subject, status: 'filed', coerced: 0, prosecuted: 0,
});
const hazard = (no, subject, level, deadline, over = {}) => ({
  no, subject, level, domain: 'gas', found_on: '2023-05-10', deadline, rectified_on: '', description: `隐患${no}`, ...over,
});

test('raise: one problem per subject failing a published month and per overdue major hazard; once; never by an import or a read', async () => {
  await withDistrict(async (d) => {
    const office = await d.as('office');
    const M = '2023-07', OPEN = '2023-08';
    importRows(d.store, 'cases', [crimeCase('RC1', 'V2', `${M}-15`), crimeCase('RC2', 'V3', `${OPEN}-03`)]);
    const hazards = [
      hazard('RH1', 'S1', 'major', '2023-06-30'), // overdue, not rectified: raised
      hazard('RH2', 'R1', 'major', '2023-06-30', { rectified_on: '2023-06-20' }), // rectified
      hazard('RH3', 'S1', 'general', '2023-06-30'), // not major
      hazard('RH4', 'V1', 'major', addDays(today(), 10)), // not past its deadline
    ];
    importRows(d.store, 'hazards', hazards);
    for (const [user, dimension] of [['petition', 'petition'], ['safety', 'accident'], ['police', 'case']]) {
      const r = await (await d.as(user)).post(`/api/v1/months/${M}/certify`, { dimension });
      assert.equal(r.status, 200, r.text);
    }
    let r = await office.post(`/api/v1/months/${M}/publish`, {});
    assert.equal(r.status, 200, r.text);

    // the published month's failures, as the results say
    const res = await office.get(`/api/v1/months/${M}/results?fail=1&page_size=500`);
    assert.equal(res.status, 200, res.text);
    const failing = res.json.items.map((x) => x.subject).sort();
    assert.deepEqual(failing, ['V2'], 'the month failed V2 for its case');
    const overdue = hazards.filter((h) => h.level === 'major' && !h.rectified_on && h.deadline < today()).map((h) => h.no);

    // an import and a read raise nothing
    importRows(d.store, 'problems', [{ no: 'RI1', found_on: '2023-05-10', source: 'other', department: 'JT', subject: 'S1', description: '导入', level: 'general', deadline: '2023-06-10' }]);
    assert.equal((await office.get(`/api/v1/figures?through=${M}`)).status, 200);
    assert.deepEqual(nos(await office.get('/api/v1/problems')), ['RI1'], 'nothing raised by the import or the read');

    // refused to others
    assertProblem(await (await d.as('edu')).post('/api/v1/problems/raise', {}), 403);
    assertProblem(await office.post('/api/v1/problems/raise', { today: '2023-01-01' }), 400);

    r = await office.post('/api/v1/problems/raise', {});
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.json.determination, r.json.hazard, r.json.total, r.json.today],
      [failing.length, overdue.length, failing.length + overdue.length, today()]);
    const subjects = Object.fromEntries((await listAll(office, '/api/v1/subjects')).map((s) => [s.code, s]));
    const det = (await office.get('/api/v1/problems?source=determination')).json.items;
    assert.deepEqual(det.map((p) => p.raised_by), failing.map((s) => `determination:${M}:${s}`));
    for (const p of det) {
      const s = subjects[p.subject];
      assert.deepEqual([p.township, p.department, p.level, p.status, p.found_on, p.deadline, p.district],
        [s.township, s.supervisor, 'general', 'open', today(), addDays(today(), 30), DISTRICT]);
      assert.match(p.no, new RegExp(`^WT${today().slice(0, 4)}-\\d{6}$`));
      assert.ok(p.description.includes(M) && p.description.includes('零案件') && p.description.includes('RC1'), p.description);
      assert.ok(!p.description.includes('零上访') && !p.description.includes('零事故'), p.description);
    }
    const hz = (await office.get('/api/v1/problems?source=hazard')).json.items;
    assert.deepEqual(hz.map((p) => p.raised_by).sort(), overdue.map((n) => `hazard:${n}`).sort());
    for (const p of hz) {
      const h = hazards.find((x) => `hazard:${x.no}` === p.raised_by);
      const s = subjects[h.subject];
      assert.deepEqual([p.subject, p.township, p.department, p.level, p.deadline], [h.subject, s.township, s.supervisor, 'general', addDays(today(), 30)]);
      assert.ok(p.description.includes(h.no) && p.description.includes(h.deadline), p.description);
    }
    // the month not published raised nothing
    assert.ok(!det.some((p) => p.raised_by.includes(OPEN)));

    // a second pass raises nothing
    const n = (await listAll(office, '/api/v1/problems')).length;
    r = await office.post('/api/v1/problems/raise', {});
    assert.deepEqual([r.status, r.json.determination, r.json.hazard], [200, 0, 0]);
    assert.equal((await listAll(office, '/api/v1/problems')).length, n);

    // the command line raises what came due since: a month published later, a hazard newly
    // found overdue (on the day it is given), and each once
    const M2 = '2023-09';
    importRows(d.store, 'cases', [crimeCase('RC3', 'V1', `${M2}-05`)]);
    importRows(d.store, 'hazards', [hazard('RH5', 'R1', 'major', '2023-08-31')]);
    for (const [user, dimension] of [['petition', 'petition'], ['safety', 'accident'], ['police', 'case']]) {
      r = await (await d.as(user)).post(`/api/v1/months/${M2}/certify`, { dimension });
      assert.equal(r.status, 200, r.text);
    }
    r = await office.post(`/api/v1/months/${M2}/publish`, {});
    assert.equal(r.status, 200, r.text);
    const failing2 = (await office.get(`/api/v1/months/${M2}/results?fail=1&page_size=500`)).json.items.map((x) => x.subject);
    assert.deepEqual(failing2, ['V1']);
    let cli = d.store.cli(['work', 'raise', '--today', addDays(today(), -1)]);
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, new RegExp(`认定未达标 ${failing2.length} 条，重大隐患逾期 1 条`));
    const v1 = (await office.get(`/api/v1/problems?raised_by=determination:${M2}:V1`)).json.items;
    assert.equal(v1.length, 1);
    assert.ok(v1[0].description.includes(M2) && v1[0].description.includes('RC3'), v1[0].description);
    cli = d.store.cli(['work', 'raise']);
    assert.match(cli.stdout, /认定未达标 0 条，重大隐患逾期 0 条/);
    const rh5 = await byNo(office, 'problems', (await office.get('/api/v1/problems?raised_by=hazard:RH5')).json.items[0].no);
    assert.deepEqual([rh5.source, rh5.found_on, rh5.subject], ['hazard', addDays(today(), -1), 'R1']);

    // audited with the counts
    const rows = await auditRows(await d.as('auditor'), 'problems.raise');
    assert.ok(rows.some((x) => x.username === 'office' && x.detail === `today=${today()} determination=${failing.length} hazard=${overdue.length}`), JSON.stringify(rows));
    assert.ok(rows.some((x) => x.detail === `today=${today()} determination=0 hazard=0`));
  });
});

// ---- 5. import ----

test('agreed items and progress reports import from their templates; a re-import updates, never 交办s', async () => {
  const { toCsv, parseCsv } = await import('./util.mjs');
  const { CSV_BODY } = await import('./events_util.mjs');
  await create(office, 'meetings', meeting('MD-M3'));
  await create(office, 'tasks', { no: 'MD-T3', title: '导入进展', source: 'other', owner: 'JT', assigned_on: '2023-04-01', due_on: '2023-06-30' });
  const files = {
    meeting_decisions: [['no', 'meeting', 'seq', 'text', 'owner', 'co_owners', 'township', 'due_on'],
      ['MD-M3-01', 'MD-M3', '1', '第一项', 'JT', 'GA|SJ', EAST, '2023-05-31'],
      ['MD-M3-02', 'MD-M3', '2', '第二项', '', '', '', '']],
    task_updates: [['no', 'task', 'reported_on', 'text'],
      ['MD-T3-01', 'MD-T3', '2023-04-05', '导入的进展']],
  };
  for (const [entity, file] of Object.entries(files)) {
    const tpl = await office.get(`/api/v1/${entity}/template?format=csv`);
    const meta = (await office.get('/api/v1/meta')).json.entities.find((e) => e.name === entity);
    const byLabel = Object.fromEntries(meta.fields.map((f) => [f.label, f.key]));
    // (a named reference's code column, label + 编码, beside its own: names.test.mjs)
    const own = parseCsv(tpl.text)[0].filter((l) => !(l.endsWith('编码') && byLabel[l.slice(0, -2)]));
    assert.deepEqual(own.map((l) => byLabel[l]), file[0], `${entity}: template columns`);
    for (const [created, updated] of [[file.length - 1, 0], [0, file.length - 1]]) {
      const r = await office.post(`/api/v1/${entity}/import?format=csv`, toCsv(file), CSV_BODY);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual([r.json.created, r.json.updated, r.json.failed], [created, updated, 0], entity);
    }
  }
  const items = (await office.get('/api/v1/meeting_decisions?meeting=MD-M3')).json.items;
  assert.deepEqual(items.map((x) => [x.no, x.seq, x.owner, x.co_owners, x.task]).sort(),
    [['MD-M3-01', 1, 'JT', 'GA|SJ', null], ['MD-M3-02', 2, null, null, null]]);
  assert.deepEqual(nos(await office.get('/api/v1/tasks?meeting=MD-M3')), [], 'an import makes no task');
  const u = await byNo(office, 'task_updates', 'MD-T3-01');
  assert.deepEqual([u.task, u.owner, u.district], ['MD-T3', 'JT', DISTRICT]);
});

// ---- 6. the scheduler ----

test('the scheduler raises the day\'s problems once at its daily pass', async () => {
  const { cliImport, toCsv } = await import('./util.mjs');
  const rows = [['no', 'subject', 'level', 'domain', 'found_on', 'deadline'], ['SH1', 'S1', 'major', 'gas', '2023-05-10', '2023-06-30']];
  const s = await districtServer((store) => cliImport(store, 'hazards', toCsv(rows)));
  try {
    const office = await s.as('office');
    let items = [];
    for (let i = 0; i < 100 && !items.length; i++) {
      items = (await office.get('/api/v1/problems?raised_by=hazard:SH1')).json.items;
      if (!items.length) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(items.length, 1, 'raised by the daily pass at start');
    assert.deepEqual([items[0].source, items[0].subject, items[0].found_on], ['hazard', 'S1', today()]);
    const r = await office.post('/api/v1/problems/raise', {});
    assert.deepEqual([r.json.determination, r.json.hazard], [0, 0], 'raised once');
  } finally {
    await s.stop();
  }
});
