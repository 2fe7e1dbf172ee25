export {
  recordSession,
  type SessionInfo,
  type SessionRequest,
  type SessionResult,
} from "./session.ts";
export { readMeta, type SessionMeta, writeMeta } from "./meta.ts";
export type { StreamFilter } from "./filter.ts";
export { restoreTerminal, stdioIsTerminal } from "./terminal.ts";
export { appendToSession } from "./join.ts";
export { findSession, listSessions, resolveRecording } from "./store.ts";
export { currentUser } from "./user.ts";
