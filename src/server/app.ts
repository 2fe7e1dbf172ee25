/**
 * The HTTP application: authentication (API key or cookie + CSRF), the route table, static
 * files of the web UI, and error mapping. Only /api/v1/health and /api/v1/auth/login answer
 * without credentials (and the static UI, which holds no data).
 */
import { parseCookies, safeEqual, sha256Hex } from "./auth.ts";
import { type Limits, type RequestContext, type ServerContext, viewerOf } from "./context.ts";
import { HttpError } from "./http/errors.ts";
import { errorResponse, json } from "./http/respond.ts";
import { LiveHub } from "./live.ts";
import { ApprovalHub, type AuditNotice, auditNotice } from "./approvals/hub.ts";
import { ApprovalService } from "./approvals/service.ts";
import { type ApprovalSettings, DEFAULT_POLICY } from "./approvals/settings.ts";
import * as approvals from "./routes/approvals.ts";
import * as incidents from "./routes/incidents.ts";
import { Webhooks } from "./webhooks.ts";
import * as explore from "./routes/explore.ts";
import { live } from "./routes/live.ts";
import { getCast } from "./routes/replay.ts";
import * as sessions from "./routes/sessions.ts";
import * as users from "./routes/users.ts";
import { serveStatic } from "./static.ts";
import type { ChangeNotice, Store } from "./storage/store.ts";
import type { User } from "./storage/types.ts";
import { VERSION } from "../core/version.ts";

type Handler = (ctx: RequestContext) => Promise<Response> | Response;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

function route(method: string, path: string, handler: Handler): Route {
  const names: string[] = [];
  const source = path.replace(/\{(\w+)\}/g, (_, name) => {
    names.push(name);
    return "([^/]+)";
  });
  return { method, pattern: new RegExp(`^${source}$`), names, handler };
}

const S = "/api/v1/sessions/{id}";
const ROUTES: Route[] = [
  route("GET", "/api/v1/sessions", sessions.listSessions),
  route("GET", S, sessions.getSession),
  route("PUT", `${S}/meta`, sessions.putMeta),
  route("GET", `${S}/streams`, sessions.getStreams),
  route("GET", `${S}/streams/{stream}/chunks`, sessions.listChunks),
  route("PUT", `${S}/streams/{stream}/chunks/{seq}`, sessions.putChunk),
  route("GET", `${S}/streams/{stream}/chunks/{seq}`, sessions.getChunk),
  route("GET", `${S}/cast`, getCast),
  route("GET", `${S}/events`, sessions.sessionEvents),
  route("GET", `${S}/live`, live),
  route("GET", "/api/v1/search", explore.search),
  route("GET", "/api/v1/events", explore.events),
  route("GET", "/api/v1/audit", explore.audit),
  route("GET", "/api/v1/users", users.listUsers),
  route("POST", "/api/v1/users", users.createUser),
  route("PATCH", "/api/v1/users/{name}", users.updateUser),
  route("GET", "/api/v1/users/{name}/keys", users.listKeys),
  route("POST", "/api/v1/users/{name}/keys", users.createKey),
  route("DELETE", "/api/v1/users/{name}/keys/{key}", users.deleteKey),
  route("PUT", "/api/v1/me/password", users.setOwnPassword),
  route("GET", "/api/v1/approvals", approvals.listApprovals),
  route("POST", "/api/v1/approvals", approvals.createApproval),
  route("GET", "/api/v1/approvals/stream", approvals.approvalStream),
  route("GET", "/api/v1/approvals/{id}", approvals.getApproval),
  route("POST", "/api/v1/approvals/{id}/approve", approvals.approve),
  route("POST", "/api/v1/approvals/{id}/decline", approvals.decline),
  route("POST", "/api/v1/approvals/{id}/cancel", approvals.cancel),
  route("GET", "/api/v1/break-glass", approvals.listBreakGlass),
  route("POST", "/api/v1/break-glass/{id}/acknowledge", approvals.acknowledgeBreakGlass),
  route("GET", "/api/v1/incidents", incidents.listIncidents),
  route("POST", "/api/v1/incidents", incidents.createIncident),
  route("GET", "/api/v1/incidents/{id}", incidents.getIncident),
  route("PATCH", "/api/v1/incidents/{id}", incidents.updateIncident),
];

/** How often pending approval requests past their expiry are expired (and announced). */
const EXPIRY_SWEEP_MS = 5_000;

export interface AppOptions {
  store: Store;
  limits: Limits;
  /** Folder of the web UI, served at / when it has an index.html. */
  webDir?: string;
  now?: () => number;
  /** Approval policy and webhooks (defaults: 1 approval, 1 h expiry, no webhooks). */
  approvals?: ApprovalSettings;
  /** Told when a webhook receiver keeps failing. */
  onWebhookFailure?: (url: string, reason: string) => void;
}

export interface App {
  handler: (request: Request) => Promise<Response>;
  hub: LiveHub;
  approvals: ApprovalService;
  /** Stops the expiry sweep and waits briefly for webhook deliveries in flight. */
  close(): Promise<void>;
}

/** Per-user token buckets for the upload rate (per instance). */
function uploadBudget(limits: Limits, now: () => number) {
  const buckets = new Map<number, { tokens: number; at: number }>();
  return (userId: number, bytes: number): number => {
    const rate = limits.maxUploadBytesPerSecond;
    if (rate <= 0) return 0;
    const burst = Math.max(rate, limits.maxChunkBytes);
    const t = now();
    const bucket = buckets.get(userId) ?? { tokens: burst, at: t };
    bucket.tokens = Math.min(burst, bucket.tokens + (t - bucket.at) / 1000 * rate);
    bucket.at = t;
    buckets.set(userId, bucket);
    if (bucket.tokens < bytes) return ((bytes - bucket.tokens) / rate) * 1000;
    bucket.tokens -= bytes;
    return 0;
  };
}

