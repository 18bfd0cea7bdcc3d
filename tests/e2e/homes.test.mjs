// homes.test.mjs: a home of one's own (issue 17), in chromium against a real
// server on the demo district.  A township office, a supervisor department,
// a grid worker and a subject's account each land on their own page, not
// the district cockpit; its numbers are its own (checked against the API
// apart from the page: the determination's rows counted here, the year's
// compliance recomputed month by month, a subject's months by the office's
// explanation), and a number opens a list of the same count.  A township's
// new-record form has its township filled in and locked, and no field red.
// The workflow path of a dispute mediated and then failed: the steps taken
// and the next one, and on a 390 px phone no label over two lines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, closeBrowser, login, shot, withBrowser, DEMO_PASSWORD } from './lib.mjs';
import { Client } from '../api/lib.mjs';

let srv;
let base;
const api = {};

before(async () => {
  srv = await startServer();
  base = srv.url;
  for (const u of ['office', 'bailou', 'education', 'grid', 'school']) {
    api[u] = new Client(base);
    const r = await api[u].login(u, DEMO_PASSWORD);
    assert.equal(r.status, 200, r.text);
  }
});

after(async () => {
  await closeBrowser();
  if (srv) await srv.stop();
});

const inBrowser = (opts, fn) => withBrowser(base, opts, fn, 'homes');
const get = async (who, path) => {
  const r = await api[who].get('/api/v1' + path);
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  return r.json;
};
// every row of a month's determination the user sees
async function results(who, m) {
  const out = [];
  for (let page = 1; ; page++) {
    const r = await get(who, `/months/${m}/results?page_size=500&page=${page}`);
    out.push(...r.items);
    if (out.length >= r.total) return out;
  }
}
const monthOf = async (who) => (await get(who, '/months')).latest_event_month;
const num = async (loc) => {
  await loc.filter({ hasNotText: '…' }).waitFor();
  return Number((await loc.innerText()).match(/\d+/)[0]);
};
// the count a list page says (共 N 条), the determination's pagination too
const listTotal = async (page) => {
  const loc = page.locator('.page-sub, .el-pagination__total').filter({ hasText: /共\s*\d+/ }).first();
  await loc.waitFor();
  return Number((await loc.innerText()).match(/共\s*(\d+)/)[1]);
};

test('a township lands on its own page: its month, its year, its overdue, each number its list', async () => {
  const me = await get('bailou', '/me');
  const M = await monthOf('bailou');
  const rows = await results('bailou', M);
  assert.ok(rows.length && rows.every((r) => r.township === me.township), 'the township\'s rows only');
  const failing = rows.filter((r) => !r.complies);
  // the year: villages and communities on the list at M that complied in every month they were on the list
  const months = Array.from({ length: Number(M.slice(5)) }, (_, i) => `${M.slice(0, 4)}-${String(i + 1).padStart(2, '0')}`);
  const byMonth = await Promise.all(months.map((m) => results('bailou', m)));
  const villages = rows.filter((r) => r.kind === 'village' || r.kind === 'community');
  const ok = villages.filter((v) => byMonth.every((ms) => ms.every((r) => r.subject !== v.subject || r.complies)));
  const district = (await get('office', `/months/${M}/results?page_size=1`)).total;
  assert.ok(district > rows.length, 'the district is larger than the township');

  await inBrowser({ width: 1440, height: 900 }, async (page) => {
    await login(page, base, 'bailou');
    assert.equal(new URL(page.url()).pathname, '/', 'lands on its home, not the cockpit');
    await page.locator('[data-test=home-unit]').waitFor();
    assert.match(await page.locator('[data-test=home-title]').innerText(), /白楼镇/);
    const fail = await num(page.locator('[data-test=home-fail] .hu-num'));
    const pass = await num(page.locator('[data-test=home-pass] .hu-num'));
    assert.equal(fail, failing.length, 'failing this month');
    assert.equal(pass, rows.length - failing.length, 'complying this month');
    assert.deepEqual((await page.locator('[data-test=failing-subject]').allInnerTexts()).sort(), failing.map((r) => r.name).sort(), 'the failing named');
    const year = await page.locator('[data-test=home-year-villages] .hu-num').innerText();
    assert.equal(year.replace(/\s/g, ''), `${ok.length}/${villages.length}`, 'the year\'s villages complying');
    assert.ok(!(await page.locator('[data-test=home-cards]').innerText()).includes(String(district)), 'no district total');
    // the tasks overdue: the number, the list, the API's rows by their own dates
    const tasks = (await get('bailou', '/tasks?page_size=500')).items;
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    const late = tasks.filter((x) => ['assigned', 'in_progress'].includes(x.status) && x.due_on && x.due_on < today);
    const overdue = await num(page.locator('[data-test=home-overdue-tasks] .hu-num'));
    assert.equal(overdue, late.length, 'overdue tasks');
    await shot(page, 'home-township');
    await page.click('[data-test=home-overdue-tasks]');
    await page.waitForURL(/\/tasks\?overdue=1/);
    assert.equal(await listTotal(page), overdue, 'the list has the count');
    await page.goBack();
    await page.click('[data-test=home-fail]');
    await page.waitForURL(new RegExp(`/months/${M}\\?fail=1`));
    assert.equal(await listTotal(page), fail, 'the month\'s failing list has the count');
  });
});

