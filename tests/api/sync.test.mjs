// sync.test.mjs: entering once and the phone's outbox (issue 15) — numbers
// the server gives records created without one (patrols XC, visits ZF,
// disputes JF, hazards YH, problems WT: <prefix><year>-<6 digits>, skipping
// numbers taken by hand); disputes, hazards and problems found on a patrol
// or a visit, placed and dated by it and listed from it; and POST /sync:
// batches applied item by item, a repeated send stored once (replayed), keys
// per user, a bad item refused with its field and nothing stored while the
// others apply, found records linked to their patrol, photos attached once,
// another grid's patrol refused, more than 50 items refused, a second
// patrol in one slot refused naming the slot.  Counts are read from the
// database itself (sqlite3 / psql), outside the program.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND } from './lib.mjs';
import { districtServer, assertProblem, listAll, cliImport, sql } from './util.mjs';
import { DISTRICT, EAST, EAST_VILLAGE, EAST_GRID, WEST_GRID } from './events_util.mjs';
import { jpeg, png, sha256 } from './attach_files.mjs';

let d, office;
before(async () => {
  d = await districtServer();
  office = await d.as('office');
});
after(async () => { await d?.stop(); });

const as = (u) => d.as(u);
const count = (table, where = '1 = 1') => Number(sql(d.store, `SELECT COUNT(*) FROM ${table} WHERE ${where}`, BACKEND));
const counts = () => Object.fromEntries(['patrols', 'household_visits', 'disputes', 'hazards', 'problems',
  'attachments', 'blobs', 'sync_keys', 'record_numbers', 'audit'].map((t) => [t, count(t)]));

let seq = 0;
// A patrol of grid1's grid on its own day (patroller, day and slot unique per call).
function patrol(over = {}) {
  seq++;
  const day = `2023-0${1 + (seq % 9)}-${String(1 + (seq % 28)).padStart(2, '0')}`;
  return { grid: EAST_GRID, patroller: `网格员${seq}`, patrolled_on: day, slot: seq % 2 ? 'am' : 'pm', notes: '巡查', ...over };
}
const key = (s) => `k-${s}-${process.pid}`.padEnd(8, '0');
const sync = async (user, items) => (await as(user)).post('/api/v1/sync', { items });

test('numbers: created without one, a record is numbered <prefix><year>-<6 digits>, in order, skipping numbers taken by hand', async () => {
  const g = await as('grid1');
  const p1 = await g.post('/api/v1/patrols', patrol({ patrolled_on: '2022-03-01' }));
  assert.equal(p1.status, 201, p1.text);
  assert.equal(p1.json.no, 'XC2022-000001', 'the year of the patrol');
  const p2 = await g.post('/api/v1/patrols', patrol({ patrolled_on: '2022-03-02' }));
  assert.equal(p2.json.no, 'XC2022-000002');
  // a number given by hand is kept, and the counter steps over it
  const hand = await g.post('/api/v1/patrols', patrol({ no: 'XC2022-000003', patrolled_on: '2022-03-03' }));
  assert.equal(hand.json.no, 'XC2022-000003');
  const p4 = await g.post('/api/v1/patrols', patrol({ patrolled_on: '2022-03-04' }));
  assert.equal(p4.json.no, 'XC2022-000004', 'the number given by hand is skipped');
  // an import without numbers is numbered too, and a refused create gives its number back
  cliImport(d.store, 'patrols', `no,grid,patroller,patrolled_on,slot\n,${EAST_GRID},导入甲,2022-03-05,am\n,${EAST_GRID},导入乙,2022-03-05,am\n`);
  const imported = (await listAll(office, '/api/v1/patrols?patrolled_on=2022-03-05')).map((x) => x.no).sort();
  assert.deepEqual(imported, ['XC2022-000005', 'XC2022-000006']);
  assertProblem(await g.post('/api/v1/patrols', patrol({ patrolled_on: '2022-03-05', patroller: '导入甲', slot: 'am' })), 409, { field: 'slot' });
  const p7 = await g.post('/api/v1/patrols', patrol({ patrolled_on: '2022-03-06' }));
  assert.equal(p7.json.no, 'XC2022-000007', 'the refused write took no number');
  // each list its own prefix and counter
  const v = await g.post('/api/v1/household_visits', { grid: EAST_GRID, visitor: '张网格', visited_on: '2022-04-01',
    address: '东一村1号', kind: 'routine' });
  assert.equal(v.json.no, 'ZF2022-000001', v.text);
  const east = await as('east');
  const dsp = await east.post('/api/v1/disputes', { found_on: '2022-05-01', source: 'grid', category: 'family', subject: 'V1' });
  assert.equal(dsp.json.no, 'JF2022-000001', dsp.text);
  const hz = await (await as('safety')).post('/api/v1/hazards', { subject: 'S1', level: 'general', domain: 'fire',
    found_on: '2022-05-02', deadline: '2022-06-02' });
  assert.equal(hz.json.no, 'YH2022-000001', hz.text);
  const pb = await office.post('/api/v1/problems', { found_on: '2022-05-03', source: 'other', township: EAST,
    description: '台账不全', level: 'general', deadline: '2022-06-03' });
  assert.equal(pb.json.no, 'WT2022-000001', pb.text);
  // the forms need no number: the key is not required in /meta
  const meta = (await office.get('/api/v1/meta')).json.entities;
  for (const name of ['patrols', 'household_visits', 'disputes', 'hazards', 'problems'])
    assert.equal(meta.find((e) => e.name === name).fields.find((f) => f.key === 'no').required, false, name);
});

