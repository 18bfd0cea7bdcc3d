// metrics.test.mjs: GET /metrics on the listener of `serve --metrics-listen`,
// read by a parser of the Prometheus text format written here: every line
// parses, every sample belongs to a family declared by HELP and TYPE before
// it; the request counters move by exactly the requests this test sent (by
// route pattern and status, expected from what was sent and what it was
// answered); a latency histogram's buckets are cumulative and its _count is
// its route's counters' sum; no id, query or personal data in any label;
// login failures, sessions, the group commit, the pool, import rows, the
// scheduler's jobs and the newest backup's and anchor's age; /metrics only
// there, not on the API's port; each bad --metrics-listen refused; the
// Grafana dashboard of docs/ parses and queries only metrics that exist.
// On the engine of SANLING_TEST_BACKEND.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, Client, freshDb, loadDistrict, startServer } from './lib.mjs';
import { toCsv } from './util.mjs';

const DASHBOARD = new URL('../../docs/grafana-sanling.json', import.meta.url).pathname;
const ENV = { ...process.env, SANLING_FAST_KDF: '1' };
const WRITE_THREADS = 4;
const PHONE = '13800138000';
const CSV = { headers: { 'content-type': 'text/csv' }, raw: true };
const EAST = '410000001000';

// ---- the text format, parsed ----

// `{a="x",b="y\"z"}`'s inside into { a: 'x', b: 'y"z' }; throws on anything else.
function parseLabels(s) {
  const labels = {};
  let i = 0;
  while (i < s.length) {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(s.slice(i));
    if (!m) throw new Error(`bad label at ${i}: ${s}`);
    i += m[0].length;
    let v = '';
    for (;;) {
      if (i >= s.length) throw new Error(`unterminated label value: ${s}`);
      const c = s[i++];
      if (c === '"') break;
      if (c === '\\') {
        const e = s[i++];
        if (e === 'n') v += '\n';
        else if (e === '\\' || e === '"') v += e;
        else throw new Error(`bad escape \\${e}: ${s}`);
      } else v += c;
    }
    if (m[1] in labels) throw new Error(`label ${m[1]} twice: ${s}`);
    labels[m[1]] = v;
    if (i < s.length) {
      if (s[i] !== ',') throw new Error(`expected , at ${i}: ${s}`);
      i++;
    }
  }
  return labels;
}

function parseValue(s) {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  if (!/^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(s)) throw new Error(`bad value ${s}`);
  return Number(s);
}

// The exposition as Map(family → { help, type, samples: [{ name, labels, value }] }).
function parseExposition(text) {
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  const fams = new Map();
  const seen = new Set();
  let cur = null;
  for (const line of text.slice(0, -1).split('\n')) {
    let m;
    if ((m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line))) {
      assert.ok(!fams.has(m[1]), `family ${m[1]} declared twice`);
      assert.match(m[1], /^sanling_/, 'the prefix');
      fams.set(m[1], { help: m[2], type: null, samples: [] });
      cur = m[1];
      continue;
    }
    if ((m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$/.exec(line))) {
      assert.equal(m[1], cur, `TYPE ${m[1]} right after its HELP`);
      assert.equal(fams.get(cur).type, null);
      fams.get(cur).type = m[2];
      continue;
    }
    assert.ok(!line.startsWith('#'), `a comment that is neither HELP nor TYPE: ${line}`);
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const [, name, lab = '', value] = m;
    const fam = fams.get(cur);
    assert.ok(fam && fam.type, `sample before its HELP and TYPE: ${line}`);
    const suffix = name.slice(cur.length);
    if (fam.type === 'histogram') assert.ok(name.startsWith(cur) && ['_bucket', '_sum', '_count'].includes(suffix), line);
    else assert.equal(name, cur, line);
    if (fam.type === 'counter') assert.match(cur, /_total$/, 'a counter ends in _total');
    const labels = parseLabels(lab);
    const key = name + JSON.stringify(Object.entries(labels).sort());
    assert.ok(!seen.has(key), `series twice: ${line}`);
    seen.add(key);
    fam.samples.push({ name, labels, value: parseValue(value) });
  }
  for (const [name, f] of fams) assert.ok(f.type, `${name} has a TYPE`);
  return fams;
}

