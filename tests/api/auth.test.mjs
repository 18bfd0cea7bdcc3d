// auth.test.mjs: login, sessions, CSRF, login delays, password policy and the
// forced change, logout, expiry; the audit rows they leave.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loadDistrict, freshDb, Client, PASSWORD, NEW_PASSWORD } from './lib.mjs';

let srv;
before(async () => {
  const store = freshDb();
  loadDistrict(store);
  srv = await startServer({ store });
  srv.ownStore = store;
});
after(async () => { await srv.stop(); srv.ownStore.cleanup(); });

test('health answers without a session, with security headers', async () => {
  const c = srv.client();
  const r = await c.get('/api/v1/health');
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'ok');
  assert.match(r.json.version, /^\d+\.\d+/);
  assert.match(r.json.schema, /^\d{3}$/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('x-frame-options'), 'DENY');
});

test('login sets an HttpOnly SameSite=Strict cookie and a CSRF token; forced change first', async () => {
  const c = srv.client();
  const r = await c.post('/api/v1/login', { username: 'office', password: PASSWORD }, { headers: { 'X-CSRF-Token': 'x' } });
  assert.equal(r.status, 200);
  const sc = r.headers.getSetCookie().find((x) => x.startsWith('sanling_session='));
  assert.match(sc, /HttpOnly/);
  assert.match(sc, /SameSite=Strict/);
  const token = sc.split(';')[0].split('=')[1];
  assert.ok(token.length >= 32, 'token has at least 128 bits');
  assert.equal(r.json.must_change, true);
  c.csrf = r.json.csrf_token;
  // before the change, business data is closed
  const l = await c.get('/api/v1/subjects');
  assert.equal(l.status, 403);
  const me = await c.get('/api/v1/me');
  assert.equal(me.status, 200);
  assert.equal(me.json.role, 'office');
  // a weak new password is refused by the policy
  const weak = await c.post('/api/v1/password', { old_password: PASSWORD, new_password: 'short' });
  assert.equal(weak.status, 422);
  assert.match(weak.json.detail, /密码/);
  const same = await c.post('/api/v1/password', { old_password: PASSWORD, new_password: PASSWORD });
  assert.equal(same.status, 422);
  const ok = await c.post('/api/v1/password', { old_password: PASSWORD, new_password: NEW_PASSWORD });
  assert.equal(ok.status, 204);
  const l2 = await c.get('/api/v1/subjects');
  assert.equal(l2.status, 200);
});

test('wrong password and unknown user read the same', async () => {
  const c = srv.client();
  const a = await c.login('petition', 'Wrong-Pass-1');
  const b = await c.login('nobody', 'Wrong-Pass-1');
  assert.equal(a.status, 401);
  assert.equal(b.status, 401);
  assert.equal(a.json.detail, b.json.detail);
});

test('five failures make the source wait, even with the right password; unlock clears it', async () => {
  const c = srv.client();
  for (let i = 0; i < 4; i++) assert.equal((await c.login('police', 'Bad-Pass-' + i)).status, 401);
  const fifth = await c.login('police', 'Bad-Pass-5');
  assert.equal(fifth.status, 429);
  assert.equal(fifth.headers.get('retry-after'), '1');
  assert.equal(fifth.json.retry_after, 1);
  const right = await c.login('police', PASSWORD);
  assert.equal(right.status, 429);
  assert.ok(Number(right.headers.get('retry-after')) >= 1);
  // the security administrator clears the delays
  const sec = await srv.client().loginReady('secadmin');
  const users = await sec.get('/api/v1/users?username=police');
  assert.equal(users.status, 200);
  const id = users.json.items[0].id;
  assert.equal((await sec.post(`/api/v1/users/${id}/unlock`, {})).status, 204);
  assert.equal((await c.login('police', PASSWORD)).status, 200);
});

