// matrix.test.mjs: every role against every endpoint and method of the API,
// generated from the OpenAPI document the server serves (itself generated
// from the descriptors and the route lists), each cell held against this
// file's own table of who may do what — written from DOMAIN.md's roles, not
// read from the server — so that a route without a policy here, a role let
// in where the table says no, or one shut out where it says yes, fails.
// Reads, writes, imports, exports, figures, months, reveal and the lookups
// by personal fields; nothing here may answer 500 or leave a change behind
// (writes are made with bodies or ids that cannot succeed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer } from './util.mjs';

let d, users;
const ROLE_OF = {
  office: 'office', petition: 'petition', safety: 'safety', police: 'police', edu: 'supervisor',
  east: 'township', grid1: 'grid', subj: 'subject', sysadmin: 'sysadmin', secadmin: 'secadmin', auditor: 'auditadmin',
};
const BIZ = ['office', 'petition', 'safety', 'police', 'supervisor', 'township', 'grid', 'subject'];
const LEADS = ['petition', 'safety', 'police'];
const WORK_UNITS = ['office', ...LEADS, 'supervisor', 'township'];
const GRASS = ['office', ...LEADS, 'township', 'grid'];
const POLICE_NET = ['office', ...LEADS, 'township'];

// Who reads and who writes each list (DOMAIN.md, "Who uses it").
const LISTS = {
  petitions: { read: BIZ, write: ['petition', 'office'] },
  petition_activities: { read: BIZ, write: ['petition', 'office', 'township'] },
  request_letters: { read: ['office', ...LEADS], write: ['petition', 'office'] },
  village_records: { read: BIZ, write: ['township', 'petition', 'office'] },
  inspections: { read: BIZ, write: ['safety', 'office'] },
  // and the grid worker: the hazards its patrols find, in its grid (issue 15)
  hazards: { read: BIZ, write: ['safety', 'office', 'grid'] },
  accidents: { read: BIZ, write: ['safety', 'office'] },
  cases: { read: BIZ, write: ['police'] },
  disputes: { read: BIZ, write: ['township', 'grid', 'petition', 'office'] },
  regions: { read: [...BIZ, 'sysadmin', 'secadmin'], write: ['office'] },
  departments: { read: [...BIZ, 'sysadmin', 'secadmin'], write: ['office'] },
  sector_map: { read: BIZ, write: ['office'] },
  subjects: { read: BIZ, write: ['office', 'supervisor', 'township'] },
  // 三员分立: the system administrator creates, the security administrator grants
  users: { read: ['sysadmin', 'secadmin'], write: ['sysadmin', 'secadmin'], create: ['sysadmin'] },
  standards: { read: BIZ, write: ['office'] },
  checklists: { read: BIZ, write: ['supervisor', 'township', 'office'] },
  // the work lists: the office registers; owners (departments, townships) report progress
  tasks: { read: WORK_UNITS, write: WORK_UNITS, create: ['office'] },
  // the grid worker raises those found on its patrols and visits (a body without one: 403)
  problems: { read: [...WORK_UNITS, 'subject', 'grid'], write: [...WORK_UNITS, 'grid'], create: ['office'] },
  supervision_checks: { read: WORK_UNITS, write: ['office'] },
  meetings: { read: WORK_UNITS, write: ['office'] },
  // the grassroots (issue 15): grids and townships record; the police keeps its network
  grid_staff: { read: GRASS, write: ['office', 'township'] },
  patrols: { read: GRASS, write: ['grid', 'township', 'office'] },
  household_visits: { read: GRASS, write: ['grid', 'township', 'office'] },
  police_assignments: { read: POLICE_NET, write: ['police', 'office'] },
  police_subsidies: { read: POLICE_NET, write: ['police', 'office'] },
  police_equipment: { read: POLICE_NET, write: ['police', 'office'] },
  informants: { read: POLICE_NET, write: ['police', 'office'] },
  cadre_assignments: { read: POLICE_NET, write: ['office'] },
  cadre_visits: { read: POLICE_NET, write: ['office', 'township'] },
  campaigns: { read: [...GRASS, 'supervisor'], write: ['office'] },
  // 督办: the office supervises; the owner (department or township) answers, the office reviews
  work_calendar: { read: WORK_UNITS, write: ['office'] },
  supervisions: { read: WORK_UNITS, write: ['office'] },
  supervision_feedback: { read: WORK_UNITS, write: WORK_UNITS },
  // the ranking's assessment table and manual scores: the units read, the office writes
  assessment_items: { read: WORK_UNITS, write: ['office'] },
  assessment_scores: { read: WORK_UNITS, write: ['office'] },
  meeting_decisions: { read: WORK_UNITS, write: ['office'] },
  // progress: the task's owner, its township or the office (the guard refuses co-owners)
  task_updates: { read: WORK_UNITS, write: WORK_UNITS },
};
// Who may reveal a list's personal data (and so look records up by it): its writers.
const PERSONAL = {
  petitions: 'petitioner_phone', subjects: 'contact_phone', disputes: 'party_a_phone',
  grid_staff: 'phone', household_visits: 'head', informants: 'phone',
};
// The other routes: who is let in.  `null`: every signed-in user.
const M = '2023-05';
const ROUTES = {
  'GET /figures': { q: `?through=${M}`, allow: BIZ },
  'GET /figures/breakdown': { q: `?through=${M}&by=township`, allow: BIZ },
  'GET /map': { q: `?month=${M}`, allow: BIZ },
  'GET /months': { allow: BIZ },
  'GET /months/{month}': { allow: BIZ },
  'GET /months/{month}/results': { allow: BIZ },
  'POST /months/{month}/certify': { allow: LEADS },
  'POST /months/{month}/overrides': { allow: LEADS },
  'POST /months/{month}/publish': { allow: ['office'] },
  'POST /months/{month}/reopen': { allow: ['office'] },
  'GET /explain': { q: `?subject=V1&month=${M}`, allow: BIZ },
  'GET /warnings': { allow: BIZ },
  // a subject's months of a year: whoever reads the subjects
  'GET /subjects/{id}/months': { q: '?year=2023', allow: LISTS.subjects.read },
  'GET /me': { allow: null },
  'GET /meta': { allow: null },
  'POST /password': { allow: null },
  'POST /users/{id}/password': { allow: ['sysadmin'] },
  'POST /users/{id}/unlock': { allow: ['secadmin'] },
  // each role its own keys: the security policy (secadmin; sysadmin reads), the work settings (office)
  'GET /settings': { allow: ['sysadmin', 'secadmin', 'office'] },
  'PUT /settings': { allow: ['secadmin', 'office'] },
  // the dictionary (字典管理): the office; everyone reads it through /meta
  'GET /dict': { allow: ['office'] },
  'PUT /dict': { allow: ['office'] },
  'POST /dict': { allow: ['office'] },
  'GET /audit': { allow: ['auditadmin'] },
  'GET /audit/verify': { allow: ['auditadmin'] },
  // the monthly confirmation of the subjects' list: the office watches, the units confirm their own
  // (the POST carries a parameter it does not take, so that nothing is confirmed here)
  'GET /confirmations': { q: `?month=${M}`, allow: ['office', 'supervisor', 'township'] },
  'POST /confirmations/{month}': { q: '?matrix=1', allow: ['supervisor', 'township'] },
  'GET /confirmations/{month}/subjects': { q: '?change=added', allow: ['office', 'supervisor', 'township'] },
  // to-dos: every signed-in user (the three administrators get an empty list); no since: answered at once
  'GET /todos': { allow: null },
  'GET /todos/wait': { allow: null },
  'GET /ranking': { q: `?month=${M}&by=township`, allow: WORK_UNITS },
  // the month's documents (issue 16): the units that read the ranking, each its own scope's
  'GET /reports': { q: `?month=${M}`, allow: WORK_UNITS },
  'GET /reports/monthly': { q: `?month=${M}&format=xlsx`, allow: WORK_UNITS },
  'GET /reports/bulletin': { q: `?month=${M}&format=xlsx`, allow: WORK_UNITS },
  'GET /reports/minutes': { q: '?meeting=NOPE', allow: WORK_UNITS },
  'GET /reports/notice': { q: '?item=NOPE', allow: WORK_UNITS },
  'POST /meeting_decisions/{id}/assign': { allow: ['office'] },
  'POST /problems/raise': { allow: ['office'] },
  // the grassroots at the desk (issue 15): the ledger's keepers generate and pay; its readers get the sheet
  'POST /police_subsidies/generate': { allow: ['police', 'office'] },
  'POST /police_subsidies/pay': { allow: ['police', 'office'] },
  'GET /police_subsidies/ledger': { q: `?month=${M}&format=csv`, allow: POLICE_NET },
  'GET /patrols/today': { allow: GRASS },
  // the phone's outbox (issue 15): who writes patrols, visits, disputes or hazards; each item by its list's rule
  'POST /sync': { allow: ['grid', 'township', 'office', 'petition', 'safety'] },
  // what a district grants the offices above it (issue 19): its office (and the region accounts, not here)
  'GET /grants': { allow: ['office'] },
  'POST /grants': { allow: ['office'] },
  'POST /grants/{id}/revoke': { allow: ['office'] },
};
// Not in the matrix: the public routes, and logging in and out (their own tests).
const SKIP = new Set(['GET /health', 'GET /health/ready', 'GET /openapi.json', 'POST /login', 'POST /logout']);

