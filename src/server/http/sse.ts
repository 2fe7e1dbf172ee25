/**
 * A Server-Sent Events response for a stream of notices: `open` sends the first events (the
 * current state) while notices that arrive meanwhile wait, so none is missed; then each notice
 * goes through `deliver`, one at a time and in order. A comment every 15 s keeps proxies from
 * closing an idle stream. The stream ends when the viewer leaves (cancel), on `stopOn`, or on
 * `closeOn` (which also closes it from this side).
 */
const encoder = new TextEncoder();
const HEARTBEAT_MS = 15_000;

export type SendEvent = (event: string, data: unknown) => void;

export interface SseOptions<N> {
  subscribe(onNotice: (notice: N) => void): () => void;
  open(send: SendEvent): Promise<void>;
  deliver(notice: N, send: SendEvent): Promise<void>;
  stopOn?: AbortSignal;
  closeOn?: AbortSignal;
}

export function sseResponse<N>(options: SseOptions<N>): Response {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  const send: SendEvent = (event, data) => {
    if (closed) return;
    try {
      controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
    } catch {
      closed = true;
    }
  };
  let ready = false;
  const pending: N[] = [];
  let chain = Promise.resolve();
  const enqueue = (notice: N) => {
    if (!ready) return void pending.push(notice);
    chain = chain.then(() => closed ? undefined : options.deliver(notice, send)).catch(() => {});
  };
  const unsubscribe = options.subscribe(enqueue);
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
        await options.open(send);
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
  options.stopOn?.addEventListener("abort", stop, { once: true });
  options.closeOn?.addEventListener("abort", () => {
    stop();
    try {
      controller.close();
    } catch {
      // Already closed.
    }
  }, { once: true });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream",
      "cache-control": "no-store",
      "x-accel-buffering": "no",
    },
  });
}
