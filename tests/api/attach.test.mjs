// attach.test.mjs: files attached to records (附件) over the API, on the
// engine of SANLING_TEST_BACKEND: real JPEG, PNG, PDF, DOCX and XLSX files
// uploaded (as the raw body with ?name=, and as a multipart form) to tasks,
// problems and hazards, listed, and downloaded byte for byte (SHA-256) with
// their type, their UTF-8 name and nosniff; the same content stored once;
// who may read and who may add as the record's own rules say; every
// refusal (a wrong type, too large, empty, an entity without attachments,
// a record out of scope, a co-owner) answered with nothing stored; uploads
// and downloads audited without the file's content.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, assertProblem, sql } from './util.mjs';
import { BACKEND } from './lib.mjs';
import { EAST, WEST, XLSX_MIME, make as ev, auditRows } from './events_util.mjs';
import { sha256, png, jpeg, pdf, docx, exe, text, plainZip, macroDoc } from './attach_files.mjs';

let d, office;
before(async () => {
  d = await districtServer();
  office = await d.as('office');
});
after(async () => { await d?.stop(); });

const as = (u) => d.as(u);
const counts = () => ({
  blobs: +sql(d.store, 'SELECT COUNT(*) FROM blobs', BACKEND),
  attachments: +sql(d.store, 'SELECT COUNT(*) FROM attachments', BACKEND),
});
// Run `fn` and assert nothing was stored meanwhile; its answer.
async function storesNothing(fn) {
  const was = counts();
  const r = await fn();
  assert.deepEqual(counts(), was, `nothing stored: ${r.status} ${r.text}`);
  return r;
}
const upload = (c, path, buf, name) =>
  c.post(`${path}${name === undefined ? '' : `?name=${encodeURIComponent(name)}`}`, buf,
    { raw: true, headers: { 'content-type': 'application/octet-stream' } });
function uploadForm(c, path, buf, name, type = 'application/octet-stream') {
  const form = new FormData();
  form.append('note', '表单里的其他字段');
  form.append('file', new Blob([buf], { type }), name);
  return c.post(path, form, { raw: true });
}
async function create(user, entity, body) {
  const r = await (await as(user)).post(`/api/v1/${entity}`, body);
  assert.equal(r.status, 201, `${user} creates ${entity}: ${r.text}`);
  return r.json;
}
const task = (no, over = {}) => ({ no, title: '学校周边安全整治', source: 'standard', owner: 'JT', co_owners: 'YJ',
  township: EAST, assigned_on: '2023-04-01', due_on: '2023-05-31', ...over });

function assertDownload(r, buf, type, name) {
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), type);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(sha256(r.buf), sha256(buf), `${name}: the bytes as uploaded`);
  const cd = r.headers.get('content-disposition');
  assert.match(cd, /^attachment; filename="[\x20-\x7e]*"; /);
  const star = cd.match(/filename\*=UTF-8''(\S+)$/);
  assert.ok(star, cd);
  assert.equal(decodeURIComponent(star[1]), name, 'the UTF-8 name (RFC 5987)');
}

