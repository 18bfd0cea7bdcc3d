/*
 * settings.c: the table of settings with their ranges and defaults, and
 * reading and changing them (see settings.h).  The SQL is two statements
 * on the table `settings`; a change is one transaction with its audit row.
 */
#include "model/settings.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/audit.h"
#include "model/duban.h"
#include "model/entity.h"
#include "model/numbers.h"
#include "model/role.h"

const struct setting_desc settings_table[] = {
	{ "password_min_length", "密码最短长度", 8, 64, 8 },
	{ "password_min_classes", "密码至少包含的字符类别数（大写、小写、数字、符号）", 1, 4, 3 },
	{ "personal_lookups_per_minute", "每人每分钟按个人信息精确查找的次数上限", 1, 60, 6 },
	/* the work (督办): the office's */
	{ "duban_red_workdays", "督办事项逾期后转红牌的工作日数（逾期即黄牌）", 1, 60, 5,
	  ROLE_BIT(ROLE_OFFICE), duban_settings_changed },
	/* the grassroots (驻村补贴): the default a month of a village's auxiliary officer, in yuan */
	{ "police_subsidy_yuan", "驻村辅警补贴（元/村/月）", 1, 100000, 500, ROLE_BIT(ROLE_OFFICE) },
	/* attachments (附件): the largest file one upload may bring; the HTTP server's cap is the max */
	{ "attachment_max_bytes", "附件大小上限（字节）", 1024, 64 * 1024 * 1024, 10 * 1024 * 1024 },
	{ NULL, NULL, 0, 0, 0 },
};

int setting_can_edit(const struct setting_desc *s, int role)
{
	unsigned who = s->editors ? s->editors : ROLE_BIT(ROLE_SECADMIN);

	return role == ROLE_SYSTEM || (role > ROLE_NONE && role < ROLE__COUNT &&
				       (who & ROLE_BIT(role)));
}

int setting_can_read(const struct setting_desc *s, int role)
{
	return setting_can_edit(s, role) || (!s->editors && role == ROLE_SYSADMIN);
}

#define SQL_GET "SELECT value FROM settings WHERE key = ?"
#define SQL_DELETE "DELETE FROM settings WHERE key = ?"
#define SQL_INSERT "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)"

const struct setting_desc *setting_find(const char *key)
{
	const struct setting_desc *s;

	for (s = settings_table; s->key; s++)
		if (!strcmp(s->key, key))
			return s;
	return NULL;
}

static int stored_or_default(struct db *db, const struct setting_desc *s)
{
	const char *params[] = { s->key };
	char *v = NULL;
	int ret = s->def;

	if (!db_query_value(db, SQL_GET, params, 1, &v, NULL) && v)
		ret = atoi(v);
	free(v);
	return ret;
}

int settings_get_int(struct db *db, const char *key)
{
	const struct setting_desc *s = setting_find(key);

	if (!s) {
		log_error("settings: no setting %s", key);
		return 0;
	}
	return stored_or_default(db, s);
}

void settings_password_policy(struct db *db, int *min_len, int *min_classes)
{
	*min_len = settings_get_int(db, "password_min_length");
	*min_classes = settings_get_int(db, "password_min_classes");
}

int settings_json(struct db *db, json_t **out, struct model_error *e)
{
	const struct setting_desc *s;
	json_t *o = json_object();

	for (s = settings_table; s->key; s++)
		json_object_set_new(o, s->key, json_integer(stored_or_default(db, s)));
	*out = o;
	return 0;
}

/* The numbering patterns (numbers.h) are the office's, as its work keys are. */
static int patterns_editor(int role)
{
	return role == ROLE_OFFICE || role == ROLE_SYSTEM;
}

int settings_json_for(struct db *db, const struct actor *a, json_t **out, struct model_error *e)
{
	const struct setting_desc *s;
	json_t *o = json_object();

	for (s = settings_table; s->key; s++)
		if (setting_can_read(s, a->role))
			json_object_set_new(o, s->key, json_integer(stored_or_default(db, s)));
	if (patterns_editor(a->role))
		json_object_set_new(o, NUMBER_PATTERNS, number_patterns_json(db));
	*out = o;
	return 0;
}

