// events_io.test.mjs: import and export of the event lists — the import
// templates of DOMAIN.md, exports of all nine lists in CSV and XLSX (Chinese
// headers, enumeration labels, personal data masked, scope), imports with
// Chinese headers, enumeration labels and references by code or number, row
// errors that store nothing, an XLSX export imported back unchanged, and the
// same through the command line; every import and export in the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { districtServer, assertProblem, listAll, parseCsv, toCsv, readXlsx, run } from './util.mjs';
import {
  EAST, WEST, EAST_GRID, XLSX_MIME, CSV_BODY, XLSX_BODY, EVENT_LISTS, TEMPLATE_KEYS, make, WRITER,
  metaFields, unchanged, byNo, auditRows,
} from './events_util.mjs';
import { ioHeader, namesOf, namedEntities } from './names_util.mjs';

const PID = '11010519491231002X', PHONE = '13800138000', NAME = '张三丰';

let d, office, auditor, fields, names, named;
const ids = {};
before(async () => {
  d = await districtServer();
  office = await d.as('office');
  auditor = await d.as('auditor');
  fields = await metaFields(office);
  named = namedEntities((await office.get('/api/v1/meta')).json);
  names = await namesOf(office, listAll, named, ['regions', 'departments', 'subjects', 'campaigns']);
  // one record of each list, made over the API by its writer
  const seed = {
    petitions: make.petitions('IO-P1', { persons: 6, level: 'county', petitioner_name: NAME, petitioner_id: PID, petitioner_phone: PHONE }),
    petition_activities: make.petition_activities('IO-A1'),
    request_letters: make.request_letters('IO-L1', { petitions: 'IO-P1' }),
    village_records: make.village_records('IO-V1'),
    inspections: make.inspections('IO-I1'),
    hazards: make.hazards('IO-H1', { inspection: 'IO-I1' }),
    accidents: make.accidents('IO-AC1', { direct_loss: '1234.56' }),
    cases: make.cases('IO-C1'),
    disputes: make.disputes('IO-D1', { party_a_name: '李四光', party_a_phone: '13912345678', amount: '2000.5' }),
  };
  for (const entity of EVENT_LISTS) {
    const r = await (await d.as(WRITER[entity])).post(`/api/v1/${entity}`, seed[entity]);
    if (r.status !== 201) throw new Error(`seed ${entity}: ${r.text}`);
    ids[entity] = r.json.id;
  }
});
after(async () => { await d?.stop(); });

const labelOf = (entity, key) => {
  const f = fields[entity].find((x) => x.key === key);
  assert.ok(f, `${entity}.${key} exists`);
  return f.label;
};

// ---- templates ----

test('the import template of each of the seven lists has its DOMAIN columns, by Chinese label', async () => {
  for (const [entity, keys] of Object.entries(TEMPLATE_KEYS)) {
    const pet = await d.as(WRITER[entity]);
    const c = await pet.get(`/api/v1/${entity}/template?format=csv`);
    assert.equal(c.status, 200, `${entity}: ${c.text}`);
    assert.match(c.headers.get('content-type'), /^text\/csv/);
    assert.match(c.headers.get('content-disposition'), /^attachment;/);
    const rows = parseCsv(c.text);
    assert.equal(rows.length, 1, `${entity}: the header row only`);
    const header = rows[0];
    const want = keys.map((k) => labelOf(entity, k));
    for (const l of header) assert.match(l, /[\u4e00-\u9fff]/, `${entity}: ${l} is a Chinese label`);
    // DOMAIN's columns, in DOMAIN's order (other importable columns may follow)
    assert.deepEqual(header.filter((l) => want.includes(l)), want, `${entity}: the DOMAIN columns in order`);
    const plain = header.filter((l) => !(l.endsWith('编码') && header.includes(l.slice(0, -2))));
    assert.deepEqual(plain.slice(0, want.length), want, `${entity}: the template starts with them`);
    // nothing derived: every column can be imported; a named reference's code beside its name
    const importable = ioHeader(fields[entity].filter((f) => f.import), named);
    assert.deepEqual(header, importable, `${entity}: exactly the importable columns`);
    for (const f of fields[entity].filter((x) => x.readonly)) assert.ok(!header.includes(f.label), `${entity}: no ${f.label}`);
    const x = await pet.get(`/api/v1/${entity}/template?format=xlsx`);
    assert.equal(x.status, 200);
    assert.equal(x.headers.get('content-type'), XLSX_MIME);
    assert.deepEqual(readXlsx(x.buf), [header], `${entity}: the XLSX template has the same header`);
  }
  // a role that reads a list may fetch its template; one that may not read it gets 403
  assert.equal((await (await d.as('east')).get('/api/v1/cases/template?format=csv')).status, 200);
  assertProblem(await (await d.as('auditor')).get('/api/v1/cases/template?format=csv'), 403);
});

