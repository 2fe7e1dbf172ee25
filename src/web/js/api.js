/**
 * The server's JSON API under /api/v1, with the browser's session cookie. Unsafe methods carry
 * the CSRF token the server handed out at sign-in (or from /auth/me after a reload).
 */

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const state = { user: null, csrf: null };
const signedOutListeners = [];

export function currentUser() {
  return state.user;
}

/** Approvers and admins see every request, break-glass run and audit entry; members their own. */
export function isReviewer(user = currentUser()) {
  return user?.role === "approver" || user?.role === "admin";
}

/** Called when the server says the cookie is no longer valid. */
export function onSignedOut(listener) {
  signedOutListeners.push(listener);
}

async function errorOf(response) {
  let message = `HTTP ${response.status}`;
  try {
    const body = await response.json();
    if (body?.error) message = body.error;
  } catch {
    // Not JSON (a proxy's error page): keep the status line.
  }
  return new ApiError(response.status, message);
}

/** Any API call; `path` is relative to /api/v1. Returns the Response when `raw`. */
export async function api(path, { method = "GET", body, params, signal, raw = false } = {}) {
  const url = new URL(`/api/v1${path}`, location.origin);
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  const headers = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && method !== "HEAD" && state.csrf) headers["x-csrf-token"] = state.csrf;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      signal,
    });
  } catch (error) {
    if (error?.name === "AbortError") throw error;
    throw new ApiError(0, `Cannot reach the server (${error?.message ?? error})`);
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && path !== "/auth/login" && state.user) {
      state.user = null;
      for (const listener of signedOutListeners) listener();
    }
    throw error;
  }
  return raw ? response : await response.json();
}

/** Who the cookie belongs to, or null when not signed in. */
export async function loadSession() {
  try {
    const { user, csrfToken } = await api("/auth/me");
    state.user = user;
    state.csrf = csrfToken;
    return user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** `{apiKey}` or `{name, password}`. */
export async function signIn(credentials) {
  const { user, csrfToken } = await api("/auth/login", { method: "POST", body: credentials });
  state.user = user;
  state.csrf = csrfToken;
  return user;
}

export async function signOut() {
  try {
    await api("/auth/logout", { method: "POST" });
  } finally {
    state.user = null;
    state.csrf = null;
  }
}
