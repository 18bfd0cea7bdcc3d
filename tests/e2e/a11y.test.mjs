// a11y.test.mjs: accessibility and names, not codes (issue 17) in chromium
// on the demo district.  axe-core (web/node_modules/axe-core) runs on the
// login page, the office's home, dashboard, a list and its create form, a
// record, the month page with a subject's explanation open, the audit
// administrator's log, the list on a 390 px phone, the grid worker's own
// page on a phone, the wall screen (each of its rotating views), and the
// list in English; none may have a serious or critical violation of WCAG
// 2.1 A/AA (contrast, names of buttons, links and form fields, ARIA).  The
// skip link is the first thing the keyboard reaches and moves the focus to
// the page, as opening a page from the menu does.  Names: the audit log
// names its actions, outcomes, objects and fields in Chinese (the expected
// names from /meta's `names`, the server's); the explanation names its
// standard and shows record numbers whole; the sector map names its
// categories; in English a list's headers and enumeration values are English.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, withBrowser, login, closeBrowser, axe, DEMO_PASSWORD } from './lib.mjs';
import { Client } from '../api/lib.mjs';
import EN from '../../web/src/locales/labels-en.js';

const MONTH = '2023-08'; // the demo's last month of events

let srv, office, meta;
before(async () => {
  srv = await startServer();
  office = new Client(srv.url);
  const r = await office.login('office', DEMO_PASSWORD);
  assert.equal(r.status, 200, r.text);
  meta = (await office.get('/api/v1/meta')).json;
});
after(async () => { await closeBrowser(); await srv?.stop(); });

// The first thing Tab reaches is the skip link; following it focuses the page.
async function skipLink(page) {
  await page.evaluate(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); });
  await page.locator('body').focus();
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => document.activeElement && document.activeElement.dataset.test);
  assert.equal(first, 'skip-link', 'the skip link is the first focusable element');
  assert.ok(await page.locator('[data-test=skip-link]').isVisible(), 'the skip link shows when focused');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main', 'the skip link moves the focus to the page');
  await page.keyboard.press('Tab');
  const inMain = await page.evaluate(() => !!document.activeElement.closest('#main'));
  assert.ok(inMain, 'the next Tab stays in the page content, not the menu');
  // a page opened from the menu starts the keyboard at its content
  await page.click('[data-test=menu-months]');
  await page.waitForURL(/\/months/);
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'main');
}

