// grants_attack.test.mjs: the grants of issue 19 (a district's office lets
// the office of its city or province write one of its lists) probed as an
// attacker would — a region account, a district office of another
// district, the three administrators — through the real API on a real
// server.  Each probe asserts the refusal (its status, and what it says
// where that matters) and that no row of any table changed; what a write
// that should go through did is read back by plain SQL.  The regions are
// region.test.mjs's: a province, two cities, three generated districts (D1
// and D2 under the first city, D3 under the second).  On both engines.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, freshDb, PASSWORD, startServer } from './lib.mjs';
import { assertProblem, contentHash, sql, loadRegions, REGIONS } from './util.mjs';

const { PROVINCE, CITY, OTHER_CITY, D1, D2, D3 } = REGIONS;
const EXTERNAL = '410004000000';
const users = [['city', 'region', 'CITY-SLB'], ['province', 'region', 'PROV-SLB'],
  ['off1', 'office', '0001-SLB'], ['off2', 'office', '0002-SLB'], ['off3', 'office', '0003-SLB']];
const ADMINS = [['sys', 'sysadmin'], ['sec', 'secadmin'], ['aud', 'auditadmin']];

let store, srv;
const as = {};
const q = (statement) => sql(store, statement, BACKEND);
const count = (statement) => Number(q(statement));

// Every table but those a request touches whatever it does (the sessions,
// the login counters) and the caches a read fills (the work counts): a
// refusal must leave every other row as it was.
const VOLATILE = ['sessions', 'login_throttle', 'work_cache'];
function tables() {
  const h = contentHash(store.db);
  for (const t of VOLATILE) delete h[t];
  return h;
}
const unchanged = () => {
  const h = tables();
  return () => assert.deepEqual(tables(), h, 'nothing changed');
};

const n3 = (d) => d.slice(3, 6);
const dept = (d, unit = 'JTJ') => `0${n3(d)}-${unit}`;
const first = (level, d) => q(`SELECT MIN(code) FROM regions WHERE level = '${level}' AND district = '${d}'`);
const subjectOf = (d) => q(`SELECT MIN(code) FROM subjects WHERE district = '${d}'`);
const row = (table, no) => q(`SELECT id || ' ' || rev FROM ${table} WHERE no = '${no}'`).split(' ').map(Number);

const task = (d, no, extra = {}) => ({ no, title: `上级交办 ${no}`, source: 'superior', owner: dept(d),
  township: first('township', d), assigned_on: '2023-06-01', due_on: '2023-07-01', ...extra });
const problem = (d, no, extra = {}) => ({ no, source: 'other', description: `问题 ${no}`, level: 'general',
  found_on: '2023-06-01', deadline: '2023-07-01', department: dept(d), ...extra });
const check = (d, no, extra = {}) => ({ no, checked_on: '2023-06-01', kind: 'routine', lead: dept(d), ...extra });
const campaign = (no, extra = {}) => ({ no, name: `专项行动 ${no}`, from: '2023-06-01', to: '2023-09-30', ...extra });
const supervision = (no, item, extra = {}) => ({ no, item_kind: 'task', item, level: 'office', notice_on: '2023-06-02',
  workdays: 5, ...extra });
const meeting = (d, no) => ({ no, held_on: '2023-06-01', month: '2023-06', attendees: dept(d) });
const visit = (d, no) => ({ no, grid: first('grid', d), visitor: '张走访', visited_on: '2023-06-01', address: '某村 1 号',
  kind: 'routine', head: '李户主' });
const patrol = (d, no) => ({ no, grid: first('grid', d), patroller: `巡查员${no}`, patrolled_on: '2023-06-01', slot: 'am' });

async function made(client, path, body) {
  const r = await client.post(path, body);
  assert.equal(r.status, 201, `${path}: ${r.text}`);
  return r.json;
}

