// app.test.mjs: the browser application, end to end, against a real
// `sanling serve` on a fresh demo district, in Debian's chromium: logging in
// (a wrong password, a login delay, the forced password change), creating a
// subject through the form (with the server's message on the right field),
// registering a petition and moving it through its workflow, the month's
// determination and a dashboard figure following it, the explanation,
// confirmation by the three lead departments and publication by the office,
// an import with a bad row, an XLSX export, a township that cannot open
// another township's subject by URL, the administrators' pages, the wall
// screen and a phone.  Every test fails on a console error it did not
// expect.  Screenshots of each main screen go to tests/out/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, closeBrowser, login, shot, pickOption, pickRef, typeDate, confirmBox, unzip, lastMonth, withBrowser, apiError } from './lib.mjs';

const M = lastMonth();
const SUBJECT = { code: 'AE2E01', name: 'E2E测试机械厂' };
const PETITION = 'XF-E2E-0001';
const INIT_PW = 'Init-Pass-9';
const NEW_PW = 'Changed-Pass-7';
let srv;
let base;

before(async () => {
  srv = await startServer();
  base = srv.url;
  srv.cli(['user', 'add', 'newbie', '--role', 'township', '--dept', 'XZ101', '--name', '新用户'], INIT_PW + '\n');
  srv.cli(['user', 'add', 'locky', '--role', 'township', '--dept', 'XZ101'], INIT_PW + '\n');
});

after(async () => {
  await closeBrowser();
  if (srv) await srv.stop();
});

const inBrowser = (opts, fn) => withBrowser(base, opts, fn, 'app');


test('login: wrong password, login delay, forced password change, logout', async () => {
  await inBrowser({ allow: [apiError(401, 'login'), apiError(429, 'login')] }, async (page) => {
    await page.goto(base + '/dashboard');
    await page.waitForURL(/\/login/);
    await shot(page, '01-login');

    await page.fill('input[name=username]', 'newbie');
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('[data-test=login-submit]');
    await page.locator('[data-test=login-error]').getByText('用户名或密码错误').waitFor();

    for (let i = 0; i < 5; i++) {
      await page.fill('input[name=username]', 'locky');
      await page.fill('input[name=password]', 'wrong-' + i);
      await page.click('[data-test=login-submit]');
      await page.locator('[data-test=login-submit]:not(.is-loading)').waitFor();
    }
    const locked = page.locator('[data-test=login-error]');
    await locked.getByText('尝试次数过多').waitFor();
    assert.match(await locked.innerText(), /请 \d+ 秒后再试/, 'the delay names its length');
    await shot(page, '02-login-locked');

    await page.fill('input[name=username]', 'newbie');
    await page.fill('input[name=password]', INIT_PW);
    await page.click('[data-test=login-submit]');
    await page.locator('input[name=new_password]').waitFor();
    await page.fill('input[name=new_password]', NEW_PW);
    await page.fill('input[name=new_password2]', NEW_PW + 'x');
    await page.click('[data-test=change-submit]');
    await page.getByText('两次输入的新密码不一致').waitFor();
    await page.fill('input[name=new_password2]', NEW_PW);
    await shot(page, '03-password-change');
    await page.click('[data-test=change-submit]');
    await page.waitForURL(/\/dashboard/);
    await page.locator('[data-test=user-menu]').getByText('newbie').waitFor();
    // the dashboard has finished loading: nothing is in flight when the session ends
    await page.waitForLoadState('networkidle');

    await page.click('[data-test=user-menu]');
    await page.locator('[data-test=logout]').click();
    // the login form is back (a same-page navigation: wait for what it shows)
    await page.locator('input[name=password]').waitFor({ timeout: 60000 });
    assert.match(page.url(), /\/login/);
    // the new password works, and no change is asked again
    await login(page, base, 'newbie', { password: NEW_PW });
    // a township lands on its own page (homes.test.mjs), not the cockpit
    assert.equal(new URL(page.url()).pathname, '/');
    await page.locator('[data-test=home-unit]').waitFor();
  });
});