test('real files of every kind: uploaded raw and as a form, listed, downloaded byte for byte', async () => {
  const t = await create('office', 'tasks', task('AT-1'));
  const base = `/api/v1/tasks/${t.id}/attachments`;
  const xlsx = await office.get('/api/v1/tasks/export?format=xlsx');
  assert.equal(xlsx.status, 200);
  const files = [
    { buf: png(), name: '现场照片.png', type: 'image/png' },
    { buf: jpeg(), name: '整改前 (1).jpg', type: 'image/jpeg', form: true },
    { buf: pdf(), name: '督办通知.pdf', type: 'application/pdf' },
    { buf: docx(), name: '情况说明.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', form: true },
    { buf: xlsx.buf, name: '任务清单.xlsx', type: XLSX_MIME },
  ];
  let n = 0;
  for (const f of files) {
    // the client's type is not believed: sent as something else
    const r = f.form ? await uploadForm(office, base, f.buf, f.name, 'text/plain') : await upload(office, base, f.buf, f.name);
    assert.equal(r.status, 201, `${f.name}: ${r.text}`);
    n++;
    assert.deepEqual([r.json.n, r.json.name, r.json.content_type, r.json.size, r.json.sha256, r.json.uploaded_by],
      [n, f.name, f.type, f.buf.length, sha256(f.buf), 'office']);
    assert.match(r.json.uploaded_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  }
  const list = await office.get(base);
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.items.map((x) => [x.n, x.name, x.content_type, x.sha256]),
    files.map((f, i) => [i + 1, f.name, f.type, sha256(f.buf)]));
  for (const [i, f] of files.entries()) assertDownload(await office.get(`${base}/${i + 1}`), f.buf, f.type, f.name);
  // the owner and the township it lies in read them too; a co-owner as well
  for (const user of ['edu', 'east', 'safety']) {
    const r = await (await as(user)).get(`${base}/3`);
    assertDownload(r, files[2].buf, 'application/pdf', '督办通知.pdf');
  }
  // a path in the name keeps its last part; ?name= names a form's file too
  const r = await uploadForm(office, `${base}?name=${encodeURIComponent('改名.png')}`, png(3, 1), 'C:\\fakepath\\原名.png');
  assert.deepEqual([r.status, r.json?.name], [201, '改名.png'], r.text);
  const r2 = await uploadForm(office, base, png(4, 1), 'C:\\fakepath\\原名.png');
  assert.deepEqual([r2.status, r2.json?.name], [201, '原名.png'], r2.text);
  // larger than a JSON body may be (1 MiB): the server lets uploads of attachments bring more
  const big = png(8, 8, [9, 9, 9], 3 << 20);
  for (const form of [false, true]) {
    const b = form ? await uploadForm(office, base, big, '大图.png') : await upload(office, base, big, '大图.png');
    assert.deepEqual([b.status, b.json?.size, b.json?.sha256], [201, big.length, sha256(big)], b.text.slice(0, 300));
    assertDownload(await office.get(`${base}/${b.json.n}`), big, 'image/png', '大图.png');
  }
  // a number that is not one of the record's
  assertProblem(await office.get(`${base}/99`), 404);
  assertProblem(await office.get(`${base}/abc`), 404);
  assertProblem(await office.get(`${base}/0`), 404);
});

test('the same content is stored once, however often and wherever it is attached', async () => {
  const t = await create('office', 'tasks', task('AT-2'));
  const p = await create('office', 'problems', { no: 'AT-P2', found_on: '2023-03-15', source: 'supervision', department: 'JT',
    subject: 'S1', description: '校门口无护学岗', level: 'general', deadline: '2023-04-15' });
  const buf = pdf('once');
  const was = counts();
  assert.equal((await upload(office, `/api/v1/tasks/${t.id}/attachments`, buf, 'a.pdf')).status, 201);
  assert.deepEqual(counts(), { blobs: was.blobs + 1, attachments: was.attachments + 1 });
  assert.equal((await upload(office, `/api/v1/tasks/${t.id}/attachments`, buf, 'a-again.pdf')).status, 201);
  const r = await upload(office, `/api/v1/problems/${p.id}/attachments`, buf, '同一文件.pdf');
  assert.deepEqual([r.status, r.json.n, r.json.sha256], [201, 1, sha256(buf)], r.text);
  assert.deepEqual(counts(), { blobs: was.blobs + 1, attachments: was.attachments + 3 });
  assertDownload(await office.get(`/api/v1/problems/${p.id}/attachments/1`), buf, 'application/pdf', '同一文件.pdf');
});