test('found on a patrol: a dispute, a hazard and a problem placed and dated by it, listed from it; refusals name the field', async () => {
  const g = await as('grid1');
  const p = (await g.post('/api/v1/patrols', patrol({ patrolled_on: '2023-06-10' }))).json;
  const dsp = await g.post('/api/v1/disputes', { patrol: p.no, source: 'grid', category: 'land' });
  assert.equal(dsp.status, 201, dsp.text);
  assert.deepEqual([dsp.json.grid, dsp.json.township, dsp.json.district, dsp.json.found_on],
    [EAST_GRID, EAST, DISTRICT, '2023-06-10'], 'the place and the day of the patrol');
  // the grid worker writes hazards in its grid (of a subject there)
  const hz = await g.post('/api/v1/hazards', { patrol: p.no, subject: 'V1', level: 'general', domain: 'fire', deadline: '2023-07-10' });
  assert.equal(hz.status, 201, hz.text);
  assert.deepEqual([hz.json.grid, hz.json.township, hz.json.found_on], [EAST_GRID, EAST, '2023-06-10']);
  // and raises a problem found on its patrol; it starts open, the office reviews
  const pb = await g.post('/api/v1/problems', { patrol: p.no, source: 'grid', description: '路灯损坏', level: 'general', deadline: '2023-07-10' });
  assert.equal(pb.status, 201, pb.text);
  assert.deepEqual([pb.json.grid, pb.json.township, pb.json.status, pb.json.found_on], [EAST_GRID, EAST, 'open', '2023-06-10']);
  // listed from the patrol
  for (const [list, no] of [['disputes', dsp.json.no], ['hazards', hz.json.no], ['problems', pb.json.no]]) {
    const r = await office.get(`/api/v1/${list}?patrol=${p.no}`);
    assert.deepEqual(r.json.items.map((x) => x.no), [no], list);
  }
  // refusals, nothing stored
  const before = counts();
  const west = (await (await as('west')).post('/api/v1/patrols', patrol({ grid: WEST_GRID }))).json;
  const after1 = counts();
  assertProblem(await g.post('/api/v1/disputes', { patrol: west.no, source: 'grid', category: 'land' }), 422, { field: 'patrol' });
  assertProblem(await g.post('/api/v1/disputes', { source: 'grid', category: 'land', subject: 'V1' }), 422, { field: 'found_on' });
  assertProblem(await g.post('/api/v1/disputes', { patrol: p.no, visit: 'ZF2022-000001', source: 'grid', category: 'land' }), 422, { field: 'visit' });
  assertProblem(await g.post('/api/v1/hazards', { patrol: p.no, subject: 'V3', level: 'general', domain: 'fire', deadline: '2023-07-10' }), 422, { field: 'subject' });
  assertProblem(await g.post('/api/v1/problems', { found_on: '2023-06-10', township: EAST, source: 'grid', description: '无巡查', level: 'general', deadline: '2023-07-10' }), 403, { field: 'patrol' });
  assertProblem(await g.update(`/api/v1/problems/${pb.json.id}`, { status: 'rectifying' }), 403);
  assert.deepEqual(counts(), { ...after1, audit: counts().audit }, 'nothing stored');
  assert.equal(after1.patrols, before.patrols + 1);
});

