/** Incidents: declared, listed, resolved; their responders become reviewers of linked requests. */
import type { RequestContext } from "../context.ts";
import { HttpError, InvalidInput } from "../http/errors.ts";
import { intParam, json, readJson } from "../http/respond.ts";
import { seesAll } from "../storage/types.ts";
import { checkName } from "./users.ts";

function incidentId(ctx: RequestContext): number {
  const id = Number(ctx.params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new InvalidInput("An incident id is a number");
  return id;
}

function title(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "" || value.length > 200) {
    throw new InvalidInput('"title" must be a string of 1 to 200 characters');
  }
  return value.trim();
}

async function responders(ctx: RequestContext, value: unknown): Promise<string[]> {
  if (!Array.isArray(value) || value.length > 100) {
    throw new InvalidInput('"responders" must be a list of user names');
  }
  const names = value.map(checkName);
  for (const name of names) {
    if (!await ctx.server.store.userByName(name)) throw new InvalidInput(`No user named "${name}"`);
  }
  return names;
}

async function objectBody(ctx: RequestContext): Promise<Record<string, unknown>> {
  const value = await readJson(ctx.request);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidInput("The body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

async function announce(ctx: RequestContext, id: number): Promise<void> {
  await ctx.server.store.db.notify(JSON.stringify({ kind: "incident", incident: id }));
}

/** POST /incidents {title, responders?}: the creator responds unless responders are named. */
export async function createIncident(ctx: RequestContext): Promise<Response> {
  const body = await objectBody(ctx);
  const names = body.responders === undefined
    ? [ctx.viewer.name]
    : await responders(ctx, body.responders);
  const incident = await ctx.server.store.approvals.createIncident(
    title(body.title),
    names,
    ctx.viewer.name,
  );
  await ctx.server.store.audit(ctx.viewer, "incident.create", null, { incident: incident.id });
  await announce(ctx, incident.id);
  return json(incident, 201);
}

/** GET /incidents?status=active|resolved&responder=NAME|me&limit */
export async function listIncidents(ctx: RequestContext): Promise<Response> {
  const q = ctx.url.searchParams;
  const status = q.get("status") || undefined;
  if (status && status !== "active" && status !== "resolved") {
    throw new InvalidInput('Parameter "status" must be active or resolved');
  }
  const responder = q.get("responder") === "me" ? ctx.viewer.name : q.get("responder") || undefined;
  const incidents = await ctx.server.store.approvals.listIncidents({
    status: status as "active" | "resolved" | undefined,
    responder,
    limit: intParam(q, "limit", 100, 1, ctx.server.limits.maxPageSize),
  });
  return json({ incidents });
}

export async function getIncident(ctx: RequestContext): Promise<Response> {
  const incident = await ctx.server.store.approvals.incident(incidentId(ctx));
  if (!incident) throw new HttpError(404, `No incident ${ctx.params.id}`);
  return json(incident);
}

/** PATCH /incidents/{id} {status?, responders?, title?}: responders, approvers and admins. */
export async function updateIncident(ctx: RequestContext): Promise<Response> {
  const id = incidentId(ctx);
  const current = await ctx.server.store.approvals.incident(id);
  if (!current) throw new HttpError(404, `No incident ${id}`);
  if (!seesAll(ctx.viewer) && !current.responders.includes(ctx.viewer.name)) {
    throw new HttpError(403, "Only the incident's responders, approvers and admins change it");
  }
  const body = await objectBody(ctx);
  if (body.status !== undefined && body.status !== "active" && body.status !== "resolved") {
    throw new InvalidInput('"status" must be active or resolved');
  }
  const incident = await ctx.server.store.approvals.updateIncident(id, {
    status: body.status as "active" | "resolved" | undefined,
    responders: body.responders === undefined ? undefined : await responders(ctx, body.responders),
    title: body.title === undefined ? undefined : title(body.title),
  }, ctx.viewer.name);
  await ctx.server.store.audit(ctx.viewer, "incident.update", null, { incident: id, ...body });
  await announce(ctx, id);
  return json(incident);
}
