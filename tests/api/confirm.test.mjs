// confirm.test.mjs: the monthly confirmation of the subjects' list
// (一月一动态, issue 14).  The test makes its own writes in this month and
// the last — subjects added, edited, retired, one added and retired in the
// same month, one backdated, one not yet on the list — keeps a model of
// them, and holds every count of GET /confirmations (the office's view of
// every unit, a unit's view of its own) and every list of
// /confirmations/{month}/subjects against what the model says by the
// definitions of docs/api.md; then a township and a supervising department
// confirm, and every refusal (wrong role, future or malformed month, twice,
// a body or parameter that is not asked for, another unit's subjects)
// stores nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, assertProblem, listAll } from './util.mjs';
import { EAST, WEST } from './events_util.mjs';

let d, office;
before(async () => {
  d = await districtServer();
  office = await d.as('office');
});
after(async () => { await d?.stop(); });
const as = (u) => d.as(u);

function monthAdd(m, n) {
  const [y, mo] = m.split('-').map(Number);
  const t = y * 12 + (mo - 1) + n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
}
const M = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);
const P = monthAdd(M, -1);
const NEXT = monthAdd(M, 1);

// The model: code -> { township, supervisor, from, to, edits: Set of months of edits }.
const model = new Map();
const UNITS = [
  { unit_kind: 'department', unit: 'JT', unit_name: '教体局' },
  { unit_kind: 'department', unit: 'SJ', unit_name: '市场监管局' },
  { unit_kind: 'township', unit: EAST, unit_name: '东镇' },
  { unit_kind: 'township', unit: WEST, unit_name: '西乡' },
];

// Which counts of month m a subject falls in (docs/api.md, 主体清单月度确认).
function flags(s, m) {
  const to = s.to && s.to <= m ? s.to : null; // its active_to as it stood at the end of m
  if (!(s.from <= m && (!to || to >= m))) return new Set();
  const f = new Set();
  if (!to || to > m) f.add('subjects');
  if (s.from === m) f.add('added');
  if (to === m) f.add('closed');
  if (!f.has('added') && !f.has('closed') && s.edits.has(m)) f.add('changed');
  return f;
}
function inUnit(s, u) { return u.unit_kind === 'township' ? s.township === u.unit : s.supervisor === u.unit; }
function expected(u, m, change) {
  return [...model].filter(([, s]) => inUnit(s, u) && flags(s, m).has(change)).map(([c]) => c).sort();
}
function expectedCounts(u, m) {
  const o = {};
  for (const k of ['subjects', 'added', 'changed', 'closed']) o[k] = expected(u, m, k).length;
  return o;
}
const counts = (it) => ({ subjects: it.subjects, added: it.added, changed: it.changed, closed: it.closed });

async function create(body) {
  const r = await office.post('/api/v1/subjects', body);
  assert.equal(r.status, 201, r.text);
  model.set(r.json.code, { township: r.json.township, supervisor: r.json.supervisor, from: r.json.active_from,
    to: r.json.active_to, edits: new Set(), id: r.json.id });
  return r.json;
}
async function edit(code, change) {
  const s = model.get(code);
  const r = await office.update(`/api/v1/subjects/${s.id}`, change);
  assert.equal(r.status, 200, r.text);
  s.edits.add(M); // an edit takes effect in the month it is made
}
// A PATCH that changes nothing: a version is written, but no edit counts.
async function noop(code, change) {
  const s = model.get(code);
  const h = await office.get(`/api/v1/subjects/${s.id}/history`);
  const r = await office.update(`/api/v1/subjects/${s.id}`, change);
  assert.equal(r.status, 200, r.text);
  const h2 = await office.get(`/api/v1/subjects/${s.id}/history`);
  assert.equal(h2.json.length, h.json.length + 1, "a version was written all the same");
  assert.equal(h2.json.at(-1).action, "update");
}
async function retire(code, month) {
  const s = model.get(code);
  const r = await office.post(`/api/v1/subjects/${s.id}/retire`, { month });
  assert.equal(r.status, 200, r.text);
  s.to = month;
}
async function stored() {
  const r = await office.get(`/api/v1/confirmations?month=${M}`);
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((x) => x.confirmed).map((x) => `${x.unit}:${x.confirmed_by}`).sort();
}

