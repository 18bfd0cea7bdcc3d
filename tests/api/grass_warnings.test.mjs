// grass_warnings.test.mjs: the grassroots' reasons of the early warnings
// (GET /api/v1/warnings; issue 15): on village subjects, the grid-days of the
// month so far without both patrols (grids under the village, staff active
// that day) and the village without its auxiliary officer on the day; and
// the officers whose 1+5+N network is short.  Every expected value is
// computed here from the staff, patrols, assignments and informants this file
// writes, by DOMAIN.md's rules — not by the server's SQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, cliImport, assertProblem } from './util.mjs';
import { EAST, WEST, EAST_VILLAGE, EAST_VILLAGE2, WEST_VILLAGE, EAST_GRID, WEST_GRID } from './events_util.mjs';

const E1B = '41000000100102', E2 = '41000000100201';
const MORE_GRIDS = `code,name,level,parent
${E1B},东一第二网格,grid,${EAST_VILLAGE}
${E2},东二网格,grid,${EAST_VILLAGE2}
`;
// the fixture's village subjects (tests/api/lib.mjs)
const SUBJECTS = [
  { code: 'V1', name: '东一村委会', village: EAST_VILLAGE, township: EAST, grid: EAST_GRID },
  { code: 'V2', name: '东二村委会', village: EAST_VILLAGE2, township: EAST },
  { code: 'V3', name: '西一村委会', village: WEST_VILLAGE, township: WEST, grid: WEST_GRID },
];
const GRID_VILLAGE = { [EAST_GRID]: EAST_VILLAGE, [E1B]: EAST_VILLAGE, [E2]: EAST_VILLAGE2, [WEST_GRID]: WEST_VILLAGE };
const TOWNSHIP_NAMES = { [EAST]: '东镇', [WEST]: '西乡' };

const staff = [
  { grid: EAST_GRID, name: '甲', role: 'leader', from: '2024-03-01', to: '2024-03-10' },
  { grid: EAST_GRID, name: '乙', role: 'member', from: '2024-03-21' },
  { grid: E1B, name: '丙', role: 'leader', from: '2024-02-01', to: '2024-03-05' },
  { grid: WEST_GRID, name: '丁', role: 'leader', from: '2024-03-15' },
];
const patrols = [];
const both = (grid, day) => { for (const slot of ['am', 'pm']) patrols.push({ grid, patrolled_on: day, slot }); };
for (const d of ['01', '02', '22', '15']) both(EAST_GRID, `2024-03-${d}`);
patrols.push({ grid: EAST_GRID, patrolled_on: '2024-03-03', slot: 'am' });
for (const d of ['01', '02', '03', '04']) both(E1B, `2024-03-${d}`);
both(WEST_GRID, '2024-03-20');
both(E1B, '2024-02-10');

const assignments = [
  { officer: '刘辅警', police_no: 'F001', kind: 'auxiliary', village: EAST_VILLAGE, from: '2024-01-01', to: '2024-03-31' },
  { officer: '王辅警', police_no: 'F002', kind: 'auxiliary', village: EAST_VILLAGE2, from: '2024-04-01' },
  { officer: '赵民警', police_no: 'M001', kind: 'officer', township: EAST, from: '2024-01-01' },
  { officer: '钱民警', police_no: 'M002', kind: 'officer', township: WEST, from: '2024-01-01' },
  { officer: '孙民警', police_no: 'M003', kind: 'officer', township: EAST, from: '2024-01-01', to: '2024-02-28' },
  { officer: '李民警', police_no: 'M004', kind: 'officer', township: EAST, from: '2024-03-01' },
];
const informants = [
  ...['agriculture', 'commerce', 'transport', 'education', 'health'].map((industry, k) =>
    ({ name: `东信息员${k}`, industry, officer: 'M001', from: '2024-01-05', to: k === 4 ? '2024-03-31' : undefined })),
  ...['agriculture', 'agriculture', 'commerce', 'transport', 'finance', 'finance'].map((industry, k) =>
    ({ name: `西信息员${k}`, industry, officer: 'M002', from: '2024-01-05' })),
  ...['catering', 'logistics', 'other'].map((industry, k) =>
    ({ name: `新信息员${k}`, industry, officer: 'M004', from: '2024-03-02', to: k === 0 ? '2024-03-20' : undefined })),
];

const lastDay = (m) => { const [y, mo] = m.split('-').map(Number); return new Date(Date.UTC(y, mo, 0)).toISOString().slice(0, 10); };
const active = (x, day) => x.from <= day && (!x.to || day <= x.to);
function days(m) {
  const out = [], last = lastDay(m);
  for (let d = 1; `${m}-${String(d).padStart(2, '0')}` <= last; d++) out.push(`${m}-${String(d).padStart(2, '0')}`);
  return out;
}

