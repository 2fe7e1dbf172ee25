/**
 * The reviewer stream (`/api/v1/approvals/stream`, Server-Sent Events): `ready` {approvals: the
 * pending requests the viewer sees}, then `approval` (a whole request, on every change),
 * `break_glass` (a review-queue item, new or acknowledged) and `incident`. EventSource reconnects
 * by itself; every reconnection starts with a new `ready`, so a page re-reads what it may have
 * missed there.
 */

/**
 * Handlers: onReady({approvals}), onApproval(approval), onBreakGlass(item), onIncident(incident),
 * onState("connecting" | "live" | "reconnecting" | "failed"). Returns a function that closes it.
 */
export function openApprovalStream(handlers = {}) {
  const source = new EventSource("/api/v1/approvals/stream");
  const parse = (handler) => (event) => {
    let data;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    handler?.(data);
  };
  handlers.onState?.("connecting");
  source.addEventListener("ready", (event) => {
    handlers.onState?.("live");
    parse(handlers.onReady)(event);
  });
  source.addEventListener("approval", parse(handlers.onApproval));
  source.addEventListener("break_glass", parse(handlers.onBreakGlass));
  source.addEventListener("incident", parse(handlers.onIncident));
  source.addEventListener("error", () => {
    handlers.onState?.(source.readyState === EventSource.CLOSED ? "failed" : "reconnecting");
  });
  return () => source.close();
}

/** A small status line for the stream's state ("Live", "Reconnecting…"). */
export function streamStateText(state) {
  switch (state) {
    case "live":
      return "Live: updates appear as they happen.";
    case "connecting":
      return "Connecting for live updates…";
    case "reconnecting":
      return "Connection lost: reconnecting…";
    default:
      return "Live updates stopped. Reload the page to resume them.";
  }
}
