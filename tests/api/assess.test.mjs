// assess.test.mjs: the monthly determination (认定) of DOMAIN.md ("The
// standard and the monthly determination") against the running server —
// every veto rule and its edges, table by table (petition level × persons,
// accidents, cases), subjects joining and leaving the list, events before a
// subject joined and of another year, a standard version changed mid-year,
// a lead department's override, certification, publication (which locks the
// month) and reopening, the refusals of each act, the audit of each, and the
// early warnings.  Each test works in a district of its own.  The report
// figures themselves are figures.test.mjs's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem } from './util.mjs';
import { EAST, WEST, EAST_VILLAGE, WEST_VILLAGE, auditRows } from './events_util.mjs';
import {
  withDistrict, importRows, monthResults, verdict, provisional, figures, nextMonth,
} from './assess_util.mjs';

const LEVELS = ['village', 'township', 'county', 'city', 'province', 'national'];
const RANK = Object.fromEntries(LEVELS.map((l, i) => [l, i + 1]));
// The month after YYYY-MM `m`.
const nextMonthOf = (m) => { const [y, mm] = m.split('-').map(Number); return mm === 12 ? `${y + 1}-01` : `${y}-${String(mm + 1).padStart(2, '0')}`; };
const PASS = { petition: false, accident: false, case: false, complies: true };

// A subject row for the subjects import: one of each kind in turn, across both townships.
const SHAPES = [
  { kind: 'village', category: 'village', township: EAST, village: EAST_VILLAGE },
  { kind: 'community', category: 'community', township: WEST, village: WEST_VILLAGE },
  { kind: 'enterprise', category: 'factory', township: EAST, village: '' },
  { kind: 'institution', category: 'school', township: WEST, village: '' },
];
function subject(code, i, over = {}) {
  return { code, name: `主体${code}`, ...SHAPES[i % SHAPES.length], active_from: '2022-01', active_to: '', ...over };
}
const petition = (no, subjectCode, received_on, over = {}) => ({
  no, received_on, channel: 'visit', persons: 1, level: 'village', subject: subjectCode, category: 'land',
  summary: '诉求', status: 'registered', ...over,
});
const accident = (no, subjectCode, occurred_on, over = {}) => ({
  no, occurred_on, subject: subjectCode, domain: 'gas', deaths: 0, injuries: 0, direct_loss: '0', production: 1,
  summary: '事故', ...over,
});
const crimeCase = (no, subjectCode, occurred_on, over = {}) => ({
  no, kind: 'criminal', major_impact: 0, category: 'theft_robbery_fraud', occurred_on, subject: subjectCode,
  status: 'filed', coerced: 0, prosecuted: 0, ...over,
});

// The verdict of `code` in `month`'s results, which must list it.
function verdictOf(res, code, month) {
  const row = res.rows.get(code);
  assert.ok(row, `${code} is on the list in ${month}`);
  return verdict(row);
}

// Explain as `client`: 200 and the body.
async function explain(client, code, month) {
  const r = await client.get(`/api/v1/explain?subject=${encodeURIComponent(code)}&month=${month}`);
  assert.equal(r.status, 200, `explain ${code} ${month}: ${r.text}`);
  assert.equal(r.json.subject, code);
  assert.equal(r.json.month, month);
  return r.json;
}

// ---- 1. the veto rules, table by table ----

test('petitions: level × persons — fails iff level ≥ county, or persons ≥ 5 at township or above', async () => {
  await withDistrict(async (d) => {
    const cases = [];
    for (const level of LEVELS) for (const persons of [1, 4, 5, 6]) {
      const fails = RANK[level] >= RANK.county || (persons >= 5 && RANK[level] >= RANK.township);
      cases.push({ code: `PT-${level}-${persons}`, level, persons, fails });
    }
    importRows(d.store, 'subjects', cases.map((c, i) => subject(c.code, i)));
    importRows(d.store, 'petitions', cases.map((c, i) => petition(`PN${i}`, c.code, `2023-03-${String(1 + (i % 28)).padStart(2, '0')}`,
      { level: c.level, persons: c.persons, channel: ['visit', 'letter', 'phone', 'online'][i % 4] })));
    const office = await d.as('office');
    const march = await monthResults(office, '2023-03');
    for (const c of cases) {
      const want = { ...PASS, petition: c.fails, complies: !c.fails };
      assert.deepEqual(verdictOf(march, c.code, '2023-03'), want, `${c.level} × ${c.persons} persons`);
      assert.equal(march.rows.get(c.code).petition.provisional_fail, c.fails, `${c.level} × ${c.persons}: provisional`);
      const ex = await explain(office, c.code, '2023-03');
      assert.equal(ex.on_list, true);
      assert.equal(ex.complies, !c.fails, `explain ${c.level} × ${c.persons}`);
      assert.equal(ex.petition.fail, c.fails);
      assert.equal(ex.events.petition.length, 1);
      assert.equal(ex.events.petition[0].counted, c.fails, `explain: the petition counted (${c.level} × ${c.persons})`);
      assert.deepEqual([ex.events.accident, ex.events.case], [[], []]);
    }
    const failing = cases.filter((c) => c.fails).length;
    assert.equal(failing, 4 * 4 + 2, 'the table: county and above × 4, and township × 2 collective');
    const m = await office.get('/api/v1/months/2023-03');
    assert.equal(m.status, 200, m.text);
    assert.deepEqual(m.json.counts, { subjects: 5 + cases.length, failing, petition_failing: failing, accident_failing: 0, case_failing: 0 });
    assert.equal(march.json.published, false);
    // the month before and after: no event, everyone complies
    for (const month of ['2023-02', '2023-04']) {
      const res = await monthResults(office, month);
      for (const c of cases) assert.deepEqual(verdictOf(res, c.code, month), PASS, `${c.code} in ${month}`);
    }
    // ?fail=1 lists exactly the failing ones
    const bad = await monthResults(office, '2023-03', '&fail=1');
    assert.deepEqual([...bad.rows.keys()].sort(), cases.filter((c) => c.fails).map((c) => c.code).sort());
  });
});

