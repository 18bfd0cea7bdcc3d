/*
 * static: serving the browser application (the Vite build) from a
 * directory.
 *
 * GET and HEAD only; "/" and unknown paths without an extension fall back
 * to index.html, so that the single-page application's own routes work on
 * reload.  It is careful with paths (no "..", no encoded tricks, no
 * symbolic links at all below the root) and cheap for the browser
 * (precompressed .gz siblings, ETag and 304, long-lived caching of Vite's
 * hashed /assets/).
 *
 * It is not a general file server: no directory listings, no ranges, no
 * dotfiles, no compression on the fly, no MIME database beyond what the
 * web build contains.
 */
#ifndef SANLING_HTTP_STATIC_H
#define SANLING_HTTP_STATIC_H

#include "http/server.h"

/*
 * Answer `req` from the directory `root` by filling `res`.
 *
 * Returns 0 when a file (200) or 304 Not Modified was set up, -1 when
 * `res` was made a problem+json instead: 405 for a method other than GET
 * or HEAD, 400 for a path that tries to leave the root (dot segments,
 * encoded slashes or backslashes, NUL, bad escapes), 404 for anything not
 * found (including dotfiles, symbolic links, and /api/... paths, which
 * never fall back to index.html), 500 when `root` cannot be opened.
 *
 * The file is sent with sendfile() by the server; `res` owns the
 * descriptor.  Headers set: Content-Type, ETag, Cache-Control
 * ("public, max-age=31536000, immutable" under /assets/, "no-cache"
 * elsewhere, so index.html is always revalidated), Vary: Accept-Encoding
 * and Content-Encoding: gzip when the ".gz" sibling is sent.
 */
int http_static_serve(struct http_request *req, struct http_response *res,
		      const char *root);

#endif
