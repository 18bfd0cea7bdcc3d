/*
 * entities.c: the descriptors of the places, units, creation subjects and
 * accounts, with the hooks that are truly particular to each (derived
 * columns, checks across fields).  Everything else about them is done by the
 * generic machinery (record.c, field.c, entity_write.c …).  Event record types
 * live in their own file.
 */
#include "model/entities.h"
#include "model/entity_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/date.h"
#include "base/pwcheck.h"
#include "base/validate.h"
#include "db/db.h"
#include "model/enums.h"

#define NF(a) (sizeof(a) / sizeof((a)[0]))
/* the business roles, and the offices above the districts, which read */
#define BIZ (ROLES_BUSINESS | ROLE_BIT(ROLE_REGION))
#define R(r) ROLE_BIT(ROLE_##r)

/* ---- shared hook helpers ---- */

/* Load the record of entity `name` with key `code` (no scope), or fail on `field`. */

static int fetch_ref(struct entity_op *op, const char *name, const char *code,
		     const char *field, struct record *out)
{
	const struct entity_desc *ed = entity_find(name);
	int ret;

	record_init(out, ed);
	ret = entity_lookup_cached(op->db, op->cache, ed, code, out, &op->error.msg);
	if (ret == 0)
		return 0;
	if (ret == MODEL_ENOTFOUND)
		return ref_missing(&op->error, entity_field(op->ed, field), code);
	return model_fail(&op->error, MODEL_EDB, NULL, "数据库错误");
}

static int set_field(struct entity_op *op, const char *key, const char *v)
{
	record_set(op->rec, entity_field_index(op->ed, key), v);
	return 0;
}

/* ---- regions ---- */