const GRANTED = ['tasks', 'problems', 'supervisions', 'supervision_checks', 'campaigns'];
const grantIds = {};

before(async () => {
  store = freshDb();
  loadRegions(store, users, BACKEND);
  for (const [u, role] of ADMINS) {
    const r = store.cli(['user', 'add', u, '--role', role], PASSWORD + '\n');
    if (r.status !== 0) throw new Error(r.stderr + r.stdout);
  }
  // an external district under the city (exchange): its region is here, its lists are not
  const ext = store.cli(['exchange', 'trust', EXTERNAL, 'ab'.repeat(32), '--name', '外部区', '--parent', CITY]);
  if (ext.status !== 0) throw new Error(ext.stderr + ext.stdout);
  srv = await startServer({ store });
  for (const [u] of [...users, ...ADMINS]) {
    as[u] = srv.client();
    await as[u].loginReady(u);
  }
  // D1 grants its city every list that may be granted; D2 grants only the
  // province campaigns; D3 grants its own city (not ours) tasks
  for (const list of GRANTED) grantIds[list] = (await made(as.off1, '/api/v1/grants', { region: CITY, list })).id;
  await made(as.off2, '/api/v1/grants', { region: PROVINCE, list: 'campaigns' });
  await made(as.off3, '/api/v1/grants', { region: OTHER_CITY, list: 'tasks' });
  // each district's own records, by its own office
  for (const [o, d] of [['off1', D1], ['off2', D2], ['off3', D3]]) {
    const n = n3(d);
    await made(as[o], '/api/v1/tasks', task(d, `T${n}`));
    await made(as[o], '/api/v1/problems', problem(d, `P${n}`));
    await made(as[o], '/api/v1/supervision_checks', check(d, `C${n}`));
    await made(as[o], '/api/v1/campaigns', campaign(`K${n}`));
    await made(as[o], '/api/v1/meetings', meeting(d, `M${n}`));
    await made(as[o], '/api/v1/household_visits', visit(d, `V${n}`));
    await made(as[o], '/api/v1/patrols', patrol(d, `X${n}`));
  }
  // in D3: a task done (nothing to supervise) and one under supervision
  await made(as.off3, '/api/v1/tasks', task(D3, 'T003-DONE'));
  const done = row('tasks', 'T003-DONE');
  const r = await as.off3.patch(`/api/v1/tasks/${done[0]}`, { status: 'done', done_on: '2023-06-20', rev: done[1] });
  assert.equal(r.status, 200, r.text);
  await made(as.off3, '/api/v1/tasks', task(D3, 'T003-OPEN'));
  await made(as.off3, '/api/v1/supervisions', supervision('S003', 'T003-OPEN'));
});

after(async () => {
  if (srv) await srv.stop();
  if (store) store.cleanup();
});

