/**
 * Compiled rule set: keyword prefilter, per-line detection, overlap resolution.
 * Works on byte strings (one UTF-16 unit per byte) so positions are byte positions.
 */
import type { RedactionConfig } from "../core/redaction_config.ts";
import { isPlaceholder } from "./rules/common.ts";
import { BUILTIN_RULES, type Rule } from "./rules/mod.ts";
import { shannonEntropy } from "./entropy.ts";
import { type GramLayout, GramSet } from "./scanner.ts";

/** A bad `redaction:` setting; the message is one sentence naming the rule or pattern. */
export class RedactionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RedactionConfigError";
  }
}

export interface CompiledRule {
  id: string;
  /** The regex's source ("(?!)" for a rule the line state machine implements). */
  source: string;
  /** Global, for finding candidates. */
  find: RegExp;
  /** Sticky, with match indices: where a confirmed secret is. */
  re: RegExp;
  group: number;
  keep: number;
  minEntropy: number;
  priority: number;
  allowPlaceholders: boolean;
  validate?: Rule["validate"];
  after?: Rule["after"];
  needs?: string[];
}

/**
 * What the Engine derives from the rules' keywords (and the scanner's gram table), in a form
 * that survives JSON: rules and keywords are referred to by index.
 */
export interface EngineTables {
  source: string;
  keywords: string[];
  /** Per keyword: indices into Engine.rules of the rules a hit on it runs. */
  byKeyword: number[][];
  /** Per keyword: Engine.keywordNeeds. */
  needs: (string[] | null)[];
  grams: GramLayout;
}

/** A detected secret in a line's text: [start, end) in that text. */
export interface Span {
  start: number;
  end: number;
  ruleId: string;
  keep: number;
  priority: number;
}

/** Words the line state machine must see even when no rule lists them. */
const STRUCTURAL_KEYWORDS = [
  "-----begin",
  "-----end",
  "---- begin",
  "---- end",
  "private-lines:",
  "data:",
  '"data"',
  "stringdata",
  "pgpass",
  // Which object a Kubernetes data block belongs to.
  "kind:",
  '"kind"',
  "apiversion",
  "---",
];

const SECRET_GROUPS = ["s", "s2", "s3", "s4"];

export class Engine {
  readonly rules: CompiledRule[];
  readonly enabledIds: Set<string>;
  /** Lower-case keywords (rules' and structural); the scanner's trigger set. */
  readonly keywords: string[];
  /**
   * For each keyword, literals one of which a line needs for any of its rules to match (from
   * the rules' `needs`); null when some rule needs nothing or the keyword is structural.
   */
  readonly keywordNeeds = new Map<string, string[] | null>();
  /** Rules that run on every line (custom rules without keywords). */
  readonly always: CompiledRule[];
  /** Rules that run for a few lines after a context line. */
  readonly afterRules: CompiledRule[];
  readonly #finder: KeywordFinder;
  readonly #byKeyword = new Map<string, CompiledRule[]>();
  readonly #allow: RegExp[];

  /** What the derived tables are computed from: a cached copy is used only for the same. */
  readonly tablesSource: string;
  #tables: EngineTables | undefined;
  #grams: GramSet | undefined;

