/**
 * Following a running session: a player driver fed by the server's Server-Sent Events
 * (`/api/v1/sessions/{id}/live`). The first event, `snapshot`, paints the current screen, so a
 * viewer who joins late sees it at once; `cast` events then carry each uploaded chunk
 * (asciicast v3 lines), `events` the process events, `meta` and `end` the session's state.
 * The player's built-in eventsource driver expects another message format, hence this one.
 */
import { parseCastLines } from "./cast.js";

/**
 * A driver for AsciinemaPlayer.create(driver, el, { autoPlay: true }).
 * Callbacks: onCast(seconds), onEvents(list), onMeta(session), onEnd(data), onState(text).
 */
export function liveDriver(sessionId, callbacks = {}) {
  return ({ dispatch }) => {
    let source;
    let micros = 0;
    let sized = false;
    let receivedAt = performance.now();
    let ended = false;

    const reset = (cols, rows, init) => {
      dispatch("reset", { size: { cols, rows }, init });
      dispatch("playing");
      sized = true;
    };

    const play = (lines) => {
      for (const [, code, data] of lines) {
        if (code === "o") dispatch("output", data);
        else if (code === "r") {
          const [cols, rows] = String(data).split("x").map(Number);
          if (cols > 0 && rows > 0) dispatch("resize", { cols, rows });
        }
      }
    };

    const onSnapshot = (event) => {
      const snapshot = JSON.parse(event.data);
      micros = Math.round((snapshot.time ?? 0) * 1_000_000);
      receivedAt = performance.now();
      if (snapshot.cast) {
        const { header, events } = parseCastLines(snapshot.cast);
        const init = events.map((e) => e[1] === "o" ? e[2] : "").join("");
        reset(header.term.cols, header.term.rows, init);
      } else {
        sized = false;
      }
    };

    const onCast = (event) => {
      const { data } = JSON.parse(event.data);
      const { header, events, endMicros } = parseCastLines(data, { baseMicros: micros });
      if (!sized) {
        const term = header?.term ?? { cols: 80, rows: 24 };
        reset(term.cols, term.rows, "");
      }
      micros = endMicros;
      receivedAt = performance.now();
      play(events);
      callbacks.onCast?.(micros / 1_000_000);
    };

    const onEvents = (event) => {
      const { data } = JSON.parse(event.data);
      const list = data.split("\n").filter((l) => l.trim()).map((line) => {
        try {
          return JSON.parse(line);
        } catch {
          return null;
        }
      }).filter(Boolean);
      callbacks.onEvents?.(list);
    };

    return {
      play() {
        if (source) return true;
        dispatch("play");
        callbacks.onState?.("connecting");
        source = new EventSource(`/api/v1/sessions/${encodeURIComponent(sessionId)}/live`);
        source.addEventListener("open", () => callbacks.onState?.("live"));
        source.addEventListener("snapshot", onSnapshot);
        source.addEventListener("cast", onCast);
        source.addEventListener("events", onEvents);
        source.addEventListener("meta", (e) => callbacks.onMeta?.(JSON.parse(e.data)));
        source.addEventListener("end", (e) => {
          ended = true;
          source.close();
          dispatch("ended", { message: "Session ended" });
          callbacks.onEnd?.(JSON.parse(e.data));
        });
        source.addEventListener("error", () => {
          if (ended) return;
          // EventSource retries by itself unless the server refused outright.
          if (source.readyState === EventSource.CLOSED) callbacks.onState?.("failed");
          else callbacks.onState?.("reconnecting");
        });
        return true;
      },
      stop() {
        source?.close();
      },
      getCurrentTime() {
        const since = ended ? 0 : (performance.now() - receivedAt) / 1000;
        return micros / 1_000_000 + since;
      },
    };
  };
}
