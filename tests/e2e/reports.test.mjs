// reports.test.mjs: the 报告 page (the month's documents, issue 16) end to
// end on the demo district, in Debian's chromium, with the real writers:
// the office opens the menu entry and lands on the latest month with data,
// picks a month, sees the monthly report's PDF previewed in the page (the
// answer a PDF, the frame showing it from an object URL), downloads the DOCX
// under its Chinese name (a zip: "PK"), switches to 会议纪要 and to 督办通知单
// and picks what to preview; the leads certify and the office publishes a
// month, whose page then says so and lists the archived versions with their
// SHA-256 (a version downloaded is the same bytes); a township previews its
// own report (its name in the file name) without the archive; on a 390 px
// phone the page does not scroll sideways; a refused document shows the
// server's reason.  Fails on any console error it
// did not expect (a preview refused by the page's security policy, too).
// Screenshots go to tests/out/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startServer, closeBrowser, login, shot, withBrowser, unzip, typeDate, apiError } from './lib.mjs';

let srv, base;
const M = '2023-08'; // the demo's last month of events: unpublished throughout
const P = '2023-07'; // published by the second test (the archive); the tests after it rely on that

before(async () => {
  srv = await startServer();
  base = srv.url;
});
after(async () => {
  await closeBrowser();
  if (srv) await srv.stop();
});

const inBrowser = (opts, fn) => withBrowser(base, opts, fn, 'reports');
const sha = (buf) => createHash('sha256').update(buf).digest('hex');

// The file name of a Content-Disposition (filename*, RFC 5987).
function dispositionName(v) {
  const m = /filename\*=UTF-8''([^;]+)/i.exec(v || '');
  assert.ok(m, `a filename* in ${v}`);
  return decodeURIComponent(m[1]);
}

// The answer of a document the page asks for (kind, a parameter it must carry, the format).
// (A wait left behind by a failing test is not a failure of its own.)
function fileAnswer(page, kind, param, format = 'pdf') {
  const p = page.waitForResponse((r) => {
    const u = new URL(r.url());
    return u.pathname === `/api/v1/reports/${kind}` && u.searchParams.get('format') === format &&
      Object.entries(param).every(([k, v]) => u.searchParams.get(k) === v);
  }, { timeout: 60000 });
  p.catch(() => {});
  return p;
}

// Keep the bytes of the documents the page receives (page.bodies: URL → Buffer), passed on unchanged.
async function keepBodies(page) {
  page.bodies = new Map();
  await page.route('**/api/v1/reports/*', async (route) => {
    const r = await route.fetch();
    const body = await r.body();
    page.bodies.set(route.request().url(), body);
    await route.fulfill({ response: r, body });
  });
}

// A PDF answer, and the page's frame showing it from an object URL: the
// same bytes (the SHA-256 the server sent), a PDF, loaded in the frame.
async function previewed(page, res) {
  assert.equal(res.status(), 200, await res.text().catch(() => ''));
  assert.equal(res.headers()['content-type'], 'application/pdf');
  const frame = page.locator('iframe[data-test=reports-preview]');
  await frame.or(page.locator('[data-test=reports-blocked]')).waitFor();
  assert.ok(await frame.count(), 'the page\'s security policy refused the preview\'s frame (it needs frame-src blob:)');
  const src = await frame.getAttribute('src');
  assert.match(src, /^blob:/);
  const shown = page.bodies.get(res.url());
  assert.ok(shown, 'the answer\'s bytes were seen');
  assert.equal(shown.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.equal(sha(shown), res.headers()['x-sanling-sha256'], 'the preview shows the bytes the server sent');
  // the browser loaded it (a frame refused by the page's policy holds an error page instead)
  const inner = await (await frame.elementHandle()).contentFrame();
  assert.ok(inner && inner.url().startsWith('blob:'), `the preview's frame: ${inner && inner.url()}`);
  return dispositionName(res.headers()['content-disposition']);
}

// Element Plus's select: open it and choose the option with `text`.
async function choose(page, sel, text) {
  await page.locator(`${sel} .el-select__wrapper`).click();
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: text }).first().click();
}

