// bench/country.mjs: the country benchmark of issue 19, run by hand (not in
// CI: it takes most of an hour and tens of GB), on PostgreSQL
// (SANLING_TEST_BACKEND=postgresql, SANLING_TEST_PG=URL of a cluster of its own).
//
//   node bench/country.mjs gen STATE [DISTRICTS]   (default 1,000)
//       `gen scale --counties DISTRICTS`, its time and the database's size,
//       then the layout above the districts: provinces of 100 districts, each
//       of cities of 10 (基准省N, 基准市N-M), an office and an account of
//       role region for each province and for the first city, and an account
//       of the 信访局 of each district; STATE (a JSON file) keeps the
//       database's URL and key for the next step.
//   node bench/country.mjs measure STATE [RATE] [SECONDS]   (200 writes/s, 20 s)
//       a real `sanling serve` on it, then over the API:
//         a. national figures: `sanling figures --through 2023-08` (every
//            district; no account reads the whole country over the API), a
//            first time (every district's year computed) and warm;
//         b. a province's figures (100 districts) and a city's (10), warm;
//         c. a district's own figures and its petition list, as its 信访局
//            and as the office, against the same on a database of that
//            district alone (the baseline: `gen scale --counties 1` run here);
//         d. the province's figures while new petitions land in districts
//            all over the country at RATE a second;
//         e. the national figures while the same writes land (for SECONDS
//            again): a command every 400 ms, or when the one before ends
//            (the writers do not wait for it; the province's reads of d are
//            over), so that the writes are the load, not the command itself.
//       COUNTRY_POOLER=URL: the same database through a connection pooler
//       (pgBouncer in session mode, docs/operations.md); the national command
//       is then timed through it as well.  The cluster's settings that the
//       national read depends on are printed first.
// Prints a Markdown table on stdout.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { BACKEND, BIN, freshDb, PASSWORD, startServer } from '../tests/api/lib.mjs';
import { sql } from '../tests/api/util.mjs';

const [phase, statePath] = process.argv.slice(2, 4);
if (!['gen', 'measure'].includes(phase) || !statePath)
  throw new Error('usage: node bench/country.mjs gen|measure STATE [...]');
if (BACKEND !== 'postgresql') throw new Error('the country benchmark runs on PostgreSQL');
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor((s.length - 1) / 2)]; };
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
const ms = (x) => x.toFixed(1);
const psqlValue = (url, q) => spawnSync('psql', [url, '-qAt', '-c', q], { encoding: 'utf8' }).stdout.trim();

const cliEnv = { ...process.env, SANLING_FAST_KDF: '1' };
function cliOf(store) {
  return (args, input) => spawnSync(BIN, ['--db', store.db, '--key', store.key, ...args],
    { encoding: 'utf8', input, env: cliEnv, maxBuffer: 1 << 28 });
}

function importCsv(store, kind, text) {
  const f = join(store.dir, `${kind}-${Date.now()}.csv`);
  writeFileSync(f, text);
  const c = cliOf(store)(['import', kind, f]);
  if (c.status !== 0) throw new Error(`import ${kind}: ${c.stderr}${c.stdout}`);
}

function addUser(store, name, role, dept) {
  const u = cliOf(store)(['user', 'add', name, '--role', role, '--dept', dept], PASSWORD + '\n');
  if (u.status !== 0) throw new Error(`user add ${name}: ${u.stderr}`);
}

