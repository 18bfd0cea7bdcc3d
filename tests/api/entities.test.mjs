// entities.test.mjs: the generic entity endpoints on subjects, regions and
// departments: create, read, change, list, history, retire, the list as it
// stood in a past month, personal data masked and revealed; every refusal
// with its status, problem+json body and field, leaving the data exactly as
// it was; the metadata and the OpenAPI document.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { snapshot } from './lib.mjs';
import { districtServer, cliImport, assertProblem, codes, listAll } from './util.mjs';

// a lookup by a personal field is a reveal and gives its reason
const WHY = encodeURIComponent('核对联系人');

const EAST = '410000001000', WEST = '410000002000', EAST_VILLAGE = '410000001001';
// A second district, outside everybody's scope (only the system makes districts).
const OTHER_DISTRICT = `code,name,level,parent
420000000000,外区,district,
420000001000,外镇,township,420000000000
420000001001,外村,village,420000001000
`;
const PHONE = '13800138000'; // V1's contact phone in the fixture
const K1 = {
  code: 'K1', name: '东镇幼儿园', kind: '事业单位', category: '幼儿园', township: EAST,
  village: EAST_VILLAGE, contact_phone: '13700137000', active_from: '2022-01',
};

let d, office;
before(async () => {
  d = await districtServer((store) => cliImport(store, 'regions', OTHER_DISTRICT, 'other'));
  office = await d.as('office');
});
after(async () => { await d?.stop(); });

// Run `fn` and assert the subjects (as the office sees them) are exactly as before.
async function unchanged(fn) {
  const before = await snapshot(office, 'subjects');
  const r = await fn();
  assert.equal(await snapshot(office, 'subjects'), before, 'the data is exactly as before');
  return r;
}

async function idOf(code) {
  const r = await office.get(`/api/v1/subjects?code=${encodeURIComponent(code)}`);
  assert.equal(r.json.total, 1, `${code} exists`);
  return r.json.items[0].id;
}

const JSON_CT = { 'content-type': 'application/json' };
const good = (over = {}) => ({
  code: 'N1', name: '东镇饭店', kind: 'enterprise', category: 'restaurant', township: EAST, active_from: '2023-01', ...over,
});

// ---- refusals ----

test('malformed JSON: 400 saying where', async () => {
  const r = await unchanged(() => office.post('/api/v1/subjects', '{"code": "N1", "name":', { raw: true, headers: JSON_CT }));
  assertProblem(r, 400, { detail: /JSON/, field: null });
});

test('a JSON array instead of an object: 400', async () => {
  const r = await unchanged(() => office.post('/api/v1/subjects', [good()]));
  assertProblem(r, 400, { detail: /对象/ });
  const s = await unchanged(() => office.post('/api/v1/subjects', 'N1', { raw: true, headers: JSON_CT }));
  assertProblem(s, 400);
});

test('wrong JSON types: 422 naming the field', async () => {
  for (const [over, field] of [[{ name: 123 }, 'name'], [{ lat: 'north' }, 'lat'], [{ township: 410000001000 }, 'township'],
    [{ kind: ['enterprise'] }, 'kind'], [{ active_from: true }, 'active_from']]) {
    const r = await unchanged(() => office.post('/api/v1/subjects', good(over)));
    assertProblem(r, 422, { field });
  }
  const id = await idOf('S1');
  const p = await unchanged(() => office.patch(`/api/v1/subjects/${id}`, { rev: '1', name: '改' }));
  assertProblem(p, 422, { field: 'rev' });
});

test('unknown fields: 400 naming them', async () => {
  const r = await unchanged(() => office.post('/api/v1/subjects', good({ colour: 'red' })));
  assertProblem(r, 400, { detail: /colour/ });
  const id = await idOf('S1');
  const p = await unchanged(() => office.update(`/api/v1/subjects/${id}`, { colour: 'red' }));
  assertProblem(p, 400, { detail: /colour/ });
  // derived fields cannot be written either
  const dr = await unchanged(() => office.post('/api/v1/subjects', good({ district: '410000000000' })));
  assertProblem(dr, 422, { field: 'district' });
});

