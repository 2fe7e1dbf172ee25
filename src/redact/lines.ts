/**
 * The line state machine: decides, line by line and in order, which bytes to mask. Handles what
 * spans lines: private key blocks (also truncated), wrapped base64 runs, "\" continuations,
 * Kubernetes Secret data and context rules. Decisions depend only on line contents and order,
 * so any split of the input into reads gives the same result.
 */
import { origRanges, stripAnsi, type Stripped } from "./ansi.ts";
import type { CompiledRule, Engine, Span } from "./engine.ts";

/** A physical line: [start, end) in stream offsets; content ends at bodyEnd (before "\r\n"). */
export interface PhysLine {
  start: number;
  end: number;
  bodyEnd: number;
  hit: boolean;
}

export interface MaskRange {
  start: number;
  end: number;
}

export interface Finding {
  ruleId: string;
  /** Byte offset of the secret in the whole input stream. */
  offset: number;
  /** Bytes of the secret (escape sequences inside it not counted). */
  length: number;
}

/** What has been decided: bytes before `decided` are final, with these masks and findings. */
export interface Decisions {
  decided: number;
  masks: MaskRange[];
  findings: Finding[];
}

/** Text of one or more physical lines, escapes removed, mapped back to stream offsets. */
type Logical = Stripped;

