// ranking.test.mjs: the monthly ranking of townships and sectors (考评, issue
// 14) over the API.  The district of lib.mjs gets the shipped assessment
// table; the test writes a small year — a failed subject in March and one
// in May, tasks and problems due before and after M, cancelled and late
// ones, two empty townships (a tie), manual scores — and holds every total
// against what it computes itself from what it wrote (the rules of
// docs/architecture.md "Ranking", in integers), every line's counts against
// its basis and its records link against the list it opens.  Refusals: a bad
// month or by, manual scores without a reason or out of the item's bounds, an
// item whose kind reads a table not yet there, roles that may not look.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, assertProblem, listAll, cliImport, sql } from './util.mjs';
import { BACKEND } from './lib.mjs';
import { EAST, WEST, DISTRICT, make } from './events_util.mjs';

let d, office;
before(async () => {
  d = await districtServer();
  office = await d.as('office');
});
after(async () => { await d?.stop(); });

const M = '2023-05';
const SOUTH = '410000003000', NORTH = '410000004000';

async function create(user, entity, body, status = 201) {
  const r = await (await d.as(user)).post(`/api/v1/${entity}`, body);
  assert.equal(r.status, status, `${user} creates ${entity}: ${r.text}`);
  return r.json;
}
async function items(code) {
  const all = await listAll(office, '/api/v1/assessment_items');
  return code ? all.find((x) => x.code === code) : all;
}
const ranking = (q, user = 'office') => d.as(user).then((c) => c.get(`/api/v1/ranking?${q}`));

// ---- the rules, written again here: points in tenths, from counts ----
const roundDiv = (a, b) => Math.floor((2 * a + b) / (2 * b));
function ratePoints(points, target, num, den) {
  if (den === 0) return points * 10;
  if (target) return num * 100 >= target * den ? points * 10 : roundDiv(points * 10 * num * 100, target * den);
  return roundDiv(points * 10 * num, den);
}
const pct = (num, den) => { const t = roundDiv(1000 * num, den); return `${Math.floor(t / 10)}.${t % 10}%`; };

// Is table `table` installed (the 督办 and 一月一动态 slices' tables may not be, on this branch)?
const HAVE = (table) => sql(d.store, BACKEND === 'postgresql'
  ? `SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '${table}' AND table_schema = current_schema()`
  : `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '${table}'`, BACKEND) !== '0';

test('every district starts with the shipped assessment table (考评表)', async () => {
  const all = await items();
  const shape = all.map((x) => [x.code, x.name, x.applies_to, x.method, x.points, x.active, x.district]);
  assert.deepEqual(shape, [
    ['compliance', '创建达标率', 'both', 'compliance_rate', 40, true, DISTRICT],
    ['tasks', '任务按时完成', 'both', 'tasks_on_time', 20, true, DISTRICT],
    ['problems', '问题按时整改', 'both', 'problems_on_time', 20, true, DISTRICT],
    ['confirm', '清单按月确认', 'both', 'list_confirmed', 10, true, DISTRICT],
    ['cards', '督办黄红牌', 'both', 'cards', 10, true, DISTRICT],
    ['bonus', '加分项', 'both', 'manual', 5, true, DISTRICT],
  ]);
  assert.equal((await items('compliance')).target, 90);
  assert.deepEqual([(await items('cards')).yellow_points, (await items('cards')).red_points], [1, 3]);
  assert.equal((await items('confirm')).due_day, 5);
  // a district created later gets it too (the CLI import goes through the same write path)
  cliImport(d.store, 'regions', 'code,name,level,parent\n420000000000,另一区,district,\n');
  assert.equal(sql(d.store, "SELECT COUNT(*) FROM assessment_items WHERE district = '420000000000'", BACKEND), '6');
});

