// names.test.mjs: names, not codes, on import and export, and record numbers
// the server gives (issue 17).  An export shows a reference to a township, a
// department or a subject by its name, with the code in a column of its own,
// and imports back unchanged into a fresh database; an import reads such a
// reference by its name where it is unique within the importer's scope, and
// quotes the value given in every refusal (unknown, ambiguous, a name that
// disagrees with its code, a date that never was), storing nothing; dates
// and months come in the usual spellings; numbers (XF2023-000001 ...) are
// given by the server by the office's pattern when none is, per year of the
// record's own date, and a number given is kept but never twice.
// Run on SQLite and (SANLING_TEST_PG) PostgreSQL alike.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, assertProblem, listAll, parseCsv, toCsv, readXlsx } from './util.mjs';
import { snapshot } from './lib.mjs';
import { CSV_BODY, XLSX_BODY, EAST, WEST } from './events_util.mjs';
import { namedEntities, namesOf } from './names_util.mjs';

let d, office, petition, east, meta, names, enums;
before(async () => {
  d = await districtServer();
  office = await d.as('office');
  petition = await d.as('petition');
  east = await d.as('east');
  meta = (await office.get('/api/v1/meta')).json;
  names = await namesOf(office, listAll, namedEntities(meta));
  enums = meta.enums;
});
after(async () => { await d?.stop(); });

// code of the record of `entity` called `name` (from the API's list, not the import)
const codeOf = (entity, name) => {
  const hits = [...names[entity]].filter(([, n]) => n === name).map(([c]) => c);
  assert.equal(hits.length, 1, `${entity} ${name}: one`);
  return hits[0];
};
const enumLabel = (e, code) => enums[e].find((x) => x.code === code).label;
const field = (entity, key) => meta.entities.find((e) => e.name === entity).fields.find((f) => f.key === key);
const byNo = async (c, entity, no) => (await c.get(`/api/v1/${entity}?no=${encodeURIComponent(no)}`)).json.items[0];

async function unchanged(c, entity, fn) {
  const before = await snapshot(c, entity);
  const r = await fn();
  assert.equal(await snapshot(c, entity), before, `${entity}: nothing stored or changed`);
  return r;
}

const petitionRow = (no, over = {}) => ({ no, received_on: '2023-03-01', channel: 'visit', persons: 2, level: 'township',
  subject: 'V1', category: 'land', summary: '征地补偿', handling_dept: 'XF', ...over });

test('an export names its references, the code beside; enumerations by their label; the template has both columns', async () => {
  const made = await petition.post('/api/v1/petitions', petitionRow('NM-E1'));
  assert.equal(made.status, 201, made.text);
  const csv = await petition.get('/api/v1/petitions/export?format=csv');
  assert.equal(csv.status, 200, csv.text);
  const rows = parseCsv(csv.text);
  const h = rows[0];
  const row = rows.find((r) => r[h.indexOf('信访编号')] === 'NM-E1');
  const cell = (label) => {
    assert.ok(h.includes(label), `column ${label}`);
    return row[h.indexOf(label)];
  };
  const rec = made.json;
  // the code column sits right after its name column
  for (const key of ['township', 'subject', 'handling_dept', 'district']) {
    const f = field('petitions', key);
    assert.equal(h.indexOf(`${f.label}编码`), h.indexOf(f.label) + 1, `${f.label}编码 beside ${f.label}`);
    assert.equal(cell(`${f.label}编码`), rec[key], `${f.label}: the code`);
    assert.equal(cell(f.label), names[f.ref].get(rec[key]), `${f.label}: the name`);
  }
  assert.equal(cell('承办单位'), '信访局');
  assert.equal(cell('承办单位编码'), 'XF');
  assert.ok(!/^\d+$/.test(cell('所属乡镇')), 'no code where a person reads the township');
  // enumerations: the Chinese label, never the code
  assert.equal(cell('信访形式'), enumLabel(field('petitions', 'channel').enum, rec.channel));
  assert.equal(cell('办理状态'), enumLabel(field('petitions', 'status').enum, rec.status));
  // the template has both columns of each named reference it imports
  const tpl = parseCsv((await petition.get('/api/v1/petitions/template?format=csv')).text)[0];
  for (const l of ['所属乡镇', '所属乡镇编码', '承办单位', '承办单位编码', '涉及主体', '涉及主体编码']) assert.ok(tpl.includes(l), `template: ${l}`);
  assert.ok(!tpl.includes('所属区县编码'), 'a derived reference is not in the template');
});

