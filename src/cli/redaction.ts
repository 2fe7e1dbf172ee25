import type { RedactionConfig } from "../core/redaction_config.ts";
import { cacheDir, ddcotermHome } from "../core/home.ts";
import type { StreamFilter } from "../record/mod.ts";

export interface Redaction {
  /** A fresh redactor per stream (output, input). */
  createFilter: () => StreamFilter;
  /** Redacts metadata: command lines, titles, argv, paths. */
  redactText: (text: string) => string;
}

/**
 * The redaction module, with its derived tables cached under $DDCOTERM_HOME/cache: a
 * recorder's start-up then skips building them. Imported on demand: the rule set is the
 * largest module of the recorder.
 */
export async function redactModule(): Promise<typeof import("../redact/mod.ts")> {
  const mod = await import("../redact/mod.ts");
  mod.cacheTablesIn(cacheDir(ddcotermHome()));
  return mod;
}

/** The session's redaction, from the `redaction:` config. */
export async function loadRedaction(config: RedactionConfig): Promise<Redaction> {
  const { createRedactor, redactString } = await redactModule();
  // Fail now, before anything runs, if a custom rule is bad.
  createRedactor(config);
  const clock = () => performance.now();
  return {
    // The recorder copies what a filter releases at once (see StreamFilter).
    createFilter: () => createRedactor(config, { clock, borrowOutput: true }),
    redactText: (text) => redactString(text, config),
  };
}
