// grants.test.mjs: "read-only unless a district grants more" (issue 19) —
// a district's office grants the office of its city or province writing
// one of its lists (POST /grants), and revokes it.  The regions of
// region.test.mjs: a province, two cities, three generated districts (two
// under the first city, one under the second), the offices of the first city
// and the province (role region) and of each district.  Every refusal is
// held to the rows of every table a write could change; what a write changed is
// read back by plain SQL.  On both engines.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, freshDb, PASSWORD, startServer } from './lib.mjs';
import { assertProblem, sql, sqlAt, loadRegions, REGIONS } from './util.mjs';

const { PROVINCE, CITY, OTHER_CITY, D1, D2, D3 } = REGIONS;
const users = [['city', 'region', 'CITY-SLB'], ['province', 'region', 'PROV-SLB'],
  ['off1', 'office', '0001-SLB'], ['off2', 'office', '0002-SLB'], ['off3', 'office', '0003-SLB'],
  ['xf1', 'petition', '0001-XFJ']];

let store, srv;
const as = {};
const q = (statement) => sql(store, statement, BACKEND);
const count = (statement) => Number(q(statement));
// What a write could change: the lists a region may be granted, the grants,
// the numbers and the to-dos' versions (not the sessions, which every
// request touches, nor the audit log, where refusals are written).
const WRITTEN = ['tasks', 'problems', 'supervisions', 'supervision_checks', 'campaigns', 'region_grants',
  'record_numbers', 'todo_versions'];
const dump = () => WRITTEN.map((t) => sqlAt(store.db, `SELECT * FROM ${t} ORDER BY 1`)).join('\f');
const unchanged = () => { const h = dump(); return () => assert.equal(dump(), h, 'nothing changed'); };

// A task of district `d` (owned by its education bureau, in its first township).
function task(d, no) {
  const n = d.slice(3, 6);
  return { no, title: `上级交办 ${no}`, source: 'superior', owner: `0${n}-JTJ`,
    township: q(`SELECT MIN(code) FROM regions WHERE level = 'township' AND district = '${d}'`),
    assigned_on: '2023-06-01', due_on: '2023-07-01' };
}
const grantsOf = (d) => count(`SELECT COUNT(*) FROM region_grants WHERE district = '${d}'`);
const audits = (action) => q(`SELECT username || ' ' || object || ' ' || detail FROM audit WHERE action = '${action}' ORDER BY seq`).split('\n').filter(Boolean);

before(async () => {
  store = freshDb();
  loadRegions(store, users, BACKEND);
  const admin = store.cli(['user', 'add', 'sys', '--role', 'sysadmin'], PASSWORD + '\n');
  if (admin.status !== 0) throw new Error(admin.stderr + admin.stdout);
  srv = await startServer({ store });
  for (const [u] of [...users, ['sys']]) {
    as[u] = srv.client();
    await as[u].loginReady(u);
  }
});

after(async () => {
  if (srv) await srv.stop();
  if (store) store.cleanup();
});

let grantId;

test('without a grant a region account writes nothing', async () => {
  const none = unchanged();
  const create = await as.city.post(`/api/v1/tasks?district=${D1}`, task(D1, 'RG-0'));
  assertProblem(create, 403, { detail: /未授权本单位修改任务清单/ });
  none();
  const office = await as.off1.post('/api/v1/tasks', task(D1, 'RG-D1'));
  assert.equal(office.status, 201, office.text);
  const stored = q("SELECT rev FROM tasks WHERE no = 'RG-D1'");
  const before = unchanged();
  const edit = await as.city.patch(`/api/v1/tasks/${office.json.id}`, { title: '改', rev: office.json.rev });
  assertProblem(edit, 403, { detail: /未授权/ });
  before();
  assert.equal(q("SELECT rev FROM tasks WHERE no = 'RG-D1'"), stored);
  // a list no district may grant: refused before the handler, saying what may be granted
  const pet = await as.city.post(`/api/v1/petitions?district=${D1}`, { no: 'RG-P' });
  assertProblem(pet, 403, { detail: /只能查看信访.*任务清单、督导检查、问题清单/ });
  before();
});