test('an item whose kind reads a table not yet built refuses: the ranking names it, and it cannot be enabled', async () => {
  const absent = [['supervisions', 'cards', /督办黄红牌/], ['list_confirmations', 'list_confirmed', /清单按月确认/]]
    .filter(([table]) => !HAVE(table));
  const r = await ranking(`month=${M}&by=township`);
  if (absent.length) assertProblem(r, 409, { detail: new RegExp(absent.map(([, , re]) => re.source).join('|')) });
  else assert.equal(r.status, 200, r.text);
  for (const [table, method] of absent) {
    assertProblem(await office.post('/api/v1/assessment_items', { code: 'new_' + method, name: '新项目', applies_to: 'both',
      method, points: 5, ...(method === 'cards' ? { yellow_points: 1 } : {}) }), 422, { field: 'method', detail: new RegExp(table) });
    // stored, but not active: allowed (it is enabled once the table is there)
    await create('office', 'assessment_items', { code: 'off_' + method, name: '停用项目', applies_to: 'both', method,
      points: 5, active: false, ...(method === 'cards' ? { yellow_points: 1 } : {}) });
  }
  // the tests below rank without them until the last one
  for (const code of ['confirm', 'cards']) {
    const u = await office.update(`/api/v1/assessment_items/${(await items(code)).id}`, { active: false });
    assert.equal(u.status, 200, u.text);
  }
  const ok = await ranking(`month=${M}&by=township`);
  assert.equal(ok.status, 200, ok.text);
});

test('the assessment table: parameters only where the method takes them; the office only writes', async () => {
  const base = { code: 'x1', name: '测试项', applies_to: 'township', points: 5 };
  assertProblem(await office.post('/api/v1/assessment_items', { ...base, method: 'manual', target: 90 }), 422, { field: 'target' });
  assertProblem(await office.post('/api/v1/assessment_items', { ...base, method: 'tasks_on_time', yellow_points: 1 }), 422, { field: 'yellow_points' });
  assertProblem(await office.post('/api/v1/assessment_items', { ...base, method: 'manual', due_day: 3 }), 422, { field: 'due_day' });
  assertProblem(await office.post('/api/v1/assessment_items', { ...base, method: 'rank' }), 422, { field: 'method' });
  assertProblem(await office.post('/api/v1/assessment_items', { ...base, method: 'manual', points: -1 }), 422, { field: 'points' });
  for (const user of ['east', 'edu', 'petition']) {
    assertProblem(await (await d.as(user)).post('/api/v1/assessment_items', { ...base, method: 'manual' }), 403);
  }
  assert.equal((await items()).some((x) => x.code === 'x1'), false, 'nothing stored');
});

// ---- the year the test writes ----

async function task(no, over, patch) {
  const t = await create('office', 'tasks', { no, title: '创建任务' + no, source: 'standard', ...over });
  if (patch) {
    const u = await office.update(`/api/v1/tasks/${t.id}`, patch);
    assert.equal(u.status, 200, u.text);
  }
}
async function problem(no, over, patch) {
  const p = await create('office', 'problems', { no, source: 'supervision', description: '问题' + no, level: 'general', ...over });
  if (patch) {
    const u = await office.update(`/api/v1/problems/${p.id}`, patch);
    assert.equal(u.status, 200, u.text);
  }
}

// What the test wrote, per unit: [compliant, on the list] through M, [on time, due] tasks and problems.
const WROTE = {
  township: {
    [EAST]: { name: '东镇', subjects: [2, 3], tasks: [1, 2], problems: [1, 1], bonus: 3 },
    [WEST]: { name: '西乡', subjects: [1, 2], tasks: [0, 1], problems: [1, 2], bonus: 0 },
    [SOUTH]: { name: '南街道', subjects: [0, 0], tasks: [0, 0], problems: [0, 0], bonus: 0 },
    [NORTH]: { name: '北街道', subjects: [0, 0], tasks: [0, 0], problems: [0, 0], bonus: 0 },
  },
  sector: {
    JT: { name: '教体局', subjects: [1, 1], tasks: [1, 2], problems: [2, 2], bonus: -2 },
    SJ: { name: '市场监管局', subjects: [0, 1], tasks: [0, 1], problems: [0, 1], bonus: 0 },
  },
};

function expected(by) {
  const rows = Object.entries(WROTE[by]).map(([unit, w]) => {
    const lines = {
      compliance: ratePoints(40, 90, ...w.subjects),
      tasks: ratePoints(20, 0, ...w.tasks),
      problems: ratePoints(20, 0, ...w.problems),
      bonus: w.bonus * 10,
    };
    return { unit, name: w.name, lines, total: Object.values(lines).reduce((a, b) => a + b, 0) };
  });
  rows.sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  rows.forEach((r, i) => { r.rank = i && rows[i - 1].total === r.total ? rows[i - 1].rank : i + 1; });
  return rows;
}

