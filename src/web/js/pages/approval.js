/**
 * One approval request: the command and its context, the messages, who reviews it and how they
 * decided, the timeline, the requester's recording once the command runs, and the decision form.
 * It follows the request with the server's long poll (`?wait=25&seen=VERSION`), so a decision
 * made elsewhere, or the command starting, shows up by itself.
 */
import { api, ApiError, currentUser } from "../api.js";
import { announce, errorBox, h, loadingBox, mount } from "../dom.js";
import * as fmt from "../format.js";
import { href, showAgain } from "../router.js";
import { openApprovalStream } from "../stream.js";
import { canReview, reviewerList, statusBadge } from "./approvals.js";

const WAIT_SECONDS = 25;

const FROM = {
  incident: "the incident's other responders",
  group: "the reviewers configured for this command",
  approvers: "the users with the approver role",
  admins: "the admins (no approver exists)",
};

function timelineText(item) {
  const d = item.detail ?? {};
  switch (item.kind) {
    case "requested":
      return `${item.actor} asked for approval${d.host ? ` on ${d.host}` : ""}`;
    case "reviewers_asked":
      return `Reviewers asked: ${(d.reviewers ?? []).join(", ") || "none"}${
        d.from ? ` (${FROM[d.from] ?? d.from})` : ""
      }${d.requiredApprovals > 1 ? `; ${d.requiredApprovals} approvals needed` : ""}`;
    case "approved":
      return `${item.actor} approved${
        d.requiredApprovals > 1 ? ` (${d.approvals} of ${d.requiredApprovals})` : ""
      }`;
    case "declined":
      return `${item.actor} declined`;
    case "expired":
      return "The request expired without a decision";
    case "cancelled":
      return `${item.actor} withdrew the request`;
    case "session_started":
      return "The command started, recorded";
    default:
      return `${item.actor}: ${item.kind}`;
  }
}

export async function renderApproval(main, route) {
  const id = route.parts[1];
  const path = `/approvals/${encodeURIComponent(id)}`;
  mount(main, loadingBox("Loading the approval request…"));
  let approval;
  try {
    approval = await api(path);
  } catch (error) {
    mount(
      main,
      h("p", { class: "crumbs" }, h("a", { href: href("/approvals") }, "← Approvals")),
      errorBox(
        error.status === 404
          ? new Error(`No approval request ${id} (or you may not see it).`)
          : error,
        showAgain,
      ),
    );
    return;
  }
  const view = new ApprovalView(main, approval, path);
  view.draw();
  view.follow();
  return () => view.dispose();
}

class ApprovalView {
  constructor(main, approval, path) {
    this.main = main;
    this.approval = approval;
    this.path = path;
    this.user = currentUser();
    this.controller = new AbortController();
    this.sessionInfo = null;
    this.busy = false;
  }

  dispose() {
    this.controller.abort();
  }

  draw() {
    this.head = h("div", { class: "page-head" });
    this.summary = h("section", { class: "card approval-summary", "aria-labelledby": "h-request" });
    this.decision = h("section", { class: "card", "aria-labelledby": "h-decision" });
    this.recording = h("section", { class: "card", "aria-labelledby": "h-recording" });
    this.history = h("section", { class: "card", "aria-labelledby": "h-timeline" });
    this.followState = h("p", { class: "muted small", role: "status" });
    this.comment = h("textarea", {
      id: "decision-comment",
      name: "comment",
      rows: 3,
      maxlength: 4000,
      placeholder: "What you checked, or why not",
    });
    this.formError = h("p", { class: "form-error", role: "alert" });
    this.form = h(
      "form",
      { class: "decision-form", onsubmit: (event) => event.preventDefault() },
      h("label", { for: "decision-comment" }, "Comment (required to decline)"),
      this.comment,
      this.formError,
      h(
        "div",
        { class: "buttons" },
        h("button", { type: "submit", onclick: () => this.decide("approve") }, "Approve"),
        h(
          "button",
          { type: "button", class: "danger", onclick: () => this.decide("decline") },
          "Decline",
        ),
      ),
    );
    mount(
      this.main,
      h("p", { class: "crumbs" }, h("a", { href: href("/approvals") }, "← Approvals")),
      this.head,
      this.followState,
      h(
        "div",
        { class: "approval-grid" },
        h("div", { class: "approval-main" }, this.summary, this.decision, this.recording),
        h("div", { class: "approval-side" }, this.history),
      ),
    );
    this.update();
  }

  update() {
    const a = this.approval;
    mount(
      this.head,
      h("h1", { class: "command-title" }, h("code", {}, a.command)),
      h(
        "div",
        { class: "badges" },
        statusBadge(a.status),
        a.kind === "manual" ? h("span", { class: "badge" }, "manual request") : null,
        a.requester === this.user?.name ? h("span", { class: "badge" }, "your request") : null,
      ),
    );
    this.drawSummary();
    this.drawDecision();
    this.drawRecording();
    this.drawTimeline();
  }

