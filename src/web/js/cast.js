/**
 * asciicast v3 text → events with absolute times, and the idle-skip time map. v3 stores
 * intervals; summing them in whole microseconds (as the recorder and the server do) gives the
 * same absolute times as the server's index, so event offsets line up with the cast exactly.
 */

/** Parses v3 lines; `baseMicros` is the absolute time the first interval adds to. */
export function parseCastLines(text, { baseMicros = 0 } = {}) {
  let header = null;
  const events = [];
  let micros = baseMicros;
  for (const line of text.split("\n")) {
    if (line.length === 0 || line.startsWith("#")) continue;
    const value = JSON.parse(line);
    if (!Array.isArray(value)) {
      if (header === null) header = value;
      continue;
    }
    micros += Math.round(value[0] * 1_000_000);
    events.push([micros / 1_000_000, value[1], value[2]]);
  }
  return { header, events, endMicros: micros };
}

/**
 * The player's idle skip shifts every event after a pause longer than `limit` seconds; the
 * returned map turns a session time into the player's time (and back), so an event at session
 * time t can be sought to. Same rule as the player's own time limiter.
 */
export function idleMap(times, limit) {
  const points = []; // [sessionTime, shiftSoFar] at each event whose pause was cut
  if (limit && Number.isFinite(limit)) {
    let previous = 0;
    let shift = 0;
    for (const t of times) {
      const excess = t - previous - limit;
      if (excess > 0) {
        shift += excess;
        points.push([t, shift, excess]);
      }
      previous = t;
    }
  }
  const shiftAt = (t) => {
    // Within a cut pause the time lands at the pause's (shortened) end.
    let lo = 0, hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (points[mid][0] <= t) lo = mid + 1;
      else hi = mid;
    }
    if (lo === points.length) return lo > 0 ? points[lo - 1][1] : 0;
    const [end, , excess] = points[lo];
    const before = lo > 0 ? points[lo - 1][1] : 0;
    // Inside the part of the pause that was cut: pin to where the pause now ends.
    return t > end - excess ? before + (t - (end - excess)) : before;
  };
  return {
    toPlayer: (t) => Math.max(0, t - shiftAt(t)),
    toSession: (p) => {
      let lo = 0, hi = points.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (points[mid][0] - points[mid][1] <= p) lo = mid + 1;
        else hi = mid;
      }
      return p + (lo > 0 ? points[lo - 1][1] : 0);
    },
  };
}
