// region.test.mjs: the regions above the districts (issue 19) — a province,
// two cities under it, three generated districts (`gen scale`): two under
// the first city, one under the second — and the offices of a city and of
// the province (role `region`).  Each reads the business data of exactly the
// districts under it, writes nothing, reaches no route but its session, the
// lists and records, and the figures; its figures are the sum of its
// districts' own (each read by that district's office), and its breakdown
// by district gives each district's figures and their ranking; its months
// are provisional while a district under it has not published them; its
// bulletin (报告) sums and ranks its districts and names the unpublished
// (the city's two districts publish August through their leads).  Expected
// values come from the database by plain SQL and from each district
// office's own reading, never from the region's.  On both engines.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BACKEND, freshDb, PASSWORD, startServer } from './lib.mjs';
import { sql, loadRegions, readXlsx, REGIONS } from './util.mjs';
import { pdfRead, squeeze } from './docs_util.mjs';

const { CITY, OTHER_CITY, D1, D2, D3 } = REGIONS;
const users = [['city', 'region', 'CITY-SLB'], ['province', 'region', 'PROV-SLB'],
  ['off1', 'office', '0001-SLB'], ['off2', 'office', '0002-SLB'], ['off3', 'office', '0003-SLB'],
  // the leads of the city's districts, who certify their month for the bulletins' test
  ['pet1', 'petition', '0001-XFJ'], ['saf1', 'safety', '0001-YJJ'], ['pol1', 'police', '0001-GAJ'],
  ['pet2', 'petition', '0002-XFJ'], ['saf2', 'safety', '0002-YJJ'], ['pol2', 'police', '0002-GAJ']];
const THROUGH = '2023-08';

let store, srv;
const as = {};

