/**
 * Approval requests end to end on the server: creation (who reviews), decisions through the
 * state machine, expiry (on read, on decision and by a periodic sweep), long-poll waits, and
 * the notices and webhooks each change causes. Route handlers call this; it never prints.
 */
import { HttpError, InvalidInput } from "../http/errors.ts";
import type { ApprovalRecord, BreakGlassRecord, IndexedAudit } from "../storage/approvals.ts";
import type { Store } from "../storage/store.ts";
import type { Viewer } from "../storage/types.ts";
import { uuidv7 } from "../../core/ids.ts";
import type { Webhooks } from "../webhooks.ts";
import { type ApprovalHub, type AuditNotice } from "./hub.ts";
import { type ApprovalEvent, chooseReviewers, isFinal } from "./machine.ts";
import type { ApprovalSettings, WebhookEvent } from "./settings.ts";

const MAX_TEXT = 8192;

function optionalText(body: Record<string, unknown>, key: string, max = MAX_TEXT): string | null {
  const value = body[key];
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string" || value.length > max) {
    throw new InvalidInput(`"${key}" must be a string of at most ${max} characters`);
  }
  return value;
}

export class ApprovalService {
  /** The server's own address, for links in webhooks (set once it listens). */
  baseUrl = "";
  #closing = new AbortController();
  /** Aborted when the server shuts down: long polls answer and streams end. */
  readonly closing: AbortSignal = this.#closing.signal;

  stop(): void {
    this.#closing.abort();
  }

  constructor(
    readonly store: Store,
    readonly settings: ApprovalSettings,
    readonly webhooks: Webhooks,
    readonly hub: ApprovalHub,
    readonly now: () => number,
  ) {
    store.onAuditIndexed = (found) => void this.#indexed(found).catch(() => {});
  }

