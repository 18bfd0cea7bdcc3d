// io.test.mjs: import and export of the subject list over HTTP (CSV in
// UTF-8, with BOM and in GB18030; XLSX), all-or-nothing imports and their
// row errors, re-importing an export, scope on import, the audit rows they
// leave; and the same from the command line, with the audit chain's check
// catching a row changed behind the program's back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BACKEND, freshDb, loadDistrict, snapshot } from './lib.mjs';
import { districtServer, assertProblem, codes, listAll, parseCsv, toCsv, readXlsx, gb18030, sql, makeZip } from './util.mjs';
import { ioHeader, namedEntities } from './names_util.mjs';

const EAST = '410000001000', WEST = '410000002000', EAST_VILLAGE = '410000001001';
const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV = { headers: { 'content-type': 'text/csv' }, raw: true };
const XLSX = { headers: { 'content-type': XLSX_MIME }, raw: true };
const HDR = ['主体编码', '主体名称', '主体类型', '主体类别', '所属乡镇', '所在村/社区', '联系电话', '统一社会信用代码', '纳入月份'];

let d, office, importLabels, templateHeader;
before(async () => {
  d = await districtServer();
  office = await d.as('office');
  const meta = await office.get('/api/v1/meta');
  const importable = meta.json.entities.find((e) => e.name === 'subjects').fields.filter((f) => f.import);
  importLabels = importable.map((f) => f.label);
  templateHeader = ioHeader(importable, namedEntities(meta.json));
});
after(async () => { await d?.stop(); });

async function unchanged(fn) {
  const before = await snapshot(office, 'subjects');
  const r = await fn();
  assert.equal(await snapshot(office, 'subjects'), before, 'nothing stored');
  return r;
}

async function subject(code) {
  const r = await office.get(`/api/v1/subjects?code=${encodeURIComponent(code)}`);
  assert.equal(r.status, 200);
  return r.json.items[0];
}

async function reveal(code) {
  const s = await subject(code);
  const r = await office.post(`/api/v1/subjects/${s.id}/reveal`, { field: 'contact_phone', reason: '核对导入' });
  assert.equal(r.status, 200, r.text);
  return r.json.value;
}

test('the import template, as CSV and as XLSX, is the header row of Chinese labels', async () => {
  assert.ok(importLabels.includes('主体编码') && importLabels.includes('统一社会信用代码'));
  assert.ok(!importLabels.includes('所属区县'), 'derived columns are not imported');
  const c = await office.get('/api/v1/subjects/template?format=csv');
  assert.equal(c.status, 200, c.text);
  assert.match(c.headers.get('content-type'), /^text\/csv/);
  assert.match(c.headers.get('content-disposition'), /^attachment;/);
  assert.deepEqual(parseCsv(c.text), [templateHeader]);
  assert.ok(templateHeader.includes('所属乡镇编码'), 'a named reference has its code column');
  const x = await office.get('/api/v1/subjects/template?format=xlsx');
  assert.equal(x.status, 200);
  assert.equal(x.headers.get('content-type'), XLSX_MIME);
  assert.match(x.headers.get('content-disposition'), /\.xlsx/);
  assert.deepEqual(readXlsx(x.buf), [templateHeader]);
  assertProblem(await office.get('/api/v1/subjects/template?format=pdf'), 400, { field: 'format' });
});

test('a CSV of good rows is imported: created and updated counted', async () => {
  const file = toCsv([HDR,
    ['N1', '东镇饭店', '企业', '饭店', EAST, EAST_VILLAGE, '13600136000', '', '2023-01'],
    ['N2', '西乡药店', 'enterprise', 'pharmacy', WEST, '', '', '', '2023-02'],
    ['S1', '东镇中学', '事业单位', '学校', EAST, EAST_VILLAGE, '13912345678', '91350100M000100Y43', '2022-01']]);
  const r = await office.post('/api/v1/subjects/import?format=csv', file, CSV);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual({ rows: r.json.rows, created: r.json.created, updated: r.json.updated, failed: r.json.failed },
    { rows: 3, created: 2, updated: 1, failed: 0 });
  const n1 = await subject('N1');
  assert.equal(n1.name, '东镇饭店');
  assert.equal(n1.kind, 'enterprise');
  assert.equal(n1.supervisor, 'SJ', 'supervisor from the sector map');
  assert.equal(n1.contact_phone, '136****6000');
  assert.equal(await reveal('N1'), '13600136000');
  assert.equal((await subject('N2')).township, WEST);
  assert.equal((await subject('S1')).rev, 2);
});

