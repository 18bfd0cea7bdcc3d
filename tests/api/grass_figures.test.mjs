// grass_figures.test.mjs: the grassroots' figures (DOMAIN.md "The work
// figures": patrols, patrol_compliance_rate, household_visits,
// village_police_rate, police_subsidy_paid, informant_network_rate,
// cadre_village_rate) from `sanling figures` and GET /api/v1/figures, for the
// office, a township, a grid worker and the police, held to values this file
// computes in JavaScript from the records it wrote, by DOMAIN.md's rules —
// not by running the server's SQL again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer } from './util.mjs';
import { EAST, WEST, EAST_VILLAGE, EAST_VILLAGE2, WEST_VILLAGE, EAST_GRID, WEST_GRID } from './events_util.mjs';

let d;
after(async () => { await d?.stop(); });

const as = (u) => d.as(u);
async function create(user, entity, body) {
  const r = await (await as(user)).post(`/api/v1/${entity}`, body);
  assert.equal(r.status, 201, `${user} creates ${entity}: ${r.text}`);
  return r.json;
}

// What the test writes, kept to compute the figures from.
const patrols = [], visits = [], aux = [], cadres = [], subsidies = [], officers = [], informants = [];
const GRIDS = [{ code: EAST_GRID, township: EAST }, { code: WEST_GRID, township: WEST }];
// the fixture's village subjects (tests/api/lib.mjs): V1, V2 in the east, V3 in the west, on the list since 2022-01
const VILLAGES = [{ village: EAST_VILLAGE, township: EAST }, { village: EAST_VILLAGE2, township: EAST }, { village: WEST_VILLAGE, township: WEST }];

const lastDay = (m) => { const [y, mo] = m.split('-').map(Number); return new Date(Date.UTC(y, mo, 0)).toISOString().slice(0, 10); };
const active = (x, day) => x.from <= day && (!x.to || day <= x.to);
const pct = (num, den) => (den ? Math.round((num * 1000) / den) / 10 : null); // halves away from zero: num, den >= 0
function dayCount(from, to) { return Math.round((Date.parse(to) - Date.parse(from)) / 86400000) + 1; }

// The figures of month m as `scope` sees them: {township} or {grid} or {} (the district).
function expected(m, scope) {
  const from = `${m.slice(0, 4)}-01-01`, to = lastDay(m);
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const end = to < today ? to : today;
  const inScope = (x) => (!scope.township || x.township === scope.township) && (!scope.grid || x.grid === scope.grid);
  const grids = GRIDS.filter((g) => !g.closed && inScope({ township: g.township, grid: g.code }));
  const ps = patrols.filter((p) => inScope(p) && p.patrolled_on >= from && p.patrolled_on <= to);
  const slots = new Map();
  for (const p of ps.filter((x) => x.patrolled_on <= end)) {
    const k = `${p.grid}|${p.patrolled_on}`;
    slots.set(k, new Set([...(slots.get(k) || []), p.slot]));
  }
  // the grid-days of the grids in use (a closed grid's patrols still count as patrols)
  const compliant = [...slots.entries()].filter(([k, s]) => s.size === 2 && grids.some((g) => k.startsWith(`${g.code}|`))).length;
  const villages = VILLAGES.filter(inScope);
  const covered = (list) => villages.filter((v) => list.some((a) => a.village === v.village && active(a, to))).length;
  const inPost = [...new Set(officers.filter((o) => inScope(o) && active(o, to)).map((o) => o.police_no))];
  const complying = inPost.filter((no) => new Set(informants.filter((i) => i.officer === no && active(i, to)).map((i) => i.industry)).size >= 5);
  return {
    patrols: ps.length,
    patrol_compliance_rate: pct(compliant, grids.length * (end < from ? 0 : dayCount(from, end))),
    household_visits: visits.filter((v) => inScope(v) && v.visited_on >= from && v.visited_on <= to).length,
    village_police_rate: pct(covered(aux), villages.length),
    police_subsidy_paid: subsidies.filter((s) => inScope(s) && s.month >= `${m.slice(0, 4)}-01` && s.month <= m && s.paid_on && s.paid_on <= to)
      .reduce((sum, s) => sum + (s.amount ?? 500), 0),
    informant_network_rate: pct(complying.length, inPost.length),
    cadre_village_rate: pct(covered(cadres), villages.length),
  };
}