const same = (a, b) => Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
const without = (labels, key) => Object.fromEntries(Object.entries(labels).filter(([k]) => k !== key));

// The value of sample `name{labels}` (0 when absent: a sparse series that never moved).
function val(fams, name, labels = {}) {
  for (const f of fams.values()) {
    const s = f.samples.find((x) => x.name === name && same(x.labels, labels));
    if (s) return s.value;
  }
  return 0;
}

// The sum of the samples `name` whose labels include `part`.
function total(fams, name, part = {}) {
  let n = 0;
  for (const f of fams.values())
    for (const s of f.samples)
      if (s.name === name && Object.entries(part).every(([k, v]) => s.labels[k] === v)) n += s.value;
  return n;
}

// ---- the server ----

let store, srv, scrapes = 0, sent = 0, t0, backups, anchors;

// A client of the API's port that counts every request it sends.
class Counting extends Client {
  async req(...a) { sent++; return super.req(...a); }
}

async function scrape() {
  const r = await fetch(srv.metricsUrl);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  scrapes++;
  const text = await r.text();
  return { text, fams: parseExposition(text) };
}

async function until(fn, what) {
  for (let i = 0; i < 400; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail('timed out waiting for ' + what);
}

before(async () => {
  store = freshDb();
  loadDistrict(store);
  backups = join(store.dir, 'backups');
  anchors = join(store.dir, 'anchors');
  mkdirSync(backups);
  mkdirSync(anchors);
  t0 = Date.now();
  // the nightly backup due from 00:00: it runs at start, with the other jobs
  srv = await startServer({
    store,
    args: ['--write-threads', String(WRITE_THREADS), '--metrics-listen', '127.0.0.1:0',
      '--backup-dir', backups, '--anchor-dir', anchors, '--backup-at', '00:00'],
  });
  assert.match(srv.metricsUrl, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  await until(async () => val((await scrape()).fams, 'sanling_scheduler_task_runs_total', { task: 'backup', result: 'ok' }) === 1, 'the start-up jobs');
});
after(async () => { await srv?.stop(); store?.cleanup(); });

test('the exposition parses: every family with HELP and TYPE, the fixed ones all there', async () => {
  const { fams } = await scrape();
  for (const [name, type] of Object.entries({
    sanling_build_info: 'gauge', sanling_start_time_seconds: 'gauge', sanling_http_requests_in_flight: 'gauge',
    sanling_http_requests_total: 'counter', sanling_http_request_duration_seconds: 'histogram',
    sanling_group_commit_batch_size: 'histogram', sanling_group_commit_wait_seconds: 'histogram',
    sanling_group_commit_sync_seconds: 'histogram', sanling_db_pool_connections: 'gauge',
    sanling_db_pool_max_connections: 'gauge', sanling_db_pool_waits_total: 'counter',
    sanling_sessions_active: 'gauge', sanling_login_failures_total: 'counter', sanling_import_rows_total: 'counter',
    sanling_scheduler_task_runs_total: 'counter', sanling_scheduler_task_duration_seconds: 'histogram',
    sanling_backup_newest_age_seconds: 'gauge', sanling_audit_anchor_newest_age_seconds: 'gauge',
  })) {
    assert.ok(fams.has(name), name);
    assert.equal(fams.get(name).type, type, name);
    assert.ok(fams.get(name).help.length > 10, `${name} says what it is`);
  }
  // "job" and "instance" are the labels Prometheus gives the target: never one of ours
  for (const f of fams.values())
    for (const s of f.samples) assert.ok(!('job' in s.labels) && !('instance' in s.labels), s.name);
  const version = readFileSync(new URL('../../debian/changelog', import.meta.url), 'utf8').match(/^sanling \(([^)]+)\)/)[1];
  assert.equal(fams.get('sanling_build_info').samples[0].labels.version, version);
  const started = val(fams, 'sanling_start_time_seconds');
  assert.ok(started >= Math.floor(t0 / 1000) && started <= Date.now() / 1000, 'started when the test started it');
  // HEAD too; only /metrics, only GET and HEAD
  const base = srv.metricsUrl.replace(/\/metrics$/, '');
  assert.equal((await fetch(srv.metricsUrl, { method: 'HEAD' })).status, 200);
  assert.equal((await fetch(base + '/')).status, 404);
  assert.equal((await fetch(base + '/metrics/x')).status, 404);
  const post = await fetch(srv.metricsUrl, { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
});

test('requests: counted by route pattern and status, exactly those sent; histograms cumulative, _count the counter', async () => {
  const m0 = (await scrape()).fams;
  const sent0 = sent;
  const anon = new Counting(srv.url);
  const office = await new Counting(srv.url).loginReady('office');	// POST /login 200, POST /password 204
  for (let i = 0; i < 3; i++) assert.equal((await anon.get('/api/v1/health')).status, 200);
  const list = await office.get(`/api/v1/subjects?page_size=1&q=${PHONE}`);
  assert.equal(list.status, 200);
  const one = await office.get('/api/v1/subjects?page_size=1');
  assert.equal(one.status, 200);
  const id = one.json.items[0].id;
  assert.equal((await office.get(`/api/v1/subjects/${id}?phone=${PHONE}`)).status, 200);
  assert.equal((await office.get(`/api/v1/subjects/99999999?phone=${PHONE}`)).status, 404);
  assert.equal((await anon.get(`/api/v1/subjects/${id}`)).status, 401);
  assert.equal((await office.get('/api/v1/petitions?page_size=1')).status, 200);
  assert.equal((await office.get('/api/v1/no-such-thing/at/all')).status, 404);
  const m1 = (await scrape()).fams;

  const d = (labels) => val(m1, 'sanling_http_requests_total', labels) - val(m0, 'sanling_http_requests_total', labels);
  assert.equal(d({ route: '/api/v1/health', method: 'GET', code: '200' }), 3);
  assert.equal(d({ route: '/api/v1/login', method: 'POST', code: '200' }), 1);
  assert.equal(d({ route: '/api/v1/password', method: 'POST', code: '204' }), 1);
  assert.equal(d({ route: '/api/v1/subjects', method: 'GET', code: '200' }), 2);
  assert.equal(d({ route: '/api/v1/subjects/{id}', method: 'GET', code: '200' }), 1);
  assert.equal(d({ route: '/api/v1/subjects/{id}', method: 'GET', code: '404' }), 1);
  assert.equal(d({ route: '/api/v1/subjects/{id}', method: 'GET', code: '401' }), 1);
  assert.equal(d({ route: '/api/v1/petitions', method: 'GET', code: '200' }), 1);
  // every request this test sent, and nothing else, on the API's port
  assert.equal(total(m1, 'sanling_http_requests_total') - total(m0, 'sanling_http_requests_total'), sent - sent0);

  // each route's histogram: cumulative buckets, +Inf = _count = its counters' sum
  const hist = m1.get('sanling_http_request_duration_seconds').samples;
  const series = hist.filter((s) => s.name.endsWith('_count'));
  for (const [route, method] of [['/api/v1/health', 'GET'], ['/api/v1/login', 'POST'], ['/api/v1/password', 'POST'],
    ['/api/v1/subjects', 'GET'], ['/api/v1/subjects/{id}', 'GET'], ['/api/v1/petitions', 'GET']])
    assert.ok(series.some((c) => same(c.labels, { route, method })), `${method} ${route} has its histogram`);
  for (const c of series) {
    const buckets = hist.filter((s) => s.name.endsWith('_bucket') && same(without(s.labels, 'le'), c.labels));
    const les = buckets.map((b) => parseValue(b.labels.le));
    assert.deepEqual(les, [...les].sort((a, b) => a - b), 'buckets in order');
    assert.equal(les.at(-1), Infinity);
    for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i].value >= buckets[i - 1].value, 'cumulative');
    assert.equal(buckets.at(-1).value, c.value, '+Inf = _count');
    assert.equal(c.value, total(m1, 'sanling_http_requests_total', c.labels), `_count = the counters of ${c.labels.route}`);
    assert.ok(hist.find((s) => s.name.endsWith('_sum') && same(s.labels, c.labels)).value >= 0);
  }
  for (const s of m1.get('sanling_http_requests_total').samples)
    assert.ok(series.some((c) => same(c.labels, without(s.labels, 'code'))), 'every counted route has its histogram');
});

test('no id, query string or personal data in any label', async () => {
  const office = await new Counting(srv.url).loginReady('office');
  const one = await office.get('/api/v1/subjects?page_size=1&page=3');
  const id = String(one.json.items[0].id);
  await office.get(`/api/v1/subjects/${id}?contact_phone=${PHONE}&reason=x`);
  await office.get(`/api/v1/subjects/${id}/history?x=${PHONE}`);
  await office.get(`/api/v1/${PHONE}/${id}`);
  await office.get(`/${PHONE}?q=${PHONE}`);
  const { text, fams } = await scrape();
  for (const bad of [PHONE, `/${id}`, `=${id}`, '?', 'contact_phone=', 'Init-Pass', 'Changed-Pass', '东镇'])
    assert.ok(!text.includes(bad), `no ${bad} in the exposition`);
  const routes = new Set();
  for (const f of fams.values())
    for (const s of f.samples) if (s.labels.route) routes.add(s.labels.route);
  for (const r of routes) assert.match(r, /^(none|web|\/api\/v1(\/([a-z_]+|\{[a-z]+\}|\*\*?))*)$/, 'a pattern of the table');
  assert.ok(routes.has('/api/v1/subjects/{id}/history'));
});

test('login failures, sessions, the group commit and the pool', async () => {
  const m0 = (await scrape()).fams;
  assert.equal(val(m0, 'sanling_sessions_active'), 2, 'the two office sessions of the tests before');
  // wrong passwords for one account until its source must wait: each answer says which it was
  const guesser = new Counting(srv.url);
  const statuses = [];
  for (let i = 0; i < 7; i++) statuses.push((await guesser.login('edu', 'wrong-' + i)).status);
  const bad = statuses.filter((s) => s === 401).length, delayed = statuses.filter((s) => s === 429).length;
  assert.equal(bad + delayed, 7);
  assert.ok(bad >= 1 && delayed >= 1, statuses.join());
  const pet = await new Counting(srv.url).loginReady('petition');
  const m1 = (await scrape()).fams;
  const d = (m, name, l) => val(m, name, l) - val(m0, name, l);
  assert.equal(d(m1, 'sanling_login_failures_total', { reason: 'bad_credentials' }), bad);
  assert.equal(d(m1, 'sanling_login_failures_total', { reason: 'delayed' }), delayed);
  assert.equal(val(m1, 'sanling_sessions_active'), 3);
  assert.equal((await pet.post('/api/v1/logout')).status, 204);
  const m2 = (await scrape()).fams;
  assert.equal(val(m2, 'sanling_sessions_active'), 2, 'the logout ended one');

  // the group commit: every write of a batch waits once; each write made is in one
  const writes = bad + 3; // the failures counted, petition's login and password change, its logout
  const batchSum = d(m2, 'sanling_group_commit_batch_size_sum');
  const batches = d(m2, 'sanling_group_commit_batch_size_count');
  assert.ok(batchSum >= writes, `${batchSum} writes in batches, ${writes} made`);
  assert.equal(d(m2, 'sanling_group_commit_wait_seconds_count'), batchSum);
  assert.ok(batches >= 1 && batches <= batchSum);
  const syncs = d(m2, 'sanling_group_commit_sync_seconds_count');
  assert.ok(syncs >= 1 && syncs <= batches, 'a sync covers one batch or more');
  for (const name of ['sanling_group_commit_batch_size', 'sanling_group_commit_wait_seconds', 'sanling_group_commit_sync_seconds'])
    assert.equal(val(m2, name + '_bucket', { le: '+Inf' }), val(m2, name + '_count'));

  // the pool: a connection a thread of either kind, two for the scheduler, one for the to-dos
  const max = val(m2, 'sanling_db_pool_max_connections');
  assert.equal(max, 2 + WRITE_THREADS + 3);
  const inUse = val(m2, 'sanling_db_pool_connections', { state: 'in_use' });
  const idle = val(m2, 'sanling_db_pool_connections', { state: 'idle' });
  assert.ok(idle >= 1 && inUse >= 0 && inUse + idle <= max);
  assert.ok(val(m2, 'sanling_db_pool_waits_total') >= 0);
  // a request ends when the server has sent its answer and let it go, which
  // may be just after the client has it: none in flight once that is done
  let inFlight = val(m2, 'sanling_http_requests_in_flight');
  for (let i = 0; inFlight !== 0 && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 20));
    inFlight = val((await scrape()).fams, 'sanling_http_requests_in_flight');
  }
  assert.equal(inFlight, 0);
});

