/* exepath.c: the files installed beside the program (exepath.h). */
#include "base/exepath.h"

#include <string.h>
#include <unistd.h>

#include "base/strbuf.h"

const char *exe_relative(const char *const *rel, size_t n, struct strbuf *out)
{
	char exe[4096];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;
	size_t i;

	if (len <= 0)
		return NULL;
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	for (i = 0; i < n; i++) {
		strbuf_reset(out);
		strbuf_addf(out, "%s%s", exe, rel[i]);
		if (!access(out->buf, R_OK))
			return out->buf;
	}
	return NULL;
}