  drawSummary() {
    const a = this.approval;
    const rule = a.rule
      ? [
        a.rule.index !== null ? `rule ${a.rule.index}` : a.rule.source,
        a.rule.line !== null ? `config.yaml line ${a.rule.line}` : "",
        a.rule.index !== null && a.rule.source !== "rule" ? a.rule.source : "",
      ].filter(Boolean).join(", ")
      : "";
    const items = [
      ["Requested by", `${a.requester}${a.user && a.user !== a.requester ? ` (${a.user})` : ""}`],
      ["Host", a.host],
      ["Working directory", a.cwd ? h("code", {}, a.cwd) : ""],
      ["Rule", rule],
      ["Requested", fmt.dateTime(a.createdAt)],
      a.status === "requested"
        ? ["Expires", `${fmt.dateTime(a.expiresAt)} (${fmt.relative(a.expiresAt)})`]
        : ["Decided", a.decidedAt ? fmt.dateTime(a.decidedAt) : ""],
      ["Approvals", `${a.approvals} of ${a.requiredApprovals} needed`],
      ["Reviewers", reviewerList(a)],
      ["Chosen from", FROM[a.reviewersFrom] ?? a.reviewersFrom],
      [
        "Incident",
        a.incident
          ? h(
            "a",
            { href: href("/incidents", { status: "all" }) },
            `#${a.incident.id} ${a.incident.title} (${a.incident.status})`,
          )
          : "",
      ],
      ["Request id", h("code", {}, a.id)],
    ];
    mount(
      this.summary,
      h("h2", { id: "h-request" }, "Request"),
      a.approverMessage
        ? h(
          "div",
          { class: "message approver-message" },
          h("h3", {}, "Message for reviewers"),
          h("p", {}, a.approverMessage),
        )
        : null,
      a.userMessage
        ? h(
          "div",
          { class: "message" },
          h("h3", {}, "Message the requester saw"),
          h("p", {}, a.userMessage),
        )
        : null,
      h(
        "dl",
        { class: "meta" },
        items.filter(([, v]) => v !== undefined && v !== null && v !== "").map(([k, v]) => [
          h("dt", {}, k),
          h("dd", {}, v),
        ]),
      ),
    );
  }

  drawDecision() {
    const a = this.approval;
    const decisions = a.decisions.length
      ? h(
        "ol",
        { class: "decisions" },
        a.decisions.map((d) =>
          h(
            "li",
            {},
            h(
              "span",
              { class: `status ${d.decision === "approved" ? "ok" : "bad"}` },
              d.decision === "approved" ? "✓ Approved" : "✗ Declined",
            ),
            ` by ${d.reviewer}`,
            h("span", { class: "muted" }, ` · ${fmt.dateTime(d.at)}`),
            d.comment ? h("blockquote", {}, d.comment) : null,
          )
        ),
      )
      : null;
    const mine = a.decisions.find((d) => d.reviewer === this.user?.name);
    let body;
    if (a.status === "requested" && !mine) {
      const note = a.requester === this.user?.name
        ? h(
          "p",
          { class: "notice" },
          "This is your own request: another reviewer has to decide it.",
          " ",
          h(
            "button",
            { type: "button", class: "link", onclick: () => this.cancel() },
            "Withdraw it",
          ),
        )
        : !canReview(a, this.user)
        ? h("p", { class: "notice" }, "You are not one of this request's reviewers.")
        : null;
      body = [note, this.form];
    } else if (a.status === "requested") {
      body = h("p", {}, "You have decided; it waits for more approvals.");
    } else {
      body = h(
        "p",
        {},
        {
          approved: "Approved: the command was allowed to run.",
          declined: "Declined: the command did not run.",
          expired: "Expired without a decision: the command did not run.",
          cancelled: "Withdrawn by the requester: the command did not run.",
        }[a.status] ?? a.status,
      );
    }
    mount(this.decision, h("h2", { id: "h-decision" }, "Decision"), body, decisions);
  }

  drawRecording() {
    const a = this.approval;
    let body;
    if (a.sessionId) {
      const info = this.sessionInfo;
      const live = info?.live && !info?.end;
      body = [
        h(
          "p",
          {},
          h(
            "a",
            { class: "button", href: href(`/sessions/${a.sessionId}`), "data-recording": "" },
            live ? "● Watch the command live" : "Open the recording",
          ),
        ),
        info
          ? h(
            "p",
            { class: "muted" },
            live
              ? `Running on ${info.host} since ${fmt.dateTime(info.start)}.`
              : `${fmt.exitStatus(info)} · ${fmt.duration(info.durationSeconds ?? NaN)} · ${
                fmt.bytes(info.castBytes)
              }`,
          )
          : null,
      ];
    } else if (a.status === "approved") {
      body = h("p", { class: "muted" }, "Waiting for the command's recording to reach the server…");
    } else if (a.status === "requested") {
      body = h(
        "p",
        { class: "muted" },
        "The command runs, recorded, once the request is approved.",
      );
    } else {
      body = h("p", { class: "muted" }, "The command did not run.");
    }
    mount(this.recording, h("h2", { id: "h-recording" }, "Recording"), body);
  }

