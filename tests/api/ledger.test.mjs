// ledger.test.mjs: the monthly subsidy ledger of the village auxiliary police
// (驻村补贴, DOMAIN.md "Grassroots"; issue 15): POST /police_subsidies/generate
// (one row per village and officer in post at some day of the month, the
// office's setting as the amount, kept rows kept), /pay (the month's unpaid
// rows paid on a date), GET /police_subsidies/ledger (the finance office's
// sheet, opened as XLSX and CSV), `sanling work subsidies`; the refusals,
// each with nothing stored; scope across two districts.  What each answer
// should hold is computed here from the assignments this file writes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, cliImport, assertProblem, readXlsx, parseCsv, listAll } from './util.mjs';
import { PASSWORD } from './lib.mjs';
import { EAST, WEST, EAST_VILLAGE, EAST_VILLAGE2, WEST_VILLAGE, XLSX_MIME } from './events_util.mjs';

const NORTH = '420000001000', NORTH_VILLAGE = '420000001001';
const OTHER_DISTRICT = `code,name,level,parent
420000000000,北区,district,
${NORTH},北镇,township,420000000000
${NORTH_VILLAGE},北一村,village,${NORTH}
`;
const NAMES = { [EAST]: '东镇', [WEST]: '西乡', [NORTH]: '北镇', [EAST_VILLAGE]: '东一村', [EAST_VILLAGE2]: '东二村',
  [WEST_VILLAGE]: '西一村', [NORTH_VILLAGE]: '北一村' };
const TOWNSHIP_OF = { [EAST_VILLAGE]: EAST, [EAST_VILLAGE2]: EAST, [WEST_VILLAGE]: WEST, [NORTH_VILLAGE]: NORTH };

let d;
after(async () => { await d?.stop(); });
const as = (u) => d.as(u);

// The assignments written (the police's, and the other district's police2's)
const assignments = [
  { officer: '刘辅警', police_no: 'F001', kind: 'auxiliary', village: EAST_VILLAGE, from: '2024-01-10', to: '2024-03-15', by: 'police' },
  { officer: '刘辅警', police_no: 'F001', kind: 'auxiliary', village: WEST_VILLAGE, from: '2024-03-16', by: 'police' },
  { officer: '王辅警', police_no: 'F002', kind: 'auxiliary', village: EAST_VILLAGE2, from: '2024-02-01', by: 'police' },
  { officer: '陈辅警', police_no: 'F003', kind: 'auxiliary', village: WEST_VILLAGE, from: '2023-06-01', to: '2024-01-31', by: 'police' },
  { officer: '赵民警', police_no: 'M001', kind: 'officer', township: EAST, from: '2023-01-01', by: 'police' },
  { officer: '北辅警', police_no: 'N001', kind: 'auxiliary', village: NORTH_VILLAGE, from: '2023-01-01', by: 'police2' },
];

const lastDay = (m) => { const [y, mo] = m.split('-').map(Number); return new Date(Date.UTC(y, mo, 0)).toISOString().slice(0, 10); };
// The (village, officer) pairs of month m, in district `district` (by the village's township)
function pairs(m, inNorth = false) {
  const first = `${m}-01`, last = lastDay(m);
  const set = new Map();
  for (const a of assignments) {
    if (a.kind !== 'auxiliary' || a.from > last || (a.to && a.to < first)) continue;
    if ((TOWNSHIP_OF[a.village] === NORTH) !== inNorth) continue;
    set.set(`${a.village}|${a.police_no}`, { village: a.village, officer: a.police_no, name: a.officer });
  }
  return [...set.values()].sort((x, y) => (x.village + x.officer < y.village + y.officer ? -1 : 1));
}

async function ledgerRows(client, month) {
  return (await listAll(client, `/api/v1/police_subsidies?month=${month}`))
    .map((r) => ({ village: r.village, officer: r.officer, month: r.month, amount: r.amount, paid_on: r.paid_on ?? null, rev: r.rev }))
    .sort((x, y) => (x.village + x.officer < y.village + y.officer ? -1 : 1));
}
const snapshot = async (client) => JSON.stringify(await listAll(client, '/api/v1/police_subsidies'));

