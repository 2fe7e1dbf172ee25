/**
 * Progressive replay of large casts with asciinema-player's segmented recordings: an index
 * (duration, terminal size, segment start times) and, per segment, a snapshot of the screen
 * plus its events. The player fetches only the segment it plays or seeks into (and prefetches
 * the next one).
 *
 * The server stores a cast as chunks, some with a screen snapshot ("seekable"), and serves
 * `cast?from=T&limit=B`: a header, a repaint of the screen at that chunk, then B bytes of chunks.
 * One segment = one seekable chunk and the chunks up to the next. The player fetches segment
 * URLs itself, so those URLs use a private scheme that a thin wrapper around fetch answers from
 * the server's endpoints (until the server serves segment JSON itself).
 */
import { api } from "./api.js";
import { parseCastLines } from "./cast.js";

const SCHEME = "ddcoterm-segments:";
const sources = new Map();
let nextKey = 1;

function install() {
  if (globalThis.fetch.ddcotermSegments) return;
  const nativeFetch = globalThis.fetch;
  const wrapped = (input, init) => {
    const url = typeof input === "string" ? input : input?.url ?? String(input);
    return url.startsWith(SCHEME) ? answer(url) : nativeFetch(input, init);
  };
  wrapped.ddcotermSegments = true;
  globalThis.fetch = wrapped;
}

async function answer(url) {
  const [key, part] = url.slice(SCHEME.length).split("/");
  const source = sources.get(key);
  if (!source) return new Response("unknown segment source", { status: 404 });
  try {
    const body = part === "index" ? source.index : await loadSegment(source, Number(part));
    return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
  } catch (error) {
    return new Response(String(error?.message ?? error), { status: 502 });
  }
}

/** Groups chunks into segments; null when the cast has no events. */
export function planSegments(chunks) {
  const tBefore = [];
  let last = 0;
  let duration = null;
  for (const chunk of chunks) {
    tBefore.push(last);
    if (chunk.tLast !== null) last = duration = chunk.tLast;
  }
  if (duration === null) return null;
  const segments = [{ start: 0, seq: 0, bytes: 0 }];
  chunks.forEach((chunk, i) => {
    const current = segments[segments.length - 1];
    const starts = i > 0 && chunk.seekable && chunk.tFirst !== null &&
      chunk.tFirst > tBefore[i] && chunk.tFirst > current.start && chunk.tFirst < duration;
    if (starts) {
      segments.push({ start: chunk.tFirst, seq: i, tBefore: tBefore[i], bytes: chunk.size });
    } else current.bytes += chunk.size;
  });
  return { duration, segments };
}

async function loadSegment(source, index) {
  const segment = source.plan.segments[index];
  if (!segment) throw new Error(`No segment ${index}`);
  const params = segment.seq === 0
    ? { seq: 0, limit: segment.bytes }
    : { from: segment.tBefore, limit: segment.bytes };
  const response = await api(`/sessions/${source.sessionId}/cast`, { params, raw: true });
  const startSeq = response.headers.get("x-ddcoterm-start-seq");
  if (segment.seq > 0 && startSeq !== String(segment.seq)) {
    throw new Error(`The server started segment ${index} at chunk ${startSeq}, not ${segment.seq}`);
  }
  const text = await response.text();
  if (segment.seq === 0) {
    const { header, events } = parseCastLines(text);
    return {
      snapshot: { cols: header.term.cols, rows: header.term.rows, init: "" },
      events,
    };
  }
  const { header, events } = parseCastLines(text);
  // The first event is the repaint of the screen at the segment's start.
  const [, , init] = events.shift();
  return {
    snapshot: { cols: header.term.cols, rows: header.term.rows, init },
    events,
  };
}

/**
 * A player source for a stored session, loading segment by segment. `markers` are
 * [seconds, label] pairs (the segmented format takes them in the index).
 */
export async function segmentedSource(session, { markers = [] } = {}) {
  install();
  const { chunks } = await api(`/sessions/${session.id}/streams/cast/chunks`);
  const plan = planSegments(chunks);
  if (!plan) throw new Error("This recording has no output yet");
  const term = session.meta?.term ?? {};
  const key = String(nextKey++);
  const index = {
    version: 1,
    duration: plan.duration,
    term: { cols: term.cols || 80, rows: term.rows || 24 },
    segments: plan.segments.map((s, i) => ({ start: s.start, url: `${SCHEME}${key}/${i}` })),
    markers: markers.filter(([t]) => t <= plan.duration).sort((a, b) => a[0] - b[0]),
  };
  sources.set(key, { sessionId: session.id, plan, index });
  return {
    source: { url: `${SCHEME}${key}/index`, format: "segmented" },
    segments: plan.segments.length,
    dispose: () => sources.delete(key),
  };
}
