// map.test.mjs: GET /api/v1/map, the townships of the caller's scope drawn
// from the subjects' coordinates, on the demo district (whose subjects
// `gen demo` places in 淮阳区).  Checked against other answers of the
// server, never against the map's own: the townships are those of the
// caller's subjects list (or, for the office, the district's regions); each
// outline is a closed polygon that holds every one of its township's
// subjects (their coordinates read from the subjects list, the
// point-in-polygon computed here) and no subject of another township; the
// rates are /figures/breakdown?by=township's.  A township user gets its own
// township only; a refused request says why in Chinese; a subject that moves
// moves its township's outline (the cache is not stale).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, loadDemo, startServer } from './lib.mjs';
import { listAll, assertProblem } from './util.mjs';

const PASSWORD = 'Demo-Pass-2023';
const MONTH = '2023-08';
let store, srv;
const clients = {};

async function as(user) {
  if (!clients[user]) {
    const c = srv.client();
    const r = await c.login(user, PASSWORD);
    assert.equal(r.status, 200, `login ${user}: ${r.text}`);
    clients[user] = c;
  }
  return clients[user];
}

async function map(user, month = MONTH) {
  const r = await (await as(user)).get('/api/v1/map?month=' + month);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// Even-odd point in polygon over every ring of a MultiPolygon.
function inRing(ring, [x, y]) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
function inGeometry(g, pt) {
  return g.coordinates.some((poly) => poly.filter((ring) => inRing(ring, pt)).length % 2 === 1);
}
function signedArea(ring) {
  let a = 0;
  for (let i = 0; i + 1 < ring.length; i++) a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return a / 2;
}

// A valid closed polygon: MultiPolygon of rings of ≥ 4 positions, first = last, outer ring of positive area.
function assertValidGeometry(g, name) {
  assert.equal(g?.type, 'MultiPolygon', `${name}: a MultiPolygon`);
  assert.ok(g.coordinates.length >= 1, `${name}: at least one polygon`);
  for (const poly of g.coordinates) {
    for (const ring of poly) {
      assert.ok(ring.length >= 4, `${name}: a ring of ${ring.length} positions`);
      assert.deepEqual(ring[0], ring[ring.length - 1], `${name}: the ring is closed`);
      for (const [lon, lat] of ring) assert.ok(Number.isFinite(lon) && Number.isFinite(lat), `${name}: numeric positions`);
    }
    assert.ok(signedArea(poly[0]) > 0, `${name}: the outer ring is counter-clockwise, of non-zero area`);
    for (const hole of poly.slice(1)) assert.ok(signedArea(hole) < 0, `${name}: a hole is clockwise`);
  }
}

before(async () => {
  store = freshDb();
  loadDemo(store);
  srv = await startServer({ store });
});
after(async () => { await srv?.stop(); store?.cleanup(); });

test('the demo\'s subjects all have coordinates in 淮阳区, inside the outline of their own township only', async () => {
  const office = await as('office');
  const subjects = await listAll(office, '/api/v1/subjects');
  assert.ok(subjects.length > 2000, `the demo's subjects (${subjects.length})`);
  const m = await map('office');
  assert.equal(m.unplaced, 0, 'no subject of the demo without coordinates');
  const byCode = Object.fromEntries(m.map.features.map((f) => [f.properties.code, f]));
  let n = 0;
  for (const s of subjects) {
    assert.equal(typeof s.lat, 'number', `${s.code} has a latitude`);
    assert.equal(typeof s.lon, 'number', `${s.code} has a longitude`);
    // 淮阳区: about 40 × 40 km around 33.73 N, 114.88 E
    assert.ok(Math.abs(s.lat - 33.73) < 0.2 && Math.abs(s.lon - 114.88) < 0.25, `${s.code} at ${s.lat}, ${s.lon}`);
    const own = byCode[s.township];
    assert.ok(own, `${s.code}'s township ${s.township} is on the map`);
    assert.ok(inGeometry(own.geometry, [s.lon, s.lat]), `${s.code} inside ${own.properties.name}`);
    for (const f of m.map.features)
      if (f !== own) assert.ok(!inGeometry(f.geometry, [s.lon, s.lat]), `${s.code} not inside ${f.properties.name}`);
    n++;
  }
  assert.equal(n, subjects.length);
  // the map's points are the list's, at the list's coordinates (to a tenth of a metre)
  assert.deepEqual(m.subjects.map((s) => s.code).sort(), subjects.map((s) => s.code).sort());
  const listed = Object.fromEntries(subjects.map((s) => [s.code, s]));
  for (const p of m.subjects)
    assert.ok(Math.abs(p.lat - listed[p.code].lat) < 1e-6 && Math.abs(p.lon - listed[p.code].lon) < 1e-6, `${p.code} where the list says`);
});

test('the office\'s map has every township of the district, each a valid closed polygon, with the breakdown\'s rates', async () => {
  const office = await as('office');
  const townships = await listAll(office, '/api/v1/regions?level=township');
  assert.equal(townships.length, 20);
  const m = await map('office');
  assert.equal(m.map.type, 'FeatureCollection');
  assert.deepEqual(m.map.features.map((f) => f.properties.code).sort(), townships.map((t) => t.code).sort());
  for (const f of m.map.features) {
    assert.equal(f.properties.name, townships.find((t) => t.code === f.properties.code).name, 'the township\'s name');
    assertValidGeometry(f.geometry, f.properties.name);
  }
  const bd = await office.get(`/api/v1/figures/breakdown?by=township&through=${MONTH}`);
  assert.equal(bd.status, 200, bd.text);
  assert.deepEqual(m.targets, bd.json.targets);
  for (const row of bd.json.rows) {
    const p = m.map.features.find((f) => f.properties.code === row.key).properties;
    for (const k of ['subjects_total', 'villages_total', 'villages_compliant', 'villages_rate',
      'enterprises_total', 'enterprises_compliant', 'enterprises_rate'])
      assert.equal(p[k], row.figures[k], `${row.label} ${k}`);
  }
  // the rates of another month are that month's
  const m2 = await map('office', '2022-12');
  const bd2 = await office.get('/api/v1/figures/breakdown?by=township&through=2022-12');
  for (const row of bd2.json.rows)
    assert.equal(m2.map.features.find((f) => f.properties.code === row.key).properties.villages_rate, row.figures.villages_rate);
  assert.ok(bd2.json.rows.some((r, i) => r.figures.villages_rate !== bd.json.rows[i].figures.villages_rate),
    'the two months differ somewhere, so the rates are the month\'s');
});

test('a township user gets its own township only; a supervisor, a subject, a grid worker the townships of their subjects', async () => {
  for (const user of ['chengguan', 'bailou', 'education', 'school', 'grid']) {
    const c = await as(user);
    const subjects = await listAll(c, '/api/v1/subjects');
    assert.ok(subjects.length > 0, `${user} has subjects`);
    const want = [...new Set(subjects.map((s) => s.township))].sort();
    const m = await map(user);
    assert.deepEqual(m.map.features.map((f) => f.properties.code).sort(), want, `${user}'s townships`);
    assert.deepEqual(m.subjects.map((s) => s.code).sort(), subjects.map((s) => s.code).sort(), `${user}'s points`);
    if (user === 'chengguan' || user === 'bailou') assert.equal(want.length, 1, `${user}: one township`);
    const bd = await c.get(`/api/v1/figures/breakdown?by=township&through=${MONTH}`);
    for (const f of m.map.features)
      assert.equal(f.properties.villages_rate, bd.json.rows.find((r) => r.key === f.properties.code).figures.villages_rate);
  }
});

test('a map asked wrongly, or by a role without figures, is refused in Chinese', async () => {
  const office = await as('office');
  assertProblem(await office.get('/api/v1/map'), 400, { field: 'month', detail: /month/ });
  assertProblem(await office.get('/api/v1/map?month=2023-13'), 422, { field: 'month', detail: /月份格式/ });
  assertProblem(await office.get('/api/v1/map?month=2999-01'), 422, { field: 'month', detail: /尚未到来/ });
  assertProblem(await office.get('/api/v1/map?month=2023-08&by=x'), 400);
  const admin = await as('sysadmin');
  assertProblem(await admin.get('/api/v1/map?month=2023-08'), 403);
  const anon = srv.client();
  assert.equal((await anon.get('/api/v1/map?month=2023-08')).status, 401);
});

test('a subject that moves into another township\'s area moves its own township\'s outline with it', async () => {
  const office = await as('office');
  const before = await map('office');
  const subjects = await listAll(office, '/api/v1/subjects?township=411603101000');
  const mover = subjects.find((s) => s.kind === 'enterprise');
  // a point of 城关's area: one of its subjects, 10 m off
  const host = (await listAll(office, '/api/v1/subjects?township=411603100000'))[0];
  const to = { lat: host.lat + 0.0001, lon: host.lon };
  const host0 = before.map.features.find((f) => f.properties.code === '411603100000');
  assert.ok(inGeometry(host0.geometry, [to.lon, to.lat]), 'the new place is in 城关\'s area before the move');
  const r = await office.update('/api/v1/subjects/' + mover.id, to);
  assert.equal(r.status, 200, r.text);
  const after = await map('office');
  const own = after.map.features.find((f) => f.properties.code === '411603101000');
  assert.ok(inGeometry(own.geometry, [to.lon, to.lat]), 'the moved subject is inside 白楼镇\'s outline');
  assert.ok(!inGeometry(after.map.features.find((f) => f.properties.code === '411603100000').geometry, [to.lon, to.lat]),
    'and no longer inside 城关\'s');
  assert.equal(own.geometry.coordinates.length, 2, '白楼镇 now has an enclave in 城关');
  const host1 = after.map.features.find((f) => f.properties.code === '411603100000');
  assert.ok(host1.geometry.coordinates.some((poly) => poly.length > 1), '城关 has a hole where the enclave is');
  for (const f of after.map.features) assertValidGeometry(f.geometry, f.properties.name);
});
