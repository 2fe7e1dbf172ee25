/** The shapes the store hands to the API (and the API to clients, as JSON). */
export type Role = "admin" | "approver" | "member";
export const ROLES: readonly Role[] = ["admin", "approver", "member"];

export interface User {
  id: number;
  name: string;
  role: Role;
  disabled: boolean;
  hasPassword: boolean;
  createdAt: string;
}

/** Who is asking: members see their own sessions, approvers and admins see all. */
export interface Viewer {
  id: number;
  name: string;
  role: Role;
}

export function seesAll(viewer: Viewer): boolean {
  return viewer.role === "admin" || viewer.role === "approver";
}

export type StreamName = "cast" | "events";
export const STREAMS: readonly StreamName[] = ["cast", "events"];

export interface StreamInfo {
  nextSeq: number;
  lastSha256: string;
  bytes: number;
}

export interface SessionSummary {
  id: string;
  owner: string;
  user: string;
  host: string;
  command: string;
  title: string | null;
  start: string;
  end: string | null;
  durationSeconds: number | null;
  exitCode: number | null;
  redactions: number;
  actions: string[];
  breakGlass: boolean;
  live: boolean;
  castBytes: number;
  eventCount: number;
  lastEventTime: number;
}

export interface SessionDetail extends SessionSummary {
  meta: Record<string, unknown> | null;
  streams: Record<StreamName, StreamInfo>;
}

export interface ChunkInfo {
  seq: number;
  offset: number;
  size: number;
  sha256: string;
  prevSha256: string;
  tFirst: number | null;
  tLast: number | null;
  seekable: boolean;
}

export interface SessionFilter {
  user?: string;
  host?: string;
  command?: string;
  fromMs?: number;
  toMs?: number;
  exit?: "success" | "failure" | "running" | number;
  action?: string;
  breakGlass?: boolean;
  live?: boolean;
  sort?: "start" | "-start" | "duration" | "-duration" | "user" | "host";
  limit: number;
  offset: number;
}

export interface LineHit {
  id: number;
  sessionId: string;
  lineNo: number;
  t: number;
  text: string;
  user: string;
  host: string;
  /** Wall time of the line, ISO 8601. */
  time: string;
  context: { lineNo: number; t: number; text: string }[];
}

export interface EventRecord {
  id: number;
  sessionId: string;
  t: number;
  time: string;
  type: string;
  source: string;
  user: string;
  host: string;
  executable: string | null;
  data: Record<string, unknown>;
}

export interface AuditRecord {
  id: number;
  at: string;
  user: string;
  action: string;
  sessionId: string | null;
  detail: Record<string, unknown>;
}
