/**
 * Live view over Server-Sent Events. A viewer first gets `snapshot` (the current screen, also
 * as a tiny asciicast that paints it), then `cast` and `events` (each new chunk's text, in
 * order), `meta` when the metadata changes and `end` when the session has ended.
 */
import { encodeV3Header } from "../../cast/v3.ts";
import { CastLineDecoder } from "../../cast/line_decoder.ts";
import { paintScreen } from "../index/screen.ts";
import type { RequestContext } from "../context.ts";
import type { ChangeNotice } from "../storage/store.ts";
import type { StreamName } from "../storage/types.ts";
import { requireReadable, sessionId } from "./sessions.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const HEARTBEAT_MS = 15_000;

export async function live(ctx: RequestContext): Promise<Response> {
  const id = sessionId(ctx);
  await requireReadable(ctx, id);
  const store = ctx.server.store;
  await store.audit(ctx.viewer, "session.live", id);

  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  const send = (event: string, data: unknown) => {
    if (closed) return;
    try {
      controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
    } catch {
      closed = true;
    }
  };
  // Notices that arrive while the snapshot is read wait here, so none is missed.
  const pending: ChangeNotice[] = [];
  let ready = false;
  let chain = Promise.resolve();
  const next: Record<StreamName, number> = { cast: 0, events: 0 };

  const deliver = async (notice: ChangeNotice) => {
    if (closed) return;
    if (notice.kind === "meta") {
      const session = await store.session(ctx.viewer, id);
      send("meta", session);
      if (session?.end) send("end", { end: session.end, exitCode: session.exitCode });
      return;
    }
    const stream = notice.kind;
    if (notice.seq === undefined || notice.seq < next[stream]) return;
    for await (const chunk of store.chunkBodies(id, stream, next[stream])) {
      if (chunk.seq > notice.seq) break;
      send(stream, { seq: chunk.seq, data: decoder.decode(chunk.body) });
      next[stream] = chunk.seq + 1;
    }
  };
  const enqueue = (notice: ChangeNotice) => {
    if (!ready) return void pending.push(notice);
    chain = chain.then(() => deliver(notice)).catch(() => {});
  };
  const unsubscribe = ctx.server.hub.subscribe(id, enqueue);
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    closed = true;
    unsubscribe();
    clearInterval(heartbeat);
  };

  const body = new ReadableStream<Uint8Array>({
    async start(c) {
      controller = c;
      try {
        const [state, streams, session] = await Promise.all([
          store.liveState(id),
          store.streams(id),
          store.session(ctx.viewer, id),
        ]);
        next.cast = streams!.cast.nextSeq;
        next.events = streams!.events.nextSeq;
        let cast: string | null = null;
        if (state.header) {
          const decoder = new CastLineDecoder();
          decoder.line(state.header, true);
          const screen = state.state?.screen;
          const header = screen
            ? { ...decoder.header!, cols: screen.cols, rows: screen.rows }
            : decoder.header!;
          cast = encodeV3Header(header) +
            (screen ? JSON.stringify([state.state!.time, "o", paintScreen(screen)]) + "\n" : "");
        }
        send("snapshot", {
          session,
          screen: state.state?.screen ?? null,
          time: state.state?.time ?? 0,
          next,
          cast,
        });
        if (session?.end) send("end", { end: session.end, exitCode: session.exitCode });
        ready = true;
        for (const notice of pending.splice(0)) enqueue(notice);
        heartbeat = setInterval(() => {
          try {
            controller.enqueue(encoder.encode(": ping\n\n"));
          } catch {
            stop();
          }
        }, HEARTBEAT_MS);
      } catch {
        stop();
        c.close();
      }
    },
    cancel() {
      stop();
    },
  });
  ctx.request.signal.addEventListener("abort", stop);
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream",
      "cache-control": "no-store",
      "x-accel-buffering": "no",
    },
  });
}
