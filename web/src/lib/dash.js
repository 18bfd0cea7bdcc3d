// dash.js: what the dashboard and the wall screen share: loading a month's
// figures, breakdowns and warnings, the list behind each figure (so a click
// on a card or a bar opens the records it counts), and the chart options.
// The figures' names and lists come from /meta (session.figureByKey), none
// is written here.  It draws nothing itself.  An office of a city or a
// province (isRegion) calls only the figures and the lists: its pages rank
// its districts (by=district) where a district's rank its townships, and
// its figures open lists, never the month's determination (/months).
import { api, qs } from './api.js';
import { session, onSessionClear, isRegion } from './session.js';
import { previousMonth, currentMonth, figureLabel } from './format.js';
import { t } from './i18n.js';

export function monthEnd(m) {
  const [y, mo] = m.split('-').map(Number);
  const d = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return `${m}-${String(d).padStart(2, '0')}`;
}

// The day after month m's last day (the first of the next month).
export function monthNext(m) {
  const [y, mo] = m.split('-').map(Number);
  return new Date(Date.UTC(y, mo, 1)).toISOString().slice(0, 10);
}

export function yearStart(m) {
  return m.slice(0, 4) + '-01-01';
}

// The months with a determination (newest first) and the default one.
// The same answer says where the report stands (latestEventMonth), so a
// page that asks both waits for one request, not two in a row.
let latestCache = null;
onSessionClear(() => { latestCache = null; });
export async function loadMonths() {
  if (isRegion()) return []; // the months' determinations are each district's
  try {
    const r = await api.get('/months');
    latestCache = Promise.resolve(r.latest_event_month || null);
    return r.items || [];
  } catch (e) {
    return [];
  }
}

export function defaultMonth(months) {
  if (months && months.length) {
    // the newest month that has ended, else the newest at all
    const cur = currentMonth();
    const ended = months.find((m) => m.month < cur);
    return (ended || months[0]).month;
  }
  return previousMonth(currentMonth());
}

// The last month with events in the user's district (the server says,
// GET /months: where the district's report stands), or null.  For a city or
// a province, the same from its lists: the newest petition, accident, case
// or inspection of its districts.
export function latestEventMonth() {
  if (!latestCache) {
    latestCache = isRegion() ? newestEventMonth()
      : api.get('/months').then((r) => r.latest_event_month || null, () => null);
  }
  return latestCache;
}

const EVENT_DATES = { petitions: 'received_on', accidents: 'occurred_on', cases: 'occurred_on', inspections: 'inspected_on' };
async function newestEventMonth() {
  const days = await Promise.all(Object.entries(EVENT_DATES).filter(([e]) => canRead(e)).map(([e, day]) =>
    api.get('/' + e + qs({ sort: '-' + day, page_size: 1 })).then((r) => (r.items && r.items[0] && r.items[0][day]) || '', () => '')));
  const newest = days.sort().pop();
  return newest ? newest.slice(0, 7) : null;
}

// The month a page opens on: the newest month with data, no later than
// `limit` ("current": the month under way; "ended": the last month that
// has ended, for the determination), else the newest determined month.
export async function openingMonth(limit = 'current', months = null) {
  const cap = limit === 'ended' ? previousMonth(currentMonth()) : currentMonth();
  const latest = await latestEventMonth();
  if (latest) return latest < cap ? latest : cap;
  return defaultMonth(months);
}