test('only the district\'s office grants, only its city or province, only a list that may be granted', async () => {
  const same = unchanged();
  const body = { region: CITY, list: 'tasks' };
  for (const who of ['city', 'province', 'xf1', 'sys']) {
    const r = await as[who].post('/api/v1/grants', body);
    assertProblem(r, 403);
  }
  assertProblem(await as.off3.post('/api/v1/grants', body), 422, { field: 'region', detail: /只能授权本区县所属的市或省：乙市、测试省/ });
  assertProblem(await as.off1.post('/api/v1/grants', { region: OTHER_CITY, list: 'tasks' }), 422, { field: 'region' });
  assertProblem(await as.off1.post('/api/v1/grants', { region: D2, list: 'tasks' }), 422, { field: 'region' });
  for (const [list, why] of [['petitions', /信访事项含个人信息/], ['household_visits', /含个人信息/], ['informants', /含个人信息/],
    ['subjects', /创建主体含个人信息/], ['standards', /创建标准计入区县的认定和统计，不能授权上级修改/],
    ['regions', /由区县自己管理/], ['assessment_items', /不能授权/], ['users', /不能授权/]]) {
    const r = await as.off1.post('/api/v1/grants', { region: CITY, list });
    assertProblem(r, 422, { field: 'list', detail: why });
  }
  assertProblem(await as.off1.post('/api/v1/grants', { region: CITY, list: 'nope' }), 422, { field: 'list' });
  assertProblem(await as.off1.post('/api/v1/grants', { region: CITY }), 422, { field: 'list' });
  assertProblem(await as.off1.post('/api/v1/grants', { region: CITY, list: 'tasks', why: 1 }), 400);
  same();
  assert.equal(count('SELECT COUNT(*) FROM region_grants'), 0);
});

test('the office grants its city a list: listed, audited, and in the city\'s /me', async () => {
  const r = await as.off1.post('/api/v1/grants', { region: CITY, list: 'tasks' });
  assert.equal(r.status, 201, r.text);
  grantId = r.json.id;
  assert.deepEqual([r.json.district, r.json.region, r.json.region_name, r.json.list, r.json.list_label, r.json.granted_by, r.json.active],
    [D1, CITY, '甲市', 'tasks', '任务清单', 'off1', true]);
  assert.equal(q(`SELECT district || ' ' || region || ' ' || list || ' ' || granted_by FROM region_grants WHERE id = ${grantId} AND revoked_at IS NULL`),
    `${D1} ${CITY} tasks off1`);
  assert.deepEqual(audits('grants.create'), [`off1 region_grants/${grantId} district=${D1} region=${CITY} list=tasks`]);
  assertProblem(await as.off1.post('/api/v1/grants', { region: CITY, list: 'tasks' }), 409, { field: 'list' });
  assert.equal(grantsOf(D1), 1);

  const mine = await as.off1.get('/api/v1/grants');
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual(mine.json.items.map((g) => g.id), [grantId]);
  assert.deepEqual(mine.json.regions.map((x) => [x.code, x.name, x.level]), [[CITY, '甲市', 'city'], [PROVINCE, '测试省', 'province']]);
  assert.deepEqual(mine.json.lists.map((l) => l.name).sort(), ['campaigns', 'problems', 'supervision_checks', 'supervisions', 'tasks']);
  assert.equal((await as.off2.get('/api/v1/grants')).json.total, 0, 'another district sees none of it');
  const held = await as.city.get('/api/v1/grants');
  assert.deepEqual(held.json.items.map((g) => [g.district, g.list]), [[D1, 'tasks']]);
  assert.ok(!('regions' in held.json));
  assert.equal((await as.province.get('/api/v1/grants')).json.total, 0, 'a grant to the city is not the province\'s');
  assertProblem(await as.xf1.get('/api/v1/grants'), 403);

  const me = (await as.city.get('/api/v1/me')).json;
  assert.deepEqual(me.grants.map((g) => [g.district, g.district_name, g.list, g.list_label]),
    [[D1, q(`SELECT name FROM regions WHERE code = '${D1}'`), 'tasks', '任务清单']]);
  assert.deepEqual((await as.province.get('/api/v1/me')).json.grants, []);
  const meta = (await as.city.get('/api/v1/meta')).json;
  const can = Object.fromEntries(meta.entities.map((e) => [e.name, e.can_write]));
  assert.equal(can.tasks, true);
  assert.equal(can.problems, false, 'a list not granted');
  assert.equal(can.petitions, false);
  const taskMeta = meta.entities.find((e) => e.name === 'tasks');
  assert.ok(taskMeta.workflow.transitions.some((t) => t.to === 'verified' && t.mine), 'it acts as the office');
  assert.ok(!('bulk' in taskMeta));
});

