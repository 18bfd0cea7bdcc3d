// confirm.test.mjs: 一月一动态 in the browser, against a real server on the
// demo district in chromium: a township opens this month's confirmation,
// follows its subject count to the subjects behind it (the drawer's rows are
// the count), confirms its list; the office then sees it confirmed and how
// many units have not.  Fails on any console error it did not expect.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, shot, closeBrowser, withBrowser } from './lib.mjs';

let srv, base;
before(async () => {
  srv = await startServer();
  base = srv.url;
});
after(async () => {
  await closeBrowser();
  if (srv) await srv.stop();
});

const inBrowser = (fn) => withBrowser(base, {}, fn, 'confirm');

test('a township confirms its month\'s list; its counts open their subjects; the office sees who has not confirmed', async () => {
  let units;
  await inBrowser(async (page) => {
    await login(page, base, 'chengguan', { to: '/confirmations' });
    const table = page.locator('[data-test=confirm-table]');
    await table.getByText('城关回族镇').first().waitFor();
    assert.equal(await page.locator('[data-test=confirm-table] .el-table__row').count(), 1, 'its own unit only');
    // the subjects count opens exactly the subjects it counts
    const count = page.locator('[data-test^="count-"][data-test$="-subjects"]').first();
    const n = Number((await count.innerText()).trim());
    assert.ok(n > 50, `城关回族镇 has its villages and enterprises: ${n}`);
    await count.click();
    const drawer = page.locator('.el-drawer');
    await drawer.getByText(`共 ${n} 个`).waitFor();
    assert.equal(await drawer.locator('.el-table__row').count(), n, 'one row per subject counted');
    await shot(page, '70-confirm-drawer');
    await drawer.locator('.el-drawer__close-btn').click();
    // confirm
    await page.locator('[data-test=confirm-button]:visible').click();
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await table.getByText('已确认').waitFor();
    assert.equal(await page.locator('[data-test=confirm-button]:visible').count(), 0, 'nothing left to confirm');
  });
  await inBrowser(async (page) => {
    await login(page, base, 'office', { to: '/confirmations' });
    const summary = page.locator('[data-test=confirm-summary]');
    await summary.waitFor();
    units = await page.locator('[data-test=confirm-table] .el-table__row').count();
    assert.ok(units > 20, `supervising departments and 20 townships: ${units}`);
    assert.equal(await summary.innerText(), `共 ${units} 个单位，未确认 ${units - 1} 个`);
    const row = page.locator('[data-test=confirm-table] .el-table__row').filter({ hasText: '城关回族镇' });
    await row.getByText('已确认').waitFor();
    assert.equal(await page.locator('[data-test=confirm-button]:visible').count(), 0, 'the office does not confirm for a unit');
    await shot(page, '71-confirm-office');
  });
});
