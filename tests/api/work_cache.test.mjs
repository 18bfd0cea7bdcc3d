// work_cache.test.mjs: the work and grassroots figures of the offices above
// the districts (a city's, the system's) are their districts' counts kept
// per district (src/assess/work_cache.c) — and they follow every write of
// every list they count.  The fixture district gets a city above it and the
// city an office (role region).  After each write of each such list, through
// the API as the district's people or an import, the city's figures, its
// breakdown row of the district and `sanling figures` must equal the
// district office's own, which are counted live from the lists (an office
// never reads the kept counts), and the write must have changed them — so a
// write that failed to move the district's version would leave the city
// behind and fail here.  On both engines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, PASSWORD } from './lib.mjs';
import { districtServer, cliImport, sql } from './util.mjs';
import { EAST, WEST, EAST_VILLAGE, WEST_VILLAGE, EAST_GRID, DISTRICT, CSV_BODY } from './events_util.mjs';
import { WORK_KEYS } from './assess_util.mjs';

const CITY = '419900000000';
const GRASS_KEYS = ['patrols', 'patrol_compliance_rate', 'household_visits', 'village_police_rate',
  'police_subsidy_paid', 'informant_network_rate', 'cadre_village_rate'];
const KEYS = [...WORK_KEYS, ...GRASS_KEYS];
const THROUGH = '2023-03';
const pick = (f) => Object.fromEntries(KEYS.map((k) => [k, f[k]]));

let d, office, police, city;
before(async () => {
  d = await districtServer((store) => {
    cliImport(store, 'regions', `code,name,level,parent\n${CITY},测试市,city,\n${DISTRICT},测试区,district,${CITY}\n`);
    cliImport(store, 'departments', `单位代码,单位名称,职能,所在区划\nCITY-SLB,测试市三零办,office,${CITY}\n`);
    const u = store.cli(['user', 'add', 'city', '--role', 'region', '--dept', 'CITY-SLB'], PASSWORD + '\n');
    if (u.status !== 0) throw new Error(u.stderr);
  });
  office = await d.as('office');
  police = await d.as('police');
  city = await d.as('city');
});
after(async () => { await d?.stop(); });

const version = () => Number(sql(d.store, `SELECT COALESCE(MAX(version), 0) FROM work_versions WHERE district = '${DISTRICT}'`, BACKEND) || 0);

// The district office's own figures (live), and the city's three readings held to them.
async function agree(what) {
  const own = await office.get(`/api/v1/figures?through=${THROUGH}`);
  assert.equal(own.status, 200, own.text);
  const want = pick(own.json);
  const c = await city.get(`/api/v1/figures?through=${THROUGH}`);
  assert.equal(c.status, 200, c.text);
  assert.deepEqual(pick(c.json), want, `${what}: the city's figures`);
  const b = await city.get(`/api/v1/figures/breakdown?through=${THROUGH}&by=district`);
  assert.equal(b.status, 200, b.text);
  assert.deepEqual(pick(b.json.rows.find((r) => r.key === DISTRICT).figures), want, `${what}: the city's row of the district`);
  const cli = d.store.cli(['figures', '--through', THROUGH, '--json']);
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(pick(JSON.parse(cli.stdout)), want, `${what}: sanling figures`);
  return want;
}

async function created(client, entity, body) {
  const r = await client.post(`/api/v1/${entity}`, body);
  assert.equal(r.status, 201, `${entity}: ${r.text}`);
  return r.json;
}

