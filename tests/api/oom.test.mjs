// oom.test.mjs: the server out of memory, as SQLite's test_malloc does it —
// the N-th allocation of a request made to fail, for N = 1, 2, … until N
// passes the request's last allocation — over a login, a list, a save and an
// import.  Each answer is the request's own (whole) or 503, never 500, never
// a crash; what a 503 answered was not kept, and the server goes on: the
// same request without a fault gives the same answer, the audit chain and
// the database are whole at the end.  The server honours the test header
// X-Sanling-Fault only when started with SANLING_TEST_FAULTS=1 (base/alloc.h).
// Under ASan (tests/run's sanitizer pass) this also finds leaks on those paths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, loadDistrict, startServer, PASSWORD, NEW_PASSWORD, BACKEND } from './lib.mjs';
import { toCsv, sql } from './util.mjs';

let store, srv, office;
before(async () => {
  store = freshDb();
  loadDistrict(store);
  srv = await startServer({ store, env: { SANLING_TEST_FAULTS: '1' } });
  office = await srv.client().loginReady('office');
  await (await srv.client().loginReady('police')).get('/api/v1/me');
});
after(async () => { await srv?.stop(); store?.cleanup(); });

// Run `send(n, headers)` for n = 1, 2, … until the fault is no longer reached;
// `check(r, n)` judges each answer.  Returns the number of faults injected.
async function faultLoop(what, send, check, limit = 20000) {
  let n = 1, faults503 = 0;
  for (; n <= limit; n++) {
    const r = await send(n, { 'X-Sanling-Fault': String(n) });
    assert.notEqual(r.status, 500, `${what}: fault ${n} answered 500: ${r.text}`);
    const reached = r.headers.get('x-sanling-fault-reached');
    assert.ok(reached === '1' || reached === '0', `${what}: fault ${n}: the server says whether it was reached`);
    if (r.status === 503) faults503++;
    await check(r, n, reached === '1');
    if (reached === '0') break;
  }
  assert.ok(n <= limit, `${what}: the request's allocations end`);
  assert.ok(faults503 > 0, `${what}: some faults were answered 503`);
  if (process.env.OOM_VERBOSE) console.log(`${what}: ${n} allocations, ${faults503} answered 503`);
  return n;
}

test('a login out of memory: 200 with a session, or 503 without one', async () => {
  const n = await faultLoop('login', (i, headers) => srv.client().req('POST', '/api/v1/login',
    { username: 'office', password: NEW_PASSWORD }, { headers: { 'X-CSRF-Token': 'login', ...headers } }),
  (r) => {
    assert.ok([200, 503].includes(r.status), `login: ${r.status} ${r.text}`);
    const cookies = (r.headers.getSetCookie?.() || []).join(';');
    if (r.status === 200) assert.ok(r.json.csrf_token && cookies.includes('sanling_session='));
    else assert.ok(!cookies.includes('sanling_session='), 'a 503 sets no session');
  });
  assert.ok(n > 10, `${n} allocations walked`);
});

test('a list out of memory: the same answer as without a fault, or 503', async () => {
  const path = '/api/v1/subjects?page_size=3&sort=code';
  const want = (await office.get(path)).json;
  await faultLoop('list', (i, headers) => office.get(path, { headers }), (r) => {
    assert.ok([200, 503].includes(r.status), `list: ${r.status} ${r.text}`);
    if (r.status === 200) assert.deepEqual(r.json, want);
  });
});

test('a save out of memory: 201 and kept, or 503 and nothing kept', async () => {
  const police = await srv.client().loginReady('police');
  const answered = new Map();
  await faultLoop('save', (i, headers) => police.post('/api/v1/cases', {
    no: `OOM-${i}`, kind: 'criminal', category: 'other', occurred_on: '2023-04-02', subject: 'V1',
  }, { headers }), (r, i) => {
    assert.ok([201, 503].includes(r.status), `save: ${r.status} ${r.text}`);
    answered.set(`OOM-${i}`, r.status);
  });
  const stored = new Set(sql(store, "SELECT no FROM cases WHERE no LIKE 'OOM-%'", BACKEND).split('\n').filter(Boolean));
  for (const [no, status] of answered) assert.equal(stored.has(no), status === 201, `${no} answered ${status}`);
});

