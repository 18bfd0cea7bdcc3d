// district_work.test.mjs: district-wide records (request letters, petition
// activities without a township) belong to the writer's district; the
// command line, which has no district of its own, must name one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { districtServer, assertProblem } from './util.mjs';
import { DISTRICT, EAST } from './events_util.mjs';

let d;
// Import CSV text through the command line; the result, failing or not.
function importCsv(kind, text, name) {
  const f = join(d.store.dir, name + '.csv');
  writeFileSync(f, text);
  return d.store.cli(['import', kind, f]);
}
before(async () => { d = await districtServer(); });
after(async () => { await d.stop(); });

test('the command line must name the district of a request letter', () => {
  const missing = importCsv('request_letters', 'no,sent_on,leader\nCL1,2023-03-01,王区长\n', 'l1');
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /row 2, column 所属区县: 须填写所属区县/);
  const named = importCsv('request_letters', `no,sent_on,leader,district\nCL2,2023-03-01,王区长,${DISTRICT}\n`, 'l2');
  assert.equal(named.status, 0, named.stderr);
  const wrong = importCsv('request_letters', `no,sent_on,leader,district\nCL3,2023-03-01,王区长,${EAST}\n`, 'l3');
  assert.notEqual(wrong.status, 0, 'a township is not a district');
  assert.match(wrong.stderr, /所属区县/);
});

test('through the API a district-wide record belongs to the writer\'s district', async () => {
  const petition = await d.as('petition');
  const r = await petition.post('/api/v1/request_letters', { no: 'AL1', sent_on: '2023-03-01', leader: '李区长' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.district, DISTRICT);
  const a = await petition.post('/api/v1/petition_activities',
    { no: 'AA1', held_on: '2023-03-02', kind: 'open_reception', leader: '王局长' });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.json.district, DISTRICT);
  assert.equal(a.json.township, null);
  assert.equal(a.json.petitions_handled, 0);
  // another district is not the writer's to name
  const other = await petition.post('/api/v1/request_letters',
    { no: 'AL2', sent_on: '2023-03-01', leader: '李区长', district: '420000000000' });
  assertProblem(other, 422, { field: 'district', detail: /不存在/ });
  // a township's own activity is its township's
  const east = await d.as('east');
  const t = await east.post('/api/v1/petition_activities',
    { no: 'AA2', held_on: '2023-03-02', kind: 'home_visit', leader: '张镇长' });
  assert.equal(t.status, 201, t.text);
  assert.equal(t.json.township, EAST);
});

test('the months say where the district\'s report stands: the last month with events', async () => {
  const petition = await d.as('petition');
  const before = await petition.get('/api/v1/months');
  assert.equal(before.status, 200, before.text);
  const p = await petition.post('/api/v1/petitions', {
    no: 'LM1', received_on: '2023-05-09', channel: 'letter', persons: 1, level: 'village',
    township: '410000001000', category: 'land',
  });
  assert.equal(p.status, 201, p.text);
  const after = await petition.get('/api/v1/months');
  assert.equal(after.json.latest_event_month, '2023-05');
  assert.ok(before.json.latest_event_month === null || before.json.latest_event_month <= '2023-05');
});
