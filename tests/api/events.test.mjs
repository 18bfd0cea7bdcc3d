// events.test.mjs: the nine event lists over the API — petitions and the
// petition work (activities, request letters, village records), inspections,
// hazards, accidents, cases, disputes: created by the roles that write them
// and refused to the others, read, listed with filters and within scope,
// moved through their workflows (and refused the jumps the tables forbid),
// the values derived from them (due dates, overdue, hazard state, accident
// class, money), personal data masked, stored encrypted, found and revealed;
// every write in the audit log.  Bad inputs are refused naming the field with
// nothing stored.  Import and export: events_io.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { districtServer, assertProblem, listAll, parseCsv, toCsv } from './util.mjs';
import {
  EAST, WEST, EAST_VILLAGE, EAST_GRID, DISTRICT, CSV_BODY, EVENT_LISTS, make, WRITER, NOT_WRITER,
  today, addDays, assertStampedToday, unchanged, byNo, nos, auditRows, assertAudited, rawColumn,
} from './events_util.mjs';

let d, office, auditor;
before(async () => {
  d = await districtServer();
  office = await d.as('office');
  auditor = await d.as('auditor');
});
after(async () => { await d?.stop(); });

const as = (u) => d.as(u);
async function create(user, entity, body) {
  const r = await (await as(user)).post(`/api/v1/${entity}`, body);
  assert.equal(r.status, 201, `${user} creates ${entity} ${body.no}: ${r.text}`);
  return r.json;
}
async function patch(user, entity, id, body) {
  return (await as(user)).update(`/api/v1/${entity}/${id}`, body);
}

// ---- 1. each list: create by its writer, get, list with filters, refusal, audit ----

// Per list: extra fields of the record made, a filter that finds it, one that does not.
const CASES = {
  petitions: { over: { channel: 'letter', level: 'county', subject: 'V2' },
    hit: `channel=${encodeURIComponent('来信')}&level=county&subject=V2&received_on_from=2023-03-01&received_on_to=2023-03-01`,
    miss: 'channel=visit', check: { township: EAST, status: 'registered', collective: false } },
  petition_activities: { over: { kind: 'home_visit' }, hit: `kind=${encodeURIComponent('登门拜访')}&held_on_from=2023-03-02`,
    miss: 'held_on_to=2023-03-01', check: { district: DISTRICT, township: null } },
  request_letters: { before: async () => create('petition', 'petitions', make.petitions('T1-LP')),
    over: { petitions: 'T1-LP' }, hit: 'sent_on_from=2023-03-03&sent_on_to=2023-03-03', miss: 'sent_on_from=2023-03-04',
    check: { petitions: 'T1-LP', district: DISTRICT } },
  village_records: { over: { kind: 'mediation_room', held_on: '2023-03-07' }, hit: `village=${EAST_VILLAGE}&kind=mediation_room`,
    miss: 'kind=village_day', check: { township: EAST, district: DISTRICT } },
  inspections: { over: { domain: 'hazchem' }, hit: `subject=S1&domain=${encodeURIComponent('危险化学品')}`,
    miss: 'domain=fire', check: { department: 'YJ', township: EAST } },
  hazards: { over: { level: 'major', subject: 'V1' }, hit: 'level=major&state=open&subject=V1', miss: 'state=rectified',
    check: { state: 'open', township: EAST, grid: EAST_GRID } },
  accidents: { over: { domain: 'construction' }, hit: 'domain=construction&class=general&production=1',
    miss: 'class=larger', check: { township: WEST, class: 'general' } },
  cases: { over: { kind: 'public_order', major_impact: true }, hit: 'kind=public_order&major_impact=1&status=filed',
    miss: 'status=solved', check: { status: 'filed', coerced: 0, prosecuted: 0, township: EAST, grid: EAST_GRID } },
  disputes: { over: { source: 'hotline', category: 'labour' }, hit: `source=hotline&category=labour&status=registered&township=${EAST}`,
    miss: `township=${WEST}`, check: { status: 'registered', grid: EAST_GRID, amount: 2000, closed_on: null } },
};

for (const entity of EVENT_LISTS) {
  test(`${entity}: created by ${WRITER[entity]}, read, listed with filters, refused to ${NOT_WRITER[entity]}, audited`, async () => {
    const c = CASES[entity];
    if (c.before) await c.before();
    const no = `T1-${entity}`;
    const body = make[entity](no, c.over);
    const made = await create(WRITER[entity], entity, body);
    assert.ok(Number.isInteger(made.id) && made.id > 0);
    assert.equal(made.rev, 1);
    for (const [k, v] of Object.entries(c.over)) {
      if (typeof v !== 'string' || !/[\u4e00-\u9fff]/.test(v)) assert.deepEqual(made[k], v, `${k} as given`);
    }
    for (const [k, v] of Object.entries(c.check)) assert.deepEqual(made[k], v, `${k}`);
    const writer = await as(WRITER[entity]);
    const g = await writer.get(`/api/v1/${entity}/${made.id}`);
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.json, made, 'get answers what create answered');
    const hit = await writer.get(`/api/v1/${entity}?${c.hit}&page_size=500`);
    assert.ok(nos(hit).includes(no), `${c.hit} finds ${no}: ${hit.text}`);
    const miss = await writer.get(`/api/v1/${entity}?${c.miss}&page_size=500`);
    assert.ok(!nos(miss).includes(no), `${c.miss} does not find ${no}`);
    assert.deepEqual(nos(await writer.get(`/api/v1/${entity}?no=${no}`)), [no]);
    // a role that may not write it: 403, nothing stored
    const other = await as(NOT_WRITER[entity]);
    const refused = await unchanged(office, entity, () => other.post(`/api/v1/${entity}`, make[entity](`T1-X-${entity}`, c.over)));
    assertProblem(refused, 403);
    const refusedPatch = await unchanged(office, entity, () => other.update(`/api/v1/${entity}/${made.id}`, { no }));
    assert.ok([403, 404].includes(refusedPatch.status), refusedPatch.text);
    assertProblem(refusedPatch, refusedPatch.status);
    assert.equal(await byNo(office, entity, `T1-X-${entity}`), undefined);
    await assertAudited(auditor, `${entity}.create`, WRITER[entity], entity, made.id, no);
    // the refusal wrote nothing to the list nor an audit row of a create
    const creates = await auditRows(auditor, `${entity}.create`);
    assert.ok(!creates.some((x) => x.object.endsWith(`T1-X-${entity}`)));
  });
}