// Everything the dashboard draws for a month.  Each piece is handed to
// `onPiece(name, value)` as soon as it arrives, so the page fills in as
// answers come rather than waiting for the slowest.
export async function loadDashboard(month, onPiece = () => {}) {
  const piece = (name, p, fallback) => p.then(
    (v) => { onPiece(name, v); return v; },
    (e) => { if (fallback === undefined) throw e; onPiece(name, fallback); return fallback; },
  );
  if (isRegion()) {
    // a city's or a province's: its districts ranked; the sectors and the
    // early warnings are each district's own (and /warnings not its to call)
    const [figures, district, trend] = await Promise.all([
      piece('figures', api.get('/figures' + qs({ through: month }))),
      piece('district', api.get('/figures/breakdown' + qs({ through: month, by: 'district' })), null),
      piece('trend', api.get('/figures/breakdown' + qs({ through: month, by: 'month' })), null),
    ]);
    return { figures, district, trend, warnings: { items: [], total: 0 }, targets: targetsOf({ trend }) };
  }
  const [figures, town, sector, trend, warnings] = await Promise.all([
    piece('figures', api.get('/figures' + qs({ through: month }))),
    piece('town', api.get('/figures/breakdown' + qs({ through: month, by: 'township' })), null),
    piece('sector', api.get('/figures/breakdown' + qs({ through: month, by: 'supervisor' })), null),
    piece('trend', api.get('/figures/breakdown' + qs({ through: month, by: 'month' })), null),
    piece('warnings', api.get('/warnings' + qs({ month, limit: 20 })), { items: [], total: 0 }),
  ]);
  return { figures, town, sector, trend, warnings, targets: targetsOf({ town, trend, sector }) };
}

export function targetsOf(d) {
  const b = d.town || d.trend || d.sector;
  return (b && b.targets) || { villages: null, enterprises: null };
}

const canRead = (e) => !!(session.byName[e] && session.byName[e].can_read);

// The list behind a figure key (a router location), or null: the subjects it
// counts (/meta's `results`: the month page's year-to-date or monthly list,
// whose total is the figure), else the list query of /meta's figures table
// with the month's dates (its total, or the sum of its `sum` field, is the
// figure), else the month's determination of the figure's group of subjects.
// A city or a province has no month page (the determinations are its
// districts'): the list query, else that of the figure's group of subjects
// (a rate opens the villages or the enterprises it is a share of).
export function figureLink(key, month) {
  const f = session.figureByKey[key];
  if (!f) return null;
  if (isRegion()) {
    const group = f.list ? f : session.figures.find((g) => g.list && g.results && !g.results.fail && f.determination &&
      g.results.group === f.determination);
    return group ? listLink(group.list, month) : null;
  }
  if (f.results) return canRead('subjects') ? { path: '/months/' + month, query: { ...f.results } } : null;
  if (f.list) return listLink(f.list, month);
  if (f.determination) return { path: '/months/' + month, query: { group: f.determination } };
  return null;
}

// A figure's list (/meta: {entity, query}) with the month's dates filled in.
function listLink(list, month) {
  if (!canRead(list.entity)) return null;
  const fill = (v) => v.replaceAll('{from}', yearStart(month)).replaceAll('{to}', monthEnd(month))
    .replaceAll('{next}', monthNext(month)).replaceAll('{month}', month)
    .replaceAll('{january}', month.slice(0, 4) + '-01');
  const query = Object.fromEntries(Object.entries(list.query).map(([k, v]) => [k, fill(v)]));
  return { path: '/' + list.entity, query };
}

// The list behind figure `key` of one district (a row of a city's ranking).
export function districtLink(code, key, month) {
  const l = figureLink(key, month);
  return l ? { path: l.path, query: { ...l.query, district: code } } : null;
}

// The query of the overdue records of a page about `month`: as of today for
// the month under way, else as of the month's last day (by the records' own
// dates, GET /{entity}?overdue_on=).
export function overdueQuery(month) {
  return month < currentMonth() ? { overdue: '1', overdue_on: monthEnd(month) } : { overdue: '1' };
}

// The year-to-date list of a unit of a ranking: the subjects of a township,
// or those a sector's department supervises (`extra`: more filters, such as
// group=enterprise where the sectors are ranked by their enterprises).
export function unitLink(by, key, month, extra = {}) {
  const unit = by === 'township' ? { township: key } : { supervisor: key };
  return { path: '/months/' + month, query: { span: 'year', ...unit, ...extra } };
}

