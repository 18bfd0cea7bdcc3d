// exchange.test.mjs: upward reporting (逐级上报) between two deployments.
// A district's own deployment (a copy of the demo) publishes a month over
// the API (the three leads certify, the office publishes) and exports it
// with `sanling exchange export`; the package's signature is checked here
// with Node's own Ed25519 against the key `sanling exchange key` printed.
// A city's deployment (a fresh store: `init`, a city region) registers the
// district with that key (`exchange trust`) and imports the package: its
// figures (`sanling figures`, every district) are then the district's own,
// as the district's `sanling figures --json` printed them — the report
// figures, of the package's month and of months before it — and so are the
// city office's over the API (GET /figures, and its row by district).  The city
// never computes that district from its (absent) events.  Every refusal
// — unknown district, a key other than the registered one, an altered
// payload or signature, a malformed file, a month not published, a replay
// — changes nothing (every table's rows hashed before and after) but the
// refusal's own audit row.  A month reopened, changed, published again and
// exported again replaces the first package at the city, both hashes in
// the audit log, and the first can no longer be imported.
//
// Packages of a second external district ("T") are made here, signed by
// keys the test generates (the format is plain Ed25519 over the payload's
// bytes), to reach the checks behind the signature.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoServer, freshDb, PASSWORD, startServer } from './lib.mjs';
import { cliImport, contentHash, sqlAt } from './util.mjs';
import { COUNT_KEYS, RATE_KEYS, WORK_KEYS, GRASS_KEYS } from './assess_util.mjs';

const M = '2023-06';
const DISTRICT = '411603000000';
const CITY = '411600000000';
const T = '411699000000'; // the second external district, the test's own keys
// the report figures: what the cells count (the work's and the grassroots' are the city's own lists)
const REPORT_KEYS = [...COUNT_KEYS.filter((k) => !WORK_KEYS.includes(k)), ...RATE_KEYS];
// the work and grassroots figures: from the package's work counts, not its cells
const WORK_ALL = [...WORK_KEYS, ...GRASS_KEYS];

let d, city, key, pkg1, pkg2;
const own = {}; // the district's figures through each month, as its `sanling figures --json` printed them

const sha256 = (s) => createHash('sha256').update(s).digest('hex');

function cli(store, args, input) {
  const r = store.cli(args, input);
  return { ...r, ok: r.status === 0 };
}
function figures(store, through) {
  const r = cli(store, ['figures', '--through', through, '--json']);
  assert.ok(r.ok, r.stderr);
  return JSON.parse(r.stdout);
}

// The three leads certify `month`, the office publishes it, over the API.
async function publish(month) {
  for (const [user, dimension] of [['petition', 'petition'], ['safety', 'accident'], ['police', 'case']]) {
    const r = await d.clients[user].post(`/api/v1/months/${month}/certify`, { dimension });
    assert.equal(r.status, 200, r.text);
  }
  const p = await d.clients.office.post(`/api/v1/months/${month}/publish`, {});
  assert.equal(p.status, 200, p.text);
}

function exportMonth(month, name) {
  const file = join(d.store.dir, name);
  const r = cli(d.store, ['exchange', 'export', '--month', month, '-o', file]);
  return { ...r, file };
}

// An Ed25519 key pair of the test's: its public key as 64 hex characters, and signing.
function testKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const hex = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url').toString('hex');
  return { hex, sign: (text) => sign(null, Buffer.from(text, 'utf8'), privateKey).toString('hex') };
}
const keyA = testKey(), keyB = testKey();

// A package file of `payload` (text) with signature `sig`.
const packageText = (payload, sig) => JSON.stringify({ format: 'sanling-exchange/1', signature: sig, payload });

// The district's package made T's: its payload changed by `change`, signed by `k`.
function forT(change = (p) => p, k = keyA) {
  const p = JSON.parse(JSON.parse(readFileSync(pkg1, 'utf8')).payload);
  p.district = { code: T, name: '测试外部区' };
  const text = JSON.stringify(change(p));
  return packageText(text, k.sign(text));
}

