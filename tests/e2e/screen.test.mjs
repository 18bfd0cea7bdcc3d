// screen.test.mjs: the wall screen (大屏) end to end on the demo district, in
// Debian's chromium at 1920×1080 and 1366×768.  Stepping through one whole
// rotation with the next button, every township of GET
// /figures/breakdown?by=township appears in the ranking (none left below
// the fold), no row, tile or warning sticks out of the screen's body, and
// the map view draws one area per township of the breakdown.  The pause and
// full-screen buttons say what they do and work from the keyboard; the
// rotation turns by itself (?rotate=1); a figure, a township on the map,
// open their lists.  Screenshots go to tests/out/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, closeBrowser, browse, login, shot } from './lib.mjs';

// One server, one browser page and one login for the file (a loaded CI
// machine spends its time in page loads): each test opens /screen afresh.
let srv, base, b, bd;
before(async () => {
  srv = await startServer();
  base = srv.url;
  b = await browse(base, { width: 1920, height: 1080 });
  await login(b.page, base, 'office', { to: '/screen?rotate=300' });
});
after(async () => {
  await closeBrowser();
  if (srv) await srv.stop();
});

let failures = 0;
async function inBrowser({ width, height }, fn) {
  const page = b.page;
  await page.setViewportSize({ width, height });
  try {
    await fn(page);
    assert.deepEqual(b.errors, [], 'console errors');
  } catch (e) {
    await shot(page, `FAILED-screen-${++failures}`).catch(() => {});
    if (b.errors.length) e.message += '\nconsole errors:\n' + b.errors.join('\n');
    b.errors.length = 0;
    throw e;
  }
}
const view = (page) => page.locator('[data-test=scr-body]').getAttribute('data-view');
const step = (page) => page.locator('[data-test=scr-body]').getAttribute('data-step');

// The boxes of `selector` that are not wholly inside the screen's body (and the window).
async function clipped(page, selector) {
  return page.evaluate((sel) => {
    const body = document.querySelector('[data-test=scr-body]').getBoundingClientRect();
    const out = [];
    for (const el of document.querySelectorAll(sel)) {
      const r = el.getBoundingClientRect();
      if (r.top < body.top - 0.5 || r.bottom > body.bottom + 0.5 || r.left < body.left - 0.5 || r.right > body.right + 0.5 ||
        r.bottom > window.innerHeight + 0.5 || r.right > window.innerWidth + 0.5)
        out.push(`${el.textContent.trim().slice(0, 30)} [${Math.round(r.top)}–${Math.round(r.bottom)}] outside [${Math.round(body.top)}–${Math.round(body.bottom)}]`);
    }
    return out;
  }, selector);
}
const ITEMS = '[data-test=scr-town], .scr-tile, .scr-warn-list li, .scr-panel';

// Open /screen with `query` (null: the screen already open) and wait for its figures.
async function open(page, query = '') {
  if (query !== null) await page.goto(base + '/screen' + query);
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-test=scr-subjects_total]')?.textContent || ''));
  if (!bd) {
    const month = await page.evaluate(async () => (await (await fetch('/api/v1/months')).json()).latest_event_month);
    bd = await page.evaluate(async (m) => (await fetch(`/api/v1/figures/breakdown?by=township&through=${m}`)).json(), month);
    assert.ok(bd.rows.length >= 20, `the demo's townships (${bd.rows.length})`);
  }
  return { bd };
}

test('at 1920×1080 one rotation shows every township, clips nothing, and maps one area per township', async () => {
  await inBrowser({ width: 1920, height: 1080 }, async (page) => {
    await open(page, null); // the login landed on /screen?rotate=300
    await page.locator('[data-test=scr-tab-townships]').waitFor();
    const seen = new Set();
    const views = [];
    // one full turn: until the overview comes round again
    for (let i = 0; i < 30; i++) {
      const v = await view(page);
      if (i && v === 'overview') break;
      views.push(v);
      if (v === 'townships') {
        await page.locator('[data-test=scr-town]').first().waitFor();
        for (const name of await page.locator('[data-test=scr-town] .c-name').allInnerTexts()) seen.add(name.trim());
        if (seen.size <= 20) await shot(page, 'screen-townships');
      }
      if (v === 'map') {
        await page.locator('[data-test=district-map] path[data-township]').first().waitFor();
        const codes = await page.locator('[data-test=district-map] path[data-township]').evaluateAll((els) => els.map((e) => e.dataset.township));
        assert.deepEqual(codes.slice().sort(), bd.rows.map((r) => r.key).sort(), 'one area per township of the breakdown');
        await shot(page, 'screen-map');
      }
      if (v === 'overview') await page.locator('.scr-overview canvas').first().waitFor();
      assert.deepEqual(await clipped(page, ITEMS), [], `nothing clipped on the ${v} view`);
      await page.click('[data-test=scr-next]');
    }
    assert.deepEqual(new Set(views), new Set(['overview', 'townships', 'events', 'warnings', 'map']), `the views: ${views}`);
    assert.deepEqual([...seen].sort(), bd.rows.map((r) => r.label).sort(), 'every township of the breakdown in the ranking');
  });
});