test('an XLSX export imports unchanged into a fresh database, and back into its own as an update', async () => {
  await petition.post('/api/v1/petitions', petitionRow('NM-R1', { subject: 'V3', handling_dept: 'GA', status: 'accepted', accepted_on: '2023-03-05' }));
  await petition.post('/api/v1/petitions', petitionRow('NM-R2', { subject: null, township: EAST, collective: true, persons: 7 }));
  const all = await listAll(petition, '/api/v1/petitions');
  const x = await petition.get('/api/v1/petitions/export?format=xlsx');
  assert.equal(x.status, 200);
  const d2 = await districtServer();
  try {
    const p2 = await d2.as('petition');
    const r = await p2.post('/api/v1/petitions/import?format=xlsx', x.buf, XLSX_BODY);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.json.created, r.json.updated, r.json.failed], [all.length, 0, 0]);
    const strip = (xs) => xs.map(({ id, rev, ...rest }) => rest).sort((a, b) => a.no.localeCompare(b.no));
    assert.deepEqual(strip(await listAll(p2, '/api/v1/petitions')), strip(all), 'the same records in the fresh database');
  } finally {
    await d2.stop();
  }
  const again = await petition.post('/api/v1/petitions/import?format=xlsx', x.buf, XLSX_BODY);
  assert.equal(again.status, 200, again.text);
  assert.deepEqual([again.json.created, again.json.updated], [0, all.length]);
  const strip = (xs) => xs.map(({ id, rev, ...rest }) => rest);
  assert.deepEqual(strip(await listAll(petition, '/api/v1/petitions')), strip(all), 'an update that changes nothing');
});

test('an import reads references by name: a township, a department, a subject, a set of departments', async () => {
  const r = await petition.post('/api/v1/petitions/import?format=csv', toCsv([
    ['信访编号', '登记日期', '信访形式', '人数', '最高到达层级', '涉及主体', '所属乡镇', '问题类别', '承办单位'],
    ['NM-N1', '2023-04-01', '来访', '1', '乡级', '西一村委会', '西乡', '土地征收', '公安局'],
    ['NM-N2', '2023-04-02', '来信', '1', '乡级', '', '东镇', '土地征收', '信访局']]), CSV_BODY);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, 2);
  const n1 = await byNo(petition, 'petitions', 'NM-N1');
  assert.deepEqual([n1.subject, n1.township, n1.handling_dept], [codeOf('subjects', '西一村委会'), codeOf('regions', '西乡'), codeOf('departments', '公安局')]);
  const n2 = await byNo(petition, 'petitions', 'NM-N2');
  assert.deepEqual([n2.township, n2.handling_dept], [codeOf('regions', '东镇'), codeOf('departments', '信访局')]);
  // a set by names; the code column, when given, wins and agrees
  const m = await office.post('/api/v1/meetings/import?format=csv', toCsv([
    ['会议编号', '会议日期', '所属月份', '参会单位', '参会单位编码'],
    ['NM-M1', '2023-05-30', '2023-05', '信访局|应急局', ''],
    ['NM-M2', '2023-05-30', '2023-05', '信访局|公安局', 'XF|GA']]), CSV_BODY);
  assert.equal(m.status, 200, m.text);
  assert.equal((await byNo(office, 'meetings', 'NM-M1')).attendees, [codeOf('departments', '信访局'), codeOf('departments', '应急局')].join('|'));
  assert.equal((await byNo(office, 'meetings', 'NM-M2')).attendees, 'XF|GA');
});

