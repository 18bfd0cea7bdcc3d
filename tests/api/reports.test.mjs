// reports.test.mjs: the month's documents (issue 16) of a small district
// checked by hand, over the API and the command line, opened with the real
// tools (LibreOffice for DOCX and XLSX, pdftotext and pdftoppm for PDF).
//
// The district of lib.mjs has five subjects: three villages (V1, V2 in 东镇,
// V3 in 西乡) and two enterprises (S1 东镇中学, R1 西乡饭店).  The test
// writes one county-level petition against V1 and one criminal case against
// R1 in May 2023, a task and a problem left overdue at May's end, a
// supervision of the task, and a coordination meeting with an agreed item.
// So, by DOMAIN.md and counted here by hand: through May, villages 3 with 2
// complying (66.7 %), enterprises 2 with 1 (50.0 %); 东镇 villages 2/1
// (50.0 %) and enterprises 1/1; 西乡 villages 1/1 and enterprises 1/0; April
// had no failure and both shares at 100.0 %.  The expected sentences below
// are those numbers written out, not read from the server.
//
// Then the archive: nothing before publication; on publication six files
// (report and bulletin × DOCX, PDF, XLSX) with their SHA-256 in the audit
// log, served unchanged from then on (the API and the command line alike);
// a reopened month is written live again, and its republication archives
// version 2 beside version 1.  Refusals: bad month, future month, format,
// parameters, version, unknown meeting or supervision, roles that may not
// read reports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { districtServer, assertProblem, readXlsx } from './util.mjs';
import { BIN } from './lib.mjs';
import { make, auditRows } from './events_util.mjs';
import { libreOffice, pdfRead, pdfInk, dispositionName, squeeze, TYPES } from './docs_util.mjs';

let d;
const sha = (buf) => createHash('sha256').update(buf).digest('hex');

async function create(user, entity, body) {
  const r = await (await d.as(user)).post(`/api/v1/${entity}`, body);
  assert.equal(r.status, 201, `${user} creates ${entity}: ${r.text}`);
  return r.json;
}
const get = async (user, path) => (await d.as(user)).get(path);
async function file(user, path, format) {
  const r = await get(user, `${path}${path.includes('?') ? '&' : '?'}format=${format}`);
  assert.equal(r.status, 200, `${user} GET ${path} ${format}: ${r.text.slice(0, 300)}`);
  assert.equal(r.headers.get('content-type'), TYPES[format]);
  assert.equal(r.headers.get('x-sanling-sha256'), sha(r.buf), 'the SHA-256 header is of the bytes sent');
  return r;
}

before(async () => {
  d = await districtServer();
  await create('petition', 'petitions', make.petitions('XF-R1', { received_on: '2023-05-10', level: 'county', subject: 'V1' }));
  await create('police', 'cases', make.cases('XS-R1', { occurred_on: '2023-05-12', subject: 'R1' }));
  await create('office', 'tasks', { no: 'RT-1', title: '排查学校周边安全隐患', source: 'standard', owner: 'JT',
    assigned_on: '2023-05-02', due_on: '2023-05-20' });
  // assigned the year before, due in May: not one of the year's tasks, but overdue at May's end all the same
  await create('office', 'tasks', { no: 'RT-0', title: '整治去年排查出的积水点', source: 'standard', owner: 'JT',
    assigned_on: '2022-12-01', due_on: '2023-05-15' });
  await create('office', 'problems', { no: 'RP-1', found_on: '2023-05-03', source: 'supervision', department: 'SJ',
    subject: 'R1', description: '饭店燃气管道老化', level: 'general', deadline: '2023-05-25' });
  await create('office', 'supervisions', { no: 'DB-R1', item_kind: 'task', item: 'RT-1', level: 'office',
    notice_on: '2023-05-22', workdays: 5, requirement: '限期排查到位并反馈' });
  await create('office', 'meetings', { no: 'HY-R1', held_on: '2023-05-28', month: '2023-05', chair: '王区长',
    attendees: 'XF|YJ|GA', decisions: '抓好隐患整改和信访化解。' });
  await create('office', 'meeting_decisions', { meeting: 'HY-R1', text: '排查校园周边燃气隐患', owner: 'JT',
    co_owners: 'SJ', due_on: '2023-06-30' });
});
after(async () => { await d?.stop(); });

// ---- what the documents must say, counted by hand from the records above ----