test('POST /sync: a batch applied; sent again nothing new is stored and each item is replayed', async () => {
  const items = [
    { key: key('a1'), entity: 'patrols', record: patrol() },
    { key: key('a2'), entity: 'patrols', record: patrol() },
    { key: key('a3'), entity: 'household_visits', record: { grid: EAST_GRID, visitor: '张网格', visited_on: '2023-06-01', address: '东一村2号', kind: 'safety' } },
    { key: key('a4'), entity: 'disputes', record: { found_on: '2023-06-02', source: 'grid', category: 'family', subject: 'V1' } },
  ];
  const before = counts();
  const r = await sync('grid1', items);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map((x) => [x.key, x.status, x.entity, x.replayed]),
    items.map((x) => [x.key, 201, x.entity, false]));
  for (const x of r.json.items) {
    assert.ok(Number.isInteger(x.id), JSON.stringify(x));
    const g = await office.get(`/api/v1/${x.entity}/${x.id}`);
    assert.equal(g.json.no, x.no);
  }
  const mid = counts();
  assert.deepEqual([mid.patrols - before.patrols, mid.household_visits - before.household_visits,
    mid.disputes - before.disputes, mid.sync_keys - before.sync_keys], [2, 1, 1, 4]);
  assert.equal(mid.audit - before.audit, 4, 'one audit row per create');
  const again = await sync('grid1', items);
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.json.items.map((x) => [x.key, x.status, x.replayed, x.id, x.no]),
    r.json.items.map((x) => [x.key, 200, true, x.id, x.no]), 'the same answer, replayed');
  const end = counts();
  assert.deepEqual({ ...end, audit: 0 }, { ...mid, audit: 0 }, 'nothing new stored');
});

test('POST /sync: keys are per user — the same key from two users is two items', async () => {
  const k = key('shared');
  const a = await sync('grid1', [{ key: k, entity: 'patrols', record: patrol() }]);
  const b = await sync('east', [{ key: k, entity: 'patrols', record: patrol() }]);
  assert.equal(a.json.items[0].status, 201, a.text);
  assert.equal(b.json.items[0].status, 201, b.text);
  assert.notEqual(a.json.items[0].id, b.json.items[0].id);
  assert.equal(count('sync_keys', `key = '${k}'`), 2);
});

test('POST /sync: a bad item is refused naming its field, nothing of it stored, the good ones apply; corrected, it applies', async () => {
  const before = counts();
  const bad = { key: key('bad'), entity: 'patrols', record: patrol({ slot: 'noon' }) };
  const r = await sync('grid1', [
    { key: key('good1'), entity: 'patrols', record: patrol() },
    bad,
    { key: key('good2'), entity: 'disputes', record: { found_on: '2023-06-03', source: 'grid', category: 'land', subject: 'V1' } },
    { key: 'short', entity: 'patrols', record: patrol() },
    { key: key('badlist'), entity: 'tasks', record: {} },
    { key: key('badfound'), entity: 'disputes', record: {}, found: [] },
  ]);
  assert.equal(r.status, 200, r.text);
  const [g1, b, g2, short, list, found] = r.json.items;
  assert.deepEqual([g1.status, g2.status], [201, 201]);
  assert.equal(b.status, 422);
  assert.deepEqual([b.key, b.entity, b.replayed, b.error.status, b.error.field, b.error.type], [bad.key, 'patrols', false, 422, 'slot', 'about:blank']);
  assert.match(b.error.detail, /时段/);
  assert.equal(b.id, undefined);
  assert.deepEqual([short.status, short.error.field], [400, 'key']);
  assert.deepEqual([list.status, list.error.field], [400, 'entity']);
  assert.deepEqual([found.status, found.error.field], [400, 'found']);
  const mid = counts();
  assert.deepEqual([mid.patrols - before.patrols, mid.disputes - before.disputes, mid.sync_keys - before.sync_keys], [1, 1, 2]);
  assert.equal(count('sync_keys', `key = '${bad.key}'`), 0, 'a refused item keeps no key');
  // corrected and sent again under the same key: applied
  const fixed = await sync('grid1', [{ ...bad, record: { ...bad.record, slot: 'am' } }]);
  assert.equal(fixed.json.items[0].status, 201, fixed.text);
  assert.equal(fixed.json.items[0].replayed, false);
});

