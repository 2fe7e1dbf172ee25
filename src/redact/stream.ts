/**
 * The streaming redactor: bytes in, bytes and findings out.
 *
 * Complete lines without a keyword pass at once. Lines that might hold a secret are decided by
 * the line state machine, which may hold a few lines back (key blocks, base64 runs, "\"
 * continuations). An incomplete line is held until its end arrives, it grows past MAX_LINE
 * (then it is cut at a whitespace chosen from its own bytes, so every split cuts alike), or
 * the stream is quiet for QUIET_MS (tick).
 *
 * One bounded exception to the QUIET_MS release: the last word of an incomplete line (at most
 * MAX_WORD bytes after the last blank, quote or "=") stays held until the line goes on, ends,
 * or WORD_QUIET_MS of quiet. A token typed (or echoed) a key at a time is then still whole
 * when the rules see it, instead of leaking prefix by prefix at each pause. Lines a line editor
 * redraws over each other ("\r" and the command again, see lines.ts) are held the same way.
 */
import { Engine } from "./engine.ts";
import {
  B64_BYTE,
  type Decisions,
  type Finding,
  LineProcessor,
  NO_INNER,
  type PhysLine,
} from "./lines.ts";
import { maskBytes } from "./mask.ts";
import { concatBytes } from "../core/bytes.ts";
import { LineScanner, specialLine } from "./scanner.ts";

export type { Finding } from "./lines.ts";

export interface RedactResult {
  output: Uint8Array;
  findings: Finding[];
}

export interface Redactor {
  push(chunk: Uint8Array): RedactResult;
  flush(): RedactResult;
  /** ms timestamp (from the clock) by which held-back bytes must be released, or null. */
  deadline(): number | null;
  /** Releases what is held if the deadline passed. */
  tick(): RedactResult;
}

export const QUIET_MS = 100;
export const MAX_LINE = 8192;
/** Quiet after which a held last word of an incomplete line is released as well. */
export const WORD_QUIET_MS = 2000;
/** Longest last word held past QUIET_MS. */
export const MAX_WORD = 256;
/** How deep base64 found inside decoded base64 is still decoded. */
const MAX_DEPTH = 2;

const EMPTY = new Uint8Array(0);

export class StreamRedactor implements Redactor {
  readonly #clock: () => number;
  readonly #borrowOutput: boolean;
  readonly #scanner: LineScanner;
  readonly #lp: LineProcessor;
  readonly #out: Decisions = { decided: 0, masks: [], findings: [] };
  #buf = new Uint8Array(16384);
  #len = 0;
  /** Stream offset of #buf[0]. */
  #base = 0;
  #released = 0;
  #lineStart = 0;
  #scanPos = 0;
  #lastPush = 0;
  /** Findings already reported for bytes released early by tick(). */
  #early = new Set<string>();
  /** A tick released an incomplete line but its last word, held until WORD_QUIET_MS. */
  #wordHeld = false;