before(async () => {
  d = await districtServer();
  users = {};
  for (const u of Object.keys(ROLE_OF)) users[u] = await d.as(u);
});
after(async () => { await d?.stop(); });

const NOBODY = 999999999;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

// The request of a cell: path with its parameters filled, and a body that cannot succeed.
function cell(method, path, list) {
  let p = path.replace('{month}', M).replace('{id}', String(NOBODY));
  if (list && path === `/${list}` && method === 'GET') p += '?page_size=1';
  if (path.endsWith('/export') || path.endsWith('/template')) p += '?format=csv';
  const route = ROUTES[`${method} ${path}`];
  if (route?.q) p += route.q;
  let body;
  if (method === 'POST' || method === 'PATCH' || method === 'PUT') body = path.endsWith('/reveal')
    ? { field: PERSONAL[list] || 'x', reason: '核对矩阵测试' } : method === 'PATCH' ? { rev: 1 } : {};
  return { p, body };
}

function allowedFor(method, path, list, role) {
  const r = ROUTES[`${method} ${path}`];
  if (r || !list) {
    assert.ok(r, `a policy for ${method} ${path} in matrix.test.mjs`);
    return r.allow === null || r.allow.includes(role);
  }
  const pol = LISTS[list];
  assert.ok(pol, `a policy for the list ${list} in matrix.test.mjs`);
  const tail = path.slice(list.length + 1).replace(String(NOBODY), '{id}');
  if (method === 'GET') return pol.read.includes(role);
  if (method === 'POST' && tail === '') return (pol.create || pol.write).includes(role);
  return pol.write.includes(role);
}

