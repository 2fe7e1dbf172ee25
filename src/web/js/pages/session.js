/**
 * One session: the player (replay, or live while it is being recorded), its process events as a
 * list and a timeline that seek the player, and the metadata.
 *
 * Replay loads the cast whole (GET cast) when it is small, else segment by segment (see
 * segments.js), so a huge recording starts playing after one segment.
 */
import { api } from "../api.js";
import { idleMap, parseCastLines } from "../cast.js";
import { announce, emptyBox, errorBox, h, loadingBox, mount } from "../dom.js";
import * as fmt from "../format.js";
import { liveDriver } from "../live.js";
import { href, showAgain } from "../router.js";
import { segmentedSource } from "../segments.js";

/** Casts above this size replay segment by segment. */
const WHOLE_CAST_MAX_BYTES = 8 * 1024 * 1024;
const IDLE_LIMIT = 2;
const SPEEDS = [0.5, 1, 1.5, 2, 4, 8];
const MAX_TICKS = 400;

export function describeEvent(e) {
  const d = e.data ?? e;
  switch (e.type) {
    case "exec":
      return Array.isArray(d.argv) && d.argv.length ? d.argv.join(" ") : d.path ?? "";
    case "exit":
      return `pid ${d.pid ?? "?"} exited${
        d.code !== undefined && d.code !== null ? ` with ${d.code}` : ""
      }${d.signal ? ` (signal ${d.signal})` : ""}`;
    case "guardrail":
      return `${d.command ?? ""} → ${(d.actions ?? []).join(", ") || "no actions"}${
        d.rule !== null && d.rule !== undefined ? ` (rule ${d.rule})` : ""
      }`;
    case "break_glass":
      return `break glass${d.reason ? `: ${d.reason}` : ""}${d.command ? ` (${d.command})` : ""}`;
    case "approval":
      return `${d.status ?? "approval"}${
        Array.isArray(d.approved_by) && d.approved_by.length
          ? ` by ${d.approved_by.join(", ")}`
          : ""
      }${d.approval_id ? ` (request ${d.approval_id})` : ""}`;
    case "redaction":
      return `${d.rule ?? "secret"} redacted in ${d.stream ?? "output"}`;
    default:
      return JSON.stringify(d).slice(0, 200);
  }
}

function metaList(session) {
  const meta = session.meta ?? {};
  const term = meta.term
    ? `${meta.term.cols}×${meta.term.rows}${meta.term.type ? ` ${meta.term.type}` : ""}`
    : "";
  const items = [
    [
      "User",
      session.user +
      (session.owner && session.owner !== session.user ? ` (uploaded by ${session.owner})` : ""),
    ],
    ["Host", session.host],
    ["Working directory", meta.cwd],
    ["Started", fmt.dateTime(session.start)],
    ["Ended", session.end ? fmt.dateTime(session.end) : session.live ? "running" : "not recorded"],
    ["Duration", session.durationSeconds !== null ? fmt.duration(session.durationSeconds) : ""],
    ["Exit status", fmt.exitStatus(session) + (meta.signal ? ` (signal ${meta.signal})` : "")],
    ["Actions", session.actions.join(", ") || "none"],
    ["Mode", meta.mode],
    ["Terminal", term],
    ["Recording", `${fmt.bytes(session.castBytes)}, ${session.eventCount} events`],
    ["Recorder", meta.version ? `ddcoterm ${meta.version}` : ""],
    ["Session id", h("code", {}, session.id)],
  ];
  const approvalId = meta.approval?.id ?? meta.approvalId;
  const approval = meta.approval?.url ?? meta.approvalUrl ??
    (approvalId ? href(`/approvals/${approvalId}`) : undefined);
  const incident = meta.incident?.url ?? meta.incidentUrl;
  if (approval) {
    items.push(["Approval", h("a", { href: approval }, approvalId ?? "approval")]);
  }
  if (incident) {
    items.push(["Incident", h("a", { href: incident }, meta.incident?.id ?? "incident")]);
  }
  return h(
    "dl",
    { class: "meta" },
    items.filter(([, v]) => v !== undefined && v !== null && v !== "").map((
      [k, v],
    ) => [h("dt", {}, k), h("dd", {}, v)]),
  );
}