before(async () => {
  d = await districtServer((store) => {
    cliImport(store, 'regions', OTHER_DISTRICT, 'north');
    cliImport(store, 'departments', '单位代码,单位名称,职能,所在区划\nGA2,北区公安局,police,420000000000\n', 'north-depts');
    const r = store.cli(['user', 'add', 'police2', '--role', 'police', '--dept', 'GA2'], PASSWORD + '\n');
    if (r.status !== 0) throw new Error(r.stderr);
  });
  for (const { by, ...a } of assignments) {
    const r = await (await as(by)).post('/api/v1/police_assignments', a);
    assert.equal(r.status, 201, r.text);
  }
});

test('generating a month makes one row per village and officer in post, at the setting\'s amount; again, nothing more', async () => {
  const police = await as('police');
  const r = await police.post('/api/v1/police_subsidies/generate', { month: '2024-01' });
  assert.equal(r.status, 200, r.text);
  const want = pairs('2024-01');
  assert.deepEqual(want.map((p) => p.officer), ['F001', 'F003'], 'the fixture: F001 from the 10th, F003 until the 31st');
  assert.equal(r.json.month, '2024-01');
  assert.equal(r.json.kept, 0);
  assert.equal(r.json.amount, 500);
  assert.deepEqual(r.json.created.map((x) => [x.village, x.officer, x.month, x.amount, x.paid_on ?? null, x.township]).sort(),
    want.map((p) => [p.village, p.officer, '2024-01', 500, null, TOWNSHIP_OF[p.village]]).sort());
  const again = await police.post('/api/v1/police_subsidies/generate', { month: '2024-01' });
  assert.equal(again.status, 200, again.text);
  assert.deepEqual([again.json.created.length, again.json.kept, again.json.total], [0, want.length, want.length]);
  assert.equal((await ledgerRows(police, '2024-01')).length, want.length, 'not duplicated');
  // the other district's police made none of this district's rows, and its own only
  const p2 = await as('police2');
  const n = await p2.post('/api/v1/police_subsidies/generate', { month: '2024-01' });
  assert.equal(n.status, 200, n.text);
  assert.deepEqual(n.json.created.map((x) => [x.village, x.officer]), pairs('2024-01', true).map((p) => [p.village, p.officer]));
  assert.equal((await ledgerRows(police, '2024-01')).length, want.length, 'the north\'s row is not the east\'s');
});

test('the office\'s setting is the amount of rows generated after it; a row already there keeps its own', async () => {
  const office = await as('office'), police = await as('police');
  const s = await office.put('/api/v1/settings', { police_subsidy_yuan: 600 });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.police_subsidy_yuan, 600);
  assertProblem(await office.put('/api/v1/settings', { police_subsidy_yuan: 0 }), 422, { field: 'police_subsidy_yuan' });
  assertProblem(await police.put('/api/v1/settings', { police_subsidy_yuan: 700 }), 403);
  // one February row entered by hand before the generation, at 450 yuan
  const hand = await police.post('/api/v1/police_subsidies', { village: EAST_VILLAGE, officer: 'F001', month: '2024-02', amount: 450 });
  assert.equal(hand.status, 201, hand.text);
  const r = await police.post('/api/v1/police_subsidies/generate', { month: '2024-02' });
  assert.equal(r.status, 200, r.text);
  const want = pairs('2024-02');
  assert.equal(r.json.kept, 1);
  assert.equal(r.json.created.length, want.length - 1);
  const rows = await ledgerRows(police, '2024-02');
  assert.deepEqual(rows.map((x) => [x.village, x.officer, x.amount]),
    want.map((p) => [p.village, p.officer, p.village === EAST_VILLAGE && p.officer === 'F001' ? 450 : 600]));
  // January's rows keep 500
  assert.ok((await ledgerRows(police, '2024-01')).every((x) => x.amount === 500));
  // March: F001 in two villages (moved on the 16th), F002
  const m = await (await as('office')).post('/api/v1/police_subsidies/generate', { month: '2024-03' });
  assert.equal(m.status, 200, m.text);
  assert.deepEqual(m.json.created.map((x) => `${x.village}|${x.officer}`).sort(), pairs('2024-03').map((p) => `${p.village}|${p.officer}`));
});

