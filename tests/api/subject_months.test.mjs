// subject_months.test.mjs: a subject's months of a year
// (GET /subjects/{id}/months?year=).  Each month agrees with that month's
// results (GET /months/{M}/results), read separately for every month; a
// month the subject was not on the list is neither; the year to date counts
// those months; scope, bad and future years are refused.  SQLite, and
// PostgreSQL with SANLING_TEST_BACKEND=postgresql.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, assertProblem, listAll } from './util.mjs';
import { importRows, monthResults } from './assess_util.mjs';

const YEAR = '2023';
const MONTHS = Array.from({ length: 12 }, (_, i) => `${YEAR}-${String(i + 1).padStart(2, '0')}`);
let d, office;

before(async () => {
  d = await districtServer((store) => {
    importRows(store, 'subjects', [{ code: 'E9', name: '东镇新厂', kind: 'enterprise', category: 'factory',
      township: '410000001000', village: '410000001001', active_from: '2023-06' }]);
    importRows(store, 'accidents', [
      { no: 'SM-A1', occurred_on: '2023-05-10', subject: 'V3', domain: 'gas', deaths: 1, injuries: 0, direct_loss: '0', production: 1, summary: '事故' },
      { no: 'SM-A2', occurred_on: '2023-08-02', subject: 'E9', domain: 'fire', deaths: 1, injuries: 2, direct_loss: '0', production: 1, summary: '火灾' },
    ]);
    importRows(store, 'cases', [
      { no: 'SM-C1', kind: 'criminal', category: 'violent', occurred_on: '2023-03-10', subject: 'V1', summary: '伤害', major_impact: 1 },
    ]);
  });
  office = await d.as('office');
});
after(async () => { await d?.stop(); });

test('each month agrees with that month\'s results, and the year to date counts them', async () => {
  const subjects = await listAll(office, '/api/v1/subjects');
  assert.ok(subjects.length >= 6);
  const results = {};
  for (const m of MONTHS) results[m] = (await monthResults(office, m)).rows;
  let failures = 0, absent = 0;
  for (const s of subjects) {
    const r = await office.get(`/api/v1/subjects/${s.id}/months?year=${YEAR}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.subject, s.code);
    assert.deepEqual(r.json.months.map((x) => x.month), MONTHS);
    let on = 0, failed = 0;
    for (const x of r.json.months) {
      const row = results[x.month].get(s.code);
      assert.equal(x.on_list, !!row, `${s.code} ${x.month}: on the list as the month's results say`);
      if (!row) { absent++; assert.equal(x.complies, false); continue; }
      on++;
      assert.equal(x.complies, row.complies, `${s.code} ${x.month}: complies`);
      for (const dim of ['petition', 'accident', 'case'])
        assert.equal(x.fails[dim], row[dim].fail, `${s.code} ${x.month}: ${dim}`);
      if (!row.complies) failed++;
    }
    failures += failed;
    assert.deepEqual(r.json.year_to_date, { months: on, complied: on - failed, failed });
  }
  assert.ok(failures >= 2, 'some months fail (the test can tell)');
  assert.ok(absent >= 5, 'E9 joined in June: five months off the list');
});

test('within scope; a bad or future year is refused', async () => {
  const subjects = await listAll(office, '/api/v1/subjects');
  const v1 = subjects.find((s) => s.code === 'V1');
  const west = await d.as('west');
  assertProblem(await west.get(`/api/v1/subjects/${v1.id}/months?year=${YEAR}`), 404);
  const east = await d.as('east');
  assert.equal((await east.get(`/api/v1/subjects/${v1.id}/months?year=${YEAR}`)).status, 200);
  assertProblem(await office.get(`/api/v1/subjects/${v1.id}/months?year=23`), 422, { field: 'year' });
  assertProblem(await office.get(`/api/v1/subjects/${v1.id}/months?year=${new Date().getFullYear() + 1}`), 422, { field: 'year' });
  assertProblem(await office.get(`/api/v1/subjects/${v1.id}/months?month=2023-01`), 400);
  assertProblem(await office.get('/api/v1/subjects/999999/months'), 404);
  const cur = await office.get(`/api/v1/subjects/${v1.id}/months`);
  assert.equal(cur.json.year, String(new Date().getUTCFullYear()), 'this year by default');
});
