/*
 * embed: files compiled into the program by scripts/embed.sh (the SQL
 * migrations, the lists of common passwords, the DOCX templates: named by
 * their path in the document).  Each table ends with an entry whose name is NULL.
 */
#ifndef SANLING_EMBED_H
#define SANLING_EMBED_H

struct embedded_file {
	const char *name;
	const char *data;
};

extern const struct embedded_file migrations[];
extern const struct embedded_file wordlists[];
extern const struct embedded_file doc_templates[];

#endif