test('accidents and cases: casualties fail (production or not), loss alone passes; criminal and major public-order cases fail', async () => {
  await withDistrict(async (d) => {
    const acc = [
      { code: 'AC-INJ', over: { injuries: 1 }, fails: true },
      { code: 'AC-INJ3', over: { injuries: 3, direct_loss: '12000.50' }, fails: true },
      { code: 'AC-DEATH', over: { deaths: 1 }, fails: true },
      { code: 'AC-LOSS', over: { direct_loss: '500000', production: 1 }, fails: false },
      { code: 'AC-NONPROD', over: { injuries: 1, production: 0, domain: 'road' }, fails: true },
      { code: 'AC-NONPROD0', over: { production: 0, direct_loss: '800', domain: 'road' }, fails: false },
    ];
    const cas = [
      { code: 'CS-PO', over: { kind: 'public_order', major_impact: 0, category: 'porn_gambling_drugs' }, fails: false },
      { code: 'CS-PO-MAJOR', over: { kind: 'public_order', major_impact: 1, category: 'violent' }, fails: true },
      { code: 'CS-CRIM', over: { kind: 'criminal', category: 'telecom_fraud', coerced: 2, prosecuted: 1 }, fails: true },
      { code: 'CS-CRIM-NOMAJOR', over: { kind: 'criminal', major_impact: 0, category: 'elder_fraud' }, fails: true },
    ];
    // a subject with a harmless accident but a criminal case; one with two petitions, one counting
    const mixed = 'MX-1', two = 'MX-2';
    const all = [...acc, ...cas].map((c) => c.code);
    importRows(d.store, 'subjects', [...all, mixed, two].map((code, i) => subject(code, i)));
    importRows(d.store, 'accidents', [
      ...acc.map((c, i) => accident(`AN${i}`, c.code, '2023-05-10', c.over)),
      accident('AN-MX', mixed, '2023-05-11', { direct_loss: '3000' }),
    ]);
    importRows(d.store, 'cases', [
      ...cas.map((c, i) => crimeCase(`CN${i}`, c.code, '2023-05-12', c.over)),
      crimeCase('CN-MX', mixed, '2023-05-13'),
    ]);
    importRows(d.store, 'petitions', [
      petition('PN-MX1', two, '2023-05-02', { level: 'township', persons: 4 }),
      petition('PN-MX2', two, '2023-05-20', { level: 'county', persons: 1 }),
    ]);
    const office = await d.as('office');
    const may = await monthResults(office, '2023-05');
    for (const c of acc) {
      assert.deepEqual(verdictOf(may, c.code, '2023-05'), { ...PASS, accident: c.fails, complies: !c.fails }, `accident ${c.code}`);
      const ex = await explain(office, c.code, '2023-05');
      assert.equal(ex.events.accident.length, 1);
      assert.equal(ex.events.accident[0].counted, c.fails, `explain ${c.code}`);
      assert.equal(ex.accident.fail, c.fails);
    }
    for (const c of cas) {
      assert.deepEqual(verdictOf(may, c.code, '2023-05'), { ...PASS, case: c.fails, complies: !c.fails }, `case ${c.code}`);
      const ex = await explain(office, c.code, '2023-05');
      assert.equal(ex.events.case.length, 1);
      assert.equal(ex.events.case[0].counted, c.fails, `explain ${c.code}`);
      assert.equal(ex.case.fail, c.fails);
    }
    assert.deepEqual(verdictOf(may, mixed, '2023-05'), { ...PASS, case: true, complies: false });
    const exm = await explain(office, mixed, '2023-05');
    assert.deepEqual(exm.events.accident.map((e) => [e.no, e.counted]), [['AN-MX', false]]);
    assert.deepEqual(exm.events.case.map((e) => [e.no, e.counted]), [['CN-MX', true]]);
    assert.deepEqual(verdictOf(may, two, '2023-05'), { ...PASS, petition: true, complies: false });
    const ex2 = await explain(office, two, '2023-05');
    assert.deepEqual(ex2.events.petition.map((e) => [e.no, e.counted]), [['PN-MX1', false], ['PN-MX2', true]],
      'the evidence: only the county-level petition counted');
    const m = await office.get('/api/v1/months/2023-05');
    assert.equal(m.status, 200, m.text);
    assert.deepEqual(m.json.counts, {
      subjects: 5 + all.length + 2, failing: 4 + 3 + 2, petition_failing: 1, accident_failing: 4, case_failing: 3 + 1,
    });
  });
});

// ---- 2. who is on the list, and when ----

