// audit.test.mjs: the keyed audit chain from the outside, on the engine of
// $SANLING_TEST_BACKEND: `sanling audit verify` (with and without
// `--anchor`) passes a clean chain and catches each tamper the probe made —
// rows deleted from the end with the head moved back, the reveals deleted
// and the chain recomputed the old way (plain SHA-256), a row edited — and
// a forged anchor; and the audit of refusals: a grid user refused several
// endpoints leaves one row each, which the audit administrator reads, and a
// flood of refusals leaves a bounded number of rows and then one summary.
// The server's daily anchor (`serve --anchor-dir`) is verified against.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, loadDistrict, freshDb, BACKEND } from './lib.mjs';
import { sql } from './util.mjs';

const WINDOW = 3; // seconds: the refusals' "minute" of this server (SANLING_DENIAL_WINDOW)
let store, srv;
const clients = new Map();
async function as(user) {
  if (!clients.has(user)) clients.set(user, await srv.client().loginReady(user));
  return clients.get(user);
}

before(async () => {
  store = freshDb();
  loadDistrict(store);
  srv = await startServer({ store, env: { SANLING_DENIAL_WINDOW: String(WINDOW) } });
});
after(async () => { await srv.stop(); store.cleanup(); });

const q = (text) => sql(store, text, BACKEND);
const lit = (s) => `'${String(s).replaceAll("'", "''")}'`;

// Every audit row (all columns) and the head, to put back after a tamper.
function dump() {
  const cols = "'seq',seq,'at',at,'username',username,'action',action,'object',object," +
    "'outcome',outcome,'source',source,'detail',detail,'prev_hash',prev_hash,'hash',hash";
  const rows = JSON.parse(BACKEND === 'postgresql'
    ? q(`SELECT COALESCE(json_agg(json_build_object(${cols}) ORDER BY seq), '[]') FROM audit`)
    : q(`SELECT json_group_array(json_object(${cols})) FROM (SELECT * FROM audit ORDER BY seq)`));
  const head = q('SELECT seq, hash, keyed_from, mac FROM audit_head').split('|');
  return { rows, head };
}

function writeRows(rows) {
  q('DELETE FROM audit');
  for (let i = 0; i < rows.length; i += 200) {
    const values = rows.slice(i, i + 200).map((r) => `(${r.seq}, ${[r.at, r.username, r.action,
      r.object, r.outcome, r.source, r.detail, r.prev_hash, r.hash].map(lit).join(', ')})`);
    q('INSERT INTO audit (seq, at, username, action, object, outcome, source, detail, ' +
      `prev_hash, hash) VALUES ${values.join(', ')}`);
  }
}

function restore(d) {
  writeRows(d.rows);
  const [seq, hash, keyedFrom, mac] = d.head;
  q(`UPDATE audit_head SET seq = ${seq}, hash = ${lit(hash)}, keyed_from = ${keyedFrom}, mac = ${lit(mac)}`);
}

const verify = (...args) => store.cli(['audit', 'verify', ...args]);

