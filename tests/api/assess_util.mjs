// assess_util.mjs: what the determination and figures tests (assess.test.mjs,
// figures.test.mjs) share on top of lib.mjs, util.mjs and events_util.mjs:
// a fresh district per test, loading rows of any list through the command
// line, reading a month's results as a map, the figure keys of DOMAIN.md
// ("The report figures"), months arithmetic, exact percentage rounding and
// a seeded random generator.  Not a test itself, and no mocks; nothing here
// knows how the server computes anything.
import assert from 'node:assert/strict';
import { districtServer, cliImport, toCsv } from './util.mjs';

// Run `fn(d)` with a fresh district server (util.mjs's districtServer), stopped after.
export async function withDistrict(fn) {
  const d = await districtServer();
  try {
    return await fn(d);
  } finally {
    await d.stop();
  }
}

// Import rows (objects; the columns are every key any row has, in order of
// first appearance; missing or null values are empty cells) of list `kind`
// through the command line, as the system.  No rows: nothing done.
export function importRows(store, kind, rows) {
  if (!rows.length) return;
  const cols = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const table = [cols, ...rows.map((r) => cols.map((k) => (r[k] === undefined || r[k] === null ? '' : String(r[k]))))];
  cliImport(store, kind, toCsv(table), kind);
}

// The results of `month` as `client` sees them (every page; `query` adds
// filters): { json (of the first page), rows: Map subject → row }.
export async function monthResults(client, month, query = '') {
  const rows = new Map();
  let first = null;
  for (let page = 1; ; page++) {
    const r = await client.get(`/api/v1/months/${month}/results?page_size=500&page=${page}${query}`);
    assert.equal(r.status, 200, `results of ${month}: ${r.text}`);
    first ??= r.json;
    for (const it of r.json.items) {
      assert.ok(!rows.has(it.subject), `${it.subject} listed once in ${month}`);
      rows.set(it.subject, it);
    }
    if (rows.size >= r.json.total || !r.json.items.length) break;
  }
  assert.equal(rows.size, first.total, `results of ${month}: total`);
  return { json: first, rows };
}

// The verdict of a results row: which dimensions fail (final), which fail
// provisionally, and whether it complies.
export function verdict(row) {
  return {
    petition: row.petition.fail, accident: row.accident.fail, case: row.case.fail, complies: row.complies,
  };
}
export function provisional(row) {
  return { petition: row.petition.provisional_fail, accident: row.accident.provisional_fail, case: row.case.provisional_fail };
}

// The keys of the report figures (DOMAIN.md), the integer counts among them and the percentages.
// the work figures of DOMAIN.md ("The work figures"): the work lists' counts
export const WORK_KEYS = [
  'tasks_assigned', 'tasks_done', 'tasks_overdue', 'problems_found', 'problems_rectified', 'problems_overdue',
  'supervision_checks', 'coordination_meetings',
];
export const COUNT_KEYS = [
  'subjects_total', 'villages_total', 'villages_compliant', 'enterprises_total', 'enterprises_compliant',
  'visit_batches', 'visit_persons', 'online_petitions', 'petition_activities', 'inspections',
  'hazards_found', 'hazards_rectified', 'coerced_persons', 'prosecuted_persons', 'disputes_mediated',
  ...WORK_KEYS,
];
export const RATE_KEYS = [
  'villages_rate', 'enterprises_rate', 'villages_zero_case_monthly_rate', 'enterprises_zero_case_monthly_rate',
  'mediation_success_rate',
];
// the grassroots' (DOMAIN.md "The work figures"): null where the caller reads no such list
export const GRASS_COUNT_KEYS = ['patrols', 'household_visits'];
export const GRASS_RATE_KEYS = ['patrol_compliance_rate', 'village_police_rate', 'informant_network_rate', 'cadre_village_rate'];
export const GRASS_KEYS = [...GRASS_COUNT_KEYS, ...GRASS_RATE_KEYS, 'police_subsidy_paid'];
export const FIGURE_KEYS = [...COUNT_KEYS, ...RATE_KEYS, ...GRASS_KEYS];

