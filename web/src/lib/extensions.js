// extensions.js: the few things the generic entity pages cannot learn from
// the metadata because the API documents them as special endpoints: an
// account is created with an initial password (POST /users with
// "password"), reset (POST /users/{id}/password) and unlocked (POST
// /users/{id}/unlock).  Everything else about users is the generic page.
import { t } from './i18n.js';
import { chinaToday } from './format.js';

export const createExtras = {
  users: [{ key: 'password', label: '初始密码', type: 'password', required: true, max: 128 }],
};

// Which fields of a form the signed-in role fills (三员分立 for accounts: the
// system administrator creates and names an account, the security
// administrator grants its role and scope; the server refuses the rest).
const GRANTS = ['role', 'department', 'grid', 'subject'];
export const formFieldFilter = {
  users: (f, role) => (role === 'secadmin' ? GRANTS.includes(f.key) : !GRANTS.includes(f.key)),
};

// Actions of a detail page beyond edit, workflow and retire.
// Each: {key, label(), roles, visible(record)?, run(ctx)} where ctx = {id, record, api, prompt}.
export const detailActions = {
  users: [
    {
      key: 'reset-password',
      label: () => t('detail.resetPassword'),
      roles: ['sysadmin'],
      visible: (rec) => !['sysadmin', 'secadmin', 'auditadmin'].includes(rec.role),
      async run({ id, api, prompt }) {
        const pw = await prompt(t('detail.resetPassword'), t('detail.newPassword') + '（' + t('detail.resetHint') + '）', 'password');
        if (!pw) return false;
        await api.post(`/users/${id}/password`, { password: pw });
        ElMessage.success(t('detail.passwordReset'));
        return true;
      },
    },
    {
      key: 'unlock',
      label: () => t('detail.unlock'),
      roles: ['secadmin'],
      // any delay set and not yet cleared (the delays themselves are short)
      visible: (rec) => Number(rec.locked_until) > 0,
      async run({ id, api }) {
        await api.post(`/users/${id}/unlock`, {});
        ElMessage.success(t('detail.unlocked'));
        return true;
      },
    },
  ],
  // 交办: an agreed item made a task (POST /meeting_decisions/{id}/assign), once
  meeting_decisions: [
    {
      key: 'assign',
      label: () => t('workActions.assign'),
      roles: ['office'],
      visible: (rec) => !rec.task,
      async run({ id, api }) {
        const task = await api.post(`/meeting_decisions/${id}/assign`, {});
        ElMessage.success(t('workActions.assigned', { no: task.no }));
        return true;
      },
    },
  ],
  // progress (task_updates): the owner, its township or the office reports, dated today (China's
  // date, the server's: the browser's UTC date is the day before from 00:00 to 08:00)
  tasks: [
    {
      key: 'report',
      label: () => t('workActions.report'),
      roles: ['office', 'petition', 'safety', 'police', 'supervisor', 'township'],
      visible: (rec) => !['cancelled', 'verified'].includes(rec.status),
      async run({ record, api, prompt }) {
        const text = await prompt(t('workActions.report'), t('workActions.reportText'));
        if (!text) return false;
        await api.post('/task_updates', { task: record.no, reported_on: chinaToday(), text });
        ElMessage.success(t('workActions.reported'));
        return false;
      },
    },
  ],
};
