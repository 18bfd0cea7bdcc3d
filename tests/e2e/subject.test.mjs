// subject.test.mjs: in chromium, as the office — a subject's page shows its
// records by list in tabs, each tab's count the API's count of that list
// for the subject, a row opening its record; its months of 2023 each as
// the month's results say (达标 / 不达标 / 未列入) and the year to date; the
// regions tree opens a township to its villages; the dictionary page edits
// a label and the list shows it.  Expected values come from the API, read
// apart from the page.  Its own small district (the API tests' fixture).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer, listAll } from '../api/util.mjs';
import { NEW_PASSWORD } from '../api/lib.mjs';
import { importRows, monthResults } from '../api/assess_util.mjs';
import { withBrowser, login, closeBrowser, WEB } from './lib.mjs';

const EAST = '410000001000';
let d, office;

before(async () => {
  d = await districtServer((store) => {
    importRows(store, 'accidents', [
      { no: 'E2E-A1', occurred_on: '2023-05-10', subject: 'V1', domain: 'gas', deaths: 1, injuries: 0, direct_loss: '0', production: 1, summary: '事故' },
    ]);
    importRows(store, 'cases', [
      { no: 'E2E-C1', kind: 'criminal', category: 'violent', occurred_on: '2023-03-10', subject: 'V1', summary: '伤害' },
      { no: 'E2E-C2', kind: 'public_order', category: 'other', occurred_on: '2023-04-11', subject: 'V1', summary: '纠纷' },
    ]);
    importRows(store, 'disputes', [
      { no: 'E2E-D1', found_on: '2023-06-01', source: 'grid', category: 'land', subject: 'V1', summary: '地界' },
      { no: 'E2E-D2', found_on: '2023-06-02', source: 'grid', category: 'family', subject: 'V2', summary: '邻里' },
    ]);
  }, ['--web', WEB]);
  office = await d.as('office');
});
after(async () => { await closeBrowser(); await d?.stop(); });

// For each list that names a subject (from /meta), its total for `code`, as the API counts it.
async function countsFor(code) {
  const meta = (await office.get('/api/v1/meta')).json;
  const out = {};
  for (const e of meta.entities) {
    const f = e.can_read && e.name !== 'subjects' && e.fields.find((x) => x.type === 'ref' && x.ref === 'subjects' && x.filter && !x.personal);
    if (f) out[e.name] = (await office.get(`/api/v1/${e.name}?${f.key}=${code}&page_size=1`)).json.total;
  }
  return out;
}

test('a subject\'s page, the regions tree and the dictionary', async () => {
  const subjects = await listAll(office, '/api/v1/subjects');
  const v1 = subjects.find((s) => s.code === 'V1');
  const counts = await countsFor('V1');
  for (const l of ['petitions', 'accidents', 'cases', 'disputes', 'hazards']) assert.ok(l in counts, `${l} names a subject`);
  assert.equal(counts.cases, 2);
  const results = {};
  for (let m = 1; m <= 12; m++) {
    const M = `2023-${String(m).padStart(2, '0')}`;
    const row = (await monthResults(office, M)).rows.get('V1');
    results[M] = !row ? 'off' : row.complies ? 'pass' : 'fail';
  }
  assert.ok(Object.values(results).includes('fail'), 'V1 fails some month (the page has something to show)');
  // V1's place (the other subjects have none): its page shows it on the township map
  const placed = await office.update(`/api/v1/subjects/${v1.id}`, { lat: 33.73, lon: 114.88 });
  assert.equal(placed.status, 200);
  const villages = (await listAll(office, `/api/v1/regions?parent=${EAST}`)).map((r) => r.name).sort();
  assert.ok(villages.length >= 2);

  await withBrowser(d.srv.url, { width: 1440, height: 900 }, async (page) => {
    await login(page, d.srv.url, 'office', { password: NEW_PASSWORD, to: `/subjects/${v1.id}` });

    // the tabs: one per list, each with the API's count; the record opens
    await page.waitForSelector('[data-test=subject-events] [data-test^=tab-]');
    const tabs = await page.locator('[data-test=subject-events] [data-test^=tab-]').evaluateAll((els) =>
      els.map((e) => [e.dataset.test.slice(4), Number(e.querySelector('.sp-count').textContent)]));
    assert.deepEqual(Object.fromEntries(tabs), counts);
    await page.click('[data-test=tab-cases]');
    const links = page.locator('[data-test=subject-records][data-list=cases] [data-test=subject-record-link]');
    await links.first().waitFor();
    assert.deepEqual((await links.allInnerTexts()).sort(), ['E2E-C1', 'E2E-C2']);

    // the months of 2023
    await page.click('[data-test=subject-year]');
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '2023' }).first().click();
    await page.waitForSelector('[data-test="month-2023-12"]');
    const shown = await page.locator('[data-test^="month-2023-"]').evaluateAll((els) =>
      Object.fromEntries(els.map((e) => [e.dataset.test.slice(6), e.dataset.state])));
    assert.deepEqual(shown, results);
    const failed = Object.values(results).filter((s) => s === 'fail').length;
    const on = Object.values(results).filter((s) => s !== 'off').length;
    assert.match(await page.locator('[data-test=subject-ytd]').innerText(), new RegExp(`${on} 个月.*达标 ${on - failed} 个月.*不达标 ${failed} 个月`));
    const firstFail = Object.keys(results).find((m) => results[m] === 'fail');
    assert.match(await page.locator(`[data-test="month-${firstFail}"]`).getAttribute('aria-label'), /未达标/);
    await page.waitForSelector('[data-test=subject-map] [data-test=dmap-highlight]');
    assert.equal(await page.locator('[data-test=subject-map] .dmap-area').count(), 1, 'its township, the one with a place');
    await page.locator(`[data-test="month-${firstFail}"]`).click();
    await page.waitForSelector('[data-test=explain-overall]');
    assert.equal((await page.locator('[data-test=explain-overall]').innerText()).trim(), '不达标');
    await page.keyboard.press('Escape');
    await links.first().click();
    await page.waitForURL(/\/cases\/\d+$/);

    // the regions tree: the district open on its townships; a township opens to its villages
    await page.goto(`${d.srv.url}/regions`);
    await page.waitForSelector(`[data-test="node-${EAST}"], [data-test=tree-table] a:has-text("东镇")`);
    const eastRow = page.locator('[data-test=tree-table] tr', { has: page.locator('a', { hasText: '东镇' }) }).first();
    await eastRow.locator('.el-table__expand-icon').click();
    const villageLinks = page.locator('[data-test=tree-table] tr.el-table__row--level-2 td:first-child a');
    await villageLinks.first().waitFor();
    const names = (await villageLinks.allInnerTexts()).sort();
    assert.deepEqual(names, villages);

    // the dictionary: edit a label; the disputes list shows it
    await page.goto(`${d.srv.url}/dict`);
    await page.click('[data-test=dict-type-dispute_category]');
    await page.click('[data-test=dict-edit-land]');
    await page.fill('input[data-test=dict-label]', '土地山林权属纠纷');
    await page.click('[data-test=dict-save]');
    await page.waitForSelector('[data-test=dict-label-land]:has-text("土地山林权属纠纷")');
    await page.goto(`${d.srv.url}/disputes?no=E2E-D1`);
    await page.waitForSelector('[data-test=entity-table] a:has-text("E2E-D1")');
    const row = page.locator('[data-test=entity-table] tr', { has: page.locator('a', { hasText: 'E2E-D1' }) }).first();
    assert.match(await row.innerText(), /土地山林权属纠纷/);
  }, 'subject');
});
