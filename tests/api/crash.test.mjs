// crash.test.mjs: the server and the command line killed (SIGKILL) at a
// random moment of a burst of concurrent saves and a large import, then the
// database looked at cold: every save that was acknowledged (2xx) is there,
// each import is there whole or not at all, SQLite's integrity check is ok
// and the audit chain verifies.  Several short runs per engine, each at its
// own random moment; a failure names the run's moments so it can be replayed
// (CRASH_SEED=...).  Not a test of speed, and no fault injection but the kill.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BACKEND, BIN, freshDb, loadDistrict, startServer } from './lib.mjs';
import { sql } from './util.mjs';

const RUNS = BACKEND === 'postgresql' ? 3 : 5;
const EAST = '410000001000', EAST_VILLAGE = '410000001001';
const CSV = { headers: { 'content-type': 'text/csv' }, raw: true };
const API_ROWS = 2000, CLI_ROWS = 3000, WORKERS = 8;

// A small deterministic generator (mulberry32), so that a failing run can be replayed.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function subjectsCsv(prefix, n) {
  const rows = ['主体编码,主体名称,主体类型,主体类别,所属乡镇,所在村/社区,纳入月份'];
  for (let i = 1; i <= n; i++)
    rows.push(`${prefix}${String(i).padStart(5, '0')},崩溃测试${i},企业,饭店,${EAST},${EAST_VILLAGE},2022-03`);
  return rows.join('\n') + '\n';
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const exited = (proc) => (proc.exitCode !== null || proc.signalCode !== null)
  ? Promise.resolve() : new Promise((r) => proc.once('exit', r));

function count(store, where) {
  return Number(sql(store, `SELECT COUNT(*) FROM ${where}`, BACKEND));
}

const base = Number(process.env.CRASH_SEED || Date.now() % 1000000);

// The district of lib.mjs, loaded once; each run works on a copy of it (a
// copy of the SQLite file, or a PostgreSQL database made from it as a template).
let district;
before(() => {
  district = freshDb();
  loadDistrict(district);
});
after(() => district?.cleanup());

function copyOfDistrict() {
  const dir = mkdtempSync(join(tmpdir(), 'sanling-crash-'));
  const key = join(dir, 'test.key');
  copyFileSync(district.key, key);
  let db, drop = () => {};
  if (BACKEND === 'postgresql') {
    const name = 'c_' + randomBytes(6).toString('hex');
    const from = new URL(district.db).pathname.slice(1);
    const r = spawnSync('psql', [process.env.SANLING_TEST_PG, '-qAtc', `CREATE DATABASE ${name} TEMPLATE ${from}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error('psql: ' + r.stderr);
    const u = new URL(process.env.SANLING_TEST_PG);
    u.pathname = '/' + name;
    db = u.toString();
    drop = () => spawnSync('psql', [process.env.SANLING_TEST_PG, '-qAtc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
  } else {
    db = join(dir, 'test.db');
    for (const ext of ['', '-wal'])
      if (existsSync(district.db + ext)) copyFileSync(district.db + ext, db + ext);
  }
  const env = { ...process.env, SANLING_FAST_KDF: '1' };
  const cli = (args, input) => {
    const r = spawnSync(BIN, ['--db', db, '--key', key, ...args], { input: input ?? '', encoding: 'utf8', env });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { db, key, dir, cli, cleanup: () => { drop(); rmSync(dir, { recursive: true, force: true }); } };
}

for (let run = 1; run <= RUNS; run++) {
  test(`crash run ${run} (${BACKEND}): kill -9 during saves and imports loses nothing acknowledged, keeps imports whole`, async (t) => {
    const seed = base + run;
    const rand = rng(seed);
    const killServerAt = 100 + Math.floor(rand() * 1400);
    const killCliAt = 20 + Math.floor(rand() * 700);
    t.diagnostic(`seed ${seed}: server killed at ${killServerAt} ms, command line at ${killCliAt} ms`);
    const store = copyOfDistrict();
    try {
      const srv = await startServer({ store });
      const petition = await srv.client().loginReady('petition');
      const office = await srv.client().loginReady('office');

      // the burst: every worker saves petitions one after the other
      const acked = [];
      let stop = false;
      const worker = async (w) => {
        for (let k = 0; !stop; k++) {
          const no = `KP${run}-${w}-${k}`;
          try {
            const r = await petition.post('/api/v1/petitions', {
              no, received_on: '2023-03-01', channel: 'visit', persons: 1, level: 'township',
              subject: 'V1', category: 'land', summary: '崩溃测试',
            });
            if (r.status >= 200 && r.status < 300) acked.push(no);
          } catch {
            return; // the server is gone
          }
        }
      };
      let imported = null;
      const importing = office.post('/api/v1/subjects/import?format=csv', subjectsCsv('KA', API_ROWS), CSV)
        .then((r) => { imported = r.status; }, () => {});
      const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
      await sleep(killServerAt);
      srv.proc.kill('SIGKILL');
      stop = true;
      await exited(srv.proc);
      await Promise.allSettled([...workers, importing]);

      // the command line's import, killed too
      const file = join(store.dir, 'cli-import.csv');
      writeFileSync(file, subjectsCsv('KC', CLI_ROWS));
      const cli = spawn(BIN, ['--db', store.db, '--key', store.key, 'import', 'subjects', file],
        { env: { ...process.env, SANLING_FAST_KDF: '1' }, stdio: 'ignore' });
      await sleep(killCliAt);
      cli.kill('SIGKILL');
      await exited(cli);
      const cliDone = cli.exitCode === 0;

      // cold: what the disk says
      if (BACKEND === 'sqlite')
        assert.equal(sql(store, 'PRAGMA integrity_check', BACKEND), 'ok');
      const v = store.cli(['audit', 'verify']);
      assert.equal(v.status, 0, `audit verify: ${v.stderr}${v.stdout}`);
      assert.match(v.stdout, /intact/);
      t.diagnostic(`${acked.length} saves acknowledged; API import ${imported ?? 'unanswered'}; ` +
        `command-line import ${cliDone ? 'finished' : 'killed'}`);
      if (acked.length) {
        const list = acked.map((no) => `'${no}'`).join(',');
        assert.equal(count(store, `petitions WHERE no IN (${list})`), acked.length,
          'every acknowledged save is stored');
      }
      const api = count(store, "subjects WHERE code LIKE 'KA%'");
      assert.ok(api === 0 || api === API_ROWS, `the API import is whole or absent: ${api} of ${API_ROWS} rows`);
      if (imported === 200) assert.equal(api, API_ROWS, 'an acknowledged import is stored');
      const byCli = count(store, "subjects WHERE code LIKE 'KC%'");
      assert.ok(byCli === 0 || byCli === CLI_ROWS, `the command-line import is whole or absent: ${byCli} of ${CLI_ROWS} rows`);
      if (cliDone) assert.equal(byCli, CLI_ROWS);
      // and the database still takes writes after it all
      const small = join(store.dir, 'after.csv');
      writeFileSync(small, subjectsCsv('KZ', 10));
      const again = store.cli(['import', 'subjects', small]);
      assert.equal(again.status, 0, again.stderr);
      assert.equal(count(store, "subjects WHERE code LIKE 'KZ%'"), 10);
    } finally {
      store.cleanup();
    }
  });
}