test('generating refuses a bad or future month and the roles that do not keep the ledger, storing nothing', async () => {
  const police = await as('police');
  const before = await snapshot(police);
  for (const month of ['2024-13', '2024-1', '', '2999-01']) {
    assertProblem(await police.post('/api/v1/police_subsidies/generate', { month }), 422, { field: 'month' });
  }
  assertProblem(await police.post('/api/v1/police_subsidies/generate', {}), 422, { field: 'month' });
  assertProblem(await police.post('/api/v1/police_subsidies/generate', { month: 202401 }), 422, { field: 'month' });
  assertProblem(await police.post('/api/v1/police_subsidies/generate', { month: '2024-04', extra: 1 }), 400, { field: 'extra' });
  for (const u of ['east', 'grid1', 'edu', 'petition']) {
    assertProblem(await (await as(u)).post('/api/v1/police_subsidies/generate', { month: '2024-04' }), 403);
  }
  assert.equal(await snapshot(police), before, 'nothing stored');
  // the current month is allowed
  const now = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);
  const cur = await police.post('/api/v1/police_subsidies/generate', { month: now });
  assert.equal(cur.status, 200, cur.text);
  assert.deepEqual(cur.json.created.map((x) => `${x.village}|${x.officer}`).sort(), pairs(now).map((p) => `${p.village}|${p.officer}`));
});

test('paying marks the month\'s unpaid rows paid, each a new revision; the villages may be named', async () => {
  const police = await as('police');
  const jan = await ledgerRows(police, '2024-01');
  const r = await police.post('/api/v1/police_subsidies/pay', { month: '2024-01', paid_on: '2024-02-05' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.paid, r.json.amount], [jan.length, jan.reduce((s, x) => s + x.amount, 0)]);
  const after = await ledgerRows(police, '2024-01');
  assert.deepEqual(after.map((x) => [x.paid_on, x.rev]), jan.map((x) => ['2024-02-05', x.rev + 1]));
  // again: nothing unpaid is left
  const again = await police.post('/api/v1/police_subsidies/pay', { month: '2024-01', paid_on: '2024-02-06' });
  assert.equal(again.json.paid, 0);
  assert.ok((await ledgerRows(police, '2024-01')).every((x) => x.paid_on === '2024-02-05'));
  // February: only 东二村's row
  const feb = await police.post('/api/v1/police_subsidies/pay', { month: '2024-02', paid_on: '2024-03-01', villages: [EAST_VILLAGE2] });
  assert.equal(feb.status, 200, feb.text);
  assert.equal(feb.json.paid, 1);
  assert.deepEqual((await ledgerRows(police, '2024-02')).map((x) => [x.village, x.paid_on]),
    pairs('2024-02').map((p) => [p.village, p.village === EAST_VILLAGE2 ? '2024-03-01' : null]));
  // the audit names each row and the action
  const audit = await (await as('auditor')).get('/api/v1/audit?action=police_subsidies.pay');
  assert.equal(audit.status, 200, audit.text);
  assert.ok(audit.json.items.length >= 3, 'one row per payment action');
});

