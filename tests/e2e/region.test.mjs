// region.test.mjs: the browser of a city's office (role region, 市/省创建办,
// issue 19) in chromium, on the deployment of tests/api/region.test.mjs: a
// province, two cities, three generated districts (`gen scale`), two of
// them under the city.  After login the office lands on its dashboard: its
// two districts (names from the database) ranked as GET
// /figures/breakdown?by=district ranks them, with their rates and counts;
// its month is that of its districts' newest event (by SQL); a figure, a
// card and a district open the lists they count, whose totals are the
// figures.  The wall screen ranks the districts, not the townships.  Every
// page of its menu opens without a single 403 from the server (the
// responses are watched from login to the end), none is a page it may not
// use, and no list offers to create, import or act in bulk (a list exports its districts' rows).  Its
// 报告 page offers its bulletin alone, of its districts' newest month, previewed.  axe on
// the dashboard and the screen's districts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, closeBrowser, withBrowser, login, shot, axe, apiError } from './lib.mjs';
import { BACKEND, Client, NEW_PASSWORD } from '../api/lib.mjs';
import { loadRegions, REGIONS, sql } from '../api/util.mjs';

const { CITY, D1, D2 } = REGIONS;
let srv, store, city, month, bd, names;

before(async () => {
  srv = await startServer({ setup: (s) => { store = s; loadRegions(s, [['city', 'region', 'CITY-SLB']], BACKEND); } });
  city = await new Client(srv.url).loginReady('city'); // the initial password changed
  names = Object.fromEntries(sql(store, `SELECT code || '|' || name FROM regions WHERE parent = '${CITY}' AND level = 'district' ORDER BY code`, BACKEND)
    .split('\n').map((l) => l.split('|')));
  assert.deepEqual(Object.keys(names), [D1, D2], 'the city\'s two districts');
  // the month the dashboard opens on: its districts' newest petition, accident, case or inspection
  const newest = sql(store, `SELECT MAX(d) FROM (SELECT received_on AS d FROM petitions WHERE district IN ('${D1}', '${D2}')
    UNION ALL SELECT occurred_on FROM accidents WHERE district IN ('${D1}', '${D2}')
    UNION ALL SELECT occurred_on FROM cases WHERE district IN ('${D1}', '${D2}')
    UNION ALL SELECT inspected_on FROM inspections WHERE district IN ('${D1}', '${D2}')) x`, BACKEND);
  month = newest.slice(0, 7);
  const r = await city.get(`/api/v1/figures/breakdown?by=district&through=${month}`);
  assert.equal(r.status, 200, r.text);
  bd = r.json;
});
after(async () => { await closeBrowser(); await srv?.stop(); });

// Every answer of the API with status 403 on `page`, and the requests still open.
function watch(page) {
  const w = { forbidden: [], open: new Set() };
  // (not /meta: main.js asks it once more through the service worker, whose
  // answer the page's events do not see end)
  page.on('request', (q) => { if (q.url().includes('/api/') && !q.url().endsWith('/api/v1/meta')) w.open.add(q); });
  const done = (q) => w.open.delete(q);
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  page.on('response', (r) => { if (r.status() === 403) w.forbidden.push(r.url()); });
  return w;
}
// The page settled: no request of the API open (for 0.3 s), no skeleton or loading mask.
async function settled(page, w) {
  for (let quiet = 0, n = 0; quiet < 3; n++) {
    assert.ok(n < 200, `requests still open: ${[...w.open].map((q) => q.url())}`);
    await page.waitForTimeout(100);
    quiet = w.open.size ? 0 : quiet + 1;
  }
  await page.waitForFunction(() => !document.querySelector('.el-skeleton, .el-loading-mask'));
}
const digits = (s) => Number(s.replace(/[^\d]/g, ''));
// The total a list page shows (共 N 条), once it has loaded.
async function listTotal(page, path) {
  await page.waitForURL((u) => u.pathname === path);
  const sub = page.locator('.entity-list .page-sub');
  await sub.waitFor();
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask, .el-skeleton'));
  return digits(await sub.innerText());
}

async function loginCity(page) {
  const w = watch(page);
  await login(page, srv.url, 'city', { password: NEW_PASSWORD });
  await page.waitForURL(/\/dashboard/);
  return w;
}

