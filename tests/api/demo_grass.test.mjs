// demo_grass.test.mjs: the demo district's grassroots (src/cli/demo_grass.c)
// are planned so that their figures are known.  This test recounts every
// grassroots figure of DOMAIN.md "The work figures" — patrols,
// patrol_compliance_rate, household_visits, village_police_rate,
// police_subsidy_paid, informant_network_rate, cadre_village_rate — in
// JavaScript from the lists `sanling export` writes, independently of the
// server's SQL, and compares them with GET /api/v1/figures through every
// month of 2023 for the office, and for some months for a township, the grid
// worker and the village auxiliary officer (驻村辅警).  It also holds the plan
// to its promises: the pilot grids' missed slots, visits of every kind, the
// police network's 4–5 officers a township and one auxiliary a village but
// for the planned few, the ledger paid but for August and the planned unpaid
// month, officers with a full and a short 1+5 network, cadres' coverage and
// visits, two campaigns, and the demo accounts of the grassroots.  Runs on
// SQLite and PostgreSQL alike.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshDb, startServer } from './lib.mjs';
import { parseCsv } from './util.mjs';

const DEMO_PASSWORD = 'Demo-Pass-2023';
const BAILOU = '411603101000'; // 白楼镇: a pilot township of 一日双巡, the `bailou` account's
const AUX_VILLAGE = '411603101001'; // the `fujing` account's village
const GRID = '41160310100101'; // the `grid` account's grid, in that village

let store, srv, gen;
const lists = {};
const clients = new Map();

// An exported list as objects keyed by its Chinese column labels.  A
// reference's column holds its name and the column "<label>编码" beside it
// its code: this test reads the code under the label (names repeat: 第一网格).
function exported(kind) {
  const file = join(store.dir, `${kind}.csv`);
  const r = store.cli(['export', kind, file]);
  assert.equal(r.status, 0, `export ${kind}: ${r.stderr}`);
  const [head, ...rows] = parseCsv(readFileSync(file, 'utf8')).filter((row) => row.length > 1);
  const code = (h) => head.indexOf(h + '编码');
  return rows.map((row) => Object.fromEntries(head.map((h, i) => [h, code(h) >= 0 ? row[code(h)] : row[i]])));
}

async function as(user) {
  if (!clients.has(user)) {
    const c = srv.client();
    const r = await c.login(user, DEMO_PASSWORD);
    assert.equal(r.status, 200, `login ${user}: ${r.text}`);
    clients.set(user, c);
  }
  return clients.get(user);
}

before(async () => {
  store = freshDb();
  const t0 = Date.now();
  gen = store.cli(['gen', 'demo', '--demo-passwords']); // freshDb's cli sets SANLING_FAST_KDF=1
  gen.ms = Date.now() - t0;
  if (gen.status !== 0) throw new Error('gen demo: ' + gen.stderr);
  for (const kind of ['regions', 'subjects', 'grid_staff', 'patrols', 'household_visits', 'police_assignments',
    'police_subsidies', 'police_equipment', 'informants', 'cadre_assignments', 'cadre_visits', 'campaigns'])
    lists[kind] = exported(kind);
  srv = await startServer({ store });
});

after(async () => {
  await srv?.stop();
  store?.cleanup();
});

const lastDay = (m) => { const [y, mo] = m.split('-').map(Number); return new Date(Date.UTC(y, mo, 0)).toISOString().slice(0, 10); };
const active = (x, from, to, day) => x[from] <= day && (!x[to] || day <= x[to]);
const pct = (num, den) => (den ? Math.round((num * 1000) / den) / 10 : null); // num, den >= 0: halves up
const dayCount = (from, to) => Math.round((Date.parse(to) - Date.parse(from)) / 86400000) + 1;
const fen = (yuan) => Math.round(Number(yuan) * 100);

// Where a row lies, for a scope: { township } | { village } | { grid } | {} (the district).
function inScope(scope, { township, village, grid }) {
  return (!scope.township || township === scope.township) && (!scope.village || village === scope.village) &&
    (!scope.grid || grid === scope.grid);
}

