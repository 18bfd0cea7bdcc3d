// bench/sync.mjs: benchmark 13 — the phone's outbox (issue 15).
//
//   node bench/sync.mjs [RUNS]      (RUNS: batches of each kind, default 5)
//
// A fresh SQLite database with the small district of the API tests
// (tests/api/lib.mjs) and a real `sanling serve`.  One phone user (`grid1`,
// a grid worker) sends batches of 50 offline records: 50 patrols, every
// fifth with a dispute found on it, each patrol with one small photo (a
// 4 KiB PNG, base64 in the batch).  Measured, each the median of RUNS:
//   a. POST /api/v1/sync of the batch (new keys, new records each run);
//   b. the same batch sent again: nothing stored, every item replayed;
//   c. the baseline, in the same run: the same 50 patrols, 10 disputes and
//      50 photos entered the way the browser's forms enter them, one request
//      each, one after the other (POST /patrols, POST /disputes naming the
//      patrol, POST /patrols/{id}/attachments with the file as the body):
//      110 requests;
//   d. for scale, the same 50 patrols without photos or disputes;
//   e. and with a phone camera's photo each, resized (110 KiB, 50
//      different ones: ~7.5 MB of base64 in the one request).
// Every answer is checked (201s, the numbers given), and the rows are
// counted after.  The server's CPU time for the batches of a is taken too
// (/proc/PID/stat), a figure that the machine's other load does not inflate.
// Prints a Markdown table on stdout (bench/run appends it
// to RESULTS.md).  Client and server share the machine's cores.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { freshDb, loadDistrict, startServer } from '../tests/api/lib.mjs';
import { png } from '../tests/api/attach_files.mjs';

const RUNS = Number(process.argv[2] || 5);
const GRID = '41000000100101';
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor((s.length - 1) / 2)]; };
const ms = (x) => x.toFixed(1);
const photo = png(24, 24, [60, 120, 200], 4096);
const b64 = photo.toString('base64');

// Records of run `tag` (distinct patrollers: one patrol a person a slot).
function records(tag, withExtras) {
  return Array.from({ length: 50 }, (_, i) => ({
    patrol: { grid: GRID, patroller: `${tag}-${i}`, patrolled_on: '2023-05-04', slot: i % 2 ? 'pm' : 'am',
      started_at: '08:30', ended_at: '10:00', notes: '巡查' },
    dispute: withExtras && i % 5 === 0 ? { source: 'grid', category: 'family', summary: '邻里纠纷' } : null,
    photo: withExtras,
  }));
}

function batch(tag, recs, photos) {
  return recs.map((r, i) => ({
    key: `${tag}-key-${i}`, entity: 'patrols', record: r.patrol,
    ...(r.dispute ? { found: [{ entity: 'disputes', record: r.dispute }] } : {}),
    ...(r.photo ? { photos: [{ name: `p${i}.png`, data: photos ? photos[i] : b64 }] } : {}),
  }));
}
// 50 different photos of a phone's size after resizing (110 KiB each)
const bigPhotos = (run) => Array.from({ length: 50 }, (_, i) => png(16, 16, [run, i, 7], 110 * 1024).toString('base64'));

