// partitions.test.mjs: on PostgreSQL the nine event lists and the
// determinations are partitioned by district (migration 028,
// docs/architecture.md "Partitions").  With three districts loaded (the
// fixture district, and two by `gen scale`, whose bulk load makes theirs):
// each table has a partition per district and a DEFAULT one, and the rows
// sit in their district's; the plans of what a district's users do — its
// lists (the office's, a township's, a grid worker's), the month's results
// (the determination read), the figures, a new record and its change —
// touch that district's partitions only, pruned when planned or when run
// ("Subplans Removed", or partitions never executed), as PostgreSQL's
// auto_explain logs them for the server's real statements; a number stays
// unique across districts; a district that appears later gets its
// partitions, rows of it already in DEFAULT moved into them; a row moving
// to another district takes its number's entry with it, and a number never
// changes.  On SQLite, which has no partitions, the file skips.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BACKEND, PASSWORD, freshDb, loadDistrict, startServer } from './lib.mjs';
import { assertProblem, cliImport, sql } from './util.mjs';
import { DISTRICT, EAST, EVENT_LISTS, make } from './events_util.mjs';

const PG = BACKEND === 'postgresql';
const TABLES = [...EVENT_LISTS, 'determinations'];
const PARTITION = new RegExp(`^(${TABLES.join('|')})_(\\d+|default)$`);
// auto_explain, loaded by every connection of the test's server (PGOPTIONS
// reaches libpq): each statement's plan, with what ran (ANALYZE), nested
// ones (the triggers') too, as JSON in the PostgreSQL server's log
const EXPLAIN = ['session_preload_libraries=auto_explain', 'auto_explain.log_min_duration=0',
  'auto_explain.log_format=json', 'auto_explain.log_analyze=on', 'auto_explain.log_timing=off',
  'auto_explain.log_nested_statements=on'].map((s) => `-c ${s}`).join(' ');

const CITY = '419900000000';
let store, srv, districts, cityDistrict, logFile;
const q = (statement) => sql(store, statement, 'postgresql');
const clients = new Map();
async function as(user) {
  if (!clients.has(user)) clients.set(user, await srv.client().loginReady(user));
  return clients.get(user);
}

// The districts a partitioned table has partitions for ('default' for DEFAULT).
function partitionsOf(table) {
  return q(`SELECT CASE WHEN c.relpartbound IS NULL THEN '?' ELSE pg_get_expr(c.relpartbound, c.oid) END
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '${table}'::regclass`)
    .split('\n').filter(Boolean)
    .map((b) => b === 'DEFAULT' ? 'default' : b.match(/^FOR VALUES IN \('(\d+)'\)$/)?.[1] ?? b).sort();
}

// The PostgreSQL server's log: pg_current_logfile() when it has a collector,
// else the file scripts/pgtmp.sh starts it with (beside its data directory).
function serverLog() {
  const current = q('SELECT pg_current_logfile()');
  const dataDir = q('SHOW data_directory');
  const file = current ? (current.startsWith('/') ? current : join(dataDir, current))
    : join(dirname(dataDir), 'server.log');
  assert.ok(existsSync(file), `the PostgreSQL server's log (${file}) must be readable to see the plans`);
  return file;
}

// The plans auto_explain logged in `text`: its JSON documents, each after "plan:".
function plans(text) {
  const out = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/ LOG: {2}duration: [\d.]+ ms {2}plan:$/.test(lines[i])) continue;
    const body = [];
    while (i + 1 < lines.length && lines[i + 1].startsWith('\t')) body.push(lines[++i].slice(1));
    out.push(JSON.parse(body.join('\n')));
  }
  return out;
}

// What a plan touched: the partitions it ran, and whether it was pruned when
// run — partitions removed as it started ("Subplans Removed") or never
// executed (0 loops: the district was known only once a subquery had run).
function touched(plan) {
  const ran = new Set();
  let runtime = false;
  const walk = (node) => {
    const rel = node['Relation Name'];
    if (rel && PARTITION.test(rel)) {
      if (node['Actual Loops'] === 0) runtime = true;
      else ran.add(rel);
    }
    if (node['Subplans Removed']) runtime = true;
    for (const child of node.Plans || []) walk(child);
  };
  walk(plan.Plan);
  return { ran: [...ran], runtime };
}

