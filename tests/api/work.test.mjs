// work.test.mjs: the office's four work lists over the API — tasks,
// supervision checks, problems, coordination meetings: registered, listed
// and changed by the office; tasks and problems seen by the department that
// owns or co-owns them and the township they lie in, and their progress
// reported by their owner (status and done/rectified date, nothing else),
// verified by the office; checks and meetings district-wide.  Every refusal
// names its field and stores nothing.  Import of each template (DOMAIN.md,
// "Templates of the work lists") and an export that imports back unchanged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, assertProblem, listAll, toCsv, parseCsv, cliImport } from './util.mjs';
import { PASSWORD } from './lib.mjs';
import { EAST, WEST, EAST_VILLAGE, DISTRICT, CSV_BODY, unchanged, byNo, nos, assertStampedToday, today, addDays } from './events_util.mjs';

let d, office;
before(async () => {
  d = await districtServer();
  office = await d.as('office');
});
after(async () => { await d?.stop(); });

const as = (u) => d.as(u);
const WORK = ['meetings', 'supervision_checks', 'tasks', 'problems'];

const make = {
  meetings: (no, over = {}) => ({ no, held_on: '2023-03-28', month: '2023-03', chair: '李区长（区委副书记）',
    attendees: 'XF|YJ|GA|JT', decisions: '一、东镇中学周边整治由教体局牵头', ...over }),
  supervision_checks: (no, over = {}) => ({ no, checked_on: '2023-03-15', kind: 'joint', lead: 'OFF',
    participants: 'XF|YJ|GA', summary: '联合督导东镇学校', ...over }),
  tasks: (no, over = {}) => ({ no, title: '学校周边安全整治', source: 'standard', owner: 'JT', co_owners: 'SJ',
    assigned_on: '2023-04-01', due_on: '2023-05-31', ...over }),
  problems: (no, over = {}) => ({ no, found_on: '2023-03-15', source: 'supervision', department: 'JT', subject: 'S1',
    description: '校门口无护学岗', level: 'general', deadline: '2023-04-15', ...over }),
};

async function create(user, entity, body) {
  const r = await (await as(user)).post(`/api/v1/${entity}`, body);
  assert.equal(r.status, 201, `${user} creates ${entity} ${body.no}: ${r.text}`);
  return r.json;
}
// The numbers of a list as `user` sees it, among those starting with `prefix`.
async function seen(user, entity, prefix) {
  const items = await listAll(await as(user), `/api/v1/${entity}`);
  return items.map((x) => x.no).filter((n) => n.startsWith(prefix)).sort();
}

// ---- 1. the office registers, lists and changes each list ----