// The grassroots figures through month `m` as DOMAIN.md defines them, from the exported lists.
function expected(m, scope) {
  const from = `${m.slice(0, 4)}-01-01`, to = lastDay(m);
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const end = to < today ? to : today;
  const grids = lists.regions.filter((g) => g['层级'] === '网格' && g['在用'] === '是' &&
    inScope(scope, { township: g['所属乡镇'], village: g['上级区划'], grid: g['区划代码'] }));
  const placed = (x) => inScope(scope, { township: x['所属乡镇'], village: x['所属村（社区）'], grid: x['网格'] });
  const patrols = lists.patrols.filter((p) => placed(p) && p['巡查日期'] >= from && p['巡查日期'] <= to);
  const slots = new Map();
  for (const p of patrols.filter((x) => x['巡查日期'] <= end)) {
    const k = `${p['网格']}|${p['巡查日期']}`;
    if (!slots.has(k)) slots.set(k, new Set());
    slots.get(k).add(p['时段']);
  }
  const compliant = [...slots.values()].filter((s) => s.size === 2).length;
  const visits = lists.household_visits.filter((v) => placed(v) && v['走访日期'] >= from && v['走访日期'] <= to);
  // villages and communities on the list at the end of m, by their village region
  const villages = lists.subjects.filter((s) => ['行政村', '社区'].includes(s['主体类型']) &&
    s['纳入月份'] <= m && (!s['退出月份'] || m <= s['退出月份']) &&
    inScope(scope, { township: s['所属乡镇'], village: s['所在村/社区'], grid: s['所属网格'] }));
  const aux = lists.police_assignments.filter((a) => a['类别'] === '驻村辅警' && a['驻村（社区）'] &&
    active(a, '任职日期', '离任日期', to));
  const cadres = lists.cadre_assignments.filter((c) => active(c, '包联开始日期', '包联结束日期', to));
  const covered = (rows, col) => villages.filter((v) => rows.some((a) => a[col] === v['所在村/社区'])).length;
  const officers = [...new Set(lists.police_assignments.filter((a) => a['类别'] === '民警' &&
    active(a, '任职日期', '离任日期', to) && (!scope.township || a['所属乡镇'] === scope.township)).map((a) => a['警号']))];
  const complying = officers.filter((no) => new Set(lists.informants.filter((i) => i['联系民警警号'] === no &&
    active(i, '发展日期', '退出日期', to)).map((i) => i['行业'])).size >= 5);
  const paid = lists.police_subsidies.filter((s) => (!scope.township || s['所属乡镇'] === scope.township) &&
    s['月份'] >= `${m.slice(0, 4)}-01` && s['月份'] <= m && s['发放日期'] && s['发放日期'] <= to);
  return {
    patrols: patrols.length,
    patrol_compliance_rate: pct(compliant, grids.length * (end < from ? 0 : dayCount(from, end))),
    household_visits: visits.length,
    village_police_rate: pct(covered(aux, '驻村（社区）'), villages.length),
    police_subsidy_paid: paid.reduce((sum, s) => sum + fen(s['补贴金额（元）']), 0) / 100,
    informant_network_rate: pct(complying.length, officers.length),
    cadre_village_rate: pct(covered(cadres, '包联村（社区）'), villages.length),
  };
}

const KEYS = ['patrols', 'patrol_compliance_rate', 'household_visits', 'village_police_rate', 'police_subsidy_paid',
  'informant_network_rate', 'cadre_village_rate'];
const pick = (f, keys = KEYS) => Object.fromEntries(keys.map((k) => [k, f[k]]));
const MONTHS = ['2023-01', '2023-02', '2023-03', '2023-04', '2023-05', '2023-06', '2023-07', '2023-08'];

async function figures(user, m) {
  const r = await (await as(user)).get(`/api/v1/figures?through=${m}`);
  assert.equal(r.status, 200, `${user} figures ${m}: ${r.text}`);
  return r.json;
}

test('gen demo prints the grassroots\' accounts, and the grassroots keep it fast', () => {
  assert.match(gen.stdout, /^grid\s+grid\s/m, 'the grid worker');
  assert.match(gen.stdout, /^fujing\s+grid\s.*驻村辅警/m, 'the village auxiliary officer');
  assert.ok(gen.ms < 80000, `gen demo took ${gen.ms} ms`); // a ceiling against a hang: ~3 s on SQLite, ~30 s on PostgreSQL
});

test('the office\'s grassroots figures through every month of 2023 are the lists\' by DOMAIN.md\'s rules', async () => {
  for (const m of MONTHS)
    assert.deepEqual(pick(await figures('office', m)), expected(m, {}), `office through ${m}`);
  // the plan's known figures through August (src/cli/demo_grass.c)
  assert.deepEqual(pick(await figures('office', '2023-08')), {
    patrols: 48901, patrol_compliance_rate: 19.0, household_visits: 5840, village_police_rate: 99.4,
    police_subsidy_paid: 1669500, informant_network_rate: 89.9, cadre_village_rate: 99.6,
  });
});