test('joining mid-year, leaving, events before joining and of another year', async () => {
  await withDistrict(async (d) => {
    importRows(d.store, 'subjects', [
      subject('J1', 0, { active_from: '2023-04' }),                          // a village joining in April
      subject('J2', 2, { active_from: '2023-04', township: WEST }),          // an enterprise joining in April
      subject('L1', 1, { active_from: '2022-01', active_to: '2023-05' }),    // a community leaving after May
    ]);
    importRows(d.store, 'cases', [
      crimeCase('JC1', 'J1', '2023-02-10', { coerced: 1 }),        // before J1 joined
      crimeCase('JC2', 'J2', '2023-04-12'),                        // J2's first month on the list
      crimeCase('LC1', 'L1', '2023-06-15'),                        // after L1 left
      crimeCase('YC1', 'V1', '2022-12-20'),                        // last year
    ]);
    importRows(d.store, 'petitions', [
      petition('JP1', 'J1', '2023-03-05', { level: 'county' }),   // before J1 joined
      petition('YP1', 'V1', '2022-06-01', { level: 'national' }), // last year
    ]);
    const office = await d.as('office');

    // February and March: J1 and J2 are not on the list; their events do not count
    for (const month of ['2023-02', '2023-03']) {
      const res = await monthResults(office, month);
      assert.deepEqual([...res.rows.keys()].sort(), ['L1', 'R1', 'S1', 'V1', 'V2', 'V3'], `the list of ${month}`);
      for (const code of res.rows.keys()) assert.deepEqual(verdictOf(res, code, month), PASS, `${code} in ${month}`);
      const ex = await explain(office, 'J1', month);
      assert.equal(ex.on_list, false, `J1 is not on the list in ${month}`);
      assert.equal(ex.complies, undefined, 'no result for a subject not on the list');
      for (const dim of ['petition', 'accident', 'case']) {
        for (const e of ex.events[dim]) assert.equal(e.counted, false, `J1's ${dim} ${e.no} in ${month}, before it joined, did not count`);
      }
    }
    const o = await office.post('/api/v1/months/2023-02/overrides', { subject: 'J1', dimension: 'case', result: 'pass', reason: '尚未纳入清单' });
    assert.equal(o.status, 403, 'the office is no lead department');
    const p = await (await d.as('police')).post('/api/v1/months/2023-02/overrides', { subject: 'J1', dimension: 'case', result: 'pass', reason: '尚未纳入清单' });
    assertProblem(p, 422, { field: 'subject' });

    // April: both joined; J2 fails by its case, J1 complies
    const april = await monthResults(office, '2023-04');
    assert.deepEqual([...april.rows.keys()].sort(), ['J1', 'J2', 'L1', 'R1', 'S1', 'V1', 'V2', 'V3']);
    assert.deepEqual(verdictOf(april, 'J1', '2023-04'), PASS);
    assert.deepEqual(verdictOf(april, 'J2', '2023-04'), { ...PASS, case: true, complies: false });
    // May: L1 still on the list; June: gone (its June case matters to nobody)
    assert.ok((await monthResults(office, '2023-05')).rows.has('L1'));
    const june = await monthResults(office, '2023-06');
    assert.deepEqual([...june.rows.keys()].sort(), ['J1', 'J2', 'R1', 'S1', 'V1', 'V2', 'V3']);
    const exl = await explain(office, 'L1', '2023-06');
    assert.equal(exl.on_list, false);

    // last year: V1 failed in June and December 2022, not in 2023
    const dec = await monthResults(office, '2022-12');
    assert.deepEqual(verdictOf(dec, 'V1', '2022-12'), { ...PASS, case: true, complies: false });
    const jun22 = await monthResults(office, '2022-06');
    assert.deepEqual(verdictOf(jun22, 'V1', '2022-06'), { ...PASS, petition: true, complies: false });
    const jan = await monthResults(office, '2023-01');
    assert.deepEqual(verdictOf(jan, 'V1', '2023-01'), PASS);

    // the year to date: from January, or from active_from when later
    let f = await figures(office, '2023-01');
    assert.deepEqual([f.subjects_total, f.villages_total, f.villages_compliant, f.villages_rate], [6, 4, 4, 100],
      'V1 complies through January: 2022 does not count');
    assert.deepEqual([f.enterprises_total, f.enterprises_compliant, f.enterprises_rate], [2, 2, 100]);
    f = await figures(office, '2023-03');
    assert.deepEqual([f.subjects_total, f.villages_total, f.villages_compliant, f.enterprises_total], [6, 4, 4, 2]);
    f = await figures(office, '2023-05');
    assert.deepEqual([f.subjects_total, f.villages_total, f.villages_compliant, f.villages_rate], [8, 5, 5, 100],
      'J1 complies through May: its February case and March petition came before it joined');
    assert.deepEqual([f.enterprises_total, f.enterprises_compliant, f.enterprises_rate], [3, 2, 66.7],
      'J2 does not: it failed April');
    // enterprises on the list with no case: Jan–Mar 2/2, April 2/3, May 3/3 → mean 14/15 = 93.3 %
    assert.equal(f.enterprises_zero_case_monthly_rate, 93.3);
    assert.equal(f.villages_zero_case_monthly_rate, 100);
    f = await figures(office, '2023-06');
    assert.deepEqual([f.subjects_total, f.villages_total, f.villages_compliant], [7, 4, 4], 'L1 left after May');
    assert.deepEqual([f.enterprises_total, f.enterprises_compliant], [3, 2]);
  });
});

// ---- 3. the standard changes mid-year ----

