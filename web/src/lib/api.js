// api.js: the one HTTP client of the browser application.  It speaks the
// JSON API under /api/v1: it sends the CSRF token on every write, turns
// problem+json answers into ApiError (status, detail, field, body), and on a
// 401 hands the session back to the login page.  It deliberately knows
// nothing of entities or pages.

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
    this.field = body && body.field;
    this.detail = (body && body.detail) || this.message;
  }
}

let onUnauthorized = null;
let csrfToken = null;

// Called once by the router: what to do when the session is gone.
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

export function setCsrf(token) {
  csrfToken = token;
}

function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

// Whether the browser holds a session's script-readable cookie at all: when
// it does not, there is no point asking the server who we are.
export function hasSessionCookie() {
  return !!cookie('sanling_csrf');
}

export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue;
    u.append(k, String(v));
  }
  const s = u.toString();
  return s ? '?' + s : '';
}

// request(method, path, {body, raw, contentType, quiet401}) → parsed JSON (or null).
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json' };
  let body;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['Content-Type'] = opts.contentType || 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && method !== 'HEAD') {
    headers['X-CSRF-Token'] = opts.csrf || cookie('sanling_csrf') || csrfToken || 'sanling';
  }
  let res;
  try {
    res = await fetch('/api/v1' + path, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if (opts.signal && opts.signal.aborted) throw new ApiError(0, { detail: '已取消', aborted: true });
    throw new ApiError(0, { detail: '无法连接服务器' });
  }
  const ct = res.headers.get('content-type') || '';
  let data = null;
  if (res.status !== 204) {
    if (ct.includes('json')) {
      try { data = await res.json(); } catch (e) { data = null; }
    } else {
      data = await res.text();
    }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, typeof data === 'object' ? data : { detail: data });
    if (res.status === 401 && !opts.quiet401 && onUnauthorized) onUnauthorized(err);
    throw err;
  }
  return data;
}

export const api = {
  get: (p, o) => request('GET', p, o),
  post: (p, body, o = {}) => request('POST', p, { ...o, body: body === undefined ? {} : body }),
  patch: (p, body, o = {}) => request('PATCH', p, { ...o, body }),
  put: (p, body, o = {}) => request('PUT', p, { ...o, body }),
  upload: (p, file, contentType) => request('POST', p, { raw: file, contentType }),
};

// Start a file download of a GET URL (export, template) without leaving the page.
export function download(path) {
  const a = document.createElement('a');
  a.href = '/api/v1' + path;
  a.rel = 'noopener';
  a.download = '';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
