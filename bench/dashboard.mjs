// dashboard.mjs: how soon the dashboard of the demo district is usable, in
// headless chromium on loopback (issue 5's speed target: interactive in
// under 1 s).  A fresh demo database and a real `sanling serve` (the e2e
// harness), logged in as the office; then, RUNS times, a fresh navigation
// to /dashboard measured from the navigation's start to
//   - first: the figure cards show their numbers (the page answers input),
//   - charts: every chart (township and sector rankings, trend) drawn, and
//     every list filled: the warnings, the overdue counts, the recent
//     events (names of referenced records may still be arriving: a code
//     shows until its name does).
// Prints one line of JSON: { runs: [...], median_first_ms, median_charts_ms }.
import { startServer, browse, login, closeBrowser } from '../tests/e2e/lib.mjs';

const RUNS = Number(process.env.RUNS || 3);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const srv = await startServer();
const runs = [];
try {
  const b = await browse(srv.url);
  await login(b.page, srv.url, 'office');
  for (let i = 0; i < RUNS + 1; i++) {
    const t0 = Date.now();
    await b.page.goto(srv.url + '/dashboard');
    await b.page.waitForFunction(() => {
      const el = document.querySelector('[data-test=fig-villages_rate]');
      return el && /\d/.test(el.textContent);
    }, null, { timeout: 60000 });
    const first = Date.now() - t0;
    for (const sel of ['[data-test=chart-town] canvas', '[data-test=chart-trend] canvas', '[data-test=chart-sector] canvas',
      '[data-test=warnings] .warn-item', '[data-test=overdue-count]', '[data-test=recent] .el-table__row']) {
      await b.page.locator(sel).first().waitFor({ timeout: 60000 });
    }
    await b.page.waitForFunction(() => [...document.querySelectorAll('[data-test=overdue-count]')].every((x) => x.textContent.trim() !== '—'),
      null, { timeout: 60000 });
    const charts = Date.now() - t0;
    if (i > 0) runs.push({ first_ms: first, charts_ms: charts }); // the first warms the caches
  }
  await b.close();
} finally {
  await closeBrowser();
  await srv.stop();
}
console.log(JSON.stringify({ runs, median_first_ms: median(runs.map((r) => r.first_ms)),
  median_charts_ms: median(runs.map((r) => r.charts_ms)) }));
