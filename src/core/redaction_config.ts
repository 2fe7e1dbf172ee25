/** The `redaction:` section of config.yaml, after validation (shared by config and redact). */
export interface CustomRedactionRule {
  id: string;
  /** JavaScript regular expression source. */
  regex: string;
  /** When given, the rule only fires with one of these words nearby (case-insensitive). */
  keywords?: string[];
  /** Minimum Shannon entropy (bits per character) of the secret. */
  minEntropy?: number;
  /** Capture group holding the secret (0 = the whole match). */
  secretGroup?: number;
}

export interface RedactionConfig {
  enabled: boolean;
  /** Ids of built-in rules to turn off. */
  disable: string[];
  rules: CustomRedactionRule[];
  /** Regular expressions; a candidate secret matching one of them is left alone. */
  allow: string[];
}

export const DEFAULT_REDACTION_CONFIG: RedactionConfig = {
  enabled: true,
  disable: [],
  rules: [],
  allow: [],
};