test('create a subject through the form, with the server message on the right field', async () => {
  await inBrowser({ allow: [apiError(422, 'subjects')] }, async (page) => {
    await login(page, base, 'office', { to: '/subjects' });
    await page.locator('[data-test=entity-table] .el-table__row').first().waitFor();
    await shot(page, '10-subjects-list');
    await page.click('[data-test=create]');
    const dlg = '.entity-form-dialog';
    await page.locator(`${dlg} [data-field=code] input`).fill(SUBJECT.code);
    await page.locator(`${dlg} [data-field=name] input`).fill(SUBJECT.name);
    await pickOption(page, 'kind', /^企业$/, dlg);
    await pickOption(page, 'category', /^厂矿$/, dlg);
    await pickRef(page, 'township', '白楼', '白楼镇', dlg);
    await typeDate(page, 'active_from', M, dlg);
    await page.locator(`${dlg} [data-field=credit_code] input`).fill('91411600MA123456X1');
    await page.click('[data-test=form-save]');
    const err = page.locator(`${dlg} [data-field=credit_code] .el-form-item__error`);
    await err.waitFor();
    assert.match(await err.innerText(), /校验位/);
    await shot(page, '11-subject-form-error');
    await page.locator(`${dlg} [data-field=credit_code] input`).fill('');
    await page.click('[data-test=form-save]');
    await page.waitForURL(/\/subjects\/\d+$/);
    assert.equal(await page.locator('[data-test=record-key]').innerText(), SUBJECT.code);
    await page.locator('[data-test=fields]').getByText('白楼镇').waitFor();
    await page.locator('[data-test=history]').waitFor();
    await shot(page, '12-subject-detail');
  });
});

test('a new form opens clean: required fields turn red on blur and on save, not before anything is typed', async () => {
  await inBrowser({}, async (page) => {
    await login(page, base, 'office', { to: '/tasks' });
    await page.locator('[data-test=entity-table] .el-table__row').first().waitFor();
    await page.click('[data-test=create]');
    const dlg = '.entity-form-dialog';
    const required = page.locator(`${dlg} .el-form-item.is-required`);
    await required.first().waitFor();
    await page.waitForTimeout(300); // what init() set has been seen by the inputs
    const n = await required.count();
    assert.ok(n >= 4, `the task's required fields are marked (${n})`);
    assert.equal(await page.locator(`${dlg} .el-form-item.is-error`).count(), 0, 'nothing red before anything is typed');
    // blur: the field left empty says so, and only it
    await page.locator(`${dlg} [data-field=title] input`).focus();
    await page.locator(`${dlg} [data-field=no] input`).focus();
    const titleErr = page.locator(`${dlg} [data-field=title] .el-form-item__error`);
    await titleErr.waitFor();
    assert.equal((await titleErr.innerText()).trim(), '必填');
    assert.equal(await page.locator(`${dlg} .el-form-item.is-error`).count(), 1);
    // save: every required field left empty says 必填, in Chinese
    await page.click('[data-test=form-save]');
    await page.waitForFunction(([sel, want]) => document.querySelectorAll(sel).length === want,
      [`${dlg} .el-form-item.is-error`, n]);
    for (const t of await page.locator(`${dlg} .el-form-item__error`).allInnerTexts()) assert.equal(t.trim(), '必填');
    // typed: its mark goes
    await page.locator(`${dlg} [data-field=title] input`).fill('排查学校周边隐患');
    await page.locator(`${dlg} [data-field=no] input`).focus();
    await page.waitForFunction((sel) => !document.querySelector(sel), `${dlg} [data-field=title].is-error`);
  });
});