test('the counts of each unit, this month and last, are those of the writes made', async () => {
  // the district's subjects as loaded (all on the list since 2022)
  for (const s of await listAll(office, '/api/v1/subjects')) {
    model.set(s.code, { township: s.township, supervisor: s.supervisor, from: s.active_from, to: s.active_to,
      edits: new Set(), id: s.id });
  }
  assert.equal(model.size, 5);
  const base = { kind: 'enterprise' };
  await create({ ...base, code: 'CF-1', name: '东镇二中', kind: 'institution', category: 'school', township: EAST, active_from: M });
  await create({ ...base, code: 'CF-2', name: '西乡酒家', category: 'restaurant', township: WEST, active_from: M });
  await create({ ...base, code: 'CF-3', name: '东镇幼儿园', kind: 'institution', category: 'kindergarten', township: EAST, active_from: P });
  await create({ ...base, code: 'CF-4', name: '西乡小学', kind: 'institution', category: 'school', township: WEST, active_from: M });
  await create({ ...base, code: 'CF-5', name: '西乡药店', category: 'pharmacy', township: WEST, active_from: NEXT });
  await edit('S1', { address: '东镇学府路1号' });         // changed
  await edit('V3', { contact_name: '钱三' });             // changed (twice: counted once)
  await edit('V3', { contact_name: '钱叁' });
  await edit('CF-1', { address: '东镇学府路2号' });        // added this month: added only
  await retire('R1', M);                                 // closed
  await retire('CF-4', M);                               // added and closed in the same month
  await retire('V2', P);                                 // closed last month, off the list now
  await edit('CF-5', { address: '西乡大街9号' });          // not on the list before next month
  await noop('V1', { contact_name: '赵一' });              // the same value: not changed
  await noop('CF-3', {});                                // nothing at all
  assert.deepEqual([model.get('CF-1').supervisor, model.get('CF-2').supervisor], ['JT', 'SJ'], 'the sector map');

  // the model's own sanity: what the test wrote is what it expects to see
  assert.deepEqual(expected(UNITS[2], M, 'added'), ['CF-1']);
  assert.deepEqual(expected(UNITS[3], M, 'closed'), ['CF-4', 'R1']);
  assert.deepEqual(expected(UNITS[3], M, 'changed'), ['V3']);
  assert.deepEqual(expected(UNITS[2], P, 'closed'), ['V2']);

  for (const m of [M, P]) {
    const r = await office.get(`/api/v1/confirmations?month=${m}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.json).sort(), ['items', 'month', 'total', 'unconfirmed']);
    assert.deepEqual([r.json.month, r.json.total, r.json.unconfirmed], [m, 4, 4]);
    assert.deepEqual(r.json.items.map((x) => [x.unit_kind, x.unit, x.unit_name]),
      UNITS.map((u) => [u.unit_kind, u.unit, u.unit_name]), 'departments then townships, by code');
    for (const [i, u] of UNITS.entries()) {
      const it = r.json.items[i];
      assert.deepEqual(counts(it), expectedCounts(u, m), `${u.unit} in ${m}`);
      assert.deepEqual([it.confirmed, it.confirmed_by, it.confirmed_at, it.at_confirmation], [false, null, null, null]);
      for (const change of ['added', 'changed', 'closed', 'subjects']) {
        const s = await office.get(`/api/v1/confirmations/${m}/subjects?unit=${u.unit}&change=${change}`);
        assert.equal(s.status, 200, s.text);
        assert.deepEqual(s.json.items.map((x) => x.code), expected(u, m, change), `${u.unit} ${change} in ${m}`);
        assert.equal(s.json.total, it[change], `the list behind ${u.unit}'s ${change} in ${m} is its count`);
        assert.deepEqual([s.json.month, s.json.unit_kind, s.json.unit, s.json.change], [m, u.unit_kind, u.unit, change]);
      }
    }
  }
  // the month-end identity for units whose subjects did not move
  const now = (await office.get(`/api/v1/confirmations?month=${M}`)).json.items;
  const last = (await office.get(`/api/v1/confirmations?month=${P}`)).json.items;
  for (const [i, it] of now.entries()) assert.equal(it.subjects, last[i].subjects + it.added - it.closed, it.unit);
  // the figures written out, so that a wrong definition shows plainly
  assert.deepEqual(counts(now[2]), { subjects: 4, added: 1, changed: 1, closed: 0 }, 'east: V1 S1 CF-1 CF-3');
  assert.deepEqual(counts(now[3]), { subjects: 2, added: 2, changed: 1, closed: 2 }, 'west: V3 CF-2');
  assert.deepEqual(counts(last[2]), { subjects: 3, added: 1, changed: 0, closed: 1 }, 'east last month: V1 S1 CF-3; V2 closed');
});

