// trust.test.mjs: the holes a probe of the running server found, each shut
// and kept shut — finding records by a personal field is a reveal (only for
// the roles that may reveal, with a reason, audited, rate-limited), masks
// that show no more than the work needs, reasons of blanks refused, control
// and direction characters refused in text, events of a published month
// locked, the duties of the three administrators separated, months' counts
// within the caller's scope.  Every refusal changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, assertProblem } from './util.mjs';
import { make, nos, auditRows, unchanged } from './events_util.mjs';

let d, office, auditor;
before(async () => {
  d = await districtServer();
  office = await d.as('office');
  auditor = await d.as('auditor');
});
after(async () => { await d?.stop(); });

const PID = '11010519491231002X', PHONE = '13800138828';
const WHY = encodeURIComponent('核查重复信访');

async function create(user, entity, body) {
  const r = await (await d.as(user)).post(`/api/v1/${entity}`, body);
  assert.equal(r.status, 201, `${user} creates ${entity}: ${r.text}`);
  return r.json;
}

test('a lookup by a personal field is a reveal: its roles only, with a reason, audited, rate-limited', async () => {
  await create('petition', 'petitions', make.petitions('TR-1', { petitioner_id: PID, petitioner_phone: PHONE }));
  const grid = await d.as('grid1');
  // the grid worker sees the masked value in the list ...
  const l = await grid.get('/api/v1/petitions?page_size=500');
  assert.equal(l.status, 200, l.text);
  const row = l.json.items.find((x) => x.no === 'TR-1');
  assert.ok(row, 'the grid worker lists the petition of its grid');
  assert.equal(row.petitioner_phone, '138****8828');
  assert.equal(row.petitioner_id, '**************002X', 'no region, no birth date in the mask');
  // ... and may not look up by the value, with or without a reason, nor export by it
  for (const q of [`petitioner_phone=${PHONE}`, `petitioner_phone=${PHONE}&reason=${WHY}`,
    `petitioner_id=${PID}&reason=${WHY}`, 'petitioner_phone=13800130000']) {
    assertProblem(await grid.get(`/api/v1/petitions?${q}`), 403);
    assertProblem(await grid.get(`/api/v1/petitions/export?format=csv&${q}`), 403);
  }
  // the "has none" filter reveals nothing and stays open
  assert.equal((await grid.get('/api/v1/petitions?petitioner_phone=')).status, 200);
  // a role that may reveal needs a reason of four characters
  const pet = await d.as('petition');
  for (const reason of [null, '', '  ', '\t\t', '　　', '..', ' a b ']) {
    const q = reason === null ? '' : `&reason=${encodeURIComponent(reason)}`;
    assertProblem(await pet.get(`/api/v1/petitions?petitioner_phone=${PHONE}${q}`), 422, { field: 'reason' });
  }
  const before = (await auditRows(auditor, 'petitions.reveal_filter')).length;
  assert.equal(before, 0, 'refused lookups are not reveals');
  const ok = await pet.get(`/api/v1/petitions?petitioner_phone=${PHONE}&reason=${WHY}`);
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(nos(ok), ['TR-1']);
  const rows = await auditRows(auditor, 'petitions.reveal_filter');
  assert.equal(rows.length, 1);
  assert.equal(rows[0].username, 'petition');
  assert.match(rows[0].detail, /petitioner_phone/);
  assert.match(rows[0].detail, /核查重复信访/);
  assert.ok(!JSON.stringify(rows).includes(PHONE), 'the value is not in the audit log');
  // at most `personal_lookups_per_minute` (set by the security administrator) a minute
  const sec = await d.as('secadmin');
  const set = await sec.put('/api/v1/settings', { personal_lookups_per_minute: 3 });
  assert.equal(set.status, 200, set.text);
  const answers = [];
  for (let i = 0; i < 4; i++)
    answers.push((await pet.get(`/api/v1/petitions?petitioner_phone=1380013${String(8800 + i)}&reason=${WHY}`)).status);
  // the first lookup above counted: two more pass, then 429
  assert.deepEqual(answers, [200, 200, 429, 429]);
  const limited = await pet.get(`/api/v1/petitions?petitioner_phone=${PHONE}&reason=${WHY}`);
  assertProblem(limited, 429);
  assert.match(limited.json.detail, /每分钟最多 3 次/);
  assert.equal((await auditRows(auditor, 'petitions.reveal_filter')).length, 3, 'only the lookups made');
  // another user has a count of its own
  assert.equal((await office.get(`/api/v1/petitions?petitioner_id=${PID}&reason=${WHY}`)).status, 200);
  assert.equal((await sec.put('/api/v1/settings', { personal_lookups_per_minute: 6 })).status, 200);
});

