import { readCacheFile, writeCacheFile } from "../core/cache_file.ts";

/** What rules need from a kubeconfig file. */
export interface KubeconfigInfo {
  currentContext?: string;
  /** Namespace of each context that sets one, by context name. */
  namespaces: Record<string, string>;
}

/** The kubeconfig files kubectl would read: `$KUBECONFIG` (colon-separated) or ~/.kube/config. */
export function kubeconfigPaths(env: Record<string, string | undefined>): string[] {
  const list = (env.KUBECONFIG ?? "").split(":").filter((path) => path !== "");
  if (list.length > 0) return list;
  return env.HOME ? [`${env.HOME}/.kube/config`] : [];
}

/** Reads a file's text, or undefined when it cannot be read. */
export type TextReader = (path: string) => Promise<string | undefined>;

export const readTextIfPresent: TextReader = (path) => {
  // Synchronous: the evaluation waits for it anyway, and a missing file (the usual case) costs
  // less than half as much as through the asynchronous call.
  try {
    return Promise.resolve(Deno.readTextFileSync(path));
  } catch {
    return Promise.resolve(undefined);
  }
};

/**
 * The current context comes from the first file only (as CoTerm documents); namespaces are
 * merged from all files in order. Missing or unreadable files are skipped. With `cacheDir`,
 * what a file's text gave is kept there by a digest of the text: parsing needs the yaml
 * package, whose import costs 15–30 ms of every shimmed kubectl's start-up.
 */
export async function readKubeconfig(
  env: Record<string, string | undefined>,
  read: TextReader = readTextIfPresent,
  cacheDir?: string,
): Promise<KubeconfigInfo> {
  const merged: KubeconfigInfo = { namespaces: Object.create(null) };
  const cache = cacheDir === undefined ? undefined : new ParseCache(`${cacheDir}/${CACHE_FILE}`);
  for (const [i, path] of kubeconfigPaths(env).entries()) {
    const text = await read(path);
    const info = text === undefined ? undefined : await parse(text, cache);
    if (!info) continue;
    if (i === 0) merged.currentContext = info.currentContext;
    for (const [name, namespace] of Object.entries(info.namespaces)) {
      if (!(name in merged.namespaces)) merged.namespaces[name] = namespace;
    }
  }
  cache?.save();
  return merged;
}

const CACHE_FILE = "kubeconfig-contexts.json";
/** Distinct kubeconfig texts remembered (kubectl rewrites the file on each context switch). */
const CACHE_ENTRIES = 8;

/** What kubeconfig texts gave, by a SHA-256 of the text: read once, written once if changed. */
class ParseCache {
  #entries: Record<string, KubeconfigInfo | null>;
  #changed = false;

  constructor(readonly file: string) {
    const stored = readCacheFile(file);
    this.#entries = typeof stored === "object" && stored !== null
      ? stored as Record<string, KubeconfigInfo | null>
      : {};
  }

  get(key: string): KubeconfigInfo | null | undefined {
    return Object.hasOwn(this.#entries, key) ? this.#entries[key] : undefined;
  }

  set(key: string, info: KubeconfigInfo | null): void {
    delete this.#entries[key];
    this.#entries[key] = info;
    this.#changed = true;
  }

  save(): void {
    if (!this.#changed) return;
    writeCacheFile(
      this.file,
      Object.fromEntries(Object.entries(this.#entries).slice(-CACHE_ENTRIES)),
    );
  }
}

/** parseKubeconfig, answered from the cache when this text was parsed before. */
async function parse(text: string, cache?: ParseCache): Promise<KubeconfigInfo | undefined> {
  const key = cache === undefined ? "" : await digest(text);
  const known = cache?.get(key);
  if (known !== undefined) return known ?? undefined;
  // Loaded here, not at the top, and only for text not seen before: see readKubeconfig.
  const info = (await import("./kubeconfig_parse.ts")).parseKubeconfig(text);
  cache?.set(key, info ?? null);
  return info;
}

async function digest(text: string): Promise<string> {
  const bytes = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}