test('the office registers a meeting, a check, a task of the meeting and a problem of the check; lists, filters, changes them', async () => {
  const m = await create('office', 'meetings', make.meetings('W1-M'));
  assert.deepEqual([m.month, m.attendees, m.district], ['2023-03', 'XF|YJ|GA|JT', DISTRICT]);
  const c = await create('office', 'supervision_checks', make.supervision_checks('W1-C'));
  assert.deepEqual([c.kind, c.lead, c.participants, c.district], ['joint', 'OFF', 'XF|YJ|GA', DISTRICT]);
  const t = await create('office', 'tasks', make.tasks('W1-T', { source: 'meeting', meeting: 'W1-M', township: EAST }));
  assert.deepEqual([t.status, t.meeting, t.owner, t.co_owners, t.township, t.district, t.done_on, t.overdue],
    ['assigned', 'W1-M', 'JT', 'SJ', EAST, DISTRICT, null, true]);
  const p = await create('office', 'problems', make.problems('W1-P', { check: 'W1-C' }));
  assert.deepEqual([p.status, p.check, p.department, p.township, p.district, p.rectified_on],
    ['open', 'W1-C', 'JT', EAST, DISTRICT, null], 'the township from the subject');
  for (const [entity, rec] of [['meetings', m], ['supervision_checks', c], ['tasks', t], ['problems', p]]) {
    const g = await office.get(`/api/v1/${entity}/${rec.id}`);
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.json, rec, `${entity}: get answers what create answered`);
  }
  assert.deepEqual(nos(await office.get(`/api/v1/tasks?meeting=W1-M&owner=JT&status=${encodeURIComponent('已交办')}&due_on_to=2023-05-31`)), ['W1-T']);
  assert.deepEqual(nos(await office.get('/api/v1/tasks?status=done&q=W1-T')), []);
  assert.deepEqual(nos(await office.get('/api/v1/problems?check=W1-C&level=general&found_on_from=2023-03-15')), ['W1-P']);
  assert.deepEqual(nos(await office.get('/api/v1/meetings?month=2023-03&no=W1-M')), ['W1-M']);
  assert.deepEqual(nos(await office.get('/api/v1/supervision_checks?kind=joint&lead=OFF&no=W1-C')), ['W1-C']);
  // changes
  const ut = await office.update(`/api/v1/tasks/${t.id}`, { title: '学校周边安全综合整治', co_owners: 'SJ|GA' });
  assert.equal(ut.status, 200, ut.text);
  assert.deepEqual([ut.json.title, ut.json.co_owners, ut.json.rev], ['学校周边安全综合整治', 'SJ|GA', 2]);
  const up = await office.update(`/api/v1/problems/${p.id}`, { level: 'major' });
  assert.deepEqual([up.status, up.json.level], [200, 'major']);
  const um = await office.update(`/api/v1/meetings/${m.id}`, { decisions: '一、二、三' });
  assert.deepEqual([um.status, um.json.decisions], [200, '一、二、三']);
  const uc = await office.update(`/api/v1/supervision_checks/${c.id}`, { kind: 'special' });
  assert.deepEqual([uc.status, uc.json.kind], [200, 'special']);
});

// ---- 2. scope ----

test('tasks and problems: a department sees what it owns or co-owns, a township what lies in it, the office all', async () => {
  await create('office', 'tasks', make.tasks('SC-A', { owner: 'JT', co_owners: '' }));
  await create('office', 'tasks', make.tasks('SC-B', { owner: 'SJ', co_owners: 'JT|YJ', township: WEST }));
  await create('office', 'tasks', make.tasks('SC-C', { owner: 'YJ', co_owners: '', township: EAST }));
  await create('office', 'tasks', make.tasks('SC-D', { owner: 'XF', co_owners: 'SJ', township: WEST }));
  const want = {
    office: ['SC-A', 'SC-B', 'SC-C', 'SC-D'], edu: ['SC-A', 'SC-B'], safety: ['SC-B', 'SC-C'],
    petition: ['SC-D'], police: [], east: ['SC-C'], west: ['SC-B', 'SC-D'],
  };
  for (const [user, list] of Object.entries(want)) assert.deepEqual(await seen(user, 'tasks', 'SC-'), list, `${user} sees tasks`);
  const a = await byNo(office, 'tasks', 'SC-A');
  assert.equal(a.district, DISTRICT, 'without a township: the district of its owner');
  await create('office', 'problems', make.problems('SC-PA', { department: 'JT', subject: 'V1' }));
  await create('office', 'problems', make.problems('SC-PB', { department: 'SJ', subject: null, township: WEST }));
  await create('office', 'problems', make.problems('SC-PC', { department: 'YJ', subject: 'S1' }));
  const pwant = {
    office: ['SC-PA', 'SC-PB', 'SC-PC'], edu: ['SC-PA'], safety: ['SC-PC'], police: [],
    east: ['SC-PA', 'SC-PC'], west: ['SC-PB'], subj: ['SC-PC'],
  };
  for (const [user, list] of Object.entries(pwant)) assert.deepEqual(await seen(user, 'problems', 'SC-P'), list, `${user} sees problems`);
  // elsewhere: as missing
  const c = await byNo(office, 'tasks', 'SC-C');
  const edu = await as('edu');
  assertProblem(await edu.get(`/api/v1/tasks/${c.id}`), 404);
  assertProblem(await unchanged(office, 'tasks', () => edu.update(`/api/v1/tasks/${c.id}`, { status: 'in_progress', rev: c.rev })), 404);
  assertProblem(await (await as('west')).get(`/api/v1/tasks/${c.id}`), 404);
  // roles without business here
  for (const user of ['grid1', 'sysadmin', 'auditor']) {
    // the grid worker reads the problems found on its patrols and visits (sync.test.mjs): none here
    for (const entity of WORK.filter((x) => user !== 'grid1' || x !== 'problems'))
      assertProblem(await (await as(user)).get(`/api/v1/${entity}`), 403);
  }
  assert.equal((await (await as('grid1')).get('/api/v1/problems')).json.total, 0, 'no problem lies in the grid');
  assertProblem(await (await as('subj')).get('/api/v1/tasks'), 403);
});

