import { UserError } from "../core/errors.ts";
import { isSessionId } from "../core/ids.ts";
import { readMeta, type SessionMeta } from "./meta.ts";

export interface StoredSession {
  id: string;
  dir: string;
  castPath: string;
  meta: SessionMeta | null;
  /** Size of session.cast in bytes. */
  castSize: number;
}

/** Every recorded session under `sessionsDir`, newest first. */
export function listSessions(sessionsDir: string): StoredSession[] {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(sessionsDir)];
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return entries
    .filter((e) => e.isDirectory && isSessionId(e.name))
    .map((e) => e.name)
    .sort()
    .reverse()
    .map((id) => loadSession(sessionsDir, id));
}

function loadSession(sessionsDir: string, id: string): StoredSession {
  const dir = `${sessionsDir}/${id}`;
  let meta: SessionMeta | null = null;
  try {
    meta = readMeta(dir);
  } catch {
    // A session killed before its first meta write, or a damaged file: still listable.
  }
  let castSize = 0;
  try {
    castSize = Deno.statSync(`${dir}/session.cast`).size;
  } catch {
    // No cast yet.
  }
  return { id, dir, castPath: `${dir}/session.cast`, meta, castSize };
}

/** Finds a session by a unique prefix of its id. */
export function findSession(sessionsDir: string, prefix: string): StoredSession {
  const wanted = prefix.toLowerCase();
  const matches = listSessions(sessionsDir).filter((s) => s.id.startsWith(wanted));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new UserError(`No session matches "${prefix}"`, 1);
  const shown = matches.slice(0, 5).map((s) => s.id).join(", ");
  throw new UserError(
    `Session id prefix "${prefix}" is ambiguous: ${matches.length} sessions match (${shown}${
      matches.length > 5 ? ", …" : ""
    })`,
  );
}

/**
 * An argument that names a recording: a path to a cast file if one exists there, else a
 * session id prefix.
 */
export function resolveRecording(
  sessionsDir: string,
  arg: string,
): { castPath: string; session?: StoredSession } {
  if (arg.includes("/") || arg.endsWith(".cast")) {
    try {
      if (Deno.statSync(arg).isFile) return { castPath: arg };
    } catch {
      throw new UserError(`Cannot open "${arg}": no such file`, 1);
    }
  }
  const session = findSession(sessionsDir, arg);
  return { castPath: session.castPath, session };
}
