/** What every route handler gets: the store, the limits, the live hub and who is asking. */
import type { ApprovalService } from "./approvals/service.ts";
import type { LiveHub } from "./live.ts";
import type { Store } from "./storage/store.ts";
import type { User, Viewer } from "./storage/types.ts";

export interface Limits {
  /** Largest chunk body accepted (bytes). */
  maxChunkBytes: number;
  /** Sustained upload rate per user (bytes/s); bursts up to one second or one chunk. 0: unlimited. */
  maxUploadBytesPerSecond: number;
  /** Largest page a list may ask for. */
  maxPageSize: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxChunkBytes: 1024 * 1024,
  maxUploadBytesPerSecond: 64 * 1024 * 1024,
  maxPageSize: 1000,
};

export interface ServerContext {
  store: Store;
  hub: LiveHub;
  /** Approval requests, incidents, break-glass reviews. */
  approvals: ApprovalService;
  limits: Limits;
  /** Called when a session is written to, for the upload rate limit. */
  takeUploadBudget(userId: number, bytes: number): number;
  now(): number;
}

export interface RequestContext {
  server: ServerContext;
  request: Request;
  url: URL;
  user: User;
  viewer: Viewer;
  /** "key" for API keys, "cookie" for a signed-in browser. */
  via: "key" | "cookie";
  params: Record<string, string>;
}

export function viewerOf(user: User): Viewer {
  return { id: user.id, name: user.name, role: user.role };
}
