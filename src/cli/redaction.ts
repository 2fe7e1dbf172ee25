import type { RedactionConfig } from "../core/redaction_config.ts";
import type { StreamFilter } from "../record/mod.ts";

export interface Redaction {
  /** A fresh redactor per stream (output, input). */
  createFilter: () => StreamFilter;
  /** Redacts metadata: command lines, titles, argv, paths. */
  redactText: (text: string) => string;
}

/**
 * The session's redaction, from the `redaction:` config. Imported on demand: the rule set is
 * the largest module of the recorder.
 */
export async function loadRedaction(config: RedactionConfig): Promise<Redaction> {
  const { createRedactor, redactString } = await import("../redact/mod.ts");
  // Fail now, before anything runs, if a custom rule is bad.
  createRedactor(config);
  const clock = () => performance.now();
  return {
    createFilter: () => createRedactor(config, { clock }),
    redactText: (text) => redactString(text, config),
  };
}