test('the route table: a region account reaches no write but POST and PATCH of a list, whatever it was granted', async () => {
  const [t1] = row('tasks', 'T001');
  const [p1] = row('problems', 'P001');
  const s1 = count(`SELECT id FROM subjects WHERE code = '${subjectOf(D1)}'`);
  const same = unchanged();
  const refused = [
    ['POST', '/api/v1/tasks/bulk', { action: 'verify', ids: [t1] }],
    ['POST', '/api/v1/problems/bulk', { action: 'assign', ids: [p1] }],
    ['POST', `/api/v1/tasks/${t1}/retire`, {}],
    ['POST', `/api/v1/tasks/${t1}/reveal`, { field: 'title', reason: '查看' }],
    ['POST', `/api/v1/subjects/${s1}/reveal`, { field: 'legal_rep', reason: '查看' }],
    ['POST', `/api/v1/tasks/${t1}/attachments`, 'x'],
    ['POST', '/api/v1/sync', { items: [] }],
    ['POST', '/api/v1/problems/raise', {}],
    ['POST', '/api/v1/meeting_decisions/1/assign', {}],
    ['POST', '/api/v1/confirmations/2023-06', {}],
    ['POST', '/api/v1/months/2023-06/publish', {}],
    ['PUT', '/api/v1/settings', { duban_red_workdays: 1 }],
    ['PUT', '/api/v1/dict', { enum: 'task_source', code: 'superior', enabled: false }],
    ['POST', '/api/v1/work_calendar', { day: '2023-06-05', kind: 'holiday', name: '假' }],
    ['POST', '/api/v1/supervision_feedback', { no: 'F1', supervision: 'S003', answered_on: '2023-06-03', text: '已办' }],
    ['POST', '/api/v1/meetings?district=' + D1, meeting(D1, 'M-RG')],
    ['POST', '/api/v1/users', { username: 'x', role: 'office' }],
    ['PATCH', `/api/v1/subjects/${s1}`, { name: '改', rev: 1 }],
    ['DELETE', `/api/v1/tasks/${t1}`, undefined],
    ['PUT', `/api/v1/tasks/${t1}`, { title: '改', rev: 1 }],
    ['POST', '/api/v1/grants', { region: CITY, list: 'tasks' }],
    ['POST', `/api/v1/grants/${grantIds.tasks}/revoke`, undefined],
  ];
  for (const [m, path, body] of refused) {
    const r = await as.city.req(m, path, body);
    assert.equal(r.status, 403, `${m} ${path}: ${r.status} ${r.text.slice(0, 200)}`);
  }
  const imp = await as.city.req('POST', '/api/v1/tasks/import', 'no,title\nRG-I,导入\n', { raw: true, headers: { 'content-type': 'text/csv' } });
  assert.equal(imp.status, 403, imp.text);
  for (const path of ['/api/v1/todos', `/api/v1/tasks/${t1}/history`, `/api/v1/tasks/${t1}/attachments`, '/api/v1/tasks/template',
    '/api/v1/confirmations', '/api/v1/audit', '/api/v1/settings', '/api/v1/dict'])
    assert.equal((await as.city.get(path)).status, 403, path);
  same();
  // the refusal is audited as one, naming the account
  assert.ok(count("SELECT COUNT(*) FROM audit WHERE action = 'denied' AND username = 'city' AND object LIKE 'POST /api/v1/tasks/bulk%'") >= 1);
});

test('?district= names where a creation lands: only a district under the region that granted it the list', async () => {
  const same = unchanged();
  const t = (no) => task(D1, no);
  const cases = [
    [first('township', D1), 403, /不在本单位辖区内/],
    [first('village', D1), 403, /不在本单位辖区内/],
    [first('grid', D1), 403, /不在本单位辖区内/],
    [CITY, 403, /不在本单位辖区内/],
    [PROVINCE, 403, /不在本单位辖区内/],
    [D3, 403, /不在本单位辖区内/],
    ['999999999999', 403, /不在本单位辖区内/],
    [`${D1}' OR '1'='1`, 403, /不在本单位辖区内/],
    [D2, 403, /未授权本单位修改任务清单/],
    [EXTERNAL, 403, /外部区未授权/],
  ];
  for (const [d, status, detail] of cases)
    assertProblem(await as.city.post(`/api/v1/tasks?district=${encodeURIComponent(d)}`, t('RG-D')), status, { detail });
  assertProblem(await as.city.post('/api/v1/tasks?district=', t('RG-D')), 403, { field: 'district', detail: /不在本单位辖区内/ });
  assertProblem(await as.city.post('/api/v1/tasks', t('RG-D')), 422, { field: 'district' });
  // named twice: the one checked is the one written (the first), never the other
  assertProblem(await as.city.post(`/api/v1/tasks?district=${D2}&district=${D1}`, t('RG-D')), 403, { detail: /未授权/ });
  // the province was granted nothing by D1; D2's grant to it is of campaigns only
  assertProblem(await as.province.post(`/api/v1/tasks?district=${D1}`, t('RG-D')), 403, { detail: /未授权/ });
  assertProblem(await as.province.post(`/api/v1/tasks?district=${D2}`, task(D2, 'RG-D')), 403, { detail: /未授权/ });
  // a district office's own ?district= is no way into another district
  const o = await as.off2.post(`/api/v1/tasks?district=${D1}`, t('RG-D'));
  assert.ok([403, 422].includes(o.status), o.text);
  same();
  assert.equal(count("SELECT COUNT(*) FROM tasks WHERE no = 'RG-D'"), 0);
  // the same request with the granting district goes through, in that district
  const ok = await made(as.city, `/api/v1/tasks?district=${D1}`, t('RG-D'));
  assert.equal(q(`SELECT district || ' ' || owner FROM tasks WHERE id = ${ok.id}`), `${D1} ${dept(D1)}`);
  // the province writes the campaigns D2 granted it, there only
  const k = await made(as.province, `/api/v1/campaigns?district=${D2}`, campaign('K-PROV'));
  assert.equal(q(`SELECT district FROM campaigns WHERE id = ${k.id}`), D2);
  assertProblem(await as.province.post(`/api/v1/campaigns?district=${D1}`, campaign('K-PROV2')), 403, { detail: /未授权/ });
});

