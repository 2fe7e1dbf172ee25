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
import { sseResponse } from "../http/sse.ts";

const decoder = new TextDecoder();

export async function live(ctx: RequestContext): Promise<Response> {
  const id = sessionId(ctx);
  await requireReadable(ctx, id);
  const store = ctx.server.store;
  await store.audit(ctx.viewer, "session.live", id);

  const next: Record<StreamName, number> = { cast: 0, events: 0 };
  return sseResponse<ChangeNotice>({
    subscribe: (onNotice) => ctx.server.hub.subscribe(id, onNotice),
    stopOn: ctx.request.signal,
    open: async (send) => {
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
    },
    deliver: async (notice, send) => {
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
    },
  });
}
