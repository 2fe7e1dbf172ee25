/**
 * Events explorer: GET /api/v1/events with the query bar (`source:coterm_process_info`,
 * `@user:alice`, `executable:kubectl`, `-type:exit`, free text), facets and a time histogram;
 * and the audit trail (GET /api/v1/audit, approvers and admins).
 */
import { api, isReviewer } from "../api.js";
import { announce, emptyBox, errorBox, gridTable, h, loadingBox, mount } from "../dom.js";
import * as fmt from "../format.js";
import { go, href } from "../router.js";
import { describeEvent } from "./session.js";

const RANGES = [
  ["15m", "Past 15 minutes", 15 * 60e3],
  ["1h", "Past hour", 60 * 60e3],
  ["1d", "Past day", 24 * 60 * 60e3],
  ["7d", "Past 7 days", 7 * 24 * 60 * 60e3],
  ["30d", "Past 30 days", 30 * 24 * 60 * 60e3],
  ["all", "All time", 0],
];
const FACET_FIELDS = {
  source: "source",
  type: "type",
  user: "@user",
  host: "@host",
  executable: "executable",
};
const PAGE = 100;

function quoteValue(value) {
  return /[\s"]/.test(value) ? `"${value.replaceAll('"', "")}"` : value;
}

export async function renderExplore(main, route) {
  const q = route.query.get("q") ?? "";
  const range = route.query.get("range") ?? "all";
  const tab = route.query.get("tab") === "audit" ? "audit" : "events";
  const seesAudit = isReviewer();

  const input = h("input", {
    type: "search",
    name: "q",
    id: "q",
    value: q,
    placeholder: "source:coterm_process_info @user:alice executable:kubectl free text",
    spellcheck: "false",
    autocomplete: "off",
  });
  const rangeSelect = h(
    "select",
    { name: "range", id: "range", "aria-label": "Time range" },
    RANGES.map(([v, label]) => h("option", { value: v, selected: v === range }, label)),
  );
  const form = h(
    "form",
    {
      class: "querybar",
      role: "search",
      onsubmit: (event) => {
        event.preventDefault();
        go("/events", {
          q: input.value.trim(),
          range: rangeSelect.value === "all" ? "" : rangeSelect.value,
        });
      },
    },
    h("label", { for: "q", class: "sr-only" }, "Query"),
    input,
    rangeSelect,
    h("button", { type: "submit" }, "Search"),
  );
  const tabs = h(
    "nav",
    { class: "tabs", "aria-label": "Event kinds" },
    h("a", {
      href: href("/events", { q, range: range === "all" ? "" : range }),
      "aria-current": tab === "events" ? "page" : null,
    }, "Process & guardrail events"),
    seesAudit
      ? h("a", {
        href: href("/events", { tab: "audit" }),
        "aria-current": tab === "audit" ? "page" : null,
      }, "Audit trail")
      : null,
  );
  const body = h("div", {}, loadingBox());
  mount(
    main,
    h("div", { class: "page-head" }, h("h1", {}, "Events")),
    tabs,
    tab === "events" ? form : null,
    tab === "events"
      ? h(
        "p",
        { class: "hint" },
        "Fields: ",
        ["source:", "type:", "@user:", "@host:", "executable:", "session:"].map((f) =>
          h("code", {}, f)
        ),
        " — prefix with - to exclude; other words match anywhere in the event.",
      )
      : null,
    body,
  );
  if (tab === "audit" && seesAudit) await renderAudit(body, route);
  else await renderEvents(body, { q, range });
}

async function renderEvents(body, { q, range }) {
  const span = RANGES.find(([v]) => v === range)?.[2] ?? 0;
  const params = { q, buckets: 60, limit: PAGE };
  if (span) params.from = new Date(Date.now() - span).toISOString();
  const load = async () => {
    mount(body, loadingBox("Searching events…"));
    let result;
    try {
      result = await api("/events", { params });
    } catch (error) {
      mount(body, errorBox(error, load));
      return;
    }
    announce(`${result.total} events`);
    if (result.total === 0) {
      mount(
        body,
        emptyBox(
          "No event matches.",
          q
            ? "Remove a term or widen the time range."
            : "Process events appear here once sessions with process_info are uploaded.",
        ),
      );
      return;
    }
    const rows = h("tbody", {}, result.events.map(eventRow));
    const more = h("div", { class: "more" });
    const addMore = (events) => {
      mount(more);
      if (rows.children.length < result.total && events.length === PAGE) {
        more.append(h("button", {
          type: "button",
          class: "secondary",
          onclick: async (event) => {
            event.target.disabled = true;
            try {
              const next = await api("/events", {
                params: {
                  ...params,
                  facets: "false",
                  buckets: 1,
                  before: events[events.length - 1].id,
                },
              });
              rows.append(...next.events.map(eventRow));
              addMore(next.events);
            } catch (error) {
              mount(more, errorBox(error));
            }
          },
        }, "Load more"));
      }
    };
    addMore(result.events);
    mount(
      body,
      histogram(result),
      h(
        "div",
        { class: "explore-grid" },
        h("aside", { class: "facets", "aria-label": "Facets" }, facets(result.facets, q)),
        h(
          "section",
          { "aria-label": "Events" },
          h(
            "p",
            { class: "muted" },
            `${result.total} event${result.total === 1 ? "" : "s"}, newest first`,
          ),
          gridTable(
            ["Time", "Source", "Type", "User", "Host", "Executable", "Details", "Session"],
            rows,
          ),
          more,
        ),
      ),
    );
  };
  await load();
}

function eventRow(e) {
  return h(
    "tr",
    {},
    h("td", { class: "nowrap" }, fmt.dateTime(e.time)),
    h("td", {}, e.source),
    h("td", {}, h("span", { class: `type type-${e.type}` }, e.type)),
    h("td", {}, e.user),
    h("td", {}, e.host),
    h("td", {}, e.executable ?? ""),
    h("td", { class: "command" }, h("code", {}, describeEvent(e))),
    h(
      "td",
      { class: "nowrap" },
      h("a", {
        href: href(`/sessions/${e.sessionId}`, { t: e.t }),
        title: `Open the replay at ${fmt.offset(e.t)}`,
      }, `${e.sessionId.slice(0, 8)}… @ ${fmt.offset(e.t)}`),
    ),
  );
}

function histogram(result) {
  const max = Math.max(1, ...result.histogram.map((b) => b.count));
  const bucketLabel = fmt.duration(result.bucketMs / 1000);
  return h(
    "figure",
    { class: "histogram" },
    h(
      "div",
      {
        class: "bars",
        role: "img",
        "aria-label": `Events over time, ${result.histogram.length} buckets of ${bucketLabel}`,
      },
      result.histogram.map((b) =>
        h(
          "div",
          {
            class: "bar",
            style: `height:${Math.max(2, (b.count / max) * 100)}%`,
            title: `${fmt.dateTime(b.start)}: ${b.count}`,
          },
        )
      ),
    ),
    h(
      "figcaption",
      { class: "muted" },
      result.histogram.length
        ? `${fmt.dateTime(result.histogram[0].start)} — ${
          fmt.dateTime(result.histogram.at(-1).start)
        } · ${bucketLabel} per bar · highest ${max}`
        : "",
    ),
  );
}

function facets(all, q) {
  const sections = Object.entries(FACET_FIELDS).map(([name, prefix]) => {
    const values = all[name] ?? [];
    if (values.length === 0) return null;
    return h(
      "section",
      { class: "facet" },
      h("h3", {}, name),
      h(
        "ul",
        {},
        values.map(({ value, count }) => {
          const term = `${prefix}:${quoteValue(value)}`;
          const withTerm = (t) =>
            go("/events", {
              ...Object.fromEntries(new URLSearchParams(location.hash.split("?")[1] ?? "")),
              q: `${q} ${t}`.trim(),
            });
          return h(
            "li",
            {},
            h("button", {
              type: "button",
              class: "link",
              title: `Only ${term}`,
              onclick: () => withTerm(term),
            }, value),
            h("span", { class: "count" }, String(count)),
            h("button", {
              type: "button",
              class: "link exclude",
              title: `Exclude ${term}`,
              "aria-label": `Exclude ${value}`,
              onclick: () => withTerm(`-${term}`),
            }, "−"),
          );
        }),
      ),
    );
  }).filter(Boolean);
  return sections.length ? sections : h("p", { class: "muted" }, "No facets.");
}

async function renderAudit(body, route) {
  const user = route.query.get("user") ?? "";
  const load = async () => {
    mount(body, loadingBox("Loading the audit trail…"));
    let result;
    try {
      result = await api("/audit", { params: { user, limit: 200 } });
    } catch (error) {
      mount(body, errorBox(error, load));
      return;
    }
    if (result.records.length === 0) {
      mount(body, emptyBox("The audit trail is empty."));
      return;
    }
    mount(
      body,
      gridTable(
        ["Time", "User", "Action", "Session", "Detail"],
        h(
          "tbody",
          {},
          result.records.map((r) =>
            h(
              "tr",
              {},
              h("td", { class: "nowrap" }, fmt.dateTime(r.at)),
              h("td", {}, r.user || h("span", { class: "muted" }, "(cli)")),
              h("td", {}, h("code", {}, r.action)),
              h(
                "td",
                {},
                r.sessionId
                  ? h(
                    "a",
                    { href: href(`/sessions/${r.sessionId}`) },
                    `${r.sessionId.slice(0, 8)}…`,
                  )
                  : "",
              ),
              h("td", { class: "command" }, h("code", {}, JSON.stringify(r.detail))),
            )
          ),
        ),
      ),
    );
  };
  await load();
}