test('fields the office could not set are no more the region\'s', async () => {
  const same = unchanged();
  const bad = [
    ['tasks', task(D1, 'RG-F', { district: D2 }), 'district'],
    ['tasks', task(D1, 'RG-F', { decision: 'X' }), 'decision'],
    ['tasks', task(D1, 'RG-F', { status: 'verified' }), 'status'],
    ['problems', problem(D1, 'RG-F', { raised_by: 'determination:x' }), 'raised_by'],
    ['problems', problem(D1, 'RG-F', { grid: first('grid', D1) }), 'grid'],
    ['problems', problem(D1, 'RG-F', { district: D2 }), 'district'],
    ['supervision_checks', check(D1, 'RG-F', { district: D2 }), 'district'],
    ['campaigns', campaign('RG-F', { district: D2 }), 'district'],
    ['supervisions', supervision('RG-F', 'T001', { status: 'closed' }), 'status'],
    ['supervisions', supervision('RG-F', 'T001', { card: 'red' }), 'card'],
    ['supervisions', supervision('RG-F', 'T001', { closed_on: '2023-06-03' }), 'closed_on'],
    ['supervisions', supervision('RG-F', 'T001', { owner: dept(D2) }), 'owner'],
    ['supervisions', supervision('RG-F', 'T001', { district: D2 }), 'district'],
  ];
  for (const [list, body, field] of bad)
    assertProblem(await as.city.post(`/api/v1/${list}?district=${D1}`, body), 422, { field });
  for (const extra of [{ id: 1 }, { rev: 1 }, { created_by: 'off1' }, { region: CITY }])
    assertProblem(await as.city.post(`/api/v1/tasks?district=${D1}`, task(D1, 'RG-F', extra)), 400);
  // on a change: a derived field, a key, an immutable one
  const [t1, r1] = row('tasks', 'T001');
  assertProblem(await as.city.patch(`/api/v1/tasks/${t1}`, { district: D2, rev: r1 }), 422, { field: 'district' });
  assertProblem(await as.city.patch(`/api/v1/tasks/${t1}`, { no: 'T002', rev: r1 }), 422, { field: 'no' });
  same();
  const s = await made(as.off1, '/api/v1/supervisions', supervision('S001', 'T001'));
  const after = unchanged();
  assertProblem(await as.city.patch(`/api/v1/supervisions/${s.id}`, { item: 'T002', rev: s.rev }), 422, { field: 'item' });
  assertProblem(await as.city.patch(`/api/v1/supervisions/${s.id}`, { status: 'closed', rev: s.rev }), 422, { field: 'status' });
  after();
});