test('register a petition, move it through its workflow; the determination and the dashboard follow', async () => {
  await inBrowser({}, async (page) => {
    await login(page, base, 'petition', { to: `/dashboard?month=${M}` });
    const fig = page.locator('[data-test=ev-visit_batches] .mini-value');
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-test=ev-visit_batches] .mini-value');
      return el && /^\d[\d,]*$/.test(el.textContent.trim());
    });
    const before = Number((await fig.innerText()).replace(/,/g, ''));

    await page.goto(base + '/petitions');
    await page.click('[data-test=create]');
    const dlg = '.entity-form-dialog';
    await page.locator(`${dlg} [data-field=no] input`).fill(PETITION);
    await typeDate(page, 'received_on', `${M}-05`, dlg);
    await pickOption(page, 'channel', /^来访$/, dlg);
    await page.locator(`${dlg} [data-field=persons] input`).fill('6');
    await pickOption(page, 'level', /^县级$/, dlg);
    await pickRef(page, 'subject', SUBJECT.code, SUBJECT.code, dlg);
    await pickOption(page, 'category', /^土地征收$/, dlg);
    await page.locator(`${dlg} [data-field=petitioner_phone] input`).fill('13812345678');
    await page.click('[data-test=form-save]');
    await page.waitForURL(/\/petitions\/\d+$/);
    assert.equal(await page.locator('[data-test=record-key]').innerText(), PETITION);
    const status = page.locator('[data-field=status]');
    await status.getByText('登记').waitFor();
    // the phone is masked; revealing it needs a reason
    assert.match(await page.locator('[data-field=petitioner_phone]').innerText(), /138\*+5678/);
    await page.click('[data-test=reveal-petitioner_phone]');
    await page.fill('[data-test=reveal-reason]', '核实信访人身份');
    await page.click('[data-test=reveal-confirm]');
    await page.locator('[data-test=revealed]').getByText('13812345678').waitFor();

    for (const [to, label] of [['accepted', '受理'], ['assigned', '交办'], ['handling', '办理中'], ['replied', '已答复'], ['resolved', '已化解']]) {
      await page.click(`[data-test=transition-${to}]`);
      await confirmBox(page);
      await status.getByText(label, { exact: true }).waitFor();
    }
    // only the moves of the workflow from here are offered
    assert.equal(await page.locator('[data-test^=transition-]').count(), 1);
    assert.equal(await page.locator('[data-test=transition-closed]').count(), 1);
    await shot(page, '20-petition-detail');

    await page.goto(`${base}/dashboard?month=${M}`);
    await page.waitForFunction((want) => {
      const el = document.querySelector('[data-test=ev-visit_batches] .mini-value');
      return el && el.textContent.trim().replace(/,/g, '') === String(want);
    }, before + 1);
    await page.locator('[data-test=chart-town]').waitFor();
    await shot(page, '21-dashboard');

    await page.goto(`${base}/months/${M}?fail=1`);
    const row = page.locator('[data-test=results] .el-table__row').filter({ hasText: SUBJECT.name }).first();
    await row.waitFor();
    assert.match(await row.locator('[data-test=cell-petition]').innerText(), /不达标/);
    await shot(page, '22-months');
    await row.locator('[data-test=explain-btn]').click();
    const ex = page.locator('[data-test=explain-petition]');
    await ex.getByText(PETITION).waitFor();
    await ex.locator('[data-test=counted]').getByText('计入否决', { exact: true }).waitFor();
    assert.match(await page.locator('[data-test=explain-overall]').innerText(), /不达标/);
    await shot(page, '23-explain');
  });
});

test('a list names its references, asking for a page\'s subjects in one request', async () => {
  await inBrowser({}, async (page) => {
    await login(page, base, 'petition', { to: '/dashboard' });
    const asked = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname === '/api/v1/subjects') asked.push(decodeURIComponent(u.search));
    });
    await page.goto(base + '/petitions');
    const links = page.locator('.el-table__row .ref-link[href^="/subjects/"]');
    await links.first().waitFor();
    const n = await links.count();
    assert.ok(n >= 3, `subjects named on the page: ${n}`);
    for (let i = 0; i < n; i++) {
      const a = links.nth(i);
      // the name shows, the code is in the tooltip
      assert.notEqual(await a.innerText(), await a.getAttribute('title'));
    }
    assert.equal(asked.length, 1, `requests for subjects: ${asked.join(' | ')}`);
    assert.match(asked[0], /[?&]code=[^&]+,/, 'a list of codes');
  });
});

