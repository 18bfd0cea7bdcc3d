// figures.test.mjs: the report figures of DOMAIN.md ("The report figures")
// against an independent model.  A seeded generator makes a district of ~35
// subjects (some joining or leaving mid-year) and ~330 events of every kind
// over 2022-12..2023-09; the expected figures are computed here, in
// JavaScript, straight from DOMAIN.md's definitions (the determination
// included), and the server's GET /api/v1/figures and the command line's
// `figures --json` must equal them exactly — every key, every count, every
// percentage rounded half away from zero, null for empty sets — for the
// district, each township and each sector, as the office, the townships and
// a supervisor see them; the breakdowns must agree with them; and a case
// built to land on x.x5 checks the rounding.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DISTRICT_CSV } from './lib.mjs';
import { districtServer, parseCsv, listAll } from './util.mjs';
import { EAST, WEST, EAST_VILLAGE, EAST_VILLAGE2, WEST_VILLAGE, EAST_GRID, WEST_GRID, make } from './events_util.mjs';
import {
  importRows, figures as figuresAll, assertFigureShape, monthRange, percent, meanPercent, prng, COUNT_KEYS, FIGURE_KEYS,
  WORK_KEYS, GRASS_KEYS, withDistrict,
} from './assess_util.mjs';

// The report and work figures: the grassroots' have their own test (grass_figures.test.mjs).
const report = (f) => Object.fromEntries(Object.entries(f).filter(([k]) => !GRASS_KEYS.includes(k)));
const figures = async (...args) => report(await figuresAll(...args));

// ---- the model: DOMAIN.md, written out ----

const RANK = { village: 1, township: 2, county: 3, city: 4, province: 5, national: 6 };
const isVillage = (s) => s.kind === 'village' || s.kind === 'community';
const onList = (s, m) => s.active_from <= m && (!s.active_to || m <= s.active_to);

// Does an event of the three kinds fail its subject, by the default veto rules?
const petitionFails = (p) => RANK[p.level] >= RANK.county || (p.persons >= 5 && RANK[p.level] >= RANK.township);
const accidentFails = (a) => a.deaths + a.injuries >= 1;
const caseFails = (c) => c.kind === 'criminal' || (c.kind === 'public_order' && c.major_impact === 1);

// data: { subjects: [{code, kind, township, supervisor, active_from, active_to}],
// petitions, activities, inspections, hazards, accidents, cases, disputes } with
// numbers as numbers; each event has `township` (its subject's, or its own)
// and `subject` (code or null).
function model(data) {
  const byCode = new Map(data.subjects.map((s) => [s.code, s]));
  // fails.get(`${subject} ${month}`) = { petition, accident, case }
  const fails = new Map();
  const mark = (subject, date, dim) => {
    if (!subject) return;
    const key = `${subject} ${date.slice(0, 7)}`;
    if (!fails.has(key)) fails.set(key, { petition: false, accident: false, case: false });
    fails.get(key)[dim] = true;
  };
  for (const p of data.petitions) if (petitionFails(p)) mark(p.subject, p.received_on, 'petition');
  for (const a of data.accidents) if (accidentFails(a)) mark(a.subject, a.occurred_on, 'accident');
  for (const c of data.cases) if (caseFails(c)) mark(c.subject, c.occurred_on, 'case');
  const failsIn = (s, m) => fails.get(`${s.code} ${m}`) || { petition: false, accident: false, case: false };
  const failsMonth = (s, m) => { const f = failsIn(s, m); return f.petition || f.accident || f.case; };

  // scope: {} (the district), { township }, { supervisor }, { grid }
  return function expected(through, scope = {}) {
    const jan = `${through.slice(0, 4)}-01`;
    const months = monthRange(jan, through);
    const from = `${jan}-01`, to = `${through}-31`;
    const inRange = (date) => date && date >= from && date <= to;
    const subjectIn = (s) => (!scope.township || s.township === scope.township) &&
      (!scope.supervisor || s.supervisor === scope.supervisor) && (!scope.grid || s.grid === scope.grid);
    // an event lies in its subject's sector and grid; one without a subject in none
    const eventIn = (e) => (!scope.township || e.township === scope.township) &&
      (!scope.supervisor || (e.subject !== null && byCode.get(e.subject).supervisor === scope.supervisor)) &&
      (!scope.grid || (e.subject !== null && byCode.get(e.subject).grid === scope.grid));
    const subjects = data.subjects.filter(subjectIn);

    // on the list at the end of M; complying in every month on the list from January to M
    const atEnd = subjects.filter((s) => onList(s, through));
    const complies = (s) => months.every((m) => !onList(s, m) || !failsMonth(s, m));
    const villages = atEnd.filter(isVillage), enterprises = atEnd.filter((s) => !isVillage(s));
    const vc = villages.filter(complies).length, ec = enterprises.filter(complies).length;
    // the mean over the months of the share of subjects on the list with no case failing them
    const zeroCase = (group) => meanPercent(months.map((m) => {
      const listed = subjects.filter((s) => group(s) && onList(s, m));
      return [listed.filter((s) => !failsIn(s, m).case).length, listed.length];
    }));
    const ev = (list, dateKey) => list.filter((e) => inRange(e[dateKey]) && eventIn(e));
    const visits = ev(data.petitions, 'received_on').filter((p) => p.channel === 'visit');
    const hazards = ev(data.hazards, 'found_on');
    const cases = ev(data.cases, 'occurred_on');
    const mediated = ev(data.disputes, 'closed_on').filter((x) => x.status === 'success' || x.status === 'failed');
    const success = mediated.filter((x) => x.status === 'success').length;
    const sum = (list, k) => list.reduce((a, x) => a + x[k], 0);
    return {
      subjects_total: atEnd.length,
      villages_total: villages.length,
      villages_compliant: vc,
      villages_rate: percent(vc, villages.length),
      enterprises_total: enterprises.length,
      enterprises_compliant: ec,
      enterprises_rate: percent(ec, enterprises.length),
      villages_zero_case_monthly_rate: zeroCase(isVillage),
      enterprises_zero_case_monthly_rate: zeroCase((s) => !isVillage(s)),
      visit_batches: visits.length,
      visit_persons: sum(visits, 'persons'),
      online_petitions: ev(data.petitions, 'received_on').filter((p) => p.channel === 'online').length,
      petition_activities: ev(data.activities, 'held_on').length,
      inspections: ev(data.inspections, 'inspected_on').length,
      hazards_found: hazards.length,
      hazards_rectified: hazards.filter((h) => h.rectified_on && h.rectified_on <= to).length,
      coerced_persons: sum(cases, 'coerced'),
      prosecuted_persons: sum(cases, 'prosecuted'),
      disputes_mediated: mediated.length,
      mediation_success_rate: percent(success, mediated.length),
      // no work lists in this district: the work figures are work_figures.test.mjs's
      ...Object.fromEntries(WORK_KEYS.map((k) => [k, 0])),
    };
  };
}