test('a file with bad rows: 422 listing row and column of each, nothing stored', async () => {
  const file = toCsv([HDR,
    ['B1', '好行一', '企业', '饭店', EAST, '', '', '', '2023-01'],
    ['B2', '坏类型', '飞船', '饭店', EAST, '', '', '', '2023-01'],
    ['B3', '坏代码', '企业', '饭店', EAST, '', '', '91350100M000100Y44', '2023-01'],
    ['B4', '好行二', '企业', '饭店', EAST, '', '', '', '2023-01']]);
  const r = await unchanged(() => office.post('/api/v1/subjects/import?format=csv', file, CSV));
  assertProblem(r, 422);
  assert.equal(r.json.failed, 2);
  assert.equal(r.json.created, 0);
  assert.equal(r.json.updated, 0);
  assert.deepEqual(r.json.errors.map(({ row, column, field }) => ({ row, column, field })), [
    { row: 3, column: '主体类型', field: 'kind' },
    { row: 4, column: '统一社会信用代码', field: 'credit_code' },
  ]);
  for (const e of r.json.errors) assert.ok(e.message && e.message.length > 2, 'each error says why');
  assert.match(r.json.errors[0].message, /飞船/);
  for (const c of ['B1', 'B2', 'B3', 'B4']) assert.equal(await subject(c), undefined, `${c} not stored`);
  // a header the program does not know is refused before any row
  const h = await unchanged(() => office.post('/api/v1/subjects/import?format=csv', toCsv([[...HDR, '颜色'], ['B5', 'x', '企业', '饭店', EAST, '', '', '', '2023-01', '红']]), CSV));
  assertProblem(h, 422);
  assert.deepEqual(h.json.errors.map((e) => [e.row, e.column]), [[1, '颜色']]);
});

test('with keep_good=1 the good rows are stored and the bad ones reported', async () => {
  const file = toCsv([HDR,
    ['K1', '好行一', '企业', '饭店', EAST, '', '', '', '2023-01'],
    ['K2', '坏类型', '飞船', '饭店', EAST, '', '', '', '2023-01'],
    ['K3', '坏代码', '企业', '饭店', EAST, '', '', '91350100M000100Y44', '2023-01'],
    ['K4', '好行二', '企业', '饭店', EAST, '', '', '', '2023-01']]);
  const r = await office.post('/api/v1/subjects/import?format=csv&keep_good=1', file, CSV);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, 2);
  assert.equal(r.json.failed, 2);
  assert.deepEqual(r.json.errors.map((e) => [e.row, e.column]), [[3, '主体类型'], [4, '统一社会信用代码']]);
  assert.ok(await subject('K1'));
  assert.ok(await subject('K4'));
  assert.equal(await subject('K2'), undefined);
  assert.equal(await subject('K3'), undefined);
  assertProblem(await office.post('/api/v1/subjects/import?format=csv&keep_good=yes', file, CSV), 400, { field: 'keep_good' });
});

test('a CSV in GB18030 (as Excel saves it in China) is read as such', async () => {
  const name = '东镇老字号饭店（总店）·测试';
  const text = HDR.join(',') + `\r\nG1,${name},企业,饭店,${EAST},,,,2023-03\r\n`;
  const body = gb18030(text);
  assert.notDeepEqual(body, Buffer.from(text, 'utf8'), 'really another encoding');
  const r = await office.post('/api/v1/subjects/import?format=csv', body, CSV);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, 1);
  const g = await subject('G1');
  assert.equal(g.name, name);
  assert.equal(g.kind, 'enterprise');
});

test('a CSV with a UTF-8 BOM is read without it', async () => {
  const text = '\ufeff' + HDR.join(',') + `\r\nBM1,带签名饭店,企业,饭店,${EAST},,,,2023-03\r\n`;
  const r = await office.post('/api/v1/subjects/import?format=csv', Buffer.from(text, 'utf8'), CSV);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, 1);
  assert.equal((await subject('BM1')).name, '带签名饭店');
});

test('an XLSX export re-imported updates every row, creates none, keeps the masked phones', async () => {
  const before = await listAll(office, '/api/v1/subjects');
  const x = await office.get('/api/v1/subjects/export?format=xlsx');
  assert.equal(x.status, 200, x.text);
  assert.equal(x.headers.get('content-type'), XLSX_MIME);
  const rows = readXlsx(x.buf);
  assert.equal(rows.length, before.length + 1, 'a header and one row per subject');
  const phoneCol = rows[0].indexOf('联系电话');
  assert.ok(rows.some((r) => r[phoneCol] === '138****8000'), 'phones are masked in the file');
  assert.ok(!rows.flat().includes('13800138000'));
  const r = await office.post('/api/v1/subjects/import?format=xlsx', x.buf, XLSX);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.rows, r.json.created, r.json.updated, r.json.failed], [before.length, 0, before.length, 0]);
  const after = await listAll(office, '/api/v1/subjects');
  const strip = (l) => l.map(({ rev, ...rest }) => rest).sort((a, b) => a.id - b.id);
  assert.deepEqual(strip(after), strip(before), 'every field as it was');
  assert.equal(await reveal('V1'), '13800138000', 'the stored phone kept');
  assert.equal(await reveal('S1'), '13912345678');
  assert.deepEqual(codes(await office.get('/api/v1/subjects?contact_phone=13800138000&reason=' + encodeURIComponent('核对导入结果'))), ['V1'], 'and still found by it');
});

