// trace.test.mjs: every number the dashboard and the month page show traces
// to the list of exactly the subjects it counts, within the user's scope
// (issue 17, "numbers that trace to their subjects").  On the demo district,
// for each business account (the office, the three leads, a supervising
// department, two townships, a grid worker, an auxiliary police officer, a
// subject's own account):
// - the figures and the month's state count the subjects that the subjects
//   list, read as of the month (its history: a separate path), returns;
// - the year to date (GET /months/{M}/results?span=year) is computed here
//   independently from the month-by-month results (a subject fails the year
//   when it failed any month January..M), and the year list returns exactly
//   those subjects, each with the months it failed and a reason, its totals
//   those of the figures (villages_total − villages_compliant …);
// - each /meta figure's `results` query returns as many subjects as the
//   figure counts; each row of the rankings (the breakdowns the dashboard
//   draws, the 考评排名's compliance lines) opens a list of its size.
// Each dimension's failing count of the month page opens its list (dimension=).
// Refusals: bad span, group, dimension, fail, kind, month, unknown parameter.
// Runs on SQLite and PostgreSQL alike.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoServer } from './lib.mjs';
import { assertProblem } from './util.mjs';

const ROLES = ['office', 'petition', 'safety', 'police', 'education', 'chengguan', 'bailou', 'grid',
  'fujing', 'school'];
const VILLAGE_KINDS = new Set(['village', 'community']);
let demo, clients, M;

before(async () => {
  demo = await demoServer(ROLES);
  ({ clients } = demo);
  M = (await get('office', '/api/v1/months')).latest_event_month;
  assert.match(M, /^\d{4}-\d\d$/);
});
after(async () => { await demo?.stop(); });

async function get(user, path) {
  const r = await clients[user].get(path);
  assert.equal(r.status, 200, `${user} ${path}: ${r.text}`);
  return r.json;
}

// Every item of a paged list, and its total.
async function all(user, path) {
  const items = [];
  let total;
  for (let page = 1; ; page++) {
    const r = await get(user, `${path}${path.includes('?') ? '&' : '?'}page_size=500&page=${page}`);
    total = r.total;
    items.push(...r.items);
    if (items.length >= r.total || !r.items.length) break;
  }
  assert.equal(items.length, total, `${path}: every page read`);
  return { items, total };
}

const monthsThrough = (m) => Array.from({ length: Number(m.slice(5)) }, (_, i) => `${m.slice(0, 4)}-${String(i + 1).padStart(2, '0')}`);

// What a user's pages must show, computed from lists other than the year's.
async function expected(user) {
  const onList = (await all(user, `/api/v1/subjects?as_of=${M}`)).items;
  const codes = new Set(onList.map((s) => s.code));
  const failedIn = new Map(); // subject → months it failed (its month's determination)
  for (const m of monthsThrough(M)) {
    for (const r of (await all(user, `/api/v1/months/${m}/results?fail=1`)).items) {
      assert.equal(r.complies, false);
      if (!failedIn.has(r.subject)) failedIn.set(r.subject, []);
      failedIn.get(r.subject).push(m);
    }
  }
  const yearFailing = new Set([...codes].filter((c) => failedIn.has(c)));
  return { onList, codes, failedIn, yearFailing };
}

const isVillage = (s) => VILLAGE_KINDS.has(s.kind);