test('a co-owner is matched exactly: not by a code that differs in case or stands for a wildcard', async () => {
  for (const code of ['S_', 'sj']) {
    const r = await office.post('/api/v1/departments', { code, name: `测试单位${code}`, roles: 'supervisor', region: DISTRICT });
    assert.equal(r.status, 201, r.text);
    const u = d.store.cli(['user', 'add', `dept-${code}`, '--role', 'supervisor', '--dept', code], PASSWORD + '\n');
    assert.equal(u.status, 0, u.stderr);
  }
  await create('office', 'tasks', make.tasks('EX-A', { owner: 'JT', co_owners: 'SJ' }));
  await create('office', 'tasks', make.tasks('EX-B', { owner: 'JT', co_owners: 'YJ|S_' }));
  assert.deepEqual(await seen('dept-S_', 'tasks', 'EX-'), ['EX-B']);
  assert.deepEqual(await seen('dept-sj', 'tasks', 'EX-'), []);
  const a = await byNo(office, 'tasks', 'EX-A');
  assertProblem(await (await as('dept-S_')).get(`/api/v1/tasks/${a.id}`), 404);
});

test('meetings and supervision checks are district-wide for the district\'s units; only the office writes them', async () => {
  await create('office', 'meetings', make.meetings('SC-M'));
  await create('office', 'supervision_checks', make.supervision_checks('SC-CK', { lead: 'YJ' }));
  for (const user of ['office', 'edu', 'east', 'west', 'petition', 'police']) {
    assert.deepEqual(await seen(user, 'meetings', 'SC-M'), ['SC-M'], `${user} sees the meeting`);
    assert.deepEqual(await seen(user, 'supervision_checks', 'SC-CK'), ['SC-CK'], `${user} sees the check`);
  }
  for (const user of ['edu', 'east', 'safety']) {
    const c = await as(user);
    assertProblem(await unchanged(office, 'meetings', () => c.post('/api/v1/meetings', make.meetings(`SC-MX-${user}`))), 403);
    assertProblem(await unchanged(office, 'supervision_checks', () => c.post('/api/v1/supervision_checks', make.supervision_checks(`SC-CX-${user}`))), 403);
  }
});

// ---- 3. progress: the owner reports, the office verifies ----

