/*
 * exchange.c: upward reporting between deployments (see exchange.h and
 * docs/architecture.md, "Upward reporting").
 *
 * The file is one JSON object {format, signature, payload}: the payload is
 * the district's month as JSON text, carried as a string so that its exact
 * bytes are what was signed — nothing is ever serialised again to be
 * checked.  The signature is Ed25519 over those bytes (hex); the payload's
 * SHA-256 names the package.  The importer trusts nothing of the payload
 * before the signature verifies under the key registered for the district
 * it names, and nothing of the file but the payload after.
 */
#include "cli/exchange.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "assess/assess.h"
#include "assess/cells.h"
#include "assess/figures.h"
#include "assess/work_figures.h"
#include "base/alloc.h"
#include "base/crypto.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "db/sqlp.h"
#include "model/audit.h"
#include "model/entities.h"
#include "model/entity.h"
#include "model/errors.h"
#include "model/role.h"

/* The most bytes of a package file (a district's subjects and their results). */
#define PACKAGE_MAX (256u << 20)

/* The payload's JSON: compact, in the order built, reals as the figures print them. */
#define PAYLOAD_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

int exchange_district(struct db *db, const char *given, struct strbuf *out, struct strbuf *err)
{
	char *v = NULL;
	int rc;

	if (given) {
		rc = db_query_value(db, "SELECT r.code FROM regions r WHERE r.code = ? AND r.level = "
				    "'district' AND NOT EXISTS (SELECT 1 FROM exchange_districts x "
				    "WHERE x.district = r.code)", &given, 1, &v, err);
		if (!rc && !v)
			strbuf_addf(err, "本级没有区县 %s（或它是外部区县：其数据在它自己的部署中）",
				    given);
	} else {
		rc = db_query_value(db, "SELECT CASE WHEN COUNT(*) = 1 THEN MIN(r.code) END FROM "
				    "regions r WHERE r.level = 'district' AND NOT EXISTS (SELECT 1 "
				    "FROM exchange_districts x WHERE x.district = r.code)", NULL, 0,
				    &v, err);
		if (!rc && !v)
			strbuf_addstr(err, "name the district with --district CODE");
	}
	if (rc || !v)
		return -1;
	strbuf_addstr(out, v);
	free(v);
	return 0;
}

int exchange_key(const struct crypto_keys *k, const char *district, struct strbuf *out,
		 struct strbuf *err)
{
	if (crypto_exchange_public(k, district, out)) {
		strbuf_addstr(err, "cannot derive the district's key (is the key file loaded?)");
		return -1;
	}
	return 0;
}

/* The months January..`month` not published (the figures' provisional ones), as an array. */
static int provisional_months(struct db *db, const struct actor *a, const char *month,
			      json_t **out, struct strbuf *err)
{
	struct strbuf list = STRBUF_INIT;
	char jan[8], *s, *tok, *save = NULL;

	snprintf(jan, sizeof(jan), "%.4s-01", month);
	if (assess_provisional_months(db, a, jan, month, &list, err)) {
		strbuf_release(&list);
		return -1;
	}
	*out = json_array();
	s = list.buf;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(*out, json_string(tok));
	strbuf_release(&list);
	return 0;
}

