/**
 * The break-glass review queue: runs made with COTERM_BREAK_GLASS skipped their guardrail, so an
 * approver looks at each recording afterwards and acknowledges it with a comment. New runs and
 * acknowledgements arrive through the reviewer stream.
 */
import { api, currentUser, isReviewer } from "../api.js";
import { announce, emptyBox, errorBox, h, loadingBox, mount, viewTabs } from "../dom.js";
import * as fmt from "../format.js";
import { href } from "../router.js";
import { openApprovalStream, streamStateText } from "../stream.js";

const VIEWS = [
  ["unreviewed", "Unreviewed"],
  ["acknowledged", "Acknowledged"],
  ["all", "All"],
];

export function renderBreakGlass(main, route) {
  const user = currentUser();
  const reviewer = isReviewer(user);
  let view = VIEWS.some(([v]) => v === route.query.get("status"))
    ? route.query.get("status")
    : "unreviewed";
  const items = new Map();
  let loaded = false;
  let failed = null;
  // Comments typed but not sent survive redraws.
  const drafts = new Map();

  const state = h(
    "p",
    { class: "stream-state muted", role: "status" },
    streamStateText("connecting"),
  );
  const tabs = h("div", { class: "segmented", role: "group", "aria-label": "Show" });
  const results = h("section", { "aria-label": "Break-glass runs" }, loadingBox());
  mount(
    main,
    h("div", { class: "page-head" }, h("h1", {}, "Break-glass review"), state),
    h(
      "p",
      { class: "hint" },
      "Commands run with COTERM_BREAK_GLASS=1 skip their guardrail and are always recorded. Watch each recording, then acknowledge it.",
      reviewer ? null : " Only approvers and admins acknowledge; you see your own runs.",
    ),
    tabs,
    results,
  );

  const draw = () => {
    const focused = main.contains(document.activeElement) ? document.activeElement.id : "";
    drawInto();
    if (focused) document.getElementById(focused)?.focus();
  };

  const drawInto = () => {
    mount(
      tabs,
      viewTabs(VIEWS, view, (value) => {
        view = value;
        history.replaceState(null, "", href("/break-glass", { status: view }));
        draw();
      }),
    );
    if (failed) {
      mount(results, errorBox(failed, load));
      return;
    }
    if (!loaded) return;
    const list = [...items.values()].filter((item) =>
      view === "all" || (view === "unreviewed") === !item.acknowledgedBy
    ).sort((a, b) => b.at.localeCompare(a.at) || b.id - a.id);
    if (!list.length) {
      mount(
        results,
        view === "unreviewed"
          ? emptyBox(
            "No break-glass run waits for review.",
            "Runs appear here by themselves once their recording reaches the server.",
          )
          : emptyBox("No break-glass runs here."),
      );
      return;
    }
    mount(results, h("ol", { class: "review-list" }, list.map((item) => row(item))));
  };

  const row = (item) => {
    const done = Boolean(item.acknowledgedBy);
    const own = item.owner === user?.name;
    let form = null;
    if (!done && reviewer) {
      const inputId = `ack-${item.id}`;
      const input = h("input", {
        id: inputId,
        type: "text",
        maxlength: 4000,
        value: drafts.get(item.id) ?? "",
        placeholder: "What you checked in the recording",
        oninput: () => drafts.set(item.id, input.value),
      });
      const error = h("p", { class: "form-error", role: "alert" });
      const button = h("button", { type: "submit" }, "Acknowledge");
      form = h(
        "form",
        {
          class: "ack-form",
          onsubmit: async (event) => {
            event.preventDefault();
            const comment = input.value.trim();
            if (!comment) {
              error.textContent = "An acknowledgement needs a comment.";
              input.focus();
              return;
            }
            button.disabled = true;
            error.textContent = "";
            try {
              const record = await api(`/break-glass/${item.id}/acknowledge`, {
                method: "POST",
                body: { comment },
              });
              drafts.delete(item.id);
              items.set(record.id, record);
              announce(`Acknowledged the break-glass run of ${record.owner}.`);
              draw();
            } catch (e) {
              error.textContent = e.message;
              button.disabled = false;
            }
          },
        },
        h("label", { for: inputId }, "Comment"),
        input,
        button,
        own
          ? h("span", { class: "muted small" }, " Your own run: another approver reviews it.")
          : null,
        error,
      );
    }
    return h(
      "li",
      { class: `card review-item${done ? " done" : ""}`, dataset: { id: String(item.id) } },
      h(
        "div",
        { class: "review-head" },
        h("span", { class: "badge warn" }, "break glass"),
        h("code", { class: "review-command" }, item.command || "(shell)"),
        done ? h("span", { class: "badge ok" }, "acknowledged") : null,
      ),
      h(
        "p",
        {},
        `${item.owner}${item.user && item.user !== item.owner ? ` (${item.user})` : ""} on ${
          item.host || "?"
        } · ${fmt.dateTime(item.at)} (${fmt.relative(item.at)})`,
      ),
      item.reason
        ? h("p", {}, h("strong", {}, "Reason given: "), item.reason)
        : h("p", { class: "muted" }, "No reason given."),
      h(
        "p",
        {},
        h("a", { href: href(`/sessions/${item.sessionId}`) }, "Watch the recording"),
        item.rule !== null && item.rule !== undefined
          ? h("span", { class: "muted" }, ` · skipped rule ${item.rule}`)
          : null,
      ),
      done
        ? h(
          "p",
          {},
          `Acknowledged by ${item.acknowledgedBy} at ${fmt.dateTime(item.acknowledgedAt)}`,
          item.comment ? h("blockquote", {}, item.comment) : null,
        )
        : form,
    );
  };

  const load = async () => {
    failed = null;
    try {
      const data = await api("/break-glass", { params: { status: "all", limit: 500 } });
      for (const item of data.breakGlass) items.set(item.id, item);
      loaded = true;
    } catch (error) {
      failed = error;
    }
    draw();
  };

  const close = openApprovalStream({
    onState: (s) => state.textContent = streamStateText(s),
    onReady: () => {
      // After a reconnection, read the queue again for what happened meanwhile.
      if (loaded) load();
    },
    onBreakGlass: (item) => {
      const isNew = !items.has(item.id);
      items.set(item.id, item);
      if (isNew) announce(`New break-glass run by ${item.owner}: ${item.command}`);
      if (loaded) draw();
    },
  });
  draw();
  load();
  return close;
}
