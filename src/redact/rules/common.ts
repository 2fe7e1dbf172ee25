/** Shared helpers for rule definitions: token boundaries, placeholders, sample contexts. */
import type { Gen } from "../gen.ts";
import type { Rule, RuleSamples, Sample } from "./types.ts";

/** Not preceded / followed by a token character. */
export const B = "(?<![A-Za-z0-9_])";
export const E = "(?![A-Za-z0-9_])";

const PLACEHOLDER_RE = new RegExp(
  [
    String.raw`^[*xX#.•_-]+$`,
    String.raw`^<[^>]*>$`,
    String.raw`^\[[^\]]*\]$`,
    String.raw`^\$\{[^}]*\}$`,
    String.raw`^\$\(.*\)$`,
    String.raw`^\$[A-Za-z_][A-Za-z0-9_]*$`,
    String.raw`^\{\{.*\}\}$`,
    String.raw`^%[A-Za-z_][A-Za-z0-9_]*%$`,
    String.raw`^(?:your|my|the|some|insert|enter|replace|put)[-_ ]?[a-z_-]*$`,
    String
      .raw`^(?:changeme|change_me|redacted|masked|hidden|example|sample|dummy|placeholder|secret|password|token|null|nil|none|undefined|true|false|yes|no|on|off|required|optional|string|empty|test|todo|tbd|n\/a)$`,
  ].join("|"),
  "i",
);

/** Well-known sequences that mark documentation values. */
const FILLER_RE =
  /123456789|abcdefghij|ABCDEFGHIJ|EXAMPLE|example|your[_-]?(?:api|token|key|secret|pass)|REDACTED|redacted|\*{3,}/;

/** True when one character repeats 8 times in a row ("xxxxxxxx", "00000000"). */
function hasRun8(value: string): boolean {
  let run = 1;
  for (let i = 1; i < value.length; i++) {
    if (value.charCodeAt(i) === value.charCodeAt(i - 1)) {
      if (++run >= 8) return true;
    } else run = 1;
  }
  return false;
}

/** True for values that stand in for a secret instead of being one. */
export function isPlaceholder(value: string): boolean {
  return hasRun8(value) || PLACEHOLDER_RE.test(value) || FILLER_RE.test(value);
}

/** Contexts a bare token is shown in: shell, config, JSON, colours, grep. */
export function tokenContexts(g: Gen, text: string, secret: string, name: string): Sample[] {
  const s = [secret];
  const half = Math.floor(text.length / 2);
  return [
    { text: `$ export ${name}=${text}\r\n`, secrets: s },
    { text: `{"value": "${text}", "ok": true}\n`, secrets: s },
    { text: `config.yml:${1 + g.int(90)}:  \x1b[01;31m\x1b[K${text}\x1b[m\x1b[K\r\n`, secrets: s },
    {
      text: `found ${text.slice(0, half)}\x1b[0m\x1b[32m${text.slice(half)}\x1b[0m in log\n`,
      secrets: s,
    },
    { text: `${text}\n`, secrets: s },
  ];
}

/** Defines a rule for a token with a fixed prefix, with generated samples. */
export function prefixed(opts: {
  id: string;
  description: string;
  keywords: string[];
  regex: string;
  keep?: number;
  /** A synthetic secret. */
  make: (g: Gen) => string;
  /** The text around the secret that the format needs (default: none). */
  wrap?: (secret: string) => string;
  /** A look-alike that must not be masked (wrong length, placeholder, ...). */
  fp?: (g: Gen) => string[];
  validate?: Rule["validate"];
  minEntropy?: number;
  envName?: string;
  flags?: string;
}): Rule {
  return {
    id: opts.id,
    description: opts.description,
    keywords: opts.keywords,
    regex: new RegExp(opts.regex, opts.flags ?? ""),
    keep: opts.keep,
    validate: opts.validate,
    minEntropy: opts.minEntropy ?? 3,
    priority: 10,
    samples: (g: Gen): RuleSamples => {
      const name = opts.envName ?? "API_KEY";
      const tp = [0, 1, 2, 3, 4].map((i) => {
        const secret = opts.make(g);
        return tokenContexts(g, opts.wrap ? opts.wrap(secret) : secret, secret, name)[i];
      });
      const fp = [
        ...(opts.fp ? opts.fp(g) : []),
        `docs: set ${name} to <your-key> before running\n`,
      ];
      return { tp, fp };
    },
  };
}

/** Contexts for a secret that only counts next to a keyword: assignments. */
export function assignmentSamples(name: string, secret: string): Sample[] {
  return [
    { text: `$ export ${name}=${secret}\r\n`, secrets: [secret] },
    { text: `  ${name.toLowerCase()}: "${secret}"\n`, secrets: [secret] },
    { text: `{"${name.toLowerCase()}": "${secret}"}\n`, secrets: [secret] },
  ];
}