test('the classic refusals: police creating a petition, a township creating a case, office patching a case', async () => {
  assertProblem(await unchanged(office, 'petitions', async () => (await as('police')).post('/api/v1/petitions', make.petitions('T1B-P'))), 403);
  assertProblem(await unchanged(office, 'cases', async () => (await as('east')).post('/api/v1/cases', make.cases('T1B-C'))), 403);
  const c = await create('police', 'cases', make.cases('T1B-C2'));
  assertProblem(await unchanged(office, 'cases', () => office.update(`/api/v1/cases/${c.id}`, { status: 'solved' })), 403);
  // the township reads petitions but has no business with the request letters
  assertProblem(await (await as('east')).get('/api/v1/request_letters'), 403);
  assertProblem(await (await as('edu')).get('/api/v1/request_letters'), 403);
});

test('a grid worker records a dispute in its own grid; village days are the township\'s', async () => {
  const dsp = await create('grid1', 'disputes', make.disputes('T1G-D'));
  assert.equal(dsp.grid, EAST_GRID);
  assert.ok(nos(await (await as('grid1')).get('/api/v1/disputes?page_size=500')).includes('T1G-D'));
  const vr = await unchanged(office, 'village_records', async () => (await as('grid1')).post('/api/v1/village_records',
    make.village_records('T1G-V', { village: EAST_VILLAGE })));
  assertProblem(vr, 403);
});

test('a township logs its own petition activity and village day; not the other township\'s', async () => {
  const a = await create('east', 'petition_activities', make.petition_activities('T1E-A', { township: EAST }));
  assert.equal(a.district, DISTRICT);
  assert.ok(nos(await (await as('east')).get('/api/v1/petition_activities?page_size=500')).includes('T1E-A'));
  assert.ok(!nos(await (await as('west')).get('/api/v1/petition_activities?page_size=500')).includes('T1E-A'));
  const w = await unchanged(office, 'petition_activities', async () => (await as('east')).post('/api/v1/petition_activities',
    make.petition_activities('T1E-B', { township: WEST })));
  assert.ok([403, 422].includes(w.status), w.text);
  assertProblem(w, w.status);
  const v = await unchanged(office, 'village_records', async () => (await as('east')).post('/api/v1/village_records',
    make.village_records('T1E-V', { village: '410000002001' })));
  assertProblem(v, 422, { field: 'village', detail: /不存在/ });
});

// ---- 2. workflows ----

test('a petition goes registered → accepted → assigned → handling → replied → resolved → closed', async () => {
  const p = await create('petition', 'petitions', make.petitions('T2-P', { received_on: '2023-05-04' }));
  assert.equal(p.status, 'registered');
  assert.equal(p.accepted_on, null);
  let cur = p;
  for (const to of ['accepted', 'assigned', 'handling', 'replied', 'resolved', 'closed']) {
    const r = await patch(to === 'assigned' || to === 'closed' ? 'office' : 'petition', 'petitions', p.id, { status: to, rev: cur.rev });
    assert.equal(r.status, 200, `→ ${to}: ${r.text}`);
    assert.equal(r.json.status, to);
    assert.equal(r.json.rev, cur.rev + 1);
    cur = r.json;
    if (to === 'accepted') assertStampedToday(cur.accepted_on, 'accepted_on');
    if (to === 'replied') assertStampedToday(cur.replied_on, 'replied_on');
    if (to === 'resolved') assertStampedToday(cur.resolved_on, 'resolved_on');
  }
  assert.ok(cur.accepted_on && cur.replied_on && cur.resolved_on, 'the stamps stay');
  assert.equal(cur.overdue, false);
  // closed is the end: back to registered is refused
  const back = await unchanged(office, 'petitions', () => patch('petition', 'petitions', p.id, { status: 'registered' }));
  assertProblem(back, 422, { field: 'status' });
  // every step is in its history (the audit trail)
  const h = await office.get(`/api/v1/petitions/${p.id}/history`);
  assert.equal(h.status, 200, h.text);
  assert.deepEqual(h.json.map((x) => x.action), ['petitions.create', ...Array(6).fill('petitions.update')]);
  assert.deepEqual(h.json.map((x) => x.changed_by), ['petition', 'petition', 'office', 'petition', 'petition', 'petition', 'office']);
  assert.ok(h.json.slice(1).every((x) => /status/.test(x.detail)), 'each update names the field changed');
  const updates = await auditRows(auditor, 'petitions.update');
  assert.equal(updates.filter((x) => x.object === `petitions/${p.id} T2-P`).length, 6);
});

test('a forbidden jump (registered → resolved) is 422 on status, nothing changed; a township may not move a petition', async () => {
  const p = await create('petition', 'petitions', make.petitions('T2-J'));
  const r = await unchanged(office, 'petitions', () => patch('petition', 'petitions', p.id, { status: 'resolved' }));
  assertProblem(r, 422, { field: 'status', detail: /登记.*已化解/ });
  const r2 = await unchanged(office, 'petitions', () => patch('petition', 'petitions', p.id, { status: 'replied' }));
  assertProblem(r2, 422, { field: 'status' });
  const u = await unchanged(office, 'petitions', () => patch('petition', 'petitions', p.id, { status: 'pending' }));
  assertProblem(u, 422, { field: 'status' });
  const t = await unchanged(office, 'petitions', () => patch('east', 'petitions', p.id, { status: 'accepted' }));
  assertProblem(t, 403);
  assert.equal((await office.get(`/api/v1/petitions/${p.id}`)).json.status, 'registered');
  assert.equal((await office.get(`/api/v1/petitions/${p.id}`)).json.rev, 1);
  // registered → closed is allowed (a petition not accepted is closed)
  const cl = await patch('petition', 'petitions', p.id, { status: 'closed' });
  assert.equal(cl.status, 200, cl.text);
  assert.equal(cl.json.accepted_on, null);
});

