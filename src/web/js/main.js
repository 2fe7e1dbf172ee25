/** Start-up, sign-in gate, navigation and page switching. */
import { currentUser, loadSession, onSignedOut, signOut } from "./api.js";
import { errorBox, h, mount } from "./dom.js";
import { currentRoute, go, href, pathToHash } from "./router.js";
import { renderLogin } from "./pages/login.js";
import { renderSessions } from "./pages/sessions.js";
import { renderSession } from "./pages/session.js";
import { renderExplore } from "./pages/explore.js";
import { renderLogs } from "./pages/logs.js";
import { renderApprovals } from "./pages/approvals.js";
import { renderApproval } from "./pages/approval.js";
import { renderBreakGlass } from "./pages/breakglass.js";
import { renderIncidents } from "./pages/incidents.js";

const main = document.getElementById("main");
const topbar = document.querySelector(".topbar");
let cleanup = null;
let lastPage = null;

const PAGES = {
  sessions: (route) => route.parts[1] ? renderSession : renderSessions,
  events: () => renderExplore,
  logs: () => renderLogs,
  approvals: (route) => route.parts[1] ? renderApproval : renderApprovals,
  "break-glass": () => renderBreakGlass,
  incidents: () => renderIncidents,
};

function showChrome(user) {
  topbar.hidden = !user;
  if (!user) return;
  document.getElementById("who").textContent = `${user.name} (${user.role})`;
}

async function show() {
  const route = currentRoute();
  const user = currentUser();
  if (!user && route.parts[0] !== "login") {
    const next = location.hash && !location.hash.startsWith("#/login") ? location.hash : "";
    go("/login", { next }, { replace: true });
    return;
  }
  if (cleanup) {
    try {
      cleanup();
    } catch {
      // A page that failed to clean up must not block the next one.
    }
    cleanup = null;
  }
  showChrome(user);
  const name = route.parts[0] ?? "sessions";
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  let render;
  if (name === "login") render = renderLogin;
  else if (PAGES[name]) render = PAGES[name](route);
  else {
    mount(
      main,
      h("h1", {}, "Not found"),
      h("p", {}, h("a", { href: href("/sessions") }, "Sessions")),
    );
    return;
  }
  const pageKey = `${name}/${route.parts[1] ?? ""}`;
  try {
    cleanup = await render(main, route, { samePage: pageKey === lastPage }) ?? null;
  } catch (error) {
    mount(main, errorBox(error, () => show()));
  }
  if (pageKey !== lastPage) main.focus({ preventScroll: true });
  lastPage = pageKey;
}

async function start() {
  pathToHash();
  document.getElementById("signout").addEventListener("click", async () => {
    try {
      await signOut();
    } finally {
      showChrome(null);
      go("/login");
    }
  });
  onSignedOut(() => {
    showChrome(null);
    go("/login", { next: location.hash, expired: "1" });
  });
  try {
    await loadSession();
  } catch (error) {
    mount(main, errorBox(error, () => location.reload()));
    return;
  }
  addEventListener("hashchange", show);
  await show();
}

start();