// A breakdown row's compliance over both kinds (for ranking).
export function overallRate(f) {
  const tot = (f.villages_total || 0) + (f.enterprises_total || 0);
  if (!tot) return null;
  return Math.round((((f.villages_compliant || 0) + (f.enterprises_compliant || 0)) * 1000) / tot) / 10;
}

export function rankRows(bd) {
  if (!bd || !bd.rows) return [];
  return bd.rows
    .map((r) => ({ key: r.key, label: r.label, f: r.figures, rate: overallRate(r.figures) }))
    .filter((r) => r.rate !== null)
    .sort((a, b) => b.rate - a.rate || a.label.localeCompare(b.label, 'zh'));
}

// A city's or a province's districts in the server's ranking (`rank`: by
// 村（社区）达标率, then 企事业单位达标率; ties share it): the row's rate is
// the first of the two.
export function districtRows(bd) {
  if (!bd || !bd.rows) return [];
  return bd.rows
    .map((r) => ({ key: r.key, label: r.label, f: r.figures, rate: r.figures.villages_rate, place: r.rank }))
    .sort((a, b) => a.place - b.place || a.label.localeCompare(b.label, 'zh'));
}

const PALETTE = { red: '#d4380d', blue: '#1f6fd1', green: '#2f9e44', gold: '#d89614', grey: '#8c8c8c' };
export { PALETTE };

export function gaugeOption(value, target, name, dark) {
  const v = value === null || value === undefined ? 0 : value;
  const color = target !== null && target !== undefined && v < target ? PALETTE.red : PALETTE.green;
  const text = dark ? '#e6f1ff' : '#1f2d3d';
  return {
    animationDuration: 500,
    series: [{
      type: 'gauge',
      startAngle: 210,
      endAngle: -30,
      min: 0,
      max: 100,
      radius: '92%',
      progress: { show: true, width: 14, itemStyle: { color } },
      axisLine: { lineStyle: { width: 14, color: [[1, dark ? 'rgba(255,255,255,0.12)' : '#eef1f5']] } },
      axisTick: { show: false },
      splitLine: { show: false },
      axisLabel: { show: false },
      pointer: { show: false },
      anchor: { show: false },
      title: { show: true, offsetCenter: [0, '62%'], color: dark ? '#9fb3c8' : '#606a78', fontSize: dark ? 18 : 12, lineHeight: dark ? 26 : 17 },
      detail: {
        valueAnimation: true,
        offsetCenter: [0, '-6%'],
        fontSize: dark ? 40 : 26,
        fontWeight: 'bold',
        color: text,
        formatter: () => (value === null || value === undefined ? '—' : value.toFixed(1) + '%'),
      },
      markLine: undefined,
      data: [{ value: v, name: target !== null && target !== undefined ? `${name}\n${t('dash.target')} ${target}%` : name }],
    }],
  };
}