test('a new record: a township\'s township, a supervisor\'s department filled in and locked, no field red', async () => {
  await inBrowser({ width: 1440, height: 900 }, async (page) => {
    await login(page, base, 'bailou', { to: '/disputes' });
    await page.click('[data-test=create]');
    const item = page.locator('.entity-form [data-field=township]');
    await item.locator('.el-select__selected-item').filter({ hasText: '白楼镇' }).first().waitFor();
    assert.equal(await item.locator('.el-select__wrapper.is-disabled').count(), 1, 'not editable');
    await page.waitForTimeout(300);
    assert.equal(await page.locator('.entity-form .el-form-item.is-error').count(), 0, 'nothing red on opening');
  });
  // a supervisor department's new subject: its department, and the township left to choose
  const dept = (await get('education', '/me')).department;
  const name = (await get('office', `/departments?code=${dept}&page_size=1`)).items[0].name;
  await inBrowser({ width: 1440, height: 900 }, async (page) => {
    await login(page, base, 'education', { to: '/subjects' });
    await page.click('[data-test=create]');
    const sup = page.locator('.entity-form [data-field=supervisor]');
    await sup.locator('.el-select__selected-item').filter({ hasText: name }).first().waitFor();
    assert.equal(await sup.locator('.el-select__wrapper.is-disabled').count(), 1, 'not editable');
    assert.equal(await page.locator('.entity-form [data-field=township] .el-select__wrapper.is-disabled').count(), 0, 'the township is the user\'s to choose');
    await page.waitForTimeout(300);
    assert.equal(await page.locator('.entity-form .el-form-item.is-error').count(), 0, 'nothing red on opening');
  });
});

test('a supervisor department lands on its own page: the subjects it supervises', async () => {
  const me = await get('education', '/me');
  const M = await monthOf('education');
  const rows = await results('education', M);
  assert.ok(rows.length && rows.every((r) => r.supervisor === me.department), 'its sector\'s rows only');
  const passing = rows.filter((r) => r.complies).length;
  await inBrowser({}, async (page) => {
    await login(page, base, 'education');
    await page.locator('[data-test=home-unit]').waitFor();
    const pass = await num(page.locator('[data-test=home-pass] .hu-num'));
    assert.equal(pass, passing);
    assert.equal(await num(page.locator('[data-test=home-fail] .hu-num')), rows.length - passing);
    await page.click('[data-test=home-pass]');
    await page.waitForURL(new RegExp(`/months/${M}\\?fail=0`));
    assert.equal(await listTotal(page), pass, 'the list has the count');
  });
});

test('a grid worker: its page has its to-dos and overdue disputes, the number its list', async () => {
  const rows = (await get('grid', '/disputes?page_size=500')).items;
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const late = rows.filter((x) => ['registered', 'mediating'].includes(x.status) && x.deadline && x.deadline < today);
  const me = await get('grid', '/me');
  assert.ok(rows.every((x) => x.grid === me.grid), 'its grid only');
  const todos = (await get('grid', '/todos')).total;
  const M = await monthOf('grid');
  const subjects = await results('grid', M);
  const inGrid = new Set((await get('office', `/subjects?grid=${me.grid}&page_size=500`)).items.map((x) => x.code));
  assert.ok(subjects.length && subjects.every((x) => inGrid.has(x.subject)), 'its grid\'s subjects only');
  await inBrowser({ width: 390, height: 844, touch: true }, async (page) => {
    await login(page, base, 'grid');
    await page.waitForURL(/\/grid$/);
    const n = await num(page.locator('[data-test=home-overdue-disputes] b'));
    assert.equal(n, late.length);
    assert.equal(await num(page.locator('[data-test=grid-work] [data-test=home-todos-count]')), todos);
    assert.equal(await num(page.locator('[data-test=home-pass] b')), subjects.filter((x) => x.complies).length);
    assert.equal(await num(page.locator('[data-test=home-fail] b')), subjects.filter((x) => !x.complies).length);
    await shot(page, 'home-grid');
    await page.click('[data-test=home-overdue-disputes]');
    await page.waitForURL(/\/disputes\?overdue=1/);
    assert.equal(await listTotal(page), n, 'the list has the count');
  });
});