test('a case goes filed → solved → prosecuted → closed by the police; jumps and other roles refused', async () => {
  const c = await create('police', 'cases', make.cases('T2-C'));
  assert.equal(c.status, 'filed');
  const jump = await unchanged(office, 'cases', () => patch('police', 'cases', c.id, { status: 'prosecuted' }));
  assertProblem(jump, 422, { field: 'status' });
  for (const to of ['solved', 'prosecuted', 'closed']) {
    const r = await patch('police', 'cases', c.id, { status: to, ...(to === 'prosecuted' ? { coerced: 2, prosecuted: 2 } : {}) });
    assert.equal(r.status, 200, `→ ${to}: ${r.text}`);
    assert.equal(r.json.status, to);
  }
  const got = (await office.get(`/api/v1/cases/${c.id}`)).json;
  assert.equal(got.prosecuted, 2);
  assert.equal(got.coerced, 2);
  assertProblem(await unchanged(office, 'cases', () => patch('police', 'cases', c.id, { status: 'filed' })), 422, { field: 'status' });
  assertProblem(await unchanged(office, 'cases', () => patch('safety', 'cases', c.id, { status: 'filed' })), 403);
});

test('disputes: registered → mediating → success sets closed_on; failed → referred; the end is the end', async () => {
  const a = await create('east', 'disputes', make.disputes('T2-DA'));
  assert.equal(a.status, 'registered');
  assert.equal(a.closed_on, null);
  let r = await patch('east', 'disputes', a.id, { status: 'mediating' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.closed_on, null, 'mediating is not closed');
  r = await patch('east', 'disputes', a.id, { status: 'success' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'success');
  assertStampedToday(r.json.closed_on, 'closed_on');
  assertProblem(await unchanged(office, 'disputes', () => patch('east', 'disputes', a.id, { status: 'mediating' })), 422, { field: 'status' });
  assertProblem(await unchanged(office, 'disputes', () => patch('east', 'disputes', a.id, { status: 'referred' })), 422, { field: 'status' });

  const b = await create('grid1', 'disputes', make.disputes('T2-DB'));
  assertProblem(await unchanged(office, 'disputes', () => patch('grid1', 'disputes', b.id, { status: 'failed' })), 422, { field: 'status' });
  for (const to of ['mediating', 'failed', 'referred']) {
    r = await patch('grid1', 'disputes', b.id, { status: to });
    assert.equal(r.status, 200, `→ ${to}: ${r.text}`);
    assert.equal(r.json.status, to);
  }
  assertStampedToday(r.json.closed_on, 'closed_on');
  assertProblem(await unchanged(office, 'disputes', () => patch('safety', 'disputes', b.id, { status: 'registered' })), 403);
});

test('a new record must start in the first status: 422 on status, nothing stored', async () => {
  for (const [user, entity, body] of [
    ['petition', 'petitions', make.petitions('T2-N1', { status: 'resolved', resolved_on: '2023-04-01' })],
    ['petition', 'petitions', make.petitions('T2-N2', { status: 'accepted' })],
    ['police', 'cases', make.cases('T2-N3', { status: 'closed' })],
    ['east', 'disputes', make.disputes('T2-N4', { status: 'success', closed_on: '2023-04-01' })],
  ]) {
    const r = await unchanged(office, entity, async () => (await as(user)).post(`/api/v1/${entity}`, body));
    assertProblem(r, 422, { field: 'status' });
  }
  // the first status given explicitly is fine, by code or label
  const ok = await create('petition', 'petitions', make.petitions('T2-N5', { status: '登记' }));
  assert.equal(ok.status, 'registered');
});

test('an import over the API brings historical records in any status; changes after it follow the workflow', async () => {
  const pet = await as('petition');
  const file = toCsv([
    ['信访编号', '登记日期', '信访形式', '人数', '最高到达层级', '涉及主体', '问题类别', '办理状态', '化解日期'],
    ['T2-H1', '2022-01-05', '来访', '1', '县级', 'V1', '土地征收', '已化解', '2022-03-01'],
    ['T2-H2', '2022-02-05', '来信', '2', '乡级', 'V2', '民政', '已办结', ''],
  ]);
  const r = await pet.post('/api/v1/petitions/import?format=csv', file, CSV_BODY);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.created, r.json.updated, r.json.failed], [2, 0, 0]);
  const h1 = await byNo(office, 'petitions', 'T2-H1');
  assert.equal(h1.status, 'resolved');
  assert.equal(h1.resolved_on, '2022-03-01', 'the date as imported, not today');
  assert.equal(h1.overdue, false);
  const h2 = await byNo(office, 'petitions', 'T2-H2');
  assert.equal(h2.status, 'closed');
  const back = await unchanged(office, 'petitions', () => pet.update(`/api/v1/petitions/${h2.id}`, { status: 'registered' }));
  assertProblem(back, 422, { field: 'status' });
  const on = await pet.update(`/api/v1/petitions/${h1.id}`, { status: 'closed' });
  assert.equal(on.status, 200, on.text);
  // cases and disputes too
  const cases = toCsv([['案件编号', '案件类型', '案件类别', '发案日期', '所属主体', '办理状态'],
    ['T2-HC', '刑事案件', '盗抢骗', '2022-06-01', 'V3', '结案']]);
  const rc = await (await as('police')).post('/api/v1/cases/import?format=csv', cases, CSV_BODY);
  assert.equal(rc.status, 200, rc.text);
  assert.equal((await byNo(office, 'cases', 'T2-HC')).status, 'closed');
  const disputes = toCsv([['纠纷编号', '发现日期', '来源', '纠纷类别', '所属主体', '调解状态', '办结日期'],
    ['T2-HD', '2022-06-01', '网格排查', '土地山林', 'V1', '调解成功', '2022-06-20']]);
  const rd = await (await as('east')).post('/api/v1/disputes/import?format=csv', disputes, CSV_BODY);
  assert.equal(rd.status, 200, rd.text);
  assert.equal((await byNo(office, 'disputes', 'T2-HD')).closed_on, '2022-06-20');
});

