/**
 * Logs: full-text search over what people saw (GET /api/v1/search), shown as lines in context;
 * a result opens the replay at the moment the line appeared.
 */
import { api } from "../api.js";
import { announce, emptyBox, errorBox, h, loadingBox, mount } from "../dom.js";
import * as fmt from "../format.js";
import { go, href } from "../router.js";

const PAGE = 50;

/** The text with every occurrence of the query's words wrapped in <mark>. */
function highlight(text, words) {
  const lower = text.toLowerCase();
  const spans = [];
  for (const word of words) {
    const w = word.toLowerCase();
    if (!w) continue;
    for (let i = lower.indexOf(w); i !== -1; i = lower.indexOf(w, i + w.length)) {
      spans.push([i, i + w.length]);
    }
  }
  spans.sort((a, b) => a[0] - b[0]);
  const out = [];
  let at = 0;
  for (const [start, end] of spans) {
    if (start < at) continue;
    out.push(text.slice(at, start), h("mark", {}, text.slice(start, end)));
    at = end;
  }
  out.push(text.slice(at));
  return out;
}

export async function renderLogs(main, route) {
  const q = route.query.get("q") ?? "";
  const session = route.query.get("session") ?? "";
  const input = h("input", {
    type: "search",
    id: "logq",
    name: "q",
    value: q,
    placeholder: "words people saw on screen, e.g. permission denied",
    spellcheck: "false",
    autocomplete: "off",
  });
  const form = h(
    "form",
    {
      class: "querybar",
      role: "search",
      onsubmit: (event) => {
        event.preventDefault();
        go("/logs", { q: input.value.trim(), session });
      },
    },
    h("label", { for: "logq", class: "sr-only" }, "Search terminal output"),
    input,
    h("button", { type: "submit" }, "Search"),
  );
  const body = h("div", { "aria-live": "polite" });
  mount(
    main,
    h("div", { class: "page-head" }, h("h1", {}, "Logs")),
    session
      ? h(
        "p",
        { class: "notice" },
        "In session ",
        h("a", { href: href(`/sessions/${session}`) }, h("code", {}, session)),
        " only. ",
        h("a", { href: href("/logs", { q }) }, "Search every session"),
      )
      : null,
    form,
    body,
  );
  if (!q) {
    mount(
      body,
      emptyBox(
        "Search what was on screen in every session.",
        "Every word must appear in the line; results are newest first.",
      ),
    );
    input.focus();
    return;
  }
  const words = q.split(/\s+/).filter(Boolean);
  const hitsList = h("ol", { class: "hits" });
  const more = h("div", { class: "more" });
  const load = async (before) => {
    if (!before) mount(body, loadingBox("Searching…"));
    let result;
    try {
      result = await api("/search", { params: { q, session, limit: PAGE, context: 2, before } });
    } catch (error) {
      if (before) mount(more, errorBox(error));
      else mount(body, errorBox(error, () => load()));
      return;
    }
    if (!before) {
      announce(`${result.hits.length}${result.hits.length === PAGE ? "+" : ""} matching lines`);
      if (result.hits.length === 0) {
        mount(
          body,
          emptyBox(
            `No line matches “${q}”.`,
            "Search matches whole words; try fewer or shorter words.",
          ),
        );
        return;
      }
      mount(body, hitsList, more);
    }
    hitsList.append(...result.hits.map((hit) => hitItem(hit, words)));
    mount(more);
    if (result.hits.length === PAGE && result.next) {
      more.append(
        h("button", {
          type: "button",
          class: "secondary",
          onclick: () => load(result.next),
        }, "Older results"),
      );
    }
  };
  await load();
}

function hitItem(hit, words) {
  const link = href(`/sessions/${hit.sessionId}`, { t: hit.t });
  const context = hit.context.length
    ? hit.context
    : [{ lineNo: hit.lineNo, t: hit.t, text: hit.text }];
  return h(
    "li",
    { class: "hit" },
    h(
      "div",
      { class: "hit-head" },
      h(
        "a",
        { href: link, class: "hit-link", title: `Open the replay at ${fmt.offset(hit.t)}` },
        fmt.dateTime(hit.time),
      ),
      h("span", {}, `${hit.user}@${hit.host}`),
      h("span", { class: "muted" }, "session "),
      h(
        "a",
        { href: href(`/sessions/${hit.sessionId}`) },
        h("code", {}, hit.sessionId.slice(0, 8) + "…"),
      ),
      h("span", { class: "muted" }, ` at ${fmt.offset(hit.t)}`),
    ),
    h(
      "pre",
      { class: "context" },
      context.map((line) =>
        h(
          "div",
          { class: line.lineNo === hit.lineNo ? "line match" : "line" },
          h("span", { class: "ln", "aria-hidden": "true" }, String(line.lineNo)),
          line.lineNo === hit.lineNo ? highlight(line.text, words) : line.text,
        )
      ),
    ),
  );
}
