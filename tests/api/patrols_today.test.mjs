// patrols_today.test.mjs: a day's patrols of the grids (一日双巡, DOMAIN.md
// "Grassroots"; issue 15): GET /patrols/today?date= lists each grid in the
// caller's scope with grid staff active that day, who patrolled it in the
// morning and the afternoon, and how many grids miss each slot; and the
// township's and the office's to-do of the missing ones after noon and after
// 18:00 (the clock set by SANLING_TEST_CLOCK).  Expected values are computed
// here from the staff and patrols this file writes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, cliImport, assertProblem } from './util.mjs';
import { startServer } from './lib.mjs';
import { EAST, WEST, EAST_VILLAGE, EAST_VILLAGE2, WEST_VILLAGE, EAST_GRID, WEST_GRID } from './events_util.mjs';

const E2 = '41000000100201', E3 = '41000000100102', E4 = '41000000100103', W2 = '41000000200102';
const GRIDS = {
  [EAST_GRID]: { name: '东一网格', village: EAST_VILLAGE, village_name: '东一村', township: EAST },
  [E2]: { name: '东二网格', village: EAST_VILLAGE2, village_name: '东二村', township: EAST },
  [E3]: { name: '东一第二网格', village: EAST_VILLAGE, village_name: '东一村', township: EAST },
  [E4]: { name: '东一第三网格', village: EAST_VILLAGE, village_name: '东一村', township: EAST },
  [WEST_GRID]: { name: '西一网格', village: WEST_VILLAGE, village_name: '西一村', township: WEST },
  [W2]: { name: '西一第二网格', village: WEST_VILLAGE, village_name: '西一村', township: WEST },
};
const MORE_GRIDS = `code,name,level,parent
${E2},东二网格,grid,${EAST_VILLAGE2}
${E3},东一第二网格,grid,${EAST_VILLAGE}
${E4},东一第三网格,grid,${EAST_VILLAGE}
${W2},西一第二网格,grid,${WEST_VILLAGE}
`;
const TOWNSHIP_NAMES = { [EAST]: '东镇', [WEST]: '西乡' };
const D = '2024-05-08';

const staff = [
  { grid: EAST_GRID, name: '张网格', role: 'leader', from: '2024-01-01' },
  { grid: E2, name: '李网格', role: 'member', from: '2024-05-01', to: '2024-05-31' },
  { grid: E3, name: '王网格', role: 'member', from: '2024-05-09' },
  { grid: WEST_GRID, name: '周网格', role: 'leader', from: '2024-01-01', to: '2024-05-07' },
  { grid: W2, name: '吴网格', role: 'leader', from: '2024-01-01' },
];
const patrols = [
  { no: 'PT-1', grid: EAST_GRID, patroller: '张网格', patrolled_on: D, slot: 'am', by: 'grid1' },
  { no: 'PT-2', grid: EAST_GRID, patroller: '赵网格', patrolled_on: D, slot: 'pm', by: 'east' },
  { no: 'PT-3', grid: EAST_GRID, patroller: '孙网格', patrolled_on: D, slot: 'pm', by: 'east' },
  { no: 'PT-4', grid: E2, patroller: '李网格', patrolled_on: D, slot: 'am', by: 'east' },
  { no: 'PT-5', grid: W2, patroller: '吴网格', patrolled_on: D, slot: 'pm', by: 'west' },
  { no: 'PT-6', grid: WEST_GRID, patroller: '周网格', patrolled_on: '2024-05-07', slot: 'am', by: 'west' },
  { no: 'PT-7', grid: E4, patroller: '无人网格', patrolled_on: D, slot: 'am', by: 'office' },
];

const active = (s, day) => s.from <= day && (!s.to || day <= s.to);
// The answer for `day` as a caller reaching `inScope(grid)` should get it.
function expected(day, inScope) {
  const items = Object.entries(GRIDS)
    .filter(([code, g]) => inScope(code, g) && staff.some((s) => s.grid === code && active(s, day)))
    .sort(([a, x], [b, y]) => (x.township + a < y.township + b ? -1 : 1))
    .map(([code, g]) => {
      const slot = (sl) => patrols.filter((p) => p.grid === code && p.patrolled_on === day && p.slot === sl).map((p) => p.patroller).sort();
      const am = slot('am'), pm = slot('pm');
      return { grid: code, grid_name: g.name, village: g.village, village_name: g.village_name, township: g.township,
        township_name: TOWNSHIP_NAMES[g.township], am, pm, am_done: am.length > 0, pm_done: pm.length > 0 };
    });
  return { date: day, items, total: items.length, missing_am: items.filter((i) => !i.am_done).length,
    missing_pm: items.filter((i) => !i.pm_done).length };
}
const all = () => true;
const township = (t) => (code, g) => g.township === t;
const sortSlots = (j) => ({ ...j, items: j.items.map((i) => ({ ...i, am: [...i.am].sort(), pm: [...i.pm].sort() })) });

