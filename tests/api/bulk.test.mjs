// bulk.test.mjs: the list's bulk actions (POST /{entity}/bulk: 受理 and 交办
// of petitions; all or nothing, each refusal named, the role checked, one
// audit row per record as a single update writes) and the list's search
// (?q=: an enumeration's label, a referenced record's name, never personal
// data).  Expected sets are computed here from the unfiltered lists and
// /meta's labels, not by the server's search.  SQLite, or PostgreSQL with
// SANLING_TEST_BACKEND=postgresql.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, assertProblem, listAll } from './util.mjs';
import { make } from './events_util.mjs';

let d, petition, office, police, east, safety, auditor;
const P = {}; // no → id

before(async () => {
  d = await districtServer();
  [petition, office, police, east, safety, auditor] = await Promise.all(
    ['petition', 'office', 'police', 'east', 'safety', 'auditor'].map((u) => d.as(u)));
  const subjects = ['V1', 'V2', 'S1', 'R1', 'V3'];
  for (let i = 1; i <= 5; i++) {
    const no = `BK-${i}`;
    const r = await petition.post('/api/v1/petitions', make.petitions(no, {
      subject: subjects[i - 1], petitioner_name: '欧阳娜娜', petitioner_phone: '13800138123' }));
    assert.equal(r.status, 201, r.text);
    P[no] = r.json.id;
  }
  const insp = [['IN-1', 'fire', 'S1'], ['IN-2', 'gas', 'R1'], ['IN-3', 'fire', 'R1'], ['IN-4', 'road', 'V1'],
    ['IN-5', 'construction', 'S1']];
  for (const [no, domain, subject] of insp) {
    const r = await safety.post('/api/v1/inspections', make.inspections(no, { domain, subject, findings: '检查记录' }));
    assert.equal(r.status, 201, r.text);
  }
});
after(async () => { await d?.stop(); });

async function statuses() {
  const all = await listAll(office, '/api/v1/petitions?q=BK-');
  return Object.fromEntries(all.map((x) => [x.no, x.status]));
}
const bulk = (c, body) => c.post('/api/v1/petitions/bulk', body);

test('受理 of three petitions changes exactly them, one audit row each', async () => {
  const before = await statuses();
  assert.deepEqual(Object.values(before), Array(5).fill('registered'));
  const audit0 = (await auditor.get('/api/v1/audit?action=petitions.update&page_size=500')).json.items.length;
  const ids = [P['BK-1'], P['BK-2'], P['BK-3']];
  const r = await bulk(petition, { action: 'accept', ids });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.count, 3);
  assert.deepEqual(r.json.items.map((x) => x.no).sort(), ['BK-1', 'BK-2', 'BK-3']);
  assert.deepEqual(await statuses(),
    { 'BK-1': 'accepted', 'BK-2': 'accepted', 'BK-3': 'accepted', 'BK-4': 'registered', 'BK-5': 'registered' });
  const one = await petition.get(`/api/v1/petitions/${P['BK-1']}`);
  assert.ok(one.json.accepted_on, 'the accepted date stamped as a single 受理 stamps it');
  const rows = (await auditor.get('/api/v1/audit?action=petitions.update&page_size=500')).json.items;
  assert.equal(rows.length - audit0, 3, 'one audit row per record');
  const objects = rows.slice(0, rows.length - audit0).map((x) => x.object).join(' ');
  for (const id of ids) assert.match(objects, new RegExp(`petitions/${id}\\b`));
  assert.ok(rows.slice(0, 3).every((x) => x.username === 'petition'));
});