/*
 * Every key known, the actor's to change, and every value an integer in its
 * range, before anything is written.
 */
static int check_all(const struct actor *a, json_t *in, struct model_error *e)
{
	const struct setting_desc *s;
	const char *key;
	json_t *v;

	json_object_foreach(in, key, v) {
		if (!strcmp(key, NUMBER_PATTERNS)) {
			if (!patterns_editor(a->role))
				return model_fail(e, MODEL_EFORBIDDEN, key, "编号规则：您的角色不能修改");
			if (number_patterns_check(v, e))
				return e->code;
			continue;
		}
		if (!(s = setting_find(key)))
			return model_fail(e, MODEL_EBADREQ, key, "未知的设置项");
		if (!setting_can_edit(s, a->role))
			return model_fail(e, MODEL_EFORBIDDEN, s->key, "%s：您的角色不能修改这一设置",
					  s->label);
		if (!json_is_integer(v) || json_integer_value(v) < s->min ||
		    json_integer_value(v) > s->max)
			return model_fail(e, MODEL_EINVAL, s->key, "%s：应为 %d 到 %d 之间的整数",
					  key, s->min, s->max);
	}
	return 0;
}

static int store_one(struct db *db, const char *key, const char *val, struct strbuf *err)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(db, SQL_DELETE, &st, err))
		return -1;
	db_bind_text(st, 1, key);
	rc = db_step(st, err);
	db_finalize(st);
	if (rc < 0 || db_prepare(db, SQL_INSERT, &st, err))
		return -1;
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, val);
	db_bind_int64(st, 3, time_now());
	rc = db_step(st, err);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/*
 * A PUT's numbering patterns (checked): each stored, or its row deleted
 * for the default ("" or null); the audit detail names the changed ones.
 */
static int store_patterns(struct db *db, json_t *in, struct strbuf *detail, struct strbuf *err)
{
	struct strbuf key = STRBUF_INIT, now = STRBUF_INIT;
	const char *name;
	json_t *v;
	int ret = 0;

	json_object_foreach(in, name, v) {
		const struct entity_desc *ed = entity_find(name);
		const char *want = json_is_string(v) ? json_string_value(v) : "";
		const char *params[1];

		if (number_pattern(db, ed, &now))
			ret = -1;
		if (ret || !strcmp(now.buf, want))
			continue; /* unchanged (the form sends every list's) */
		number_pattern_key(ed, &key);
		params[0] = key.buf;
		if (*want)
			ret = store_one(db, key.buf, want, err);
		else
			ret = db_exec_params(db, SQL_DELETE, params, 1, err);
		strbuf_addf(detail, "%s%s=%s", detail->len ? " " : "", key.buf, *want ? want : "默认");
	}
	strbuf_release(&key);
	strbuf_release(&now);
	return ret;
}

int settings_put(struct db *db, const struct actor *a, json_t *in, struct model_error *e)
{
	struct strbuf err = STRBUF_INIT, detail = STRBUF_INIT;
	const char *key;
	json_t *v;
	int ret;

	if ((ret = check_all(a, in, e)))
		return ret;
	if (db_begin(db, &err))
		goto dberr;
	json_object_foreach(in, key, v) {
		char val[32];

		if (!strcmp(key, NUMBER_PATTERNS)) {
			if (store_patterns(db, v, &detail, &err))
				goto dberr;
			continue;
		}
		snprintf(val, sizeof(val), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		if (store_one(db, key, val, &err))
			goto dberr;
		strbuf_addf(&detail, "%s%s=%s", detail.len ? " " : "", key, val);
	}
	json_object_foreach(in, key, v) {
		const struct setting_desc *s = setting_find(key);

		if (s && s->changed && (ret = s->changed(db, e))) {
			db_rollback(db);
			goto cleanup;
		}
	}
	if (audit_append(db, a, "settings.update", "settings", "ok", detail.buf, &err) ||
	    db_commit(db, &err))
		goto dberr;
	ret = 0;
	goto cleanup;
dberr:
	db_rollback(db);
	ret = model_fail(e, MODEL_EDB, NULL, "settings: %s", err.buf);
cleanup:
	strbuf_release(&err);
	strbuf_release(&detail);
	return ret;
}