test('no record moves out of a district or names what is another district\'s', async () => {
  const same = unchanged();
  const [t1, r1] = row('tasks', 'T001');
  const [p1, q1] = row('problems', 'P001');
  const [c1, k1] = row('supervision_checks', 'C001');
  const refs = [
    // a change of a granting district's record pointing it elsewhere
    ['tasks', t1, r1, { owner: dept(D2) }, 'owner'],
    ['tasks', t1, r1, { township: first('township', D2) }, 'township'],
    ['tasks', t1, r1, { co_owners: `${dept(D1, 'GAJ')}|${dept(D2)}` }, 'co_owners'],
    ['tasks', t1, r1, { owner: 'CITY-SLB' }, 'owner'],
    ['tasks', t1, r1, { source: 'meeting', meeting: 'M002' }, 'meeting'],
    ['tasks', t1, r1, { campaign: 'K002' }, 'campaign'],
    ['problems', p1, q1, { subject: subjectOf(D2) }, 'subject'],
    ['problems', p1, q1, { subject: subjectOf(D3) }, 'subject'],
    ['problems', p1, q1, { source: 'supervision', check: 'C002' }, 'check'],
    ['problems', p1, q1, { visit: 'V002' }, 'visit'],
    ['problems', p1, q1, { patrol: 'X002' }, 'patrol'],
    ['problems', p1, q1, { department: dept(D3) }, 'department'],
    ['supervision_checks', c1, k1, { lead: dept(D2) }, 'lead'],
    ['supervision_checks', c1, k1, { participants: dept(D3) }, 'participants'],
  ];
  for (const [list, id, rev, body, field] of refs) {
    const r = await as.city.patch(`/api/v1/${list}/${id}`, { ...body, rev });
    assertProblem(r, 422, { field, detail: /不存在/ });
  }
  // the same references on a creation in the granting district
  for (const [list, body, field] of [
    ['tasks', task(D1, 'RG-R', { owner: dept(D2), township: undefined }), 'owner'],
    ['tasks', task(D1, 'RG-R', { township: first('township', D3) }), 'township'],
    ['problems', problem(D1, 'RG-R', { visit: 'V003' }), 'visit'],
    ['problems', problem(D1, 'RG-R', { subject: subjectOf(D2), department: undefined }), 'subject'],
  ])
    assertProblem(await as.city.post(`/api/v1/${list}?district=${D1}`, body), 422, { field, detail: /不存在/ });
  // a record of a district that did not grant, named with the granting one
  const [t2, r2] = row('tasks', 'T002');
  assertProblem(await as.city.patch(`/api/v1/tasks/${t2}?district=${D1}`, { title: '改', rev: r2 }), 403, { detail: /未授权/ });
  // of a district outside the city: as missing
  const [t3, r3] = row('tasks', 'T003');
  assertProblem(await as.city.patch(`/api/v1/tasks/${t3}?district=${D1}`, { title: '改', rev: r3 }), 404);
  same();
  // the legitimate change goes through and stays in D1
  const ok = await as.city.patch(`/api/v1/tasks/${t1}`, { title: '市里改的', rev: r1 });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(q(`SELECT district || ' ' || title FROM tasks WHERE id = ${t1}`), `${D1} 市里改的`);
});

test('a supervision\'s item of another district reads as a missing one, and changes nothing', async () => {
  const same = unchanged();
  const missing = await as.city.post(`/api/v1/supervisions?district=${D1}`, supervision('RG-S', 'T999'));
  assertProblem(missing, 422, { field: 'item', detail: /不存在/ });
  // D3 is the other city's: whether its tasks exist, are done or already supervised is none of ours
  for (const item of ['T003', 'T003-DONE', 'T003-OPEN']) {
    const r = await as.city.post(`/api/v1/supervisions?district=${D1}`, supervision('RG-S', item));
    assertProblem(r, 422, { field: 'item' });
    assert.equal(r.json.detail, missing.json.detail.replace('T999', item), `${item}: ${r.text}`);
  }
  // nor a district office's, of another district
  for (const item of ['T003-DONE', 'T003-OPEN'])
    assertProblem(await as.off1.post('/api/v1/supervisions', supervision('RG-S', item)), 422, { field: 'item', detail: /不存在/ });
  same();
});