for (const user of ROLES) {
  test(`${user}: the figures, the month's counts and the year to date count the same subjects as their lists`, async () => {
    const F = await get(user, `/api/v1/figures?through=${M}`);
    const state = await get(user, `/api/v1/months/${M}`);
    const x = await expected(user);
    const villages = x.onList.filter(isVillage);
    const n = x.onList.length;
    assert.ok(n > 0, `${user} has subjects`);
    // the totals: the subjects on the list at the month's end, within the scope
    assert.equal(F.subjects_total, n, 'subjects_total = the subjects list as of the month');
    assert.equal(F.villages_total, villages.length);
    assert.equal(F.enterprises_total, n - villages.length);
    assert.equal(state.counts.subjects, n, 'the month page\'s 本月 N 个主体');
    // the month's failing: the month's list with fail=1
    const monthFail = await get(user, `/api/v1/months/${M}/results?fail=1&page_size=1`);
    assert.equal(state.counts.failing, monthFail.total, 'the month page\'s 不达标 F');
    assert.equal(state.counts.failing, x.onList.filter((s) => (x.failedIn.get(s.code) || []).includes(M)).length);
    // each dimension's failing of the month: its list
    for (const d of ['petition', 'accident', 'case']) {
      const r = await all(user, `/api/v1/months/${M}/results?dimension=${d}`);
      assert.equal(r.total, state.counts[d + '_failing'], `${d}: the month page's 不达标`);
      assert.ok(r.items.every((i) => i[d].fail && !i.complies), `${d}: each failed it`);
    }
    // the month's list as the month page shows it
    const month = await get(user, `/api/v1/months/${M}/results?page_size=1`);
    assert.deepEqual([month.span, month.total, month.counts.subjects, month.counts.failing],
      ['month', n, n, state.counts.failing]);

    // the year to date: exactly the subjects that failed some month, with those months
    const year = await all(user, `/api/v1/months/${M}/results?span=year&fail=1`);
    assert.deepEqual(year.items.map((i) => i.subject).sort(), [...x.yearFailing].sort(), 'the year\'s failing subjects');
    for (const it of year.items) {
      assert.equal(it.complies, false);
      assert.deepEqual(it.failed_months.map((f) => f.month), x.failedIn.get(it.subject), `${it.subject}: its failed months`);
      for (const f of it.failed_months) {
        assert.ok(f.petition || f.accident || f.case || /检查表/.test(f.reason), `${it.subject} ${f.month}: a dimension failed`);
        assert.match(f.reason, /^(零上访|零事故|零案件|创建标准检查表)/, `${it.subject} ${f.month}: the reason`);
      }
    }
    const vFail = [...x.yearFailing].filter((c) => isVillage(x.onList.find((s) => s.code === c))).length;
    assert.equal(F.villages_total - F.villages_compliant, vFail, 'villages failing the year');
    assert.equal(F.enterprises_total - F.enterprises_compliant, x.yearFailing.size - vFail, 'enterprises failing the year');
    for (const [group, tot, ok] of [['village', 'villages_total', 'villages_compliant'], ['enterprise', 'enterprises_total', 'enterprises_compliant']]) {
      const g = await get(user, `/api/v1/months/${M}/results?span=year&group=${group}&fail=1&page_size=1`);
      assert.equal(g.total, F[tot] - F[ok], `${group}: total − compliant`);
      const c = await get(user, `/api/v1/months/${M}/results?span=year&group=${group}&fail=0&page_size=1`);
      assert.equal(c.total, F[ok], `${group}: compliant`);
      assert.deepEqual(c.counts, { subjects: F[tot], compliant: F[ok], failing: F[tot] - F[ok] });
    }
    for (const d of ['petition', 'accident', 'case']) {
      const r = await all(user, `/api/v1/months/${M}/results?span=year&dimension=${d}`);
      const want = year.items.filter((i) => i.failed_months.some((f) => f[d])).map((i) => i.subject).sort();
      assert.deepEqual(r.items.map((i) => i.subject).sort(), want, `${d}: failed it in some month`);
    }
    const whole = await all(user, `/api/v1/months/${M}/results?span=year`);
    assert.deepEqual(whole.items.map((i) => i.subject).sort(), [...x.codes].sort(), 'the year list is the month\'s list');
    assert.ok(whole.items.slice(0, x.yearFailing.size).every((i) => !i.complies), 'the failing first');
  });
}

test('each figure\'s `results` query returns as many subjects as the figure counts', async () => {
  const meta = await get('office', '/api/v1/meta');
  const withResults = meta.figures.filter((f) => f.results);
  assert.deepEqual(withResults.map((f) => f.key).sort(), ['enterprises_compliant', 'enterprises_rate',
    'enterprises_total', 'subjects_total', 'villages_compliant', 'villages_rate', 'villages_total']);
  for (const user of ['office', 'bailou', 'education']) {
    const F = await get(user, `/api/v1/figures?through=${M}`);
    for (const f of withResults) {
      const r = await get(user, `/api/v1/months/${M}/results?${new URLSearchParams({ ...f.results, page_size: 1 })}`);
      if (f.unit === 'percent') {
        assert.equal(r.total, F[f.share_of], `${user} ${f.key}: its denominator`);
        const rate = r.total ? Math.round((r.counts.compliant * 1000) / r.total) / 10 : null;
        assert.equal(rate, F[f.key], `${user} ${f.key}: compliant ÷ total`);
      } else {
        assert.equal(r.total, F[f.key], `${user} ${f.key}`);
      }
    }
  }
});