// The layout above the districts: province p holds districts 100p..100p+99,
// city (p, c) ten of them.
function layout(store) {
  const named = sql(store, "SELECT code, name FROM regions WHERE level = 'district' ORDER BY code", BACKEND)
    .split('\n').map((l) => l.split('|'));
  const districts = named.map(([code]) => code);
  const prov = (p) => `9${p % 10}${String(Math.floor(p / 10)).padStart(2, '0')}00000000`.slice(0, 12);
  const city = (p, c) => `${prov(p).slice(0, 4)}${String(c + 1).padStart(2, '0')}000000`;
  const provinces = Math.ceil(districts.length / 100);
  let rows = 'code,name,level,parent\n';
  for (let p = 0; p < provinces; p++) {
    rows += `${prov(p)},基准省${p + 1},province,\n`;
    for (let c = 0; c < 10 && p * 100 + c * 10 < districts.length; c++)
      rows += `${city(p, c)},基准市${p + 1}-${c + 1},city,${prov(p)}\n`;
  }
  importCsv(store, 'regions', rows);
  importCsv(store, 'regions', 'code,name,level,parent\n' + named.map(([d, name], i) =>
    `${d},${name},district,${city(Math.floor(i / 100), Math.floor((i % 100) / 10))}\n`).join(''));
  importCsv(store, 'departments', '单位代码,单位名称,职能,所在区划\n' +
    Array.from({ length: provinces }, (_, p) => `PROV${p}-SLB,基准省${p + 1}三零办,office,${prov(p)}`).join('\n') +
    `\nCITY0-SLB,基准市1-1三零办,office,${city(0, 0)}\n`);
  addUser(store, 'province', 'region', 'PROV0-SLB');
  addUser(store, 'city', 'region', 'CITY0-SLB');
  return { provinceDistricts: districts.slice(0, 100), cityDistricts: districts.slice(0, 10) };
}

if (phase === 'gen') {
  const n = Number(process.argv[4] || 1000);
  const store = freshDb();
  const t = performance.now();
  const r = cliOf(store)(['gen', 'scale', '--counties', String(n)]);
  if (r.status !== 0) throw new Error('gen scale: ' + r.stderr);
  const genSeconds = (performance.now() - t) / 1000;
  const bytes = Number(psqlValue(store.db, 'SELECT pg_database_size(current_database())'));
  const rows = Number(psqlValue(store.db, 'SELECT SUM(n_live_tup) FROM pg_stat_user_tables'));
  const l = layout(store);
  const xfj = sql(store, "SELECT code FROM departments WHERE code LIKE '%-XFJ' ORDER BY code", BACKEND).split('\n');
  // the writers: the 信访局 of every tenth district, all over the country
  const writers = xfj.filter((_, i) => i % 10 === 0);
  for (const code of writers) addUser(store, `p${code}`, 'petition', code);
  writeFileSync(statePath, JSON.stringify({ db: store.db, key: store.key, dir: store.dir, n, genSeconds, bytes, rows, ...l, writers }, null, 1));
  console.log(`gen scale --counties ${n}: ${genSeconds.toFixed(0)} s, ${(bytes / 2 ** 30).toFixed(1)} GiB, ~${rows} rows`);
  process.exit(0);
}

