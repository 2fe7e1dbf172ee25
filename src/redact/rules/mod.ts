/** The built-in rule library. */
import { cloudRules } from "./cloud.ts";
import { codeHostRules } from "./code_hosts.ts";
import { kvRules } from "./kv.ts";
import { saasRules } from "./saas.ts";
import { structureRules } from "./structure.ts";
import type { Rule } from "./types.ts";

export type { Rule, RuleSamples, Sample } from "./types.ts";

export const BUILTIN_RULES: readonly Rule[] = [
  ...cloudRules,
  ...codeHostRules,
  ...saasRules,
  ...structureRules,
  ...kvRules,
];
