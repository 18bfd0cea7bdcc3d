// campaigns.test.mjs: the 六防六促 campaigns (专项行动, DOMAIN.md "Grassroots")
// that tasks, problems and inspections may belong to (issue 15): the
// `campaign` field on each, a filter of their lists (GET /tasks?campaign=X
// lists a campaign's tasks), and a campaign of another district refused,
// nothing stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, cliImport, assertProblem, listAll } from './util.mjs';
import { PASSWORD } from './lib.mjs';
import { EAST, WEST } from './events_util.mjs';

let d;
after(async () => { await d?.stop(); });
const as = (u) => d.as(u);

before(async () => {
  d = await districtServer((store) => {
    cliImport(store, 'regions', 'code,name,level,parent\n420000000000,北区,district,\n', 'north');
    cliImport(store, 'departments', '单位代码,单位名称,职能,所在区划\nOFF2,北区三零办,office,420000000000\n', 'north-depts');
    const r = store.cli(['user', 'add', 'office2', '--role', 'office', '--dept', 'OFF2'], PASSWORD + '\n');
    if (r.status !== 0) throw new Error(r.stderr);
  });
  const office = await as('office');
  for (const c of [{ no: 'ZX-1', name: '六防六促·防溺水', kind: '六防六促', from: '2024-05-01', to: '2024-09-30' },
    { no: 'ZX-2', name: '六防六促·防火', kind: '六防六促', from: '2024-01-01' }]) {
    assert.equal((await office.post('/api/v1/campaigns', c)).status, 201);
  }
  const n = await (await as('office2')).post('/api/v1/campaigns', { no: 'BQ-1', name: '北区专项', from: '2024-01-01' });
  assert.equal(n.status, 201, n.text);
});

const task = (no, township, campaign) => ({ no, title: `任务${no}`, source: 'campaign', owner: 'JT', township, assigned_on: '2024-05-06',
  due_on: '2024-06-30', ...(campaign ? { campaign } : {}) });

test('tasks, problems and inspections name their campaign; each list filters by it', async () => {
  const office = await as('office');
  const tasks = [task('ZT-1', EAST, 'ZX-1'), task('ZT-2', WEST, 'ZX-1'), task('ZT-3', EAST, 'ZX-2'), task('ZT-4', EAST)];
  for (const t of tasks) {
    const r = await office.post('/api/v1/tasks', t);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.campaign ?? null, t.campaign ?? null);
  }
  const of = (list, c) => list.filter((t) => t.campaign === c).map((t) => t.no).sort();
  for (const c of ['ZX-1', 'ZX-2']) {
    assert.deepEqual((await listAll(office, `/api/v1/tasks?campaign=${c}`)).map((t) => t.no).sort(), of(tasks, c), `tasks of ${c}`);
  }
  // a township sees its own of them
  assert.deepEqual((await listAll(await as('east'), '/api/v1/tasks?campaign=ZX-1')).map((t) => t.no), ['ZT-1']);
  const p = await office.post('/api/v1/problems', { no: 'ZP-1', found_on: '2024-05-07', source: 'other', department: 'JT', township: EAST,
    description: '河道无警示牌', level: 'general', deadline: '2024-05-30', campaign: 'ZX-1' });
  assert.equal(p.status, 201, p.text);
  const i = await (await as('safety')).post('/api/v1/inspections', { no: 'ZI-1', inspected_on: '2024-05-08', subject: 'S1', domain: 'fire',
    campaign: 'ZX-2' });
  assert.equal(i.status, 201, i.text);
  assert.deepEqual((await listAll(office, '/api/v1/problems?campaign=ZX-1')).map((x) => x.no), ['ZP-1']);
  assert.deepEqual((await listAll(office, '/api/v1/inspections?campaign=ZX-2')).map((x) => x.no), ['ZI-1']);
  assert.deepEqual(await listAll(office, '/api/v1/inspections?campaign=ZX-1'), []);
  // the field is labelled and filterable in /meta
  const meta = (await office.get('/api/v1/meta')).json;
  for (const e of ['tasks', 'problems', 'inspections']) {
    const f = meta.entities.find((x) => x.name === e).fields.find((x) => x.key === 'campaign');
    assert.ok(f, `${e}.campaign`);
    assert.equal(f.label, '所属专项行动');
  }
});

test('a campaign of another district, or none, is refused by name; nothing stored', async () => {
  const office = await as('office');
  const before = (await listAll(office, '/api/v1/tasks')).length;
  assertProblem(await office.post('/api/v1/tasks', task('ZT-9', EAST, 'BQ-1')), 422, { field: 'campaign' });
  assertProblem(await office.post('/api/v1/tasks', task('ZT-9', EAST, 'NOPE')), 422, { field: 'campaign' });
  assertProblem(await (await as('safety')).post('/api/v1/inspections', { no: 'ZI-9', inspected_on: '2024-05-08', subject: 'S1', domain: 'fire',
    campaign: 'BQ-1' }), 422, { field: 'campaign' });
  const t = (await listAll(office, '/api/v1/tasks?campaign=ZX-1'))[0];
  assertProblem(await office.update(`/api/v1/tasks/${t.id}`, { campaign: 'BQ-1' }), 422, { field: 'campaign' });
  assert.equal((await listAll(office, '/api/v1/tasks')).length, before);
  assert.equal((await office.get(`/api/v1/tasks/${t.id}`)).json.campaign, 'ZX-1');
  // listing by another district's campaign
  assertProblem(await office.get('/api/v1/tasks?campaign=BQ-1'), 422, { field: 'campaign' });
});
