/**
 * Derived data kept between runs to spare start-up work (parsed YAML, compiled tables). A cache
 * is never needed: a missing, damaged or unwritable one only costs the work it was meant to save.
 */

/** The parsed JSON of `file`, or undefined when it is missing or damaged. */
export function readCacheFile(file: string): unknown {
  try {
    return JSON.parse(Deno.readTextFileSync(file));
  } catch {
    return undefined;
  }
}

/** Writes `value` as JSON, atomically (readers never see half a file); failures are ignored. */
export function writeCacheFile(file: string, value: unknown): void {
  const temporary = `${file}.${Deno.pid}.tmp`;
  try {
    Deno.mkdirSync(file.slice(0, file.lastIndexOf("/")) || "/", { recursive: true });
    Deno.writeTextFileSync(temporary, JSON.stringify(value), { mode: 0o600 });
    Deno.renameSync(temporary, file);
  } catch {
    try {
      Deno.removeSync(temporary);
    } catch {
      // Never written.
    }
  }
}

/** 32-bit FNV-1a of a string's UTF-16 units, as 8 hex digits: enough to notice an edit. */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, "0");
}
