// aux_scope.test.mjs: the village auxiliary officer's scope (驻村辅警, issue 15:
// "a grid worker sees and writes only in its grid, an auxiliary officer its
// village").  An account of role `grid` that names a village instead of a
// grid reaches the records of every grid under that village — patrols,
// household visits, grid staff, disputes, hazards, subjects — and nothing of the
// neighbouring village; it writes a patrol in any grid of its village and is
// refused, naming the field, for a grid of another; its lists' totals and its
// figures count its village's rows only.  A grid worker still sees its own
// grid only.  The security administrator grants the village; a grid and a
// village together, or a village that is not one, are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, assertProblem, listAll, cliImport } from './util.mjs';
import { PASSWORD } from './lib.mjs';
import { EAST, EAST_VILLAGE, EAST_VILLAGE2, EAST_GRID, WEST_GRID, make, unchanged } from './events_util.mjs';

const EAST_GRID2 = '41000000100102'; // a second grid of 东一村
const NEIGH_GRID = '41000000100201'; // 东二村's grid: the same township, another village

let d, office;
before(async () => {
  d = await districtServer((store) => {
    cliImport(store, 'regions', `code,name,level,parent\n${EAST_GRID2},东一二网格,grid,${EAST_VILLAGE}\n` +
      `${NEIGH_GRID},东二网格,grid,${EAST_VILLAGE2}\n`);
    // 东二村委会 gets its grid, so that its disputes are placed in the neighbour's grid
    cliImport(store, 'subjects', 'code,name,kind,category,township,village,grid,active_from\n' +
      `V2,东二村委会,village,village,${EAST},${EAST_VILLAGE2},${NEIGH_GRID},2022-01\n`);
    const r = store.cli(['user', 'add', 'aux1', '--role', 'grid', '--dept', 'GA', '--village', EAST_VILLAGE,
      '--name', '东一村驻村辅警'], PASSWORD + '\n');
    if (r.status !== 0) throw new Error('user add aux1: ' + r.stderr);
  });
  office = await d.as('office');
});
after(async () => { await d?.stop(); });

const patrol = (no, grid, over = {}) => ({ no, grid, patroller: `巡${no}`, patrolled_on: '2023-05-04', slot: 'am', ...over });

async function create(user, entity, body) {
  const r = await (await d.as(user)).post(`/api/v1/${entity}`, body);
  assert.equal(r.status, 201, `${user} creates ${entity}: ${r.text}`);
  return r.json;
}

const nos = (rows) => rows.map((x) => x.no).sort();

test('the auxiliary officer\'s account: role grid, its village, no grid', async () => {
  const me = await (await d.as('aux1')).get('/api/v1/me');
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.role, 'grid');
  assert.equal(me.json.village, EAST_VILLAGE);
  assert.equal(me.json.grid ?? null, null);
  assert.equal(me.json.township, EAST);
  const grid = await (await d.as('grid1')).get('/api/v1/me');
  assert.equal(grid.json.grid, EAST_GRID);
  assert.equal(grid.json.village ?? null, null);
});

test('patrols: the auxiliary sees its village\'s grids, not the neighbour\'s; the grid worker its grid only', async () => {
  for (const [no, grid] of [['AP-1', EAST_GRID], ['AP-2', EAST_GRID2], ['AP-3', NEIGH_GRID], ['AP-4', WEST_GRID]])
    await create('office', 'patrols', patrol(no, grid));
  const aux = await d.as('aux1');
  const mine = await listAll(aux, '/api/v1/patrols');
  assert.deepEqual(nos(mine), ['AP-1', 'AP-2']);
  const page = await aux.get('/api/v1/patrols?page_size=1');
  assert.equal(page.json.total, 2, 'the total counts the village\'s rows only');
  // a filter naming the neighbour's grid finds nothing, and a record of it is not found
  assert.equal((await aux.get(`/api/v1/patrols?grid=${NEIGH_GRID}`)).json.total, 0);
  const other = (await listAll(office, '/api/v1/patrols')).find((x) => x.no === 'AP-3');
  assert.equal((await aux.get(`/api/v1/patrols/${other.id}`)).status, 404);
  assert.deepEqual(nos(await listAll(await d.as('grid1'), '/api/v1/patrols')), ['AP-1'], 'the grid worker: its grid only');
});

