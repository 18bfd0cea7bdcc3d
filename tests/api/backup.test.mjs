// backup.test.mjs: `sanling backup` while the server takes writes, and
// `sanling restore` into an empty database: the restored database holds
// what the manifest says, every table of a quiet backup equals the
// original's row for row (read through sqlite3 / psql, not through the
// program), and each refusal leaves nothing behind.  On the engine of
// SANLING_TEST_BACKEND.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, BACKEND, freshDb, loadDistrict, startServer } from './lib.mjs';
import { sql } from './util.mjs';

const ENV = { ...process.env, SANLING_FAST_KDF: '1' };
let store, srv;

function cli(db, key, args, shell = '') {
  const r = shell
    ? spawnSync('sh', ['-c', `${shell}; exec "$0" "$@"`, BIN, '--db', db, '--key', key, ...args], { encoding: 'utf8', env: ENV })
    : spawnSync(BIN, ['--db', db, '--key', key, ...args], { encoding: 'utf8', env: ENV });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// An empty target of the engine: { db, drop() }.
function emptyTarget(name) {
  if (BACKEND === 'postgresql') {
    const base = process.env.SANLING_TEST_PG;
    const db = 'r_' + Math.random().toString(16).slice(2, 10);
    spawnSync('psql', [base, '-qAtc', `CREATE DATABASE ${db}`]);
    const u = new URL(base);
    u.pathname = '/' + db;
    return { db: u.toString(), drop: () => spawnSync('psql', [base, '-qAtc', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`]) };
  }
  return { db: join(store.dir, name), drop: () => {} };
}

function tables(db) {
  const q = BACKEND === 'postgresql'
    ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
    : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1";
  return sql({ db }, q, BACKEND).split('\n').filter(Boolean);
}

// Every row of every table, as text, each table in a fixed order (by every
// column): { table: text }.  One sqlite3 / psql run for all of them.
function allRows(db) {
  const widths = BACKEND === 'postgresql'
    ? "SELECT table_name, COUNT(*) FROM information_schema.columns WHERE table_schema = 'public' GROUP BY 1 ORDER BY 1"
    : "SELECT m.name, COUNT(*) FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' GROUP BY 1 ORDER BY 1";
  const names = [];
  let script = '';
  for (const line of sql({ db }, widths, BACKEND).split('\n')) {
    const [table, n] = line.split('|');
    names.push(table);
    const order = Array.from({ length: Number(n) }, (_, i) => i + 1).join(', ');
    script += `SELECT '=== ${table}';\nSELECT * FROM "${table}" ORDER BY ${order};\n`;
  }
  const r = BACKEND === 'postgresql'
    ? spawnSync('psql', [db, '-qAt', '-v', 'ON_ERROR_STOP=1'], { input: script, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync('sqlite3', [db], { input: script, encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  const out = {};
  for (const part of r.stdout.split(/^=== /m).slice(1)) {
    const nl = part.indexOf('\n');
    out[part.slice(0, nl)] = part.slice(nl + 1);
  }
  assert.deepEqual(Object.keys(out).sort(), names.sort());
  return out;
}

const manifestOf = (out) => JSON.parse(spawnSync('tar', ['--zstd', '-xOf', out, 'manifest.json'], { encoding: 'utf8' }).stdout);
const leftovers = () => readdirSync(store.dir).filter((f) => /\.(partial|snapshot|restoring)$/.test(f));

before(async () => {
  store = freshDb();
  loadDistrict(store);
  srv = await startServer({ store });
});
after(async () => { await srv?.stop(); store?.cleanup(); });

test('a backup under write load restores to exactly its manifest, the audit chain verified', async () => {
  const petition = await srv.client().loginReady('petition');
  let stop = false, saved = 0;
  const worker = async (w) => {
    for (let k = 0; !stop; k++) {
      const r = await petition.post('/api/v1/petitions', {
        no: `BK-${w}-${k}`, received_on: '2023-03-01', channel: 'visit', persons: 1, level: 'township',
        subject: 'V1', category: 'land', summary: '备份测试',
      });
      assert.equal(r.status, 201);
      saved++;
    }
  };
  const workers = [0, 1, 2].map(worker);
  while (saved < 20) await new Promise((r) => setTimeout(r, 20));
  const out = join(store.dir, 'load.sanling-backup');
  const b = cli(store.db, store.key, ['backup', '-o', out]);
  const during = saved;
  stop = true;
  await Promise.all(workers);
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stdout, /the key file .* is not in the backup: back it up separately/);
  assert.ok(saved > during || saved >= 20);

  // the archive: a zstd tar of the database and its manifest, no key
  const list = spawnSync('tar', ['--zstd', '-tf', out], { encoding: 'utf8' }).stdout.trim().split('\n');
  assert.deepEqual(list, [BACKEND === 'postgresql' ? 'sanling.pgdump' : 'sanling.db', 'manifest.json']);
  const m = manifestOf(out);
  assert.equal(m.format, 'sanling-backup');
  assert.equal(m.engine, BACKEND);
  assert.match(m.schema, /^\d{3}$/);
  assert.match(m.sha256, /^[0-9a-f]{64}$/);
  assert.ok(m.tables.petitions >= 20, 'the petitions saved before the backup are in it');
  assert.ok(!readFileSync(out).includes(readFileSync(store.key)), 'the key file is not in the backup');

  const t = emptyTarget('restored.db');
  try {
    const r = cli(t.db, store.key, ['restore', out]);
    assert.equal(r.status, 0, r.stderr);
    // every table, counted by the database itself, is what the manifest says
    assert.deepEqual(tables(t.db), Object.keys(m.tables).sort());
    for (const [table, n] of Object.entries(m.tables))
      assert.equal(Number(sql({ db: t.db }, `SELECT COUNT(*) FROM "${table}"`, BACKEND)), n, table);
    // each restored petition is the original's (nothing invented, nothing changed)
    const live = new Set(allRows(store.db).petitions.split('\n'));
    for (const row of allRows(t.db).petitions.split('\n')) assert.ok(live.has(row), row);
    const v = cli(t.db, store.key, ['audit', 'verify']);
    assert.equal(v.status, 0, v.stderr);
  } finally {
    t.drop();
  }
  assert.deepEqual(leftovers(), []);
});

test('a quiet backup restores every table row for row', async () => {
  await srv.stop();
  const out = join(store.dir, 'quiet.sanling-backup');
  assert.equal(cli(store.db, store.key, ['backup', '-o', out]).status, 0);
  const t = emptyTarget('quiet.db');
  try {
    const r = cli(t.db, store.key, ['restore', out]);
    assert.equal(r.status, 0, r.stderr);
    const want = allRows(store.db), got = allRows(t.db);
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
    assert.ok(Object.keys(want).length > 40);
    for (const table of Object.keys(want)) assert.equal(got[table], want[table], table);
  } finally {
    t.drop();
  }
  srv = await startServer({ store });
});

test('refusals: each says why and leaves nothing behind', () => {
  const good = join(store.dir, 'good.sanling-backup');
  assert.equal(cli(store.db, store.key, ['backup', '-o', good]).status, 0);
  const refuse = (db, key, args, re, shell) => {
    const r = cli(db, key, args, shell);
    assert.equal(r.status, 1, args.join(' '));
    assert.match(r.stderr, re);
  };
  // the output exists: not overwritten
  const size = statSync(good).size;
  refuse(store.db, store.key, ['backup', '-o', good], /exists: a backup never overwrites a file/);
  assert.equal(statSync(good).size, size);
  // the disk fills (a file size limit: the same write error): nothing left
  const full = join(store.dir, 'full.sanling-backup');
  refuse(store.db, store.key, ['backup', '-o', full], /disk I\/O error.*is the disk full|File too large|No space left/, 'ulimit -f 64');
  assert.ok(!existsSync(full));
  // not empty: the source itself
  refuse(store.db, store.key, ['restore', good], /not empty.*restored only into a new database/);
  const t = emptyTarget('refused.db');
  try {
    // not a backup
    const junk = join(store.dir, 'junk.sanling-backup');
    writeFileSync(junk, 'PRAGMA nothing;\n'.repeat(100));
    refuse(t.db, store.key, ['restore', junk], /not a sanling backup/);
    // cut short
    const cut = join(store.dir, 'cut.sanling-backup');
    writeFileSync(cut, readFileSync(good).subarray(0, Math.floor(size / 2)));
    refuse(t.db, store.key, ['restore', cut], /not a whole backup|damaged/);
    // another district's key: the chain does not verify with it
    const other = freshDb();
    try {
      refuse(t.db, other.key, ['restore', good], /audit|key file/);
    } finally {
      other.cleanup();
    }
    // nothing was restored
    if (BACKEND === 'postgresql') assert.deepEqual(tables(t.db), []);
    else assert.ok(!existsSync(t.db));
  } finally {
    t.drop();
  }
  assert.deepEqual(leftovers(), []);
});

test('the nightly backup: written once a day into its folder, the newest N kept', async () => {
  const s = freshDb();
  loadDistrict(s);
  const dir = join(s.dir, 'nightly');
  spawnSync('mkdir', [dir]);
  const old = ['2020-01-01', '2020-01-02', '2020-01-03'].map((d) => `sanling-${d}.tar.zst`);
  for (const f of old) writeFileSync(join(dir, f), 'an old backup');
  writeFileSync(join(dir, 'notes.txt'), 'not a backup: never removed');
  const night = await startServer({ store: s, args: ['--backup-dir', dir, '--backup-keep', '2', '--backup-at', '00:00'] });
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  try {
    for (let i = 0; i < 600 && !/backup: .*written/.test(night.stderr()); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(night.stderr(), new RegExp(`backup: .*sanling-${today}\\.tar\\.zst written`));
  } finally {
    await night.proc.kill('SIGTERM');
    await new Promise((r) => night.proc.once('exit', r));
  }
  assert.deepEqual(readdirSync(dir).sort(), ['notes.txt', 'sanling-2020-01-03.tar.zst', `sanling-${today}.tar.zst`]);
  const t = emptyTarget('nightly.db');
  try {
    const r = cli(t.db, s.key, ['restore', join(dir, `sanling-${today}.tar.zst`)]);
    assert.equal(r.status, 0, r.stderr);
  } finally {
    t.drop();
    s.cleanup();
  }
  // a time that is not one
  const bad = cli(store.db, store.key, ['serve', '--backup-dir', dir, '--backup-at', '25:00']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--backup-at: "25:00" is not a time HH:MM/);
});

// pg_dump and pg_restore are given the database without its password (the
// arguments of a process are anyone's to read in /proc); it goes in their
// environment.  Tools on PATH that note their arguments and PGPASSWORD,
// then run the real ones, say what they were given.
test('PostgreSQL: the password of the database URL is in the tools\' environment, not their arguments', { skip: BACKEND !== 'postgresql' && 'PostgreSQL only' }, () => {
  const shims = join(store.dir, 'shims');
  const log = join(store.dir, 'shims.log');
  mkdirSync(shims, { recursive: true });
  for (const tool of ['pg_dump', 'pg_restore']) {
    const real = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    assert.ok(real, tool);
    writeFileSync(join(shims, tool), `#!/bin/sh\nprintf '%s\\n' "${tool} $*" "PGPASSWORD=$PGPASSWORD" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  }
  const withPassword = (url) => { const u = new URL(url); u.password = 'Se@cret:pw'; return u.toString(); };
  const out = join(store.dir, 'password.sanling-backup');
  const t = emptyTarget('password.db');
  try {
    const shell = `PATH='${shims}':"$PATH"`;
    const b = cli(withPassword(store.db), store.key, ['backup', '-o', out], shell);
    assert.equal(b.status, 0, b.stderr);
    const r = cli(withPassword(t.db), store.key, ['restore', out], shell);
    assert.equal(r.status, 0, r.stderr);
  } finally {
    t.drop();
  }
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  assert.deepEqual(lines.filter((l) => l.startsWith('PGPASSWORD=')), ['PGPASSWORD=Se@cret:pw', 'PGPASSWORD=Se@cret:pw']);
  const calls = lines.filter((l) => /^pg_(dump|restore) /.test(l));
  assert.equal(calls.length, 2);
  for (const c of calls) {
    assert.ok(!c.includes('Se@cret') && !c.includes('Se%40cret') && !c.includes('cret:pw') && !c.includes('cret%3Apw'), c);
    assert.match(c, /--dbname=postgres(ql)?:\/\/[^:@/]+@/, c);
  }
});
