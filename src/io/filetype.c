/*
 * filetype.c: the kind of a file by its first bytes, and for a ZIP by the
 * content types its [Content_Types].xml declares (see filetype.h).  The
 * ZIP is opened from memory with libzip (as the XLSX reader does), and
 * only that one part is read, at most 1 MiB of it.
 */
#include "io/filetype.h"

#include <stdlib.h>
#include <string.h>

#include <zip.h>

enum { FT_JPEG, FT_PNG, FT_PDF, FT_DOCX, FT_XLSX };

static const struct filetype kinds[] = {
	[FT_JPEG] = { "image/jpeg", "jpg", "JPEG 图片" },
	[FT_PNG] = { "image/png", "png", "PNG 图片" },
	[FT_PDF] = { "application/pdf", "pdf", "PDF 文档" },
	[FT_DOCX] = { "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		      "docx", "Word 文档" },
	[FT_XLSX] = { "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		      "xlsx", "Excel 表格" },
};

#define CONTENT_TYPES_MAX ((zip_uint64_t)1 << 20)

/* The main part's content type a package must declare to be that document. */
#define DOCX_MAIN "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
#define XLSX_MAIN "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"

/* Does the NUL-free buffer `hay` of `n` bytes contain `needle`? */
static int contains(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle), i;

	for (i = 0; i + m <= n; i++)
		if (hay[i] == needle[0] && !memcmp(hay + i, needle, m))
			return 1;
	return 0;
}

/* A DOCX or an XLSX, by the package's [Content_Types].xml; else NULL. */
static const struct filetype *office(const void *data, size_t len)
{
	const struct filetype *kind = NULL;
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za = NULL;
	zip_file_t *zf = NULL;
	zip_stat_t zs;
	char *xml = NULL;
	zip_int64_t got;

	zip_error_init(&ze);
	src = zip_source_buffer_create(data, len, 0, &ze);
	if (!src)
		goto out;
	za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!za) {
		zip_source_free(src);
		goto out;
	}
	zip_stat_init(&zs);
	if (zip_stat(za, "[Content_Types].xml", 0, &zs) || !(zs.valid & ZIP_STAT_SIZE) ||
	    zs.size > CONTENT_TYPES_MAX)
		goto out;
	zf = zip_fopen(za, "[Content_Types].xml", 0);
	if (!zf)
		goto out;
	xml = malloc((size_t)zs.size + 1);
	if (!xml)
		goto out;
	got = zip_fread(zf, xml, zs.size);
	if (got < 0 || (zip_uint64_t)got != zs.size)
		goto out;
	if (contains(xml, (size_t)got, DOCX_MAIN))
		kind = &kinds[FT_DOCX];
	else if (contains(xml, (size_t)got, XLSX_MAIN))
		kind = &kinds[FT_XLSX];
out:
	free(xml);
	if (zf)
		zip_fclose(zf);
	if (za)
		zip_discard(za);
	zip_error_fini(&ze);
	return kind;
}

const struct filetype *filetype_sniff(const void *data, size_t len)
{
	const unsigned char *p = data;

	if (len >= 4 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return &kinds[FT_JPEG];
	if (len >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
		return &kinds[FT_PNG];
	if (len >= 5 && !memcmp(p, "%PDF-", 5))
		return &kinds[FT_PDF];
	if (len >= 4 && !memcmp(p, "PK\x03\x04", 4))
		return office(data, len);
	return NULL;
}