test('with the grant the city writes that list in that district, as its office would', async () => {
  const r = await as.city.post(`/api/v1/tasks?district=${D1}`, task(D1, 'RG-1'));
  assert.equal(r.status, 201, r.text);
  assert.equal(q("SELECT district || ' ' || status FROM tasks WHERE no = 'RG-1'"), `${D1} assigned`);
  assert.equal(count("SELECT COUNT(*) FROM audit WHERE action = 'tasks.create' AND username = 'city' AND object LIKE '%RG-1'"), 1);
  const edit = await as.city.patch(`/api/v1/tasks/${r.json.id}`, { title: '改过的标题', rev: r.json.rev });
  assert.equal(edit.status, 200, edit.text);
  assert.equal(q("SELECT title FROM tasks WHERE no = 'RG-1'"), '改过的标题');
  // the office's own changes: cancelling
  const cancel = await as.city.patch(`/api/v1/tasks/${r.json.id}`, { status: 'cancelled', rev: edit.json.rev });
  assert.equal(cancel.status, 200, cancel.text);
  // a record of the office's own
  const own = q("SELECT id || ' ' || rev FROM tasks WHERE no = 'RG-D1'").split(' ');
  const upd = await as.city.patch(`/api/v1/tasks/${own[0]}`, { due_on: '2023-07-15', rev: Number(own[1]) });
  assert.equal(upd.status, 200, upd.text);
  assert.equal(q("SELECT due_on FROM tasks WHERE no = 'RG-D1'"), '2023-07-15');
  // the district must be named, and it is the grant's district that counts
  const same = unchanged();
  assertProblem(await as.city.post('/api/v1/tasks', task(D1, 'RG-2')), 422, { field: 'district' });
  assertProblem(await as.city.post(`/api/v1/tasks?district=${D2}`, task(D2, 'RG-3')), 403, { detail: /未授权/ });
  // a list it was not granted, in the district that granted another
  assertProblem(await as.city.post(`/api/v1/problems?district=${D1}`, { source: 'other', description: 'x', level: 'general',
    found_on: '2023-06-01', deadline: '2023-07-01', department: '0001-JTJ' }), 403, { detail: /未授权本单位修改问题清单/ });
  // the province holds no grant of the city's
  assertProblem(await as.province.post(`/api/v1/tasks?district=${D1}`, task(D1, 'RG-4')), 403, { detail: /未授权/ });
  same();
});

test('a district under another city is none of its business, granted or not', async () => {
  const g = await as.off3.post('/api/v1/grants', { region: OTHER_CITY, list: 'tasks' });
  assert.equal(g.status, 201, g.text);
  const t3 = await as.off3.post('/api/v1/tasks', task(D3, 'RG-D3'));
  assert.equal(t3.status, 201, t3.text);
  const same = unchanged();
  assertProblem(await as.city.post(`/api/v1/tasks?district=${D3}`, task(D3, 'RG-5')), 403, { field: 'district', detail: /不在本单位辖区内/ });
  assert.equal((await as.city.patch(`/api/v1/tasks/${t3.json.id}`, { title: '越界', rev: t3.json.rev })).status, 404);
  same();
  // the province, granted by the third district, writes there and nowhere else
  const gp = await as.off3.post('/api/v1/grants', { region: PROVINCE, list: 'tasks' });
  assert.equal(gp.status, 201, gp.text);
  const p = await as.province.patch(`/api/v1/tasks/${t3.json.id}`, { title: '省里改的', rev: t3.json.rev });
  assert.equal(p.status, 200, p.text);
  assertProblem(await as.province.post(`/api/v1/tasks?district=${D1}`, task(D1, 'RG-6')), 403);
});