test('a task: its owner reports progress and the done date, the office verifies; the owner changes nothing else', async () => {
  const t = await create('office', 'tasks', make.tasks('PR-T', { owner: 'JT', co_owners: 'YJ', township: EAST }));
  const edu = await as('edu');
  let r = await edu.update(`/api/v1/tasks/${t.id}`, { status: 'in_progress' });
  assert.deepEqual([r.status, r.json.status], [200, 'in_progress'], r.text);
  // done without its date: refused naming done_on
  assertProblem(await unchanged(office, 'tasks', () => edu.update(`/api/v1/tasks/${t.id}`, { status: 'done' })), 422, { field: 'done_on' });
  // the owner changes a field of the office's
  assertProblem(await unchanged(office, 'tasks', () => edu.update(`/api/v1/tasks/${t.id}`, { due_on: '2023-12-31' })), 403, { field: 'due_on' });
  // a co-owner reads it but does not report
  const saf = await as('safety');
  assert.deepEqual(await seen('safety', 'tasks', 'PR-T'), ['PR-T']);
  assertProblem(await unchanged(office, 'tasks', () => saf.update(`/api/v1/tasks/${t.id}`, { status: 'done', done_on: '2023-05-20' })), 403, { field: 'owner' });
  r = await edu.update(`/api/v1/tasks/${t.id}`, { status: 'done', done_on: '2023-05-20' });
  assert.deepEqual([r.status, r.json.status, r.json.done_on, r.json.overdue], [200, 'done', '2023-05-20', false], r.text);
  // only the office verifies
  assertProblem(await unchanged(office, 'tasks', () => edu.update(`/api/v1/tasks/${t.id}`, { status: 'verified' })), 403, { field: 'status' });
  r = await office.update(`/api/v1/tasks/${t.id}`, { status: 'verified' });
  assert.equal(r.status, 200, r.text);
  assertStampedToday(r.json.verified_on, 'verified_on');
  // nobody but the office registers one
  assertProblem(await unchanged(office, 'tasks', () => edu.post('/api/v1/tasks', make.tasks('PR-T2'))), 403);
  assertProblem(await unchanged(office, 'tasks', async () => (await as('east')).post('/api/v1/tasks', make.tasks('PR-T3', { township: EAST }))), 403);
  // the township reports on a task in its area
  const t2 = await create('office', 'tasks', make.tasks('PR-T4', { owner: 'DZ', co_owners: '', township: EAST }));
  r = await (await as('east')).update(`/api/v1/tasks/${t2.id}`, { status: 'in_progress' });
  assert.deepEqual([r.status, r.json.status], [200, 'in_progress'], r.text);
  // the office cancels a task still under way
  r = await office.update(`/api/v1/tasks/${t2.id}`, { status: 'cancelled' });
  assert.deepEqual([r.status, r.json.status], [200, 'cancelled'], r.text);
});

test('a problem: its department rectifies and may ask for coordination, the office sends back and verifies', async () => {
  const p = await create('office', 'problems', make.problems('PR-P', { department: 'JT', subject: 'S1' }));
  const edu = await as('edu');
  assertProblem(await unchanged(office, 'problems', () => edu.update(`/api/v1/problems/${p.id}`, { status: 'verified' })), 422, { field: 'status' });
  let r = await edu.update(`/api/v1/problems/${p.id}`, { status: 'escalated' });
  assert.deepEqual([r.status, r.json.status], [200, 'escalated'], r.text);
  assertProblem(await unchanged(office, 'problems', () => edu.update(`/api/v1/problems/${p.id}`, { status: 'rectifying' })), 403, { field: 'status' });
  r = await office.update(`/api/v1/problems/${p.id}`, { status: 'rectifying' });
  assert.equal(r.status, 200, r.text);
  assertProblem(await unchanged(office, 'problems', () => edu.update(`/api/v1/problems/${p.id}`, { status: 'rectified' })), 422, { field: 'rectified_on' });
  assertProblem(await unchanged(office, 'problems', () => edu.update(`/api/v1/problems/${p.id}`, { description: '改写' })), 403, { field: 'description' });
  r = await edu.update(`/api/v1/problems/${p.id}`, { status: 'rectified', rectified_on: '2023-04-10' });
  assert.deepEqual([r.status, r.json.status, r.json.rectified_on], [200, 'rectified', '2023-04-10'], r.text);
  r = await office.update(`/api/v1/problems/${p.id}`, { status: 'verified' });
  assert.equal(r.status, 200, r.text);
  assertStampedToday(r.json.verified_on, 'verified_on');
  assert.equal(r.json.overdue, false);
});

// ---- 4. refusals: the field named, nothing stored ----

