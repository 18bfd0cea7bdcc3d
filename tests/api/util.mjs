// util.mjs: helpers the scope, entity and import/export tests share on top
// of lib.mjs: a district server with a client per user (logged in once),
// problem+json assertions, and readers for the CSV and XLSX files the
// server writes.  Not a test itself, and no mocks: the readers only look at
// what the real program produced.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { startServer, loadDistrict, freshDb, PASSWORD } from './lib.mjs';

// A fresh database with the district of lib.mjs (and whatever `extra`
// does to the store before the server starts), a running server, and
// `as(username)`: a client logged in as that user (password changed).
export async function districtServer(extra, args = []) {
  const store = freshDb();
  let srv;
  try {
    loadDistrict(store);
    if (extra) extra(store);
    srv = await startServer({ store, args });
  } catch (e) {
    store.cleanup();
    throw e;
  }
  const clients = new Map();
  return {
    srv, store,
    async as(user) {
      if (!clients.has(user)) clients.set(user, await srv.client().loginReady(user));
      return clients.get(user);
    },
    async stop() { await srv.stop(); store.cleanup(); },
  };
}

// Import CSV text `text` of list `kind` through the command line (as the system).
export function cliImport(store, kind, text, name = kind) {
  const f = join(store.dir, `${name}-${process.hrtime.bigint()}.csv`);
  writeFileSync(f, text);
  const r = store.cli(['import', kind, f]);
  if (r.status !== 0) throw new Error(`import ${kind}: ${r.stderr}${r.stdout}`);
  return r;
}

// A province, two cities under it and three generated districts (`gen
// scale`): two under the first city, one under the second — the districts
// made without a parent, placed under their cities once — and the offices
// of the first city (CITY-SLB) and of the province (PROV-SLB).  `users`:
// [username, role, department] added with lib.mjs's PASSWORD.
export const REGIONS = {
  PROVINCE: '410000000000', CITY: '410100000000', OTHER_CITY: '410200000000',
  D1: '410001000000', D2: '410002000000', D3: '410003000000',
};
export function loadRegions(store, users, backend) {
  const { PROVINCE, CITY, OTHER_CITY, D1, D2, D3 } = REGIONS;
  const ok = (r, what) => { if (r.status !== 0) throw new Error(`${what}: ${r.stderr}${r.stdout}`); };
  ok(store.cli(['gen', 'scale', '--counties', '3']), 'gen scale');
  cliImport(store, 'regions', `code,name,level,parent
${PROVINCE},测试省,province,
${CITY},甲市,city,${PROVINCE}
${OTHER_CITY},乙市,city,${PROVINCE}
`);
  const name = (d) => sql(store, `SELECT name FROM regions WHERE code = '${d}'`, backend);
  cliImport(store, 'regions', `code,name,level,parent
${D1},${name(D1)},district,${CITY}
${D2},${name(D2)},district,${CITY}
${D3},${name(D3)},district,${OTHER_CITY}
`);
  cliImport(store, 'departments', `单位代码,单位名称,职能,所在区划
CITY-SLB,甲市三零办,office,${CITY}
PROV-SLB,测试省三零办,office,${PROVINCE}
`);
  for (const [u, role, dept] of users) ok(store.cli(['user', 'add', u, '--role', role, '--dept', dept], PASSWORD + '\n'), `user add ${u}`);
}

// Assert that `r` is an RFC 9457 problem with this status, a non-empty
// detail (matching `detail` when given: RegExp or exact string) and the
// field at fault (`field: null` asserts there is none).
export function assertProblem(r, status, { field, detail } = {}) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
  assert.match(r.headers.get('content-type') || '', /^application\/problem\+json/, 'problem+json');
  assert.ok(r.json, 'a JSON body');
  assert.equal(r.json.status, status);
  assert.equal(typeof r.json.detail, 'string');
  assert.ok(r.json.detail.length > 0, 'a detail that says what is wrong');
  if (detail instanceof RegExp) assert.match(r.json.detail, detail);
  else if (detail !== undefined) assert.equal(r.json.detail, detail);
  if (field === null) assert.equal(r.json.field, undefined, `no field expected: ${r.text}`);
  else if (field !== undefined) assert.equal(r.json.field, field, `field at fault: ${r.text}`);
  return r.json;
}