test('who may add a file is who may change the record: the owner and its township yes, a co-owner no', async () => {
  const t = await create('office', 'tasks', task('AT-3'));
  const base = `/api/v1/tasks/${t.id}/attachments`;
  let r = await upload(await as('edu'), base, png(1, 1), '牵头单位.png');
  assert.deepEqual([r.status, r.json?.uploaded_by], [201, 'edu'], r.text);
  r = await upload(await as('east'), base, png(1, 2), '乡镇.png');
  assert.deepEqual([r.status, r.json?.uploaded_by], [201, 'east'], r.text);
  // the co-owner reads but does not add
  assertProblem(await storesNothing(async () => upload(await as('safety'), base, png(2, 3), '配合单位.png')), 403, { field: 'owner' });
  assert.equal((await (await as('safety')).get(base)).json.items.length, 2);
  // the list says who may add (the browser's upload button)
  for (const [user, may] of [['office', true], ['edu', true], ['east', true], ['safety', false]]) {
    assert.equal((await (await as(user)).get(base)).json.can_upload, may, `${user} may upload`);
  }
  // out of scope: as missing, for reading and for adding
  for (const user of ['west', 'police', 'petition']) {
    const c = await as(user);
    assertProblem(await c.get(base), 404);
    assertProblem(await c.get(`${base}/1`), 404);
    assertProblem(await storesNothing(() => upload(c, base, png(2, 4), 'x.png')), 404);
  }
  // roles with no business with tasks
  for (const user of ['grid1', 'subj', 'sysadmin', 'auditor']) {
    const c = await as(user);
    assertProblem(await c.get(base), 403);
    assertProblem(await storesNothing(() => upload(c, base, png(2, 5), 'x.png')), 403);
  }
  // a hazard: its writers add; a business role that reads it does not
  const h = await create('safety', 'hazards', ev.hazards('AT-H3'));
  const hb = `/api/v1/hazards/${h.id}/attachments`;
  r = await uploadForm(await as('safety'), hb, jpeg(), '隐患照片.jpg');
  assert.equal(r.status, 201, r.text);
  assertDownload(await office.get(`${hb}/1`), jpeg(), 'image/jpeg', '隐患照片.jpg');
  assertProblem(await storesNothing(async () => upload(await as('petition'), hb, png(), 'x.png')), 403);
});

test('refusals: a wrong type, too large, empty, no file in the form, a bad name, an entity without attachments — nothing stored', async () => {
  const t = await create('office', 'tasks', task('AT-4'));
  const base = `/api/v1/tasks/${t.id}/attachments`;
  for (const [buf, name] of [[exe(), '照片.jpg'], [text(), '照片.jpg'], [plainZip(), '表格.xlsx'], [macroDoc(), '文档.docx'],
    [Buffer.from('%PD'), 'short.pdf']]) {
    assertProblem(await storesNothing(() => upload(office, base, buf, name)), 422, { field: 'file', detail: /JPEG、PNG、PDF、DOCX、XLSX/ });
  }
  assertProblem(await storesNothing(() => uploadForm(office, base, exe(), 'setup.png', 'image/png')), 422, { field: 'file' });
  assertProblem(await storesNothing(() => upload(office, base, Buffer.alloc(0), '空.png')), 400, { field: 'file' });
  assertProblem(await storesNothing(() => uploadForm(office, base, Buffer.alloc(0), '空.png')), 400, { field: 'file' });
  assertProblem(await storesNothing(() => upload(office, base, png())), 422, { field: 'name' });
  assertProblem(await storesNothing(() => upload(office, base, png(), 'a"b.png')), 422, { field: 'name' });
  assertProblem(await storesNothing(() => upload(office, base, png(), 'x'.repeat(201))), 422, { field: 'name' });
  const form = new FormData();
  form.append('note', '没有文件');
  assertProblem(await storesNothing(() => office.post(base, form, { raw: true })), 400, { field: 'file' });
  // too large: over the setting (the security administrator's), 413
  const sec = await as('secadmin');
  const s = await sec.get('/api/v1/settings');
  assert.equal(s.json.attachment_max_bytes, 10 * 1024 * 1024, 'the default: 10 MiB');
  assert.equal((await sec.put('/api/v1/settings', { attachment_max_bytes: 2048 })).status, 200);
  try {
    assertProblem(await storesNothing(() => upload(office, base, png(2, 2, [1, 2, 3], 3000), '大图.png')), 413, { field: 'file' });
    assert.equal((await upload(office, base, png(2, 2, [1, 2, 3], 1000), '小图.png')).status, 201);
  } finally {
    assert.equal((await sec.put('/api/v1/settings', { attachment_max_bytes: 10 * 1024 * 1024 })).status, 200);
  }
  // over the server's own cap for any upload: refused before it is read
  // an entity without attachments
  const m = await create('office', 'meetings', { no: 'AT-M4', held_on: '2023-03-28', month: '2023-03' });
  assertProblem(await office.get(`/api/v1/meetings/${m.id}/attachments`), 404);
  assertProblem(await storesNothing(() => upload(office, `/api/v1/meetings/${m.id}/attachments`, png(), 'x.png')), 404);
  assertProblem(await office.get(`/api/v1/meetings/${m.id}/attachments/1`), 404);
  // a record that is not there
  assertProblem(await storesNothing(() => upload(office, '/api/v1/tasks/999999/attachments', png(), 'x.png')), 404);
  // other methods
  assert.equal((await office.patch(base, {})).status, 405);
  assert.equal((await office.post(`${base}/1`, {})).status, 405);
});