function redactionSummary(session, events) {
  const counts = new Map();
  for (const e of events) {
    if (e.type !== "redaction") continue;
    const rule = e.data?.rule ?? "secret";
    counts.set(rule, (counts.get(rule) ?? 0) + 1);
  }
  if (!session.redactions && counts.size === 0) {
    return h("p", { class: "muted" }, "No secrets were redacted.");
  }
  return h(
    "div",
    {},
    h(
      "p",
      {},
      `${session.redactions} secret${session.redactions === 1 ? "" : "s"} redacted before storage.`,
    ),
    counts.size
      ? h(
        "ul",
        { class: "counts" },
        [...counts].sort((a, b) => b[1] - a[1]).map(([rule, n]) =>
          h("li", {}, h("code", {}, rule), ` × ${n}`)
        ),
      )
      : null,
  );
}

export async function renderSession(main, route) {
  const id = route.parts[1];
  const startAt = Number(route.query.get("t"));
  mount(main, loadingBox("Loading session…"));
  let session, eventsResult;
  try {
    [session, eventsResult] = await Promise.all([
      api(`/sessions/${encodeURIComponent(id)}`),
      api(`/sessions/${encodeURIComponent(id)}/events`, { params: { limit: 10000 } }),
    ]);
  } catch (error) {
    mount(
      main,
      h("p", {}, h("a", { href: "#/sessions" }, "← Sessions")),
      errorBox(
        error.status === 404 ? new Error(`No session ${id} (or you may not see it).`) : error,
        showAgain,
      ),
    );
    return;
  }
  const events = eventsResult.events;
  const view = new SessionView(main, session, events, route);
  view.draw();
  if (session.live && !session.end) view.startLive();
  else await view.startReplay(Number.isFinite(startAt) && route.query.has("t") ? startAt : null);
  return () => view.dispose();
}

class SessionView {
  constructor(main, session, events, route) {
    this.main = main;
    this.session = session;
    this.events = events;
    this.route = route;
    this.player = null;
    this.map = idleMap([], 0);
    this.speed = 1;
    this.idle = true;
    this.segmented = false;
    this.disposers = [];
    this.duration = session.lastEventTime || session.durationSeconds || 0;
  }

