/**
 * Approval requests, their activity timeline, incidents and the break-glass review queue, over
 * either database. Decisions go through the pure `transition` inside one transaction (the row
 * locked on PostgreSQL), so two reviewers deciding at once cannot both win.
 */
import { HttpError } from "../http/errors.ts";
import {
  type ApprovalEvent,
  approvalsCount,
  type ApprovalState,
  type ApprovalStatus,
  type Decision,
  transition,
  type TransitionResult,
} from "../approvals/machine.ts";
import type { Db, Row, SqlValue } from "./db.ts";
import type {
  ActivityRecord,
  ApprovalRecord,
  BreakGlassRecord,
  IncidentRecord,
  RuleRef,
} from "../../core/approval_wire.ts";

export type { ActivityRecord, ApprovalRecord, BreakGlassRecord, IncidentRecord, RuleRef };
import { seesAll, type Viewer } from "./types.ts";

export interface NewApproval {
  id: string;
  kind: "command" | "manual";
  requester: Viewer;
  localUser: string;
  host: string;
  cwd: string;
  command: string;
  executable: string | null;
  rule: RuleRef | null;
  userMessage: string | null;
  approverMessage: string | null;
  incidentId: number | null;
  reviewers: string[];
  reviewersFrom: string;
  requiredApprovals: number;
  expiresAt: number;
}

/** What indexing a session's events found: for notifications after the commit. */
export interface IndexedAudit {
  breakGlass: BreakGlassRecord[];
  linkedApprovals: string[];
}

interface ApprovalRow extends Row {
  id: string;
  kind: string;
  status: string;
  requester_id: number;
  requester: string;
  local_user: string;
  host: string;
  cwd: string;
  command: string;
  executable: string | null;
  rule: string | null;
  user_message: string | null;
  approver_message: string | null;
  incident_id: number | null;
  incident_title?: string | null;
  incident_status?: string | null;
  reviewers: string;
  reviewers_from: string;
  required_approvals: number;
  decisions: string;
  created_at: number;
  expires_at: number;
  decided_at: number | null;
  session_id: string | null;
  version: number;
}

function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();
}

const SELECT_APPROVAL = `SELECT a.*, i.title AS incident_title, i.status AS incident_status
  FROM approvals a LEFT JOIN incidents i ON i.id = a.incident_id`;

function toState(row: ApprovalRow): ApprovalState {
  return {
    status: row.status as ApprovalStatus,
    requester: row.requester,
    reviewers: JSON.parse(row.reviewers),
    requiredApprovals: Number(row.required_approvals),
    decisions: JSON.parse(row.decisions),
    expiresAt: Number(row.expires_at),
    decidedAt: row.decided_at === null ? null : Number(row.decided_at),
  };
}

const SELECT_BREAK_GLASS = `SELECT b.*, u.name AS owner_name
  FROM break_glass b JOIN users u ON u.id = b.owner_id`;

function toApproval(row: ApprovalRow): ApprovalRecord {
  const state = toState(row);
  return {
    id: row.id,
    kind: row.kind as "command" | "manual",
    status: state.status,
    requester: row.requester,
    user: row.local_user,
    host: row.host,
    cwd: row.cwd,
    command: row.command,
    executable: row.executable ?? null,
    rule: row.rule ? JSON.parse(row.rule) : null,
    userMessage: row.user_message ?? null,
    approverMessage: row.approver_message ?? null,
    incident: row.incident_id === null || row.incident_id === undefined ? null : {
      id: Number(row.incident_id),
      title: row.incident_title ?? "",
      status: row.incident_status ?? "",
    },
    reviewers: state.reviewers,
    reviewersFrom: row.reviewers_from,
    requiredApprovals: state.requiredApprovals,
    approvals: approvalsCount(state),
    decisions: state.decisions.map((d: Decision) => ({
      reviewer: d.reviewer,
      decision: d.decision,
      comment: d.comment,
      at: iso(d.at)!,
    })),
    createdAt: iso(row.created_at)!,
    expiresAt: iso(row.expires_at)!,
    decidedAt: iso(row.decided_at),
    sessionId: row.session_id ?? null,
    version: Number(row.version),
  };
}

function toIncident(row: Row): IncidentRecord {
  return {
    id: Number(row.id),
    title: row.title as string,
    status: row.status as "active" | "resolved",
    responders: JSON.parse(row.responders as string),
    createdBy: row.created_by as string,
    createdAt: iso(row.created_at as number)!,
    resolvedBy: (row.resolved_by as string | null) ?? null,
    resolvedAt: iso(row.resolved_at as number | null),
  };
}

