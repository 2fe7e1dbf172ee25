/** Injected wherever time is read, so tests can pin it. */
export interface Clock {
  /** Wall clock, ms since the Unix epoch. */
  now(): number;
  /** Monotonic ms, for intervals. */
  monotonic(): number;
}
