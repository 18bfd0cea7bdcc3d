// bench/exchange.mjs: benchmark 19 (exchange) — upward reporting between
// deployments (issue 19: "exporting and importing a district's month
// < 1 s"), on a copy of the demo district, on the engine of
// SANLING_TEST_BACKEND (sqlite, or postgresql with SANLING_TEST_PG).
//
//   node bench/exchange.mjs [RUNS]      (RUNS: runs of each figure, default 5)
//
// The district (the demo: 2,201 subjects, 2023-06 published over the API
// by the three leads and the office, its documents archived) runs
// `sanling exchange export --month 2023-06` RUNS times; a city (a fresh
// store, `init`, `exchange trust` with the district's key, untimed) runs
// `sanling exchange import` of the package, a new city each run (the same
// package twice is a replay).  Each figure is a whole command, from the
// process's start to its exit, as an operator runs it; the baseline, in
// the same run, is a command that only opens the city's database and reads
// a little (`sanling exchange list`).  Prints Markdown rows on stdout.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BACKEND, BIN, demoServer, freshDb } from '../tests/api/lib.mjs';

const RUNS = Number(process.argv[2] || 5);
const M = '2023-06';
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor((s.length - 1) / 2)]; };
const ms = (x) => x.toFixed(1);

// Run `sanling` on `store`: its time in ms, or throw.
function timed(store, args) {
  const t = performance.now();
  const r = spawnSync(BIN, ['--db', store.db, '--key', store.key, ...args],
    { encoding: 'utf8', env: { ...process.env, SANLING_FAST_KDF: '1' } });
  const took = performance.now() - t;
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  return { took, stdout: r.stdout };
}

const d = await demoServer(['petition', 'safety', 'police', 'office']);
const cities = [];
let running = true;
try {
  for (const [user, dimension] of [['petition', 'petition'], ['safety', 'accident'], ['police', 'case']]) {
    const r = await d.clients[user].post(`/api/v1/months/${M}/certify`, { dimension });
    if (r.status !== 200) throw new Error(r.text);
  }
  const p = await d.clients.office.post(`/api/v1/months/${M}/publish`, {});
  if (p.status !== 200) throw new Error(p.text);
  await d.srv.stop(); // the commands alone on the database
  running = false;
  const key = timed(d.store, ['exchange', 'key']).stdout.trim();
  const file = join(d.store.dir, 'package.json');
  const exports = [], imports = [], baseline = [];
  for (let i = 0; i < RUNS; i++) exports.push(timed(d.store, ['exchange', 'export', '--month', M, '-o', file]).took);
  const subjects = JSON.parse(JSON.parse(readFileSync(file, 'utf8')).payload).subjects.length;
  for (let i = 0; i < RUNS; i++) {
    const city = freshDb();
    cities.push(city);
    timed(city, ['exchange', 'trust', '411603000000', key, '--name', '淮阳区']);
    imports.push(timed(city, ['exchange', 'import', file]).took);
    baseline.push(timed(city, ['exchange', 'list']).took);
  }
  const label = BACKEND === 'postgresql' ? 'PostgreSQL' : 'SQLite';
  const base = median(baseline);
  console.log(`| 19 (exchange). ${label}: a command that opens the database (\`exchange list\`), median of ${RUNS} (ms) | ${ms(base)} | baseline |`);
  console.log(`| 19 (exchange). ${label}: \`exchange export\` of a published month (${subjects} subjects, ` +
    `${Math.round(statSync(file).size / 1024)} KiB), median of ${RUNS} (ms) | ${ms(median(exports))} | ` +
    `${(median(exports) / base).toFixed(1)}× the baseline (target < 1 s) |`);
  console.log(`| 19 (exchange). ${label}: \`exchange import\` of it at the city, median of ${RUNS} (ms) | ${ms(median(imports))} | ` +
    `${(median(imports) / base).toFixed(1)}× the baseline (target < 1 s) |`);
} finally {
  if (running) await d.srv.stop();
  d.store.cleanup();
  for (const c of cities) c.cleanup();
}
