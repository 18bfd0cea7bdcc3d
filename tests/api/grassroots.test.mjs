// grassroots.test.mjs: the grassroots' records over the API and the importer
// (DOMAIN.md "Grassroots", issue 15) — grid staff, patrols, household visits,
// the police network (assignments, the subsidy ledger, equipment), informants,
// 联乡包村 cadres and their visits, campaigns: placed by their grid, village or
// officer's post; seen by the grid, the township and the office within scope;
// personal data (phones, household heads, informants) masked; natural keys
// that make a re-import an update; and each refusal issue 15 names — a
// patrol for a grid not the writer's, a second patrol of one person in one
// slot, a visit dated in the future, an informant for an officer not in post,
// a subsidy for a month the officer was not in post — with nothing stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, assertProblem, listAll, cliImport } from './util.mjs';
import { DISTRICT, EAST, WEST, EAST_VILLAGE, WEST_VILLAGE, EAST_GRID, WEST_GRID, today, addDays, unchanged } from './events_util.mjs';

let d, office;
before(async () => {
  d = await districtServer();
  office = await d.as('office');
});
after(async () => { await d?.stop(); });

const as = (u) => d.as(u);

async function create(user, entity, body) {
  const r = await (await as(user)).post(`/api/v1/${entity}`, body);
  assert.equal(r.status, 201, `${user} creates ${entity}: ${r.text}`);
  return r.json;
}

const patrol = (no, over = {}) => ({ no, grid: EAST_GRID, patroller: '张网格', patrolled_on: '2023-05-04',
  slot: 'am', started_at: '08:30', ended_at: '10:00', notes: '巡查东一村', ...over });

test('patrols: placed by their grid; a grid worker writes and sees its own grid only', async () => {
  const p = await create('grid1', 'patrols', patrol('GP-1'));
  assert.deepEqual([p.village, p.township, p.district], [EAST_VILLAGE, EAST, DISTRICT], 'village, township, district from the grid');
  await create('west', 'patrols', patrol('GP-W', { grid: WEST_GRID, patroller: '李网格' }));
  const mine = (await listAll(await as('grid1'), '/api/v1/patrols')).map((x) => x.no).sort();
  assert.deepEqual(mine, ['GP-1']);
  const east = (await listAll(await as('east'), '/api/v1/patrols')).map((x) => x.no).sort();
  assert.deepEqual(east, ['GP-1']);
  const all = (await listAll(office, '/api/v1/patrols')).map((x) => x.no).sort();
  assert.deepEqual(all, ['GP-1', 'GP-W']);
});

test('patrols: a grid not the writer\'s, a second patrol in one slot, a future date, times out of order — refused, nothing stored', async () => {
  const g = await as('grid1');
  await unchanged(office, ['patrols'], async () => {
    assertProblem(await g.post('/api/v1/patrols', patrol('GP-X1', { grid: WEST_GRID })), 403, { field: 'grid' });
    assertProblem(await g.post('/api/v1/patrols', patrol('GP-X2')), 409, { field: 'slot', detail: /上午已有巡查记录/ });
    assertProblem(await g.post('/api/v1/patrols', patrol('GP-X3', { patrolled_on: addDays(today(), 1), slot: 'pm' })), 422, { field: 'patrolled_on' });
    assertProblem(await g.post('/api/v1/patrols', patrol('GP-X4', { slot: 'pm', started_at: '15:00', ended_at: '14:00' })), 422, { field: 'ended_at' });
    assertProblem(await g.post('/api/v1/patrols', patrol('GP-X5', { slot: 'pm', started_at: '25:00' })), 422, { field: 'started_at' });
  });
  // the afternoon slot of the same day is another patrol
  await create('grid1', 'patrols', patrol('GP-2', { slot: 'pm' }));
});

test('household visits: the head of the household is personal data, masked; a visit in the future is refused', async () => {
  const v = await create('grid1', 'household_visits', { no: 'HV-1', grid: EAST_GRID, visitor: '张网格',
    visited_on: '2023-05-05', address: '东一村3组12号', kind: 'difficulty', needs: '低保申请', head: '王大明' });
  assert.equal(v.head, '王**', 'masked');
  assert.equal(v.village, EAST_VILLAGE);
  const raw = await office.get(`/api/v1/household_visits/${v.id}`);
  assert.equal(raw.json.head, '王**');
  assertProblem(await (await as('grid1')).post('/api/v1/household_visits', { no: 'HV-2', grid: EAST_GRID,
    visitor: '张网格', visited_on: addDays(today(), 2), address: '东一村', kind: 'routine' }), 422, { field: 'visited_on' });
});

test('grid staff: keyed by grid, name and start date — a re-import updates; the phone is masked', async () => {
  const csv = `grid,name,role,phone,from,to\n${EAST_GRID},张网格,leader,13800001111,2023-01-01,\n${WEST_GRID},李网格,member,,2023-02-01,\n`;
  cliImport(d.store, 'grid_staff', csv);
  let rows = await listAll(office, '/api/v1/grid_staff');
  assert.equal(rows.length, 2);
  const zhang = rows.find((r) => r.name === '张网格');
  assert.deepEqual([zhang.role, zhang.phone, zhang.township, zhang.nk], ['leader', '138****1111', EAST, undefined], 'the natural key is not shown');
  cliImport(d.store, 'grid_staff', `grid,name,role,phone,from,to\n${EAST_GRID},张网格,member,13800001111,2023-01-01,2023-06-30\n`);
  rows = await listAll(office, '/api/v1/grid_staff');
  assert.equal(rows.length, 2, 'the same person, grid and start: updated, not added');
  assert.deepEqual(['member', '2023-06-30'], [rows.find((r) => r.name === '张网格').role, rows.find((r) => r.name === '张网格').to]);
  // the grid worker sees its grid's staff only
  assert.deepEqual((await listAll(await as('grid1'), '/api/v1/grid_staff')).map((r) => r.name), ['张网格']);
  // the same again over the API: a conflict naming the natural key
  const again = await office.post('/api/v1/grid_staff', { grid: EAST_GRID, name: '张网格', role: 'leader', from: '2023-01-01' });
  assertProblem(again, 409, { detail: /已有同一网格、姓名、任职日期的记录/ });
  assertProblem(await office.post('/api/v1/grid_staff', { grid: EAST_GRID, name: '赵网格', role: 'member', from: '2023-03-01', to: '2023-02-01' }), 422, { field: 'to' });
});