test('a township importing a row in the other township: row error, nothing stored', async () => {
  const east = await d.as('east');
  const file = toCsv([HDR,
    ['E1', '东镇新店', '企业', '饭店', EAST, '', '', '', '2023-01'],
    ['W1', '西乡新店', '企业', '饭店', WEST, '', '', '', '2023-01']]);
  const r = await unchanged(() => east.post('/api/v1/subjects/import?format=csv', file, CSV));
  assertProblem(r, 422);
  assert.equal(r.json.failed, 1);
  assert.deepEqual(r.json.errors.map((e) => e.row), [3]);
  assert.equal(await subject('E1'), undefined);
  // nor may it overwrite the other township's subject by its code
  const o = await unchanged(() => east.post('/api/v1/subjects/import?format=csv',
    toCsv([HDR, ['R1', '抢来的饭店', '企业', '饭店', EAST, '', '', '', '2023-01']]), CSV));
  assertProblem(o, 422);
  assert.deepEqual(o.json.errors.map((e) => e.row), [2]);
  assert.equal((await subject('R1')).name, '西乡饭店');
  // the audit administrator may not import at all
  assertProblem(await (await d.as('auditor')).post('/api/v1/subjects/import?format=csv', file, CSV), 403);
});

test('exports and imports are in the audit log', async () => {
  const e = await (await d.as('east')).get('/api/v1/subjects/export?format=csv');
  assert.equal(e.status, 200);
  const aud = await d.as('auditor');
  const r = await aud.get('/api/v1/audit?action=subjects.export&page_size=500');
  assert.equal(r.status, 200, r.text);
  const users = r.json.items.map((x) => x.username);
  assert.ok(users.includes('office') && users.includes('east'), `exports by office and east: ${users}`);
  const mine = r.json.items.find((x) => x.username === 'east');
  assert.match(mine.detail, /rows=\d+/);
  const i = await aud.get('/api/v1/audit?action=subjects.import&page_size=500');
  assert.ok(i.json.total >= 5, 'each stored import is audited');
  const v = await aud.get('/api/v1/audit/verify');
  assert.equal(v.json.ok, true);
});

test('command line: a bad row fails the import, names row and column, stores nothing', async () => {
  const f = join(d.store.dir, 'bad.csv');
  writeFileSync(f, toCsv([HDR,
    ['C1', '好行', '企业', '饭店', EAST, '', '', '', '2023-01'],
    ['C2', '坏类型', '飞船', '饭店', EAST, '', '', '', '2023-01']]));
  const r = await unchanged(async () => d.store.cli(['import', 'subjects', f]));
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /row 3, column 主体类型: .*飞船/);
  assert.equal(await subject('C1'), undefined);
  const ok = join(d.store.dir, 'good.csv');
  writeFileSync(ok, toCsv([HDR, ['C1', '好行', '企业', '饭店', EAST, '', '', '', '2023-01']]));
  const g = d.store.cli(['import', 'subjects', ok]);
  assert.equal(g.status, 0, g.stderr);
  assert.ok(await subject('C1'));
});

test('command line: export writes a real XLSX; the audit chain verifies', async () => {
  const out = join(d.store.dir, 'out.xlsx');
  const r = d.store.cli(['export', 'subjects', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(out));
  const rows = readXlsx(readFileSync(out));
  const all = await listAll(office, '/api/v1/subjects');
  assert.equal(rows[0][0], '主体编码');
  assert.deepEqual(rows.slice(1).map((x) => x[0]).sort(), all.map((x) => x.code).sort());
  assert.ok(!rows.flat().includes('13800138000'), 'masked in files too');
  const v = d.store.cli(['audit', 'verify']);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /intact/);
});

test('a row of the audit log changed behind the program is caught, by its number', async () => {
  const store = freshDb();
  try {
    loadDistrict(store);
    const ok = store.cli(['audit', 'verify']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /intact/);
    sql(store, "UPDATE audit SET detail = 'x' WHERE seq = 3", BACKEND);
    const bad = store.cli(['audit', 'verify']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /row 3\b/);
    assert.doesNotMatch(bad.stdout, /intact/);
  } finally { store.cleanup(); }
});

