/*
 * record_json.c: a record as the API shows it: personal data decrypted and
 * masked, numbers as numbers, booleans as booleans; as a JSON tree
 * (record_json) or written straight as text (record_json_write, the hot read).
 */
#include "model/entity.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "model/entity_int.h"

/*
 * How stored value `v` of field `fd` shows in JSON: its kind, and in *text
 * the value as written (personal data decrypted and masked into `tmp`).
 */
enum json_kind { JK_STRING, JK_INT, JK_REAL, JK_BOOL };

static enum json_kind field_shown(const struct field_desc *fd, const char *v,
				  const struct crypto_keys *keys, struct strbuf *tmp,
				  const char **text)
{
	*text = v;
	if (fd->flags & FF_PERSONAL) {
		struct strbuf plain = STRBUF_INIT, err = STRBUF_INIT;
		strbuf_reset(tmp);
		if (keys && !pd_decrypt(keys, v, &plain, &err))
			mask_value(fd, plain.buf, tmp);
		else
			strbuf_addstr(tmp, "***");
		strbuf_release(&plain);
		strbuf_release(&err);
		*text = tmp->buf;
		return JK_STRING;
	}
	switch (fd->type) {
	case FT_INT: return JK_INT;
	case FT_REAL: case FT_MONEY: return JK_REAL;
	case FT_BOOL: return JK_BOOL;
	default: return JK_STRING;
	}
}

static double real_value(const struct field_desc *fd, const char *v)
{
	return fd->type == FT_MONEY ? (double)strtoll(v, NULL, 10) / 100.0 : strtod(v, NULL);
}

json_t *record_json(const struct record *r, const struct crypto_keys *keys)
{
	json_t *o = json_object();
	struct strbuf tmp = STRBUF_INIT;
	size_t i;

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "rev", json_integer(r->rev));
	for (i = 0; i < r->ed->nfields; i++) {
		const struct field_desc *fd = &r->ed->fields[i];
		const char *text;
		json_t *v = json_null();

		if (fd->flags & FF_HIDDEN)
			continue;
		if (r->val[i]) {
			switch (field_shown(fd, r->val[i], keys, &tmp, &text)) {
			case JK_INT: v = json_integer(strtoll(text, NULL, 10)); break;
			case JK_REAL: v = json_real(real_value(fd, text)); break;
			case JK_BOOL: v = json_boolean(strcmp(text, "0") != 0); break;
			case JK_STRING: v = json_string(text); break;
			}
		}
		json_object_set_new(o, fd->key, v);
	}
	if (r->overdue >= 0)
		json_object_set_new(o, "overdue", json_boolean(r->overdue));
	strbuf_release(&tmp);
	return o;
}

/* `s` as a JSON string, escaped as jansson escapes it. */
static void json_string_write(struct strbuf *out, const char *s)
{
	const char *run = s;

	strbuf_addch(out, '"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		strbuf_add(out, run, (size_t)(s - run));
		run = s + 1;
		switch (ch) {
		case '"': strbuf_addstr(out, "\\\""); break;
		case '\\': strbuf_addstr(out, "\\\\"); break;
		case '\b': strbuf_addstr(out, "\\b"); break;
		case '\f': strbuf_addstr(out, "\\f"); break;
		case '\n': strbuf_addstr(out, "\\n"); break;
		case '\r': strbuf_addstr(out, "\\r"); break;
		case '\t': strbuf_addstr(out, "\\t"); break;
		default: strbuf_addf(out, "\\u%04X", ch); break;
		}
	}
	strbuf_add(out, run, (size_t)(s - run));
	strbuf_addch(out, '"');
}

void record_json_write(const struct record *r, const struct crypto_keys *keys,
		       struct strbuf *out)
{
	struct strbuf tmp = STRBUF_INIT;
	size_t i;

	strbuf_addf(out, "{\"id\":%" PRId64 ",\"rev\":%" PRId64, r->id, r->rev);
	for (i = 0; i < r->ed->nfields; i++) {
		const struct field_desc *fd = &r->ed->fields[i];
		const char *text;

		if (fd->flags & FF_HIDDEN)
			continue;
		strbuf_addch(out, ',');
		json_string_write(out, fd->key);
		strbuf_addch(out, ':');
		if (!r->val[i]) {
			strbuf_addstr(out, "null");
			continue;
		}
		switch (field_shown(fd, r->val[i], keys, &tmp, &text)) {
		case JK_INT:
			strbuf_addf(out, "%lld", strtoll(text, NULL, 10));
			break;
		case JK_REAL: {
			/* jansson's own formatting of reals, at the API's precision */
			json_t *j = json_real(real_value(fd, text));
			char *d = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15));
			strbuf_addstr(out, d ? d : "null");
			free(d);
			json_decref(j);
			break;
		}
		case JK_BOOL:
			strbuf_addstr(out, strcmp(text, "0") ? "true" : "false");
			break;
		case JK_STRING:
			json_string_write(out, text);
			break;
		}
	}
	if (r->overdue >= 0)
		strbuf_addstr(out, r->overdue ? ",\"overdue\":true" : ",\"overdue\":false");
	strbuf_addch(out, '}');
	strbuf_release(&tmp);
}
