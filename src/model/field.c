/*
 * field.c: values as the descriptors want them: one field's text normalised
 * and checked (field_normalize: JSON bodies and imported cells alike), a
 * record read from a JSON body, its required fields and its references,
 * and a reference given by its name (an import's cell) to its code.
 */
#include "model/entity.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/date.h"
#include "base/validate.h"
#include "db/db.h"
#include "db/sqlp.h"
#include "model/entity_int.h"
#include "model/lookup_cache.h"
#include "model/scope.h"

static int code_chars_ok(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return 1;
}

static int parse_int(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!*s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* Yuan as typed ("1234", "1234.5", "-3.25") to fen; -1 when malformed. */
static int parse_money(const char *s, int64_t *fen)
{
	int64_t v = 0;
	int neg = 0, digits = 0, decimals = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (v > (INT64_MAX - 9) / 10 / 100)
			return -1;
		v = v * 10 + (*s - '0');
	}
	v *= 100;
	if (*s == '.') {
		s++;
		if (s[0] >= '0' && s[0] <= '9') {
			v += (s[0] - '0') * 10;
			decimals++;
			if (s[1] >= '0' && s[1] <= '9') {
				v += s[1] - '0';
				decimals++;
			}
			s += decimals;
		}
		if (!decimals)
			return -1;
	}
	if (!digits || *s)
		return -1;
	*fen = neg ? -v : v;
	return 0;
}

/* The stored form of a set of codes ("a|b"), each checked by `one`. */
static int normalize_set(const struct field_desc *fd, const char *in, struct strbuf *out,
			 struct model_error *e)
{
	const char *p = in;

	if (!*in)
		return model_fail(e, MODEL_EINVAL, fd->key, "%s：不能为空", fd->label);
	while (*p) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		char *item = xstrndup(p, n);
		const char *code = item;

		if (fd->type == FT_ENUMSET)
			code = enum_lookup(fd->enumeration, item);
		else if (!*item || strlen(item) > 64 || !code_chars_ok(item))
			code = NULL;
		if (!code) {
			model_fail(e, MODEL_EINVAL, fd->key, "%s：“%s”不是%s", fd->label, item,
				   fd->type == FT_ENUMSET ? "可选值" : "有效的编码");
			free(item);
			return MODEL_EINVAL;
		}
		if (out->len)
			strbuf_addch(out, '|');
		strbuf_addstr(out, code);
		free(item);
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/*
 * Normalise and validate one value given as text (import cell, or a JSON
 * value already turned into text).  `in` is trimmed of nothing: callers
 * trim.  On success `out` holds the stored form (dates and months in ISO
 * form, whichever of date_from_text()'s spellings came).  Errors name the
 * field and quote the value (a personal one excepted).
 */
int field_normalize(const struct field_desc *fd, const char *in, struct strbuf *out,
		    struct model_error *e)
{
	int personal = (fd->flags & FF_PERSONAL) != 0; /* its value is never quoted back */