test('every refusal names its field and stores nothing', async () => {
  const t = await create('office', 'tasks', make.tasks('RF-T'));
  await create('office', 'meetings', make.meetings('RF-M')); // held 2023-03-28
  await create('office', 'supervision_checks', make.supervision_checks('RF-C')); // 2023-03-15
  const cases = [
    // what an item came from: its source says so, and it does not come before it
    ['tasks', () => office.post('/api/v1/tasks', make.tasks('RF-T8', { source: 'meeting', meeting: 'RF-M', assigned_on: '2023-03-27' })), 422, 'assigned_on'],
    ['tasks', () => office.post('/api/v1/tasks', make.tasks('RF-T9', { source: 'standard', meeting: 'RF-M' })), 422, 'source'],
    ['problems', () => office.post('/api/v1/problems', make.problems('RF-P4', { source: 'petition', check: 'RF-C' })), 422, 'source'],
    ['problems', () => office.post('/api/v1/problems', make.problems('RF-P5', { check: 'RF-C', found_on: '2023-03-14', deadline: '2023-04-15' })), 422, 'found_on'],
    // a transition not allowed from the current status
    ['tasks', () => office.update(`/api/v1/tasks/${t.id}`, { status: 'verified' }), 422, 'status'],
    ['tasks', () => office.update(`/api/v1/tasks/${t.id}`, { status: 'done' }), 422, 'done_on'],
    ['tasks', () => office.update(`/api/v1/tasks/${t.id}`, { done_on: '2023-04-02' }), 422, 'done_on'],
    ['tasks', () => office.update(`/api/v1/tasks/${t.id}`, { due_on: '2023-03-01' }), 422, 'due_on'],
    // a due date before the assignment
    ['tasks', () => office.post('/api/v1/tasks', make.tasks('RF-T1', { due_on: '2023-03-31' })), 422, 'due_on'],
    // a new task must start assigned
    ['tasks', () => office.post('/api/v1/tasks', make.tasks('RF-T2', { status: 'done', done_on: '2023-04-02' })), 422, 'status'],
    ['tasks', () => office.post('/api/v1/tasks', make.tasks('RF-T3', { assigned_on: addDays(today(), 2), due_on: addDays(today(), 30) })), 422, 'assigned_on'],
    // a region that is not a township, an unknown department, an unknown meeting
    ['tasks', () => office.post('/api/v1/tasks', make.tasks('RF-T4', { township: EAST_VILLAGE })), 422, 'township'],
    ['tasks', () => office.post('/api/v1/tasks', make.tasks('RF-T5', { co_owners: 'SJ|NOPE' })), 422, 'co_owners'],
    ['tasks', () => office.post('/api/v1/tasks', make.tasks('RF-T6', { meeting: 'NO-SUCH' })), 422, 'meeting'],
    ['tasks', () => office.post('/api/v1/tasks', make.tasks('RF-T7', { source: 'rumour' })), 422, 'source'],
    // the subject lies in another township than the one named
    ['problems', () => office.post('/api/v1/problems', make.problems('RF-P1', { subject: 'V1', township: WEST })), 422, 'township'],
    ['problems', () => office.post('/api/v1/problems', make.problems('RF-P2', { deadline: '2023-03-14' })), 422, 'deadline'],
    ['problems', () => office.post('/api/v1/problems', make.problems('RF-P3', { check: 'NO-SUCH' })), 422, 'check'],
    ['meetings', () => office.post('/api/v1/meetings', make.meetings('RF-M1', { month: '2023-13' })), 422, 'month'],
    ['meetings', () => office.post('/api/v1/meetings', make.meetings('RF-M2', { month: '2023-04' })), 422, 'month'],
    ['meetings', () => office.post('/api/v1/meetings', make.meetings('RF-M3', { held_on: addDays(today(), 1), month: today().slice(0, 7) })), 422, 'held_on'],
    ['supervision_checks', () => office.post('/api/v1/supervision_checks', make.supervision_checks('RF-C1', { kind: 'casual' })), 422, 'kind'],
    ['supervision_checks', () => office.post('/api/v1/supervision_checks', make.supervision_checks('RF-C2', { lead: null })), 422, 'lead'],
  ];
  for (const [entity, fn, status, field] of cases) {
    const r = await unchanged(office, entity, fn);
    const j = assertProblem(r, status, { field });
    assert.match(j.detail, /[\u4e00-\u9fff]/, `a Chinese message: ${j.detail}`);
  }
  const ok = await byNo(office, 'tasks', 'RF-T');
  assert.deepEqual([ok.status, ok.rev], ['assigned', 1]);
});