  /**
   * `cached`: tables a previous run derived (see tables()); used when their source matches
   * this rule set, else ignored.
   */
  constructor(config: RedactionConfig, cached?: EngineTables | null) {
    const disabled = new Set(config.disable);
    this.#allow = config.allow.map((src, i) => {
      try {
        return new RegExp(src);
      } catch (e) {
        throw new RedactionConfigError(
          `Invalid redaction allow pattern #${i + 1} ${JSON.stringify(src)}: ${
            (e as Error).message
          }`,
        );
      }
    });
    const entries: { rule: CompiledRule; keywords: string[] }[] = [];
    this.enabledIds = new Set();
    for (const r of BUILTIN_RULES) {
      if (disabled.has(r.id)) continue;
      this.enabledIds.add(r.id);
      entries.push({ rule: compileBuiltin(r), keywords: r.keywords.map((k) => k.toLowerCase()) });
    }
    for (const c of config.rules) {
      entries.push({
        rule: compileCustom(c),
        keywords: (c.keywords ?? []).map((k) => k.toLowerCase()),
      });
      this.enabledIds.add(c.id);
    }
    this.rules = entries.map((e) => e.rule);
    this.always = entries.filter((e) =>
      e.keywords.length === 0 && !e.rule.after && e.rule.source !== "(?!)"
    )
      .map((e) => e.rule);
    this.afterRules = this.rules.filter((r) => r.after);
    this.tablesSource = JSON.stringify([
      STRUCTURAL_KEYWORDS,
      entries.map((e) => [e.keywords, e.rule.needs ?? null, e.rule.source === "(?!)"]),
    ]);
    if (cached && cached.source === this.tablesSource) {
      this.#tables = cached;
      this.keywords = cached.keywords;
      cached.keywords.forEach((k, i) => {
        this.#byKeyword.set(k, cached.byKeyword[i].map((r) => this.rules[r]));
        this.keywordNeeds.set(k, cached.needs[i]);
      });
      this.#finder = new KeywordFinder(this.keywords);
      return;
    }
    const direct = new Map<string, CompiledRule[]>();
    for (const { rule, keywords } of entries) {
      // Rules the line state machine implements have no regex to run.
      if (rule.source === "(?!)") continue;
      for (const k of keywords) {
        if (!direct.has(k)) direct.set(k, []);
        direct.get(k)!.push(rule);
      }
    }
    const all = new Set<string>([...direct.keys(), ...STRUCTURAL_KEYWORDS]);
    this.keywords = [...all].sort((a, b) => b.length - a.length);
    // A hit on a keyword also runs the rules of every keyword inside it ("password" ⊃ "pass").
    // Keywords are looked up by their first character at each position of the longer one:
    // this runs at every start-up without a table cache, so it avoids comparing every pair.
    const byFirst = new Map<string, string[]>();
    for (const k2 of direct.keys()) {
      const list = byFirst.get(k2[0]);
      if (list) list.push(k2);
      else byFirst.set(k2[0], [k2]);
    }
    for (const k of this.keywords) {
      const rules = new Set<CompiledRule>();
      for (let at = 0; at < k.length; at++) {
        for (const k2 of byFirst.get(k[at]) ?? []) {
          if (k2.length <= k.length - at && k.startsWith(k2, at)) {
            for (const r of direct.get(k2)!) rules.add(r);
          }
        }
      }
      this.#byKeyword.set(k, [...rules]);
      const needs = new Set<string>();
      // Structural keywords matter to the line state machine whatever the rules need.
      let open = rules.size === 0 || STRUCTURAL_KEYWORDS.includes(k);
      for (const r of rules) {
        if (r.needs === undefined) open = true;
        else for (const n of r.needs) needs.add(n);
      }
      this.keywordNeeds.set(k, open ? null : [...needs]);
    }
    this.#finder = new KeywordFinder(this.keywords);
  }

  /** True when the derived tables came from the cache given to the constructor. */
  get tablesCached(): boolean {
    return this.#tables !== undefined;
  }

  /** The scanner's gram table for the keywords, built on first use. */
  get grams(): GramSet {
    this.#grams ??= new GramSet(this.keywords, this.keywordNeeds, this.#tables?.grams);
    return this.#grams;
  }

  /** The derived tables, to cache for later runs (builds the gram table if not yet built). */
  tables(): EngineTables {
    if (this.#tables) return this.#tables;
    const index = new Map(this.rules.map((r, i) => [r, i]));
    return {
      source: this.tablesSource,
      keywords: this.keywords,
      byKeyword: this.keywords.map((k) => this.#byKeyword.get(k)!.map((r) => index.get(r)!)),
      needs: this.keywords.map((k) => this.keywordNeeds.get(k) ?? null),
      grams: this.grams.layout,
    };
  }

  /** Distinct lower-case keywords occurring in `text`. */
  keywordsIn(text: string): string[] {
    return this.#finder.find(text);
  }

  /** Secrets in one logical line of stripped text, overlaps resolved, in order. */
  detect(text: string, extra: CompiledRule[] = []): Span[] {
    const found = this.keywordsIn(text);
    // "password" runs the rules of "pass" already: drop keywords inside other found ones.
    if (found.length > 1) {
      for (let i = found.length - 1; i >= 0; i--) {
        if (found.some((k, j) => j !== i && k.length > found[i].length && k.includes(found[i]))) {
          found.splice(i, 1);
        }
      }
    }
    let rules: Iterable<CompiledRule>;
    if (extra.length === 0 && this.always.length === 0) {
      // Most lines hold one keyword: its rule list is used as it is.
      if (found.length === 0) return [];
      if (found.length === 1) rules = this.#byKeyword.get(found[0]) ?? [];
      else {
        const set = new Set<CompiledRule>();
        for (const k of found) for (const r of this.#byKeyword.get(k) ?? []) set.add(r);
        rules = set;
      }
    } else {
      const set = new Set<CompiledRule>(this.always);
      for (const r of extra) set.add(r);
      for (const k of found) for (const r of this.#byKeyword.get(k) ?? []) set.add(r);
      rules = set;
    }
    const spans: Span[] = [];
    for (const r of rules) this.#run(r, text, spans);
    return resolve(spans);
  }

  #run(r: CompiledRule, text: string, out: Span[]): void {
    const needs = r.needs;
    if (needs !== undefined) {
      let ok = false;
      for (let k = 0; k < needs.length && !ok; k++) ok = text.includes(needs[k]);
      if (!ok) return;
    }
    // Candidates are found without match indices (three times cheaper); only a secret that
    // passes every check is matched again at the same place, with indices.
    const re = r.find;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const secret = secretValue(m, r.group);
      if (secret === undefined || secret.length === 0) continue;
      if (!r.allowPlaceholders && isPlaceholder(secret)) continue;
      if (r.minEntropy > 0 && shannonEntropy(secret) < r.minEntropy) continue;
      if (r.validate && !r.validate(secret, m)) continue;
      if (this.#allow.length > 0 && this.#allow.some((a) => a.test(secret))) continue;
      r.re.lastIndex = m.index;
      const md = r.re.exec(text);
      const ix = md === null ? undefined : secretIndices(md, r.group);
      if (ix === undefined || ix[1] <= ix[0]) continue;
      out.push({ start: ix[0], end: ix[1], ruleId: r.id, keep: r.keep, priority: r.priority });
      // Let overlapping later matches be found (e.g. a second key=value in the same run).
      if (re.lastIndex > ix[1] && ix[1] > m.index) re.lastIndex = ix[1];
    }
  }

  /** True when the allow list exempts this secret. */
  allowed(secret: string): boolean {
    return this.#allow.some((a) => a.test(secret));
  }
}

/**
 * Finds which keywords occur in a line (case-insensitive, overlaps included): a table of the
 * keywords' first two characters flags where one may start, then the candidates are compared.
 */
class KeywordFinder {
  /** Index into #lists + 1 for each first-two-characters pair, 0 for none. */
  readonly #pairs = new Uint16Array(1 << 16);
  readonly #lists: string[][] = [];

  constructor(keywords: string[]) {
    for (const k of keywords) {
      const pair = ((k.charCodeAt(0) & 0xff) << 8) | (k.charCodeAt(1) & 0xff);
      if (this.#pairs[pair] === 0) {
        this.#lists.push([]);
        this.#pairs[pair] = this.#lists.length;
      }
      this.#lists[this.#pairs[pair] - 1].push(k);
    }
  }

  /** Distinct keywords in `text`, in order of first occurrence. */
  find(text: string): string[] {
    const lower = text.toLowerCase();
    const pairs = this.#pairs;
    const out: string[] = [];
    let prev = lower.charCodeAt(0) & 0xff;
    for (let i = 1; i < lower.length; i++) {
      const c = lower.charCodeAt(i) & 0xff;
      const p = pairs[(prev << 8) | c];
      prev = c;
      if (p === 0) continue;
      for (const k of this.#lists[p - 1]) {
        if (lower.startsWith(k, i - 1) && !out.includes(k)) out.push(k);
      }
    }
    return out;
  }
}

function secretValue(m: RegExpExecArray, group: number): string | undefined {
  const gs = m.groups;
  if (gs) {
    for (const g of SECRET_GROUPS) {
      const v = gs[g];
      if (v !== undefined) return v;
    }
  }
  return m[group];
}

function secretIndices(m: RegExpExecArray, group: number): [number, number] | undefined {
  const ind = m.indices;
  if (!ind) return undefined;
  if (ind.groups) {
    for (const g of SECRET_GROUPS) {
      const v = ind.groups[g];
      if (v) return v;
    }
  }
  return ind[group] ?? undefined;
}

/** Merges overlapping spans; the highest-priority (then longest) one names the finding. */
function resolve(spans: Span[]): Span[] {
  if (spans.length <= 1) return spans;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  let cur = { ...spans[0] };
  let best = spans[0];
  for (let i = 1; i < spans.length; i++) {
    const s = spans[i];
    if (s.start < cur.end) {
      if (s.end > cur.end) cur.end = s.end;
      if (
        s.priority > best.priority ||
        (s.priority === best.priority && s.end - s.start > best.end - best.start)
      ) {
        best = s;
      }
      continue;
    }
    out.push(finish(cur, best));
    cur = { ...s };
    best = s;
  }
  out.push(finish(cur, best));
  return out;
}

function finish(cur: Span, best: Span): Span {
  return {
    start: cur.start,
    end: cur.end,
    ruleId: best.ruleId,
    keep: best.start === cur.start ? Math.min(best.keep, 7) : 0,
    priority: best.priority,
  };
}

/** Built-in regexes are made on first use: most runs see few keyword lines, if any. */
function compileBuiltin(r: Rule): CompiledRule {
  let find: RegExp | undefined;
  let re: RegExp | undefined;
  const flags = () => r.regex.flags.replace(/[gyd]/g, "");
  return {
    id: r.id,
    source: r.regex.source,
    get find() {
      return find ??= new RegExp(r.regex.source, flags() + "g");
    },
    get re() {
      return re ??= new RegExp(r.regex.source, flags() + "yd");
    },
    group: r.group ?? 0,
    keep: Math.min(r.keep ?? 0, 7),
    minEntropy: r.minEntropy ?? 0,
    priority: r.priority ?? 0,
    allowPlaceholders: r.allowPlaceholders ?? false,
    validate: r.validate,
    after: r.after,
    needs: r.needs,
  };
}

function compileCustom(c: RedactionConfig["rules"][number]): CompiledRule {
  let re: RegExp;
  try {
    re = new RegExp(c.regex, "g");
  } catch (e) {
    throw new RedactionConfigError(
      `Custom redaction rule "${c.id}": regex ${JSON.stringify(c.regex)} does not compile: ${
        (e as Error).message
      }`,
    );
  }
  // A pattern that can match nothing would "find" a secret at every position.
  const probe = new RegExp(c.regex, "g");
  for (const sample of ["", "x", " ", "abc 123 = : \n"]) {
    probe.lastIndex = 0;
    for (let m = probe.exec(sample); m !== null; m = probe.exec(sample)) {
      if (m[0].length === 0) {
        throw new RedactionConfigError(
          `Custom redaction rule "${c.id}": regex ${
            JSON.stringify(c.regex)
          } matches the empty string`,
        );
      }
    }
  }
  const group = c.secretGroup ?? 0;
  const groups = new RegExp(`${c.regex}|`).exec("")!.length - 1;
  if (group < 0 || group > groups) {
    throw new RedactionConfigError(
      `Custom redaction rule "${c.id}": secret_group ${group} does not exist (the regex has ${groups} groups)`,
    );
  }
  return {
    id: c.id,
    source: re.source,
    find: re,
    re: new RegExp(c.regex, "yd"),
    group,
    keep: 0,
    minEntropy: c.minEntropy ?? 0,
    priority: 15,
    allowPlaceholders: true,
  };
}

/** Built-in rules for `--list-rules`. */
export function listRules(): { id: string; description: string; keywords: string[] }[] {
  return BUILTIN_RULES.map((r) => ({
    id: r.id,
    description: r.description,
    keywords: [...r.keywords],
  }));
}
