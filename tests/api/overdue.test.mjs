// overdue.test.mjs: the lists' overdue as of a day (GET /{entity}?overdue_on=
// DAY), which the dashboard of a past month and the figures tasks_overdue and
// problems_overdue open (issue 17: "every count on a page titled with a month
// is as of that month"), and the filters of several codes of an enumeration
// (?status=a,b) a figure's single list query uses.
//
// On the demo district, for the office, a township and a supervising
// department: every record of each list with a deadline is read whole, and
// the records overdue at the end of each day are worked out here from
// DOMAIN.md's rule — due on or before the day and not finished on or before
// it, by the record's own dates (a status that says finished without its
// date: finished at an unknown time, never overdue) — and compared, record by
// record, with ?overdue_on=; ?overdue_on=&overdue=0 returns the rest.  For
// today, the overdue at the end of the day are those overdue now (by their
// status, ?overdue=1) and the open ones due today.  Refusals: a day that is
// not a date, a list without deadlines, an enumeration's unknown or empty
// code.  Runs on SQLite and PostgreSQL alike.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoServer } from './lib.mjs';
import { assertProblem } from './util.mjs';

const USERS = ['office', 'chengguan', 'education'];
let demo, clients;

before(async () => {
  demo = await demoServer(USERS);
  ({ clients } = demo);
});
after(async () => { await demo?.stop(); });

async function get(user, path) {
  const r = await clients[user].get(path);
  assert.equal(r.status, 200, `${user} ${path}: ${r.text}`);
  return r.json;
}

async function all(user, path) {
  const items = [];
  for (let page = 1; ; page++) {
    const r = await get(user, `${path}${path.includes('?') ? '&' : '?'}page_size=500&page=${page}`);
    items.push(...r.items);
    if (r.items.length < 500) return items;
  }
}

// Finished on or before day d: its date says so; a missing date on a status
// that says finished: at some time unknown, taken as finished.
const by = (date, d) => !!date && date <= d;
const after_ = (date, d) => !!date && date > d;
const OPEN_PETITION = new Set(['registered', 'accepted', 'assigned', 'handling']);

// DOMAIN.md: due on or before d and not finished on or before d.
const RULES = {
  petitions: (r, d) =>
    (by(r.accept_due, d) && (after_(r.accepted_on, d) || (!r.accepted_on && r.status === 'registered'))) ||
    (by(r.reply_due, d) && (after_(r.replied_on || r.resolved_on, d) ||
      (!r.replied_on && !r.resolved_on && OPEN_PETITION.has(r.status)))),
  hazards: (r, d) => by(r.deadline, d) && !by(r.rectified_on, d),
  disputes: (r, d) => by(r.deadline, d) && !by(r.closed_on, d),
  tasks: (r, d) => r.status !== 'cancelled' && by(r.due_on, d) && !by(r.done_on, d),
  problems: (r, d) => by(r.deadline, d) && !by(r.rectified_on, d),
  supervisions: (r, d) => by(r.due_on, d) && !by(r.closed_on, d),
};
const DUE = { petitions: 'reply_due', hazards: 'deadline', disputes: 'deadline', tasks: 'due_on', problems: 'deadline', supervisions: 'due_on' };
const OPEN_NOW = {
  petitions: (r) => OPEN_PETITION.has(r.status),
  hazards: (r) => !r.rectified_on,
  disputes: (r) => ['registered', 'mediating'].includes(r.status),
  tasks: (r) => ['assigned', 'in_progress'].includes(r.status),
  problems: (r) => ['open', 'rectifying', 'escalated'].includes(r.status),
  supervisions: (r) => r.status !== 'closed',
};

const chinaToday = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const DAYS = ['2023-02-28', '2023-06-30', '2023-08-31', '2023-12-31'];
const ids = (items) => items.map((x) => x.id).sort((a, b) => a - b);

test('overdue at the end of a day: every list with deadlines, by the records\' own dates, for each scope', async () => {
  const meta = await get('office', '/api/v1/meta');
  const withDays = meta.entities.filter((e) => e.overdue_on).map((e) => e.name).sort();
  assert.deepEqual(withDays, Object.keys(RULES).sort(), 'the lists with overdue_on');
  let seen = 0;
  for (const user of USERS) {
    for (const entity of Object.keys(RULES)) {
      const r0 = await clients[user].get(`/api/v1/${entity}?page_size=1`);
      if (r0.status === 403) continue; // not this user's list
      assert.equal(r0.status, 200, r0.text);
      const rows = await all(user, `/api/v1/${entity}`);
      for (const d of [...DAYS, chinaToday()]) {
        const want = ids(rows.filter((r) => RULES[entity](r, d)));
        const got = await all(user, `/api/v1/${entity}?overdue_on=${d}`);
        assert.deepEqual(ids(got), want, `${user} ${entity} overdue at the end of ${d}`);
        const rest = await get(user, `/api/v1/${entity}?overdue_on=${d}&overdue=0&page_size=1`);
        assert.equal(rest.total, rows.length - want.length, `${user} ${entity} not overdue at the end of ${d}`);
        seen += want.length;
      }
      // today: overdue now (by status), and the open ones due today
      const today = chinaToday();
      const now = ids(await all(user, `/api/v1/${entity}?overdue=1`));
      const dueToday = rows.filter((r) => OPEN_NOW[entity](r) && r[DUE[entity]] === today && RULES[entity](r, today));
      assert.deepEqual(ids(await all(user, `/api/v1/${entity}?overdue_on=${today}`)),
        [...now, ...ids(dueToday)].sort((a, b) => a - b), `${user} ${entity}: the end of today`);
    }
  }
  assert.ok(seen > 0, 'the demo has overdue records');
  // a township sees fewer than the office, not more
  const office = await get('office', '/api/v1/tasks?overdue_on=2023-08-31&page_size=1');
  const town = await get('chengguan', '/api/v1/tasks?overdue_on=2023-08-31&page_size=1');
  assert.ok(town.total <= office.total);
});

test('overdue_on: a day that is not a date, a list without deadlines, a bad overdue: refused', async () => {
  for (const bad of ['2023-02-30', '2023-8-31', 'yesterday', '']) {
    const r = await clients.office.get(`/api/v1/tasks?overdue_on=${encodeURIComponent(bad)}`);
    assertProblem(r, 400, { detail: /overdue_on/ });
  }
  assertProblem(await clients.office.get('/api/v1/subjects?overdue_on=2023-08-31'), 400, { detail: /overdue_on/ });
  assertProblem(await clients.office.get('/api/v1/tasks?overdue_on=2023-08-31&overdue=2'), 400, { detail: /overdue/ });
});

test('an enumeration filter of several codes: any of them; an unknown or empty code is refused', async () => {
  const one = async (q) => (await get('office', `/api/v1/tasks?${q}&page_size=1`)).total;
  const codes = ['assigned', 'in_progress', 'done', 'verified'];
  let sum = 0;
  for (const c of codes) sum += await one(`status=${c}`);
  assert.equal(await one(`status=${codes.join(',')}`), sum);
  assert.ok(sum > 0);
  // labels are codes' names: 已完成 for done
  assert.equal(await one('status=已完成,verified'), (await one('status=done')) + (await one('status=verified')));
  const rows = await all('office', '/api/v1/disputes?status=success,failed');
  assert.ok(rows.length > 0 && rows.every((r) => ['success', 'failed'].includes(r.status)));
  assertProblem(await clients.office.get('/api/v1/tasks?status=done,nonsense'), 422, { detail: /nonsense/ });
  assertProblem(await clients.office.get('/api/v1/tasks?status=done,,verified'), 422, { detail: /空项/ });
});