// ---- 5. import and export ----

const TEMPLATES = {
  meetings: [['no', 'held_on', 'month', 'chair', 'attendees', 'decisions'],
    ['IM-M1', '2023-05-30', '2023-05', '李区长', 'XF|YJ|GA', '议定三项'],
    ['IM-M2', '2023-06-29', '2023-06', '王副区长', '', '']],
  supervision_checks: [['no', 'checked_on', 'kind', 'lead', 'participants', 'summary'],
    ['IM-C1', '2023-05-10', '暗访', 'OFF', 'XF', '暗访西乡饭店'],
    ['IM-C2', '2023-05-12', 'routine', 'JT', '', '']],
  tasks: [['no', 'title', 'source', 'meeting', 'owner', 'co_owners', 'township', 'assigned_on', 'due_on', 'status', 'done_on', 'verified_on'],
    ['IM-T1', '饭店燃气整治', '会议决定', 'IM-M1', 'SJ', 'YJ|GA', WEST, '2023-06-01', '2023-06-30', '', '', ''],
    ['IM-T2', '校园周边治理', 'superior', '', 'JT', '', '', '2023-06-01', '2023-07-31', '已完成', '2023-07-20', ''],
    ['IM-T3', '防溺水宣传', 'campaign', '', 'JT', 'DZ', EAST, '2023-06-01', '2023-06-15', 'verified', '2023-06-10', '2023-06-12']],
  problems: [['no', 'found_on', 'source', 'check', 'department', 'township', 'subject', 'description', 'level', 'deadline', 'status', 'rectified_on', 'verified_on'],
    ['IM-P1', '2023-05-10', '督导检查', 'IM-C1', 'SJ', '', 'R1', '后厨燃气无报警器', '重大疑难', '2023-06-10', '', '', ''],
    ['IM-P2', '2023-05-15', 'petition', '', 'XF', WEST, '', '群众反映噪声', 'general', '2023-06-15', 'rectified', '2023-06-01', '']],
};
const IMPORTED = {
  'IM-M1': { month: '2023-05', attendees: 'XF|YJ|GA', district: DISTRICT },
  'IM-C1': { kind: 'unannounced', lead: 'OFF', district: DISTRICT },
  'IM-T1': { source: 'meeting', meeting: 'IM-M1', status: 'assigned', township: WEST, co_owners: 'YJ|GA' },
  'IM-T2': { status: 'done', done_on: '2023-07-20', township: null, district: DISTRICT },
  'IM-T3': { status: 'verified', verified_on: '2023-06-12' },
  'IM-P1': { source: 'supervision', level: 'major', township: WEST, status: 'open', check: 'IM-C1' },
  'IM-P2': { status: 'rectified', rectified_on: '2023-06-01', township: WEST },
};