test('office: no serious axe violation from the login page to the month page; the skip link comes first', async () => {
  const petitions = (await office.get('/api/v1/petitions?page_size=1')).json.items;
  const sectors = (await office.get('/api/v1/sector_map?page_size=100')).json.items;
  assert.ok(sectors.length > 1 && sectors.length <= 20, 'one page of the sector map');
  assert.ok(petitions.length, 'the demo has petitions');
  // a subject with events counted in the month: its explanation lists their numbers
  const failing = (await office.get(`/api/v1/months/${MONTH}/results?fail=1&page_size=1`)).json.items;
  assert.ok(failing.length, 'a failing subject in the month');
  const ex = (await office.get(`/api/v1/explain?subject=${failing[0].subject}&month=${MONTH}`)).json;
  const nos = ['petition', 'accident', 'case'].flatMap((d) => ex.events[d].map((e) => e.no));
  assert.ok(nos.length, 'the explanation has events');
  await withBrowser(srv.url, {}, async (page) => {
    await page.goto(srv.url + '/login');
    await page.waitForSelector('[data-test=login-submit]');
    await axe(page, 'login');
    await login(page, srv.url, 'office');
    await page.waitForSelector('#main');
    // the office's home is its dashboard (axe runs there below), another role's its own page
    if (!page.url().endsWith('/dashboard')) await axe(page, 'home');
    await skipLink(page);
    await page.goto(srv.url + '/dashboard');
    await page.waitForSelector('.kpi-value:not(:empty)');
    await page.waitForSelector('[data-test=card-villages_rate] .el-progress');
    await axe(page, 'dashboard');
    await page.goto(srv.url + '/petitions');
    await page.waitForSelector('.entity-table .el-table__row');
    await axe(page, 'petitions list');
    // the create form: every input named by its field
    await page.click('[data-test=create]');
    await page.waitForSelector('.entity-form-dialog .el-form-item');
    // the dialog has faded in (mid-animation its colours are blended with the mask's)
    await page.waitForFunction(() => !document.querySelector('.dialog-fade-enter-active, .el-overlay-fade-enter-active'));
    await page.waitForFunction(() => Number(getComputedStyle(document.querySelector('.entity-form-dialog').closest('.el-overlay')).opacity) === 1);
    await axe(page, 'the new petition form');
    await page.keyboard.press('Escape');
    await page.waitForSelector('.entity-form-dialog', { state: 'hidden' });
    await page.goto(`${srv.url}/petitions/${petitions[0].id}`);
    await page.waitForSelector('[data-test=record-key]');
    await axe(page, 'petition');
    // the sector map's key is an enumeration: its rows read by the category's name
    await page.goto(srv.url + '/sector_map');
    await page.waitForSelector('.entity-table .el-table__row');
    const cats = await page.$$eval('.entity-table .el-table__body a.ref-link.strong', (as) => as.map((a) => a.textContent.trim()));
    const label = Object.fromEntries(meta.enums.subject_category.map((it) => [it.code, it.label]));
    assert.deepEqual(cats.sort(), sectors.map((r) => label[r.category]).sort(), 'the sector map names its categories');
    await page.goto(`${srv.url}/months/${MONTH}?explain=${failing[0].subject}`);
    await page.waitForSelector('[data-test=explain-standard]');
    await axe(page, 'month page with the explanation');
    // the standard by its name, every number whole and readable
    const std = await page.textContent('[data-test=explain-standard]');
    assert.equal(std.trim(), ex.standard.code === 'default' ? '默认标准（系统内置）' : ex.standard.code);
    const shown = await page.$$eval('[data-test=explain-no]', (as) => as.map((a) => ({
      text: a.textContent.trim(), cut: a.scrollWidth > a.clientWidth + 1 || a.closest('.cell').scrollWidth > a.closest('.cell').clientWidth + 1,
    })));
    assert.deepEqual(shown.map((s) => s.text).sort(), [...nos].sort(), 'every event number, in full');
    assert.deepEqual(shown.filter((s) => s.cut), [], 'no number cut off');
  }, 'a11y-office');
});

