/*
 * static.c: the web build served from a directory (see static.h).
 *
 * Every path is walked one segment at a time with openat(O_NOFOLLOW)
 * from a descriptor of the root, after the segments were decoded and
 * checked, so neither "..", nor an encoded one, nor a symbolic link can
 * lead outside the root.  Not a general file server: no ranges, no
 * listings, no on-the-fly compression.
 */
#include "http/static.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SEGMENTS 32

struct mime {
	const char *ext;
	const char *type;
	int compressible;
};

static const struct mime mimes[] = {
	{ "html", "text/html; charset=utf-8", 1 },
	{ "js", "text/javascript; charset=utf-8", 1 },
	{ "mjs", "text/javascript; charset=utf-8", 1 },
	{ "css", "text/css; charset=utf-8", 1 },
	{ "svg", "image/svg+xml", 1 },
	{ "json", "application/json", 1 },
	{ "map", "application/json", 1 },
	{ "txt", "text/plain; charset=utf-8", 1 },
	{ "png", "image/png", 0 },
	{ "ico", "image/x-icon", 1 },
	{ "woff2", "font/woff2", 0 },
	{ "webmanifest", "application/manifest+json", 1 },
};

static const struct mime *mime_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	static const struct mime other = { "", "application/octet-stream", 0 };
	size_t i;

	if (dot)
		for (i = 0; i < sizeof(mimes) / sizeof(*mimes); i++)
			if (!strcasecmp(dot + 1, mimes[i].ext))
				return &mimes[i];
	return &other;
}

/* Is the qvalue at [q, end) zero ("0", "0.", "0.000")? */
static int qvalue_zero(const char *q, const char *end)
{
	if (q >= end || *q != '0')
		return 0;
	q++;
	if (q < end && *q == '.')
		for (q++; q < end && *q == '0'; q++)
			;
	return q == end || *q == ' ' || *q == '\t' || *q == ';';
}

/* Does Accept-Encoding allow gzip (listed, and not with q=0)? */
static int accepts_gzip(const char *ae)
{
	const char *p = ae;

	while (*p) {
		const char *end = strchr(p, ',');
		const char *q;
		size_t len;

		if (!end)
			end = p + strlen(p);
		p += strspn(p, " \t");
		len = strcspn(p, " \t;,");
		if (len == 4 && !strncasecmp(p, "gzip", 4)) {
			for (q = p + len; q < end; q++)
				if ((*q == 'q' || *q == 'Q') && q[1] == '=' &&
				    (q[-1] == ';' || q[-1] == ' ' ||
				     q[-1] == '\t'))
					return !qvalue_zero(q + 2, end);
			return 1;
		}
		p = *end ? end + 1 : end;
	}
	return 0;
}

/* Does If-None-Match (a list of entity tags or "*") match `etag`? */
static int etag_matches(const char *inm, const char *etag)
{
	size_t elen = strlen(etag);
	const char *p = inm;

	while (*p) {
		size_t len;

		p += strspn(p, " \t,");
		if (*p == '*')
			return 1;
		if (!strncmp(p, "W/", 2))
			p += 2;
		len = strcspn(p, " \t,");
		if (len == elen && !strncmp(p, etag, len))
			return 1;
		p += len;
	}
	return 0;
}