test('the police network: assignments, the subsidy ledger and informants only for officers in post', async () => {
  const police = await as('police');
  const aux = await create('police', 'police_assignments', { officer: '刘辅警', police_no: 'F001', kind: 'auxiliary',
    village: EAST_VILLAGE, from: '2023-03-10' });
  assert.deepEqual([aux.township, aux.district], [EAST, DISTRICT], 'the township from the village');
  await create('police', 'police_assignments', { officer: '陈民警', police_no: 'M001', kind: 'officer', township: EAST, from: '2023-01-01' });
  await unchanged(office, ['police_assignments', 'police_subsidies', 'informants'], async () => {
    assertProblem(await police.post('/api/v1/police_assignments', { officer: '无村辅警', police_no: 'F002', kind: 'auxiliary',
      township: EAST, from: '2023-01-01' }), 422, { field: 'village' });
    assertProblem(await police.post('/api/v1/police_assignments', { officer: '错乡辅警', police_no: 'F003', kind: 'auxiliary',
      township: WEST, village: EAST_VILLAGE, from: '2023-01-01' }), 422, { field: 'village' });
    // February: the auxiliary officer came in March
    assertProblem(await police.post('/api/v1/police_subsidies', { village: EAST_VILLAGE, officer: 'F001', month: '2023-02' }), 422, { field: 'month' });
    assertProblem(await police.post('/api/v1/police_subsidies', { village: WEST_VILLAGE, officer: 'F001', month: '2023-04' }), 422, { field: 'month' });
    // an informant for an officer not in post (F001 is auxiliary; X999 nobody)
    for (const officer of ['X999', 'F001'])
      assertProblem(await police.post('/api/v1/informants', { name: '周信息', industry: 'commerce', officer, from: '2023-04-01' }), 422, { field: 'officer' });
    assertProblem(await police.post('/api/v1/informants', { name: '周信息', industry: 'commerce', officer: 'M001', from: '2022-12-01' }), 422, { field: 'officer' });
  });
  const s = await create('police', 'police_subsidies', { village: EAST_VILLAGE, officer: 'F001', month: '2023-03' });
  assert.equal(s.amount, 500, 'the default subsidy, in yuan');
  assert.equal(s.township, EAST);
  const i = await create('police', 'informants', { name: '周信息', industry: 'commerce', phone: '13900002222', officer: 'M001', from: '2023-04-01' });
  assert.deepEqual([i.name, i.phone, i.township], ['周**', '139****2222', EAST]);
  // a re-import of the same informant (officer, name, from) updates it: the name is keyed by its hash
  cliImport(d.store, 'informants', 'name,industry,phone,officer,from,to\n周信息,transport,13900002222,M001,2023-04-01,\n');
  const infs = await listAll(office, '/api/v1/informants');
  assert.equal(infs.length, 1);
  assert.equal(infs[0].industry, 'transport');
  const upd = await police.update(`/api/v1/informants/${i.id}`, { industry: 'finance' });
  assert.deepEqual([upd.status, upd.json.industry, upd.json.name], [200, 'finance', '周**'], upd.text);
  assertProblem(await police.update(`/api/v1/informants/${i.id}`, { name: '吴信息' }), 422, { field: 'name' });
  assertProblem(await police.update(`/api/v1/informants/${i.id}`, { from: '2023-05-01' }), 422, { field: 'from' });
  // equipment issued to an officer in post
  await create('police', 'police_equipment', { no: 'EQ-1', item: '警用电动自行车', officer: 'F001', issued_on: '2023-03-15' });
  assertProblem(await police.post('/api/v1/police_equipment', { no: 'EQ-2', item: '警用电动自行车', officer: 'F001', issued_on: '2023-03-01' }), 422, { field: 'officer' });
  // the west township sees none of the east's network
  assert.deepEqual(await listAll(await as('west'), '/api/v1/police_assignments'), []);
  assert.equal((await listAll(await as('east'), '/api/v1/police_assignments')).length, 2);
});

test('联乡包村 cadres and their visits; campaigns district-wide', async () => {
  const c = await create('office', 'cadre_assignments', { cadre: '孙干部', unit: 'GA', village: WEST_VILLAGE, from: '2023-01-01' });
  assert.equal(c.township, WEST);
  await create('office', 'cadre_visits', { no: 'CV-1', cadre: '孙干部', village: WEST_VILLAGE, visited_on: '2023-04-02', findings: '村内道路照明不足' });
  const k = await create('office', 'campaigns', { no: 'LF-2023', name: '六防六促专项行动', kind: '六防六促', from: '2023-04-01', to: '2023-10-31' });
  assert.equal(k.district, DISTRICT);
  assert.deepEqual((await listAll(await as('grid1'), '/api/v1/campaigns')).map((x) => x.no), ['LF-2023']);
});
