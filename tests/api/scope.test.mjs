// scope.test.mjs: a user of each role sees exactly its scope, in lists,
// single records, exports and writes; what lies outside reads as if it did
// not exist; the three administrators reach no business data; accounts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, NEW_PASSWORD, snapshot } from './lib.mjs';
import { districtServer, assertProblem, codes, parseCsv } from './util.mjs';

const ALL = ['R1', 'S1', 'V1', 'V2', 'V3'];
// The subjects each business user of the fixture reaches (lib.mjs's district).
const SCOPE = {
  office: ALL,
  petition: ALL,
  safety: ALL,
  police: ALL,
  edu: ['S1'], // supervisor JT: schools and kindergartens
  east: ['S1', 'V1', 'V2'], // township 东镇
  west: ['R1', 'V3'], // township 西乡
  grid1: ['V1'], // grid 41000000100101
  subj: ['S1'], // subject account of S1
};
const ADMINS = ['sysadmin', 'secadmin', 'auditor'];
const EAST = '410000001000', WEST = '410000002000';
const WEST_VILLAGE = '410000002001', EAST_VILLAGE = '410000001001';

let d, ids, office;
before(async () => {
  d = await districtServer();
  office = await d.as('office');
  const r = await office.get('/api/v1/subjects?page_size=500');
  ids = Object.fromEntries(r.json.items.map((x) => [x.code, x.id]));
});
after(async () => { await d?.stop(); });

async function subjectsOf(user) {
  return snapshot(await d.as(user), 'subjects');
}

test('each business role lists exactly its subjects, and total says so', async () => {
  for (const [user, want] of Object.entries(SCOPE)) {
    const c = await d.as(user);
    const r = await c.get('/api/v1/subjects?page_size=500');
    assert.deepEqual(codes(r), want, `${user} lists ${want}`);
    assert.equal(r.json.total, want.length, `${user}: total`);
    // a small page still counts the whole scope
    const p = await c.get('/api/v1/subjects?page_size=1');
    assert.equal(p.json.total, want.length, `${user}: total with page_size=1`);
    assert.equal(p.json.items.length, 1);
    // a filter cannot widen the scope
    const w = await c.get(`/api/v1/subjects?township=${WEST}&page_size=500`);
    assert.deepEqual(codes(w), want.filter((x) => ['R1', 'V3'].includes(x)), `${user} filtered to 西乡`);
  }
});

test('each business role exports exactly its subjects', async () => {
  for (const [user, want] of Object.entries(SCOPE)) {
    const c = await d.as(user);
    const r = await c.get('/api/v1/subjects/export?format=csv');
    assert.equal(r.status, 200, `${user}: ${r.text}`);
    assert.match(r.headers.get('content-type'), /^text\/csv/);
    const rows = parseCsv(r.text);
    const col = rows[0].indexOf('主体编码');
    assert.ok(col >= 0, 'the header carries the Chinese labels');
    assert.deepEqual(rows.slice(1).map((x) => x[col]).sort(), want, `${user} exports ${want}`);
  }
});

test('a list of codes asks for any of them, within the scope; bad lists are refused', async () => {
  const list = async (user, q) => {
    const r = await (await d.as(user)).get(`/api/v1/subjects?code=${q}&page_size=100`);
    assert.equal(r.status, 200, r.text);
    return r.json.items.map((x) => x.code).sort();
  };
  assert.deepEqual(await list('office', 'V1,V3,S1'), ['S1', 'V1', 'V3']);
  assert.deepEqual(await list('office', 'V1,NOPE'), ['V1']);
  assert.deepEqual(await list('east', 'V1,V3,S1'), ['S1', 'V1'], 'V3 is the other township');
  assert.deepEqual(await list('office', 'V2'), ['V2'], 'one code as before');
  // petitions by their numbers too (a key of codes); names are no key
  assert.equal((await office.get('/api/v1/petitions?no=X1,X2')).status, 200);
  assertProblem(await office.get('/api/v1/subjects?code=V1,,V2'), 422, { field: 'code' });
  assertProblem(await office.get('/api/v1/subjects?code=V1,bad%20code'), 422, { field: 'code' });
  const many = Array.from({ length: 101 }, (_, i) => `C${i}`).join(',');
  assertProblem(await office.get(`/api/v1/subjects?code=${many}`), 422, { field: 'code' });
  const hundred = Array.from({ length: 100 }, (_, i) => `C${i}`).join(',');
  assert.equal((await office.get(`/api/v1/subjects?code=${hundred}`)).status, 200);
});