test('one refused in the set: none changed, the refusal names it', async () => {
  const before = await statuses();
  // BK-1 is accepted already: 受理 again is refused, and BK-4 is not accepted either
  const r = await bulk(petition, { action: 'accept', ids: [P['BK-4'], P['BK-1']] });
  const p = assertProblem(r, 409);
  assert.match(p.detail, /BK-1/);
  assert.doesNotMatch(p.detail, /BK-4/);
  assert.equal(p.errors.length, 1);
  assert.equal(p.errors[0].no, 'BK-1');
  assert.equal(p.errors[0].id, P['BK-1']);
  assert.match(p.errors[0].message, /办理状态为“受理”，应为“登记”才能受理/);
  assert.deepEqual(await statuses(), before, 'nothing changed');

  // a record out of reach (no such record in the caller's scope): named by its id
  const gone = 99999999;
  const r2 = await bulk(petition, { action: 'accept', ids: [P['BK-4'], gone] });
  const p2 = assertProblem(r2, 404);
  assert.equal(p2.errors.length, 1);
  assert.equal(p2.errors[0].id, gone);
  assert.equal(p2.errors[0].no, null);
  assert.match(p2.detail, new RegExp(String(gone)));
  assert.deepEqual(await statuses(), before, 'nothing changed');
});

test('the role is checked: a role that may not 受理 is refused and nothing changes', async () => {
  const before = await statuses();
  for (const c of [police, east]) {
    const r = await bulk(c, { action: 'accept', ids: [P['BK-4']] });
    assertProblem(r, 403);
  }
  assert.deepEqual(await statuses(), before);
  // the office may; /meta offers the action to whoever may take it, and only to them
  const metaOf = async (c) => (await c.get('/api/v1/meta')).json.entities.find((e) => e.name === 'petitions');
  assert.deepEqual((await metaOf(office)).bulk.map((a) => a.name), ['accept', 'assign']);
  assert.equal((await metaOf(police)).bulk, undefined);
});

test('bad requests are refused with a clear message and change nothing', async () => {
  const before = await statuses();
  assertProblem(await bulk(petition, { action: 'explode', ids: [P['BK-4']] }), 400, { field: 'action' });
  assertProblem(await bulk(petition, { action: 'accept', ids: [] }), 422, { field: 'ids' });
  assertProblem(await bulk(petition, { action: 'accept', ids: [P['BK-4'], P['BK-4']] }), 422, { field: 'ids' });
  assertProblem(await bulk(petition, { action: 'accept', ids: ['x'] }), 400, { field: 'ids' });
  assertProblem(await bulk(petition, { action: 'accept', ids: [P['BK-4']], status: 'closed' }), 400);
  // 交办 names the handling unit
  assertProblem(await bulk(petition, { action: 'assign', ids: [P['BK-1']] }), 422, { field: 'handling_dept' });
  assert.deepEqual(await statuses(), before);
  const ok = await bulk(petition, { action: 'assign', ids: [P['BK-1'], P['BK-2']], handling_dept: 'XF' });
  assert.equal(ok.status, 200, ok.text);
  const one = await petition.get(`/api/v1/petitions/${P['BK-2']}`);
  assert.equal(one.json.status, 'assigned');
  assert.equal(one.json.handling_dept, 'XF');
});

test('search finds an enumeration by its label: 消防 on inspections', async () => {
  const meta = (await office.get('/api/v1/meta')).json;
  const label = Object.fromEntries(meta.enums.safety_domain.map((x) => [x.code, x.label]));
  const all = await listAll(office, '/api/v1/inspections');
  const expected = all.filter((x) => label[x.domain].includes('消防')).map((x) => x.no).sort();
  assert.ok(expected.length >= 2, 'the fixture has fire inspections');
  assert.ok(expected.length < all.length, 'and others');
  const found = (await listAll(office, `/api/v1/inspections?q=${encodeURIComponent('消防')}`)).map((x) => x.no).sort();
  assert.deepEqual(found, expected);
});

