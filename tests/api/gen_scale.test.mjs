// gen_scale.test.mjs: `sanling gen scale --counties N --seed S`, the
// benchmarks' data.  The same seed loaded into two fresh databases gives
// the same content (a hash over every table's rows, all columns, in a total
// order; the audit table, whose one row carries the time of the run, and
// the migrations' log are left out), another seed gives other content; the
// figures computed from the same seed on SQLite and on PostgreSQL agree;
// the districts have the demo's shape (2,201 subjects on the list each,
// events of every kind, inside January 2022 to August 2023, at subjects on
// the list in their month); every generated row is what the importer
// would have stored from the same values (export, import into a fresh
// database, compare); and loading districts that exist refuses.  Not a
// benchmark: the speed is bench/'s business.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, BACKEND, freshDb } from './lib.mjs';
import { contentHash, sqlAt as sql } from './util.mjs';

const COUNTIES = 2;
const SEED = '7';
const MAX = 1 << 30; // bytes of a command's output

const count = (db, query) => Number(sql(db, query).trim());

function gen(store, seed = SEED, counties = COUNTIES) {
  const r = store.cli(['gen', 'scale', '--counties', String(counties), '--seed', seed]);
  if (r.status !== 0) throw new Error(`gen scale: ${r.stderr}`);
  return r;
}