before(async () => {
  d = await districtServer();
  const patrol = async (user, no, grid, township, patroller, day, slot) => {
    await create(user, 'patrols', { no, grid, patroller, patrolled_on: day, slot });
    patrols.push({ grid, township, patrolled_on: day, slot });
  };
  // the east grid: both slots on the 3rd and the 5th (two people), one on the 4th; the west: the 3rd; one in February
  await patrol('grid1', 'GF-1', EAST_GRID, EAST, '张网格', '2023-01-03', 'am');
  await patrol('grid1', 'GF-2', EAST_GRID, EAST, '张网格', '2023-01-03', 'pm');
  await patrol('grid1', 'GF-3', EAST_GRID, EAST, '张网格', '2023-01-04', 'am');
  await patrol('grid1', 'GF-4', EAST_GRID, EAST, '张网格', '2023-01-05', 'am');
  await patrol('east', 'GF-5', EAST_GRID, EAST, '赵网格', '2023-01-05', 'pm');
  await patrol('west', 'GF-6', WEST_GRID, WEST, '李网格', '2023-01-03', 'am');
  await patrol('west', 'GF-7', WEST_GRID, WEST, '李网格', '2023-01-03', 'pm');
  await patrol('west', 'GF-8', WEST_GRID, WEST, '李网格', '2023-02-07', 'pm');
  for (const [no, user, grid, township, day] of [['GV-1', 'grid1', EAST_GRID, EAST, '2023-01-09'], ['GV-2', 'east', EAST_GRID, EAST, '2023-01-20'],
    ['GV-3', 'west', WEST_GRID, WEST, '2023-02-02']]) {
    await create(user, 'household_visits', { no, grid, visitor: '走访人', visited_on: day, address: '某村某组', kind: 'routine' });
    visits.push({ grid, township, visited_on: day });
  }
  // the police network: an auxiliary officer in an east village from January 10; two officers
  await create('police', 'police_assignments', { officer: '刘辅警', police_no: 'F001', kind: 'auxiliary', village: EAST_VILLAGE, from: '2023-01-10' });
  aux.push({ village: EAST_VILLAGE, township: EAST, from: '2023-01-10' });
  for (const [no, township] of [['M001', EAST], ['M002', WEST]]) {
    await create('police', 'police_assignments', { officer: `民警${no}`, police_no: no, kind: 'officer', township, from: '2023-01-01' });
    officers.push({ police_no: no, township, from: '2023-01-01' });
  }
  const industries = ['agriculture', 'commerce', 'transport', 'education', 'health'];
  for (const [k, industry] of industries.entries()) {
    const inf = { name: `信息员${k}`, industry, officer: 'M001', from: '2023-01-05', to: k === 4 ? '2023-02-10' : undefined };
    await create('police', 'informants', inf);
    informants.push(inf);
  }
  for (const [k, industry] of ['catering', 'finance'].entries()) {
    const inf = { name: `西信息员${k}`, industry, officer: 'M002', from: '2023-01-05' };
    await create('police', 'informants', inf);
    informants.push(inf);
  }
  for (const s of [{ village: EAST_VILLAGE, officer: 'F001', month: '2023-01', paid_on: '2023-02-05' },
    { village: EAST_VILLAGE, officer: 'F001', month: '2023-02', amount: 600, paid_on: '2023-02-20' },
    { village: EAST_VILLAGE, officer: 'F001', month: '2023-03' }]) {
    await create('police', 'police_subsidies', s);
    subsidies.push({ ...s, township: EAST });
  }
  for (const c of [{ cadre: '孙干部', unit: 'GA', village: WEST_VILLAGE, from: '2023-01-01', to: '2023-01-15' },
    { cadre: '周干部', unit: 'XF', village: EAST_VILLAGE2, from: '2022-12-01' }]) {
    await create('office', 'cadre_assignments', c);
    cadres.push({ ...c, township: c.village === WEST_VILLAGE ? WEST : EAST });
  }
});

const KEYS = ['patrols', 'patrol_compliance_rate', 'household_visits', 'village_police_rate', 'police_subsidy_paid',
  'informant_network_rate', 'cadre_village_rate'];
const pick = (f, keys = KEYS) => Object.fromEntries(keys.map((k) => [k, f[k]]));

