/**
 * Replay without loading a cast whole: the full cast streamed chunk by chunk, or a playable
 * cast that starts near a time (the header, a repaint of the screen as it was, then the
 * stored chunks from there, up to a byte budget), or raw continuation chunks.
 */
import { encodeV3Header } from "../../cast/v3.ts";
import { CastLineDecoder } from "../../cast/line_decoder.ts";
import { InvalidInput } from "../http/errors.ts";
import { intParam } from "../http/respond.ts";
import { paintScreen } from "../index/screen.ts";
import type { RequestContext } from "../context.ts";
import { requireReadable, sessionId } from "./sessions.ts";

const encoder = new TextEncoder();

function castResponse(
  parts: AsyncIterable<Uint8Array>,
  headers: Record<string, string>,
): Response {
  const iterator = parts[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "application/x-asciicast",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      ...headers,
    },
  });
}

export async function getCast(ctx: RequestContext): Promise<Response> {
  const id = sessionId(ctx);
  const session = await requireReadable(ctx, id);
  const store = ctx.server.store;
  const q = ctx.url.searchParams;
  const limit = intParam(q, "limit", 0, 0, 1024 * 1024 * 1024) || Infinity;
  const fromText = q.get("from");
  const seqText = q.get("seq");
  await store.audit(ctx.viewer, "session.replay", id, {
    from: fromText ?? undefined,
    seq: seqText ?? undefined,
  });

  if (seqText !== null) {
    // Continuation: raw chunk bodies (lines with v3 intervals), no header.
    const seq = intParam(q, "seq", 0, 0, 1e9);
    const chunks = await store.listChunks(id, "cast");
    const next = nextSeqAfter(chunks.map((c) => c.size), seq, limit);
    return castResponse(bodies(store.chunkBodies(id, "cast", seq, limit)), {
      "x-ddcoterm-next-seq": String(next),
      "x-ddcoterm-chunks": String(chunks.length),
    });
  }

  if (fromText === null) {
    return castResponse(bodies(store.chunkBodies(id, "cast", 0, limit)), {
      "content-disposition": `inline; filename="${id}.cast"`,
    });
  }

  const from = Number(fromText);
  if (!Number.isFinite(from) || from < 0) {
    throw new InvalidInput('Parameter "from" must be a number of seconds ≥ 0');
  }
  const point = await store.seekPoint(id, from);
  if (!point) return castResponse(bodies(store.chunkBodies(id, "cast", 0, limit)), {});
  const chunks = await store.listChunks(id, "cast");
  const next = nextSeqAfter(chunks.map((c) => c.size), point.seq, limit);
  const decoder = new CastLineDecoder();
  decoder.line(point.header, true);
  const header = decoder.header!;
  async function* parts(): AsyncGenerator<Uint8Array> {
    // Chunk 0 carries the header itself; later starts get the header and a repaint.
    if (point!.seq > 0) {
      let prefix = encodeV3Header({
        ...header,
        cols: point!.screen.cols,
        rows: point!.screen.rows,
      });
      prefix += JSON.stringify([point!.tBefore, "o", paintScreen(point!.screen)]) + "\n";
      yield encoder.encode(prefix);
    }
    yield* bodies(store.chunkBodies(id, "cast", point!.seq, limit));
  }
  return castResponse(parts(), {
    "x-ddcoterm-start-seq": String(point.seq),
    "x-ddcoterm-start-time": String(point.tBefore),
    "x-ddcoterm-next-seq": String(next),
    "x-ddcoterm-duration": String(session.lastEventTime),
  });
}

/** The first seq not sent when sending from `seq` until `limit` bytes have gone. */
function nextSeqAfter(sizes: number[], seq: number, limit: number): number {
  let sent = 0;
  for (let s = seq; s < sizes.length; s++) {
    sent += sizes[s];
    if (sent >= limit) return s + 1;
  }
  return sizes.length;
}

async function* bodies(
  chunks: AsyncIterable<{ body: Uint8Array }>,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) yield chunk.body;
}