test('each template imports from CSV with the keys as header; the template has the DOMAIN columns', async () => {
  for (const entity of WORK) {
    const tpl = await office.get(`/api/v1/${entity}/template?format=csv`);
    assert.equal(tpl.status, 200, tpl.text);
    const meta = (await office.get('/api/v1/meta')).json.entities.find((e) => e.name === entity);
    const byLabel = Object.fromEntries(meta.fields.map((f) => [f.label, f.key]));
    // (a named reference's code column, label + 编码, beside its own: names.test.mjs)
    const own = parseCsv(tpl.text)[0].filter((l) => !(l.endsWith('编码') && byLabel[l.slice(0, -2)]));
    assert.deepEqual(own.map((l) => byLabel[l]), TEMPLATES[entity][0], `${entity}: template columns`);
    const file = TEMPLATES[entity];
    const r = await office.post(`/api/v1/${entity}/import?format=csv`, toCsv(file), CSV_BODY);
    assert.equal(r.status, 200, `${entity}: ${r.text}`);
    const n = file.length - 1;
    assert.deepEqual([r.json.rows, r.json.created, r.json.updated, r.json.failed], [n, n, 0, 0], entity);
    for (const row of file.slice(1)) {
      const got = await byNo(office, entity, row[0]);
      assert.ok(got, `${row[0]} stored`);
      for (const [k, v] of Object.entries(IMPORTED[row[0]] || {})) assert.deepEqual(got[k], v, `${row[0]}.${k}`);
    }
  }
});

test('a bad row of an import: its row and column named, nothing of the file stored', async () => {
  const bad = {
    tasks: [[TEMPLATES.tasks[0],
      ['BI-T1', '好行', 'other', '', 'JT', '', '', '2023-06-01', '2023-06-30', '', '', ''],
      ['BI-T2', '已完成无日期', 'other', '', 'JT', '', '', '2023-06-01', '2023-06-30', '已完成', '', '']], [3, '完成日期']],
    problems: [[TEMPLATES.problems[0],
      ['BI-P1', '2023-05-10', 'other', '', 'JT', '', 'S1', '好行', 'general', '2023-06-10', '', '', ''],
      ['BI-P2', '2023-05-10', 'other', '', 'JT', '', 'S1', '已整改无日期', 'general', '2023-06-10', '已整改', '', '']], [3, '整改完成日期']],
    meetings: [[TEMPLATES.meetings[0],
      ['BI-M1', '2023-05-30', '2023-05', '', '', ''],
      ['BI-M2', '2023-05-30', '2023-13', '', '', '']], [3, '所属月份']],
    supervision_checks: [[TEMPLATES.supervision_checks[0],
      ['BI-C1', '2023-05-10', 'routine', 'OFF', '', ''],
      ['BI-C2', '2023-05-10', 'routine', 'OFF', 'XF|NOPE', '']], [3, '参加单位']],
  };
  for (const [entity, [file, [row, column]]] of Object.entries(bad)) {
    const r = await unchanged(office, entity, () => office.post(`/api/v1/${entity}/import?format=csv`, toCsv(file), CSV_BODY));
    assertProblem(r, 422);
    assert.deepEqual([r.json.created, r.json.updated, r.json.failed], [0, 0, 1], entity);
    assert.deepEqual(r.json.errors.map((e) => [e.row, e.column]), [[row, column]], `${entity}: ${r.text}`);
  }
  // the command line (the system, of no district) places tasks by their owner
  cliImport(d.store, 'tasks', toCsv([TEMPLATES.tasks[0],
    ['CL-T1', '命令行导入', 'other', '', 'SJ', '', '', '2023-06-01', '2023-06-30', '', '', '']]));
  assert.equal((await byNo(office, 'tasks', 'CL-T1')).district, DISTRICT);
  // a role that may not register the list may not import it
  const own = await unchanged(office, 'tasks', async () => (await as('edu')).post('/api/v1/tasks/import?format=csv',
    toCsv([TEMPLATES.tasks[0], ['BI-T9', '越权', 'other', '', 'JT', '', '', '2023-06-01', '2023-06-30', '', '', '']]), CSV_BODY));
  assertProblem(own, 422);
  assert.match(own.json.errors[0].message, /由创建办公室登记/);
  assertProblem(await unchanged(office, 'meetings', async () => (await as('edu')).post('/api/v1/meetings/import?format=csv',
    toCsv(TEMPLATES.meetings), CSV_BODY)), 403);
});

test('the export of each list imports back: every row updated, none created, nothing changed', async () => {
  const strip = (l) => l.map(({ rev, ...rest }) => rest).sort((a, b) => a.id - b.id);
  for (const entity of WORK) {
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