test('import rows: created and failed by list, a refused import all failed', async () => {
  const office = await new Counting(srv.url).loginReady('office');
  const HDR = ['主体编码', '主体名称', '主体类型', '主体类别', '所属乡镇', '所在村/社区', '联系电话', '统一社会信用代码', '纳入月份'];
  const file = toCsv([HDR,
    ['MX1', '指标一', '企业', '饭店', EAST, '', '', '', '2023-01'],
    ['MX2', '坏类型', '飞船', '饭店', EAST, '', '', '', '2023-01'],
    ['MX3', '指标三', '企业', '饭店', EAST, '', '', '', '2023-01']]);
  const m0 = (await scrape()).fams;
  const kept = await office.post('/api/v1/subjects/import?format=csv&keep_good=1', file, CSV);
  assert.equal(kept.status, 200, kept.text);
  assert.deepEqual([kept.json.created, kept.json.updated, kept.json.failed], [2, 0, 1]);
  // again, all or nothing: two would be updates, the bad row refuses the whole file
  const refused = await office.post('/api/v1/subjects/import?format=csv', file, CSV);
  assert.equal(refused.status, 422);
  const m1 = (await scrape()).fams;
  const d = (outcome) => val(m1, 'sanling_import_rows_total', { entity: 'subjects', outcome }) -
    val(m0, 'sanling_import_rows_total', { entity: 'subjects', outcome });
  assert.equal(d('created'), 2);
  assert.equal(d('updated'), 0);
  assert.equal(d('failed'), 1 + 3);
  assert.equal(total(m1, 'sanling_import_rows_total') - total(m0, 'sanling_import_rows_total'), 3 + 3);
});