  draw() {
    const s = this.session;
    this.playerEl = h("div", { class: "player", "aria-label": "Terminal replay" });
    this.playerStatus = h("div", { class: "player-status", role: "status" });
    this.speedSelect = h(
      "select",
      { id: "speed", onchange: () => this.rebuild({ speed: Number(this.speedSelect.value) }) },
      SPEEDS.map((v) => h("option", { value: v, selected: v === 1 }, `${v}×`)),
    );
    this.idleBox = h("input", {
      type: "checkbox",
      id: "idle",
      checked: true,
      onchange: () => this.rebuild({ idle: this.idleBox.checked }),
    });
    this.clock = h("span", { class: "clock", "aria-live": "off" }, "");
    this.controls = h(
      "div",
      { class: "player-controls" },
      h("label", { for: "speed" }, "Speed "),
      this.speedSelect,
      h(
        "label",
        { class: "check", title: `Pauses longer than ${IDLE_LIMIT} s are shortened` },
        this.idleBox,
        ` Skip idle (> ${IDLE_LIMIT} s)`,
      ),
      h("span", { class: "muted" }, "Session time "),
      this.clock,
    );
    this.timeline = h("div", {
      class: "timeline",
      role: "group",
      "aria-label": "Timeline of events",
    });
    this.eventList = h("ol", { class: "event-list", "aria-label": "Process events" });
    this.typeFilter = h(
      "select",
      { id: "etype", onchange: () => this.drawEvents() },
      h("option", { value: "" }, "All events"),
      h("option", { value: "exec" }, "exec"),
      h("option", { value: "exit" }, "exit"),
      h("option", { value: "guardrail" }, "guardrail"),
      h("option", { value: "break_glass" }, "break glass"),
      h("option", { value: "redaction" }, "redaction"),
    );
    this.liveBanner = h("div", { class: "live-banner", hidden: true, role: "status" });
    this.metaEl = h("div", {}, metaList(s));
    this.redactionsEl = h("div", {}, redactionSummary(s, this.events));

    mount(
      this.main,
      h("p", { class: "crumbs" }, h("a", { href: "#/sessions" }, "← Sessions")),
      h(
        "div",
        { class: "page-head" },
        h("h1", { class: "command-title" }, h("code", {}, s.title || s.command || "(shell)")),
        h(
          "div",
          { class: "badges" },
          s.live ? h("span", { class: "badge live" }, "● live") : null,
          h(
            "span",
            { class: `badge ${s.exitCode === 0 ? "ok" : s.exitCode ? "bad" : ""}` },
            fmt.exitStatus(s),
          ),
          s.breakGlass ? h("span", { class: "badge warn" }, "break glass") : null,
          h(
            "a",
            { class: "button secondary small", href: href("/logs", { session: s.id }) },
            "Search this session",
          ),
          h("a", {
            class: "button secondary small",
            href: href("/events", { q: `session:${s.id}` }),
          }, "Events"),
        ),
      ),
      this.liveBanner,
      h(
        "div",
        { class: "session-grid" },
        h(
          "section",
          { class: "player-col", "aria-label": "Replay" },
          this.playerEl,
          this.playerStatus,
          this.controls,
          this.timeline,
        ),
        h(
          "section",
          { class: "events-col", "aria-labelledby": "events-h" },
          h(
            "div",
            { class: "events-head" },
            h("h2", { id: "events-h" }, "Events ", h("span", { class: "muted count" }, "")),
            h("label", { for: "etype", class: "sr-only" }, "Show"),
            this.typeFilter,
          ),
          this.eventList,
        ),
      ),
      h(
        "div",
        { class: "details" },
        h(
          "section",
          { "aria-labelledby": "meta-h" },
          h("h2", { id: "meta-h" }, "Details"),
          this.metaEl,
        ),
        h(
          "section",
          { "aria-labelledby": "red-h" },
          h("h2", { id: "red-h" }, "Redactions"),
          this.redactionsEl,
        ),
      ),
    );
    this.drawEvents();
    this.drawTimeline();
    const tick = setInterval(() => this.tick(), 250);
    this.disposers.push(() => clearInterval(tick));
  }

  drawEvents() {
    const type = this.typeFilter.value;
    const shown = this.events.filter((e) => !type || e.type === type);
    this.main.querySelector(".events-head .count").textContent = `(${shown.length})`;
    if (shown.length === 0) {
      mount(
        this.eventList,
        h(
          "li",
          { class: "empty-row" },
          this.events.length
            ? "No event of this type."
            : "No process events were recorded for this session.",
        ),
      );
      return;
    }
    mount(
      this.eventList,
      shown.map((e) =>
        h(
          "li",
          { dataset: { t: e.t, type: e.type } },
          h(
            "button",
            {
              type: "button",
              class: "event",
              title: `Play from ${fmt.offset(e.t)}`,
              onclick: () => this.seekTo(e.t),
            },
            h("span", { class: "t" }, fmt.offset(e.t)),
            h("span", { class: `type type-${e.type}` }, e.type),
            h("span", { class: "desc" }, describeEvent(e)),
          ),
        )
      ),
    );
  }