	strbuf_reset(out);
	if (!utf8_valid(in, strlen(in)))
		return model_fail(e, MODEL_EINVAL, fd->key, "%s：不是有效的 UTF-8 文本", fd->label);
	switch (fd->type) {
	case FT_TEXT: {
		int64_t max = fd->max ? fd->max : 200;
		if ((int64_t)utf8_length(in) > max)
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：%s%.*s%s长度超过 %" PRId64 " 个字符",
					  fd->label, personal ? "" : "“", personal ? 0 : utf8_prefix(in, 20),
					  in, personal ? "" : "…”", max);
		if (!text_controls_ok(in))
			return model_fail(e, MODEL_EINVAL, fd->key,
					  "%s：含有不允许的控制字符或文字方向控制符", fd->label);
		strbuf_addstr(out, in);
		break;
	}
	case FT_CODE:
	case FT_REF: {
		int64_t max = fd->type == FT_CODE && fd->max ? fd->max : 64;
		if ((int64_t)strlen(in) > max || !code_chars_ok(in))
			return model_fail(e, MODEL_EINVAL, fd->key,
					  "%s：“%.*s”不是有效的编码（字母、数字、- _ .，不超过 %" PRId64 " 位）",
					  fd->label, utf8_prefix(in, 80), in, max);
		strbuf_addstr(out, in);
		break;
	}
	case FT_INT: {
		int64_t v;
		if (parse_int(in, &v))
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：“%.*s”不是整数", fd->label,
					  utf8_prefix(in, 40), in);
		if ((fd->min || fd->max) && (v < fd->min || v > fd->max))
			return model_fail(e, MODEL_EINVAL, fd->key,
					  "%s：“%s”不在 %" PRId64 " 到 %" PRId64 " 之间", fd->label, in, fd->min,
					  fd->max);
		strbuf_addf(out, "%" PRId64, v);
		break;
	}
	case FT_REAL: {
		char *end;
		double v;
		errno = 0;
		v = strtod(in, &end);
		if (!*in || *end || errno || !isfinite(v))
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：“%.*s”不是数字", fd->label,
					  utf8_prefix(in, 40), in);
		if ((fd->min || fd->max) && (v < (double)fd->min || v > (double)fd->max))
			return model_fail(e, MODEL_EINVAL, fd->key,
					  "%s：“%s”不在 %" PRId64 " 到 %" PRId64 " 之间", fd->label, in, fd->min,
					  fd->max);
		strbuf_addf(out, "%.15g", v);
		break;
	}
	case FT_BOOL:
		if (!strcmp(in, "1") || !strcmp(in, "true") || !strcmp(in, "是"))
			strbuf_addch(out, '1');
		else if (!strcmp(in, "0") || !strcmp(in, "false") || !strcmp(in, "否"))
			strbuf_addch(out, '0');
		else
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：“%.*s”应为 是/否（或 1/0）",
					  fd->label, utf8_prefix(in, 40), in);
		break;
	case FT_DATE: {
		char day[DATE_BUFSZ];
		if (date_from_text(in, day))
			return model_fail(e, MODEL_EINVAL, fd->key,
					  "%s：“%s”不是有效日期（如 2023-08-21、2023/8/21、2023年8月21日）",
					  fd->label, in);
		strbuf_addstr(out, day);
		break;
	}
	case FT_MONTH: {
		char month[MONTH_BUFSZ];
		if (month_from_text(in, month))
			return model_fail(e, MODEL_EINVAL, fd->key,
					  "%s：“%s”不是有效月份（如 2023-08、2023/8、2023年8月）", fd->label, in);
		strbuf_addstr(out, month);
		break;
	}
	case FT_ENUM: {
		const char *code = enum_lookup(fd->enumeration, in);
		if (!code)
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：“%.*s”不是可选值", fd->label,
					  utf8_prefix(in, 40), in);
		strbuf_addstr(out, code);
		break;
	}
	case FT_ENUMSET:
	case FT_REFSET: {
		int ret = normalize_set(fd, in, out, e);
		if (ret)
			return ret;
		break;
	}
	case FT_MONEY: {
		int64_t fen;
		if (parse_money(in, &fen))
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：“%.*s”不是金额（元，最多两位小数）",
					  fd->label, utf8_prefix(in, 40), in);
		if ((fd->min || fd->max) && (fen < fd->min * 100 || fen > fd->max * 100))
			return model_fail(e, MODEL_EINVAL, fd->key,
					  "%s：“%s”不在 %" PRId64 " 到 %" PRId64 " 元之间", fd->label, in,
					  fd->min, fd->max);
		strbuf_addf(out, "%" PRId64, fen);
		break;
	}
	}
	if (fd->normalize && out->len) {
		struct strbuf canon = STRBUF_INIT;
		fd->normalize(out->buf, &canon);
		strbuf_reset(out);
		strbuf_addbuf(out, &canon);
		strbuf_release(&canon);
	}
	if (fd->check && !fd->check(out->buf))
		return model_fail(e, MODEL_EINVAL, fd->key, "%s：%s%.*s%s%s", fd->label,
				  personal ? "" : "“", personal ? 0 : utf8_prefix(in, 40), in,
				  personal ? "" : "”", fd->check_msg ? fd->check_msg : "格式不正确");
	return 0;
}

/* Turn a JSON value into text for field_normalize(), checking its JSON type. */
static int json_value_text(const struct field_desc *fd, json_t *v, struct strbuf *out,
			   struct model_error *e)
{
	strbuf_reset(out);
	switch (fd->type) {
	case FT_INT:
		if (!json_is_integer(v))
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：应为整数", fd->label);
		strbuf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return 0;
	case FT_REAL:
		if (!json_is_number(v))
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：应为数字", fd->label);
		strbuf_addf(out, "%.17g", json_number_value(v));
		return 0;
	case FT_BOOL:
		if (!json_is_boolean(v))
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：应为 true 或 false", fd->label);
		strbuf_addch(out, json_is_true(v) ? '1' : '0');
		return 0;
	case FT_MONEY:
		if (json_is_integer(v))
			strbuf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		else if (json_is_real(v))
			strbuf_addf(out, "%.10g", json_real_value(v));
		else if (json_is_string(v))
			strbuf_addstr(out, json_string_value(v));
		else
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：应为金额（数字）", fd->label);
		return 0;
	default:
		if (!json_is_string(v))
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：应为字符串", fd->label);
		strbuf_add(out, json_string_value(v), json_string_length(v));
		if (memchr(out->buf, 0, out->len))
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：不能包含 NUL 字符", fd->label);
		strbuf_trim(out);
		return 0;
	}
}