  drawTimeline() {
    const items = this.approval.timeline ?? [];
    mount(
      this.history,
      h("h2", { id: "h-timeline" }, "Timeline"),
      items.length
        ? h(
          "ol",
          { class: "approval-timeline" },
          items.map((item) =>
            h(
              "li",
              { dataset: { kind: item.kind } },
              h("time", { datetime: item.at }, fmt.dateTime(item.at)),
              h("span", {}, timelineText(item)),
              item.detail?.comment ? h("blockquote", {}, item.detail.comment) : null,
              item.kind === "session_started" && item.detail?.sessionId
                ? h("a", { href: href(`/sessions/${item.detail.sessionId}`) }, "recording")
                : null,
            )
          ),
        )
        : h("p", { class: "muted" }, "No activity recorded."),
    );
  }

  async loadSessionInfo() {
    const id = this.approval.sessionId;
    if (!id) return;
    try {
      this.sessionInfo = await api(`/sessions/${encodeURIComponent(id)}`, {
        signal: this.controller.signal,
      });
    } catch {
      // A member reviewer may not see the requester's session: the link is still shown.
      this.sessionInfo = null;
    }
    if (!this.controller.signal.aborted) this.drawRecording();
  }

  /**
   * While the request waits: the long poll. Once approved, until its recording is linked: the
   * reviewer stream (the long poll answers at once for a decided request).
   */
  async follow() {
    const signal = this.controller.signal;
    this.loadSessionInfo();
    let failures = 0;
    while (!signal.aborted && this.approval.status === "requested") {
      this.followState.textContent = "Following this request: changes appear by themselves.";
      try {
        const fresh = await api(this.path, {
          params: { wait: WAIT_SECONDS, seen: this.approval.version },
          signal,
        });
        failures = 0;
        if (fresh.version !== this.approval.version) this.apply(fresh);
      } catch (error) {
        if (signal.aborted || error?.name === "AbortError") return;
        failures++;
        this.followState.textContent = `Lost contact with the server (${error.message}); retrying…`;
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * 2 ** failures)));
      }
    }
    if (signal.aborted || this.approval.status !== "approved" || this.approval.sessionId) {
      this.followState.textContent = "";
      return;
    }
    this.followState.textContent = "Waiting for the command to start…";
    const refresh = async () => {
      try {
        const fresh = await api(this.path, { signal });
        if (fresh.version !== this.approval.version) this.apply(fresh);
      } catch {
        // The next notice reads it again.
      }
      if (this.approval.sessionId) {
        this.followState.textContent = "";
        closeStream();
      }
    };
    const closeStream = openApprovalStream({
      onReady: refresh,
      onApproval: (notice) => {
        if (notice.id === this.approval.id && notice.version !== this.approval.version) refresh();
      },
    });
    signal.addEventListener("abort", closeStream, { once: true });
  }

  apply(fresh) {
    const before = this.approval;
    this.approval = fresh;
    if (before.status !== fresh.status) announce(`The request is now ${fresh.status}.`);
    if (fresh.sessionId && fresh.sessionId !== before.sessionId) {
      announce("The command started: its recording is linked.");
      this.loadSessionInfo();
    }
    this.update();
  }

  async decide(decision) {
    if (this.busy) return;
    const comment = this.comment.value.trim();
    if (decision === "decline" && !comment) {
      this.formError.textContent = "Say why in the comment: a decline needs one.";
      this.comment.focus();
      return;
    }
    this.busy = true;
    this.formError.textContent = "";
    for (const button of this.form.querySelectorAll("button")) button.disabled = true;
    try {
      const fresh = await api(`${this.path}/${decision}`, {
        method: "POST",
        body: comment ? { comment } : {},
      });
      this.comment.value = "";
      // The decision answer has no timeline: read the request whole.
      this.apply(await api(this.path).catch(() => fresh));
      announce(decision === "approve" ? "Approved." : "Declined.");
    } catch (error) {
      this.formError.textContent = error instanceof ApiError && error.status === 403
        ? `Not allowed: ${error.message}`
        : error.message;
      if (error instanceof ApiError && error.status === 409) {
        api(this.path).then((fresh) => this.apply(fresh)).catch(() => {});
      }
    } finally {
      this.busy = false;
      for (const button of this.form.querySelectorAll("button")) button.disabled = false;
    }
  }

  async cancel() {
    if (!confirm("Withdraw this request? The command will not run.")) return;
    try {
      await api(`${this.path}/cancel`, { method: "POST" });
      this.apply(await api(this.path));
    } catch (error) {
      this.formError.textContent = error.message;
    }
  }
}
