// grass_desk.test.mjs: the grassroots at the desk (issue 15) end to end on
// the demo district, in Debian's chromium: a township finds 今日巡查 in the
// menu and sees its grid's morning patrol done and the afternoon's missing;
// the police open 驻村补贴台账, generate the month, mark it paid on a date
// and download the finance office's sheet (a real XLSX with its 合计 row).
// The staff, the patrol and the officer are written first through the API.
// Fails on any console error it did not expect.  Screenshots go to
// tests/out/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, closeBrowser, login, shot, withBrowser, unzip, confirmBox } from './lib.mjs';

const GRID = '41160310100101', VILLAGE = '411603101001'; // the demo's grid account's grid, under 白楼镇
// DAY: after the demo's year of patrols (through 2023-08-31), so that the afternoon is the test's to leave missing
const DAY = '2023-09-05', MONTH = '2023-08';
let srv, base;

before(async () => {
  srv = await startServer();
  base = srv.url;
});
after(async () => {
  await closeBrowser();
  if (srv) await srv.stop();
});

const inBrowser = (opts, fn) => withBrowser(base, opts, fn, 'grass-desk');

// POST `body` to `path` as the page's user; the answer's status and JSON.
function post(page, path, body) {
  return page.evaluate(async ([p, b]) => {
    const csrf = decodeURIComponent((document.cookie.match(/(?:^|; )sanling_csrf=([^;]*)/) || [])[1] || '');
    const r = await fetch('/api/v1' + p, { method: 'POST', headers: { 'content-type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify(b) });
    return { status: r.status, json: await r.json().catch(() => null) };
  }, [path, body]);
}

test('the office writes the grid\'s staff, a morning patrol and the village officer', async () => {
  await inBrowser({}, async (page) => {
    await login(page, base, 'office');
    for (const [path, body] of [
      ['/grid_staff', { grid: GRID, name: '白网格', role: 'leader', from: '2023-01-01' }],
      ['/patrols', { no: 'E2E-P1', grid: GRID, patroller: '白网格', patrolled_on: DAY, slot: 'am' }],
      ['/police_assignments', { officer: '白辅警', police_no: 'E2E-F1', kind: 'auxiliary', village: VILLAGE, from: '2023-01-01' }],
    ]) {
      const r = await post(page, path, body);
      assert.equal(r.status, 201, `${path}: ${JSON.stringify(r.json)}`);
    }
  });
});

test('a township: 今日巡查 in the menu, the morning done, the afternoon plainly missing', async () => {
  await inBrowser({}, async (page) => {
    await login(page, base, 'bailou');
    assert.equal(await page.locator('.el-menu-item', { hasText: '今日巡查' }).count(), 1, 'in the menu');
    await page.goto(`${base}/patrols_today?date=${DAY}`);
    const row = page.locator('[data-test=patrols-table] tr.el-table__row').filter({ hasText: GRID });
    await row.waitFor();
    assert.match(await row.locator('[data-test=am-done]').innerText(), /白网格/);
    assert.match(await row.locator('[data-test=pm-missing]').innerText(), /未巡查/);
    const want = await page.evaluate(async (d) => (await (await fetch(`/api/v1/patrols/today?date=${d}`)).json()), DAY);
    assert.match(await page.locator('[data-test=missing-pm]').innerText(), new RegExp(`${want.missing_pm}`));
    assert.equal(await page.locator('[data-test=patrols-table] tr.el-table__row').count(), want.total);
    await shot(page, 'patrols-today');
  });
});

test('the police: generate the month\'s ledger, mark it paid, download the finance sheet', async () => {
  await inBrowser({}, async (page) => {
    await login(page, base, 'police');
    assert.equal(await page.locator('.el-menu-item', { hasText: '驻村补贴台账' }).count(), 1, 'in the menu');
    await page.goto(`${base}/police_ledger?month=${MONTH}`);
    await page.locator('[data-test=ledger-summary], .el-empty').first().waitFor();
    await page.click('[data-test=ledger-generate]');
    const row = page.locator('[data-test=ledger-table] tr.el-table__row').filter({ hasText: 'E2E-F1' });
    await row.waitFor();
    assert.match(await row.innerText(), /500\.00/);
    assert.match(await row.innerText(), /白辅警/, 'the officer by name');
    assert.match(await row.innerText(), /未发放/);
    await page.click('[data-test=ledger-pay]');
    const input = page.locator('.el-message-box input');
    await input.fill('2023-09-05');
    await confirmBox(page);
    await row.filter({ hasText: '2023-09-05' }).waitFor();
    const rows = await page.evaluate(async (m) => (await (await fetch(`/api/v1/police_subsidies?month=${m}&page_size=500`)).json()).items, MONTH);
    assert.ok(rows.length >= 1 && rows.every((r) => r.paid_on === '2023-09-05'), 'every row of the month paid');
    await page.click('[data-test=ledger-export]');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=ledger-export-xlsx]').click()]);
    const buf = readFileSync(await dl.path());
    const parts = unzip(buf);
    const text = Object.entries(parts).filter(([n]) => n.endsWith('.xml')).map(([, b]) => b.toString('utf8')).join('\n');
    for (const w of ['补贴金额（元）', '签收', '合计', '白辅警', 'E2E-F1']) assert.ok(text.includes(w), `${w} in the sheet`);
    assert.match(dl.suggestedFilename(), /2023-08\.xlsx$/);
    await shot(page, 'police-ledger');
  });
});