export function rankOption(rows, targets, dark, opts = {}) {
  const text = dark ? '#c8d6e5' : '#4a5565';
  const fs = dark ? 16 : 12;
  const grid = dark ? 'rgba(255,255,255,0.08)' : '#eef1f5';
  const list = rows.slice(0, opts.limit || rows.length).reverse();
  const kinds = opts.kinds || ['villages', 'enterprises'];
  const o = {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => (v === null || v === undefined ? '—' : v + '%') },
    legend: { top: 0, textStyle: { color: text, fontSize: fs }, data: [figureLabel('villages_rate'), figureLabel('enterprises_rate')] },
    grid: { left: 8, right: 36, top: dark ? 40 : 30, bottom: 8, containLabel: true },
    xAxis: { type: 'value', min: 0, max: 100, axisLabel: { color: text, formatter: '{value}%', fontSize: fs }, splitLine: { lineStyle: { color: grid } } },
    yAxis: { type: 'category', data: list.map((r) => r.label), axisLabel: { color: text, fontSize: dark ? 18 : 12 }, axisTick: { show: false } },
    series: [
      {
        name: figureLabel('villages_rate'), type: 'bar', barMaxWidth: 12, barGap: '10%', itemStyle: { color: PALETTE.blue, borderRadius: [0, 3, 3, 0] },
        data: list.map((r) => r.f.villages_rate),
        markLine: targets.villages != null ? { symbol: 'none', silent: true, lineStyle: { color: PALETTE.blue, type: 'dashed' }, label: { formatter: '{c}%', color: text }, data: [{ xAxis: targets.villages }] } : undefined,
      },
      {
        name: figureLabel('enterprises_rate'), type: 'bar', barMaxWidth: 12, itemStyle: { color: PALETTE.gold, borderRadius: [0, 3, 3, 0] },
        data: list.map((r) => r.f.enterprises_rate),
        markLine: targets.enterprises != null ? { symbol: 'none', silent: true, lineStyle: { color: PALETTE.gold, type: 'dashed' }, label: { formatter: '{c}%', color: text }, data: [{ xAxis: targets.enterprises }] } : undefined,
      },
    ],
  };
  o.series = o.series.filter((s, i) => kinds.includes(i ? 'enterprises' : 'villages'));
  o.legend.data = o.series.map((s) => s.name);
  return o;
}

// Sectors: the industry departments, ranked by their enterprises (the
// townships' governments, which supervise villages, have their own ranking).
export function sectorRows(bd) {
  if (!bd || !bd.rows) return [];
  return bd.rows
    .filter((r) => r.figures.enterprises_total > 0)
    .map((r) => ({ key: r.key, label: r.label, f: r.figures, rate: r.figures.enterprises_rate }))
    .filter((r) => r.rate !== null)
    .sort((a, b) => b.rate - a.rate || a.label.localeCompare(b.label, 'zh'));
}

export function trendOption(bd, targets, dark) {
  const text = dark ? '#c8d6e5' : '#4a5565';
  const fs = dark ? 16 : 12;
  const grid = dark ? 'rgba(255,255,255,0.08)' : '#eef1f5';
  const rows = (bd && bd.rows) || [];
  const months = rows.map((r) => r.label);
  // the rows are year to date: the bars show each month's own events
  const inc = (k) => rows.map((r, i) => (r.figures[k] || 0) - (i ? rows[i - 1].figures[k] || 0 : 0));
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, textStyle: { color: text, fontSize: fs } },
    grid: { left: 8, right: 8, top: dark ? 48 : 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: months, axisLabel: { color: text, fontSize: fs }, axisTick: { show: false } },
    yAxis: [
      { type: 'value', min: 0, max: 100, axisLabel: { color: text, formatter: '{value}%', fontSize: fs }, splitLine: { lineStyle: { color: grid } } },
      { type: 'value', minInterval: 1, axisLabel: { color: text, fontSize: fs }, splitLine: { show: false } },
    ],
    series: [
      { name: figureLabel('villages_rate'), type: 'line', smooth: true, symbolSize: 7, itemStyle: { color: PALETTE.blue }, data: rows.map((r) => r.figures.villages_rate) },
      { name: figureLabel('enterprises_rate'), type: 'line', smooth: true, symbolSize: 7, itemStyle: { color: PALETTE.gold }, data: rows.map((r) => r.figures.enterprises_rate) },
      { name: figureLabel('visit_batches'), type: 'bar', yAxisIndex: 1, barMaxWidth: 14, itemStyle: { color: 'rgba(212,56,13,0.55)' }, data: inc('visit_batches') },
      { name: figureLabel('hazards_found'), type: 'bar', yAxisIndex: 1, barMaxWidth: 14, itemStyle: { color: 'rgba(47,158,68,0.55)' }, data: inc('hazards_found') },
      { name: figureLabel('disputes_mediated'), type: 'bar', yAxisIndex: 1, barMaxWidth: 14, itemStyle: { color: 'rgba(140,140,140,0.55)' }, data: inc('disputes_mediated') },
    ],
  };
}