function figures(cli, through) {
  const r = cli(['figures', '--through', through, '--json']);
  if (r.status !== 0) throw new Error(`figures: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// A fresh database on the PostgreSQL server of $SANLING_TEST_PG, whatever the backend of this pass.
function freshPg(dir) {
  const base = process.env.SANLING_TEST_PG;
  const name = 't_' + randomBytes(6).toString('hex');
  sql(base, `CREATE DATABASE ${name}`);
  const u = new URL(base);
  u.pathname = '/' + name;
  const url = u.toString(), key = join(dir, 'pg.key');
  const cli = (args) => {
    const r = spawnSync(BIN, ['--db', url, '--key', key, ...args], { encoding: 'utf8', maxBuffer: MAX });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const init = cli(['init']);
  if (init.status !== 0) throw new Error('sanling init: ' + init.stderr);
  return { db: url, cli, drop: () => sql(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

let a, b, c, hashA, first;

before(() => {
  a = freshDb();
  b = freshDb();
  c = freshDb();
  first = gen(a);
  hashA = contentHash(a.db); // before anything reads (figures write determinations)
  gen(b);
  gen(c, '8');
});

after(() => {
  for (const s of [a, b, c]) s?.cleanup();
});

test('the same seed gives the same content; another seed, other content', () => {
  assert.deepEqual(contentHash(b.db), hashA);
  const other = contentHash(c.db);
  assert.notEqual(other.petitions, hashA.petitions);
  assert.notEqual(other.subjects, hashA.subjects);
  assert.notDeepEqual(other, hashA);
});

test('each district has the demo\'s shape, events of every kind and one audit row', () => {
  assert.match(first.stdout, /^district 1\/2 410001000000 /m);
  assert.match(first.stdout, /^district 2\/2 410002000000 /m);
  assert.match(first.stdout, /^subjects\+events\s+\d+\s+[\d.]+\s+\d+$/m);
  assert.match(first.stdout, /^total \(wall\)\s+\d+\s+[\d.]+\s+\d+$/m);
  const db = a.db;
  assert.equal(count(db, "SELECT COUNT(*) FROM regions WHERE level = 'district'"), COUNTIES);
  assert.equal(count(db, "SELECT COUNT(*) FROM regions WHERE level = 'township'"), COUNTIES * 20);
  assert.equal(count(db, "SELECT COUNT(*) FROM regions WHERE level = 'village'"), COUNTIES * 475);
  assert.equal(count(db, "SELECT COUNT(*) FROM regions WHERE level = 'grid'"), COUNTIES * 475);
  assert.equal(count(db, 'SELECT COUNT(DISTINCT code) FROM departments'), COUNTIES * 34);
  assert.equal(count(db, 'SELECT COUNT(*) FROM sector_map'), COUNTIES * 16);
  assert.equal(count(db, 'SELECT COUNT(*) FROM subjects'), COUNTIES * 2213);
  assert.equal(count(db, "SELECT COUNT(*) FROM subjects_history WHERE action = 'create' AND month = active_from AND rev = 1"),
    COUNTIES * 2213);
  assert.equal(count(db, 'SELECT COUNT(*) FROM assess_versions WHERE version = 1'), COUNTIES);
  assert.equal(sql(db, 'SELECT action, username, object FROM audit').trim(), 'gen.scale|system|regions');
  for (const t of ['subjects', 'petitions', 'inspections', 'hazards', 'cases', 'disputes'])
    assert.equal(count(db, `SELECT COUNT(*) FROM ${t} WHERE district IS NULL OR created_at <> updated_at OR rev <> 1`), 0, t);
  // about 40,000 events a district in 2022
  const events2022 = ['petitions|received_on', 'petition_activities|held_on', 'request_letters|sent_on',
    'village_records|held_on', 'inspections|inspected_on', 'hazards|found_on', 'accidents|occurred_on',
    'cases|occurred_on', 'disputes|found_on']
    .map((tc) => tc.split('|'))
    .reduce((s, [t, col]) => s + count(db, `SELECT COUNT(*) FROM ${t} WHERE ${col} <= '2022-12-31'`), 0);
  assert.ok(events2022 > COUNTIES * 34000 && events2022 < COUNTIES * 50000, `${events2022} events in 2022`);
  // every channel and level, mostly at village or township level
  assert.equal(count(db, 'SELECT COUNT(DISTINCT channel) FROM petitions'), 4);
  assert.equal(count(db, 'SELECT COUNT(DISTINCT level) FROM petitions'), 6);
  const low = count(db, "SELECT COUNT(*) FROM petitions WHERE level IN ('village', 'township')");
  assert.ok(low > count(db, 'SELECT COUNT(*) FROM petitions') / 2, 'most at village or township level');
  assert.ok(count(db, 'SELECT COUNT(*) FROM petitions WHERE collective = 1') > 0);
  assert.ok(count(db, 'SELECT COUNT(*) FROM petitions WHERE repeat = 1') > 0);
  assert.ok(count(db, 'SELECT COUNT(*) FROM cases WHERE major_impact = 1') > 0);
  assert.ok(count(db, "SELECT COUNT(*) FROM disputes WHERE status IN ('registered', 'mediating')") > 0);
  // most hazards rectified, never before found; open ones only lately
  const hz = count(db, 'SELECT COUNT(*) FROM hazards');
  assert.ok(count(db, 'SELECT COUNT(*) FROM hazards WHERE rectified_on IS NOT NULL') > hz * 0.95);
  assert.equal(count(db, 'SELECT COUNT(*) FROM hazards WHERE rectified_on < found_on'), 0);
  assert.equal(count(db, "SELECT COUNT(*) FROM hazards WHERE rectified_on IS NULL AND found_on < '2023-08-01'"), 0);
  // every event inside 2022-01 .. 2023-08, at a subject on the list in its month
  for (const [t, col] of [['petitions', 'received_on'], ['inspections', 'inspected_on'], ['hazards', 'found_on'],
    ['accidents', 'occurred_on'], ['cases', 'occurred_on'], ['disputes', 'found_on']]) {
    assert.equal(count(db, `SELECT COUNT(*) FROM ${t} WHERE ${col} < '2022-01-01' OR ${col} > '2023-08-31'`), 0, t);
    assert.equal(count(db, `SELECT COUNT(*) FROM ${t} e JOIN subjects s ON s.code = e.subject WHERE
      s.active_from > substr(e.${col}, 1, 7) OR s.active_to < substr(e.${col}, 1, 7)`), 0, `${t}: subject off the list`);
  }
});

test('the figures are computed on the generated data', () => {
  const f = figures(a.cli, '2023-08');
  assert.equal(f.subjects_total, COUNTIES * 2201);
  assert.equal(f.villages_total, COUNTIES * 475);
  assert.equal(f.enterprises_total, COUNTIES * 1726);
  assert.ok(f.villages_rate > 75 && f.villages_rate < 97, `villages ${f.villages_rate}`);
  assert.ok(f.enterprises_rate > 96 && f.enterprises_rate < 100, `enterprises ${f.enterprises_rate}`);
  assert.ok(f.villages_zero_case_monthly_rate >= 90 && f.villages_zero_case_monthly_rate < 100);
  assert.ok(f.enterprises_zero_case_monthly_rate >= 98 && f.enterprises_zero_case_monthly_rate < 100);
  for (const key of ['visit_batches', 'visit_persons', 'online_petitions', 'petition_activities', 'inspections',
    'hazards_found', 'hazards_rectified', 'coerced_persons', 'prosecuted_persons', 'disputes_mediated'])
    assert.ok(f[key] > 0, key);
  assert.ok(f.visit_persons > f.visit_batches * 3, 'collective visits');
  assert.ok(f.hazards_rectified <= f.hazards_found && f.hazards_rectified > f.hazards_found * 0.9);
  assert.ok(f.prosecuted_persons <= f.coerced_persons);
});

test('SQLite and PostgreSQL compute the same figures from the same seed', { skip: BACKEND !== 'sqlite' ? 'run in the sqlite pass' : !process.env.SANLING_TEST_PG && 'SANLING_TEST_PG is not set' }, () => {
  const pg = freshPg(a.dir);
  try {
    const r = pg.cli(['gen', 'scale', '--counties', String(COUNTIES), '--seed', SEED]);
    assert.equal(r.status, 0, r.stderr);
    for (const through of ['2023-08', '2022-12', '2023-03'])
      assert.deepEqual(figures(pg.cli, through), figures(a.cli, through), through);
    assert.equal(count(pg.db, 'SELECT COUNT(*) FROM inspections'), count(a.db, 'SELECT COUNT(*) FROM inspections'));
  } finally {
    pg.drop();
  }
});

// The exported list of `kind` with its rows in the order of their first column (the key).
function exportSorted(store, kind) {
  const file = join(store.dir, `${kind}.csv`);
  const r = store.cli(['export', kind, file]);
  assert.equal(r.status, 0, `export ${kind}: ${r.stderr}`);
  const [head, ...rows] = readFileSync(file, 'utf8').split('\n').filter((l) => l);
  const key = (l) => l.slice(0, l.indexOf(','));
  rows.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
  writeFileSync(file, [head, ...rows].join('\n') + '\n');
  return file;
}

test('every generated row is what the importer stores from the same values', { skip: BACKEND !== 'sqlite' && 'run in the sqlite pass' }, () => {
  // request letters and district-wide petition work name no township: the
  // command line imports them for no district, so they are left out
  const kinds = ['regions', 'departments', 'sector_map', 'subjects', 'petitions', 'village_records',
    'inspections', 'hazards', 'accidents', 'cases', 'disputes'];
  const d = freshDb();
  try {
    for (const kind of kinds) {
      const file = exportSorted(a, kind); // sorted: a repeat petition comes after the one it repeats
      const r = d.cli(['import', kind, file]);
      assert.equal(r.status, 0, `import ${kind}: ${r.stderr}${r.stdout}`);
    }
    const meta = new Set(['id', 'created_at', 'updated_at', 'rev', 'hid', 'changed_at']);
    for (const table of [...kinds, 'subjects_history']) {
      const cols = sql(d.db, `SELECT name FROM pragma_table_info('${table}')`).trim().split('\n').filter((c) => !meta.has(c));
      const list = cols.join(', ');
      const diff = sql(d.db, `ATTACH '${a.db}' AS gen; SELECT COUNT(*) FROM (SELECT ${list} FROM gen.${table} EXCEPT SELECT ${list} FROM main.${table}); SELECT COUNT(*) FROM (SELECT ${list} FROM main.${table} EXCEPT SELECT ${list} FROM gen.${table}); SELECT (SELECT COUNT(*) FROM gen.${table}) - (SELECT COUNT(*) FROM main.${table});`);
      assert.equal(diff.trim(), '0\n0\n0', `${table}: generated and imported rows differ`);
    }
  } finally {
    d.cleanup();
  }
});

test('gen scale refuses districts that are loaded, and writes nothing', () => {
  const before = count(c.db, 'SELECT COUNT(*) FROM subjects');
  for (const n of ['1', '3']) {
    const r = c.cli(['gen', 'scale', '--counties', n, '--seed', '9']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /district 410001000000 is already loaded/);
  }
  assert.equal(count(c.db, 'SELECT COUNT(*) FROM subjects'), before);
  assert.equal(count(c.db, "SELECT COUNT(*) FROM regions WHERE level = 'district'"), COUNTIES);
  const bad = c.cli(['gen', 'scale', '--counties', '0']);
  assert.notEqual(bad.status, 0);
});

// The determination of many districts at once (`sanling determine`, one
// statement for all of them) judges each subject by the standard of its own
// district and kind in force that month: the second district's villages
// fail petitions only from city level (from 2023-01) and its enterprises
// no criminal case and only production accidents with 2 casualties (from
// 2022-06); the first district keeps DOMAIN.md's defaults.  Checked against
// the same rules applied here, event by event, to every month of 2023.
test('determining every district at once applies each district\'s own standards', () => {
  const db = b.db, D2 = '410002000000', now = Math.floor(Date.now() / 1000);
  sql(db, `INSERT INTO standards (code, kind, effective_from, petition_level, collective_persons, collective_level, accident_casualties, accident_production_only, case_criminal, case_public_order_major, district, created_at, updated_at) VALUES
    ('D2-V', 'village', '2023-01', 'city', 10, 'county', 1, 0, 1, 1, '${D2}', ${now}, ${now}),
    ('D2-E', 'enterprise', '2022-06', 'county', 5, 'township', 2, 1, 0, 1, '${D2}', ${now}, ${now})`);
  sql(db, 'UPDATE assess_versions SET version = version + 1');
  const r = b.cli(['determine', '--through', '2023-08']);
  assert.equal(r.status, 0, r.stderr);

  const RANK = { village: 1, township: 2, county: 3, city: 4, province: 5, national: 6 };
  const DEFAULT = { pr: 3, cp: 5, cr: 2, ac: 1, apo: 0, cc: 1, cm: 1 };
  const rules = (district, kind, month) => {
    if (district === D2 && kind === 'village' && month >= '2023-01') return { ...DEFAULT, pr: 4, cp: 10, cr: 3 };
    if (district === D2 && kind === 'enterprise' && month >= '2022-06') return { ...DEFAULT, ac: 2, apo: 1, cc: 0 };
    return DEFAULT;
  };
  const subjects = new Map(sql(db, "SELECT code, district, kind, active_from, COALESCE(active_to, '') FROM subjects")
    .trim().split('\n').map((l) => l.split('|')).map(([code, district, kind, from, to]) => [code, { district, kind, from, to }]));
  const expected = new Map(), fails = (s, month, dim) => {
    const key = `${month}|${s}`;
    expected.set(key, { ...(expected.get(key) || { p: 0, a: 0, c: 0 }), [dim]: 1 });
  };
  let differs = 0;
  const each = (query, judge) => {
    for (const line of sql(db, query).trim().split('\n')) {
      const [subject, date, ...v] = line.split('|');
      const s = subjects.get(subject), month = date.slice(0, 7);
      if (!s || s.from > month || (s.to && s.to < month)) continue;
      const r = rules(s.district, s.kind, month);
      if (judge(r, v)) fails(subject, month, query.includes('petitions') ? 'p' : query.includes('accidents') ? 'a' : 'c');
      if (judge(r, v) !== judge(DEFAULT, v)) differs++;
    }
  };
  const range = "BETWEEN '2023-01-01' AND '2023-08-31' AND subject IS NOT NULL";
  each(`SELECT subject, received_on, level, persons FROM petitions WHERE received_on ${range}`,
    (r, [level, persons]) => RANK[level] >= r.pr || (Number(persons) >= r.cp && RANK[level] >= r.cr));
  each(`SELECT subject, occurred_on, deaths + injuries, production FROM accidents WHERE occurred_on ${range}`,
    (r, [casualties, production]) => Number(casualties) >= r.ac && (r.apo === 0 || production === '1'));
  each(`SELECT subject, occurred_on, kind, major_impact FROM cases WHERE occurred_on ${range}`,
    (r, [kind, major]) => (r.cc === 1 && kind === 'criminal') || (r.cm === 1 && kind === 'public_order' && major === '1'));
  assert.ok(differs > 0, 'the second district\'s standards change some verdicts');
  assert.ok(expected.size > 100, `${expected.size} failing subject-months`);

  const stored = new Map(sql(db, "SELECT month, subject, petition_fail, accident_fail, case_fail, fail FROM determinations WHERE month BETWEEN '2023-01' AND '2023-08'")
    .trim().split('\n').map((l) => l.split('|')).map(([m, s, p, a, c, f]) => {
      assert.equal(f, '1', `${m} ${s}: only failing subjects are stored`);
      return [`${m}|${s}`, { p: Number(p), a: Number(a), c: Number(c) }];
    }));
  assert.equal(stored.size, expected.size);
  for (const [key, v] of expected) assert.deepEqual(stored.get(key), v, key);
});

// `gen scale --patrols YEAR`: each district's grids (--grids, its villages'
// own and more under them) and a year of 一日双巡, the morning by one
// person, the afternoon by another, --misses per mille of the slots left
// out; the rate `figures` gives is the one counted here from the rows.
// --patrols-csv writes the same patrols as the import template instead:
// imported, they are the rows the bulk path loaded; the rest of the
// district is as without patrols.
test('gen scale --patrols: the grids and a year of patrols, loaded or written for the importer', { skip: BACKEND !== 'sqlite' && 'run in the sqlite pass' }, () => {
  const GRIDS = 480, MISSES = 100;
  const e = freshDb(), f = freshDb();
  try {
    const args = ['gen', 'scale', '--counties', '1', '--seed', SEED, '--patrols', '2025', '--grids', String(GRIDS), '--misses', String(MISSES)];
    const r = e.cli(args);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^patrols +\d+ /m);
    assert.equal(count(e.db, "SELECT COUNT(*) FROM regions WHERE level = 'grid' AND district = '410001000000' AND active = 1"), GRIDS);
    assert.equal(count(e.db, "SELECT COUNT(*) FROM regions g JOIN regions v ON v.code = g.parent WHERE g.level = 'grid' AND v.level = 'village'"), GRIDS);
    // the rate from the rows: grid-days with both slots of GRIDS × 365
    const rows = sql(e.db, 'SELECT grid, patrolled_on, slot, patroller, started_at, ended_at FROM patrols').trim().split('\n').map((l) => l.split('|'));
    const days = new Map(), people = new Map();
    for (const [grid, day, slot, who, start, end] of rows) {
      assert.ok(day >= '2025-01-01' && day <= '2025-12-31', day);
      assert.ok(start < end && (slot === 'am' ? start < '12:00' : start >= '12:00'), `${slot} ${start}-${end}`);
      const k = `${grid}|${day}`;
      days.set(k, (days.get(k) || 0) + 1);
      people.set(`${grid}|${slot}`, new Set([...(people.get(`${grid}|${slot}`) || []), who]));
    }
    const slots = GRIDS * 365 * 2;
    assert.ok(rows.length > slots * 0.88 && rows.length < slots * 0.92, `${rows.length} of ${slots} slots patrolled`);
    assert.ok([...people.values()].every((s) => s.size === 1), 'one person a slot of a grid');
    assert.equal(people.size, GRIDS * 2);
    const complete = [...days.values()].filter((n) => n === 2).length;
    const fig = figures(e.cli, '2025-12');
    assert.equal(fig.patrols, rows.length);
    assert.equal(fig.patrol_compliance_rate, Math.round((complete * 1000) / (GRIDS * 365)) / 10);
    // the same as a CSV of the template, imported: the same rows
    const csv = join(f.dir, 'patrols.csv');
    const w = f.cli([...args, '--patrols-csv', csv]);
    assert.equal(w.status, 0, w.stderr);
    assert.equal(count(f.db, 'SELECT COUNT(*) FROM patrols'), 0);
    assert.equal(readFileSync(csv, 'utf8').split('\n')[0], 'no,grid,patroller,patrolled_on,slot,started_at,ended_at,notes');
    const imp = f.cli(['import', 'patrols', csv]);
    assert.equal(imp.status, 0, imp.stderr);
    assert.match(imp.stdout, new RegExp(`^${rows.length} rows: ${rows.length} created`));
    const list = 'no, grid, patroller, patrolled_on, slot, started_at, ended_at, notes, village, township, district';
    for (const table of ['patrols', 'regions', 'subjects', 'petitions']) {
      const cols = table === 'patrols' ? list : sql(f.db, `SELECT name FROM pragma_table_info('${table}')`).trim().split('\n').filter((c) => !['id', 'created_at', 'updated_at', 'rev'].includes(c)).join(', ');
      const diff = sql(f.db, `ATTACH '${e.db}' AS gen; SELECT COUNT(*) FROM (SELECT ${cols} FROM gen.${table} EXCEPT SELECT ${cols} FROM main.${table}); SELECT COUNT(*) FROM (SELECT ${cols} FROM main.${table} EXCEPT SELECT ${cols} FROM gen.${table});`);
      assert.equal(diff.trim(), '0\n0', `${table}: loaded and imported differ`);
    }
    // the district without patrols is the same but for the grids and patrols
    const g = freshDb();
    try {
      gen(g, SEED, 1);
      const d = sql(g.db, `ATTACH '${e.db}' AS gen; SELECT COUNT(*) FROM (SELECT code, name, level, parent FROM gen.regions EXCEPT SELECT code, name, level, parent FROM main.regions); SELECT COUNT(*) FROM (SELECT code, name, level FROM main.regions EXCEPT SELECT code, name, level FROM gen.regions); SELECT COUNT(*) FROM (SELECT no, received_on, subject, summary FROM gen.petitions EXCEPT SELECT no, received_on, subject, summary FROM main.petitions);`);
      assert.equal(d.trim(), `${GRIDS - 475}\n0\n0`);
    } finally {
      g.cleanup();
    }
    const bad = f.cli(['gen', 'scale', '--counties', '1', '--patrols', '2025', '--grids', '10']);
    assert.notEqual(bad.status, 0);
  } finally {
    e.cleanup();
    f.cleanup();
  }
});