// The sorted codes of a list answer.
export function codes(r) {
  assert.equal(r.status, 200, r.text);
  return r.json.items.map((x) => x.code).sort();
}

// All items of a list (every page).
export async function listAll(client, path) {
  const sep = path.includes('?') ? '&' : '?';
  const items = [];
  for (let page = 1; ; page++) {
    const r = await client.get(`${path}${sep}page_size=500&page=${page}`);
    assert.equal(r.status, 200, r.text);
    items.push(...r.json.items);
    if (items.length >= r.json.total || r.json.items.length === 0) return items;
  }
}

// Parse CSV text (RFC 4180, optional UTF-8 BOM) into rows of strings.
export function parseCsv(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = [];
  let row = [], cell = '', i = 0, quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; continue; }
      cell += ch; i++; continue;
    }
    if (ch === '"') { quoted = true; i++; continue; }
    if (ch === ',') { row.push(cell); cell = ''; i++; continue; }
    if (ch === '\r' && text[i + 1] === '\n') i++;
    if (ch === '\n' || ch === '\r') { row.push(cell); rows.push(row); row = []; cell = ''; i++; continue; }
    cell += ch; i++;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

// Write CSV rows (arrays of strings) as text, quoting where needed.
export function toCsv(rows) {
  const q = (s) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return rows.map((r) => r.map((c) => q(String(c ?? ''))).join(',')).join('\r\n') + '\r\n';
}