// ---- hostile workbooks: a small upload that would cost much (table.h's budgets) ----

const WB = {
  '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
  'xl/workbook.xml': '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
  'xl/_rels/workbook.xml.rels': '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
};
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const inlineRow = (cells) => '<row>' + cells.map((v) => `<c t="inlineStr"><is><t>${esc(v)}</t></is></c>`).join('') + '</row>';
const SHEET = (rows) => '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
  rows + '</sheetData></worksheet>';
const GOOD_ROW = () => inlineRow(['BOMB1', '炸弹前的好行', 'enterprise', 'restaurant', WEST, '410000002001', '', '', '2023-01']);

test('an XLSX of a million tiny shared strings is refused with 413 before it costs memory; nothing changes', async () => {
  const sst = '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
    '<si><t>a</t></si>'.repeat(1000000) + '</sst>';
  const file = makeZip({ ...WB, 'xl/worksheets/sheet1.xml': SHEET(inlineRow(HDR) + GOOD_ROW()), 'xl/sharedStrings.xml': sst });
  assert.ok(file.length < 100 * 1024, `a small file (${file.length} bytes)`);
  for (const kg of ['0', '1']) {
    const r = await unchanged(() => office.post(`/api/v1/subjects/import?format=xlsx&keep_good=${kg}`, file, XLSX));
    assertProblem(r, 413, { detail: /共享字符串超过 \d+ 个.*拒绝读取/ });
  }
  assert.equal(await subject('BOMB1'), undefined);
});

test('a zip bomb is refused with 413 from what the zip directory says, and when it lies, while inflating', async () => {
  const styles = '<styleSheet>' + ' '.repeat(40 * 1024 * 1024) + '</styleSheet>';
  const honest = makeZip({ ...WB, 'xl/worksheets/sheet1.xml': SHEET(inlineRow(HDR)), 'xl/styles.xml': styles });
  assert.ok(honest.length < 200 * 1024);
  let r = await unchanged(() => office.post('/api/v1/subjects/import?format=xlsx', honest, XLSX));
  assertProblem(r, 413, { detail: /解压后超过 \d+ MiB.*压缩炸弹/ });
  // the same archive with every "uncompressed size" patched to say 1000 bytes
  const liar = Buffer.from(honest);
  for (let i = 0; i + 30 < liar.length; i++) {
    if (liar.readUInt32LE(i) === 0x04034b50) liar.writeUInt32LE(1000, i + 22);
    else if (liar.readUInt32LE(i) === 0x02014b50) liar.writeUInt32LE(1000, i + 24);
  }
  r = await unchanged(() => office.post('/api/v1/subjects/import?format=xlsx', liar, XLSX));
  assert.ok(r.status === 413 || r.status === 422, `refused: ${r.status} ${r.text}`);
  assert.match(r.json.detail, /解压后超过|inflate|CRC|corrupt|not/i);
});

test('millions of empty cells after good rows: 413, and even keep_good=1 keeps none of the rows', async () => {
  const bomb = ('<row>' + '<c/>'.repeat(1000) + '</row>').repeat(3000);
  const file = makeZip({ ...WB, 'xl/worksheets/sheet1.xml': SHEET(inlineRow(HDR) + GOOD_ROW() + bomb) });
  const r = await unchanged(() => office.post('/api/v1/subjects/import?format=xlsx&keep_good=1', file, XLSX));
  assertProblem(r, 413, { detail: /个单元格.*拒绝读取/ });
  assert.equal(await subject('BOMB1'), undefined, 'the good row before the bomb is not kept');
  // the same good row alone imports: the refusal was the bomb's
  const ok = await office.post('/api/v1/subjects/import?format=xlsx', makeZip({ ...WB, 'xl/worksheets/sheet1.xml': SHEET(inlineRow(HDR) + GOOD_ROW()) }), XLSX);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.created, 1);
});

test('bodies: an import may bring more than 1 MiB, a JSON request may not', async () => {
  // 1.5 MiB of blank lines after the header: read, no row imported
  const csv = HDR.join(',') + '\r\n' + '\r\n'.repeat(768 * 1024);
  const ok = await office.post('/api/v1/subjects/import?format=csv', csv, CSV);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.rows, 0);
  const json = JSON.stringify({ code: 'BIG1', name: 'x'.repeat(1536 * 1024) });
  let r;
  try {
    r = await unchanged(() => office.post('/api/v1/subjects', json, { headers: { 'content-type': 'application/json' }, raw: true }));
  } catch (e) {
    r = null; // the server may close the connection before the client has sent it all
  }
  if (r) assertProblem(r, 413);
  assert.equal(await subject('BIG1'), undefined);
});
