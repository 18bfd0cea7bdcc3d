// reports_demo.test.mjs: the demo district's monthly report of August 2023
// (issue 16), written by the command line as the office reads it, opens with
// the source document's own sentence — 2,201 subjects, 407 of 475 villages
// (85.7 %) and 1,693 of 1,726 enterprises (98.1 %), the numbers the district
// printed, not read from the server — and its tables hold the figures of the
// same month as GET /api/v1/figures computes them township by township (a
// separate path from the report's breakdown).  The PDF is read with
// pdftotext and rendered with pdftoppm, the DOCX opened with LibreOffice,
// the XLSX read cell by cell.  Runs on SQLite and PostgreSQL alike.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshDb, loadDemo, startServer } from './lib.mjs';
import { readXlsx } from './util.mjs';
import { libreOffice, pdfRead, pdfInk, squeeze } from './docs_util.mjs';

const SOURCE = '截至8月底，淮阳区创建主体2201个，其中，村（社区）475个，符合创建标准的407个，占比85.7%；企事业单位1726个，符合创建标准的1693个，占比98.1%。';
const DEMO_PASSWORD = 'Demo-Pass-2023';
let store, srv;
const files = {};

function report(kind, format, extra = []) {
  const out = join(store.dir, `${kind}.${format}`);
  const r = store.cli(['report', kind, ...extra, '--format', format, '-o', out]);
  assert.equal(r.status, 0, `sanling report ${kind} ${format}: ${r.stderr}`);
  return readFileSync(out);
}

before(async () => {
  store = freshDb();
  loadDemo(store);
  for (const f of ['pdf', 'docx', 'xlsx']) files[f] = report('monthly', f, ['--month', '2023-08']);
  files.bulletin = report('bulletin', 'pdf', ['--month', '2023-08']);
  srv = await startServer({ store });
});
after(async () => { await srv?.stop(); store?.cleanup(); });

test('the demo district\'s August report opens with the source document\'s sentence, in PDF and DOCX', () => {
  const pdf = pdfRead(files.pdf);
  assert.ok(squeeze(pdf.text).includes(SOURCE), `the source's sentence in:\n${pdf.text.slice(0, 500)}`);
  assert.equal(pdf.info.Title, '淮阳区2023年8月“三零”创建工作月度报告');
  assert.ok(+pdf.info.Pages >= 3, `a report of several pages (${pdf.info.Pages})`);
  assert.ok(pdfInk(files.pdf).ink > 0.01, 'page 1 rendered with text');
  const docx = squeeze(libreOffice({ 'monthly.docx': files.docx }, 'txt:Text')['monthly.docx']);
  assert.ok(docx.includes(SOURCE), 'LibreOffice reads the same sentence from the DOCX');
  // the work of the month, in the register of the source: its figures as the source printed them
  for (const s of ['共接待来访群众1093批10396人次', '下访约访246场次', '网上受理投诉783件', '检查企业11385家次',
    '排查安全隐患4642处，已全部完成整改', '采取刑事强制措施1330人，移送起诉1059人'])
    assert.ok(docx.includes(s), `the report says: ${s}`);
});

test('the bulletin\'s 红黑榜 name the first and the last three townships of the ranking, ties included', async () => {
  const office = srv.client();
  assert.equal((await office.login('office', DEMO_PASSWORD)).status, 200);
  const r = await office.get('/api/v1/ranking?month=2023-08&by=township');
  assert.equal(r.status, 200, r.text);
  const items = r.json.items; // ranked: ties share a rank
  const red = items.filter((x) => x.rank <= 3);
  const lastRank = items[items.length - 3].rank;
  const black = items.filter((x) => x.rank >= lastRank && !red.includes(x));
  const text = squeeze(pdfRead(files.bulletin).text);
  assert.ok(text.includes('关于2023年8月“三零”创建工作情况的通报'));
  const para = (list) => text.slice(text.indexOf(list), text.indexOf('。', text.indexOf(list)));
  const redPara = para('红榜（前3名'), blackPara = para('黑榜（后3名');
  assert.ok(redPara && blackPara, 'both lists said');
  assert.equal(redPara.includes(`含并列共${red.length}个`), red.length > 3, redPara);
  for (const x of red) assert.ok(redPara.includes(x.unit_name), `red list: ${x.unit_name}`);
  for (const x of black) assert.ok(blackPara.includes(x.unit_name), `black list: ${x.unit_name}`);
  for (const x of items.filter((y) => !red.includes(y) && !black.includes(y)))
    assert.ok(!redPara.includes(x.unit_name) && !blackPara.includes(x.unit_name), `on no list: ${x.unit_name}`);
});

test('the townships\' table holds each township\'s figures of the same month, as GET /figures gives them', async () => {
  const office = srv.client();
  assert.equal((await office.login('office', DEMO_PASSWORD)).status, 200);
  const sheet = readXlsx(files.xlsx, 1);
  const rows = sheet.slice(2).filter((r) => r[0] && r[0] !== '合计');
  const regions = await office.get('/api/v1/regions?level=township&page_size=500');
  assert.equal(regions.status, 200, regions.text);
  assert.equal(rows.length, regions.json.total, 'a row for every township');
  const pct = (n, d) => (d ? Math.round((1000 * n) / d) / 1000 : null);
  for (const t of regions.json.items) {
    const row = rows.find((r) => r[0] === t.name);
    assert.ok(row, `a row for ${t.name}`);
    const f = (await office.get(`/api/v1/figures?through=2023-08&township=${t.code}`)).json;
    assert.deepEqual(row.slice(1, 8).map(Number), [f.subjects_total, f.villages_total, f.villages_compliant,
      pct(f.villages_compliant, f.villages_total), f.enterprises_total, f.enterprises_compliant,
      pct(f.enterprises_compliant, f.enterprises_total)], t.name);
  }
  const total = sheet.find((r) => r[0] === '合计');
  assert.deepEqual(total.slice(1, 4).map(Number), [2201, 475, 407]);
  assert.deepEqual(total.slice(5, 7).map(Number), [1726, 1693]);
});