// ---- the generated district ----

const SECTOR = { school: 'JT', kindergarten: 'JT', restaurant: 'SJ', pharmacy: 'SJ' }; // lib.mjs's sector map
const TOWNSHIP_DEPT = { [EAST]: 'DZ', [WEST]: 'XZ' };
const VILLAGES = { [EAST]: [EAST_VILLAGE, EAST_VILLAGE2], [WEST]: [WEST_VILLAGE] };
const GRIDS = { [EAST_VILLAGE]: EAST_GRID, [WEST_VILLAGE]: WEST_GRID }; // a grid lies in its village
const MONTHS = monthRange('2022-12', '2023-09');
const THROUGH = ['2022-12', '2023-01', '2023-05', '2023-08', '2023-09'];

function addDays(date, n) {
  const t = new Date(date + 'T00:00:00Z');
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

// The generated rows, for the import (strings, as the CSV templates take
// them) and for the model (numbers), from one seed.
function generate(seed) {
  const R = prng(seed);
  const day = () => `${R.pick(MONTHS)}-${String(R.int(1, 28)).padStart(2, '0')}`;
  const cap = (date) => (date > '2023-10-31' ? '2023-10-31' : date);

  // the fixture's five subjects, and thirty more
  const fixture = parseCsv(DISTRICT_CSV.subjects).filter((r) => r.length > 1);
  const head = fixture.shift();
  const col = (row, k) => row[head.indexOf(k)];
  const kindCode = { 行政村: 'village' };
  const subjects = fixture.map((row) => {
    const kind = kindCode[col(row, 'kind')] || col(row, 'kind');
    const category = col(row, 'category');
    const township = col(row, 'township');
    const village = kind === 'village' || kind === 'community';
    return {
      code: col(row, 'code'), kind, township, active_from: col(row, 'active_from'), active_to: col(row, 'active_to') || null,
      supervisor: village ? TOWNSHIP_DEPT[township] : SECTOR[category] ?? null, grid: col(row, 'grid') || null,
    };
  });
  const subjectRows = [];
  const CATS = { enterprise: ['restaurant', 'pharmacy', 'factory', 'mall', 'market', 'mine'], institution: ['school', 'kindergarten', 'hospital', 'research'] };
  for (let i = 1; i <= 30; i++) {
    const kind = R.pick(['village', 'village', 'community', 'enterprise', 'enterprise', 'enterprise', 'institution', 'institution']);
    const township = R.pick([EAST, WEST]);
    const category = kind === 'village' || kind === 'community' ? kind : R.pick(CATS[kind]);
    let active_from = R.chance(0.65) ? R.pick(['2021-05', '2022-01', '2022-11']) : R.pick(['2022-06', '2023-01', '2023-02', '2023-04', '2023-06', '2023-08', '2023-09']);
    let active_to = null;
    if (R.chance(0.25)) {
      const ends = ['2022-12', '2023-01', '2023-03', '2023-05', '2023-07', '2023-08'].filter((m) => m >= active_from);
      if (ends.length) active_to = R.pick(ends);
    }
    if (i === 1) { active_from = '2022-01'; active_to = '2022-12'; } // left before the year
    if (i === 2) { active_from = '2023-09'; active_to = null; }     // joins in the last month
    const code = `G${String(i).padStart(2, '0')}`;
    const village = kind === 'village' || kind === 'community';
    const where = village ? R.pick(VILLAGES[township]) : '';
    const grid = where && GRIDS[where] && R.chance(0.5) ? GRIDS[where] : null;
    const s = {
      code, kind, township, active_from, active_to,
      supervisor: village ? TOWNSHIP_DEPT[township] : SECTOR[category] ?? null, grid,
    };
    subjects.push(s);
    subjectRows.push({
      code, name: `生成主体${code}`, kind, category, township,
      village: where, grid: grid ?? '', active_from, active_to: active_to ?? '',
    });
  }
  const bySub = new Map(subjects.map((s) => [s.code, s]));
  // an event's subject (or none, then a township of its own)
  const place = (pSubject) => {
    if (R.chance(pSubject)) { const s = R.pick(subjects); return { subject: s.code, township: s.township }; }
    return { subject: null, township: R.pick([EAST, WEST]) };
  };

  const data = { subjects, petitions: [], activities: [], inspections: [], hazards: [], accidents: [], cases: [], disputes: [] };
  const rows = { subjects: subjectRows, petitions: [], petition_activities: [], inspections: [], hazards: [], accidents: [], cases: [], disputes: [] };
  const LEVELS = ['village', 'village', 'village', 'township', 'township', 'county', 'city', 'province', 'national'];

  for (let i = 0; i < 90; i++) {
    const at = place(0.85);
    const p = { no: `GP${i}`, received_on: day(), channel: R.pick(['visit', 'visit', 'letter', 'phone', 'online', 'online']),
      persons: R.pick([1, 1, 1, 2, 3, 4, 5, 6, 8, 12]), level: R.pick(LEVELS), ...at };
    // a subject's petitions are placed by it: no township column then
    data.petitions.push(p);
    rows.petitions.push({ no: p.no, received_on: p.received_on, channel: p.channel, persons: p.persons, level: p.level,
      subject: p.subject ?? '', township: p.subject ? '' : p.township, category: R.pick(['land', 'labour', 'law', 'civil', 'other']),
      summary: '生成的信访', status: R.pick(['registered', 'accepted', 'handling', 'replied', 'resolved', 'closed']) });
  }
  for (let i = 0; i < 25; i++) {
    const a = { no: `GA${i}`, held_on: day(), township: R.pick([EAST, WEST]), subject: null };
    data.activities.push(a);
    rows.petition_activities.push({ no: a.no, held_on: a.held_on, kind: R.pick(['open_reception', 'case_visit', 'appointment', 'home_visit', 'law_delivery', 'service_delivery']),
      leader: '区领导', place: '乡镇', petitions_handled: R.int(0, 9), township: a.township });
  }
  for (let i = 0; i < 40; i++) {
    const s = R.pick(subjects);
    const x = { no: `GI${i}`, inspected_on: day(), subject: s.code, township: s.township };
    data.inspections.push(x);
    rows.inspections.push({ no: x.no, inspected_on: x.inspected_on, subject: x.subject, department: 'YJ', domain: R.pick(['gas', 'fire', 'hazchem', 'construction']) });
  }
  for (let i = 0; i < 40; i++) {
    const s = R.pick(subjects);
    const found = day();
    const rectified = R.chance(0.55) ? cap(addDays(found, R.int(0, 120))) : null;
    const h = { no: `GH${i}`, found_on: found, rectified_on: rectified, subject: s.code, township: s.township };
    data.hazards.push(h);
    rows.hazards.push({ no: h.no, subject: h.subject, level: R.pick(['general', 'general', 'major']), domain: R.pick(['gas', 'fire', 'road']),
      found_on: found, deadline: addDays(found, 30), rectified_on: rectified ?? '', verified_on: rectified && R.chance(0.5) ? rectified : '',
      description: '生成的隐患' });
  }
  for (let i = 0; i < 30; i++) {
    const at = place(0.9);
    const a = { no: `GX${i}`, occurred_on: day(), deaths: R.pick([0, 0, 0, 0, 1, 2]), injuries: R.pick([0, 0, 0, 1, 2, 5]), ...at };
    data.accidents.push(a);
    rows.accidents.push({ no: a.no, occurred_on: a.occurred_on, subject: a.subject ?? '', township: a.subject ? '' : a.township,
      domain: R.pick(['gas', 'road', 'fire', 'other']), deaths: a.deaths, injuries: a.injuries, direct_loss: String(R.int(0, 900000)),
      production: R.chance(0.6) ? 1 : 0, summary: '生成的事故' });
  }
  for (let i = 0; i < 50; i++) {
    const at = place(0.8);
    const kind = R.chance(0.4) ? 'criminal' : 'public_order';
    const coerced = R.int(0, 3);
    const c = { no: `GC${i}`, occurred_on: day(), kind, major_impact: R.chance(0.3) ? 1 : 0, coerced, prosecuted: R.int(0, coerced), ...at };
    data.cases.push(c);
    rows.cases.push({ no: c.no, kind, major_impact: c.major_impact, category: R.pick(['theft_robbery_fraud', 'telecom_fraud', 'violent', 'other']),
      occurred_on: c.occurred_on, subject: c.subject ?? '', township: c.subject ? '' : c.township,
      status: R.pick(['filed', 'solved', 'prosecuted', 'closed']), coerced, prosecuted: c.prosecuted });
  }
  for (let i = 0; i < 55; i++) {
    const at = place(0.7);
    const found = day();
    const status = R.pick(['registered', 'mediating', 'success', 'success', 'success', 'failed', 'referred']);
    const closed = ['success', 'failed', 'referred'].includes(status) ? cap(addDays(found, R.int(0, 75))) : null;
    const x = { no: `GD${i}`, found_on: found, status, closed_on: closed, ...at };
    data.disputes.push(x);
    rows.disputes.push({ no: x.no, found_on: found, source: R.pick(['grid', 'informant', 'petition', 'walk_in', 'hotline']),
      category: R.pick(['family', 'land', 'labour', 'property']), subject: x.subject ?? '', township: x.subject ? '' : x.township,
      mediation: R.pick(['people', 'administrative', 'judicial']), status, closed_on: closed ?? '', amount: String(R.int(0, 50000)) });
  }
  for (const e of [...data.petitions, ...data.accidents, ...data.cases, ...data.disputes, ...data.inspections, ...data.hazards]) {
    if (e.subject) assert.equal(e.township, bySub.get(e.subject).township);
  }
  return { data, rows };
}

// ---- the district, loaded once (read-only for every test below) ----

const SEED = 20230917;
const { data, rows } = generate(SEED);
const WIDE = [{ no: 'GW1', held_on: '2023-02-14' }, { no: 'GW2', held_on: '2023-06-02' }, { no: 'GW3', held_on: '2022-12-30' }];
// district-wide petition work (no township), added over the API by the petition bureau
for (const w of WIDE) data.activities.push({ ...w, township: null, subject: null });
const expected = model(data);
describe('a generated district', () => {
  let d;

  before(async () => {
    d = await districtServer((store) => {
      for (const kind of ['subjects', 'petitions', 'petition_activities', 'inspections', 'hazards', 'accidents', 'cases', 'disputes']) {
        importRows(store, kind, rows[kind]);
      }
    });
    const pet = await d.as('petition');
    for (const w of WIDE) {
      const r = await pet.post('/api/v1/petition_activities', { ...w, kind: 'open_reception', leader: '区委书记', place: '区信访局', petitions_handled: 2 });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.township, null, 'district-wide work has no township');
    }
  });
  after(async () => { await d?.stop(); });

  test('the generated district is what the model thinks it is', async () => {
    const office = await d.as('office');
    const subs = await listAll(office, '/api/v1/subjects');
    assert.equal(subs.length, data.subjects.length);
    for (const s of data.subjects) {
      const got = subs.find((x) => x.code === s.code);
      assert.ok(got, s.code);
      assert.deepEqual([got.kind, got.township, got.supervisor ?? null, got.grid ?? null, got.active_from, got.active_to ?? null],
        [s.kind, s.township, s.supervisor, s.grid, s.active_from, s.active_to], `subject ${s.code}`);
    }
    const counts = { petitions: data.petitions, petition_activities: data.activities, inspections: data.inspections,
      hazards: data.hazards, accidents: data.accidents, cases: data.cases, disputes: data.disputes };
    let total = 0;
    for (const [entity, list] of Object.entries(counts)) {
      const r = await office.get(`/api/v1/${entity}?page_size=1`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.total, list.length, entity);
      total += list.length;
    }
    assert.ok(total >= 300, `about 300 events: ${total}`);
    // the data set exercises what it should
    const e = expected('2023-09');
    assert.ok(e.villages_compliant > 0 && e.villages_compliant < e.villages_total, 'some villages comply, some do not');
    assert.ok(e.enterprises_compliant > 0 && e.enterprises_compliant < e.enterprises_total, 'some enterprises comply, some do not');
    assert.ok(e.hazards_rectified < e.hazards_found && e.disputes_mediated > 0);
    assert.ok(data.hazards.some((h) => h.found_on <= '2023-05-31' && h.rectified_on > '2023-05-31'), 'a hazard rectified after May');
    assert.ok(data.subjects.some((s) => s.active_from > '2023-01' && s.active_from <= '2023-09'), 'a subject joins mid-year');
    assert.ok(data.subjects.some((s) => s.active_to && s.active_to >= '2023-01' && s.active_to < '2023-09'), 'a subject leaves mid-year');
    assert.ok(data.cases.some((c) => c.subject && caseFails(c) && c.occurred_on.slice(0, 7) < bySubject(c.subject).active_from),
      'a failing case dated before its subject joined');
  });
  const bySubject = (code) => data.subjects.find((s) => s.code === code);

  test('the office and the command line: the figures through December 2022, January, May, August and September 2023 equal the model', async () => {
    const office = await d.as('office');
    for (const m of THROUGH) {
      const want = expected(m);
      assertFigureShape({ ...want, ...Object.fromEntries(GRASS_KEYS.map((k) => [k, null])) }, 'the model');
      assert.deepEqual(await figures(office, m), want, `API figures through ${m}`);
      const r = d.store.cli(['figures', '--through', m, '--json']);
      assert.equal(r.status, 0, r.stderr);
      const all = JSON.parse(r.stdout);
      assertFigureShape(all, `CLI figures through ${m}`);
      assert.deepEqual(report(all), want, `CLI figures through ${m}`);
      // the lead departments read the same district-wide figures
      assert.deepEqual(await figures(await d.as('police'), m), want, `police: figures through ${m}`);
    }
    // the plain text of the command line shows the same numbers
    const txt = d.store.cli(['figures', '--through', '2023-08']);
    assert.equal(txt.status, 0, txt.stderr);
    const want = expected('2023-08');
    assert.match(txt.stdout, new RegExp(`\\s${want.subjects_total}\\n`));
    assert.ok(txt.stdout.includes(want.villages_rate === null ? '—' : want.villages_rate.toFixed(1)), txt.stdout);
  });

  test('the figures\' table in /meta: every key of /figures, labelled in Chinese, with a unit; each list query returns what its figure counts', async () => {
    const lastDay = (m) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).toISOString().slice(0, 10);
    const nextDay = (m) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 1)).toISOString().slice(0, 10);
    const fill = (params, m) => Object.fromEntries(Object.entries(params).map(([k, v]) =>
      [k, v.replaceAll('{from}', `${m.slice(0, 4)}-01-01`).replaceAll('{to}', lastDay(m))
        .replaceAll('{next}', nextDay(m)).replaceAll('{month}', m).replaceAll('{january}', `${m.slice(0, 4)}-01`)]));
    for (const user of ['office', 'east', 'edu', 'grid1']) {
      const c = await d.as(user);
      const meta = await c.get('/api/v1/meta');
      assert.equal(meta.status, 200, meta.text);
      const table = meta.json.figures;
      assert.ok(Array.isArray(table) && table.length > 0, 'meta has the figures\' table');
      assert.equal(new Set(table.map((r) => r.key)).size, table.length, 'each key once');
      for (const r of table) {
        assert.match(r.label, /^[\u4e00-\u9fff（）]+$/, `${r.key}: a Chinese label`);
        assert.ok(['count', 'percent', 'yuan'].includes(r.unit), `${r.key}: a unit`);
        assert.ok(r.counts && /[\u4e00-\u9fff]/.test(r.counts), `${r.key}: what it counts`);
        if (r.unit === 'count') assert.ok(r.measure, `${r.key}: a measure word`);
        if (r.share_of) assert.ok(table.some((x) => x.key === r.share_of), `${r.key}: a share of a figure`);
        // a count of records is a list or the determination's
        if (r.unit === 'count') assert.ok(r.list || r.determination, `${r.key}: where its records are`);
      }
      const readable = (e) => meta.json.entities.some((x) => x.name === e && x.can_read);
      for (const m of ['2023-01', '2023-05', '2023-09']) {
        const f = await figures(c, m);
        assert.deepEqual(table.map((r) => r.key).filter((k) => k in f), Object.keys(f),
          `${user}: every key of /figures is in the table, in its order`);
        let checked = 0;
        for (const r of table) {
          if (!r.list || !(r.key in f) || !readable(r.list.entity)) continue;
          let value = 0;
          { const q = r.list.query;
            const path = `/api/v1/${r.list.entity}?${new URLSearchParams(fill(q, m))}`;
            if (r.list.sum) {
              for (const x of await listAll(c, path)) value += Number(x[r.list.sum]);
            } else {
              const res = await c.get(`${path}&page_size=1`);
              assert.equal(res.status, 200, `${r.key}: ${path}: ${res.text}`);
              value += res.json.total;
            }
          }
          const got = r.unit === 'percent' ? percent(value, f[r.share_of]) : value;
          assert.equal(got, f[r.key], `${user} through ${m}: ${r.key} from its list ${JSON.stringify(r.list)}`);
          checked++;
        }
        if (user === 'office') {
          assert.ok(checked >= 14, `the office checks most figures by their lists: ${checked}`);
          assert.ok(COUNT_KEYS.every((k) => table.find((r) => r.key === k).list || table.find((r) => r.key === k).determination));
        }
      }
    }
  });

  test('scope: a township user sees its township, the office ?township= the same; a supervisor its sector; a grid worker its grid', async () => {
    const office = await d.as('office');
    for (const [user, township] of [['east', EAST], ['west', WEST]]) {
      const c = await d.as(user);
      for (const m of ['2023-05', '2023-09']) {
        const want = expected(m, { township });
        assert.deepEqual(await figures(c, m), want, `${user} through ${m}`);
        assert.deepEqual(await figures(office, m, `&township=${township}`), want, `office ?township=${township} through ${m}`);
      }
    }
    const edu = await d.as('edu');
    for (const m of ['2023-05', '2023-09']) {
      const want = expected(m, { supervisor: 'JT' });
      assert.equal(want.villages_total, 0);
      assert.equal(want.villages_rate, null, 'no villages in the education sector: null');
      assert.equal(want.villages_zero_case_monthly_rate, null);
      assert.equal(want.petition_activities, 0, 'petition work belongs to no sector');
      assert.deepEqual(await figures(edu, m), want, `the education bureau through ${m}`);
      assert.deepEqual(await figures(office, m, '&supervisor=JT'), want, `office ?supervisor=JT through ${m}`);
      assert.deepEqual(await figures(office, m, '&supervisor=SJ'), expected(m, { supervisor: 'SJ' }), `office ?supervisor=SJ through ${m}`);
      assert.deepEqual(await figures(office, m, '&supervisor=DZ'), expected(m, { supervisor: 'DZ' }), `office ?supervisor=DZ through ${m}`);
    }
    // a grid worker's scope is finer than the stored cells: computed within it, the same figures
    const grid = await d.as('grid1');
    for (const m of ['2023-01', '2023-05', '2023-09']) {
      const want = expected(m, { grid: EAST_GRID });
      assert.equal(want.petition_activities, 0, 'petition work lies in no grid');
      if (m === '2023-09') {
        const work = COUNT_KEYS.filter((k) => want[k] > 0).length;
        assert.ok(want.subjects_total > 0 && work >= 5, `the east grid has subjects and work: ${JSON.stringify(want)}`);
      }
      assert.deepEqual(await figures(grid, m), want, `grid1 through ${m}`);
    }
    const gm = await grid.get('/api/v1/figures/breakdown?through=2023-09&by=month');
    assert.equal(gm.status, 200, gm.text);
    for (const row of gm.json.rows) assert.deepEqual(report(row.figures), expected(row.key, { grid: EAST_GRID }), `grid1 through ${row.key}`);
    // a township may not look into the other one
    const east = await d.as('east');
    const r = await east.get(`/api/v1/figures?through=2023-09&township=${WEST}`);
    if (r.status === 200) {
      assert.deepEqual(report(r.json), expected('2023-09', { township: 'none' }), 'the east township sees nothing of the west');
    } else {
      assert.ok([403, 404, 422].includes(r.status), r.text);
    }
  });

  test('breakdown by township: each row is the township\'s figures, and the counts add up to the district\'s', async () => {
    const office = await d.as('office');
    for (const m of ['2023-05', '2023-09']) {
      const r = await office.get(`/api/v1/figures/breakdown?through=${m}&by=township`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.by, 'township');
      assert.equal(r.json.through, m);
      assert.deepEqual(r.json.rows.map((x) => x.key).sort(), [EAST, WEST]);
      const total = expected(m);
      const sums = Object.fromEntries(COUNT_KEYS.map((k) => [k, 0]));
      for (const row of r.json.rows) {
        assertFigureShape(row.figures, `row ${row.key}`);
        assert.ok(row.label, 'each row is named');
        assert.deepEqual(report(row.figures), expected(m, { township: row.key }), `row ${row.key} through ${m}`);
        for (const k of COUNT_KEYS) sums[k] += row.figures[k];
      }
      const wide = data.activities.filter((a) => !a.township && a.held_on >= `${m.slice(0, 4)}-01-01` && a.held_on <= `${m}-31`).length;
      assert.ok(m < '2023-06' ? wide === 1 : wide === 2);
      for (const k of COUNT_KEYS) {
        const extra = k === 'petition_activities' ? wide : 0; // district-wide work is in no township
        assert.equal(sums[k] + extra, total[k], `${k}: the townships add up to the district through ${m}`);
      }
    }
    const east = await (await d.as('east')).get('/api/v1/figures/breakdown?through=2023-09&by=township');
    assert.equal(east.status, 200, east.text);
    assert.deepEqual(east.json.rows.map((x) => x.key), [EAST], 'a township breaks down only itself');
    assert.deepEqual(report(east.json.rows[0].figures), expected('2023-09', { township: EAST }));
  });

  test('breakdown by month: each row is the figures through that month; the last equals /figures', async () => {
    const office = await d.as('office');
    const r = await office.get('/api/v1/figures/breakdown?through=2023-09&by=month');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.rows.map((x) => x.key), monthRange('2023-01', '2023-09'));
    for (const row of r.json.rows) assert.deepEqual(report(row.figures), expected(row.key), `through ${row.key}`);
    assert.deepEqual(report(r.json.rows.at(-1).figures), await figures(office, '2023-09'));
    // by supervisor: each sector's row is its figures
    const s = await office.get('/api/v1/figures/breakdown?through=2023-08&by=supervisor');
    assert.equal(s.status, 200, s.text);
    assert.deepEqual(s.json.rows.map((x) => x.key).sort(), ['DZ', 'JT', 'SJ', 'XZ']);
    for (const row of s.json.rows) assert.deepEqual(report(row.figures), expected('2023-08', { supervisor: row.key }), `sector ${row.key}`);
    // refusals
    assert.equal((await office.get('/api/v1/figures/breakdown?through=2023-09&by=grid')).status, 400);
    assert.equal((await office.get('/api/v1/figures/breakdown?through=2023-9&by=month')).status, 422);
    assert.equal((await office.get('/api/v1/figures?through=2023-09&colour=red')).status, 400);
    assert.equal((await (await d.as('auditor')).get('/api/v1/figures/breakdown?through=2023-09&by=month')).status, 403);
  });
});