test('at 1366×768 the stage fits the window: no ranking row or warning is cut off', async () => {
  await inBrowser({ width: 1366, height: 768 }, async (page) => {
    // the screen of the test before, the window made smaller
    await page.click('[data-test=scr-tab-townships]');
    await page.locator('[data-test=scr-town]').first().waitFor();
    assert.ok(await page.locator('[data-test=scr-town]').count() >= 20, 'a page of twenty townships');
    assert.deepEqual(await clipped(page, ITEMS), []);
    await shot(page, 'screen-1366-townships');
    await page.click('[data-test=scr-tab-warnings]');
    await page.locator('[data-test=scr-warnings]').waitFor();
    assert.deepEqual(await clipped(page, ITEMS), []);
    await page.click('[data-test=scr-tab-overview]');
    await page.locator('.scr-overview canvas').first().waitFor();
    assert.deepEqual(await clipped(page, ITEMS), []);
  });
});

test('the controls have labels and work from the keyboard; the rotation turns by itself', async () => {
  await inBrowser({ width: 1920, height: 1080 }, async (page) => {
    await open(page, '?rotate=1');
    // it turns by itself, one second a view
    await page.waitForFunction(() => document.querySelector('[data-test=scr-body]').dataset.view !== 'overview', null, { timeout: 5000 });
    const pause = page.locator('[data-test=scr-pause]');
    assert.equal(await pause.getAttribute('aria-label'), '暂停轮播');
    await pause.focus();
    await page.keyboard.press('Enter');
    assert.equal(await pause.getAttribute('aria-pressed'), 'true');
    assert.equal(await pause.getAttribute('aria-label'), '继续轮播');
    const still = await step(page);
    await page.waitForTimeout(2200);
    assert.equal(await step(page), still, 'paused: the view stays');
    // → moves on by hand while paused
    await page.keyboard.press('ArrowRight');
    assert.equal(Number(await step(page)), Number(still) + 1, 'the arrow key moves to the next view');
    await pause.focus();
    await page.keyboard.press('Space');
    assert.equal(await pause.getAttribute('aria-pressed'), 'false');
    assert.equal(await pause.getAttribute('aria-label'), '暂停轮播');
    const full = page.locator('[data-test=scr-fullscreen]');
    assert.equal(await full.getAttribute('aria-label'), '全屏');
    await full.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !!document.fullscreenElement);
    // the label follows the fullscreenchange event
    await page.waitForFunction(() => document.querySelector('[data-test=scr-fullscreen]').getAttribute('aria-label') === '退出全屏');
    await full.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.fullscreenElement);
    await page.waitForFunction(() => document.querySelector('[data-test=scr-fullscreen]').getAttribute('aria-label') === '全屏');
    // the controls are large: readable from across the room
    for (const sel of ['scr-prev', 'scr-pause', 'scr-next', 'scr-fullscreen']) {
      const b = await page.locator(`[data-test=${sel}]`).boundingBox();
      assert.ok(b.height >= 48 && b.width >= 48, `${sel} is ${b.width}×${b.height}`);
    }
  });
});

test('a township on the map and a figure open their lists', async () => {
  await inBrowser({ width: 1920, height: 1080 }, async (page) => {
    // the screen of the test before, paused
    await open(page, null);
    if (await page.locator('[data-test=scr-pause]').getAttribute('aria-pressed') !== 'true') await page.click('[data-test=scr-pause]');
    await page.locator('[data-test=scr-tab-map]').click();
    const code = bd.rows[0].key;
    await page.locator(`[data-test=district-map] path[data-township="${code}"]`).waitFor({ timeout: 60000 }); // GET /map, on a loaded machine
    await page.locator(`[data-test=district-map] path[data-township="${code}"]`).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((c) => new URL(location.href).searchParams.get('township') === c, code);
    await page.goBack();
    const meta = await page.evaluate(() => fetch('/api/v1/meta').then((r) => r.json()));
    const fig = meta.figures.find((x) => x.key === 'subjects_total');
    // the subjects on the list at the month's end: the month's results (figures.results), else its list
    const want = fig.results ? '/months/' : fig.list ? '/' + fig.list.entity : '/months/';
    await page.click('[data-test=scr-subjects_total]');
    await page.waitForFunction((w) => location.pathname.startsWith(w), want);
  });
});
