/** Sessions: list, detail, meta upload, chunk upload and listing, events of one session. */
import { isSessionId, uuidv7Time } from "../../core/ids.ts";
import { HttpError, InvalidInput } from "../http/errors.ts";
import { intParam, json, readBody, readJson, timeParam } from "../http/respond.ts";
import { parseEventQuery } from "../index/query.ts";
import type { RequestContext } from "../context.ts";
import { seesAll, type SessionFilter, type StreamName, STREAMS } from "../storage/types.ts";

const SHA256 = /^[0-9a-f]{64}$/;
const SORTS = ["start", "-start", "duration", "-duration", "user", "host"] as const;

export function sessionId(ctx: RequestContext): string {
  const id = ctx.params.id;
  if (!isSessionId(id)) throw new InvalidInput(`"${id.slice(0, 80)}" is not a session id (UUIDv7)`);
  return id;
}

export function streamName(ctx: RequestContext): StreamName {
  const stream = ctx.params.stream;
  if (!(STREAMS as readonly string[]).includes(stream)) {
    throw new HttpError(404, `No stream "${stream.slice(0, 40)}" (expected cast or events)`);
  }
  return stream as StreamName;
}

/** 404 unless the viewer may read the session (members: their own only). */
export async function requireReadable(ctx: RequestContext, id: string) {
  const session = await ctx.server.store.session(ctx.viewer, id);
  if (!session) throw new HttpError(404, `No session ${id}`);
  return session;
}

export async function listSessions(ctx: RequestContext): Promise<Response> {
  const q = ctx.url.searchParams;
  const exit = q.get("exit");
  let exitFilter: SessionFilter["exit"];
  if (exit) {
    if (exit === "success" || exit === "failure" || exit === "running") exitFilter = exit;
    else if (/^-?\d+$/.test(exit)) exitFilter = Number(exit);
    else throw new InvalidInput('Parameter "exit" must be success, failure, running or a number');
  }
  const sort = q.get("sort") ?? "-start";
  if (!(SORTS as readonly string[]).includes(sort)) {
    throw new InvalidInput(`Parameter "sort" must be one of ${SORTS.join(", ")}`);
  }
  const bool = (name: string) => {
    const value = q.get(name);
    if (value === null || value === "") return undefined;
    if (value !== "true" && value !== "false") {
      throw new InvalidInput(`Parameter "${name}" must be true or false`);
    }
    return value === "true";
  };
  const text = (name: string) => {
    const value = q.get(name) ?? undefined;
    if (value !== undefined && value.length > 500) {
      throw new InvalidInput(`Parameter "${name}" is longer than 500 characters`);
    }
    return value || undefined;
  };
  const result = await ctx.server.store.listSessions(ctx.viewer, {
    user: text("user"),
    host: text("host"),
    command: text("command"),
    fromMs: timeParam(q, "from"),
    toMs: timeParam(q, "to"),
    exit: exitFilter,
    action: text("action"),
    breakGlass: bool("breakGlass"),
    live: bool("live"),
    sort: sort as SessionFilter["sort"],
    limit: intParam(q, "limit", 50, 1, ctx.server.limits.maxPageSize),
    offset: intParam(q, "offset", 0, 0, 1e9),
  });
  return json(result);
}

export async function getSession(ctx: RequestContext): Promise<Response> {
  const id = sessionId(ctx);
  const session = await requireReadable(ctx, id);
  await ctx.server.store.audit(ctx.viewer, "session.view", id);
  return json(session);
}

export async function putMeta(ctx: RequestContext): Promise<Response> {
  const id = sessionId(ctx);
  const meta = await readJson(ctx.request, 64 * 1024);
  await ctx.server.store.putMeta(ctx.viewer, id, meta, uuidv7Time(id));
  return json({ ok: true });
}

/** Upload state, so a client can resume: readable by the owner (and those who see all). */
export async function getStreams(ctx: RequestContext): Promise<Response> {
  const id = sessionId(ctx);
  const owner = await ctx.server.store.ownerOf(id);
  if (owner === undefined) {
    return json({
      exists: false,
      streams: {
        cast: { nextSeq: 0, lastSha256: "", bytes: 0 },
        events: { nextSeq: 0, lastSha256: "", bytes: 0 },
      },
    });
  }
  if (owner !== ctx.viewer.id && !seesAll(ctx.viewer)) throw new HttpError(404, `No session ${id}`);
  return json({ exists: true, streams: await ctx.server.store.streams(id) });
}

