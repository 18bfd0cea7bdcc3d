// lib.mjs: what the black-box API tests share: a fresh database (a SQLite
// file, or a new PostgreSQL database on the server named by
// $SANLING_TEST_PG), a real `sanling serve` on a free loopback port, the
// command line, a small district to work in, and an HTTP client that keeps
// the session cookie and the CSRF token.  No mocks: everything here talks
// to the real program.
//
// When $SANLING_TEST_TEMPLATES names a folder (tests/run sets one per run),
// the district and the demo are each made once per run, program and engine
// by the same commands, and every test that loads one gets its own copy (of
// the SQLite file, or a PostgreSQL database made from the template, and of
// the key file, which the copies share): the same data, its own to write,
// in a fraction of the time the commands take, under the sanitizers most.
// A fresh database (freshDb) is always made by `sanling init`, its key its
// own.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';

export const BIN = process.env.SANLING_BIN || new URL('../../build/sanling', import.meta.url).pathname;
export const BACKEND = process.env.SANLING_TEST_BACKEND || 'sqlite';
export const PASSWORD = 'Init-Pass-9';
export const NEW_PASSWORD = 'Changed-Pass-7';

function psql(sql) {
  const r = spawnSync('psql', [process.env.SANLING_TEST_PG, '-qAt', ...sql.flatMap((c) => ['-c', c])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('psql: ' + r.stderr);
}

function pgCreateDatabase() {
  const base = process.env.SANLING_TEST_PG;
  if (!base) throw new Error('SANLING_TEST_PG is not set');
  const name = 't_' + randomBytes(6).toString('hex');
  psql([`CREATE DATABASE ${name}`]);
  const u = new URL(base);
  u.pathname = '/' + name;
  return { url: u.toString(), drop: () => spawnSync('psql', [base, '-qAtc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]) };
}

const dbName = (url) => new URL(url).pathname.slice(1);

// A store in `dir`: a new database and key file made by `sanling init`.
function newStore(dir) {
  let db, drop = () => {};
  const key = join(dir, 'test.key');
  if (BACKEND === 'postgresql') {
    ({ url: db, drop } = pgCreateDatabase());
  } else {
    db = join(dir, 'test.db');
  }
  const env = { ...process.env, SANLING_FAST_KDF: '1' };
  const store = {
    db, key, dir, pristine: true,
    cli(args, input) {
      store.pristine = false;
      const r = spawnSync(BIN, ['--db', db, '--key', key, ...args], { input: input ?? '', encoding: 'utf8', env });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    cleanup: () => { drop(); rmSync(dir, { recursive: true, force: true }); },
  };
  const init = store.cli(['init']);
  if (init.status !== 0) throw new Error('sanling init: ' + init.stderr);
  store.pristine = true;
  return store;
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

// The template `kind` of this run, program and engine: { db, key }, made by
// `make(store)` on a fresh store by the first test process that asks (the
// others wait for it).
function template(kind, make) {
  const root = process.env.SANLING_TEST_TEMPLATES;
  const id = createHash('sha256').update([root, BIN, BACKEND, process.env.SANLING_TEST_PG || ''].join('\n'))
    .digest('hex').slice(0, 12);
  const dir = join(root, `${kind}-${BACKEND}-${id}`);
  const ready = join(dir, 'ready.json');
  mkdirSync(root, { recursive: true });
  for (let waited = 0; !existsSync(ready); waited += 100) {
    try {
      mkdirSync(dir + '.lock');
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      if (waited > 600000) throw new Error(`template ${kind}: ${dir}.lock is still there after 10 minutes`);
      sleep(100);
      continue;
    }
    try {
      if (existsSync(ready)) break;
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      const s = newStore(dir);
      make(s);
      writeFileSync(ready, JSON.stringify({ db: s.db, key: s.key }));
    } finally {
      rmdirSync(dir + '.lock');
    }
  }
  return JSON.parse(readFileSync(ready, 'utf8'));
}

// A fresh database and key file: { db, key, dir, cleanup, cli(args, input) }.
export function freshDb() {
  return newStore(mkdtempSync(join(tmpdir(), 'sanling-api-')));
}

// Store `s`, fresh from freshDb() (no command run on it since), made a copy
// of template `kind` (made by `make(store)`); false when there are no
// templates, or `s` is not fresh: then the caller runs `make(s)` itself.
function fromTemplate(s, kind, make) {
  if (!s.pristine || !process.env.SANLING_TEST_TEMPLATES) return false;
  const t = template(kind, make);
  copyFileSync(t.key, s.key);
  if (BACKEND === 'postgresql') {
    const name = dbName(s.db);
    psql([`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, `CREATE DATABASE ${name} TEMPLATE ${dbName(t.db)}`]);
  } else {
    for (const ext of ['', '-wal', '-shm']) {
      rmSync(s.db + ext, { force: true });
      if (existsSync(t.db + ext)) copyFileSync(t.db + ext, s.db + ext);
    }
  }
  s.pristine = false;
  return true;
}

// Start `sanling serve` on a fresh (or given) database; `args`: more options of serve.
export async function startServer({ env = {}, store, args = [] } = {}) {
  const s = store || freshDb();
  s.pristine = false;
  const proc = spawn(BIN, ['--db', s.db, '--key', s.key, 'serve', '--port', '0', '--threads', '2', '--web', join(s.dir, 'no-web'), ...args],
    { env: { ...process.env, SANLING_FAST_KDF: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  // the metrics listener (--metrics-listen) is announced before "listening on"
  const [url, metricsUrl] = await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error('server did not start: ' + stderr)), 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^/\s]+)\//);
      if (m) { clearTimeout(t); resolve([m[1], out.match(/metrics on (http:\/\/\S+)/)?.[1]]); }
    });
    proc.on('exit', (code) => { clearTimeout(t); reject(new Error(`server exited ${code}: ${stderr}`)); });
  });
  return {
    ...s, url, metricsUrl, proc,
    stderr: () => stderr,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      if (!store) s.cleanup();
    },
    client: () => new Client(url),
  };
}

export class Client {
  constructor(url) { this.url = url; this.cookies = {}; this.csrf = null; }
  cookieHeader() { return Object.entries(this.cookies).filter(([, v]) => v).map(([k, v]) => `${k}=${v}`).join('; '); }
  async req(method, path, body, { headers = {}, raw = false, csrf = true } = {}) {
    const h = { ...headers };
    if (this.cookieHeader()) h.cookie = this.cookieHeader();
    if (csrf && method !== 'GET' && this.csrf && !('X-CSRF-Token' in h)) h['X-CSRF-Token'] = this.csrf;
    let payload;
    if (body !== undefined) {
      if (raw) payload = body;
      else { payload = JSON.stringify(body); h['content-type'] ??= 'application/json'; }
    }
    const r = await fetch(this.url + path, { method, headers: h, body: payload });
    for (const c of r.headers.getSetCookie?.() || []) {
      const [kv] = c.split(';');
      const i = kv.indexOf('=');
      this.cookies[kv.slice(0, i)] = kv.slice(i + 1);
    }
    const buf = Buffer.from(await r.arrayBuffer());
    const ct = r.headers.get('content-type') || '';
    let json = null;
    if (ct.includes('json') && buf.length) json = JSON.parse(buf.toString('utf8'));
    return { status: r.status, headers: r.headers, json, buf, text: buf.toString('utf8') };
  }
  get(p, o) { return this.req('GET', p, undefined, o); }
  post(p, b, o) { return this.req('POST', p, b, o); }
  patch(p, b, o) { return this.req('PATCH', p, b, o); }
  put(p, b, o) { return this.req('PUT', p, b, o); }
  // PATCH `p` with the record's current rev (read first) unless `b` names one:
  // an update must say which version it was made from.  A record this client
  // cannot read is sent rev 1 (its refusal is what such a test looks at).
  async update(p, b, o) {
    if (b && typeof b === 'object' && !('rev' in b)) {
      const g = await this.get(p);
      b = { ...b, rev: g.status === 200 && g.json && Number.isInteger(g.json.rev) ? g.json.rev : 1 };
    }
    return this.patch(p, b, o);
  }
  async login(username, password) {
    const r = await this.req('POST', '/api/v1/login', { username, password }, { headers: { 'X-CSRF-Token': 'login' } });
    if (r.status === 200) this.csrf = r.json.csrf_token;
    return r;
  }
  // Log in with the initial password and make the forced change.
  async loginReady(username) {
    let r = await this.login(username, PASSWORD);
    if (r.status === 200 && r.json.must_change) {
      const c = await this.post('/api/v1/password', { old_password: PASSWORD, new_password: NEW_PASSWORD });
      if (c.status !== 204) throw new Error('password change failed: ' + c.text);
    } else if (r.status !== 200) {
      r = await this.login(username, NEW_PASSWORD);
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
    }
    return this;
  }
}

// A small district: 2 townships, 3 villages, grids, departments, the sector map.
export const DISTRICT_CSV = {
  regions: `code,name,level,parent
410000000000,测试区,district,
410000001000,东镇,township,410000000000
410000002000,西乡,township,410000000000
410000001001,东一村,village,410000001000
410000001002,东二村,village,410000001000
410000002001,西一村,village,410000002000
41000000100101,东一网格,grid,410000001001
41000000200101,西一网格,grid,410000002001
`,
  departments: `单位代码,单位名称,职能,所在区划
OFF,三零办,office,410000000000
XF,信访局,petition,410000000000
YJ,应急局,safety,410000000000
GA,公安局,police,410000000000
JT,教体局,supervisor,410000000000
SJ,市场监管局,supervisor,410000000000
DZ,东镇政府,township,410000001000
XZ,西乡政府,乡镇,410000002000
`,
  sector_map: `category,district,department
school,410000000000,JT
kindergarten,410000000000,JT
restaurant,410000000000,SJ
pharmacy,410000000000,SJ
`,
  subjects: `code,name,kind,category,township,village,grid,supervisor,address,contact_name,contact_phone,credit_code,active_from,active_to
V1,东一村委会,village,village,410000001000,410000001001,41000000100101,,,赵一,13800138000,,2022-01,
V2,东二村委会,行政村,行政村,410000001000,410000001002,,,,,,,2022-01,
V3,西一村委会,village,village,410000002000,410000002001,41000000200101,,,,,,2022-01,
S1,东镇中学,institution,school,410000001000,410000001001,,,,,13912345678,91350100M000100Y43,2022-01,
R1,西乡饭店,enterprise,restaurant,410000002000,410000002001,,,西乡大街1号,,,91110000600037341L,2022-03,
`,
};

// Load the district, then one user per role (password PASSWORD, to change).
export function loadDistrict(s) {
  if (!fromTemplate(s, 'district', makeDistrict)) makeDistrict(s);
}

// The demo district (`sanling gen demo --demo-passwords`) into a fresh store.
// The demo's accounts' password (`gen demo --demo-passwords`).
export const DEMO_PASSWORD = 'Demo-Pass-2023';

// A server on a copy of the demo district, each of `users` logged in:
// { store, srv, clients: {user: Client}, stop() }.
export async function demoServer(users) {
  const store = freshDb();
  loadDemo(store);
  const srv = await startServer({ store });
  const clients = {};
  for (const u of users) {
    clients[u] = srv.client();
    const r = await clients[u].login(u, DEMO_PASSWORD);
    if (r.status !== 200) throw new Error(`login ${u}: ${r.text}`);
  }
  return { store, srv, clients, stop: async () => { await srv.stop(); store.cleanup(); } };
}

export function loadDemo(s) {
  if (!fromTemplate(s, 'demo', makeDemo)) makeDemo(s);
}

function makeDemo(s) {
  const gen = s.cli(['gen', 'demo', '--demo-passwords']);
  if (gen.status !== 0) throw new Error('gen demo: ' + gen.stderr);
}

function makeDistrict(s) {
  for (const kind of ['regions', 'departments', 'sector_map', 'subjects']) {
    const f = join(s.dir, kind + '.csv');
    writeFileSync(f, DISTRICT_CSV[kind]);
    const r = s.cli(['import', kind, f]);
    if (r.status !== 0) throw new Error(`import ${kind}: ${r.stderr}${r.stdout}`);
  }
  const users = [
    ['office', 'office', ['--dept', 'OFF']],
    ['petition', 'petition', ['--dept', 'XF']],
    ['safety', 'safety', ['--dept', 'YJ']],
    ['police', 'police', ['--dept', 'GA']],
    ['edu', 'supervisor', ['--dept', 'JT']],
    ['east', 'township', ['--dept', 'DZ']],
    ['west', 'township', ['--dept', 'XZ']],
    ['grid1', 'grid', ['--dept', 'DZ', '--grid', '41000000100101']],
    ['subj', 'subject', ['--dept', 'JT', '--subject', 'S1']],
    ['sysadmin', 'sysadmin', []],
    ['secadmin', 'secadmin', []],
    ['auditor', 'auditadmin', []],
  ];
  for (const [name, role, extra] of users) {
    const r = s.cli(['user', 'add', name, '--role', role, ...extra], PASSWORD + '\n');
    if (r.status !== 0) throw new Error(`user add ${name}: ${r.stderr}`);
  }
}

// Fields of a record without id/rev, to compare data before and after a refusal.
export async function snapshot(client, entity) {
  const r = await client.get(`/api/v1/${entity}?page_size=500`);
  return JSON.stringify(r.json);
}