test('a body over the JSON limit (256 KiB): 413', async () => {
  const r = await unchanged(() => office.post('/api/v1/subjects', good({ address: '长'.repeat(100000) })));
  assert.ok(JSON.stringify(good({ address: '长'.repeat(100000) })).length * 3 > 256 * 1024);
  assertProblem(r, 413);
});

test('invalid UTF-8 in the body: 400', async () => {
  const body = Buffer.concat([Buffer.from('{"code":"N1","name":"'), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from('"}')]);
  const r = await unchanged(() => office.post('/api/v1/subjects', body, { raw: true, headers: JSON_CT }));
  assertProblem(r, 400, { detail: /UTF-8/ });
});

test('a credit code with a wrong check digit: 422 on credit_code', async () => {
  // S1's code 91350100M000100Y43 is valid; change its last character
  const r = await unchanged(() => office.post('/api/v1/subjects', good({ credit_code: '91350100M000100Y44' })));
  assertProblem(r, 422, { field: 'credit_code', detail: /校验/ });
});

test('an unknown enumeration value: 422 on kind', async () => {
  const r = await unchanged(() => office.post('/api/v1/subjects', good({ kind: 'spaceship' })));
  assertProblem(r, 422, { field: 'kind', detail: /spaceship/ });
  const c = await unchanged(() => office.post('/api/v1/subjects', good({ category: '宇宙飞船' })));
  assertProblem(c, 422, { field: 'category' });
});

test('a reference to a missing township: 422 on township', async () => {
  const r = await unchanged(() => office.post('/api/v1/subjects', good({ township: '410000009000' })));
  assertProblem(r, 422, { field: 'township', detail: /不存在/ });
  // a village given as the township is not a township
  const v = await unchanged(() => office.post('/api/v1/subjects', good({ township: EAST_VILLAGE })));
  assertProblem(v, 422, { field: 'township' });
});

test("a reference out of scope (another district's township) reads exactly like a missing one", async () => {
  assert.equal((await office.get('/api/v1/regions?code=420000001000')).json.total, 0, 'the office does not see it');
  const missing = await unchanged(() => office.post('/api/v1/subjects', good({ township: '410000009000' })));
  const other = await unchanged(() => office.post('/api/v1/subjects', good({ township: '420000001000' })));
  assertProblem(other, 422, { field: 'township', detail: /不存在/ });
  assert.equal(other.json.detail.replace('420000001000', 'X'), missing.json.detail.replace('410000009000', 'X'));
});

test("a reference out of scope (another district's village) reads exactly like a missing one", async () => {
  assert.equal((await office.get('/api/v1/regions?code=420000001001')).json.total, 0, 'the office does not see it');
  const mv = await unchanged(() => office.post('/api/v1/subjects', good({ village: '410000001999' })));
  const ov = await unchanged(() => office.post('/api/v1/subjects', good({ village: '420000001001' })));
  assertProblem(mv, 422, { field: 'village', detail: /不存在/ });
  assertProblem(ov, 422, { field: 'village', detail: /不存在/ });
  assert.equal(ov.json.detail.replace('420000001001', 'X'), mv.json.detail.replace('410000001999', 'X'));
});

test('a township creating a subject in the other township is refused', async () => {
  const east = await d.as('east');
  const w = await unchanged(() => east.post('/api/v1/subjects', good({ township: WEST })));
  assert.ok([403, 422].includes(w.status), w.text);
  assertProblem(w, w.status);
});

test('no CSRF header: 403', async () => {
  const r = await unchanged(() => office.post('/api/v1/subjects', good(), { csrf: false }));
  assertProblem(r, 403, { detail: /CSRF/ });
  const id = await idOf('S1');
  const p = await unchanged(() => office.update(`/api/v1/subjects/${id}`, { name: '改' }, { csrf: false }));
  assertProblem(p, 403, { detail: /CSRF/ });
});

test('a body that is not application/json: 415', async () => {
  const r = await unchanged(() => office.post('/api/v1/subjects', JSON.stringify(good()), { raw: true, headers: { 'content-type': 'text/plain' } }));
  assertProblem(r, 415, { detail: /application\/json/ });
  const x = await unchanged(() => office.post('/api/v1/subjects', JSON.stringify(good()), { raw: true, headers: { 'content-type': 'application/xml' } }));
  assertProblem(x, 415);
});