// ---- rounding, on a district of its own ----

test('rounding half away from zero: 1/16 = 6.25 % → 6.3, 5/16 = 31.25 % → 31.3, 13/16 = 81.25 % → 81.3; empty shares null', async () => {
  await withDistrict(async (dd) => {
    // 13 more villages (16 in all), three of which fail March: 13 of 16 comply
    const extra = [];
    for (let i = 1; i <= 13; i++) extra.push({ code: `RV${i}`, name: `村${i}`, kind: 'village', category: 'village', township: i % 2 ? EAST : WEST, active_from: '2022-01' });
    importRows(dd.store, 'subjects', extra);
    importRows(dd.store, 'cases', ['RV1', 'RV2', 'RV3'].map((s, i) => ({
      no: `RC${i}`, kind: 'criminal', category: 'other', occurred_on: '2023-03-0' + (i + 1), subject: s, status: 'filed' })));
    // disputes closed in March: east 1 success of 16, west 5 of 16; district 6 of 32 = 18.75 %
    const disputes = [];
    for (let i = 0; i < 16; i++) {
      disputes.push({ no: `RE${i}`, found_on: '2023-03-01', source: 'grid', category: 'family', township: EAST, status: i < 1 ? 'success' : 'failed', closed_on: '2023-03-20' });
      disputes.push({ no: `RW${i}`, found_on: '2023-03-01', source: 'grid', category: 'family', township: WEST, status: i < 5 ? 'success' : 'failed', closed_on: '2023-03-20' });
    }
    importRows(dd.store, 'disputes', disputes);
    const office = await dd.as('office');
    let f = await figures(office, '2023-03');
    assert.equal(f.villages_total, 16);
    assert.equal(f.villages_compliant, 13);
    assert.equal(f.villages_rate, 81.3, '13/16 = 81.25 % rounds up');
    assert.equal(f.disputes_mediated, 32);
    assert.equal(f.mediation_success_rate, 18.8, '6/32 = 18.75 %');
    // villages with no case: 16/16, 16/16, 13/16 → mean 93.75 % → 93.8
    assert.equal(f.villages_zero_case_monthly_rate, 93.8);
    assert.equal(f.enterprises_zero_case_monthly_rate, 100);
    assert.equal((await figures(office, '2023-03', `&township=${EAST}`)).mediation_success_rate, 6.3, '1/16 = 6.25 % → 6.3');
    assert.equal((await figures(await dd.as('west'), '2023-03')).mediation_success_rate, 31.3, '5/16 = 31.25 % → 31.3');
    // the same with the model's arithmetic
    assert.deepEqual([percent(1, 16), percent(5, 16), percent(13, 16), percent(6, 32), percent(2, 3), percent(0, 0)],
      [6.3, 31.3, 81.3, 18.8, 66.7, null]);
    // January: nothing mediated yet → null; through April the mean has four months: (3 + 13/16)/4 = 95.3125 % → 95.3
    f = await figures(office, '2023-01');
    assert.equal(f.disputes_mediated, 0);
    assert.equal(f.mediation_success_rate, null, 'a share of an empty set is null');
    f = await figures(office, '2023-04');
    assert.equal(f.villages_zero_case_monthly_rate, 95.3);
    // the command line prints the same
    const cli = JSON.parse(dd.store.cli(['figures', '--through', '2023-03', '--json']).stdout);
    assert.deepEqual([cli.villages_rate, cli.mediation_success_rate, cli.villages_zero_case_monthly_rate], [81.3, 18.8, 93.8]);
    // a supervisor's sector with no subjects at all: every share null, every count 0
    const none = await figures(office, '2023-03', '&supervisor=SJ');
    assert.deepEqual(none, { ...report(Object.fromEntries(FIGURE_KEYS.map((k) => [k, 0]))),
      subjects_total: 1, enterprises_total: 1, enterprises_compliant: 1, enterprises_rate: 100,
      villages_rate: null, villages_zero_case_monthly_rate: null, enterprises_zero_case_monthly_rate: 100, mediation_success_rate: null });
  });
});