static const struct field_desc region_fields[] = {
	{ "code", "区划代码", FT_CODE, FF_KEY | FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_SEARCH,
	  .max = 32 },
	{ "name", "名称", FT_TEXT, FF_REQUIRED | FF_SORT | FF_LIST | FF_SEARCH, .max = 100 },
	{ "level", "层级", FT_ENUM, FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_SORT | FF_LIST,
	  .enumeration = &enum_region_level },
	/* immutable but for a district placed under its city once (region_prepare) */
	{ "parent", "上级区划", FT_REF, FF_FILTER | FF_LIST, .ref = "regions" },
	{ "district", "所属区县", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	{ "township", "所属乡镇", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	{ "active", "在用", FT_BOOL, FF_DERIVED | FF_FILTER | FF_LIST | FF_NOIMPORT },
};

/* Is region `parent` (of the record being written) of level `level`?  0, or the refusal. */
static int region_parent_is(struct entity_op *op, const char *parent, const char *level)
{
	struct record p;
	int ret = fetch_ref(op, "regions", parent, "parent", &p);

	if (!ret && strcmp(record_get(&p, "level"), level))
		ret = model_fail(&op->error, MODEL_EINVAL, "parent", "上级区划“%s”的层级应为%s",
				 parent, enum_label(&enum_region_level, level));
	record_release(&p);
	return ret;
}

/* A district's parent: a city, or a province (a district directly under it). */
static int above_district(struct entity_op *op, const char *parent)
{
	struct record p;
	int ret = fetch_ref(op, "regions", parent, "parent", &p);

	if (!ret && strcmp(record_get(&p, "level"), "city") &&
	    strcmp(record_get(&p, "level"), "province"))
		ret = model_fail(&op->error, MODEL_EINVAL, "parent", "区县的上级区划“%s”应为市或省",
				 parent);
	record_release(&p);
	return ret;
}

static int region_prepare(struct entity_op *op)
{
	const char *level = record_get(op->rec, "level");
	const char *parent = record_get(op->rec, "parent");
	static const char *const parent_level[][2] = {
		{ "township", "district" }, { "village", "township" }, { "grid", "village" },
	};
	struct record p;
	size_t i;
	int ret;

	if (op->old) {
		/* level is immutable; so is the parent, but that a district without one may be
		 * placed under its city or province, once, on the server's command line */
		const char *was = record_get(op->old, "parent");
		if (!record_values_differ(was, parent))
			return 0;
		if (was || strcmp(level, "district") || op->actor->role != ROLE_SYSTEM)
			return model_fail(&op->error, MODEL_EINVAL, "parent", "上级区划不能修改");
		return above_district(op, parent);
	}
	set_field(op, "active", "1");
	if (!strcmp(level, "province") || !strcmp(level, "city") || !strcmp(level, "district")) {
		/* the regions above the townships, made on the server's command line */
		if (op->actor->role != ROLE_SYSTEM)
			return model_fail(&op->error, MODEL_EFORBIDDEN, "level",
					  "只有系统初始化可以新建区县及以上区划");
		if (!strcmp(level, "district"))
			set_field(op, "district", record_get(op->rec, "code"));
		if (!parent)
			return 0;
		if (!strcmp(level, "province"))
			return model_fail(&op->error, MODEL_EINVAL, "parent", "省不应有上级区划");
		return !strcmp(level, "city") ? region_parent_is(op, parent, "province")
					       : above_district(op, parent);
	}
	if (!parent)
		return model_fail(&op->error, MODEL_EINVAL, "parent", "缺少上级区划");
	ret = fetch_ref(op, "regions", parent, "parent", &p);
	if (ret)
		goto cleanup;
	for (i = 0; i < NF(parent_level); i++) {
		if (strcmp(level, parent_level[i][0]))
			continue;
		/* a grid may also hang directly under a township (a street's grids) */
		if (strcmp(record_get(&p, "level"), parent_level[i][1]) &&
		    !(!strcmp(level, "grid") && !strcmp(record_get(&p, "level"), "township"))) {
			ret = model_fail(&op->error, MODEL_EINVAL, "parent",
					 "上级区划“%s”的层级应为%s", parent,
					 enum_label(&enum_region_level, parent_level[i][1]));
			goto cleanup;
		}
	}
	set_field(op, "district", record_get(&p, "district"));
	if (!strcmp(level, "township"))
		set_field(op, "township", record_get(op->rec, "code"));
	else
		set_field(op, "township", record_get(&p, "township"));
	ret = 0;
cleanup:
	record_release(&p);
	return ret;
}

const struct entity_desc region_desc = {
	.name = "regions", .label = "行政区划", .table = "regions", .key = "code",
	.level = "level",
	.fields = region_fields, .nfields = NF(region_fields),
	.flags = ENT_REFDATA | ENT_RETIRE,
	.read_roles = BIZ | R(SYSADMIN) | R(SECADMIN),
	.write_roles = R(OFFICE) | R(SYSTEM),
	.scope = { .district = "district", .township = "township" },
	.retire_field = "active", .default_sort = "code",
	.prepare = region_prepare,
};

/* ---- departments ---- */

static const struct field_desc department_fields[] = {
	{ "code", "单位代码", FT_CODE, FF_KEY | FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_SEARCH,
	  .max = 32 },
	{ "name", "单位名称", FT_TEXT, FF_REQUIRED | FF_SORT | FF_LIST | FF_SEARCH, .max = 100 },
	{ "roles", "职能", FT_ENUMSET, FF_REQUIRED | FF_LIST, .enumeration = &enum_dept_role },
	{ "region", "所在区划", FT_REF, FF_REQUIRED | FF_FILTER | FF_LIST, .ref = "regions" },
	{ "district", "所属区县", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	{ "active", "在用", FT_BOOL, FF_DERIVED | FF_FILTER | FF_LIST | FF_NOIMPORT },
};

static int department_prepare(struct entity_op *op)
{
	struct record r;
	const char *roles = record_get(op->rec, "roles");
	int ret;

	if (!op->old)
		set_field(op, "active", "1");
	ret = fetch_ref(op, "regions", record_get(op->rec, "region"), "region", &r);
	if (ret)
		goto cleanup;
	if (strstr(roles, "township") && strcmp(record_get(&r, "level"), "township")) {
		ret = model_fail(&op->error, MODEL_EINVAL, "region",
				 "乡镇职能的单位，所在区划应为乡镇/街道");
		goto cleanup;
	}
	set_field(op, "district", record_get(&r, "district"));
cleanup:
	record_release(&r);
	return ret;
}

const struct entity_desc department_desc = {
	.name = "departments", .label = "单位", .table = "departments", .key = "code",
	.fields = department_fields, .nfields = NF(department_fields),
	.flags = ENT_REFDATA | ENT_RETIRE,
	.read_roles = BIZ | R(SYSADMIN) | R(SECADMIN),
	.write_roles = R(OFFICE) | R(SYSTEM),
	.scope = { .district = "district" },
	.retire_field = "active", .default_sort = "code",
	.prepare = department_prepare,
};

/* ---- sector map ---- */

static const struct field_desc sector_fields[] = {
	{ "category", "主体类别", FT_ENUM, FF_KEY | FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST,
	  .enumeration = &enum_subject_category },
	{ "district", "区县", FT_REF, FF_IMMUTABLE | FF_FILTER | FF_LIST, .ref = "regions",
	  .ref_level = "district" },
	{ "department", "主管单位", FT_REF, FF_FILTER | FF_LIST, .ref = "departments" },
};

static int sector_prepare(struct entity_op *op)
{
	struct record d;
	int ret = 0;

	if (!record_get(op->rec, "district")) {
		if (!op->actor->district)
			return model_fail(&op->error, MODEL_EINVAL, "district", "缺少区县");
		set_field(op, "district", op->actor->district);
	}
	if (!record_get(op->rec, "department"))
		return 0; /* villages and communities: their township */
	ret = fetch_ref(op, "departments", record_get(op->rec, "department"), "department", &d);
	if (ret)
		goto cleanup;
	if (strcmp(record_get(&d, "district"), record_get(op->rec, "district")))
		ret = model_fail(&op->error, MODEL_EINVAL, "department", "主管单位不属于该区县");
cleanup:
	record_release(&d);
	return ret;
}

const struct entity_desc sector_desc = {
	.name = "sector_map", .label = "分系统创建", .table = "sector_map", .key = "category",
	.key2 = "district",
	.fields = sector_fields, .nfields = NF(sector_fields),
	.flags = ENT_REFDATA,
	.read_roles = BIZ,
	.write_roles = R(OFFICE) | R(SYSTEM),
	.scope = { .district = "district" },
	.default_sort = "category",
	.prepare = sector_prepare,
};

/* ---- creation subjects ---- */

static int is_phone(const char *s) { return phone_valid(s); }
static int is_credit_code(const char *s) { return credit_code_valid(s); }

static const struct field_desc subject_fields[] = {
	{ "code", "主体编码", FT_CODE, FF_KEY | FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_SEARCH,
	  .max = 32 },
	{ "name", "主体名称", FT_TEXT, FF_REQUIRED | FF_SORT | FF_LIST | FF_SEARCH, .max = 100 },
	{ "kind", "主体类型", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST,
	  .enumeration = &enum_subject_kind },
	{ "category", "主体类别", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST,
	  .enumeration = &enum_subject_category },
	{ "township", "所属乡镇", FT_REF, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST,
	  .ref = "regions", .ref_level = "township" },
	{ "village", "所在村/社区", FT_REF, FF_FILTER, .ref = "regions", .ref_level = "village" },
	{ "grid", "所属网格", FT_REF, FF_FILTER, .ref = "regions", .ref_level = "grid" },
	{ "supervisor", "主管单位", FT_REF, FF_FILTER | FF_SORT | FF_LIST, .ref = "departments" },
	{ "address", "地址", FT_TEXT, FF_SEARCH, .max = 200 },
	{ "lat", "纬度", FT_REAL, FF_NOIMPORT, .min = -90, .max = 90 },
	{ "lon", "经度", FT_REAL, FF_NOIMPORT, .min = -180, .max = 180 },
	{ "contact_name", "联系人", FT_TEXT, 0, .max = 50 },
	{ "contact_phone", "联系电话", FT_TEXT, FF_PERSONAL | FF_FILTER, .max = 20,
	  .check = is_phone, .check_msg = "联系电话格式不正确", .mask = MASK_PHONE },
	{ "credit_code", "统一社会信用代码", FT_CODE, FF_FILTER, .max = 18,
	  .check = is_credit_code, .check_msg = "统一社会信用代码校验位错误",
	  .normalize = credit_code_normalise },
	{ "active_from", "纳入月份", FT_MONTH, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST },
	{ "active_to", "退出月份", FT_MONTH, FF_FILTER | FF_SORT | FF_LIST },
	{ "district", "所属区县", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
};

/* The department of township `code` (the one whose region it is, with the township role). */
static int township_department(struct entity_op *op, const char *township, char **out)
{
	const char *params[] = { township };

	return entity_op_query_value(op,
		"SELECT code FROM departments WHERE region = ? AND active = 1 "
		"AND (roles LIKE '%township%') ORDER BY code LIMIT 1",
		params, 1, out);
}

static int sector_department(struct entity_op *op, const char *district, const char *category,
			     char **out)
{
	const char *params[] = { district, category };

	return entity_op_query_value(op,
		"SELECT department FROM sector_map WHERE district = ? AND category = ?",
		params, 2, out);
}

static int subject_prepare(struct entity_op *op)
{
	const char *kind = record_get(op->rec, "kind");
	const char *category = record_get(op->rec, "category");
	const char *village = record_get(op->rec, "village");
	const char *grid = record_get(op->rec, "grid");
	const char *from = record_get(op->rec, "active_from");
	const char *to = record_get(op->rec, "active_to");
	const char *township = record_get(op->rec, "township");
	int is_village_kind = !strcmp(kind, "village") || !strcmp(kind, "community");
	struct record t, v, g;
	char *dept = NULL;
	int ret;

	record_init(&t, NULL);
	record_init(&v, NULL);
	record_init(&g, NULL);
	if (is_village_kind && strcmp(category, kind)) {
		ret = model_fail(&op->error, MODEL_EINVAL, "category",
				 "主体类型为%s时，主体类别应为%s",
				 enum_label(&enum_subject_kind, kind),
				 enum_label(&enum_subject_category, kind));
		goto cleanup;
	}
	if (!is_village_kind && (!strcmp(category, "village") || !strcmp(category, "community"))) {
		ret = model_fail(&op->error, MODEL_EINVAL, "category",
				 "企事业单位的主体类别不能是行政村或社区");
		goto cleanup;
	}
	if (to && strcmp(to, from) < 0) {
		ret = model_fail(&op->error, MODEL_EINVAL, "active_to", "退出月份早于纳入月份");
		goto cleanup;
	}
	ret = fetch_ref(op, "regions", township, "township", &t);
	if (ret)
		goto cleanup;
	set_field(op, "district", record_get(&t, "district"));
	if (village) {
		ret = fetch_ref(op, "regions", village, "village", &v);
		if (ret)
			goto cleanup;
		if (strcmp(record_get(&v, "township"), township)) {
			ret = model_fail(&op->error, MODEL_EINVAL, "village",
					 "村/社区“%s”不属于乡镇“%s”", village, township);
			goto cleanup;
		}
	}
	if (grid) {
		ret = fetch_ref(op, "regions", grid, "grid", &g);
		if (ret)
			goto cleanup;
		if (strcmp(record_get(&g, "township"), township) ||
		    (village && strcmp(record_get(&g, "parent"), village) &&
		     strcmp(record_get(&g, "parent"), township))) {
			ret = model_fail(&op->error, MODEL_EINVAL, "grid",
					 "网格“%s”不在该主体所在的村/社区或乡镇内", grid);
			goto cleanup;
		}
	}
	/* The supervisor follows the sector map unless the caller set one. */
	if (!record_get(op->rec, "supervisor")) {
		if (is_village_kind)
			ret = township_department(op, township, &dept);
		else
			ret = sector_department(op, record_get(&t, "district"), category, &dept);
		if (ret) {
			ret = model_fail(&op->error, MODEL_EDB, NULL, "数据库错误");
			goto cleanup;
		}
		if (dept && *dept)
			set_field(op, "supervisor", dept);
	}
	if (record_get(op->rec, "supervisor")) {
		struct record d;
		ret = fetch_ref(op, "departments", record_get(op->rec, "supervisor"), "supervisor", &d);
		if (!ret && strcmp(record_get(&d, "district"), record_get(&t, "district")))
			ret = model_fail(&op->error, MODEL_EINVAL, "supervisor", "主管单位不属于该区县");
		/* a township's government supervises its own township's subjects only */
		if (!ret && in_set(record_get(&d, "roles"), "township") &&
		    !in_set(record_get(&d, "roles"), "supervisor") &&
		    (!record_get(&d, "region") || strcmp(record_get(&d, "region"), township)))
			ret = model_fail(&op->error, MODEL_EINVAL, "supervisor",
					 "主管单位“%s”是其他乡镇（街道）的政府，不能主管本乡镇的主体",
					 record_get(&d, "name"));
		record_release(&d);
		if (ret)
			goto cleanup;
	}
	ret = 0;
cleanup:
	free(dept);
	record_release(&t);
	record_release(&v);
	record_release(&g);
	return ret;
}

const struct entity_desc subject_desc = {
	.name = "subjects", .label = "创建主体", .table = "subjects", .key = "code",
	.fields = subject_fields, .nfields = NF(subject_fields),
	.flags = ENT_HISTORY | ENT_RETIRE | ENT_ASSESS,
	.read_roles = BIZ,
	.write_roles = R(OFFICE) | R(SUPERVISOR) | R(TOWNSHIP) | R(SYSTEM),
	.scope = { .district = "district", .township = "township", .supervisor = "supervisor",
		   .grid = "grid", .subject = "code" },
	.retire_field = "active_to", .default_sort = "code",
	.month_from = "active_from", .month_to = "active_to",
	.prepare = subject_prepare,
};

/* ---- users ---- */

static const struct field_desc user_fields[] = {
	{ "username", "用户名", FT_CODE, FF_KEY | FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_SEARCH,
	  .max = 64 },
	{ "display_name", "姓名", FT_TEXT, FF_LIST | FF_SEARCH, .max = 50 },
	{ "role", "角色", FT_ENUM, FF_FILTER | FF_SORT | FF_LIST, .enumeration = &enum_user_role },
	{ "department", "所属单位", FT_REF, FF_FILTER | FF_LIST, .ref = "departments" },
	{ "grid", "网格", FT_REF, FF_FILTER, .ref = "regions", .ref_level = "grid" },
	/* a grid-role account naming a village instead of a grid: a 驻村辅警 (scope.c) */
	{ "village", "驻村（社区）", FT_REF, FF_FILTER, .ref = "regions", .ref_level = "village" },
	{ "subject", "创建主体", FT_REF, FF_FILTER, .ref = "subjects" },
	{ "district", "区县", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	{ "township", "乡镇", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	/* role region: the city or province of its department */
	{ "region", "上级区划", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	{ "must_change", "须修改密码", FT_BOOL, FF_DERIVED | FF_LIST | FF_NOIMPORT },
	{ "locked_until", "锁定至", FT_INT, FF_DERIVED | FF_NOIMPORT },
	{ "active", "在用", FT_BOOL, FF_DERIVED | FF_FILTER | FF_LIST | FF_NOIMPORT },
	{ "pw_hash", "密码", FT_TEXT, FF_DERIVED | FF_HIDDEN | FF_NOIMPORT, .max = 512 },
};

/*
 * 三员分立, as 等保 level 3 means it: the system administrator creates,
 * renames and retires accounts, which start with no role ("none"); the
 * security administrator grants an account its role and scope; the audit
 * administrator only reads the audit.  No administrator changes, resets,
 * retires or unlocks an administrator's account (itself included) — those
 * are managed on the server's command line — and none can give itself, or
 * an account it made, a business role.
 */
static int user_guard(struct entity_op *op)
{
	static const char *const grants[] = { "role", "department", "grid", "subject",
					      "village" };
	const struct record *old = op->old;
	enum role actor = op->actor->role;
	int grant = 0, other = 0;
	size_t i, k;

	if (actor == ROLE_SYSTEM)
		return 0;
	if (old && (ROLE_BIT(role_parse(record_get(old, "role"))) & ROLES_ADMIN))
		return model_fail(&op->error, MODEL_EFORBIDDEN, NULL,
				  "管理员账号只能在服务器命令行上管理（三员分立）");
	for (i = 0; i < op->ed->nfields; i++) {
		const struct field_desc *fd = &op->ed->fields[i];
		const char *a = op->rec->val[i], *b = old ? old->val[i] : NULL;
		int is_grant = 0;
		if ((fd->flags & FF_HIDDEN) || (fd->flags & FF_DERIVED && strcmp(fd->key, "active")))
			continue;
		if (!old && !strcmp(fd->key, "role") && a && !strcmp(a, "none"))
			continue;
		if (!record_values_differ(a, b))
			continue;
		for (k = 0; k < sizeof(grants) / sizeof(grants[0]); k++)
			is_grant |= !strcmp(fd->key, grants[k]);
		if (is_grant)
			grant = 1;
		else
			other = 1;
	}
	if (!old && actor != ROLE_SYSADMIN)
		return model_fail(&op->error, MODEL_EFORBIDDEN, NULL, "账号由系统管理员创建（三员分立）");
	if (grant && actor != ROLE_SECADMIN)
		return model_fail(&op->error, MODEL_EFORBIDDEN, "role",
				  "角色和管辖范围由安全管理员授予（三员分立）");
	if (other && actor != ROLE_SYSADMIN)
		return model_fail(&op->error, MODEL_EFORBIDDEN, NULL,
				  "账号的创建、修改和停用由系统管理员办理（三员分立）");
	return 0;
}

static int user_prepare(struct entity_op *op)
{
	const char *role_s = record_get(op->rec, "role");
	enum role role = role_parse(role_s);
	const char *dept = record_get(op->rec, "department");
	const char *grid = record_get(op->rec, "grid");
	const char *village = record_get(op->rec, "village");
	const char *subject = record_get(op->rec, "subject");
	int admin = (ROLE_BIT(role) & ROLES_ADMIN) != 0;
	struct record d, r;
	int ret = 0;

	record_init(&d, NULL);
	record_init(&r, NULL);
	if (!role_s) {
		if (op->old || op->actor->role == ROLE_SYSTEM) {
			ret = model_fail(&op->error, MODEL_EINVAL, "role", "角色：必填");
			goto cleanup;
		}
		set_field(op, "role", "none");
		role_s = "none";
	}
	if (admin && op->actor->role != ROLE_SYSTEM &&
	    (!op->old || strcmp(record_get(op->old, "role"), role_s))) {
		ret = model_fail(&op->error, MODEL_EFORBIDDEN, "role",
				 "管理员账号只能在服务器命令行上创建（三员分立）");
		goto cleanup;
	}
	if (op->old && op->old->id == op->actor->user_id &&
	    strcmp(record_get(op->old, "role"), role_s)) {
		ret = model_fail(&op->error, MODEL_EFORBIDDEN, "role", "不能修改自己的角色");
		goto cleanup;
	}
	if (!op->old) {
		struct strbuf hash = STRBUF_INIT;
		if (!op->secret) {
			ret = model_fail(&op->error, MODEL_EINVAL, "password", "缺少初始密码");
			goto cleanup;
		}
		if (password_check(op->secret, record_get(op->rec, "username"), op->policy_min_len,
				   op->policy_min_classes, &op->error.msg)) {
			ret = model_fail(&op->error, MODEL_EINVAL, "password", "%s", op->error.msg.buf);
			goto cleanup;
		}
		if (password_hash(op->secret, &hash)) {
			strbuf_release(&hash);
			ret = model_fail(&op->error, MODEL_EDB, NULL, "密码哈希失败");
			goto cleanup;
		}
		set_field(op, "pw_hash", hash.buf);
		strbuf_release(&hash);
		set_field(op, "must_change", "1");
		set_field(op, "locked_until", "0");
		set_field(op, "active", "1");
	}
	set_field(op, "district", NULL);
	set_field(op, "township", NULL);
	set_field(op, "region", NULL);
	if (admin || role == ROLE_NONE)
		goto cleanup; /* admins and accounts without a role reach no business data */
	if (!dept) {
		ret = model_fail(&op->error, MODEL_EINVAL, "department", "业务账号必须属于一个单位");
		goto cleanup;
	}
	ret = fetch_ref(op, "departments", dept, "department", &d);
	if (ret)
		goto cleanup;
	set_field(op, "district", record_get(&d, "district"));
	switch (role) {
	case ROLE_OFFICE: case ROLE_PETITION: case ROLE_SAFETY: case ROLE_POLICE:
	case ROLE_SUPERVISOR: case ROLE_TOWNSHIP:
		if (!in_set(record_get(&d, "roles"), role_s)) {
			ret = model_fail(&op->error, MODEL_EINVAL, "role",
					 "单位“%s”没有“%s”职能", dept, role_label(role));
			goto cleanup;
		}
		if (role == ROLE_TOWNSHIP)
			set_field(op, "township", record_get(&d, "region"));
		break;
	case ROLE_REGION:
		/* the office of a city or a province: reads the districts under it */
		ret = fetch_ref(op, "regions", record_get(&d, "region"), "department", &r);
		if (ret)
			goto cleanup;
		if ((strcmp(record_get(&r, "level"), "city") && strcmp(record_get(&r, "level"), "province")) ||
		    !in_set(record_get(&d, "roles"), "office")) {
			ret = model_fail(&op->error, MODEL_EINVAL, "department",
					 "市/省创建办账号的单位应为市或省的创建办公室（单位“%s”不是）", dept);
			goto cleanup;
		}
		set_field(op, "region", record_get(&d, "region"));
		break;
	case ROLE_GRID:
		/* a grid worker names its grid; a village auxiliary officer its village */
		if (!grid && !village) {
			ret = model_fail(&op->error, MODEL_EINVAL, "grid",
					 "网格员账号必须指定网格（驻村辅警指定驻村）");
			goto cleanup;
		}
		if (grid && village) {
			ret = model_fail(&op->error, MODEL_EINVAL, "village",
					 "网格员账号只能指定网格或驻村（社区）之一");
			goto cleanup;
		}
		ret = fetch_ref(op, "regions", grid ? grid : village, grid ? "grid" : "village", &r);
		if (ret)
			goto cleanup;
		set_field(op, "township", record_get(&r, "township"));
		break;
	case ROLE_SUBJECT:
		if (!subject) {
			ret = model_fail(&op->error, MODEL_EINVAL, "subject", "主体账号必须指定创建主体");
			goto cleanup;
		}
		ret = fetch_ref(op, "subjects", subject, "subject", &r);
		if (ret)
			goto cleanup;
		set_field(op, "township", record_get(&r, "township"));
		break;
	default:
		ret = model_fail(&op->error, MODEL_EINVAL, "role", "角色无效");
		goto cleanup;
	}
	if (op->actor->district && record_get(op->rec, "district") &&
	    strcmp(op->actor->district, record_get(op->rec, "district"))) {
		ret = model_fail(&op->error, MODEL_EINVAL, "department", "单位“%s”不存在", dept);
		goto cleanup;
	}
cleanup:
	record_release(&d);
	record_release(&r);
	return ret;
}

const struct entity_desc user_desc = {
	.name = "users", .label = "用户", .table = "users", .key = "username",
	.fields = user_fields, .nfields = NF(user_fields),
	.flags = ENT_RETIRE | ENT_ACCOUNTS,
	.read_roles = R(SYSADMIN) | R(SECADMIN) | R(SYSTEM),
	.write_roles = R(SYSADMIN) | R(SECADMIN) | R(SYSTEM),
	.retire_field = "active", .default_sort = "username", .secret_input = "password",
	.prepare = user_prepare,
	.guard = user_guard,
};

/* ---- standards: versions of the veto rules per subject kind ---- */

static const struct field_desc standard_fields[] = {
	{ "code", "版本编号", FT_CODE, FF_KEY | FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST, .max = 32 },
	{ "kind", "主体类型", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST,
	  .enumeration = &enum_subject_kind },
	{ "effective_from", "起用月份", FT_MONTH, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST },
	{ "petition_level", "上访否决层级（达到即否决）", FT_ENUM, FF_REQUIRED | FF_LIST,
	  .enumeration = &enum_petition_level },
	{ "collective_persons", "集体访人数", FT_INT, FF_REQUIRED | FF_LIST, .min = 2, .max = 10000 },
	{ "collective_level", "集体访否决层级", FT_ENUM, FF_REQUIRED | FF_LIST,
	  .enumeration = &enum_petition_level },
	{ "accident_casualties", "事故否决伤亡人数", FT_INT, FF_REQUIRED | FF_LIST, .min = 1,
	  .max = 10000 },
	{ "accident_production_only", "仅生产安全事故否决", FT_BOOL, FF_REQUIRED | FF_LIST },
	{ "case_criminal", "刑事案件否决", FT_BOOL, FF_REQUIRED | FF_LIST },
	{ "case_public_order_major", "重大影响治安案件否决", FT_BOOL, FF_REQUIRED | FF_LIST },
	{ "target", "创建目标（%）", FT_REAL, FF_LIST, .min = 0, .max = 100 },
	{ "checklist", "启用八项标准评分", FT_BOOL, FF_LIST },
	{ "checklist_pass", "评分合格线", FT_INT, FF_LIST, .min = 0, .max = 100 },
	{ "note", "说明", FT_TEXT, 0, .max = 500 },
	{ "district", "区县", FT_REF, FF_IMMUTABLE | FF_FILTER, .ref = "regions",
	  .ref_level = "district" },
};

static int standard_prepare(struct entity_op *op)
{
	if (!record_get(op->rec, "checklist"))
		set_field(op, "checklist", "0");
	if (!strcmp(record_get(op->rec, "checklist"), "1") && !record_get(op->rec, "checklist_pass"))
		return model_fail(&op->error, MODEL_EINVAL, "checklist_pass", "启用评分须设合格线");
	if (!record_get(op->rec, "district")) {
		if (!op->actor->district)
			return model_fail(&op->error, MODEL_EINVAL, "district", "缺少区县");
		set_field(op, "district", op->actor->district);
	}
	return 0;
}

const struct entity_desc standard_desc = {
	.name = "standards", .label = "创建标准", .table = "standards", .key = "code",
	.fields = standard_fields, .nfields = NF(standard_fields),
	.flags = ENT_REFDATA | ENT_ASSESS,
	.read_roles = BIZ,
	.write_roles = R(OFFICE) | R(SYSTEM),
	.scope = { .district = "district" },
	.default_sort = "effective_from",
	.prepare = standard_prepare,
};

/* ---- the eight-heading checklist (八项创建标准评分) ---- */

#define HEADING(key, label) { key, label, FT_INT, FF_REQUIRED | FF_LIST, .min = 0, .max = 100 }
static const struct field_desc checklist_fields[] = {
	{ "subject", "创建主体", FT_REF, FF_KEY | FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST,
	  .ref = "subjects" },
	{ "month", "月份", FT_MONTH, FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_SORT | FF_LIST },
	HEADING("leadership", "组织领导保障有力"),
	HEADING("prevention", "治安防范严密有效"),
	HEADING("disputes", "矛盾纠纷妥善化解"),
	HEADING("key_groups", "重点人群帮教到位"),
	HEADING("hazards", "安全隐患整治有效"),
	HEADING("rule_of_law", "法治建设持续深入"),
	HEADING("services", "公共服务优质高效"),
	HEADING("satisfaction", "人民群众普遍满意"),
	{ "score", "平均分", FT_INT, FF_DERIVED | FF_FILTER | FF_SORT | FF_LIST | FF_NOIMPORT },
	{ "note", "说明", FT_TEXT, 0, .max = 500 },
	{ "township", "所属乡镇", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	{ "grid", "网格", FT_REF, FF_DERIVED | FF_NOIMPORT, .ref = "regions" },
	{ "district", "所属区县", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
};
#undef HEADING

static int checklist_prepare(struct entity_op *op)
{
	static const char *const headings[] = { "leadership", "prevention", "disputes", "key_groups",
						"hazards", "rule_of_law", "services", "satisfaction" };
	struct record s;
	char buf[24];
	long sum = 0;
	size_t i;
	int ret;

	record_init(&s, NULL);
	ret = fetch_ref(op, "subjects", record_get(op->rec, "subject"), "subject", &s);
	if (ret)
		goto cleanup;
	set_field(op, "township", record_get(&s, "township"));
	set_field(op, "grid", record_get(&s, "grid"));
	set_field(op, "district", record_get(&s, "district"));
	for (i = 0; i < sizeof(headings) / sizeof(headings[0]); i++)
		sum += atol(record_get(op->rec, headings[i]));
	/* the mean of the eight headings, rounded half up */
	snprintf(buf, sizeof(buf), "%ld", (sum * 2 + 8) / 16);
	set_field(op, "score", buf);
cleanup:
	record_release(&s);
	return ret;
}

const struct entity_desc checklist_desc = {
	.name = "checklists", .label = "创建标准评分", .table = "checklists", .key = "subject",
	.key2 = "month",
	.fields = checklist_fields, .nfields = NF(checklist_fields),
	.flags = ENT_ASSESS,
	.read_roles = BIZ,
	.write_roles = R(SUPERVISOR) | R(TOWNSHIP) | R(OFFICE) | R(SYSTEM),
	.scope = { .district = "district", .township = "township", .grid = "grid",
		   .subject = "subject" },
	.default_sort = "-month",
	.prepare = checklist_prepare,
};

const struct entity_desc *const entities[] = {
	&region_desc, &department_desc, &sector_desc, &subject_desc, &user_desc,
	&petition_desc, &activity_desc, &letter_desc, &village_record_desc,
	&inspection_desc, &hazard_desc, &accident_desc, &case_desc, &dispute_desc, &standard_desc,
	&checklist_desc, &task_desc, &check_desc, &problem_desc, &meeting_desc,
	&grid_staff_desc, &patrol_desc, &household_visit_desc, &police_assignment_desc,
	&police_subsidy_desc, &police_equipment_desc, &informant_desc, &cadre_assignment_desc,
	&cadre_visit_desc, &campaign_desc,
	&work_calendar_desc, &supervision_desc, &supervision_feedback_desc,
	&assessment_item_desc, &assessment_score_desc,
	&decision_desc, &task_update_desc, NULL
};
