/*
 * numbers.c: the numbering patterns of the lists (see numbers.h): their
 * default, the stored one, checking one and formatting a number by one.
 */
#include "model/numbers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "db/db.h"
#include "model/entity.h"
#include "model/errors.h"

#define SEQ_MIN 3
#define SEQ_MAX 10
#define YEAR_TOKEN "{YYYY}"

void number_pattern_key(const struct entity_desc *ed, struct strbuf *out)
{
	strbuf_reset(out);
	strbuf_addf(out, "number_pattern.%s", ed->name);
}

static void default_pattern(const struct entity_desc *ed, struct strbuf *out)
{
	strbuf_reset(out);
	strbuf_addf(out, "%s" YEAR_TOKEN "-{NNNNNN}", ed->number_prefix);
}

int number_pattern(struct db *db, const struct entity_desc *ed, struct strbuf *out)
{
	struct strbuf key = STRBUF_INIT;
	const char *params[1];
	char *v = NULL;
	int rc;

	number_pattern_key(ed, &key);
	params[0] = key.buf;
	rc = db_query_value(db, "SELECT value FROM settings WHERE key = ?", params, 1, &v, NULL);
	if (!rc && v && *v) {
		strbuf_reset(out);
		strbuf_addstr(out, v);
	} else {
		default_pattern(ed, out);
	}
	free(v);
	strbuf_release(&key);
	return rc ? -1 : 0;
}

/* The width of the sequence token at `p` ("{NNNN}": 4), or 0 when `p` is not one. */
static size_t seq_width(const char *p)
{
	size_t n = strspn(p + 1, "N");

	return p[0] == '{' && n && p[n + 1] == '}' ? n : 0;
}

int number_pattern_has_year(const char *pattern)
{
	return strstr(pattern, YEAR_TOKEN) != NULL;
}

int number_pattern_check(const struct entity_desc *ed, const char *pattern, struct strbuf *why)
{
	const struct field_desc *kf = entity_field(ed, ed->key);
	size_t len = 0, seqs = 0, years = 0, w;
	const char *p;

	for (p = pattern; *p;) {
		unsigned char c = (unsigned char)*p;

		if (!strncmp(p, YEAR_TOKEN, strlen(YEAR_TOKEN))) {
			years++;
			len += 4;
			p += strlen(YEAR_TOKEN);
		} else if ((w = seq_width(p))) {
			if (w < SEQ_MIN || w > SEQ_MAX) {
				strbuf_addf(why, "序号位数应为 %d 到 %d 位", SEQ_MIN, SEQ_MAX);
				return -1;
			}
			seqs++;
			len += w;
			p += w + 2;
		} else if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
			   (c >= 'a' && c <= 'z') || c == '-' || c == '_' || c == '.') {
			len++;
			p++;
		} else {
			strbuf_addf(why, "只能含字母、数字、- _ . 和 {YYYY}（年份）、{NNNNNN}（序号）");
			return -1;
		}
	}
	if (seqs != 1 || years > 1) {
		strbuf_addstr(why, seqs != 1 ? "应含一个序号 {NNNNNN}（N 的个数为位数）"
					     : "年份 {YYYY} 至多一个");
		return -1;
	}
	if (kf && kf->max && (int64_t)len > kf->max) {
		strbuf_addf(why, "编号长度 %zu 超过%s的 %lld 位", len, kf->label, (long long)kf->max);
		return -1;
	}
	return 0;
}

void number_format(const char *pattern, const char *year, long long seq, struct strbuf *out)
{
	const char *p;
	size_t w;

	strbuf_reset(out);
	for (p = pattern; *p;) {
		if (!strncmp(p, YEAR_TOKEN, strlen(YEAR_TOKEN))) {
			strbuf_addf(out, "%.4s", year);
			p += strlen(YEAR_TOKEN);
		} else if ((w = seq_width(p))) {
			strbuf_addf(out, "%0*lld", (int)w, seq);
			p += w + 2;
		} else {
			strbuf_addch(out, *p++);
		}
	}
}

json_t *number_patterns_json(struct db *db)
{
	struct strbuf pat = STRBUF_INIT;
	json_t *o = json_object();
	size_t i;

	for (i = 0; entities[i]; i++) {
		if (!entities[i]->number_prefix)
			continue;
		number_pattern(db, entities[i], &pat);
		json_object_set_new(o, entities[i]->name, json_string(pat.buf));
	}
	strbuf_release(&pat);
	return o;
}

int number_patterns_check(json_t *in, struct model_error *e)
{
	struct strbuf why = STRBUF_INIT;
	const char *name;
	json_t *v;
	int ret = 0;

	if (!json_is_object(in))
		return model_fail(e, MODEL_EINVAL, NUMBER_PATTERNS, "编号规则：应为 {列表: 规则} 对象");
	json_object_foreach(in, name, v) {
		const struct entity_desc *ed = entity_find(name);

		if (!ed || !ed->number_prefix)
			ret = model_fail(e, MODEL_EBADREQ, NUMBER_PATTERNS,
					 "编号规则：“%s”不是自动编号的列表", name);
		else if (!json_is_null(v) && !json_is_string(v))
			ret = model_fail(e, MODEL_EINVAL, NUMBER_PATTERNS, "%s编号规则：应为文字",
					 ed->label);
		else if (json_is_string(v) && *json_string_value(v) &&
			 number_pattern_check(ed, json_string_value(v), &why))
			ret = model_fail(e, MODEL_EINVAL, NUMBER_PATTERNS, "%s编号规则“%s”：%s",
					 ed->label, json_string_value(v), why.buf);
		if (ret)
			break;
	}
	strbuf_release(&why);
	return ret;
}