test('an unknown, ambiguous, out-of-scope or disagreeing name is a row error quoting it; nothing is stored', async () => {
  // a second 东一村, under 西乡: the name is no longer unique in the district
  const dup = await office.post('/api/v1/regions', { code: '410000002009', name: '东一村', level: 'village', parent: WEST });
  assert.equal(dup.status, 201, dup.text);
  const hdr = ['主体编码', '主体名称', '主体类型', '主体类别', '所属乡镇', '所属乡镇编码', '所在村/社区', '纳入月份'];
  const cases = [
    [['NM-S1', '东镇小店', '企业', '饭店', '城关镇', '', '', '2023-01'], /所属乡镇.*“城关镇”不存在/],
    [['NM-S2', '东镇小店', '企业', '饭店', '东镇', '', '东一村', '2023-01'], /所在村\/社区.*有 2 个名为“东一村”的.*请填编码/],
    [['NM-S3', '东镇小店', '企业', '饭店', '西乡', EAST, '', '2023-01'], new RegExp(`所属乡镇：“西乡”与编码“${EAST}”（东镇）不符`)],
    [['NM-S4', '东镇小店', '企业', '饭店', '东镇', '', '', '2023/2/30'], /纳入月份.*“2023\/2\/30”/],
  ];
  for (const [row, want] of cases) {
    const r = await unchanged(office, 'subjects', () => office.post('/api/v1/subjects/import?format=csv',
      toCsv([hdr, ['NM-OK', '好店', '企业', '饭店', '东镇', '', '', '2023-01'], row]), CSV_BODY));
    assertProblem(r, 422);
    assert.equal(r.json.errors.length, 1, r.text);
    assert.equal(r.json.errors[0].row, 3);
    assert.match(r.json.errors[0].message, want);
  }
  // the code column wins where the name agrees
  const ok = await office.post('/api/v1/subjects/import?format=csv', toCsv([hdr,
    ['NM-S5', '东镇小店', '企业', '饭店', '东镇', EAST, '东二村', '2023-01']]), CSV_BODY);
  assert.equal(ok.status, 200, ok.text);
  const s5 = (await office.get('/api/v1/subjects?code=NM-S5')).json.items[0];
  assert.deepEqual([s5.township, s5.village], [EAST, codeOf('regions', '东二村')]);
  // a township reaches its own township's names only: 西乡 does not exist for 东镇
  const v = await unchanged(east, 'village_records', () => east.post('/api/v1/village_records/import?format=csv', toCsv([
    ['记录编号', '类型', '日期', '村/社区', '参加人数'],
    ['NM-V1', '逢六村务日', '2023-03-06', '西一村', '10']]), CSV_BODY));
  assertProblem(v, 422);
  assert.match(v.json.errors[0].message, /“西一村”不存在/);
  const own = await east.post('/api/v1/village_records/import?format=csv', toCsv([
    ['记录编号', '类型', '日期', '村/社区', '参加人数'],
    ['NM-V2', '逢六村务日', '2023-03-06', '东二村', '10']]), CSV_BODY);
  assert.equal(own.status, 200, own.text);
  assert.equal((await byNo(east, 'village_records', 'NM-V2')).village, codeOf('regions', '东二村'));
  // every row error quotes its value: a bad number, a bad enumeration
  const b = await unchanged(petition, 'petitions', () => petition.post('/api/v1/petitions/import?format=csv', toCsv([
    ['信访编号', '登记日期', '信访形式', '人数', '最高到达层级', '问题类别', '所属乡镇'],
    ['NM-B1', '2023-04-01', '来访', '三人', '乡级', '土地征收', '东镇'],
    ['NM-B2', '2023-04-01', '飞鸽', '1', '乡级', '土地征收', '东镇']]), CSV_BODY));
  assertProblem(b, 422);
  assert.match(b.json.errors.find((e) => e.row === 2).message, /“三人”/);
  assert.match(b.json.errors.find((e) => e.row === 3).message, /“飞鸽”/);
});

test('dates and months in the usual spellings; a day that never was is refused, quoted', async () => {
  const spellings = ['2023-08-21', '2023/8/21', '2023.8.21', '2023年8月21日', '20230821', '45159'];
  const rows = spellings.map((s, i) => [`NM-D${i}`, s, '来访', '1', '乡级', '土地征收', '东镇']);
  const r = await petition.post('/api/v1/petitions/import?format=csv', toCsv([
    ['信访编号', '登记日期', '信访形式', '人数', '最高到达层级', '问题类别', '所属乡镇'], ...rows]), CSV_BODY);
  assert.equal(r.status, 200, r.text);
  for (let i = 0; i < spellings.length; i++)
    assert.equal((await byNo(petition, 'petitions', `NM-D${i}`)).received_on, '2023-08-21', spellings[i]);
  const months = ['2023-08', '2023/8', '2023.8', '2023年8月', '202308'];
  const m = await office.post('/api/v1/meetings/import?format=csv', toCsv([
    ['会议编号', '会议日期', '所属月份'], ...months.map((s, i) => [`NM-MM${i}`, '2023-08-30', s])]), CSV_BODY);
  assert.equal(m.status, 200, m.text);
  for (let i = 0; i < months.length; i++)
    assert.equal((await byNo(office, 'meetings', `NM-MM${i}`)).month, '2023-08', months[i]);
  for (const bad of ['2023/2/30', '2023年13月1日', '2023-8-32', '08/21/2023']) {
    const x = await unchanged(petition, 'petitions', () => petition.post('/api/v1/petitions/import?format=csv', toCsv([
      ['信访编号', '登记日期', '信访形式', '人数', '最高到达层级', '问题类别', '所属乡镇'],
      ['NM-DX', bad, '来访', '1', '乡级', '土地征收', '东镇']]), CSV_BODY));
    assertProblem(x, 422);
    assert.equal(x.json.errors[0].column, '登记日期');
    assert.ok(x.json.errors[0].message.includes(`“${bad}”`), `${bad} quoted: ${x.json.errors[0].message}`);
  }
});

