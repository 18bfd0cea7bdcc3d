// keep.test.mjs: the determinations and the figure cells are kept current by
// the writes (issue 19, src/assess/freshness.c and cells.c: cells_add), and
// kept exactly: on a copy of the demo district whose months 2022-01..2023-08
// are computed, thousands of random writes of every kind that changes them
// (events created, moved to another month or subject, changed in what the
// vetoes read; hazards rectified; disputes closed; subjects created, moved,
// retyped and retired; standards with and without the checklist; checklist
// scores; overrides; patrols; an import of many rows at once; a month published and
// reopened) go through the API, and
// after each batch
//   - every computed month is still fresh: a read after the writes
//     recomputes nothing (the months' computed_at stay as they were);
//   - the determinations and the cells as the writes left them are, row for
//     row, what a full recomputation from scratch gives (the districts'
//     versions bumped, every month computed again), and so are the figures.
// On both engines (SANLING_TEST_BACKEND).  The random draws come from a
// seeded generator, printed, so a failure can be replayed (KEEP_SEED).
import test from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, demoServer } from './lib.mjs';
import { sql } from './util.mjs';

const SEED = Number(process.env.KEEP_SEED || Date.now() % 1000000);
const BATCHES = Number(process.env.KEEP_BATCHES || 8);
const WRITES = Number(process.env.KEEP_WRITES || 180);
const THROUGH = ['2022-12', '2023-08'];
const MONTHS = [];
for (const y of [2022, 2023]) for (let m = 1; m <= (y === 2022 ? 12 : 8); m++) MONTHS.push(`${y}-${String(m).padStart(2, '0')}`);

// mulberry32: a small seeded generator
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MEASURES = ['visit_batches', 'visit_persons', 'online_petitions', 'petition_activities', 'inspections',
  'hazards_found', 'hazards_rectified', 'coerced_persons', 'prosecuted_persons', 'disputes_mediated',
  'disputes_success', 'villages_zero_case', 'enterprises_zero_case', 'villages_total', 'villages_compliant',
  'enterprises_total', 'enterprises_compliant'];

// The stored state: every cell that counts something, every determination, the months computed.
function state(store) {
  const q = (s) => sql(store, s, BACKEND).split('\n').filter(Boolean);
  return {
    cells: q(`SELECT district, month, township, supervisor, until_month, level, ${MEASURES.join(', ')} FROM figure_cells ` +
      `WHERE ${MEASURES.map((m) => `${m} <> 0`).join(' OR ')} ORDER BY 1, 2, 3, 4, 5, 6`),
    determinations: q('SELECT district, month, subject, petition_fail, accident_fail, case_fail, checklist_fail, ' +
      'petition_final, accident_final, case_final, fail FROM determinations ORDER BY 1, 2, 3'),
  };
}

// The months whose determinations and cells are fresh, with the version and time each was computed at.
function fresh(store) {
  return sql(store, 'SELECT m.month, m.computed_version, m.computed_at FROM assess_months m JOIN figure_months f ON f.district = m.district ' +
    'AND f.month = m.month WHERE m.computed_version = COALESCE((SELECT version FROM assess_versions v WHERE ' +
    'v.district = m.district), 0) AND f.assess_version = m.computed_version AND f.figure_version = ' +
    'COALESCE((SELECT version FROM figure_versions v WHERE v.district = m.district), 0) ORDER BY 1', BACKEND);
}

async function figures(office) {
  const out = {};
  for (const t of THROUGH) {
    const r = await office.get(`/api/v1/figures?through=${t}`);
    assert.equal(r.status, 200, r.text);
    out[t] = r.json;
  }
  return out;
}

function diff(a, b) {
  const sa = new Set(a), sb = new Set(b);
  return { only_kept: a.filter((x) => !sb.has(x)).slice(0, 5), only_recomputed: b.filter((x) => !sa.has(x)).slice(0, 5) };
}