test('the auxiliary writes a patrol in a grid of its village; another village\'s grid is refused naming the grid, nothing stored', async () => {
  const p = await create('aux1', 'patrols', patrol('AP-5', EAST_GRID2, { patroller: '刘辅警', slot: 'pm' }));
  assert.deepEqual([p.grid, p.village, p.township], [EAST_GRID2, EAST_VILLAGE, EAST]);
  const aux = await d.as('aux1');
  await unchanged(office, ['patrols', 'household_visits'], async () => {
    assertProblem(await aux.post('/api/v1/patrols', patrol('AP-6', NEIGH_GRID, { patroller: '刘辅警' })), 403, { field: 'grid' });
    assertProblem(await aux.post('/api/v1/patrols', patrol('AP-7', WEST_GRID, { patroller: '刘辅警' })), 403, { field: 'grid' });
    const v = await aux.post('/api/v1/household_visits', { no: 'AV-X', grid: NEIGH_GRID, visitor: '刘辅警',
      visited_on: '2023-05-05', address: '东二村1组', kind: 'routine' });
    assertProblem(v, 403, { field: 'grid' });
  });
  // moving its own patrol to the neighbour's grid is refused the same way
  const mine = (await listAll(aux, '/api/v1/patrols')).find((x) => x.no === 'AP-5');
  assertProblem(await aux.update(`/api/v1/patrols/${mine.id}`, { grid: NEIGH_GRID }), 403, { field: 'grid' });
  assert.equal((await aux.get(`/api/v1/patrols/${mine.id}`)).json.grid, EAST_GRID2);
});

test('visits, grid staff, disputes, hazards and subjects: the village\'s rows only, in lists and totals', async () => {
  await create('aux1', 'household_visits', { no: 'AV-1', grid: EAST_GRID, visitor: '刘辅警', visited_on: '2023-05-05',
    address: '东一村2组', kind: 'safety' });
  await create('office', 'household_visits', { no: 'AV-2', grid: NEIGH_GRID, visitor: '王网格', visited_on: '2023-05-05',
    address: '东二村2组', kind: 'routine' });
  cliImport(d.store, 'grid_staff', `grid,name,role,phone,from,to\n${EAST_GRID},张网格长,leader,,2023-01-01,\n` +
    `${EAST_GRID2},赵网格员,member,,2023-01-01,\n${NEIGH_GRID},钱网格长,leader,,2023-01-01,\n`);
  await create('east', 'disputes', make.disputes('AD-1', { subject: 'V1' }));
  await create('east', 'disputes', make.disputes('AD-2', { subject: 'V2' }));
  await create('safety', 'hazards', make.hazards('AH-1', { subject: 'V1' }));
  await create('safety', 'hazards', make.hazards('AH-2', { subject: 'V2' }));
  const aux = await d.as('aux1');
  assert.deepEqual(nos(await listAll(aux, '/api/v1/household_visits')), ['AV-1']);
  assert.deepEqual((await listAll(aux, '/api/v1/grid_staff')).map((x) => x.name).sort(), ['张网格长', '赵网格员']);
  assert.deepEqual(nos(await listAll(aux, '/api/v1/disputes')), ['AD-1']);
  assert.equal((await aux.get('/api/v1/disputes?page_size=1')).json.total, 1);
  assert.deepEqual(nos(await listAll(aux, '/api/v1/hazards')), ['AH-1']);
  assert.deepEqual((await listAll(aux, '/api/v1/subjects')).map((x) => x.code), ['V1']);
  // the police network stays with the police, the office, the leads and the townships
  assert.equal((await aux.get('/api/v1/police_assignments')).status, 403);
  assert.equal((await aux.get('/api/v1/police_subsidies')).status, 403);
});

