/**
 * Fan-out of "a session changed" notices to this instance's live viewers. Notices come from
 * the database's notify (PostgreSQL LISTEN/NOTIFY reaches every instance), never straight from
 * the upload handler, so a viewer on one instance follows a session uploading to another.
 */
import type { ChangeNotice } from "./storage/store.ts";

export type NoticeListener = (notice: ChangeNotice) => void;

export class LiveHub {
  #listeners = new Map<string, Set<NoticeListener>>();

  get viewers(): number {
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }

  subscribe(sessionId: string, listener: NoticeListener): () => void {
    let set = this.#listeners.get(sessionId);
    if (!set) this.#listeners.set(sessionId, set = new Set());
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (set!.size === 0) this.#listeners.delete(sessionId);
    };
  }

  /** Takes a raw notify payload; anything malformed is ignored. */
  publish(payload: string): void {
    let notice: ChangeNotice;
    try {
      notice = JSON.parse(payload);
    } catch {
      return;
    }
    for (const listener of this.#listeners.get(notice.session) ?? []) listener(notice);
  }
}