// The plans of what `work` runs, each held to touching only the partitions
// of `own` districts: { plans, seen (partitions run), planned, runtime }.
async function plansOf(own, work) {
  const from = statSync(logFile).size;
  await work();
  const logged = plans(readFileSync(logFile).subarray(from).toString('utf8'));
  const mine = new Set(own.flatMap((d) => TABLES.map((tb) => `${tb}_${d}`)));
  const seen = new Set();
  let planned = 0, runtime = 0;
  for (const p of logged) {
    const { ran, runtime: late } = touched(p);
    assert.deepEqual(ran.filter((r) => !mine.has(r)), [],
      `a statement touched partitions of districts other than ${own.join(', ')}:\n${p['Query Text']}`);
    ran.forEach((r) => seen.add(r));
    if (ran.length) (late ? runtime++ : planned++);
  }
  return { plans: logged, seen, planned, runtime };
}

const metric = async (name) => {
  const text = await (await fetch(srv.metricsUrl)).text();
  const m = text.match(new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm'));
  return m ? Number(m[1]) : 0;
};

if (!PG) {
  test('partitions', { skip: 'partitions are PostgreSQL\'s: run with SANLING_TEST_BACKEND=postgresql' }, () => {});
} else {
  before(async () => {
    store = freshDb();
    loadDistrict(store);
    const gen = store.cli(['gen', 'scale', '--counties', '2', '--seed', '11']);
    assert.equal(gen.status, 0, gen.stderr);
    const more = [...gen.stdout.matchAll(/^district \d+\/\d+ (\d{12}) /gm)].map((m) => m[1]);
    assert.equal(more.length, 2, gen.stdout);
    districts = [DISTRICT, ...more].sort();
    // a city over the first generated district, and its office's account (role region)
    cliImport(store, 'regions', `code,name,level,parent\n${CITY},甲市,city,\n`);
    const name = q(`SELECT name FROM regions WHERE code = '${more[0]}'`);
    cliImport(store, 'regions', `code,name,level,parent\n${more[0]},${name},district,${CITY}\n`);
    cliImport(store, 'departments', `单位代码,单位名称,职能,所在区划\nCITY-SLB,甲市三零办,office,${CITY}\n`);
    const u = store.cli(['user', 'add', 'city', '--role', 'region', '--dept', 'CITY-SLB'], PASSWORD + '\n');
    assert.equal(u.status, 0, u.stderr);
    cityDistrict = more[0];
    const det = store.cli(['determine', '--through', '2023-08']);
    assert.equal(det.status, 0, det.stderr);
    logFile = serverLog();
    srv = await startServer({ store, env: { PGOPTIONS: EXPLAIN }, args: ['--metrics-listen', '127.0.0.1:0'] });
    // the scheduler's first pass (month close, cards, problems, ledger over every
    // district) ends with its every-minute task: after it, what runs is the requests'
    for (let i = 0; await metric('sanling_scheduler_task_runs_total{task="every_minute",result="ok"}') < 1; i++) {
      assert.ok(i < 1200, 'the scheduler\'s first pass ends within a minute');
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  after(async () => { if (srv) await srv.stop(); else store?.cleanup(); });

  test('each table has a partition per district and a DEFAULT one; the rows sit in their district\'s', () => {
    const partitioned = q(`SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND pg_get_partkeydef(c.oid) = 'LIST (district)'`);
    assert.deepEqual(partitioned.split('\n').sort(), [...TABLES].sort());
    for (const t of TABLES) {
      assert.deepEqual(partitionsOf(t), [...districts, 'default'].sort(), t);
      assert.equal(q(`SELECT COUNT(*) FROM ONLY ${t}_default`), '0', `${t}: nothing in DEFAULT`);
      for (const d of districts) {
        assert.equal(q(`SELECT COUNT(*) FROM ONLY ${t}_${d}`), q(`SELECT COUNT(*) FROM ${t} WHERE district = '${d}'`));
      }
    }
    // gen scale's districts came with events and determinations, into their partitions
    for (const t of ['petitions', 'inspections', 'hazards', 'cases', 'determinations'])
      for (const d of districts.filter((x) => x !== DISTRICT))
        assert.ok(Number(q(`SELECT COUNT(*) FROM ONLY ${t}_${d}`)) > 0, `${t}_${d} has rows`);
  });

  test('a district\'s lists, results, figures and writes touch its partitions only', async (t) => {
    const office = await as('office');
    const { plans: logged, seen, planned, runtime } = await plansOf([DISTRICT], async () => {
      const reads = [];
      for (const user of ['office', 'east', 'grid1']) {
        const c = await as(user);
        for (const list of EVENT_LISTS) reads.push([user, list, await c.get(`/api/v1/${list}?page_size=5`)]);
      }
      const v1 = (await office.get('/api/v1/subjects?code=V1')).json.items[0].id;
      for (const [user, path] of [['office', '/api/v1/months/2023-06/results'],
        ['office', '/api/v1/months/2023-06/results?span=year'], ['office', '/api/v1/figures?through=2023-06'],
        ['office', '/api/v1/figures/breakdown?through=2023-06&by=township'],
        ['office', '/api/v1/months/2023-06'], ['office', '/api/v1/explain?subject=V1&month=2023-06'],
        ['office', `/api/v1/subjects/${v1}/months?year=2023`], ['office', '/api/v1/warnings?month=2023-06'],
        ['office', '/api/v1/map?month=2023-06'], ['east', '/api/v1/figures?through=2023-06'],
        ['grid1', '/api/v1/figures?through=2023-06'], ['east', '/api/v1/months/2023-06/results']])
        reads.push([user, path, await (await as(user)).get(path)]);
      for (const [user, what, r] of reads) assert.ok(r.status === 200 || r.status === 403, `${user} ${what}: ${r.status} ${r.text}`);
      assert.ok(reads.filter(([, , r]) => r.status === 200).length > 20, 'the lists were read');
      const petition = await as('petition');
      const made = await petition.post('/api/v1/petitions', make.petitions('PART-1', { received_on: '2023-06-05' }));
      assert.equal(made.status, 201, made.text);
      const changed = await petition.update(`/api/v1/petitions/${made.json.id}`, { persons: 6 });
      assert.equal(changed.status, 200, changed.text);
      // an import finds the record by its number alone (its district from petitions_keys)
      const csv = 'no,received_on,channel,persons,level,subject,category,summary\n' +
        'PART-1,2023-06-05,visit,7,township,V1,land,改过\n';
      const imported = await petition.post('/api/v1/petitions/import?format=csv', csv,
        { headers: { 'content-type': 'text/csv' }, raw: true });
      assert.equal(imported.status, 200, imported.text);
      assert.deepEqual([imported.json.created, imported.json.updated], [0, 1]);
      // a new subject on the list since 2023-05 (may it fail a month already determined?)
      const subject = await office.post('/api/v1/subjects', { code: 'PART-S1', name: '分区饭店', kind: 'enterprise',
        category: 'restaurant', township: EAST, active_from: '2023-05' });
      assert.equal(subject.status, 201, subject.text);
      assert.equal((await office.get('/api/v1/months/2023-06/results')).status, 200);
    });
    t.diagnostic(`${logged.length} plans; ${planned + runtime} touched partitions (${planned} pruned when planned, ${runtime} when run): ${[...seen].sort().join(', ')}`);
    // the lists and the determination read are among them
    for (const list of EVENT_LISTS) assert.ok(seen.has(`${list}_${DISTRICT}`), `${list} read from its partition`);
    assert.ok(seen.has(`determinations_${DISTRICT}`), 'the determinations read from their partition');
    assert.ok(logged.some((p) => /FROM petitions t\b/.test(p['Query Text'])), 'the list statement was logged');
    assert.ok(runtime > 0, 'the lookup by number is pruned when it runs');
  });

  test('a city office\'s lists touch the partitions of the districts under it only', async (t) => {
    const city = await as('city');
    const { seen, planned } = await plansOf([cityDistrict], async () => {
      for (const list of EVENT_LISTS) {
        const r = await city.get(`/api/v1/${list}?page_size=5`);
        assert.ok(r.status === 200 || r.status === 403, `${list}: ${r.status} ${r.text}`);
      }
    });
    t.diagnostic(`${planned} plans pruned when planned: ${[...seen].sort().join(', ')}`);
    assert.ok(seen.has(`petitions_${cityDistrict}`) && seen.has(`cases_${cityDistrict}`), 'its district\'s lists were read');
  });

  test('a number is unique across districts', async () => {
    const other = districts.find((d) => d !== DISTRICT);
    const taken = q(`SELECT no FROM petitions WHERE district = '${other}' ORDER BY no LIMIT 1`);
    const before = q(`SELECT COUNT(*) FROM petitions WHERE district = '${DISTRICT}'`);
    const keys = q('SELECT COUNT(*) FROM petitions_keys');
    const r = await (await as('petition')).post('/api/v1/petitions', make.petitions(taken));
    assertProblem(r, 409, { detail: new RegExp(taken) });
    assert.equal(r.json.field, 'no');
    assert.equal(q(`SELECT COUNT(*) FROM petitions WHERE district = '${DISTRICT}'`), before);
    assert.equal(q('SELECT COUNT(*) FROM petitions_keys'), keys);
    // the numbers' table holds every number once, with the row's district
    assert.equal(q('SELECT COUNT(*) FROM petitions p JOIN petitions_keys k ON k.no = p.no AND k.district = p.district'),
      q('SELECT COUNT(*) FROM petitions'));
    assert.equal(q('SELECT COUNT(*) FROM petitions_keys'), q('SELECT COUNT(*) FROM petitions'));
  });

  test('a district that appears gets its partitions; its rows in DEFAULT move into them', () => {
    const d = '419800000000';
    q(`INSERT INTO petitions (no, received_on, channel, persons, level, category, status, district, created_at, updated_at)
      VALUES ('PART-D1', '2023-05-01', 'visit', 1, 'township', 'land', 'registered', '${d}', 0, 0)`);
    q(`INSERT INTO determinations (district, month, subject, petition_fail, accident_fail, case_fail, checklist_fail,
      petition_final, accident_final, case_final, fail) VALUES ('${d}', '2023-05', 'PART-S', 1, 0, 0, 0, 1, 0, 0, 1)`);
    const id = q("SELECT id FROM petitions WHERE no = 'PART-D1'");
    assert.equal(q(`SELECT COUNT(*) FROM ONLY petitions_default WHERE district = '${d}'`), '1', 'a district without partitions: DEFAULT');
    assert.equal(q(`SELECT COUNT(*) FROM ONLY determinations_default WHERE district = '${d}'`), '1');
    cliImport(store, 'regions', `code,name,level,parent\n${d},新设区,district,\n`);
    for (const t of TABLES) {
      assert.deepEqual(partitionsOf(t), [...districts, d, 'default'].sort(), t);
      assert.equal(q(`SELECT COUNT(*) FROM ONLY ${t}_default`), '0', `${t}: DEFAULT emptied`);
    }
    assert.equal(q(`SELECT id || '|' || no FROM ONLY petitions_${d}`), `${id}|PART-D1`);
    assert.equal(q(`SELECT subject FROM ONLY determinations_${d}`), 'PART-S');
    assert.equal(q("SELECT district FROM petitions_keys WHERE no = 'PART-D1'"), d);
    // and the next new district too, without rows in DEFAULT
    cliImport(store, 'regions', 'code,name,level,parent\n419700000000,又一区,district,\n');
    assert.ok(partitionsOf('cases').includes('419700000000'));
  });

  test('a row moving to another district moves its number\'s entry; a number never changes', () => {
    const [a, b] = districts.filter((d) => d !== DISTRICT);
    const no = q(`SELECT no FROM cases WHERE district = '${a}' ORDER BY no LIMIT 1`);
    q(`UPDATE cases SET district = '${b}' WHERE no = '${no}'`);
    assert.equal(q(`SELECT COUNT(*) FROM ONLY cases_${b} WHERE no = '${no}'`), '1');
    assert.equal(q(`SELECT district FROM cases_keys WHERE no = '${no}'`), b);
    assert.throws(() => q(`UPDATE cases SET no = '${no}-X' WHERE no = '${no}'`), /never changes/);
    assert.equal(q(`SELECT COUNT(*) FROM cases WHERE no = '${no}'`), '1');
  });
}