test('each unit sees its own unit only; other roles are refused', async () => {
  for (const [user, unit] of [['east', EAST], ['west', WEST], ['edu', 'JT']]) {
    const r = await (await as(user)).get(`/api/v1/confirmations?month=${M}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items.map((x) => x.unit), [unit], user);
    assert.deepEqual([r.json.total, r.json.unconfirmed], [1, 1]);
    const u = UNITS.find((x) => x.unit === unit);
    assert.deepEqual(counts(r.json.items[0]), expectedCounts(u, M));
    const s = await (await as(user)).get(`/api/v1/confirmations/${M}/subjects?change=subjects`);
    assert.equal(s.status, 200, s.text);
    assert.deepEqual(s.json.items.map((x) => x.code), expected(u, M, 'subjects'), `${user}: its own unit by default`);
  }
  const month = (await as('east')).get('/api/v1/confirmations');
  assert.equal((await month).json.month, M, 'without month: this month');
  for (const user of ['petition', 'safety', 'police', 'grid1', 'subj', 'sysadmin', 'secadmin', 'auditor']) {
    assertProblem(await (await as(user)).get(`/api/v1/confirmations?month=${M}`), 403);
    assertProblem(await (await as(user)).get(`/api/v1/confirmations/${M}/subjects?change=added&unit=JT`), 403);
  }
  // another unit's subjects: refused, naming the unit
  assertProblem(await (await as('east')).get(`/api/v1/confirmations/${M}/subjects?change=added&unit=${WEST}`), 403, { field: 'unit' });
  assertProblem(await (await as('edu')).get(`/api/v1/confirmations/${M}/subjects?change=added&unit=SJ`), 403, { field: 'unit' });
  // the office must say which unit, one of its district's
  assertProblem(await office.get(`/api/v1/confirmations/${M}/subjects?change=added`), 422, { field: 'unit' });
  assertProblem(await office.get(`/api/v1/confirmations/${M}/subjects?change=added&unit=XF`), 422, { field: 'unit' });
  assertProblem(await office.get(`/api/v1/confirmations/${M}/subjects?change=added&unit=JT&unit_kind=township`), 422, { field: 'unit' });
  assertProblem(await office.get(`/api/v1/confirmations/${M}/subjects?change=added&unit=JT&unit_kind=x`), 422, { field: 'unit_kind' });
  assertProblem(await office.get(`/api/v1/confirmations/${M}/subjects?change=moved&unit=JT`), 422, { field: 'change' });
  assertProblem(await office.get(`/api/v1/confirmations/${M}/subjects?unit=JT`), 422, { field: 'change' });
  assertProblem(await office.get(`/api/v1/confirmations/${M}/subjects?change=added&unit=JT&page=1`), 400, { field: 'page' });
  // months
  assertProblem(await office.get(`/api/v1/confirmations?month=${NEXT}`), 422, { field: 'month' });
  for (const bad of ['2026-13', '2026-1', 'abc', '']) {
    assertProblem(await office.get(`/api/v1/confirmations?month=${bad}`), 422, { field: 'month' });
  }
  assertProblem(await office.get(`/api/v1/confirmations/2026-00/subjects?change=added&unit=JT`), 422, { field: 'month' });
  assertProblem(await office.get(`/api/v1/confirmations?month=${M}&unit=JT`), 400, { field: 'unit' });
});

test('a township and a supervising department confirm; refusals store nothing; the office sees who has', async () => {
  const east = await as('east'), edu = await as('edu');
  // refusals first: nothing is stored by any of them
  assertProblem(await office.post(`/api/v1/confirmations/${M}`, {}), 403);
  for (const user of ['petition', 'grid1', 'subj', 'sysadmin', 'auditor']) {
    assertProblem(await (await as(user)).post(`/api/v1/confirmations/${M}`, {}), 403);
  }
  assertProblem(await east.post(`/api/v1/confirmations/${NEXT}`, {}), 422, { field: 'month', detail: /尚未到来/ });
  for (const bad of ['2026-13', '2026-1', 'abc', '202612']) {
    assertProblem(await east.post(`/api/v1/confirmations/${bad}`, {}), 422, { field: 'month' });
  }
  assertProblem(await east.post(`/api/v1/confirmations/${M}`, { note: '已核' }), 400, { field: 'note' });
  assertProblem(await east.post(`/api/v1/confirmations/${M}?unit=${WEST}`, {}), 400, { field: 'unit' });
  assertProblem(await east.req('PUT', `/api/v1/confirmations/${M}`, {}), 405);
  assertProblem(await office.req('POST', '/api/v1/confirmations', {}), 405);
  assert.deepEqual(await stored(), [], 'no refusal stored anything');

  // the township confirms this month: its item, with the counts it saw
  const want = expectedCounts(UNITS[2], M);
  const r = await east.post(`/api/v1/confirmations/${M}`, {});
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.unit_kind, r.json.unit, r.json.unit_name, r.json.confirmed, r.json.confirmed_by],
    ['township', EAST, '东镇', true, 'east']);
  assert.match(r.json.confirmed_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(counts(r.json), want);
  assert.deepEqual(r.json.at_confirmation, want);
  // twice: refused with a clear message, the first confirmation kept
  const again = assertProblem(await east.post(`/api/v1/confirmations/${M}`, {}), 409, { field: 'month' });
  assert.match(again.detail, /东镇.*已于.*由 east 确认过.*不能重复确认/);
  // the supervising department confirms last month too
  const j = await edu.post(`/api/v1/confirmations/${P}`, {});
  assert.equal(j.status, 200, j.text);
  assert.deepEqual(counts(j.json), expectedCounts(UNITS[0], P));
  assert.equal(j.json.unit, 'JT');
  const jm = await edu.post(`/api/v1/confirmations/${M}`, {});
  assert.equal(jm.status, 200, jm.text);
  assertProblem(await edu.post(`/api/v1/confirmations/${M}`, {}), 409);

  // the office's view: who has confirmed and who has not
  const v = await office.get(`/api/v1/confirmations?month=${M}`);
  assert.deepEqual([v.json.total, v.json.unconfirmed], [4, 2]);
  assert.deepEqual(v.json.items.map((x) => [x.unit, x.confirmed, x.confirmed_by]),
    [['JT', true, 'edu'], ['SJ', false, null], [EAST, true, 'east'], [WEST, false, null]]);
  const vp = await office.get(`/api/v1/confirmations?month=${P}`);
  assert.deepEqual([vp.json.unconfirmed, vp.json.items.filter((x) => x.confirmed).map((x) => x.unit)], [3, ['JT']]);
  // a later edit moves the live count, not what was confirmed
  await edit('V1', { contact_name: '赵二' });
  const after = (await office.get(`/api/v1/confirmations?month=${M}`)).json.items[2];
  assert.deepEqual(counts(after), expectedCounts(UNITS[2], M));
  assert.equal(after.changed, want.changed + 1);
  assert.deepEqual(after.at_confirmation, want, 'the counts at confirmation are kept');
  // the east township's own view says it has confirmed
  const own = await east.get(`/api/v1/confirmations?month=${M}`);
  assert.deepEqual([own.json.unconfirmed, own.json.items[0].confirmed], [0, true]);

  // audited: one row per confirmation, none for the refusals
  const audit = await (await as('auditor')).get('/api/v1/audit?action=confirmations.confirm');
  assert.equal(audit.status, 200, audit.text);
  const rows = audit.json.items.map((x) => [x.username ?? x.user, x.object]).sort();
  assert.deepEqual(rows, [
    ['east', `confirmations/${M}/township/${EAST}`],
    ['edu', `confirmations/${P}/department/JT`],
    ['edu', `confirmations/${M}/department/JT`],
  ]);
});
