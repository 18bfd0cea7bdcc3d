/* placeholder until the docx writer lands */
#include "doc/doc.h"
#include "base/strbuf.h"
int doc_write_docx(const struct doc *d, struct strbuf *out, struct strbuf *err)
{
	if (err)
		strbuf_addstr(err, "docx: not built yet");
	return -1;
}
