// checklist.test.mjs: the optional eight-heading checklist.  Off by
// default; when a district's standard turns it on for a kind, a subject of
// that kind also needs a score at the pass mark for the month, or it fails
// the month (and the figures count it so).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, assertProblem } from './util.mjs';

let d, office, east;
before(async () => {
  d = await districtServer();
  office = await d.as('office');
  east = await d.as('east');
});
after(async () => { await d.stop(); });

const scores = (all, last = all) => ({
  leadership: all, prevention: all, disputes: all, key_groups: all, hazards: all,
  rule_of_law: all, services: all, satisfaction: last,
});

async function result(subject, month) {
  const r = await office.get(`/api/v1/explain?subject=${subject}&month=${month}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

test('off by default: no checklist needed', async () => {
  const x = await result('V1', '2023-03');
  assert.equal(x.standard.checklist, false);
  assert.equal(x.complies, true);
  assert.equal(x.checklist_fail, false);
});

test('turned on for villages: a village needs a score at the pass mark', async () => {
  const std = await office.post('/api/v1/standards', {
    code: 'V2023CK', kind: 'village', effective_from: '2023-02', petition_level: 'county',
    collective_persons: 5, collective_level: 'township', accident_casualties: 1,
    accident_production_only: false, case_criminal: true, case_public_order_major: true,
    checklist: true, checklist_pass: 80, target: 80,
  });
  assert.equal(std.status, 201, std.text);
  // January is judged by the defaults, March by the new version
  assert.equal((await result('V1', '2023-01')).complies, true);
  let x = await result('V1', '2023-03');
  assert.equal(x.standard.code, 'V2023CK');
  assert.equal(x.checklist_fail, true, 'no score for March: fails');
  assert.equal(x.complies, false);
  // an enterprise is not affected: the version is for villages
  assert.equal((await result('R1', '2023-03')).complies, true);

  // the township scores its village: a mean of 79.875 rounds to 80, the pass mark
  const c = await east.post('/api/v1/checklists', { subject: 'V1', month: '2023-03', ...scores(80, 79) });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.score, 80);
  x = await result('V1', '2023-03');
  assert.equal(x.checklist_fail, false);
  assert.equal(x.complies, true);
  // a lower score fails again
  const low = await east.patch(`/api/v1/checklists/${c.json.id}`, { rev: c.json.rev, ...scores(70) });
  assert.equal(low.status, 200, low.text);
  assert.equal(low.json.score, 70);
  assert.equal((await result('V1', '2023-03')).complies, false);
  // and the figures follow: V1 failed March, so it does not comply through March
  const f = await office.get('/api/v1/figures?through=2023-03');
  const v = (await office.get('/api/v1/months/2023-03/results?kind=village&fail=1')).json.items.map((i) => i.subject);
  assert.ok(v.includes('V1'));
  assert.equal(f.json.villages_compliant, f.json.villages_total - v.length);
});

test('refusals: scores out of range, another township\'s subject, a second score for the month', async () => {
  const bad = await east.post('/api/v1/checklists', { subject: 'V2', month: '2023-04', ...scores(101) });
  assertProblem(bad, 422, { field: 'leadership' });
  const other = await east.post('/api/v1/checklists', { subject: 'V3', month: '2023-04', ...scores(90) });
  assertProblem(other, 422, { field: 'subject', detail: /不存在/ });
  const first = await east.post('/api/v1/checklists', { subject: 'V2', month: '2023-04', ...scores(90) });
  assert.equal(first.status, 201, first.text);
  const again = await east.post('/api/v1/checklists', { subject: 'V2', month: '2023-04', ...scores(95) });
  assertProblem(again, 409);
  const noPass = await office.post('/api/v1/standards', {
    code: 'E2023CK', kind: 'enterprise', effective_from: '2023-02', petition_level: 'county',
    collective_persons: 5, collective_level: 'township', accident_casualties: 1,
    accident_production_only: false, case_criminal: true, case_public_order_major: true, checklist: true,
  });
  assertProblem(noPass, 422, { field: 'checklist_pass' });
});

test('the figures say which months they take as provisional (not yet published)', async () => {
  let f = await office.get('/api/v1/figures?through=2023-03');
  assert.equal(f.headers.get('x-sanling-provisional-months'), '2023-01,2023-02,2023-03');
  for (const [user, dimension] of [['petition', 'petition'], ['safety', 'accident'], ['police', 'case']]) {
    const r = await (await d.as(user)).post('/api/v1/months/2023-01/certify', { dimension });
    assert.equal(r.status, 200, r.text);
  }
  const p = await office.post('/api/v1/months/2023-01/publish', {});
  assert.equal(p.status, 200, p.text);
  f = await office.get('/api/v1/figures?through=2023-03');
  assert.equal(f.headers.get('x-sanling-provisional-months'), '2023-02,2023-03');
});
