// tables.test.mjs: the generic list at work sizes (issue 17, forms and
// tables), on the demo district as the office: at 1440 px the status, risk
// and 逾期 headers are on the screen and no fixed column covers them; the
// 列设置 choices do not overlap; at 390 px the records are cards and import
// and export sit in the 更多 menu; two rows chosen and 受理 in bulk are
// accepted (read back from the API); printed, the side menu and the
// buttons are gone and the page's title and date are there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, closeBrowser, login, withBrowser, shot } from './lib.mjs';

let srv, base;
before(async () => {
  srv = await startServer();
  base = srv.url;
});
after(async () => { await closeBrowser(); await srv?.stop(); });

const WIDE = { width: 1440, height: 900 };

// Is header `text` of the list's table on the screen, and the topmost thing at its centre?
async function headerShown(page, text) {
  return page.evaluate((want) => {
    const th = [...document.querySelectorAll('[data-test=entity-table] .el-table__header-wrapper th')]
      .find((x) => x.textContent.trim() === want);
    if (!th) return { found: false };
    const r = th.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    const top = document.elementFromPoint(x, y);
    return { found: true, inView: r.left >= 0 && r.right <= window.innerWidth && r.width > 20,
      uncovered: !!top && th.contains(top), box: [r.left, r.right, window.innerWidth] };
  }, text);
}

test('1440 px: status, risk and 逾期 headers are on the screen, not under 操作; 列设置 does not overlap; printing shows the content only; two rows chosen and 受理 in bulk are accepted', async () => {
  await withBrowser(base, WIDE, async (page) => {
    await login(page, base, 'office', { to: '/petitions' });
    const cases = [['/petitions', ['办理状态', '逾期']], ['/tasks', ['办理状态', '逾期']],
      ['/disputes', ['调解状态', '风险等级', '逾期']]];
    for (const [path, headers] of cases) {
      if (path !== '/petitions') await page.goto(base + path);
      await page.locator('[data-test=entity-table] .el-table__row').first().waitFor();
      await shot(page, 'tables' + path.replace('/', '-'));
      for (const h of headers) {
        const s = await headerShown(page, h);
        assert.ok(s.found, `${path}: header ${h}`);
        assert.ok(s.inView, `${path}: ${h} within the window ${JSON.stringify(s.box)}`);
        assert.ok(s.uncovered, `${path}: ${h} not covered by another column`);
      }
    }
    // on the disputes' list the columns fit, or the horizontal scrollbar is there to be seen
    const scroll = await page.evaluate(() => {
      const w = document.querySelector('[data-test=entity-table] .el-scrollbar__wrap');
      const bar = document.querySelector('[data-test=entity-table] .el-scrollbar__bar.is-horizontal');
      const r = bar && bar.getBoundingClientRect();
      return { overflow: w.scrollWidth > w.clientWidth + 1,
        barShown: !!bar && getComputedStyle(bar).display !== 'none' && getComputedStyle(bar).opacity !== '0' &&
          r.height > 0 && r.bottom <= window.innerHeight };
    });
    assert.ok(!scroll.overflow || scroll.barShown, 'a table that scrolls shows its scrollbar, on the screen');

    await page.click('[data-test=columns]');
    const boxes = await page.locator('[data-test=col-chooser] .el-checkbox').evaluateAll((els) =>
      els.map((e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, e.textContent.trim()]; }));
    assert.ok(boxes.length >= 10, 'every field offered');
    await shot(page, 'tables-columns');
    const overlap = (a, b) => a[0] < b[2] - 1 && b[0] < a[2] - 1 && a[1] < b[3] - 1 && b[1] < a[3] - 1;
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        assert.ok(!overlap(boxes[i], boxes[j]), `${boxes[i][4]} overlaps ${boxes[j][4]}`);
      }
    }
    await page.keyboard.press('Escape');

    // printed: the content only
    assert.ok(await page.locator('.shell-aside').isVisible(), 'the menu on screen');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.shell-aside').isVisible(), false, 'no side menu printed');
    assert.equal(await page.locator('[data-test=create]').isVisible(), false, 'no buttons printed');
    assert.equal(await page.locator('.pager').isVisible(), false, 'no pages chrome printed');
    const head = page.locator('[data-test=print-head]');
    assert.ok(await head.isVisible(), 'a title');
    assert.match(await head.innerText(), /纠纷.*\d{4}-\d{2}-\d{2}/);
    const w = await page.evaluate(() => [document.querySelector('[data-test=entity-table]').getBoundingClientRect().width, window.innerWidth]);
    assert.ok(w[0] >= w[1] * 0.9, `the table full width (${w})`);
    await page.emulateMedia({ media: 'screen' });

    // bulk: two registered petitions chosen and 受理 together are accepted
    await page.goto(base + '/petitions?status=registered');
    const rows = page.locator('[data-test=entity-table] .el-table__body .el-table__row');
    await rows.first().waitFor();
    const total = await rows.count();
    assert.ok(total >= 3, 'the demo has registered petitions to accept');
    const nos = [];
    for (let i = 0; i < 2; i++) {
      nos.push((await rows.nth(i).locator('.col-no').innerText()).trim());
      await rows.nth(i).locator('.el-checkbox').click();
    }
    const registered = () => page.evaluate(async () => (await (await fetch('/api/v1/petitions?status=registered&page_size=1')).json()).total);
    const before = await registered();
    await page.locator('[data-test=bulk-bar]').waitFor();
    assert.match(await page.locator('[data-test=bulk-bar]').innerText(), /已选 2 条/);
    await page.click('[data-test=bulk-accept]');
    await page.locator('.el-message--success').waitFor();
    for (const no of nos) {
      const r = await page.evaluate(async (n) => (await (await fetch(`/api/v1/petitions?no=${encodeURIComponent(n)}`)).json()), no);
      assert.equal(r.items.length, 1);
      assert.equal(r.items[0].status, 'accepted', `${no} accepted`);
    }
    assert.equal(await registered(), before - 2, 'exactly two left the registered ones');
    // the list of registered ones no longer holds them
    await page.waitForFunction((gone) => ![...document.querySelectorAll('[data-test=entity-table] .col-no')]
      .some((c) => gone.includes(c.textContent.trim())), nos);
  }, 'wide');
});

test('390 px: cards, not a table; import and export in the 更多 menu', async () => {
  await withBrowser(base, { width: 390, height: 844, touch: true }, async (page) => {
    await login(page, base, 'office', { to: '/petitions' });
    await page.locator('[data-test=entity-card]').first().waitFor();
    assert.equal(await page.locator('[data-test=entity-table]').count(), 0, 'no table');
    const card = page.locator('[data-test=entity-card]').first();
    assert.match((await card.locator('.ec-no').innerText()).trim(), /^XF\d{4}-\d+$/, 'the card names the record by its number');
    assert.match(await card.innerText(), /登记日期 \d{4}-\d{2}-\d{2}/, 'and its date');
    assert.ok(await card.locator('.el-tag').count() >= 1, 'the status as a tag');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no horizontal scroll (${width})`);
    assert.equal(await page.locator('[data-test=import]').count(), 0, 'import not in the toolbar');
    await shot(page, 'tables-phone');
    await page.click('[data-test=more]');
    const menu = page.locator('[data-test=more-menu]');
    await menu.waitFor();
    const text = await menu.innerText();
    for (const w of ['导入', '导出 Excel', '导出 CSV']) assert.ok(text.includes(w), `the menu holds ${w}`);
  }, 'phone');
});

