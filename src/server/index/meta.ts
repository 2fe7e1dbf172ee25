/**
 * meta.json as a client uploads it (the recorder's SessionMeta), checked field by field. The
 * server keeps the whole object and lifts out what lists filter and sort on.
 */
import { InvalidInput } from "../http/errors.ts";

export interface SessionFields {
  user: string;
  host: string;
  command: string;
  title: string | null;
  startMs: number;
  endMs: number | null;
  duration: number | null;
  exitCode: number | null;
  redactions: number;
  actions: string[];
}

const MAX_TEXT = 8192;

function fail(field: string, expected: string): never {
  throw new InvalidInput(`Invalid meta.json: "${field}" must be ${expected}`);
}

function text(meta: Record<string, unknown>, field: string, required: boolean): string | null {
  const value = meta[field];
  if (value === undefined || value === null) {
    if (required) fail(field, "a string");
    return null;
  }
  if (typeof value !== "string" || value.length > MAX_TEXT) {
    fail(field, `a string of at most ${MAX_TEXT} characters`);
  }
  return value;
}

function time(meta: Record<string, unknown>, field: string, required: boolean): number | null {
  const value = meta[field];
  if ((value === undefined || value === null) && !required) return null;
  const ms = typeof value === "string" ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) fail(field, "an ISO 8601 time");
  return ms;
}

function integer(meta: Record<string, unknown>, field: string): number | null {
  const value = meta[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isSafeInteger(value)) fail(field, "an integer");
  return value;
}

export function validateMeta(value: unknown, id: string): SessionFields {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidInput("Invalid meta.json: expected a JSON object");
  }
  const meta = value as Record<string, unknown>;
  if (meta.id !== id) fail("id", `the session id in the URL ("${id}")`);
  const duration = meta.durationSeconds;
  if (duration !== undefined && duration !== null) {
    if (typeof duration !== "number" || !Number.isFinite(duration) || duration < 0) {
      fail("durationSeconds", "a number ≥ 0");
    }
  }
  const actions = meta.actions ?? [];
  if (
    !Array.isArray(actions) || actions.length > 64 ||
    actions.some((a) => typeof a !== "string" || a.length > 64)
  ) {
    fail("actions", "a list of short strings");
  }
  return {
    user: text(meta, "user", true)!,
    host: text(meta, "host", true)!,
    command: text(meta, "command", false) ?? "",
    title: text(meta, "title", false),
    startMs: time(meta, "start", true)!,
    endMs: time(meta, "end", false),
    duration: (duration as number | null | undefined) ?? null,
    exitCode: integer(meta, "exitCode"),
    redactions: integer(meta, "redactions") ?? 0,
    actions: actions as string[],
  };
}