// Run a command (no shell); returns { status, stdout, stderr } with Buffers
// decoded as UTF-8 unless `binary`.
export function run(cmd, args, { input, binary = false } = {}) {
  const r = spawnSync(cmd, args, { input, encoding: binary ? 'buffer' : 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return r;
}

// Convert UTF-8 text to GB18030 bytes with iconv(1) (Node has no GB18030 encoder).
export function gb18030(text) {
  const r = run('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: Buffer.from(text, 'utf8'), binary: true });
  if (r.status !== 0) throw new Error('iconv: ' + r.stderr.toString());
  return r.stdout;
}

function xmlText(s) {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(+n)).replace(/&amp;/g, '&');
}

function colIndex(ref) {
  const letters = ref.match(/^[A-Z]+/)[0];
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

// Read worksheet `n` (from 1: the first) of an XLSX file (Buffer) into rows
// of strings, through unzip(1).  Asserts it is a real zip with a workbook.
export function readXlsx(buf, n = 1) {
  assert.equal(buf.subarray(0, 2).toString('latin1'), 'PK', 'an XLSX file is a zip archive');
  const dir = mkdtempSync(join(tmpdir(), 'sanling-xlsx-'));
  try {
    const f = join(dir, 'book.xlsx');
    writeFileSync(f, buf);
    const list = run('unzip', ['-Z1', f]);
    assert.equal(list.status, 0, 'unzip can list it: ' + list.stderr);
    const names = list.stdout.split('\n').filter(Boolean);
    for (const n of ['[Content_Types].xml', 'xl/workbook.xml']) assert.ok(names.includes(n), `${n} in the archive`);
    const sheetName = names.find((x) => x === `xl/worksheets/sheet${n}.xml`);
    assert.ok(sheetName, 'a worksheet in the archive');
    const shared = [];
    if (names.includes('xl/sharedStrings.xml')) {
      const ss = run('unzip', ['-p', f, 'xl/sharedStrings.xml']).stdout;
      for (const si of ss.match(/<si>[\s\S]*?<\/si>/g) || []) {
        shared.push([...si.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)].map((m) => xmlText(m[1])).join(''));
      }
    }
    const sheet = run('unzip', ['-p', f, sheetName]).stdout;
    const rows = [];
    for (const rm of sheet.matchAll(/<row\b[^>]*?(?:\/>|>([\s\S]*?)<\/row>)/g)) {
      const row = [];
      for (const cm of (rm[1] || '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const attrs = cm[1], body = cm[2] || '';
        const ref = attrs.match(/\br="([A-Z]+)\d+"/);
        const t = (attrs.match(/\bt="(\w+)"/) || [])[1];
        let v = '';
        if (t === 's') v = shared[+(body.match(/<v>(\d+)<\/v>/) || [])[1]] ?? '';
        else if (t === 'inlineStr') v = [...body.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)].map((m) => xmlText(m[1])).join('');
        else v = xmlText((body.match(/<v>([\s\S]*?)<\/v>/) || [])[1] ?? '');
        const at = ref ? colIndex(ref[1]) : row.length;
        while (row.length < at) row.push('');
        row[at] = v;
      }
      rows.push(row);
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run SQL on the test database directly (sqlite3 or psql), outside the program.
export function sql(store, statement, backend) {
  const r = backend === 'postgresql'
    ? run('psql', [store.db, '-qAtc', statement])
    : run('sqlite3', [store.db, statement]);
  if (r.status !== 0) throw new Error(`sql: ${r.stderr}`);
  return r.stdout.trim();
}

const isPg = (db) => /^postgres(ql)?:\/\//.test(db);

// Run SQL on the database `db` (a SQLite file or a PostgreSQL URL) with its
// engine's command-line client; the output as text (rows one a line,
// columns separated by '|').
export function sqlAt(db, query) {
  const r = isPg(db)
    ? spawnSync('psql', [db, '-X', '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', query], { encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync('sqlite3', [db, query], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${query}: ${r.stderr}`);
  return r.stdout;
}

// Every table's rows, all columns, in the order of all columns: one
// SHA-256 per table.  The audit log (its row has the time of the run) and
// the migrations' log (applied_at) are not content.
const NOT_CONTENT = new Set(['audit', 'audit_head', 'schema_migrations']);
// What a table holds, without when its rows were written: the rows a
// migration ships (the work calendar, the assessment table) carry the time
// the database was made.
const WHEN_WRITTEN = new Set(['created_at', 'updated_at']);
const MARK = '\u0001table ';
export function contentHash(db) {
  const cols = isPg(db)
    ? sqlAt(db, "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position")
    : sqlAt(db, "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid");
  const tables = new Map();
  for (const line of cols.trim().split('\n')) {
    const [table, column] = line.split('|');
    if (NOT_CONTENT.has(table) || WHEN_WRITTEN.has(column)) continue;
    if (!tables.has(table)) tables.set(table, []);
    tables.get(table).push(`"${column}"`);
  }
  // every table in one run of the client, each after a line that names it
  const queries = [...tables].flatMap(([table, list]) => {
    const c = list.join(', ');
    return [`SELECT '${MARK}${table}'`, `SELECT ${c} FROM ${table} ORDER BY ${c}`];
  });
  const r = isPg(db)
    ? spawnSync('psql', [db, '-X', '-qAt', '-v', 'ON_ERROR_STOP=1', ...queries.flatMap((q) => ['-c', q])], { encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync('sqlite3', [db, queries.join(';\n') + ';'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`contentHash: ${r.stderr}`);
  const out = {};
  for (const part of r.stdout.split(MARK).slice(1)) {
    const nl = part.indexOf('\n');
    out[part.slice(0, nl)] = createHash('sha256').update(part.slice(nl + 1)).digest('hex');
  }
  return out;
}

// A zip archive (Buffer) of { name: string | Buffer } entries, deflated as
// Excel deflates them: enough to build hostile workbooks in a test.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xFFFFFFFF;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xFF] ^ (c >>> 8);
  return (c ^ 0xFFFFFFFF) >>> 0;
}
export function makeZip(entries) {
  const locals = [], centrals = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const packed = deflateRawSync(data, { level: 9 });
    const fname = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8); local.writeUInt32LE(crc, 14); local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22); local.writeUInt16LE(fname.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8); central.writeUInt16LE(8, 10); central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20); central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fname.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(local, fname, packed);
    centrals.push(central, fname);
    offset += 30 + fname.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10); end.writeUInt32LE(dir.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}
