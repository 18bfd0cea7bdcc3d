// outbox.js: what the grid worker's phone has entered and the server has not
// yet stored.  Every write of the grid pages goes here first (online too, so
// there is one path): an item {key, entity, record, found, photos} is kept in
// IndexedDB and sent to POST /api/v1/sync in batches when the network is
// there — at once, on the `online` event, and when a session starts.  The
// key (crypto.randomUUID) makes a repeated send harmless: the server answers
// a key it has stored with 200 and `replayed`.  An item the server stored
// (201) or had stored (200) leaves the outbox; an item it refused (4xx) stays
// with the server's message for the user to correct or discard; anything
// else (no network, the server away) stays to be sent later.
import { reactive, watch } from 'vue';
import { api } from './api.js';
import { session } from './session.js';

const DB_NAME = 'sanling-outbox';
const STORE = 'items';
export const BATCH_ITEMS = 50;        // the server's limit per request
export const BATCH_BYTES = 2 * 1024 * 1024; // well under the server's 16 MiB; small for a poor network

export const outbox = reactive({
  items: [],         // the current user's items, oldest first (photos without their data)
  sending: false,
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  lastSent: 0,       // items the last send stored
  failure: null,     // why the last send stopped (no network, the server's answer)
});

let dbPromise = null;
function db() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        const s = req.result.createObjectStore(STORE, { keyPath: 'key' });
        s.createIndex('user', 'user');
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return dbPromise;
}

function tx(mode, fn) {
  return db().then((d) => new Promise((resolve, reject) => {
    const t = d.transaction(STORE, mode);
    const s = t.objectStore(STORE);
    let result;
    Promise.resolve(fn(s, (v) => { result = v; })).catch(reject);
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  }));
}

function me() {
  return (session.me && session.me.username) || null;
}

// The current user's items, oldest first, with their photos.
async function load() {
  const user = me();
  if (!user) return [];
  const all = await tx('readonly', (s, done) => {
    const req = s.index('user').getAll(user);
    req.onsuccess = () => done(req.result || []);
  });
  return all.sort((a, b) => a.created - b.created || (a.key < b.key ? -1 : 1));
}

// Read the outbox again into `outbox.items` (what the screen shows).
export async function refresh() {
  const items = await load();
  outbox.items = items.map((it) => ({
    key: it.key, entity: it.entity, record: it.record, found: it.found || [], created: it.created,
    error: it.error || null, summary: it.summary || '',
    photos: (it.photos || []).map((p) => ({ name: p.name, size: p.data.length })),
  }));
  return outbox.items;
}

export function pending() {
  return outbox.items.length;
}

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// Keep a new item and send what is waiting.  `summary` is what the list of
// waiting items shows.  Returns the item's key.
export async function add({ entity, record, found = [], photos = [], summary = '' }) {
  const user = me();
  if (!user) throw new Error('no session');
  const item = { key: newKey(), user, entity, record, found, photos, summary, created: Date.now(), error: null };
  await tx('readwrite', (s) => { s.put(item); });
  await refresh();
  send();
  return item.key;
}

// One item as kept, with its photos' data (to correct a refused one), or null.
export async function get(key) {
  const it = await tx('readonly', (s, done) => {
    const req = s.get(key);
    req.onsuccess = () => done(req.result || null);
  });
  return it && it.user === me() ? it : null;
}

// Drop an item (a refused one the user gives up).
export async function discard(key) {
  await tx('readwrite', (s) => { s.delete(key); });
  await refresh();
}

// Change a refused item (the user corrected it) and send it again.
export async function update(key, changes) {
  await tx('readwrite', (s) => {
    const req = s.get(key);
    req.onsuccess = () => {
      if (req.result) s.put({ ...req.result, ...changes, error: null });
    };
  });
  await refresh();
  send();
}

// Try a refused item again as it is.
export function retry(key) {
  return update(key, {});
}

async function setError(key, error) {
  await tx('readwrite', (s) => {
    const req = s.get(key);
    req.onsuccess = () => {
      if (req.result) s.put({ ...req.result, error });
    };
  });
}

function wire(it) {
  const w = { key: it.key, entity: it.entity, record: it.record };
  if (it.found && it.found.length) w.found = it.found;
  if (it.photos && it.photos.length) w.photos = it.photos.map((p) => ({ name: p.name, data: p.data }));
  return w;
}

// Batches of at most BATCH_ITEMS items and about BATCH_BYTES (one item at least).
function batches(items) {
  const out = [];
  let cur = [], bytes = 0;
  for (const it of items) {
    const w = wire(it);
    const n = JSON.stringify(w).length;
    if (cur.length && (cur.length >= BATCH_ITEMS || bytes + n > BATCH_BYTES)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(w);
    bytes += n;
  }
  if (cur.length) out.push(cur);
  return out;
}

function problem(r) {
  const e = r.error || {};
  return { status: r.status, title: e.title || '', detail: e.detail || e.title || `HTTP ${r.status}`, field: e.field || null };
}

// Apply the server's answers; returns how many items it stored.
async function settle(results) {
  let stored = 0;
  for (const r of results || []) {
    if (r.status === 201 || r.status === 200) {
      await tx('readwrite', (s) => { s.delete(r.key); });
      stored++;
    } else if (r.status >= 400 && r.status < 500) {
      await setError(r.key, problem(r));
    }
  }
  return stored;
}

// POST one batch.  'stop' when sending must wait (no network, no session,
// no endpoint, the server busy), else the number of items stored.
async function post(batch) {
  try {
    const res = await api.post('/sync', { items: batch });
    return settle(res && res.items);
  } catch (e) {
    outbox.failure = { status: e.status, detail: e.detail };
    if (e.status === 0 || e.status === 401 || e.status === 404 || e.status === 429 || e.status >= 500) return 'stop';
    // the request as a whole was refused (too large, malformed): each item alone
    if (batch.length > 1) {
      let stored = 0;
      for (const one of batch) {
        const r = await post([one]);
        if (r === 'stop') return 'stop';
        stored += r;
      }
      return stored;
    }
    await setError(batch[0].key, { status: e.status, title: '', detail: e.detail, field: e.field || null });
    return 0;
  }
}

let running = null;

// Send what is waiting (the items not refused).  One send at a time: a call
// while one runs returns the running one.
export function send() {
  if (!running) running = doSend().finally(() => { running = null; });
  return running;
}

async function doSend() {
  outbox.online = navigator.onLine;
  if (!me()) return 0;
  if (!navigator.onLine) {
    await refresh();
    return 0;
  }
  outbox.sending = true;
  outbox.failure = null;
  let stored = 0;
  try {
    const items = (await load()).filter((it) => !it.error);
    for (const batch of batches(items)) {
      const r = await post(batch);
      if (r === 'stop') break;
      stored += r;
    }
  } finally {
    outbox.sending = false;
    outbox.lastSent = stored;
    await refresh();
  }
  return stored;
}

// Send when the network returns and when a session starts (the page loaded
// with one, or a login).
if (typeof window !== 'undefined') {
  window.addEventListener('online', () => { outbox.online = true; send(); });
  window.addEventListener('offline', () => { outbox.online = false; });
  watch(() => session.me && session.me.username, (u) => {
    if (u) send();
    else outbox.items = [];
  }, { immediate: true });
}