  /**
   * `borrowOutput`: output is a view of this redactor's buffer, valid until its next call (for
   * a consumer that copies at once, as the recorder does: no copy of every byte released).
   */
  constructor(engine: Engine, clock: () => number, depth = 0, borrowOutput = false) {
    this.#clock = clock;
    this.#borrowOutput = borrowOutput;
    this.#scanner = new LineScanner(engine.grams);
    // Decoded base64 is checked by a redactor of its own: findings there mean a secret.
    const inner = depth < MAX_DEPTH
      ? (bytes: Uint8Array) => {
        const r = new StreamRedactor(engine, clock, depth + 1);
        return r.push(bytes).findings.length > 0 || r.flush().findings.length > 0;
      }
      : NO_INNER;
    this.#lp = new LineProcessor(
      engine,
      (s, e) => this.#buf.subarray(s - this.#base, e - this.#base),
      this.#out,
      inner,
    );
  }

  push(chunk: Uint8Array): RedactResult {
    if (chunk.length === 0) return { output: EMPTY, findings: [] };
    this.#append(chunk);
    this.#lastPush = this.#clock();
    this.#wordHeld = false;
    this.#scan(false);
    return this.#release(this.#out.decided);
  }

  flush(): RedactResult {
    this.#scan(true);
    this.#lp.end();
    const r = this.#release(this.#end());
    this.#early.clear();
    return r;
  }

  deadline(): number | null {
    if (this.#end() <= this.#released) return null;
    return this.#lastPush + (this.#wordHeld ? WORD_QUIET_MS : QUIET_MS);
  }

  tick(): RedactResult {
    const d = this.deadline();
    if (d === null || this.#clock() < d) return { output: EMPTY, findings: [] };
    // Before WORD_QUIET_MS, a line being redrawn over itself stays held like a typed word.
    this.#lp.force(!this.#wordHeld);
    const held = this.#lp.heldStart();
    if (held !== null) {
      this.#wordHeld = true;
      return this.#release(held);
    }
    const end = this.#end();
    let upTo = end;
    const early: Finding[] = [];
    if (this.#lineStart < end && this.#out.decided <= this.#lineStart) {
      const pl: PhysLine = {
        start: this.#lineStart,
        end,
        bodyEnd: end,
        hit: true,
      };
      const v = this.#lp.virtual(pl);
      for (const f of v.findings) {
        const key = `${f.ruleId}@${f.offset}`;
        if (this.#early.has(key)) continue;
        this.#early.add(key);
        early.push(f);
      }
      this.#out.masks.push(...v.masks);
      if (!this.#wordHeld) {
        const w = this.#lastWord(Math.max(this.#lineStart, this.#released), end);
        if (w < end) {
          upTo = w;
          this.#wordHeld = true;
        }
      }
    }
    const res = this.#release(upTo);
    // Reported now; the same findings decided again once the line ends are dropped then.
    res.findings.push(...early);
    return res;
  }

  /**
   * Start of the last word of [from, end): after the last blank, quote or "=" (escape
   * sequences and "\b \b" erasures do not end words); `end` when there is none to hold.
   */
  #lastWord(from: number, end: number): number {
    const b = this.#buf;
    const base = this.#base;
    let w = from;
    for (let i = from - base; i < end - base; i++) {
      const c = b[i];
      if (c === 0x1b) {
        // Skip a CSI sequence whole; other escapes end at their next byte.
        if (i + 1 < end - base && b[i + 1] === 0x5b) {
          i += 2;
          while (i < end - base && !(b[i] >= 0x40 && b[i] <= 0x7e)) i++;
        } else i++;
        continue;
      }
      if (c === 0x08) continue;
      const sep = c < 0x20 || c === 0x22 || c === 0x27 || c === 0x60 || c === 0x3d ||
        (c === 0x20 && !(i > 0 && b[i - 1] === 0x08));
      if (sep) w = base + i + 1;
    }
    return end - w > MAX_WORD ? end : w;
  }

  #end(): number {
    return this.#base + this.#len;
  }

  #append(chunk: Uint8Array): void {
    const keep = Math.min(this.#released, this.#out.decided, this.#lineStart);
    const drop = keep - this.#base;
    if (drop > 0 && (drop === this.#len || drop >= this.#buf.length >> 1)) {
      this.#buf.copyWithin(0, drop, this.#len);
      this.#len -= drop;
      this.#base = keep;
      this.#scanner.shift(drop);
    }
    if (this.#len + chunk.length > this.#buf.length) {
      let size = this.#buf.length * 2;
      while (size < this.#len + chunk.length) size *= 2;
      const nb = new Uint8Array(size);
      nb.set(this.#buf.subarray(0, this.#len));
      this.#buf = nb;
    }
    this.#buf.set(chunk, this.#len);
    this.#len += chunk.length;
  }

  #scan(final: boolean): void {
    const buf = this.#buf;
    const base = this.#base;
    const end = this.#end();
    const sc = this.#scanner;
    const lp = this.#lp;
    for (;;) {
      // Inside a base64 run, full-width lines are taken whole without the keyword scan.
      const w = lp.runWidth();
      if (w > 0 && this.#runLines(w)) continue;
      // While nothing is held, whole runs of uninteresting lines are skipped inside the scanner.
      const bulk = lp.idle();
      const limit = bulk ? end : Math.min(end, this.#lineStart + MAX_LINE);
      const t = sc.scan(buf, this.#scanPos - base, limit - base, bulk, this.#lineStart - base);
      if (sc.boringEnd >= 0) this.#lineStart = this.#out.decided = base + sc.boringEnd;
      if (t >= 0 && base + t - this.#lineStart < MAX_LINE) {
        const start = this.#lineStart;
        const term = base + t;
        const bodyEnd = buf[t] === 0x0a && term > start && buf[t - 1] === 0x0d ? term - 1 : term;
        const hit = sc.lineHit(buf, start - base, bodyEnd - base);
        this.#lineStart = this.#scanPos = term + 1;
        sc.newLine();
        if (!hit && lp.idle() && !specialLine(buf, start - base, bodyEnd - base)) {
          this.#out.decided = term + 1;
        } else {
          lp.line({ start, end: term + 1, bodyEnd, hit });
        }
        continue;
      }
      if (t < 0) {
        this.#scanPos = base + sc.next;
        if (end - this.#lineStart < MAX_LINE) break;
      }
      // An over-long line: cut where its own bytes say, so every split cuts alike.
      const start = this.#lineStart;
      const cut = this.#cutPoint();
      this.#lineStart = this.#scanPos = cut;
      sc.newLine();
      lp.line({ start, end: cut, bodyEnd: cut, hit: true });
    }
    if (final && this.#lineStart < end) {
      // The last line, unterminated: decided as a complete line is (its bytes are all in).
      const start = this.#lineStart;
      const bodyEnd = buf[end - 1 - base] === 0x0d ? end - 1 : end;
      const hit = sc.lineHit(buf, start - base, bodyEnd - base);
      this.#lineStart = this.#scanPos = end;
      sc.newLine();
      if (!hit && lp.idle() && !specialLine(buf, start - base, bodyEnd - base)) {
        this.#out.decided = end;
      } else {
        lp.line({ start, end, bodyEnd, hit });
      }
    }
  }

  /**
   * Feeds the line processor complete lines of exactly `w` base64 characters from the line
   * start on; false when the first line is not one (or not complete yet).
   */
  #runLines(w: number): boolean {
    const buf = this.#buf;
    const base = this.#base;
    const len = this.#len;
    const lp = this.#lp;
    const from = this.#lineStart - base;
    let s = from;
    while (lp.runWidth() === w) {
      const e = s + w;
      if (e >= len) break;
      let i = s;
      while (i < e && B64_BYTE[buf[i]] === 1) i++;
      if (i < e) break;
      let next: number;
      if (buf[e] === 0x0a) next = e + 1;
      else if (buf[e] === 0x0d && e + 1 < len) next = buf[e + 1] === 0x0a ? e + 2 : e + 1;
      else break;
      lp.runLine(base + s, base + next);
      s = next;
    }
    if (s === from) return false;
    this.#lineStart = this.#scanPos = base + s;
    this.#scanner.newLine();
    return true;
  }

  /** Where an over-long line is cut: after the last blank in its second half, else at MAX_LINE. */
  #cutPoint(): number {
    const buf = this.#buf;
    const s = this.#lineStart - this.#base;
    for (let i = s + MAX_LINE - 1; i >= s + (MAX_LINE >> 1); i--) {
      if (buf[i] === 0x20 || buf[i] === 0x09) return this.#base + i + 1;
    }
    return this.#lineStart + MAX_LINE;
  }

  /** Emits [released, upTo) with masks applied, and the findings decided so far. */
  #release(upTo: number): RedactResult {
    const out = this.#out;
    let findings = out.findings;
    out.findings = [];
    if (this.#early.size > 0) {
      findings = findings.filter((f) => !this.#early.has(`${f.ruleId}@${f.offset}`));
      if (this.#out.decided >= this.#end()) this.#early.clear();
    }
    const from = this.#released;
    if (upTo <= from) return { output: EMPTY, findings };
    this.#released = upTo;
    const masks = out.masks;
    const base = this.#base;
    const buf = this.#buf;
    if (masks.length === 0) {
      const output = this.#borrowOutput
        ? buf.subarray(from - base, upTo - base)
        : buf.slice(from - base, upTo - base);
      return { output, findings };
    }
    masks.sort((a, b) => a.start - b.start);
    const pieces: Uint8Array[] = [];
    let cur = from;
    let k = 0;
    for (; k < masks.length; k++) {
      const m = masks[k];
      if (m.start >= upTo) break;
      const s = Math.max(m.start, cur);
      const e = Math.min(m.end, upTo);
      if (e <= s) continue;
      if (s > cur) pieces.push(buf.subarray(cur - base, s - base));
      pieces.push(maskBytes(buf.subarray(s - base, e - base)));
      cur = e;
    }
    if (cur < upTo) pieces.push(buf.subarray(cur - base, upTo - base));
    out.masks = masks.slice(k).filter((m) => m.end > upTo);
    return { output: concatBytes(pieces), findings };
  }
}

/** A redactor that passes everything through (redaction disabled). */
export class PassThrough implements Redactor {
  push(chunk: Uint8Array): RedactResult {
    return { output: chunk.slice(), findings: [] };
  }
  flush(): RedactResult {
    return { output: EMPTY, findings: [] };
  }
  deadline(): number | null {
    return null;
  }
  tick(): RedactResult {
    return { output: EMPTY, findings: [] };
  }
}