test('the dashboard: the city\'s figures and its districts ranked, each opening the list it counts', { timeout: 120000 }, async () => {
  await withBrowser(srv.url, {}, async (page) => {
    const w = await loginCity(page);
    const rows = page.locator('[data-test=chart-district] [data-test=rank-row]');
    await rows.nth(1).waitFor();
    assert.ok((await page.locator('.dashboard .page-sub').innerText()).includes(month), `the month of the newest events, ${month}`);
    const want = bd.rows.slice().sort((a, b) => a.rank - b.rank || a.key.localeCompare(b.key));
    assert.equal(await rows.count(), 2);
    for (let i = 0; i < 2; i++) {
      const row = rows.nth(i), d = want[i], f = d.figures;
      assert.equal(await row.locator('[data-test=rank-name]').innerText(), names[d.key], `row ${i}: the district's name`);
      assert.equal(await row.locator('[data-test=rank-place]').innerText(), String(d.rank), `${d.label}: rank`);
      assert.equal(await row.locator('[data-test=rank-rate]').innerText(), f.villages_rate == null ? '—' : f.villages_rate.toFixed(1) + '%');
      const count = (await row.locator('[data-test=rank-count]').innerText()).match(/[\d,]+/g).map(digits);
      assert.deepEqual(count, [f.villages_compliant + f.enterprises_compliant, f.villages_total + f.enterprises_total], `${d.label}: compliant of total`);
    }
    // no township or sector ranking, no determination of the month, no warnings: a district's
    for (const t of ['chart-town', 'chart-sector', 'dash-cert', 'warnings'])
      assert.equal(await page.locator(`[data-test=${t}]`).count(), 0, `no ${t}`);
    // the city's figures are its districts' summed
    const sum = (k) => bd.rows.reduce((s, r) => s + r.figures[k], 0);
    assert.equal(digits(await page.locator('[data-test=fig-subjects_total]').innerText()), sum('subjects_total'));
    await shot(page, 'region-dashboard');
    await settled(page, w);
    await axe(page, 'the city\'s dashboard');

    await page.click('[data-test=fig-subjects_total]');
    assert.equal(await listTotal(page, '/subjects'), sum('subjects_total'), 'the subjects counted');
    await page.goBack();
    await page.click('[data-test=ev-visit_batches]');
    assert.equal(await listTotal(page, '/petitions'), sum('visit_batches'), 'the visits counted');
    await page.goBack();
    await page.click('[data-test=card-villages_rate]');
    assert.equal(await listTotal(page, '/subjects'), sum('villages_total'), 'a rate opens the villages it is a share of');
    await page.goBack();
    await rows.nth(1).locator('[data-test=rank-name]').click();
    assert.equal(new URL(page.url()).searchParams.get('district'), want[1].key);
    assert.equal(await listTotal(page, '/subjects'), want[1].figures.subjects_total, `${want[1].label}'s subjects`);
    await settled(page, w);
    assert.deepEqual(w.forbidden, [], 'no 403');
  }, 'region-dash');
});

test('the wall screen ranks the districts: no townships, warnings or map', { timeout: 120000 }, async () => {
  await withBrowser(srv.url, { width: 1920, height: 1080 }, async (page) => {
    const w = await loginCity(page);
    await page.goto(srv.url + '/screen?rotate=300');
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-test=scr-subjects_total]')?.textContent || ''));
    assert.match(await page.locator('[data-test=scr-title]').innerText(), /^甲市/);
    const tabs = await page.locator('.scr-tab').evaluateAll((els) => els.map((e) => e.dataset.test));
    assert.deepEqual(tabs, ['scr-tab-overview', 'scr-tab-districts', 'scr-tab-events']);
    await page.click('[data-test=scr-tab-districts]');
    const rows = page.locator('[data-test=scr-district]');
    await rows.nth(1).waitFor();
    const shown = await rows.evaluateAll((els) => els.map((e) => [e.dataset.key, e.querySelector('.c-name').textContent.trim(),
      Number(e.querySelector('[data-test=scr-rank-place]').textContent)]));
    const want = bd.rows.slice().sort((a, b) => a.rank - b.rank || a.key.localeCompare(b.key)).map((r) => [r.key, names[r.key], r.rank]);
    assert.deepEqual(shown, want);
    assert.equal(await page.locator('[data-test=scr-town]').count(), 0);
    await shot(page, 'region-screen-districts');
    await settled(page, w);
    await axe(page, 'the wall screen\'s districts');
    await rows.nth(0).locator('.c-name button').click();
    assert.equal(await listTotal(page, '/subjects'), bd.rows.find((r) => r.key === want[0][0]).figures.villages_total, 'a district opens its villages');
    assert.deepEqual(w.forbidden, [], 'no 403');
  }, 'region-screen');
});

