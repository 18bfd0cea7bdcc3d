// bench/import_update.mjs: benchmark 9 — an import that updates existing
// rows against one that creates them, through `sanling serve` on a fresh
// copy of the demo district (SQLite), and the latency of logins made while
// the update import runs against logins on the idle server.
//
//   node bench/import_update.mjs BIN WORKDIR [SIZES]     (SIZES: "800,5000,10000";
//   10,000 is the most rows `serve` takes in one import on SQLite)
//
// For each size N: BENCH_RUNS times, interleaved, a fresh copy of the demo,
// a server, `POST /api/v1/subjects/import` of N new rows of
// bench/gen_subjects.awk (the create: the baseline) and then of the same
// file again (the update: every row's key exists), as `office`; meanwhile
// the update runs, `petition` logs in again and again, each login timed.
// Prints a Markdown table (medians; per-run figures after it) on stdout;
// bench/run appends it to RESULTS.md.  Real password hashing (bench/run
// unsets SANLING_FAST_KDF), so a login costs its argon2id either way: the
// idle logins are its baseline.  Not a load test: one import at a time.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [BIN, WORK, SIZES = '800,5000,10000'] = process.argv.slice(2);
if (!BIN || !WORK) {
  console.error('usage: node bench/import_update.mjs BIN WORKDIR [SIZES]');
  process.exit(2);
}
const RUNS = Number(process.env.BENCH_RUNS || 3);
const ROOT = new URL('..', import.meta.url).pathname;
const PASSWORD = 'Demo-Pass-2023', CHANGED = 'Bench-Pass-9x';

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor((s.length - 1) / 2)]; };
const fmt = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

function demo() {
  const dir = join(WORK, 'demo');
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'demo.db');
  if (!existsSync(db)) {
    execFileSync(BIN, ['--db', db, 'init'], { stdio: 'ignore' });
    execFileSync(BIN, ['--db', db, 'gen', 'demo', '--demo-passwords'], { stdio: 'ignore' });
    execFileSync('sqlite3', [db, 'PRAGMA wal_checkpoint(TRUNCATE)'], { stdio: 'ignore' });
  }
  return db;
}

function freshCopy(src, name) {
  const dir = join(WORK, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'demo.db');
  copyFileSync(src, db);
  copyFileSync(src + '.key', db + '.key');
  return { dir, db };
}

async function serve(db) {
  const proc = spawn(BIN, ['--db', db, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^/\s]+)\//);
      if (m) resolve(m[1]);
    });
    proc.on('exit', (c) => reject(new Error('server exited ' + c)));
  });
  return { url, stop: () => new Promise((r) => { proc.once('exit', r); proc.kill('SIGTERM'); }) };
}

class Client {
  constructor(url) { this.url = url; this.cookie = ''; this.csrf = 'login'; }
  async req(method, path, body, type = 'application/json') {
    const headers = { 'X-CSRF-Token': this.csrf };
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = type;
    const r = await fetch(this.url + path, { method, headers, body });
    const set = r.headers.getSetCookie?.() || [];
    if (set.length) this.cookie = set.map((c) => c.split(';')[0]).join('; ');
    const text = await r.text();
    return { status: r.status, json: text && r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null, text };
  }
  async login(user, password) {
    const r = await this.req('POST', '/api/v1/login', JSON.stringify({ username: user, password }));
    if (r.status === 200) this.csrf = r.json.csrf_token;
    return r;
  }
  async ready(user) {
    let r = await this.login(user, PASSWORD);
    this.password = PASSWORD;
    if (r.status === 200 && r.json.must_change) {
      this.password = CHANGED;
      const c = await this.req('POST', '/api/v1/password', JSON.stringify({ old_password: PASSWORD, new_password: CHANGED }));
      if (c.status !== 204) throw new Error('password change: ' + c.text);
    } else if (r.status !== 200) {
      r = await this.login(user, CHANGED);
      this.password = CHANGED;
      if (r.status !== 200) throw new Error(`login ${user}: ${r.status} ${r.text}`);
    }
    return this;
  }
}

async function timedLogin(url, password) {
  const t0 = performance.now();
  const r = await new Client(url).login('petition', password);
  return { ms: performance.now() - t0, status: r.status };
}

async function once(src, n, csv, run) {
  const { db } = freshCopy(src, `run-${n}-${run}`);
  const srv = await serve(db);
  try {
    const office = await new Client(srv.url).ready('office');
    const { password } = await new Client(srv.url).ready('petition');
    const idle = [];
    for (let i = 0; i < 5; i++) idle.push((await timedLogin(srv.url, password)).ms);
    let t0 = performance.now();
    const c = await office.req('POST', '/api/v1/subjects/import?format=csv', csv, 'text/csv');
    const create = performance.now() - t0;
    if (c.status !== 200 || c.json.created !== n) throw new Error('create import: ' + c.text.slice(0, 300));
    let done = false;
    t0 = performance.now();
    const up = office.req('POST', '/api/v1/subjects/import?format=csv', csv, 'text/csv')
      .then((r) => { done = true; return { r, ms: performance.now() - t0 }; });
    const during = [];
    const statuses = new Set();
    while (!done) { /* every login begun while the import runs, the last one too */
      const l = await timedLogin(srv.url, password);
      during.push(l.ms);
      statuses.add(l.status);
    }
    const u = await up;
    if (u.r.status !== 200 || u.r.json.updated !== n) throw new Error('update import: ' + u.r.text.slice(0, 300));
    return { create, update: u.ms, idle: median(idle), during: during.length ? Math.max(...during) : NaN,
      logins: during.length, statuses: [...statuses].join('/') || '-' };
  } finally {
    await srv.stop();
    rmSync(join(WORK, `run-${n}-${run}`), { recursive: true, force: true });
  }
}

const src = demo();
const rows = [], details = [];
for (const n of SIZES.split(',').map(Number)) {
  const csv = spawnSync('awk', ['-v', `n=${n}`, '-v', 'prefix=U', '-f', join(ROOT, 'bench/gen_subjects.awk')], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout;
  writeFileSync(join(WORK, `subjects-${n}.csv`), csv);
  const runs = [];
  for (let r = 1; r <= RUNS; r++) runs.push(await once(src, n, csv, r));
  const create = median(runs.map((x) => x.create)), update = median(runs.map((x) => x.update));
  rows.push(`| 9. update import, ${fmt(n)} subjects (HTTP) | ${fmt(n / update * 1000)} rows/s | create import ${fmt(n / create * 1000)} rows/s | ${fmt(create / update, 2)} | ≥ 0.3 | ${create / update >= 0.3 ? 'yes' : 'no'} |`);
  rows.push(`| 9′. login during that update import: slowest | ${fmt(median(runs.map((x) => x.during)))} ms | idle login ${fmt(median(runs.map((x) => x.idle)))} ms | — | ≤ 1 s more | ${median(runs.map((x) => x.during)) - median(runs.map((x) => x.idle)) <= 1000 ? 'yes' : 'no'} |`);
  details.push(`| 9. ${fmt(n)} rows: create / update seconds | ${runs.map((x) => fmt(x.create / 1000, 2) + ' / ' + fmt(x.update / 1000, 2)).join('; ')} |`);
  details.push(`| 9′. ${fmt(n)} rows: logins during the update (slowest ms, count, statuses); idle login ms | ${runs.map((x) => `${fmt(x.during)} ms, ${x.logins}, ${x.statuses}; ${fmt(x.idle)} ms`).join(' — ')} |`);
}
console.log('| figure | value | baseline | ratio | target | met |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log('');
console.log('| run by run | |');
console.log('|---|---|');
for (const d of details) console.log(d);
