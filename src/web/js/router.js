/** Hash routes (`#/sessions/ID?t=12`): static file serving needs no fallback for deep links. */

export function currentRoute() {
  const raw = location.hash.replace(/^#/, "") || "/sessions";
  const [path, search = ""] = raw.split("?");
  return {
    parts: path.split("/").filter(Boolean).map(decodeURIComponent),
    query: new URLSearchParams(search),
  };
}

/**
 * The server serves index.html for extension-less paths, so links printed elsewhere (the
 * terminal's `<server>/approvals/<id>`, a recording's `<server>/sessions/<id>`) land here: they
 * become the matching hash route.
 */
export function pathToHash() {
  const path = location.pathname.replace(/\/+$/, "");
  if (!path || path === "/index.html") return;
  const hash = location.hash.replace(/^#/, "");
  history.replaceState(null, "", `/#${hash && hash !== "/" ? hash : path + location.search}`);
}

/** "#/path?k=v", leaving out empty values. */
export function href(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "" && value !== false) {
      query.set(key, String(value));
    }
  }
  const qs = query.toString();
  return `#${path}${qs ? `?${qs}` : ""}`;
}

export function go(path, params = {}, { replace = false } = {}) {
  const target = href(path, params);
  if (replace) {
    history.replaceState(null, "", target);
    dispatchEvent(new HashChangeEvent("hashchange"));
  } else location.hash = target;
}

/**
 * Renders the current page again through main.js (as a navigation would), so that the page's
 * clean-up is kept: a page that re-rendered itself would leave its timers and streams behind.
 */
export function showAgain() {
  dispatchEvent(new HashChangeEvent("hashchange"));
}
