// service.test.mjs: Sanling as a service — the version it reports, live
// and ready health, the configuration file (and the command line over it),
// a database made by a newer program refused, SIGHUP rereading the file,
// and SIGTERM finishing the requests in flight before the process exits.
// Each runs the real program on a real database; the expected schema
// version is read from the migration files, not from the program.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import { BIN, BACKEND, freshDb, loadDistrict, Client, PASSWORD } from './lib.mjs';
import { sql, toCsv } from './util.mjs';

const MIGRATIONS = new URL('../../src/db/migrations/', import.meta.url).pathname;
const SCHEMA = readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql')).sort().at(-1).slice(0, 3);
const CHANGELOG = new URL('../../debian/changelog', import.meta.url).pathname;
const VERSION = readFileSync(CHANGELOG, 'utf8').match(/^sanling \(([^)]+)\)/)[1];
const ENV = { ...process.env, SANLING_FAST_KDF: '1' };

function run(args, env = {}) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', env: { ...ENV, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// `sanling [pre] serve [args]`, resolved once it listens: { url, proc, stderr(), exited }.
function serve(pre, args = [], env = {}) {
  const proc = spawn(BIN, [...pre, 'serve', ...args], { env: { ...ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })));
  return new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error('server did not start: ' + err)), 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^/\s]+)\//);
      if (m) { clearTimeout(t); resolve({ url: m[1], proc, stderr: () => err, exited }); }
    });
    exited.then(({ code }) => { clearTimeout(t); reject(new Error(`server exited ${code}: ${err}`)); });
  });
}

const until = async (fn, what) => {
  for (let i = 0; i < 200; i++) { if (fn()) return; await new Promise((r) => setTimeout(r, 25)); }
  assert.fail('timed out waiting for ' + what);
};

test('--version and GET /health give the program\'s version and schema; /health/ready checks', async () => {
  const v = run(['--version']);
  assert.equal(v.status, 0);
  assert.equal(v.stdout.trim(), `sanling ${VERSION} (schema ${SCHEMA})`);
  const s = freshDb();
  const srv = await serve(['--db', s.db, '--key', s.key], ['--port', '0', '--threads', '2']);
  try {
    const c = new Client(srv.url);
    const h = await c.get('/api/v1/health');
    assert.deepEqual(h.json, { status: 'ok', version: VERSION, schema: SCHEMA });
    const r = await c.get('/api/v1/health/ready');
    assert.equal(r.status, 200);
    assert.equal(r.json.status, 'ready');
    assert.equal(r.json.checks.database, 'ok');
    assert.equal(r.json.checks.migrations, 'ok');
    if (BACKEND === 'sqlite') {
      assert.equal(r.json.checks.disk, 'ok');
      assert.ok(r.json.checks.disk_free_mib > 0);
    }
  } finally {
    srv.proc.kill('SIGTERM');
    await srv.exited;
  }
  if (BACKEND === 'sqlite') {
    // more free space asked for than any disk has: alive, but not ready
    const big = await serve(['--db', s.db, '--key', s.key], ['--port', '0', '--threads', '2', '--min-free-disk', String(2 ** 40)]);
    try {
      const c = new Client(big.url);
      assert.equal((await c.get('/api/v1/health')).status, 200);
      const r = await c.get('/api/v1/health/ready');
      assert.equal(r.status, 503);
      assert.equal(r.json.status, 'not_ready');
      assert.equal(r.json.checks.disk, 'below the minimum free space');
      assert.equal(r.json.checks.database, 'ok');
    } finally {
      big.proc.kill('SIGTERM');
      await big.exited;
    }
  }
  s.cleanup();
});

test('a database made by a newer program is refused, and left as it was', () => {
  const s = freshDb();
  try {
    sql(s, "INSERT INTO schema_migrations (name, applied_at) VALUES ('999_future.sql', '2030-01-01T00:00:00Z')", BACKEND);
    const before = sql(s, 'SELECT COUNT(*) FROM schema_migrations', BACKEND);
    for (const args of [['init'], ['serve', '--port', '0']]) {
      const r = run(['--db', s.db, '--key', s.key, ...args]);
      assert.equal(r.status, 1, args[0]);
      assert.match(r.stderr, new RegExp(`newer sanling.*999_future\\.sql.*schema ${SCHEMA}.*upgrade the program`));
    }
    assert.equal(sql(s, 'SELECT COUNT(*) FROM schema_migrations', BACKEND), before);
  } finally {
    s.cleanup();
  }
});

