/** Small helpers for JSON answers and bounded request bodies. */
import { HttpError, InvalidInput } from "./errors.ts";

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

export function json(value: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", ...SECURITY_HEADERS, ...headers },
  });
}

export function errorResponse(error: HttpError): Response {
  return json({ error: error.message }, error.status, error.headers);
}

/** The request body, refused with 413 past `max` bytes (whatever Content-Length claims). */
export async function readBody(request: Request, max: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (declared > max) throw new HttpError(413, `The body is larger than ${max} bytes`);
  if (!request.body) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const part of request.body) {
    size += part.length;
    if (size > max) throw new HttpError(413, `The body is larger than ${max} bytes`);
    parts.push(part);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.length;
  }
  return body;
}

export async function readJson(request: Request, max = 64 * 1024): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.startsWith("application/json")) {
    throw new HttpError(415, 'The body must be JSON ("content-type: application/json")');
  }
  const body = await readBody(request, max);
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new InvalidInput("The body is not valid JSON");
  }
}

/** A query parameter as an integer in [min, max], or `fallback` when absent. */
export function intParam(
  params: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = params.get(name);
  if (raw === null || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInput(`Parameter "${name}" must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function timeParam(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms)) {
    throw new InvalidInput(`Parameter "${name}" must be an ISO 8601 time or milliseconds`);
  }
  return ms;
}