test('a reveal needs four characters of reason, not blanks or dots', async () => {
  const p = await create('petition', 'petitions', make.petitions('TR-2', { petitioner_phone: PHONE }));
  const pet = await d.as('petition');
  for (const reason of ['  ', '\t\t', '　　', '..', '...', 'a\u0001bcd']) {
    assertProblem(await pet.post(`/api/v1/petitions/${p.id}/reveal`, { field: 'petitioner_phone', reason }), 422,
      { field: 'reason' });
  }
  const ok = await pet.post(`/api/v1/petitions/${p.id}/reveal`, { field: 'petitioner_phone', reason: '电话回访' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.value, PHONE);
});

test('control characters and direction overrides are refused in text, storing nothing', async () => {
  const pet = await d.as('petition');
  await unchanged(office, ['petitions'], async () => {
    for (const summary of ['征地\u202Egpj.exe', '补偿\u0007', '\u2066隔离\u2069', 'a\u0085b', 'x\u001b[31m']) {
      assertProblem(await pet.post('/api/v1/petitions', make.petitions('TR-C', { summary })), 422, { field: 'summary' });
    }
  });
  const ok = await pet.post('/api/v1/petitions', make.petitions('TR-C', { summary: '第一行\n第二行\t完' }));
  assert.equal(ok.status, 201, ok.text);
});

// ---- 三员分立 ----

async function userOf(admin, username) {
  const r = await admin.get(`/api/v1/users?username=${username}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.items.length, 1, username);
  return r.json.items[0];
}

test('三员分立: no administrator changes, resets, retires or unlocks another administrator', async () => {
  const sys = await d.as('sysadmin'), sec = await d.as('secadmin');
  const before = await sys.get('/api/v1/users?page_size=500');
  for (const target of ['auditor', 'secadmin', 'sysadmin']) {
    const u = await userOf(sys, target);
    for (const [who, c] of [['sysadmin', sys], ['secadmin', sec]]) {
      assertProblem(await c.patch(`/api/v1/users/${u.id}`, { rev: u.rev, role: 'office', department: 'OFF' }), 403);
      assertProblem(await c.patch(`/api/v1/users/${u.id}`, { rev: u.rev, display_name: '改名' }), 403);
      assertProblem(await c.post(`/api/v1/users/${u.id}/password`, { password: 'Reset-Pass-4421' }), 403);
      assertProblem(await c.post(`/api/v1/users/${u.id}/retire`, {}), 403);
      assertProblem(await c.post(`/api/v1/users/${u.id}/unlock`, {}), 403, {}, `${who} unlocks ${target}`);
    }
  }
  const after = await sys.get('/api/v1/users?page_size=500');
  assert.deepEqual(after.json, before.json, 'the refusals changed nothing');
  // the audit administrator still reads the audit, and only it
  assert.equal((await auditor.get('/api/v1/audit?page_size=1')).status, 200);
  assertProblem(await auditor.get('/api/v1/petitions'), 403);
  // the command line on the server manages administrators
  const r = d.store.cli(['user', 'unlock', 'auditor']);
  assert.equal(r.status, 0, r.stderr);
});

test('三员分立: the system administrator creates accounts without a role; only the security administrator grants one', async () => {
  const sys = await d.as('sysadmin'), sec = await d.as('secadmin');
  // an account with a business role is not the system administrator's to make
  assertProblem(await sys.post('/api/v1/users', { username: 'mole', role: 'office', department: 'OFF', password: 'Kite-Pass-7731' }),
    403, { field: 'role' });
  assertProblem(await sys.post('/api/v1/users', { username: 'mole', department: 'OFF', password: 'Kite-Pass-7731' }), 403);
  assertProblem(await sec.post('/api/v1/users', { username: 'mole', password: 'Kite-Pass-7731' }), 403);
  const made = await sys.post('/api/v1/users', { username: 'mole', display_name: '新同事', password: 'Kite-Pass-7731' });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.json.role, 'none');
  // logged in, it reaches nothing
  const mole = d.srv.client();
  assert.equal((await mole.login('mole', 'Kite-Pass-7731')).status, 200);
  assert.equal((await mole.post('/api/v1/password', { old_password: 'Kite-Pass-7731', new_password: 'Kite-Pass-8842' })).status, 204);
  for (const p of ['/api/v1/petitions', '/api/v1/subjects', '/api/v1/figures?through=2023-08', '/api/v1/users', '/api/v1/audit'])
    assert.ok([403, 404].includes((await mole.get(p)).status), p);
  // the system administrator cannot grant it a role, nor a scope
  let u = await userOf(sys, 'mole');
  assertProblem(await sys.patch(`/api/v1/users/${u.id}`, { rev: u.rev, role: 'office', department: 'OFF' }), 403, { field: 'role' });
  assertProblem(await sys.patch(`/api/v1/users/${u.id}`, { rev: u.rev, department: 'OFF' }), 403);
  // the security administrator grants; it does not rename, reset or retire
  assertProblem(await sec.patch(`/api/v1/users/${u.id}`, { rev: u.rev, display_name: '改名' }), 403);
  assertProblem(await sec.post(`/api/v1/users/${u.id}/password`, { password: 'Reset-Pass-4421' }), 403);
  assertProblem(await sec.post(`/api/v1/users/${u.id}/retire`, {}), 403);
  assertProblem(await sec.patch(`/api/v1/users/${u.id}`, { rev: u.rev, role: 'auditadmin' }), 403, { field: 'role' });
  const g = await sec.patch(`/api/v1/users/${u.id}`, { rev: u.rev, role: 'office', department: 'OFF' });
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json.role, 'office');
  // the grant ends the account's sessions' old scope: it now reads
  const again = d.srv.client();
  assert.equal((await again.login('mole', 'Kite-Pass-8842')).status, 200);
  assert.equal((await again.get('/api/v1/subjects')).status, 200);
  // the system administrator retires it
  u = await userOf(sys, 'mole');
  assert.equal((await sys.post(`/api/v1/users/${u.id}/retire`, {})).status, 200);
  // every act in the audit log
  const created = await auditRows(auditor, 'users.create');
  assert.ok(created.some((x) => x.username === 'sysadmin' && x.object.includes('mole')));
  const updated = await auditRows(auditor, 'users.update');
  assert.ok(updated.some((x) => x.username === 'secadmin' && x.object.includes('mole')));
});

test('a month\'s counts are within the caller\'s scope', async () => {
  const M = '2023-05';
  const c = await (await d.as('police')).post('/api/v1/cases', make.cases('TR-K1', { occurred_on: `${M}-12`, subject: 'V1' }));
  assert.equal(c.status, 201, c.text);
  // expected, from the lists each user may read: the subjects on the list that month,
  // and V1 (of 东镇, grid 东一网格) failing
  const expect = { office: ['V1', 'V2', 'V3', 'S1', 'R1'], east: ['V1', 'V2', 'S1'], west: ['V3', 'R1'],
    grid1: ['V1'], edu: ['S1'], subj: ['S1'] };
  for (const [user, listed] of Object.entries(expect)) {
    const u = await d.as(user);
    const r = await u.get(`/api/v1/months/${M}`);
    assert.equal(r.status, 200, `${user}: ${r.text}`);
    const seen = (await u.get(`/api/v1/subjects?as_of=${M}&page_size=500`)).json.items.map((x) => x.code).sort();
    assert.deepEqual(seen, listed.slice().sort(), `${user} lists its own subjects`);
    assert.equal(r.json.counts.subjects, listed.length, `${user}: subjects within its scope`);
    assert.equal(r.json.counts.failing, listed.includes('V1') ? 1 : 0, `${user}: failing within its scope`);
    assert.equal(r.json.counts.case_failing, listed.includes('V1') ? 1 : 0, `${user}: case failing`);
  }
});

test('a township cannot give its subject another township\'s government as supervisor; a used number says only that it cannot be used', async () => {
  const east = await d.as('east'), west = await d.as('west');
  const body = { code: 'TR-S1', name: '东镇超市', kind: 'enterprise', category: 'mall', township: '410000001000', active_from: '2023-09' };
  await unchanged(office, ['subjects'], async () => {
    const r = await east.post('/api/v1/subjects', { ...body, supervisor: 'XZ' });
    assertProblem(r, 422, { field: 'supervisor' });
    assert.match(r.json.detail, /西乡政府/);
    // V1 is 东镇's: to 西乡 it is a number that cannot be used, not "a record exists"
    const taken = await west.post('/api/v1/subjects', { ...body, code: 'V1', township: '410000002000' });
    assertProblem(taken, 409, { field: 'code', detail: /不能使用/ });
    assert.ok(!/已存在|已被占用/.test(taken.json.detail));
  });
  for (const supervisor of ['DZ', 'JT']) {
    const ok = await east.post('/api/v1/subjects', { ...body, code: `TR-S-${supervisor}`, supervisor });
    assert.equal(ok.status, 201, ok.text);
  }
});