test('a subject outside the scope reads exactly like one that does not exist', async () => {
  for (const [user, want] of Object.entries(SCOPE)) {
    const c = await d.as(user);
    const missing = await c.get('/api/v1/subjects/999999');
    assertProblem(missing, 404, { field: null });
    for (const code of ALL) {
      const r = await c.get(`/api/v1/subjects/${ids[code]}`);
      if (want.includes(code)) {
        assert.equal(r.status, 200, `${user} reads ${code}`);
        assert.equal(r.json.code, code);
        continue;
      }
      assertProblem(r, 404);
      assert.deepEqual(r.json, missing.json, `${user}: ${code} reads like a missing record`);
      assert.ok(!r.text.includes(code), 'the refusal does not name the record');
      const h = await c.get(`/api/v1/subjects/${ids[code]}/history`);
      assert.equal(h.status, 404, `${user}: history of ${code}`);
      assert.deepEqual(h.json, (await c.get('/api/v1/subjects/999999/history')).json);
    }
  }
});

test('the administrators reach no business data; the audit admin not even regions', async () => {
  for (const user of ADMINS) {
    const c = await d.as(user);
    assertProblem(await c.get('/api/v1/subjects'), 403);
    assertProblem(await c.get(`/api/v1/subjects/${ids.S1}`), 403);
    assertProblem(await c.get('/api/v1/subjects/export?format=csv'), 403);
    assertProblem(await c.get(`/api/v1/subjects/${ids.V1}/history`), 403);
    const rv = await c.post(`/api/v1/subjects/${ids.V1}/reveal`, { field: 'contact_phone', reason: '核实身份' });
    assertProblem(rv, 403);
    assert.ok(!rv.text.includes('13800138000'));
  }
  const a = await d.as('auditor');
  assertProblem(await a.get('/api/v1/regions'), 403);
  assertProblem(await a.get('/api/v1/departments'), 403);
  // the system and security administrators see the places (to assign accounts)
  for (const user of ['sysadmin', 'secadmin']) {
    const r = await (await d.as(user)).get('/api/v1/regions?page_size=500');
    assert.equal(r.status, 200, `${user} reads regions`);
    assert.equal(r.json.total, 8);
  }
});

test('a township cannot create a subject in the other township', async () => {
  const east = await d.as('east');
  const before = await subjectsOf('office');
  const r = await east.post('/api/v1/subjects', {
    code: 'EW1', name: '越界饭店', kind: 'enterprise', category: 'restaurant',
    township: WEST, village: WEST_VILLAGE, active_from: '2023-01',
  });
  assert.ok([403, 422].includes(r.status), `refused: ${r.status} ${r.text}`);
  assertProblem(r, r.status);
  assert.equal(await subjectsOf('office'), before, 'nothing stored');
  assert.equal((await office.get('/api/v1/subjects?code=EW1')).json.total, 0);
});

test("a township cannot change the other township's subject: it reads as missing", async () => {
  const east = await d.as('east');
  const before = await subjectsOf('office');
  const missing = await east.update('/api/v1/subjects/999999', { name: '改名' });
  assertProblem(missing, 404);
  const r = await east.update(`/api/v1/subjects/${ids.V3}`, { name: '改名' });
  assertProblem(r, 404);
  assert.deepEqual(r.json, missing.json);
  const retire = await east.post(`/api/v1/subjects/${ids.R1}/retire`, { month: '2024-01' });
  assertProblem(retire, 404);
  const reveal = await east.post(`/api/v1/subjects/${ids.R1}/reveal`, { field: 'contact_phone', reason: '核实身份' });
  assertProblem(reveal, 404);
  assert.equal(await subjectsOf('office'), before, 'nothing changed');
});

test('a township cannot move its own subject into the other township', async () => {
  const east = await d.as('east');
  const before = await subjectsOf('office');
  const r = await east.update(`/api/v1/subjects/${ids.S1}`, { township: WEST, village: WEST_VILLAGE });
  assert.ok([403, 422].includes(r.status), `refused: ${r.status} ${r.text}`);
  assertProblem(r, r.status);
  const v = await east.update(`/api/v1/subjects/${ids.V1}`, { township: WEST, village: WEST_VILLAGE, grid: null });
  assert.ok([403, 422].includes(v.status), `refused: ${v.status} ${v.text}`);
  assert.equal(await subjectsOf('office'), before, 'nothing changed');
  const s1 = await east.get(`/api/v1/subjects/${ids.S1}`);
  assert.equal(s1.json.township, EAST);
});