export async function putChunk(ctx: RequestContext): Promise<Response> {
  const id = sessionId(ctx);
  const stream = streamName(ctx);
  const seqText = ctx.params.seq;
  if (!/^\d{1,9}$/.test(seqText)) throw new InvalidInput(`Chunk number "${seqText}" is not valid`);
  const seq = Number(seqText);
  const sha256 = ctx.request.headers.get("x-chunk-sha256") ?? "";
  const prevSha256 = ctx.request.headers.get("x-prev-sha256") ?? "";
  if (!SHA256.test(sha256)) {
    throw new InvalidInput('Header "X-Chunk-Sha256" must be 64 lowercase hex digits');
  }
  if (prevSha256 !== "" && !SHA256.test(prevSha256)) {
    throw new InvalidInput('Header "X-Prev-Sha256" must be empty or 64 lowercase hex digits');
  }
  if (seq === 0 && prevSha256 !== "") {
    throw new InvalidInput('Chunk 0 must have an empty "X-Prev-Sha256"');
  }
  const body = await readBody(ctx.request, ctx.server.limits.maxChunkBytes);
  const actual = await digestHex(body);
  if (actual !== sha256) {
    throw new InvalidInput(`The chunk's sha256 is ${actual}, not the ${sha256} it claims`);
  }
  const wait = ctx.server.takeUploadBudget(ctx.viewer.id, body.length);
  if (wait > 0) {
    throw new HttpError(429, "Upload rate limit reached; retry later", {
      "retry-after": String(Math.ceil(wait / 1000)),
    });
  }
  const { result, streams } = await ctx.server.store.putChunk(
    ctx.viewer,
    id,
    stream,
    { seq, sha256, prevSha256 },
    body,
    uuidv7Time(id),
  );
  return json({ result, streams }, result === "created" ? 201 : 200);
}

export async function listChunks(ctx: RequestContext): Promise<Response> {
  const id = sessionId(ctx);
  const stream = streamName(ctx);
  const owner = await ctx.server.store.ownerOf(id);
  if (owner === undefined || (owner !== ctx.viewer.id && !seesAll(ctx.viewer))) {
    throw new HttpError(404, `No session ${id}`);
  }
  return json({ chunks: await ctx.server.store.listChunks(id, stream) });
}

export async function getChunk(ctx: RequestContext): Promise<Response> {
  const id = sessionId(ctx);
  const stream = streamName(ctx);
  await requireReadable(ctx, id);
  const seq = Number(ctx.params.seq);
  if (!/^\d{1,9}$/.test(ctx.params.seq)) throw new InvalidInput("The chunk number is not valid");
  for await (const chunk of ctx.server.store.chunkBodies(id, stream, seq, 1)) {
    await ctx.server.store.audit(ctx.viewer, "session.download", id, { stream, seq });
    return new Response(chunk.body as Uint8Array<ArrayBuffer>, {
      headers: { "content-type": "application/octet-stream", "cache-control": "no-store" },
    });
  }
  throw new HttpError(404, `No chunk ${seq} in stream ${stream} of session ${id}`);
}

export async function sessionEvents(ctx: RequestContext): Promise<Response> {
  const id = sessionId(ctx);
  await requireReadable(ctx, id);
  const q = ctx.url.searchParams;
  const query = parseEventQuery(q.get("q") ?? "");
  query.fields.push({ field: "session", value: id, negate: false });
  const result = await ctx.server.store.queryEvents(ctx.viewer, query, {
    limit: intParam(q, "limit", 1000, 1, 10_000),
    beforeId: intParam(q, "before", 0, 0, Number.MAX_SAFE_INTEGER) || undefined,
    facets: false,
    buckets: 1,
  });
  // Oldest first, as a timeline reads.
  return json({ events: result.events.reverse(), total: result.total });
}

export async function digestHex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