test('the leads confirm and override, the office publishes', async () => {
  // the petition bureau overrides one result with a reason, then confirms
  await inBrowser({}, async (page) => {
    await login(page, base, 'petition', { to: `/months/${M}?fail=1` });
    const row = page.locator('[data-test=results] .el-table__row').filter({ hasText: SUBJECT.name }).first();
    await row.waitFor();
    await row.locator('[data-test=override-btn]').click();
    await page.locator('[data-test=override-result]').getByText('达标', { exact: true }).click();
    await page.fill('[data-test=override-reason]', '经核实，该信访事项已在村级化解');
    await page.click('[data-test=override-ok]');
    await page.getByText('已调整', { exact: true }).first().waitFor();
    await page.goto(`${base}/months/${M}?township=411603101000&kind=enterprise`);
    const row2 = page.locator('[data-test=results] .el-table__row').filter({ hasText: SUBJECT.name }).first();
    await row2.locator('[data-test=overridden]').waitFor();
    assert.match(await row2.locator('[data-test=cell-petition]').innerText(), /^\s*达标/);
    assert.match(await row2.locator('[data-test=overall]').innerText(), /达标/);
  });
  for (const [user, dim] of [['petition', 'petition'], ['safety', 'accident'], ['police', 'case']]) {
    await inBrowser({}, async (page) => {
      await login(page, base, user, { to: `/months/${M}` });
      await page.locator('[data-test=certify]').click();
      await confirmBox(page);
      await page.locator(`[data-test=cert-${dim}]`).getByText('已确认').waitFor();
      assert.equal(await page.locator('[data-test=publish]').count(), 0, 'a lead does not publish');
    });
  }
  await inBrowser({}, async (page) => {
    await login(page, base, 'office', { to: `/months/${M}` });
    assert.equal(await page.locator('[data-test=certify]').count(), 0, 'the office confirms no dimension');
    assert.equal(await page.locator('[data-test=override-btn]').count(), 0, 'the office overrides nothing');
    await page.locator('[data-test=publish]:not(.is-disabled)').click();
    await confirmBox(page);
    await page.locator('[data-test=published-tag]').getByText('已发布').waitFor();
    await page.locator('[data-test=reopen]').waitFor();
    await shot(page, '24-months-published');
  });
});

test('the override shows in the table and the explanation', async () => {
  await inBrowser({}, async (page) => {
    await login(page, base, 'office', { to: `/months/${M}?explain=${SUBJECT.code}` });
    const ex = page.locator('[data-test=explain-petition]');
    await ex.getByText('已调整').waitFor();
    assert.match(await page.locator('[data-test=explain-overall]').innerText(), /^达标$/);
  });
});

test('import a CSV with a bad row and see the row error; keep the good rows', async () => {
  await inBrowser({ allow: [apiError(422, 'subjects/import')] }, async (page) => {
    await login(page, base, 'office', { to: '/subjects' });
    await page.click('[data-test=import]');
    // M is published by now (the test before): new subjects join the list from this month
    const now = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);
    const csv = '\ufeffcode,name,kind,category,township,active_from\n' +
      `AE2E10,导入测试村,village,village,411603101000,${now}\n` +
      `AE2E11,坏行企业,spaceship,factory,411603101000,${now}\n`;
    await page.setInputFiles('[data-test=import-file]', { name: 'subjects.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.click('[data-test=import-start]');
    const errs = page.locator('[data-test=import-errors]');
    await errs.waitFor();
    const row = errs.locator('.el-table__row').first();
    assert.match(await row.innerText(), /3/);
    assert.match(await row.innerText(), /spaceship|不是可选值|类型/);
    await shot(page, '30-import-errors');
    await page.click('[data-test=keep-good]');
    await page.click('[data-test=import-start]');
    await page.locator('[data-test=import-report]').getByText(/新增 1/).waitFor();
  });
});

test('export the list as XLSX: a real workbook with the filtered rows', async () => {
  await inBrowser({}, async (page) => {
    await login(page, base, 'office', { to: '/subjects?kind=village' });
    const first = page.locator('[data-test=entity-table] .el-table__row').first();
    await first.waitFor();
    const name = (await first.locator('td').nth(1).innerText()).trim();
    await page.click('[data-test=export]');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=export-xlsx]').click()]);
    const file = await dl.path();
    const buf = readFileSync(file);
    assert.equal(buf.subarray(0, 4).toString('hex'), '504b0304', 'a zip file');
    const parts = unzip(buf);
    assert.ok(parts['[Content_Types].xml'], 'an OOXML package');
    const sheet = Object.keys(parts).find((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n));
    assert.ok(sheet, 'a worksheet');
    const text = Object.entries(parts).filter(([n]) => n.endsWith('.xml')).map(([, b]) => b.toString('utf8')).join('\n');
    assert.ok(text.includes(name), `the workbook holds ${name}`);
    assert.ok(!text.includes('机械厂'), 'the filter applies to the export');
  });
});

