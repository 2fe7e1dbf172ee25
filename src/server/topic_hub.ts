/**
 * Fan-out of notices to this instance's listeners, by topic. Notices come from the database's
 * notify (PostgreSQL LISTEN/NOTIFY reaches every instance), never straight from a handler, so a
 * listener on one instance hears of a change made on another.
 */
export class TopicHub<Notice> {
  #listeners = new Map<string, Set<(notice: Notice) => void>>();

  /** Listeners subscribed, over all topics. */
  get listeners(): number {
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }

  subscribe(topic: string, listener: (notice: Notice) => void): () => void {
    let set = this.#listeners.get(topic);
    if (!set) this.#listeners.set(topic, set = new Set());
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (set!.size === 0) this.#listeners.delete(topic);
    };
  }

  publish(topic: string, notice: Notice): void {
    for (const listener of this.#listeners.get(topic) ?? []) listener(notice);
  }
}
