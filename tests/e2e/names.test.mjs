// names.test.mjs: names, not codes, end to end in chromium on the demo
// district — the office sets a list's numbering pattern on its settings page
// and a petition saved with no number gets the next number by it; an import
// names a township by its name, and a township that does not exist is a row
// error quoting the value given.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, browse, closeBrowser, login, shot, typeDate, pickOption, apiError } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => {
  await closeBrowser();
  if (srv) await srv.stop();
});

// GET of the API from the page (its session's cookie)
const apiGet = (page, path) => page.evaluate(async (p) => (await fetch('/api/v1' + p)).json(), path);

test('the office sets the petitions\' numbering pattern; a petition saved without a number gets it', async () => {
  const b = await browse(srv.url, { width: 1440, height: 900 });
  const { page } = b;
  await login(page, srv.url, 'office', { to: '/settings' });
  const box = page.locator('[data-test=number-patterns]');
  await box.waitFor();
  const input = page.locator('input[data-test=pattern-petitions]');
  assert.equal(await input.inputValue(), (await apiGet(page, '/settings')).number_patterns.petitions);
  await input.fill('XFE2E-{YYYY}-{NNNNN}');
  await page.click('[data-test=settings-save]');
  await page.getByText('策略已保存').waitFor();
  assert.equal((await apiGet(page, '/settings')).number_patterns.petitions, 'XFE2E-{YYYY}-{NNNNN}');
  await shot(page, 'names-10-patterns');
  assert.deepEqual(b.errors, []);
  await b.close();

  const p = await browse(srv.url, { width: 1440, height: 900 });
  await login(p.page, srv.url, 'petition', { to: '/petitions' });
  await p.page.click('[data-test=create]');
  const dlg = '.entity-form-dialog';
  assert.equal(await p.page.locator(`${dlg} [data-field=no] input`).inputValue(), '');
  await typeDate(p.page, 'received_on', '2022-05-05', dlg);
  await pickOption(p.page, 'channel', /^来访$/, dlg);
  await p.page.locator(`${dlg} [data-field=persons] input`).fill('1');
  await pickOption(p.page, 'level', /^乡级$/, dlg);
  await pickOption(p.page, 'category', /^土地征收$/, dlg);
  await p.page.click('[data-test=form-save]');
  await p.page.waitForURL(/\/petitions\/\d+$/);
  // the first of 2022 by the new pattern: the demo's numbers are another pattern's
  assert.equal(await p.page.locator('[data-test=record-key]').innerText(), 'XFE2E-2022-00001');
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('an import names a township by its name; an unknown one is a row error quoting it', async () => {
  const b = await browse(srv.url, { width: 1440, height: 900, allow: [apiError(422, 'subjects/import')] });
  const { page } = b;
  await login(page, srv.url, 'office', { to: '/subjects' });
  const towns = (await apiGet(page, '/regions?level=township&page_size=100')).items;
  const town = towns.find((t) => towns.filter((x) => x.name === t.name).length === 1);
  await page.click('[data-test=import]');
  await page.locator('[data-test=import-names-hint]').getByText('可填名称').waitFor();
  const now = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);
  const csv = '\ufeff主体编码,主体名称,主体类型,主体类别,所属乡镇,纳入月份\n' +
    `NME2E1,按名称导入村,行政村,行政村,${town.name},${now}\n` +
    `NME2E2,错乡镇村,行政村,行政村,城关镇不存在,${now}\n`;
  await page.setInputFiles('[data-test=import-file]', { name: 'subjects.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.click('[data-test=import-start]');
  const row = page.locator('[data-test=import-errors] .el-table__row').first();
  await row.waitFor();
  assert.match(await row.innerText(), /3[\s\S]*所属乡镇[\s\S]*“城关镇不存在”不存在/);
  await shot(page, 'names-20-import-error');
  await page.click('[data-test=keep-good]');
  await page.click('[data-test=import-start]');
  await page.locator('[data-test=import-report]').getByText(/新增 1/).waitFor();
  const s = (await apiGet(page, '/subjects?code=NME2E1')).items[0];
  assert.equal(s.township, town.code);
  assert.deepEqual(b.errors, []);
  await b.close();
});
