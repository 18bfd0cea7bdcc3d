// openapi_validate.mjs: check that a JSON file is a valid OpenAPI 3.1
// document: its structure against the official OpenAPI 3.1 schema (with
// @seriousme/openapi-schema-validator), every internal $ref resolves, and
// every Schema Object in it is a valid JSON Schema 2020-12 schema with
// patterns that compile (the OpenAPI schema does not look inside Schema
// Objects; ajv's 2020-12 meta-schema does).  Used on the document that
// test_openapi writes (OPENAPI_OUT) and on the one a running server serves.
// Not a test of what the server answers.
//
//   node tests/api/openapi_validate.mjs openapi.json
//
// Exits 0 when valid, 1 with the errors on stderr when not, 2 on misuse.
import { readFile } from "node:fs/promises";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";

const file = process.argv[2];
if (!file) {
	console.error("usage: node openapi_validate.mjs <openapi.json>");
	process.exit(2);
}

let spec;
try {
	spec = JSON.parse(await readFile(file, "utf8"));
} catch (e) {
	console.error(`${file}: ${e.message}`);
	process.exit(1);
}

const validator = new Validator();
const res = await validator.validate(spec);
if (!res.valid) {
	console.error(`${file}: not a valid OpenAPI document`);
	console.error(JSON.stringify(res.errors, null, 2));
	process.exit(1);
}
if (validator.version !== "3.1") {
	console.error(`${file}: OpenAPI ${validator.version}, expected 3.1`);
	process.exit(1);
}

// Every internal reference must point at something.
const dangling = [];
function walk(node, where) {
	if (Array.isArray(node)) {
		node.forEach((v, i) => walk(v, `${where}/${i}`));
	} else if (node && typeof node === "object") {
		for (const [k, v] of Object.entries(node)) {
			if (k === "$ref" && typeof v === "string") {
				if (!v.startsWith("#/")) {
					dangling.push(`${where}: external $ref ${v}`);
					continue;
				}
				let at = spec;
				for (const tok of v.slice(2).split("/")) {
					const key = tok.replaceAll("~1", "/").replaceAll("~0", "~");
					at = at !== null && typeof at === "object" ? at[key] : undefined;
				}
				if (at === undefined) dangling.push(`${where}: dangling $ref ${v}`);
			} else {
				walk(v, `${where}/${k}`);
			}
		}
	}
}
walk(spec, "#");
if (dangling.length) {
	console.error(`${file}: unresolved references`);
	for (const d of dangling) console.error(`  ${d}`);
	process.exit(1);
}

// Every Schema Object is valid JSON Schema 2020-12, its patterns valid
// ECMA-262 (Unicode) regular expressions.
const ajv = new Ajv2020({ strict: false });
const bad = [];
function patterns(node, where) {
	if (Array.isArray(node)) {
		node.forEach((v, i) => patterns(v, `${where}/${i}`));
	} else if (node && typeof node === "object") {
		for (const [k, v] of Object.entries(node)) {
			if (k === "pattern" && typeof v === "string") {
				try {
					new RegExp(v, "u");
				} catch (e) {
					bad.push(`${where}: pattern ${v}: ${e.message}`);
				}
			} else if (k !== "properties" || typeof v !== "object") {
				patterns(v, `${where}/${k}`);
			} else {
				// property names are data, not keywords
				for (const [pk, pv] of Object.entries(v)) patterns(pv, `${where}/${k}/${pk}`);
			}
		}
	}
}
function checkSchema(schema, where) {
	if (!ajv.validateSchema(schema)) bad.push(`${where}: ${ajv.errorsText(ajv.errors)}`);
	patterns(schema, where);
}
function findSchemas(node, where) {
	if (Array.isArray(node)) {
		node.forEach((v, i) => findSchemas(v, `${where}/${i}`));
	} else if (node && typeof node === "object") {
		for (const [k, v] of Object.entries(node)) {
			if (k === "schema" && v && typeof v === "object") checkSchema(v, `${where}/${k}`);
			else findSchemas(v, `${where}/${k}`);
		}
	}
}
for (const [name, schema] of Object.entries(spec.components?.schemas ?? {}))
	checkSchema(schema, `#/components/schemas/${name}`);
findSchemas(spec.paths ?? {}, "#/paths");
for (const kind of ["parameters", "responses", "requestBodies", "headers"])
	findSchemas(spec.components?.[kind] ?? {}, `#/components/${kind}`);
if (bad.length) {
	console.error(`${file}: invalid Schema Objects`);
	for (const b of bad) console.error(`  ${b}`);
	process.exit(1);
}

console.log(`${file}: valid OpenAPI ${spec.openapi}`);