test('the command line: a clean chain verifies with and without an anchor; each tamper is caught', async (t) => {
  // some reveals to delete: the office looks at a contact phone three times
  const office = await as('office');
  const s1 = (await office.get('/api/v1/subjects?code=S1')).json.items[0];
  for (let i = 0; i < 3; i++) {
    const r = await office.post(`/api/v1/subjects/${s1.id}/reveal`, { field: 'contact_phone', reason: `核实联系方式 ${i}` });
    assert.equal(r.status, 200, r.text);
  }
  const anchor = join(store.dir, 'anchor.json');
  const a = store.cli(['audit', 'anchor', '-o', anchor]);
  assert.equal(a.status, 0, a.stderr);
  const anc = JSON.parse(readFileSync(anchor, 'utf8'));
  assert.ok(anc.seq > 3 && /^[0-9a-f]{64}$/.test(anc.hash) && /^[0-9a-f]{64}$/.test(anc.mac) && anc.at);
  let v = verify();
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /intact/);
  v = verify('--anchor', anchor);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /reaches the anchor/);

  // the rest of the test tampers with the database: no server may write meanwhile
  await srv.stop();
  const clean = dump();
  const n = clean.rows.length;
  assert.equal(Number(clean.head[0]), n);

  await t.test('rows deleted from the end, the head moved back onto the last left', () => {
    q(`DELETE FROM audit WHERE seq > ${n - 2}`);
    q(`UPDATE audit_head SET seq = ${n - 2}, hash = (SELECT hash FROM audit WHERE seq = ${n - 2})`);
    let r = verify();
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.stderr, /BROKEN/);
    r = verify('--anchor', anchor);
    assert.equal(r.status, 2, r.stdout);
    restore(clean);
    assert.equal(verify('--anchor', anchor).status, 0);
  });

  await t.test('the reveals deleted and the chain recomputed the old way (plain SHA-256)', () => {
    const kept = clean.rows.filter((r) => r.action !== 'reveal');
    assert.equal(kept.length, n - 3);
    let prev = '0'.repeat(64);
    const rows = kept.map((r, i) => {
      const x = { ...r, seq: i + 1, prev_hash: prev };
      x.hash = createHash('sha256').update([prev, x.seq, r.at, r.username, r.action, r.object,
        r.outcome, r.source, r.detail].join('\x1f')).digest('hex');
      prev = x.hash;
      return x;
    });
    writeRows(rows);
    q(`UPDATE audit_head SET seq = ${rows.length}, hash = ${lit(prev)}`);
    let r = verify();
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.stderr, /BROKEN at row 1:/);
    // ... and claiming besides that no row was ever keyed
    q(`UPDATE audit_head SET keyed_from = ${rows.length + 1}, mac = NULL`);
    r = verify();
    assert.equal(r.status, 2, r.stdout);
    r = verify('--anchor', anchor);
    assert.equal(r.status, 2, r.stdout);
    restore(clean);
    assert.equal(verify('--anchor', anchor).status, 0);
  });

  await t.test('a row edited', () => {
    const reveal = clean.rows.find((r) => r.action === 'reveal');
    q(`UPDATE audit SET username = 'someone' WHERE seq = ${reveal.seq}`);
    const r = verify();
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.stderr, new RegExp(`BROKEN at row ${reveal.seq}:`));
    restore(clean);
    assert.equal(verify().status, 0);
  });

  await t.test('a forged anchor is refused', () => {
    const forged = join(store.dir, 'forged.json');
    writeFileSync(forged, JSON.stringify({ ...anc, seq: anc.seq - 2 }) + '\n');
    const r = verify('--anchor', forged);
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.stderr, /REFUSED/);
  });

  // the server again, for the tests that follow
  clients.clear();
  srv = await startServer({ store, env: { SANLING_DENIAL_WINDOW: String(WINDOW) } });
});

async function denied(auditor, user) {
  const r = await auditor.get(`/api/v1/audit?user=${user}&page_size=500`);
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((x) => x.action.startsWith('denied')).reverse();
}

test('a grid user refused several endpoints leaves one audit row each; the audit administrator reads them', async () => {
  const grid = await as('grid1');
  const tries = [
    ['GET', '/api/v1/audit', undefined, 403],
    ['GET', '/api/v1/audit/verify', undefined, 403],
    ['GET', '/api/v1/settings', undefined, 403],
    ['PUT', '/api/v1/settings', { password_min_length: 8 }, 403],
    ['POST', '/api/v1/users/1/password', { password: 'Whatever-12345' }, 403],
    ['POST', '/api/v1/users/1/unlock', undefined, 403],
    ['GET', '/api/v1/subjects/999999', undefined, 404],
  ];
  for (const [m, p, body, status] of tries) {
    const r = await grid.req(m, p, body);
    assert.equal(r.status, status, `${m} ${p}: ${r.text}`);
  }
  // a 404 of a list without personal data is no refusal to audit
  assert.equal((await grid.get('/api/v1/no-such-thing')).status, 404);

  const auditor = await as('auditor');
  const rows = await denied(auditor, 'grid1');
  assert.deepEqual(rows.map((x) => [x.object, x.outcome]),
    tries.map(([m, p, , status]) => [`${m} ${p}`, String(status)]));
  for (const x of rows) {
    assert.equal(x.action, 'denied');
    assert.equal(x.source, '127.0.0.1');
    assert.ok(x.detail.length > 0);
    assert.ok(!x.detail.includes('Whatever-12345'), 'no password in the audit log');
  }
  const v = await auditor.get('/api/v1/audit/verify');
  assert.equal(v.json.ok, true, v.text);
});

