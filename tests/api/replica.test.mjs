// replica.test.mjs: reads on a PostgreSQL streaming replica (serve --db-read).
// The test starts its own primary and a replica of it (scripts/pgtmp.sh:
// pg_basebackup -R over loopback, on another port) and a server on both,
// then checks, with the replica's replay paused and running:
//   - routing: a record written by session A is not in session B's list
//     while the replica's replay is paused (B read the replica);
//   - read-your-writes: A sees its own record at once (it waited, in vain,
//     and read the primary); once replay runs, A's reads are the replica's;
//   - writes go to the primary (the replica has not the record, the POST
//     counts no read), and the audit row an export leaves too;
//   - a GET that writes (figures of months never computed) answers 200
//     with the right figure, read again on the primary;
//   - the replica stopped: reads still answer, from the primary;
// where each read was answered by the server's counters
// (sanling_db_reads_total{target}, sanling_db_replica_fallbacks_total{reason}),
// and each refusal of --db-read at start.  PostgreSQL only: skipped on SQLite.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BACKEND, BIN, loadDistrict, startServer } from './lib.mjs';
import { make } from './events_util.mjs';

const PGTMP = new URL('../../scripts/pgtmp.sh', import.meta.url).pathname;
const ENV = { ...process.env, SANLING_FAST_KDF: '1' };
const skip = BACKEND !== 'postgresql' &&
  'read replicas are PostgreSQL streaming replicas: run with SANLING_TEST_BACKEND=postgresql';