test('figures: the auxiliary counts its village\'s patrols, visits and grid-days', async () => {
  const aux = await d.as('aux1');
  const r = await aux.get('/api/v1/figures?through=2023-05');
  assert.equal(r.status, 200, r.text);
  const f = r.json.figures ?? r.json;
  const patrols = (await listAll(aux, '/api/v1/patrols')).filter((x) => x.patrolled_on <= '2023-05-31');
  const visits = (await listAll(aux, '/api/v1/household_visits')).filter((x) => x.visited_on <= '2023-05-31');
  assert.equal(f.patrols, patrols.length);
  assert.equal(f.household_visits, visits.length);
  // two grids × 151 days; 2023-05-04 has both slots in 东一二网格 (AP-2 am, AP-5 pm): one grid-day
  assert.equal(f.patrol_compliance_rate, Math.round(1000 / (2 * 151)) / 10);
  const g = (await (await d.as('grid1')).get('/api/v1/figures?through=2023-05')).json;
  assert.equal((g.figures ?? g).patrols, 1, 'the grid worker: its grid\'s patrol only');
});

test('granting: a grid and a village together, or a village that is not one, are refused naming the field', async () => {
  const sys = await d.as('sysadmin');
  const made = await sys.post('/api/v1/users', { username: 'aux2', display_name: '东二村辅警', password: PASSWORD });
  assert.equal(made.status, 201, made.text);
  const sec = await d.as('secadmin');
  const url = `/api/v1/users/${made.json.id}`;
  const before = (await sec.get(url)).json;
  assertProblem(await sec.patch(url, { rev: before.rev, role: 'grid', department: 'GA', grid: EAST_GRID, village: EAST_VILLAGE }),
    422, { field: 'village' });
  assertProblem(await sec.patch(url, { rev: before.rev, role: 'grid', department: 'GA', village: EAST_GRID }), 422, { field: 'village' });
  assertProblem(await sec.patch(url, { rev: before.rev, role: 'grid', department: 'GA' }), 422, { field: 'grid' });
  assert.deepEqual((await sec.get(url)).json, before, 'nothing stored');
  // the system administrator may not grant a village: scope is the security administrator's
  assertProblem(await sys.patch(url, { rev: before.rev, village: EAST_VILLAGE2 }), 403);
  const ok = await sec.patch(url, { rev: before.rev, role: 'grid', department: 'GA', village: EAST_VILLAGE2 });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual([ok.json.village, ok.json.township], [EAST_VILLAGE2, EAST]);
});

test('today\'s patrols: the auxiliary sees the grids of its village with staff, each slot as the patrols stored say', async () => {
  for (const [grid, name] of [[EAST_GRID, '赵网格'], [EAST_GRID2, '钱网格'], [NEIGH_GRID, '孙网格']])
    await create('office', 'grid_staff', { grid, name, role: 'member', from: '2023-01-01' });
  const day = '2023-05-04';
  const patrols = (await listAll(office, `/api/v1/patrols?patrolled_on_from=${day}&patrolled_on_to=${day}`))
    .filter((x) => x.grid === EAST_GRID || x.grid === EAST_GRID2);
  const done = (grid, slot) => patrols.some((x) => x.grid === grid && x.slot === slot);
  const r = await (await d.as('aux1')).get(`/api/v1/patrols/today?date=${day}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map((x) => [x.grid, x.am_done, x.pm_done]),
    [EAST_GRID, EAST_GRID2].sort().map((g) => [g, done(g, 'am'), done(g, 'pm')]));
  assert.equal(r.json.missing_pm, [EAST_GRID, EAST_GRID2].filter((g) => !done(g, 'pm')).length);
});