// ---- exports ----

// What one exported row must hold, by column label.
const EXPECT = {
  petitions: { no: 'IO-P1', cells: { 信访形式: '来访', 最高到达层级: '县级', 人数: '6', 问题类别: '土地征收', 办理状态: '登记',
    集体访: '是', 重复信访: '否', 所属乡镇编码: EAST, 信访人姓名: '张**', 信访人身份证号: '**************002X', 信访人电话: '138****8000' } },
  petition_activities: { no: 'IO-A1', cells: { 活动形式: '开门接访', 带队领导: '李区长', 处理信访事项数: '3' } },
  request_letters: { no: 'IO-L1', cells: { 所附信访事项: 'IO-P1', 区级领导: '王副区长' } },
  village_records: { no: 'IO-V1', cells: { 类型: '逢六村务日', 所属乡镇编码: EAST, 参加人数: '20' } },
  inspections: { no: 'IO-I1', cells: { 领域: '消防', 被检查主体编码: 'S1', 检查单位编码: 'YJ' } },
  hazards: { no: 'IO-H1', cells: { 隐患等级: '一般隐患', 整改状态: '未整改', 检查编号: 'IO-I1', 领域: '消防' } },
  accidents: { no: 'IO-AC1', cells: { 领域: '城镇燃气', 事故等级: '一般事故', 生产安全事故: '是', '直接经济损失（元）': '1234.56', 所属乡镇编码: WEST } },
  cases: { no: 'IO-C1', cells: { 案件类型: '刑事案件', 案件类别: '盗抢骗', 办理状态: '立案', 有重大影响: '否' } },
  disputes: { no: 'IO-D1', cells: { 来源: '网格排查', 纠纷类别: '婚姻家庭邻里', 调解方式: '人民调解', 调解状态: '登记', '涉及金额（元）': '2000.50',
    申请方姓名: '李**', 申请方电话: '139****5678', 网格编码: EAST_GRID } },
};

test('each of the nine lists exports as CSV and XLSX: Chinese headers, enumeration labels, personal data masked', async () => {
  for (const entity of EVENT_LISTS) {
    const user = WRITER[entity];
    const c = await d.as(user);
    const all = await listAll(c, `/api/v1/${entity}`);
    const csv = await c.get(`/api/v1/${entity}/export?format=csv`);
    assert.equal(csv.status, 200, `${entity}: ${csv.text}`);
    assert.match(csv.headers.get('content-type'), /^text\/csv/);
    assert.match(csv.headers.get('content-disposition'), /^attachment;.*\.csv/);
    const rows = parseCsv(csv.text);
    const header = rows[0];
    assert.deepEqual(header, ioHeader(fields[entity], named), `${entity}: one column per field, by its label (a named reference's code beside)`);
    assert.equal(rows.length, all.length + 1, `${entity}: a row per record`);
    const noCol = header.indexOf(labelOf(entity, 'no'));
    assert.deepEqual(rows.slice(1).map((r) => r[noCol]).sort(), all.map((x) => x.no).sort());
    const { no, cells } = EXPECT[entity];
    const row = rows.find((r) => r[noCol] === no);
    assert.ok(row, `${entity}: ${no} exported`);
    for (const [label, v] of Object.entries(cells)) {
      assert.ok(header.includes(label), `${entity}: column ${label}`);
      assert.equal(row[header.indexOf(label)], v, `${entity} ${no}: ${label}`);
    }
    // every named reference: the name of the record its code column names
    for (const f of fields[entity].filter((x) => names[x.ref])) {
      const code = row[header.indexOf(`${f.label}编码`)];
      assert.equal(row[header.indexOf(f.label)], code ? code.split('|').map((k) => names[f.ref].get(k)).join('|') : '',
        `${entity} ${no}: ${f.label} by name`);
    }
    for (const p of [PID, PHONE, NAME, '13912345678', '李四光']) assert.ok(!csv.text.includes(p), `${entity}: ${p} not in the file`);
    const x = await c.get(`/api/v1/${entity}/export?format=xlsx`);
    assert.equal(x.status, 200, x.text);
    assert.equal(x.headers.get('content-type'), XLSX_MIME);
    const xrows = readXlsx(x.buf);
    assert.deepEqual(xrows[0], header, `${entity}: the same header in XLSX`);
    assert.equal(xrows.length, rows.length);
    const xrow = xrows.find((r) => r[noCol] === no);
    for (const [label, v] of Object.entries(cells)) {
      const got = xrow[header.indexOf(label)];
      if (/^-?\d+(\.\d+)?$/.test(v)) assert.equal(Number(got), Number(v), `${entity} XLSX ${label}`);
      else assert.equal(got, v, `${entity} XLSX ${label}`);
    }
    assert.ok(!xrows.flat().some((s) => [PID, PHONE, NAME].includes(s)), `${entity}: masked in XLSX`);
    // both exports are in the audit log
    const log = (await auditRows(auditor, `${entity}.export`)).filter((r) => r.username === user);
    assert.ok(log.length >= 2, `${entity}: exports audited`);
    assert.match(log[0].detail, new RegExp(`rows=${all.length}\\b`));
  }
});