test('a standard version for villages from June (petitions fail from city): May by the default, July and later by the new one', async () => {
  await withDistrict(async (d) => {
    importRows(d.store, 'petitions', [
      petition('SP1', 'V1', '2023-05-10', { level: 'county' }),
      petition('SP2', 'V1', '2023-07-10', { level: 'county' }),
      petition('SP3', 'V2', '2023-07-11', { level: 'city' }),
      petition('SP4', 'V3', '2023-07-12', { level: 'township', persons: 6 }),
      petition('SP5', 'R1', '2023-07-13', { level: 'county' }),
      petition('SP6', 'V1', '2023-09-05', { level: 'city' }),
      petition('SP7', 'V2', '2023-09-06', { level: 'province' }),
    ]);
    const office = await d.as('office');
    // before any version: the default rules everywhere
    let july = await monthResults(office, '2023-07');
    assert.deepEqual(verdictOf(july, 'V1', '2023-07'), { ...PASS, petition: true, complies: false });
    assert.equal(july.rows.get('V1').standard, 'default');

    const std = (code, effective_from, petition_level) => ({
      code, kind: 'village', effective_from, petition_level, collective_persons: 5, collective_level: 'township',
      accident_casualties: 1, accident_production_only: false, case_criminal: true, case_public_order_major: true, target: 80,
    });
    let r = await office.post('/api/v1/standards', std('V2023-06', '2023-06', 'city'));
    assert.equal(r.status, 201, r.text);
    r = await office.post('/api/v1/standards', std('V2023-09', '2023-09', 'province'));
    assert.equal(r.status, 201, r.text);
    const refused = await (await d.as('petition')).post('/api/v1/standards', std('X', '2023-10', 'county'));
    assert.equal(refused.status, 403, 'only the office sets the standard');
    const list = await office.get('/api/v1/standards?kind=village');
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.items.map((x) => x.code).sort(), ['V2023-06', 'V2023-09']);

    const may = await monthResults(office, '2023-05');
    assert.deepEqual(verdictOf(may, 'V1', '2023-05'), { ...PASS, petition: true, complies: false }, 'May: a county petition fails');
    assert.equal(may.rows.get('V1').standard, 'default');

    july = await monthResults(office, '2023-07');
    assert.deepEqual(verdictOf(july, 'V1', '2023-07'), PASS, 'July: a county petition passes (read again after the change)');
    assert.deepEqual(verdictOf(july, 'V2', '2023-07'), { ...PASS, petition: true, complies: false }, 'July: a city petition fails');
    assert.deepEqual(verdictOf(july, 'V3', '2023-07'), { ...PASS, petition: true, complies: false }, 'July: collective at township still fails');
    assert.deepEqual(verdictOf(july, 'R1', '2023-07'), { ...PASS, petition: true, complies: false }, 'an enterprise keeps the default');
    assert.equal(july.rows.get('V1').standard, 'V2023-06');
    assert.equal(july.rows.get('R1').standard, 'default');
    const ex = await explain(office, 'V1', '2023-07');
    assert.equal(ex.standard.code, 'V2023-06');
    assert.equal(ex.standard.effective_from, '2023-06');
    assert.deepEqual(ex.events.petition.map((e) => [e.no, e.counted]), [['SP2', false]]);
    assert.equal((await explain(office, 'V1', '2023-05')).standard.code, 'default');

    const sept = await monthResults(office, '2023-09');
    assert.deepEqual(verdictOf(sept, 'V1', '2023-09'), PASS, 'September: a city petition passes under the newer version');
    assert.deepEqual(verdictOf(sept, 'V2', '2023-09'), { ...PASS, petition: true, complies: false }, 'September: province fails');
    assert.equal(sept.rows.get('V1').standard, 'V2023-09');
  });
});

// ---- 4. overrides, certification, publication ----

test('a lead overrides one result with a reason: the final result changes, the provisional one and the evidence stay; audited', async () => {
  await withDistrict(async (d) => {
    importRows(d.store, 'cases', [crimeCase('OC1', 'V1', '2023-03-08')]);
    const office = await d.as('office'), police = await d.as('police'), pet = await d.as('petition');
    let res = await monthResults(office, '2023-03');
    assert.deepEqual(verdictOf(res, 'V1', '2023-03'), { ...PASS, case: true, complies: false });

    const reason = '经复核，该案系外地流窜作案，与本村无关';
    let r = await police.post('/api/v1/months/2023-03/overrides', { subject: 'V1', dimension: 'case', result: 'pass', reason });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.month, '2023-03');
    r = await pet.post('/api/v1/months/2023-03/overrides', { subject: 'V2', dimension: 'petition', result: 'fail', reason: '群众反映强烈，确认不达标' });
    assert.equal(r.status, 200, r.text);

    res = await monthResults(office, '2023-03');
    const v1 = res.rows.get('V1');
    assert.deepEqual(verdict(v1), PASS, 'final: V1 passes');
    assert.deepEqual(provisional(v1), { petition: false, accident: false, case: true }, 'provisional: the case still fails it');
    assert.equal(v1.case.overridden, true);
    assert.equal(v1.petition.overridden, false);
    const v2 = res.rows.get('V2');
    assert.deepEqual(verdict(v2), { ...PASS, petition: true, complies: false });
    assert.deepEqual(provisional(v2), { petition: false, accident: false, case: false });
    assert.equal(v2.petition.overridden, true);

    const ex = await explain(office, 'V1', '2023-03');
    assert.equal(ex.complies, true);
    assert.deepEqual(ex.case, { provisional_fail: true, fail: false });
    assert.deepEqual(ex.events.case.map((e) => [e.no, e.counted]), [['OC1', true]], 'the evidence stays');
    assert.equal(ex.overrides.length, 1);
    assert.deepEqual({ ...ex.overrides[0], at: undefined }, { dimension: 'case', result: 'pass', reason, by: 'police', at: undefined });
    assert.match(ex.overrides[0].at, /^\d{4}-\d\d-\d\dT/);

    // the figures follow the final results
    const f = await figures(office, '2023-03');
    assert.deepEqual([f.villages_total, f.villages_compliant, f.villages_rate], [3, 2, 66.7]);
    assert.equal(f.villages_zero_case_monthly_rate, 100, 'no case fails V1 after the override');

    // an override replaces the earlier one of the same subject and dimension
    r = await police.post('/api/v1/months/2023-03/overrides', { subject: 'V1', dimension: 'case', result: 'fail', reason: '再次复核，维持原认定' });
    assert.equal(r.status, 200, r.text);
    const ex2 = await explain(office, 'V1', '2023-03');
    assert.equal(ex2.complies, false);
    assert.deepEqual(ex2.overrides.map((o) => [o.dimension, o.result]), [['case', 'fail']]);

    const auditor = await d.as('auditor');
    const rows = await auditRows(auditor, 'assess.override');
    assert.equal(rows.length, 3, JSON.stringify(rows));
    const first = rows.find((x) => x.username === 'police' && x.detail.includes('result=pass'));
    assert.ok(first, JSON.stringify(rows));
    assert.equal(first.outcome, 'ok');
    assert.match(first.object, /2023-03/);
    assert.match(first.object, /V1/);
    assert.ok(first.detail.includes(reason), 'the reason is in the audit log');
    assert.ok(rows.some((x) => x.username === 'petition' && /V2/.test(x.object) && x.detail.includes('result=fail')));
  });
});