function toBreakGlass(row: Row): BreakGlassRecord {
  return {
    id: Number(row.id),
    sessionId: row.session_id as string,
    owner: (row.owner_name as string | undefined) ?? "",
    user: row.user_name as string,
    host: row.host as string,
    command: row.command as string,
    reason: (row.reason as string | null) ?? null,
    rule: row.rule === null || row.rule === undefined ? null : Number(row.rule),
    at: iso(row.at as number)!,
    acknowledgedBy: (row.acknowledged_by as string | null) ?? null,
    acknowledgedAt: iso(row.acknowledged_at as number | null),
    comment: (row.comment as string | null) ?? null,
  };
}

/** The activity kind written for each transition's outcome. */
function activityKind(event: ApprovalEvent, state: ApprovalState): string {
  if (event.type === "expire" || state.status === "expired") return "expired";
  if (event.type === "cancel") return "cancelled";
  return event.type === "approve" ? "approved" : "declined";
}

export class ApprovalStore {
  constructor(readonly db: Db, readonly now: () => number) {}

  #lock(): string {
    return this.db.dialect === "postgres" ? " FOR UPDATE OF a" : "";
  }

  async create(input: NewApproval): Promise<ApprovalRecord> {
    const now = this.now();
    await this.db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO approvals (id, kind, status, requester_id, requester, local_user, host, cwd,
         command, executable, rule, user_message, approver_message, incident_id, reviewers,
         reviewers_from, required_approvals, decisions, created_at, expires_at, version)
         VALUES (?, ?, 'requested', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, 1)`,
        [
          input.id,
          input.kind,
          input.requester.id,
          input.requester.name,
          input.localUser,
          input.host,
          input.cwd,
          input.command,
          input.executable,
          input.rule ? JSON.stringify(input.rule) : null,
          input.userMessage,
          input.approverMessage,
          input.incidentId,
          JSON.stringify(input.reviewers),
          input.reviewersFrom,
          input.requiredApprovals,
          now,
          input.expiresAt,
        ],
      );
      await this.#activity(tx, input.id, now, input.requester.name, "requested", {
        command: input.command,
        host: input.host,
        incidentId: input.incidentId,
      });
      await this.#activity(tx, input.id, now, "ddcoterm", "reviewers_asked", {
        reviewers: input.reviewers,
        from: input.reviewersFrom,
        requiredApprovals: input.requiredApprovals,
      });
    });
    return (await this.get(input.id))!;
  }

  async #activity(
    tx: Db,
    id: string,
    at: number,
    actor: string,
    kind: string,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await tx.run(
      "INSERT INTO approval_activity (approval_id, at, actor, kind, detail) VALUES (?, ?, ?, ?, ?)",
      [id, at, actor, kind, JSON.stringify(detail)],
    );
  }

  async get(id: string, db: Db = this.db): Promise<ApprovalRecord | undefined> {
    const row = await db.get<ApprovalRow>(`${SELECT_APPROVAL} WHERE a.id = ?`, [id]);
    return row ? toApproval(row) : undefined;
  }

  /** Members see requests they made or were asked to review; approvers and admins see all. */
  visibleTo(viewer: Viewer, approval: ApprovalRecord): boolean {
    return seesAll(viewer) || approval.requester === viewer.name ||
      approval.reviewers.includes(viewer.name);
  }

  async timeline(id: string): Promise<ActivityRecord[]> {
    const rows = await this.db.all<Row>(
      "SELECT * FROM approval_activity WHERE approval_id = ? ORDER BY id",
      [id],
    );
    return rows.map((r) => ({
      at: iso(r.at as number)!,
      actor: r.actor as string,
      kind: r.kind as string,
      detail: JSON.parse(r.detail as string),
    }));
  }

  async list(
    viewer: Viewer,
    filter: { status?: ApprovalStatus; requester?: string; limit: number; beforeId?: string },
  ): Promise<ApprovalRecord[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (!seesAll(viewer)) {
      // Reviewer names are stored as a JSON list: match the quoted name.
      where.push("(a.requester_id = ? OR a.reviewers LIKE ? ESCAPE '\\')");
      params.push(
        viewer.id,
        `%${JSON.stringify(viewer.name).replace(/[\\%_]/g, (c) => "\\" + c)}%`,
      );
    }
    if (filter.status) (where.push("a.status = ?"), params.push(filter.status));
    if (filter.requester) (where.push("a.requester = ?"), params.push(filter.requester));
    if (filter.beforeId) (where.push("a.id < ?"), params.push(filter.beforeId));
    params.push(filter.limit);
    const rows = await this.db.all<ApprovalRow>(
      `${SELECT_APPROVAL}${
        where.length ? " WHERE " + where.join(" AND ") : ""
      } ORDER BY a.id DESC LIMIT ?`,
      params,
    );
    return rows.map(toApproval);
  }

  /** Pending requests past their expiry (for the sweep). */
  async due(now: number): Promise<string[]> {
    const rows = await this.db.all<{ id: string }>(
      "SELECT id FROM approvals WHERE status = 'requested' AND expires_at <= ? ORDER BY id LIMIT 500",
      [now],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Applies `event` through the state machine in one transaction. A refusal that still
   * changed the state (a decision arriving after expiry expires it) stores that change.
   */
  async apply(
    id: string,
    event: ApprovalEvent,
  ): Promise<{ result: TransitionResult; approval: ApprovalRecord; changed: boolean }> {
    return await this.db.transaction(async (tx) => {
      const row = await tx.get<ApprovalRow>(
        `${SELECT_APPROVAL} WHERE a.id = ?${this.#lock()}`,
        [id],
      );
      if (!row) throw new HttpError(404, `No approval request ${id}`);
      const before = toState(row);
      const result = transition(before, event);
      const next = result.ok ? (result.changed ? result.state : undefined) : result.state;
      if (!next) return { result, approval: toApproval(row), changed: false };
      await tx.run(
        `UPDATE approvals SET status = ?, decisions = ?, decided_at = ?, version = version + 1
         WHERE id = ?`,
        [next.status, JSON.stringify(next.decisions), next.decidedAt, id],
      );
      const actor = event.type === "expire" || next.status === "expired"
        ? "ddcoterm"
        : event.by.name;
      const detail: Record<string, unknown> = { status: next.status };
      if (result.ok && (event.type === "approve" || event.type === "decline")) {
        detail.comment = event.comment;
        detail.approvals = approvalsCount(next);
        detail.requiredApprovals = next.requiredApprovals;
      }
      await this.#activity(tx, id, event.at, actor, activityKind(event, next), detail);
      return { result, approval: (await this.get(id, tx))!, changed: true };
    });
  }

  /** A recorded session of an approved request's requester, from its `approval` event. */
  async #linkSession(tx: Db, approvalId: string, sessionId: string, ownerId: number) {
    const changed = await tx.run(
      `UPDATE approvals SET session_id = ?, version = version + 1 WHERE id = ? AND requester_id = ?
       AND session_id IS NULL AND status = 'approved'`,
      [sessionId, approvalId, ownerId],
    );
    if (changed === 0) return false;
    await tx.run("UPDATE sessions SET approval_id = ? WHERE id = ?", [approvalId, sessionId]);
    await this.#activity(tx, approvalId, this.now(), "ddcoterm", "session_started", {
      sessionId,
    });
    return true;
  }

  /**
   * Called while a session's events are stored: `break_glass` lines join the review queue,
   * an `approval` line links the session to its approved request, an `incident` line to the
   * incident its owner responds to.
   */
  async indexEvents(
    tx: Db,
    session: { id: string; ownerId: number; ownerName: string; user: string; host: string },
    events: { lineNo: number; type: string; timeMs: number; data: string }[],
  ): Promise<IndexedAudit> {
    const found: IndexedAudit = { breakGlass: [], linkedApprovals: [] };
    for (const event of events) {
      if (!["break_glass", "approval", "incident"].includes(event.type)) continue;
      const data = JSON.parse(event.data) as Record<string, unknown>;
      const text = (key: string) => typeof data[key] === "string" ? data[key] as string : null;
      if (event.type === "break_glass") {
        const inserted = await tx.run(
          `INSERT INTO break_glass (session_id, line_no, owner_id, user_name, host, command, reason,
           rule, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, line_no) DO NOTHING`,
          [
            session.id,
            event.lineNo,
            session.ownerId,
            text("user") ?? session.user,
            text("host") ?? session.host,
            (text("command") ?? "").slice(0, 8192),
            text("reason")?.slice(0, 2000) ?? null,
            typeof data.rule === "number" && Number.isSafeInteger(data.rule) ? data.rule : null,
            event.timeMs,
          ],
        );
        if (inserted > 0) {
          const row = await tx.get<Row>(
            `${SELECT_BREAK_GLASS} WHERE b.session_id = ? AND b.line_no = ?`,
            [session.id, event.lineNo],
          );
          found.breakGlass.push(toBreakGlass(row!));
        }
      } else if (event.type === "approval") {
        const approvalId = text("approval_id");
        if (approvalId && await this.#linkSession(tx, approvalId, session.id, session.ownerId)) {
          found.linkedApprovals.push(approvalId);
        }
      } else {
        const incidentId = Number(data.incident_id);
        if (!Number.isSafeInteger(incidentId)) continue;
        const incident = await tx.get<Row>("SELECT * FROM incidents WHERE id = ?", [incidentId]);
        if (incident && toIncident(incident).responders.includes(session.ownerName)) {
          await tx.run("UPDATE sessions SET incident_id = ? WHERE id = ?", [
            incidentId,
            session.id,
          ]);
        }
      }
    }
    return found;
  }

  // ---- incidents ----

  async createIncident(
    title: string,
    responders: string[],
    createdBy: string,
  ): Promise<IncidentRecord> {
    const now = this.now();
    return await this.db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO incidents (title, status, responders, created_by, created_at)
         VALUES (?, 'active', ?, ?, ?)`,
        [title, JSON.stringify([...new Set(responders)]), createdBy, now],
      );
      const row = await tx.get<Row>(
        "SELECT * FROM incidents WHERE created_by = ? AND created_at = ? ORDER BY id DESC LIMIT 1",
        [createdBy, now],
      );
      return toIncident(row!);
    });
  }

  async incident(id: number): Promise<IncidentRecord | undefined> {
    const row = await this.db.get<Row>("SELECT * FROM incidents WHERE id = ?", [id]);
    return row ? toIncident(row) : undefined;
  }

  async listIncidents(
    filter: { status?: "active" | "resolved"; responder?: string; limit: number },
  ): Promise<IncidentRecord[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.status) (where.push("status = ?"), params.push(filter.status));
    if (filter.responder) {
      where.push("responders LIKE ? ESCAPE '\\'");
      params.push(
        `%${JSON.stringify(filter.responder).replace(/[\\%_]/g, (c) => "\\" + c)}%`,
      );
    }
    params.push(filter.limit);
    const rows = await this.db.all<Row>(
      `SELECT * FROM incidents${
        where.length ? " WHERE " + where.join(" AND ") : ""
      } ORDER BY id DESC LIMIT ?`,
      params,
    );
    return rows.map(toIncident);
  }

  async updateIncident(
    id: number,
    changes: { status?: "active" | "resolved"; responders?: string[]; title?: string },
    by: string,
  ): Promise<IncidentRecord> {
    const now = this.now();
    return await this.db.transaction(async (tx) => {
      const row = await tx.get<Row>(
        `SELECT * FROM incidents WHERE id = ?${
          this.db.dialect === "postgres" ? " FOR UPDATE" : ""
        }`,
        [id],
      );
      if (!row) throw new HttpError(404, `No incident ${id}`);
      if (changes.title !== undefined) {
        await tx.run("UPDATE incidents SET title = ? WHERE id = ?", [changes.title, id]);
      }
      if (changes.responders !== undefined) {
        await tx.run("UPDATE incidents SET responders = ? WHERE id = ?", [
          JSON.stringify([...new Set(changes.responders)]),
          id,
        ]);
      }
      if (changes.status !== undefined && changes.status !== row.status) {
        await tx.run(
          "UPDATE incidents SET status = ?, resolved_by = ?, resolved_at = ? WHERE id = ?",
          changes.status === "resolved" ? ["resolved", by, now, id] : ["active", null, null, id],
        );
      }
      return toIncident((await tx.get<Row>("SELECT * FROM incidents WHERE id = ?", [id]))!);
    });
  }

  // ---- break glass ----

  async listBreakGlass(
    viewer: Viewer,
    filter: { open?: boolean; limit: number },
  ): Promise<BreakGlassRecord[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (!seesAll(viewer)) (where.push("b.owner_id = ?"), params.push(viewer.id));
    if (filter.open === true) where.push("b.acknowledged_at IS NULL");
    if (filter.open === false) where.push("b.acknowledged_at IS NOT NULL");
    params.push(filter.limit);
    const rows = await this.db.all<Row>(
      `${SELECT_BREAK_GLASS}${
        where.length ? " WHERE " + where.join(" AND ") : ""
      } ORDER BY b.id DESC LIMIT ?`,
      params,
    );
    return rows.map(toBreakGlass);
  }

  async breakGlass(id: number): Promise<(BreakGlassRecord & { ownerId: number }) | undefined> {
    const row = await this.db.get<Row>(`${SELECT_BREAK_GLASS} WHERE b.id = ?`, [id]);
    return row ? { ...toBreakGlass(row), ownerId: Number(row.owner_id) } : undefined;
  }

  async acknowledge(id: number, by: string, comment: string): Promise<BreakGlassRecord> {
    const changed = await this.db.run(
      `UPDATE break_glass SET acknowledged_by = ?, acknowledged_at = ?, comment = ?
       WHERE id = ? AND acknowledged_at IS NULL`,
      [by, this.now(), comment, id],
    );
    const item = await this.breakGlass(id);
    if (!item) throw new HttpError(404, `No break-glass run ${id}`);
    if (changed === 0) {
      throw new HttpError(
        409,
        `Break-glass run ${id} was already acknowledged by ${item.acknowledgedBy}`,
      );
    }
    const { ownerId: _, ...record } = item;
    return record;
  }
}
