// attach.test.mjs: the attachments panel of a record's page in chromium: an
// image uploaded through el-upload shows as a thumbnail, a text file named
// .jpg is refused with the server's message, and a co-owner sees the files
// without an upload button.  Its own small district (the API tests'
// fixture) on a server that serves the web build.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { districtServer } from '../api/util.mjs';
import { NEW_PASSWORD } from '../api/lib.mjs';
import { png, pdf } from '../api/attach_files.mjs';
import { browse, login, shot, closeBrowser, WEB } from './lib.mjs';

let d;
after(async () => { await closeBrowser(); await d?.stop(); });

test('attachments: upload, thumbnail, a refused type, a co-owner without the button', async () => {
  d = await districtServer(null, ['--web', WEB]);
  const office = await d.as('office');
  await d.as('safety');
  const t = (await office.post('/api/v1/tasks', { no: 'UI-1', title: '附件界面', source: 'standard', owner: 'JT',
    co_owners: 'YJ', township: '410000001000', assigned_on: '2023-04-01', due_on: '2023-05-31' })).json;
  const r = await office.post(`/api/v1/tasks/${t.id}/attachments?name=${encodeURIComponent('通知.pdf')}`, pdf(),
    { raw: true, headers: { 'content-type': 'application/pdf' } });
  assert.equal(r.status, 201, r.text);
  const photo = join(d.store.dir, 'photo.png'), fake = join(d.store.dir, 'fake.jpg');
  writeFileSync(photo, png(40, 30, [30, 120, 200]));
  writeFileSync(fake, 'not an image');

  const b = await browse(d.srv.url, { allow: [/status of 422/] });
  await login(b.page, d.srv.url, 'office', { password: NEW_PASSWORD, to: `/tasks/${t.id}` });
  await b.page.waitForSelector('[data-test=attach-list]');
  await b.page.setInputFiles('[data-test=attach-upload] input[type=file]', photo);
  await b.page.waitForFunction(() => {
    const i = document.querySelector('.att-item[data-n="2"] img');
    return i && i.complete && i.naturalWidth === 40;
  });
  await b.page.setInputFiles('[data-test=attach-upload] input[type=file]', fake);
  await b.page.waitForSelector('.el-message--error');
  assert.match(await b.page.locator('.el-message--error').innerText(), /fake\.jpg：文件类型不受支持/);
  assert.equal(await b.page.locator('.att-item').count(), 2);
  await shot(b.page, 'attachments');
  assert.deepEqual(b.errors, []);
  await b.close();

  const b2 = await browse(d.srv.url);
  await login(b2.page, d.srv.url, 'safety', { password: NEW_PASSWORD, to: `/tasks/${t.id}` });
  await b2.page.waitForSelector('[data-test=attach-list]');
  assert.equal(await b2.page.locator('.att-item').count(), 2);
  assert.equal(await b2.page.locator('[data-test=attach-upload]').count(), 0, 'a co-owner does not upload');
  assert.deepEqual(b2.errors, []);
  await b2.close();
});