test('the configuration file: settings, the command line over them, and each refusal', async () => {
  const s = freshDb();
  const conf = join(s.dir, 'sanling.conf');
  try {
    writeFileSync(conf, `# the test's\ndb = ${s.db}\nkey = ${s.key}\n\nport = 0\nthreads = 2\nwrite-threads = 2\naccess-log = yes\n`);
    // db and key from the file: a user added through it is in the database
    const add = spawnSync(BIN, ['--config', conf, 'user', 'add', 'ops1', '--role', 'sysadmin'], { input: PASSWORD + '\n', encoding: 'utf8', env: ENV });
    assert.equal(add.status, 0, add.stderr);
    assert.equal(sql(s, "SELECT COUNT(*) FROM users WHERE username = 'ops1'", BACKEND), '1');
    // the file's access-log = yes logs each request; the environment's file the same
    const srv = await serve([], [], { SANLING_CONFIG: conf });
    try {
      await new Client(srv.url).get('/api/v1/health/ready');
      await until(() => /GET \/api\/v1\/health\/ready 200/.test(srv.stderr()), 'the access log line');
    } finally {
      srv.proc.kill('SIGTERM');
      await srv.exited;
    }
    // a flag wins over the file: --port given twice, the later (the command line's) serves
    const port = 20000 + Math.floor(Math.random() * 20000);
    const over = await serve(['--config', conf], ['--port', String(port)]);
    try {
      assert.equal(new URL(over.url).port, String(port));
    } finally {
      over.proc.kill('SIGTERM');
      await over.exited;
    }
    // each after the two lines db and key
    const refusals = [
      [null, /configuration: .*nowhere\.conf: No such file or directory/],
      ['port = 0\ncolour = blue\n', /sanling\.conf:4: unknown setting "colour"/],
      ['port 8080\n', /sanling\.conf:3: expected "name = value"/],
      ['port = 0\nport = 1\n', /sanling\.conf:4: "port" is set twice/],
      ['web =\n', /sanling\.conf:3: "web" has no value/],
      ['access-log = sometimes\n', /sanling\.conf:3: access-log: "sometimes" is neither yes nor no/],
      ['threads = many\n', /--threads: "many" is not a number from 0 to 1024/],
    ];
    for (const [text, message] of refusals) {
      const file = text === null ? join(s.dir, 'nowhere.conf') : conf;
      if (text !== null) writeFileSync(conf, `db = ${s.db}\nkey = ${s.key}\n` + text);
      const r = run(['--config', file, 'serve']);
      assert.equal(r.status, 1, String(text));
      assert.match(r.stderr, message, String(text));
      assert.doesNotMatch(r.stdout, /listening/);
    }
  } finally {
    s.cleanup();
  }
});

test('SIGHUP rereads the file: the access log turns on; a broken file changes nothing', async () => {
  const s = freshDb();
  const conf = join(s.dir, 'sanling.conf');
  const base = `db = ${s.db}\nkey = ${s.key}\nport = 0\nthreads = 2\n`;
  writeFileSync(conf, base + 'access-log = no\n');
  const srv = await serve(['--config', conf]);
  try {
    const c = new Client(srv.url);
    await c.get('/api/v1/health/ready');
    writeFileSync(conf, base.replace('threads = 2', 'threads = 3') + 'access-log = yes\n');
    srv.proc.kill('SIGHUP');
    await until(() => /reload: .*reread \(access log on\)/.test(srv.stderr()), 'the reload');
    assert.match(srv.stderr(), /reload: threads changed: it takes effect at the next start/);
    assert.doesNotMatch(srv.stderr(), /health\/ready 200/); // not logged before
    await c.get('/api/v1/health/ready');
    await until(() => /GET \/api\/v1\/health\/ready 200/.test(srv.stderr()), 'the access log line');
    writeFileSync(conf, base + 'access-log = no\nnonsense\n');
    srv.proc.kill('SIGHUP');
    await until(() => /reload: .*expected "name = value": the settings stay as they were/.test(srv.stderr()), 'the refused reload');
    const lines = () => srv.stderr().match(/GET \/api\/v1\/health 200/g)?.length ?? 0;
    await c.get('/api/v1/health');
    await until(() => lines() === 1, 'the access log still on');
  } finally {
    srv.proc.kill('SIGTERM');
    await srv.exited;
    s.cleanup();
  }
});