// ---- the figures follow every write at once ----

test('figures follow each write at once, also of the work that no determination looks at (inspections, hazards, 四访两送, disputes)', async () => {
  await withDistrict(async (dd) => {
    const office = await dd.as('office');
    const write = async (user, method, path, body, status) => {
      const r = await (await dd.as(user))[method](path, body);
      assert.equal(r.status, status, `${user} ${method} ${path}: ${r.text}`);
      return r.json;
    };
    const now = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);
    // read first, so that the cells of these months exist before the writes
    const may = await figures(office, '2023-05'), june = await figures(office, '2023-06');
    const thisMonth = await figures(office, now);

    await write('safety', 'post', '/api/v1/inspections', make.inspections('FV-I', { inspected_on: '2023-05-10' }), 201);
    assert.equal((await figures(office, '2023-06')).inspections, june.inspections + 1, 'an inspection in May');
    assert.equal((await figures(office, '2023-05')).inspections, may.inspections + 1);

    const h = await write('safety', 'post', '/api/v1/hazards', make.hazards('FV-H', { found_on: '2023-04-03', deadline: '2023-05-03' }), 201);
    let f = await figures(office, '2023-06');
    assert.deepEqual([f.hazards_found, f.hazards_rectified], [june.hazards_found + 1, june.hazards_rectified], 'a hazard found in April');
    await write('safety', 'update', `/api/v1/hazards/${h.id}`, { rectified_on: '2023-06-02' }, 200);
    f = await figures(office, '2023-06');
    assert.equal(f.hazards_rectified, june.hazards_rectified + 1, 'rectified in June: counted through June');
    f = await figures(office, '2023-05');
    assert.deepEqual([f.hazards_found, f.hazards_rectified], [may.hazards_found + 1, may.hazards_rectified], '... not through May');

    await write('petition', 'post', '/api/v1/petition_activities', make.petition_activities('FV-A', { held_on: '2023-02-02' }), 201);
    assert.equal((await figures(office, '2023-06')).petition_activities, june.petition_activities + 1, '四访两送 in February');

    const x = await write('east', 'post', '/api/v1/disputes', make.disputes('FV-D'), 201);
    await write('east', 'update', `/api/v1/disputes/${x.id}`, { status: 'mediating' }, 200);
    assert.equal((await figures(office, now)).disputes_mediated, thisMonth.disputes_mediated, 'not mediated yet');
    await write('east', 'update', `/api/v1/disputes/${x.id}`, { status: 'success' }, 200);
    f = await figures(office, now);
    assert.equal(f.disputes_mediated, thisMonth.disputes_mediated + 1, 'mediated successfully today');
    assert.equal(thisMonth.disputes_mediated, 0, 'nothing else mediated this month');
    assert.equal(f.mediation_success_rate, 100);
  });
});