test('the scheduler\'s jobs at start, and the age of the newest backup and anchor', async () => {
  const { fams } = await scrape();
  for (const job of ['month_close', 'audit_anchor', 'cards', 'raise_problems', 'subsidy_ledger', 'backup'])
    assert.equal(val(fams, 'sanling_scheduler_task_runs_total', { task: job, result: 'ok' }), 1, job);
  for (const job of ['month_close', 'audit_anchor', 'cards', 'raise_problems', 'subsidy_ledger', 'backup', 'every_minute']) {
    const runs = val(fams, 'sanling_scheduler_task_runs_total', { task: job, result: 'ok' }) + val(fams, 'sanling_scheduler_task_runs_total', { task: job, result: 'error' });
    assert.equal(val(fams, 'sanling_scheduler_task_duration_seconds_count', { task: job }), runs, job);
    assert.equal(val(fams, 'sanling_scheduler_task_duration_seconds_bucket', { task: job, le: '+Inf' }), runs, job);
  }
  assert.ok(val(fams, 'sanling_scheduler_task_runs_total', { task: 'every_minute', result: 'ok' }) >= 1);
  // what the folders hold: one backup, one anchor, written since this test started the server
  assert.equal(readdirSync(backups).filter((f) => /^sanling-\d{4}-\d\d-\d\d\.tar\.zst$/.test(f)).length, 1);
  assert.equal(readdirSync(anchors).filter((f) => /^audit-anchor-.*\.json$/.test(f)).length, 1);
  const since = (Date.now() - t0) / 1000 + 1;
  for (const name of ['sanling_backup_newest_age_seconds', 'sanling_audit_anchor_newest_age_seconds']) {
    const age = val(fams, name);
    assert.ok(Number.isFinite(age) && age >= 0 && age <= since, `${name} ${age}, at most ${since}`);
  }
});

