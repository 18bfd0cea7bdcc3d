// grants.test.mjs: 向上级授权 in the browser (issue 19), in chromium, on the
// deployment of tests/api/region.test.mjs (a province, two cities, three
// generated districts).  The office of the first district grants its city
// the task list on its page (names, not codes: 甲市, 任务清单), and the
// city's office then creates a task in that district from the task list's
// own 新建 (the form asks in which district, and offers that district's
// departments only); the record is read back by SQL.  The task opens with
// 编辑 for the city; a task of the second district (which granted nothing)
// opens without it.  The office revokes on its page, and the city's task
// list offers 新建 no more.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, closeBrowser, withBrowser, login, shot, pickOption, pickRef, typeDate, confirmBox } from './lib.mjs';
import { BACKEND, Client, NEW_PASSWORD } from '../api/lib.mjs';
import { loadRegions, REGIONS, sql } from '../api/util.mjs';

const { CITY, D1, D2 } = REGIONS;
let srv, store, off2;
const q = (s) => sql(store, s, BACKEND);

before(async () => {
  srv = await startServer({ setup: (s) => {
    store = s;
    loadRegions(s, [['city', 'region', 'CITY-SLB'], ['off1', 'office', '0001-SLB'], ['off2', 'office', '0002-SLB']], BACKEND);
  } });
  for (const u of ['city', 'off1']) await new Client(srv.url).loginReady(u); // the initial passwords changed
  off2 = await new Client(srv.url).loginReady('off2');
});
after(async () => { await closeBrowser(); await srv?.stop(); });

const inBrowser = (fn) => withBrowser(srv.url, {}, fn, 'grants');

test('a district grants its city the task list; the city creates a task there, and nowhere else; revoked, no more', { timeout: 180000 }, async () => {
  const d1Name = q(`SELECT name FROM regions WHERE code = '${D1}'`);
  const d2Task = await off2.post('/api/v1/tasks', { no: 'E2E-D2', title: '二区自己的任务', source: 'standard', owner: '0002-JTJ',
    assigned_on: '2023-06-01', due_on: '2023-07-01' });
  assert.equal(d2Task.status, 201, d2Task.text);

  await inBrowser(async (page) => {
    await login(page, srv.url, 'off1', { password: NEW_PASSWORD, to: '/grants' });
    await page.locator('[data-test=grants-table]').waitFor();
    await pickOption(page, 'region', '甲市', '.grant-form');
    await pickOption(page, 'list', '任务清单', '.grant-form');
    await page.locator('[data-test=grant-submit]').click();
    const row = page.locator('[data-test=grants-table] .el-table__row').filter({ hasText: '甲市' });
    await row.filter({ hasText: '任务清单' }).getByText('有效').waitFor();
    await shot(page, '90-grants-office');
  });
  assert.equal(q(`SELECT region || ' ' || list FROM region_grants WHERE district = '${D1}' AND revoked_at IS NULL`), `${CITY} tasks`);

  await inBrowser(async (page) => {
    await login(page, srv.url, 'city', { password: NEW_PASSWORD, to: '/tasks' });
    await page.locator('[data-test=create]').click();
    const dlg = '.entity-form-dialog';
    // its one granting district, chosen already
    await page.locator(`${dlg} [data-field=district] .el-select__selected-item`).filter({ hasText: d1Name }).waitFor();
    await page.fill(`${dlg} [data-field=title] input`, '市里交办的任务');
    await pickOption(page, 'source', '上级交办', dlg);
    await pickRef(page, 'owner', '教育', '教育体育局', dlg);
    await typeDate(page, 'assigned_on', '2023-06-01', dlg);
    await typeDate(page, 'due_on', '2023-07-01', dlg);
    await shot(page, '91-grants-city-form');
    await page.locator('[data-test=form-save]').click();
    await page.locator(dlg).waitFor({ state: 'hidden' });
    assert.equal(q("SELECT district || ' ' || owner || ' ' || source FROM tasks WHERE title = '市里交办的任务'"), `${D1} 0001-JTJ superior`);
    assert.equal(q("SELECT username FROM audit WHERE action = 'tasks.create' AND object LIKE 'tasks/%' ORDER BY seq DESC LIMIT 1"), 'city');
    // its task opens with 编辑; the other district's without
    const id = q("SELECT id FROM tasks WHERE title = '市里交办的任务'");
    await page.goto(`${srv.url}/tasks/${id}`);
    await page.locator('[data-test=edit]').waitFor();
    await page.goto(`${srv.url}/tasks/${d2Task.json.id}`);
    await page.locator('[data-test=record-key]').waitFor();
    assert.equal(await page.locator('[data-test=edit]').count(), 0, 'a district that granted nothing');
    assert.equal(await page.locator('[data-test^=transition-]').count(), 0);
    // what it holds, on its own page
    await page.goto(`${srv.url}/grants`);
    await page.locator('[data-test=grants-table] .el-table__row').filter({ hasText: d1Name }).getByText('任务清单').waitFor();
  });

  await inBrowser(async (page) => {
    await login(page, srv.url, 'off1', { password: NEW_PASSWORD, to: '/grants' });
    const id = q(`SELECT id FROM region_grants WHERE district = '${D1}'`);
    await page.locator(`[data-test=revoke-${id}]`).click();
    await confirmBox(page);
    await page.locator('[data-test=grants-table] .el-table__row').getByText('已撤销').waitFor();
  });
  assert.equal(q(`SELECT COUNT(*) FROM region_grants WHERE revoked_at IS NULL`), '0');

  await inBrowser(async (page) => {
    await login(page, srv.url, 'city', { password: NEW_PASSWORD, to: '/tasks' });
    await page.locator('[data-test=entity-table]').waitFor();
    assert.equal(await page.locator('[data-test=create]').count(), 0, 'nothing granted: no 新建');
  });
});