// Import `text` at the city: refused with `message`, and nothing changed but the refusal's audit row.
let cityHash = null; // the city's content as the last refusal left it (null: changed since)
function refused(text, message, what) {
  const file = join(city.dir, 'bad.json');
  writeFileSync(file, text);
  const before = cityHash ?? contentHash(city.db);
  const seq = Number(sqlAt(city.db, 'SELECT MAX(seq) FROM audit').trim());
  const r = cli(city, ['exchange', 'import', file]);
  assert.notEqual(r.status, 0, `${what}: refused`);
  assert.match(r.stderr, message, `${what}: ${r.stderr}`);
  cityHash = contentHash(city.db);
  assert.deepEqual(cityHash, before, `${what}: nothing changed`);
  const rows = sqlAt(city.db, `SELECT action, outcome FROM audit WHERE seq > ${seq} ORDER BY seq`).trim();
  assert.equal(rows, 'exchange.import|refused', `${what}: one audit row of the refusal`);
  assert.equal(cli(city, ['audit', 'verify']).status, 0);
}

before(async () => {
  d = await demoServer(['petition', 'safety', 'police', 'office']);
  await publish(M);
  for (const m of ['2023-01', '2023-03', M]) own[m] = figures(d.store, m);
  city = freshDb();
  cliImport(city, 'regions', `code,name,level,parent\n${CITY},周口市,city,\n`);
});
after(async () => {
  await d?.stop();
  city?.cleanup();
});

test('a district exports its published month, signed with its key; an unpublished month is refused', async () => {
  const k = cli(d.store, ['exchange', 'key']);
  assert.ok(k.ok, k.stderr);
  key = k.stdout.trim();
  assert.match(key, /^[0-9a-f]{64}$/);
  assert.equal(cli(d.store, ['exchange', 'key', '--district', DISTRICT]).stdout.trim(), key, 'one key a district');

  const no = exportMonth('2023-07', 'july.json');
  assert.notEqual(no.status, 0);
  assert.match(no.stderr, /2023-07 月尚未发布/);
  assert.ok(!existsSync(no.file), 'nothing written');

  const r = exportMonth(M, 'june-1.json');
  assert.ok(r.ok, r.stderr);
  pkg1 = r.file;
  const file = JSON.parse(readFileSync(pkg1, 'utf8'));
  assert.deepEqual(Object.keys(file), ['format', 'signature', 'payload']);
  assert.equal(file.format, 'sanling-exchange/1');
  // the signature verifies, with Node's Ed25519, under the key the district prints, over the payload's bytes
  const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key, 'hex').toString('base64url') }, format: 'jwk' });
  assert.ok(verify(null, Buffer.from(file.payload, 'utf8'), pub, Buffer.from(file.signature, 'hex')), 'the signature verifies');
  assert.ok(!verify(null, Buffer.from(file.payload + ' ', 'utf8'), pub, Buffer.from(file.signature, 'hex')));

  const p = JSON.parse(file.payload);
  assert.deepEqual(p.district.code, DISTRICT);
  assert.equal(p.month, M);
  assert.equal(p.publication, 1);
  assert.match(p.published_at, /^2\d{3}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(p.figures, own[M], 'its figures are `sanling figures --through M`');
  assert.deepEqual(p.provisional, ['2023-01', '2023-02', '2023-03', '2023-04', '2023-05'], 'the months before, not published');
  // its subjects: every one on the list, those that complied all year the figures' compliant ones
  assert.equal(p.subjects.length, own[M].subjects_total);
  assert.equal(p.subjects.filter((s) => s.complies).length, own[M].villages_compliant + own[M].enterprises_compliant);
  for (const s of p.subjects) {
    assert.ok(s.subject && s.name && s.kind && s.township, JSON.stringify(s));
    if (!s.complies) assert.ok(s.failed_months.length > 0 && s.failed_months.every((f) => f.month <= M && f.reason));
  }
  // the documents the publication archived, by their hashes
  const archive = (await d.clients.office.get(`/api/v1/reports?month=${M}`)).json.archive;
  assert.equal(archive.length, 6);
  assert.deepEqual(p.documents.map((x) => x.sha256).sort(), archive.map((x) => x.sha256).sort());
  assert.ok(Number.isInteger(p.audit_head.seq) && /^[0-9a-f]{64}$/.test(p.audit_head.link));
  // the district's audit log keeps the hash of what it reported
  const row = sqlAt(d.store.db, "SELECT outcome, detail FROM audit WHERE action = 'exchange.export'").trim();
  assert.equal(row, `ok|publication 1 sha256 ${sha256(file.payload)}`);
});

