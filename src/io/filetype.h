/*
 * filetype: what kind of file some bytes are, decided by their content —
 * never by a name or by what a client says.  The kinds an attachment may
 * be (附件): JPEG, PNG, PDF, and the Office Open XML documents DOCX and
 * XLSX (a ZIP archive whose [Content_Types].xml names the Word or the
 * Excel main part; any other ZIP is none of them).
 */
#ifndef SANLING_FILETYPE_H
#define SANLING_FILETYPE_H

#include <stddef.h>

struct filetype {
	const char *mime; /* image/jpeg … (static) */
	const char *ext;  /* jpg, png, pdf, docx, xlsx */
	const char *label; /* what a person calls it: JPEG 图片 … */
};

/*
 * The kind of the `len` bytes at `data`, or NULL when they are none of the
 * kinds above (or a ZIP that cannot be read).
 */
const struct filetype *filetype_sniff(const void *data, size_t len);

/* The kinds, for messages and documents: "JPEG、PNG、PDF、DOCX、XLSX". */
#define FILETYPE_NAMES "JPEG、PNG、PDF、DOCX、XLSX"

#endif