test(`writes keep the determinations and the figure cells exactly (seed ${SEED})`, async () => {
  const d = await demoServer(['office', 'petition', 'safety', 'police', 'chengguan', 'grid']);
  const { office, petition, safety, police, chengguan, grid } = d.clients;
  const rand = rng(SEED);
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  const day = () => `${pick(MONTHS)}-${String(int(1, 28)).padStart(2, '0')}`;
  // a day of the months computed, on or after `date`
  const laterDay = (date) => { const d2 = `${pick(MONTHS.filter((m) => m >= date.slice(0, 7)))}-28`; return d2 < date ? date : d2; };
  const counts = {};
  // an event whose subject has since moved to another township keeps the old one until moved too
  const moved = (what, r) => {
    if (r.status === 422 && r.json.field === 'township') return null;
    return ok(what, r, 200);
  };
  const ok = (what, r, ...want) => {
    assert.ok(want.includes(r.status), `${what}: ${r.status} ${r.text} ${d.srv.stderr().slice(-800)}`);
    counts[what] = (counts[what] || 0) + (r.status < 300 ? 1 : 0);
    return r.json;
  };
  try {
    // the subjects to write about: villages and enterprises of every township, and of 城关回族镇
    const subjects = sql(d.store, "SELECT code, kind, township FROM subjects WHERE active_to IS NULL ORDER BY code", BACKEND)
      .split('\n').map((l) => l.split('|')).filter((_, i) => i % 7 === 0);
    const codes = subjects.map((s) => s[0]);
    const townshipOf = Object.fromEntries(subjects.map((s) => [s[0], s[2]]));
    // another subject, with its township (an event's township is its subject's)
    const moveTo = () => { const subject = pick(codes); return { subject, township: townshipOf[subject] }; };
    const townships = [...new Set(subjects.map((s) => s[2]))];
    const ours = sql(d.store, "SELECT code FROM subjects WHERE township = '411603100000' AND active_to IS NULL ORDER BY code", BACKEND).split('\n');
    const departments = sql(d.store, "SELECT code FROM departments WHERE roles LIKE '%supervisor%' ORDER BY code", BACKEND).split('\n');
    await figures(office); // every month computed
    let computed = fresh(d.store);
    assert.equal(computed.split('\n').length, MONTHS.length, computed);

    const made = { petitions: [], cases: [], accidents: [], hazards: [], disputes: [], subjects: [], patrols: [] };
    const myGrid = sql(d.store, "SELECT grid FROM users WHERE username = 'grid'", BACKEND);
    let n = 0;
    const no = (p) => `K${p}${SEED}-${++n}`;
    const writes = [
      // petitions: new, moved in time or to another subject, what the veto reads changed
      [6, async () => {
        const j = ok('petition', await petition.post('/api/v1/petitions', {
          no: no('P'), received_on: day(), channel: pick(['visit', 'online', 'letter', 'phone']), persons: int(1, 8),
          level: pick(['village', 'township', 'township', 'county', 'city']), subject: pick(codes), category: 'land',
          summary: '测试' }), 201);
        made.petitions.push(j.id);
      }],
      [5, async () => {
        if (!made.petitions.length) return;
        const change = pick([{ received_on: day() }, moveTo(), { level: pick(['village', 'county', 'province']) },
          { persons: int(1, 9) }, { channel: pick(['visit', 'online']) }, { received_on: day(), ...moveTo() }]);
        moved('petition moved', await petition.update(`/api/v1/petitions/${pick(made.petitions)}`, change));
      }],
      // cases and accidents: the other vetoes
      [3, async () => {
        const j = ok('case', await police.post('/api/v1/cases', { no: no('C'), kind: pick(['criminal', 'public_order']),
          major_impact: rand() < 0.5, category: 'theft_robbery_fraud', occurred_on: day(), subject: pick(codes),
          coerced: int(0, 3), prosecuted: int(0, 2), summary: '测试' }), 201);
        made.cases.push(j.id);
      }],
      [3, async () => {
        if (!made.cases.length) return;
        const change = pick([{ occurred_on: day() }, moveTo(), { kind: pick(['criminal', 'public_order']) },
          { major_impact: rand() < 0.5 }, { coerced: int(0, 4), prosecuted: int(0, 4) }]);
        moved('case moved', await police.update(`/api/v1/cases/${pick(made.cases)}`, change));
      }],
      [2, async () => {
        const j = ok('accident', await safety.post('/api/v1/accidents', { no: no('A'), occurred_on: day(), subject: pick(codes),
          domain: 'gas', deaths: int(0, 1), injuries: int(0, 2), production: rand() < 0.5, summary: '测试' }), 201);
        made.accidents.push(j.id);
      }],
      [2, async () => {
        if (!made.accidents.length) return;
        moved('accident moved', await safety.update(`/api/v1/accidents/${pick(made.accidents)}`,
          pick([{ occurred_on: day() }, moveTo(), { deaths: 0, injuries: 0 }])));
      }],
      // the figures' own events
      [2, async () => {
        const found = day();
        const j = ok('hazard', await safety.post('/api/v1/hazards', { no: no('H'), subject: pick(codes), level: 'general',
          domain: 'fire', found_on: found, deadline: found, description: '测试' }), 201);
        made.hazards.push([j.id, found]);
      }],
      [2, async () => {
        if (!made.hazards.length) return;
        const [id, found] = pick(made.hazards);
        moved('hazard rectified', await safety.update(`/api/v1/hazards/${id}`, { rectified_on: laterDay(found) }));
      }],
      [2, async () => {
        ok('inspection', await safety.post('/api/v1/inspections', { no: no('I'), inspected_on: day(), subject: pick(codes),
          domain: 'fire', inspector: '测试' }), 201);
      }],
      [1, async () => {
        ok('activity', await petition.post('/api/v1/petition_activities', { no: no('F'), held_on: day(),
          kind: 'open_reception', leader: '测试', place: '测试', petitions_handled: int(0, 5) }), 201);
      }],
      [2, async () => {
        const j = ok('dispute', await chengguan.post('/api/v1/disputes', { no: no('D'), found_on: day(), source: 'grid',
          category: 'family', subject: pick(ours), mediation: 'people', amount: '100' }), 201);
        made.disputes.push(j.id);
      }],
      [2, async () => {
        if (!made.disputes.length) return;
        const id = pick(made.disputes);
        const cur = (await chengguan.get(`/api/v1/disputes/${id}`)).json;
        if (cur.status === 'registered') {
          moved('dispute mediating', await chengguan.update(`/api/v1/disputes/${id}`, { status: 'mediating' }));
        } else if (cur.status === 'mediating') {
          moved('dispute closed', await chengguan.update(`/api/v1/disputes/${id}`,
            { status: pick(['success', 'failed']), closed_on: laterDay(cur.found_on) }));
        } else {
          moved('dispute redated', await chengguan.update(`/api/v1/disputes/${id}`, { closed_on: laterDay(cur.found_on) }));
        }
      }],
      // subjects: new, moved to another township or department, retyped, retired
      [2, async () => {
        const kind = pick(['village', 'enterprise', 'institution']);
        const j = ok('subject', await office.post('/api/v1/subjects', { code: no('S'), name: '测试主体', kind,
          category: kind === 'village' ? undefined : 'restaurant', township: pick(townships),
          supervisor: kind === 'village' ? undefined : pick(departments), active_from: pick(MONTHS) }), 201, 422);
        if (j && j.id) { made.subjects.push(j.id); codes.push(j.code); townshipOf[j.code] = j.township; }
      }],
      [2, async () => {
        const code = pick(codes);
        const s = (await office.get(`/api/v1/subjects?code=${code}`)).json.items[0];
        if (!s) return;
        const change = s.kind === 'village' || s.kind === 'community'
          ? pick([{ township: pick(townships) }, { kind: s.kind === 'village' ? 'community' : 'village' }])
          : pick([{ township: pick(townships) }, { supervisor: pick(departments) }, { kind: s.kind === 'enterprise' ? 'institution' : 'enterprise' }]);
        const r = await office.update(`/api/v1/subjects/${s.id}`, change);
        ok('subject moved', r, 200, 422);
        if (r.status === 200) townshipOf[code] = r.json.township;
      }],
      [1, async () => {
        const s = (await office.get(`/api/v1/subjects?code=${pick(codes)}`)).json.items[0];
        if (!s || s.active_to) return;
        ok('subject retired', await office.post(`/api/v1/subjects/${s.id}/retire`, { month: pick(MONTHS.filter((m) => m >= s.active_from)) }), 200, 422);
      }],
      // standards, with the checklist or without, and checklist scores
      [0.3, async () => {
        const checklist = rand() < 0.5;
        ok('standard', await office.post('/api/v1/standards', { code: no('V'), kind: pick(['village', 'enterprise', 'community', 'institution']),
          effective_from: pick(MONTHS), petition_level: pick(['township', 'county', 'city']), collective_persons: int(3, 8),
          collective_level: 'township', accident_casualties: int(1, 2), accident_production_only: rand() < 0.5,
          case_criminal: rand() < 0.8, case_public_order_major: rand() < 0.8, target: 80, checklist,
          checklist_pass: checklist ? 60 : undefined }), 201, 409); // 409: that kind has a version from that month
      }],
      [2, async () => {
        const scores = Object.fromEntries(['leadership', 'prevention', 'disputes', 'key_groups', 'hazards', 'rule_of_law',
          'services', 'satisfaction'].map((h) => [h, int(40, 100)]));
        ok('checklist', await office.post('/api/v1/checklists', { subject: pick(codes), month: pick(MONTHS), ...scores }), 201, 409, 422);
      }],
      // patrols of the grid worker's grid: a day joins the grid-days with both slots, or leaves them
      [3, async () => {
        const r = await grid.post('/api/v1/patrols', { grid: myGrid, patroller: pick(['甲', '乙', '丙']), patrolled_on: day(),
          slot: pick(['am', 'pm']) });
        ok('patrol', r, 201, 409, 422); // 409/422: that patroller already patrolled that slot
        if (r.status === 201) made.patrols.push(r.json.id);
      }],
      [2, async () => {
        if (!made.patrols.length) return;
        ok('patrol moved', await grid.update(`/api/v1/patrols/${pick(made.patrols)}`,
          pick([{ slot: pick(['am', 'pm']) }, { patrolled_on: day() }])), 200, 409, 422);
      }],
      // overrides by the lead of the dimension
      [1, async () => {
        const [who, dimension] = pick([[petition, 'petition'], [safety, 'accident'], [police, 'case']]);
        ok('override', await who.post(`/api/v1/months/${pick(MONTHS)}/overrides`, { subject: pick(codes), dimension,
          result: pick(['pass', 'fail']), reason: '测试改定' }), 200, 201, 422);
      }],
    ];
    const total = writes.reduce((s, [w]) => s + w, 0);
    for (let b = 0; b < BATCHES; b++) {
      if (b === 1) {
        // a month published and reopened: computed again at its next read, then kept by the writes
        for (const [who, dimension] of [[petition, 'petition'], [safety, 'accident'], [police, 'case']])
          ok('certify', await who.post('/api/v1/months/2023-03/certify', { dimension }), 200);
        ok('publish', await office.post('/api/v1/months/2023-03/publish', {}), 200);
        ok('reopen', await office.post('/api/v1/months/2023-03/reopen', { reason: '补录后重新认定' }), 200);
        assert.notEqual(fresh(d.store), computed, 'the reopened month is no longer kept');
        await figures(office);
        computed = fresh(d.store);
        assert.equal(computed.split('\n').length, MONTHS.length, 'computed again by the read');
      }
      for (let i = 0; i < WRITES; i++) {
        let x = rand() * total;
        const w = writes.find(([weight]) => (x -= weight) < 0) || writes[0];
        await w[1]();
      }
      // and an import of many rows at once: petitions, new and changed
      const rows = ['信访编号,登记日期,信访形式,人数,最高到达层级,涉及主体,问题类别,主要诉求'];
      for (let i = 0; i < 40; i++)
        rows.push([no('M'), day(), pick(['来访', '网上']), int(1, 7), pick(['乡级', '县级', '市级']), pick(codes), '其他', '导入'].join(','));
      ok('import', await petition.req('POST', '/api/v1/petitions/import?format=csv', rows.join('\n') + '\n',
        { headers: { 'content-type': 'text/csv' }, raw: true }), 200);

      // a read after the writes recomputes nothing …
      const kept = state(d.store);
      const before = await figures(office);
      assert.equal(fresh(d.store), computed, `batch ${b}: every month stays computed as it was (seed ${SEED})`);
      // … and what the writes kept is what a recomputation from scratch gives
      for (const t of ['assess_versions', 'figure_versions'])
        sql(d.store, `INSERT INTO ${t} (district, version) SELECT code, 1 FROM regions WHERE level = 'district' ` +
          `ON CONFLICT (district) DO UPDATE SET version = ${t}.version + 1`, BACKEND);
      const after = await figures(office);
      const again = state(d.store);
      const recomputed = fresh(d.store);
      assert.equal(recomputed.split('\n').length, MONTHS.length);
      assert.ok(recomputed.split('\n').every((l, i) => l.split('|')[1] !== computed.split('\n')[i].split('|')[1]),
        `batch ${b}: every month was computed again`);
      assert.deepEqual(diff(kept.determinations, again.determinations), { only_kept: [], only_recomputed: [] },
        `batch ${b}: determinations (seed ${SEED})`);
      assert.deepEqual(diff(kept.cells, again.cells), { only_kept: [], only_recomputed: [] }, `batch ${b}: cells (seed ${SEED})`);
      assert.deepEqual(before, after, `batch ${b}: figures (seed ${SEED})`);
      // the grid-days the patrols' writes kept, against a count of the patrols themselves
      const q = (s) => sql(d.store, s, BACKEND).split('\n').filter(Boolean);
      assert.deepEqual(q('SELECT district, township, grid, month, days FROM patrol_cells WHERE days <> 0 ORDER BY 1, 2, 3, 4'),
        q("SELECT district, COALESCE(township, ''), grid, SUBSTR(patrolled_on, 1, 7), COUNT(*) FROM (SELECT DISTINCT " +
          "district, township, grid, patrolled_on FROM patrols p WHERE EXISTS (SELECT 1 FROM patrols a WHERE a.grid = p.grid " +
          "AND a.patrolled_on = p.patrolled_on AND a.slot = 'am') AND EXISTS (SELECT 1 FROM patrols b WHERE b.grid = p.grid " +
          "AND b.patrolled_on = p.patrolled_on AND b.slot = 'pm')) x GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"),
        `batch ${b}: the grid-days with both slots (seed ${SEED})`);
      // and the patrols of each cell, against the patrols themselves
      assert.deepEqual(q('SELECT district, township, grid, month, patrols FROM patrol_cells WHERE patrols <> 0 ORDER BY 1, 2, 3, 4'),
        q("SELECT district, COALESCE(township, ''), grid, SUBSTR(patrolled_on, 1, 7), COUNT(*) FROM patrols " +
          'GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4'), `batch ${b}: the patrols of each cell (seed ${SEED})`);
      computed = recomputed; // the next batch's start
    }
    console.log('writes', JSON.stringify(counts));
    // the writes were of every kind, and most of them went through
    for (const k of ['patrol', 'patrol moved', 'petition', 'petition moved', 'case', 'case moved', 'accident', 'hazard', 'hazard rectified', 'inspection',
      'dispute', 'dispute closed', 'subject', 'subject moved', 'subject retired', 'checklist', 'override', 'import'])
      assert.ok(counts[k] > 0, `some writes of ${k}: ${JSON.stringify(counts)}`);
  } finally {
    await d.stop();
  }
});