test('a stale rev on PATCH: 409, the newer change kept', async () => {
  const id = await idOf('S1');
  const cur = (await office.get(`/api/v1/subjects/${id}`)).json;
  const first = await office.patch(`/api/v1/subjects/${id}`, { address: '东镇学府路1号', rev: cur.rev });
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.rev, cur.rev + 1);
  const r = await unchanged(() => office.patch(`/api/v1/subjects/${id}`, { address: '被覆盖', rev: cur.rev }));
  assertProblem(r, 409, { field: 'rev' });
  assert.equal((await office.get(`/api/v1/subjects/${id}`)).json.address, '东镇学府路1号');
});

test('a duplicate code: 409 on the code', async () => {
  const r = await unchanged(() => office.post('/api/v1/subjects', good({ code: 'V1' })));
  assertProblem(r, 409, { field: 'code' });
  // the key cannot be changed on an existing record either
  const id = await idOf('S1');
  const p = await unchanged(() => office.update(`/api/v1/subjects/${id}`, { code: 'V1' }));
  assert.ok([409, 422].includes(p.status), p.text);
  assertProblem(p, p.status, { field: 'code' });
});

test('list refusals: unknown parameter, bad page and page_size, unsortable field', async () => {
  await unchanged(async () => {
    assertProblem(await office.get('/api/v1/subjects?colour=red'), 400, { detail: /colour/ });
    assertProblem(await office.get('/api/v1/subjects?address=x'), 400, { detail: /address/ });
    for (const v of ['0', '-1', 'abc', '501', '', '1.5']) {
      assertProblem(await office.get(`/api/v1/subjects?page_size=${v}`), 400, { field: 'page_size' });
    }
    assertProblem(await office.get('/api/v1/subjects?page=0'), 400, { field: 'page' });
    assertProblem(await office.get('/api/v1/subjects?sort=address'), 400, { field: 'sort' });
    assertProblem(await office.get('/api/v1/subjects?sort=-contact_phone'), 400, { field: 'sort' });
    assertProblem(await office.get('/api/v1/subjects?sort=nothing'), 400, { field: 'sort' });
    assertProblem(await office.get('/api/v1/subjects?as_of=2023-13'), 422, { field: 'as_of' });
  });
});

// ---- happy paths ----

test('the office creates a subject: labels accepted, supervisor from the sector map', async () => {
  const r = await office.post('/api/v1/subjects', K1);
  assert.equal(r.status, 201, r.text);
  const k = r.json;
  assert.ok(Number.isInteger(k.id) && k.id > 0);
  assert.equal(k.rev, 1);
  assert.equal(k.kind, 'institution', 'kind given as its Chinese label');
  assert.equal(k.category, 'kindergarten');
  assert.equal(k.supervisor, 'JT', 'kindergartens: 教体局 by the sector map');
  assert.equal(k.district, '410000000000');
  assert.equal(k.contact_phone, '137****7000', 'masked in the answer');
  const g = await office.get(`/api/v1/subjects/${k.id}`);
  assert.equal(g.status, 200);
  assert.deepEqual(g.json, k);
  // a restaurant goes to 市场监管局; a community to its township's government
  const r2 = await office.post('/api/v1/subjects', good({ code: 'R2', name: '西乡面馆', township: WEST, category: '饭店' }));
  assert.equal(r2.status, 201, r2.text);
  assert.equal(r2.json.supervisor, 'SJ');
  const c1 = await office.post('/api/v1/subjects', good({ code: 'C1', name: '东镇社区', kind: 'community', category: 'community' }));
  assert.equal(c1.status, 201, c1.text);
  assert.equal(c1.json.supervisor, 'DZ');
  // the supervisor sees its new subject
  assert.deepEqual(codes(await (await d.as('edu')).get('/api/v1/subjects')), ['K1', 'S1']);
});

test('PATCH changes what is given and increments rev', async () => {
  const id = await idOf('K1');
  const cur = (await office.get(`/api/v1/subjects/${id}`)).json;
  const r = await office.patch(`/api/v1/subjects/${id}`, { name: '东镇中心幼儿园', rev: cur.rev });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.rev, cur.rev + 1);
  assert.deepEqual({ ...r.json, name: cur.name, rev: cur.rev }, cur, 'nothing else changed');
  assert.equal(r.json.contact_phone, '137****7000', 'the phone kept');
  assert.deepEqual(codes(await office.get(`/api/v1/subjects?contact_phone=13700137000&reason=${WHY}`)), ['K1'], 'and still found by it');
});

