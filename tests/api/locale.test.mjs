// locale.test.mjs: the English locale is whole.  Every key of the browser's
// Chinese chrome (web/src/locales/zh-CN.js) has an English text in en.js
// with the same placeholders, every key the code asks for exists (none is
// shown as its key), and every name the server's /api/v1/meta
// gives in Chinese — the lists and their fields (`names`, and each role's
// `entities`), the enumerations' values, the figures, the roles — has an
// English name in web/src/locales/labels-en.js; and that table names
// nothing the server does not have (a misspelt key would hide behind the
// humanised fallback).  The metadata is the running server's, read as each
// kind of user, so a field added to a descriptor fails here until it is
// translated.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { districtServer } from './util.mjs';
import zh from '../../web/src/locales/zh-CN.js';
import en from '../../web/src/locales/en.js';
import EN from '../../web/src/locales/labels-en.js';

const USERS = ['office', 'sysadmin', 'auditor', 'grid1'];
let d;
const metas = [];
before(async () => {
  d = await districtServer();
  for (const u of USERS) {
    const r = await (await d.as(u)).get('/api/v1/meta');
    assert.equal(r.status, 200, `${u}: ${r.text}`);
    metas.push(r.json);
  }
});
after(async () => { await d?.stop(); });

// "a.b.c" → value, for every leaf of a locale.
function leaves(o, p = '', out = new Map()) {
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === 'object') leaves(v, p + k + '.', out);
    else out.set(p + k, v);
  }
  return out;
}
const placeholders = (s) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const CJK = /[\u3400-\u9fff\uff01-\uff5e]/;

test('every key of zh-CN.js has an English text in en.js, with the same placeholders', () => {
  const z = leaves(zh), e = leaves(en);
  assert.ok(z.size > 300, `the Chinese chrome has ${z.size} keys`);
  const missing = [...z.keys()].filter((k) => !e.has(k));
  assert.deepEqual(missing, [], 'keys without English');
  assert.deepEqual([...e.keys()].filter((k) => !z.has(k)), [], 'English keys the Chinese locale lacks');
  const bad = [];
  for (const [k, v] of e) {
    if (typeof v !== 'string' || !v.trim()) bad.push(`${k}: empty`);
    else if (v === k) bad.push(`${k}: the key written out`);
    // the language switch names the other language, in that language
    else if (CJK.test(v) && k !== 'top.language') bad.push(`${k}: Chinese in English: ${v}`);
    else if (placeholders(v).join() !== placeholders(z.get(k)).join()) bad.push(`${k}: placeholders ${placeholders(v)} vs ${placeholders(z.get(k))}`);
  }
  assert.deepEqual(bad, []);
  assert.equal(e.get('top.language'), '中文');
});

// Every key the browser's code asks for by name (t('a.b')) is in the locales:
// a missing one would be shown as its key.
test('every key the browser asks for exists', () => {
  const z = leaves(zh);
  const src = new URL('../../web/src/', import.meta.url).pathname;
  const files = [];
  (function walk(d) {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) { if (f !== 'locales') walk(p); } else if (/\.(vue|js)$/.test(f)) files.push(p);
    }
  })(src);
  let asked = 0;
  const missing = [];
  for (const f of files)
    for (const m of readFileSync(f, 'utf8').matchAll(/\bt\(\s*['"`]([a-zA-Z0-9_.]+)['"`]\s*[,)]/g)) {
      asked++;
      if (!z.has(m[1])) missing.push(`${f.slice(src.length)}: ${m[1]}`);
    }
  assert.ok(asked > 300, `${asked} keys asked for`);
  assert.deepEqual(missing, []);
});

test('every list, field, enumeration value, figure and role of /meta has an English name', () => {
  const missing = [];
  const need = (ok, what) => { if (!ok) missing.push(what); };
  const names = metas[0].names;
  assert.ok(Object.keys(names).length >= 30, 'names has every list');
  for (const m of metas) assert.deepEqual(Object.keys(m.names).sort(), Object.keys(names).sort(), 'names is the same for every user');
  const fields = new Map(); // list → Set of field keys
  for (const [list, n] of Object.entries(names)) fields.set(list, new Set(Object.keys(n.fields)));
  for (const m of metas)
    for (const e of m.entities) {
      assert.ok(fields.has(e.name), `${e.name} of entities is in names`);
      for (const f of e.fields) {
        assert.ok(fields.get(e.name).has(f.key), `${e.name}.${f.key} of entities is in names`);
        assert.equal(names[e.name].fields[f.key], f.label, `${e.name}.${f.key}: one Chinese name`);
      }
    }
  for (const [list, keys] of fields) {
    need(EN.entities[list], `list ${list} (${names[list].label})`);
    for (const k of keys) need(EN.entityFields[`${list}.${k}`] || EN.fields[k], `field ${list}.${k} (${names[list].fields[k]})`);
  }
  const enums = metas[0].enums;
  for (const [name, items] of Object.entries(enums))
    for (const it of items) need(EN.enums[name] && EN.enums[name][it.code], `enum ${name}.${it.code} (${it.label})`);
  for (const f of metas[0].figures) need(EN.figures[f.key], `figure ${f.key} (${f.label})`);
  for (const r of metas[0].roles) need(EN.enums.user_role[r.code], `role ${r.code} (${r.label})`);
  assert.deepEqual(missing, [], 'names without English');

  // and nothing in the table the server does not have
  const stale = [];
  for (const list of Object.keys(EN.entities)) if (!fields.has(list)) stale.push('list ' + list);
  for (const k of Object.keys(EN.entityFields)) {
    const [list, key] = k.split('.');
    if (!fields.has(list) || !fields.get(list).has(key)) stale.push('field ' + k);
  }
  const allKeys = new Set([...fields.values()].flatMap((s) => [...s]));
  for (const k of Object.keys(EN.fields)) if (!allKeys.has(k)) stale.push('field ' + k);
  for (const [name, codes] of Object.entries(EN.enums))
    for (const c of Object.keys(codes)) if (!(enums[name] || []).some((it) => it.code === c)) stale.push(`enum ${name}.${c}`);
  for (const k of Object.keys(EN.figures)) if (!metas[0].figures.some((f) => f.key === k)) stale.push('figure ' + k);
  assert.deepEqual(stale, [], 'English names of nothing');

  // English names are English
  const chinese = [];
  const walk = (o, p) => Object.entries(o).forEach(([k, v]) => (typeof v === 'object' ? walk(v, p + k + '.') : CJK.test(v) && chinese.push(p + k)));
  walk(EN, '');
  assert.deepEqual(chinese, []);
});

test("the audit administrator's /meta names every list though it reads none", async () => {
  const m = metas[USERS.indexOf('auditor')];
  assert.equal(m.entities.filter((e) => e.can_read).length, 0, 'the audit administrator reads no list');
  const office = metas[0];
  for (const e of office.entities) {
    assert.equal(m.names[e.name].label, e.label);
    for (const f of e.fields) assert.equal(m.names[e.name].fields[f.key], f.label);
  }
});