function pgtmp(...args) {
  const r = spawnSync('sh', [PGTMP, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pgtmp ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim().split('\n').pop();
}

function psql(url, sql) {
  const r = spawnSync('psql', [url, '-qAtc', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  return r.stdout.trim();
}

describe('read replicas', { skip }, () => {
  let base, primary, replica, store, srv, A, B;

  // the replica has replayed all the primary has written so far
  async function caughtUp() {
    const lsn = psql(primary, 'SELECT pg_current_wal_lsn()');
    for (let i = 0; i < 500; i++) {
      if (psql(replica, `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn`) === 't') return;
      await sleep(10);
    }
    throw new Error('the replica did not catch up in 5 s');
  }

  async function counters() {
    const text = await (await fetch(srv.metricsUrl)).text();
    const get = (name, label) => {
      const m = text.match(new RegExp(`^${name}\\{${label}\\} (\\S+)$`, 'm'));
      return m ? Number(m[1]) : 0;
    };
    const out = {};
    for (const t of ['replica', 'primary']) out[t] = get('sanling_db_reads_total', `target="${t}"`);
    for (const r of ['lag', 'down', 'read_only', 'lost', 'error']) out[r] = get('sanling_db_replica_fallbacks_total', `reason="${r}"`);
    return out;
  }

  // `fn`'s requests, and how each counter moved meanwhile
  async function moved(fn) {
    const was = await counters();
    const value = await fn();
    const now = await counters();
    return { value, d: Object.fromEntries(Object.keys(now).map((k) => [k, now[k] - was[k]])) };
  }

  const petitionNos = async (client) => {
    const r = await client.get('/api/v1/petitions?page_size=500');
    assert.equal(r.status, 200, r.text);
    return r.json.items.map((p) => p.no).sort();
  };
  const visits = async (client) => {
    const r = await client.get('/api/v1/figures?through=2023-03');
    assert.equal(r.status, 200, r.text);
    return r.json.visit_batches;
  };
  const serve = (db, ...args) => spawnSync(BIN, ['--db', db, '--key', store.key, 'serve', '--port', '0', ...args],
    { encoding: 'utf8', env: ENV, timeout: 30000 });

  before(async () => {
    base = mkdtempSync('/tmp/slrep-');
    chmodSync(base, 0o755); // the clusters' user goes through it
    primary = pgtmp('start', join(base, 'p'));
    const key = join(base, 'test.key');
    store = {
      db: primary, key, dir: base, pristine: false,
      cli(args, input) {
        const r = spawnSync(BIN, ['--db', primary, '--key', key, ...args], { input: input ?? '', encoding: 'utf8', env: ENV });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr };
      },
    };
    const init = store.cli(['init']);
    if (init.status !== 0) throw new Error('init: ' + init.stderr);
    loadDistrict(store);
    replica = pgtmp('replica', join(base, 'r'), join(base, 'p'));
  });

  after(async () => {
    if (srv) await srv.stop();
    if (base) {
      for (const d of ['x', 'r', 'p']) spawnSync('sh', [PGTMP, 'stop', join(base, d)]);
      rmSync(base, { recursive: true, force: true });
    }
  });

  test('--db-read refused at start: on SQLite, not PostgreSQL, unreachable, not a replica, another cluster or database', () => {
    const lite = join(base, 'lite.db');
    let r = serve(lite, '--db-read', replica);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--db-read: read replicas are PostgreSQL streaming replicas.*SQLite/);
    assert.ok(!existsSync(lite), 'nothing made of the SQLite file');
    r = serve(primary, '--db-read', join(base, 'other.db'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /other\.db is not a PostgreSQL URL/);
    assert.ok(!existsSync(join(base, 'other.db')), 'no SQLite file made of the URL');
    r = serve(primary, '--db-read', 'postgresql://postgres:secret-pw@127.0.0.1:1/sanling_test');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /127\.0\.0\.1:1\/sanling_test: cannot connect/);
    assert.doesNotMatch(r.stderr, /secret-pw/, 'the password is not shown');
    r = serve(primary, '--db-read', primary);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /is not a replica \(pg_is_in_recovery\(\) is false\)/);
    const other = new URL(replica);
    other.pathname = '/postgres';
    r = serve(primary, '--db-read', other.toString());
    assert.equal(r.status, 1);
    assert.match(r.stderr, /names the database postgres, the primary's is sanling_test/);
    // a server in recovery, but of a cluster of its own (a standby of nothing)
    pgtmp('start', join(base, 'x'));
    pgtmp('stop', join(base, 'x'));
    writeFileSync(join(base, 'x', 'data', 'standby.signal'), '');
    const stranger = pgtmp('start', join(base, 'x'));
    r = serve(primary, '--db-read', stranger);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /is a replica of another cluster \(system identifier \d+, the primary's \d+\)/);
    pgtmp('stop', join(base, 'x'));
    // the configuration file's db-read lines, each one used: the second is refused
    const conf = join(base, 'sanling.conf');
    writeFileSync(conf, `db-read = ${replica}\ndb-read = postgresql://postgres@127.0.0.1:1/sanling_test\n`);
    r = spawnSync(BIN, ['--config', conf, '--db', primary, '--key', store.key, 'serve', '--port', '0'],
      { encoding: 'utf8', env: ENV, timeout: 30000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--db-read: postgresql:\/\/postgres@127\.0\.0\.1:1\/sanling_test: cannot connect/);
    r = serve(primary, '--db-read', replica, '--db-read-wait', '-1');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--db-read-wait: "-1" is not a number from 0 to 60000/);
  });

  test('a server on the primary and the replica; sessions A and B of one account', async () => {
    srv = await startServer({ store, args: ['--db-read', replica, '--db-read-wait', '300', '--metrics-listen', '127.0.0.1:0'] });
    // A makes the forced change of password (a write of A's); B, later, writes nothing
    A = await srv.client().loginReady('petition');
    B = await srv.client().loginReady('petition');
    await caughtUp();
    const { d } = await moved(() => petitionNos(B));
    assert.deepEqual([d.replica, d.primary], [1, 0], 'B read the replica');
  });

  test('routing and read-your-writes, replay paused: B does not see A\'s record, A does', async () => {
    psql(replica, 'SELECT pg_wal_replay_pause()');
    for (let i = 0; psql(replica, 'SELECT pg_get_wal_replay_pause_state()') !== 'paused'; i++) {
      assert.ok(i < 500, 'the replay pauses');
      await sleep(10);
    }
    let m = await moved(() => A.post('/api/v1/petitions', make.petitions('RP-1')));
    assert.equal(m.value.status, 201, m.value.text);
    assert.deepEqual([m.d.replica, m.d.primary], [0, 0], 'a write is no read');
    assert.equal(psql(primary, "SELECT count(*) FROM petitions WHERE no = 'RP-1'"), '1', 'written on the primary');
    assert.equal(psql(replica, "SELECT count(*) FROM petitions WHERE no = 'RP-1'"), '0', 'not yet on the replica');

    m = await moved(() => petitionNos(B));
    assert.deepEqual(m.value, [], 'B read the replica, which has not replayed A\'s write');
    assert.deepEqual([m.d.replica, m.d.primary, m.d.lag], [1, 0, 0]);

    m = await moved(() => petitionNos(A));
    assert.deepEqual(m.value, ['RP-1'], 'A sees its own write');
    assert.deepEqual([m.d.replica, m.d.primary, m.d.lag], [0, 1, 1], 'A waited for the replica in vain and read the primary');
  });

  test('replay running: A\'s reads are the replica\'s again; an export there, its audit row on the primary', async () => {
    psql(replica, 'SELECT pg_wal_replay_resume()');
    await caughtUp();
    let m = await moved(() => petitionNos(A));
    assert.deepEqual(m.value, ['RP-1']);
    assert.deepEqual([m.d.replica, m.d.primary], [1, 0], 'the replica has A\'s write: A reads it there');
    m = await moved(() => petitionNos(B));
    assert.deepEqual(m.value, ['RP-1']);
    assert.equal(m.d.replica, 1);

    const audits = () => psql(primary, "SELECT count(*) FROM audit WHERE action = 'petitions.export'");
    const before = audits();
    m = await moved(() => B.get('/api/v1/petitions/export?format=csv'));
    assert.equal(m.value.status, 200, m.value.text);
    assert.match(m.value.text, /RP-1/);
    assert.deepEqual([m.d.replica, m.d.primary], [1, 0], 'exported from the replica');
    assert.equal(Number(audits()), Number(before) + 1, 'its audit row written on the primary');
  });

  test('a GET that writes (months never computed) answers 200 from the primary; figures kept by a write read on the replica', async () => {
    // whatever is not computed yet computed, on the primary, and replayed
    assert.equal(await visits(B), 1, 'one visit petition, RP-1');
    await caughtUp();
    let m = await moved(() => visits(B));
    assert.equal(m.value, 1);
    assert.deepEqual([m.d.replica, m.d.read_only], [1, 0], 'fresh figures read on the replica');

    const p = await A.post('/api/v1/petitions', make.petitions('RP-2'));
    assert.equal(p.status, 201, p.text);
    await caughtUp(); // B reads the replica, which has RP-2 and the figures the write kept
    m = await moved(() => visits(B));
    assert.equal(m.value, 2, 'two visit petitions, RP-1 and RP-2');
    assert.deepEqual([m.d.replica, m.d.primary, m.d.read_only], [1, 0, 0], 'the write kept the figures: read on the replica');

    const later = () => B.get('/api/v1/figures?through=2023-06');
    m = await moved(later);
    assert.equal(m.value.status, 200, m.value.text);
    assert.equal(m.value.json.visit_batches, 2);
    assert.deepEqual([m.d.replica, m.d.primary, m.d.read_only], [0, 1, 1],
      'months never computed: refused on the replica (read-only), the request done again on the primary');
    await caughtUp();
    m = await moved(later);
    assert.equal(m.value.json.visit_batches, 2);
    assert.deepEqual([m.d.replica, m.d.read_only], [1, 0], 'the computed months replayed: read on the replica');
  });

  test('the replica stopped: reads answer from the primary, the loss logged', async () => {
    pgtmp('stop', join(base, 'r'));
    let m = await moved(() => petitionNos(B));
    assert.deepEqual(m.value, ['RP-1', 'RP-2']);
    assert.equal(m.d.primary, 1);
    assert.equal(m.d.lost + m.d.down, 1, `lost or down: ${JSON.stringify(m.d)}`);
    m = await moved(() => visits(A));
    assert.equal(m.value, 2);
    assert.deepEqual([m.d.replica, m.d.primary, m.d.down], [0, 1, 1], 'passed over while lost');
    const r = await A.post('/api/v1/petitions', make.petitions('RP-3'));
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(await petitionNos(A), ['RP-1', 'RP-2', 'RP-3']);
    assert.match(srv.stderr(), /read replica postgresql:\/\/postgres@127\.0\.0\.1:\d+\/sanling_test lost/);
  });
});
