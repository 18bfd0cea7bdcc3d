/*
 * pdf_load.c: doc_write_pdf() through the PDF module (doc.h: DOC_PDF_MODULE),
 * loaded once a process, by the first PDF it writes.  The module is looked
 * for where the program runs from: beside it (build/sanling), one folder up
 * (a unit test in build/tests/) or in ../lib/sanling/ (PREFIX/bin/sanling
 * as installed).  When it cannot be loaded every PDF fails with the reason
 * (an operator's error: the installation is incomplete), and the rest of
 * the program goes on.
 */
#include "doc/doc.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "base/exepath.h"
#include "base/strbuf.h"

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static doc_writer module_write; /* the module's doc_pdf_module_write, or NULL */
static char load_error[512];    /* why not */

static void load(void)
{
	static const char *const rel[] = { "/" DOC_PDF_MODULE, "/../" DOC_PDF_MODULE,
					   "/../lib/sanling/" DOC_PDF_MODULE };
	struct strbuf path = STRBUF_INIT;
	void *handle;

	if (!exe_relative(rel, sizeof(rel) / sizeof(rel[0]), &path)) {
		snprintf(load_error, sizeof(load_error),
			 "the PDF writer %s is neither beside the program nor in ../lib/sanling/",
			 DOC_PDF_MODULE);
	} else if (!(handle = dlopen(path.buf, RTLD_NOW | RTLD_LOCAL))) {
		snprintf(load_error, sizeof(load_error), "%s", dlerror());
	} else {
		/* POSIX's way from the void * of dlsym() to a function pointer */
		*(void **)&module_write = dlsym(handle, "doc_pdf_module_write");
		if (!module_write)
			snprintf(load_error, sizeof(load_error), "%s: %s", path.buf, dlerror());
	}
	strbuf_release(&path);
}

int doc_write_pdf(const struct doc *d, struct strbuf *out, struct strbuf *err)
{
	pthread_once(&load_once, load);
	if (!module_write) {
		if (err)
			strbuf_addf(err, "pdf: %s", load_error);
		return -1;
	}
	return module_write(d, out, err);
}