test('POST /sync: a patrol with a dispute and a hazard found — both linked to it, placed by its grid, dated by it', async () => {
  const rec = patrol({ patrolled_on: '2023-07-07' });
  const r = await sync('grid1', [{ key: key('found'), entity: 'patrols', record: rec, found: [
    { entity: 'disputes', record: { source: 'grid', category: 'family', summary: '邻里宅基地纠纷' } },
    { entity: 'hazards', record: { subject: 'V1', level: 'general', domain: 'fire', deadline: '2023-08-07', description: '柴草堆放' } },
  ] }]);
  assert.equal(r.status, 200, r.text);
  const it = r.json.items[0];
  assert.equal(it.status, 201, r.text);
  assert.deepEqual(it.found.map((f) => f.entity), ['disputes', 'hazards']);
  const dsp = (await office.get(`/api/v1/disputes/${it.found[0].id}`)).json;
  const hz = (await office.get(`/api/v1/hazards/${it.found[1].id}`)).json;
  for (const x of [dsp, hz]) {
    assert.equal(x.patrol, it.no, 'linked to the patrol');
    assert.deepEqual([x.grid, x.township, x.district, x.found_on], [EAST_GRID, EAST, DISTRICT, '2023-07-07']);
  }
  assert.ok(/^JF2023-\d{6}$/.test(dsp.no) && /^YH2023-\d{6}$/.test(hz.no), `${dsp.no} ${hz.no}`);
  // linked both ways: the patrol's finds are listed from it
  assert.deepEqual((await office.get(`/api/v1/disputes?patrol=${it.no}`)).json.items.map((x) => x.id), [dsp.id]);
  assert.deepEqual((await office.get(`/api/v1/hazards?patrol=${it.no}`)).json.items.map((x) => x.id), [hz.id]);
  // a found record refused: the whole item is refused, naming it, nothing stored
  const before = counts();
  const bad = await sync('grid1', [{ key: key('found-bad'), entity: 'patrols', record: patrol(), found: [
    { entity: 'disputes', record: { source: 'grid', category: 'family' } },
    { entity: 'hazards', record: { subject: 'V1', level: 'huge', domain: 'fire', deadline: '2023-08-07' } },
  ] }]);
  assert.deepEqual([bad.json.items[0].status, bad.json.items[0].error.field], [422, 'found[1].level'], bad.text);
  assert.match(bad.json.items[0].error.detail, /发现的安全隐患（第 2 条）/);
  assert.deepEqual({ ...counts(), audit: 0 }, { ...before, audit: 0 }, 'nothing stored');
});

test('POST /sync: a household visit with a problem found — raised by the grid worker, linked to the visit, open for the office', async () => {
  const r = await sync('grid1', [{ key: key('visit'), entity: 'household_visits',
    record: { grid: EAST_GRID, visitor: '张网格', visited_on: '2023-07-08', address: '东一村5号', kind: 'difficulty', head: '王大明' },
    found: [{ entity: 'problems', record: { source: 'grid', description: '危房未改造', level: 'general', deadline: '2023-08-08' } }] }]);
  const it = r.json.items[0];
  assert.deepEqual([it.status, it.entity, it.found.length], [201, 'household_visits', 1], r.text);
  assert.match(it.no, /^ZF2023-\d{6}$/);
  const pb = (await office.get(`/api/v1/problems/${it.found[0].id}`)).json;
  assert.deepEqual([pb.visit, pb.patrol, pb.grid, pb.township, pb.found_on, pb.status, pb.no],
    [it.no, null, EAST_GRID, EAST, '2023-07-08', 'open', it.found[0].no]);
  // the grid worker sees it; the office's review is the office's
  assert.deepEqual((await listAll(await as('grid1'), `/api/v1/problems?visit=${it.no}`)).map((x) => x.id), [pb.id]);
});

