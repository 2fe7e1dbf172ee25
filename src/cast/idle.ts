/**
 * Idle time limiting, as asciinema's `-i`: every pause between consecutive events (and before
 * the first) longer than the limit is shortened to the limit, and later events move earlier
 * by the time removed.
 */
import type { CastEvent } from "./types.ts";

/** The state of the limit over one pass: feed it each event's time, in order. */
export class IdleTimeLimiter {
  #limit: number;
  #previous = 0;
  #removed = 0;

  constructor(limitSeconds: number) {
    if (!(limitSeconds > 0)) {
      throw new RangeError(
        `Idle time limit must be a positive number of seconds, got ${JSON.stringify(limitSeconds)}`,
      );
    }
    this.#limit = limitSeconds;
  }

  /** The time `time` is moved to. */
  adjust(time: number): number {
    const gap = time - this.#previous;
    if (gap > this.#limit) this.#removed += gap - this.#limit;
    this.#previous = Math.max(this.#previous, time);
    // Rounded to microseconds, the precision of the cast formats, so no float noise appears.
    return Math.round((time - this.#removed) * 1_000_000) / 1_000_000;
  }
}

/**
 * Caps every gap between consecutive events at `limitSeconds`, lazily: works on arrays,
 * iterators and async iterables (a stream being read) alike. Events are copied, not changed.
 * A limit of Infinity leaves the times as they are.
 */
export function applyIdleTimeLimit<E extends CastEvent>(
  events: Iterable<E>,
  limitSeconds: number,
): IterableIterator<E>;
export function applyIdleTimeLimit<E extends CastEvent>(
  events: AsyncIterable<E>,
  limitSeconds: number,
): AsyncIterableIterator<E>;
export function applyIdleTimeLimit<E extends CastEvent>(
  events: Iterable<E> | AsyncIterable<E>,
  limitSeconds: number,
): IterableIterator<E> | AsyncIterableIterator<E> {
  const limiter = new IdleTimeLimiter(limitSeconds);
  const adjust = (event: E): E => ({ ...event, time: limiter.adjust(event.time) });
  if (Symbol.asyncIterator in events) {
    return (async function* () {
      for await (const event of events) yield adjust(event);
    })();
  }
  return (function* () {
    for (const event of events) yield adjust(event);
  })();
}
