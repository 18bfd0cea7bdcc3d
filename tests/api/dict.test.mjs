// dict.test.mjs: the office's dictionary (字典管理: GET/PUT/POST /dict).
// A label edited shows in /meta for every user and in a list's export; an
// item added to an open enumeration can be used by a record; a disabled one
// is refused for a new record and kept on an old one; every bad request is
// refused with a clear message and changes nothing; only the office may;
// each change is an audit row; the changes outlive a restart.  Runs on
// SQLite, and on PostgreSQL with SANLING_TEST_BACKEND=postgresql.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';
import { districtServer, assertProblem, parseCsv } from './util.mjs';
import { make } from './events_util.mjs';

let d, office, east;

before(async () => {
  d = await districtServer();
  office = await d.as('office');
  east = await d.as('east');
});
after(async () => { await d?.stop(); });

const dict = async (c = office) => {
  const r = await c.get('/api/v1/dict');
  assert.equal(r.status, 200, r.text);
  return r.json.items;
};
const itemOf = (items, en, code) => items.find((e) => e.name === en)?.items.find((i) => i.code === code);
const metaItem = async (c, en, code) => (await c.get('/api/v1/meta')).json.enums[en].find((i) => i.code === code);
const auditRows = async (action) => {
  const r = await (await d.as('auditor')).get(`/api/v1/audit?action=${action}&page_size=500`);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
};
// The disputes export as rows of objects by header.
async function exported(c) {
  const r = await c.get('/api/v1/disputes/export?format=csv');
  assert.equal(r.status, 200, r.text);
  const [head, ...rows] = parseCsv(r.text);
  return rows.filter((x) => x.length > 1).map((x) => Object.fromEntries(head.map((h, i) => [h, x[i]])));
}

// `fn` is refused (status, field) and neither the dictionary nor the audit moved.
async function refusedUnchanged(fn, status, field) {
  const before = JSON.stringify(await dict());
  const audits = (await auditRows('dict.update')).length + (await auditRows('dict.create')).length;
  assertProblem(await fn(), status, { field });
  assert.equal(JSON.stringify(await dict()), before, 'the dictionary unchanged');
  assert.equal((await auditRows('dict.update')).length + (await auditRows('dict.create')).length, audits,
    'no audit row of a change');
}

test('the dictionary lists every enumeration of /meta, open ones and locked items marked', async () => {
  const items = await dict();
  const meta = (await office.get('/api/v1/meta')).json.enums;
  assert.deepEqual(items.map((e) => e.name).sort(), Object.keys(meta).sort());
  for (const e of items) {
    assert.ok(e.label && /\p{Script=Han}/u.test(e.label), `${e.name} has a Chinese name`);
    assert.deepEqual(e.items.map((i) => i.code), meta[e.name].map((i) => i.code), `${e.name}: same items, same order`);
  }
  const dc = items.find((e) => e.name === 'dispute_category');
  assert.equal(dc.open, true);
  assert.ok(dc.items.every((i) => !i.locked && i.enabled));
  const pl = items.find((e) => e.name === 'petition_level');
  assert.equal(pl.open, false, 'the petition levels the rules read are closed');
  assert.ok(pl.items.every((i) => i.locked));
  assert.equal(itemOf(items, 'subject_category', 'village').locked, true, 'a category the code names is locked');
  assert.equal(itemOf(items, 'subject_category', 'restaurant').locked, false);
});

test('only the office manages the dictionary', async () => {
  for (const u of ['east', 'petition', 'sysadmin']) {
    const c = await d.as(u);
    assertProblem(await c.get('/api/v1/dict'), 403);
    await refusedUnchanged(() => c.put('/api/v1/dict', { enum: 'dispute_category', code: 'land', label: '改名' }), 403);
    await refusedUnchanged(() => c.post('/api/v1/dict', { enum: 'dispute_category', code: 'x1', label: '新项' }), 403);
  }
});

test('a label edited shows in /meta for everyone, in the export, and is audited', async () => {
  const created = await east.post('/api/v1/disputes', make.disputes('DL-1', { category: 'land' }));
  assert.equal(created.status, 201, created.text);
  const was = (await metaItem(east, 'dispute_category', 'land')).label;
  const r = await office.put('/api/v1/dict', { enum: 'dispute_category', code: 'land', label: '土地山林权属' });
  assert.equal(r.status, 200, r.text);
  assert.notEqual(was, '土地山林权属');
  assert.equal((await metaItem(east, 'dispute_category', 'land')).label, '土地山林权属', 'another user sees it in /meta');
  const row = (await exported(office)).find((x) => x['纠纷编号'] === 'DL-1');
  assert.equal(row['纠纷类别'], '土地山林权属', 'the export writes the edited label');
  // the new label is accepted as input too, and the old one still (an older file)
  const byNew = await east.post('/api/v1/disputes', make.disputes('DL-2', { category: '土地山林权属' }));
  assert.equal(byNew.status, 201, byNew.text);
  assert.equal(byNew.json.category, 'land');
  const byOld = await east.post('/api/v1/disputes', make.disputes('DL-3', { category: was }));
  assert.equal(byOld.json.category, 'land', byOld.text);
  const a = (await auditRows('dict.update')).find((x) => x.object === 'dict/dispute_category/land');
  assert.ok(a, 'an audit row');
  assert.equal(a.username, 'office');
  assert.match(a.detail, /土地山林权属/);
  // the order
  const o = await office.put('/api/v1/dict', { enum: 'dispute_category', code: 'other', sort: 1 });
  assert.equal(o.status, 200, o.text);
  assert.equal((await east.get('/api/v1/meta')).json.enums.dispute_category[0].code, 'other', 'first by its order');
});