test('the audit log names actions, outcomes, objects and fields in Chinese, and passes axe', async () => {
  // a change the log records with its field keys: the office edits a petition's summary
  const p = (await office.get('/api/v1/petitions?page_size=1')).json.items[0];
  const u = await office.update(`/api/v1/petitions/${p.id}`, { summary: p.summary + '（已核实）' });
  assert.equal(u.status, 200, u.text);
  const audit = new Client(srv.url);
  assert.equal((await audit.login('auditadmin', DEMO_PASSWORD)).status, 200);
  const names = (await audit.get('/api/v1/meta')).json.names;
  assert.ok(names.petitions && names.petitions.fields.summary, "the audit administrator's /meta names every list");
  const rows = (await audit.get('/api/v1/audit?page_size=50')).json.items;
  const upd = rows.find((r) => r.action === 'petitions.update' && r.detail === 'summary');
  assert.ok(upd, 'the update is in the log with its field key');
  assert.ok(rows.some((r) => r.action === 'login'), 'logins are in the log');
  await withBrowser(srv.url, {}, async (page) => {
    await login(page, srv.url, 'auditadmin', { to: '/audit' });
    await page.waitForSelector('[data-test=audit-action-cell]');
    await axe(page, 'audit log');
    const table = await page.$$eval('[data-test=audit-table] .el-table__body tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
    const bySeq = new Map(table.map((cells) => [Number(cells[0]), cells]));
    const cells = bySeq.get(upd.seq);
    assert.ok(cells, `row ${upd.seq} shown`);
    assert.equal(cells[3], `修改 ${names.petitions.label}`);
    assert.match(cells[4], new RegExp('^' + names.petitions.label + ' #' + p.id + '\\b'));
    assert.equal(cells[5], '成功');
    assert.equal(cells[7], names.petitions.fields.summary);
    const login1 = rows.find((r) => r.action === 'login' && r.outcome === 'ok');
    assert.equal(bySeq.get(login1.seq)[3], '登录');
    const cli = rows.find((r) => r.source === 'cli' && bySeq.has(r.seq));
    assert.ok(cli, 'a row from the command line (the demo\'s) on the page');
    assert.equal(bySeq.get(cli.seq)[6], '命令行');
    // nothing in the action and outcome columns reads as a code
    for (const c of table) {
      assert.doesNotMatch(c[3], /^[a-z_.]+$/, `action ${c[3]} shown as a code`);
      assert.doesNotMatch(c[5], /^(ok|failed|\d{3})$/, `outcome ${c[5]} shown as a code`);
    }
    // the filter offers actions by name and finds by the code behind it
    await page.click('[data-test=audit-action]');
    await page.keyboard.type('修改 ' + names.petitions.label);
    await page.keyboard.press('Enter');
    await page.click('button[type=submit]');
    await page.waitForFunction((n) => [...document.querySelectorAll('[data-test=audit-action-cell]')].every((c) => c.textContent.trim() === n)
      && document.querySelectorAll('[data-test=audit-action-cell]').length > 0, '修改 ' + names.petitions.label);
  }, 'a11y-audit');
});

test('a list on a 390 px phone, and a list in English, pass axe', async () => {
  await withBrowser(srv.url, { width: 390, height: 844, touch: true }, async (page) => {
    await login(page, srv.url, 'office', { to: '/petitions' });
    // a phone shows the records as cards
    await page.waitForSelector('[data-test=entity-card]');
    await axe(page, 'petitions on a phone');
  }, 'a11y-phone');
  const desc = meta.entities.find((e) => e.name === 'petitions');
  await withBrowser(srv.url, {}, async (page) => {
    await login(page, srv.url, 'office', { to: '/petitions' });
    await page.waitForSelector('.entity-table .el-table__row');
    await page.click('[data-test=lang-switch]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.waitForFunction(() => !/[\u4e00-\u9fff]/.test(document.querySelector('.entity-table th').textContent));
    await axe(page, 'petitions in English');
    const heads = (await page.$$eval('.entity-table th .cell', (ths) => ths.map((th) => th.textContent.trim()))).filter(Boolean);
    const english = new Set(desc.fields.map((f) => EN.entityFields['petitions.' + f.key] || EN.fields[f.key]));
    const shown = heads.filter((h) => english.has(h));
    assert.ok(shown.length >= 4, `English field names in the headers: ${heads.join(' | ')}`);
    for (const h of heads) assert.doesNotMatch(h, /[\u4e00-\u9fff]/, `a Chinese header in English: ${h}`);
    // no cell shows an enumeration value's Chinese name (the data itself is Chinese)
    const zh = new Set(desc.fields.filter((f) => f.type === 'enum').flatMap((f) => meta.enums[f.enum].map((it) => it.label)));
    const cells = await page.$$eval('.entity-table .el-table__body td', (tds) => tds.map((td) => td.textContent.trim()));
    assert.ok(cells.length > 0);
    assert.deepEqual(cells.filter((c) => zh.has(c)), [], 'enumeration values in English');
  }, 'a11y-en');
});

test('the grid worker\'s page on a 390 px phone, and the wall screen\'s views, pass axe', async () => {
  await withBrowser(srv.url, { width: 390, height: 844, touch: true }, async (page) => {
    await login(page, srv.url, 'grid');
    await page.waitForURL(/\/grid$/);
    await page.locator('[data-test=home-overdue-disputes]').waitFor();
    await axe(page, 'the grid worker\'s page');
  }, 'a11y-grid');
  await withBrowser(srv.url, { width: 1920, height: 1080 }, async (page) => {
    await login(page, srv.url, 'office', { to: '/dashboard' });
    await page.goto(`${srv.url}/screen?month=${MONTH}`);
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-test=scr-subjects_total]')?.textContent || ''));
    const tabs = await page.$$eval('[data-test^=scr-tab-]', (els) => els.map((e) => e.dataset.test));
    assert.ok(tabs.length >= 2, `the screen's views: ${tabs.join(' ')}`);
    for (const tab of tabs) {
      await page.click(`[data-test=${tab}]`);
      await page.waitForTimeout(300); // its view faded in
      await axe(page, `the wall screen, ${tab}`);
    }
  }, 'a11y-screen');
});