// POST `body` (a Buffer, sent whole with its length) on a kept-alive connection: the JSON answer.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function post(url, path, client, body, type = 'application/json') {
  return new Promise((resolve, reject) => {
    const req = http.request(url + path, { method: 'POST', agent, headers: { cookie: client.cookieHeader(),
      'X-CSRF-Token': client.csrf, 'content-type': type, 'content-length': body.length } }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        resolve({ status: res.statusCode, text, json: text ? JSON.parse(text) : null });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

// The server's CPU time so far (user + system), in ms (/proc: clock ticks of 10 ms).
const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};

async function timed(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const store = freshDb();
let srv;
try {
  loadDistrict(store);
  srv = await startServer({ store, args: ['--threads', process.env.BENCH_THREADS || '2'] });
  const g = await srv.client().loginReady('grid1');
  // the batch as the phone sends it: serialised before, sent whole
  const sync = async (items, want) => {
    const r = await post(srv.url, '/api/v1/sync', g, items);
    if (r.status !== 200 || r.json.items.some((x) => x.status !== want))
      throw new Error('sync: ' + r.text.slice(0, 400));
    return r;
  };
  const body = JSON.stringify({ items: batch('size', records('size', true)) }).length;
  // warm up: the server's caches, the connection
  await sync(Buffer.from(JSON.stringify({ items: batch('warm', records('warm', true)) })), 201);

  const t = { sync: [], replay: [], single: [], bare: [], big: [] };
  let bigSize = 0, cpu = 0, cpuBig = 0;
  const text = (items) => Buffer.from(JSON.stringify({ items }));
  for (let run = 0; run < RUNS; run++) {
    const items = text(batch(`s${run}`, records(`s${run}`, true)));
    const bare = text(batch(`b${run}`, records(`b${run}`, false)));
    const c0 = cpuMs(srv.proc.pid);
    t.sync.push(await timed(() => sync(items, 201)));
    cpu += cpuMs(srv.proc.pid) - c0;
    t.replay.push(await timed(() => sync(items, 200)));
    t.bare.push(await timed(() => sync(bare, 201)));
    const big = text(batch(`p${run}`, records(`p${run}`, true), bigPhotos(run)));
    bigSize = big.length;
    const c1 = cpuMs(srv.proc.pid);
    t.big.push(await timed(() => sync(big, 201)));
    cpuBig += cpuMs(srv.proc.pid) - c1;
    // the baseline: one request per record and per photo
    const recs = records(`c${run}`, true);
    t.single.push(await timed(async () => {
      for (const r of recs) {
        const p = await post(srv.url, '/api/v1/patrols', g, Buffer.from(JSON.stringify(r.patrol)));
        if (p.status !== 201) throw new Error('patrol: ' + p.text);
        if (r.dispute) {
          const d = await post(srv.url, '/api/v1/disputes', g, Buffer.from(JSON.stringify({ ...r.dispute, patrol: p.json.no })));
          if (d.status !== 201) throw new Error('dispute: ' + d.text);
        }
        const a = await post(srv.url, `/api/v1/patrols/${p.json.id}/attachments?name=p.png`, g, photo, 'image/png');
        if (a.status !== 201) throw new Error('attach: ' + a.text);
      }
    }));
  }
  // what was stored: (RUNS × 4 + 1) × 50 patrols, (RUNS × 3 + 1) × 10 disputes
  const office = await srv.client().loginReady('office');
  const patrols = (await office.get('/api/v1/patrols?page_size=1')).json.total;
  const disputes = (await office.get('/api/v1/disputes?page_size=1')).json.total;
  if (patrols !== (RUNS * 4 + 1) * 50 || disputes !== (RUNS * 3 + 1) * 10)
    throw new Error(`stored ${patrols} patrols, ${disputes} disputes`);

  const ms1 = median(t.sync), single = median(t.single);
  const met = (ok) => (ok ? 'yes' : '**no**');
  console.log('| figure | value | baseline | ratio | target | met |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| 13a. \`POST /api/v1/sync\`: 50 offline patrols (10 with a dispute found), a 4 KiB photo each, one batch (${(body / 1024).toFixed(0)} KiB), median of ${RUNS} | ${ms(ms1)} ms | the same records and photos by 110 separate requests (POST /patrols, /disputes, /patrols/{id}/attachments) ${ms(single)} ms | ${(ms1 / single).toFixed(2)} | < 100 ms | ${met(ms1 < 100)} |`);
  console.log(`| 13b. the same batch sent again (every item replayed, nothing stored) | ${ms(median(t.replay))} ms | — | — | — | — |`);
  console.log(`| 13c. 50 patrols alone (no photo, nothing found), one batch | ${ms(median(t.bare))} ms | — | — | — | — |`);
  console.log(`| 13d. the batch of 13a with a phone's resized photo each (50 different, 110 KiB; ${(bigSize / 1048576).toFixed(1)} MiB) | ${ms(median(t.big))} ms | — | — | — | — |`);
  console.log('');
  console.log(`(the server's CPU time for a batch of 13a, user + system, mean of ${RUNS}: ${ms(cpu / RUNS)} ms (13d: ${ms(cpuBig / RUNS)} ms) — what a batch costs whatever else the machine runs; load average at the end ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
  console.log('');
  console.log(`(runs: sync ${t.sync.map(ms).join(' / ')} ms; separate requests ${t.single.map(ms).join(' / ')} ms; the server at --threads ${process.env.BENCH_THREADS || 2}, SQLite; one client, requests one after the other)`);
} finally {
  await srv?.stop();
  store.cleanup();
}