const MAY = '截至5月底，测试区创建主体5个，其中，村（社区）3个，符合创建标准的2个，占比66.7%；企事业单位2个，符合创建标准的1个，占比50.0%。';
const MAY_CHANGE = '村（社区）达标率与4月底相比下降33.3个百分点；企事业单位达标率与4月底相比下降50.0个百分点。';
const APRIL = '截至4月底，测试区创建主体5个，其中，村（社区）3个，符合创建标准的3个，占比100.0%；企事业单位2个，符合创建标准的2个，占比100.0%。';
const EAST_MAY = '截至5月底，东镇创建主体3个，其中，村（社区）2个，符合创建标准的1个，占比50.0%；企事业单位1个，符合创建标准的1个，占比100.0%。';
// the townships' table: name, subjects, villages, complying, rate, enterprises, complying, rate
const TOWNSHIPS = [
  ['东镇', '3', '2', '1', '50.0%', '1', '1', '100.0%'],
  ['西乡', '2', '1', '1', '100.0%', '1', '0', '0.0%'],
  ['合计', '5', '3', '2', '66.7%', '2', '1', '50.0%'],
];
const FAILED = ['东一村委会', '零上访（信访XF-R1不符合创建标准）', '西乡饭店', '零案件（案件XS-R1不符合创建标准）'];
// in the PDF a long cell wraps within its column, so its words are looked for one by one
const FAILED_PDF = ['东一村委会', '零上访', 'XF-R1', '西乡饭店', '零案件', 'XS-R1'];

test('the monthly report as PDF: the opening sentence, the change since April, the tables, the failed subjects and why, the overdue work', async () => {
  const r = await file('office', '/api/v1/reports/monthly?month=2023-05', 'pdf');
  assert.equal(dispositionName(r.headers.get('content-disposition')), '测试区2023年5月“三零”创建工作月度报告.pdf');
  assert.equal(r.headers.get('x-sanling-archived-version'), null, 'an unpublished month is written live');
  const pdf = pdfRead(r.buf);
  const text = squeeze(pdf.text);
  assert.ok(text.includes(MAY), `the opening sentence in:\n${pdf.text.slice(0, 600)}`);
  assert.ok(text.includes(MAY_CHANGE), 'the shares fell since April, and the report says by how much');
  for (const row of TOWNSHIPS)
    assert.ok(text.includes(row.join('')), `the townships' row ${row[0]} in ${text.slice(text.indexOf('乡镇（街道）创建'), text.indexOf('乡镇（街道）创建') + 300)}`);
  for (const s of FAILED_PDF) assert.ok(text.includes(s), `failed: ${s}`);
  for (const s of ['RT-1', '排查学校周边安全隐患', '教体局', '2023年5月20日', 'RP-1', '饭店燃气管道老化', '市场监管局',
    'RT-0', '整治去年排查出的积水点', '2023年5月15日'])
    assert.ok(text.includes(s), `overdue work: ${s}`);
  assert.ok(text.includes('该月认定结果尚未发布'), 'it says its results are provisional');
  assert.match(pdf.info['Page size'], /^595(\.\d+)? x 841\.89|^595(\.\d+)? x 842/, 'A4');
  assert.equal(pdf.info.Title, '测试区2023年5月“三零”创建工作月度报告');
  assert.match(pdf.fonts, /SanlingSerifSC/, 'the CJK fonts: Sanling\'s cuts of Noto CJK (scripts/fonts.py)');
  for (const line of pdf.fonts.split('\n').slice(2).filter(Boolean))
    assert.match(line, /\byes\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$/, `embedded: ${line}`);
  const page = pdfInk(r.buf);
  assert.ok(page.height > page.width, 'a portrait page');
  assert.ok(page.ink > 0.01, `page 1 has text on it (${page.ink})`);
});

