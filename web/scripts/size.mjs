// size.mjs: what a browser downloads, gzipped, to show a page of the build
// in web/dist: the entry (index.html's script and styles with everything
// they import statically) and, on top of it, the chunks of a route.  Read
// from Vite's manifest (dist/.vite/manifest.json).  `npm run size`.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));
const gz = (f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;

// The files of chunk `key` and of its static imports.
function closure(key, seen = new Set()) {
  const c = manifest[key];
  if (!c || seen.has(key)) return seen;
  seen.add(key);
  for (const i of c.imports || []) closure(i, seen);
  return seen;
}
function files(keys) {
  const out = new Set();
  for (const k of keys) {
    const c = manifest[k];
    out.add(c.file);
    for (const css of c.css || []) out.add(css);
  }
  return out;
}
function report(label, keys, base = new Set()) {
  const fs = [...files(keys)].filter((f) => !base.has(f));
  let js = 0;
  let css = 0;
  for (const f of fs) (f.endsWith('.css') ? (css += gz(f)) : (js += gz(f)));
  console.log(`${label.padEnd(34)} JS ${(js / 1024).toFixed(1).padStart(6)} KB  CSS ${(css / 1024).toFixed(1).padStart(5)} KB  total ${((js + css) / 1024).toFixed(1).padStart(6)} KB gzipped`);
  return new Set([...base, ...fs]);
}

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const entry = closure(entryKey);
const base = report('initial (index.html)', entry);
const route = (name) => Object.keys(manifest).find((k) => k.endsWith(`/${name}.vue`) || k.endsWith(`${name}.vue`));
const shell = closure(route('Shell'));
for (const [label, keys] of [
  ['+ login page', closure(route('Login'))],
  ['+ shell and a list page', new Set([...shell, ...closure(route('EntityList'))])],
  ['+ shell and the dashboard', new Set([...shell, ...closure(route('Dashboard'))])],
]) report(label, keys, base);
// ECharts comes after the dashboard's figures, as a chunk of its own
report('+ charts (ECharts, loaded async)', closure(route('EChart')), new Set([...base, ...files(shell), ...files(closure(route('Dashboard')))]));
const all = new Set(Object.values(manifest).flatMap((c) => [c.file, ...(c.css || [])]));
let total = 0;
for (const f of all) total += gz(f);
console.log(`${'the whole build'.padEnd(34)} ${(total / 1024).toFixed(1)} KB gzipped`);