test('the server numbers a record given none: the office pattern, the year of its own date, in sequence', async () => {
  const f = field('petitions', 'no');
  assert.equal(f.required, false);
  assert.equal(f.hint, '留空自动编号');
  const settings = (await office.get('/api/v1/settings')).json;
  const pattern = settings.number_patterns.petitions;
  assert.equal(pattern, 'XF{YYYY}-{NNNNNN}');
  // what the pattern gives, computed here
  const fmt = (p, y, n) => p.replace('{YYYY}', String(y)).replace(/\{(N+)\}/, (_, w) => String(n).padStart(w.length, '0'));
  const mk = async (date, over = {}) => {
    const r = await petition.post('/api/v1/petitions', petitionRow(undefined, { received_on: date, ...over }));
    assert.equal(r.status, 201, r.text);
    return r.json.no;
  };
  assert.equal(await mk('2021-03-01'), fmt(pattern, 2021, 1));
  assert.equal(await mk('2021-12-31'), fmt(pattern, 2021, 2));
  assert.equal(await mk('2020-06-01'), fmt(pattern, 2020, 1), 'the year of the record, not of today');
  // concurrent creates: all different, the next ones in sequence
  const many = await Promise.all([1, 2, 3, 4, 5].map(() => mk('2021-05-05')));
  assert.deepEqual([...many].sort(), [3, 4, 5, 6, 7].map((n) => fmt(pattern, 2021, n)));
  // a number given is kept; given twice, refused and nothing changes
  assert.equal(await mk('2021-05-06', { no: 'XF-HAND-1' }), 'XF-HAND-1');
  const twice = await unchanged(petition, 'petitions', () => petition.post('/api/v1/petitions', petitionRow('XF-HAND-1', { received_on: '2021-05-06' })));
  assertProblem(twice, 409, { field: 'no', detail: /“XF-HAND-1”/ });
  // the number the server would give next, taken by hand: the server skips it
  assert.equal(await mk('2021-05-07', { no: fmt(pattern, 2021, 8) }), fmt(pattern, 2021, 8));
  assert.equal(await mk('2021-05-08'), fmt(pattern, 2021, 9));
  // the office changes the pattern: honoured from the next number on
  const p2 = 'XFJ-{YYYY}{NNNN}';
  const put = await office.put('/api/v1/settings', { number_patterns: { petitions: p2 } });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.json.number_patterns.petitions, p2);
  assert.equal(await mk('2021-06-01'), fmt(p2, 2021, 10));
  // a pattern without the year counts across years
  const p3 = 'XFQ{NNNNN}';
  assert.equal((await office.put('/api/v1/settings', { number_patterns: { petitions: p3 } })).status, 200);
  assert.equal(await mk('2019-01-01'), fmt(p3, 0, 1));
  assert.equal(await mk('2022-01-01'), fmt(p3, 0, 2));
  // an import without numbers is numbered too, row by row in file order
  const imp = await petition.post('/api/v1/petitions/import?format=csv', toCsv([
    ['信访编号', '登记日期', '信访形式', '人数', '最高到达层级', '问题类别', '所属乡镇'],
    ['', '2023-04-01', '来访', '1', '乡级', '土地征收', '东镇'],
    ['', '2023-04-02', '来访', '1', '乡级', '土地征收', '东镇']]), CSV_BODY);
  assert.equal(imp.status, 200, imp.text);
  assert.equal(imp.json.created, 2);
  for (const no of [fmt(p3, 0, 3), fmt(p3, 0, 4)]) assert.ok(await byNo(petition, 'petitions', no), `${no} imported`);
  // bad patterns refused, quoted; only the office sets them
  for (const bad of ['XF{YYYY}', 'XF{NN}', '信访{NNNNNN}', 'XF{YYYY}{YYYY}{NNNNNN}', 'XF{NNNNNN}-{NNNN}', 'X'.repeat(30) + '{NNNNNN}']) {
    const r = await office.put('/api/v1/settings', { number_patterns: { petitions: bad } });
    assertProblem(r, 422, { field: 'number_patterns' });
    assert.match(r.json.detail, /^信访事项编号规则/);
    assert.ok(r.json.detail.includes(`“${bad}”`), r.json.detail);
  }
  assertProblem(await office.put('/api/v1/settings', { number_patterns: { users: 'U{NNNNNN}' } }), 400, { field: 'number_patterns', detail: /“users”/ });
  assertProblem(await (await d.as('secadmin')).put('/api/v1/settings', { number_patterns: { petitions: 'A{NNNNNN}' } }), 403);
  assert.equal((await office.get('/api/v1/settings')).json.number_patterns.petitions, p3, 'refusals changed nothing');
  // back to the default
  const reset = await office.put('/api/v1/settings', { number_patterns: { petitions: '' } });
  assert.equal(reset.json.number_patterns.petitions, pattern);
});