/* Open `name` in `dirfd` if it is a regular file (no symlink, no FIFO). */
static int open_file(int dirfd, const char *name, struct stat *st)
{
	/* O_NONBLOCK: never hang on a FIFO; no effect on a regular file */
	int fd = openat(dirfd, name,
			O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int problem(struct http_response *res, unsigned status,
		   const char *detail)
{
	http_problem(res, status, NULL, detail, NULL);
	return -1;
}

/*
 * The segments of the request's path into `segv`, or -1 with the answer
 * made: 405 for a method other than GET and HEAD, 400 for a path that tries
 * to leave the root, 404 for hidden files and the API's paths.
 */
static int static_path(struct http_request *req, struct http_response *res,
		       const char *segv[MAX_SEGMENTS])
{
	int nseg, i;

	if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")) {
		problem(res, 405, "only GET and HEAD here");
		http_response_header(res, "Allow", "GET, HEAD");
		return -1;
	}
	if (req->path[0] != '/' || memchr(req->path, '\\', req->path_len))
		return problem(res, 400, "bad path");
	nseg = http_path_split(req, segv, MAX_SEGMENTS);
	if (nseg == -2)
		return problem(res, 404, NULL);
	if (nseg < 0)
		return problem(res, 400, "bad escape in path");
	for (i = 0; i < nseg; i++) {
		const char *s = segv[i];

		if (!strcmp(s, ".") || !strcmp(s, "..") || strchr(s, '/') || strchr(s, '\\'))
			return problem(res, 400, "bad path");
		if (s[0] == '.' || strlen(s) > NAME_MAX)
			return problem(res, 404, NULL);
	}
	if (nseg && !strcmp(segv[0], "api"))
		return problem(res, 404, NULL);
	return nseg;
}

int http_static_serve(struct http_request *req, struct http_response *res,
		      const char *root)
{
	const char *segv[MAX_SEGMENTS];
	const char *name, *ae, *inm;
	const struct mime *mime;
	char gzname[NAME_MAX + 4], etag[64];
	struct stat st;
	int rootfd = -1, dirfd = -1, fd = -1, gz = 0, ret = -1;
	int nseg, i, fallback, is_index;

	nseg = static_path(req, res, segv);
	if (nseg < 0)
		goto cleanup;

	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		problem(res, 500, "the web application is not installed");
		goto cleanup;
	}
	dirfd = rootfd;
	for (i = 0; i + 1 < nseg; i++) {
		int next = openat(dirfd, segv[i], O_RDONLY | O_DIRECTORY |
				  O_NOFOLLOW | O_CLOEXEC);

		if (dirfd != rootfd)
			close(dirfd);
		dirfd = next;
		if (dirfd < 0)
			break;
	}
	name = nseg ? segv[nseg - 1] : "index.html";
	if (dirfd >= 0)
		fd = open_file(dirfd, name, &st);
	fallback = !nseg || !strchr(name, '.');
	if (fd < 0 && fallback) {
		if (dirfd >= 0 && dirfd != rootfd)
			close(dirfd);
		dirfd = rootfd;
		name = "index.html";
		fd = open_file(dirfd, name, &st);
	}
	if (fd < 0) {
		problem(res, 404, NULL);
		goto cleanup;
	}
	is_index = dirfd == rootfd && !strcmp(name, "index.html");

	mime = mime_of(name);
	ae = http_header(req, "Accept-Encoding");
	if (mime->compressible && ae && accepts_gzip(ae)) {
		struct stat gst;
		int gfd;

		snprintf(gzname, sizeof(gzname), "%s.gz", name);
		gfd = open_file(dirfd, gzname, &gst);
		if (gfd >= 0) {
			close(fd);
			fd = gfd;
			st = gst;
			gz = 1;
		}
	}

	snprintf(etag, sizeof(etag), "\"%llx-%llx%s\"",
		 (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL +
			 (unsigned long long)st.st_mtim.tv_nsec,
		 gz ? "-gz" : "");
	res->content_type = mime->type;
	if (!is_index && nseg > 1 && !strcmp(segv[0], "assets"))
		res->cache_control = "public, max-age=31536000, immutable";
	else
		res->cache_control = "no-cache";
	http_response_header(res, "ETag", etag);
	if (mime->compressible)
		http_response_header(res, "Vary", "Accept-Encoding");

	inm = http_header(req, "If-None-Match");
	if (inm && etag_matches(inm, etag)) {
		res->status = 304;
		res->content_type = NULL;
		ret = 0;
		goto cleanup;
	}
	if (gz)
		http_response_header(res, "Content-Encoding", "gzip");
	res->status = 200;
	res->fd = fd;
	res->fd_size = (uint64_t)st.st_size;
	fd = -1;
	ret = 0;

cleanup:
	if (fd >= 0)
		close(fd);
	if (dirfd >= 0 && dirfd != rootfd)
		close(dirfd);
	if (rootfd >= 0)
		close(rootfd);
	return ret;
}