function importCsv(kind, text) {
  const f = join(store.dir, `${kind}-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(f, text);
  return store.cli(['import', kind, f]);
}
const count = (statement) => Number(sql(store, statement, BACKEND));

before(async () => {
  store = freshDb();
  loadRegions(store, users, BACKEND);
  srv = await startServer({ store });
  for (const [u] of users) {
    as[u] = srv.client();
    await as[u].loginReady(u);
  }
});

after(async () => {
  if (srv) await srv.stop();
  if (store) store.cleanup();
});

test('a region account belongs to the office of a city or a province, and a district stays under its first city', () => {
  const bad = store.cli(['user', 'add', 'wrong', '--role', 'region', '--dept', '0001-SLB'], PASSWORD + '\n');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr + bad.stdout, /市或省的创建办公室/);
  assert.equal(count("SELECT COUNT(*) FROM users WHERE username = 'wrong'"), 0);
  const moved = importCsv('regions', `code,name,level,parent\n${D1},改,district,${OTHER_CITY}\n`);
  assert.notEqual(moved.status, 0);
  assert.match(moved.stderr + moved.stdout, /上级区划不能修改/);
  assert.equal(sql(store, `SELECT parent FROM regions WHERE code = '${D1}'`, BACKEND), CITY);
  const cityAsParent = importCsv('regions', `code,name,level,parent\n410300000000,丙市,city,${CITY}\n`);
  assert.notEqual(cityAsParent.status, 0);
  assert.match(cityAsParent.stderr + cityAsParent.stdout, /层级应为省/);
});

test('a city reads the lists and records of its districts, and only theirs', async () => {
  for (const [entity, table] of [['subjects', 'subjects'], ['petitions', 'petitions'], ['cases', 'cases'], ['hazards', 'hazards']]) {
    const want = count(`SELECT COUNT(*) FROM ${table} WHERE district IN ('${D1}', '${D2}')`);
    const r = await as.city.get(`/api/v1/${entity}?page_size=1`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.total, want, `${entity} of the city`);
    const all = await as.province.get(`/api/v1/${entity}?page_size=1`);
    assert.equal(all.json.total, count(`SELECT COUNT(*) FROM ${table}`), `${entity} of the province`);
  }
  const outside = sql(store, `SELECT id FROM subjects WHERE district = '${D3}' ORDER BY id LIMIT 1`, BACKEND);
  const inside = sql(store, `SELECT id FROM subjects WHERE district = '${D1}' ORDER BY id LIMIT 1`, BACKEND);
  assert.equal((await as.city.get(`/api/v1/subjects/${inside}`)).status, 200);
  assert.equal((await as.city.get(`/api/v1/subjects/${outside}`)).status, 404, 'a subject of the other city is none of its business');
  assert.equal((await as.province.get(`/api/v1/subjects/${outside}`)).status, 200);
});

test('a city exports the lists of its districts, and only theirs', async () => {
  const r = await as.city.get('/api/v1/subjects/export?format=csv');
  assert.equal(r.status, 200, r.text.slice(0, 300));
  const lines = r.text.trim().split('\n');
  assert.equal(lines.length - 1, count(`SELECT COUNT(*) FROM subjects WHERE district IN ('${D1}', '${D2}')`), 'one row per subject of the city');
  const d3 = sql(store, `SELECT code FROM subjects WHERE district = '${D3}' ORDER BY code LIMIT 1`, BACKEND);
  assert.ok(!lines.some((l) => l.startsWith(`${d3},`)), 'no subject of the other city');
  const audit = count("SELECT COUNT(*) FROM audit WHERE action = 'subjects.export' AND username = 'city'");
  assert.ok(audit >= 1, 'the export is audited');
});

test('a region account writes nothing and reaches no other route', async () => {
  const subject = JSON.parse((await as.city.get('/api/v1/subjects?page_size=1')).text).items[0];
  const before = sql(store, 'SELECT COUNT(*), MAX(rev) FROM petitions', BACKEND) + sql(store, `SELECT rev FROM subjects WHERE id = ${subject.id}`, BACKEND);
  const writes = [
    as.city.post('/api/v1/petitions', { no: 'RG-1', received_on: '2023-03-01', channel: 'visit', persons: 1, level: 'township',
      subject: subject.code, township: subject.township, category: 'other', summary: '越权' }),
    as.city.patch(`/api/v1/subjects/${subject.id}`, { name: '改名', rev: subject.rev }),
    as.province.post(`/api/v1/subjects/${subject.id}/retire`, { month: '2023-08' }),
  ];
  for (const r of await Promise.all(writes)) assert.equal(r.status, 403, r.text);
  const after = sql(store, 'SELECT COUNT(*), MAX(rev) FROM petitions', BACKEND) + sql(store, `SELECT rev FROM subjects WHERE id = ${subject.id}`, BACKEND);
  assert.equal(after, before, 'nothing changed');
  for (const path of ['/api/v1/months', `/api/v1/months/${THROUGH}/results`, '/api/v1/todos', '/api/v1/ranking?month=2023-08',
    `/api/v1/reports/monthly?month=${THROUGH}&format=pdf`, '/api/v1/users', '/api/v1/map']) {
    const r = await as.city.get(path);
    assert.equal(r.status, 403, `${path}: ${r.text.slice(0, 200)}`);
  }
  const me = await as.city.get('/api/v1/me');
  assert.equal(me.status, 200);
  // its city by code and name: the regions it reads are the districts under it, not the city
  assert.deepEqual([me.json.region, me.json.region_name], [CITY, '甲市']);
  assert.equal((await as.city.get(`/api/v1/regions?code=${CITY}`)).json.total, 0);
  const office = (await as.off1.get('/api/v1/me')).json;
  assert.ok(!('region' in office) && !('region_name' in office), JSON.stringify(office));
});

// The figures a count of which a region's is the sum of its districts' (units "count" in /meta).
async function countKeys() {
  const meta = (await as.off1.get('/api/v1/meta')).json;
  return meta.figures.filter((f) => f.unit === 'count').map((f) => f.key);
}
// A share in tenths of a percent, rounded half away from zero (DOMAIN.md), as a percentage.
const share = (n, d) => (d ? Math.floor((2000 * n + d) / (2 * d)) / 10 : null);

test('a city\'s figures are the sum of its districts\' own, and its rates their counts\' shares', async () => {
  // work in every district (the generated ones have none): 1, 2 and 3 patrols, by each office
  for (const [u, d, n] of [['off1', D1, 1], ['off2', D2, 2], ['off3', D3, 3]]) {
    const grid = sql(store, `SELECT code FROM regions WHERE level = 'grid' AND district = '${d}' ORDER BY code LIMIT 1`, BACKEND);
    for (let i = 0; i < n; i++) {
      const r = await as[u].post('/api/v1/patrols', { no: `RP-${d}-${i}`, grid, patroller: `巡查员${d}`, patrolled_on: `2023-0${i + 1}-05`, slot: 'am' });
      assert.equal(r.status, 201, r.text);
    }
  }
  assert.equal((await as.city.get(`/api/v1/figures?through=${THROUGH}`)).json.patrols, 3, 'the city: its two districts\' patrols');
  assert.equal((await as.province.get(`/api/v1/figures?through=${THROUGH}`)).json.patrols, 6, 'the province: all three');
  const keys = await countKeys();
  assert.ok(keys.includes('patrols'), keys.join());
  assert.ok(keys.length > 10, keys.join());
  const own = {};
  for (const [u, d] of [['off1', D1], ['off2', D2], ['off3', D3]]) {
    const r = await as[u].get(`/api/v1/figures?through=${THROUGH}`);
    assert.equal(r.status, 200, r.text);
    own[d] = r.json;
  }
  for (const [who, districts] of [['city', [D1, D2]], ['province', [D1, D2, D3]]]) {
    const r = await as[who].get(`/api/v1/figures?through=${THROUGH}`);
    assert.equal(r.status, 200, r.text);
    for (const k of keys)
      assert.equal(r.json[k], districts.reduce((s, d) => s + own[d][k], 0), `${who}: ${k}`);
    assert.ok(r.json.villages_total > 0);
    assert.equal(r.json.villages_rate, share(r.json.villages_compliant, r.json.villages_total), `${who}: villages_rate`);
    assert.equal(r.json.enterprises_rate, share(r.json.enterprises_compliant, r.json.enterprises_total), `${who}: enterprises_rate`);
  }
});

test('the breakdown by district: each district\'s own figures, and the city\'s ranking of them', async () => {
  const keys = await countKeys();
  const r = await as.province.get(`/api/v1/figures/breakdown?through=${THROUGH}&by=district`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.rows.map((x) => x.key), [D1, D2, D3]);
  for (const [u, row] of [['off1', r.json.rows[0]], ['off2', r.json.rows[1]], ['off3', r.json.rows[2]]]) {
    const mine = (await as[u].get(`/api/v1/figures?through=${THROUGH}`)).json;
    for (const k of keys) assert.equal(row.figures[k], mine[k], `${row.key}: ${k}`);
    assert.equal(row.label, sql(store, `SELECT name FROM regions WHERE code = '${row.key}'`, BACKEND));
  }
  // the ranking: by 村（社区）达标率, then 企事业单位达标率, ties sharing a rank
  const rows = r.json.rows;
  for (const a of rows) {
    const better = rows.filter((b) => b.figures.villages_rate > a.figures.villages_rate ||
      (b.figures.villages_rate === a.figures.villages_rate && b.figures.enterprises_rate > a.figures.enterprises_rate));
    assert.equal(a.rank, 1 + better.length, `${a.key}'s rank`);
  }
  const city = await as.city.get(`/api/v1/figures/breakdown?through=${THROUGH}&by=district`);
  assert.deepEqual(city.json.rows.map((x) => x.key), [D1, D2], 'a city breaks down its own districts only');
  const office = await as.off3.get(`/api/v1/figures/breakdown?through=${THROUGH}&by=district`);
  assert.deepEqual(office.json.rows.map((x) => x.key), [D3], 'a district office: itself');
});

