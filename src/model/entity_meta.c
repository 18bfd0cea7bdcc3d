/*
 * entity_meta.c: the descriptors as JSON, for /api/v1/meta and the
 * browser, which draws its forms and tables from them (so a new field in a
 * descriptor appears in the browser with no browser change).  Not the
 * OpenAPI document: that is api/openapi.c, from the same descriptors.
 */
#include <string.h>

#include "model/entity_int.h"
#include "model/enums.h"

static const char *const type_names[] = {
	[FT_TEXT] = "text", [FT_CODE] = "code", [FT_INT] = "int", [FT_REAL] = "real",
	[FT_BOOL] = "bool", [FT_DATE] = "date", [FT_MONTH] = "month", [FT_ENUM] = "enum",
	[FT_ENUMSET] = "enumset", [FT_REF] = "ref", [FT_MONEY] = "money", [FT_REFSET] = "refset",
};

const char *field_type_name(enum field_type t)
{
	return type_names[t];
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
	json_object_set_new(o, "attachments", json_boolean(ed->flags & ENT_ATTACH));
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
				"roles", roles, "mine", a && (t->roles & ROLE_BIT(a->role)) != 0));
		}
		json_object_set_new(o, "workflow", json_pack("{ss ss so}", "field", ed->workflow->field,
			"initial", ed->workflow->initial, "transitions", tr));
	}
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
		json_array_append_new(fields, f);
	}
	json_object_set_new(o, "fields", fields);
	return o;
}

json_t *enums_meta(void)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; all_enums[i]; i++) {
		const struct enum_item *it;
		json_t *arr = json_array();
		for (it = all_enums[i]->items; it->code; it++)
			json_array_append_new(arr, json_pack("{ss ss}", "code", it->code,
							     "label", it->label));
		json_object_set_new(o, all_enums[i]->name, arr);
	}
	return o;
}
