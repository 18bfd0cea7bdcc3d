/*
 * conf: the configuration file (/etc/sanling/sanling.conf): lines of
 * "name = value", '#' starting a comment line, blank lines ignored.  Names
 * are those of `serve`'s options and the global --db and --key; main.c
 * says which are known and what they mean, and the command line overrides
 * the file.
 *
 * Not here: what a setting does, or which may change on a reload.
 */
#ifndef SANLING_CONF_H
#define SANLING_CONF_H

#include <stddef.h>

struct strbuf;

struct conf_item {
	char *name, *value;
	int line;
};

struct conf {
	char *path;
	struct conf_item *items;
	size_t n;
};

/* After a name in conf_load()'s `known`: the setting may be given more than once. */
#define CONF_MANY "*"

/*
 * Read `path`: 0, or -1 with `err` ("PATH: why", "PATH:LINE: why") and `c`
 * empty.  A name not among `known` (NULL-terminated), a line without '=',
 * an empty value or a name given twice (unless `known` has it followed by
 * CONF_MANY: "db-read*") is an error.  Items keep the file's order.
 */
int conf_load(struct conf *c, const char *path, const char *const *known, struct strbuf *err);
/* The value of `name` (the first one given), or NULL. */
const char *conf_get(const struct conf *c, const char *name);
/* The `nth` value (0 the first) of `name`, or NULL. */
const char *conf_get_nth(const struct conf *c, const char *name, size_t nth);
void conf_release(struct conf *c);

#endif
