/**
 * The line state machine: decides, line by line and in order, which bytes to mask. Handles what
 * spans lines: private key blocks (also truncated), wrapped base64 runs (masked when they end a
 * key block or decode to a secret), "\" continuations, Kubernetes Secret data (held until the
 * object's kind shows), lines redrawn over each other after "\r", and context rules. Decisions
 * depend only on line contents and order, so any split of the input into reads gives the same
 * result. Everything held is bounded (MAX_HELD_LINES, MAX_REDRAW_LINES, MAX_CONT_BYTES).
 */
import { origRanges, stripAnsi, type Stripped } from "./ansi.ts";
import { editedView, hasCursorMoves } from "./edit.ts";
import { base64ValueLine } from "./scanner.ts";
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

/**
 * Text of one or more physical lines, escapes removed, mapped back to stream offsets; for one
 * line also its raw byte string and where it starts.
 */
type Logical = Stripped & { raw?: string; rawStart?: number };

const MAX_HELD_LINES = 128;
/** Base64 characters of a run decoded to look for an encoded secret. */
const MAX_DECODE_CHARS = 65536;
/** Shortest printable stretch of decoded bytes worth running the detectors on. */
const MIN_TEXT = 24;

const MAX_CONT_BYTES = 16384;
/** A command typed into a line editor that redraws the line at each key: 128 keys. */
const MAX_REDRAW_LINES = 128;
const MAX_REDRAW_BYTES = 32768;
const MAX_BLOCK_LINES = 4000;
const BEGIN_RE = /-{5}BEGIN ([A-Z0-9 ]+?)-{5}|-{4} BEGIN SSH2 (?:ENCRYPTED )?PRIVATE KEY -{4}/;
const END_RE = /-{5}END ([A-Z0-9 ]+?)-{5}|-{4} END SSH2 (?:ENCRYPTED )?PRIVATE KEY -{4}/;
const BODY_RE = /^([\s+\-> |"'`]*)([A-Za-z0-9+\/=]+)((?:\\n)?["',;+\s\\]*)$/;
const HEADER_RE = /^\s*[A-Za-z][A-Za-z0-9-]*: /;
/** Base64 alphabet bytes, without "=". */
export const B64_BYTE = new Uint8Array(256);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") {
  B64_BYTE[c.charCodeAt(0)] = 1;
}
const B64_VAL = new Int8Array(256).fill(-1);
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".split("").forEach((c, i) => {
  B64_VAL[c.charCodeAt(0)] = i;
});
/** Bytes of decoded text: tab, line breaks, printable ASCII. */
const TEXT_BYTE = new Uint8Array(256);
for (let c = 0x20; c < 0x7f; c++) TEXT_BYTE[c] = 1;
TEXT_BYTE[0x09] = TEXT_BYTE[0x0a] = TEXT_BYTE[0x0d] = 1;
const RUN_WIDTHS = new Set([64, 70, 76]);
/** The CRC-24 line that ends an armored PGP body ("=AbCd"). */
const PGP_CRC_RE = /^\s*=[A-Za-z0-9+\/]{4}\s*$/;
const K8S_YAML_START = /^(\s*)(data|stringData):\s*$/;
const K8S_JSON_START = /^(\s*)"(data|stringData)"\s*:\s*\{\s*$/;
const K8S_YAML_ENTRY = /^(\s+)[^\s:#]+:\s+(?:"([^"]*)"|'([^']*)'|([^\s"']+))\s*$/;
const K8S_JSON_ENTRY = /^\s*"[^"]+"\s*:\s*"([^"]*)"/;
/** `kind: X` (YAML, also as a list item) or `"kind": "X"`: the key's column and the kind. */
const KIND_RE = /^(\s*(?:-\s+)?)"?kind"?\s*:\s*["']?([A-Za-z][A-Za-z0-9]*)/;
/** A line that starts another object: its apiVersion, or a YAML document separator. */
const NEW_OBJECT_RE = /^(\s*(?:-\s+)?)"?apiVersion"?\s*:|^---\s*$/;
/** What can sit between a data block and its object's kind: YAML keys, list items, JSON. */
const YAML_OR_JSON_RE = /^\s*(?:-\s|[A-Za-z0-9_."'-]+\s*:|[{}\]],?\s*$|#)/;

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
  #heldKind: "none" | "cont" | "run" | "k8s" | "redraw" = "none";
  /** Held redraw lines are being processed: they do not start another group. */
  #redrawing = false;
  #runWidth = 0;
  /** Content [start, end) of each held base64 line. */
  #runRanges: [number, number][] = [];
  #runEnded = false;
  /** A PGP checksum line held after a run, until the line after it shows whether END follows. */
  #runCrc: PhysLine | null = null;
  /**
   * After a run that filled the hold-back: width of its further lines, which are decided
   * as they come (masked into #tailBlock when the run was found secret).
   */
  #tailWidth = 0;
  #tailBlock: Block | null = null;
  #block: Block | null = null;
  #k8s: { indent: number; json: boolean; string: boolean } | null = null;
  /** The last `kind:` seen, with its key's column (cleared when another object starts). */
  #lastKind: { indent: number; kind: string } | null = null;
  /** A data block held until its object's kind shows: the column of its key, JSON or YAML. */
  #k8sHold: { indent: number; json: boolean } | null = null;
  /** While held lines are replayed: the kind decided for the data block they start with. */
  #replayKind: string | null = null;
  #after = new Map<CompiledRule, number>();

  /** Whether decoded bytes hold a secret (a nested redactor over them). */
  readonly #inner: (bytes: Uint8Array) => boolean;

  constructor(
    engine: Engine,
    bytes: (start: number, end: number) => Uint8Array,
    out: Decisions,
    inner: (bytes: Uint8Array) => boolean = NO_INNER,
  ) {
    this.#engine = engine;
    this.#bytes = bytes;
    this.out = out;
    this.#inner = inner;
  }

  /** True when a line without keywords can be passed on without looking at it. */
  idle(): boolean {
    return this.#heldKind === "none" && this.#block === null && this.#k8s === null &&
      this.#tailWidth === 0 && this.#after.size === 0 && this.#engine.always.length === 0;
  }

  /**
   * Width of the base64 lines that may be fed to runLine() (0: none). The caller's fast path
   * feeds only complete lines of exactly this many base64 characters (no blanks, no "="), for
   * which runLine() decides exactly as line() would.
   */
  runWidth(): number {
    if (this.#tailWidth > 0) return this.#tailWidth;
    return this.#heldKind === "run" && !this.#runEnded && this.#runCrc === null
      ? this.#runWidth
      : 0;
  }

  /** A full-width base64 line [start, start + runWidth()) ending at `end`, in a run. */
  runLine(start: number, end: number): void {
    if (this.#tailWidth > 0) {
      this.#tailLine(start, start + this.#tailWidth, end);
      return;
    }
    this.#held.push({ start, end, bodyEnd: start + this.#runWidth, hit: false });
    this.#runRanges.push([start, start + this.#runWidth]);
    if (this.#held.length >= MAX_HELD_LINES) this.#decideRun(null, true);
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
    if (this.#heldKind === "k8s") {
      this.#k8sHoldNext(pl);
      return;
    }
    if (this.#heldKind === "redraw") {
      this.#held.push(pl);
      const size = pl.end - this.#held[0].start;
      if (this.#loneCr(pl) && this.#held.length < MAX_REDRAW_LINES && size < MAX_REDRAW_BYTES) {
        return;
      }
      this.#flushRedraw();
      return;
    }
    if (this.#tailWidth > 0) {
      const r = this.#b64Range(pl);
      if (r !== null && r[1] - r[0] <= this.#tailWidth) {
        this.#tailLine(r[0], r[1], pl.end);
        if (r[1] - r[0] < this.#tailWidth || this.#bytes(r[1] - 1, r[1])[0] === 0x3d) {
          this.#endTail();
        }
        return;
      }
      this.#endTail();
    }
    this.#fresh(pl);
  }

  /**
   * Quiet or end of stream: decide what is held as if nothing more were coming (lines being
   * redrawn excepted when `keepRedraw`: see heldStart()).
   */
  force(keepRedraw = false): void {
    if (this.#heldKind === "cont") this.#flushCont();
    else if (this.#heldKind === "run") this.#decideRun(null, false);
    else if (this.#heldKind === "k8s") this.#k8sReplay(null);
    else if (this.#heldKind === "redraw" && !keepRedraw) this.#flushRedraw();
  }

  /** A line ended by a carriage return alone: the next one is drawn over it. */
  #loneCr(pl: PhysLine): boolean {
    return pl.end - pl.bodyEnd === 1 && this.#bytes(pl.bodyEnd, pl.end)[0] === 0x0d;
  }

  /**
   * Lines drawn over each other ("\r" and the line again, as line editors redraw a command
   * being typed): each is looked at alone, then what they show in the end, so a secret that
   * only some of them hold whole is masked in the partial copies too.
   */
  #flushRedraw(): void {
    const lines = this.#held;
    this.#held = [];
    this.#heldKind = "none";
    this.#redrawing = true;
    for (const l of lines) this.line(l);
    this.#redrawing = false;
    const first = lines[0].start;
    const raw = byteString(this.#bytes(first, lines[lines.length - 1].bodyEnd));
    this.#shownSpans(raw, first, this.#extraRules(), this.out.masks, this.out.findings);
  }

  /** End of stream. */
  end(): void {
    this.force();
    this.#endTail();
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
    const extra = this.#extraRules();
    this.#spansTo(lg, this.#engine.detect(lg.text, extra), masks, findings);
    this.#editedSpans(lg, extra, masks, findings);
    return { masks, findings };
  }

  /** A line seen in no held context; `known` is its logical text when already made. */
  #fresh(pl: PhysLine, known?: Logical): void {
    if (
      pl.hit && !this.#redrawing && this.#block === null && this.#k8s === null && this.#loneCr(pl)
    ) {
      this.#heldKind = "redraw";
      this.#held = [pl];
      return;
    }
    if (this.#block === null && this.#k8s === null) {
      const r = this.#b64Range(pl);
      if (r !== null && RUN_WIDTHS.has(r[1] - r[0])) {
        this.#heldKind = "run";
        this.#held = [pl];
        this.#runRanges = [r];
        this.#runWidth = r[1] - r[0];
        this.#runEnded = false;
        this.#runCrc = null;
        return;
      }
      if (r !== null && this.#valueEncodesSecret(pl)) {
        this.out.masks.push({ start: pl.start, end: pl.bodyEnd });
        this.out.findings.push({
          ruleId: "base64-wrapped-blob",
          offset: pl.start,
          length: pl.bodyEnd - pl.start,
        });
        this.#decide(pl.end);
        return;
      }
    }
    const lg = known ?? this.#logical([pl]);
    const t = lg.text;
    if (this.#replayKind === null) this.#tickAfter(t);
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
    const priv = t.includes("Private-Lines") ? /^\s*Private-Lines:\s*(\d+)\s*$/.exec(t) : null;
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
    if (t.includes("ind")) this.#noteKind(t);
    else if ((t.includes("apiVersion") || t.startsWith("---")) && NEW_OBJECT_RE.test(t)) {
      this.#lastKind = null;
    }
    const k8s = t.includes("ata") ? (K8S_YAML_START.exec(t) ?? K8S_JSON_START.exec(t)) : null;
    if (k8s && this.#engine.enabledIds.has("kubernetes-secret-data")) {
      const indent = k8s[1].length;
      const json = k8s[0].includes("{");
      // Values are secrets only in a Secret; its kind may come after the data (kubectl's
      // order), so the block waits for it.
      let kind = this.#replayKind;
      this.#replayKind = null;
      if (kind === null && this.#lastKind?.indent === indent) kind = this.#lastKind.kind;
      if (kind === null) {
        this.#heldKind = "k8s";
        this.#held = [pl];
        this.#k8sHold = { indent, json };
        return;
      }
      if (kind !== "Secret" && kind !== "?") {
        this.#rules(lg, pl.hit);
        this.#decide(pl.end);
        return;
      }
      this.#k8s = {
        indent,
        json,
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

  /** Tracks which object's kind a data block belongs to. */
  #noteKind(t: string): void {
    const m = KIND_RE.exec(t);
    if (m) this.#lastKind = { indent: m[1].length, kind: m[2] };
  }

  /** A line while a data block waits for its kind. */
  #k8sHoldNext(pl: PhysLine): void {
    const h = this.#k8sHold!;
    this.#held.push(pl);
    const t = this.#logical([pl]).text;
    const kind = KIND_RE.exec(t);
    if (kind && kind[1].length === h.indent) {
      this.#k8sReplay(kind[2]);
      return;
    }
    const blank = t.trim().length === 0;
    const indent = /^\s*/.exec(t)![0].length;
    const ended = NEW_OBJECT_RE.test(t) ||
      (!blank && (indent < h.indent || !YAML_OR_JSON_RE.test(t))) ||
      (h.json && indent < h.indent && t.trim().startsWith("}"));
    if (ended || this.#held.length >= MAX_HELD_LINES) this.#k8sReplay(null);
  }

  /**
   * Processes the held data block and what followed it as ordinary lines, the block as part
   * of an object of `kind` (null: not known, treated as a Secret).
   */
  #k8sReplay(kind: string | null): void {
    const lines = this.#held;
    this.#held = [];
    this.#heldKind = "none";
    this.#k8sHold = null;
    this.#replayKind = kind ?? "?";
    for (const l of lines) this.line(l);
    this.#replayKind = null;
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
    const r = this.#runCrc === null ? this.#b64Range(pl) : null;
    if (!this.#runEnded && r !== null && r[1] - r[0] <= this.#runWidth) {
      this.#held.push(pl);
      this.#runRanges.push(r);
      if (r[1] - r[0] < this.#runWidth || this.#bytes(r[1] - 1, r[1])[0] === 0x3d) {
        this.#runEnded = true;
      }
      if (this.#held.length >= MAX_HELD_LINES) this.#decideRun(null, true);
      return;
    }
    const lg = this.#logical([pl]);
    if (this.#runCrc === null && PGP_CRC_RE.test(lg.text)) {
      // A PGP body ends with its checksum line; the END marker comes one line later.
      this.#runCrc = pl;
      return;
    }
    this.#decideRun(lg.text, false);
    this.#fresh(pl, lg);
  }

  /**
   * Decides a held base64 run: masked when the line after it ends a private key block (a
   * key shown without its BEGIN line), or when it decodes to something holding a secret.
   * Random data, images, archives and certificates decode to nothing the detectors find.
   */
  #decideRun(next: string | null, capped: boolean): void {
    const lines = this.#held;
    const ranges = this.#runRanges;
    const crc = this.#runCrc;
    this.#held = [];
    this.#runRanges = [];
    this.#runCrc = null;
    this.#heldKind = "none";
    let ruleId: string | null = null;
    const end = next !== null ? END_RE.exec(next) : null;
    if (end) {
      const id = keyRuleId(end[1] ?? "SSH2 PRIVATE KEY");
      if (id && this.#engine.enabledIds.has(id)) ruleId = id;
    }
    if (
      ruleId === null && this.#engine.enabledIds.has("base64-wrapped-blob") &&
      this.#encodesSecret(ranges)
    ) {
      ruleId = "base64-wrapped-blob";
    }
    if (ruleId !== null) {
      const block: Block = { private: true, ruleId, lines: 0, first: -1, length: 0 };
      for (const [s, e] of ranges) {
        this.out.masks.push({ start: s, end: e });
        if (block.first < 0) block.first = s;
        block.length += e - s;
      }
      this.#decide(lines[lines.length - 1].end);
      if (crc) {
        const lg = this.#logical([crc]);
        const r = this.#bodyRange(lg.text);
        if (r) this.#blockMask(block, lg, r[0], r[1]);
        this.#decide(crc.end);
      }
      if (capped) {
        this.#tailWidth = this.#runWidth;
        this.#tailBlock = block;
      } else this.#closeFinding(block);
      return;
    }
    // Not masked: the first line may still hold a token its keyword points to.
    if (lines[0].hit) this.#rules(this.#logical([lines[0]]), true);
    this.#decide(lines[lines.length - 1].end);
    if (crc) this.#decide(crc.end);
    if (capped) this.#tailWidth = this.#runWidth;
  }

  #tailLine(s: number, e: number, end: number): void {
    const b = this.#tailBlock;
    if (b) {
      this.out.masks.push({ start: s, end: e });
      b.length += e - s;
    }
    this.#decide(end);
  }

  #endTail(): void {
    if (this.#tailBlock) this.#closeFinding(this.#tailBlock);
    this.#tailBlock = null;
    this.#tailWidth = 0;
  }

  /** A one-line base64 value (see base64ValueLine) that decodes to text holding a secret. */
  #valueEncodesSecret(pl: PhysLine): boolean {
    if (this.#inner === NO_INNER || !this.#engine.enabledIds.has("base64-wrapped-blob")) {
      return false;
    }
    const b = this.#bytes(pl.start, pl.bodyEnd);
    if (!base64ValueLine(b, 0, b.length)) return false;
    const d = this.#decode([[pl.start, pl.bodyEnd]]);
    if (derPrivateKey(d)) return true;
    let text = true;
    for (let i = 0; i < d.length && text; i++) text = TEXT_BYTE[d[i]] === 1;
    // A short value must be text whole; a long one (a file) may hold text among binary.
    const t = text ? d : textStretches(d);
    return t !== null && t.length >= 8 && this.#inner(t);
  }

  /** True when base64 content decodes to a private key or to text holding a secret. */
  #encodesSecret(ranges: [number, number][]): boolean {
    if (this.#inner === NO_INNER) return false;
    const d = this.#decode(ranges);
    if (derPrivateKey(d)) return true;
    const text = textStretches(d);
    return text !== null && this.#inner(text);
  }

  /** Decodes the run's base64 (the first MAX_DECODE_CHARS characters). */
  #decode(ranges: [number, number][]): Uint8Array {
    // Held lines are contiguous in the stream: one view serves them all.
    const first = ranges[0][0];
    const b = this.#bytes(first, ranges[ranges.length - 1][1]);
    let total = 0;
    for (const [s, e] of ranges) total += e - s;
    total = Math.min(total, MAX_DECODE_CHARS);
    // One scratch buffer serves every run: the result is only looked at, never kept.
    if (decodeScratch.length < (total >> 2) * 3 + 3) {
      decodeScratch = new Uint8Array((MAX_DECODE_CHARS >> 2) * 3 + 3);
    }
    const out = decodeScratch;
    let acc = 0, n = 0, o = 0, left = total;
    for (const [s, e] of ranges) {
      const to = Math.min(e, s + left) - first;
      left -= to - (s - first);
      let i = s - first;
      // Whole groups of four at a time while nothing is carried over.
      while (n === 0 && i + 4 <= to) {
        const v = (B64_VAL[b[i]] << 18) | (B64_VAL[b[i + 1]] << 12) | (B64_VAL[b[i + 2]] << 6) |
          B64_VAL[b[i + 3]];
        if ((B64_VAL[b[i]] | B64_VAL[b[i + 1]] | B64_VAL[b[i + 2]] | B64_VAL[b[i + 3]]) < 0) break;
        out[o++] = v >> 16;
        out[o++] = (v >> 8) & 0xff;
        out[o++] = v & 0xff;
        i += 4;
      }
      for (; i < to; i++) {
        const v = B64_VAL[b[i]];
        if (v < 0) continue;
        acc = (acc << 6) | v;
        if (++n === 4) {
          out[o++] = acc >> 16;
          out[o++] = (acc >> 8) & 0xff;
          out[o++] = acc & 0xff;
          acc = n = 0;
        }
      }
      if (left <= 0) break;
    }
    if (n === 3) {
      out[o++] = acc >> 10;
      out[o++] = (acc >> 2) & 0xff;
    } else if (n === 2) out[o++] = acc >> 4;
    return out.subarray(0, o);
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
    if (b) this.#closeFinding(b);
  }

  #closeFinding(b: Block): void {
    if (b.private && b.first >= 0) {
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
    this.#editedSpans(lg, extra, this.out.masks, this.out.findings);
  }

  /**
   * For a line that moves its cursor back: secrets in the text it shows, each masked in every
   * byte written into its cells. Those the plain text already gave are not reported twice.
   */
  #editedSpans(lg: Logical, extra: CompiledRule[], masks: MaskRange[], findings: Finding[]) {
    if (lg.raw === undefined || !hasCursorMoves(lg.raw)) return;
    this.#shownSpans(lg.raw, lg.rawStart!, extra, masks, findings);
  }

  /** Secrets in what `raw` (starting at stream offset `base`) shows, masked in all copies. */
  #shownSpans(
    raw: string,
    base: number,
    extra: CompiledRule[],
    masks: MaskRange[],
    findings: Finding[],
  ): void {
    const known = masks.slice();
    const v = editedView(raw);
    for (const sp of this.#engine.detect(v.text, extra)) {
      const all: number[] = [];
      for (let c = sp.start; c < sp.end; c++) for (const o of v.owners[c]) all.push(base + o);
      if (all.length === 0 || all.every((p) => known.some((m) => m.start <= p && p < m.end))) {
        continue;
      }
      const hide: number[] = [];
      for (let c = sp.start + sp.keep; c < sp.end; c++) {
        for (const o of v.owners[c]) hide.push(base + o);
      }
      hide.sort((a, b) => a - b);
      for (let k = 0; k < hide.length;) {
        let e = k + 1;
        while (e < hide.length && hide[e] === hide[e - 1] + 1) e++;
        masks.push({ start: hide[k], end: hide[e - 1] + 1 });
        k = e;
      }
      findings.push({ ruleId: sp.ruleId, offset: Math.min(...all), length: sp.end - sp.start });
    }
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
      const raw = byteString(this.#bytes(l.start, l.bodyEnd));
      const s = stripAnsi(raw);
      return {
        text: s.text,
        segs: s.segs,
        orig: s.orig.map((o) => o + l.start),
        raw,
        rawStart: l.start,
      };
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

let decodeScratch = new Uint8Array(1024);

/** Marks a processor that looks into no decoded base64 (nested too deep). */
export const NO_INNER = (_: Uint8Array): boolean => false;

/**
 * A binary private key: OpenSSH's magic, or DER where PKCS#1, PKCS#8 and SEC1 start SEQUENCE,
 * INTEGER 0 or 1 and encrypted PKCS#8 starts SEQUENCE, SEQUENCE, the PBES2 OID. Certificates
 * and public keys do neither. (Random data starts like this about once in 2^32 runs.)
 */
function derPrivateKey(d: Uint8Array): boolean {
  if (startsWith(d, "openssh-key-v1\u0000")) return true;
  if (d.length < 16 || d[0] !== 0x30) return false;
  const l = d[1];
  const i = l < 0x80 ? 2 : l === 0x81 ? 3 : l === 0x82 ? 4 : -1;
  if (i < 0) return false;
  // Version 3 is PKCS#12, which carries a private key too.
  if (d[i] === 0x02 && d[i + 1] === 0x01 && (d[i + 2] <= 1 || d[i + 2] === 3)) return true;
  if (d[i] !== 0x30) return false;
  const oid = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
  for (let k = i + 2; k <= i + 4; k++) {
    if (oid.every((v, j) => d[k + j] === v)) return true;
  }
  return false;
}

function startsWith(d: Uint8Array, s: string): boolean {
  if (d.length < s.length) return false;
  for (let i = 0; i < s.length; i++) if (d[i] !== s.charCodeAt(i)) return false;
  return true;
}

/**
 * The printable stretches of decoded bytes (at least MIN_TEXT long) joined by line breaks,
 * or null when there are none: a text file whole, the text inside an archive, nothing of
 * random data.
 */
function textStretches(d: Uint8Array): Uint8Array | null {
  const keep: [number, number][] = [];
  let size = 0;
  let from = 0;
  const n = d.length;
  // Probe the last byte a stretch starting at `from` would need: on random data it is
  // usually not text, and MIN_TEXT bytes are skipped at once.
  while (from + MIN_TEXT <= n) {
    let p = from + MIN_TEXT - 1;
    if (TEXT_BYTE[d[p]] !== 1) {
      from = p + 1;
      continue;
    }
    while (p > from && TEXT_BYTE[d[p - 1]] === 1) p--;
    if (p > from) {
      from = p;
      continue;
    }
    let e = from + MIN_TEXT;
    while (e < n && TEXT_BYTE[d[e]] === 1) e++;
    keep.push([from, e]);
    size += e - from + 1;
    from = e + 1;
  }
  if (keep.length === 0) return null;
  if (keep.length === 1 && keep[0][0] === 0 && keep[0][1] === n) return d;
  const out = new Uint8Array(size);
  let o = 0;
  for (const [s, e] of keep) {
    out.set(d.subarray(s, e), o);
    o += e - s;
    out[o++] = 0x0a;
  }
  return out;
}

/** A Kubernetes Secret data value: valid padded base64 of some length. */
function looksBase64Value(v: string): boolean {
  if (v.length < 8 || v.length % 4 !== 0) return false;
  if (!/^[A-Za-z0-9+\/]+={0,2}$/.test(v)) return false;
  return /[0-9+\/=]/.test(v) || (/[a-z]/.test(v) && /[A-Z]/.test(v));
}