test('lists filter, search, sort and page', async () => {
  const all = await listAll(office, '/api/v1/subjects?sort=code');
  const allCodes = all.map((x) => x.code);
  assert.deepEqual(allCodes, [...allCodes].sort(), 'sorted by code');
  assert.deepEqual(codes(await office.get('/api/v1/subjects?kind=institution')), ['K1', 'S1']);
  assert.deepEqual(codes(await office.get('/api/v1/subjects?kind=事业单位')), ['K1', 'S1'], 'a label as filter');
  assert.deepEqual(codes(await office.get(`/api/v1/subjects?township=${WEST}`)), ['R1', 'R2', 'V3']);
  assert.deepEqual(codes(await office.get(`/api/v1/subjects?township=${EAST}&kind=village`)), ['V1', 'V2']);
  assert.deepEqual(codes(await office.get(`/api/v1/subjects?q=${encodeURIComponent('幼儿园')}`)), ['K1']);
  assert.deepEqual(codes(await office.get(`/api/v1/subjects?q=${encodeURIComponent('西乡')}`)), ['R1', 'R2', 'V3'],
    'name or address, or the name of its township (V3 lies in 西乡)');
  assert.deepEqual(codes(await office.get('/api/v1/subjects?q=%25')), [], 'LIKE wildcards are literal');
  const asc = (await office.get('/api/v1/subjects?sort=name&page_size=500')).json.items.map((x) => x.name);
  const desc = (await office.get('/api/v1/subjects?sort=-name&page_size=500')).json.items.map((x) => x.name);
  assert.equal(desc.length, all.length);
  assert.deepEqual(desc, [...asc].reverse(), 'sort=-name is name descending');
  const p2 = await office.get('/api/v1/subjects?sort=code&page=2&page_size=3');
  assert.equal(p2.status, 200);
  assert.deepEqual(p2.json.items.map((x) => x.code), allCodes.slice(3, 6));
  assert.equal(p2.json.total, all.length);
  assert.equal(p2.json.page, 2);
  assert.equal(p2.json.page_size, 3);
  const beyond = await office.get('/api/v1/subjects?page=99&page_size=3');
  assert.deepEqual(beyond.json.items, []);
  assert.equal(beyond.json.total, all.length);
});

