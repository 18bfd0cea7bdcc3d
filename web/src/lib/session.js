// session.js: who is logged in and what the server says they may see
// (GET /api/v1/meta: the entity descriptors, the enumerations, the roles,
// `me`, and the report figures' keys with their labels, units and lists).  Every menu, form, table and button of the application is built
// from this; nothing about an entity is written into the browser.  It is not
// a cache of business data.
import { reactive } from 'vue';
import { api, setCsrf } from './api.js';

export const session = reactive({
  ready: false,      // meta loaded for the current user
  me: null,          // { username, role, role_label, department, district, township, region, region_name, grants, must_change }
  entities: [],      // descriptors, in the server's order
  byName: {},
  enums: {},         // name → [{code,label}]
  enumMap: {},       // name → {code: label}
  roles: [],
  figures: [],       // the figures' table: [{key, label, unit, measure, counts, list, share_of, determination}]
  figureByKey: {},
  names: {},         // every list's name and its fields' names: {list: {label, fields: {key: label}}}
});

export const ADMIN_ROLES = ['sysadmin', 'secadmin', 'auditadmin'];
export const LEAD_DIMENSION = { petition: 'petition', safety: 'accident', police: 'case' };

export function isAdmin() {
  return !!session.me && ADMIN_ROLES.includes(session.me.role);
}

export function isBusiness() {
  return !!session.me && !ADMIN_ROLES.includes(session.me.role);
}

// An office of a city or a province (role region): it reads the lists and the
// figures of the districts under it and calls nothing else (router.js, menu.js).
export function isRegion() {
  return !!session.me && session.me.role === 'region';
}

// The grants a region account holds of list `name`: [{district, district_name, list, …}]
// (/me `grants`: where a district lets it write that list).
export function grantsOf(name) {
  return ((session.me && session.me.grants) || []).filter((g) => g.list === name);
}

// May this user change record `rec` of list `desc`?  A writer of the list; a
// region account only in a district that granted it the list.  The server
// decides again; this only keeps buttons off where they would be refused.
export function canWriteRecord(desc, rec) {
  if (!desc || !desc.can_write || !rec) return false;
  if (!isRegion()) return true;
  const col = desc.scope && desc.scope.district;
  return !!col && grantsOf(desc.name).some((g) => g.district === rec[col]);
}

// The dimension this user's department certifies (petition, accident, case) or null.
export function myDimension() {
  return (session.me && LEAD_DIMENSION[session.me.role]) || null;
}

export function applyMeta(meta) {
  session.me = meta.me;
  session.entities = meta.entities || [];
  const by = {};
  for (const e of session.entities) by[e.name] = e;
  session.byName = by;
  session.enums = meta.enums || {};
  const em = {};
  for (const [name, list] of Object.entries(session.enums)) {
    em[name] = {};
    for (const it of list) em[name][it.code] = it.label;
  }
  session.enumMap = em;
  session.roles = meta.roles || [];
  session.figures = meta.figures || [];
  session.figureByKey = Object.fromEntries(session.figures.map((f) => [f.key, f]));
  session.names = meta.names || {};
  session.ready = true;
}

export async function loadMeta() {
  const meta = await api.get('/meta');
  applyMeta(meta);
  return meta;
}

const clearHooks = [];
// Run `fn` whenever the session ends (caches of the user's data go with it).
export function onSessionClear(fn) {
  clearHooks.push(fn);
}

export function clearSession() {
  for (const fn of clearHooks) fn();
  session.ready = false;
  session.me = null;
  session.entities = [];
  session.byName = {};
  session.figures = [];
  session.figureByKey = {};
  setCsrf(null);
}

export async function login(username, password) {
  const r = await api.post('/login', { username, password }, { csrf: 'login', quiet401: true });
  setCsrf(r.csrf_token);
  return r;
}

export async function logout() {
  // forget the user first: nothing still on screen may ask for more
  clearSession();
  try {
    await api.post('/logout', {}, { quiet401: true });
  } catch (e) {
    /* the session may already be gone */
  }
}

export function entity(name) {
  return session.byName[name] || null;
}

// The field that names a record for people (name, display name …), else the key.
export function titleField(desc) {
  if (!desc) return null;
  const prefer = ['name', 'display_name'];
  for (const k of prefer) if (desc.fields.some((f) => f.key === k)) return k;
  return desc.key;
}