test('a grant widens no read: masked, scoped, and nothing revealed', async () => {
  const outside = row('tasks', 'T003')[0];
  assert.equal((await as.city.get(`/api/v1/tasks/${outside}`)).status, 404);
  const list = await as.city.get('/api/v1/tasks?page_size=500');
  assert.equal(list.status, 200);
  assert.deepEqual([...new Set(list.json.items.map((t) => t.district))].sort(), [D1, D2]);
  const v = await as.city.get(`/api/v1/household_visits/${row('household_visits', 'V001')[0]}`);
  assert.equal(v.status, 200, v.text);
  assert.notEqual(v.json.head, '李户主', 'a personal field stays masked for a region account holding grants');
  // a problem found on a D1 visit, written under the grant: the visit's grid, nothing of its household
  const p = await made(as.city, `/api/v1/problems?district=${D1}`, problem(D1, 'RG-V', { source: 'grid', visit: 'V001' }));
  assert.ok(!JSON.stringify(p).includes('李户主'));
  assert.equal(p.grid, first('grid', D1));
  // the region's /grants: only what it holds; no peeking at a district's by a parameter
  const held = await as.city.get('/api/v1/grants');
  assert.deepEqual([...new Set(held.json.items.map((g) => g.district))], [D1]);
  assertProblem(await as.city.get(`/api/v1/grants?district=${D3}`), 400);
  assertProblem(await as.off2.get(`/api/v1/grants?district=${D1}`), 400);
  assert.deepEqual((await as.off2.get('/api/v1/grants')).json.items.map((g) => g.district), [D2]);
});