test('an import from the command line brings historical records; a later PATCH back is refused', async () => {
  const f = join(d.store.dir, 'hist-petitions.csv');
  writeFileSync(f, toCsv([
    ['信访编号', '登记日期', '信访形式', '人数', '最高到达层级', '涉及主体', '问题类别', '办理状态', '化解日期'],
    ['T2-K1', '2022-01-05', '来访', '1', '县级', 'V1', '土地征收', '已化解', '2022-03-01'],
    ['T2-K2', '2022-02-05', '网上', '2', '乡级', 'V3', '民政', '已办结', ''],
  ]));
  const r = d.store.cli(['import', 'petitions', f]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const k1 = await byNo(office, 'petitions', 'T2-K1');
  assert.equal(k1.status, 'resolved');
  assert.equal(k1.resolved_on, '2022-03-01');
  const k2 = await byNo(office, 'petitions', 'T2-K2');
  assert.equal(k2.status, 'closed');
  assert.equal(k2.township, WEST);
  const back = await unchanged(office, 'petitions', () => patch('petition', 'petitions', k2.id, { status: 'registered' }));
  assertProblem(back, 422, { field: 'status' });
  assertProblem(await unchanged(office, 'petitions', () => patch('petition', 'petitions', k1.id, { status: 'handling' })), 422, { field: 'status' });
  const ok = await patch('petition', 'petitions', k1.id, { status: 'closed' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.resolved_on, '2022-03-01', 'kept');
});

// ---- 3. bad inputs: a clear 4xx naming the field, nothing stored ----

async function refused(user, entity, body, field, detail) {
  const r = await unchanged(office, entity, async () => (await as(user)).post(`/api/v1/${entity}`, body));
  assertProblem(r, 422, { field, detail });
  assert.equal(await byNo(office, entity, body.no), undefined, `${body.no} not stored`);
  return r;
}

test('a hazard rectified before it was found: 422 on rectified_on', async () => {
  await refused('safety', 'hazards', make.hazards('T3-H1', { found_on: '2023-03-08', rectified_on: '2023-03-01' }), 'rectified_on', /整改完成日期/);
  await refused('safety', 'hazards', make.hazards('T3-H2', { verified_on: '2023-03-20' }), 'verified_on');
  await refused('safety', 'hazards', make.hazards('T3-H3', { deadline: '2023-03-01' }), 'deadline');
  const h = await create('safety', 'hazards', make.hazards('T3-H4'));
  const p = await unchanged(office, 'hazards', () => patch('safety', 'hazards', h.id, { rectified_on: '2023-03-07' }));
  assertProblem(p, 422, { field: 'rectified_on' });
});

test('persons 0 or -1, negative deaths, injuries and amounts: 422 on the field', async () => {
  await refused('petition', 'petitions', make.petitions('T3-P0', { persons: 0 }), 'persons');
  await refused('petition', 'petitions', make.petitions('T3-P1', { persons: -1 }), 'persons');
  await refused('petition', 'petitions', make.petitions('T3-P2', { persons: '3' }), 'persons');
  await refused('safety', 'accidents', make.accidents('T3-A1', { deaths: -1 }), 'deaths');
  await refused('safety', 'accidents', make.accidents('T3-A2', { injuries: -3 }), 'injuries');
  await refused('safety', 'accidents', make.accidents('T3-A3', { direct_loss: '-1' }), 'direct_loss');
  await refused('east', 'disputes', make.disputes('T3-D1', { amount: '-5' }), 'amount');
  await refused('east', 'disputes', make.disputes('T3-D2', { amount: -5 }), 'amount');
  await refused('police', 'cases', make.cases('T3-C1', { coerced: -1 }), 'coerced');
  await refused('east', 'village_records', make.village_records('T3-V1', { participants: -2 }), 'participants');
  await refused('east', 'village_records', make.village_records('T3-V2', { matters: 2, resolved: 3 }), 'resolved');
});

test('a date that does not exist, or in the future: 422 on the date field', async () => {
  await refused('petition', 'petitions', make.petitions('T3-D1', { received_on: '2024-02-30' }), 'received_on', /2024-02-30/);
  await refused('petition', 'petitions', make.petitions('T3-D2', { received_on: '2023-13-01' }), 'received_on');
  await refused('petition', 'petitions', make.petitions('T3-D3', { received_on: '01/02/2023' }), 'received_on');
  await refused('petition', 'petitions', make.petitions('T3-D4', { received_on: addDays(today(), 2) }), 'received_on');
  await refused('safety', 'accidents', make.accidents('T3-D5', { occurred_on: '2023-02-29' }), 'occurred_on');
  await refused('police', 'cases', make.cases('T3-D6', { occurred_on: addDays(today(), 3) }), 'occurred_on');
  // 逢六村务日 on the 6th, 16th or 26th only
  await refused('east', 'village_records', make.village_records('T3-D7', { held_on: '2023-03-07' }), 'held_on');
  // leap day is a real date
  const ok = await create('petition', 'petitions', make.petitions('T3-D8', { received_on: '2020-02-29' }));
  assert.equal(ok.received_on, '2020-02-29');
});

test('an ID number with a wrong check digit: 422 on petitioner_id', async () => {
  await refused('petition', 'petitions', make.petitions('T3-I1', { petitioner_id: '11010519491231002Y' }), 'petitioner_id');
  await refused('petition', 'petitions', make.petitions('T3-I2', { petitioner_id: '110105194912310021' }), 'petitioner_id', /校验/);
  await refused('petition', 'petitions', make.petitions('T3-I3', { petitioner_id: '1101051949123100' }), 'petitioner_id');
  await refused('petition', 'petitions', make.petitions('T3-I4', { petitioner_phone: '1380013800' }), 'petitioner_phone');
  await refused('east', 'disputes', make.disputes('T3-I5', { party_b_phone: 'abc' }), 'party_b_phone');
});

test("an event on a subject outside the writer's scope reads exactly like a missing subject", async () => {
  const missing = await refused('east', 'disputes', make.disputes('T3-S1', { subject: 'NOPE' }), 'subject', /不存在/);
  const other = await refused('east', 'disputes', make.disputes('T3-S2', { subject: 'R1' }), 'subject', /不存在/);
  assert.equal(other.json.detail.replace('R1', 'X'), missing.json.detail.replace('NOPE', 'X'));
  // the grid worker: a subject of another grid is just as unknown
  const g = await refused('grid1', 'disputes', make.disputes('T3-S3', { subject: 'V3' }), 'subject', /不存在/);
  assert.equal(g.json.detail.replace('V3', 'X'), missing.json.detail.replace('NOPE', 'X'));
  // a township given that disagrees with the subject's
  await refused('petition', 'petitions', make.petitions('T3-S4', { subject: 'V1', township: WEST }), 'township');
  // a hazard whose inspection looked at another subject
  await create('safety', 'inspections', make.inspections('T3-S5', { subject: 'S1' }));
  await refused('safety', 'hazards', make.hazards('T3-S6', { inspection: 'T3-S5', subject: 'V1' }), 'inspection');
  await refused('safety', 'hazards', make.hazards('T3-S7', { inspection: 'NO-SUCH' }), 'inspection', /不存在/);
});

test('a duplicate number: 409 on no', async () => {
  await create('police', 'cases', make.cases('T3-DUP'));
  const r = await unchanged(office, 'cases', async () => (await as('police')).post('/api/v1/cases', make.cases('T3-DUP', { kind: 'public_order' })));
  assertProblem(r, 409, { field: 'no' });
});

// ---- 4. derived values ----

test('petitions: collective at 5 persons, repeat with a previous one, due dates at 15 and 60 days', async () => {
  const four = await create('petition', 'petitions', make.petitions('T4-P4', { persons: 4, received_on: '2023-01-20' }));
  assert.equal(four.collective, false);
  assert.equal(four.repeat, false);
  assert.equal(four.accept_due, '2023-02-04');
  assert.equal(four.reply_due, '2023-03-21');
  const five = await create('petition', 'petitions', make.petitions('T4-P5', { persons: 5, received_on: '2023-02-20', previous: 'T4-P4' }));
  assert.equal(five.collective, true);
  assert.equal(five.repeat, true);
  assert.equal(five.accept_due, '2023-03-07');
  assert.equal(five.reply_due, '2023-04-21');
  assert.deepEqual(nos(await office.get('/api/v1/petitions?collective=1&page_size=500')).filter((x) => x.startsWith('T4-')), ['T4-P5']);
  assert.deepEqual(nos(await office.get('/api/v1/petitions?previous=T4-P4')), ['T4-P5']);
  // a change of persons and date moves what follows from them
  const r = await patch('petition', 'petitions', four.id, { persons: 7, received_on: '2023-01-25' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.collective, true);
  assert.equal(r.json.accept_due, '2023-02-09');
  assert.equal(r.json.reply_due, '2023-03-26');
  // derived fields are not written by hand
  const w = await unchanged(office, 'petitions', async () => (await as('petition')).post('/api/v1/petitions', make.petitions('T4-PX', { collective: true })));
  assertProblem(w, 422, { field: 'collective' });
  await refused('petition', 'petitions', make.petitions('T4-PY', { previous: 'NO-SUCH' }), 'previous', /不存在/);
});

test('an old unanswered petition is overdue and ?overdue=1 lists it; an answered one is not', async () => {
  const old = await create('petition', 'petitions', make.petitions('T4-OLD', { received_on: '2023-01-03' }));
  assert.equal(old.overdue, true);
  const fresh = await create('petition', 'petitions', make.petitions('T4-NEW', { received_on: today() }));
  assert.equal(fresh.overdue, false, 'received today: nothing is due yet');
  const done = await create('petition', 'petitions', make.petitions('T4-DONE', { received_on: '2023-01-04' }));
  for (const to of ['accepted', 'handling', 'replied']) {
    const r = await patch('petition', 'petitions', done.id, { status: to });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.overdue, to !== 'replied', `overdue while ${to}`);
  }
  const yes = nos(await office.get('/api/v1/petitions?overdue=1&page_size=500'));
  const no = nos(await office.get('/api/v1/petitions?overdue=0&page_size=500'));
  assert.ok(yes.includes('T4-OLD'));
  assert.ok(!yes.includes('T4-NEW') && !yes.includes('T4-DONE'));
  assert.ok(!no.includes('T4-OLD'));
  assert.ok(no.includes('T4-NEW') && no.includes('T4-DONE'));
  const all = await listAll(office, '/api/v1/petitions');
  assert.equal(yes.length + no.length, all.length, 'every petition is overdue or not');
  for (const x of all) assert.equal(x.overdue, yes.includes(x.no), `${x.no}: flag and filter agree`);
  assertProblem(await office.get('/api/v1/petitions?overdue=yes'), 400, { field: 'overdue' });
});

test('hazards: open, rectified, verified; overdue when past the deadline and not rectified', async () => {
  const open = await create('safety', 'hazards', make.hazards('T4-HO', { deadline: '2023-04-08' }));
  assert.equal(open.state, 'open');
  assert.equal(open.overdue, true);
  const rect = await create('safety', 'hazards', make.hazards('T4-HR', { rectified_on: '2023-04-20' }));
  assert.equal(rect.state, 'rectified');
  assert.equal(rect.overdue, false, 'rectified, even late, is not overdue');
  const ver = await create('safety', 'hazards', make.hazards('T4-HV', { rectified_on: '2023-04-01', verified_on: '2023-04-05', evidence: '照片' }));
  assert.equal(ver.state, 'verified');
  assert.equal(ver.overdue, false);
  const later = await create('safety', 'hazards', make.hazards('T4-HL', { deadline: addDays(today(), 30) }));
  assert.equal(later.state, 'open');
  assert.equal(later.overdue, false, 'the deadline is still ahead');
  const yes = nos(await office.get('/api/v1/hazards?overdue=1&page_size=500'));
  const no = nos(await office.get('/api/v1/hazards?overdue=0&page_size=500'));
  assert.ok(yes.includes('T4-HO'));
  for (const n of ['T4-HR', 'T4-HV', 'T4-HL']) assert.ok(no.includes(n) && !yes.includes(n), n);
  assert.deepEqual(nos(await office.get('/api/v1/hazards?state=verified&page_size=500')).filter((x) => x.startsWith('T4-')), ['T4-HV']);
  // rectifying it changes state and overdue
  const r = await patch('safety', 'hazards', open.id, { rectified_on: '2023-04-10' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'rectified');
  assert.equal(r.json.overdue, false);
  const v = await patch('safety', 'hazards', open.id, { verified_on: '2023-04-11' });
  assert.equal(v.json.state, 'verified');
});

test('accidents: the class follows deaths, serious injuries and direct loss by the national thresholds', async () => {
  const cases = [
    [{ deaths: 2 }, 'general'], [{ deaths: 3 }, 'larger'], [{ deaths: 9 }, 'larger'], [{ deaths: 10 }, 'major'],
    [{ deaths: 29 }, 'major'], [{ deaths: 30 }, 'especially_major'],
    [{ injuries: 10, serious_injuries: 9 }, 'general'], [{ injuries: 10, serious_injuries: 10 }, 'larger'],
    [{ injuries: 60, serious_injuries: 50 }, 'major'], [{ injuries: 100, serious_injuries: 100 }, 'especially_major'],
    [{ direct_loss: '9999999.99' }, 'general'], [{ direct_loss: '10000000' }, 'larger'],
    [{ direct_loss: 50000000 }, 'major'], [{ direct_loss: '100000000.00' }, 'especially_major'],
  ];
  let i = 0;
  for (const [over, cls] of cases) {
    const a = await create('safety', 'accidents', make.accidents(`T4-A${i++}`, over));
    assert.equal(a.class, cls, `${JSON.stringify(over)} → ${cls}`);
  }
  assert.ok(nos(await office.get(`/api/v1/accidents?class=${encodeURIComponent('特别重大事故')}&page_size=500`)).includes('T4-A5'));
  // a change re-classifies
  const a0 = await byNo(office, 'accidents', 'T4-A0');
  const r = await patch('safety', 'accidents', a0.id, { deaths: 12 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.class, 'major');
  await refused('safety', 'accidents', make.accidents('T4-AX', { injuries: 2, serious_injuries: 3 }), 'serious_injuries');
  await refused('safety', 'accidents', make.accidents('T4-AY', { class: 'general' }), 'class');
  // the class as its label in the export
  const e = await office.get('/api/v1/accidents/export?format=csv&no=T4-A3');
  const rows = parseCsv(e.text);
  assert.equal(rows[1][rows[0].indexOf('事故等级')], '重大事故');
});

test('money: 1234.56 yuan answered as 1234.56 and exported as "1234.56"; three decimals refused', async () => {
  const a = await create('safety', 'accidents', make.accidents('T4-M1', { direct_loss: '1234.56' }));
  assert.equal(a.direct_loss, 1234.56);
  assert.equal((await office.get(`/api/v1/accidents/${a.id}`)).json.direct_loss, 1234.56);
  const b = await create('safety', 'accidents', make.accidents('T4-M2', { direct_loss: 0.1 }));
  assert.equal(b.direct_loss, 0.1);
  const e = await office.get('/api/v1/accidents/export?format=csv&no=T4-M1');
  assert.equal(e.status, 200, e.text);
  const rows = parseCsv(e.text);
  assert.equal(rows.length, 2);
  assert.equal(rows[1][rows[0].indexOf('直接经济损失（元）')], '1234.56');
  const dsp = await create('east', 'disputes', make.disputes('T4-M3', { amount: '0.05' }));
  assert.equal(dsp.amount, 0.05);
  await refused('safety', 'accidents', make.accidents('T4-M4', { direct_loss: '1.234' }), 'direct_loss');
  await refused('east', 'disputes', make.disputes('T4-M5', { amount: '12.345' }), 'amount');
  await refused('east', 'disputes', make.disputes('T4-M6', { amount: '一千' }), 'amount');
  // the stored value is in fen
  assert.equal(rawColumn(d.store, 'accidents', 'direct_loss', 'T4-M1'), '123456');
});

test('a dispute without a deadline is not overdue, and ?overdue=0 lists it', async () => {
  const none = await create('east', 'disputes', make.disputes('T4-DN'));
  assert.equal(none.deadline, null);
  assert.equal(none.overdue, false);
  const late = await create('east', 'disputes', make.disputes('T4-DL', { deadline: '2023-04-01' }));
  assert.equal(late.overdue, true);
  const yes = nos(await office.get('/api/v1/disputes?overdue=1&page_size=500'));
  const no = nos(await office.get('/api/v1/disputes?overdue=0&page_size=500'));
  assert.ok(yes.includes('T4-DL') && !no.includes('T4-DL'));
  assert.ok(no.includes('T4-DN') && !yes.includes('T4-DN'), 'a dispute without a deadline is in ?overdue=0');
  const all = await listAll(office, '/api/v1/disputes');
  assert.equal(yes.length + no.length, all.length, 'every dispute is overdue or not');
});

// ---- 5. personal data ----

const PID = '11010519491231002X', PHONE = '13800138000', NAME = '张三丰';
const PARTY_A = '李四光', PHONE_A = '13912345678', PARTY_B = '王五', PHONE_B = '13700137000';

test('petitioners and parties: masked in get, list and export, stored encrypted, found by exact value', async () => {
  const p = await create('petition', 'petitions', make.petitions('T5-P', { petitioner_name: NAME, petitioner_id: PID.toLowerCase(), petitioner_phone: PHONE }));
  assert.equal(p.petitioner_name, '张**');
  assert.equal(p.petitioner_id, '**************002X');
  assert.equal(p.petitioner_phone, '138****8000');
  const dsp = await create('east', 'disputes', make.disputes('T5-D', { party_a_name: PARTY_A, party_a_phone: PHONE_A, party_b_name: PARTY_B, party_b_phone: PHONE_B }));
  assert.equal(dsp.party_a_name, '李**');
  assert.equal(dsp.party_a_phone, '139****5678');
  assert.equal(dsp.party_b_name, '王*');
  assert.equal(dsp.party_b_phone, '137****7000');
  const plain = [PID, PHONE, NAME, PARTY_A, PHONE_A, PARTY_B, PHONE_B];
  for (const [entity, id] of [['petitions', p.id], ['disputes', dsp.id]]) {
    const g = await office.get(`/api/v1/${entity}/${id}`);
    const l = await office.get(`/api/v1/${entity}?page_size=500`);
    const c = await office.get(`/api/v1/${entity}/export?format=csv`);
    const h = await office.get(`/api/v1/${entity}/${id}/history`);
    for (const r of [g, l, c, h]) {
      assert.equal(r.status, 200, r.text);
      for (const v of plain) assert.ok(!r.text.includes(v), `${v} not in ${entity} answer`);
    }
  }
  const rows = parseCsv((await office.get('/api/v1/petitions/export?format=csv&no=T5-P')).text);
  assert.deepEqual(['信访人姓名', '信访人身份证号', '信访人电话'].map((h) => rows[1][rows[0].indexOf(h)]),
    ['张**', '**************002X', '138****8000']);
  // stored encrypted, never the plain value
  for (const col of ['petitioner_name', 'petitioner_id', 'petitioner_phone']) {
    const enc = rawColumn(d.store, 'petitions', `${col}_enc`, 'T5-P');
    assert.match(enc, /^v1:/, `${col} encrypted`);
    const idx = rawColumn(d.store, 'petitions', `${col}_idx`, 'T5-P');
    for (const v of plain) assert.ok(!enc.includes(v) && !idx.includes(v), `${col}: no ${v} stored`);
  }
  for (const col of ['party_a_name', 'party_a_phone', 'party_b_name', 'party_b_phone']) {
    const enc = rawColumn(d.store, 'disputes', `${col}_enc`, 'T5-D');
    assert.match(enc, /^v1:/, `${col} encrypted`);
    for (const v of plain) assert.ok(!enc.includes(v), `${col}: no ${v} stored`);
  }
  // found by the exact value, and only by it (a reveal: with a reason; trust.test.mjs has the rest)
  const R = '&reason=' + encodeURIComponent('核查重复信访');
  assert.deepEqual(nos(await office.get(`/api/v1/petitions?petitioner_id=${PID}${R}`)), ['T5-P']);
  assert.deepEqual(nos(await office.get(`/api/v1/petitions?petitioner_phone=${PHONE}${R}`)), ['T5-P']);
  assert.deepEqual(nos(await office.get(`/api/v1/petitions?petitioner_name=${encodeURIComponent(NAME)}${R}`)), ['T5-P']);
  assert.deepEqual(nos(await office.get(`/api/v1/petitions?petitioner_id=110105194912310038${R}`)), []);
  assert.deepEqual(nos(await office.get(`/api/v1/petitions?petitioner_name=${encodeURIComponent('张')}${R}`)), []);
  assert.deepEqual(nos(await office.get(`/api/v1/disputes?party_b_phone=${PHONE_B}${R}`)), ['T5-D']);
  assert.deepEqual(nos(await (await as('west')).get(`/api/v1/disputes?party_b_phone=${PHONE_B}${R}`)), [], 'scope still applies');
});

test('revealed only with a reason by a writer, audited without the value; a reader gets 403', async () => {
  const p = await create('petition', 'petitions', make.petitions('T5-R', { petitioner_name: NAME, petitioner_id: PID, petitioner_phone: PHONE }));
  const pet = await as('petition');
  const rv = await pet.post(`/api/v1/petitions/${p.id}/reveal`, { field: 'petitioner_id', reason: '核实信访人身份' });
  assert.equal(rv.status, 200, rv.text);
  assert.equal(rv.json.value, PID);
  assert.equal((await pet.post(`/api/v1/petitions/${p.id}/reveal`, { field: 'petitioner_name', reason: '电话回访' })).json.value, NAME);
  assertProblem(await pet.post(`/api/v1/petitions/${p.id}/reveal`, { field: 'petitioner_id', reason: '' }), 422, { field: 'reason' });
  assertProblem(await pet.post(`/api/v1/petitions/${p.id}/reveal`, { field: 'summary', reason: '核实' }), 422, { field: 'field' });
  const east = await as('east');
  assert.equal((await east.get(`/api/v1/petitions/${p.id}`)).status, 200, 'the township reads the petition');
  const er = await east.post(`/api/v1/petitions/${p.id}/reveal`, { field: 'petitioner_id', reason: '核实信访人身份' });
  assertProblem(er, 403);
  assert.ok(!er.text.includes(PID));
  const ar = await auditor.post(`/api/v1/petitions/${p.id}/reveal`, { field: 'petitioner_id', reason: '核实信访人身份' });
  assertProblem(ar, 403);
  // a party of a dispute, revealed by the township that writes it
  const dsp = await create('east', 'disputes', make.disputes('T5-RD', { party_a_name: PARTY_A, party_a_phone: PHONE_A }));
  const dr = await east.post(`/api/v1/disputes/${dsp.id}/reveal`, { field: 'party_a_phone', reason: '联系当事人' });
  assert.equal(dr.status, 200, dr.text);
  assert.equal(dr.json.value, PHONE_A);
  // the audit: who, which record, which field, why — never the value
  const log = (await auditRows(auditor, 'reveal')).filter((x) => x.object === `petitions/${p.id} T5-R`);
  assert.equal(log.length, 2, 'two reveals (the refused ones are not reveals)');
  const row = log.find((x) => /petitioner_id/.test(x.detail));
  assert.equal(row.username, 'petition');
  assert.match(row.detail, /核实信访人身份/);
  const everything = JSON.stringify(await listAll(auditor, '/api/v1/audit'));
  for (const v of [PID, PID.slice(0, 17), PHONE, NAME, PHONE_A, PARTY_A]) assert.ok(!everything.includes(v), `${v} nowhere in the audit log`);
});

// ---- 6. scope ----

test('each role lists, reads and exports the events of its scope only; admins none', async () => {
  const pet = [['T6-PV1', 'V1'], ['T6-PS1', 'S1'], ['T6-PV3', 'V3'], ['T6-PR1', 'R1']];
  const ids = {};
  for (const [no, subject] of pet) ids[no] = (await create('petition', 'petitions', make.petitions(no, { subject }))).id;
  ids['T6-PW'] = (await create('petition', 'petitions', make.petitions('T6-PW', { subject: undefined, township: WEST }))).id;
  for (const [no, subject] of [['T6-HS1', 'S1'], ['T6-HR1', 'R1'], ['T6-HV1', 'V1']]) {
    ids[no] = (await create('safety', 'hazards', make.hazards(no, { subject }))).id;
  }
  ids['T6-DV1'] = (await create('east', 'disputes', make.disputes('T6-DV1', { subject: 'V1' }))).id;
  ids['T6-DV3'] = (await create('west', 'disputes', make.disputes('T6-DV3', { subject: 'V3' }))).id;
  ids['T6-CS1'] = (await create('police', 'cases', make.cases('T6-CS1', { subject: 'S1' }))).id;
  ids['T6-CR1'] = (await create('police', 'cases', make.cases('T6-CR1', { subject: 'R1' }))).id;
  const mine = (items) => items.map((x) => x.no).filter((n) => n.startsWith('T6-')).sort();

  // who sees which of these, and what every item they see must satisfy
  const want = {
    east: { every: (x) => x.township === EAST, petitions: ['T6-PS1', 'T6-PV1'], hazards: ['T6-HS1', 'T6-HV1'], disputes: ['T6-DV1'], cases: ['T6-CS1'] },
    west: { every: (x) => x.township === WEST, petitions: ['T6-PR1', 'T6-PV3', 'T6-PW'], hazards: ['T6-HR1'], disputes: ['T6-DV3'], cases: ['T6-CR1'] },
    edu: { every: (x) => x.subject === 'S1', petitions: ['T6-PS1'], hazards: ['T6-HS1'], disputes: [], cases: ['T6-CS1'] },
    subj: { every: (x) => x.subject === 'S1', petitions: ['T6-PS1'], hazards: ['T6-HS1'], disputes: [], cases: ['T6-CS1'] },
    grid1: { every: (x) => x.grid === EAST_GRID, petitions: ['T6-PV1'], hazards: ['T6-HV1'], disputes: ['T6-DV1'], cases: [] },
    safety: { every: (x) => x.district === DISTRICT, petitions: ['T6-PR1', 'T6-PS1', 'T6-PV1', 'T6-PV3', 'T6-PW'],
      hazards: ['T6-HR1', 'T6-HS1', 'T6-HV1'], disputes: ['T6-DV1', 'T6-DV3'], cases: ['T6-CR1', 'T6-CS1'] },
  };
  for (const [user, w] of Object.entries(want)) {
    const c = await as(user);
    for (const entity of ['petitions', 'hazards', 'disputes', 'cases']) {
      const items = await listAll(c, `/api/v1/${entity}`);
      assert.deepEqual(mine(items), w[entity], `${user} lists these ${entity}`);
      for (const x of items) assert.ok(w.every(x), `${user} sees ${entity} ${x.no} of its scope only`);
      // a filter cannot widen it
      const wide = await listAll(c, `/api/v1/${entity}?district=${DISTRICT}`);
      assert.deepEqual(mine(wide), w[entity], `${user}: ?district= does not widen ${entity}`);
      // out of scope reads like missing
      for (const no of Object.keys(ids)) {
        const kind = { P: 'petitions', H: 'hazards', D: 'disputes', C: 'cases' }[no[3]];
        if (kind !== entity) continue;
        const r = await c.get(`/api/v1/${entity}/${ids[no]}`);
        if (w[entity].includes(no)) assert.equal(r.status, 200, `${user} reads ${no}`);
        else assertProblem(r, 404);
      }
    }
    const ex = await c.get('/api/v1/petitions/export?format=csv');
    assert.equal(ex.status, 200, ex.text);
    const rows = parseCsv(ex.text);
    assert.deepEqual(rows.slice(1).map((x) => x[0]).filter((n) => n.startsWith('T6-')).sort(), w.petitions, `${user} exports its petitions`);
  }
  for (const admin of ['sysadmin', 'secadmin', 'auditor']) {
    const c = await as(admin);
    for (const entity of EVENT_LISTS) {
      const r = await c.get(`/api/v1/${entity}`);
      assertProblem(r, 403);
      assert.ok(!r.text.includes('T6-'));
      assertProblem(await c.get(`/api/v1/${entity}/export?format=csv`), 403);
    }
    assertProblem(await c.get(`/api/v1/petitions/${ids['T6-PV1']}`), 403);
  }
  // a township writes only in its own township
  const e = await unchanged(office, 'disputes', async () => (await as('east')).update(`/api/v1/disputes/${ids['T6-DV3']}`, { status: 'mediating' }));
  assertProblem(e, 404);
  const mv = await unchanged(office, 'disputes', async () => (await as('east')).update(`/api/v1/disputes/${ids['T6-DV1']}`, { subject: 'V3' }));
  assertProblem(mv, 422, { field: 'subject' });
});

// ---- 7. concurrent writes: each its own answer, refusals undo only themselves ----

test('concurrent creates and updates share batches: every 2xx is stored as answered, every refusal stores nothing', async () => {
  const pet = await as('petition');
  const first = await create('petition', 'petitions', make.petitions('T7-BASE'));
  const bodies = [];
  for (let i = 0; i < 30; i++) {
    if (i % 10 === 3) bodies.push({ body: make.petitions(`T7-BAD${i}`, { received_on: '2023-02-30' }), status: 422 });
    else if (i % 10 === 6) bodies.push({ body: make.petitions(`T7-OUT${i}`, { subject: 'NOSUCH' }), status: 422 });
    else if (i % 10 === 9) bodies.push({ body: make.petitions('T7-BASE'), status: 409 });
    else bodies.push({ body: make.petitions(`T7-OK${i}`, { persons: 1 + (i % 4) }), status: 201 });
  }
  // all at once, and an update of the first petition among them
  const [answers, upd] = await Promise.all([
    Promise.all(bodies.map((b) => pet.post('/api/v1/petitions', b.body))),
    pet.patch(`/api/v1/petitions/${first.id}`, { status: 'accepted', rev: first.rev }),
  ]);
  assert.equal(upd.status, 200, upd.text);
  assert.equal(upd.json.status, 'accepted');
  for (let i = 0; i < bodies.length; i++) {
    const { body, status } = bodies[i];
    assert.equal(answers[i].status, status, `${body.no}: ${answers[i].text}`);
    if (status === 201) {
      const got = await pet.get(`/api/v1/petitions/${answers[i].json.id}`);
      assert.equal(got.status, 200);
      assert.deepEqual(got.json, answers[i].json, `${body.no} is stored as answered`);
      assert.equal(got.json.persons, body.persons);
    }
  }
  const stored = (await listAll(office, '/api/v1/petitions?q=T7-')).map((x) => x.no).sort();
  const created = bodies.filter((b) => b.status === 201).map((b) => b.body.no);
  assert.deepEqual(stored, ['T7-BASE', ...created].sort());
  assert.equal((await pet.get(`/api/v1/petitions/${first.id}`)).json.status, 'accepted');
  const audited = (await auditRows(auditor, 'petitions.create')).filter((x) => / T7-/.test(x.object) && x.outcome === 'ok');
  assert.deepEqual(audited.map((x) => x.object.split(' ')[1]).sort(), ['T7-BASE', ...created].sort());
});