test("a reference to the other township's village reads like a missing one", async () => {
  const east = await d.as('east');
  const before = await subjectsOf('office');
  const body = (village) => ({
    code: 'EV1', name: '东镇新店', kind: 'enterprise', category: 'restaurant',
    township: EAST, village, active_from: '2023-01',
  });
  const missing = await east.post('/api/v1/subjects', body('410000001999'));
  assertProblem(missing, 422, { field: 'village', detail: /不存在/ });
  const other = await east.post('/api/v1/subjects', body(WEST_VILLAGE));
  assertProblem(other, 422, { field: 'village', detail: /不存在/ });
  assert.equal(other.json.detail.replace(WEST_VILLAGE, 'X'), missing.json.detail.replace('410000001999', 'X'),
    'the same words for the other township\'s village as for a missing one');
  // the same on a change of an own subject
  const pm = await east.update(`/api/v1/subjects/${ids.S1}`, { village: '410000001999' });
  const po = await east.update(`/api/v1/subjects/${ids.S1}`, { village: WEST_VILLAGE });
  assertProblem(pm, 422, { field: 'village' });
  assertProblem(po, 422, { field: 'village' });
  assert.equal(po.json.detail.replace(WEST_VILLAGE, 'X'), pm.json.detail.replace('410000001999', 'X'));
  // and its own village is accepted
  const ok = await east.post('/api/v1/subjects', body(EAST_VILLAGE));
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.supervisor, 'SJ', 'restaurants: 市场监管局 by the sector map');
  const after = JSON.parse(await subjectsOf('office')).items.filter((x) => x.code !== 'EV1');
  assert.deepEqual(after, JSON.parse(before).items, 'the refusals stored nothing');
});

test('the list of accounts is for the system and security administrators only', async () => {
  for (const user of ['sysadmin', 'secadmin']) {
    const r = await (await d.as(user)).get('/api/v1/users?page_size=500');
    assert.equal(r.status, 200, `${user}: ${r.text}`);
    assert.equal(r.json.total, 12);
    assert.ok(!r.text.includes('pw_hash') && !r.text.includes('$argon2'), 'no password hash in it');
  }
  for (const user of [...Object.keys(SCOPE), 'auditor']) {
    assertProblem(await (await d.as(user)).get('/api/v1/users'), 403);
  }
});

test('the system administrator cannot create administrators, and the others no accounts', async () => {
  const sys = await d.as('sysadmin');
  const before = await snapshot(sys, 'users');
  for (const role of ['sysadmin', 'secadmin', 'auditadmin']) {
    const r = await sys.post('/api/v1/users', { username: 'adm_' + role, role, password: PASSWORD });
    assertProblem(r, 403, { field: 'role' });
  }
  for (const user of ['secadmin', 'office', 'east']) {
    const r = await (await d.as(user)).post('/api/v1/users',
      { username: 'x_' + user, role: 'township', department: 'DZ', password: PASSWORD });
    assertProblem(r, 403);
  }
  assert.equal(await snapshot(sys, 'users'), before, 'no account created');
});

test('the system administrator creates an account, the security administrator grants it township; its password is changed at first login', async () => {
  const sys = await d.as('sysadmin');
  const made = await sys.post('/api/v1/users', { username: 'east2', display_name: '东镇二', password: PASSWORD });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.json.role, 'none', 'no role until the security administrator grants one');
  assert.equal(made.json.township, null);
  const sec = await d.as('secadmin');
  const r = await sec.patch(`/api/v1/users/${made.json.id}`, { rev: made.json.rev, role: 'township', department: 'DZ' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.role, 'township');
  assert.equal(r.json.township, EAST);
  assert.equal(r.json.must_change, true);
  assert.ok(!r.text.includes(PASSWORD) && !('password' in r.json) && !('pw_hash' in r.json));
  const c = d.srv.client();
  const login = await c.login('east2', PASSWORD);
  assert.equal(login.status, 200, login.text);
  assert.equal(login.json.must_change, true);
  assertProblem(await c.get('/api/v1/subjects'), 403, { detail: /修改/ });
  assert.equal((await c.post('/api/v1/password', { old_password: PASSWORD, new_password: NEW_PASSWORD })).status, 204);
  const l = await c.get('/api/v1/subjects?page_size=500');
  assert.deepEqual(codes(l).filter((x) => x !== 'EV1'), SCOPE.east);
  // a weak initial password is refused and stores nothing
  const weak = await sys.post('/api/v1/users', { username: 'east3', password: 'short' });
  assertProblem(weak, 422, { field: 'password' });
  assert.equal((await sys.get('/api/v1/users?username=east3')).json.total, 0);
});
