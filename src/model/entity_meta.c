/*
 * entity_meta.c: the descriptors as JSON, for /api/v1/meta and the
 * browser, which draws its forms and tables from them (so a new field in a
 * descriptor appears in the browser with no browser change).  Not the
 * OpenAPI document: that is api/openapi.c, from the same descriptors.
 */
#include <string.h>

#include "model/entity_int.h"
#include "model/enums.h"
#include "model/scope.h"

static const char *const type_names[] = {
	[FT_TEXT] = "text", [FT_CODE] = "code", [FT_INT] = "int", [FT_REAL] = "real",
	[FT_BOOL] = "bool", [FT_DATE] = "date", [FT_MONTH] = "month", [FT_ENUM] = "enum",
	[FT_ENUMSET] = "enumset", [FT_REF] = "ref", [FT_MONEY] = "money", [FT_REFSET] = "refset",
};

const char *field_type_name(enum field_type t)
{
	return type_names[t];
}

/* A `|`-joined list as a JSON array of strings (NULL: empty). */
static json_t *split(const char *list)
{
	json_t *arr = json_array();
	size_t n;

	for (; list && *list; list += n + (list[n] == '|')) {
		n = strcspn(list, "|");
		json_array_append_new(arr, json_stringn(list, n));
	}
	return arr;
}

/* The bulk actions the actor may take: [{name, label, state, from, ask}] (none: absent). */
static void meta_bulk(const struct entity_desc *ed, const struct actor *a, json_t *o)
{
	const struct bulk_action *ba;
	json_t *arr = json_array();

	for (ba = ed->bulk; a && ba && ba->name; ba++)
		if (entity_bulk_allowed(ed, ba, a))
			json_array_append_new(arr, json_pack("{ss ss ss? so so}", "name", ba->name,
				"label", ba->label, "state", ba->state, "from", split(ba->from),
				"ask", split(ba->ask)));
	if (json_array_size(arr))
		json_object_set_new(o, "bulk", arr);
	else
		json_decref(arr);
}

/*
 * The columns that place a record in a scope ({"township": "township", ...},
 * those it has): a form fills them from the user's own place.
 */
static json_t *scope_meta(const struct entity_scope *s)
{
	json_t *o = json_object();

	if (s->district)
		json_object_set_new(o, "district", json_string(s->district));
	if (s->township)
		json_object_set_new(o, "township", json_string(s->township));
	if (s->supervisor)
		json_object_set_new(o, "supervisor", json_string(s->supervisor));
	if (s->grid)
		json_object_set_new(o, "grid", json_string(s->grid));
	if (s->subject)
		json_object_set_new(o, "subject", json_string(s->subject));
	return o;
}

json_t *entity_names(void)
{
	json_t *o = json_object();
	size_t i, k;

	for (i = 0; entities[i]; i++) {
		const struct entity_desc *ed = entities[i];
		json_t *fields = json_object();

		for (k = 0; k < ed->nfields; k++)
			if (!(ed->fields[k].flags & FF_HIDDEN))
				json_object_set_new(fields, ed->fields[k].key,
						    json_string(ed->fields[k].label));
		json_object_set_new(o, ed->name, json_pack("{ss so}", "label", ed->label,
							   "fields", fields));
	}
	return o;
}

json_t *entity_meta(const struct entity_desc *ed, const struct actor *a)
{
	json_t *o = json_object(), *fields = json_array();
	size_t i;

	json_object_set_new(o, "name", json_string(ed->name));
	json_object_set_new(o, "label", json_string(ed->label));
	json_object_set_new(o, "key", json_string(ed->key));
	json_object_set_new(o, "history", json_boolean(ed->flags & ENT_HISTORY));
	json_object_set_new(o, "retire", json_boolean(ed->flags & ENT_RETIRE));
	json_object_set_new(o, "can_read", json_boolean(a && entity_can_read(ed, a)));
	json_object_set_new(o, "can_write", json_boolean(a && entity_can_write(ed, a)));
	json_object_set_new(o, "can_reveal", json_boolean(a && entity_can_reveal(ed, a)));
	if (ed->default_sort)
		json_object_set_new(o, "default_sort", json_string(ed->default_sort));
	json_object_set_new(o, "overdue", json_boolean(ed->overdue_sql != NULL));
	json_object_set_new(o, "overdue_on", json_boolean(ed->overdue_on_sql != NULL));
	json_object_set_new(o, "attachments", json_boolean(ed->flags & ENT_ATTACH));
	json_object_set_new(o, "scope", scope_meta(&ed->scope));
	if (ed->workflow) {
		const struct transition *t;
		json_t *tr = json_array();
		for (t = ed->workflow->transitions; t->from; t++) {
			json_t *roles = json_array();
			int r;
			for (r = ROLE_OFFICE; r < ROLE_SYSTEM; r++)
				if (t->roles & ROLE_BIT(r))
					json_array_append_new(roles, json_string(role_code((enum role)r)));
			json_array_append_new(tr, json_pack("{ss ss so sb}", "from", t->from, "to", t->to,
				"roles", roles, "mine",
				a && (t->roles & ROLE_BIT(scope_write_role(ed, a))) != 0));
		}
		json_object_set_new(o, "workflow", json_pack("{ss ss so}", "field", ed->workflow->field,
			"initial", ed->workflow->initial, "transitions", tr));
	}
	meta_bulk(ed, a, o);
	for (i = 0; i < ed->nfields; i++) {
		const struct field_desc *fd = &ed->fields[i];
		json_t *f;

		if (fd->flags & FF_HIDDEN)
			continue;
		f = json_pack("{ss ss ss sb sb sb sb sb sb sb sb sb sb sb}",
			      "key", fd->key, "label", fd->label, "type", type_names[fd->type],
			      "required", (fd->flags & FF_REQUIRED) != 0,
			      "is_key", (fd->flags & FF_KEY) != 0,
			      "personal", (fd->flags & FF_PERSONAL) != 0,
			      "readonly", (fd->flags & FF_DERIVED) != 0,
			      "immutable", (fd->flags & (FF_IMMUTABLE | FF_KEY)) != 0,
			      "filter", (fd->flags & FF_FILTER) != 0,
			      "sort", (fd->flags & FF_SORT) != 0,
			      "list", (fd->flags & FF_LIST) != 0,
			      "search", (fd->flags & FF_SEARCH) != 0,
			      "range", (fd->flags & FF_RANGE) != 0,
			      "import", !(fd->flags & (FF_DERIVED | FF_NOIMPORT)));
		if (fd->flags & FF_COUNTED)
			json_object_set_new(f, "counted", json_true());
		if (entity_search_kind(ed, fd) != SEARCH_NONE)
			json_object_set_new(f, "searched", json_true());
		if (fd->enumeration)
			json_object_set_new(f, "enum", json_string(fd->enumeration->name));
		if (fd->ref)
			json_object_set_new(f, "ref", json_string(fd->ref));
		if (fd->ref_level)
			json_object_set_new(f, "ref_level", json_string(fd->ref_level));
		if (fd->min || fd->max) {
			json_object_set_new(f, "min", json_integer(fd->min));
			json_object_set_new(f, "max", json_integer(fd->max));
		}
		/* a number the server gives when none is: optional, and the form says so */
		if (ed->number_prefix && !strcmp(fd->key, ed->key))
			json_object_set_new(f, "hint", json_string("留空自动编号"));
		json_array_append_new(fields, f);
	}
	json_object_set_new(o, "fields", fields);
	return o;
}
