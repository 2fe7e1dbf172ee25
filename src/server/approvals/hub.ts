/**
 * Fan-out of approval, incident and break-glass notices to this instance's waiters (long
 * polls) and inbox streams, through the database's notify like the session LiveHub: a reviewer
 * deciding on one instance wakes a requester waiting on another.
 */
import { TopicHub } from "../topic_hub.ts";

export type AuditNotice =
  | { kind: "approval"; approval: string; status: string; version: number }
  | { kind: "incident"; incident: number }
  | { kind: "break_glass"; breakGlass: number };

/** Topic for everything: the inbox. */
export const ALL = "*";

export class ApprovalHub extends TopicHub<AuditNotice> {
  /** To the inbox, and to the waiters on its approval. */
  notify(notice: AuditNotice): void {
    this.publish(ALL, notice);
    if (notice.kind === "approval") this.publish(`approval:${notice.approval}`, notice);
  }
}

/** The audit notice in a notify payload, or undefined for a session notice. */
export function auditNotice(notice: { kind?: unknown }): AuditNotice | undefined {
  const kind = notice.kind;
  return kind === "approval" || kind === "incident" || kind === "break_glass"
    ? notice as AuditNotice
    : undefined;
}