test('POST /sync: a patrol with photos — attached once, even when sent again', async () => {
  const photo = png(4, 4, [10, 120, 30]);
  const items = [{ key: key('photo'), entity: 'patrols', record: patrol(), photos: [
    { name: 'p.jpg', data: jpeg().toString('base64') }, { name: '现场.png', data: photo.toString('base64') }] }];
  const r = await sync('grid1', items);
  const it = r.json.items[0];
  assert.deepEqual([it.status, it.attachments], [201, 2], r.text);
  const list = await office.get(`/api/v1/patrols/${it.id}/attachments`);
  assert.deepEqual(list.json.items.map((a) => [a.n, a.name, a.content_type, a.sha256]),
    [[1, 'p.jpg', 'image/jpeg', sha256(jpeg())], [2, '现场.png', 'image/png', sha256(photo)]]);
  const file = await office.get(`/api/v1/patrols/${it.id}/attachments/2`);
  assert.equal(sha256(file.buf), sha256(photo));
  const before = counts();
  const again = await sync('grid1', items);
  assert.deepEqual([again.json.items[0].status, again.json.items[0].replayed, again.json.items[0].attachments], [200, true, 2]);
  assert.deepEqual({ ...counts(), audit: 0 }, { ...before, audit: 0 });
  assert.equal(count('attachments', `entity = 'patrols' AND record = ${it.id}`), 2);
  // a dispute entered alone takes its photo too
  const dsp = await sync('grid1', [{ key: key('photo-dispute'), entity: 'disputes',
    record: { found_on: '2023-06-05', source: 'grid', category: 'land', subject: 'V1' }, photos: [{ name: 'd.png', data: photo.toString('base64') }] }]);
  assert.deepEqual([dsp.json.items[0].status, dsp.json.items[0].attachments], [201, 1], dsp.text);
  assert.equal(count('attachments', `entity = 'disputes' AND record = ${dsp.json.items[0].id}`), 1);
  // a photo that is no image or not base64: the item refused, naming the photo
  const b0 = counts();
  const bad = await sync('grid1', [
    { key: key('photo-bad1'), entity: 'patrols', record: patrol(), photos: [{ name: 'x.jpg', data: Buffer.from('not an image').toString('base64') }] },
    { key: key('photo-bad2'), entity: 'patrols', record: patrol(), photos: [{ name: 'x.jpg', data: '***' }] },
  ]);
  assert.deepEqual(bad.json.items.map((x) => [x.status, x.error.field]), [[422, 'photos[0]'], [422, 'photos[0]']], bad.text);
  assert.deepEqual({ ...counts(), audit: 0 }, { ...b0, audit: 0 });
});

test('POST /sync: another grid\'s patrol refused, nothing stored; a second patrol in one slot refused naming the slot', async () => {
  const before = counts();
  const r = await sync('grid1', [{ key: key('west'), entity: 'patrols', record: patrol({ grid: WEST_GRID }) }]);
  assert.deepEqual([r.json.items[0].status, r.json.items[0].error.field], [403, 'grid'], r.text);
  assert.deepEqual({ ...counts(), audit: 0 }, { ...before, audit: 0 });
  // the same person, day and slot in two items of one batch: the second refused
  const p = patrol();
  const two = await sync('grid1', [{ key: key('slot1'), entity: 'patrols', record: p },
    { key: key('slot2'), entity: 'patrols', record: { ...p, notes: '重复' } }]);
  assert.equal(two.json.items[0].status, 201, two.text);
  assert.deepEqual([two.json.items[1].status, two.json.items[1].error.field], [409, 'slot']);
  assert.match(two.json.items[1].error.detail, /已有巡查记录/);
  // a role that writes none of these lists
  assertProblem(await (await as('edu')).post('/api/v1/sync', { items: [] }), 403);
});

test('POST /sync: more than 50 items, or no items array — 400, nothing stored', async () => {
  const before = counts();
  const items = Array.from({ length: 51 }, (_, i) => ({ key: key(`many${i}`), entity: 'patrols', record: patrol() }));
  assertProblem(await sync('grid1', items), 400, { field: 'items' });
  assertProblem(await (await as('grid1')).post('/api/v1/sync', { items: {} }), 400, { field: 'items' });
  assertProblem(await (await as('grid1')).post('/api/v1/sync', { items: [], more: 1 }), 400);
  assert.deepEqual({ ...counts(), audit: 0 }, { ...before, audit: 0 });
  const empty = await sync('grid1', []);
  assert.deepEqual([empty.status, empty.json.items], [200, []]);
});

test('POST /sync: 50 items with a photo each fit in one request', async () => {
  // a phone's resized photo: ~110 KB of bytes, ~150 KB as base64
  const photo = png(8, 8, [90, 90, 200], 110 * 1024);
  const items = Array.from({ length: 50 }, (_, i) => ({ key: key(`big${i}`), entity: 'patrols', record: patrol(),
    photos: [{ name: `p${i}.png`, data: photo.toString('base64') }] }));
  const body = JSON.stringify({ items });
  assert.ok(body.length > 7 * 1024 * 1024, `${body.length} bytes`);
  const before = counts();
  const r = await sync('grid1', items);
  assert.equal(r.status, 200, r.text.slice(0, 500));
  assert.ok(r.json.items.every((x) => x.status === 201 && x.attachments === 1), r.text.slice(0, 500));
  const end = counts();
  assert.deepEqual([end.patrols - before.patrols, end.attachments - before.attachments, end.blobs - before.blobs], [50, 50, 1],
    'the same photo is one blob');
});
