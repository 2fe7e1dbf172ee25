import { readMeta } from "./meta.ts";

/**
 * Appends an event to a session recorded by another ddcoterm process (a shimmed command inside
 * `ddcoterm`): its time offset comes from the session's start. O_APPEND keeps each line whole.
 */
export function appendToSession(
  sessionsDir: string,
  id: string,
  type: string,
  fields: Record<string, unknown>,
): boolean {
  if (!/^[0-9a-f-]{36}$/.test(id)) return false;
  const dir = `${sessionsDir}/${id}`;
  try {
    const start = Date.parse(readMeta(dir).start);
    const now = Date.now();
    const event = { t: Math.max(0, (now - start) / 1000), time: new Date(now).toISOString(), type };
    const line = JSON.stringify({ ...event, ...fields }) + "\n";
    Deno.writeTextFileSync(`${dir}/events.jsonl`, line, { append: true, mode: 0o600 });
    return true;
  } catch {
    return false;
  }
}
