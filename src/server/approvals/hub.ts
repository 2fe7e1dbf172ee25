/**
 * Fan-out of approval, incident and break-glass notices to this instance's waiters (long
 * polls) and inbox streams. Like the session LiveHub, notices arrive through the database's
 * notify, so a reviewer deciding on one instance wakes a requester waiting on another.
 */
export type AuditNotice =
  | { kind: "approval"; approval: string; status: string; version: number }
  | { kind: "incident"; incident: number }
  | { kind: "break_glass"; breakGlass: number };

export type AuditListener = (notice: AuditNotice) => void;

/** Topic for everything: the inbox. */
export const ALL = "*";

export class ApprovalHub {
  #listeners = new Map<string, Set<AuditListener>>();

  subscribe(topic: string, listener: AuditListener): () => void {
    let set = this.#listeners.get(topic);
    if (!set) this.#listeners.set(topic, set = new Set());
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (set!.size === 0) this.#listeners.delete(topic);
    };
  }

  /** Takes a raw notify payload; session notices and anything malformed are ignored. */
  publish(payload: string): void {
    let notice: AuditNotice;
    try {
      notice = JSON.parse(payload);
    } catch {
      return;
    }
    if (notice.kind !== "approval" && notice.kind !== "incident" && notice.kind !== "break_glass") {
      return;
    }
    const topics = [ALL];
    if (notice.kind === "approval") topics.push(`approval:${notice.approval}`);
    for (const topic of topics) {
      for (const listener of this.#listeners.get(topic) ?? []) listener(notice);
    }
  }
}
