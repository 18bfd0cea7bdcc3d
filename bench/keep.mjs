// bench/keep.mjs: benchmark 19a — the figures kept current by the writes
// (issue 19), on a copy of the demo district, on the engine of
// SANLING_TEST_BACKEND (sqlite, or postgresql with SANLING_TEST_PG).
//
//   node bench/keep.mjs [N]      (N: requests of each kind, default 200)
//
// A real `sanling serve` on the copy, the months 2022-01..2023-08 computed
// by a first read, then, one client, sequentially:
//   a. warm: GET /api/v1/figures?through=2023-08 as `office`, N times;
//   b. after a write: N times, a new petition (POST as `petition`, of a
//      subject and a day of 2023 drawn at random, a third of them at the
//      county level: a veto, so the determination and the list's cells
//      move too) and then the same GET; the GET's latency;
//   c. the write's added cost: N such POSTs, each followed by a read of a
//      page of subjects, with the months kept, against the same when no
//      month is kept (the computed months forgotten with SQL, so the write
//      finds nothing to keep: what a write cost before, less the version
//      it bumped), in six alternating blocks of each.
// Prints a Markdown table on stdout (bench/run appends it to RESULTS.md).
// Client and server share the machine's cores.
import { BACKEND, DEMO_PASSWORD, freshDb, loadDemo, startServer } from '../tests/api/lib.mjs';
import { sql } from '../tests/api/util.mjs';

const N = Number(process.argv[2] || 200);
const BLOCKS = 6;
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor((s.length - 1) / 2)]; };
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
const ms = (x) => x.toFixed(2);

const store = freshDb();
loadDemo(store);
const srv = await startServer({ store });
try {
  const office = srv.client(), petition = srv.client();
  for (const [c, u] of [[office, 'office'], [petition, 'petition']]) {
    const r = await c.login(u, DEMO_PASSWORD);
    if (r.status !== 200) throw new Error(`login ${u}: ${r.text}`);
  }
  const subjects = sql(store, "SELECT code, township FROM subjects WHERE active_to IS NULL ORDER BY code", BACKEND)
    .split('\n').map((l) => l.split('|'));
  let seed = 19, n = 0;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const read = async () => {
    const t = performance.now();
    const r = await office.get('/api/v1/figures?through=2023-08');
    if (r.status !== 200) throw new Error(r.text);
    return performance.now() - t;
  };
  const write = async () => {
    const [subject, township] = subjects[Math.floor(rand() * subjects.length)];
    const day = `2023-0${1 + Math.floor(rand() * 8)}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
    const t = performance.now();
    const r = await petition.post('/api/v1/petitions', { no: `BK-${process.pid}-${++n}`, received_on: day, channel: 'visit',
      persons: 1 + Math.floor(rand() * 3), level: rand() < 1 / 3 ? 'county' : 'township', subject, township,
      category: 'other', summary: '基准' });
    if (r.status !== 201) throw new Error(r.text);
    return performance.now() - t;
  };
  const first = await read();
  for (let i = 0; i < 20; i++) await read(); // warm the caches
  const warm = [];
  for (let i = 0; i < N; i++) warm.push(await read());
  const afterWrite = [];
  for (let i = 0; i < N; i++) {
    await write();
    afterWrite.push(await read());
  }
  // the writes alone, each followed by the same other read (a page of a
  // list), with the months kept and then forgotten, in alternating blocks
  // (the machine's drift over a run falls on both alike); a read computes
  // the months again before each kept block
  const writes = async (n) => {
    const out = [];
    for (let i = 0; i < n; i++) {
      out.push(await write());
      if ((await office.get('/api/v1/subjects?page_size=100')).status !== 200) throw new Error('list');
    }
    return out;
  };
  const kept = [], unkept = [];
  for (let b = 0; b < BLOCKS; b++) {
    await read();
    kept.push(...await writes(Math.ceil(N / BLOCKS)));
    sql(store, 'DELETE FROM figure_months', BACKEND);
    sql(store, 'DELETE FROM assess_months', BACKEND);
    unkept.push(...await writes(Math.ceil(N / BLOCKS)));
  }
  const label = BACKEND === 'postgresql' ? 'PostgreSQL' : 'SQLite';
  console.log(`| 19a. ${label}: first read (the months computed) (ms) | ${ms(first)} | |`);
  console.log(`| 19a. ${label}: GET /figures warm, median / p99 (ms) | ${ms(median(warm))} / ${ms(pct(warm, 0.99))} | baseline |`);
  console.log(`| 19a. ${label}: GET /figures right after a write, median / p99 (ms) | ${ms(median(afterWrite))} / ${ms(pct(afterWrite, 0.99))} | ` +
    `${(median(afterWrite) / median(warm)).toFixed(2)}× the warm read (target ≤ 2×) |`);
  console.log(`| 19a. ${label}: POST /petitions, nothing kept, median (ms) | ${ms(median(unkept))} | baseline |`);
  console.log(`| 19a. ${label}: POST /petitions, its months kept, median (ms) | ${ms(median(kept))} | ` +
    `+${((median(kept) / median(unkept) - 1) * 100).toFixed(1)} % (target ≤ 20 %) |`);
} finally {
  await srv.stop();
  store.cleanup();
}