test('a name that is no account waits alike: a delay does not tell which names are accounts', async () => {
  const c = srv.client();
  const answers = [];
  for (let i = 0; i < 6; i++) answers.push(await c.login('no-such-user', 'Bad-Pass-' + i));
  assert.deepEqual(answers.map((a) => a.status), [401, 401, 401, 401, 429, 429]);
  // the same answer, field for field, as a real account's delay
  const real = srv.client();
  for (let i = 0; i < 4; i++) await real.login('edu', 'Bad-Pass-' + i);
  const delayed = await real.login('edu', 'Bad-Pass-5');
  assert.equal(delayed.status, 429);
  assert.deepEqual(Object.keys(delayed.json).sort(), Object.keys(answers[4].json).sort());
  assert.equal(delayed.json.detail, answers[4].json.detail);
  assert.equal(delayed.headers.get('retry-after'), answers[4].headers.get('retry-after'));
  // nothing of it became an account
  const sec = await srv.client().loginReady('secadmin');
  assert.equal((await sec.get('/api/v1/users?username=no-such-user')).json.items.length, 0);
  // unlock the real one for the tests that follow
  const id = (await sec.get('/api/v1/users?username=edu')).json.items[0].id;
  assert.equal((await sec.post(`/api/v1/users/${id}/unlock`, {})).status, 204);
});

test('state-changing requests need the CSRF header and the right token', async () => {
  const c = await srv.client().loginReady('safety');
  const body = { code: 'CSRF1', name: '无令牌', kind: 'enterprise', category: 'restaurant', township: '410000001000', active_from: '2023-01' };
  const noHeader = await c.post('/api/v1/subjects', body, { csrf: false });
  assert.equal(noHeader.status, 403);
  const wrong = await c.post('/api/v1/subjects', body, { headers: { 'X-CSRF-Token': 'not-the-token' } });
  assert.equal(wrong.status, 403);
  const loginNoHeader = await srv.client().req('POST', '/api/v1/login', { username: 'safety', password: NEW_PASSWORD }, { csrf: false });
  assert.equal(loginNoHeader.status, 403);
});

test('logout revokes the session; a new login rotates the token', async () => {
  const c = await srv.client().loginReady('edu');
  const first = c.cookies.sanling_session;
  assert.equal((await c.get('/api/v1/me')).status, 200);
  const again = await c.login('edu', NEW_PASSWORD);
  assert.equal(again.status, 200);
  assert.notEqual(c.cookies.sanling_session, first);
  const stale = new Client(srv.url);
  stale.cookies.sanling_session = first;
  assert.equal((await stale.get('/api/v1/me')).status, 401, 'the old token is dead after rotation');
  assert.equal((await c.post('/api/v1/logout', {})).status, 204);
  const kept = new Client(srv.url);
  kept.cookies.sanling_session = again.headers.getSetCookie().find((x) => x.startsWith('sanling_session=')).split(';')[0].split('=')[1];
  assert.equal((await kept.get('/api/v1/me')).status, 401);
});

test('an idle session expires', async () => {
  const store = freshDb();
  loadDistrict(store);
  const s2 = await startServer({ store, env: { SANLING_SESSION_IDLE: '1' } });
  try {
    const c = s2.client();
    assert.equal((await c.login('office', PASSWORD)).status, 200);
    assert.equal((await c.get('/api/v1/me')).status, 200);
    await new Promise((r) => setTimeout(r, 2200));
    const r = await c.get('/api/v1/me');
    assert.equal(r.status, 401);
    assert.match(r.json.detail, /过期/);
  } finally { await s2.stop(); store.cleanup(); }
});

test('logins and failures are in the audit log, which verifies; no password in it', async () => {
  const a = await srv.client().loginReady('auditor');
  const r = await a.get('/api/v1/audit?action=login&page_size=500');
  assert.equal(r.status, 200);
  const outcomes = new Set(r.json.items.map((x) => x.outcome));
  assert.ok(outcomes.has('ok'));
  assert.ok(outcomes.has('failed'));
  const all = await a.get('/api/v1/audit?page_size=500');
  const text = JSON.stringify(all.json);
  for (const secret of [PASSWORD, NEW_PASSWORD, 'Bad-Pass-1', 'Wrong-Pass-1']) assert.ok(!text.includes(secret));
  const v = await a.get('/api/v1/audit/verify');
  assert.equal(v.json.ok, true);
  assert.ok(v.json.rows > 10);
  // the audit administrator reads no business data
  assert.equal((await a.get('/api/v1/subjects')).status, 403);
});