test('/metrics is not on the API\'s port', async () => {
  const c = new Counting(srv.url);
  for (const [p, status] of [['/metrics', 404], ['/api/v1/metrics', 401]]) {
    const r = await c.get(p);
    assert.equal(r.status, status, p);
    assert.ok(!r.text.includes('sanling_'), p);
  }
  const office = await new Counting(srv.url).loginReady('sysadmin');
  const r = await office.get('/api/v1/metrics');
  assert.equal(r.status, 404);
  assert.ok(!r.text.includes('sanling_'));
});

test('a bad --metrics-listen is refused before anything is opened; a taken port stops the start', () => {
  const dir = store.dir;
  const db = join(dir, 'never.db');
  const conf = join(dir, 'metrics.conf');
  for (const v of ['9464', 'localhost:9464', '127.0.0.1:', ':9464', '127.0.0.1:70000', '127.0.0.1:94x',
    '127.0.0.1:-1', '::1:9464', '[::1:9464', '[::1]', '[127.0.0.1]:9464', '300.1.1.1:9464', '']) {
    const r = spawnSync(BIN, ['--db', db, 'serve', '--port', '0', '--metrics-listen', v], { encoding: 'utf8', env: ENV });
    assert.equal(r.status, 1, v);
    assert.match(r.stderr, /--metrics-listen: ".*" is not a host:port/, v);
    assert.ok(!existsSync(db), 'no database made');
  }
  writeFileSync(conf, `db = ${db}\nmetrics-listen = 9464\n`);
  const c = spawnSync(BIN, ['--config', conf, 'serve', '--port', '0'], { encoding: 'utf8', env: ENV });
  assert.equal(c.status, 1);
  assert.match(c.stderr, /--metrics-listen: "9464" is not a host:port/);
  assert.ok(!existsSync(db));
  // a port taken (the running server's): it stops, never saying it listens
  const other = freshDb();
  try {
    const port = new URL(srv.url).port;
    const t = spawnSync(BIN, ['--db', other.db, '--key', other.key, 'serve', '--port', '0', '--threads', '2',
      '--metrics-listen', `127.0.0.1:${port}`], { encoding: 'utf8', env: ENV, timeout: 20000 });
    assert.equal(t.status, 1, t.stderr);
    assert.match(t.stderr, /cannot start the metrics listener \(--metrics-listen\)/);
    assert.ok(!t.stdout.includes('listening on'));
  } finally {
    other.cleanup();
  }
});

