/**
 * Approval requests (create, list, show with long poll, approve, decline, cancel), the
 * reviewer inbox stream (SSE), and the break-glass review queue.
 */
import { isSessionId } from "../../core/ids.ts";
import { ALL, type AuditNotice } from "../approvals/hub.ts";
import { APPROVAL_STATUSES, type ApprovalStatus } from "../approvals/machine.ts";
import type { RequestContext } from "../context.ts";
import { HttpError, InvalidInput } from "../http/errors.ts";
import { intParam, json, readJson } from "../http/respond.ts";
import { seesAll } from "../storage/types.ts";
import { sseResponse } from "../http/sse.ts";

function approvalId(ctx: RequestContext): string {
  const id = ctx.params.id;
  if (!isSessionId(id)) {
    throw new InvalidInput(`"${id.slice(0, 80)}" is not an approval request id (UUIDv7)`);
  }
  return id;
}

async function body(ctx: RequestContext): Promise<Record<string, unknown>> {
  if (!ctx.request.body) return {};
  const value = await readJson(ctx.request);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidInput("The body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

function comment(value: unknown): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string" || value.length > 4000) {
    throw new InvalidInput('"comment" must be a string of at most 4000 characters');
  }
  return value;
}

export async function createApproval(ctx: RequestContext): Promise<Response> {
  const approval = await ctx.server.approvals.create(ctx.viewer, await body(ctx));
  return json(approval, 201);
}

export async function listApprovals(ctx: RequestContext): Promise<Response> {
  const q = ctx.url.searchParams;
  const status = q.get("status") || undefined;
  if (status && !(APPROVAL_STATUSES as readonly string[]).includes(status)) {
    throw new InvalidInput(`Parameter "status" must be one of ${APPROVAL_STATUSES.join(", ")}`);
  }
  const service = ctx.server.approvals;
  if (status === undefined || status === "requested") await service.sweep();
  const approvals = await service.store.approvals.list(ctx.viewer, {
    status: status as ApprovalStatus | undefined,
    requester: q.get("requester") || undefined,
    limit: intParam(q, "limit", 100, 1, ctx.server.limits.maxPageSize),
    beforeId: q.get("before") || undefined,
  });
  // "toReview=true": what the viewer could decide now (the inbox).
  const filtered = q.get("toReview") === "true"
    ? approvals.filter((a) =>
      a.status === "requested" && a.requester !== ctx.viewer.name &&
      !a.decisions.some((d) => d.reviewer === ctx.viewer.name) &&
      (a.reviewers.includes(ctx.viewer.name) || seesAll(ctx.viewer))
    )
    : approvals;
  return json({ approvals: filtered });
}

export async function getApproval(ctx: RequestContext): Promise<Response> {
  const id = approvalId(ctx);
  const q = ctx.url.searchParams;
  const waitSeconds = intParam(q, "wait", 0, 0, 60);
  const seenRaw = q.get("seen");
  const seen = seenRaw === null || seenRaw === "" ? undefined : intParam(q, "seen", 0, 0, 1e9);
  const approval = await ctx.server.approvals.wait(ctx.viewer, id, {
    waitMs: waitSeconds * 1000,
    seen,
    timeline: q.get("timeline") !== "false",
  });
  return json(approval);
}

export async function approve(ctx: RequestContext): Promise<Response> {
  const b = await body(ctx);
  return json(
    await ctx.server.approvals.decide(ctx.viewer, approvalId(ctx), "approve", comment(b.comment)),
  );
}

export async function decline(ctx: RequestContext): Promise<Response> {
  const b = await body(ctx);
  return json(
    await ctx.server.approvals.decide(ctx.viewer, approvalId(ctx), "decline", comment(b.comment)),
  );
}

export async function cancel(ctx: RequestContext): Promise<Response> {
  return json(await ctx.server.approvals.cancel(ctx.viewer, approvalId(ctx)));
}

/**
 * GET /api/v1/approvals/stream (SSE) for the reviewer inbox: `ready` {approvals: pending
 * requests the viewer sees}, then `approval` (the whole request, each time one changes),
 * `break_glass` (a queue item, new or acknowledged) and `incident`; `: ping` every 15 s.
 */
export function approvalStream(ctx: RequestContext): Response {
  const service = ctx.server.approvals;
  // A viewer who leaves cancels the stream; request.signal is not used: Deno aborts it on every
  // successful response. The server shutting down closes it.
  return sseResponse<AuditNotice>({
    subscribe: (onNotice) => service.hub.subscribe(ALL, onNotice),
    closeOn: service.closing,
    open: async (send) => {
      await service.sweep();
      const approvals = await service.store.approvals.list(ctx.viewer, {
        status: "requested",
        limit: 500,
      });
      send("ready", { approvals });
    },
    deliver: async (notice, send) => {
      if (notice.kind === "approval") {
        const approval = await service.store.approvals.get(notice.approval);
        if (approval && service.store.approvals.visibleTo(ctx.viewer, approval)) {
          send("approval", approval);
        }
      } else if (notice.kind === "break_glass") {
        const item = await service.store.approvals.breakGlass(notice.breakGlass);
        if (item && (seesAll(ctx.viewer) || item.ownerId === ctx.viewer.id)) {
          const { ownerId: _, ...record } = item;
          send("break_glass", record);
        }
      } else {
        const incident = await service.store.approvals.incident(notice.incident);
        if (incident) send("incident", incident);
      }
    },
  });
}

export async function listBreakGlass(ctx: RequestContext): Promise<Response> {
  const q = ctx.url.searchParams;
  const status = q.get("status") ?? "unreviewed";
  if (!["unreviewed", "acknowledged", "all"].includes(status)) {
    throw new InvalidInput('Parameter "status" must be unreviewed, acknowledged or all');
  }
  const items = await ctx.server.approvals.store.approvals.listBreakGlass(ctx.viewer, {
    open: status === "all" ? undefined : status === "unreviewed",
    limit: intParam(q, "limit", 100, 1, ctx.server.limits.maxPageSize),
  });
  return json({ breakGlass: items });
}

export async function acknowledgeBreakGlass(ctx: RequestContext): Promise<Response> {
  if (!seesAll(ctx.viewer)) {
    throw new HttpError(403, "Only approvers and admins review break-glass runs");
  }
  const id = Number(ctx.params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new InvalidInput("A break-glass id is a number");
  const text = comment((await body(ctx)).comment);
  if (!text) throw new InvalidInput("An acknowledgement needs a comment");
  return json(await ctx.server.approvals.acknowledge(ctx.viewer, id, text));
}
