import { UserError } from "../core/errors.ts";
import { findExecutable, isExecutableFile, realPathOrSelf } from "./which.ts";

/** First line after the shebang of every shim: how ddcoterm recognises its own files. */
export const SHIM_MARKER = "# ddcoterm shim";
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

export function overridesDir(home: string): string {
  return `${home}/overrides`;
}

export function validateShimName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw new UserError(
      `Cannot create a shim named "${name}": use a program name such as "kubectl" (letters, digits, . _ + -)`,
    );
  }
  if (name === "ddcoterm") throw new UserError(`Cannot shim "ddcoterm" itself`);
}

function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The shim: a two-line script that hands the command to ddcoterm's guardrails. */
export function shimScript(name: string, self: string[]): string {
  return `#!/bin/sh\n${SHIM_MARKER} for ${name}: guardrails, then the real ${name}.\n` +
    `exec ${self.map(quote).join(" ")} __shim ${quote(name)} "$@"\n`;
}

/** Writes (or rewrites) the shim atomically; returns its path. */
export function createShim(home: string, name: string, self: string[]): string {
  validateShimName(name);
  const dir = overridesDir(home);
  Deno.mkdirSync(dir, { recursive: true });
  const path = `${dir}/${name}`;
  const tmp = `${path}.tmp-${Deno.pid}`;
  Deno.writeTextFileSync(tmp, shimScript(name, self), { mode: 0o755 });
  Deno.chmodSync(tmp, 0o755);
  Deno.renameSync(tmp, path);
  return path;
}

export function isShim(path: string): boolean {
  try {
    const file = Deno.openSync(path);
    try {
      const head = new Uint8Array(256);
      const n = file.readSync(head) ?? 0;
      return new TextDecoder().decode(head.subarray(0, n)).includes(SHIM_MARKER);
    } finally {
      file.close();
    }
  } catch {
    return false;
  }
}

export function listShims(home: string): string[] {
  try {
    return [...Deno.readDirSync(overridesDir(home))]
      .filter((e) => (e.isFile || e.isSymlink) && isShim(`${overridesDir(home)}/${e.name}`))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/** Removes a shim; returns false when there was none of that name. */
export function removeShim(home: string, name: string): boolean {
  const path = `${overridesDir(home)}/${name}`;
  if (!isShim(path)) return false;
  Deno.removeSync(path);
  return true;
}

/**
 * The real program behind a shim: the first `name` on PATH that is neither in the overrides
 * folder (by real path, so duplicates and symlinked entries do not count) nor a shim itself
 * (a symlink elsewhere that leads back to one). Never recursion.
 */
export function findRealBinary(
  name: string,
  pathEnv: string | undefined,
  home: string,
): string | null {
  const overrides = realPathOrSelf(overridesDir(home));
  const dirs = (pathEnv ?? "").split(":").filter((d) => realPathOrSelf(d || ".") !== overrides);
  for (const dir of dirs) {
    const candidate = findExecutable(name, dir);
    if (!candidate) continue;
    const real = realPathOrSelf(candidate);
    if (real.startsWith(overrides + "/") || isShim(real)) continue;
    return candidate;
  }
  return null;
}

export { isExecutableFile };
