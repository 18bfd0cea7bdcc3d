// menu.js: the left menu, built from the metadata: every entity the user
// may read, placed in its group (主体清单 / 三类事件 / 工作清单 / 基层治理 / 基础数据 / 系统管理),
// plus the pages of the user's role.  An entity the browser has never heard
// of still appears, under 基础数据 — the menu needs no change for it.  An
// office of a city or a province (市/省创建办) gets its dashboard and the
// lists it reads (with 三个清单, which is lists only), no page that asks the
// server for more (router.js's `region` pages).
import { session, isBusiness, isRegion } from './session.js';
import { entityLabel } from './format.js';
import { t } from './i18n.js';

const PLACE = {
  subjects: ['subjects'],
  petitions: ['events', 'petitionGroup'],
  petition_activities: ['events', 'petitionGroup'],
  request_letters: ['events', 'petitionGroup'],
  village_records: ['events', 'petitionGroup'],
  inspections: ['events', 'safetyGroup'],
  hazards: ['events', 'safetyGroup'],
  accidents: ['events', 'safetyGroup'],
  cases: ['events', 'caseGroup'],
  disputes: ['events', 'disputeGroup'],
  tasks: ['work'],
  problems: ['work'],
  supervision_checks: ['work'],
  meetings: ['work'],
  grid_staff: ['grass'],
  patrols: ['grass'],
  household_visits: ['grass'],
  police_assignments: ['grass'],
  police_subsidies: ['grass'],
  police_equipment: ['grass'],
  informants: ['grass'],
  cadre_assignments: ['grass'],
  cadre_visits: ['grass'],
  campaigns: ['work'],
  supervisions: ['work'],
  supervision_feedback: ['work'],
  work_calendar: ['base'],
  regions: ['base'],
  departments: ['base'],
  sector_map: ['base'],
  standards: ['base'],
  users: ['system'],
  assessment_items: ['work'],
  assessment_scores: ['work'],
  meeting_decisions: ['work'],
  task_updates: ['work'],
};

export const GROUP_ICON = { subjects: 'OfficeBuilding', events: 'Warning', work: 'Tickets', grass: 'Location', base: 'Files', system: 'Setting' };

// [{key, label, icon, path?, children?: [{key,label,path}|{group,label,children}]}]
export function buildMenu() {
  const out = [];
  const role = session.me && session.me.role;
  if (isBusiness()) {
    // a township, a supervisor department, a subject: their own page first (Home.vue)
    if (['township', 'supervisor', 'subject'].includes(role)) out.push({ key: 'home', label: t('homes.menu'), icon: 'House', path: '/' });
    out.push({ key: 'dashboard', label: t('menu.dashboard'), icon: 'DataBoard', path: '/dashboard' });
    if (!isRegion()) out.push({ key: 'months', label: t('menu.months'), icon: 'Stamp', path: '/months' });
    // 考评排名 (红黑榜): the office and the units it ranks, not subjects' or grid accounts
    if (['office', 'petition', 'safety', 'police', 'supervisor', 'township'].includes(role)) out.push({ key: 'ranking', label: t('ranking.menu'), icon: 'Tickets', path: '/ranking' });
    // 报告: the month's documents, for the same readers; a city's or a province's office its bulletin
    if (['office', 'petition', 'safety', 'police', 'supervisor', 'township', 'region'].includes(role)) out.push({ key: 'reports', label: t('reports.menu'), icon: 'Files', path: '/reports' });
  }
  const groups = { subjects: [], events: {}, work: [], grass: [], base: [], system: [] };
  for (const e of session.entities) {
    if (!e.can_read) continue;
    const [g, sub] = PLACE[e.name] || ['base'];
    const item = { key: e.name, label: entityLabel(e), path: '/' + e.name };
    if (g === 'events') {
      (groups.events[sub] = groups.events[sub] || []).push(item);
    } else {
      groups[g].push(item);
    }
  }
  // 一月一动态: the office follows, supervising departments and townships confirm
  if (['office', 'supervisor', 'township'].includes(role)) groups.work.push({ key: 'confirmations', label: t('menu.confirmations'), path: '/confirmations' });
  if (role === 'secadmin') groups.system.push({ key: 'settings', label: t('menu.settings'), path: '/settings' });
  if (role === 'office') groups.work.push({ key: 'settings', label: t('menu.workSettings'), path: '/settings' });
  // issue 17: 字典管理, the office's
  if (role === 'office') groups.base.push({ key: 'dict', label: t('subjectPage.dict.menu'), path: '/dict' });
  // issue 19: the office grants its city or province lists of its own; such an office sees what it holds
  if (role === 'office') groups.base.push({ key: 'grants', label: t('grants.menu'), path: '/grants' });
  if (isRegion()) groups.work.push({ key: 'grants', label: t('grants.heldMenu'), path: '/grants' });
  // the grassroots at the desk (issue 15): today's patrols; the subsidy ledger
  // (not a region's: today's patrols and the ledger are a district's own pages)
  if (!isRegion() && session.byName.patrols && session.byName.patrols.can_read) groups.grass.push({ key: 'patrols_today', label: t('grassDesk.patrolsMenu'), path: '/patrols_today' });
  if (!isRegion() && session.byName.police_subsidies && session.byName.police_subsidies.can_read) groups.grass.push({ key: 'police_ledger', label: t('grassDesk.ledgerMenu'), path: '/police_ledger' });
  if (role === 'auditadmin') groups.system.push({ key: 'audit', label: t('menu.audit'), path: '/audit' });
  // issue 15: the grid worker's page (patrols, visits, disputes, hazards on the phone)
  if (role === 'grid') out.unshift({ key: 'grid', label: t('grid.menu'), icon: 'Location', path: '/grid' });
  if (groups.subjects.length) out.push({ key: 'g-subjects', label: t('menu.subjects'), icon: GROUP_ICON.subjects, children: groups.subjects });
  const evSubs = ['petitionGroup', 'safetyGroup', 'caseGroup', 'disputeGroup'].filter((s) => groups.events[s]);
  if (evSubs.length) {
    out.push({
      key: 'g-events', label: t('menu.events'), icon: GROUP_ICON.events,
      children: evSubs.map((s) => ({ group: s, label: t('menu.' + s), children: groups.events[s] })),
    });
  }
  // issue 14: 三个清单 first in 工作清单, then the 督办 board
  if (isBusiness() && groups.work.length) {
    const boards = [{ key: 'work-overview', label: t('worklists.menu'), path: '/work' }];
    // (not a region's: it reads 督办 in the lists, the board's reviews and cards are a district's)
    if (!isRegion() && session.byName.supervisions && session.byName.supervisions.can_read) boards.push({ key: 'duban-board', label: t('duban.menu'), path: '/duban' });
    groups.work.unshift(...boards);
  }
  if (groups.work.length) out.push({ key: 'g-work', label: t('menu.work'), icon: GROUP_ICON.work, children: groups.work });
  if (groups.grass.length) out.push({ key: 'g-grass', label: t('menu.grass'), icon: GROUP_ICON.grass, children: groups.grass });
  if (groups.base.length) out.push({ key: 'g-base', label: t('menu.base'), icon: GROUP_ICON.base, children: groups.base });
  if (groups.system.length) out.push({ key: 'g-system', label: t('menu.system'), icon: GROUP_ICON.system, children: groups.system });
  return out;
}
