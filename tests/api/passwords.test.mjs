// passwords.test.mjs: what a new password may not be, and how guessing is
// slowed.  Common passwords and words dressed with digits and symbols are
// refused on creation, own change and administrator reset; so is a password
// containing the user name; a change may not bring back any of the account's
// last five passwords (the sixth may come back).  A wrong old password counts
// like a failed login.  Failures make a source (client address) wait, with
// delays that double; another source is still heard; failures from many
// sources together make every source wait; unlock clears it all.  And an
// update (PATCH) must name the rev it was made from: 428 without, 422 for a
// rev that is not a non-negative integer, 409 when stale.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, loadDistrict, freshDb, PASSWORD, NEW_PASSWORD } from './lib.mjs';

let srv;
before(async () => {
  const store = freshDb();
  loadDistrict(store);
  srv = await startServer({ store });
  srv.ownStore = store;
});
after(async () => { await srv.stop(); srv.ownStore.cleanup(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A login from the loopback address `from` (127.0.0.x): the server sees it
// as that source.
function loginFrom(from, username, password) {
  return new Promise((resolve, reject) => {
    const u = new URL(srv.url + '/api/v1/login');
    const body = JSON.stringify({ username, password });
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname, method: 'POST', localAddress: from,
      headers: { 'content-type': 'application/json', 'x-csrf-token': 'login', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'], json: data ? JSON.parse(data) : null }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function userId(admin, name) {
  const r = await admin.get(`/api/v1/users?username=${name}`);
  assert.equal(r.status, 200);
  return r.json.items[0].id;
}

async function unlock(name) {
  const sec = await srv.client().loginReady('secadmin');
  assert.equal((await sec.post(`/api/v1/users/${await userId(sec, name)}/unlock`, {})).status, 204);
}

const COMMON = ['Password1', 'Password1!', 'P@ssw0rd!', 'Admin@123', 'Qwerty123!', 'Aa123456', '#Sunshine2024', 'Woaini1314!'];

test('common passwords are refused on a change of one\'s own', async () => {
  const c = srv.client();
  assert.equal((await c.login('office', PASSWORD)).status, 200);
  for (const pw of COMMON) {
    const r = await c.post('/api/v1/password', { old_password: PASSWORD, new_password: pw });
    assert.equal(r.status, 422, pw);
    assert.equal(r.json.field, 'new_password');
    assert.match(r.json.detail, /常见/);
    assert.ok(!r.json.detail.includes(pw), 'the password is not in the message');
  }
  // the test's own password passes
  assert.equal((await c.post('/api/v1/password', { old_password: PASSWORD, new_password: NEW_PASSWORD })).status, 204);
});

test('common passwords and the user name are refused on creation and on reset', async () => {
  const sys = await srv.client().loginReady('sysadmin');
  const user = { username: 'zhangwei' }; // no role: the security administrator grants it (三员分立)
  for (const pw of ['Password1', 'grid@Grid123', 'Zhangwei#2024', 'X-zhangwei-9']) {
    const r = await sys.post('/api/v1/users', { ...user, password: pw });
    assert.equal(r.status, 422, pw);
    assert.equal(r.json.field, 'password');
    assert.match(r.json.detail, /常见|用户名/);
  }
  assert.equal((await sys.post('/api/v1/users', { ...user, password: PASSWORD })).status, 201);
  const id = await userId(sys, 'zhangwei');
  for (const pw of ['Password1', 'Zhangwei@2024']) {
    const r = await sys.post(`/api/v1/users/${id}/password`, { password: pw });
    assert.equal(r.status, 422, pw);
    assert.match(r.json.detail, /常见|用户名/);
  }
  assert.equal((await sys.post(`/api/v1/users/${id}/password`, { password: 'Reset-Kite-73' })).status, 204);
});

test('a password containing the user name is refused: grid@Grid123 for user grid', async () => {
  const sys = await srv.client().loginReady('sysadmin');
  const made = await sys.post('/api/v1/users', { username: 'grid', password: PASSWORD });
  assert.equal(made.status, 201, made.text);
  const c = srv.client();
  assert.equal((await c.login('grid', PASSWORD)).status, 200);
  for (const pw of ['grid@Grid123', 'My-Grid-Pass-9', 'GRID-2024-ok!']) {
    const r = await c.post('/api/v1/password', { old_password: PASSWORD, new_password: pw });
    assert.equal(r.status, 422, pw);
    assert.match(r.json.detail, /用户名/);
  }
  assert.equal((await c.post('/api/v1/password', { old_password: PASSWORD, new_password: NEW_PASSWORD })).status, 204);
});

test('none of the last five passwords comes back; the sixth may', async () => {
  const c = srv.client();
  assert.equal((await c.login('petition', PASSWORD)).status, 200);
  const seq = ['Ruby-Kite-41', 'Ruby-Kite-42', 'Ruby-Kite-43', 'Ruby-Kite-44', 'Ruby-Kite-45'];
  let cur = PASSWORD;
  for (const pw of seq) {
    const r = await c.post('/api/v1/password', { old_password: cur, new_password: pw });
    assert.equal(r.status, 204, r.text);
    cur = pw;
  }
  // the current one and the four before it: refused
  for (const pw of seq) {
    if (pw === cur) continue;
    const r = await c.post('/api/v1/password', { old_password: cur, new_password: pw });
    assert.equal(r.status, 422, pw);
    assert.equal(r.json.field, 'new_password');
    assert.match(r.json.detail, /最近 5 次/);
  }
  const same = await c.post('/api/v1/password', { old_password: cur, new_password: cur });
  assert.equal(same.status, 422);
  // the initial password is the sixth most recent: allowed again
  assert.equal((await c.post('/api/v1/password', { old_password: cur, new_password: PASSWORD })).status, 204);
  assert.equal((await srv.client().login('petition', PASSWORD)).status, 200);
});

test('wrong old passwords count like failed logins', async () => {
  const c = srv.client();
  assert.equal((await c.login('safety', PASSWORD)).status, 200);
  for (let i = 0; i < 4; i++) {
    const r = await c.post('/api/v1/password', { old_password: 'Wrong-Old-' + i, new_password: NEW_PASSWORD });
    assert.equal(r.status, 422);
    assert.equal(r.json.field, 'old_password');
  }
  const fifth = await c.post('/api/v1/password', { old_password: 'Wrong-Old-5', new_password: NEW_PASSWORD });
  assert.equal(fifth.status, 429);
  assert.equal(fifth.headers.get('retry-after'), '1');
  // the right old password is not heard meanwhile, and neither is a login from there
  const right = await c.post('/api/v1/password', { old_password: PASSWORD, new_password: NEW_PASSWORD });
  assert.equal(right.status, 429);
  assert.equal((await srv.client().login('safety', PASSWORD)).status, 429);
  // the audit log has the failed changes
  const audit = await (await srv.client().loginReady('auditor')).get('/api/v1/audit?action=password.change&page_size=50');
  assert.equal(audit.status, 200);
  assert.ok(audit.json.items.some((a) => a.outcome === 'failed' && a.username === 'safety'), JSON.stringify(audit.json.items[0]));
  assert.ok(!JSON.stringify(audit.json).includes('Wrong-Old-'), 'no password in the audit log');
  await unlock('safety');
  assert.equal((await c.post('/api/v1/password', { old_password: PASSWORD, new_password: NEW_PASSWORD })).status, 204);
});

test('a source that must wait does not make another source wait', async () => {
  for (let i = 0; i < 4; i++) assert.equal((await loginFrom('127.0.0.2', 'police', 'Bad-Pass-' + i)).status, 401);
  const fifth = await loginFrom('127.0.0.2', 'police', 'Bad-Pass-4');
  assert.equal(fifth.status, 429);
  assert.equal((await loginFrom('127.0.0.2', 'police', PASSWORD)).status, 429);
  // the user at another address logs in
  const other = await loginFrom('127.0.0.3', 'police', PASSWORD);
  assert.equal(other.status, 200, JSON.stringify(other.json));
  // and the first still waits
  assert.equal((await loginFrom('127.0.0.2', 'police', PASSWORD)).status, 429);
  await unlock('police');
  assert.equal((await loginFrom('127.0.0.2', 'police', PASSWORD)).status, 200);
});

test('the delays double: 1 s, 2 s, 4 s', async () => {
  const from = '127.0.0.4';
  for (let i = 0; i < 4; i++) assert.equal((await loginFrom(from, 'west', 'Bad-Pass-' + i)).status, 401);
  let r = await loginFrom(from, 'west', 'Bad-Pass-4');
  assert.equal(r.status, 429);
  assert.equal(r.retryAfter, '1');
  assert.equal(r.json.retry_after, 1);
  assert.match(r.json.detail, /1 秒后再试/);
  // within the delay: not heard (not counted either)
  r = await loginFrom(from, 'west', 'Bad-Pass-x');
  assert.equal(r.status, 429);
  await sleep(1100);
  r = await loginFrom(from, 'west', 'Bad-Pass-6');
  assert.equal(r.status, 429);
  assert.equal(r.retryAfter, '2');
  await sleep(2100);
  r = await loginFrom(from, 'west', 'Bad-Pass-7');
  assert.equal(r.status, 429);
  assert.equal(r.retryAfter, '4');
  // the security administrator clears it
  await unlock('west');
  assert.equal((await loginFrom(from, 'west', PASSWORD)).status, 200);
});

test('failures spread over many sources make every source wait', async () => {
  // ten sources, five failures each: fifty in all for the account
  for (let s = 10; s < 20; s++) {
    for (let i = 0; i < 5; i++) {
      const r = await loginFrom(`127.0.0.${s}`, 'east', 'Bad-Pass-' + i);
      assert.equal(r.status, i < 4 ? 401 : 429, `source ${s}, failure ${i}`);
    }
  }
  const fresh = await loginFrom('127.0.0.30', 'east', PASSWORD);
  assert.equal(fresh.status, 429);
  assert.ok(Number(fresh.retryAfter) >= 1);
  await unlock('east');
  assert.equal((await loginFrom('127.0.0.30', 'east', PASSWORD)).status, 200);
});

test('PATCH must name the rev it was made from: 428 without, 422 malformed, 409 stale', async () => {
  const office = srv.client();
  assert.equal((await office.login('office', NEW_PASSWORD)).status, 200);
  const list = await office.get('/api/v1/subjects?code=V2');
  const rec = list.json.items[0];
  const path = `/api/v1/subjects/${rec.id}`;
  const before = (await office.get(path)).json;

  const missing = await office.patch(path, { name: '无版本' });
  assert.equal(missing.status, 428);
  assert.match(missing.headers.get('content-type'), /problem\+json/);
  assert.equal(missing.json.field, 'rev');
  assert.match(missing.json.detail, /rev/);
  for (const rev of [-1, '1', 1.5, null]) {
    const r = await office.patch(path, { name: '坏版本', rev });
    assert.equal(r.status, 422, String(rev));
    assert.equal(r.json.field, 'rev');
  }
  const stale = await office.patch(path, { name: '旧版本', rev: before.rev + 7 });
  assert.equal(stale.status, 409);
  assert.deepEqual((await office.get(path)).json, before, 'nothing changed');

  const ok = await office.patch(path, { name: '东二村委会（新）', rev: before.rev });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.rev, before.rev + 1);
  const again = await office.patch(path, { name: '再改', rev: before.rev });
  assert.equal(again.status, 409);
});