test('every role × every endpoint and method answers as the table says, and never 500', async () => {
  const doc = (await users.office.get('/api/v1/openapi.json')).json;
  const lists = new Set(Object.keys(LISTS));
  const cells = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops).filter((m) => METHODS.includes(m)).map((m) => m.toUpperCase())) {
      if (SKIP.has(`${method} ${path}`)) continue;
      const list = path.split('/')[1];
      cells.push({ method, path, list: lists.has(list) ? list : null });
    }
  }
  // every list of the server has a policy here, and every policy a list
  const served = new Set(cells.filter((c) => c.list).map((c) => c.list));
  for (const p of Object.keys(doc.paths)) {
    const l = p.split('/')[1];
    if (!ROUTES[`GET ${p}`] && !ROUTES[`POST ${p}`] && !ROUTES[`PUT ${p}`] && !SKIP.has(`GET ${p}`) &&
        !SKIP.has(`POST ${p}`) && !['users', 'months', 'figures', 'audit', 'settings'].includes(l))
      assert.ok(lists.has(l), `a policy for ${p}`);
  }
  for (const l of lists) assert.ok(served.has(l), `the server serves ${l}`);
  assert.ok(cells.length > 100, `${cells.length} routes`);
  const wrong = [];
  let n = 0;
  for (const c of cells) {
    const { p, body } = cell(c.method, c.path, c.list);
    for (const [user, role] of Object.entries(ROLE_OF)) {
      const allowed = allowedFor(c.method, c.path, c.list, role);
      const r = await users[user].req(c.method, '/api/v1' + p, body);
      n++;
      const ok = r.status !== 500 && (allowed ? ![401, 403].includes(r.status) : r.status === 403);
      if (!ok) wrong.push(`${c.method} ${p} as ${role}: ${r.status} (expected ${allowed ? 'allowed' : '403'}) ${r.json?.detail ?? ''}`);
    }
  }
  if (process.env.MATRIX_OUT) (await import('node:fs')).writeFileSync(process.env.MATRIX_OUT, wrong.join('\n'));
  assert.deepEqual(wrong, [], `${wrong.length} of ${n} cells`);
});

