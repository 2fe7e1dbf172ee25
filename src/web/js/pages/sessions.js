/** Sessions: filters, sortable columns and paging over GET /api/v1/sessions. */
import { api } from "../api.js";
import { announce, emptyBox, errorBox, h, loadingBox, mount } from "../dom.js";
import * as fmt from "../format.js";
import { go, href } from "../router.js";

const PAGE_SIZE = 50;
const FILTERS = ["user", "host", "command", "from", "to", "exit", "action", "breakGlass", "live"];
const COLUMNS = [
  { label: "Start", sort: "start" },
  { label: "User", sort: "user" },
  { label: "Host", sort: "host" },
  { label: "Command" },
  { label: "Duration", sort: "duration" },
  { label: "Exit" },
  { label: "Actions" },
  { label: "Redactions" },
  { label: "Size" },
];
const ACTIONS = ["record", "logs", "process_info", "approval", "incidents", "deny"];

function select(name, value, options) {
  return h(
    "select",
    { name, id: `f-${name}` },
    options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)),
  );
}

export async function renderSessions(main, route) {
  const q = route.query;
  const state = Object.fromEntries(FILTERS.map((f) => [f, q.get(f) ?? ""]));
  const sort = q.get("sort") ?? "-start";
  const page = Math.max(1, Number(q.get("page")) || 1);

  const field = (name, label, input) =>
    h("div", { class: "field" }, h("label", { for: `f-${name}` }, label), input);
  const text = (name, placeholder) =>
    h("input", { name, id: `f-${name}`, value: state[name], placeholder, type: "search" });

  const form = h(
    "form",
    {
      class: "filters",
      "aria-label": "Filter sessions",
      onsubmit: (event) => {
        event.preventDefault();
        const data = new FormData(form);
        const params = { sort: sort === "-start" ? "" : sort };
        for (const f of FILTERS) params[f] = String(data.get(f) ?? "").trim();
        params.from = fmt.localInputToIso(params.from);
        params.to = fmt.localInputToIso(params.to);
        params.live = data.get("live") ? "true" : "";
        go("/sessions", params);
      },
    },
    field("user", "User", text("user", "alice")),
    field("host", "Host", text("host", "web-1")),
    field("command", "Command", text("command", "kubectl")),
    field(
      "from",
      "From",
      h("input", {
        type: "datetime-local",
        name: "from",
        id: "f-from",
        value: fmt.isoToLocalInput(state.from),
      }),
    ),
    field(
      "to",
      "To",
      h("input", {
        type: "datetime-local",
        name: "to",
        id: "f-to",
        value: fmt.isoToLocalInput(state.to),
      }),
    ),
    field(
      "exit",
      "Exit status",
      select("exit", state.exit, [["", "Any"], ["success", "Success (0)"], [
        "failure",
        "Failure (≠ 0)",
      ], [
        "running",
        "Not ended",
      ]]),
    ),
    field(
      "action",
      "Action",
      select("action", state.action, [["", "Any"], ...ACTIONS.map((a) => [a, a])]),
    ),
    field(
      "breakGlass",
      "Break glass",
      select("breakGlass", state.breakGlass, [["", "Any"], ["true", "Yes"], ["false", "No"]]),
    ),
    h(
      "div",
      { class: "field check" },
      h(
        "label",
        {},
        h("input", { type: "checkbox", name: "live", checked: state.live === "true" }),
        " Live only",
      ),
    ),
    h(
      "div",
      { class: "field buttons" },
      h("button", { type: "submit" }, "Apply"),
      h("a", { class: "button secondary", href: href("/sessions") }, "Clear"),
    ),
  );

  const results = h(
    "section",
    { "aria-label": "Sessions", "aria-live": "polite" },
    loadingBox("Loading sessions…"),
  );
  mount(main, h("div", { class: "page-head" }, h("h1", {}, "Sessions")), form, results);

  const params = { ...state, sort, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };
  const load = async () => {
    mount(results, loadingBox("Loading sessions…"));
    let data;
    try {
      data = await api("/sessions", { params });
    } catch (error) {
      mount(results, errorBox(error, load));
      return;
    }
    announce(`${data.total} sessions`);
    if (data.total === 0) {
      const filtered = FILTERS.some((f) => state[f]);
      mount(
        results,
        filtered
          ? emptyBox("No session matches these filters.", "Clear a filter or widen the time range.")
          : emptyBox(
            "No sessions recorded yet.",
            'Connect a machine with "ddcoterm init --host URL --api-key KEY"; sessions appear here as they are recorded.',
          ),
      );
      return;
    }
    mount(results, table(data.sessions, route, sort), pager(data.total, page, route));
  };
  await load();
}