test('each unit of the rankings opens a year-to-date list of the subjects its rate counts', async () => {
  for (const user of ['office', 'chengguan']) {
    const onList = (await all(user, `/api/v1/subjects?as_of=${M}`)).items;
    const town = await get(user, `/api/v1/figures/breakdown?through=${M}&by=township`);
    let rows = 0;
    for (const row of town.rows) {
      const f = row.figures;
      const n = f.villages_total + f.enterprises_total;
      if (!n) continue;
      rows++;
      const r = await get(user, `/api/v1/months/${M}/results?span=year&township=${row.key}&page_size=1`);
      assert.equal(r.total, onList.filter((s) => s.township === row.key).length, `${row.label}: its subjects`);
      assert.equal(r.total, n, `${row.label}: the bar's total`);
      assert.equal(r.counts.compliant, f.villages_compliant + f.enterprises_compliant, `${row.label}: compliant`);
    }
    assert.ok(rows >= 1, `${user}: townships ranked`);
    const sector = await get(user, `/api/v1/figures/breakdown?through=${M}&by=supervisor`);
    for (const row of sector.rows.filter((r) => r.figures.enterprises_total > 0)) {
      const r = await get(user, `/api/v1/months/${M}/results?span=year&supervisor=${row.key}&group=enterprise&page_size=1`);
      assert.equal(r.total, onList.filter((s) => s.supervisor === row.key && !isVillage(s)).length, `${row.label}: its enterprises`);
      assert.equal(r.counts.compliant, row.figures.enterprises_compliant, `${row.label}: compliant`);
    }
  }
  // the 考评排名's compliance lines: 达标 num/den, the list of the unit has den, num compliant
  for (const by of ['township', 'sector']) {
    const rk = await clients.office.get(`/api/v1/ranking?month=${M}&by=${by}`);
    if (rk.status === 409) continue; // an item whose table another part builds
    assert.equal(rk.status, 200, rk.text);
    let lines = 0;
    for (const u of rk.json.items) {
      const line = u.lines.find((l) => l.method === 'compliance_rate');
      const m = line && /达标 (\d+)\/(\d+)/.exec(line.basis);
      if (!m) continue;
      const q = by === 'township' ? `township=${u.unit}` : `supervisor=${u.unit}`;
      const r = await get('office', `/api/v1/months/${M}/results?span=year&${q}&page_size=1`);
      assert.deepEqual([r.counts.compliant, r.total], [Number(m[1]), Number(m[2])], `${u.unit_name}: ${line.basis}`);
      lines++;
    }
    assert.ok(lines > 0, `${by}: compliance lines checked`);
  }
});

test('the results refuse what they do not understand, with the field and a Chinese reason', async () => {
  const c = clients.office;
  const base = `/api/v1/months/${M}/results`;
  assertProblem(await c.get(`${base}?span=week`), 400, { field: 'span', detail: /span 应为 month（本月）或 year（本年累计）/ });
  assertProblem(await c.get(`${base}?span=year&group=town`), 400, { field: 'group', detail: /group 应为 village/ });
  assertProblem(await c.get(`${base}?span=year&fail=2`), 400, { field: 'fail' });
  assertProblem(await c.get(`${base}?dimension=petition_final`), 400, { field: 'dimension', detail: /dimension 应为 petition（零上访）/ });
  assertProblem(await c.get(`${base}?span=year&kind=farm`), 422, { field: 'kind', detail: '主体类型不正确' });
  assertProblem(await c.get(`${base}?span=year&sector=JTJ`), 400);
  assertProblem(await c.get(`/api/v1/months/2999-01/results?span=year`), 422, { field: 'month' });
  assertProblem(await c.get(`/api/v1/months/2023-13/results?span=year`), 422);
  // a filter that matches nothing is an empty list, not an error
  const none = await get('office', `${base}?span=year&township=000000000000`);
  assert.deepEqual([none.total, none.items.length, none.counts.subjects], [0, 0, 0]);
  // within the scope: a township's account never sees another's subjects
  const other = await get('bailou', `${base}?span=year&township=411603100000`);
  assert.equal(other.total, 0, 'bailou asks for 城关: nothing');
});