  drawTimeline() {
    const duration = Math.max(this.duration, ...this.events.map((e) => e.t), 0.001);
    this.timelineDuration = duration;
    let marks = this.events.filter((e) => e.type !== "exit");
    if (marks.length > MAX_TICKS) {
      const step = marks.length / MAX_TICKS;
      marks = Array.from({ length: MAX_TICKS }, (_, i) => marks[Math.floor(i * step)]);
    }
    this.playhead = h("div", { class: "playhead", "aria-hidden": "true" });
    mount(
      this.timeline,
      h("div", { class: "track" }),
      marks.map((e) =>
        h("button", {
          type: "button",
          class: `tick type-${e.type}`,
          style: `left:${(e.t / duration) * 100}%`,
          title: `${fmt.offset(e.t)} ${e.type}: ${describeEvent(e)}`,
          "aria-label": `${fmt.offset(e.t)} ${e.type}: ${describeEvent(e)}`,
          onclick: () => this.seekTo(e.t),
        })
      ),
      this.playhead,
      h(
        "div",
        { class: "timeline-scale", "aria-hidden": "true" },
        h("span", {}, "0:00"),
        h("span", {}, fmt.offset(duration)),
      ),
    );
  }

  /** Session time now shown by the player. */
  sessionTime() {
    if (!this.player) return 0;
    const t = this.player.getCurrentTime();
    return typeof t === "number" ? this.map.toSession(t) : 0;
  }

  tick() {
    if (!this.player) return;
    const t = this.sessionTime();
    this.clock.textContent = fmt.offset(t);
    if (this.timelineDuration) {
      this.playhead.style.left = `${Math.min(100, (t / this.timelineDuration) * 100)}%`;
    }
    // Mark the latest event at or before the playhead.
    let current = null;
    for (const li of this.eventList.children) {
      const et = Number(li.dataset.t);
      if (Number.isFinite(et) && et <= t + 0.0005) current = li;
      else if (et > t) break;
    }
    if (current !== this.currentEvent) {
      this.currentEvent?.removeAttribute("aria-current");
      current?.setAttribute("aria-current", "true");
      this.currentEvent = current;
    }
  }

