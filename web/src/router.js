// router.js: the pages and who may open them.  Pages are lazy chunks.  The
// guard loads the session (GET /api/v1/meta) once, sends a visitor without
// one to the login page (and back afterwards), holds a user who must change
// the password at the login page's second step, and sends a role to the 403
// page when the page is not for it.  An office of a city or a province
// (role region) opens only the pages flagged `region` — those that ask the
// server for nothing but what it may call (its session, /meta, the lists
// and records, the figures), as the server's route table flags them
// R_REGION.  The server checks everything again: this only spares people
// dead ends.
import { createRouter, createWebHistory } from 'vue-router';
import { session, loadMeta, clearSession, isAdmin, isBusiness, isRegion } from './lib/session.js';
import { hasSessionCookie, setUnauthorizedHandler } from './lib/api.js';

const Shell = () => import('./layouts/Shell.vue');

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/Login.vue'), meta: { public: true } },
  { path: '/screen', name: 'screen', component: () => import('./views/Screen.vue'), meta: { business: true, region: true } },
  {
    path: '/',
    component: Shell,
    children: [
      { path: '', name: 'home', component: () => import('./views/Home.vue'), meta: { region: true } },
      { path: 'dashboard', name: 'dashboard', component: () => import('./views/Dashboard.vue'), meta: { business: true, region: true } },
      { path: 'months/:month?', name: 'months', component: () => import('./views/Months.vue'), meta: { business: true } },
      { path: 'confirmations/:month?', name: 'confirmations', component: () => import('./views/Confirmations.vue'), meta: { roles: ['office', 'supervisor', 'township'] } },
      { path: 'ranking', name: 'ranking', component: () => import('./views/Ranking.vue'), meta: { roles: ['office', 'petition', 'safety', 'police', 'supervisor', 'township'] } },
      // issue 16: the month's documents (readers as the ranking's; a region its bulletin)
      { path: 'reports', name: 'reports', component: () => import('./views/Reports.vue'), meta: { roles: ['office', 'petition', 'safety', 'police', 'supervisor', 'township', 'region'], region: true } },
      { path: 'audit', name: 'audit', component: () => import('./views/Audit.vue'), meta: { roles: ['auditadmin'] } },
      { path: 'settings', name: 'settings', component: () => import('./views/Settings.vue'), meta: { roles: ['secadmin', 'office'] } },
      { path: 'password', name: 'password', component: () => import('./views/Password.vue'), meta: { region: true } },
      { path: '403', name: 'forbidden', component: () => import('./views/Forbidden.vue'), meta: { region: true } },
      { path: '404', name: 'notfound', component: () => import('./views/NotFound.vue'), meta: { region: true } },
      // issue 14, the office's month: 三个清单, the 督办 board, the meeting page (over the generic detail)
      { path: 'work', name: 'work', component: () => import('./views/WorkLists.vue'), meta: { business: true, region: true } },
      { path: 'duban', name: 'duban', component: () => import('./views/DubanBoard.vue'), meta: { business: true } },
      { path: 'meetings/:id', name: 'meeting', component: () => import('./views/Meeting.vue'), meta: { business: true, region: true } },
      // the grassroots at the desk (issue 15): today's patrols, the subsidy ledger
      { path: 'patrols_today', name: 'patrols_today', component: () => import('./views/PatrolsToday.vue'), meta: { roles: ['office', 'petition', 'safety', 'police', 'township', 'grid'] } },
      { path: 'police_ledger', name: 'police_ledger', component: () => import('./views/PoliceLedger.vue'), meta: { roles: ['office', 'petition', 'safety', 'police', 'township'] } },
      // issue 15: the grid worker's page on a phone (patrols, visits, disputes, hazards; offline)
      { path: 'grid', name: 'grid', component: () => import('./views/GridHome.vue'), meta: { roles: ['grid'] } },
      // issue 17: the regions and departments as trees; the dictionary (字典管理)
      { path: 'regions', name: 'regions', component: () => import('./views/TreeList.vue'), meta: { entity: 'regions', region: true } },
      { path: 'departments', name: 'departments', component: () => import('./views/TreeList.vue'), meta: { entity: 'departments', region: true } },
      { path: 'dict', name: 'dict', component: () => import('./views/Dictionary.vue'), meta: { roles: ['office'] } },
      // issue 19: what a district grants the offices above it; what such an office holds
      { path: 'grants', name: 'grants', component: () => import('./views/Grants.vue'), meta: { roles: ['office', 'region'], region: true } },
      { path: ':entity', name: 'list', component: () => import('./views/EntityList.vue'), meta: { region: true } },
      { path: ':entity/:id', name: 'detail', component: () => import('./views/EntityDetail.vue'), meta: { region: true } },
      { path: ':pathMatch(.*)*', component: () => import('./views/NotFound.vue'), meta: { region: true } },
    ],
  },
];

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior(to, from, saved) {
    return saved || { top: 0 };
  },
});

setUnauthorizedHandler(() => {
  const wasIn = session.ready;
  clearSession();
  const cur = router.currentRoute.value;
  if (cur.name !== 'login') {
    router.push({ name: 'login', query: { redirect: cur.fullPath, expired: wasIn ? '1' : undefined } });
  }
});

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  if (!session.ready) {
    if (!hasSessionCookie()) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
    try {
      await loadMeta();
    } catch (e) {
      clearSession();
      return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
    }
  }
  if (session.me && session.me.must_change) return { name: 'login', query: { change: '1', redirect: to.fullPath } };
  if (to.meta.business && !isBusiness()) return { name: 'forbidden' };
  if (to.meta.roles && !to.meta.roles.includes(session.me.role)) return { name: 'forbidden' };
  if (isRegion() && !to.meta.region) return { name: 'forbidden' };
  return true;
});

// The role's own landing page at "/" (Home.vue): 'unit' (a township office,
// a supervisor department), 'subject' (a subject's account), or null.
export function ownHome() {
  const role = session.me && session.me.role;
  if (role === 'township' || role === 'supervisor') return 'unit';
  if (role === 'subject') return 'subject';
  return null;
}

// Where a role starts.
export function homeFor() {
  if (!session.me) return '/login';
  if (isAdmin()) {
    if (session.me.role === 'secadmin') return '/settings';
    if (session.me.role === 'auditadmin') return '/audit';
    return '/users';
  }
  if (session.me.role === 'grid') return '/grid';
  if (ownHome()) return '/';
  return '/dashboard';
}