test('paying refuses a date in the future or before the month, a village not the district\'s, the wrong roles; nothing stored', async () => {
  const police = await as('police');
  const before = await snapshot(police);
  const cases = [
    [{ month: '2024-03', paid_on: '2999-01-01' }, 'paid_on'],
    [{ month: '2024-03', paid_on: '2024-02-29' }, 'paid_on'],
    [{ month: '2024-03', paid_on: '2024-04-31' }, 'paid_on'],
    [{ month: '2024-03' }, 'paid_on'],
    [{ month: '2024-3', paid_on: '2024-04-01' }, 'month'],
    [{ month: '2999-03', paid_on: '2024-04-01' }, 'month'],
    [{ month: '2024-03', paid_on: '2024-04-01', villages: ['NOPE'] }, 'villages'],
    [{ month: '2024-03', paid_on: '2024-04-01', villages: [EAST] }, 'villages'],
    [{ month: '2024-03', paid_on: '2024-04-01', villages: [NORTH_VILLAGE] }, 'villages'],
    [{ month: '2024-03', paid_on: '2024-04-01', villages: EAST_VILLAGE }, 'villages'],
    [{ month: '2024-03', paid_on: '2024-04-01', villages: [1] }, 'villages'],
  ];
  for (const [body, field] of cases) {
    assertProblem(await police.post('/api/v1/police_subsidies/pay', body), 422, { field });
  }
  assertProblem(await police.post('/api/v1/police_subsidies/pay', { month: '2024-03', paid_on: '2024-04-01', by: 'x' }), 400, { field: 'by' });
  for (const u of ['east', 'grid1', 'edu']) {
    assertProblem(await (await as(u)).post('/api/v1/police_subsidies/pay', { month: '2024-03', paid_on: '2024-04-01' }), 403);
  }
  assert.equal(await snapshot(police), before, 'nothing stored');
});

// The sheet of month m as the finance office should get it, from the ledger rows read back.
function sheet(rows, townships) {
  const mine = rows.filter((x) => !townships || townships.includes(TOWNSHIP_OF[x.village]))
    .sort((a, b) => (TOWNSHIP_OF[a.village] + a.village + a.officer < TOWNSHIP_OF[b.village] + b.village + b.officer ? -1 : 1));
  const name = (x) => assignments.filter((a) => a.police_no === x.officer)
    .sort((a, b) => (a.village === x.village) - (b.village === x.village) || (a.from < b.from ? -1 : 1)).pop().officer;
  const fen = mine.reduce((s, x) => s + Math.round(x.amount * 100), 0);
  return {
    rows: mine.map((x, i) => [String(i + 1), NAMES[TOWNSHIP_OF[x.village]], NAMES[x.village], name(x), x.officer, x.month, x.amount, x.paid_on ?? '']),
    total: fen / 100,
  };
}

test('the finance office\'s sheet: names not codes, yuan, a 合计 row that is the sum; as XLSX and CSV', async () => {
  const police = await as('police');
  for (const month of ['2024-01', '2024-02', '2024-03']) {
    const want = sheet(await ledgerRows(police, month));
    const x = await police.get(`/api/v1/police_subsidies/ledger?month=${month}&format=xlsx`);
    assert.equal(x.status, 200, x.text);
    assert.equal(x.headers.get('content-type'), XLSX_MIME);
    assert.match(x.headers.get('content-disposition'), /attachment; filename="police-subsidies-\d{4}-\d{2}\.xlsx"/);
    const book = readXlsx(x.buf);
    assert.deepEqual(book[0], ['序号', '乡镇', '村（社区）', '姓名', '警号', '月份', '补贴金额（元）', '发放日期', '签收']);
    const body = book.slice(1, -1);
    assert.deepEqual(body.map((r) => [...r.slice(0, 6), Number(r[6]), r[7] ?? '']), want.rows, `${month}: the rows`);
    assert.ok(body.every((r) => (r[8] ?? '') === ''), 'the 签收 column is empty');
    const total = book[book.length - 1];
    assert.equal(total[0], '合计');
    assert.equal(Number(total[6]), want.total, `${month}: the total`);
    assert.equal(body.reduce((s, r) => s + Math.round(Number(r[6]) * 100), 0) / 100, want.total);
    const c = await police.get(`/api/v1/police_subsidies/ledger?month=${month}&format=csv`);
    assert.equal(c.status, 200, c.text);
    const csv = parseCsv(c.text);
    assert.deepEqual(csv[0], book[0]);
    assert.deepEqual(csv.slice(1, -1).map((r) => r[6]), want.rows.map((r) => r[6].toFixed(2)), 'yuan with two decimals');
    assert.deepEqual(csv[csv.length - 1].slice(0, 7), ['合计', '', '', '', '', '', want.total.toFixed(2)]);
  }
  // a township sees its own villages' rows
  const east = await as('east');
  const book = readXlsx((await east.get('/api/v1/police_subsidies/ledger?month=2024-03')).buf);
  const want = sheet(await ledgerRows(police, '2024-03'), [EAST]);
  assert.deepEqual(book.slice(1, -1).map((r) => r[2]), want.rows.map((r) => r[2]));
  assert.equal(Number(book[book.length - 1][6]), want.total);
  // an empty month: the header and a total of 0
  const empty = readXlsx((await police.get('/api/v1/police_subsidies/ledger?month=2020-01')).buf);
  assert.deepEqual([empty.length, empty[1][0], Number(empty[1][6])], [2, '合计', 0]);
});

