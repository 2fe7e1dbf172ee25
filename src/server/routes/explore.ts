/** Log search over transcripts, the events explorer, and the audit trail. */
import { HttpError, InvalidInput } from "../http/errors.ts";
import { intParam, json, timeParam } from "../http/respond.ts";
import { parseEventQuery } from "../index/query.ts";
import type { RequestContext } from "../context.ts";
import { seesAll } from "../storage/types.ts";
import { isSessionId } from "../../core/ids.ts";

export async function search(ctx: RequestContext): Promise<Response> {
  const q = ctx.url.searchParams;
  const query = q.get("q") ?? "";
  if (query.length > 1000) throw new InvalidInput('The search query "q" is too long');
  const session = q.get("session") ?? undefined;
  if (session !== undefined && !isSessionId(session)) {
    throw new InvalidInput('Parameter "session" must be a session id');
  }
  const hits = await ctx.server.store.searchLines(ctx.viewer, {
    query,
    limit: intParam(q, "limit", 50, 1, 500),
    beforeId: intParam(q, "before", 0, 0, Number.MAX_SAFE_INTEGER) || undefined,
    sessionId: session,
    context: intParam(q, "context", 2, 0, 20),
  });
  await ctx.server.store.audit(ctx.viewer, "logs.search", session ?? null, {
    q: query,
    hits: hits.length,
  });
  return json({ hits, next: hits.length ? hits[hits.length - 1].id : null });
}

export async function events(ctx: RequestContext): Promise<Response> {
  const q = ctx.url.searchParams;
  const query = parseEventQuery(q.get("q") ?? "");
  const result = await ctx.server.store.queryEvents(ctx.viewer, query, {
    fromMs: timeParam(q, "from"),
    toMs: timeParam(q, "to"),
    limit: intParam(q, "limit", 100, 1, ctx.server.limits.maxPageSize),
    beforeId: intParam(q, "before", 0, 0, Number.MAX_SAFE_INTEGER) || undefined,
    facets: q.get("facets") !== "false",
    buckets: intParam(q, "buckets", 60, 1, 500),
  });
  await ctx.server.store.audit(ctx.viewer, "events.query", null, { q: q.get("q") ?? "" });
  return json(result);
}

export async function audit(ctx: RequestContext): Promise<Response> {
  if (!seesAll(ctx.viewer)) {
    throw new HttpError(403, "Only approvers and admins read the audit trail");
  }
  const q = ctx.url.searchParams;
  const session = q.get("session") ?? undefined;
  if (session !== undefined && !isSessionId(session)) {
    throw new InvalidInput('Parameter "session" must be a session id');
  }
  const records = await ctx.server.store.listAudit({
    sessionId: session,
    user: q.get("user") ?? undefined,
    limit: intParam(q, "limit", 100, 1, ctx.server.limits.maxPageSize),
    beforeId: intParam(q, "before", 0, 0, Number.MAX_SAFE_INTEGER) || undefined,
  });
  return json({ records });
}