// ---- measure ----
const state = JSON.parse(readFileSync(statePath, 'utf8'));
state.writers ||= state.xfj; // a state written before the writers were spread (the first 100)
// COUNTRY_FROM=c: only c and d (a and b measured already)
const FROM = process.env.COUNTRY_FROM || 'a';
const RATE = Number(process.argv[4] || 200);
const SECONDS = Number(process.argv[5] || 20);
const RUNS = 31;
const store = { db: state.db, key: state.key, dir: state.dir, cleanup() {} };
const cli = cliOf(store);
const THROUGH = '2023-08';
const timed = (f) => { const t0 = performance.now(); f(); return performance.now() - t0; };
const POOLER = process.env.COUNTRY_POOLER;
const national = (db = store.db) => timed(() => {
  const r = cliOf({ ...store, db })(['figures', '--through', THROUGH, '--json']);
  if (r.status !== 0) throw new Error('figures: ' + r.stderr);
});
// the same, without blocking this process: the writers go on while it runs
const nationalAsync = (db = store.db) => new Promise((resolve, reject) => {
  const t0 = performance.now();
  const p = spawn(BIN, ['--db', db, '--key', store.key, 'figures', '--through', THROUGH, '--json'],
    { env: cliEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d) => { stderr += d; });
  p.on('error', reject);
  p.on('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error('figures: ' + stderr))));
});
// each row printed as it is measured (a long run stopped early keeps what it measured)
console.log('| benchmark | value | note |\n|---|---|---|');
const row = (what, value, note = '') => console.log(`| ${what} | ${value} | ${note} |`);

const settings = ['server_version', 'shared_buffers', 'huge_pages', 'random_page_cost', 'max_parallel_workers_per_gather']
  .map((k) => `${k} ${psqlValue(store.db, `SHOW ${k}`)}`).join(', ');
row('the cluster', settings, POOLER ? 'the national command also through a pooler (COUNTRY_POOLER)' : '');
row(`country (${state.n} districts): \`gen scale\``, `${state.genSeconds.toFixed(0)} s, ${(state.bytes / 2 ** 30).toFixed(1)} GiB, ~${(state.rows / 1e6).toFixed(0)} M rows`);
// a. the country from the command line: first (every district's year computed), then warm
const first = FROM === 'a' ? national() : 0;
const warmNational = FROM === 'a' ? Array.from({ length: 5 }, national) : [0];
// a command that opens the database and reads next to nothing (the upward packages, none):
// what every command costs before it reads its figures
const bare = Array.from({ length: 5 }, () => timed(() => cli(['exchange', 'list'])));
if (FROM === 'a') row('national figures (`sanling figures`), first read: every district\'s year computed (s)', (first / 1000).toFixed(1));
if (FROM === 'a') row('national figures, warm, median of 5: the command / a command that reads nothing / the difference (ms)', `${ms(median(warmNational))} / ${ms(median(bare))} / ${ms(median(warmNational) - median(bare))}`, 'target < 200 ms');
const warmPooled = POOLER ? Array.from({ length: 6 }, () => national(POOLER)).slice(1) : [];
if (POOLER) row('national figures, warm, through the pooler, median of 5 (ms)', ms(median(warmPooled)), 'target < 200 ms');

// the server, its region and district accounts
const srv = await startServer({ store });
try {
  const client = async (user) => { const c = srv.client(); await c.loginReady(user); return c; };
  const get = async (c, path) => {
    const t0 = performance.now();
    const r = await c.get(path);
    if (r.status !== 200) throw new Error(`${path}: ${r.text}`);
    return performance.now() - t0;
  };
  const series = async (c, path) => { await get(c, path); const t = []; for (let i = 0; i < RUNS; i++) t.push(await get(c, path)); return t; };
  const figuresPath = `/api/v1/figures?through=${THROUGH}`;
  const province = await client('province');
  const city = await client('city');
  const prov = await series(province, figuresPath);
  const cit = await series(city, figuresPath);
  row('a province (100 districts), figures over the API, warm median / p99 (ms)', `${ms(median(prov))} / ${ms(pct(prov, 0.99))}`);
  row('a city (10 districts), figures over the API, warm median / p99 (ms)', `${ms(median(cit))} / ${ms(pct(cit, 0.99))}`, 'target < 50 ms');

  // c. a district's own, in the country and alone
  const own = await client(`p${state.writers[0]}`);
  const listPath = '/api/v1/petitions?page_size=20';
  const inCountry = { f: await series(own, figuresPath), l: await series(own, listPath) };
  const alone = freshDb();
  const g = cliOf(alone)(['gen', 'scale', '--counties', '1']);
  if (g.status !== 0) throw new Error('gen scale 1: ' + g.stderr);
  const code = sql(alone, "SELECT code FROM departments WHERE code LIKE '%-XFJ' ORDER BY code LIMIT 1", BACKEND);
  addUser(alone, 'alone', 'petition', code);
  const srv1 = await startServer({ store: alone });
  let solo;
  try {
    const c = srv1.client();
    await c.loginReady('alone');
    solo = { f: await series(c, figuresPath), l: await series(c, listPath) };
  } finally {
    await srv1.stop();
    alone.cleanup();
  }
  row('a district\'s 信访局: its figures, in the country / alone, median (ms)', `${ms(median(inCountry.f))} / ${ms(median(solo.f))}`,
    `${(median(inCountry.f) / median(solo.f)).toFixed(2)}× (target: no slower)`);
  row('a district\'s 信访局: its petitions (first page), in the country / alone, median (ms)', `${ms(median(inCountry.l))} / ${ms(median(solo.l))}`,
    `${(median(inCountry.l) / median(solo.l)).toFixed(2)}× (target: no slower)`);

  // d. the province's figures and the country's while petitions land all over the country
  const writers = [];
  for (const dept of state.writers) {
    const district = sql(store, `SELECT district FROM departments WHERE code = '${dept}'`, BACKEND);
    const subjects = sql(store, `SELECT code, township FROM subjects WHERE district = '${district}' AND active_to IS NULL AND code LIKE 'C%' ORDER BY code LIMIT 50`, BACKEND)
      .split('\n').map((l) => l.split('|'));
    writers.push([await client(`p${dept}`), subjects]);
  }
  let seed = 2020, n = 0, answered = 0, failed = 0;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const write = async () => {
    const [c, list] = writers[Math.floor(rand() * writers.length)];
    const [subject, township] = list[Math.floor(rand() * list.length)];
    const day = `2023-0${1 + Math.floor(rand() * 8)}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
    const w = await c.post('/api/v1/petitions', { no: `CP-${Date.now()}-${++n}`, received_on: day, channel: 'visit', persons: 1,
      level: rand() < 1 / 3 ? 'county' : 'township', subject, township, category: 'other', summary: '基准' });
    if (w.status === 201) answered++; else failed++;
  };
  // `read()` over and over for SECONDS while the writes are offered at RATE;
  // the writes answered and failed, a second
  const underWrites = async (read) => {
    const pending = new Set();
    const start = performance.now();
    let sent = 0;
    answered = failed = 0;
    const timer = setInterval(() => {
      const due = Math.floor(((performance.now() - start) / 1000) * RATE);
      while (sent < due) { sent++; const p = write().finally(() => pending.delete(p)); pending.add(p); }
    }, 5);
    while (performance.now() - start < SECONDS * 1000) await read();
    clearInterval(timer);
    await Promise.all(pending);
    const elapsed = (performance.now() - start) / 1000;
    return `${answered} / ${failed}, ${(answered / elapsed).toFixed(0)}/s`;
  };
  const loaded = [], loadedNational = [], loadedPooled = [];
  const provinceWrites = await underWrites(async () => loaded.push(await get(province, figuresPath)));
  row(`a province's figures under ${RATE} writes/s over the country, median / p99 (ms)`, `${ms(median(loaded))} / ${ms(pct(loaded, 0.99))}`,
    `${(median(loaded) / median(prov)).toFixed(2)}× warm; ${loaded.length} reads`);
  row('writes answered (201) / failed, per second', provinceWrites);
  // the national command beside the writers (spawned: they do not wait for it)
  let i = 0;
  const nationalWrites = await underWrites(async () => {
    const pooled = POOLER && i++ % 2 === 1;
    const t = await nationalAsync(pooled ? POOLER : store.db);
    (pooled ? loadedPooled : loadedNational).push(t);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 400 - t)));
  });
  row(`national figures (\`sanling figures\`) under ${RATE} writes/s, median / p99 (ms)`, `${ms(median(loadedNational))} / ${ms(pct(loadedNational, 0.99))}`, `${loadedNational.length} runs; target < 200 ms`);
  if (POOLER) row(`national figures under ${RATE} writes/s, through the pooler, median / p99 (ms)`, `${ms(median(loadedPooled))} / ${ms(pct(loadedPooled, 0.99))}`, `${loadedPooled.length} runs; target < 200 ms`);
  row('writes answered (201) / failed, per second', nationalWrites);
} finally {
  await srv.stop();
}
