/**
 * Incidents: declare one (its responders review each other's approval requests while it is
 * active), list them, resolve them. Changes from others arrive through the reviewer stream.
 */
import { api, currentUser } from "../api.js";
import { announce, emptyBox, errorBox, gridTable, h, loadingBox, mount, viewTabs } from "../dom.js";
import * as fmt from "../format.js";
import { href } from "../router.js";
import { openApprovalStream, streamStateText } from "../stream.js";

const VIEWS = [
  ["active", "Active"],
  ["resolved", "Resolved"],
  ["all", "All"],
];

export function renderIncidents(main, route) {
  const user = currentUser();
  let view = VIEWS.some(([v]) => v === route.query.get("status"))
    ? route.query.get("status")
    : "active";
  const incidents = new Map();
  let loaded = false;
  let failed = null;

  const state = h(
    "p",
    { class: "stream-state muted", role: "status" },
    streamStateText("connecting"),
  );
  const title = h("input", {
    id: "incident-title",
    name: "title",
    required: true,
    maxlength: 200,
    placeholder: "Checkout errors on web",
  });
  const responders = h("input", {
    id: "incident-responders",
    name: "responders",
    placeholder: user?.name ?? "",
    "aria-describedby": "responders-hint",
  });
  const createError = h("p", { class: "form-error", role: "alert" });
  const createButton = h("button", { type: "submit" }, "Declare incident");
  const form = h(
    "form",
    {
      class: "filters incident-form",
      "aria-label": "Declare an incident",
      onsubmit: async (event) => {
        event.preventDefault();
        const body = { title: title.value.trim() };
        if (!body.title) {
          createError.textContent = "An incident needs a title.";
          title.focus();
          return;
        }
        const names = responders.value.split(/[\s,]+/).filter(Boolean);
        if (names.length) body.responders = names;
        createButton.disabled = true;
        createError.textContent = "";
        try {
          const incident = await api("/incidents", { method: "POST", body });
          incidents.set(incident.id, incident);
          title.value = "";
          responders.value = "";
          announce(`Incident #${incident.id} declared.`);
          if (view === "resolved") view = "active";
          draw();
        } catch (error) {
          createError.textContent = error.message;
        } finally {
          createButton.disabled = false;
        }
      },
    },
    h("div", { class: "field grow" }, h("label", { for: "incident-title" }, "Title"), title),
    h(
      "div",
      { class: "field" },
      h("label", { for: "incident-responders" }, "Responders"),
      responders,
    ),
    h("div", { class: "field buttons" }, createButton),
    h(
      "p",
      { class: "hint full", id: "responders-hint" },
      "Responders: user names separated by commas (you, when left empty). While the incident is active, a responder's approval requests linked to it go to the other responders.",
    ),
    createError,
  );
  const tabs = h("div", { class: "segmented", role: "group", "aria-label": "Show" });
  const results = h("section", { "aria-label": "Incidents" }, loadingBox());
  mount(
    main,
    h("div", { class: "page-head" }, h("h1", {}, "Incidents"), state),
    form,
    tabs,
    results,
  );

  const resolve = async (incident, button, error) => {
    button.disabled = true;
    try {
      const updated = await api(`/incidents/${incident.id}`, {
        method: "PATCH",
        body: { status: "resolved" },
      });
      incidents.set(updated.id, updated);
      announce(`Incident #${updated.id} resolved.`);
      draw();
    } catch (e) {
      error.textContent = e.message;
      button.disabled = false;
    }
  };

  const draw = () => {
    mount(
      tabs,
      viewTabs(VIEWS, view, (value) => {
        view = value;
        history.replaceState(null, "", href("/incidents", { status: view }));
        draw();
      }),
    );
    if (failed) {
      mount(results, errorBox(failed, load));
      return;
    }
    if (!loaded) return;
    const list = [...incidents.values()]
      .filter((i) => view === "all" || i.status === view)
      .sort((a, b) => b.id - a.id);
    if (!list.length) {
      mount(
        results,
        view === "active"
          ? emptyBox("No active incident.", "Declare one above when something is on fire.")
          : emptyBox("No incidents here."),
      );
      return;
    }
    const rows = list.map((i) => {
      const error = h("span", { class: "form-error", role: "alert" });
      const button = i.status === "active"
        ? h("button", {
          type: "button",
          class: "secondary small",
          "aria-label": `Resolve incident #${i.id} ${i.title}`,
          onclick: () => resolve(i, button, error),
        }, "Resolve")
        : null;
      return h(
        "tr",
        { dataset: { id: String(i.id) } },
        h("td", { class: "num" }, `#${i.id}`),
        h("td", {}, i.title),
        h(
          "td",
          {},
          i.status === "active"
            ? h("span", { class: "badge bad" }, "active")
            : h("span", { class: "badge ok" }, "resolved"),
        ),
        h("td", {}, i.responders.join(", ")),
        h(
          "td",
          { class: "nowrap" },
          fmt.dateTime(i.createdAt),
          h("div", { class: "muted small" }, `by ${i.createdBy}`),
        ),
        h(
          "td",
          { class: "nowrap" },
          i.resolvedAt
            ? [fmt.dateTime(i.resolvedAt), h("div", { class: "muted small" }, `by ${i.resolvedBy}`)]
            : button,
          error,
        ),
      );
    });
    mount(
      results,
      gridTable(
        ["Id", "Title", "Status", "Responders", "Declared", "Resolved"],
        h("tbody", {}, rows),
      ),
    );
  };

  const load = async () => {
    failed = null;
    try {
      const data = await api("/incidents", { params: { limit: 500 } });
      for (const incident of data.incidents) incidents.set(incident.id, incident);
      loaded = true;
    } catch (error) {
      failed = error;
    }
    draw();
  };

  const close = openApprovalStream({
    onState: (s) => state.textContent = streamStateText(s),
    onReady: () => {
      if (loaded) load();
    },
    onIncident: (incident) => {
      incidents.set(incident.id, incident);
      if (loaded) draw();
    },
  });
  draw();
  load();
  return close;
}