function table(sessions, route, sort) {
  const header = h(
    "tr",
    {},
    COLUMNS.map((column) => {
      if (!column.sort) return h("th", { scope: "col" }, column.label);
      const active = sort === column.sort || sort === `-${column.sort}`;
      const descending = sort === `-${column.sort}`;
      // Time and duration read best newest/longest first.
      const next = active
        ? (descending ? column.sort : `-${column.sort}`)
        : (column.sort === "user" || column.sort === "host" ? column.sort : `-${column.sort}`);
      const params = Object.fromEntries(route.query);
      delete params.page;
      return h(
        "th",
        { scope: "col", "aria-sort": active ? (descending ? "descending" : "ascending") : null },
        h(
          "a",
          {
            href: href("/sessions", { ...params, sort: next === "-start" ? "" : next }),
            class: "sort",
          },
          column.label,
          active ? (descending ? " ▼" : " ▲") : "",
        ),
      );
    }),
  );
  const rows = sessions.map((s) => {
    const link = href(`/sessions/${s.id}`);
    const status = fmt.exitStatus(s);
    return h(
      "tr",
      { class: s.live ? "live" : null },
      h("td", { class: "nowrap" }, fmt.dateTime(s.start)),
      h(
        "td",
        {},
        s.user,
        s.owner && s.owner !== s.user ? h("span", { class: "muted" }, ` (${s.owner})`) : null,
      ),
      h("td", {}, s.host),
      h(
        "td",
        { class: "command" },
        s.live ? h("span", { class: "badge live", title: "Being recorded now" }, "● live") : null,
        s.breakGlass
          ? h("span", { class: "badge warn", title: "Run with break glass" }, "break glass")
          : null,
        h("a", { href: link }, h("code", {}, s.title || s.command || "(shell)")),
      ),
      h(
        "td",
        { class: "num nowrap" },
        s.durationSeconds === null ? "" : fmt.duration(s.durationSeconds),
      ),
      h("td", {
        class: `status ${status === "ok" ? "ok" : status.startsWith("exit") ? "bad" : ""}`,
      }, status),
      h("td", {}, s.actions.join(", ")),
      h("td", { class: "num" }, s.redactions || ""),
      h("td", { class: "num nowrap" }, fmt.bytes(s.castBytes)),
    );
  });
  return h(
    "div",
    { class: "table-wrap" },
    h("table", { class: "grid" }, h("thead", {}, header), h("tbody", {}, rows)),
  );
}

function pager(total, page, route) {
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const params = Object.fromEntries(route.query);
  const first = (page - 1) * PAGE_SIZE + 1;
  const last = Math.min(total, page * PAGE_SIZE);
  return h(
    "nav",
    { class: "pager", "aria-label": "Pages" },
    page > 1
      ? h(
        "a",
        { href: href("/sessions", { ...params, page: page - 1 }), rel: "prev" },
        "← Previous",
      )
      : null,
    h("span", {}, `${first}–${last} of ${total}`),
    page < pages
      ? h("a", { href: href("/sessions", { ...params, page: page + 1 }), rel: "next" }, "Next →")
      : null,
  );
}