test('a pilot township, the grid worker and the auxiliary officer count their own', async () => {
  for (const m of ['2023-02', '2023-05', '2023-08']) {
    assert.deepEqual(pick(await figures('bailou', m)), expected(m, { township: BAILOU }), `bailou through ${m}`);
    const police = { village_police_rate: null, police_subsidy_paid: null, informant_network_rate: null, cadre_village_rate: null };
    const grid = pick(await figures('grid', m));
    assert.deepEqual(grid, { ...pick(expected(m, { grid: GRID })), ...police }, `grid through ${m}`);
    const aux = pick(await figures('fujing', m));
    assert.deepEqual(aux, { ...pick(expected(m, { village: AUX_VILLAGE })), ...police }, `fujing through ${m}`);
    assert.ok(aux.patrols > grid.patrols, 'the village has two grids');
  }
  // the lists' totals: the auxiliary's village, the grid worker's grid
  const total = async (user, path) => (await (await as(user)).get(`${path}?page_size=1`)).json.total;
  assert.equal(await total('fujing', '/api/v1/patrols'), lists.patrols.filter((p) => p['所属村（社区）'] === AUX_VILLAGE).length);
  assert.equal(await total('grid', '/api/v1/patrols'), lists.patrols.filter((p) => p['网格'] === GRID).length);
  assert.equal(await total('fujing', '/api/v1/household_visits'),
    lists.household_visits.filter((p) => p['所属村（社区）'] === AUX_VILLAGE).length);
});

test('the plan: pilot grids patrolled twice a day but for planned missed slots; visits of every kind; staff who changed', () => {
  const grids = lists.regions.filter((g) => g['层级'] === '网格');
  const second = grids.filter((g) => g['区划代码'].endsWith('02'));
  assert.ok(second.length > 0 && second.every((g) => [BAILOU, '411603102000'].includes(g['所属乡镇'])), 'second grids in the pilot townships');
  const patrolled = new Set(lists.patrols.map((p) => p['网格']));
  assert.equal(patrolled.size, 2 * second.length, 'every pilot grid is patrolled');
  // grid-days with one slot only, and with none
  const byDay = new Map();
  for (const p of lists.patrols) {
    const k = `${p['网格']}|${p['巡查日期']}`;
    byDay.set(k, (byDay.get(k) || 0) + 1);
  }
  const days = dayCount('2023-01-01', '2023-08-31');
  const one = [...byDay.values()].filter((n) => n === 1).length;
  const none = patrolled.size * days - byDay.size;
  assert.ok(one > 0 && none > 0, `missed: ${one} single slots, ${none} whole days`);
  assert.ok(one + none < patrolled.size * days * 0.05, 'most grid-days comply');
  assert.ok(lists.patrols.every((p) => p['巡查日期'] >= '2023-01-01' && p['巡查日期'] <= '2023-08-31'));
  assert.deepEqual(new Set(lists.household_visits.map((v) => v['走访类型'])),
    new Set(['常态走访', '困难帮扶', '矛盾排查', '安全宣传', '其他']));
  assert.ok(lists.household_visits.every((v) => /\*/.test(v['户主姓名'])), 'the household head is masked in the export');
  const staff = lists.grid_staff;
  assert.ok(staff.some((s) => s['职务'] === '网格长') && staff.some((s) => s['职务'] === '网格员'));
  assert.ok(staff.filter((s) => s['离任日期']).length > 0, 'some terms end');
  // every patrol is by a member of its grid's staff in post that day
  const inPost = new Map();
  for (const s of staff) {
    if (!inPost.has(s['网格'])) inPost.set(s['网格'], []);
    inPost.get(s['网格']).push(s);
  }
  for (const p of lists.patrols.filter((_, i) => i % 97 === 0))
    assert.ok(inPost.get(p['网格']).some((s) => s['姓名'] === p['巡查人'] && active(s, '任职日期', '离任日期', p['巡查日期'])),
      `patrol ${p['巡查编号']} by ${p['巡查人']}`);
});