test('an import out of memory: all rows, or 503 and none', async () => {
  const police = await srv.client().loginReady('police');
  const answered = new Map();
  const rows = (i) => toCsv([['no', 'kind', 'category', 'occurred_on', 'subject'],
    ...[1, 2, 3].map((k) => [`OOMI-${i}-${k}`, 'criminal', 'other', '2023-04-03', 'V2'])]);
  await faultLoop('import', (i, headers) => police.post('/api/v1/cases/import?format=csv', rows(i),
    { headers: { 'content-type': 'text/csv', ...headers }, raw: true }), (r, i) => {
    assert.ok([200, 503].includes(r.status), `import: ${r.status} ${r.text}`);
    answered.set(i, r.status);
  });
  const stored = sql(store, "SELECT no FROM cases WHERE no LIKE 'OOMI-%'", BACKEND).split('\n').filter(Boolean);
  for (const [i, status] of answered) {
    const mine = stored.filter((no) => no.startsWith(`OOMI-${i}-`));
    assert.equal(mine.length, status === 200 ? 3 : 0, `import ${i} answered ${status}: ${mine.length} rows kept`);
  }
});

// A save whose session is due for its last-seen time: the touch is a write
// of its own, committed before the save; a shortage in the save after it is
// still 503 (not 500: the kept touch is not the save).  Before each round the
// session is aged in the database, and an account's write makes the server
// forget the sessions it had read, so that it reads the aged one.
test('a save out of memory after its session was touched: 201 and kept, or 503 and nothing kept', async () => {
  const sys = await srv.client().loginReady('sysadmin');
  const [user] = (await sys.get('/api/v1/users?username=police')).json.items;
  const police = srv.client();
  assert.equal((await police.login('police', NEW_PASSWORD)).status, 200);
  let rev = user.rev;
  const answered = new Map();
  await faultLoop('touched save', async (i, headers) => {
    sql(store, `UPDATE sessions SET last_seen = ${Math.floor(Date.now() / 1000) - 60} WHERE user_id = ${user.id}`, BACKEND);
    const forget = await sys.patch(`/api/v1/users/${user.id}`, { display_name: `警${i}`, rev });
    assert.equal(forget.status, 200, forget.text);
    rev = forget.json.rev;
    return police.post('/api/v1/cases', {
      no: `OOMS-${i}`, kind: 'criminal', category: 'other', occurred_on: '2023-04-02', subject: 'V1',
    }, { headers });
  }, (r, i) => {
    assert.ok([201, 503].includes(r.status), `touched save: ${r.status} ${r.text}`);
    answered.set(`OOMS-${i}`, r.status);
  });
  const stored = new Set(sql(store, "SELECT no FROM cases WHERE no LIKE 'OOMS-%'", BACKEND).split('\n').filter(Boolean));
  for (const [no, status] of answered) assert.equal(stored.has(no), status === 201, `${no} answered ${status}`);
  // the session, aged before the last save, was touched by it
  const touched = sql(store, `SELECT COUNT(*) FROM sessions WHERE user_id = ${user.id} AND last_seen > ${Math.floor(Date.now() / 1000) - 30}`, BACKEND);
  assert.equal(touched, '1');
});

test('after it all the server goes on, the audit chain and the database are whole', async () => {
  assert.equal((await srv.client().get('/api/v1/health')).status, 200);
  assert.equal((await office.get('/api/v1/cases?page_size=1')).status, 200);
  const v = store.cli(['audit', 'verify']);
  assert.equal(v.status, 0, v.stderr + v.stdout);
  if (BACKEND === 'sqlite') assert.equal(sql(store, 'PRAGMA integrity_check', BACKEND), 'ok');
});

test('the to-dos out of memory: the same list or 503; a task saved (its version bumped) or not at all', async () => {
  const day = (n) => new Date(Date.now() + 8 * 3600e3 + n * 86400000).toISOString().slice(0, 10);
  const task = (no) => ({ no, title: no, source: 'standard', owner: 'JT', assigned_on: day(-5), due_on: day(1) });
  assert.equal((await office.post('/api/v1/tasks', task('OOMT-0'))).status, 201);
  const edu = await srv.client().loginReady('edu');
  const want = (await edu.get('/api/v1/todos')).json;
  assert.ok(want.items.some((x) => x.title === 'OOMT-0 OOMT-0'));
  await faultLoop('todos', (i, headers) => edu.get('/api/v1/todos', { headers }), (r) => {
    assert.ok([200, 503].includes(r.status), `todos: ${r.status} ${r.text}`);
    if (r.status === 200) assert.deepEqual(r.json, want);
  });
  const answered = new Map();
  await faultLoop('task save', (i, headers) => office.post('/api/v1/tasks', task(`OOMT-${i}`), { headers }), (r, i) => {
    assert.ok([201, 503].includes(r.status), `task save: ${r.status} ${r.text}`);
    answered.set(`OOMT-${i}`, r.status);
  });
  const stored = new Set(sql(store, "SELECT no FROM tasks WHERE no LIKE 'OOMT-%'", BACKEND).split('\n').filter(Boolean));
  for (const [no, status] of answered) assert.equal(stored.has(no), status === 201, `${no} answered ${status}`);
  assert.notEqual((await edu.get('/api/v1/todos')).json.version, want.version);
});
