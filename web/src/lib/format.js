// format.js: how values of the metadata's field types read in the browser:
// enumeration labels, booleans, money, the report figures by their unit;
// in English the names of lists, fields, enumeration values and figures
// come from locales/labels-en.js (the server's are Chinese).
// It formats; it does not fetch (references are lib/refs.js).
import { session } from './session.js';
import { lang, t } from './i18n.js';
import EN from '../locales/labels-en.js';

export function humanize(key) {
  if (!key) return '';
  const s = String(key).replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function entityLabel(descOrName) {
  const d = typeof descOrName === 'string' ? session.byName[descOrName] : descOrName;
  const name = typeof descOrName === 'string' ? descOrName : d && d.name;
  if (lang.value === 'en') return EN.entities[name] || humanize(name);
  return (d && d.label) || (session.names[name] && session.names[name].label) || name;
}

// The list a field descriptor belongs to (its English name may be the list's own).
let owners = new WeakMap();
let ownersOf = null;
function fieldOwner(f) {
  if (ownersOf !== session.entities) {
    owners = new WeakMap();
    for (const e of session.entities) for (const x of e.fields) owners.set(x, e.name);
    ownersOf = session.entities;
  }
  return owners.get(f);
}

// The English name of field `key` of list `entity` (null: the table lacks it).
export function englishField(entity, key) {
  return EN.entityFields[entity + '.' + key] || EN.fields[key] || null;
}

export function fieldLabel(f) {
  if (!f) return '';
  if (lang.value !== 'en') return f.label;
  return englishField(fieldOwner(f), f.key) || humanize(f.key);
}

export function enumLabel(enumName, code) {
  if (code === null || code === undefined || code === '') return '';
  if (lang.value === 'en') return (EN.enums[enumName] && EN.enums[enumName][code]) || humanize(code);
  const m = session.enumMap[enumName];
  return (m && m[code]) || code;
}

// The items a form or filter offers: the enabled ones (字典管理 may disable an item; old records keep it).
export function enumOptions(enumName) {
  return (session.enums[enumName] || []).filter((it) => !it.disabled).map((it) => ({ value: it.code, label: lang.value === 'en' ? enumLabel(enumName, it.code) : it.label }));
}

// A role's name (the user_role enumeration; the server's label in Chinese).
export function roleLabel(code, label) {
  return lang.value === 'en' ? enumLabel('user_role', code) : label || enumLabel('user_role', code);
}

// The text of a record's key as a person reads it: an enumeration key (the
// sector map's category) by its label, any other key as it is.
export function keyText(desc, rec) {
  if (!desc || !rec) return '';
  const f = desc.fields.find((x) => x.key === desc.key);
  const v = rec[desc.key];
  return f && (f.type === 'enum' || f.type === 'enumset') ? plainValue(f, v) : v;
}

export function boolLabel(v) {
  if (v === null || v === undefined || v === '') return '';
  return v === true || v === 1 || v === '1' ? t('common.yes') : t('common.no');
}

export function moneyLabel(v) {
  if (v === null || v === undefined || v === '') return '';
  const n = Number(v);
  if (!Number.isFinite(n)) return String(v);
  return n.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

// The plain text of a value (references as codes: RefLabel resolves names).
export function plainValue(f, v) {
  if (v === null || v === undefined || v === '') return '';
  // an integer "…_until" / "…_at" is a moment in Unix seconds (0: none)
  if (f.type === 'int' && /(_until|_at)$/.test(f.key)) return Number(v) > 0 ? localTime(new Date(Number(v) * 1000).toISOString()) : '';
  switch (f.type) {
    case 'enum': return enumLabel(f.enum, v);
    case 'enumset': return String(v).split('|').filter(Boolean).map((c) => enumLabel(f.enum, c)).join('、');
    case 'bool': return boolLabel(v);
    case 'money': return moneyLabel(v);
    default: return String(v);
  }
}

export function pct(v) {
  return v === null || v === undefined ? '—' : Number(v).toFixed(1) + '%';
}

export function num(v) {
  return v === null || v === undefined ? '—' : Number(v).toLocaleString('zh-CN');
}

// A report figure's name (its Chinese label from /meta's figures table).
export function figureLabel(key) {
  const f = session.figureByKey[key];
  if (lang.value === 'en') return EN.figures[key] || humanize(key);
  return f ? f.label : humanize(key);
}

// A report figure's value as its unit reads: a percentage, yuan or a count.
export function figureValue(key, v) {
  const f = session.figureByKey[key];
  switch (f && f.unit) {
    case 'percent': return pct(v);
    case 'yuan': return v === null || v === undefined ? '—' : moneyLabel(v);
    default: return num(v);
  }
}

// Today and this month as the server means them: China's (UTC+8), whatever
// the zone of the computer the page runs on.
export function chinaToday() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

export function currentMonth() {
  return chinaToday().slice(0, 7);
}

export function previousMonth(m) {
  let [y, mo] = (m || currentMonth()).split('-').map(Number);
  mo -= 1;
  if (mo === 0) { mo = 12; y -= 1; }
  return `${y}-${String(mo).padStart(2, '0')}`;
}

export function localTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
