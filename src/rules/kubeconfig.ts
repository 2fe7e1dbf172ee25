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

export const readTextIfPresent: TextReader = async (path) => {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
};

/**
 * The current context comes from the first file only (as CoTerm documents); namespaces are
 * merged from all files in order. Missing or unreadable files are skipped.
 */
export async function readKubeconfig(
  env: Record<string, string | undefined>,
  read: TextReader = readTextIfPresent,
): Promise<KubeconfigInfo> {
  const merged: KubeconfigInfo = { namespaces: Object.create(null) };
  const paths = kubeconfigPaths(env);
  for (const [i, path] of paths.entries()) {
    const text = await read(path);
    // Loaded here, not at the top, and only for a file that exists: the yaml package costs
    // about 15–30 ms to import.
    const info = text === undefined
      ? undefined
      : (await import("./kubeconfig_parse.ts")).parseKubeconfig(text);
    if (!info) continue;
    if (i === 0) merged.currentContext = info.currentContext;
    for (const [name, namespace] of Object.entries(info.namespaces)) {
      if (!(name in merged.namespaces)) merged.namespaces[name] = namespace;
    }
  }
  return merged;
}