test('retire, history in order, and the list as it stood', async () => {
  const id = await idOf('K1');
  const early = await unchanged(() => office.post(`/api/v1/subjects/${id}/retire`, { month: '2021-12' }));
  assertProblem(early, 422, { field: 'month' });
  const badMonth = await unchanged(() => office.post(`/api/v1/subjects/${id}/retire`, { month: '2023-6' }));
  assertProblem(badMonth, 422, { field: 'month' });
  const r = await office.post(`/api/v1/subjects/${id}/retire`, { month: '2023-06' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.active_to, '2023-06');
  const h = await office.get(`/api/v1/subjects/${id}/history`);
  assert.equal(h.status, 200, h.text);
  assert.deepEqual(h.json.map((x) => x.action), ['create', 'update', 'retire']);
  assert.deepEqual(h.json.map((x) => x.rev), [1, 2, 3]);
  assert.deepEqual(h.json.map((x) => x.name), ['东镇幼儿园', '东镇中心幼儿园', '东镇中心幼儿园']);
  assert.ok(h.json.every((x) => x.changed_by === 'office'));
  assert.equal(h.json[2].month, '2023-06');
  assert.ok(!h.text.includes('13700137000'), 'history masks personal data too');
  const then = await office.get('/api/v1/subjects?as_of=2022-05&page_size=500');
  assert.equal(then.status, 200, then.text);
  assert.deepEqual(codes(then), ['K1', 'R1', 'S1', 'V1', 'V2', 'V3'], 'K1 on the list in 2022-05, R2 and C1 not yet');
  assert.equal(then.json.items.find((x) => x.code === 'K1').name, '东镇幼儿园', 'as it was then');
  const later = await office.get('/api/v1/subjects?as_of=2023-07&page_size=500');
  assert.equal(later.status, 200, later.text);
  assert.deepEqual(codes(later), ['C1', 'R1', 'R2', 'S1', 'V1', 'V2', 'V3'], 'K1 off the list in 2023-07');
  const before = await office.get('/api/v1/subjects?as_of=2021-12&page_size=500');
  assert.deepEqual(codes(before), [], 'nobody was on the list before 2022');
});

test('personal data is masked in get and list, found by exact value, revealed with a reason', async () => {
  const id = await idOf('V1');
  const g = await office.get(`/api/v1/subjects/${id}`);
  assert.equal(g.json.contact_phone, '138****8000');
  const l = await office.get('/api/v1/subjects?page_size=500');
  assert.ok(!l.text.includes(PHONE), 'no full phone in the list');
  assert.equal(l.json.items.find((x) => x.code === 'V1').contact_phone, '138****8000');
  assert.deepEqual(codes(await office.get(`/api/v1/subjects?contact_phone=${PHONE}&reason=${WHY}`)), ['V1']);
  assert.deepEqual(codes(await office.get(`/api/v1/subjects?contact_phone=13800138001&reason=${WHY}`)), []);
  const east = await d.as('east');
  assert.deepEqual(codes(await east.get(`/api/v1/subjects?contact_phone=${PHONE}&reason=${WHY}`)), ['V1']);
  assert.deepEqual(codes(await (await d.as('west')).get(`/api/v1/subjects?contact_phone=${PHONE}&reason=${WHY}`)), [], 'scope still applies');
  const rv = await office.post(`/api/v1/subjects/${id}/reveal`, { field: 'contact_phone', reason: '核实身份' });
  assert.equal(rv.status, 200, rv.text);
  assert.equal(rv.json.value, PHONE);
  assertProblem(await office.post(`/api/v1/subjects/${id}/reveal`, { field: 'contact_phone', reason: '' }), 422, { field: 'reason' });
  assertProblem(await office.post(`/api/v1/subjects/${id}/reveal`, { field: 'name', reason: '核实身份' }), 422, { field: 'field' });
  const aud = await d.as('auditor');
  const ar = await aud.post(`/api/v1/subjects/${id}/reveal`, { field: 'contact_phone', reason: '核实身份' });
  assertProblem(ar, 403);
  assert.ok(!ar.text.includes(PHONE));
  // the reveal is in the audit log, with its reason; the number nowhere in it
  const log = await aud.get('/api/v1/audit?action=reveal&page_size=500');
  assert.equal(log.status, 200, log.text);
  assert.equal(log.json.total, 1, 'one reveal (the refused ones are not reveals)');
  const row = log.json.items[0];
  assert.equal(row.username, 'office');
  assert.match(row.object, new RegExp(`^subjects/${id}\\b.*V1`));
  assert.match(row.detail, /contact_phone/);
  assert.match(row.detail, /核实身份/);
  const everything = await listAll(aud, '/api/v1/audit');
  const text = JSON.stringify(everything);
  assert.ok(everything.length > 20);
  for (const p of [PHONE, '13700137000', '13912345678']) assert.ok(!text.includes(p), `${p} not in the audit log`);
});

test('the office creates and retires regions and departments', async () => {
  const r = await office.post('/api/v1/regions', { code: '410000001003', name: '东三村', level: '村/社区', parent: EAST });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.level, 'village');
  assert.equal(r.json.township, EAST);
  assert.equal(r.json.district, '410000000000');
  assert.equal(r.json.active, true);
  const bad = await office.post('/api/v1/regions', { code: '410000001004', name: '错层', level: 'village', parent: EAST_VILLAGE });
  assertProblem(bad, 422, { field: 'parent' });
  const dist = await office.post('/api/v1/regions', { code: '430000000000', name: '新区', level: 'district' });
  assertProblem(dist, 403, { field: 'level' });
  const rr = await office.post(`/api/v1/regions/${r.json.id}/retire`, {});
  assert.equal(rr.status, 200, rr.text);
  assert.equal(rr.json.active, false);
  assert.equal((await office.get(`/api/v1/regions/${r.json.id}`)).json.active, false);

  const dp = await office.post('/api/v1/departments', { code: 'WJ', name: '卫健委', roles: 'supervisor', region: '410000000000' });
  assert.equal(dp.status, 201, dp.text);
  assert.equal(dp.json.roles, 'supervisor');
  assert.equal(dp.json.active, true);
  const dup = await office.post('/api/v1/departments', { code: 'WJ', name: '卫健委二', roles: 'supervisor', region: '410000000000' });
  assertProblem(dup, 409, { field: 'code' });
  const tw = await office.post('/api/v1/departments', { code: 'TW', name: '错的乡镇', roles: '乡镇', region: '410000000000' });
  assertProblem(tw, 422, { field: 'region' });
  const dr = await office.post(`/api/v1/departments/${dp.json.id}/retire`, {});
  assert.equal(dr.status, 200, dr.text);
  assert.equal(dr.json.active, false);
  // others may not write reference data
  for (const user of ['east', 'edu', 'petition']) {
    assertProblem(await (await d.as(user)).post('/api/v1/departments', { code: 'ZZ', name: '无权', roles: 'supervisor', region: '410000000000' }), 403);
  }
  assert.equal((await office.get('/api/v1/departments?code=ZZ')).json.total, 0);
});