// Assert `fig` has exactly the figure keys, integer counts and numeric or null rates.
export function assertFigureShape(fig, what = 'figures') {
  assert.ok(fig && typeof fig === 'object', `${what}: an object`);
  assert.deepEqual(Object.keys(fig).sort(), [...FIGURE_KEYS].sort(), `${what}: exactly the keys of DOMAIN.md`);
  for (const k of COUNT_KEYS) assert.ok(Number.isInteger(fig[k]) && fig[k] >= 0, `${what}.${k} is a count: ${fig[k]}`);
  for (const k of GRASS_COUNT_KEYS) assert.ok(fig[k] === null || (Number.isInteger(fig[k]) && fig[k] >= 0), `${what}.${k} is a count or null: ${fig[k]}`);
  assert.ok(fig.police_subsidy_paid === null || (typeof fig.police_subsidy_paid === 'number' && fig.police_subsidy_paid >= 0),
    `${what}.police_subsidy_paid is an amount or null: ${fig.police_subsidy_paid}`);
  for (const k of [...RATE_KEYS, ...GRASS_RATE_KEYS]) {
    assert.ok(fig[k] === null || (typeof fig[k] === 'number' && fig[k] >= 0 && fig[k] <= 100),
      `${what}.${k} is a percentage or null: ${fig[k]}`);
    if (fig[k] !== null) assert.equal(Math.round(fig[k] * 10), fig[k] * 10, `${what}.${k} has one decimal: ${fig[k]}`);
  }
}

// Figures through `through` as `client` sees them (`query`: '&township=…').
export async function figures(client, through, query = '') {
  const r = await client.get(`/api/v1/figures?through=${through}${query}`);
  assert.equal(r.status, 200, `figures through ${through}${query}: ${r.text}`);
  assertFigureShape(r.json, `figures through ${through}${query}`);
  return r.json;
}

// ---- months and dates ----

// Month `m` (YYYY-MM) plus `n` months.
export function addMonths(m, n) {
  const y = +m.slice(0, 4), mo = +m.slice(5, 7) - 1 + n;
  const yy = y + Math.floor(mo / 12), mm = ((mo % 12) + 12) % 12;
  return `${String(yy).padStart(4, '0')}-${String(mm + 1).padStart(2, '0')}`;
}
// The months from..to inclusive.
export function monthRange(from, to) {
  const out = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}
// The current month in UTC, and the next one (a month that has not come yet).
export function thisMonth() { return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7); }
export function nextMonth() { return addMonths(thisMonth(), 1); }

// ---- exact percentages ----

// 100·num/den rounded half away from zero to one decimal, as a Number;
// null when den is 0 (a share of an empty set).  Exact, in integers.
export function percent(num, den) {
  num = BigInt(num); den = BigInt(den);
  if (den === 0n) return null;
  return Number(roundTenths(1000n * num, den)) / 10;
}
// round(a / b) half away from zero, for BigInt a and b > 0.
export function roundTenths(a, b) {
  const neg = a < 0n;
  const x = neg ? -a : a;
  let q = x / b;
  if (2n * (x % b) >= b) q += 1n;
  return neg ? -q : q;
}
// The mean of shares num[i]/den[i] (those with den 0 left out) as a
// percentage rounded half away from zero to one decimal; null when none.
export function meanPercent(shares) {
  let P = 0n, Q = 1n, k = 0n;
  for (const [num, den] of shares) {
    if (!den) continue;
    const b = BigInt(den);
    P = P * b + BigInt(num) * Q;
    Q *= b;
    k += 1n;
  }
  if (!k) return null;
  return Number(roundTenths(1000n * P, Q * k)) / 10;
}

// ---- deterministic randomness ----

// A seeded pseudo-random generator (mulberry32): rand() in [0, 1), with helpers.
export function prng(seed) {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  rand.int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1)); // inclusive
  rand.pick = (arr) => arr[Math.floor(rand() * arr.length)];
  rand.chance = (p) => rand() < p;
  return rand;
}
