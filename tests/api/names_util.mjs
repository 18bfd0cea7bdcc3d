// names_util.mjs: the columns of an export or a template, as the tests
// expect them from the descriptors (GET /meta): a reference to a record with
// a name (a region, a department, a subject, a campaign ...) is two columns,
// its name under the field's label and its code under the label + "编码".

// entity name -> its key field, for the entities whose records have a (plain) name
export function namedEntities(meta) {
  const out = {};
  for (const e of meta.entities) {
    const f = e.fields.find((x) => x.key === 'name');
    if (f && !f.personal) out[e.name] = e.key;
  }
  return out;
}

export const ioHeader = (fields, named) =>
  fields.flatMap((f) => (f.ref && named[f.ref] ? [f.label, `${f.label}编码`] : [f.label]));

// entity -> Map(code -> name) of the named references' entities `c` can list
export async function namesOf(c, listAll, named, entities = ['regions', 'departments', 'subjects']) {
  const out = {};
  for (const e of entities) {
    const m = new Map();
    for (const r of await listAll(c, `/api/v1/${e}`)) m.set(r[named[e]], r.name);
    out[e] = m;
  }
  return out;
}
