// refs.js: names for references.  Records refer to each other by code
// (a township by its region code, a subject by its subject code); people
// want names.  This resolves a code to {id, label} through the referenced
// entity's own list, once per code: the codes a page asks for in the same
// moment go in one request per entity (?key=A,B,C, up to 100), and the small
// tables (townships, departments) are preloaded in one request each.
// Only entities the user may read are asked; others show the bare code.
import { reactive } from 'vue';
import { api, qs } from './api.js';
import { session, titleField, onSessionClear } from './session.js';

const cache = reactive({});
const pending = new Map();
const preloaded = new Map();
let active = 0;
let queue = [];
let generation = 0;

// A new user sees other records: forget everything, drop what is queued.
onSessionClear(() => {
  generation++;
  queue = [];
  pending.clear();
  preloaded.clear();
  for (const k of Object.keys(cache)) delete cache[k];
});

function slot(fn) {
  const gen = generation;
  return new Promise((resolve, reject) => {
    const run = () => {
      if (gen !== generation) {
        reject(new Error('session ended'));
        const next = queue.shift();
        if (next) next();
        return;
      }
      active++;
      fn().then(resolve, reject).finally(() => {
        active--;
        const next = queue.shift();
        if (next) next();
      });
    };
    if (active < 6) run();
    else queue.push(run);
  });
}

function put(entity, rec) {
  const d = session.byName[entity];
  if (!d || !rec) return;
  const code = rec[d.key];
  const tf = titleField(d);
  cache[entity + ':' + code] = { id: rec.id, label: rec[tf] || code, code, rec, state: 'ok' };
}

export function rememberRecords(entity, items) {
  for (const r of items || []) put(entity, r);
}

// One request for a small table; every caller waits for the same one.
function preload(entity, params) {
  const tag = entity + qs(params);
  if (!preloaded.has(tag)) {
    preloaded.set(tag, api.get('/' + entity + qs({ ...params, page_size: 500 }))
      .then((r) => rememberRecords(entity, r.items), () => { /* fall back to one request per code */ }));
  }
  return preloaded.get(tag);
}

// The codes of `entity` asked for in the same tick, fetched together.
const batches = new Map();
const BATCH = 100;

function fetchBatched(entity, code) {
  let b = batches.get(entity);
  if (!b) {
    b = { codes: new Set() };
    b.done = new Promise((resolve) => { b.resolve = resolve; });
    batches.set(entity, b);
    setTimeout(() => flush(entity, b), 0);
  }
  b.codes.add(code);
  return b.done;
}

async function flush(entity, b) {
  batches.delete(entity);
  const d = session.byName[entity];
  if (!session.ready || !d) {
    b.resolve();
    return;
  }
  const codes = [...b.codes].filter((c) => !(cache[entity + ':' + c] && cache[entity + ':' + c].state === 'ok'));
  const parts = [];
  for (let i = 0; i < codes.length; i += BATCH) parts.push(codes.slice(i, i + BATCH));
  await Promise.all(parts.map(async (part) => {
    let state = 'missing';
    try {
      const r = await slot(() => api.get('/' + entity + qs({ [d.key]: part.join(','), page_size: part.length })));
      rememberRecords(entity, r.items);
    } catch (e) {
      state = 'error';
    }
    for (const c of part) {
      const k = entity + ':' + c;
      if (!cache[k] || cache[k].state !== 'ok') cache[k] = { id: null, label: c, code: c, state };
    }
  }));
  b.resolve();
}

async function fetchOne(entity, code) {
  const d = session.byName[entity];
  if (!session.ready || !d) return;
  const k = entity + ':' + code;
  if (entity === 'regions' && /^\d{6}\d{3}000$/.test(code)) await preload('regions', { level: 'township' });
  if (entity === 'departments') await preload('departments', {});
  if (cache[k] && cache[k].state === 'ok') return;
  const keyField = d.fields.find((f) => f.key === d.key);
  // a key of codes takes a list: one request for the page's references
  if (keyField && keyField.filter && keyField.type === 'code') return fetchBatched(entity, String(code));
  const params = keyField && keyField.filter ? { [d.key]: code, page_size: 1 } : { q: code, page_size: 50 };
  try {
    const r = await slot(() => api.get('/' + entity + qs(params)));
    const rec = (r.items || []).find((x) => String(x[d.key]) === String(code));
    if (rec) put(entity, rec);
    else cache[k] = { id: null, label: code, code, state: 'missing' };
  } catch (e) {
    cache[k] = { id: null, label: code, code, state: 'error' };
  }
}

// refInfo(entity, code) → reactive {id, label, code, state}; starts a lookup when needed.
export function refInfo(entity, code) {
  if (code === null || code === undefined || code === '') return null;
  const k = entity + ':' + code;
  if (!cache[k]) {
    const d = session.byName[entity];
    if (!d || !d.can_read) {
      cache[k] = { id: null, label: String(code), code, state: 'unreadable' };
    } else {
      cache[k] = { id: null, label: String(code), code, state: 'loading' };
      if (!pending.has(k)) {
        const p = fetchOne(entity, code).finally(() => pending.delete(k));
        pending.set(k, p);
      }
    }
  }
  return cache[k];
}

export function refLabel(entity, code) {
  const r = refInfo(entity, code);
  return r ? r.label : '';
}

// Resolve a code to its record id (for links from figures and warnings).
export async function resolveId(entity, code) {
  refInfo(entity, code);
  const k = entity + ':' + code;
  if (pending.has(k)) await pending.get(k);
  return cache[k] ? cache[k].id : null;
}

// Options for a remote select: records of `entity` matching `q`.
export async function searchRefs(entity, q, level, district) {
  const d = session.byName[entity];
  if (!d || !d.can_read) return [];
  const hasSearch = d.fields.some((f) => f.search);
  const params = { page_size: 30 };
  if (q && hasSearch) params.q = q;
  if (level && d.fields.some((f) => f.key === 'level' && f.filter)) params.level = level;
  // one district's records only (a region account writing in a district that granted it a list)
  const dc = d.scope && d.scope.district;
  if (district && dc && d.fields.some((f) => f.key === dc && f.filter)) params[dc] = district;
  const r = await api.get('/' + entity + qs(params));
  rememberRecords(entity, r.items);
  const tf = titleField(d);
  let items = r.items || [];
  if (q && !hasSearch) items = items.filter((x) => String(x[d.key]).includes(q));
  return items.map((x) => ({ value: x[d.key], label: tf !== d.key && x[tf] ? `${x[tf]}（${x[d.key]}）` : String(x[d.key]) }));
}
