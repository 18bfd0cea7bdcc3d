// trace.test.mjs: the dashboard's numbers open the subjects they count, end
// to end on the demo district in Debian's chromium (issue 17): the office
// clicks the villages' rate card and lands on the year-to-date list of
// exactly the card's villages (its total, its compliant count, the failing
// first with their months and reasons); clicks a township's name in the
// ranking (a target of a usable size, said what the ranking is sorted by)
// and lands on that township's year-to-date list with the count the row
// showed; a township's account sees its own totals on the month page and
// the dashboard (on a phone too), never the district's.  The expected numbers come from the
// API's other lists and the command line, not from the page under test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, closeBrowser, login, shot, withBrowser } from './lib.mjs';

let srv, base, M;
before(async () => {
  srv = await startServer();
  base = srv.url;
});
after(async () => {
  await closeBrowser();
  if (srv) await srv.stop();
});

const inBrowser = (opts, fn) => withBrowser(base, { width: 1440, height: 900, ...opts }, fn, 'trace');
const digits = (s) => Number(String(s).replace(/[^\d]/g, ''));
const apiGet = (page, path) => page.evaluate((p) => fetch('/api/v1' + p).then((r) => r.json()), path);

test('the office: the rate card opens the year to date of its villages; a township\'s name opens its own', async () => {
  await inBrowser({}, async (page) => {
    await login(page, base, 'office', { to: '/dashboard' });
    M = (await apiGet(page, '/months')).latest_event_month;
    await page.goto(`${base}/dashboard?month=${M}`);
    const F = await apiGet(page, `/figures?through=${M}`);
    const card = page.locator('[data-test=card-villages_rate]');
    await card.locator('.kpi-value').getByText('%').waitFor();
    // the card: the rate, 达标 N / T
    const foot = (await card.locator('.kpi-foot').innerText()).match(/([\d,]+)\s*\/\s*([\d,]+)/);
    const [ok, total] = [digits(foot[1]), digits(foot[2])];
    assert.deepEqual([ok, total], [F.villages_compliant, F.villages_total]);
    await card.click();
    await page.waitForURL((u) => u.pathname === `/months/${M}` && u.searchParams.get('span') === 'year');
    const counts = page.locator('[data-test=results-counts]');
    await counts.getByText(`主体 ${total} 个`).waitFor();
    const text = await counts.innerText();
    assert.match(text, new RegExp(`每月都达标的 ${ok} 个，有月份不达标的 ${total - ok} 个`));
    assert.equal(digits(await page.locator('.el-pagination__total').innerText()), total, 'the list\'s total is the card\'s');
    // the failing first, each with its failed months and why
    const first = page.locator('[data-test=results-year] .el-table__body-wrapper .el-table__row').first();
    assert.match(await first.locator('[data-test=year-overall]').innerText(), /不达标/);
    assert.match(await first.locator('[data-test=failed-month]').first().innerText(), /^\d{4}-\d\d\s*(零上访|零事故|零案件|创建标准检查表)（/);
    await page.locator('[data-test=span-month]').waitFor(); // the month view beside it
    await shot(page, 'trace-year-villages');

    // the ranking says what it is sorted by, and a township's name is a target to click
    await page.goto(`${base}/dashboard?month=${M}`);
    const town = page.locator('[data-test=chart-town]');
    await town.locator('[data-test=rank-sorted-by]').getByText('综合达标率').waitFor();
    const rows = town.locator('[data-test=rank-row]');
    const breakdown = await apiGet(page, `/figures/breakdown?through=${M}&by=township`);
    const ranked = breakdown.rows.filter((r) => r.figures.villages_total + r.figures.enterprises_total > 0);
    assert.equal(await rows.count(), ranked.length, 'every township with subjects is ranked');
    const last = rows.last();
    const name = last.locator('[data-test=rank-name]');
    const label = (await name.innerText()).trim();
    const row = ranked.find((r) => r.label === label);
    const n = row.figures.villages_total + row.figures.enterprises_total;
    const c = row.figures.villages_compliant + row.figures.enterprises_compliant;
    assert.equal((await last.locator('[data-test=rank-rate]').innerText()).trim(), `${(Math.round((c * 1000) / n) / 10).toFixed(1)}%`, 'the combined rate shown');
    assert.match(await last.locator('[data-test=rank-count]').innerText(), new RegExp(`达标 ${c} / ${n}`));
    const box = await name.boundingBox();
    assert.ok(box.height >= 24, `the name is ${box.height}px high`);
    assert.equal(await name.evaluate((el) => getComputedStyle(el).cursor), 'pointer');
    assert.ok((await last.locator('[data-test=rank-bar]').boundingBox()).height >= 24, 'the bars: a target too');
    await shot(page, 'trace-dashboard-ranking');
    await name.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('township') === row.key && u.searchParams.get('span') === 'year');
    await page.locator('[data-test=results-counts]').getByText(`主体 ${n} 个`).waitFor();
    const body = page.locator('[data-test=results-year] .el-table__body-wrapper .el-table__row');
    await body.first().waitFor();
    assert.ok(await body.count() > 0, 'not empty');
    for (const t of await body.locator('td:nth-child(3)').allInnerTexts()) assert.equal(t.trim(), label);
  });
});