test('the office\'s grassroots figures through each month are the records\' by DOMAIN.md\'s rules', async () => {
  const office = await as('office');
  for (const m of ['2022-12', '2023-01', '2023-02', '2023-03']) {
    const r = await office.get(`/api/v1/figures?through=${m}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(pick(r.json), expected(m, {}), `office through ${m}`);
  }
  // a sanity check of the arithmetic above on one month, by hand: 3 compliant grid-days of 2 × 31
  assert.equal(expected('2023-01', {}).patrol_compliance_rate, 4.8);
});

test('a township, a grid worker and the police see their own; a sector has none of it', async () => {
  for (const m of ['2023-01', '2023-02']) {
    const east = (await (await as('east')).get(`/api/v1/figures?through=${m}`)).json;
    assert.deepEqual(pick(east), expected(m, { township: EAST }), `east through ${m}`);
    const grid = (await (await as('grid1')).get(`/api/v1/figures?through=${m}`)).json;
    const g = expected(m, { township: EAST, grid: EAST_GRID });
    // a grid worker reads patrols and visits, not the police network
    assert.deepEqual(pick(grid), { ...g, village_police_rate: null, police_subsidy_paid: null, informant_network_rate: null, cadre_village_rate: null }, `grid1 through ${m}`);
    const police = (await (await as('police')).get(`/api/v1/figures?through=${m}`)).json;
    assert.deepEqual(pick(police), expected(m, {}), `police through ${m}`);
    const edu = (await (await as('edu')).get(`/api/v1/figures?through=${m}`)).json;
    assert.deepEqual(pick(edu), Object.fromEntries(KEYS.map((k) => [k, null])), 'a supervisor reads none of the grassroots lists');
  }
  // by township in the breakdown: each township's as its own account sees it
  const b = (await (await as('office')).get('/api/v1/figures/breakdown?through=2023-02&by=township')).json;
  const row = b.rows.find((x) => x.key === WEST);
  assert.deepEqual(pick(row.figures), expected('2023-02', { township: WEST }));
});

test('the command line counts every district, the same numbers', () => {
  const r = d.store.cli(['figures', '--through', '2023-02', '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(pick(JSON.parse(r.stdout)), expected('2023-02', {}));
});

test('a grid closed since counts in neither part of the rate; its patrols still count', async () => {
  const office = await as('office');
  const code = `${EAST_VILLAGE}09`;
  const r = await office.post('/api/v1/regions', { code, name: '第九网格', level: 'grid', parent: EAST_VILLAGE });
  assert.equal(r.status, 201, r.text);
  GRIDS.push({ code, township: EAST });
  // compliant on two days of January, in the slots of two people
  for (const [no, day, slot, who] of [['GF-91', '2023-01-10', 'am', '王九'], ['GF-92', '2023-01-10', 'pm', '王九'],
    ['GF-93', '2023-01-11', 'am', '王九'], ['GF-94', '2023-01-11', 'pm', '钱九']]) {
    await create('office', 'patrols', { no, grid: code, patroller: who, patrolled_on: day, slot });
    patrols.push({ grid: code, township: EAST, patrolled_on: day, slot });
  }
  const open = (await office.get('/api/v1/figures?through=2023-01')).json;
  assert.deepEqual(pick(open), expected('2023-01', {}));
  assert.equal(open.patrol_compliance_rate, 5.4, '5 compliant grid-days of 3 × 31');
  const rr = await office.post(`/api/v1/regions/${r.json.id}/retire`, {});
  assert.equal(rr.status, 200, rr.text);
  GRIDS.at(-1).closed = true;
  for (const m of ['2023-01', '2023-02']) {
    const closed = (await office.get(`/api/v1/figures?through=${m}`)).json;
    assert.deepEqual(pick(closed), expected(m, {}), `through ${m}, the grid closed`);
    const east = (await (await as('east')).get(`/api/v1/figures?through=${m}`)).json;
    assert.deepEqual(pick(east), expected(m, { township: EAST }), `east through ${m}, the grid closed`);
  }
  assert.equal(expected('2023-01', {}).patrol_compliance_rate, 4.8, 'back to 3 of 2 × 31');
  assert.equal(expected('2023-01', {}).patrols, 11);
  const c = d.store.cli(['figures', '--through', '2023-01', '--json']);
  assert.equal(c.status, 0, c.stderr);
  assert.deepEqual(pick(JSON.parse(c.stdout)), expected('2023-01', {}));
});