test('the monthly report as DOCX and the bulletin, minutes and 督办通知单 open in LibreOffice with their text', async () => {
  const files = {
    'monthly.docx': (await file('office', '/api/v1/reports/monthly?month=2023-05', 'docx')).buf,
    'april.docx': (await file('office', '/api/v1/reports/monthly?month=2023-04', 'docx')).buf,
    'empty.docx': (await file('office', '/api/v1/reports/monthly?month=2021-06', 'docx')).buf,
    'east.docx': (await file('east', '/api/v1/reports/monthly?month=2023-05', 'docx')).buf,
    'bulletin.docx': (await file('office', '/api/v1/reports/bulletin?month=2023-05', 'docx')).buf,
    'minutes.docx': (await file('office', '/api/v1/reports/minutes?meeting=HY-R1', 'docx')).buf,
    'notice.docx': (await file('office', '/api/v1/reports/notice?item=DB-R1', 'docx')).buf,
  };
  const t = Object.fromEntries(Object.entries(libreOffice(files, 'txt:Text')).map(([k, v]) => [k, squeeze(v)]));

  assert.ok(t['monthly.docx'].includes(MAY), 'the opening sentence');
  for (const row of TOWNSHIPS) assert.ok(t['monthly.docx'].includes(row.join('')), `the townships' table, row ${row[0]}`);
  for (const s of FAILED) assert.ok(t['monthly.docx'].includes(s), `failed: ${s}`);

  // a month with no failure, and nothing overdue yet, says so
  assert.ok(t['april.docx'].includes(APRIL), 'April: every subject complies');
  assert.ok(t['april.docx'].includes('4月，测试区所有创建主体均符合创建标准，没有认定未达标的创建主体。'));
  assert.ok(t['april.docx'].includes('截至4月底，没有逾期未完成的任务和逾期未整改的问题。'));
  assert.ok(!t['april.docx'].includes('东一村委会'), 'no failed subject listed in April');

  // an empty month: no subject on the list yet
  assert.ok(t['empty.docx'].includes('截至6月底，测试区创建主体0个，其中，村（社区）0个；企事业单位0个。'), t['empty.docx'].slice(0, 300));
  assert.ok(t['empty.docx'].includes('今年以来，未接待来访群众'));

  // a township's office gets its township's report, and nothing of the other township
  assert.ok(t['east.docx'].includes('东镇“三零”创建工作月度报告'));
  assert.ok(t['east.docx'].includes(EAST_MAY), 'the township\'s own sentence');
  assert.ok(t['east.docx'].includes('东一村委会'), 'its own failed village');
  assert.ok(!t['east.docx'].includes('西乡饭店'), 'not the other township\'s subject');

  const b = t['bulletin.docx'];
  for (const s of ['关于2023年5月“三零”创建工作情况的通报', '乡镇（街道）考评排名', '东镇', '西乡',
    '参加考评的乡镇（街道）仅2个', '本月不设红黑榜', 'DB-R1', '任务RT-1', '西乡饭店', '尚未确认5月创建主体清单的单位'])
    assert.ok(b.includes(s), `bulletin: ${s}`);

  const m = t['minutes.docx'];
  for (const s of ['测试区“三零”创建工作联席会议纪要', '第1期', '2023年5月28日，王区长主持召开', '信访局、应急局、公安局参加会议',
    '会议通报', MAY, '会议认为', '会议强调', '会议要求，抓好隐患整改和信访化解。', '排查校园周边燃气隐患',
    '教体局', '市场监管局', '2023年6月30日'])
    assert.ok(m.includes(s), `minutes: ${s}`);

  const n = t['notice.docx'];
  for (const s of ['测试区“三零”创建工作督办通知单', '督办编号：DB-R1', '教体局：', '任务RT-1：排查学校周边安全隐患',
    '三零办督办', '2023年5月22日', '5个工作日', '限期排查到位并反馈'])
    assert.ok(n.includes(s), `notice: ${s}`);
});

