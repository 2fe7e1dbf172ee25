/** Where a command name runs from, as execvp searches: one exec, no failed attempts to trace. */

/** glibc's search path when PATH is unset. */
export const DEFAULT_PATH = "/bin:/usr/bin";

export type Resolution = { path: string } | { error: "not_found" | "denied" };

/**
 * Resolves `name` against `pathVariable`. A name with a slash is taken as is. `check` tells
 * whether a file is a runnable regular file (true), exists but may not be run ("denied"), or
 * is absent or not a file (false). As in execvp, a denied candidate does not stop the search,
 * but is the error when nothing later matches.
 */
export function resolveCommand(
  name: string,
  pathVariable: string | undefined,
  check: (path: string) => boolean | "denied",
): Resolution {
  if (name === "") return { error: "not_found" };
  if (name.includes("/")) {
    const verdict = check(name);
    if (verdict === true) return { path: name };
    return { error: verdict === "denied" ? "denied" : "not_found" };
  }
  let denied = false;
  for (const dir of (pathVariable ?? DEFAULT_PATH).split(":")) {
    const candidate = `${dir === "" ? "." : dir.replace(/\/+$/, "")}/${name}`;
    const verdict = check(candidate);
    if (verdict === true) return { path: candidate };
    if (verdict === "denied") denied = true;
  }
  return { error: denied ? "denied" : "not_found" };
}
