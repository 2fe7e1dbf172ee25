/**
 * The client side of approvals, incidents and break-glass reviews: small typed calls to the
 * server's /api/v1. Errors are one of two kinds: the server answered no (ApiError, with its
 * one-sentence message), or it could not be reached (Unreachable).
 */
import type {
  ApprovalRecord,
  ApprovalStatus,
  BreakGlassRecord,
  IncidentRecord,
} from "../core/approval_wire.ts";
import type { Connection } from "../upload/connection.ts";

export type { ApprovalStatus };
export type Approval = ApprovalRecord;
export type Incident = IncidentRecord;
export type BreakGlassItem = BreakGlassRecord;

export interface NewApprovalRequest {
  kind?: "command" | "manual";
  command: string;
  executable?: string;
  user?: string;
  host?: string;
  cwd?: string;
  rule?: { source: string; index: number | null; line: number | null } | null;
  userMessage?: string | null;
  approverMessage?: string | null;
  incidentId?: number | null;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "ApiError";
  }
}

export class Unreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Unreachable";
  }
}

export class ApprovalApi {
  constructor(readonly connection: Connection) {}

  async call<T>(
    method: string,
    path: string,
    { body, signal, timeoutMs = 15_000 }: {
      body?: unknown;
      signal?: AbortSignal;
      timeoutMs?: number;
    } = {},
  ): Promise<T> {
    const signals = [AbortSignal.timeout(timeoutMs)];
    if (signal) signals.push(signal);
    let response: Response;
    try {
      response = await fetch(`${this.connection.url}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.connection.apiKey}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      const reason = error instanceof DOMException && error.name === "TimeoutError"
        ? "no answer in time"
        : (error as Error).message;
      throw new Unreachable(`Cannot reach the server at ${this.connection.url}: ${reason}`);
    }
    const text = await response.text();
    let value: unknown = undefined;
    try {
      value = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: described below by status.
    }
    if (!response.ok) {
      const message = (value as { error?: string } | undefined)?.error ??
        `The server answered HTTP ${response.status}`;
      if (response.status >= 500) throw new Unreachable(`The server failed: ${message}`);
      throw new ApiError(response.status, message);
    }
    return value as T;
  }

  create(request: NewApprovalRequest): Promise<Approval> {
    return this.call("POST", "/approvals", { body: request });
  }

  /** Long poll: returns when the request changes from `seen`, is decided, or after `waitSeconds`. */
  get(
    id: string,
    { waitSeconds = 0, seen, signal }: {
      waitSeconds?: number;
      seen?: number;
      signal?: AbortSignal;
    } = {},
  ): Promise<Approval> {
    const query = new URLSearchParams();
    if (waitSeconds > 0) query.set("wait", String(waitSeconds));
    if (seen !== undefined) query.set("seen", String(seen));
    const suffix = query.size ? `?${query}` : "";
    return this.call("GET", `/approvals/${encodeURIComponent(id)}${suffix}`, {
      signal,
      timeoutMs: (waitSeconds + 15) * 1000,
    });
  }

  async list(params: Record<string, string> = {}): Promise<Approval[]> {
    const query = new URLSearchParams(params);
    const suffix = query.size ? `?${query}` : "";
    return (await this.call<{ approvals: Approval[] }>("GET", `/approvals${suffix}`)).approvals;
  }

  decide(id: string, decision: "approve" | "decline", comment?: string): Promise<Approval> {
    return this.call("POST", `/approvals/${encodeURIComponent(id)}/${decision}`, {
      body: comment ? { comment } : {},
    });
  }

  cancel(id: string): Promise<Approval> {
    return this.call("POST", `/approvals/${encodeURIComponent(id)}/cancel`, {
      body: {},
      timeoutMs: 5000,
    });
  }

  async myIncidents(): Promise<Incident[]> {
    return (await this.call<{ incidents: Incident[] }>(
      "GET",
      "/incidents?status=active&responder=me",
    )).incidents;
  }

  async breakGlass(status: "unreviewed" | "acknowledged" | "all"): Promise<BreakGlassItem[]> {
    return (await this.call<{ breakGlass: BreakGlassItem[] }>(
      "GET",
      `/break-glass?status=${status}`,
    )).breakGlass;
  }

  acknowledge(id: number, comment: string): Promise<BreakGlassItem> {
    return this.call("POST", `/break-glass/${id}/acknowledge`, { body: { comment } });
  }
}