/* Fill `r` from JSON object `in`; `create` demands required fields. */
int record_from_json(struct record *r, json_t *in, int create, int64_t *rev,
			    struct model_error *e)
{
	const struct entity_desc *ed = r->ed;
	struct strbuf text = STRBUF_INIT, norm = STRBUF_INIT;
	const char *key;
	json_t *v;
	int ret = 0;

	if (!json_is_object(in))
		return model_fail(e, MODEL_EBADREQ, NULL, "请求体应为 JSON 对象");
	json_object_foreach(in, key, v) {
		int i;
		const struct field_desc *fd;

		if (!strcmp(key, "rev") && rev) {
			if (!json_is_integer(v) || json_integer_value(v) < 0) {
				ret = model_fail(e, MODEL_EINVAL, "rev", "rev：应为非负整数");
				goto cleanup;
			}
			*rev = json_integer_value(v);
			continue;
		}
		i = entity_field_index(ed, key);
		if (i < 0) {
			ret = model_fail(e, MODEL_EBADREQ, NULL, "未知字段“%.*s”", utf8_prefix(key, 64),
					 key);
			goto cleanup;
		}
		fd = &ed->fields[i];
		if (fd->flags & (FF_DERIVED | FF_HIDDEN)) {
			ret = model_fail(e, MODEL_EINVAL, fd->key, "%s：由系统生成，不能填写", fd->label);
			goto cleanup;
		}
		/* keys and immutable fields may be given on update only unchanged:
		 * entity_validate() compares them with the stored record */
		r->given[i] = 1;
		if (json_is_null(v)) {
			record_set(r, i, NULL);
			continue;
		}
		ret = json_value_text(fd, v, &text, e);
		if (ret)
			goto cleanup;
		if (!text.len) {
			record_set(r, i, NULL);
			continue;
		}
		ret = field_normalize(fd, text.buf, &norm, e);
		if (ret)
			goto cleanup;
		record_set(r, i, norm.buf);
	}
cleanup:
	strbuf_release(&text);
	strbuf_release(&norm);
	return ret;
}

/* Required fields present (after merge on update). */
int record_check_required(const struct record *r, struct model_error *e)
{
	size_t i;

	for (i = 0; i < r->ed->nfields; i++) {
		const struct field_desc *fd = &r->ed->fields[i];
		if ((fd->flags & FF_REQUIRED) && !r->val[i])
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：必填", fd->label);
	}
	return 0;
}

int ref_missing(struct model_error *e, const struct field_desc *fd, const char *value)
{
	return model_fail(e, MODEL_EINVAL, fd->key, "%s：“%s”不存在%s", fd->label, value,
			  fd->ref_level ? "或层级不符" : "");
}

/*
 * References: each non-null FT_REF value must name an existing record (of
 * the right level) that the actor can see.  Out of scope and missing read
 * the same, so that an error never tells what exists elsewhere.
 * Administrators, who read no business data, only learn that it exists.
 */
/* Does `key` name a record of `fd`'s entity that the writer may name? 0, or negative. */
static int check_one_ref(const struct model_ctx *mc, const struct field_desc *fd, const char *key,
			 struct model_error *e)
{
	const struct entity_desc *red = entity_find(fd->ref);
	struct record ref;
	int ok, rc;

	record_init(&ref, NULL);
	rc = entity_lookup_cached(mc->db, mc->cache, red, key, &ref, &e->msg);
	if (rc == MODEL_EDB) {
		record_release(&ref);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	ok = rc == 0;
	if (ok && fd->ref_level)
		ok = red->level && record_get(&ref, red->level) &&
		     !strcmp(record_get(&ref, red->level), fd->ref_level);
	if (ok && !(ROLE_BIT(mc->actor->role) & ROLES_ADMIN))
		ok = scope_check_record(mc->db, mc->actor, &ref, 1);
	record_release(&ref);
	return ok ? 0 : ref_missing(e, fd, key);
}

int field_check_ref(const struct model_ctx *mc, const struct field_desc *fd, const char *key,
		    struct model_error *e)
{
	return check_one_ref(mc, fd, key, e);
}

int record_check_refs(const struct model_ctx *mc, const struct record *r,
			     struct model_error *e)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < r->ed->nfields && !ret; i++) {
		const struct field_desc *fd = &r->ed->fields[i];
		const char *p;

		if (!r->val[i] || (fd->flags & FF_DERIVED))
			continue;
		if (fd->type == FT_REF)
			ret = check_one_ref(mc, fd, r->val[i], e);
		if (fd->type != FT_REFSET)
			continue;
		for (p = r->val[i]; *p && !ret;) {
			size_t n = strcspn(p, "|");
			char *item = xstrndup(p, n);
			ret = check_one_ref(mc, fd, item, e);
			free(item);
			p += n;
			if (*p)
				p++;
		}
	}
	return ret;
}

