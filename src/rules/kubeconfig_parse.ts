import { parse } from "yaml";
import type { KubeconfigInfo } from "./kubeconfig.ts";

/** Reads `current-context` and the contexts' namespaces; undefined when the text is not YAML. */
export function parseKubeconfig(text: string): KubeconfigInfo | undefined {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(doc)) return undefined;
  const info: KubeconfigInfo = { namespaces: Object.create(null) };
  const current = doc["current-context"];
  if (typeof current === "string" && current !== "") info.currentContext = current;
  const contexts = Array.isArray(doc.contexts) ? doc.contexts : [];
  for (const entry of contexts) {
    if (!isRecord(entry) || typeof entry.name !== "string" || !isRecord(entry.context)) continue;
    const namespace = entry.context.namespace;
    // kubectl merges files with the first definition winning; keep that order here too.
    if (typeof namespace === "string" && !(entry.name in info.namespaces)) {
      info.namespaces[entry.name] = namespace;
    }
  }
  return info;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