let d;
after(async () => { await d?.stop(); });
const as = (u) => d.as(u);

before(async () => {
  d = await districtServer((store) => cliImport(store, 'regions', MORE_GRIDS, 'grids'));
  for (const s of staff) {
    const r = await (await as('office')).post('/api/v1/grid_staff', s);
    assert.equal(r.status, 201, r.text);
  }
  for (const { by, ...p } of patrols) {
    const r = await (await as(by)).post('/api/v1/patrols', p);
    assert.equal(r.status, 201, r.text);
  }
});

test('a day\'s grids with staff, who patrolled each slot, and the counts missing, for each scope', async () => {
  const cases = [['office', all], ['police', all], ['east', township(EAST)], ['west', township(WEST)], ['grid1', (code) => code === EAST_GRID]];
  for (const day of [D, '2024-05-07', '2024-05-09', '2023-12-31']) {
    for (const [user, scope] of cases) {
      const r = await (await as(user)).get(`/api/v1/patrols/today?date=${day}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(sortSlots(r.json), expected(day, scope), `${user} on ${day}`);
    }
  }
  // the fixture, by hand: on D the east has 东一网格 (both), 东二网格 (am only); 东一第二 starts the 9th, 东一第三 has no staff
  const east = (await (await as('east')).get(`/api/v1/patrols/today?date=${D}`)).json;
  assert.deepEqual(east.items.map((i) => [i.grid_name, i.am_done, i.pm_done]), [['东一网格', true, true], ['东二网格', true, false]]);
  assert.deepEqual([east.missing_am, east.missing_pm], [0, 1]);
  // the west: 西一网格's staff left on the 7th; 西一第二网格 patrolled in the afternoon only
  const west = (await (await as('west')).get(`/api/v1/patrols/today?date=${D}`)).json;
  assert.deepEqual(west.items.map((i) => [i.grid_name, i.am_done, i.pm_done]), [['西一第二网格', false, true]]);
});

test('without a date: today, local time', async () => {
  const r = await (await as('office')).get('/api/v1/patrols/today');
  assert.equal(r.status, 200, r.text);
  const local = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  assert.equal(r.json.date, local);
  assert.deepEqual(sortSlots(r.json), expected(local, all));
});

test('refused: a date that is no date or after today, unknown parameters, roles that do not read patrols', async () => {
  const office = await as('office');
  for (const day of ['2024-02-30', '2024-5-8', 'today', '2999-01-01']) {
    assertProblem(await office.get(`/api/v1/patrols/today?date=${day}`), 422, { field: 'date' });
  }
  assertProblem(await office.get(`/api/v1/patrols/today?date=${D}&grid=x`), 400, { field: 'grid' });
  for (const u of ['edu', 'subj', 'sysadmin']) assertProblem(await (await as(u)).get(`/api/v1/patrols/today?date=${D}`), 403);
  assertProblem(await office.post('/api/v1/patrols/today', {}), 405);
});

// The to-dos of `user` on a server whose clock is `clock` (local time).
async function patrolTodos(clock, users) {
  const srv = await startServer({ store: d.store, env: { SANLING_TEST_CLOCK: clock } });
  try {
    const out = {};
    for (const u of users) {
      const c = await srv.client().loginReady(u);
      const r = await c.get('/api/v1/todos');
      assert.equal(r.status, 200, r.text);
      out[u] = r.json.items.filter((i) => i.kind === 'patrol_missing').map((i) => [i.id, i.title, i.entity, i.due, i.overdue]);
    }
    return out;
  } finally {
    await srv.stop();
  }
}

test('by noon and by evening: the township and the office get a to-do for each slot missed, with the count', async () => {
  const users = ['east', 'west', 'office', 'grid1', 'police'];
  const e = expected(D, township(EAST)), w = expected(D, township(WEST)), o = expected(D, all);
  const item = (slot, n) => [`${D}:${slot}`, `${D} ${slot === 'am' ? '上午' : '下午'}有 ${n} 个网格未巡查`, 'patrols_today', D, true];
  const items = (x, evening) => [...(x.missing_am ? [item('am', x.missing_am)] : []), ...(evening && x.missing_pm ? [item('pm', x.missing_pm)] : [])];
  const morning = await patrolTodos(`${D}T11:59`, users);
  assert.deepEqual(morning, { east: [], west: [], office: [], grid1: [], police: [] }, 'nothing before noon');
  const noon = await patrolTodos(`${D}T12:00`, users);
  assert.deepEqual(noon, { east: items(e, false), west: items(w, false), office: items(o, false), grid1: [], police: [] });
  assert.deepEqual(noon.west, [item('am', 1)], 'by hand: 西一第二网格 has no morning patrol');
  const evening = await patrolTodos(`${D}T18:30`, users);
  assert.deepEqual(evening, { east: items(e, true), west: items(w, true), office: items(o, true), grid1: [], police: [] });
  assert.deepEqual(evening.east, [item('pm', 1)], 'by hand: 东二网格 has no afternoon patrol');
});
