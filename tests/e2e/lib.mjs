// lib.mjs: what the browser tests share: a fresh demo database (a copy of
// the run's one when tests/run made templates: ../api/lib.mjs) and a real
// `sanling serve` on a free loopback port serving the web build (web/dist),
// the command line against that database, Debian's chromium driven by
// playwright-core (from web/node_modules) with a fresh profile per browser,
// a watch on the console that fails a test on any error it did not expect,
// axe-core's WCAG check, and small helpers for Element Plus's widgets.  No mocks.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { freshDb, loadDemo } from '../api/lib.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.SANLING_BIN || join(ROOT, 'build', 'sanling');
export const WEB = process.env.SANLING_WEB || join(ROOT, 'web', 'dist');
export const SHOTS = join(ROOT, 'tests', 'out', 'screenshots');
export const DEMO_PASSWORD = 'Demo-Pass-2023';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const { chromium } = await import(join(ROOT, 'web', 'node_modules', 'playwright-core', 'index.mjs'));

// A fresh database with the demo district (or what `setup(store)` makes
// instead), and `sanling serve` on it.
export async function startServer({ setup = null } = {}) {
  if (!existsSync(join(WEB, 'index.html'))) throw new Error(`no web build in ${WEB}: run "npm run build --prefix web"`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const store = freshDb();
  const { db, key, dir } = store;
  const env = { ...process.env, SANLING_FAST_KDF: '1' };
  const cli = (args, input) => {
    const r = spawnSync(BIN, ['--db', db, '--key', key, ...args], { input: input ?? '', encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`sanling ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  if (setup) await setup(store);
  else loadDemo(store);
  const proc = spawn(BIN, ['--db', db, '--key', key, 'serve', '--port', '0', '--threads', '2', '--web', WEB],
    { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error('server did not start: ' + stderr)), 20000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^/\s]+)\//);
      if (m) { clearTimeout(t); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(t); reject(new Error(`server exited ${code}: ${stderr}`)); });
  });
  mkdirSync(SHOTS, { recursive: true });
  return {
    url, cli, dir,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
      store.cleanup();
    },
  };
}

// One chromium per test run, with a fresh profile (--user-data-dir); a
// phone (`touch`: a touch screen, the mobile viewport rules) is a second one.
const shared = {};
async function browser(touch = false) {
  const kind = touch ? 'phone' : 'desktop';
  if (shared[kind]) return shared[kind];
  const profile = mkdtempSync(join(tmpdir(), 'sanling-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai', // the users' clock, as the server's day is China's
    acceptDownloads: true,
    ...(touch ? { hasTouch: true, isMobile: true } : {}),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  shared[kind] = { ctx, profile };
  return shared[kind];
}

export async function closeBrowser() {
  for (const kind of Object.keys(shared)) {
    await shared[kind].ctx.close();
    rmSync(shared[kind].profile, { recursive: true, force: true });
    delete shared[kind];
  }
}

// A fresh page with no session (cookies and storage cleared).  `allow`
// lists the console errors a test expects (Chromium logs every HTTP error
// answer, e.g. the 404 of an out-of-scope record, as "Failed to load
// resource … status of 404" with the URL); anything else logged as an
// error, or thrown, fails the test.  `touch`: on the phone's browser.
export async function browse(base, { width = 1366, height = 768, allow = [], touch = false } = {}) {
  const { ctx } = await browser(touch);
  await ctx.clearCookies();
  for (const p of ctx.pages()) await p.close();
  const page = await ctx.newPage();
  await page.setViewportSize({ width, height });
  await page.goto(base + '/favicon.svg');
  await page.evaluate(() => localStorage.clear());
  page.setDefaultTimeout(25000);
  const errors = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const where = (m.location() && m.location().url) || '';
    const line = `${m.text()} @ ${where}`;
    if (allow.some((re) => re.test(line))) return;
    errors.push(line);
  });
  page.on('pageerror', (e) => errors.push('uncaught: ' + (e.stack || e.message)));
  return {
    page,
    errors,
    async close() {
      await page.close();
    },
  };
}

// Log in through the form and land on `to` (straight there, as after
// following a link while logged out).
export async function login(page, base, username, { password = DEMO_PASSWORD, to = null } = {}) {
  await page.goto(base + '/login' + (to ? '?redirect=' + encodeURIComponent(to) : ''));
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('[data-test=login-submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

export async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: false });
}

// Element Plus: choose an option of the select inside form item `field`.
export async function pickOption(page, field, text, scope = 'body') {
  const chosen = page.locator(`${scope} [data-field="${field}"] .el-select__selected-item`).filter({ hasText: text }).first();
  // a click lost to a dropdown still opening or closing on a busy machine is made again
  for (let attempt = 1; ; attempt++) {
    await page.locator(`${scope} [data-field="${field}"] .el-select__wrapper`).click();
    const opt = page.locator('.el-select-dropdown__item:visible').filter({ hasText: text }).first();
    await opt.click();
    try {
      await chosen.waitFor({ timeout: 3000 });
      return;
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
}

// A remote select: type `query`, then choose the option containing `text`.
export async function pickRef(page, field, query, text, scope = 'body') {
  const item = page.locator(`${scope} [data-field="${field}"]`);
  for (let attempt = 0; attempt < 3; attempt++) {
    await item.locator('.el-select__wrapper').click();
    await item.locator('input').fill(query);
    const opt = page.locator('.el-select-dropdown__item:visible').filter({ hasText: text }).first();
    await opt.waitFor();
    await opt.click();
    // the options are replaced as answers arrive: make sure the choice stuck
    try {
      await item.locator('.el-select__selected-item').filter({ hasText: text }).first().waitFor({ timeout: 3000 });
      return;
    } catch (e) {
      /* try again */
    }
  }
  throw new Error(`could not choose ${text} in ${field}`);
}

// A date or month picker: type the value and confirm it.
export async function typeDate(page, field, value, scope = 'body') {
  const input = page.locator(`${scope} [data-field="${field}"] input`);
  await input.click();
  await input.fill(value);
  await input.press('Enter');
  // the panel closes on Enter; leave the field (Escape would close a dialog)
  await page.locator('.el-picker__popper:visible').waitFor({ state: 'hidden' }).catch(() => {});
}

// Accept the Element Plus confirm box.
export async function confirmBox(page) {
  await page.locator('.el-message-box__btns .el-button--primary').click();
}

// The entries of a zip file (an XLSX) as {name: Buffer}.
export function unzip(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = {};
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nlen = buf.readUInt16LE(p + 28);
    const xlen = buf.readUInt16LE(p + 30);
    const clen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nlen).toString('utf8');
    const lnlen = buf.readUInt16LE(local + 26);
    const lxlen = buf.readUInt16LE(local + 28);
    const data = buf.subarray(local + 30 + lnlen + lxlen, local + 30 + lnlen + lxlen + csize);
    out[name] = method === 8 ? inflateRawSync(data) : Buffer.from(data);
    p += 46 + nlen + xlen + clen;
  }
  return out;
}

// The month before the current one (events dated there are in the past, and
// the month has ended, so it can be confirmed and published).
export function lastMonth() {
  const d = new Date(Date.now() + 8 * 3600e3); // the server's month is China's
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

// axe on the page as it is now: no serious or critical violation of the
// WCAG 2.1 A/AA rules, none of them excluded (what axe found in Element
// Plus's widgets is fixed by props, styles or names: see Shell.vue).  The
// script goes in through the DevTools protocol (page.evaluate), which the
// page's Content-Security-Policy does not govern, as a <script> tag would be.
let axeScript = null;
export async function axe(page, what) {
  // the page settled: no skeleton or loading mask left (a long poll keeps the network busy)
  await page.waitForFunction(() => !document.querySelector('.el-skeleton, .el-loading-mask'));
  axeScript = axeScript || readFileSync(join(ROOT, 'web', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeScript);
  const r = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    resultTypes: ['violations'],
  }));
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n    ` + v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' ' + n.html.slice(0, 160) + ' — ' + n.failureSummary.replace(/\s+/g, ' ').slice(0, 160)).join('\n    '));
  assert.deepEqual(bad, [], `${what}: axe violations`);
}

// Run `fn(page, b)` in a fresh browser on `base` (browse()'s `opts`); fail
// on a console error it did not expect; on a failure, a screenshot named
// FAILED-`tag`-N and the console errors in the message.
let failures = 0;
export async function withBrowser(base, opts, fn, tag) {
  const b = await browse(base, opts);
  try {
    await fn(b.page, b);
    assert.deepEqual(b.errors, [], 'console errors');
  } catch (e) {
    await shot(b.page, `FAILED-${tag}-${++failures}`).catch(() => {});
    if (b.errors.length) e.message += '\nconsole errors:\n' + b.errors.join('\n');
    throw e;
  } finally {
    await b.close();
  }
}

// A console line of an HTTP error answer of the API (for browse()'s `allow`).
export const apiError = (status, path) => new RegExp(`status of ${status}\\b.*@ .*/api/v1/${path}`);