const MAX_HELD_LINES = 128;
const MAX_CONT_BYTES = 16384;
const MAX_BLOCK_LINES = 4000;
const BEGIN_RE = /-{5}BEGIN ([A-Z0-9 ]+?)-{5}|-{4} BEGIN SSH2 (?:ENCRYPTED )?PRIVATE KEY -{4}/;
const END_RE = /-{5}END ([A-Z0-9 ]+?)-{5}|-{4} END SSH2 (?:ENCRYPTED )?PRIVATE KEY -{4}/;
const BODY_RE = /^([\s+\-> |"'`]*)([A-Za-z0-9+\/=]+)((?:\\n)?["',;+\s\\]*)$/;
const HEADER_RE = /^\s*[A-Za-z][A-Za-z0-9-]*: /;
const B64_BYTE = new Uint8Array(256);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") {
  B64_BYTE[c.charCodeAt(0)] = 1;
}
const RUN_WIDTHS = new Set([64, 70, 76]);
const K8S_YAML_START = /^(\s*)(data|stringData):\s*$/;
const K8S_JSON_START = /^(\s*)"(data|stringData)"\s*:\s*\{\s*$/;
const K8S_YAML_ENTRY = /^(\s+)[^\s:#]+:\s+(?:"([^"]*)"|'([^']*)'|([^\s"']+))\s*$/;
const K8S_JSON_ENTRY = /^\s*"[^"]+"\s*:\s*"([^"]*)"/;

function keyRuleId(label: string): string | null {
  if (!label.includes("PRIVATE KEY")) return null;
  if (label.includes("OPENSSH")) return "openssh-private-key";
  if (label.includes("PGP")) return "pgp-private-key";
  return "private-key";
}

/** One byte per UTF-16 unit. */
export function byteString(b: Uint8Array): string {
  if (b.length <= 4096) return String.fromCharCode.apply(null, b as unknown as number[]);
  let s = "";
  for (let i = 0; i < b.length; i += 4096) {
    s += String.fromCharCode.apply(null, b.subarray(i, i + 4096) as unknown as number[]);
  }
  return s;
}

interface Block {
  private: boolean;
  ruleId: string;
  lines: number;
  /** PuTTY: body lines still to mask. */
  remaining?: number;
  first: number;
  length: number;
}

export class LineProcessor {
  readonly #engine: Engine;
  readonly #bytes: (start: number, end: number) => Uint8Array;
  readonly out: Decisions;
  #held: PhysLine[] = [];
  #heldKind: "none" | "cont" | "run" = "none";
  #runWidth = 0;
  /** Content [start, end) of each held base64 line. */
  #runRanges: [number, number][] = [];
  #runEnded = false;
  #block: Block | null = null;
  #k8s: { indent: number; json: boolean; string: boolean } | null = null;
  #after = new Map<CompiledRule, number>();

  constructor(engine: Engine, bytes: (start: number, end: number) => Uint8Array, out: Decisions) {
    this.#engine = engine;
    this.#bytes = bytes;
    this.out = out;
  }

  /** True when a line without keywords can be passed on without looking at it. */
  idle(): boolean {
    return this.#heldKind === "none" && this.#block === null && this.#k8s === null &&
      this.#after.size === 0 && this.#engine.always.length === 0;
  }

  /** Start of the first undecided line, or null. */
  heldStart(): number | null {
    return this.#held.length > 0 ? this.#held[0].start : null;
  }

  line(pl: PhysLine): void {
    if (this.#heldKind === "cont") {
      this.#held.push(pl);
      const size = pl.end - this.#held[0].start;
      if (this.#endsWithBackslash(pl) && this.#held.length < 20 && size < MAX_CONT_BYTES) return;
      this.#flushCont();
      return;
    }
    if (this.#heldKind === "run") {
      this.#runNext(pl);
      return;
    }
    this.#fresh(pl);
  }

  /** Quiet or end of stream: decide what is held as if nothing more were coming. */
  force(): void {
    if (this.#heldKind === "cont") this.#flushCont();
    else if (this.#heldKind === "run") this.#decideRun(null, false);
  }

  /** End of stream. */
  end(): void {
    this.force();
    this.#closeBlock();
    this.#k8s = null;
    this.#after.clear();
  }

  /** Masks for an incomplete line released early (no state change). */
  virtual(pl: PhysLine): { masks: MaskRange[]; findings: Finding[] } {
    const lg = this.#logical([pl]);
    const masks: MaskRange[] = [];
    const findings: Finding[] = [];
    if (this.#block?.private) {
      const r = this.#bodyRange(lg.text);
      if (r) this.#maskRange(lg, r[0], r[1], masks);
      return { masks, findings };
    }
    const spans = this.#engine.detect(lg.text, this.#extraRules());
    this.#spansTo(lg, spans, masks, findings);
    return { masks, findings };
  }

  #fresh(pl: PhysLine): void {
    if (this.#block === null && this.#k8s === null) {
      const r = this.#b64Range(pl);
      if (r !== null && RUN_WIDTHS.has(r[1] - r[0])) {
        this.#heldKind = "run";
        this.#held = [pl];
        this.#runRanges = [r];
        this.#runWidth = r[1] - r[0];
        this.#runEnded = false;
        return;
      }
    }
    const lg = this.#logical([pl]);
    const t = lg.text;
    this.#tickAfter(t);
    if (this.#block) {
      if (this.#blockLine(pl, lg)) return;
    }
    if (this.#k8s && this.#k8sLine(pl, lg)) return;
    const begin = t.includes("BEGIN") ? BEGIN_RE.exec(t) : null;
    if (begin && !END_RE.test(t.slice(begin.index))) {
      const label = begin[1] ?? "SSH2 PRIVATE KEY";
      const id = keyRuleId(label);
      this.#rules(lg, pl.hit);
      this.#block = {
        private: id !== null && this.#engine.enabledIds.has(id),
        ruleId: id ?? "",
        lines: 0,
        first: -1,
        length: 0,
      };
      this.#decide(pl.end);
      return;
    }
    const priv = /^\s*Private-Lines:\s*(\d+)\s*$/.exec(t);
    if (priv && this.#engine.enabledIds.has("putty-private-key")) {
      this.#block = {
        private: true,
        ruleId: "putty-private-key",
        lines: 0,
        remaining: Number(priv[1]),
        first: -1,
        length: 0,
      };
      this.#decide(pl.end);
      if (this.#block.remaining === 0) this.#closeBlock();
      return;
    }
    const k8s = t.includes("ata") ? (K8S_YAML_START.exec(t) ?? K8S_JSON_START.exec(t)) : null;
    if (k8s && this.#engine.enabledIds.has("kubernetes-secret-data")) {
      this.#k8s = {
        indent: k8s[1].length,
        json: k8s[0].includes("{"),
        string: k8s[2] === "stringData",
      };
      this.#rules(lg, pl.hit);
      this.#decide(pl.end);
      return;
    }
    if (t.endsWith("\\")) {
      this.#heldKind = "cont";
      this.#held = [pl];
      return;
    }
    this.#rules(lg, pl.hit);
    this.#decide(pl.end);
  }

  #endsWithBackslash(pl: PhysLine): boolean {
    return pl.bodyEnd > pl.start && this.#bytes(pl.bodyEnd - 1, pl.bodyEnd)[0] === 0x5c;
  }

  #flushCont(): void {
    const lines = this.#held;
    this.#held = [];
    this.#heldKind = "none";
    const lg = this.#logical(lines);
    this.#rules(lg, lines.some((l) => l.hit));
    this.#decide(lines[lines.length - 1].end);
  }

  /** Content range of a line that is only base64 (blanks around allowed), else null. */
  #b64Range(pl: PhysLine): [number, number] | null {
    const b = this.#bytes(pl.start, pl.bodyEnd);
    let i = 0;
    while (i < b.length && (b[i] === 0x20 || b[i] === 0x09)) i++;
    const from = i;
    while (i < b.length && B64_BYTE[b[i]] === 1) i++;
    let pad = 0;
    while (i < b.length && b[i] === 0x3d && pad < 2) {
      i++;
      pad++;
    }
    const to = i;
    while (i < b.length && (b[i] === 0x20 || b[i] === 0x09)) i++;
    if (i !== b.length || to === from) return null;
    return [pl.start + from, pl.start + to];
  }

  #runNext(pl: PhysLine): void {
    const r = this.#b64Range(pl);
    if (!this.#runEnded && r !== null && r[1] - r[0] <= this.#runWidth) {
      this.#held.push(pl);
      this.#runRanges.push(r);
      if (r[1] - r[0] < this.#runWidth || this.#bytes(r[1] - 1, r[1])[0] === 0x3d) {
        this.#runEnded = true;
      }
      if (this.#held.length >= MAX_HELD_LINES) this.#decideRun(null, true);
      return;
    }
    this.#decideRun(this.#logical([pl]).text, false);
    this.#fresh(pl);
  }

  /** Decides a held base64 run, looking at the line after it for an END marker. */
  #decideRun(next: string | null, capped: boolean): void {
    const lines = this.#held;
    const ranges = this.#runRanges;
    this.#held = [];
    this.#runRanges = [];
    this.#heldKind = "none";
    let ruleId: string | null = null;
    const end = next !== null ? END_RE.exec(next) : null;
    if (end) {
      const id = keyRuleId(end[1] ?? "SSH2 PRIVATE KEY");
      if (id && this.#engine.enabledIds.has(id)) ruleId = id;
    } else if (
      this.#engine.enabledIds.has("base64-wrapped-blob") &&
      looksRandom(ranges.map(([s, e]) => this.#bytes(s, e)))
    ) {
      ruleId = "base64-wrapped-blob";
    }
    if (ruleId !== null) {
      const block: Block = { private: true, ruleId, lines: 0, first: -1, length: 0 };
      lines.forEach((l, k) => {
        if (l.hit && ruleId === "base64-wrapped-blob") {
          // A token rule that recognises the line names it better than the generic blob.
          const lg = this.#logical([l]);
          const spans = this.#engine.detect(lg.text, this.#extraRules());
          if (spans.length > 0) {
            this.#spansTo(lg, spans, this.out.masks, this.out.findings);
            return;
          }
        }
        const [s, e] = ranges[k];
        this.out.masks.push({ start: s, end: e });
        if (block.first < 0) block.first = s;
        block.length += e - s;
      });
      this.#decide(lines[lines.length - 1].end);
      this.#block = block;
      if (!capped) this.#closeBlock();
    } else {
      // Run not masked: a second look with the ordinary rules (keywords may be present).
      for (const l of lines) {
        if (l.hit) this.#rules(this.#logical([l]), true);
        this.#decide(l.end);
      }
      if (capped) this.#block = { private: false, ruleId: "", lines: 0, first: -1, length: 0 };
    }
  }

  /** A line inside a key block; false when the line ends the block and must be seen afresh. */
  #blockLine(pl: PhysLine, lg: Logical): boolean {
    const b = this.#block!;
    const t = lg.text;
    b.lines++;
    if (b.remaining !== undefined) {
      const r = t.trim().length > 0 ? this.#bodyRange(t) : null;
      if (r) this.#blockMask(b, lg, r[0], r[1]);
      this.#decide(pl.end);
      if (--b.remaining <= 0) this.#closeBlock();
      return true;
    }
    if (END_RE.test(t)) {
      this.#closeBlock();
      this.#rules(lg, pl.hit);
      this.#decide(pl.end);
      return true;
    }
    if (b.lines > MAX_BLOCK_LINES) {
      this.#closeBlock();
      return false;
    }
    if (t.trim().length === 0 || HEADER_RE.test(t)) {
      this.#decide(pl.end);
      return true;
    }
    const r = this.#bodyRange(t);
    if (r === null) {
      this.#closeBlock();
      return false;
    }
    if (b.private) this.#blockMask(b, lg, r[0], r[1]);
    this.#decide(pl.end);
    return true;
  }

  #bodyRange(t: string): [number, number] | null {
    const m = BODY_RE.exec(t);
    if (!m) return null;
    const start = m[1].length;
    return [start, start + m[2].length];
  }

  #blockMask(b: Block, lg: Logical, from: number, to: number): void {
    const ranges = origRanges(lg, from, to);
    for (const [s, e] of ranges) {
      this.out.masks.push({ start: s, end: e });
      if (b.first < 0) b.first = s;
      b.length += e - s;
    }
  }

  /** One finding per key block, reported when the block ends. */
  #closeBlock(): void {
    const b = this.#block;
    this.#block = null;
    if (b && b.private && b.first >= 0) {
      this.out.findings.push({ ruleId: b.ruleId, offset: b.first, length: b.length });
    }
  }

  #k8sLine(pl: PhysLine, lg: Logical): boolean {
    const k = this.#k8s!;
    const t = lg.text;
    if (k.json) {
      const m = K8S_JSON_ENTRY.exec(t);
      const closes = t.includes("}");
      if (m) this.#k8sValue(lg, m[1], t.indexOf(`"${m[1]}"`, t.indexOf(":")) + 1, k.string);
      this.#rules(lg, pl.hit);
      this.#decide(pl.end);
      if (closes) this.#k8s = null;
      return true;
    }
    if (t.trim().length === 0) {
      this.#decide(pl.end);
      return true;
    }
    const indent = /^\s*/.exec(t)![0].length;
    if (indent <= k.indent) {
      this.#k8s = null;
      return false;
    }
    const m = K8S_YAML_ENTRY.exec(t);
    if (m) {
      const v = m[2] ?? m[3] ?? m[4];
      const at = t.lastIndexOf(v);
      this.#k8sValue(lg, v, at, k.string);
    }
    this.#rules(lg, pl.hit);
    this.#decide(pl.end);
    return true;
  }

  #k8sValue(lg: Logical, v: string, at: number, stringData: boolean): void {
    const secret = stringData ? v.length >= 1 : looksBase64Value(v);
    if (!secret || this.#engine.allowed(v)) return;
    const ranges = origRanges(lg, at, at + v.length);
    let len = 0;
    for (const [s, e] of ranges) {
      this.out.masks.push({ start: s, end: e });
      len += e - s;
    }
    if (ranges.length > 0) {
      this.out.findings.push({
        ruleId: "kubernetes-secret-data",
        offset: ranges[0][0],
        length: len,
      });
    }
  }

  #tickAfter(t: string): void {
    for (const [r, n] of this.#after) {
      if (n <= 1) this.#after.delete(r);
      else this.#after.set(r, n - 1);
    }
    for (const r of this.#engine.afterRules) {
      if (r.after!.pattern.test(t)) this.#after.set(r, r.after!.lines + 1);
    }
  }

  #extraRules(): CompiledRule[] {
    return this.#after.size === 0 ? [] : [...this.#after.keys()];
  }

  #rules(lg: Logical, hit: boolean): void {
    const extra = this.#extraRules();
    if (!hit && extra.length === 0 && this.#engine.always.length === 0) return;
    const spans = this.#engine.detect(lg.text, extra);
    this.#spansTo(lg, spans, this.out.masks, this.out.findings);
  }

  #spansTo(lg: Logical, spans: Span[], masks: MaskRange[], findings: Finding[]): void {
    for (const sp of spans) {
      const all = origRanges(lg, sp.start, sp.end);
      if (all.length === 0) continue;
      let len = 0;
      for (const [s, e] of all) len += e - s;
      findings.push({ ruleId: sp.ruleId, offset: all[0][0], length: len });
      for (const [s, e] of origRanges(lg, sp.start + sp.keep, sp.end)) {
        masks.push({ start: s, end: e });
      }
    }
  }

  #maskRange(lg: Logical, from: number, to: number, masks: MaskRange[]): void {
    for (const [s, e] of origRanges(lg, from, to)) masks.push({ start: s, end: e });
  }

  #decide(end: number): void {
    if (end > this.out.decided) this.out.decided = end;
  }

  /**
   * Logical text of physical lines: escapes removed; for continuations the trailing "\" and
   * the line break go, and so does a "> " continuation prompt echoed at the next line's start.
   */
  #logical(lines: PhysLine[]): Logical {
    if (lines.length === 1) {
      const l = lines[0];
      const s = stripAnsi(byteString(this.#bytes(l.start, l.bodyEnd)));
      return { text: s.text, segs: s.segs, orig: s.orig.map((o) => o + l.start) };
    }
    let text = "";
    const segs: number[] = [];
    const orig: number[] = [];
    lines.forEach((l, i) => {
      let from = l.start;
      let to = l.bodyEnd;
      if (i < lines.length - 1 && to > from) to--; // the "\"
      if (i > 0) {
        const head = byteString(this.#bytes(from, Math.min(from + 2, to)));
        if (head === "> ") from += 2;
      }
      const s = stripAnsi(byteString(this.#bytes(from, to)));
      for (let k = 0; k < s.segs.length; k++) {
        segs.push(text.length + s.segs[k]);
        orig.push(from + s.orig[k]);
      }
      text += s.text;
    });
    return { text, segs, orig };
  }
}

/** Random base64 (not hex, not repetitive): what a key body or encoded secret looks like. */
function looksRandom(parts: Uint8Array[]): boolean {
  const counts = new Uint32Array(256);
  let n = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) counts[p[i]]++;
    n += p.length;
  }
  let lower = 0, upper = 0, digit = 0, nonHex = 0;
  let h = 0;
  for (let c = 0; c < 256; c++) {
    const k = counts[c];
    if (k === 0) continue;
    if (c >= 0x61 && c <= 0x7a) lower += k;
    else if (c >= 0x41 && c <= 0x5a) upper += k;
    else if (c >= 0x30 && c <= 0x39) digit += k;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46))) {
      nonHex += k;
    }
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return nonHex > 0 && lower > 0 && upper > 0 && digit > 0 && h >= 4.5;
}

/** A Kubernetes Secret data value: valid padded base64 of some length. */
function looksBase64Value(v: string): boolean {
  if (v.length < 8 || v.length % 4 !== 0) return false;
  if (!/^[A-Za-z0-9+\/]+={0,2}$/.test(v)) return false;
  return /[0-9+\/=]/.test(v) || (/[a-z]/.test(v) && /[A-Z]/.test(v));
}