test('a refusal met inside a write\'s own transaction, rolled back, is audited all the same', async () => {
  const west = await as('west');
  const office = await as('office');
  const v1 = (await office.get('/api/v1/subjects?code=V1')).json.items[0];
  // east's village: out of west's scope, so it reads as missing, from inside the write
  const p = await west.patch(`/api/v1/subjects/${v1.id}`, { name: '改名', rev: v1.rev });
  assert.equal(p.status, 404, p.text);
  const rv = await west.post(`/api/v1/subjects/${v1.id}/reveal`, { field: 'contact_phone', reason: '核实身份' });
  assert.ok([403, 404].includes(rv.status), rv.text);
  assert.equal((await office.get(`/api/v1/subjects/${v1.id}`)).json.name, v1.name, 'nothing changed');
  const rows = await denied(await as('auditor'), 'west');
  assert.deepEqual(rows.map((x) => [x.object, x.outcome]), [
    [`PATCH /api/v1/subjects/${v1.id}`, '404'],
    [`POST /api/v1/subjects/${v1.id}/reveal`, String(rv.status)],
  ]);
});

test('a flood of refusals writes a bounded number of rows, then one row of how many were not', async () => {
  const east = await as('east');
  const auditor = await as('auditor');
  // the start of a fresh window of this user
  await new Promise((r) => setTimeout(r, WINDOW * 1000 + 100));
  const flood = await Promise.all(Array.from({ length: 60 }, () => east.get('/api/v1/audit')));
  assert.ok(flood.every((r) => r.status === 403));
  let rows = await denied(auditor, 'east');
  assert.equal(rows.filter((x) => x.action === 'denied').length, 10, JSON.stringify(rows));
  assert.equal(rows.filter((x) => x.action === 'denied.dropped').length, 0);

  // the next refusal after the window: the summary, then the refusal itself
  await new Promise((r) => setTimeout(r, WINDOW * 1000 + 100));
  assert.equal((await east.get('/api/v1/settings')).status, 403);
  rows = await denied(auditor, 'east');
  const drop = rows.filter((x) => x.action === 'denied.dropped');
  assert.equal(drop.length, 1, JSON.stringify(rows));
  assert.match(drop[0].detail, /^50 refusals not recorded one by one from /);
  assert.equal(rows.filter((x) => x.action === 'denied').length, 11);
  assert.equal(rows.at(-1).object, 'GET /api/v1/settings');
  const v = await auditor.get('/api/v1/audit/verify');
  assert.equal(v.json.ok, true, v.text);
});

test('serve --anchor-dir writes the day\'s anchor, which the chain reaches', async () => {
  const dir = join(store.dir, 'anchors');
  mkdirSync(dir);
  await srv.stop();
  clients.clear();
  srv = await startServer({ store, args: ['--anchor-dir', dir] });
  const name = `audit-anchor-${new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)}.json`;
  for (let i = 0; i < 50 && !readdirSync(dir).includes(name); i++)
    await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(readdirSync(dir), [name]);
  const office = await as('office');
  assert.equal((await office.get('/api/v1/subjects')).status, 200);
  const v = verify('--anchor', join(dir, name));
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /reaches the anchor/);
  // a directory that cannot be written is refused at start
  const bad = store.cli(['serve', '--port', '0', '--anchor-dir', join(dir, 'missing')]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /anchor-dir/);
});
