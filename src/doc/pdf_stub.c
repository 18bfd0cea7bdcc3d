/* placeholder until the pdf writer lands */
#include "doc/doc.h"
#include "base/strbuf.h"
int doc_write_pdf(const struct doc *d, struct strbuf *out, struct strbuf *err)
{
	if (err)
		strbuf_addstr(err, "pdf: not built yet");
	return -1;
}