test('every page of the menu opens without a 403; no list offers to write', { timeout: 180000 }, async () => {
  await withBrowser(srv.url, { allow: [apiError(403, 'months')] }, async (page) => {
    const w = await loginCity(page);
    const items = await page.locator('.shell-aside li.el-menu-item[data-test^=menu-]').evaluateAll((els) => els.map((e) => e.dataset.test));
    for (const no of ['months', 'ranking', 'confirmations', 'settings', 'dict', 'patrols_today', 'police_ledger', 'duban-board', 'users', 'audit'])
      assert.ok(!items.includes('menu-' + no), `no ${no} in the menu: ${items}`);
    for (const yes of ['dashboard', 'subjects', 'petitions', 'hazards', 'tasks', 'work-overview', 'patrols', 'regions', 'reports'])
      assert.ok(items.includes('menu-' + yes), `${yes} in the menu: ${items}`);
    for (const it of items) {
      // the item as the pointer would choose it (its group may be folded)
      await page.locator(`[data-test=${it}]`).evaluate((e) => e.click());
      await page.locator(`[data-test=${it}].is-active`).waitFor();
      await settled(page, w);
      assert.equal(await page.locator('[data-test=forbidden]').count(), 0, `${it}: not the 403 page`);
      for (const b of ['create', 'import', 'more'])
        assert.equal(await page.locator(`#main [data-test=${b}]`).count(), 0, `${it}: no ${b} button`);
      assert.equal(await page.locator('#main .el-table-column--selection').count(), 0, `${it}: no rows to choose for a bulk action`);
      assert.deepEqual(w.forbidden, [], `${it}: no 403`);
    }
    // a record and a subject: no history, attachments or months to ask for
    for (const list of ['hazards', 'subjects']) {
      await page.goto(`${srv.url}/${list}`);
      await page.locator('.entity-table .ref-link').first().click();
      await page.locator('[data-test=fields]').waitFor();
      await settled(page, w);
    }
    assert.ok(await page.locator('[data-test=subject-events]').count(), 'the subject\'s records');
    // a list exports the rows of its districts
    await page.goto(`${srv.url}/subjects`);
    await page.locator('#main [data-test=export]').waitFor();
    const csv = await page.evaluate(async () => { const r = await fetch('/api/v1/subjects/export?format=csv'); return [r.status, (await r.text()).split('\n').length]; });
    assert.equal(csv[0], 200);
    assert.ok(csv[1] > 2, `rows exported: ${csv[1]}`);
    assert.deepEqual(w.forbidden, [], 'no 403');
    // the watch sees a 403 when there is one: the month's determination is not the city's
    assert.equal(await page.evaluate(async () => (await fetch('/api/v1/months')).status), 403);
    assert.match(w.forbidden.join(), /\/api\/v1\/months$/);
  }, 'region-menu');
});

test('the 报告 page: the city\'s bulletin alone, of its newest month, previewed, provisional', { timeout: 120000 }, async () => {
  await withBrowser(srv.url, {}, async (page) => {
    const w = await loginCity(page);
    await page.goto(`${srv.url}/reports`);
    const [y, m] = month.split('-').map(Number);
    const name = `甲市${y}年${m}月“三零”创建工作通报.pdf`;
    await page.locator('[data-test=reports-filename]', { hasText: name }).waitFor();
    await page.locator('iframe[data-test=reports-preview]').waitFor();
    const tabs = await page.locator('[data-test=reports-kinds] .el-tabs__item').allInnerTexts();
    assert.deepEqual(tabs.map((x) => x.trim()), ['通报'], 'its bulletin alone');
    assert.equal(await page.locator('[data-test=reports-archive]').count(), 0, 'no archive: a region\'s bulletin is written live');
    assert.match(await page.locator('[data-test=reports-status]').innerText(), /未发布|初步/);
    await settled(page, w);
    assert.deepEqual(w.forbidden, [], 'no 403');
  }, 'region-reports');
});
