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
  const paths = kubeconfigPaths(env);
  for (const [i, path] of paths.entries()) {
    const text = await read(path);
    const info = text === undefined ? undefined : await parseCached(text, cacheDir);
    if (!info) continue;
    if (i === 0) merged.currentContext = info.currentContext;
    for (const [name, namespace] of Object.entries(info.namespaces)) {
      if (!(name in merged.namespaces)) merged.namespaces[name] = namespace;
    }
  }
  return merged;
}

const CACHE_FILE = "kubeconfig-contexts.json";
/** Distinct kubeconfig texts remembered (kubectl rewrites the file on each context switch). */
const CACHE_ENTRIES = 8;

type ParseCache = Record<string, KubeconfigInfo | null>;

/** parseKubeconfig, answered from `cacheDir` when this text was parsed before. */
async function parseCached(text: string, cacheDir?: string): Promise<KubeconfigInfo | undefined> {
  const key = cacheDir === undefined ? "" : await digest(text);
  const file = `${cacheDir}/${CACHE_FILE}`;
  let cache: ParseCache = {};
  if (cacheDir !== undefined) {
    try {
      cache = JSON.parse(Deno.readTextFileSync(file));
      if (key in cache) return cache[key] ?? undefined;
    } catch {
      cache = {}; // Missing or damaged: parsed and written below.
    }
  }
  // Loaded here, not at the top, and only for text not seen before: see readKubeconfig.
  const info = (await import("./kubeconfig_parse.ts")).parseKubeconfig(text);
  if (cacheDir !== undefined) {
    const kept = Object.entries(cache).slice(-(CACHE_ENTRIES - 1));
    writeCache(cacheDir, file, Object.fromEntries([...kept, [key, info ?? null]]));
  }
  return info;
}

async function digest(text: string): Promise<string> {
  const bytes = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

function writeCache(dir: string, file: string, cache: ParseCache): void {
  try {
    Deno.mkdirSync(dir, { recursive: true });
    const temporary = `${file}.${Deno.pid}.tmp`;
    Deno.writeTextFileSync(temporary, JSON.stringify(cache), { mode: 0o600 });
    Deno.renameSync(temporary, file); // Readers never see a half-written cache.
  } catch {
    // A read-only home: every run parses.
  }
}