test('meta lists the entities with their fields, labels and enumerations', async () => {
  const r = await office.get('/api/v1/meta');
  assert.equal(r.status, 200);
  const names = r.json.entities.map((e) => e.name);
  for (const n of ['regions', 'departments', 'sector_map', 'subjects']) assert.ok(names.includes(n), n);
  assert.ok(!names.includes('users'), 'the office has no business with accounts');
  const s = r.json.entities.find((e) => e.name === 'subjects');
  assert.equal(s.label, '创建主体');
  assert.equal(s.key, 'code');
  const f = Object.fromEntries(s.fields.map((x) => [x.key, x]));
  assert.equal(f.code.label, '主体编码');
  assert.equal(f.kind.type, 'enum');
  assert.equal(f.kind.enum, 'subject_kind');
  assert.equal(f.contact_phone.personal, true);
  assert.equal(f.township.ref, 'regions');
  assert.equal(f.district.readonly, true);
  for (const x of s.fields) assert.ok(x.label && /[\u4e00-\u9fff]/.test(x.label), `${x.key} has a Chinese label`);
  assert.deepEqual(r.json.enums.subject_kind.map((x) => x.code), ['village', 'community', 'enterprise', 'institution']);
  assert.ok(r.json.enums.subject_category.some((x) => x.code === 'kindergarten' && x.label === '幼儿园'));
  assert.equal(r.json.me.role, 'office');
  const sys = await (await d.as('sysadmin')).get('/api/v1/meta');
  const sn = sys.json.entities.map((e) => e.name);
  assert.ok(sn.includes('users') && !sn.includes('subjects'), 'the system admin: accounts, no subjects');
});

test('the OpenAPI document is valid OpenAPI 3.1 and covers every entity', async () => {
  let Validator;
  try {
    ({ Validator } = await import('@seriousme/openapi-schema-validator'));
  } catch (e) {
    assert.fail(`@seriousme/openapi-schema-validator is missing (run \`npm ci\`): ${e.message}`);
  }
  const r = await d.srv.client().get('/api/v1/openapi.json');
  assert.equal(r.status, 200);
  const spec = r.json;
  const v = new Validator();
  const res = await v.validate(spec);
  assert.equal(res.valid, true, JSON.stringify(res.errors, null, 1));
  assert.equal(v.version, '3.1');
  // every internal reference resolves
  const dangling = [];
  (function walk(node) {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [k, x] of Object.entries(node)) {
      if (k === '$ref' && typeof x === 'string') {
        let at = spec;
        for (const t of x.replace(/^#\//, '').split('/')) at = at?.[t.replaceAll('~1', '/').replaceAll('~0', '~')];
        if (!x.startsWith('#/') || at === undefined) dangling.push(x);
      } else walk(x);
    }
  })(spec);
  assert.deepEqual(dangling, [], 'every $ref resolves');
  const meta = (await office.get('/api/v1/meta')).json;
  const sys = (await (await d.as('sysadmin')).get('/api/v1/meta')).json;
  for (const e of [...meta.entities, ...sys.entities]) {
    assert.ok(spec.paths[`/${e.name}`], `path /${e.name}`);
    assert.ok(spec.paths[`/${e.name}/{id}`], `path /${e.name}/{id}`);
  }
});