test('the office: the latest month by default, a month picked, the PDF previewed, the DOCX downloaded; minutes and a 督办通知单; a refusal', async () => {
  await inBrowser({ width: 1440, height: 900, allow: [apiError(422, 'reports/monthly')] }, async (page) => {
    await keepBodies(page);
    await login(page, base, 'office');
    await page.locator('.el-menu-item', { hasText: /^\s*报告\s*$/ }).first().click();
    // the latest month with data: the demo's events end in 2023-08
    await page.waitForURL((u) => u.pathname === '/reports' && u.searchParams.get('month') === M);

    // another month, then M picked in the month picker
    await page.goto(`${base}/reports?month=2023-06`);
    await page.locator('[data-test=reports-status]').waitFor();
    const answer = fileAnswer(page, 'monthly', { month: M });
    await typeDate(page, 'month', M);
    const name = await previewed(page, await answer);
    assert.match(name, /^淮阳区2023年8月.*月度报告\.pdf$/);
    await page.locator('[data-test=reports-filename]', { hasText: name }).waitFor();
    assert.match(await page.locator('[data-test=reports-status]').innerText(), /未发布：按当前数据生成，认定结果为初步结果/);
    assert.equal(await page.locator('[data-test=reports-archive] .el-table__row').count(), 0, 'nothing archived');
    await page.locator('[data-test=reports-archive]', { hasText: '本月尚无归档文件' }).waitFor();
    await shot(page, 'reports-office-monthly');

    // the DOCX under its Chinese name, a zip whose document names the district and the month
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), page.click('[data-test=download-docx]')]);
    assert.equal(dl.suggestedFilename(), name.replace(/\.pdf$/, '.docx'));
    const docx = readFileSync(await dl.path());
    assert.equal(docx.subarray(0, 2).toString('latin1'), 'PK');
    const xml = unzip(docx)['word/document.xml'].toString('utf8').replace(/<[^>]+>/g, '');
    assert.match(xml, /淮阳区/);
    assert.match(xml, /2023年8月/);

    // 会议纪要: the month's meeting chosen
    const minutes = fileAnswer(page, 'minutes', { meeting: 'HY2023-08' });
    await page.locator('[data-test=reports-kinds] .el-tabs__item', { hasText: '会议纪要' }).click();
    await page.locator('[data-test=reports-meeting] .el-select__selected-item', { hasText: 'HY2023-08' }).waitFor();
    assert.match(await previewed(page, await minutes), /会议纪要（HY2023-08）\.pdf$/);
    await shot(page, 'reports-office-minutes');

    // 督办通知单: another supervision than the first picked from the list (its owner by name)
    const first = fileAnswer(page, 'notice', {});
    await page.locator('[data-test=reports-kinds] .el-tabs__item', { hasText: '督办通知单' }).click();
    await previewed(page, await first);
    const notice = fileAnswer(page, 'notice', { item: 'DB2023-003' });
    await choose(page, '[data-test=reports-notice]', 'DB2023-003');
    const nname = await previewed(page, await notice);
    assert.match(nname, /督办通知单/);
    assert.match(nname, /DB2023-003/);
    const label = await page.locator('[data-test=reports-notice] .el-select__placeholder').innerText();
    assert.match(label, /^DB2023-003 · WT2023-0034 · /);
    assert.match(label, / · 区应急管理局$/, 'the owner by name, not its code');
    assert.match(page.url(), /kind=notice&item=DB2023-003/);

    // a failure says the server's reason, and nothing is previewed
    const refused = fileAnswer(page, 'monthly', { month: '2099-01' });
    await page.goto(`${base}/reports?month=2099-01&kind=monthly`);
    assert.equal((await refused).status(), 422);
    const error = page.locator('[data-test=reports-error]');
    await error.waitFor();
    assert.match(await error.innerText(), /生成失败[\s\S]*2099-01 尚未到来，没有报告/);
    assert.equal(await page.locator('iframe[data-test=reports-preview]').count(), 0);
  });
});

// The leads certify P, the office publishes it (as in the months page; the API through the browser's session).
async function publish(user, action, body) {
  await inBrowser({}, async (page) => {
    await login(page, base, user, { to: '/password' });
    const r = await page.evaluate(async ([p, a, b]) => {
      const csrf = decodeURIComponent((document.cookie.match(/(?:^|; )sanling_csrf=([^;]*)/) || [])[1] || '');
      const res = await fetch(`/api/v1/months/${p}/${a}`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify(b),
      });
      return { status: res.status, text: await res.text() };
    }, [P, action, body]);
    assert.equal(r.status, 200, `${user} ${action}: ${r.text}`);
  });
}

