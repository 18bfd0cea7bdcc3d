// todos.test.mjs: GET /todos (what waits on the signed-in user, within its
// scope) and GET /todos/wait (the long poll that says when to fetch them
// again).  Items for each role — a lead department's certification, the
// office's month to publish and work to verify, a department's and a
// township's due work, a township's petition near its deadline — and what
// another township does not see; the wait answers at once on a stale
// version, within a second of a write that changes the caller's to-dos,
// after its time (the server started with --todo-wait 2) otherwise, and
// 401 to a client that is not signed in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, assertProblem } from './util.mjs';
import { make as makeEvent, today, addDays, EAST } from './events_util.mjs';

let d, office;
before(async () => {
  d = await districtServer(null, ['--todo-wait', '2']);
  office = await d.as('office');
});
after(async () => { await d?.stop(); });

const as = (u) => d.as(u);
const T = today();
// the previous month: within the three years a to-do of the months looks at
const M = (() => { const t = new Date(T + 'T00:00:00Z'); t.setUTCDate(0); return t.toISOString().slice(0, 7); })();

async function create(user, entity, body) {
  const r = await (await as(user)).post(`/api/v1/${entity}`, body);
  assert.equal(r.status, 201, `${user} creates ${entity} ${body.no}: ${r.text}`);
  return r.json;
}
async function todos(user) {
  const r = await (await as(user)).get('/api/v1/todos');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.total, r.json.items.length);
  assert.ok(Number.isSafeInteger(r.json.version), 'a version');
  for (const x of r.json.items) {
    assert.deepEqual(Object.keys(x).sort(), ['due', 'entity', 'id', 'kind', 'label', 'overdue', 'title']);
    assert.equal(typeof x.label, 'string');
    assert.ok(/[\u4e00-\u9fff]/.test(x.label), `a Chinese label: ${x.label}`);
  }
  return r.json;
}
const find = (list, kind, id) => list.items.find((x) => x.kind === kind && x.id === id);

const task = (no, over = {}) => ({ no, title: `任务${no}`, source: 'standard', owner: 'JT', co_owners: 'SJ',
  assigned_on: addDays(T, -10), due_on: addDays(T, 2), ...over });
const problem = (no, over = {}) => ({ no, found_on: addDays(T, -10), source: 'supervision', department: 'JT',
  subject: 'S1', description: `问题${no}`, level: 'general', deadline: addDays(T, 1), ...over });

test('a department sees the tasks and problems it owns due within 3 days or overdue; co-owners and later ones not', async () => {
  const near = await create('office', 'tasks', task('TD-1', { co_owners: 'SJ|XF' }));
  const late = await create('office', 'tasks', task('TD-2', { due_on: addDays(T, -1) }));
  const far = await create('office', 'tasks', task('TD-3', { due_on: addDays(T, 30) }));
  const p = await create('office', 'problems', problem('TD-P1'));
  const edu = await todos('edu');
  assert.deepEqual([find(edu, 'task_due', near.id)?.overdue, find(edu, 'task_due', late.id)?.overdue], [false, true]);
  assert.deepEqual(find(edu, 'task_due', near.id), { kind: 'task_due', label: '任务临期', entity: 'tasks',
    id: near.id, title: 'TD-1 任务TD-1', due: addDays(T, 2), overdue: false });
  assert.equal(find(edu, 'task_due', far.id), undefined, 'due in 30 days: not yet');
  assert.equal(find(edu, 'problem_due', p.id)?.due, addDays(T, 1));
  // XF co-owns TD-1: it reads it but does not report on it
  assert.equal((await (await as('petition')).get(`/api/v1/tasks/${near.id}`)).status, 200);
  assert.equal(find(await todos('petition'), 'task_due', near.id), undefined);
  // done: no longer the owner's, now the office's to verify
  const r = await (await as('edu')).update(`/api/v1/tasks/${near.id}`, { status: 'done', done_on: T });
  assert.equal(r.status, 200, r.text);
  assert.equal(find(await todos('edu'), 'task_due', near.id), undefined);
  const off = await todos('office');
  assert.equal(find(off, 'task_verify', near.id)?.title, 'TD-1 任务TD-1');
  assert.equal(find(off, 'task_due', late.id), undefined, 'the office verifies; it does not own the work');
  const rp = await (await as('edu')).update(`/api/v1/problems/${p.id}`, { status: 'rectified', rectified_on: T });
  assert.equal(rp.status, 200, rp.text);
  assert.equal(find(await todos('office'), 'problem_verify', p.id)?.entity, 'problems');
});