test('a subject\'s account: its months this year and its events, each a link to its list', async () => {
  const me = await get('school', '/me');
  const M = await monthOf('school');
  const months = Array.from({ length: Number(M.slice(5)) }, (_, i) => `${M.slice(0, 4)}-${String(i + 1).padStart(2, '0')}`);
  // the office's explanation of each month, not the subject's own rows
  const want = await Promise.all(months.map(async (m) => {
    const r = await api.office.get(`/api/v1/explain?subject=${me.subject}&month=${m}`);
    assert.equal(r.status, 200, r.text);
    return r.json;
  }));
  const from = `${M.slice(0, 4)}-01-01`;
  const [y, mo] = M.split('-').map(Number);
  const to = `${M}-${String(new Date(Date.UTC(y, mo, 0)).getUTCDate()).padStart(2, '0')}`;
  const inspections = (await get('office', `/inspections?subject=${me.subject}&inspected_on_from=${from}&inspected_on_to=${to}&page_size=1`)).total;
  await inBrowser({}, async (page) => {
    await login(page, base, 'school');
    await page.locator('[data-test=home-subject]').waitFor();
    for (const [i, m] of months.entries()) {
      const cell = page.locator(`[data-test=standing-${m}]`);
      await cell.and(page.locator(':not([data-state=wait])')).waitFor();
      const state = await cell.getAttribute('data-state');
      const x = want[i];
      const expect = x.on_list === false ? 'off' : x.complies ? 'good' : 'bad';
      assert.equal(state, expect, `month ${m}: ${JSON.stringify(x).slice(0, 300)}`);
    }
    const n = await num(page.locator('[data-test=home-events-inspections] .hu-num'));
    assert.equal(n, inspections, 'its inspections this year');
    await shot(page, 'home-subject');
    await page.click('[data-test=home-events-inspections]');
    await page.waitForURL(/\/inspections\?/);
    assert.equal(await listTotal(page), n, 'the list has the count');
  });
});

test('the workflow path of a dispute mediated and then failed; on a phone, no label over two lines', async () => {
  const c = api.bailou;
  const me = await get('bailou', '/me');
  let r = await c.post('/api/v1/disputes', { source: 'grid', category: 'family', found_on: '2023-08-20', township: me.township, summary: '邻里因排水沟发生争执' });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  r = await c.update(`/api/v1/disputes/${id}`, { status: 'mediating' });
  assert.equal(r.status, 200, r.text);
  r = await c.update(`/api/v1/disputes/${id}`, { status: 'failed' });
  assert.equal(r.status, 200, r.text);
  await inBrowser({ width: 390, height: 844, touch: true }, async (page) => {
    await login(page, base, 'bailou', { to: `/disputes/${id}` });
    const steps = page.locator('[data-test=wf-step]');
    await page.locator('[data-test=wf-path]').waitFor();
    await page.locator('[data-test=history] .el-timeline-item').nth(2).waitFor();
    assert.deepEqual((await steps.allInnerTexts()).map((s) => s.replace(/^[✓●]\s*/, '')), ['登记', '调解中', '调解失败'], 'the path taken');
    assert.equal(await steps.last().getAttribute('data-state'), 'current');
    assert.deepEqual(await page.locator('[data-test=wf-next]').allInnerTexts(), ['移交'], 'the one next step');
    assert.equal(await page.locator('[data-test=wf-inferred]').count(), 0, 'read from the history, not inferred');
    const tall = await page.evaluate(() => [...document.querySelectorAll('[data-test=wf-step], [data-test=wf-next]')].map((el) => {
      const lh = parseFloat(getComputedStyle(el).lineHeight);
      return { text: el.textContent, h: el.getBoundingClientRect().height, lh };
    }).filter((x) => x.h > 2 * x.lh + 1));
    assert.deepEqual(tall, [], 'no label taller than two lines');
    await shot(page, 'home-workflow-phone');
  });
});