test('lookups by a personal field: the list\'s writers only', async () => {
  const wrong = [];
  for (const [list, field] of Object.entries(PERSONAL)) {
    for (const [user, role] of Object.entries(ROLE_OF)) {
      const r = await users[user].get(`/api/v1/${list}?${field}=13800138000&reason=${encodeURIComponent('核对矩阵测试')}`);
      const allowed = LISTS[list].write.includes(role);
      if (allowed ? r.status !== 200 : r.status !== 403) wrong.push(`${list}.${field} as ${role}: ${r.status}`);
    }
  }
  assert.deepEqual(wrong, []);
});

// ---- attachments (附件): the three routes on real records, every role ----
// What each role gets from GET …/attachments, POST …/attachments (a PNG) and
// GET …/attachments/1 of a task (owner JT, co-owner YJ, in 东镇) and of a
// hazard (of S1, in 东镇): read as the record reads (out of scope: 404),
// added as the record is changed (a co-owner, or a reader who does not
// write the list: 403).
const ATTACH = {
  tasks: {
    office: [200, 201, 200], petition: [404, 404, 404], safety: [200, 403, 200], police: [404, 404, 404],
    supervisor: [200, 201, 200], township: [200, 201, 200], grid: [403, 403, 403], subject: [403, 403, 403],
    sysadmin: [403, 403, 403], secadmin: [403, 403, 403], auditadmin: [403, 403, 403],
  },
  hazards: {
    office: [200, 201, 200], petition: [200, 403, 200], safety: [200, 201, 200], police: [200, 403, 200],
    supervisor: [200, 403, 200], township: [200, 403, 200], grid: [404, 404, 404], subject: [200, 403, 200],
    sysadmin: [403, 403, 403], secadmin: [403, 403, 403], auditadmin: [403, 403, 403],
  },
};
test('attachments: list, upload and download of a record, every role', async () => {
  const { png } = await import('./attach_files.mjs');
  const rec = {
    tasks: (await users.office.post('/api/v1/tasks', { no: 'MX-AT', title: '矩阵附件', source: 'standard', owner: 'JT',
      co_owners: 'YJ', township: '410000001000', assigned_on: '2023-04-01', due_on: '2023-05-31' })).json,
    hazards: (await users.safety.post('/api/v1/hazards', { no: 'MX-AH', subject: 'S1', level: 'general', domain: 'fire',
      found_on: '2023-03-08', deadline: '2023-04-08', description: '矩阵附件' })).json,
  };
  const base = {};
  for (const [list, r] of Object.entries(rec)) {
    assert.ok(r?.id, `${list} created`);
    base[list] = `/api/v1/${list}/${r.id}/attachments`;
    // a file to download for everyone
    const up = await users.office.post(`${base[list]}?name=first.png`, png(), { raw: true, headers: { 'content-type': 'image/png' } });
    assert.equal(up.status, 201, up.text);
  }
  const wrong = [];
  let k = 0;
  for (const [list, want] of Object.entries(ATTACH)) {
    for (const [user, role] of Object.entries(ROLE_OF)) {
      const c = users[user];
      const got = [
        (await c.get(base[list])).status,
        (await c.post(`${base[list]}?name=${user}.png`, png(1, 1, [k++, 0, 0]), { raw: true, headers: { 'content-type': 'image/png' } })).status,
        (await c.get(`${base[list]}/1`)).status,
      ];
      if (JSON.stringify(got) !== JSON.stringify(want[role])) wrong.push(`${list} as ${role}: ${got} (expected ${want[role]})`);
    }
  }
  assert.deepEqual(wrong, []);
});