test('the monthly report as XLSX: the tables as sheets, numbers as numbers, and a chart of the townships\' rates', async () => {
  const r = await file('office', '/api/v1/reports/monthly?month=2023-05', 'xlsx');
  assert.equal(dispositionName(r.headers.get('content-disposition')), '测试区2023年5月“三零”创建工作月度报告.xlsx');
  const rows = readXlsx(r.buf, 1);
  const east = rows.find((x) => x[0] === '东镇');
  assert.deepEqual(east.slice(0, 8), ['东镇', '3', '2', '1', '0.5', '1', '1', '1'], 'numbers and shares stored as numbers');
  const failed = readXlsx(r.buf, 3);
  assert.ok(failed.some((x) => x.includes('西乡饭店')), 'the failed subjects\' sheet');
  // LibreOffice's CSV filter: comma, quote, UTF-8 (76), from line 1, cells as shown
  const csv = libreOffice({ 'monthly.xlsx': r.buf }, 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true')['monthly.xlsx'];
  assert.match(csv, /东镇,3,2,1,50\.0%,1,1,100\.0%/, 'LibreOffice opens it and shows the shares as percentages');
  const zip = r.buf.toString('latin1');
  assert.ok(zip.includes('xl/charts/chart1.xml'), 'a native chart in the workbook');
});

test('refusals: a bad or future month, a bad format, an unknown parameter or version, a missing or unknown meeting or supervision, roles that may not read reports', async () => {
  assertProblem(await get('office', '/api/v1/reports/monthly?month=2023-13'), 422, { field: 'month' });
  assertProblem(await get('office', '/api/v1/reports/monthly?month=2999-01'), 422, { field: 'month' });
  assertProblem(await get('office', '/api/v1/reports/monthly'), 422, { field: 'month' });
  assertProblem(await get('office', '/api/v1/reports/monthly?month=2023-05&format=doc'), 400, { field: 'format' });
  assertProblem(await get('office', '/api/v1/reports/monthly?month=2023-05&pages=2'), 400);
  assertProblem(await get('office', '/api/v1/reports/monthly?month=2023-05&version=0'), 400, { field: 'version' });
  assertProblem(await get('office', '/api/v1/reports/monthly?month=2023-05&version=7'), 404, { field: 'version' });
  assertProblem(await get('east', '/api/v1/reports/monthly?month=2023-05&version=1'), 403, { field: 'version' });
  assertProblem(await get('office', '/api/v1/reports/minutes'), 400, { field: 'meeting' });
  assertProblem(await get('office', '/api/v1/reports/minutes?meeting=NOPE'), 404);
  assertProblem(await get('office', '/api/v1/reports/notice?item=NOPE'), 404);
  assertProblem(await get('office', '/api/v1/reports?month=May'), 422, { field: 'month' });
  for (const user of ['grid1', 'subj', 'sysadmin', 'auditor'])
    assertProblem(await get(user, '/api/v1/reports/monthly?month=2023-05'), 403);
  // the command line refuses alike, and writes no file
  const out = join(d.store.dir, 'refused.pdf');
  const c = d.store.cli(['report', 'monthly', '--format', 'pdf', '-o', out]);
  assert.notEqual(c.status, 0);
  assert.match(c.stderr, /--month/);
  assert.throws(() => readFileSync(out));
});

test('without its PDF module (sanling-pdf.so) the program still runs: a PDF is refused, naming the module, and no file is written; a DOCX is written as before', () => {
  const alone = mkdtempSync(join(d.store.dir, 'bin-'));
  copyFileSync(BIN, join(alone, 'sanling'));
  chmodSync(join(alone, 'sanling'), 0o755);
  const report = (bin, format, out) => spawnSync(bin, ['--db', d.store.db, '--key', d.store.key, 'report', 'monthly',
    '--month', '2023-05', '--format', format, '-o', out], { encoding: 'utf8', env: { ...process.env, SANLING_FAST_KDF: '1' } });
  const pdf = join(alone, 'monthly.pdf');
  const refused = report(join(alone, 'sanling'), 'pdf', pdf);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /sanling-pdf\.so/);
  assert.ok(!existsSync(pdf), 'no file');
  const docx = join(alone, 'monthly.docx');
  const written = report(join(alone, 'sanling'), 'docx', docx);
  assert.equal(written.status, 0, written.stderr);
  assert.equal(readFileSync(docx).subarray(0, 2).toString(), 'PK');
  // the program as built finds the module beside it
  const built = report(BIN, 'pdf', pdf);
  assert.equal(built.status, 0, built.stderr);
  assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
});