test('a township sees its own petitions and tasks near their deadline; another township does not', async () => {
  // received 13 days ago: to be accepted within 15, so in 2 days
  const pet = await create('petition', 'petitions', makeEvent.petitions('TD-PET', { received_on: addDays(T, -13) }));
  const t = await create('office', 'tasks', task('TD-E', { township: EAST }));
  const dis = await create('east', 'disputes', makeEvent.disputes('TD-DIS', { found_on: addDays(T, -5), deadline: T }));
  const east = await todos('east');
  assert.deepEqual([find(east, 'dispute_due', dis.id)?.due, find(east, 'dispute_due', dis.id)?.overdue], [T, false]);
  assert.deepEqual(find(east, 'petition_due', pet.id), { kind: 'petition_due', label: '信访临期', entity: 'petitions',
    id: pet.id, title: 'TD-PET 征地补偿', due: addDays(T, 2), overdue: false });
  assert.ok(find(east, 'task_due', t.id), 'the township a task lies in reports on it');
  const west = await todos('west');
  assert.equal(find(west, 'petition_due', pet.id), undefined);
  assert.equal(find(west, 'task_due', t.id), undefined);
  assert.equal(find(west, 'dispute_due', dis.id), undefined);
  assert.ok(find(await todos('petition'), 'petition_due', pet.id), 'the petition bureau');
  assert.equal(find(await todos('edu'), 'petition_due', pet.id), undefined, 'a supervisor handles no petitions');
});

test('a lead department sees the month its dimension has not certified; the office the month to publish', async () => {
  const m = await office.get(`/api/v1/months/${M}`);
  assert.equal(m.status, 200, m.text);
  const pet = await todos('petition');
  assert.deepEqual(find(pet, 'certification', M), { kind: 'certification', label: '待确认认定', entity: 'months',
    id: M, title: `${M} 信访维度认定结果待确认`, due: null, overdue: false });
  assert.ok(find(await todos('police'), 'certification', M));
  assert.equal(find(await todos('office'), 'month_publish', M), undefined, 'not all three yet');
  for (const [u, dim] of [['petition', 'petition'], ['safety', 'accident'], ['police', 'case']]) {
    const r = await (await as(u)).post(`/api/v1/months/${M}/certify`, { dimension: dim });
    assert.equal(r.status, 200, r.text);
  }
  assert.equal(find(await todos('petition'), 'certification', M), undefined, 'certified');
  assert.ok(find(await todos('office'), 'month_publish', M), 'all three: the office publishes');
});

test('the three administrators have no to-dos: 200 with no items', async () => {
  for (const u of ['sysadmin', 'secadmin', 'auditor']) {
    const l = await todos(u);
    assert.deepEqual([l.items, l.total], [[], 0]);
  }
});

test('the long poll: at once on a stale version; within 1 s of a write that changes the to-dos; after its time otherwise', async () => {
  const edu = await as('edu');
  const { version } = await todos('edu');
  // stale (or no) version: at once
  let t0 = Date.now();
  let r = await edu.get(`/api/v1/todos/wait?since=${version + 1}`);
  assert.deepEqual([r.status, r.json], [200, { changed: true, version }]);
  r = await edu.get('/api/v1/todos/wait');
  assert.deepEqual([r.status, r.json.changed], [200, true]);
  assert.ok(Date.now() - t0 < 1000);
  // nothing happens: after the server's --todo-wait (2 s here)
  t0 = Date.now();
  r = await edu.get(`/api/v1/todos/wait?since=${version}`);
  const waited = Date.now() - t0;
  assert.deepEqual([r.status, r.json], [200, { changed: false, version }]);
  assert.ok(waited >= 1800 && waited < 3500, `held about 2 s, was ${waited} ms`);
  // a write of a task of the district: the waiting client learns within 1 s
  const waits = [edu, await as('east'), await as('office')].map(async (c) => {
    const v = (await c.get('/api/v1/todos')).json.version;
    const w = c.get(`/api/v1/todos/wait?since=${v}`);
    return w.then((res) => ({ res, at: Date.now() }));
  });
  await new Promise((ok) => setTimeout(ok, 300));
  const written = Date.now();
  const t = await create('office', 'tasks', task('TD-W'));
  for (const w of await Promise.all(waits)) {
    assert.equal(w.res.status, 200, w.res.text);
    assert.equal(w.res.json.changed, true);
    assert.ok(w.at - written < 1000, `answered ${w.at - written} ms after the write`);
  }
  const after = await todos('edu');
  assert.ok(find(after, 'task_due', t.id), 'and the new to-do is there');
  // a certification (not an entity write) moves the version too
  const v = after.version;
  const w = edu.get(`/api/v1/todos/wait?since=${v}`);
  await new Promise((ok) => setTimeout(ok, 200));
  const tc = Date.now();
  const M2 = (() => { const x = new Date(M + '-01T00:00:00Z'); x.setUTCMonth(x.getUTCMonth() - 1); return x.toISOString().slice(0, 7); })();
  assert.equal((await office.get(`/api/v1/months/${M2}`)).status, 200);
  const c = await (await as('safety')).post(`/api/v1/months/${M2}/certify`, { dimension: 'accident' });
  assert.equal(c.status, 200, c.text);
  let wr = await w;
  // a slow card pass (the sanitizer build) may outlast the 2 s wait: then the next wait says it
  if (wr.status === 200 && !wr.json.changed) wr = await (await as('edu')).get(`/api/v1/todos/wait?since=${edu.version}`);
  assert.deepEqual([wr.status, wr.json.changed], [200, true]);
  assert.ok(Date.now() - tc < 1000);
});

