// related.test.mjs: 关联记录 on a record's page in chromium — a patrol synced
// from a phone with a dispute and a hazard found on it shows both, each a
// link to its record, and the dispute's page links back to the patrol (its
// 发现于巡查 field); a record nothing names shows no such card.  Its own
// small district (the API tests' fixture) on a server serving the web build.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { districtServer } from '../api/util.mjs';
import { NEW_PASSWORD } from '../api/lib.mjs';
import { withBrowser, login, closeBrowser, WEB } from './lib.mjs';

let d;
after(async () => { await closeBrowser(); await d?.stop(); });

test('a patrol\'s page lists what it found, linked both ways', async () => {
  d = await districtServer(null, ['--web', WEB]);
  await d.as('office');
  const g = await d.as('grid1');
  const r = await g.post('/api/v1/sync', { items: [{ key: 'e2e-related-1', entity: 'patrols',
    record: { grid: '41000000100101', patroller: '张网格', patrolled_on: '2023-05-04', slot: 'am' },
    found: [{ entity: 'disputes', record: { source: 'grid', category: 'family' } },
      { entity: 'hazards', record: { subject: 'V1', level: 'general', domain: 'fire', deadline: '2023-06-04' } }] },
  { key: 'e2e-related-2', entity: 'patrols', record: { grid: '41000000100101', patroller: '张网格', patrolled_on: '2023-05-04', slot: 'pm' } }] });
  assert.equal(r.status, 200, r.text);
  const [it, lone] = r.json.items;
  assert.deepEqual([it.status, lone.status], [201, 201], r.text);
  await withBrowser(d.srv.url, {}, async (page) => {
    const b = { page };
    await login(b.page, d.srv.url, 'office', { password: NEW_PASSWORD, to: `/patrols/${it.id}` });
    await b.page.waitForSelector('[data-test=related] [data-list=hazards]');
    const links = await b.page.locator('[data-test=related-link]').allInnerTexts();
    assert.deepEqual(links.sort(), it.found.map((f) => f.no).sort());
    await b.page.click(`[data-test=related] [data-list=disputes] [data-test=related-link]`);
    await b.page.waitForURL(`**/disputes/${it.found[0].id}`);
    await b.page.waitForSelector('[data-field=patrol] a');
    assert.equal(await b.page.locator('[data-field=patrol] a').getAttribute('href'), `/patrols/${it.id}`);
    // a patrol that found nothing: no card
    await b.page.goto(`${d.srv.url}/patrols/${lone.id}`);
    await b.page.waitForSelector('[data-test=fields]');
    await b.page.waitForTimeout(500);
    assert.equal(await b.page.locator('[data-test=related]').count(), 0);
  }, 'related');
});
