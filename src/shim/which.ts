/**
 * Finds a program the way a shell does: a name with a slash is taken as a path; otherwise the
 * first executable regular file of that name in PATH. Folders in `exclude` (compared by their
 * real path, so a symlinked or duplicated PATH entry cannot sneak back in) are skipped.
 */
export function findExecutable(
  name: string,
  pathEnv: string | undefined,
  exclude: string[] = [],
): string | null {
  if (name.includes("/")) return isExecutableFile(name) ? name : null;
  if (name === "") return null;
  const excluded = new Set(exclude.map(realPathOrSelf));
  for (const dir of (pathEnv ?? "").split(":")) {
    const folder = dir === "" ? "." : dir;
    if (excluded.size > 0 && excluded.has(realPathOrSelf(folder))) continue;
    const candidate = `${folder}/${name}`;
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

export function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && info.mode !== null && (info.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

export function realPathOrSelf(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return path;
  }
}