test('the wait refuses a bad since (400) and a client that is not signed in (401)', async () => {
  assertProblem(await (await as('edu')).get('/api/v1/todos/wait?since=abc'), 400, { field: 'since' });
  assertProblem(await (await as('edu')).get('/api/v1/todos/wait?since=-1'), 400, { field: 'since' });
  const anon = d.srv.client();
  assertProblem(await anon.get('/api/v1/todos/wait?since=1'), 401);
  assertProblem(await anon.get('/api/v1/todos'), 401);
  // signed out: 401 too
  const c = await d.srv.client().loginReady('west');
  assert.equal((await c.post('/api/v1/logout')).status, 204);
  assertProblem(await c.get('/api/v1/todos/wait?since=1'), 401);
  assertProblem(await (await as('edu')).post('/api/v1/todos', {}), 405);
});

test('督办: the owner sees what waits on its feedback, the office the feedback to review; the card pass moves the version', async () => {
  await create('office', 'tasks', task('TD-S', { due_on: addDays(T, 20) }));
  const s = await create('office', 'supervisions', { no: 'TD-SUP', item_kind: 'task', item: 'TD-S', level: 'office',
    notice_on: addDays(T, -10), due_on: addDays(T, -1), requirement: '限期办结' });
  const edu = await todos('edu');
  const mine = find(edu, 'supervision_answer', s.id);
  assert.deepEqual([mine?.entity, mine?.due, mine?.overdue], ['supervisions', s.due_on, s.due_on < T]);
  assert.equal(find(await todos('safety'), 'supervision_answer', s.id), undefined, 'not its work');
  assert.equal(find(await todos('office'), 'supervision_answer', s.id), undefined, 'the office does not answer its own');
  // the card pass (a 催办 the day after the due date) moves the waiting owner's version
  const w = (await as('edu')).get(`/api/v1/todos/wait?since=${edu.version}`);
  await new Promise((ok) => setTimeout(ok, 200));
  const r = d.store.cli(['work', 'cards', '--today', T]);
  assert.equal(r.status, 0, r.stderr);
  let wr = await w;
  // a slow card pass (the sanitizer build) may outlast the 2 s wait: then the next wait says it
  if (wr.status === 200 && !wr.json.changed) wr = await (await as('edu')).get(`/api/v1/todos/wait?since=${edu.version}`);
  assert.deepEqual([wr.status, wr.json.changed], [200, true]);
  // answered: the office reviews it; the owner's item is gone
  const f = await create('edu', 'supervision_feedback', { no: 'TD-FB', supervision: 'TD-SUP', answered_on: T, text: '已办结' });
  assert.equal(find(await todos('edu'), 'supervision_answer', s.id), undefined);
  const rev = find(await todos('office'), 'feedback_review', f.id);
  assert.deepEqual([rev?.entity, rev?.due], ['supervision_feedback', T]);
});

test('一月一动态: a township and a supervising department see this month\'s list to confirm until they confirm it', async () => {
  const month = T.slice(0, 7);
  for (const user of ['west', 'edu']) {
    const item = find(await todos(user), 'list_confirmation', month);
    assert.deepEqual([item?.entity, item?.overdue], ['confirmations', false], `${user}: ${JSON.stringify(item)}`);
  }
  assert.equal(find(await todos('office'), 'list_confirmation', month), undefined, 'the office confirms nothing');
  const c = await (await as('west')).post(`/api/v1/confirmations/${month}`, {});
  assert.equal(c.status, 200, c.text);
  assert.equal(find(await todos('west'), 'list_confirmation', month), undefined);
  assert.ok(find(await todos('edu'), 'list_confirmation', month), 'the department has still to confirm');
});