// What GET /warnings?month=m should say to a caller of `scope`:
// {township?, grid?, police (reads the network), patrols (reads patrols)}.
function expected(m, scope) {
  const asof = lastDay(m);
  const anyAux = assignments.some((a) => a.kind === 'auxiliary');
  const grids = Object.keys(GRID_VILLAGE).filter((g) => !scope.grid || g === scope.grid);
  const items = [];
  for (const s of SUBJECTS) {
    if (scope.township && s.township !== scope.township) continue;
    if (scope.grid && s.grid !== scope.grid) continue;
    let gridDays = 0;
    if (scope.patrols) {
      for (const g of grids.filter((x) => GRID_VILLAGE[x] === s.village)) {
        for (const day of days(m)) {
          if (!staff.some((st) => st.grid === g && active(st, day))) continue;
          const slots = new Set(patrols.filter((p) => p.grid === g && p.patrolled_on === day).map((p) => p.slot));
          if (slots.size < 2) gridDays++;
        }
      }
    }
    const noPolice = scope.police && anyAux &&
      !assignments.some((a) => a.kind === 'auxiliary' && a.village === s.village && active(a, asof)) ? 1 : 0;
    const reasons = [];
    if (gridDays) reasons.push({ code: 'grid_missing_patrols', label: '网格巡查缺失', count: gridDays });
    if (noPolice) reasons.push({ code: 'no_village_police', label: '无驻村辅警', count: 1 });
    const score = gridDays * 1 + noPolice * 3;
    if (score) items.push({ subject: s.code, name: s.name, township: s.township, kind: 'village', score, reasons });
  }
  items.sort((a, b) => b.score - a.score || (a.subject < b.subject ? -1 : 1));
  let short = null;
  if (scope.police) {
    short = [];
    const inPost = assignments.filter((a) => a.kind === 'officer' && active(a, asof) && (!scope.township || a.township === scope.township));
    for (const o of inPost.sort((a, b) => (a.police_no < b.police_no ? -1 : 1))) {
      const mine = informants.filter((i) => i.officer === o.police_no && active(i, asof));
      const industries = new Set(mine.map((i) => i.industry)).size;
      if (mine.length < 5 || industries < 5) {
        short.push({ police_no: o.police_no, officer: o.officer, township: o.township, township_name: TOWNSHIP_NAMES[o.township],
          informants: mine.length, industries });
      }
    }
  }
  return { month: m, as_of: asof, items, total: items.length, informant_networks_short: short };
}

let d;
after(async () => { await d?.stop(); });
const as = (u) => d.as(u);

before(async () => {
  d = await districtServer((store) => cliImport(store, 'regions', MORE_GRIDS, 'grids'));
  const office = await as('office'), police = await as('police');
  for (const s of staff) assert.equal((await office.post('/api/v1/grid_staff', s)).status, 201);
  let n = 0;
  for (const p of patrols) {
    const r = await office.post('/api/v1/patrols', { no: `GW-${++n}`, patroller: `巡查${p.grid}`, ...p });
    assert.equal(r.status, 201, r.text);
  }
  for (const a of assignments) assert.equal((await police.post('/api/v1/police_assignments', a)).status, 201);
  for (const i of informants) {
    const r = await police.post('/api/v1/informants', i);
    assert.equal(r.status, 201, r.text);
  }
});

const pick = (j) => ({ month: j.month, as_of: j.as_of, items: j.items, total: j.total, informant_networks_short: j.informant_networks_short });

test('the office\'s and the police\'s warnings of each month: grid-days missed, villages without police, short networks', async () => {
  for (const user of ['office', 'police']) {
    for (const m of ['2024-01', '2024-02', '2024-03', '2024-04']) {
      const r = await (await as(user)).get(`/api/v1/warnings?month=${m}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(pick(r.json), expected(m, { police: true, patrols: true }), `${user} ${m}`);
    }
  }
  // by hand, March: 东一村's grids miss 18 + 1 grid-days (东一网格: 21 staffed days, 3 complete; 东一第二网格: the
  // 5th); 西一网格 16 of 17 and 西一村 has no officer (16 + 3); 东二村 none on the 31st (F002 starts in April)
  const march = (await (await as('office')).get('/api/v1/warnings?month=2024-03')).json;
  assert.deepEqual(march.items.map((x) => [x.subject, x.score]), [['V1', 19], ['V3', 19], ['V2', 3]]);
  assert.deepEqual(march.informant_networks_short.map((o) => [o.police_no, o.informants, o.industries]), [['M002', 6, 4], ['M004', 2, 2]]);
});

test('a township, a grid worker and a sector each see theirs', async () => {
  for (const m of ['2024-02', '2024-03']) {
    const east = (await (await as('east')).get(`/api/v1/warnings?month=${m}`)).json;
    assert.deepEqual(pick(east), expected(m, { township: EAST, police: true, patrols: true }), `east ${m}`);
    const west = (await (await as('west')).get(`/api/v1/warnings?month=${m}`)).json;
    assert.deepEqual(pick(west), expected(m, { township: WEST, police: true, patrols: true }), `west ${m}`);
    // a grid worker: its grid's days; the police network is not its to read
    const grid = (await (await as('grid1')).get(`/api/v1/warnings?month=${m}`)).json;
    assert.deepEqual(pick(grid), expected(m, { township: EAST, grid: EAST_GRID, police: false, patrols: true }), `grid1 ${m}`);
    const edu = (await (await as('edu')).get(`/api/v1/warnings?month=${m}`)).json;
    assert.deepEqual([edu.items, edu.informant_networks_short], [[], null], 'a sector supervises no village');
  }
});

test('the limit counts the grassroots\' items too; the refusals stand', async () => {
  const office = await as('office');
  const r = await office.get('/api/v1/warnings?month=2024-03&limit=1');
  assert.deepEqual(r.json.items.map((x) => x.subject), [expected('2024-03', { police: true, patrols: true }).items[0].subject]);
  assert.equal(r.json.total, 3);
  assertProblem(await office.get('/api/v1/warnings?month=2024-3'), 422, { field: 'month' });
  assertProblem(await (await as('sysadmin')).get('/api/v1/warnings?month=2024-03'), 403);
});
