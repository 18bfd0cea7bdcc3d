// todos.js: the signed-in user's to-dos (GET /api/v1/todos), kept current by
// the long poll GET /api/v1/todos/wait?since=VERSION: the server holds the
// request until a write may have changed the to-dos of the user's district
// (or about 25 s pass), then answers {changed, version}; on a change the
// list is fetched again.  One loop per page; errors back off (1 s doubling
// to 60 s); it stops on logout (the pending wait is aborted) and when the
// session is gone (401).  The three administrators have no to-dos: the
// loop is not started for them.
import { reactive } from 'vue';
import { api, qs } from './api.js';
import { onSessionClear } from './session.js';

export const todos = reactive({
  items: [],       // [{kind, label, entity, id, title, due, overdue}]
  total: 0,
  version: null,
  offline: false,  // the last attempt failed: retrying
});

let gen = 0;           // bumped by every start and stop: an older loop ends
let controller = null; // aborts the pending request on stop

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

async function refresh(my) {
  const r = await api.get('/todos', { signal: controller.signal });
  if (my !== gen) return;
  todos.items = r.items || [];
  todos.total = r.total || 0;
  todos.version = r.version;
}

async function loop(my) {
  let backoff = 1000;
  while (my === gen) {
    try {
      if (todos.version === null) await refresh(my);
      if (my !== gen) return;
      const w = await api.get('/todos/wait' + qs({ since: todos.version }), { signal: controller.signal });
      if (my !== gen) return;
      if (w.changed) await refresh(my);
      todos.offline = false;
      backoff = 1000;
    } catch (e) {
      if (my !== gen) return; // stopped
      if (e.status === 401 || e.status === 403) { // the session is gone, or not usable yet (initial password)
        controller = null; // startTodos() may start again
        return;
      }
      todos.offline = true;
      await sleep(backoff + Math.random() * 500);
      backoff = Math.min(backoff * 2, 60000);
      todos.version = null; // fetch the list again before waiting
    }
  }
}

// Start keeping the to-dos current (idempotent).
export function startTodos() {
  if (controller) return;
  controller = new AbortController();
  loop(++gen);
}

// Stop, forget the list, abort the pending wait.
export function stopTodos() {
  gen++;
  if (controller) controller.abort();
  controller = null;
  todos.items = [];
  todos.total = 0;
  todos.version = null;
  todos.offline = false;
}

// Fetch the list now (after the user acted on an item, say).
export function refreshTodos() {
  if (controller) refresh(gen).catch(() => {});
}

// The page of a to-do's record.
export function todoLink(item) {
  if (item.entity === 'months') return `/months/${item.id}`;
  if (item.entity === 'patrols_today') return `/patrols_today?date=${String(item.id).slice(0, 10)}`;
  return `/${item.entity}/${item.id}`;
}

onSessionClear(stopTodos);
