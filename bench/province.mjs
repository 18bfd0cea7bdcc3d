// bench/province.mjs: benchmark 19b — a province's figures read while
// writes land all over it (issue 19), on the engine of SANLING_TEST_BACKEND
// (sqlite, or postgresql with SANLING_TEST_PG).
//
//   node bench/province.mjs [COUNTIES] [RATE] [SECONDS]
//                     (default 100 districts, 200 writes/s, 20 s)
//
// `gen scale --counties COUNTIES` (its time recorded), one account of each
// district's 信访局, a real `sanling serve`, then:
//   a. warm: the province's figures through 2023-08 — every district, as
//      the command line reads them (`sanling figures`, a process each time:
//      there is no account above the districts yet) — RUNS times after a
//      first, cold read;
//   b. the same reads, back to back for SECONDS, while new petitions land
//      over the API at RATE a second, each in a district drawn at random
//      (a third of them at the county level: vetoes, so determinations and
//      the list's cells move too); the reads' median and p99, the writes
//      answered and their median latency.
// Prints a Markdown table on stdout.  The writers, the reader and the server
// share the machine's cores.
import { spawnSync, spawn } from 'node:child_process';
import { BACKEND, BIN, freshDb, PASSWORD, startServer } from '../tests/api/lib.mjs';
import { sql } from '../tests/api/util.mjs';

const COUNTIES = Number(process.argv[2] || 100);
const RATE = Number(process.argv[3] || 200);
const SECONDS = Number(process.argv[4] || 20);
const RUNS = Number(process.env.BENCH_PROVINCE_RUNS || 10);
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor((s.length - 1) / 2)]; };
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
const ms = (x) => x.toFixed(1);
const label = BACKEND === 'postgresql' ? 'PostgreSQL' : 'SQLite';

const store = freshDb();
let t = performance.now();
let r = store.cli(['gen', 'scale', '--counties', String(COUNTIES)]);
if (r.status !== 0) throw new Error('gen scale: ' + r.stderr);
const genSeconds = (performance.now() - t) / 1000;

// the province's figures, as a process: its latency
const env = { ...process.env, SANLING_FAST_KDF: '1' };
function figures() {
  const t0 = performance.now();
  const f = spawnSync(BIN, ['--db', store.db, '--key', store.key, 'figures', '--through', '2023-08'], { encoding: 'utf8', env });
  if (f.status !== 0) throw new Error('figures: ' + f.stderr);
  return performance.now() - t0;
}
function figuresAsync() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(BIN, ['--db', store.db, '--key', store.key, 'figures', '--through', '2023-08'], { env, stdio: 'ignore' });
    p.on('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`figures exited ${code}`))));
  });
}

const depts = sql(store, "SELECT code, district FROM departments WHERE code LIKE '%-XFJ' ORDER BY code", BACKEND)
  .split('\n').map((l) => l.split('|'));
for (const [code] of depts) {
  const u = store.cli(['user', 'add', `p${code}`, '--role', 'petition', '--dept', code], PASSWORD + '\n');
  if (u.status !== 0) throw new Error('user add: ' + u.stderr);
}
const subjects = {};
for (const line of sql(store, "SELECT district, code, township FROM subjects WHERE active_to IS NULL AND code LIKE 'C%' ORDER BY code", BACKEND).split('\n')) {
  const [d, code, township] = line.split('|');
  (subjects[d] ||= []).push([code, township]);
}

const cold = figures();
const warm = [];
for (let i = 0; i < RUNS; i++) warm.push(figures());

const srv = await startServer({ store });
try {
  const clients = [];
  for (const [code, district] of depts) {
    const c = srv.client();
    await c.loginReady(`p${code}`);
    clients.push([c, district]);
  }
  let seed = 1919, n = 0, answered = 0, failed = 0;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const writeLatency = [];
  const write = async () => {
    const [c, district] = clients[Math.floor(rand() * clients.length)];
    const list = subjects[district];
    const [subject, township] = list[Math.floor(rand() * list.length)];
    const day = `2023-0${1 + Math.floor(rand() * 8)}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
    const t0 = performance.now();
    const w = await c.post('/api/v1/petitions', { no: `BP-${++n}`, received_on: day, channel: 'visit', persons: 1,
      level: rand() < 1 / 3 ? 'county' : 'township', subject, township, category: 'other', summary: '基准' });
    writeLatency.push(performance.now() - t0);
    if (w.status === 201) answered++; else failed++;
  };
  const pending = new Set();
  const start = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    // as many as the rate asks by now
    const due = Math.floor(((performance.now() - start) / 1000) * RATE);
    while (sent < due) {
      sent++;
      const p = write().finally(() => pending.delete(p));
      pending.add(p);
    }
  }, 5);
  const loaded = [];
  while (performance.now() - start < SECONDS * 1000) loaded.push(await figuresAsync());
  clearInterval(timer);
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  console.log(`| 19b. ${label}, ${COUNTIES} districts: \`gen scale\` (s) | ${genSeconds.toFixed(1)} | |`);
  console.log(`| 19b. ${label}: province figures, cold (ms) | ${ms(cold)} | |`);
  console.log(`| 19b. ${label}: province figures, warm, median / p99 (ms) | ${ms(median(warm))} / ${ms(pct(warm, 0.99))} | baseline |`);
  console.log(`| 19b. ${label}: province figures under ${RATE} writes/s, median / p99 (ms) | ${ms(median(loaded))} / ${ms(pct(loaded, 0.99))} | ` +
    `${(median(loaded) / median(warm)).toFixed(2)}× warm (target ≤ 2×); p99 target < 200 ms |`);
  console.log(`| 19b. ${label}: writes answered (201) / failed, per second; their median latency (ms) | ${answered} / ${failed}, ` +
    `${(answered / elapsed).toFixed(0)}/s; ${ms(median(writeLatency))} | ${loaded.length} reads |`);
} finally {
  await srv.stop();
  store.cleanup();
}