test('publish needs all three dimensions certified; a published month is locked until the office reopens it with a reason', async () => {
  await withDistrict(async (d) => {
    const M = '2023-07';
    const office = await d.as('office'), pet = await d.as('petition'), safety = await d.as('safety'), police = await d.as('police');
    let r = await office.post(`/api/v1/months/${M}/publish`, {});
    assertProblem(r, 409);
    r = await pet.post(`/api/v1/months/${M}/certify`, { dimension: 'petition' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.certified.petition.by, 'petition');
    assert.equal(r.json.certified.petition.department, 'XF');
    r = await safety.post(`/api/v1/months/${M}/certify`, { dimension: 'accident' });
    assert.equal(r.status, 200, r.text);
    r = await office.post(`/api/v1/months/${M}/publish`, {});
    assertProblem(r, 409, { detail: /./ });
    let state = await office.get(`/api/v1/months/${M}`);
    assert.equal(state.json.published, false);
    assert.equal(state.json.certified.case, null, 'the case dimension is not certified yet');
    r = await police.post(`/api/v1/months/${M}/certify`, { dimension: 'case' });
    assert.equal(r.status, 200, r.text);
    let res = await monthResults(office, M);
    assert.deepEqual(res.json.certified, { petition: true, accident: true, case: true });
    assert.deepEqual(verdictOf(res, 'V2', M), PASS);

    r = await office.post(`/api/v1/months/${M}/publish`, {});
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.published, true);
    res = await monthResults(office, M);
    assert.equal(res.json.published, true);

    // a failing event of the month arriving after publication is refused — by the
    // command line, the import and the form alike — and the month does not move
    assert.throws(() => importRows(d.store, 'cases', [crimeCase('PC1', 'V2', `${M}-15`)]), /已发布/);
    assert.throws(() => importRows(d.store, 'accidents', [accident('PA1', 'V3', `${M}-16`, { deaths: 1 })]), /已发布/);
    res = await monthResults(office, M);
    assert.deepEqual(verdictOf(res, 'V2', M), PASS, 'locked: the new case does not change the published month');
    assert.deepEqual(verdictOf(res, 'V3', M), PASS, 'locked: the new accident neither');
    state = await office.get(`/api/v1/months/${M}`);
    assert.equal(state.json.counts.failing, 0);
    assert.equal((await explain(office, 'V2', M)).complies, true);
    const f = await figures(office, M);
    assert.equal(f.villages_compliant, 3, 'the figures read the published month');
    // … while an open month follows the data
    importRows(d.store, 'cases', [crimeCase('PC2', 'V1', '2023-08-02')]);
    assert.deepEqual(verdictOf(await monthResults(office, '2023-08'), 'V1', '2023-08'), { ...PASS, case: true, complies: false });

    // no act on a published month but reopening
    r = await police.post(`/api/v1/months/${M}/overrides`, { subject: 'V2', dimension: 'case', result: 'fail', reason: '补录案件，应不达标' });
    assertProblem(r, 409);
    r = await police.post(`/api/v1/months/${M}/certify`, { dimension: 'case' });
    assertProblem(r, 409);
    r = await office.post(`/api/v1/months/${M}/publish`, {});
    assertProblem(r, 409);
    r = await pet.post(`/api/v1/months/${M}/reopen`, { reason: '补录七月案件' });
    assertProblem(r, 403);
    r = await office.post(`/api/v1/months/${M}/reopen`, {});
    assertProblem(r, 422, { field: 'reason' });
    r = await office.post(`/api/v1/months/${M}/reopen`, { reason: '' });
    assertProblem(r, 422, { field: 'reason' });
    assert.equal((await office.get(`/api/v1/months/${M}`)).json.published, true, 'still published after the refusals');
    r = await office.post('/api/v1/months/2023-06/reopen', { reason: '补录六月案件' });
    assertProblem(r, 409, { field: 'month' }); // never published

    const why = '公安局补录七月刑事案件一起';
    r = await office.post(`/api/v1/months/${M}/reopen`, { reason: why });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.published, false);
    importRows(d.store, 'cases', [crimeCase('PC1', 'V2', `${M}-15`)]);
    importRows(d.store, 'accidents', [accident('PA1', 'V3', `${M}-16`, { deaths: 1 })]);
    res = await monthResults(office, M);
    assert.equal(res.json.published, false);
    assert.deepEqual(verdictOf(res, 'V2', M), { ...PASS, case: true, complies: false }, 'reopened: the new case counts');
    assert.deepEqual(verdictOf(res, 'V3', M), { ...PASS, accident: true, complies: false }, 'reopened: the new accident counts');
    assert.equal((await figures(office, M)).villages_compliant, 1);

    // every act is in the audit log, by whom it was done
    const auditor = await d.as('auditor');
    const cert = await auditRows(auditor, 'assess.certify');
    assert.deepEqual(cert.filter((x) => x.object.includes(M)).map((x) => [x.username, x.outcome]).sort(),
      [['petition', 'ok'], ['police', 'ok'], ['safety', 'ok']]);
    for (const [who, dim] of [['petition', 'petition'], ['safety', 'accident'], ['police', 'case']]) {
      assert.ok(cert.some((x) => x.username === who && x.object.includes(M) && x.object.includes(dim)), `${who} certified ${dim}`);
    }
    const pub = await auditRows(auditor, 'assess.publish');
    assert.equal(pub.length, 1, JSON.stringify(pub));
    assert.equal(pub[0].username, 'office');
    assert.equal(pub[0].outcome, 'ok');
    assert.match(pub[0].object, new RegExp(M));
    const reo = await auditRows(auditor, 'assess.reopen');
    assert.equal(reo.length, 1, JSON.stringify(reo));
    assert.equal(reo[0].username, 'office');
    assert.match(reo[0].object, new RegExp(M));
    assert.ok(reo[0].detail.includes(why), 'the reason of the reopening is in the audit log');

    // certified and published again; then locked once more
    for (const [c, dim] of [[pet, 'petition'], [safety, 'accident'], [police, 'case']]) {
      r = await c.post(`/api/v1/months/${M}/certify`, { dimension: dim });
      assert.equal(r.status, 200, r.text);
    }
    r = await office.post(`/api/v1/months/${M}/publish`, {});
    assert.equal(r.status, 200, r.text);
    assert.throws(() => importRows(d.store, 'cases', [crimeCase('PC3', 'V1', `${M}-20`)]), /已发布/);
    assert.deepEqual(verdictOf(await monthResults(office, M), 'V1', M), PASS, 'locked again');
    // the form alike: no new event in the month, no counted field changed, none moved in or out;
    // what nobody counts (the summary) stays open to the work
    assertProblem(await police.post('/api/v1/cases', { no: 'PC4', kind: 'criminal', category: 'other',
      occurred_on: `${M}-21`, subject: 'V1' }), 409, { field: 'occurred_on', detail: new RegExp(M) });
    const pc1 = (await police.get('/api/v1/cases?no=PC1')).json.items[0];
    assertProblem(await police.patch(`/api/v1/cases/${pc1.id}`, { rev: pc1.rev, kind: 'public_order' }), 409);
    assertProblem(await police.patch(`/api/v1/cases/${pc1.id}`, { rev: pc1.rev, occurred_on: '2023-08-03' }), 409);
    const pc2 = (await police.get('/api/v1/cases?no=PC2')).json.items[0];
    assertProblem(await police.patch(`/api/v1/cases/${pc2.id}`, { rev: pc2.rev, occurred_on: `${M}-03` }), 409,
      { field: 'occurred_on' });
    const note = await police.patch(`/api/v1/cases/${pc1.id}`, { rev: pc1.rev, summary: '补充案情摘要' });
    assert.equal(note.status, 200, note.text);
    assert.deepEqual(verdictOf(await monthResults(office, M), 'V1', M), PASS, 'still locked');

    // the list of a published month is locked too: no subject joins or leaves it
    const listed = await monthResults(office, M);
    const body = { code: 'LOCK1', name: '补录主体', kind: 'enterprise', category: 'restaurant', township: EAST };
    assertProblem(await office.post('/api/v1/subjects', { ...body, active_from: M }), 422, { field: 'active_from', detail: new RegExp(M) });
    assertProblem(await office.post('/api/v1/subjects', { ...body, active_from: '2023-01' }), 422, { field: 'active_from' });
    const v1 = (await office.get('/api/v1/subjects?code=V1')).json.items[0];
    assertProblem(await office.post(`/api/v1/subjects/${v1.id}/retire`, { month: '2023-06' }), 422, { field: 'active_to' });
    assertProblem(await office.patch(`/api/v1/subjects/${v1.id}`, { active_from: '2023-08', rev: v1.rev }), 422, { field: 'active_from' });
    const moved = await monthResults(office, M);
    assert.deepEqual([...moved.rows.keys()].sort(), [...listed.rows.keys()].sort(), 'the list of the published month is as it was');
    assert.equal((await office.get('/api/v1/subjects?code=LOCK1')).json.total, 0);
    assert.equal((await office.get(`/api/v1/subjects/${v1.id}`)).json.active_to, null);
    // outside the published month, the list moves as before: joining after it, leaving in it or later
    let c = await office.post('/api/v1/subjects', { ...body, active_from: nextMonthOf(M) });
    assert.equal(c.status, 201, c.text);
    c = await office.post(`/api/v1/subjects/${v1.id}/retire`, { month: M });
    assert.equal(c.status, 200, c.text);
    assert.ok((await monthResults(office, M)).rows.has('V1'), 'V1 left after the month: still on its list');
  });
});