/* The documents archived for `publication` of the month: [{kind, format, version, sha256, size, filename}]. */
static int documents(struct db *db, const char *district, const char *month, int64_t publication,
		     json_t **out, struct strbuf *err)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(db, "SELECT kind, format, version, sha256, size, filename FROM report_archive "
		       "WHERE district = ? AND month = ? AND publication = ? ORDER BY kind, format",
		       &st, err))
		return -1;
	db_bind_text(st, 1, district);
	db_bind_text(st, 2, month);
	db_bind_int64(st, 3, publication);
	*out = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(*out, json_pack("{ss ss sI ss sI ss}", "kind",
			db_column_text(st, 0), "format", db_column_text(st, 1), "version",
			(json_int_t)db_column_int64(st, 2), "sha256", db_column_text(st, 3), "size",
			(json_int_t)db_column_int64(st, 4), "filename", db_column_text(st, 5)));
	db_finalize(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/*
 * Do the report figures of `cells` through `month` equal those of
 * `figures`?  1, 0 (the first that differs named in `why`), -1 when the
 * cells are malformed (`why` says how).
 */
static int cells_agree(const json_t *cells, const char *month, const json_t *figures,
		       struct strbuf *why)
{
	struct cell_tally *t = calloc(1, sizeof(*t));
	const char *key;
	json_t *mine, *v;
	int ret = 1;

	if (!t)
		abort();
	if (cells_parse(cells, month, t, why)) {
		free(t);
		return -1;
	}
	mine = figures_of_tally(t, month);
	free(t);
	json_object_foreach(mine, key, v) {
		if (!figure_values_equal(v, json_object_get(figures, key))) {
			strbuf_addf(why, "figures.%s does not follow from the cells", key);
			ret = 0;
			break;
		}
	}
	json_decref(mine);
	return ret;
}

/*
 * What a published month of the district is: figures, months not
 * published, cells, subjects, documents, audit head (see the file's
 * comment).  `*payload` owned by the caller.
 */
static int build_payload(struct db *db, const char *district, const char *name,
			 const char *month, int64_t publication, int64_t published_at,
			 json_t **payload, struct strbuf *err)
{
	struct results_filter rf = { .span = "year" };
	struct audit_anchor head;
	struct model_error e;
	struct strbuf why = STRBUF_INIT;
	struct actor a;
	json_t *figures = NULL, *prov = NULL, *cells = NULL, *results = NULL, *docs = NULL,
	       *work = NULL;
	char at[TIME_ISO_BUFSZ], now[TIME_ISO_BUFSZ];
	int ret = -1, agree;

	actor_office_of(&a, district); /* whom the figures and results are read as */
	model_error_init(&e);
	if (figures_compute(db, &a, month, NULL, &figures, &e) ||
	    assess_results_query(db, &a, month, &rf, 1, 1 << 30, &results, &e)) {
		strbuf_addf(err, "%s", e.msg.buf);
		goto cleanup;
	}
	if (provisional_months(db, &a, month, &prov, err) ||
	    cells_export(db, district, month, &cells, err) ||
	    work_counts_export(db, district, month, &work, err) ||
	    documents(db, district, month, publication, &docs, err) ||
	    audit_anchor_take(db, &head, err))
		goto cleanup;
	/* the cells read now must be the figures computed before (nobody wrote between) */
	agree = cells_agree(cells, month, figures, &why);
	if (agree > 0 && work_counts_check(work, district, month, figures, &why))
		agree = 0;
	if (agree <= 0) {
		strbuf_addf(err, "the district's data changed while it was exported (%s): export again",
			    why.buf);
		goto cleanup;
	}
	time_iso_utc(published_at, at);
	time_iso_utc(time_now(), now);
	*payload = json_pack("{ss s{ss ss} ss sI ss ss sO sO sO sO sO sO s{sI ss sI ss}}",
			     "format", EXCHANGE_FORMAT, "district", "code", district, "name", name,
			     "month", month, "publication", (json_int_t)publication,
			     "published_at", at, "exported_at", now, "provisional", prov,
			     "figures", figures, "cells", cells, "work", work,
			     "subjects", json_object_get(results, "items"), "documents", docs,
			     "audit_head", "seq", (json_int_t)head.seq, "link", head.hash,
			     "keyed_from", (json_int_t)head.keyed_from, "at", head.at);
	ret = *payload ? 0 : -1;
	if (ret)
		strbuf_addstr(err, "cannot build the package");
cleanup:
	json_decref(figures);
	json_decref(prov);
	json_decref(cells);
	json_decref(results);
	json_decref(docs);
	json_decref(work);
	model_error_release(&e);
	strbuf_release(&why);
	return ret;
}

int exchange_export(struct db *db, const struct crypto_keys *k, const char *district,
		    const char *month, struct strbuf *out, struct strbuf *err)
{
	struct strbuf sig = STRBUF_INIT, sha = STRBUF_INIT, detail = STRBUF_INIT;
	struct db_stmt *st = NULL;
	struct actor sys;
	json_t *payload = NULL, *file = NULL;
	char *text = NULL, *name = NULL, object[64];
	int64_t publication = 0, published_at = 0;
	int rc, ret = -1;

	if (!month || !month_valid(month)) {
		strbuf_addstr(err, "--month：月份格式应为 YYYY-MM");
		return -1;
	}
	if (db_query_value(db, "SELECT name FROM regions WHERE code = ?", &district, 1, &name, err))
		return -1;
	if (db_prepare(db, "SELECT publication, COALESCE(published_at, 0) FROM assess_months WHERE "
		       "district = ? AND month = ? AND published = 1", &st, err))
		goto cleanup;
	db_bind_text(st, 1, district);
	db_bind_text(st, 2, month);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		publication = db_column_int64(st, 0);
		published_at = db_column_int64(st, 1);
	}
	db_finalize(st);
	if (rc < 0)
		goto cleanup;
	if (publication < 1) {
		strbuf_addf(err, "%s 月尚未发布（区县 %s）：三家牵头单位确认、三零办发布后才能上报",
			    month, district);
		goto cleanup;
	}
	if (build_payload(db, district, name ? name : district, month, publication, published_at,
			  &payload, err))
		goto cleanup;
	text = json_dumps(payload, PAYLOAD_FLAGS);
	if (!text || crypto_exchange_sign(k, district, text, strlen(text), &sig)) {
		strbuf_addstr(err, "cannot sign the package (is the key file loaded?)");
		goto cleanup;
	}
	sha256_hex(text, strlen(text), &sha);
	file = json_pack("{ss ss ss}", "format", EXCHANGE_FORMAT, "signature", sig.buf,
			 "payload", text);
	free(text);
	text = json_dumps(file, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (!text)
		goto cleanup;
	/* the district's own record of what it reported */
	actor_system(&sys);
	snprintf(object, sizeof(object), "exchange/%s/%s", district, month);
	strbuf_addf(&detail, "publication %lld sha256 %s", (long long)publication, sha.buf);
	if (audit_append(db, &sys, "exchange.export", object, "ok", detail.buf, err))
		goto cleanup;
	strbuf_addstr(out, text);
	strbuf_addch(out, '\n');
	ret = 0;
cleanup:
	json_decref(payload);
	json_decref(file);
	free(text);
	free(name);
	strbuf_release(&sig);
	strbuf_release(&sha);
	strbuf_release(&detail);
	return ret;
}

/* An audit row of the command line's exchange `action` on `object`. */
static int audit_exchange(struct db *db, const char *action, const char *object,
			  const char *outcome, const char *detail, struct strbuf *err)
{
	struct actor sys;

	actor_system(&sys);
	return audit_append(db, &sys, action, object, outcome, detail, err);
}

/* Is `s` 2n lowercase or uppercase hex characters? */
static int is_hex(const char *s, size_t n)
{
	return s && strlen(s) == n && strspn(s, "0123456789abcdefABCDEF") == n;
}

/*
 * A new key for the external `district` (its key file was lost or
 * replaced): 0, 1 when it is not external, -1 with `err`.  `detail` says
 * which key replaced which.
 */
static int rekey(struct db *db, const char *district, const char *key, struct strbuf *detail,
		 struct strbuf *err)
{
	struct sqlp p = SQLP_INIT;
	char *was = NULL;
	int ret;

	if (db_query_value(db, "SELECT public_key FROM exchange_districts WHERE district = ?",
			   &district, 1, &was, err))
		return -1;
	if (!was)
		return 1;
	sqlp_text(&p, key);
	sqlp_int(&p, time_now());
	sqlp_text(&p, district);
	ret = sqlp_run(db, "UPDATE exchange_districts SET public_key = ?, registered_at = ? WHERE "
		       "district = ?", &p, err);
	sqlp_release(&p);
	strbuf_addf(detail, "external district %s, public key %s replaced by %s", district, was, key);
	free(was);
	return ret;
}

static int trust(struct db *db, const char *district, const char *public_key, const char *name,
		 const char *parent, struct strbuf *detail, struct strbuf *err)
{
	struct model_ctx mc = { 0 };
	struct model_error e;
	struct sqlp p = SQLP_INIT;
	struct actor sys;
	char key[CRYPTO_SIGN_PUBLIC_HEX + 1], *v = NULL;
	json_t *in;
	size_t i;
	int ret;

	if (!is_hex(public_key, CRYPTO_SIGN_PUBLIC_HEX)) {
		strbuf_addstr(err, "公钥应为 64 位十六进制字符（区县执行 sanling exchange key 所得）");
		return -1;
	}
	for (i = 0; i < CRYPTO_SIGN_PUBLIC_HEX; i++)
		key[i] = (char)(public_key[i] >= 'A' && public_key[i] <= 'F' ? public_key[i] + 32 :
				public_key[i]);
	key[i] = '\0';
	if ((ret = rekey(db, district, key, detail, err)) <= 0)
		return ret;
	if (!name || !*name) {
		strbuf_addstr(err, "缺少 --name：区县的名称");
		return -1;
	}
	if (db_query_value(db, "SELECT level FROM regions WHERE code = ?", &district, 1, &v, err))
		return -1;
	if (v) {
		strbuf_addf(err, "区划 %s 已存在（层级 %s）：外部区县须是本级新登记的区县", district, v);
		free(v);
		return -1;
	}
	/* the region, through the machinery: its checks, its audit row */
	actor_system(&sys);
	mc.db = db;
	mc.actor = &sys;
	model_error_init(&e);
	in = json_pack("{ss ss ss}", "code", district, "name", name, "level", "district");
	if (parent)
		json_object_set_new(in, "parent", json_string(parent));
	ret = entity_create(&mc, &region_desc, in, NULL, &e);
	json_decref(in);
	if (ret)
		strbuf_addf(err, "%s", e.msg.buf);
	model_error_release(&e);
	if (ret)
		return -1;
	strbuf_addf(detail, "external district %s, public key %s", district, key);
	sqlp_text(&p, district);
	sqlp_text(&p, key);
	sqlp_int(&p, time_now());
	sqlp_text(&p, sys.username);
	ret = sqlp_run(db, "INSERT INTO exchange_districts (district, public_key, registered_at, "
		       "registered_by) VALUES (?, ?, ?, ?)", &p, err);
	sqlp_release(&p);
	return ret;
}

int exchange_trust(struct db *db, const char *district, const char *public_key, const char *name,
		   const char *parent, struct strbuf *err)
{
	struct strbuf detail = STRBUF_INIT, why = STRBUF_INIT;
	char object[64];
	int ret;

	snprintf(object, sizeof(object), "exchange/%.40s", district);
	if (db_begin(db, err))
		return -1;
	ret = trust(db, district, public_key, name, parent, &detail, &why);
	if (!ret) {
		ret = audit_exchange(db, "exchange.trust", object, "ok", detail.buf, err);
		if (!ret)
			ret = db_commit(db, err);
	}
	if (ret) {
		db_rollback(db);
		/* the refusal's own row, once nothing of the request is left */
		if (why.len) {
			strbuf_addbuf(err, &why);
			strbuf_reset(&detail);
			strbuf_addf(&detail, "refused: %s", why.buf);
			audit_exchange(db, "exchange.trust", object, "refused", detail.buf, NULL);
		}
	}
	strbuf_release(&detail);
	strbuf_release(&why);
	return ret;
}

/* ---- import ---- */

/* "YYYY-MM-DDTHH:MM:SSZ" as seconds since the epoch: 0, or -1. */
static int iso_seconds(const char *s, int64_t *out)
{
	char day[DATE_BUFSZ], back[TIME_ISO_BUFSZ];
	int h, m, sec;
	int64_t days;

	if (!s || strlen(s) != 20 || s[10] != 'T' || s[19] != 'Z' ||
	    sscanf(s + 11, "%2d:%2d:%2d", &h, &m, &sec) != 3)
		return -1;
	snprintf(day, sizeof(day), "%.10s", s);
	days = date_days(day);
	if (days == DATE_DAYS_INVALID)
		return -1;
	*out = days * 86400 + h * 3600 + m * 60 + sec;
	/* nothing but the one spelling of that moment */
	return time_iso_utc(*out, back) || strcmp(back, s) ? -1 : 0;
}

/* What an import reads of a package, once its signature verified. */
struct package {
	const char *district, *month, *published_at_text;
	int64_t publication, published_at;
	json_t *provisional, *cells, *figures;
	json_t *work; /* the work counts by month; NULL in a package without them */
};

/* The payload's members, checked: 0, or -1 with the reason in `why`. */
static int package_read(json_t *payload, struct package *pk, struct strbuf *why)
{
	static const char *const arrays[] = { "provisional", "cells", "subjects", "documents" };
	json_t *pub = json_object_get(payload, "publication"), *m;
	char jan[8];
	size_t i;

	pk->month = json_string_value(json_object_get(payload, "month"));
	pk->published_at_text = json_string_value(json_object_get(payload, "published_at"));
	pk->provisional = json_object_get(payload, "provisional");
	pk->cells = json_object_get(payload, "cells");
	pk->figures = json_object_get(payload, "figures");
	pk->work = json_object_get(payload, "work");
	if (!pk->month || !month_valid(pk->month) || month_is_future(pk->month)) {
		strbuf_addstr(why, "month：不是已过去的月份 YYYY-MM");
		return -1;
	}
	for (i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++)
		if (!json_is_array(json_object_get(payload, arrays[i]))) {
			strbuf_addf(why, "%s：应为数组", arrays[i]);
			return -1;
		}
	if (!json_is_object(pk->figures) || !json_is_object(json_object_get(payload, "audit_head"))) {
		strbuf_addstr(why, "figures、audit_head：应为对象");
		return -1;
	}
	if (!json_is_integer(pub)) {
		strbuf_addstr(why, "publication：应为整数");
		return -1;
	}
	pk->publication = json_integer_value(pub);
	snprintf(jan, sizeof(jan), "%.4s-01", pk->month);
	json_array_foreach(pk->provisional, i, m) {
		const char *s = json_string_value(m);
		if (!s || !month_valid(s) || strcmp(s, jan) < 0 || strcmp(s, pk->month) > 0) {
			strbuf_addf(why, "provisional[%zu]：不是 %s..%s 的月份", i, jan, pk->month);
			return -1;
		}
		if (!strcmp(s, pk->month))
			pk->publication = 0;
	}
	if (pk->publication < 1) {
		strbuf_addf(why, "%s 月在区县尚未发布：未发布的月份不能上报", pk->month);
		return -1;
	}
	if (iso_seconds(pk->published_at_text, &pk->published_at)) {
		strbuf_addstr(why, "published_at：应为 UTC 时间 YYYY-MM-DDTHH:MM:SSZ");
		return -1;
	}
	/* the cells and the work counts must say what the figures say: the city then reads the
	 * district's own */
	if (cells_agree(pk->cells, pk->month, pk->figures, why) != 1)
		return -1;
	return pk->work && work_counts_check(pk->work, pk->district, pk->month, pk->figures, why) ?
	       -1 : 0;
}

/*
 * Store the checked package `pk` (payload `text`, its signature and
 * SHA-256), in the caller's transaction, unless it is a replay: 0 stored
 * (what, in `done`), 1 refused (why, in `why`), -1 with `err`.
 */
static int store(struct db *db, const struct package *pk, const char *text, const char *sig,
		 const char *sha, struct strbuf *done, struct strbuf *why, struct strbuf *err)
{
	struct strbuf detail = STRBUF_INIT;
	struct db_stmt *st = NULL;
	struct sqlp p = SQLP_INIT;
	char object[64], *was_sha = NULL;
	int64_t was = 0;
	int rc, ret = -1;

	if (db_prepare(db, "SELECT publication, sha256 FROM exchange_packages WHERE district = ? AND "
		       "month = ? ORDER BY publication DESC LIMIT 1", &st, err))
		return -1;
	db_bind_text(st, 1, pk->district);
	db_bind_text(st, 2, pk->month);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		was = db_column_int64(st, 0);
		was_sha = xstrdup(db_column_text(st, 1));
	}
	db_finalize(st);
	if (rc < 0)
		goto cleanup;
	if (was_sha && !strcmp(was_sha, sha)) {
		strbuf_addf(why, "重放被拒绝：这个数据包已导入过（%s 月第 %lld 次发布）", pk->month,
			    (long long)was);
		ret = 1;
		goto cleanup;
	}
	if (was && pk->publication <= was) {
		strbuf_addf(why, "重放被拒绝：%s 月已导入第 %lld 次发布，此包是第 %lld 次发布", pk->month,
			    (long long)was, (long long)pk->publication);
		ret = 1;
		goto cleanup;
	}
	sqlp_text(&p, pk->district);
	sqlp_text(&p, pk->month);
	sqlp_int(&p, pk->publication);
	sqlp_text(&p, pk->published_at_text);
	sqlp_text(&p, sha);
	sqlp_text(&p, text);
	sqlp_text(&p, sig);
	sqlp_int(&p, time_now());
	sqlp_text(&p, "system");
	if (sqlp_run(db, "INSERT INTO exchange_packages (district, month, publication, published_at, "
		     "sha256, payload, signature, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, "
		     "?, ?, ?)", &p, err) ||
	    assess_external_store(db, pk->district, pk->month, pk->publication, pk->published_at,
				  pk->provisional, pk->cells, err) ||
	    (pk->work && work_counts_import(db, pk->district, pk->work, err)))
		goto cleanup;
	snprintf(object, sizeof(object), "exchange/%s/%s", pk->district, pk->month);
	strbuf_addf(&detail, "publication %lld sha256 %s", (long long)pk->publication, sha);
	if (was_sha)
		strbuf_addf(&detail, " replaces publication %lld sha256 %s", (long long)was, was_sha);
	if (audit_exchange(db, "exchange.import", object, "ok", detail.buf, err))
		goto cleanup;
	strbuf_addf(done, "区县 %s 的 %s 月（第 %lld 次发布）已导入", pk->district, pk->month,
		    (long long)pk->publication);
	if (was_sha)
		strbuf_addf(done, "，替换第 %lld 次发布", (long long)was);
	ret = 0;
cleanup:
	free(was_sha);
	sqlp_release(&p);
	strbuf_release(&detail);
	return ret;
}

