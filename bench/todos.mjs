// bench/todos.mjs: benchmark 10 — the to-dos (issue 14).
//
//   node bench/todos.mjs [N] [CLIENTS]     (N: open tasks + problems, default
//   100000; CLIENTS: long-poll clients, default 1000)
//
// A fresh SQLite database with the small district of the API tests
// (tests/api/lib.mjs) and N/2 open tasks and N/2 open problems, all owned
// by one department (JT, user `edu`), due from 200 days ago to 200 days on
// (so about half are overdue or near: thousands of candidates, 2 × 200
// listed), inserted with SQL (a recursive CTE: no per-row work).  Then a
// real `sanling serve`:
//   a. GET /api/v1/todos as `edu`, sequential, median latency, against
//      GET /api/v1/me (the same session and routing, no query) in the same
//      run;
//   b. CLIENTS long polls GET /api/v1/todos/wait?since=VERSION held at once
//      (one connection each); the server's VmRSS before and once all are
//      parked; then the office registers a task of JT (one write) and the
//      time from the write's answer (and from its request) to every
//      client's answer is taken.
// Prints a Markdown table on stdout (bench/run appends it to RESULTS.md).
// Not a load test: client and server share the machine's cores.
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { freshDb, loadDistrict, startServer } from '../tests/api/lib.mjs';

const N = Number(process.argv[2] || 100000);
const CLIENTS = Number(process.argv[3] || 1000);
const REQS = Number(process.env.BENCH_TODO_REQS || 200);
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor((s.length - 1) / 2)]; };
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
const ms = (x) => x.toFixed(2);

function sqlite(db, sql) {
  const r = spawnSync('sqlite3', [db], { input: sql, encoding: 'utf8' });
  if (r.status !== 0) throw new Error('sqlite3: ' + r.stderr);
  return r.stdout.trim();
}

function rssKiB(pid) {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
  return Number(m[1]);
}

// A request on its own connection (no keep-alive pool: one socket per client, as browsers hold).
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
function get(url, path, cookie) {
  return new Promise((resolve, reject) => {
    const req = http.request(url + path, { method: 'GET', agent, headers: { cookie } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body, at: performance.now() }));
    });
    req.on('error', reject);
    req.end();
  });
}

const store = freshDb();
let srv;
try {
  loadDistrict(store);
  const half = Math.floor(N / 2);
  const t0 = performance.now();
  sqlite(store.db, `
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${half})
INSERT INTO tasks (no, title, source, owner, co_owners, township, assigned_on, due_on, status, district,
                   created_at, updated_at, rev)
SELECT 'BT' || i, '基准任务' || i, 'standard', 'JT', 'SJ', '410000001000', date('now', '-300 days'),
       date('now', ((i % 400) - 200) || ' days'), CASE WHEN i % 3 = 0 THEN 'in_progress' ELSE 'assigned' END,
       '410000000000', 0, 0, 1 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${N - half})
INSERT INTO problems (no, found_on, source, department, township, subject, description, level, deadline, status,
                      district, created_at, updated_at, rev)
SELECT 'BP' || i, date('now', '-300 days'), 'supervision', 'JT', '410000001000', 'S1', '基准问题' || i, 'general',
       date('now', ((i % 400) - 200) || ' days'), CASE WHEN i % 3 = 0 THEN 'rectifying' ELSE 'open' END,
       '410000000000', 0, 0, 1 FROM n;
COMMIT;
ANALYZE;
PRAGMA wal_checkpoint(TRUNCATE);`);
  const loadMs = performance.now() - t0;
  srv = await startServer({ store, args: ['--threads', process.env.BENCH_THREADS || '2'] });
  const edu = await srv.client().loginReady('edu');
  const office = await srv.client().loginReady('office');
  const cookie = edu.cookieHeader();

  // a. the list against GET /me
  const first = await edu.get('/api/v1/todos');
  if (first.status !== 200) throw new Error('todos: ' + first.text);
  const items = first.json.items.length;
  const lat = { todos: [], me: [] };
  for (let i = 0; i < 20; i++) { await get(srv.url, '/api/v1/todos', cookie); await get(srv.url, '/api/v1/me', cookie); }
  for (let i = 0; i < REQS; i++) {
    for (const [k, p] of [['todos', '/api/v1/todos'], ['me', '/api/v1/me']]) {
      const s = performance.now();
      const r = await get(srv.url, p, cookie);
      if (r.status !== 200) throw new Error(`${p}: ${r.status} ${r.body}`);
      lat[k].push(r.at - s);
    }
  }
  const mTodos = median(lat.todos), mMe = median(lat.me);

  // b. CLIENTS long polls
  const version = (await edu.get('/api/v1/todos')).json.version;
  await new Promise((ok) => setTimeout(ok, 500));
  const rssBefore = rssKiB(srv.proc.pid);
  const waits = [];
  for (let i = 0; i < CLIENTS; i++) waits.push(get(srv.url, `/api/v1/todos/wait?since=${version}`, cookie));
  // all sent and parked: nothing comes back before the write (the wait is 25 s)
  await new Promise((ok) => setTimeout(ok, 2000 + CLIENTS));
  const rssParked = rssKiB(srv.proc.pid);
  const sent = performance.now();
  const w = await office.post('/api/v1/tasks', { no: 'BT-WRITE', title: '基准写入', source: 'standard', owner: 'JT',
    assigned_on: new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10), due_on: new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10) });
  const written = performance.now();
  if (w.status !== 201) throw new Error('write: ' + w.text);
  const answers = await Promise.all(waits);
  const bad = answers.filter((a) => a.status !== 200 || !JSON.parse(a.body).changed).length;
  const last = Math.max(...answers.map((a) => a.at));
  const fromWrite = answers.map((a) => a.at - written);
  const perClient = (rssParked - rssBefore) / CLIENTS;

  const met = (ok) => (ok ? 'yes' : '**no**');
  console.log('| figure | value | baseline | ratio | target | met |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| 10a. \`GET /api/v1/todos\` as a department owning ${N.toLocaleString('en-US')} open tasks and problems (${items} items listed), median of ${REQS} | ${ms(mTodos)} ms | \`GET /api/v1/me\` ${ms(mMe)} ms | ${(mTodos / mMe).toFixed(1)} | < 10 ms | ${met(mTodos < 10)} |`);
  console.log(`| 10b. ${CLIENTS} long polls parked: server VmRSS before → after | ${(rssBefore / 1024).toFixed(1)} → ${(rssParked / 1024).toFixed(1)} MiB (+${((rssParked - rssBefore) / 1024).toFixed(1)} MiB, ${perClient.toFixed(1)} KiB each) | — | — | < +64 MiB | ${met(rssParked - rssBefore < 65536)} |`);
  console.log(`| 10c. one write → every one of the ${CLIENTS} clients answered (changed; not: ${bad}) | last ${ms(last - written)} ms after the write's answer (${ms(last - sent)} ms after its request); median ${ms(median(fromWrite))} ms, p95 ${ms(pct(fromWrite, 0.95))} ms | — | — | < 1000 ms | ${met(bad === 0 && last - sent < 1000)} |`);
  console.log('');
  console.log(`(data: ${N.toLocaleString('en-US')} rows inserted by SQL in ${ms(loadMs)} ms; the server at --threads ${process.env.BENCH_THREADS || 2}; p95 of 10a ${ms(pct(lat.todos, 0.95))} ms)`);
} finally {
  await srv?.stop();
  store.cleanup();
}