// The opening sentence of a region's figures, from its districts' own (the source's wording).
function opening(name, month, figs) {
  const sum = (k) => figs.reduce((s, f) => s + f[k], 0);
  const clause = (label, total, compliant) => `${label}${sum(total)}个，符合创建标准的${sum(compliant)}个，` +
    `占比${share(sum(compliant), sum(total)).toFixed(1)}%`;
  return `截至${Number(month.slice(5))}月底，${name}创建主体${sum('subjects_total')}个，其中，` +
    `${clause('村（社区）', 'villages_total', 'villages_compliant')}；` +
    `${clause('企事业单位', 'enterprises_total', 'enterprises_compliant')}。`;
}

test('a city\'s and a province\'s bulletin: their figures, their districts ranked on their own offices\' figures, the districts that have not published the month', async () => {
  const provisional = async (who) => (await as[who].get(`/api/v1/figures?through=${THROUGH}`)).headers.get('x-sanling-provisional-months');
  assert.match(await provisional('city'), new RegExp(THROUGH), 'nothing published yet');
  // the city's two districts publish the month (their leads certify, their offices publish); the other city's does not
  for (const n of [1, 2]) {
    for (const [u, dimension] of [['pet', 'petition'], ['saf', 'accident'], ['pol', 'case']]) {
      const r = await as[u + n].post(`/api/v1/months/${THROUGH}/certify`, { dimension });
      assert.equal(r.status, 200, r.text);
    }
    assert.equal((await as['off' + n].post(`/api/v1/months/${THROUGH}/publish`, {})).status, 200);
  }
  // the figures say which months are provisional: a city's, those a district under it has not published
  assert.doesNotMatch(await provisional('city'), new RegExp(THROUGH), 'the city: its districts published the month');
  assert.match(await provisional('city'), /2023-07/, 'the city: July is not published');
  assert.match(await provisional('province'), new RegExp(THROUGH), 'the province: one district has not');
  const own = {}, name = {};
  for (const [u, d] of [['off1', D1], ['off2', D2], ['off3', D3]]) {
    own[d] = (await as[u].get(`/api/v1/figures?through=${THROUGH}`)).json;
    name[d] = sql(store, `SELECT name FROM regions WHERE code = '${d}'`, BACKEND);
  }
  for (const [who, word, regionName, districts] of [['province', '省', '测试省', [D1, D2, D3]], ['city', '市', '甲市', [D1, D2]]]) {
    const list = await as[who].get(`/api/v1/reports?month=${THROUGH}`);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.kinds.map((k) => k.kind), ['bulletin'], `${who}: its bulletin only`);
    const unpublished = districts.filter((d) => d === D3).map((d) => name[d]);
    assert.equal(list.json.published, !unpublished.length, `${who}: published when every district of it is`);
    assert.deepEqual(list.json.archive, []);

    const pdf = await as[who].get(`/api/v1/reports/bulletin?month=${THROUGH}&format=pdf`);
    assert.equal(pdf.status, 200, pdf.text);
    const text = squeeze(pdfRead(pdf.buf).text);
    assert.ok(text.includes(`关于2023年8月全${word}“三零”创建工作情况的通报`), `${who}: the title`);
    assert.ok(text.includes(opening(regionName, THROUGH, districts.map((d) => own[d]))), `${who}: the opening sentence`);
    // with three districts or fewer, no 红黑榜
    assert.ok(text.includes(`参加考评的县（市、区）仅${districts.length}个`), `${who}: no 红黑榜`);
    if (unpublished.length) {
      assert.ok(text.includes(`尚未发布8月认定结果的县（市、区）有${unpublished.length}个：${unpublished.join('、')}。`),
        `${who}: the districts that have not published`);
      assert.ok(text.includes('该月认定结果尚未发布'), `${who}: provisional`);
    } else {
      assert.ok(text.includes('各县（市、区）均已发布8月认定结果。'), `${who}: every district published`);
      assert.ok(text.includes('该月认定结果已发布'), `${who}: final`);
    }
    assert.ok(text.includes(`报${word}“三零”创建办公室`) && text.includes(`${regionName}“三零”创建工作领导小组办公室`), `${who}: its own office`);

    // the ranking, cell by cell: rank by 村（社区）达标率 then 企事业单位达标率 (shares to one decimal), ties equal
    const xlsx = await as[who].get(`/api/v1/reports/bulletin?month=${THROUGH}&format=xlsx`);
    assert.equal(xlsx.status, 200);
    const rows = readXlsx(xlsx.buf, 1).filter((r) => districts.some((d) => r[1] === name[d]));
    assert.equal(rows.length, districts.length, `${who}: a row for each of its districts`);
    const rate = (f, k) => share(f[`${k}_compliant`], f[`${k}_total`]);
    for (const d of districts) {
      const f = own[d];
      const rank = 1 + districts.filter((b) => rate(own[b], 'villages') > rate(f, 'villages') ||
        (rate(own[b], 'villages') === rate(f, 'villages') && rate(own[b], 'enterprises') > rate(f, 'enterprises'))).length;
      const row = rows.find((r) => r[1] === name[d]);
      assert.deepEqual([Number(row[0]), row[2], Number(row[3]), row[4], Number(row[5])],
        [rank, `${f.villages_compliant}/${f.villages_total}`, rate(f, 'villages') / 100,
          `${f.enterprises_compliant}/${f.enterprises_total}`, rate(f, 'enterprises') / 100], `${who}: ${name[d]}`);
    }
    const ranks = rows.map((r) => Number(r[0]));
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), `${who}: in the order of their ranks`);
  }

  // refusals: the district's documents, an archived version, a region that is not one
  const monthly = await as.city.get(`/api/v1/reports/monthly?month=${THROUGH}&format=pdf`);
  assert.equal(monthly.status, 403);
  const version = await as.city.get(`/api/v1/reports/bulletin?month=${THROUGH}&format=pdf&version=1`);
  assert.equal(version.status, 403, version.text);
  const out = join(store.dir, 'region.pdf');
  for (const [args, message] of [
    [['report', 'monthly', '--month', THROUGH, '--region', CITY, '--format', 'pdf', '-o', out], /只生成本级通报/],
    [['report', 'bulletin', '--month', THROUGH, '--region', D1, '--format', 'pdf', '-o', out], /no city or province/],
    [['report', 'bulletin', '--month', THROUGH, '--region', CITY, '--district', D1, '--format', 'pdf', '-o', out], /not both/]]) {
    const r = store.cli(args);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.match(r.stderr, message);
  }
  const cli = store.cli(['report', 'bulletin', '--month', THROUGH, '--region', CITY, '--format', 'pdf', '-o', out]);
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stderr, /甲市2023年8月“三零”创建工作通报\.pdf/);
});