/* ---- references by name (imports) ---- */

const struct entity_desc *field_named_ref(const struct field_desc *fd)
{
	const struct entity_desc *red;
	int k;

	if (fd->type != FT_REF && fd->type != FT_REFSET)
		return NULL;
	red = entity_find(fd->ref);
	k = red ? entity_field_index(red, "name") : -1;
	return k >= 0 && !(red->fields[k].flags & (FF_PERSONAL | FF_HIDDEN)) ? red : NULL;
}

int field_ref_name(const struct model_ctx *mc, struct lookup_cache *cache,
		   const struct field_desc *fd, const char *code, struct strbuf *out)
{
	const struct entity_desc *red = field_named_ref(fd);
	struct record ref;
	int rc;

	strbuf_reset(out);
	if (!red)
		return -1;
	record_init(&ref, NULL);
	rc = entity_lookup_cached(mc->db, cache, red, code, &ref, NULL);
	if (!rc && record_get(&ref, "name"))
		strbuf_addstr(out, record_get(&ref, "name"));
	record_release(&ref);
	return rc == MODEL_EDB ? -1 : 0;
}

/*
 * The code of the record of `fd`'s (named) entity called `name` within the
 * writer's scope and at the field's level.  Not unique: an error saying
 * how many there are.
 */
static int code_by_name(const struct model_ctx *mc, const struct field_desc *fd,
			const struct entity_desc *red, const char *name, struct strbuf *code,
			struct model_error *e)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st = NULL;
	int rc, n = 0, ret = 0, bad = 0;

	strbuf_addf(&sql, "SELECT t.\"%s\" FROM %s t WHERE t.name = ?", red->key, red->table);
	sqlp_text(&p, name);
	if (fd->ref_level && red->level) {
		strbuf_addf(&sql, " AND t.\"%s\" = ?", red->level);
		sqlp_text(&p, fd->ref_level);
	}
	if (!(ROLE_BIT(mc->actor->role) & ROLES_ADMIN) &&
	    scope_where(red, mc->actor, "t", &sql, &p))
		goto answer; /* the writer reaches none */
	strbuf_addf(&sql, " ORDER BY t.\"%s\"", red->key);
	if (db_prepare(mc->db, sql.buf, &st, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto cleanup;
	}
	sqlp_bind(&p, st, 1);
	while ((rc = db_step(st, NULL)) == DB_ROW) {
		/* one the writer may name (a township: its own township's villages) */
		const char *k = db_column_text(st, 0);

		if ((bad = check_one_ref(mc, fd, k, e)) == MODEL_EDB)
			break;
		if (!bad && n++ == 0)
			strbuf_addstr(code, k);
	}
	if (rc < 0 || bad == MODEL_EDB) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto cleanup;
	}
answer:
	if (!n)
		ret = ref_missing(e, fd, name);
	else if (n > 1)
		ret = model_fail(e, MODEL_EINVAL, fd->key, "%s：有 %d 个名为“%s”的%s，请填编码",
				 fd->label, n, name, red->label);
cleanup:
	if (st)
		db_finalize(st);
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}

/* One item: a code that exists as given, else a name. */
static int one_by_name(const struct model_ctx *mc, const struct field_desc *fd,
		       const struct entity_desc *red, const char *text, struct strbuf *out,
		       struct model_error *e)
{
	struct record ref;
	int rc = MODEL_ENOTFOUND;

	if (strlen(text) <= 64 && code_chars_ok(text)) {
		record_init(&ref, NULL);
		rc = entity_lookup_cached(mc->db, mc->cache, red, text, &ref, NULL);
		record_release(&ref);
	}
	if (rc == MODEL_EDB)
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	if (!rc) {
		strbuf_addstr(out, text);
		return 0;
	}
	return code_by_name(mc, fd, red, text, out, e);
}

int field_ref_by_name(const struct model_ctx *mc, const struct field_desc *fd, const char *text,
		      struct strbuf *code, struct model_error *e)
{
	const struct entity_desc *red = field_named_ref(fd);
	const char *p = text;
	int ret = 0;

	strbuf_reset(code);
	if (!red)
		return field_normalize(fd, text, code, e);
	if (fd->type == FT_REF)
		return one_by_name(mc, fd, red, text, code, e);
	while (*p && !ret) {
		size_t n = strcspn(p, "|");
		char *item = xstrndup(p, n);

		if (code->len)
			strbuf_addch(code, '|');
		ret = one_by_name(mc, fd, red, item, code, e);
		free(item);
		p += n;
		if (*p)
			p++;
	}
	return ret;
}
