/* placeholder until the xlsx writer lands */
#include "doc/doc.h"
#include "base/strbuf.h"
int doc_write_xlsx(const struct doc *d, struct strbuf *out, struct strbuf *err)
{
	if (err)
		strbuf_addstr(err, "xlsx: not built yet");
	return -1;
}