test('the sheet refuses a bad month or format, unknown parameters and those who may not read the ledger', async () => {
  const police = await as('police');
  assertProblem(await police.get('/api/v1/police_subsidies/ledger'), 422, { field: 'month' });
  assertProblem(await police.get('/api/v1/police_subsidies/ledger?month=2024-13'), 422, { field: 'month' });
  assertProblem(await police.get('/api/v1/police_subsidies/ledger?month=2024-01&format=pdf'), 400, { field: 'format' });
  assertProblem(await police.get('/api/v1/police_subsidies/ledger?month=2024-01&township=x'), 400, { field: 'township' });
  for (const u of ['grid1', 'edu', 'subj']) {
    assertProblem(await (await as(u)).get('/api/v1/police_subsidies/ledger?month=2024-01'), 403);
  }
  assertProblem(await police.post('/api/v1/police_subsidies/ledger?month=2024-01', {}), 405);
  assertProblem(await police.get('/api/v1/police_subsidies/generate'), 405);
});

test('the command line generates a month of every district and pays it', async () => {
  const r = d.store.cli(['work', 'subsidies', '--month', '2024-04', '--pay', '2024-05-06']);
  assert.equal(r.status, 0, r.stderr);
  const want = [...pairs('2024-04'), ...pairs('2024-04', true)];
  assert.match(r.stdout, new RegExp(`2024-04: 新生成 ${want.length} 条，已有 0 条`));
  assert.match(r.stdout, new RegExp(`${want.length} 条于 2024-05-06 发放，合计 ${(want.length * 600).toFixed(2)} 元`));
  const rows = await ledgerRows(await as('police'), '2024-04');
  assert.deepEqual(rows.map((x) => [x.village, x.officer, x.amount, x.paid_on]),
    pairs('2024-04').map((p) => [p.village, p.officer, 600, '2024-05-06']));
  const again = d.store.cli(['work', 'subsidies', '--month', '2024-04']);
  assert.match(again.stdout, new RegExp(`新生成 0 条，已有 ${want.length} 条`));
  for (const args of [['work', 'subsidies'], ['work', 'subsidies', '--month', '2999-01'], ['work', 'subsidies', '--month', '2024-04', '--pay', '2999-01-01']]) {
    assert.notEqual(d.store.cli(args).status, 0, args.join(' '));
  }
});

test('the scheduler generates the current month\'s ledger when the server starts, once', async () => {
  const s = await districtServer((store) => cliImport(store, 'police_assignments',
    `officer,police_no,kind,township,village,from,to\n定时辅警,S001,auxiliary,,${WEST_VILLAGE},2024-01-01,\n`, 'sched'));
  try {
    const police = await s.as('police');
    const now = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);
    let rows = [];
    for (let i = 0; i < 50 && !rows.length; i++) {
      rows = await ledgerRows(police, now);
      if (!rows.length) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(rows.map((x) => [x.village, x.officer, x.amount, x.paid_on]), [[WEST_VILLAGE, 'S001', 500, null]]);
    // a second pass (the command line, as the system) keeps it
    const r = s.store.cli(['work', 'subsidies', '--month', now]);
    assert.match(r.stdout, /新生成 0 条，已有 1 条/);
    const audit = await (await s.as('auditor')).get('/api/v1/audit?action=police_subsidies.generate');
    // the scheduler's pass that made the row; the system's pass that made nothing leaves none
    assert.equal(audit.json.items.length, 1, JSON.stringify(audit.json.items));
  } finally {
    await s.stop();
  }
});