test('an item added to an open enumeration can be used; disabled, it is refused for new records and kept on old', async () => {
  const add = await office.post('/api/v1/dict', { enum: 'dispute_category', code: 'ecology', label: '生态环境' });
  assert.equal(add.status, 200, add.text);
  assert.equal(itemOf(add.json.items, 'dispute_category', 'ecology').added, true);
  assert.equal((await metaItem(east, 'dispute_category', 'ecology')).label, '生态环境');
  const rec = await east.post('/api/v1/disputes', make.disputes('DE-1', { category: 'ecology' }));
  assert.equal(rec.status, 201, rec.text);
  const byLabel = await east.post('/api/v1/disputes', make.disputes('DE-2', { category: '生态环境' }));
  assert.equal(byLabel.json?.category, 'ecology', byLabel.text);
  assert.equal((await exported(office)).find((x) => x['纠纷编号'] === 'DE-1')['纠纷类别'], '生态环境');
  assert.ok((await auditRows('dict.create')).some((x) => x.object === 'dict/dispute_category/ecology'));

  const off = await office.put('/api/v1/dict', { enum: 'dispute_category', code: 'ecology', enabled: false });
  assert.equal(off.status, 200, off.text);
  assert.equal((await metaItem(east, 'dispute_category', 'ecology')).disabled, true, '/meta marks it');
  const count = (await east.get('/api/v1/disputes?page_size=1')).json.total;
  assertProblem(await east.post('/api/v1/disputes', make.disputes('DE-3', { category: 'ecology' })), 422, { field: 'category' });
  assert.equal((await east.get('/api/v1/disputes?page_size=1')).json.total, count, 'nothing stored');
  // the old record keeps it, and may still be changed in other fields
  const old = await east.get(`/api/v1/disputes/${rec.json.id}`);
  assert.equal(old.json.category, 'ecology');
  const upd = await east.update(`/api/v1/disputes/${rec.json.id}`, { category: 'ecology', summary: '河道污染' });
  assert.equal(upd.status, 200, upd.text);
  assert.equal(upd.json.category, 'ecology');
  // but a record may not be changed to it
  const other = await east.post('/api/v1/disputes', make.disputes('DE-4', { category: 'family' }));
  assertProblem(await east.update(`/api/v1/disputes/${other.json.id}`, { category: 'ecology' }), 422, { field: 'category' });
  assert.equal((await east.get(`/api/v1/disputes/${other.json.id}`)).json.category, 'family');
  // enabled again, it is usable again
  assert.equal((await office.put('/api/v1/dict', { enum: 'dispute_category', code: 'ecology', enabled: true })).status, 200);
  assert.equal((await east.post('/api/v1/disputes', make.disputes('DE-5', { category: 'ecology' }))).status, 201);
});

test('bad input is refused with a clear message and changes nothing', async () => {
  const put = (b) => () => office.put('/api/v1/dict', b);
  const post = (b) => () => office.post('/api/v1/dict', b);
  await refusedUnchanged(put({ enum: 'dispute_category', code: 'family', label: '  ' }), 422, 'label');
  await refusedUnchanged(put({ enum: 'dispute_category', code: 'family', label: '' }), 422, 'label');
  await refusedUnchanged(put({ enum: 'dispute_category', code: 'family', label: '劳动争议' }), 409, 'label');
  await refusedUnchanged(put({ enum: 'dispute_category', code: 'family', label: 'x'.repeat(33) }), 422, 'label');
  await refusedUnchanged(put({ enum: 'dispute_category', code: 'family', sort: -1 }), 422, 'sort');
  await refusedUnchanged(put({ enum: 'petition_level', code: 'county', new_code: 'county2' }), 422, 'new_code');
  await refusedUnchanged(put({ enum: 'petition_level', code: 'county', enabled: false }), 422, 'enabled');
  await refusedUnchanged(put({ enum: 'subject_category', code: 'village', enabled: false }), 422, 'enabled');
  await refusedUnchanged(put({ enum: 'petition_level', code: 'nowhere', label: '某级' }), 404);
  await refusedUnchanged(put({ enum: 'no_such', code: 'x', label: '某' }), 404);
  await refusedUnchanged(put({ enum: 'dispute_category', code: 'family', colour: 'red' }), 400, 'colour');
  await refusedUnchanged(post({ enum: 'dispute_category', code: 'land', label: '再一个土地' }), 409, 'code');
  await refusedUnchanged(post({ enum: 'dispute_category', code: 'Bad Code', label: '坏键值' }), 422, 'code');
  await refusedUnchanged(post({ enum: 'dispute_category', code: 'newone', label: '' }), 422, 'label');
  await refusedUnchanged(post({ enum: 'petition_level', code: 'township2', label: '片区级' }), 422);
  // the locked item's label and order may be edited all the same
  const r = await office.put('/api/v1/dict', { enum: 'petition_level', code: 'county', label: '县（区）级' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await metaItem(east, 'petition_level', 'county')).label, '县（区）级');
});

test('the changes are stored: a restarted server has them', async () => {
  const want = JSON.stringify(await dict());
  await d.srv.stop();
  d.stop = async () => d.store.cleanup(); // the first server is stopped; the second is below
  const again = await startServer({ store: d.store });
  try {
    const c = await again.client().loginReady('office');
    const r = await c.get('/api/v1/dict');
    assert.equal(JSON.stringify(r.json.items), want);
    assert.equal((await metaItem(c, 'dispute_category', 'land')).label, '土地山林权属');
  } finally {
    await again.stop();
  }
});
