/**
 * The approvals inbox: requests waiting for the viewer's review, every pending one, and the
 * recent ones. It follows the reviewer stream (stream.js), so a command that asks for approval
 * shows up here without a reload.
 */
import { api, currentUser, isReviewer } from "../api.js";
import { announce, emptyBox, errorBox, gridTable, h, loadingBox, mount, viewTabs } from "../dom.js";
import * as fmt from "../format.js";
import { href } from "../router.js";
import { openApprovalStream, streamStateText } from "../stream.js";

const STATUS_CLASS = {
  requested: "warn",
  approved: "ok",
  declined: "bad",
  expired: "",
  cancelled: "",
};

const VIEWS = [
  ["review", "To review"],
  ["pending", "All pending"],
  ["all", "Recent"],
];

export function statusBadge(status) {
  const label = status === "requested" ? "waiting" : status;
  return h("span", { class: `badge status-badge ${STATUS_CLASS[status] ?? ""}` }, label);
}

/** What the server's `toReview=true` answers: a pending request this viewer can still decide. */
export function canReview(approval, user) {
  if (!user || approval.status !== "requested") return false;
  if (approval.requester === user.name) return false;
  if (approval.decisions.some((d) => d.reviewer === user.name)) return false;
  return approval.reviewers.includes(user.name) || isReviewer(user);
}

/** "bob ✓, carol" with each reviewer's decision. */
export function reviewerList(approval) {
  const decided = new Map(approval.decisions.map((d) => [d.reviewer, d.decision]));
  const names = [...new Set([...approval.reviewers, ...decided.keys()])];
  if (!names.length) return h("span", { class: "muted" }, "none");
  return h(
    "ul",
    { class: "inline-list" },
    names.map((name) => {
      const decision = decided.get(name);
      return h(
        "li",
        {},
        name,
        decision === "approved"
          ? h("span", { class: "status ok", title: "approved" }, " ✓ approved")
          : decision === "declined"
          ? h("span", { class: "status bad", title: "declined" }, " ✗ declined")
          : null,
      );
    }),
  );
}

function newer(a, b) {
  return !a || (b.version ?? 0) >= (a.version ?? 0);
}