test('the Grafana dashboard parses and every metric it queries is served', async () => {
  const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
  const panels = [];
  const walk = (ps) => { for (const p of ps || []) { panels.push(p); walk(p.panels); } };
  walk(dash.panels);
  const exprs = panels.flatMap((p) => (p.targets || []).map((t) => t.expr)).filter(Boolean);
  assert.ok(exprs.length >= 10, 'a dashboard of some panels');
  const { fams } = await scrape();
  const names = new Set();
  for (const [name, f] of fams) {
    names.add(name);
    if (f.type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
  }
  const used = new Set(exprs.flatMap((e) => e.match(/\bsanling_[a-z0-9_]+/g) || []));
  for (const n of used) assert.ok(names.has(n), `${n} (queried by the dashboard) is served`);
  for (const want of ['sanling_http_request_duration_seconds_bucket', 'sanling_http_requests_total',
    'sanling_group_commit_batch_size_bucket', 'sanling_sessions_active', 'sanling_login_failures_total',
    'sanling_scheduler_task_runs_total', 'sanling_backup_newest_age_seconds', 'sanling_audit_anchor_newest_age_seconds'])
    assert.ok(used.has(want), `the dashboard shows ${want}`);
  assert.ok(exprs.some((e) => /histogram_quantile\(0\.99,/.test(e)) && exprs.some((e) => /histogram_quantile\(0\.5,/.test(e)));
  assert.ok(scrapes > 0);
});