test('publication archives the report and bulletin unchanged, with their SHA-256 in the audit log; a reopened and republished month archives version 2 beside version 1', async () => {
  const M = '2023-05';
  let list = await get('office', `/api/v1/reports?month=${M}`);
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.archive, [], 'nothing archived before publication');
  assert.equal(list.json.published, false);

  const publish = async () => {
    for (const [user, dimension] of [['petition', 'petition'], ['safety', 'accident'], ['police', 'case']]) {
      const c = await get(user, `/api/v1/months/${M}`); // logged in
      assert.equal(c.status, 200);
      const r = await (await d.as(user)).post(`/api/v1/months/${M}/certify`, { dimension });
      assert.equal(r.status, 200, r.text);
    }
    const p = await (await d.as('office')).post(`/api/v1/months/${M}/publish`, {});
    assert.equal(p.status, 200, p.text);
  };
  await publish();
  list = await get('office', `/api/v1/reports?month=${M}`);
  const v1 = list.json.archive;
  assert.equal(v1.length, 6, JSON.stringify(list.json) + d.srv.stderr().slice(-2000));
  assert.deepEqual(v1.map((x) => `${x.kind}.${x.format}`).sort(),
    ['bulletin.docx', 'bulletin.pdf', 'bulletin.xlsx', 'monthly.docx', 'monthly.pdf', 'monthly.xlsx']);
  assert.ok(v1.every((x) => x.version === 1 && x.current && /^[0-9a-f]{64}$/.test(x.sha256)));

  // served as archived: the same bytes every time, the API and the command line alike
  const audit = await auditRows(await d.as('auditor'), 'report.archive');
  for (const a of v1) {
    const kindPath = `/api/v1/reports/${a.kind}?month=${M}`;
    const one = await file('office', kindPath, a.format), two = await file('petition', kindPath, a.format);
    assert.equal(sha(one.buf), a.sha256, `${a.kind}.${a.format} served as archived`);
    assert.equal(sha(two.buf), a.sha256);
    assert.equal(one.headers.get('x-sanling-archived-version'), '1');
    assert.equal(dispositionName(one.headers.get('content-disposition')), a.filename);
    assert.ok(audit.some((x) => x.object === `reports/${M}/${a.kind}.${a.format}` && x.detail.includes(a.sha256)),
      `the audit log holds the SHA-256 of ${a.kind}.${a.format}`);
  }
  const cliOut = join(d.store.dir, 'archived.docx');
  const c = d.store.cli(['report', 'monthly', '--month', M, '--format', 'docx', '-o', cliOut]);
  assert.equal(c.status, 0, c.stderr);
  assert.equal(sha(readFileSync(cliOut)), v1.find((x) => x.kind === 'monthly' && x.format === 'docx').sha256,
    'the command line serves the archived file');

  // the archived document carries the audit chain's head of its moment, and says it is published
  const pdf = squeeze(pdfRead((await file('office', `/api/v1/reports/monthly?month=${M}`, 'pdf')).buf).text);
  const head = pdf.match(/归档时审计链头：第(\d+)条/);
  assert.ok(head, 'the audit head in the archived report');
  assert.ok(+head[1] > 0 && +head[1] < Math.min(...audit.map((x) => x.seq)), 'the head before its own archiving');
  assert.ok(pdf.includes('该月认定结果已发布'));

  // a township reads its own report of the published month, written from the published data
  const east = await file('east', `/api/v1/reports/monthly?month=${M}`, 'pdf');
  assert.equal(east.headers.get('x-sanling-archived-version'), null);
  assert.ok(squeeze(pdfRead(east.buf).text).includes(EAST_MAY));
  assert.deepEqual((await get('east', `/api/v1/reports?month=${M}`)).json.archive, [], 'the district\'s archive is the office\'s and the leads\'');
  assertProblem(await get('east', `/api/v1/reports/monthly?month=${M}&version=1&format=pdf`), 403, { field: 'version' });

  // reopened: written live again; republished: version 2 beside version 1
  const re = await (await d.as('office')).post(`/api/v1/months/${M}/reopen`, { reason: '补录一起信访事项' });
  assert.equal(re.status, 200, re.text);
  const live = await file('office', `/api/v1/reports/monthly?month=${M}`, 'pdf');
  assert.equal(live.headers.get('x-sanling-archived-version'), null, 'a reopened month is not served from the archive');
  assert.ok(squeeze(pdfRead(live.buf).text).includes('该月认定结果尚未发布'));
  await publish();
  list = await get('office', `/api/v1/reports?month=${M}`);
  assert.equal(list.json.archive.length, 12);
  assert.equal(list.json.archive.filter((x) => x.version === 2 && x.current).length, 6);
  assert.equal(list.json.archive.filter((x) => x.version === 1 && !x.current).length, 6);
  const now = await file('office', `/api/v1/reports/monthly?month=${M}`, 'pdf');
  assert.equal(now.headers.get('x-sanling-archived-version'), '2');
  const old = await file('office', `/api/v1/reports/monthly?month=${M}&version=1`, 'pdf');
  assert.equal(sha(old.buf), v1.find((x) => x.kind === 'monthly' && x.format === 'pdf').sha256, 'version 1 unchanged');
});