  /** Resolves once the player has loaded the recording (a seek before that is lost). */
  async ready() {
    const player = this.player;
    const deadline = performance.now() + 30_000;
    while (player === this.player && typeof player?.getDuration() !== "number") {
      if (performance.now() > deadline) throw new Error("the recording did not load");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (player !== this.player) throw new Error("the player was replaced");
    this.playerEl.dataset.ready = "true";
  }

  async seekTo(t) {
    if (!this.player || this.live) return;
    const target = this.map.toPlayer(t);
    try {
      await this.ready();
      await this.player.pause();
      await this.player.seek(target);
    } catch (error) {
      this.playerStatus.textContent = `Cannot seek: ${error.message}`;
      return;
    }
    this.tick();
    announce(`Replay at ${fmt.offset(t)}`);
  }

  // ---- replay ----

  async startReplay(startAt) {
    const s = this.session;
    if (!s.castBytes) {
      mount(
        this.playerEl,
        emptyBox("Nothing was recorded on screen.", "This session has no terminal output."),
      );
      this.controls.hidden = true;
      return;
    }
    this.segmented = s.castBytes > WHOLE_CAST_MAX_BYTES ||
      this.route.query.get("load") === "segments";
    mount(
      this.playerEl,
      loadingBox(this.segmented ? "Loading the first segment…" : "Loading recording…"),
    );
    try {
      if (this.segmented) {
        this.idle = false;
        this.idleBox.checked = false;
        this.idleBox.disabled = true;
        this.idleBox.parentElement.title =
          "Idle skip is off for large recordings, which load in segments";
        const markers = this.markers();
        const segmented = await segmentedSource(s, { markers });
        this.source = segmented.source;
        this.disposers.push(segmented.dispose);
        this.playerStatus.textContent =
          `Large recording: loading in ${segmented.segments} segments as it plays.`;
      } else {
        const response = await api(`/sessions/${s.id}/cast`, { raw: true });
        const text = await response.text();
        const parsed = parseCastLines(text);
        this.times = parsed.events.map((e) => e[0]);
        this.headerIdle = parsed.header?.idle_time_limit;
        this.source = { data: text };
      }
    } catch (error) {
      mount(this.playerEl, errorBox(error, () => this.startReplay(startAt)));
      return;
    }
    this.create(startAt ?? 0, startAt !== null);
  }

  markers() {
    // Commands started in the session, as markers on the scrub bar (the shell's own exec aside).
    const execs = this.events.filter((e) =>
      e.type === "exec" || e.type === "break_glass" || e.type === "guardrail"
    );
    return execs.slice(0, 200).map((
      e,
    ) => [e.t, `${e.type === "exec" ? "" : `${e.type}: `}${describeEvent(e).slice(0, 80)}`]);
  }

  create(sessionTime, seek) {
    if (this.player) {
      this.player.dispose();
      this.player = null;
    }
    mount(this.playerEl);
    const limit = this.idle && !this.segmented ? (this.headerIdle ?? IDLE_LIMIT) : 0;
    this.map = this.segmented ? idleMap([], 0) : idleMap(this.times, limit);
    const options = {
      preload: true,
      speed: this.speed,
      fit: "width",
      terminalFontSize: "small",
      theme: "asciinema",
    };
    // Segmented: the player loads the segment holding startAt first, not segment 0.
    if (this.segmented && seek) options.startAt = sessionTime;
    if (!this.segmented) {
      // Markers on the player's own timeline (idle skip moves them).
      options.markers = this.markers().map(([t, label]) => [this.map.toPlayer(t), label]);
      options.idleTimeLimit = limit || 1e9;
    }
    if (typeof AsciinemaPlayer === "undefined") {
      mount(
        this.playerEl,
        errorBox(new Error("The player script (/vendor/asciinema-player.min.js) did not load.")),
      );
      return;
    }
    this.player = AsciinemaPlayer.create(this.source, this.playerEl, options);
    this.player.addEventListener("error", () => {
      this.playerStatus.textContent = "The player could not load this recording.";
    });
    if (seek) this.seekTo(sessionTime);
    else this.ready().catch(() => {});
  }

  rebuild({ speed, idle }) {
    if (this.live || !this.source) return;
    const t = this.sessionTime();
    if (speed !== undefined) this.speed = speed;
    if (idle !== undefined) this.idle = idle;
    this.create(t, t > 0);
  }

  // ---- live ----

  startLive() {
    this.live = true;
    this.controls.hidden = true;
    this.liveBanner.hidden = false;
    this.liveBanner.className = "live-banner";
    this.liveBanner.textContent = "Connecting to the live session…";
    const driver = liveDriver(this.session.id, {
      onState: (state) => {
        const text = {
          connecting: "Connecting to the live session…",
          live: "● Live: following the session as it is recorded.",
          reconnecting: "Connection lost; reconnecting…",
          failed: "The live view was refused or failed. Reload the page to retry.",
        }[state];
        if (text) this.liveBanner.textContent = text;
        this.liveBanner.dataset.state = state;
      },
      onCast: (t) => {
        this.duration = Math.max(this.duration, t);
      },
      onEvents: (list) => {
        const known = new Set(this.events.map((e) => `${e.t}/${e.type}`));
        for (const e of list) {
          if (known.has(`${e.t}/${e.type}`)) continue;
          this.events.push({ t: e.t, type: e.type, time: e.time, data: e });
        }
        this.drawEvents();
        this.drawTimeline();
        this.eventList.lastElementChild?.scrollIntoView({ block: "nearest" });
      },
      onMeta: (session) => {
        if (!session) return;
        this.session = session;
        mount(this.metaEl, metaList(session));
      },
      onEnd: (end) => {
        this.liveBanner.dataset.state = "ended";
        mount(
          this.liveBanner,
          `Session ended${
            typeof end.exitCode === "number" ? ` with exit status ${end.exitCode}` : ""
          }. `,
          h(
            "a",
            { href: href(`/sessions/${this.session.id}`, { replay: Date.now() }) },
            "Replay it from the start",
          ),
        );
        announce("The live session ended");
      },
    });
    this.player = AsciinemaPlayer.create(driver, this.playerEl, {
      autoPlay: true,
      fit: "width",
      terminalFontSize: "small",
      theme: "asciinema",
    });
  }

  dispose() {
    for (const dispose of this.disposers) dispose();
    this.player?.dispose();
    this.player = null;
  }
}