test('exports keep to the scope and the filters', async () => {
  const west = await d.as('west');
  const rows = parseCsv((await west.get('/api/v1/petitions/export?format=csv')).text);
  assert.ok(!rows.slice(1).some((r) => r[0] === 'IO-P1'), 'the west township does not export an east petition');
  const east = parseCsv((await (await d.as('east')).get('/api/v1/petitions/export?format=csv')).text);
  assert.ok(east.slice(1).some((r) => r[0] === 'IO-P1'));
  const f = parseCsv((await office.get('/api/v1/hazards/export?format=csv&state=rectified')).text);
  assert.ok(!f.slice(1).some((r) => r[0] === 'IO-H1'), 'a filter applies to the export');
  assertProblem(await (await d.as('east')).get('/api/v1/request_letters/export?format=csv'), 403);
});

// ---- imports ----

const IMPORTS = {
  petitions: [['信访编号', '登记日期', '信访形式', '人数', '最高到达层级', '涉及主体', '所属乡镇', '问题类别', '主要诉求', '办理状态', '化解日期'],
    ['IM-P1', '2023-04-01', '来访', '3', '县级', 'V1', '', '土地征收', '讨要补偿', '登记', ''],
    ['IM-P2', '2023-04-02', '网上', '6', '乡级', '', WEST, '劳动社保', '', '', '']],
  petition_activities: [['活动编号', '日期', '活动形式', '带队领导', '地点', '处理信访事项数'],
    ['IM-A1', '2023-04-06', '带案下访', '李区长', '东镇', '2']],
  inspections: [['检查编号', '检查日期', '被检查主体', '检查单位', '领域'],
    ['IM-I1', '2023-04-03', 'S1', 'YJ', '消防'],
    ['IM-I2', '2023-04-03', 'R1', '', '城镇燃气']],
  hazards: [['隐患编号', '检查编号', '所属主体', '隐患等级', '领域', '发现日期', '整改期限', '整改完成日期', '验收日期', '隐患描述'],
    ['IM-H1', 'IM-I1', 'S1', '重大隐患', '消防', '2023-04-03', '2023-05-03', '2023-04-20', '', '通道堵塞'],
    ['IM-H2', 'IM-I2', 'R1', '一般隐患', '城镇燃气', '2023-04-04', '2023-04-10', '', '', '软管老化']],
  accidents: [['事故编号', '发生日期', '所属主体', '领域', '死亡人数', '受伤人数', '直接经济损失（元）', '生产安全事故', '事故概况'],
    ['IM-AC1', '2023-04-05', 'R1', '道路交通', '3', '2', '1234.56', '是', '车辆侧翻']],
  cases: [['案件编号', '案件类型', '有重大影响', '案件类别', '发案日期', '所属主体', '所属乡镇', '办理状态', '采取刑事强制措施人数', '移送起诉人数'],
    ['IM-C1', '治安案件', '是', '黄赌毒', '2023-04-06', '', EAST, '立案', '0', '0']],
  disputes: [['纠纷编号', '发现日期', '来源', '纠纷类别', '所属主体', '所属乡镇', '网格', '调解方式', '调解状态', '办结日期', '涉及金额（元）'],
    ['IM-D1', '2023-04-07', '热线', '劳动争议', 'V1', '', '', '人民调解', '登记', '', '3000.5'],
    ['IM-D2', '2023-04-07', '网格排查', '婚姻家庭邻里', '', EAST, EAST_GRID, '司法调解', '', '', '']],
};
// What the imported records hold, as the API answers them.
const IMPORTED = {
  'IM-P1': { channel: 'visit', level: 'county', persons: 3, category: 'land', township: EAST, grid: EAST_GRID, status: 'registered', collective: false, accept_due: '2023-04-16' },
  'IM-P2': { channel: 'online', level: 'township', subject: null, township: WEST, category: 'labour', status: 'registered', collective: true },
  'IM-A1': { kind: 'case_visit', leader: '李区长', petitions_handled: 2 },
  'IM-I1': { subject: 'S1', department: 'YJ', domain: 'fire', township: EAST },
  'IM-I2': { subject: 'R1', department: 'YJ', domain: 'gas', township: WEST }, // the importer's own department
  'IM-H1': { inspection: 'IM-I1', level: 'major', domain: 'fire', rectified_on: '2023-04-20', state: 'rectified', overdue: false },
  'IM-H2': { inspection: 'IM-I2', level: 'general', state: 'open', overdue: true, township: WEST },
  'IM-AC1': { domain: 'road', deaths: 3, injuries: 2, direct_loss: 1234.56, production: true, class: 'larger', township: WEST },
  'IM-C1': { kind: 'public_order', major_impact: true, category: 'porn_gambling_drugs', subject: null, township: EAST, status: 'filed' },
  'IM-D1': { source: 'hotline', category: 'labour', mediation: 'people', status: 'registered', amount: 3000.5, township: EAST, grid: EAST_GRID },
  'IM-D2': { source: 'grid', category: 'family', mediation: 'judicial', status: 'registered', amount: null, township: EAST, grid: EAST_GRID },
};