test('the ranking of townships and sectors: totals, lines, ranks, ties, the basis and the records of each line', async () => {
  // two townships without subjects or work: full points where nothing was due (a tie)
  for (const [code, name] of [[SOUTH, '南街道'], [NORTH, '北街道']]) {
    const r = await office.post('/api/v1/regions', { code, name, level: 'township', parent: DISTRICT });
    assert.equal(r.status, 201, r.text);
  }
  // V2 (东镇) fails in March, R1 (西乡, 市场监管局) in May: not compliant through May
  await create('police', 'cases', make.cases('RK-C1', { subject: 'V2', occurred_on: '2023-03-10' }));
  await create('safety', 'accidents', make.accidents('RK-A1', { subject: 'R1', occurred_on: '2023-05-09' }));
  // tasks due Jan..May 2023: T1 on time, T2 late, T3 not done; T4 due in June, T5 cancelled, T6 of last year
  await task('RK-T1', { owner: 'JT', township: EAST, assigned_on: '2023-03-01', due_on: '2023-04-30' },
    { status: 'done', done_on: '2023-04-20' });
  await task('RK-T2', { owner: 'JT', township: EAST, assigned_on: '2023-03-01', due_on: '2023-05-15' },
    { status: 'done', done_on: '2023-05-20' });
  await task('RK-T3', { owner: 'SJ', township: WEST, assigned_on: '2023-03-01', due_on: '2023-05-10' });
  await task('RK-T4', { owner: 'JT', assigned_on: '2023-05-01', due_on: '2023-06-30' });
  await task('RK-T5', { owner: 'SJ', township: WEST, assigned_on: '2023-03-01', due_on: '2023-04-30' }, { status: 'cancelled' });
  await task('RK-T6', { owner: 'JT', township: EAST, assigned_on: '2022-12-01', due_on: '2022-12-31' });
  // problems with deadlines Jan..May: P1 on time, P2 open, P3 rectified on its deadline
  await problem('RK-P1', { department: 'JT', subject: 'S1', found_on: '2023-04-01', deadline: '2023-04-30' },
    { status: 'rectified', rectified_on: '2023-04-25' });
  await problem('RK-P2', { department: 'SJ', subject: 'R1', found_on: '2023-05-01', deadline: '2023-05-20' });
  await problem('RK-P3', { department: 'JT', township: WEST, subject: null, found_on: '2023-05-01', deadline: '2023-05-31' },
    { status: 'rectified', rectified_on: '2023-05-31' });
  // manual scores
  await create('office', 'assessment_scores', { month: M, unit_kind: 'township', unit: EAST, item: 'bonus', points: 3, reason: '创建工作获市级表彰' });
  await create('office', 'assessment_scores', { month: M, unit_kind: 'sector', unit: 'JT', item: 'bonus', points: -2, reason: '信息报送迟报两次' });

  for (const by of ['township', 'sector']) {
    const r = await ranking(`month=${M}&by=${by}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.json.month, r.json.by], [M, by]);
    assert.deepEqual(r.json.columns.map((c) => c.item), ['compliance', 'tasks', 'problems', 'bonus']);
    const want = expected(by);
    assert.deepEqual(r.json.items.map((x) => [x.rank, x.unit, x.unit_name, Math.round(x.total * 10)]),
      want.map((x) => [x.rank, x.unit, x.name, x.total]), `${by}: ranks and totals`);
    for (const row of r.json.items) {
      const w = WROTE[by][row.unit];
      const exp = want.find((x) => x.unit === row.unit);
      assert.deepEqual(row.lines.map((l) => [l.item, Math.round(l.points * 10)]), Object.entries(exp.lines), `${row.unit} lines`);
      const [c, t, p, b] = row.lines;
      assert.equal(c.item_name, '创建达标率');
      if (w.subjects[1]) assert.match(c.basis, new RegExp(`达标 ${w.subjects[0]}/${w.subjects[1]} = ${pct(...w.subjects).replace('.', '\\.')}`));
      if (w.tasks[1]) assert.match(t.basis, new RegExp(`到期任务 ${w.tasks[1]} 项（已撤销的不计），按时完成 ${w.tasks[0]} 项`));
      else assert.match(t.basis, /无到期任务，得满分/);
      if (w.problems[1]) assert.match(p.basis, new RegExp(`到期问题 ${w.problems[1]} 个，按时整改 ${w.problems[0]} 个`));
      if (w.bonus) assert.match(b.basis, new RegExp(`手工评分 ${w.bonus} 分`));
      else assert.match(b.basis, /未评分/);
      assert.equal(Math.round(row.total * 10), row.lines.reduce((a, l) => a + Math.round(l.points * 10), 0), 'the total is the sum of its lines');
      // every counted line opens the list of the records it counts
      assert.equal(c.records.entity, 'subjects');
      for (const [line, entity, counted] of [[t, 'tasks', w.tasks[1]], [p, 'problems', w.problems[1]]]) {
        assert.equal(line.records.entity, entity);
        const list = await office.get(`/api/v1/${entity}?${line.records.query}&page_size=500`);
        assert.equal(list.status, 200, list.text);
        const rk = list.json.items.filter((x) => x.no.startsWith('RK-') && x.status !== 'cancelled');
        assert.equal(rk.length, counted, `${row.unit}: ${entity} the line counts, listed by its query ${line.records.query}`);
      }
      const subj = await office.get(`/api/v1/subjects?${c.records.query}`);
      assert.equal(subj.status, 200, subj.text);
      assert.equal(subj.json.total, w.subjects[1], `${row.unit}: the subjects of the compliance line`);
    }
  }
  // ties share the rank and are ordered by name
  const t = (await ranking(`month=${M}&by=township`)).json.items;
  assert.deepEqual(t.slice(0, 2).map((x) => [x.rank, x.unit_name]), [[1, '北街道'], [1, '南街道']]);
  // every business unit of the district sees the same ranking (it is the bulletin's)
  for (const user of ['east', 'west', 'edu', 'petition', 'safety', 'police']) {
    const r = await ranking(`month=${M}&by=township`, user);
    assert.equal(r.status, 200, `${user}: ${r.text}`);
    assert.deepEqual(r.json.items, t, `${user} sees the whole ranking`);
  }
  // the month published (certified by the three leads): the same ranking, from the locked determination
  for (const [user, dimension] of [['petition', 'petition'], ['safety', 'accident'], ['police', 'case']]) {
    const c = await (await d.as(user)).post(`/api/v1/months/${M}/certify`, { dimension });
    assert.equal(c.status, 200, c.text);
  }
  const pub = await office.post(`/api/v1/months/${M}/publish`, {});
  assert.equal(pub.status, 200, pub.text);
  assert.equal(pub.json.published, true);
  assert.deepEqual((await ranking(`month=${M}&by=township`)).json.items, t, 'published: unchanged');
  // an item's points change the ranking at once
  const comp = await items('compliance');
  assert.equal((await office.update(`/api/v1/assessment_items/${comp.id}`, { target: null })).status, 200);
  const r2 = (await ranking(`month=${M}&by=township`)).json.items.find((x) => x.unit === EAST);
  assert.equal(Math.round(r2.lines[0].points * 10), ratePoints(40, 0, 2, 3), 'without a target: points × rate');
  assert.equal((await office.update(`/api/v1/assessment_items/${comp.id}`, { target: 90 })).status, 200);
});

test('manual scores: a reason, a manual item, within its points, a unit of the district, once a month; the office only', async () => {
  const before = (await listAll(office, '/api/v1/assessment_scores')).length;
  const s = { month: M, unit_kind: 'township', unit: WEST, item: 'bonus', points: 2, reason: '平安建设经验被推广' };
  const { reason, ...noReason } = s; void reason;
  assertProblem(await office.post('/api/v1/assessment_scores', noReason), 422, { field: 'reason' });
  assertProblem(await office.post('/api/v1/assessment_scores', { ...s, reason: '   ' }), 422, { field: 'reason' });
  assertProblem(await office.post('/api/v1/assessment_scores', { ...s, points: 6 }), 422, { field: 'points', detail: /-5 到 5/ });
  assertProblem(await office.post('/api/v1/assessment_scores', { ...s, points: -6 }), 422, { field: 'points' });
  assertProblem(await office.post('/api/v1/assessment_scores', { ...s, item: 'tasks' }), 422, { field: 'item', detail: /不能手工评分/ });
  assertProblem(await office.post('/api/v1/assessment_scores', { ...s, item: 'nosuch' }), 422, { field: 'item' });
  assertProblem(await office.post('/api/v1/assessment_scores', { ...s, unit: '410000009000' }), 422, { field: 'unit' });
  assertProblem(await office.post('/api/v1/assessment_scores', { ...s, unit_kind: 'sector' }), 422, { field: 'unit' });
  assertProblem(await office.post('/api/v1/assessment_scores', { ...s, unit_kind: 'sector', unit: 'DZ' }), 422, { field: 'unit', detail: /乡镇（街道）政府/ });
  assertProblem(await office.post('/api/v1/assessment_scores', { ...s, month: '2999-01' }), 422, { field: 'month' });
  assertProblem(await office.post('/api/v1/assessment_scores', { ...s, unit_kind: 'village' }), 422, { field: 'unit_kind' });
  for (const user of ['east', 'edu', 'petition']) {
    assertProblem(await (await d.as(user)).post('/api/v1/assessment_scores', s), 403);
  }
  assert.equal((await listAll(office, '/api/v1/assessment_scores')).length, before, 'nothing stored');
  const ok = await create('office', 'assessment_scores', s);
  assert.equal(ok.no, `${M}.township.${WEST}.bonus`);
  assertProblem(await office.post('/api/v1/assessment_scores', { ...s, points: 1 }), 409, { field: 'item' });
  // a change within bounds, and the reason stays required
  assertProblem(await office.update(`/api/v1/assessment_scores/${ok.id}`, { points: 9 }), 422, { field: 'points' });
  assertProblem(await office.update(`/api/v1/assessment_scores/${ok.id}`, { reason: '' }), 422, { field: 'reason' });
  const u = await office.update(`/api/v1/assessment_scores/${ok.id}`, { points: 1 });
  assert.equal(u.status, 200, u.text);
  const west = (await ranking(`month=${M}&by=township`)).json.items.find((x) => x.unit === WEST);
  assert.deepEqual([Math.round(west.lines[3].points * 10), west.lines[3].basis], [10, '手工评分 1 分：平安建设经验被推广']);
});

test('refusals: a bad month or by, an unknown parameter; roles that may not see the ranking', async () => {
  for (const m of ['2023-13', 'x', '2023-5', '']) assertProblem(await ranking(`month=${m}&by=township`), 422, { field: 'month' });
  assertProblem(await ranking('by=township'), 422, { field: 'month' });
  assertProblem(await ranking('month=2999-01&by=township'), 422, { field: 'month' });
  for (const by of ['village', '', 'supervisor']) assertProblem(await ranking(`month=${M}&by=${by}`), 400, { field: 'by' });
  assertProblem(await ranking(`month=${M}`), 400, { field: 'by' });
  assertProblem(await ranking(`month=${M}&by=township&x=1`), 400);
  for (const user of ['grid1', 'subj', 'sysadmin', 'secadmin', 'auditor']) {
    assertProblem(await ranking(`month=${M}&by=township`, user), 403);
  }
});

test('cards and list confirmation: points from the cards given in M and the confirmation of M\'s list', async () => {
  // stand-ins of the contract's columns where the slices' tables are not installed; the rows carry
  // every column the real tables require, so that they go into either
  const id = BACKEND === 'postgresql' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY';
  if (!HAVE('supervisions')) {
    sql(d.store, `CREATE TABLE supervisions (id ${id}, no TEXT, item_kind TEXT, item TEXT, level TEXT, notice_on TEXT,
      due_on TEXT, owner TEXT, township TEXT, district TEXT, status TEXT, card TEXT, yellow_on TEXT, red_on TEXT,
      red_from TEXT, closed_on TEXT, created_at BIGINT, updated_at BIGINT, rev BIGINT)`, BACKEND);
  }
  if (!HAVE('list_confirmations')) {
    sql(d.store, `CREATE TABLE list_confirmations (id ${id}, district TEXT, month TEXT, unit_kind TEXT, unit TEXT,
      confirmed_by_id BIGINT, confirmed_by TEXT, confirmed_at BIGINT, subjects BIGINT, added BIGINT, changed BIGINT,
      closed BIGINT)`, BACKEND);
  }
  // JT: two yellows in May, one of them red in May, one yellow in April; SJ: four reds in May (more than the cap);
  // 东镇: one yellow in May.  Closed, so that no card pass of the 督办 slice touches them.
  const rows = [
    ['D1', 'JT', EAST, 'yellow', '2023-05-04', null], ['D2', 'JT', WEST, 'red', '2023-05-10', '2023-05-25'],
    ['D3', 'JT', EAST, 'yellow', '2023-04-20', null], ['D4', 'SJ', WEST, 'red', '2023-04-28', '2023-05-02'],
    ['D5', 'SJ', WEST, 'red', '2023-05-01', '2023-05-12'], ['D6', 'SJ', WEST, 'red', '2023-05-02', '2023-05-13'],
    ['D7', 'SJ', WEST, 'red', '2023-05-03', '2023-05-31'], ['D8', 'XF', EAST, 'yellow', '2023-05-31', null],
  ];
  for (const [no, owner, town, card, y, r] of rows) {
    sql(d.store, `INSERT INTO supervisions (no, item_kind, item, level, notice_on, due_on, owner, township, district,
      status, card, yellow_on, red_on, red_from, closed_on, created_at, updated_at, rev) VALUES ('RK-${no}', 'task',
      'RK-T1', 'office', '2023-04-01', '2023-04-10', '${owner}', '${town}', '${DISTRICT}', 'closed', '${card}', '${y}',
      ${r ? `'${r}'` : 'NULL'}, '2023-04-20', '2023-06-30', 0, 0, 1)`, BACKEND);
  }
  const at = (iso) => Math.floor(Date.parse(iso) / 1000);
  for (const [kind, unit, when] of [['township', EAST, '2023-06-05T23:59:59+08:00'], ['township', WEST, '2023-06-06T00:00:00+08:00'],
    ['department', 'JT', '2023-05-20T08:00:00Z'], ['department', 'SJ', '2023-04-30T08:00:00Z']]) {
    const month = unit === 'SJ' ? '2023-04' : M; // SJ confirmed April's list, not May's
    sql(d.store, `INSERT INTO list_confirmations (district, month, unit_kind, unit, confirmed_by_id, confirmed_by,
      confirmed_at, subjects, added, changed, closed) VALUES ('${DISTRICT}', '${month}', '${kind}', '${unit}', 1, 'office',
      ${at(when)}, 0, 0, 0, 0)`, BACKEND);
  }
  const beforeT = (await ranking(`month=${M}&by=township`)).json.items;
  const beforeS = (await ranking(`month=${M}&by=sector`)).json.items;
  for (const code of ['cards', 'confirm']) {
    const u = await office.update(`/api/v1/assessment_items/${(await items(code)).id}`, { active: true });
    assert.equal(u.status, 200, u.text);
  }
  const want = {
    township: { [EAST]: { confirm: 100, cards: -20 }, [WEST]: { confirm: 0, cards: -100 }, [SOUTH]: { confirm: 0, cards: 0 }, [NORTH]: { confirm: 0, cards: 0 } },
    sector: { JT: { confirm: 100, cards: -50 }, SJ: { confirm: 0, cards: -100 } },
  };
  // 东镇: D1, D8 yellow in May = −2; 西乡: yellows D2, D5–D7 and reds D2, D4–D7 in May = −19, capped at −10;
  // JT: yellows D1, D2, red D2 = −5; SJ: yellows D5–D7, reds D4–D7 = −15, capped.  Confirmed by the end of June 5 (China's day: 15:59:59 UTC).
  for (const [by, before] of [['township', beforeT], ['sector', beforeS]]) {
    const r = await ranking(`month=${M}&by=${by}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.columns.map((c) => c.item), ['compliance', 'tasks', 'problems', 'confirm', 'cards', 'bonus']);
    for (const row of r.json.items) {
      const was = before.find((x) => x.unit === row.unit);
      const w = want[by][row.unit];
      const line = (code) => row.lines.find((l) => l.item === code);
      assert.deepEqual([Math.round(line('confirm').points * 10), Math.round(line('cards').points * 10)], [w.confirm, w.cards],
        `${by} ${row.unit}: ${line('confirm').basis} / ${line('cards').basis}`);
      assert.equal(Math.round(row.total * 10), Math.round(was.total * 10) + w.confirm + w.cards, `${row.unit}: the total moves by the two lines`);
    }
    const edu = r.json.items.find((x) => x.unit === 'JT');
    if (edu) {
      assert.equal(edu.lines.find((l) => l.item === 'cards').basis, '5月黄牌 2 张×1 分、红牌 1 张×3 分，扣 5 分');
      assert.match(edu.lines.find((l) => l.item === 'confirm').basis, /5月清单于 2023-05-20 确认（期限 2023-06-05），按时/);
      assert.deepEqual(edu.lines.find((l) => l.item === 'cards').records, { entity: 'supervisions', query: 'owner=JT' });
    }
    const west = r.json.items.find((x) => x.unit === WEST);
    if (west) {
      assert.match(west.lines.find((l) => l.item === 'cards').basis, /最多扣 10 分/);
      assert.match(west.lines.find((l) => l.item === 'confirm').basis, /逾期，不得分/);
    }
    const sj = r.json.items.find((x) => x.unit === 'SJ');
    if (sj) assert.match(sj.lines.find((l) => l.item === 'confirm').basis, /5月清单未确认（期限 2023-06-05）/);
  }
});