test('SIGTERM: an import in flight is finished and committed, then the process exits 0', async () => {
  const s = freshDb();
  loadDistrict(s);
  const srv = await serve(['--db', s.db, '--key', s.key], ['--port', '0', '--threads', '2']);
  let reply;
  try {
    const office = await new Client(srv.url).loginReady('office');
    const rows = [['主体编码', '主体名称', '主体类型', '主体类别', '所属乡镇', '纳入月份']];
    for (let i = 0; i < 2500; i++) rows.push([`T${i}`, `东镇商户${i}`, '企业', '饭店', '410000001000', '2023-01']);
    const body = Buffer.from(toCsv(rows));
    // The request's head goes first, with "Expect: 100-continue": the server's
    // "100 Continue" says it holds the request, in flight, before the signal;
    // the body follows the signal.
    const { port } = new URL(srv.url);
    const sock = connect(Number(port), '127.0.0.1');
    let got = '';
    sock.on('data', (d) => { got += d.toString('latin1'); });
    const closed = new Promise((r) => sock.on('close', r));
    sock.write(`POST /api/v1/subjects/import?format=csv HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      `Content-Type: text/csv\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n` +
      `Cookie: ${office.cookieHeader()}\r\nX-CSRF-Token: ${office.csrf}\r\nConnection: close\r\n\r\n`);
    await until(() => /^HTTP\/1\.1 100 /.test(got), 'the 100 Continue');
    srv.proc.kill('SIGTERM');
    await until(() => /stopping: no new connections/.test(srv.stderr()), 'the stop');
    sock.write(body);
    await closed;
    reply = got;
  } finally {
    const { code } = await srv.exited;
    assert.equal(code, 0, srv.stderr());
  }
  assert.match(reply, /\r\n\r\nHTTP\/1\.1 200 /, reply.slice(0, 300));
  assert.equal(sql(s, "SELECT COUNT(*) FROM subjects WHERE code LIKE 'T%'", BACKEND), '2500');
  const inflight = Number(srv.stderr().match(/stopping: no new connections; finishing (\d+) request\(s\) in flight/)[1]);
  assert.equal(inflight, 1, srv.stderr());
  assert.match(srv.stderr(), /subjects import: 2500 rows checked/);
  assert.match(srv.stderr(), /stopped in \d+ ms: every write committed/);
  s.cleanup();
});

test('--log-format json: every line of the log is a JSON object; a request is logged without its query', async () => {
  const s = freshDb();
  const srv = await serve(['--db', s.db, '--key', s.key], ['--port', '0', '--threads', '2', '--log-format', 'json', '--access-log']);
  try {
    await new Client(srv.url).get('/api/v1/health?who=13800138000');
    await until(() => /"msg":"request"/.test(srv.stderr()), 'the request line');
  } finally {
    srv.proc.kill('SIGTERM');
    await srv.exited;
  }
  const lines = srv.stderr().trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.length >= 3);
  for (const l of lines) {
    assert.match(l.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(['debug', 'info', 'warn', 'error'].includes(l.level));
    assert.equal(typeof l.msg, 'string');
  }
  const req = lines.find((l) => l.msg === 'request');
  assert.deepEqual([req.method, req.path, req.status], ['GET', '/api/v1/health', 200]);
  assert.ok(Number.isInteger(req.bytes) && req.bytes > 0 && Number.isInteger(req.usec));
  assert.ok(lines.some((l) => /^stopped in \d+ ms/.test(l.msg)));
  assert.doesNotMatch(srv.stderr(), /13800138000/);
  const bad = run(['--db', s.db, '--key', s.key, 'serve', '--log-format', 'xml']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--log-format: "xml" is neither text nor json/);
  s.cleanup();
});
