/*
 * fuzz_url: libFuzzer target for the decoding of request paths,
 * http_url_decode() of src/http/server.c, which every route and every
 * static file name goes through (http_path_split() cuts the raw path at
 * '/' and decodes each segment with it).  Besides "no crash, no leak, no
 * undefined behaviour" it checks what server.h promises: on success no
 * NUL comes out and the output is no longer than the input; on failure
 * `out` is left as it was; and a string encoded back decodes to itself.
 * Query strings are cut by libmicrohttpd, whose parameters fuzz_query
 * takes as the handler sees them.  It is not a unit test (test_http.c).
 *
 * Run: make fuzz && build-fuzz/fuzz_url tests/fuzz/corpus/url
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "http/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf out = STRBUF_INIT, enc = STRBUF_INIT, back = STRBUF_INIT;
	const char *s = (const char *)data;
	size_t i;

	strbuf_addstr(&out, "kept");
	if (http_url_decode(&out, s, size) < 0) {
		CHECK(out.len == 4 && !strcmp(out.buf, "kept"));
		goto cleanup;
	}
	CHECK(out.len >= 4 && out.len - 4 <= size);
	CHECK(!memchr(out.buf, 0, out.len));
	/* encode every byte but unreserved ones, and decode again */
	for (i = 4; i < out.len; i++) {
		unsigned char ch = (unsigned char)out.buf[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~", ch))
			strbuf_addch(&enc, ch);
		else
			strbuf_addf(&enc, "%%%02X", ch);
	}
	CHECK(http_url_decode(&back, enc.buf, enc.len) == 0);
	CHECK(back.len == out.len - 4 && !memcmp(back.buf, out.buf + 4, back.len));
cleanup:
	strbuf_release(&out);
	strbuf_release(&enc);
	strbuf_release(&back);
	return 0;
}
