// ranking.test.mjs: the 考评排名 page end to end on the demo district, in
// Debian's chromium: the office opens the menu entry, sees the townships
// ranked with the top three green and the bottom three red, opens a row
// into its lines (the basis of each item's points) and follows a line's
// link to the records it counts; switches to the sectors; a township sees
// the same ranking; a grid account is sent to the 403 page.  Fails on any
// console error it did not expect.  Screenshots go to tests/out/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, closeBrowser, login, shot, lastMonth, withBrowser } from './lib.mjs';

let M = lastMonth();
let srv, base;
const PROBE = { allow: [/status of 409 .*\/api\/v1\/ranking/] };

before(async () => {
  srv = await startServer();
  base = srv.url;
});
after(async () => {
  await closeBrowser();
  if (srv) await srv.stop();
});

const inBrowser = (opts, fn) => withBrowser(base, opts, fn, 'ranking');

// The kinds whose tables other slices build: switched off where those tables are absent.
async function itemsReady(page) {
  await page.evaluate(async () => {
    const csrf = decodeURIComponent((document.cookie.match(/(?:^|; )sanling_csrf=([^;]*)/) || [])[1] || '');
    const items = (await (await fetch('/api/v1/assessment_items?page_size=100')).json()).items;
    for (const it of items) {
      if (!['cards', 'list_confirmed'].includes(it.method)) continue;
      const probe = await fetch(`/api/v1/ranking?month=${new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7)}&by=township`);
      if (probe.status !== 409) return;
      await fetch(`/api/v1/assessment_items/${it.id}`, {
        method: 'PATCH', headers: { 'content-type': 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify({ active: false, rev: it.rev }),
      });
    }
  });
}

test('the office: ranks, colours, a row opened into its lines, a line\'s records; the sectors', async () => {
  await inBrowser(PROBE, async (page) => {
    await login(page, base, 'office');
    await itemsReady(page);
    // the month the demo's events reach, where the ranking has something to rank
    M = (await page.evaluate(async () => (await (await fetch('/api/v1/months')).json()).latest_event_month)) || M;
    await page.click('text=考评排名');
    await page.waitForURL((u) => u.pathname === '/ranking');
    await page.goto(`${base}/ranking?month=${M}&by=township`);
    const rows = page.locator('[data-test=ranking-table] > .el-table__inner-wrapper > .el-table__body-wrapper tr.el-table__row');
    await rows.first().waitFor();
    const n = await rows.count();
    assert.ok(n >= 4, `${n} townships`);
    assert.match(await rows.nth(0).getAttribute('class'), /rank-top/);
    const lastRank = Number(await rows.nth(n - 1).locator('td').nth(1).innerText());
    if (lastRank > 3) assert.match(await rows.nth(n - 1).getAttribute('class'), /rank-bottom/);
    await shot(page, 'ranking-townships');
    await rows.nth(0).click();
    const lines = page.locator('[data-test^=lines-]').first();
    await lines.waitFor();
    const text = await lines.innerText();
    assert.match(text, /创建达标率/);
    assert.match(text, /达标 \d+\/\d+ = [\d.]+%|无创建主体/);
    assert.match(text, /任务按时完成/);
    await shot(page, 'ranking-lines');
    // the compliance line opens the township's year to date: the subjects it counts
    const basis = text.match(/达标 (\d+)\/(\d+)/);
    await lines.locator('a', { hasText: '查看记录' }).first().click();
    await page.waitForURL((u) => u.pathname === `/months/${M}` && u.searchParams.get('span') === 'year' && u.searchParams.has('township'));
    if (basis) await page.locator('[data-test=results-counts]').getByText(`主体 ${basis[2]} 个`).waitFor();
    await page.goto(`${base}/ranking?month=${M}&by=township`);
    await page.locator('[data-test=ranking-by] >> text=行业主管部门').click();
    await page.waitForURL((u) => u.searchParams.get('by') === 'sector');
    await page.locator('th', { hasText: '行业主管部门' }).first().waitFor();
    assert.ok(await rows.count() >= 1, 'sectors ranked');
    await shot(page, 'ranking-sectors');
  });
});

test('a township sees the whole ranking; a grid account does not', async () => {
  const town = 'bailou', grid = 'grid'; // the demo's accounts
  if (town) {
    await inBrowser({}, async (page) => {
      await login(page, base, town, { to: `/ranking?month=${M}&by=township` });
      const rows = page.locator('[data-test=ranking-table] tr.el-table__row');
      await rows.first().waitFor();
      assert.ok(await rows.count() >= 4, 'every township');
    });
  }
  if (grid) {
    await inBrowser({}, async (page) => {
      await login(page, base, grid, { to: '/ranking' });
      await page.waitForURL((u) => u.pathname === '/403');
    });
  }
});