// ---- 5. refusals ----

test('refusals: the wrong lead, missing reasons, subjects off the list, non-office publishing, future and malformed months', async () => {
  await withDistrict(async (d) => {
    importRows(d.store, 'subjects', [subject('LATE', 0, { active_from: '2023-06' })]);
    const M = '2023-04';
    const office = await d.as('office'), pet = await d.as('petition'), safety = await d.as('safety');
    const police = await d.as('police'), east = await d.as('east'), edu = await d.as('edu');
    const before = (await office.get(`/api/v1/months/${M}`)).json;

    // certify: only the lead of the dimension
    assertProblem(await safety.post(`/api/v1/months/${M}/certify`, { dimension: 'petition' }), 403);
    assertProblem(await pet.post(`/api/v1/months/${M}/certify`, { dimension: 'case' }), 403);
    assertProblem(await police.post(`/api/v1/months/${M}/certify`, { dimension: 'accident' }), 403);
    assertProblem(await office.post(`/api/v1/months/${M}/certify`, { dimension: 'petition' }), 403);
    assertProblem(await east.post(`/api/v1/months/${M}/certify`, { dimension: 'petition' }), 403);
    assertProblem(await pet.post(`/api/v1/months/${M}/certify`, { dimension: 'everything' }), 422, { field: 'dimension' });
    assertProblem(await pet.post(`/api/v1/months/${M}/certify`, {}), 422, { field: 'dimension' });
    // override: a reason, a subject on the list that month, the lead of the dimension, pass or fail
    const ov = { subject: 'V1', dimension: 'case', result: 'pass', reason: '经复核不构成' };
    assertProblem(await police.post(`/api/v1/months/${M}/overrides`, { ...ov, reason: undefined }), 422, { field: 'reason' });
    assertProblem(await police.post(`/api/v1/months/${M}/overrides`, { ...ov, reason: '' }), 422, { field: 'reason' });
    assertProblem(await police.post(`/api/v1/months/${M}/overrides`, { ...ov, reason: '   ' }), 422, { field: 'reason' });
    assertProblem(await police.post(`/api/v1/months/${M}/overrides`, { ...ov, reason: '        ' }), 422, { field: 'reason' });
    assertProblem(await police.post(`/api/v1/months/${M}/overrides`, { ...ov, subject: 'LATE' }), 422, { field: 'subject' });
    assertProblem(await police.post(`/api/v1/months/${M}/overrides`, { ...ov, subject: 'NOSUCH' }), 422, { field: 'subject' });
    assertProblem(await police.post(`/api/v1/months/${M}/overrides`, { ...ov, result: 'maybe' }), 422, { field: 'result' });
    assertProblem(await safety.post(`/api/v1/months/${M}/overrides`, ov), 403);
    assertProblem(await edu.post(`/api/v1/months/${M}/overrides`, ov), 403);
    // publish and reopen: the office only
    for (const c of [pet, safety, police, east, edu]) {
      assertProblem(await c.post(`/api/v1/months/${M}/publish`, {}), 403);
      assertProblem(await c.post(`/api/v1/months/${M}/reopen`, { reason: '重新认定本月' }), 403);
    }
    assertProblem(await office.post(`/api/v1/months/${M}/reopen`, {}), 422, { field: 'reason' });
    // the admins read no business data and do no act
    for (const u of ['sysadmin', 'secadmin', 'auditor']) {
      const c = await d.as(u);
      assert.equal((await c.get(`/api/v1/months/${M}/results`)).status, 403, `${u} reads no results`);
      assert.equal((await c.get('/api/v1/figures?through=2023-04')).status, 403, `${u} reads no figures`);
      assert.equal((await c.get(`/api/v1/explain?subject=V1&month=${M}`)).status, 403, `${u} reads no explanation`);
      assert.equal((await c.post(`/api/v1/months/${M}/publish`, {})).status, 403, `${u} publishes nothing`);
    }

    // a month that has not come yet
    const future = nextMonth();
    assertProblem(await pet.post(`/api/v1/months/${future}/certify`, { dimension: 'petition' }), 422, { field: 'month' });
    assertProblem(await police.post(`/api/v1/months/${future}/overrides`, ov), 422, { field: 'month' });
    assertProblem(await office.post(`/api/v1/months/${future}/publish`, {}), 422, { field: 'month' });
    assertProblem(await office.post(`/api/v1/months/${future}/reopen`, { reason: '重新认定本月' }), 422, { field: 'month' });
    assertProblem(await office.get(`/api/v1/months/${future}/results`), 422, { field: 'month' });
    assertProblem(await office.get(`/api/v1/months/${future}`), 422, { field: 'month' });
    assertProblem(await pet.post('/api/v1/months/2999-01/certify', { dimension: 'petition' }), 422, { field: 'month' });

    // malformed months
    for (const bad of ['2023-13', '2023-00', '2023-4', '202304', 'April', '2023-04-01']) {
      assertProblem(await pet.post(`/api/v1/months/${bad}/certify`, { dimension: 'petition' }), 422, { field: 'month' });
      assertProblem(await office.post(`/api/v1/months/${bad}/publish`, {}), 422, { field: 'month' });
      assertProblem(await office.get(`/api/v1/months/${bad}/results`), 422, { field: 'month' });
      assertProblem(await office.get(`/api/v1/months/${bad}`), 422, { field: 'month' });
      assertProblem(await office.get(`/api/v1/explain?subject=V1&month=${bad}`), 422, { field: 'month' });
      assertProblem(await office.get(`/api/v1/figures?through=${bad}`), 422, { field: 'through' });
    }

    // nothing happened
    const after = (await office.get(`/api/v1/months/${M}`)).json;
    assert.deepEqual(after, before);
    assert.deepEqual(after.certified, { petition: null, accident: null, case: null });
    const auditor = await d.as('auditor');
    for (const action of ['assess.certify', 'assess.override', 'assess.publish', 'assess.reopen']) {
      assert.deepEqual((await auditRows(auditor, action)).filter((x) => x.outcome === 'ok'), [], `no ${action} done`);
    }
    assert.deepEqual((await explain(office, 'V1', M)).overrides, []);
  });
});