export function renderApprovals(main, route) {
  const user = currentUser();
  let view = VIEWS.some(([v]) => v === route.query.get("view"))
    ? route.query.get("view")
    : isReviewer(user)
    ? "review"
    : "pending";
  const requests = new Map();
  let loaded = false;
  let failed = null;
  let streamReady = false;
  const originalTitle = document.title;

  const state = h(
    "p",
    { class: "stream-state muted", role: "status" },
    streamStateText("connecting"),
  );
  const tabs = h("div", { class: "segmented", role: "group", "aria-label": "Show" });
  const results = h(
    "section",
    { "aria-label": "Approval requests" },
    loadingBox("Loading approval requests…"),
  );
  mount(
    main,
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, "Approvals"),
      state,
    ),
    h(
      "p",
      { class: "hint" },
      "Commands whose guardrail rule asks for approval wait here for a reviewer. Nobody approves their own request.",
    ),
    tabs,
    results,
  );

  const visible = () => {
    const list = [...requests.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    if (view === "review") return list.filter((a) => canReview(a, user));
    if (view === "pending") return list.filter((a) => a.status === "requested");
    return list;
  };

  const drawTabs = () => {
    const count = [...requests.values()].filter((a) => canReview(a, user)).length;
    mount(
      tabs,
      viewTabs(VIEWS, view, (value) => {
        view = value;
        history.replaceState(null, "", href("/approvals", { view }));
        draw();
      }, (value, label) => value === "review" ? `${label} (${count})` : label),
    );
    document.title = count ? `(${count}) Approvals · ddcoterm` : "Approvals · ddcoterm";
  };

  const draw = () => {
    drawTabs();
    if (failed && !loaded) {
      mount(results, errorBox(failed, load));
      return;
    }
    if (!loaded && !streamReady) return;
    const list = visible();
    if (!list.length) {
      mount(
        results,
        view === "review"
          ? emptyBox(
            "Nothing waits for your review.",
            "New requests appear here by themselves as soon as a command asks for approval.",
          )
          : view === "pending"
          ? emptyBox("No request is waiting for a decision.")
          : emptyBox(
            "No approval requests yet.",
            'A config.yaml rule with the "approval" action makes matching commands wait here.',
          ),
      );
      return;
    }
    mount(results, table(list, user));
  };

  const upsert = (approval) => {
    const before = requests.get(approval.id);
    if (!newer(before, approval)) return;
    requests.set(approval.id, approval);
    if (streamReady && !before && canReview(approval, user)) {
      announce(`New approval request from ${approval.requester}: ${approval.command}`);
    }
  };

  const load = async () => {
    failed = null;
    try {
      const data = await api("/approvals", { params: { limit: 100 } });
      for (const approval of data.approvals) upsert(approval);
      loaded = true;
    } catch (error) {
      failed = error;
    }
    draw();
  };

  const close = openApprovalStream({
    onState: (s) => state.textContent = streamStateText(s),
    onReady: ({ approvals }) => {
      const pending = new Set(approvals.map((a) => a.id));
      for (const approval of approvals) upsert(approval);
      // After a reconnection: a request that stopped waiting meanwhile is read again.
      const stale = [...requests.values()].filter((a) =>
        a.status === "requested" && !pending.has(a.id)
      );
      streamReady = true;
      draw();
      for (const approval of stale) {
        api(`/approvals/${encodeURIComponent(approval.id)}`, { params: { timeline: "false" } })
          .then((fresh) => {
            upsert(fresh);
            draw();
          })
          .catch(() => {});
      }
    },
    onApproval: (approval) => {
      upsert(approval);
      draw();
    },
  });
  // Relative expiry times stay true while the page is open.
  const tick = setInterval(() => {
    if (document.visibilityState === "visible") draw();
  }, 15_000);
  drawTabs();
  load();
  return () => {
    close();
    clearInterval(tick);
    document.title = originalTitle;
  };
}

function table(list, user) {
  const now = Date.now();
  const rows = list.map((a) => {
    const link = href(`/approvals/${a.id}`);
    return h(
      "tr",
      { class: canReview(a, user) ? "to-review" : null, dataset: { id: a.id } },
      h(
        "td",
        { class: "nowrap" },
        fmt.dateTime(a.createdAt),
        h("div", { class: "muted small" }, fmt.relative(a.createdAt, now)),
      ),
      h(
        "td",
        {},
        a.requester,
        a.user && a.user !== a.requester ? h("span", { class: "muted" }, ` (${a.user})`) : null,
        h("div", { class: "muted small" }, a.host),
      ),
      h(
        "td",
        { class: "command" },
        h("a", { href: link }, h("code", {}, a.command)),
        a.approverMessage ? h("div", { class: "muted small" }, a.approverMessage) : null,
      ),
      h("td", {}, reviewerList(a)),
      h(
        "td",
        { class: "nowrap" },
        statusBadge(a.status),
        a.requester === user?.name ? h("span", { class: "badge" }, "yours") : null,
        h("div", { class: "muted small" }, `${a.approvals} of ${a.requiredApprovals} approvals`),
      ),
      h(
        "td",
        { class: "nowrap" },
        a.status === "requested"
          ? h(
            "span",
            { title: fmt.dateTime(a.expiresAt) },
            `expires ${fmt.relative(a.expiresAt, now)}`,
          )
          : a.decidedAt
          ? h(
            "span",
            { title: fmt.dateTime(a.decidedAt) },
            `${a.status} ${fmt.relative(a.decidedAt, now)}`,
          )
          : "",
      ),
    );
  });
  return gridTable(
    ["Requested", "Requester", "Command", "Reviewers", "Status", "When"],
    h("tbody", {}, rows),
    "grid approvals",
  );
}