test('a township cannot open another township\'s subject by URL', async () => {
  await inBrowser({ allow: [apiError(404, 'subjects/1$')] }, async (page) => {
    await login(page, base, 'bailou', { to: '/subjects?q=' + SUBJECT.code });
    const own = page.locator('[data-test=entity-table] .el-table__row').first();
    await own.getByText(SUBJECT.code).waitFor();
    // subject 1 is in 城关回族镇, not 白楼镇
    await page.goto(base + '/subjects/1');
    await page.locator('[data-test=not-found]').waitFor();
    await shot(page, '40-out-of-scope');
    // and the menu offers no administration
    assert.equal(await page.locator('[data-test=menu-users]').count(), 0);
  });
});

test('administrators: accounts, unlock, policy, audit log; no business pages', async () => {
  await inBrowser({}, async (page) => {
    await login(page, base, 'sysadmin');
    assert.match(page.url(), /\/users/);
    await shot(page, '50-users');
    await page.goto(base + '/dashboard');
    await page.locator('[data-test=forbidden]').waitFor();
    await shot(page, '51-forbidden');
  });
  await inBrowser({}, async (page) => {
    // locks are the security administrator's (三员分立)
    await login(page, base, 'secadmin', { to: '/settings' });
    await page.goto(base + '/users?q=locky');
    await page.locator('[data-test=entity-table] .el-table__row').getByText('locky').first().click();
    await page.waitForURL(/\/users\/\d+$/);
    await page.click('[data-test=action-unlock]');
    await page.getByText('已解锁').waitFor();
    await page.goto(base + '/settings');
    await page.locator('[data-test=settings-save]').click();
    await page.getByText('策略已保存').waitFor();
    await shot(page, '52-settings');
  });
  await inBrowser({}, async (page) => {
    await login(page, base, 'auditadmin', { to: '/audit' });
    await page.locator('[data-test=audit-table] .el-table__row').first().waitFor();
    await page.click('[data-test=verify]');
    await page.locator('[data-test=verify-result]').getByText('审计链完整').waitFor();
    await shot(page, '53-audit');
  });
  // the unlocked account logs in again
  await inBrowser({}, async (page) => {
    await page.goto(base + '/login');
    await page.fill('input[name=username]', 'locky');
    await page.fill('input[name=password]', INIT_PW);
    await page.click('[data-test=login-submit]');
    await page.locator('input[name=new_password]').waitFor();
  });
});

test('the wall screen, English, and a phone', async () => {
  await inBrowser({ width: 1920, height: 1080 }, async (page) => {
    await login(page, base, 'office', { to: '/screen' });
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-test="scr-subjects_total"]');
      return el && /\d/.test(el.textContent);
    });
    await page.waitForTimeout(600);
    await shot(page, '60-screen');
  });
  await inBrowser({}, async (page) => {
    await login(page, base, 'office');
    await page.click('[data-test=lang-switch]');
    await page.locator('[data-test=menu-dashboard]').getByText('Dashboard').waitFor();
    await page.locator('[data-test=kpis]').getByText('Subjects').first().waitFor();
    await page.waitForTimeout(600);
    await shot(page, '61-dashboard-english');
    await page.click('[data-test=lang-switch]');
    await page.locator('[data-test=menu-dashboard]').getByText('首页驾驶舱').waitFor();
  });
  await inBrowser({ width: 390, height: 844 }, async (page) => {
    await login(page, base, 'grid', { to: '/disputes' });
    await page.locator('[data-test=entity-cards]').waitFor(); // a phone's list is cards (issue 17)
    await shot(page, '62-phone-list');
    await page.locator('[data-test=menu-toggle]').click();
    await page.locator('.shell-drawer [data-test=menu-dashboard]').click();
    await page.waitForURL(/\/dashboard/);
    await page.locator('[data-test=fig-villages_rate]').getByText('%').waitFor();
    await shot(page, '63-phone-dashboard');
  });
});

