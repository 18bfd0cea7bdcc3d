// labels.js: the names a person reads for the codes the server's audit log
// and explanations carry — an audit action ("disputes.create" → 新建 矛盾纠纷),
// its outcome ("ok" → 成功, "403" → 拒绝（403）), its source ("cli" →
// 命令行), its object (a list's name for its code) and its detail (field
// keys → the fields' names, "rows=3" → 行数=3), and the standard in force
// (the built-in "default" → 默认标准).  Words from the locales' `labels`
// section, list and field names from /meta's `names` (every list's, for the
// audit administrator too) or, in English, locales/labels-en.js.
// It names; it does not fetch.
import { session } from './session.js';
import { t, i18n, lang } from './i18n.js';
import { entityLabel, englishField, humanize } from './format.js';

// The verbs of "<list>.<verb>" actions (src/model: entity_write, entity_io, …).
export const AUDIT_VERBS = ['create', 'update', 'retire', 'import', 'export', 'reveal_filter', 'attach', 'attachment'];

// The actions that are not "<list>.<verb>" (each has labels.action.<code with _ for .>).
export const AUDIT_ACTIONS = [
  'login', 'logout', 'reveal', 'denied', 'denied.dropped', 'password.change', 'password.reset', 'user.unlock',
  'settings.update', 'police_subsidies.generate', 'police_subsidies.pay', 'meeting_decisions.assign', 'problems.raise',
  'supervisions.status', 'supervisions.cards', 'confirmations.confirm', 'report.archive', 'assess.certify',
  'assess.override', 'assess.publish', 'assess.reopen', 'audit.keyed', 'users.demo', 'gen.scale',
];

const has = (k) => i18n.global.te(k, 'zh-CN');

// The name of audit action `a`: its own label, or the verb and the list's name.
export function auditAction(a) {
  const s = String(a || '');
  const own = 'labels.action.' + s.replace(/\./g, '_');
  if (AUDIT_ACTIONS.includes(s) && has(own)) return t(own);
  const i = s.lastIndexOf('.');
  const list = s.slice(0, i), verb = s.slice(i + 1);
  if (i > 0 && AUDIT_VERBS.includes(verb) && session.names[list]) return t('labels.verb.' + verb, { list: entityLabel(list) });
  return s;
}

// The actions a person can pick in the audit log's filter: [{ value, label }].
export function auditActionOptions() {
  const out = AUDIT_ACTIONS.map((a) => ({ value: a, label: auditAction(a) }));
  for (const name of Object.keys(session.names))
    for (const v of AUDIT_VERBS) out.push({ value: name + '.' + v, label: auditAction(name + '.' + v) });
  return out;
}

// The outcome of a row: ok, failed…, a refusal's HTTP status.
export function auditOutcome(o) {
  const s = String(o || '');
  if (/^\d{3}$/.test(s)) return t('labels.outcome.refused', { status: s });
  const k = 'labels.outcome.' + s.replace(/-/g, '_');
  return has(k) ? t(k) : s;
}

export const outcomeOk = (o) => o === 'ok';

// Where a row came from: an address, or the command line.
export function auditSource(s) {
  return s === 'cli' ? t('labels.cli') : String(s || '');
}

// The object of a row: "<list>/<id> <key>" or a list's code with the list's
// name; a refused request ("POST /api/v1/…") as it is.
export function auditObject(o) {
  const s = String(o || '');
  const m = /^([a-z_]+)(\/.*|\s.*)?$/.exec(s);
  if (m && session.names[m[1]]) return entityLabel(m[1]) + (m[2] ? ' ' + m[2].replace(/^\//, '#') : '');
  return s;
}

// The list a row is about (from its action or object), or null.
function rowList(row) {
  const a = String(row.action || '');
  const i = a.lastIndexOf('.');
  if (i > 0 && session.names[a.slice(0, i)]) return a.slice(0, i);
  const m = /^([a-z_]+)/.exec(String(row.object || ''));
  return m && session.names[m[1]] ? m[1] : null;
}

// The name of field `key` of list `list` (session.names: every list's, whoever reads).
export function listFieldName(list, key) {
  if (lang.value === 'en') return englishField(list, key) || humanize(key);
  const n = session.names[list];
  return (n && n.fields[key]) || key;
}

const fieldName = (list, key) => (list ? listFieldName(list, key) : key);

// The detail of a row: a created or changed record's field keys as their
// names; "key=value" pairs with the key named (labels.detail.*), the field
// keys among the values (reveal's field=…, a lookup's filter=…) by their
// names; the free text after "reason=" (always last) as it was written.
export function auditDetail(row) {
  const s = String(row.detail || '');
  if (!s) return '';
  const list = rowList(row);
  if (/^[a-z_]+(,[a-z_]+)*$/.test(s) && list) return s.split(',').map((k) => fieldName(list, k)).join('、');
  if (!/^([a-z]+ )?[a-z_]+=/.test(s)) return s;
  const r = s.search(/(^|\s)reason=/);
  const head = r < 0 ? s : s.slice(0, r);
  const pairs = head.replace(/(^|[\s,])([a-z_]+)=((?:[^\s,]|,(?![a-z_]+=))*)/g, (_, sep, k, v) => {
    const name = has('labels.detail.' + k) ? t('labels.detail.' + k) : k;
    const val = (k === 'field' || k === 'filter') && list ? v.split(',').map((x) => fieldName(list, x)).join('、') : v;
    return `${sep}${name}=${val}`;
  }).replace(/^(generate|pay) /, (_, w) => t('labels.detail.' + w) + ' ');
  return r < 0 ? pairs : pairs + (pairs ? ' ' : '') + t('labels.detail.reason') + '=' + s.slice(r).replace(/^\s?reason=/, '');
}

// The name of a standard as explain gives it: the built-in default by name,
// a stored standard by its version number.
export function standardName(code) {
  return code === 'default' ? t('labels.defaultStandard') : String(code || '');
}
