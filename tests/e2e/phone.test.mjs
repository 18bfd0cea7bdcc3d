// phone.test.mjs: the grid worker's page on a phone (issue 15) in chromium
// with a 390×844 touch screen, on the API tests' small district.  It counts
// the burden — every tap and every typed field goes through a counter — for
// a patrol (at most three taps, nothing typed), a dispute found on a patrol
// and a household visit (at most five typed fields each), checks that the
// page fits the screen (no horizontal scroll, targets of 44 px), then goes
// offline: a patrol with a photo from the camera stays on the phone (1 条待发送),
// the page reloads from the service worker, and when the network returns the
// outbox sends it; its first answer is lost on the way (the connection reset
// after the server stored it), so the phone sends it again and the server
// answers "stored before" — the API has that patrol exactly once, with its
// one photo, shrunk to at most 1600 px.  A refused item (a second patrol of
// a slot) stays with the server's message until discarded.  The counts go to
// SANLING_TAPS_OUT (default tests/out/phone-burden.json); bench/RESULTS.md
// quotes them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { districtServer, cliImport } from '../api/util.mjs';
import { EAST_VILLAGE } from '../api/events_util.mjs';
import { PASSWORD, NEW_PASSWORD } from '../api/lib.mjs';
import { withBrowser, login, shot, closeBrowser, WEB, ROOT } from './lib.mjs';

const GRID = '41000000100101';  // 东一网格: grid1's
const GRID2 = '41000000200101'; // 西一网格: grid2's (its slots its own)
const PHONE = { width: 390, height: 844, touch: true };
const OUT = process.env.SANLING_TAPS_OUT || join(ROOT, 'tests', 'out', 'phone-burden.json');
// what chromium logs while the network is away (the page's own requests, refused)
const OFFLINE = [/ERR_INTERNET_DISCONNECTED/, /Failed to fetch/, /ERR_FAILED/, /ERR_CONNECTION_RESET/];

let d;
after(async () => { await closeBrowser(); await d?.stop(); });

// the phone's day: in China (its browser runs in Asia/Shanghai, lib.mjs), as the server's is
const chinaNow = () => new Date(Date.now() + 8 * 3600e3);
function localDate(t = chinaNow()) {
  return t.toISOString().slice(0, 10);
}

// Taps and typed fields, counted as the test makes them.
function counter(page) {
  const c = {
    taps: 0,
    typed: 0,
    async tap(sel) { c.taps++; await page.tap(sel); },
    async type(sel, text) { c.typed++; await page.fill(sel, text); },
    async choose(sel, value) { c.taps++; await page.selectOption(sel, value); },
    async photo(sel, file) { c.taps++; await page.setInputFiles(sel, file); }, // the camera button
  };
  return c;
}

// The page fits a 390 px screen: nothing wider than the viewport, nothing past its edges.
async function fits(page, what) {
  const w = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(w[0] <= w[1], `${what}: the page is ${w[0]} px wide on a ${w[1]} px screen`);
  // nor cut off inside the sheet (which scrolls only up and down)
  const out = await page.evaluate(() => [...document.querySelectorAll('.grid-home *, .gh-sheet *')]
    .filter((el) => { const r = el.getBoundingClientRect(); return r.width && (r.left < -0.5 || r.right > window.innerWidth + 0.5); })
    .map((el) => el.dataset.test || el.className || el.tagName));
  assert.deepEqual(out, [], `${what}: beyond the screen's edge`);
}