test('search finds by the name of the referenced subject and township', async () => {
  const subjects = Object.fromEntries((await listAll(office, '/api/v1/subjects')).map((s) => [s.code, s.name]));
  const regions = Object.fromEntries((await listAll(office, '/api/v1/regions')).map((s) => [s.code, s.name]));
  const all = await listAll(office, '/api/v1/inspections');
  for (const q of ['西乡饭店', '东镇']) {
    const expected = all.filter((x) => (subjects[x.subject] || '').includes(q) || (regions[x.township] || '').includes(q))
      .map((x) => x.no).sort();
    assert.ok(expected.length > 0 && expected.length < all.length, `${q}: a proper subset`);
    const found = (await listAll(office, `/api/v1/inspections?q=${encodeURIComponent(q)}`)).map((x) => x.no).sort();
    assert.deepEqual(found, expected, q);
  }
});

test('a personal field is never found by the keyword search', async () => {
  const all = await listAll(petition, '/api/v1/petitions?q=BK-');
  assert.equal(all.length, 5, 'the petitions are there');
  for (const q of ['欧阳娜娜', '欧阳', '13800138123']) {
    const r = await petition.get(`/api/v1/petitions?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.total, 0, `${q} not found`);
  }
});

test('problems: 交办 to a unit and 销号 of those rectified; the office only', async () => {
  const ids = [];
  for (let i = 1; i <= 3; i++) {
    const r = await office.post('/api/v1/problems', { no: `WT-BK-${i}`, found_on: '2023-03-01', source: 'other',
      department: 'SJ', description: `问题${i}`, level: 'general', deadline: '2023-04-01' });
    assert.equal(r.status, 201, r.text);
    ids.push(r.json.id);
  }
  const get = async (id) => (await office.get(`/api/v1/problems/${id}`)).json;
  // 交办 the first two to 教体局 (JT)
  const a = await office.post('/api/v1/problems/bulk', { action: 'assign', ids: ids.slice(0, 2), department: 'JT' });
  assert.equal(a.status, 200, a.text);
  assert.deepEqual([(await get(ids[0])).department, (await get(ids[1])).department, (await get(ids[2])).department],
    ['JT', 'JT', 'SJ']);
  // the unit reports the first rectified; 销号 of the first and the third (still open) is refused whole
  const edu = await d.as('edu');
  const p0 = await get(ids[0]);
  const rep = await edu.patch(`/api/v1/problems/${ids[0]}`, { status: 'rectified', rectified_on: '2023-03-20', rev: p0.rev });
  assert.equal(rep.status, 200, rep.text);
  const refused = assertProblem(await office.post('/api/v1/problems/bulk', { action: 'verify', ids: [ids[0], ids[2]] }), 409);
  assert.deepEqual(refused.errors.map((x) => x.no), ['WT-BK-3']);
  assert.equal((await get(ids[0])).status, 'rectified', 'nothing verified');
  // the unit may not 销号 its own
  assertProblem(await edu.post('/api/v1/problems/bulk', { action: 'verify', ids: [ids[0]] }), 403);
  const v = await office.post('/api/v1/problems/bulk', { action: 'verify', ids: [ids[0]] });
  assert.equal(v.status, 200, v.text);
  const done = await get(ids[0]);
  assert.equal(done.status, 'verified');
  assert.ok(done.verified_on, 'the 销号 date stamped as a single 销号 stamps it');
});

test('hazards: 验收销号 of the rectified ones, verified today', async () => {
  const mk = async (no, over) => {
    const r = await safety.post('/api/v1/hazards', make.hazards(no, over));
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  const done = await mk('YH-BK-1', { rectified_on: '2023-03-10' });
  const open = await mk('YH-BK-2', {});
  const r = assertProblem(await safety.post('/api/v1/hazards/bulk', { action: 'verify', ids: [done, open] }), 409);
  assert.equal(r.errors[0].no, 'YH-BK-2');
  assert.match(r.errors[0].message, /整改状态/);
  assert.equal((await safety.get(`/api/v1/hazards/${done}`)).json.state, 'rectified', 'nothing verified');
  const ok = await safety.post('/api/v1/hazards/bulk', { action: 'verify', ids: [done] });
  assert.equal(ok.status, 200, ok.text);
  const h = (await safety.get(`/api/v1/hazards/${done}`)).json;
  assert.equal(h.state, 'verified');
  assert.ok(h.verified_on);
});