test('the figures\' names and lists come from /meta; the pages follow the window\'s width', async () => {
  await inBrowser({}, async (page) => {
    await login(page, base, 'office', { to: `/dashboard?month=${M}` });
    const meta = await page.evaluate(() => fetch('/api/v1/meta').then((r) => r.json()));
    const row = (k) => meta.figures.find((x) => x.key === k);
    // every card and tile says the table's label
    for (const k of ['villages_rate', 'villages_zero_case_monthly_rate']) {
      await page.locator(`[data-test=card-${k}] .kpi-label`).getByText(row(k).label, { exact: true }).waitFor();
    }
    for (const k of ['visit_batches', 'hazards_rectified', 'mediation_success_rate']) {
      assert.equal((await page.locator(`[data-test=ev-${k}] .mini-label`).innerText()).trim(), row(k).label);
    }
    assert.equal(row('villages_zero_case_monthly_rate').label, '村（社区）月均零发案率');
    // a tile opens its figure's list query
    await page.locator('[data-test=ev-visit_batches] .mini-value').filter({ hasText: /\d/ }).waitFor();
    await page.click('[data-test=ev-visit_batches]');
    await page.waitForURL(/\/petitions\?/);
    const q = new URL(page.url()).searchParams;
    assert.equal(q.get('channel'), row('visit_batches').list.query.channel);
    assert.equal(q.get('received_on_from'), `${M.slice(0, 4)}-01-01`);
    await page.locator('[data-test=entity-table]').waitFor();
  });
  await inBrowser({}, async (page) => {
    // the audit log's filters: inline on a wide window, stacked on a narrow one, as the window changes
    await login(page, base, 'auditadmin', { to: '/audit' });
    const inline = () => page.locator('.filter-form').evaluate((el) => el.classList.contains('el-form--inline'));
    await page.locator('[data-test=audit-table]').waitFor();
    assert.equal(await inline(), true, 'wide: inline');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => !document.querySelector('.filter-form').classList.contains('el-form--inline'));
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.waitForFunction(() => document.querySelector('.filter-form').classList.contains('el-form--inline'));
  });
});

test('交办 an agreed item from its page, then report the task\'s progress from the task\'s page', async () => {
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const files = {
    meetings: 'no,held_on,month,chair,attendees,decisions\nHY-E2E-1,2023-05-30,2023-05,李区长,YJJ|JTJ,\n',
    meeting_decisions: 'no,meeting,seq,text,owner,co_owners,township,due_on\nHY-E2E-1-01,HY-E2E-1,1,校园周边交通整治。教体局牵头,JTJ,YJJ,,2099-06-30\n',
  };
  for (const [kind, text] of Object.entries(files)) {
    const f = join(srv.dir, `${kind}.csv`);
    writeFileSync(f, text);
    srv.cli(['import', kind, f]);
  }
  await inBrowser({}, async (page) => {
    await login(page, base, 'office', { to: '/meeting_decisions?meeting=HY-E2E-1' });
    await page.locator('[data-test=entity-table] a.ref-link', { hasText: 'HY-E2E-1-01' }).first().click();
    await page.waitForURL(/\/meeting_decisions\/\d+$/);
    await page.click('[data-test=action-assign]');
    const task = page.locator('[data-field=task]');
    await task.getByText(/RW\d{4}-\d{6}/).waitFor();
    assert.equal(await page.locator('[data-test=action-assign]').count(), 0, 'assigned once');
    const no = (await task.innerText()).match(/RW\d{4}-\d{6}/)[0];
    await shot(page, '60-meeting-decision');

    await page.goto(`${base}/tasks?decision=HY-E2E-1-01`);
    await page.locator('[data-test=entity-table] a.ref-link', { hasText: no }).first().click();
    await page.waitForURL(/\/tasks\/\d+$/);
    await page.click('[data-test=action-report]');
    await page.fill('[data-test=prompt-input]', '已召开专题会部署');
    await page.click('[data-test=prompt-ok]');
    await page.goto(`${base}/task_updates?task=${no}`);
    await page.locator('.el-table__row').filter({ hasText: '已召开专题会部署' }).first().waitFor();
  });
});