test('no record moves into or out of a granting district', async () => {
  const t1 = q("SELECT id || ' ' || rev FROM tasks WHERE no = 'RG-D1'").split(' ').map(Number);
  const t2 = await as.off2.post('/api/v1/tasks', task(D2, 'RG-D2'));
  assert.equal(t2.status, 201, t2.text);
  const same = unchanged();
  // into the second district (not granting): its owner and township are the second's
  const { owner, township } = task(D2, 'x');
  const into = await as.city.patch(`/api/v1/tasks/${t1[0]}`, { owner, township, rev: t1[1] });
  assert.ok([403, 422].includes(into.status), into.text);
  // out of the second district into the first (granting): the record's own district has not granted
  const { owner: o1, township: w1 } = task(D1, 'x');
  assertProblem(await as.city.patch(`/api/v1/tasks/${t2.json.id}`, { owner: o1, township: w1, rev: t2.json.rev }), 403, { detail: /未授权/ });
  // a creation in the granting district naming the other district's places
  const mixed = await as.city.post(`/api/v1/tasks?district=${D1}`, { ...task(D1, 'RG-7'), township });
  assert.ok([403, 422].includes(mixed.status), mixed.text);
  same();
  assert.equal(q(`SELECT district FROM tasks WHERE id = ${t1[0]}`), D1);
  assert.equal(q(`SELECT district FROM tasks WHERE id = ${t2.json.id}`), D2);
});

test('revoked, the grant lets nothing through; revoking is the office\'s and is audited', async () => {
  const same = unchanged();
  assertProblem(await as.city.post(`/api/v1/grants/${grantId}/revoke`), 403);
  assertProblem(await as.off2.post(`/api/v1/grants/${grantId}/revoke`), 404);
  assertProblem(await as.off1.post('/api/v1/grants/999999/revoke'), 404);
  same();
  const r = await as.off1.post(`/api/v1/grants/${grantId}/revoke`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.active, r.json.revoked_by], [false, 'off1']);
  assert.equal(q(`SELECT revoked_by FROM region_grants WHERE id = ${grantId} AND revoked_at IS NOT NULL`), 'off1');
  assert.deepEqual(audits('grants.revoke'), [`off1 region_grants/${grantId} district=${D1} region=${CITY} list=tasks`]);
  assertProblem(await as.off1.post(`/api/v1/grants/${grantId}/revoke`), 409);

  const after = unchanged();
  const own = q("SELECT id || ' ' || rev FROM tasks WHERE no = 'RG-D1'").split(' ').map(Number);
  assertProblem(await as.city.patch(`/api/v1/tasks/${own[0]}`, { title: '撤销后', rev: own[1] }), 403, { detail: /未授权/ });
  assertProblem(await as.city.post(`/api/v1/tasks?district=${D1}`, task(D1, 'RG-8')), 403);
  after();
  assert.deepEqual((await as.city.get('/api/v1/me')).json.grants, []);
  assert.equal((await as.city.get('/api/v1/meta')).json.entities.find((e) => e.name === 'tasks').can_write, false);
  const list = (await as.off1.get('/api/v1/grants')).json;
  assert.deepEqual(list.items.map((g) => [g.id, g.active]), [[grantId, false]]);
  assert.equal((await as.off1.get('/api/v1/grants?active=1')).json.total, 0);
  // granted again: a new grant, the old one stays revoked in the history
  const again = await as.off1.post('/api/v1/grants', { region: CITY, list: 'tasks' });
  assert.equal(again.status, 201, again.text);
  assert.notEqual(again.json.id, grantId);
  assert.equal(grantsOf(D1), 2);
});