test('/grants: only a district\'s office, for its own district, to its own city or province, of a list that may be granted', async () => {
  const same = unchanged();
  for (const region of [D1, D2, first('township', D1), first('grid', D1), OTHER_CITY, EXTERNAL, '999999999999', ''])
    assertProblem(await as.off1.post('/api/v1/grants', { region, list: 'problems' }), 422, { field: 'region' });
  for (const list of ['supervision_feedback', 'meetings', 'meeting_decisions', 'patrols', 'work_calendar', 'grid_staff',
    'police_subsidies', 'departments', 'Tasks', 'tasks ', 'region_grants', 'audit'])
    assertProblem(await as.off1.post('/api/v1/grants', { region: CITY, list }), 422, { field: 'list' });
  // the body names region and list only: no district, no list of lists
  for (const body of [{ region: CITY, list: 'problems', district: D2 }, { region: CITY, list: ['problems'] },
    { region: [CITY], list: 'problems' }, { region: CITY, list: 'problems', granted_by: 'off2' }])
    assertProblem(await as.off1.post('/api/v1/grants', body), 400);
  same();
  // the office of D2 cannot grant for D1, nor revoke D1's
  const r = await as.off2.post('/api/v1/grants', { region: CITY, list: 'problems' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.district, D2, 'a grant is always of the granting office\'s own district');
  const again = unchanged();
  assertProblem(await as.off2.post(`/api/v1/grants/${grantIds.tasks}/revoke`), 404);
  assertProblem(await as.off3.post(`/api/v1/grants/${r.json.id}/revoke`), 404);
  for (const id of ['0', '-1', 'abc', '1.5', '99999999999999999999', `${grantIds.tasks}x`])
    assertProblem(await as.off1.post(`/api/v1/grants/${encodeURIComponent(id)}/revoke`), 404);
  // a region account neither grants (to itself or anyone) nor revokes
  for (const who of ['city', 'province']) {
    assertProblem(await as[who].post('/api/v1/grants', { region: CITY, list: 'problems' }), 403);
    assertProblem(await as[who].post(`/api/v1/grants/${grantIds.tasks}/revoke`), 403);
  }
  // nor any administrator (三员分立: no business data, no say on what others may do in it)
  for (const [u] of ADMINS) {
    assertProblem(await as[u].post('/api/v1/grants', { region: CITY, list: 'problems' }), 403);
    assertProblem(await as[u].post(`/api/v1/grants/${grantIds.tasks}/revoke`), 403);
    assertProblem(await as[u].get('/api/v1/grants'), 403);
    assertProblem(await as[u].post(`/api/v1/tasks?district=${D1}`, task(D1, 'RG-A')), 403);
    const [t1, r1] = row('tasks', 'T001');
    assertProblem(await as[u].patch(`/api/v1/tasks/${t1}`, { title: '管理员改', rev: r1 }), 403);
  }
  again();
  // the audit administrator sees every grant in the log
  const log = await as.aud.get('/api/v1/audit?action=grants.create&page_size=500');
  assert.equal(log.status, 200, log.text);
  const objects = log.json.items.map((x) => x.object);
  for (const id of Object.values(grantIds)) assert.ok(objects.includes(`region_grants/${id}`), `grant ${id} in the log`);
  assert.ok(objects.includes(`region_grants/${r.json.id}`));
});

test('a grant is never edited or deleted, and an office of no district grants nothing', async () => {
  const same = unchanged();
  for (const m of ['PATCH', 'PUT', 'DELETE'])
    assert.equal((await as.off1.req(m, `/api/v1/grants/${grantIds.tasks}`, m === 'DELETE' ? undefined : { district: D2 })).status, 404, m);
  for (const m of ['PATCH', 'PUT', 'DELETE'])
    assertProblem(await as.off1.req(m, '/api/v1/grants', m === 'DELETE' ? undefined : { region: CITY, list: 'tasks' }), 405);
  same();
  // the command line lets an office account belong to the city's own office department: it has no district
  const u = store.cli(['user', 'add', 'cityoff', '--role', 'office', '--dept', 'CITY-SLB'], PASSWORD + '\n');
  assert.equal(u.status, 0, u.stderr);
  const c = await srv.client().loginReady('cityoff');
  const after = unchanged();
  assertProblem(await c.post('/api/v1/grants', { region: CITY, list: 'tasks' }), 403);
  assertProblem(await c.get('/api/v1/grants'), 403);
  assertProblem(await c.post(`/api/v1/grants/${grantIds.tasks}/revoke`), 403);
  const w = await c.post(`/api/v1/tasks?district=${D1}`, task(D1, 'RG-NOD'));
  assert.ok([403, 422].includes(w.status), w.text);
  assertProblem(await c.post('/api/v1/campaigns', campaign('RG-NOD')), 422, { field: 'district' });
  const [t1, r1] = row('tasks', 'T001');
  assert.equal((await c.patch(`/api/v1/tasks/${t1}`, { title: '无区县', rev: r1 })).status, 404);
  after();
});

test('the audit names the region account on its writes under a grant', async () => {
  const t = await made(as.city, `/api/v1/tasks?district=${D1}`, task(D1, 'RG-AUD'));
  const rows = q("SELECT username || ' ' || action || ' ' || object || ' ' || outcome FROM audit WHERE object LIKE '%RG-AUD%' ORDER BY seq");
  assert.equal(rows, `city tasks.create tasks/${t.id} RG-AUD ok`);
});

test('a write under a grant moves the city\'s figures as the office\'s: no stale count', async () => {
  const through = '2023-08';
  const want = () => count(`SELECT COUNT(*) FROM tasks WHERE district IN ('${D1}', '${D2}') AND assigned_on >= '2023-01-01' ` +
    `AND assigned_on <= '2023-08-31' AND status <> 'cancelled'`);
  const before = await as.city.get(`/api/v1/figures?through=${through}`);
  assert.equal(before.status, 200, before.text);
  assert.equal(before.json.tasks_assigned, want());
  await made(as.city, `/api/v1/tasks?district=${D1}`, task(D1, 'RG-FIG'));
  const after = await as.city.get(`/api/v1/figures?through=${through}`);
  assert.equal(after.json.tasks_assigned, want());
  assert.equal(after.json.tasks_assigned, before.json.tasks_assigned + 1);
  const own = await as.off1.get(`/api/v1/figures?through=${through}`);
  const own2 = await as.off2.get(`/api/v1/figures?through=${through}`);
  assert.equal(after.json.tasks_assigned, own.json.tasks_assigned + own2.json.tasks_assigned);
});

test('a revocation that lands among writes in flight: every write accepted was stored before it, none after', async () => {
  const N = 24;
  const nos = Array.from({ length: N }, (_, i) => `RG-RACE-${i}`);
  const [t1] = row('tasks', 'T001');
  const write = (no, i) => (i % 2
    ? as.city.post(`/api/v1/tasks?district=${D1}`, task(D1, no))
    : as.city.get(`/api/v1/tasks/${t1}`).then((g) => as.city.patch(`/api/v1/tasks/${t1}`, { title: no, rev: g.json.rev })));
  // half sent before the revocation (which goes once one of them is answered), half right after it
  const early = nos.slice(0, N / 2).map(write);
  await Promise.race(early);
  const revoke = as.off1.post(`/api/v1/grants/${grantIds.tasks}/revoke`);
  const late = nos.slice(N / 2).map((no, i) => write(no, N / 2 + i));
  const answers = await Promise.all([...early, ...late]);
  const rv = await revoke;
  assert.equal(rv.status, 200, rv.text);
  const revokedAt = count(`SELECT seq FROM audit WHERE action = 'grants.revoke' AND object = 'region_grants/${grantIds.tasks}'`);
  assert.ok(revokedAt > 0);
  answers.forEach((r, i) => {
    if (i % 2) {
      assert.ok([201, 403].includes(r.status), r.text);
      const stored = count(`SELECT COUNT(*) FROM tasks WHERE no = '${nos[i]}'`);
      assert.equal(stored, r.status === 201 ? 1 : 0, `${nos[i]}: stored iff answered 201`);
      if (r.status === 201) {
        const seq = count(`SELECT seq FROM audit WHERE action = 'tasks.create' AND object = 'tasks/${r.json.id} ${nos[i]}'`);
        assert.ok(seq > 0 && seq < revokedAt, `${nos[i]}: stored at ${seq}, revoked at ${revokedAt}`);
      }
    } else {
      // an edit may also lose to another edit of the same record (409): then it changed nothing
      assert.ok([200, 403, 409].includes(r.status), r.text);
    }
  });
  // every update stored by the city came before the revocation
  const after = count(`SELECT COUNT(*) FROM audit WHERE username = 'city' AND action IN ('tasks.create', 'tasks.update') AND seq > ${revokedAt}`);
  assert.equal(after, 0);
  // and after it, nothing goes through
  const same = unchanged();
  const [id, rev] = row('tasks', 'T001');
  assertProblem(await as.city.patch(`/api/v1/tasks/${id}`, { title: '撤销后', rev }), 403, { detail: /未授权/ });
  assertProblem(await as.city.post(`/api/v1/tasks?district=${D1}`, task(D1, 'RG-LATE')), 403, { detail: /未授权/ });
  same();
  // the other lists D1 granted stay granted
  const c = await made(as.city, `/api/v1/supervision_checks?district=${D1}`, check(D1, 'RG-C'));
  assert.equal(q(`SELECT district FROM supervision_checks WHERE id = ${c.id}`), D1);
});
