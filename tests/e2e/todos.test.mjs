// todos.test.mjs: the to-do bell of the shell's header, end to end, in
// Debian's chromium against a real `sanling serve` on a fresh demo district:
// its badge shows the count GET /api/v1/todos gives, follows a write made
// elsewhere without a reload (the long poll), the panel lists the items and
// one opens its record; after logout the page asks nothing more.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, browse, closeBrowser, login, shot, DEMO_PASSWORD } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => {
  await closeBrowser();
  if (srv) await srv.stop();
});

// A second session of `office` (node's fetch), for the write made "elsewhere".
async function apiAs(username) {
  const r = await fetch(srv.url + '/api/v1/login', { method: 'POST',
    headers: { 'content-type': 'application/json', 'X-CSRF-Token': 'login' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
  assert.equal(r.status, 200);
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrf_token: csrf } = await r.json();
  return async (method, path, body) => {
    const res = await fetch(srv.url + '/api/v1' + path, { method,
      headers: { cookie, 'X-CSRF-Token': csrf, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: await res.json().catch(() => null) };
  };
}

const count = async (page) => {
  const t = (await page.locator('[data-test=todo-count] sup').textContent().catch(() => '')) || '';
  return t.trim();
};

test('the bell counts the to-dos, follows a write made elsewhere, and opens a record', async () => {
  const b = await browse(srv.url);
  const { page } = b;
  await login(page, srv.url, 'office');
  const call = await apiAs('office');
  const before = (await call('GET', '/todos')).json;
  const shown = (n) => (n > 99 ? '99+' : String(n));
  if (before.total) await page.waitForFunction((want) => document.querySelector('[data-test=todo-count] sup')?.textContent.trim() === want, shown(before.total));
  // a task done by its owner: the office's to verify — the badge follows without a reload
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const t = await call('POST', '/tasks', { no: 'E2E-TODO-1', title: '端到端待办任务', source: 'standard', owner: 'XFJ',
    assigned_on: today, due_on: today });
  assert.equal(t.status, 201, JSON.stringify(t.json));
  const done = await call('PATCH', `/tasks/${t.json.id}`, { status: 'done', done_on: today, rev: t.json.rev });
  assert.equal(done.status, 200, JSON.stringify(done.json));
  const after = (await call('GET', '/todos')).json;
  assert.equal(after.total, before.total + 1);
  const t0 = Date.now();
  await page.waitForFunction((want) => document.querySelector('[data-test=todo-count] sup')?.textContent.trim() === want,
    shown(after.total), { timeout: 5000 });
  assert.ok(Date.now() - t0 < 3000, `the badge followed in ${Date.now() - t0} ms`);
  await page.click('[data-test=todo-bell]');
  const item = page.locator('[data-test=todo-item]', { hasText: 'E2E-TODO-1' });
  await item.waitFor();
  await page.waitForTimeout(400); // the popover's fade
  await shot(page, 'todos-panel');
  await item.click();
  await page.waitForURL((u) => u.pathname === `/tasks/${t.json.id}`);
  assert.deepEqual(b.errors, []);
  // logged out: the wait is aborted, nothing more is asked
  const asked = [];
  page.on('request', (r) => { if (r.url().includes('/api/v1/todos')) asked.push(r.url()); });
  await page.click('[data-test=user-menu]');
  await page.click('[data-test=logout]');
  await page.waitForURL((u) => u.pathname.startsWith('/login'));
  await page.waitForTimeout(1500);
  assert.deepEqual(asked, []);
  assert.ok(await count(page) === '');
  await b.close();
});