test('a published month: its status, the archived versions with their SHA-256, a version downloaded unchanged', async () => {
  for (const [user, dimension] of [['petition', 'petition'], ['safety', 'accident'], ['police', 'case']]) {
    await publish(user, 'certify', { dimension });
  }
  await publish('office', 'publish', {});
  await inBrowser({ width: 1440, height: 900 }, async (page) => {
    await keepBodies(page);
    await login(page, base, 'office');
    const answer = fileAnswer(page, 'monthly', { month: P });
    await page.goto(`${base}/reports?month=${P}&kind=monthly`);
    const res = await answer;
    await previewed(page, res);
    assert.equal(res.headers()['x-sanling-archived-version'], '1', 'the archived original');
    await page.locator('[data-test=reports-filename]', { hasText: '归档版本 1' }).waitFor();
    assert.match(await page.locator('[data-test=reports-status]').innerText(), /已发布，提供归档原件/);
    const rows = page.locator('[data-test=reports-archive-table] .el-table__body-wrapper tr.el-table__row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 6, 'report and bulletin × DOCX, PDF, XLSX');
    const text = await page.locator('[data-test=reports-archive-table]').innerText();
    for (const s of ['月度工作报告', '通报', 'DOCX', 'PDF', 'XLSX', '当前']) assert.ok(text.includes(s), s);
    assert.equal(await page.locator('[data-test=reports-archive-table] .el-tag', { hasText: '当前' }).count(), 6);
    await shot(page, 'reports-office-archive');

    // the listed SHA-256 is that of the version's bytes
    const list = await page.evaluate(async (p) => (await (await fetch(`/api/v1/reports?month=${p}`)).json()), P);
    const row = list.archive.find((a) => a.kind === 'bulletin' && a.format === 'xlsx');
    const cell = rows.filter({ hasText: '通报' }).filter({ hasText: 'XLSX' }).first();
    assert.ok((await cell.innerText()).includes(row.sha256.slice(0, 12)), 'the SHA-256 shortened');
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }),
      page.click(`[data-test=archive-bulletin-xlsx-1]`)]);
    assert.equal(dl.suggestedFilename(), row.filename);
    assert.match(dl.suggestedFilename(), /^淮阳区2023年7月.*通报\.xlsx$/);
    assert.equal(sha(readFileSync(await dl.path())), row.sha256);

    // another month picked: its own status and (empty) archive
    const other = fileAnswer(page, 'monthly', { month: M });
    await typeDate(page, 'month', M);
    assert.equal((await other).headers()['x-sanling-archived-version'], undefined, 'written now');
    await page.locator('[data-test=reports-status]', { hasText: '未发布' }).waitFor();
    await page.locator('[data-test=reports-archive]', { hasText: '本月尚无归档文件' }).waitFor();
    assert.equal(await rows.count(), 0);
  });
});

test('a township previews its own report, without the archive', async () => {
  await inBrowser({ width: 1440, height: 900 }, async (page) => {
    await keepBodies(page);
    await login(page, base, 'bailou');
    const answer = fileAnswer(page, 'monthly', { month: M });
    await page.goto(`${base}/reports?month=${M}`);
    const name = await previewed(page, await answer);
    assert.match(name, /^白楼镇2023年8月.*月度报告\.pdf$/);
    await page.locator('[data-test=reports-filename]', { hasText: '白楼镇' }).waitFor();
    assert.equal(await page.locator('[data-test=reports-archive]').count(), 0, 'no archive for a township');
    // the published month too: its status, still no archive
    const own = fileAnswer(page, 'monthly', { month: P });
    await page.goto(`${base}/reports?month=${P}`);
    assert.equal((await own).headers()['x-sanling-archived-version'], undefined, 'the township\'s copy is written now');
    await page.locator('[data-test=reports-status]', { hasText: '已发布' }).waitFor();
    assert.equal(await page.locator('[data-test=reports-archive]').count(), 0, 'no archive for a township');
    await shot(page, 'reports-township');
  });
  // a grid account does not see the page
  await inBrowser({}, async (page) => {
    await login(page, base, 'grid', { to: '/reports' });
    await page.waitForURL((u) => u.pathname === '/403');
  });
});

test('on a 390 px phone: stacked, no sideways scrolling', async () => {
  await inBrowser({ width: 390, height: 844, touch: true }, async (page) => {
    await keepBodies(page);
    await login(page, base, 'office');
    for (const month of [M, P]) {
      const answer = fileAnswer(page, 'monthly', { month });
      await page.goto(`${base}/reports?month=${month}`);
      await previewed(page, await answer);
      if (month === P) await page.locator('[data-test=reports-archive-table] tr.el-table__row').first().waitFor();
      const { sw, iw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
      assert.ok(sw <= iw, `${month}: the page is ${sw} px wide in a ${iw} px window`);
      for (const f of ['docx', 'pdf', 'xlsx']) assert.ok(await page.locator(`[data-test=download-${f}]`).isVisible(), f);
      assert.equal(await page.locator('[data-test=reports-kinds] .el-tabs__nav-wrap.is-scrollable').count(), 0, 'the four kinds on one line');
      await shot(page, `reports-phone-${month}`);
    }
  });
});