test('the seven lists import from CSV with Chinese headers, enumeration labels and references by code', async () => {
  // inspections before hazards: a hazard names its inspection by number
  for (const entity of ['petitions', 'petition_activities', 'inspections', 'hazards', 'accidents', 'cases', 'disputes']) {
    const user = WRITER[entity];
    const file = IMPORTS[entity];
    const r = await (await d.as(user)).post(`/api/v1/${entity}/import?format=csv`, toCsv(file), CSV_BODY);
    assert.equal(r.status, 200, `${entity}: ${r.text}`);
    const n = file.length - 1;
    assert.deepEqual([r.json.rows, r.json.created, r.json.updated, r.json.failed], [n, n, 0, 0], entity);
    for (const row of file.slice(1)) {
      const got = await byNo(office, entity, row[0]);
      assert.ok(got, `${row[0]} stored`);
      for (const [k, v] of Object.entries(IMPORTED[row[0]])) assert.deepEqual(got[k], v, `${row[0]}.${k}`);
    }
    const log = (await auditRows(auditor, `${entity}.import`)).filter((x) => x.username === user);
    assert.ok(log.some((x) => x.detail === `rows=${n} created=${n} updated=0 failed=0`), `${entity}: import audited`);
  }
});

test('a row with an unknown channel or level: its row and column named, nothing stored', async () => {
  const pet = await d.as('petition');
  const file = toCsv([IMPORTS.petitions[0],
    ['RE-P1', '2023-04-01', '来访', '1', '县级', 'V1', '', '土地征收', '', '', ''],
    ['RE-P2', '2023-04-01', '飞鸽', '1', '县级', 'V1', '', '土地征收', '', '', ''],
    ['RE-P3', '2023-04-01', '来信', '1', '联合国', 'V1', '', '土地征收', '', '', ''],
    ['RE-P4', '2024-02-30', '来信', '0', '乡级', 'V1', '', '土地征收', '', '', '']]);
  const r = await unchanged(office, 'petitions', () => pet.post('/api/v1/petitions/import?format=csv', file, CSV_BODY));
  assertProblem(r, 422);
  assert.deepEqual([r.json.created, r.json.updated, r.json.failed], [0, 0, 3]);
  const errs = r.json.errors.map(({ row, column, field }) => ({ row, column, field }));
  assert.deepEqual(errs.slice(0, 2), [
    { row: 3, column: '信访形式', field: 'channel' },
    { row: 4, column: '最高到达层级', field: 'level' },
  ]);
  assert.match(r.json.errors[0].message, /飞鸽/);
  assert.match(r.json.errors[1].message, /联合国/);
  assert.ok(errs.slice(2).every((e) => e.row === 5), 'the last row: its bad date and persons');
  assert.ok(errs.slice(2).some((e) => e.column === '登记日期'));
  for (const no of ['RE-P1', 'RE-P2', 'RE-P3', 'RE-P4']) assert.equal(await byNo(office, 'petitions', no), undefined, `${no} not stored`);
  // hazards: an unknown inspection, a rectification before the find
  const saf = await d.as('safety');
  const hz = toCsv([IMPORTS.hazards[0],
    ['RE-H1', 'NO-SUCH', 'S1', '一般隐患', '消防', '2023-04-03', '2023-05-03', '', '', ''],
    ['RE-H2', '', 'S1', '一般隐患', '消防', '2023-04-03', '2023-05-03', '2023-04-01', '', ''],
    ['RE-H3', '', 'S1', '一般隐患', '消防', '2023-04-03', '2023-05-03', '', '', '']]);
  const h = await unchanged(office, 'hazards', () => saf.post('/api/v1/hazards/import?format=csv', hz, CSV_BODY));
  assertProblem(h, 422);
  assert.deepEqual(h.json.errors.map((e) => [e.row, e.column]), [[2, '检查编号'], [3, '整改完成日期']]);
  assert.equal(await byNo(office, 'hazards', 'RE-H3'), undefined, 'all or nothing');
  // disputes: a negative amount; a township importing on the other township's subject
  const ds = toCsv([IMPORTS.disputes[0],
    ['RE-D1', '2023-04-07', '热线', '劳动争议', 'V1', '', '', '', '', '', '-5'],
    ['RE-D2', '2023-04-07', '热线', '劳动争议', 'R1', '', '', '', '', '', '']]);
  const dr = await unchanged(office, 'disputes', async () => (await d.as('east')).post('/api/v1/disputes/import?format=csv', ds, CSV_BODY));
  assertProblem(dr, 422);
  assert.deepEqual(dr.json.errors.map((e) => [e.row, e.column]), [[2, '涉及金额（元）'], [3, '所属主体']]);
  assert.match(dr.json.errors[1].message, /不存在/);
  // a column the list does not have
  const bad = await unchanged(office, 'cases', async () => (await d.as('police')).post('/api/v1/cases/import?format=csv',
    toCsv([[...IMPORTS.cases[0], '嫌疑人'], [...IMPORTS.cases[1].map((c, i) => (i ? c : 'RE-C1')), '某']]), CSV_BODY));
  assertProblem(bad, 422);
  assert.deepEqual(bad.json.errors.map((e) => [e.row, e.column]), [[1, '嫌疑人']]);
  // a role that may not write the list may not import it
  assertProblem(await unchanged(office, 'cases', async () => (await d.as('east')).post('/api/v1/cases/import?format=csv',
    toCsv(IMPORTS.cases), CSV_BODY)), 403);
});