  async #notify(notice: AuditNotice): Promise<void> {
    await this.store.db.notify(JSON.stringify(notice));
  }

  #link(path: string): string | null {
    return this.baseUrl ? `${this.baseUrl}${path}` : null;
  }

  async #changed(approval: ApprovalRecord, event?: WebhookEvent): Promise<void> {
    await this.#notify({
      kind: "approval",
      approval: approval.id,
      status: approval.status,
      version: approval.version,
    });
    if (event) {
      this.webhooks.send(event, { approval, url: this.#link(`/approvals/${approval.id}`) });
    }
  }

  async create(viewer: Viewer, body: Record<string, unknown>): Promise<ApprovalRecord> {
    const command = optionalText(body, "command");
    const kind = body.kind === "manual" ? "manual" : "command";
    if (!command && kind === "command") throw new InvalidInput('"command" is required');
    const executable = optionalText(body, "executable", 256);
    let incidentId: number | null = null;
    let responders: string[] | undefined;
    if (body.incidentId !== undefined && body.incidentId !== null) {
      incidentId = Number(body.incidentId);
      if (!Number.isSafeInteger(incidentId)) {
        throw new InvalidInput('"incidentId" must be a number');
      }
      const incident = await this.store.approvals.incident(incidentId);
      if (!incident) throw new HttpError(404, `No incident ${incidentId}`);
      if (incident.status !== "active") {
        throw new HttpError(409, `Incident ${incidentId} is resolved`);
      }
      if (!incident.responders.includes(viewer.name)) {
        throw new HttpError(403, `You are not a responder of incident ${incidentId}`);
      }
      responders = incident.responders;
    }
    let rule = null;
    if (body.rule !== undefined && body.rule !== null) {
      const r = body.rule as Record<string, unknown>;
      if (typeof r !== "object" || typeof r.source !== "string" || r.source.length > 64) {
        throw new InvalidInput('"rule" must be {source, index, line}');
      }
      const int = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) ? v : null;
      rule = { source: r.source, index: int(r.index), line: int(r.line) };
    }
    const users = (await this.store.listUsers()).filter((u) => !u.disabled);
    const group = executable ? this.settings.policy.reviewers[executable] : undefined;
    const chosen = chooseReviewers({
      requester: viewer.name,
      incidentResponders: responders,
      group,
      approvers: users.filter((u) => u.role === "approver").map((u) => u.name),
      admins: users.filter((u) => u.role === "admin").map((u) => u.name),
    });
    const someoneElse = chosen.reviewers.length > 0 ||
      users.some((u) => u.name !== viewer.name && u.role !== "member");
    if (!someoneElse) {
      throw new HttpError(
        409,
        "Nobody else can approve this request: add a user with the approver role " +
          '("ddcoterm server user add NAME --role approver")',
      );
    }
    const now = this.now();
    const approval = await this.store.approvals.create({
      id: uuidv7(now),
      kind,
      requester: viewer,
      localUser: optionalText(body, "user", 256) ?? viewer.name,
      host: optionalText(body, "host", 256) ?? "",
      cwd: optionalText(body, "cwd", 4096) ?? "",
      command: command ?? "",
      executable,
      rule,
      userMessage: optionalText(body, "userMessage"),
      approverMessage: optionalText(body, "approverMessage"),
      incidentId,
      reviewers: chosen.reviewers,
      reviewersFrom: chosen.from,
      requiredApprovals: this.settings.policy.requiredApprovals,
      expiresAt: now + this.settings.policy.expiryMs,
    });
    await this.store.audit(viewer, "approval.request", null, { approval: approval.id });
    await this.#changed(approval, "created");
    return approval;
  }

  /** The request as `viewer` may see it, expired first when it is past due. */
  async get(viewer: Viewer, id: string, { timeline = false } = {}): Promise<ApprovalRecord> {
    let approval = await this.store.approvals.get(id);
    if (!approval || !this.store.approvals.visibleTo(viewer, approval)) {
      throw new HttpError(404, `No approval request ${id}`);
    }
    if (approval.status === "requested" && Date.parse(approval.expiresAt) <= this.now()) {
      approval = await this.#apply(id, { type: "expire", at: this.now() });
    }
    if (timeline) approval.timeline = await this.store.approvals.timeline(id);
    return approval;
  }

  /**
   * Long poll: answers at once when the request is decided or its version differs from
   * `seen`; otherwise when it changes, when it expires, or after `waitMs`.
   */
  async wait(
    viewer: Viewer,
    id: string,
    { waitMs, seen, signal, timeline }: {
      waitMs: number;
      seen?: number;
      signal?: AbortSignal;
      timeline?: boolean;
    },
  ): Promise<ApprovalRecord> {
    let wake!: () => void;
    const woke = new Promise<void>((resolve) => wake = resolve);
    const unsubscribe = this.hub.subscribe(`approval:${id}`, () => wake());
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => wake();
    try {
      const approval = await this.get(viewer, id, { timeline });
      const stale = seen !== undefined && approval.version !== seen;
      if (approval.status !== "requested" || stale || waitMs <= 0) return approval;
      const untilExpiry = Date.parse(approval.expiresAt) - this.now() + 20;
      timer = setTimeout(wake, Math.max(0, Math.min(waitMs, untilExpiry)));
      signal?.addEventListener("abort", onAbort, { once: true });
      this.closing.addEventListener("abort", onAbort, { once: true });
      await woke;
      return await this.get(viewer, id, { timeline });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      this.closing.removeEventListener("abort", onAbort);
      unsubscribe();
    }
  }

  async #apply(id: string, event: ApprovalEvent): Promise<ApprovalRecord> {
    const { result, approval, changed } = await this.store.approvals.apply(id, event);
    if (changed) {
      const hook = isFinal(approval.status) ? approval.status as WebhookEvent : undefined;
      await this.#changed(approval, hook);
    }
    if (!result.ok) throw new HttpError(result.status, result.message);
    return approval;
  }

  async decide(
    viewer: Viewer,
    id: string,
    decision: "approve" | "decline",
    comment: string | null,
  ): Promise<ApprovalRecord> {
    await this.get(viewer, id); // 404 for what the viewer may not see.
    if (decision === "decline" && !comment) {
      throw new InvalidInput("A decline needs a comment that tells the requester why");
    }
    const approval = await this.#apply(id, { type: decision, by: viewer, comment, at: this.now() });
    await this.store.audit(viewer, `approval.${decision}`, null, { approval: id, comment });
    return approval;
  }

  async cancel(viewer: Viewer, id: string): Promise<ApprovalRecord> {
    await this.get(viewer, id);
    const approval = await this.#apply(id, { type: "cancel", by: viewer, at: this.now() });
    await this.store.audit(viewer, "approval.cancel", null, { approval: id });
    return approval;
  }

  /** Expires every pending request past due; returns how many. */
  async sweep(): Promise<number> {
    let n = 0;
    for (const id of await this.store.approvals.due(this.now())) {
      try {
        await this.#apply(id, { type: "expire", at: this.now() });
        n++;
      } catch {
        // Another instance got there first.
      }
    }
    return n;
  }

  async #indexed(found: IndexedAudit): Promise<void> {
    for (const item of found.breakGlass) {
      await this.#notify({ kind: "break_glass", breakGlass: item.id });
      this.webhooks.send("break_glass", {
        breakGlass: item,
        url: this.#link(`/sessions/${item.sessionId}`),
      });
    }
    for (const id of found.linkedApprovals) {
      const approval = await this.store.approvals.get(id);
      if (approval) await this.#changed(approval);
    }
  }

  async acknowledge(viewer: Viewer, id: number, comment: string): Promise<BreakGlassRecord> {
    const item = await this.store.approvals.breakGlass(id);
    if (!item) throw new HttpError(404, `No break-glass run ${id}`);
    if (item.ownerId === viewer.id) {
      throw new HttpError(403, "You cannot review your own break-glass run: another approver must");
    }
    const record = await this.store.approvals.acknowledge(id, viewer.name, comment);
    await this.store.audit(viewer, "break_glass.acknowledge", record.sessionId, { id, comment });
    await this.#notify({ kind: "break_glass", breakGlass: id });
    return record;
  }
}