test('the city registers the district and imports its month: its figures of it are the district\'s own', () => {
  const t = cli(city, ['exchange', 'trust', DISTRICT, key, '--name', '淮阳区', '--parent', CITY]);
  assert.ok(t.ok, t.stderr);
  assert.equal(sqlAt(city.db, `SELECT level, parent, name FROM regions WHERE code = '${DISTRICT}'`).trim(), `district|${CITY}|淮阳区`);
  const taken = cli(city, ['exchange', 'trust', CITY, key, '--name', '周口市']);
  assert.notEqual(taken.status, 0);
  assert.match(taken.stderr, /区划 411600000000 已存在/);
  const badKey = cli(city, ['exchange', 'trust', T, 'abc', '--name', '测试外部区']);
  assert.match(badKey.stderr, /64 位十六进制/);
  const noName = cli(city, ['exchange', 'trust', T, keyA.hex]);
  assert.match(noName.stderr, /缺少 --name/);

  const r = cli(city, ['exchange', 'import', pkg1]);
  assert.ok(r.ok, r.stderr);
  assert.match(r.stdout, /2023-06 月（第 1 次发布）已导入/);
  // the figures of every district (here the one), through the month and months before it
  for (const m of Object.keys(own)) {
    const f = figures(city, m);
    for (const k of REPORT_KEYS) assert.equal(f[k], own[m][k], `through ${m}: ${k}`);
  }
  // the work and grassroots figures are the district's, from the package's counts of each month
  for (const m of Object.keys(own)) {
    const f = figures(city, m);
    for (const k of WORK_ALL) assert.equal(f[k], own[m][k], `through ${m}: ${k}`);
  }
  assert.ok(own[M].patrols > 0 && own[M].tasks_assigned > 0, 'the district has work to report');
  // after the month nothing is known of the district: its months to come count nothing yet
  assert.equal(figures(city, '2023-07').subjects_total, 0);

  const sha = sha256(JSON.parse(readFileSync(pkg1, 'utf8')).payload);
  const list = cli(city, ['exchange', 'list']).stdout;
  assert.ok(list.includes(`district\t${DISTRICT}\t淮阳区\t${key}\n`), list);
  assert.match(list, new RegExp(`package\\t${DISTRICT}\\t${M}\\t1\\t[^\\t]+\\t${sha}\\tcurrent\\n`));
  const audit = sqlAt(city.db, "SELECT action, outcome, detail FROM audit WHERE action LIKE 'exchange.%' ORDER BY seq").trim().split('\n');
  assert.deepEqual(audit, [
    `exchange.trust|ok|external district ${DISTRICT}, public key ${key}`,
    'exchange.trust|refused|refused: 区划 411600000000 已存在（层级 city）：外部区县须是本级新登记的区县',
    'exchange.trust|refused|refused: 公钥应为 64 位十六进制字符（区县执行 sanling exchange key 所得）',
    'exchange.trust|refused|refused: 缺少 --name：区县的名称',
    `exchange.import|ok|publication 1 sha256 ${sha}`,
  ]);

  // the city never determines the district from its own (absent) data: the month close and any read
  const before = contentHash(city.db);
  assert.ok(cli(city, ['determine', '--through', '2023-08']).ok);
  figures(city, '2023-08');
  figures(city, M);
  assert.deepEqual(contentHash(city.db), before, 'nothing computed for an external district');
});