test('a city\'s work and grassroots figures follow each write of each list they count', async () => {
  let last = await agree('before any write');
  let v = version();
  // each write changes the district's figures through March
  const writes = [
    ['a task', () => created(office, 'tasks', { no: 'WC-T1', title: '任务', source: 'standard', owner: 'JT', township: EAST,
      assigned_on: '2023-02-01', due_on: '2023-02-28', status: 'assigned' })],
    ['a problem', () => created(office, 'problems', { no: 'WC-P1', found_on: '2023-03-02', source: 'supervision', department: 'JT',
      township: WEST, description: '问题', level: 'general', deadline: '2023-03-20', status: 'open' })],
    ['a supervision check', () => created(office, 'supervision_checks', { no: 'WC-C1', checked_on: '2023-01-15', kind: 'routine',
      lead: 'OFF', participants: 'XF|GA', summary: '督导' })],
    ['a meeting', () => created(office, 'meetings', { no: 'WC-M1', held_on: '2023-01-30', month: '2023-01', chair: '李区长',
      attendees: 'XF|YJ|GA', decisions: '议定' })],
    ['a patrol', () => created(office, 'patrols', { no: 'WC-G1', grid: EAST_GRID, patroller: '张网格', patrolled_on: '2023-01-03', slot: 'am' })],
    ['the other slot of that day', () => created(office, 'patrols', { no: 'WC-G2', grid: EAST_GRID, patroller: '张网格', patrolled_on: '2023-01-03', slot: 'pm' })],
    ['a household visit', () => created(office, 'household_visits', { no: 'WC-V1', grid: EAST_GRID, visitor: '走访人',
      visited_on: '2023-01-09', address: '某村某组', kind: 'routine' })],
    ['an auxiliary officer in a village', () => created(police, 'police_assignments', { officer: '刘辅警', police_no: 'F001',
      kind: 'auxiliary', village: EAST_VILLAGE, from: '2023-01-10' })],
    ['an officer', () => created(police, 'police_assignments', { officer: '民警M001', police_no: 'M001', kind: 'officer',
      township: EAST, from: '2023-01-01' })],
    ['a subsidy paid', () => created(police, 'police_subsidies', { village: EAST_VILLAGE, officer: 'F001', month: '2023-01', paid_on: '2023-02-05' })],
    ['a cadre in a village', () => created(office, 'cadre_assignments', { cadre: '周干部', unit: 'XF', village: WEST_VILLAGE, from: '2022-12-01' })],
    ['a new village on the list', () => created(office, 'subjects', { code: 'V9', name: '西九村委会', kind: 'village', category: 'village',
      township: WEST, village: WEST_VILLAGE, active_from: '2022-01' })],
    ['a new grid', () => created(office, 'regions', { code: `${EAST_VILLAGE}09`, name: '第九网格', level: 'grid', parent: EAST_VILLAGE })],
  ];
  for (const [what, write] of writes) {
    await write();
    assert.ok(version() > v, `${what} moved the district's work version`);
    v = version();
    const now = await agree(`after ${what}`);
    assert.notDeepEqual(now, last, `${what} changed the district's figures (else this step tests nothing)`);
    last = now;
  }
  // five informants of five industries: the officer's network complies
  for (const [k, industry] of ['agriculture', 'commerce', 'transport', 'education', 'health'].entries())
    await created(police, 'informants', { name: `信息员${k}`, industry, officer: 'M001', from: '2023-01-05' });
  const now = await agree('after five informants');
  assert.notDeepEqual(now.informant_network_rate, last.informant_network_rate, 'the informants changed the network rate');
  last = now;
  // an import: the bulk path moves the version once
  v = version();
  const csv = 'no,title,source,meeting,owner,co_owners,township,assigned_on,due_on,status,done_on,verified_on\n' +
    'WC-T2,任务,standard,,SJ,,,2023-03-01,2023-03-31,assigned,,\nWC-T3,任务,standard,,SJ,,,2023-03-02,2023-03-31,assigned,,\n';
  const imp = await office.post('/api/v1/tasks/import?format=csv', csv, CSV_BODY);
  assert.equal(imp.status, 200, imp.text);
  assert.equal(imp.json.created, 2, imp.text);
  assert.equal(version(), v + 1, 'an import moves the version once');
  const after = await agree('after an import of tasks');
  assert.equal(after.tasks_assigned, last.tasks_assigned + 2);
});

test('an edit that moves a record out of the months counted is followed too', async () => {
  const before = await agree('before the edit');
  const t = (await office.get('/api/v1/tasks?q=WC-T1')).json.items.find((x) => x.no === 'WC-T1');
  const r = await office.patch(`/api/v1/tasks/${t.id}`, { rev: t.rev, assigned_on: '2023-05-01', due_on: '2023-06-30' });
  assert.equal(r.status, 200, r.text);
  const now = await agree('after the edit');
  assert.equal(now.tasks_assigned, before.tasks_assigned - 1);
});