test('an XLSX export of each list imported back updates every row, creates none, changes nothing', async () => {
  const strip = (l) => l.map(({ rev, ...rest }) => rest).sort((a, b) => a.id - b.id);
  for (const entity of Object.keys(TEMPLATE_KEYS)) {
    const c = await d.as(WRITER[entity]);
    const before = await listAll(c, `/api/v1/${entity}`);
    assert.ok(before.length >= 1, entity);
    const x = await c.get(`/api/v1/${entity}/export?format=xlsx`);
    assert.equal(x.status, 200, x.text);
    const r = await c.post(`/api/v1/${entity}/import?format=xlsx`, x.buf, XLSX_BODY);
    assert.equal(r.status, 200, `${entity}: ${r.text}`);
    assert.deepEqual([r.json.rows, r.json.created, r.json.updated, r.json.failed], [before.length, 0, before.length, 0], entity);
    const after = await listAll(c, `/api/v1/${entity}`);
    assert.deepEqual(strip(after), strip(before), `${entity}: every field as it was`);
  }
  // the masked personal data in the file kept what was stored
  const pet = await d.as('petition');
  const rv = await pet.post(`/api/v1/petitions/${ids.petitions}/reveal`, { field: 'petitioner_id', reason: '核对导入结果' });
  assert.equal(rv.status, 200, rv.text);
  assert.equal(rv.json.value, PID);
  assert.deepEqual((await office.get(`/api/v1/petitions?petitioner_phone=${PHONE}&reason=${encodeURIComponent('核对导入结果')}`)).json.items.map((x) => x.no), ['IO-P1']);
  const dv = await (await d.as('east')).post(`/api/v1/disputes/${ids.disputes}/reveal`, { field: 'party_a_phone', reason: '核对导入结果' });
  assert.equal(dv.json.value, '13912345678');
});