test('the plan: the police network, its ledger, informants, cadres and campaigns', () => {
  const pa = lists.police_assignments;
  const townships = lists.regions.filter((r) => r['层级'] === '乡镇/街道').map((r) => r['区划代码']);
  for (const t of townships) {
    const n = pa.filter((a) => a['类别'] === '民警' && a['所属乡镇'] === t && active(a, '任职日期', '离任日期', '2023-03-31')).length;
    assert.ok(n === 4 || n === 5, `${t}: ${n} officers`);
  }
  const villages = lists.subjects.filter((s) => ['行政村', '社区'].includes(s['主体类型'])).map((s) => s['所在村/社区']);
  const withAux = new Set(pa.filter((a) => a['类别'] === '驻村辅警' && active(a, '任职日期', '离任日期', '2023-08-31')).map((a) => a['驻村（社区）']));
  assert.equal(villages.filter((v) => !withAux.has(v)).length, 3, 'three villages without an auxiliary');
  assert.ok(pa.some((a) => a['离任日期']), 'some terms end');
  // the ledger: past months paid, August's not yet, one past month unpaid
  const sub = lists.police_subsidies;
  assert.ok(sub.filter((s) => s['月份'] === '2023-08').every((s) => !s['发放日期']));
  const unpaid = sub.filter((s) => s['月份'] < '2023-08' && !s['发放日期']);
  assert.equal(unpaid.length, 1, 'the planned unpaid month');
  assert.ok(sub.every((s) => !s['发放日期'] || s['发放日期'] <= '2023-08-31'));
  assert.deepEqual(new Set(sub.map((s) => s['补贴金额（元）'])), new Set(['500.00', '600.00']));
  assert.ok(lists.police_equipment.some((e) => e['装备名称'] === '警用电动自行车'));
  // 1+5+N: most officers' networks comply, some are short
  const officers = [...new Set(pa.filter((a) => a['类别'] === '民警').map((a) => a['警号']))];
  const industries = (no) => new Set(lists.informants.filter((i) => i['联系民警警号'] === no &&
    active(i, '发展日期', '退出日期', '2023-08-31')).map((i) => i['行业'])).size;
  const short = officers.filter((no) => industries(no) < 5);
  assert.ok(short.length > 0 && short.length < officers.length / 5, `${short.length} short networks`);
  assert.ok(lists.informants.some((i) => i['退出日期']), 'an informant left');
  // cadres: nearly every village covered, and visited
  const covered = new Set(lists.cadre_assignments.filter((c) => active(c, '包联开始日期', '包联结束日期', '2023-08-31')).map((c) => c['包联村（社区）']));
  assert.equal(villages.filter((v) => !covered.has(v)).length, 2, 'two villages without a cadre');
  assert.ok(lists.cadre_visits.length > villages.length, 'cadres visit their villages');
  assert.equal(lists.campaigns.length, 2);
  assert.ok(lists.campaigns.every((c) => /六防六促/.test(c['行动名称'])));
});

// Every figure opens its list (src/assess/figure_keys.c): the grassroots'
// counts and the subsidies paid are the totals (or the sum) of their list
// queries in /meta, with the month's dates filled in; the shares have none.
test('the grassroots\' figures with a list: its queries return what the figure counts', async () => {
  const next = (m) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 1)).toISOString().slice(0, 10);
  const fill = (q, m) => Object.fromEntries(Object.entries(q).map(([k, v]) => [k, v.replaceAll('{from}', `${m.slice(0, 4)}-01-01`)
    .replaceAll('{to}', lastDay(m)).replaceAll('{next}', next(m)).replaceAll('{month}', m)
    .replaceAll('{january}', `${m.slice(0, 4)}-01`)]));
  const office = await as('office');
  const table = (await office.get('/api/v1/meta')).json.figures;
  const row = (k) => table.find((x) => x.key === k);
  assert.deepEqual(['patrols', 'household_visits', 'police_subsidy_paid'].map((k) => !!row(k).list), [true, true, true]);
  assert.equal(row('police_subsidy_paid').list.sum, 'amount');
  for (const m of ['2023-01', '2023-04', '2023-08']) {
    const f = await figures('office', m);
    for (const key of ['patrols', 'household_visits', 'police_subsidy_paid']) {
      const { entity, query: q, sum } = row(key).list;
      let value = 0;
      {
        const path = `/api/v1/${entity}?${new URLSearchParams(fill(q, m))}`;
        if (!sum) {
          const r = await office.get(`${path}&page_size=1`);
          assert.equal(r.status, 200, `${key}: ${r.text}`);
          value += r.json.total;
          continue;
        }
        for (let page = 1; ; page++) {
          const r = await office.get(`${path}&page_size=500&page=${page}`);
          assert.equal(r.status, 200, `${key}: ${r.text}`);
          for (const x of r.json.items) value += fen(x[sum]);
          if (r.json.items.length < 500) break;
        }
      }
      assert.equal(sum ? value / 100 : value, f[key], `through ${m}: ${key} from ${JSON.stringify(row(key).list)}`);
    }
  }
});