test('a township\'s account sees its own totals on the month page and the dashboard, not the district\'s', async () => {
  await inBrowser({}, async (page) => {
    await login(page, base, 'bailou', { to: `/months/${M}` });
    const own = await apiGet(page, `/subjects?as_of=${M}&page_size=1`);
    const district = JSON.parse(srv.cli(['figures', '--through', M, '--json']));
    assert.ok(own.total > 0 && own.total < district.subjects_total, `${own.total} of ${district.subjects_total}`);
    const state = page.locator('[data-test=month-state]');
    await state.getByText(`本月 ${own.total} 个主体`).waitFor();
    await page.locator('[data-test=results-counts]').getByText(`主体 ${own.total} 个`).waitFor();
    assert.equal(digits(await page.locator('.el-pagination__total').innerText()), own.total);
    assert.doesNotMatch(await page.locator('main, .page').first().innerText(), new RegExp(`\\b${district.subjects_total}\\b`));
    await shot(page, 'trace-township-month');
    // on a phone: the dashboard's own total, and its township's row a target to tap
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/dashboard?month=${M}`);
    await page.locator('[data-test=fig-subjects_total]').getByText(String(own.total)).waitFor();
    const name = page.locator('[data-test=chart-town] [data-test=rank-name]');
    assert.equal(await name.count(), 1, 'the township ranks itself only');
    await name.scrollIntoViewIfNeeded();
    const box = await name.boundingBox();
    assert.ok(box.height >= 24 && box.x + box.width <= 390, `a target on the screen: ${JSON.stringify(box)}`);
    await shot(page, 'trace-township-phone');
  });
});

// A past month's dashboard counts the overdue as of the month's last day
// (GET /{entity}?overdue_on=, by the records' own dates): the tile opens the
// list of exactly those, its date in the filter.  The mediated disputes (two
// statuses) open one list whose total is the tile's.
test('the dashboard of a past month: its overdue as of the month\'s end, and a figure of two statuses, each its list', async () => {
  await inBrowser({}, async (page) => {
    await login(page, base, 'office', { to: '/dashboard' });
    M = M || (await apiGet(page, '/months')).latest_event_month;
    const [y, mo] = M.split('-').map(Number);
    const end = `${M}-${String(new Date(Date.UTC(y, mo, 0)).getUTCDate()).padStart(2, '0')}`;
    await page.goto(`${base}/dashboard?month=${M}`);
    await page.locator('[data-test=overdue-asof]').getByText(`截至 ${end}`).waitFor();
    const want = (await apiGet(page, `/tasks?overdue_on=${end}&page_size=1`)).total;
    const now = (await apiGet(page, '/tasks?overdue=1&page_size=1')).total;
    assert.notEqual(want, now, 'the demo\'s tasks overdue at the month\'s end differ from today\'s');
    const tile = page.locator('[data-test=overdue-tasks]');
    await tile.locator('[data-test=overdue-count]').getByText(String(want)).waitFor();
    await tile.click();
    await page.waitForURL((u) => u.pathname === '/tasks' && u.searchParams.get('overdue_on') === end);
    await page.locator('.el-pagination__total').getByText(String(want)).waitFor();
    assert.equal(await page.locator('[data-test=filter-overdue-on] input').inputValue(), end);

    const F = await apiGet(page, `/figures?through=${M}`);
    await page.goto(`${base}/dashboard?month=${M}`);
    await page.locator('[data-test=ev-disputes_mediated]').getByText(String(F.disputes_mediated)).waitFor();
    await page.locator('[data-test=ev-disputes_mediated]').click();
    await page.waitForURL((u) => u.pathname === '/disputes' && u.searchParams.get('status') === 'success,failed');
    await page.locator('.el-pagination__total').getByText(String(F.disputes_mediated)).waitFor();
    // the status filter shows both, by name
    const tags = await page.locator('[data-test=filter-status] .el-tag').allInnerTexts();
    assert.ok(tags.some((x) => /调解成功/.test(x)), tags.join('|'));
    await shot(page, 'trace-overdue-month-end');
  });
});