export async function createApp(options: AppOptions): Promise<App> {
  const now = options.now ?? Date.now;
  const hub = new LiveHub();
  const approvalHub = new ApprovalHub();
  await options.store.db.listen((payload) => {
    let notice: ChangeNotice | AuditNotice;
    try {
      notice = JSON.parse(payload);
    } catch {
      return; // Malformed: nobody to tell.
    }
    const audit = auditNotice(notice);
    if (audit) approvalHub.notify(audit);
    else if ("session" in notice) hub.publish(notice.session, notice);
  });
  const settings = options.approvals ?? { policy: DEFAULT_POLICY, webhooks: [] };
  const webhooks = new Webhooks(settings.webhooks, { onFailure: options.onWebhookFailure });
  const approvalService = new ApprovalService(
    options.store,
    settings,
    webhooks,
    approvalHub,
    now,
  );
  const sweep = setInterval(() => void approvalService.sweep().catch(() => {}), EXPIRY_SWEEP_MS);
  const server: ServerContext = {
    store: options.store,
    hub,
    approvals: approvalService,
    limits: options.limits,
    takeUploadBudget: uploadBudget(options.limits, now),
    now,
  };

  async function authenticate(
    request: Request,
  ): Promise<{ user: User; via: "key" | "cookie"; csrf?: string; token?: string } | undefined> {
    const authorization = request.headers.get("authorization");
    const key = authorization?.startsWith("Bearer ")
      ? authorization.slice(7).trim()
      : request.headers.get("dd-api-key") ?? undefined;
    if (key) {
      const user = await server.store.userByKeyHash(sha256Hex(key));
      return user && !user.disabled ? { user, via: "key" } : undefined;
    }
    const token = parseCookies(request.headers.get("cookie")).get(users.SESSION_COOKIE);
    if (!token) return undefined;
    const session = await server.store.webSession(sha256Hex(token));
    if (!session || session.user.disabled) return undefined;
    return { user: session.user, via: "cookie", csrf: session.csrf, token };
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    if (!path.startsWith("/api/")) {
      if (request.method !== "GET" && request.method !== "HEAD") {
        throw new HttpError(405, "Method not allowed");
      }
      let file = options.webDir ? await serveStatic(options.webDir, path) : undefined;
      // Client-side routes (/sessions/ID, the banner's link) get the UI's index.html.
      if (!file && options.webDir && !path.slice(path.lastIndexOf("/")).includes(".")) {
        file = await serveStatic(options.webDir, "/");
      }
      if (file) return file;
      if (path === "/") {
        return new Response(`ddcoterm server ${VERSION}: the API is under /api/v1\n`, {
          headers: { "content-type": "text/plain; charset=utf-8" },
        });
      }
      throw new HttpError(404, "Not found");
    }
    if (path === "/api/v1/health") return json({ ok: true, version: VERSION });
    if (path === "/api/v1/auth/login" && request.method === "POST") {
      return await users.login(server, request, url);
    }
    const auth = await authenticate(request);
    if (!auth) {
      throw new HttpError(401, "Sign in or send an API key (Authorization: Bearer KEY)", {
        "www-authenticate": 'Bearer realm="ddcoterm"',
      });
    }
    const unsafe = !["GET", "HEAD", "OPTIONS"].includes(request.method);
    if (auth.via === "cookie" && unsafe) {
      const token = request.headers.get("x-csrf-token") ?? "";
      if (!auth.csrf || !safeEqual(token, auth.csrf)) {
        throw new HttpError(403, 'Missing or wrong CSRF token (header "X-CSRF-Token")');
      }
    }
    const ctx: RequestContext = {
      server,
      request,
      url,
      user: auth.user,
      viewer: viewerOf(auth.user),
      via: auth.via,
      params: {},
    };
    if (path === "/api/v1/auth/me" && request.method === "GET") return users.me(ctx, auth.csrf);
    if (path === "/api/v1/auth/logout" && request.method === "POST") {
      return await users.logout(ctx, auth.token);
    }
    if (path === "/api/v1/limits" && request.method === "GET") return json(server.limits);
    let pathMatched = false;
    for (const r of ROUTES) {
      const match = r.pattern.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (r.method !== request.method) continue;
      r.names.forEach((name, i) => ctx.params[name] = decodeURIComponent(match[i + 1]));
      return await r.handler(ctx);
    }
    throw new HttpError(pathMatched ? 405 : 404, pathMatched ? "Method not allowed" : "Not found");
  }

  return {
    hub,
    approvals: approvalService,
    close: async () => {
      clearInterval(sweep);
      approvalService.stop();
      await Promise.race([webhooks.settle(), new Promise((r) => setTimeout(r, 2000))]);
      await webhooks.settle({ abort: true });
    },
    handler: async (request) => {
      try {
        return await handle(request);
      } catch (error) {
        if (error instanceof HttpError) return errorResponse(error);
        if (error instanceof URIError) return errorResponse(new HttpError(400, "Malformed URL"));
        console.error(
          `ddcoterm server: ${request.method} ${new URL(request.url).pathname}:`,
          error,
        );
        return json({ error: "Internal error" }, 500);
      }
    },
  };
}