test('the city\'s office reads the district in its figures over the API, and by district', async () => {
  cliImport(city, 'departments', `单位代码,单位名称,职能,所在区划\nCITY-SLB,周口市三零办,office,${CITY}\n`);
  assert.ok(cli(city, ['user', 'add', 'city', '--role', 'region', '--dept', 'CITY-SLB'], PASSWORD + '\n').ok);
  const srv = await startServer({ store: city });
  try {
    const c = await srv.client().loginReady('city');
    const r = await c.get(`/api/v1/figures?through=${M}`);
    assert.equal(r.status, 200, r.text);
    for (const k of [...REPORT_KEYS, ...WORK_ALL]) assert.equal(r.json[k], own[M][k], k);
    const by = await c.get(`/api/v1/figures/breakdown?through=${M}&by=district`);
    assert.equal(by.status, 200, by.text);
    const row = by.json.rows.find((x) => x.key === DISTRICT);
    assert.ok(row, JSON.stringify(by.json.rows.map((x) => x.key)));
    for (const k of [...REPORT_KEYS, ...WORK_ALL]) assert.equal(row.figures[k], own[M][k], `by district: ${k}`);
  } finally {
    await srv.stop();
  }
});

test('a month reopened, changed and published again replaces the first package at the city, both in the audit log', async () => {
  const re = await d.clients.office.post(`/api/v1/months/${M}/reopen`, { reason: '补录一起来访' });
  assert.equal(re.status, 200, re.text);
  const v = await d.clients.petition.post('/api/v1/petitions', {
    no: 'EX-1', received_on: `${M}-20`, channel: 'visit', persons: 3, level: 'township', category: 'land',
    township: '411603100000', summary: '补录来访',
  });
  assert.equal(v.status, 201, v.text);
  await publish(M);
  const now = figures(d.store, M);
  assert.equal(now.visit_batches, own[M].visit_batches + 1, 'the district counts the new visit');
  assert.equal(now.visit_persons, own[M].visit_persons + 3);
  const r = exportMonth(M, 'june-2.json');
  assert.ok(r.ok, r.stderr);
  pkg2 = r.file;
  const p2 = JSON.parse(readFileSync(r.file, 'utf8')).payload, p1 = JSON.parse(readFileSync(pkg1, 'utf8')).payload;
  assert.equal(JSON.parse(p2).publication, 2);

  const i = cli(city, ['exchange', 'import', r.file]);
  assert.ok(i.ok, i.stderr);
  assert.match(i.stdout, /第 2 次发布）已导入，替换第 1 次发布/);
  const f = figures(city, M);
  for (const k of REPORT_KEYS) assert.equal(f[k], now[k], `${k} after the republication`);
  const detail = sqlAt(city.db, `SELECT detail FROM audit WHERE action = 'exchange.import' AND object = 'exchange/${DISTRICT}/${M}' AND outcome = 'ok' ORDER BY seq DESC LIMIT 1`).trim();
  assert.equal(detail, `publication 2 sha256 ${sha256(p2)} replaces publication 1 sha256 ${sha256(p1)}`);
  const list = cli(city, ['exchange', 'list']).stdout;
  assert.match(list, new RegExp(`package\\t${DISTRICT}\\t${M}\\t1\\t[^\\t]+\\t${sha256(p1)}\\treplaced\\n`));
  assert.match(list, new RegExp(`package\\t${DISTRICT}\\t${M}\\t2\\t[^\\t]+\\t${sha256(p2)}\\tcurrent\\n`));
});