test('uploads and downloads are audited on the record, without the file', async () => {
  const t = await create('office', 'tasks', task('AT-5'));
  const base = `/api/v1/tasks/${t.id}/attachments`;
  const buf = pdf('audited');
  assert.equal((await upload(await as('edu'), base, buf, '审计.pdf')).status, 201);
  assert.equal((await office.get(`${base}/1`)).status, 200);
  const auditor = await as('auditor');
  const object = `tasks/${t.id} AT-5`;
  const up = (await auditRows(auditor, 'tasks.attach')).filter((x) => x.object === object);
  assert.equal(up.length, 1);
  assert.equal(up[0].username, 'edu');
  assert.equal(up[0].detail, `n=1 name=审计.pdf type=pdf size=${buf.length} sha256=${sha256(buf)}`);
  const down = (await auditRows(auditor, 'tasks.attachment')).filter((x) => x.object === object);
  assert.deepEqual(down.map((x) => [x.username, x.detail]), [['office', `n=1 name=审计.pdf sha256=${sha256(buf)}`]]);
  // the record's history (its audit trail) shows them
  const h = await office.get(`/api/v1/tasks/${t.id}/history`);
  assert.deepEqual(h.json.map((x) => x.action).filter((a) => a.startsWith('tasks.attach')), ['tasks.attach', 'tasks.attachment']);
});

test('/meta says which lists take attachments; the OpenAPI document shows the routes only for them', async () => {
  const meta = await office.get('/api/v1/meta');
  const by = Object.fromEntries(meta.json.entities.map((e) => [e.name, e.attachments]));
  assert.deepEqual([by.tasks, by.problems, by.hazards, by.meetings, by.petitions], [true, true, true, false, false]);
  const doc = await office.get('/api/v1/openapi.json');
  const paths = Object.keys(doc.json.paths).filter((p) => p.includes('/attachments'));
  for (const e of ['tasks', 'problems', 'hazards']) {
    assert.ok(paths.includes(`/${e}/{id}/attachments`) && paths.includes(`/${e}/{id}/attachments/{n}`), e);
  }
  assert.ok(!paths.some((p) => p.startsWith('/meetings/') || p.startsWith('/petitions/')));
});

test('a progress report and a 督办 feedback take their evidence: the owner attaches, a co-owner may not', async () => {
  await create('office', 'tasks', task('AT-P'));
  const u = await create('edu', 'task_updates', { task: 'AT-P', reported_on: '2023-04-10', text: '已完成排查，附照片' });
  const photo = png();
  const up = await upload(await as('edu'), `/api/v1/task_updates/${u.id}/attachments`, photo, '现场照片.png');
  assert.equal(up.status, 201, up.text);
  assertDownload(await office.get(`/api/v1/task_updates/${u.id}/attachments/1`), photo, 'image/png', '现场照片.png');
  assertProblem(await storesNothing(async () => upload(await as('safety'), `/api/v1/task_updates/${u.id}/attachments`, photo, 'x.png')), 403);
  await create('office', 'supervisions', { no: 'AT-S', item_kind: 'task', item: 'AT-P', level: 'office',
    notice_on: '2023-04-11', workdays: 5, requirement: '限期反馈' });
  const f = await create('edu', 'supervision_feedback', { no: 'AT-F', supervision: 'AT-S', answered_on: '2023-04-12', text: '已整改' });
  const scan = pdf();
  const fu = await upload(await as('edu'), `/api/v1/supervision_feedback/${f.id}/attachments`, scan, '整改报告.pdf');
  assert.equal(fu.status, 201, fu.text);
  const list = await office.get(`/api/v1/supervision_feedback/${f.id}/attachments`);
  assert.deepEqual(list.json.items.map((x) => [x.name, x.content_type, x.sha256]), [['整改报告.pdf', 'application/pdf', sha256(scan)]]);
});
