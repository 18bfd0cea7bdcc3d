/*
 * conf.c: reading the configuration file (conf.h).
 */
#include "base/conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/strbuf.h"

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* 1 for a name of `known`, 2 for one it allows more than once (CONF_MANY); else 0 */
static int is_known(const char *const *known, const char *name)
{
	size_t n = strlen(name);

	for (; *known; known++) {
		if (!strcmp(*known, name))
			return 1;
		if (!strncmp(*known, name, n) && !strcmp(*known + n, CONF_MANY))
			return 2;
	}
	return 0;
}

/* One line: added to `c`, skipped (comment, blank), or -1 with `err`. */
static int conf_line(struct conf *c, char *line, int lineno, const char *const *known,
		     struct strbuf *err)
{
	char *eq, *name, *value;
	int kind;

	line = trim(line);
	if (!*line || *line == '#')
		return 0;
	eq = strchr(line, '=');
	if (!eq) {
		strbuf_addf(err, "%s:%d: expected \"name = value\"", c->path, lineno);
		return -1;
	}
	*eq = '\0';
	name = trim(line);
	value = trim(eq + 1);
	kind = is_known(known, name);
	if (!kind) {
		strbuf_addf(err, "%s:%d: unknown setting \"%s\"", c->path, lineno, name);
		return -1;
	}
	if (!*value) {
		strbuf_addf(err, "%s:%d: \"%s\" has no value", c->path, lineno, name);
		return -1;
	}
	if (kind == 1 && conf_get(c, name)) {
		strbuf_addf(err, "%s:%d: \"%s\" is set twice", c->path, lineno, name);
		return -1;
	}
	c->items = xrealloc(c->items, (c->n + 1) * sizeof(*c->items));
	c->items[c->n].name = xstrdup(name);
	c->items[c->n].value = xstrdup(value);
	c->items[c->n].line = lineno;
	c->n++;
	return 0;
}

int conf_load(struct conf *c, const char *path, const char *const *known, struct strbuf *err)
{
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, rc = 0;
	FILE *fp;

	memset(c, 0, sizeof(*c));
	c->path = xstrdup(path);
	fp = fopen(path, "r");
	if (!fp) {
		strbuf_addf(err, "%s: %s", path, strerror(errno));
		conf_release(c);
		return -1;
	}
	while (!rc && getline(&line, &cap, fp) >= 0)
		rc = conf_line(c, line, ++lineno, known, err);
	if (!rc && ferror(fp)) {
		strbuf_addf(err, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(fp);
	if (rc)
		conf_release(c);
	return rc;
}

const char *conf_get_nth(const struct conf *c, const char *name, size_t nth)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->items[i].name, name) && !nth--)
			return c->items[i].value;
	return NULL;
}

const char *conf_get(const struct conf *c, const char *name)
{
	return conf_get_nth(c, name, 0);
}

void conf_release(struct conf *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->items[i].name);
		free(c->items[i].value);
	}
	free(c->items);
	free(c->path);
	memset(c, 0, sizeof(*c));
}