// ---- 6. early warnings ----

test('early warnings: a repeated petition and an overdue major hazard rank above a rising petition count; reasons; scope', async () => {
  await withDistrict(async (d) => {
    const M = '2023-05';
    importRows(d.store, 'petitions', [
      petition('WP1', 'V1', '2023-04-10'),
      { ...petition('WP2', 'V1', '2023-05-10'), previous: 'WP1' },   // repeated
      petition('WP3', 'V3', '2023-05-03'),                          // V3: 0 in April, 2 in May
      petition('WP4', 'V3', '2023-05-18'),
      petition('WP5', 'V2', '2023-04-03'),                          // V2: falling
      petition('WP6', 'V2', '2023-04-04'),
    ]);
    importRows(d.store, 'hazards', [
      { no: 'WH1', subject: 'V1', level: 'major', domain: 'fire', found_on: '2023-04-20', deadline: '2023-05-20', description: '重大隐患' },
      { no: 'WH2', subject: 'V2', level: 'major', domain: 'fire', found_on: '2023-04-20', deadline: '2023-05-20', rectified_on: '2023-05-10', description: '已整改' },
      { no: 'WH3', subject: 'V2', level: 'general', domain: 'gas', found_on: '2023-04-20', deadline: '2023-05-20', description: '一般隐患' },
    ]);
    const office = await d.as('office');
    const r = await office.get(`/api/v1/warnings?month=${M}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.month, M);
    const order = r.json.items.map((x) => x.subject);
    assert.deepEqual(order, ['V1', 'V3'], `ranked: ${r.text}`);
    assert.equal(r.json.total, 2);
    const [v1, v3] = r.json.items;
    assert.ok(v1.score > v3.score, 'a higher score ranks first');
    assert.equal(v1.township, EAST);
    assert.equal(v3.township, WEST);
    const codes = (w) => w.reasons.map((x) => x.code);
    assert.equal(v1.reasons.length, 2, JSON.stringify(v1));
    assert.ok(codes(v1).some((c) => /repeat/.test(c)), `a repeated petition: ${codes(v1)}`);
    assert.ok(codes(v1).some((c) => /hazard/.test(c)), `an overdue major hazard: ${codes(v1)}`);
    assert.equal(v3.reasons.length, 1, JSON.stringify(v3));
    assert.match(v3.reasons[0].code, /ris/);
    for (const w of r.json.items) for (const x of w.reasons) {
      assert.ok(typeof x.label === 'string' && x.label.length > 0, 'each reason says why');
      assert.ok(Number.isInteger(x.count) && x.count > 0);
    }

    const east = await (await d.as('east')).get(`/api/v1/warnings?month=${M}`);
    assert.equal(east.status, 200, east.text);
    assert.deepEqual(east.json.items.map((x) => x.subject), ['V1'], 'the east township sees its own');
    const west = await (await d.as('west')).get(`/api/v1/warnings?month=${M}`);
    assert.deepEqual(west.json.items.map((x) => x.subject), ['V3'], 'the west township sees its own');
    const edu = await (await d.as('edu')).get(`/api/v1/warnings?month=${M}`);
    assert.equal(edu.status, 200, edu.text);
    assert.deepEqual(edu.json.items, [], 'the education bureau supervises none of them');
    const lim = await office.get(`/api/v1/warnings?month=${M}&limit=1`);
    assert.deepEqual(lim.json.items.map((x) => x.subject), ['V1']);
    for (const u of ['sysadmin', 'secadmin', 'auditor']) {
      assertProblem(await (await d.as(u)).get(`/api/v1/warnings?month=${M}`), 403);
    }
    assertProblem(await office.get('/api/v1/warnings?month=2023-5'), 422, { field: 'month' });
    // a month before any of it: nothing to warn of
    const quiet = await office.get('/api/v1/warnings?month=2023-02');
    assert.equal(quiet.status, 200, quiet.text);
    assert.deepEqual(quiet.json.items, [], 'nothing in February: the hazards were found in April');
    assert.equal(quiet.json.as_of, '2023-02-28');
  });
});

test('early warnings judge a past month as it stood on its last day: found by then, past the deadline, not yet closed or rectified', async () => {
  await withDistrict(async (d) => {
    importRows(d.store, 'hazards', [
      // rectified in April: overdue in March only
      { no: 'AH1', subject: 'V1', level: 'major', domain: 'fire', found_on: '2023-03-01', deadline: '2023-03-15', rectified_on: '2023-04-05', description: '四月整改' },
      // found in May: overdue in May, not before
      { no: 'AH2', subject: 'V3', level: 'major', domain: 'fire', found_on: '2023-05-01', deadline: '2023-05-10', description: '五月发现' },
      // due on March's last day itself: not yet overdue in March
      { no: 'AH3', subject: 'V3', level: 'major', domain: 'gas', found_on: '2023-03-01', deadline: '2023-03-31', rectified_on: '2023-04-02', description: '月末到期' },
    ]);
    importRows(d.store, 'disputes', [
      // closed in April: overdue in March only
      { no: 'AD1', subject: 'V2', found_on: '2023-03-01', source: 'hotline', category: 'labour', mediation: 'people', status: 'success', closed_on: '2023-04-10', deadline: '2023-03-10' },
    ]);
    const office = await d.as('office');
    const at = async (m) => {
      const r = await office.get(`/api/v1/warnings?month=${m}`);
      assert.equal(r.status, 200, r.text);
      return Object.fromEntries(r.json.items.map((x) => [x.subject, x.reasons.map((y) => `${y.code}:${y.count}`)]));
    };
    assert.deepEqual(await at('2023-02'), {});
    assert.deepEqual(await at('2023-03'), { V1: ['overdue_major_hazard:1'], V2: ['overdue_dispute:1'] });
    assert.deepEqual(await at('2023-04'), {});
    assert.deepEqual(await at('2023-05'), { V3: ['overdue_major_hazard:1'] });
  });
});