// Every visible button and field inside `scope` is at least 44 px high and wide.
async function bigTargets(page, scope) {
  const small = await page.evaluate((sel) => {
    const out = [];
    for (const el of document.querySelectorAll(`${sel} button, ${sel} input, ${sel} select, ${sel} textarea, ${sel} label.gh-camera`)) {
      const r = el.getBoundingClientRect();
      if (el.type === 'file' || !r.width || !r.height) continue; // the camera's input lies under its label
      if (r.height < 44 || r.width < 44) out.push(`${el.dataset.test || el.textContent.trim()} ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  }, scope);
  assert.deepEqual(small, [], `targets smaller than 44 px in ${scope}`);
}

// The sheet closed (the item kept), then the outbox empty (the item sent and stored).
async function waitSent(page) {
  await page.waitForSelector('[data-test=sheet]', { state: 'detached' });
  await page.waitForFunction(() => !document.querySelector('[data-test=outbox-count]') && !document.querySelector('[data-test=outbox-send][disabled]'));
}

// The service worker controls the page and holds the session's metadata.
async function offlineReady(page) {
  for (let i = 0; i < 300; i++) {
    const ok = await page.evaluate(async () => {
      if (!navigator.serviceWorker || !navigator.serviceWorker.controller) return false;
      for (const k of await caches.keys()) {
        const c = await caches.open(k);
        if ((await c.match('/api/v1/meta')) && (await c.match('/index.html'))) return true;
      }
      return false;
    });
    if (ok) return;
    await page.waitForTimeout(200);
  }
  throw new Error('the service worker did not take the page');
}

test('the grid worker on a phone: the burden counted, offline with a photo, sent once', async () => {
  d = await districtServer((store) => {
    const r = store.cli(['user', 'add', 'grid2', '--role', 'grid', '--dept', 'XZ', '--grid', GRID2], PASSWORD + '\n');
    if (r.status !== 0) throw new Error('user add grid2: ' + r.stderr);
  }, ['--web', WEB]);
  const g1 = await d.as('grid1');
  const g2 = await d.as('grid2');
  const today = localDate();
  // the slot by the clock (before noon 上午); the page's choice is read from the sheet, so
  // that a walk across noon follows the page
  const byClock = () => (chinaNow().getUTCHours() < 12 ? 'am' : 'pm');
  let clock = byClock(), other;
  const preset = async (page) => (await page.getAttribute('[data-test^=patrol-slot-].on', 'data-test')).slice('patrol-slot-'.length);
  const burden = {};
  const list = async (client, path) => {
    const r = await client.get('/api/v1/' + path);
    assert.equal(r.status, 200, r.text);
    return r.json.items;
  };

  await withBrowser(d.srv.url, { ...PHONE }, async (page) => {
    await login(page, d.srv.url, 'grid1', { password: NEW_PASSWORD });
    await page.waitForURL((u) => u.pathname === '/grid');
    await page.waitForSelector('[data-test=slot-am][data-state=missing]');
    await fits(page, 'the grid page');
    await bigTargets(page, '[data-test=grid-home]');
    await shot(page, 'phone-grid');

    // a patrol: the slot by the clock, nothing typed
    let c = counter(page);
    clock = byClock();
    await c.tap('[data-test=patrol-start]');
    assert.equal(await preset(page), clock, 'the slot by the clock');
    other = clock === 'am' ? 'pm' : 'am';
    await fits(page, 'the patrol sheet');
    await bigTargets(page, '[data-test=sheet]');
    await shot(page, 'phone-patrol');
    await c.tap('[data-test=sheet-submit]');
    await page.waitForSelector(`[data-test=slot-${clock}][data-state=done]`);
    burden.patrol = { taps: c.taps, typed: c.typed };
    assert.ok(c.taps <= 3 && c.typed === 0, JSON.stringify(burden.patrol));
    let patrols = await list(g1, `patrols?grid=${GRID}&patrolled_on_from=${today}&patrolled_on_to=${today}`);
    assert.deepEqual(patrols.map((p) => [p.patroller, p.slot, p.patrolled_on]), [['grid1', clock, today]]);

    // a patrol in the other slot that finds a dispute
    c = counter(page);
    await c.tap('[data-test=patrol-start]');
    await c.tap(`[data-test=patrol-slot-${other}]`);
    await c.tap('[data-test=found-dispute]');
    await c.tap('[data-test=found-0-category-family]');
    await c.type('[data-test=found-0-summary]', '邻里因排水沟堵塞发生争执');
    await c.type('[data-test=found-0-party_a_name]', '张三');
    await c.type('[data-test=found-0-party_a_phone]', '13800138001');
    await fits(page, 'the patrol sheet with a dispute');
    await bigTargets(page, '[data-test=sheet]');
    await shot(page, 'phone-patrol-dispute');
    await c.tap('[data-test=sheet-submit]');
    await page.waitForSelector(`[data-test=slot-${other}][data-state=done]`);
    await waitSent(page);
    burden.patrolWithDispute = { taps: c.taps, typed: c.typed };
    assert.ok(c.typed <= 5, JSON.stringify(burden.patrolWithDispute));
    const disputes = await list(g1, `disputes?grid=${GRID}`);
    assert.equal(disputes.length, 1, JSON.stringify(disputes));
    assert.equal(disputes[0].found_on, today);
    assert.equal(disputes[0].source, 'grid');
    assert.equal(disputes[0].category, 'family');
    patrols = await list(g1, `patrols?grid=${GRID}&slot=${other}`);
    assert.equal(patrols.length, 1);
    assert.equal(disputes[0].patrol, patrols[0].no, 'the dispute names the patrol it was found on');

    // a household visit
    c = counter(page);
    await c.tap('[data-test=visit-start]');
    await c.tap('[data-test=visit-kind-difficulty]');
    await c.type('[data-test=visit-address]', '东一村3组12号');
    await c.type('[data-test=visit-head]', '李四');
    await c.type('[data-test=visit-needs]', '老人独居，需要定期看望');
    await c.type('[data-test=visit-follow_up]', '已联系村委会每周探访');
    await fits(page, 'the visit sheet');
    await bigTargets(page, '[data-test=sheet]');
    await c.tap('[data-test=sheet-submit]');
    await waitSent(page);
    burden.visit = { taps: c.taps, typed: c.typed };
    assert.ok(c.typed <= 5, JSON.stringify(burden.visit));
    const visits = await list(g1, `household_visits?grid=${GRID}`);
    assert.deepEqual(visits.map((v) => [v.visitor, v.visited_on, v.kind, v.address]), [['grid1', today, 'difficulty', '东一村3组12号']]);

    // a dispute on its own
    c = counter(page);
    await c.tap('[data-test=dispute-start]');
    await c.tap('[data-test=issue-category-land]');
    await c.type('[data-test=issue-summary]', '承包地边界不清');
    await c.type('[data-test=issue-party_a_name]', '王五');
    await c.type('[data-test=issue-party_b_name]', '赵六');
    await fits(page, 'the dispute sheet');
    await bigTargets(page, '[data-test=sheet]');
    await c.tap('[data-test=sheet-submit]');
    await waitSent(page);
    burden.dispute = { taps: c.taps, typed: c.typed };
    assert.ok(c.typed <= 5, JSON.stringify(burden.dispute));
    assert.equal((await list(g1, `disputes?grid=${GRID}`)).length, 2);

    // a dispute with a wrong phone number: refused with the server's message, corrected in
    // its form, sent again
    await page.tap('[data-test=dispute-start]');
    await page.tap('[data-test=issue-category-labour]');
    await page.fill('[data-test=issue-party_a_phone]', '12345');
    await page.tap('[data-test=sheet-submit]');
    await page.waitForSelector('[data-test=outbox-error]');
    assert.match(await page.locator('[data-test=outbox-error]').innerText(), /电话号码格式不正确/);
    await page.tap('[data-test=outbox-edit]');
    assert.match(await page.locator('[data-test=form-error]').innerText(), /电话号码格式不正确/);
    assert.equal(await page.inputValue('[data-test=issue-party_a_phone]'), '12345');
    await page.fill('[data-test=issue-party_a_phone]', '13800138002');
    await page.tap('[data-test=sheet-submit]');
    await waitSent(page);
    assert.equal(await page.locator('[data-test=outbox-list]').count(), 0);
    const labour = await list(g1, `disputes?grid=${GRID}&category=labour`);
    assert.equal(labour.length, 1);

    // a hazard on its own: the subject chosen from the grid's, its field by a tap
    c = counter(page);
    await c.tap('[data-test=hazard-start]');
    await page.waitForSelector('[data-test=issue-subject] option[value=V1]', { state: 'attached' });
    await c.choose('[data-test=issue-subject]', 'V1');
    await c.tap('[data-test=issue-domain-fire]');
    await c.type('[data-test=issue-description]', '村委会仓库灭火器过期');
    await fits(page, 'the hazard sheet');
    await bigTargets(page, '[data-test=sheet]');
    await shot(page, 'phone-hazard');
    await c.tap('[data-test=sheet-submit]');
    await waitSent(page);
    burden.hazard = { taps: c.taps, typed: c.typed };
    assert.ok(c.typed <= 5, JSON.stringify(burden.hazard));
    const hazards = await list(g1, `hazards?grid=${GRID}`);
    assert.deepEqual(hazards.map((h) => [h.subject, h.level, h.domain, h.found_on]), [['V1', 'general', 'fire', today]]);

    // a second patrol of the same slot: the server refuses it, the phone keeps it with the
    // server's message until the worker discards it
    await page.tap('[data-test=patrol-start]');
    await page.tap(`[data-test=patrol-slot-${clock}]`);
    await page.tap('[data-test=sheet-submit]');
    await page.waitForSelector('[data-test=outbox-error]');
    assert.match(await page.locator('[data-test=outbox-error]').innerText(), /grid1当天(上午|下午)已有巡查记录/);
    assert.equal(await page.locator('[data-test=outbox-refused]').innerText(), '1 条需处理');
    assert.equal(await page.locator('[data-test=outbox-count]').count(), 0, 'a refused item is not waiting');
    await fits(page, 'a refused item');
    await bigTargets(page, '[data-test=outbox-list]');
    await shot(page, 'phone-refused');
    await page.tap('[data-test=outbox-discard]');
    await page.waitForSelector('[data-test=outbox-list]', { state: 'detached' });
    assert.equal((await list(g1, `patrols?patroller=grid1`)).length, 2);

    // in English the labels are longer: still no horizontal scroll
    await page.tap('[data-test=lang-switch]');
    await page.waitForSelector('[data-test=patrol-start]:has-text("Record a patrol")');
    await fits(page, 'the grid page in English');
    await bigTargets(page, '[data-test=grid-home]');
    await page.tap('[data-test=visit-start]');
    await fits(page, 'the visit sheet in English');
    await shot(page, 'phone-visit-en');
    await page.tap('[data-test=sheet-close]');
    await page.tap('[data-test=lang-switch]');
  }, 'phone-online');

  await withBrowser(d.srv.url, { ...PHONE, allow: OFFLINE }, async (page) => {
    await login(page, d.srv.url, 'grid2', { password: NEW_PASSWORD });
    await page.waitForURL((u) => u.pathname === '/grid');
    await page.waitForSelector('[data-test=grid-home]');
    await offlineReady(page);
    // installable to the home screen, as chromium judges it (manifest, icons, service worker)
    const cdp = await page.context().newCDPSession(page);
    const inst = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(inst.installabilityErrors, [], JSON.stringify(inst));
    const man = await cdp.send('Page.getAppManifest');
    assert.deepEqual(man.errors, []);
    const m = JSON.parse(man.data);
    assert.deepEqual([m.name, m.start_url, m.display], ['三零创建', '/grid', 'standalone']);
    await cdp.detach();
    // a camera's photo, larger than the page sends
    const jpeg = Buffer.from(await page.evaluate(() => {
      const cv = document.createElement('canvas');
      cv.width = 2400;
      cv.height = 1800;
      const g = cv.getContext('2d');
      const grad = g.createLinearGradient(0, 0, 2400, 1800);
      grad.addColorStop(0, '#2a6'); grad.addColorStop(1, '#36c');
      g.fillStyle = grad;
      g.fillRect(0, 0, 2400, 1800);
      g.fillStyle = '#fff';
      g.font = '200px sans-serif';
      g.fillText('巡查', 800, 1000);
      return cv.toDataURL('image/jpeg', 0.92).split(',')[1];
    }), 'base64');

    await page.context().setOffline(true);
    await page.waitForSelector('[data-test=offline]');
    const c = counter(page);
    await c.tap('[data-test=patrol-start]');
    clock = await preset(page);
    await c.photo('[data-test=photo-input]', { name: 'camera.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await page.waitForSelector('[data-test=photo-thumb] img');
    await c.tap('[data-test=sheet-submit]');
    await page.waitForSelector('[data-test=outbox-count]');
    assert.equal(await page.locator('[data-test=outbox-count]').innerText(), '1 条待发送');
    await page.waitForSelector(`[data-test=slot-${clock}][data-state=queued]`);
    burden.patrolOfflineWithPhoto = { taps: c.taps, typed: c.typed };
    assert.ok(c.taps <= 3 && c.typed === 0, JSON.stringify(burden.patrolOfflineWithPhoto));
    await shot(page, 'phone-offline');

    // the page comes back without a network, from the service worker, with what waits
    const resp = await page.reload();
    assert.ok(resp && resp.fromServiceWorker(), 'offline, the page came from the service worker');
    await page.waitForSelector('[data-test=outbox-count]');
    assert.equal(await page.locator('[data-test=outbox-count]').innerText(), '1 条待发送');
    assert.equal((await list(g2, `patrols?patroller=grid2`)).length, 0, 'nothing reached the server offline');

    // back online, the first answer is lost on the way (the server stored the patrol, the
    // phone never heard): the item stays, and the next send is answered "stored before"
    const answers = [];
    await page.context().route('**/api/v1/sync', async (route) => {
      const res = await route.fetch();
      answers.push(await res.json());
      if (answers.length === 1) await route.abort('connectionreset');
      else await route.fulfill({ response: res });
    });
    await page.context().setOffline(false);
    await page.waitForFunction(() => !document.querySelector('[data-test=offline]'));
    for (let i = 0; i < 300 && !answers.length; i++) await page.waitForTimeout(100);
    assert.equal(answers.length, 1, 'the outbox sent when the network returned');
    assert.equal(answers[0].items[0].status, 201, JSON.stringify(answers[0]));
    await page.waitForSelector('[data-test=outbox-send]:not([disabled])');
    assert.equal(await page.locator('[data-test=outbox-count]').innerText(), '1 条待发送');
    await page.tap('[data-test=outbox-send]');
    await page.waitForSelector(`[data-test=slot-${clock}][data-state=done]`);
    await page.waitForFunction(() => !document.querySelector('[data-test=outbox-count]'));
    assert.equal(answers.length, 2);
    assert.deepEqual([answers[1].items[0].status, answers[1].items[0].replayed, answers[1].items[0].key],
      [200, true, answers[0].items[0].key], JSON.stringify(answers[1]));
    await page.context().unroute('**/api/v1/sync');
    // nothing sent again when the page comes back online
    await page.reload();
    await page.waitForSelector(`[data-test=slot-${clock}][data-state=done]`);
    assert.equal(await page.locator('[data-test=outbox-count]').count(), 0);
  }, 'phone-offline');

  const mine = await list(g2, `patrols?patroller=grid2`);
  assert.deepEqual(mine.map((p) => [p.grid, p.slot, p.patrolled_on]), [[GRID2, clock, today]], 'stored exactly once');
  const att = await g2.get(`/api/v1/patrols/${mine[0].id}/attachments`);
  assert.equal(att.status, 200, att.text);
  assert.equal(att.json.items.length, 1);
  const img = await g2.get(`/api/v1/patrols/${mine[0].id}/attachments/1`);
  assert.equal(img.status, 200);
  const [w, h] = jpegSize(img.buf);
  assert.ok(Math.max(w, h) <= 1600 && Math.max(w, h) >= 1200, `the photo is ${w}×${h}`);

  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify({ date: today, viewport: '390x844', tasks: burden }, null, 2) + '\n');
});

// A village auxiliary officer (驻村辅警: an account naming its village, not a
// grid) picks the grid it works in among its village's — one tap, remembered
// on the phone — and then records a patrol there as a grid worker does.
test('the village auxiliary officer on a phone: a grid of the village picked, then a patrol in two taps', async () => {
  const GRID_B = '41000000100102'; // a second grid of 东一村
  const d2 = await districtServer((store) => {
    cliImport(store, 'regions', `code,name,level,parent\n${GRID_B},东一二网格,grid,${EAST_VILLAGE}\n`);
    const r = store.cli(['user', 'add', 'aux1', '--role', 'grid', '--dept', 'GA', '--village', EAST_VILLAGE,
      '--name', '东一村驻村辅警'], PASSWORD + '\n');
    if (r.status !== 0) throw new Error('user add aux1: ' + r.stderr);
  }, ['--web', WEB]);
  try {
    const aux = await d2.as('aux1');
    let c;
    await withBrowser(d2.srv.url, { ...PHONE }, async (page) => {
      await login(page, d2.srv.url, 'aux1', { password: NEW_PASSWORD });
      await page.waitForSelector('[data-test=village-grids] [data-test^=pick-grid-]');
      const grids = await page.locator('[data-test^=pick-grid-]')
        .evaluateAll((els) => els.map((e) => e.dataset.test.slice('pick-grid-'.length)).sort());
      assert.deepEqual(grids, [GRID, GRID_B].sort(), 'the grids of its village, no other');
      c = counter(page);
      await c.tap(`[data-test=pick-grid-${GRID_B}]`);
      await c.tap('[data-test=patrol-start]');
      await c.tap('[data-test=sheet-submit]');
      await waitSent(page);
      await fits(page, 'the auxiliary officer\'s page');
      await bigTargets(page, '[data-test=village-grids]');
    }, 'phone-aux');
    assert.ok(c.taps <= 3 && c.typed === 0, JSON.stringify(c));
    const r = await aux.get('/api/v1/patrols?patroller=aux1');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items.map((p) => [p.grid, p.village]), [[GRID_B, EAST_VILLAGE]]);
  } finally {
    await d2.stop();
  }
});

// A JPEG's width and height from its frame header.
function jpegSize(buf) {
  assert.equal(buf.readUInt16BE(0), 0xffd8, 'not a JPEG');
  let p = 2;
  while (p < buf.length) {
    const marker = buf.readUInt16BE(p);
    const len = buf.readUInt16BE(p + 2);
    if (marker >= 0xffc0 && marker <= 0xffc3) return [buf.readUInt16BE(p + 7), buf.readUInt16BE(p + 5)];
    p += 2 + len;
  }
  throw new Error('no frame header');
}
