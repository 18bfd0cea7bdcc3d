// work.test.mjs: the office's month in the browser (issue 14), end to end
// against a real `sanling serve` on a fresh demo district: the 三个清单
// overview, whose every number opens the list it counts (the list's total
// equals the card's); a coordination meeting's decision turned into a task
// by one click (交办); a supervised task whose card turns red on the 督办
// board after the scheduler's card pass (`sanling work cards --today`); and
// a problem rectified by its owner with a photo, then verified (销号) by the
// office.  The records are registered through the API as the office, in the
// test's own browser session.  Every test fails on a console error it did
// not expect.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, closeBrowser, login, shot, confirmBox, withBrowser, apiError } from './lib.mjs';

let srv;
let base;

before(async () => {
  srv = await startServer();
  base = srv.url;
});

after(async () => {
  await closeBrowser();
  if (srv) await srv.stop();
});

const inBrowser = (opts, fn) => withBrowser(base, opts, fn, 'work');


// The server's day (UTC) and days around it.
const TODAY = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const MONTH = TODAY.slice(0, 7);
function day(n) {
  const d = new Date(TODAY + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

// The JSON API from inside the page, with the page's session and CSRF token.
async function call(page, method, path, body) {
  const r = await page.evaluate(async ([m, p, b]) => {
    const csrf = (document.cookie.match(/(?:^|;\s*)sanling_csrf=([^;]*)/) || [])[1] || '';
    const res = await fetch('/api/v1' + p, {
      method: m,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': decodeURIComponent(csrf) },
      body: b === undefined ? undefined : JSON.stringify(b),
    });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
    return { status: res.status, json, text };
  }, [method, path, body]);
  return r;
}
async function make(page, entity, body) {
  const r = await call(page, 'POST', '/' + entity, body);
  assert.equal(r.status, 201, `create ${entity}: ${r.text}`);
  return r.json;
}
async function patch(page, entity, rec, body) {
  const r = await call(page, 'PATCH', `/${entity}/${rec.id}`, { ...body, rev: rec.rev });
  assert.equal(r.status, 200, `change ${entity} ${rec.id}: ${r.text}`);
  return r.json;
}

const task = (no, over = {}) => ({
  no, title: '任务' + no, source: 'other', owner: 'JTJ', assigned_on: day(-20), due_on: day(20), ...over,
});
const problem = (no, over = {}) => ({
  no, found_on: day(-20), source: 'other', department: 'JTJ', description: '问题' + no,
  level: 'general', deadline: day(20), ...over,
});

// The total the list page shows ("共 N 条").
async function listTotal(page, entity) {
  const sub = page.locator(`.entity-list[data-entity="${entity}"] .page-head .page-sub`);
  await sub.waitFor();
  await page.locator(`.entity-list[data-entity="${entity}"] .el-loading-mask`).waitFor({ state: 'hidden' }).catch(() => {});
  const m = (await sub.innerText()).match(/(\d[\d,]*)/);
  return Number(m[1].replace(/,/g, ''));
}

test('三个清单: every number opens the list it counts, with the same count', async () => {
  await inBrowser({}, async (page) => {
    await login(page, base, 'office', { to: '/work' });
    // the month's work, some of each kind the cards count
    await make(page, 'tasks', task('WL-T1'));
    await make(page, 'tasks', task('WL-T2', { due_on: day(-5) })); // overdue
    const t3 = await make(page, 'tasks', task('WL-T3'));
    await patch(page, 'tasks', t3, { status: 'in_progress' });
    const t4 = await make(page, 'tasks', task('WL-T4', { due_on: day(-2) }));
    await patch(page, 'tasks', t4, { status: 'done', done_on: TODAY }); // done this month, not overdue
    await make(page, 'problems', problem('WL-P1', { deadline: day(-3) })); // open, overdue
    const p2 = await make(page, 'problems', problem('WL-P2'));
    await patch(page, 'problems', p2, { status: 'rectifying' });
    const p3 = await make(page, 'problems', problem('WL-P3'));
    await patch(page, 'problems', p3, { status: 'rectified', rectified_on: TODAY });

    await page.goto(base + '/work');
    await page.locator('[data-test=wl-tasks]').waitFor();
    // the overview is first in 工作清单
    const work = page.locator('.side-menu .el-sub-menu').filter({ hasText: '工作清单' });
    const first = work.locator('.el-menu-item').first();
    assert.equal(await first.getAttribute('data-test'), 'menu-work-overview');
    await shot(page, '40-work-lists');

    const tiles = await page.locator('[data-test^="wl-"] a.wl-mini').evaluateAll((as) => as.map((a) => a.getAttribute('data-test')));
    assert.ok(tiles.includes('wl-tasks-overdue') && tiles.includes('wl-problems-rectified') && tiles.includes('wl-subjects-on'), tiles.join(' '));
    const expectAtLeast = {
      'wl-tasks-assigned': 2, 'wl-tasks-in_progress': 1, 'wl-tasks-overdue': 1, 'wl-tasks-done': 1,
      'wl-problems-open': 1, 'wl-problems-rectifying': 1, 'wl-problems-overdue': 1, 'wl-problems-rectified': 1,
      'wl-subjects-on': 1,
    };
    for (const tile of tiles) {
      await page.goto(base + '/work');
      const link = page.locator(`[data-test="${tile}"]`);
      const value = link.locator('[data-test=wl-count]');
      await page.waitForFunction((sel) => {
        const el = document.querySelector(sel);
        return !!el && /^\d/.test(el.textContent.trim());
      }, `[data-test="${tile}"] [data-test=wl-count]`);
      const card = Number((await value.innerText()).replace(/,/g, ''));
      if (expectAtLeast[tile]) assert.ok(card >= expectAtLeast[tile], `${tile}: ${card}`);
      if (/overdue$/.test(tile)) assert.match(await value.getAttribute('class'), /\bbad\b/, `${tile} is red`);
      const entity = tile.split('-')[1];
      await link.click();
      await page.waitForURL((u) => u.pathname === '/' + entity);
      assert.equal(await listTotal(page, entity), card, `${tile}: the list shows the card's count (${page.url()})`);
    }
    // the overdue list holds the overdue task and not the one done late
    await page.goto(base + '/work');
    await page.locator('[data-test=wl-tasks-overdue]').click();
    await page.waitForURL(/\/tasks\?/);
    await page.locator('[data-test=entity-table]').getByRole('link', { name: 'WL-T2', exact: true }).waitFor();
    assert.equal(await page.locator('[data-test=entity-table]').getByRole('link', { name: 'WL-T4', exact: true }).count(), 0);
    await shot(page, '41-work-lists-overdue-tasks');
  });
});

test('a coordination meeting: its decision becomes a task in one click (交办)', async () => {
  await inBrowser({ allow: [apiError(409, 'meeting_decisions/\\d+/assign')] }, async (page) => {
    await login(page, base, 'office', { to: '/work' });
    const m = await make(page, 'meetings', {
      no: 'WL-M1', held_on: TODAY, month: MONTH, chair: '李区长', attendees: 'XFJ|YJJ|GAJ|JTJ', decisions: '议定两项',
    });
    const d1 = await make(page, 'meeting_decisions', { meeting: m.no, seq: 1, text: '东镇中学周边整治', owner: 'JTJ', due_on: day(30) });
    const d2 = await make(page, 'meeting_decisions', { meeting: m.no, seq: 2, text: '城关市场消防通道清理', owner: 'YJJ', due_on: day(30) });

    // a major problem put to the meeting (提请协调) is one of its topics
    const topic = await make(page, 'problems', problem('WL-MP1', { level: 'major', description: '东镇中学周边占道经营屡禁不止' }));
    await patch(page, 'problems', topic, { status: 'escalated', meeting: m.no });

    await page.goto(base + '/meetings/' + m.id);
    await page.locator('[data-test=record-key]').getByText('WL-M1').waitFor();
    await page.locator('[data-test=meeting-topics]').getByText('WL-MP1').waitFor();
    // attendees by name, not by code
    await page.locator('[data-test=fields] [data-field=attendees]').getByText('区信访局').waitFor();
    const table = page.locator('[data-test=decisions-table]');
    await table.getByText('东镇中学周边整治').waitFor();
    await shot(page, '42-meeting');
    await page.locator(`[data-test=assign-${d1.id}]`).click();
    const cell = page.locator(`[data-test=decision-task-${d1.id}]`);
    const link = cell.locator('a');
    await link.waitFor();
    const no = (await link.innerText()).trim();
    assert.ok(no, 'the task number is shown');
    assert.equal(await page.locator(`[data-test=assign-${d1.id}]`).count(), 0, 'no button once it has a task');
    assert.equal(await page.locator(`[data-test=assign-${d2.id}]`).count(), 1, 'the other decision still waits');
    await shot(page, '43-meeting-assigned');

    // the task keeps the link to its decision and meeting
    const tasks = await call(page, 'GET', '/tasks?no=' + encodeURIComponent(no));
    assert.equal(tasks.json.total, 1);
    const made = tasks.json.items[0];
    assert.equal(made.source, 'meeting');
    assert.equal(made.meeting, m.no);
    assert.equal(made.owner, 'JTJ');
    assert.ok(made.decision, 'the task names its decision');
    // twice is refused, nothing stored
    const again = await call(page, 'POST', `/meeting_decisions/${d1.id}/assign`, {});
    assert.equal(again.status, 409);
    assert.equal((await call(page, 'GET', '/tasks?meeting=' + m.no)).json.total, 1);

    // after a reload the decision shows its task, still without a button
    await page.reload();
    await page.locator(`[data-test=decision-task-${d1.id}]`).getByText(no).waitFor();
    assert.equal(await page.locator(`[data-test=assign-${d1.id}]`).count(), 0);
    await link.click().catch(() => page.locator(`[data-test=decision-task-${d1.id}] a`).click());
    await page.waitForURL(/\/tasks\/\d+$/);
    assert.equal(await page.locator('[data-test=record-key]').innerText(), no);
  });
});

test('督办: a supervised task turns red on the board after the card pass', async () => {
  await inBrowser({}, async (page) => {
    await login(page, base, 'office', { to: '/work' });
    const t = await make(page, 'tasks', task('WL-DB1', { assigned_on: day(-60), due_on: day(-40), title: '东镇中学周边整治督办' }));
    // noticed long ago with one working day: due, and past the red line, weeks ago
    const s = await make(page, 'supervisions', {
      no: 'WL-DB-S1', item_kind: 'task', item: t.no, level: 'office', notice_on: day(-45), workdays: 1, requirement: '限期办结',
    });
    assert.ok(s.red_from && s.red_from < TODAY, `red_from ${s.red_from}`);
    assert.equal(s.owner, 'JTJ');

    await page.goto(base + '/duban');
    const card = page.locator('[data-test="duban-card-WL-DB-S1"]');
    await card.waitFor();
    assert.equal(await page.locator('[data-test=duban-col-red] [data-test="duban-card-WL-DB-S1"]').count(), 0, 'no card before the pass');
    // the item by its title, the owner by name, the working days overdue
    await card.getByText('东镇中学周边整治督办').waitFor();
    await card.getByText('区教育体育局').waitFor();
    assert.match(await card.locator('[data-test=duban-overdue]').innerText(), /\d+/);

    srv.cli(['work', 'cards', '--today', TODAY]);
    await page.reload();
    const red = page.locator('[data-test=duban-col-red] [data-test="duban-card-WL-DB-S1"]');
    await red.waitFor();
    await shot(page, '44-duban-red');
    await red.click();
    await page.waitForURL(/\/supervisions\/\d+$/);
    assert.equal(await page.locator('[data-test=record-key]').innerText(), 'WL-DB-S1');

    // the feedback waits for the office's review on the board; 通过 closes the item
    await make(page, 'supervision_feedback', { no: 'WL-DB-F1', supervision: 'WL-DB-S1', answered_on: TODAY, text: '周边摊点已清理完毕' });
    await page.goto(base + '/duban');
    const answered = page.locator('[data-test=duban-col-answered] [data-test="duban-card-WL-DB-S1"]');
    await answered.getByText('周边摊点已清理完毕').waitFor();
    await shot(page, '45-duban-feedback');
    await page.locator('[data-test="review-accept-WL-DB-S1"]').click();
    await page.locator('[data-test="duban-card-WL-DB-S1"]').waitFor({ state: 'detached' });
    const after = await call(page, 'GET', '/supervisions?no=WL-DB-S1');
    assert.equal(after.json.items[0].status, 'closed');
  });
});

// A 1×1 PNG: the photo of the rectification.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

test('a problem: rectified by its owner with a photo, then verified (销号) by the office', async () => {
  let id;
  // the office registers the problem
  await inBrowser({}, async (page) => {
    await login(page, base, 'office', { to: '/work' });
    id = (await make(page, 'problems', problem('WL-RP1', { description: '东镇中学门口占道经营' }))).id;
  });
  // its owner department (教体局) reports the rectification, with a photo
  await inBrowser({ allow: [apiError(422, 'problems/')] }, async (page) => {
    await login(page, base, 'education', { to: '/problems/' + id });
    await page.locator('[data-test=record-key]').getByText('WL-RP1').waitFor();
    // the record's attachments panel (附件): its upload takes the file at once
    const panel = page.locator('[data-test=attachments]');
    await panel.locator('input[type=file]').first().setInputFiles({ name: 'rectified.png', mimeType: 'image/png', buffer: PNG });
    await panel.getByText('rectified.png').first().waitFor();
    const files = await call(page, 'GET', `/problems/${id}/attachments`);
    assert.equal(files.status, 200, files.text);
    assert.equal(files.json.items.length, 1);
    assert.equal(files.json.items[0].content_type, 'image/png');

    await page.locator('[data-test=transition-rectified]').click();
    await confirmBox(page);
    // 已整改 needs its date: the page asks for it (today by default)
    const input = page.locator('input[data-test=prompt-input]');
    await input.waitFor();
    assert.equal(await input.inputValue(), TODAY);
    await page.click('[data-test=prompt-ok]');
    await page.locator('[data-test=fields] [data-field=status]').getByText('已整改').waitFor();
    await page.locator('[data-test=fields] [data-field=rectified_on]').getByText(TODAY).waitFor();
    assert.equal(await page.locator('[data-test=transition-verified]').count(), 0, 'the owner does not verify');
    await shot(page, '46-problem-rectified');
  });
  // the office sees the photo and verifies: 销号
  await inBrowser({}, async (page) => {
    await login(page, base, 'office', { to: '/problems/' + id });
    await page.locator('[data-test=record-key]').getByText('WL-RP1').waitFor();
    await page.locator('[data-test=attachments]').getByText('rectified.png').first().waitFor();
    await page.locator('[data-test=transition-verified]').click();
    await confirmBox(page);
    await page.locator('[data-test=fields] [data-field=status]').getByText('已销号').waitFor();
    await page.locator('[data-test=fields] [data-field=verified_on]').getByText(TODAY).waitFor();
    await shot(page, '47-problem-verified');
  });
});