// ---- the command line ----

test('command line: `sanling import petitions FILE` imports; a bad row fails it, naming row and column', async () => {
  const f = join(d.store.dir, 'cli-petitions.csv');
  writeFileSync(f, toCsv([IMPORTS.petitions[0],
    ['CL-P1', '2023-05-01', '来电', '2', '市级', 'V3', '', '生态环境', '噪声扰民', '', ''],
    ['CL-P2', '2023-05-02', '来信', '1', '进京', 'S1', '', '涉法涉诉', '', '已办结', '']]));
  const r = d.store.cli(['import', 'petitions', f]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /2 rows: 2 created/);
  const p1 = await byNo(office, 'petitions', 'CL-P1');
  assert.deepEqual([p1.channel, p1.level, p1.township, p1.category], ['phone', 'city', WEST, 'environment']);
  assert.equal((await byNo(office, 'petitions', 'CL-P2')).status, 'closed', 'a historical record in its own status');
  const log = await auditRows(auditor, 'petitions.import');
  assert.ok(log.some((x) => x.username === 'system' && x.detail === 'rows=2 created=2 updated=0 failed=0'));
  const bad = join(d.store.dir, 'cli-bad.csv');
  writeFileSync(bad, toCsv([IMPORTS.petitions[0],
    ['CL-P3', '2023-05-01', '来电', '2', '市级', 'V3', '', '生态环境', '', '', ''],
    ['CL-P4', '2023-05-01', '传真', '2', '市级', 'V3', '', '生态环境', '', '', '']]));
  const b = await unchanged(office, 'petitions', async () => d.store.cli(['import', 'petitions', bad]));
  assert.notEqual(b.status, 0);
  assert.match(b.stderr, /row 3, column 信访形式: .*传真/);
  assert.equal(await byNo(office, 'petitions', 'CL-P3'), undefined);
});

test('command line: `sanling export cases out.xlsx` writes a real workbook of every case', async () => {
  const out = join(d.store.dir, 'out.xlsx');
  const r = d.store.cli(['export', 'cases', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(out));
  const buf = readFileSync(out);
  const list = run('unzip', ['-Z1', out]);
  assert.equal(list.status, 0, list.stderr);
  assert.ok(list.stdout.split('\n').includes('xl/worksheets/sheet1.xml'), 'a zip with xl/worksheets/sheet1.xml');
  const rows = readXlsx(buf);
  assert.deepEqual(rows[0], ioHeader(fields.cases, named));
  const all = await listAll(office, '/api/v1/cases');
  assert.deepEqual(rows.slice(1).map((x) => x[0]).sort(), all.map((x) => x.no).sort());
  const c1 = rows.find((x) => x[0] === 'IO-C1');
  assert.equal(c1[rows[0].indexOf('办理状态')], '立案');
  assert.equal(c1[rows[0].indexOf('案件类型')], '刑事案件');
  // and a CSV export of petitions from the command line masks as the API does
  const csv = join(d.store.dir, 'out.csv');
  const e = d.store.cli(['export', 'petitions', csv]);
  assert.equal(e.status, 0, e.stderr);
  const text = readFileSync(csv, 'utf8');
  assert.ok(text.includes('**************002X') && !text.includes(PID));
  const log = await auditRows(auditor, 'cases.export');
  assert.ok(log.some((x) => x.username === 'system'), 'the command line export is audited');
});