/* A JSON member's string, or NULL. */
static const char *member(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/*
 * The package `file` read: its payload's text and SHA-256, checked
 * against the key registered for the district it names, then its members
 * (package_read()).  0; -1 refused, the reason in `why`; -2 with `err`.
 * `pk`'s district and month point into `*payload`, as far as they could
 * be read.
 */
static int verify(struct db *db, json_t *file, json_t **payload, const char **text,
		  size_t *text_len, struct package *pk, struct strbuf *sha, struct strbuf *why,
		  struct strbuf *err)
{
	const char *sig = member(file, "signature");
	json_t *payload_v = json_object_get(file, "payload");
	char *key = NULL;
	int ok;

	*text = json_string_value(payload_v);
	*text_len = json_string_length(payload_v);
	if (!json_is_object(file) || !member(file, "format") ||
	    strcmp(member(file, "format"), EXCHANGE_FORMAT) || !sig || !*text ||
	    strlen(*text) != *text_len) {
		strbuf_addstr(why, "不是上报数据包（" EXCHANGE_FORMAT "：format、signature、payload）");
		return -1;
	}
	sha256_hex(*text, *text_len, sha);
	*payload = json_loadb(*text, *text_len, JSON_REJECT_DUPLICATES, NULL);
	pk->district = member(json_object_get(*payload, "district"), "code");
	pk->month = member(*payload, "month");
	if (!json_is_object(*payload) || !member(*payload, "format") ||
	    strcmp(member(*payload, "format"), EXCHANGE_FORMAT) || !pk->district) {
		strbuf_addstr(why, "数据包的 payload 不是 " EXCHANGE_FORMAT " 的内容");
		return -1;
	}
	if (db_query_value(db, "SELECT public_key FROM exchange_districts WHERE district = ?",
			   &pk->district, 1, &key, err))
		return -2;
	if (!key) {
		strbuf_addf(why, "区县 %.40s 未在本级登记为外部区县（sanling exchange trust）",
			    pk->district);
		return -1;
	}
	ok = crypto_sign_check(key, *text, *text_len, sig);
	free(key);
	if (ok != 1) {
		strbuf_addf(why, ok < 0 ? "签名格式不正确（应为 128 位十六进制字符）" :
			    "签名无效：数据包不是区县 %s 登记的密钥所签，或签名后被改动",
			    pk->district);
		return -1;
	}
	return package_read(*payload, pk, why);
}

int exchange_import(struct db *db, const char *data, size_t len, struct strbuf *done,
		    struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT, sha = STRBUF_INIT, detail = STRBUF_INIT;
	struct package pk = { 0 };
	json_t *file, *payload = NULL;
	const char *text = NULL;
	char object[96];
	size_t text_len = 0;
	int ret = -1, rc;

	file = len <= PACKAGE_MAX ? json_loadb(data, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
	rc = verify(db, file, &payload, &text, &text_len, &pk, &sha, &why, err);
	if (rc == -2)
		goto cleanup;
	if (!rc) {
		if (db_begin(db, err))
			goto cleanup;
		rc = store(db, &pk, text, member(file, "signature"), sha.buf, done, &why, err);
		if (rc < 0 || (!rc && db_commit(db, err))) {
			db_rollback(db);
			goto cleanup;
		}
		if (rc)
			db_rollback(db);
	}
	if (!rc) {
		ret = 0;
		goto cleanup;
	}
	/* refused: nothing stored; the attempt's own row */
	snprintf(object, sizeof(object), "exchange/%.40s/%.8s", pk.district ? pk.district : "-",
		 pk.month ? pk.month : "-");
	strbuf_addf(&detail, "refused: %s", why.buf);
	if (sha.len)
		strbuf_addf(&detail, "; payload sha256 %s", sha.buf);
	strbuf_addbuf(err, &why);
	audit_exchange(db, "exchange.import", object, "refused", detail.buf, NULL);
cleanup:
	json_decref(payload);
	json_decref(file);
	strbuf_release(&why);
	strbuf_release(&sha);
	strbuf_release(&detail);
	return ret;
}

int exchange_list(struct db *db, struct strbuf *out, struct strbuf *err)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(db, "SELECT x.district, r.name, x.public_key FROM exchange_districts x JOIN "
		       "regions r ON r.code = x.district ORDER BY x.district", &st, err))
		return -1;
	while ((rc = db_step(st, err)) == DB_ROW)
		strbuf_addf(out, "district\t%s\t%s\t%s\n", db_column_text(st, 0),
			    db_column_text(st, 1), db_column_text(st, 2));
	db_finalize(st);
	if (rc < 0 || db_prepare(db, "SELECT p.district, p.month, p.publication, p.published_at, "
				 "p.sha256, CASE WHEN p.publication = (SELECT MAX(q.publication) FROM "
				 "exchange_packages q WHERE q.district = p.district AND q.month = "
				 "p.month) THEN 'current' ELSE 'replaced' END FROM exchange_packages p "
				 "ORDER BY p.district, p.month, p.publication", &st, err))
		return -1;
	while ((rc = db_step(st, err)) == DB_ROW)
		strbuf_addf(out, "package\t%s\t%s\t%lld\t%s\t%s\t%s\n", db_column_text(st, 0),
			    db_column_text(st, 1), (long long)db_column_int64(st, 2),
			    db_column_text(st, 3), db_column_text(st, 4), db_column_text(st, 5));
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}
