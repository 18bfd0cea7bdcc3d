// events_util.mjs: what the event tests (events.test.mjs, events_io.test.mjs)
// share on top of lib.mjs and util.mjs: the places of the fixture district,
// a good record of each of the nine event lists, who writes each, the
// import-template columns of DOMAIN.md, "nothing changed" around a refusal
// over several lists, and reading the audit log and the raw stored column.
// Not a test itself, and no mocks.
import assert from 'node:assert/strict';
import { BACKEND, snapshot } from './lib.mjs';
import { sql } from './util.mjs';

export const DISTRICT = '410000000000';
export const EAST = '410000001000', WEST = '410000002000';
export const EAST_VILLAGE = '410000001001', EAST_VILLAGE2 = '410000001002', WEST_VILLAGE = '410000002001';
export const EAST_GRID = '41000000100101', WEST_GRID = '41000000200101';
export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_BODY = { headers: { 'content-type': 'text/csv' }, raw: true };
export const XLSX_BODY = { headers: { 'content-type': XLSX_MIME }, raw: true };

export const EVENT_LISTS = ['petitions', 'petition_activities', 'request_letters', 'village_records',
  'inspections', 'hazards', 'accidents', 'cases', 'disputes'];

// Today and date arithmetic in UTC, as the server reckons.
export function today() { return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10); }
export function addDays(date, n) {
  const t = new Date(date + 'T00:00:00Z');
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}
// The date stamped by the server "today" (a run across midnight may see yesterday's).
export function assertStampedToday(value, what) {
  const now = today();
  assert.ok(value === now || value === addDays(now, -1), `${what} stamped today (${now}), got ${value}`);
}

// A good new record of each list (JSON for POST), numbered `no`.
export const make = {
  petitions: (no, over = {}) => ({ no, received_on: '2023-03-01', channel: 'visit', persons: 1, level: 'township',
    subject: 'V1', category: 'land', summary: '征地补偿', ...over }),
  petition_activities: (no, over = {}) => ({ no, held_on: '2023-03-02', kind: 'open_reception', leader: '李区长',
    place: '区信访局', petitions_handled: 3, ...over }),
  request_letters: (no, over = {}) => ({ no, sent_on: '2023-03-03', leader: '王副区长', matters: '约访三件', ...over }),
  village_records: (no, over = {}) => ({ no, held_on: '2023-03-06', kind: 'village_day', village: EAST_VILLAGE,
    participants: 20, matters: 4, resolved: 3, ...over }),
  inspections: (no, over = {}) => ({ no, inspected_on: '2023-03-07', subject: 'S1', domain: 'fire', inspector: '陈工', ...over }),
  hazards: (no, over = {}) => ({ no, subject: 'S1', level: 'general', domain: 'fire', found_on: '2023-03-08',
    deadline: '2023-04-08', description: '消防通道堵塞', ...over }),
  accidents: (no, over = {}) => ({ no, occurred_on: '2023-03-09', subject: 'R1', domain: 'gas', deaths: 0, injuries: 1,
    production: true, summary: '燃气泄漏', ...over }),
  cases: (no, over = {}) => ({ no, kind: 'criminal', category: 'theft_robbery_fraud', occurred_on: '2023-03-10',
    subject: 'V1', summary: '入室盗窃', ...over }),
  disputes: (no, over = {}) => ({ no, found_on: '2023-03-11', source: 'grid', category: 'family', subject: 'V1',
    mediation: 'people', amount: '2000', ...over }),
};

// Who writes each list in the fixture (one user each), and a business role that may not.
export const WRITER = {
  petitions: 'petition', petition_activities: 'petition', request_letters: 'petition', village_records: 'east',
  inspections: 'safety', hazards: 'safety', accidents: 'safety', cases: 'police', disputes: 'east',
};
export const NOT_WRITER = {
  petitions: 'police', petition_activities: 'safety', request_letters: 'east', village_records: 'police',
  inspections: 'police', hazards: 'east', accidents: 'petition', cases: 'east', disputes: 'safety',
};

// The import templates of DOMAIN.md ("Import templates"), by key.
export const TEMPLATE_KEYS = {
  petitions: ['no', 'received_on', 'channel', 'persons', 'level', 'subject', 'township', 'category', 'summary', 'status', 'resolved_on'],
  petition_activities: ['no', 'held_on', 'kind', 'leader', 'place', 'petitions_handled'],
  inspections: ['no', 'inspected_on', 'subject', 'department', 'domain'],
  hazards: ['no', 'inspection', 'subject', 'level', 'domain', 'found_on', 'deadline', 'rectified_on', 'verified_on', 'description'],
  accidents: ['no', 'occurred_on', 'subject', 'domain', 'deaths', 'injuries', 'direct_loss', 'production', 'summary'],
  cases: ['no', 'kind', 'major_impact', 'category', 'occurred_on', 'subject', 'township', 'status', 'coerced', 'prosecuted'],
  disputes: ['no', 'found_on', 'source', 'category', 'subject', 'township', 'grid', 'mediation', 'status', 'closed_on', 'amount'],
};

// The fields of each entity from /api/v1/meta: { name: [field, ...] }.
export async function metaFields(client) {
  const r = await client.get('/api/v1/meta');
  assert.equal(r.status, 200, r.text);
  return Object.fromEntries(r.json.entities.map((e) => [e.name, e.fields]));
}

// Run `fn` and assert every list in `entities` reads (as `client`) exactly as before.
export async function unchanged(client, entities, fn) {
  const lists = Array.isArray(entities) ? entities : [entities];
  const before = [];
  for (const e of lists) before.push(await snapshot(client, e));
  const r = await fn();
  for (let i = 0; i < lists.length; i++) {
    assert.equal(await snapshot(client, lists[i]), before[i], `${lists[i]}: nothing stored or changed`);
  }
  return r;
}

// The one record of list `entity` numbered `no`, as `client` sees it (undefined when not seen).
export async function byNo(client, entity, no) {
  const r = await client.get(`/api/v1/${entity}?no=${encodeURIComponent(no)}`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.total <= 1, `at most one ${entity} numbered ${no}`);
  return r.json.items[0];
}

// The numbers ("no") of a list answer, sorted.
export function nos(r) {
  assert.equal(r.status, 200, r.text);
  return r.json.items.map((x) => x.no).sort();
}

// Audit rows of `action` (every page), as the audit administrator reads them.
export async function auditRows(auditor, action) {
  const rows = [];
  for (let page = 1; ; page++) {
    const r = await auditor.get(`/api/v1/audit?action=${encodeURIComponent(action)}&page_size=500&page=${page}`);
    assert.equal(r.status, 200, r.text);
    rows.push(...r.json.items);
    if (rows.length >= r.json.total || !r.json.items.length) return rows;
  }
}

// Assert an audit row of `action` by `user` names object `entity/id no`.
export async function assertAudited(auditor, action, user, entity, id, no) {
  const rows = await auditRows(auditor, action);
  const want = `${entity}/${id} ${no}`;
  const hit = rows.find((x) => x.object === want);
  assert.ok(hit, `audit ${action} of ${want}: ${JSON.stringify(rows.slice(0, 5))}`);
  assert.equal(hit.username, user, `${action} of ${want} by ${user}`);
  assert.equal(hit.outcome, 'ok');
  return hit;
}

// The stored (raw) value of column `col` of the row numbered `no` in `table`.
export function rawColumn(store, table, col, no) {
  assert.match(no, /^[A-Za-z0-9_-]+$/);
  return sql(store, `SELECT ${col} FROM ${table} WHERE no = '${no}'`, BACKEND);
}
