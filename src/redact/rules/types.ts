/** What a detection rule is: data plus small predicates, compiled by the engine. */
import type { Gen } from "../gen.ts";

/** A text containing synthetic secrets, each of which must be masked. */
export interface Sample {
  text: string;
  secrets: string[];
}

export interface RuleSamples {
  /** True positives: every listed secret must be masked. */
  tp: Sample[];
  /** False positives: must pass through byte-identical. */
  fp: string[];
}

export interface Rule {
  id: string;
  description: string;
  /**
   * Lower-case literals; the rule only runs on lines holding one of them (case-insensitive).
   * This is both the prefilter that keeps benign output fast and the keyword context.
   */
  keywords: string[];
  /**
   * Literals of which the line must hold one (case-sensitive) before the regex is tried: a
   * cheap shape check, e.g. "=" for assignments.
   */
  needs?: string[];
  /** Also run (without keywords) on the `lines` lines after a line matching `pattern`. */
  after?: { pattern: RegExp; lines: number };
  /** Handled by the line state machine (key blocks, wrapped base64, Kubernetes data). */
  multiline?: boolean;
  /**
   * Pattern; the secret is the first of the named groups `s`, `s2`, `s3`, ... that took part in
   * the match, else group `group` (default 0).
   */
  regex: RegExp;
  group?: number;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  minEntropy?: number;
  /** Characters of the secret left visible because they only name its type (at most 7). */
  keep?: number;
  /** Extra check on the secret (checksum, shape); `m.input` is the line it was found in. */
  validate?: (secret: string, m: RegExpExecArray) => boolean;
  /** Higher wins when findings of two rules overlap: provider-specific rules beat generic ones. */
  priority?: number;
  /** Skip the shared placeholder check (for rules whose secrets may look like words). */
  allowPlaceholders?: boolean;
  samples: (g: Gen) => RuleSamples;
}