test('refused, and nothing changed: unknown district, another key, an altered package, a malformed file, a month not published, a replay', () => {
  // T is not registered yet
  refused(forT(), /区县 411699000000 未在本级登记/, 'unknown district');
  assert.ok(cli(city, ['exchange', 'trust', T, keyA.hex, '--name', '测试外部区', '--parent', CITY]).ok);
  cityHash = null;
  // signed by a key that is not T's, or by the district's own key for T
  refused(forT((p) => p, keyB), /签名无效/, 'another key');
  const own1 = JSON.parse(readFileSync(pkg1, 'utf8'));
  refused(packageText(JSON.parse(forT()).payload, own1.signature), /签名无效/, 'the district\'s signature on T\'s payload');
  // the district's package altered after signing: a figure, or the signature
  refused(packageText(own1.payload.replace('"visit_batches":', '"visit_batches":1'), own1.signature), /签名无效/, 'an altered payload');
  const flipped = own1.signature.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  refused(packageText(own1.payload, flipped), /签名无效/, 'an altered signature');
  refused(packageText(own1.payload, 'zz'), /签名格式不正确/, 'a signature that is no hex');
  // malformed files, and malformed payloads under a valid signature
  refused('not json', /不是上报数据包/, 'not JSON');
  refused(JSON.stringify({ format: 'sanling-exchange/1', signature: own1.signature }), /不是上报数据包/, 'no payload');
  refused(JSON.stringify({ ...own1, format: 'other/1' }), /不是上报数据包/, 'another format');
  const garbage = 'not json either';
  refused(packageText(garbage, keyA.sign(garbage)), /payload 不是/, 'a payload that is no JSON');
  refused(forT((p) => ({ ...p, month: '2023-13' })), /month/, 'a month that is none');
  refused(forT((p) => ({ ...p, cells: 'x' })), /cells：应为数组/, 'cells not an array');
  refused(forT((p) => { p.cells[0].visit_batches = -1; return p; }), /not a count/, 'a negative count');
  refused(forT((p) => { p.cells.push(p.cells[0]); return p; }), /again/, 'a cell twice');
  refused(forT((p) => { p.cells[0].month = '2023-07'; return p; }), /outside/, 'a cell after the month');
  refused(forT((p) => { p.figures.visit_batches += 1; return p; }), /figures\.visit_batches does not follow from the cells/, 'figures that the cells do not give');
  refused(forT((p) => { p.work[M][0] += 1; return p; }), /figures\.tasks_assigned does not follow from the work counts/, 'work counts that the figures do not give');
  refused(forT((p) => { p.work['2023-07'] = p.work[M]; return p; }), /work\.2023-07/, 'work counts after the month');
  refused(forT((p) => { p.work[M] = [1, 2]; return p; }), /work\.2023-06/, 'work counts that are not the counts');
  refused(forT((p) => ({ ...p, published_at: 'yesterday' })), /published_at/, 'a time that is none');
  // a month the district has not published
  refused(forT((p) => ({ ...p, publication: 0 })), /2023-06 月在区县尚未发布/, 'publication 0');
  refused(forT((p) => ({ ...p, provisional: [...p.provisional, M] })), /2023-06 月在区县尚未发布/, 'the month itself provisional');
  // a replay: the same package again, or the one it replaced
  refused(readFileSync(pkg2, 'utf8'), /这个数据包已导入过/, 'the same package');
  refused(readFileSync(pkg1, 'utf8'), /已导入第 2 次发布，此包是第 1 次发布/, 'the replaced package');
  // T's valid package is taken, then an older or equal publication of it is not
  const ok = join(city.dir, 't.json');
  writeFileSync(ok, forT((p) => ({ ...p, publication: 3 })));
  const tOk = cli(city, ['exchange', 'import', ok]);
  assert.ok(tOk.ok, tOk.stderr);
  cityHash = null;
  refused(forT((p) => ({ ...p, publication: 3, exported_at: '2030-01-01T00:00:00Z' })), /已导入第 3 次发布，此包是第 3 次发布/, 'the same publication again');
  refused(forT((p) => ({ ...p, publication: 2 })), /已导入第 3 次发布，此包是第 2 次发布/, 'an older publication');
  // T's key file lost: its new key registered in place of the old, which signs nothing any more
  const rk = cli(city, ['exchange', 'trust', T, keyB.hex]);
  assert.ok(rk.ok, rk.stderr);
  assert.equal(sqlAt(city.db, "SELECT detail FROM audit WHERE action = 'exchange.trust' ORDER BY seq DESC LIMIT 1").trim(),
    `external district ${T}, public key ${keyA.hex} replaced by ${keyB.hex}`);
  cityHash = null;
  refused(forT((p) => ({ ...p, publication: 4 })), /签名无效/, 'the old key');
  writeFileSync(ok, forT((p) => ({ ...p, publication: 4 }), keyB));
  assert.ok(cli(city, ['exchange', 'import', ok]).ok, 'the new key');
});
