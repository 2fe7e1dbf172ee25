/**
 * Byte-level prefilter: finds lines holding a keyword (case-insensitive, escape sequences
 * skipped) without decoding them, so lines without one pass on without regexes. A hashed
 * table of keywords' first four bytes flags candidates; each is confirmed against the whole
 * keyword once its line is complete, so the verdict depends only on the line's bytes.
 */

export const LOWER = new Uint8Array(256);
for (let i = 0; i < 256; i++) LOWER[i] = i >= 0x41 && i <= 0x5a ? i + 32 : i;

const TABLE_BITS = 21;
const HASH_MUL = 0x9e3779b1;
const MAX_CANDIDATES = 16;

/** Printable ASCII as it looks after lower-casing: the bytes that may follow a short keyword. */
const FOLLOW: number[] = [];
for (let c = 0x20; c < 0x7f; c++) if (!(c >= 0x41 && c <= 0x5a)) FOLLOW.push(c);

const B64_BYTE = new Uint8Array(256);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") {
  B64_BYTE[c.charCodeAt(0)] = 1;
}

/** Keyword confirmation: the whole keyword bytes, or a shape check for "://" (user:pass@). */
type Check = Uint8Array | "url";

export class GramSet {
  readonly bits = new Uint8Array(1 << (TABLE_BITS - 3));
  /** Gram → keywords starting with it (null: a short keyword, the gram itself suffices). */
  readonly checks = new Map<number, Check[] | null>();

  constructor(keywords: string[]) {
    for (const k of keywords) {
      const codes = [...k].map((ch) => LOWER[ch.charCodeAt(0) & 0xff]);
      if (codes.length >= 4) {
        this.#add(codes.slice(0, 4), k === "://" ? "url" : new Uint8Array(codes));
      } else if (codes.length === 3) {
        for (const a of FOLLOW) this.#add([...codes, a], k === "://" ? "url" : null);
      } else if (codes.length === 2) {
        for (const a of FOLLOW) for (const b of FOLLOW) this.#add([...codes, a, b], null);
      }
    }
  }

  #add(c: number[], check: Check | null): void {
    // Kept as a signed 32-bit integer, like the scanner's rolling value (no boxing).
    const g = (c[0] << 24) | (c[1] << 16) | (c[2] << 8) | c[3];
    const prev = this.checks.get(g);
    if (check === null || prev === null) this.checks.set(g, null);
    else this.checks.set(g, [...(prev ?? []), check]);
    const idx = Math.imul(g, HASH_MUL) >>> (32 - TABLE_BITS);
    this.bits[idx >>> 3] |= 1 << (idx & 7);
  }
}

const cache = new Map<string, GramSet>();

/** One table per keyword set, shared by all redactors using it. */
export function gramSetFor(keywords: string[]): GramSet {
  const key = keywords.join("\u0000");
  let g = cache.get(key);
  if (!g) {
    g = new GramSet(keywords);
    if (cache.size > 16) cache.clear();
    cache.set(key, g);
  }
  return g;
}

/** Escape-sequence parser states. */
const NORMAL = 0, ESC = 1, CSI = 2, STR = 3, STR_ESC = 4, NF = 5;

/** Incremental line scanner; its state survives between pushes. Positions are buffer indices. */
export class LineScanner {
  #gram = 0;
  #esc = NORMAL;
  /** An escape sequence was seen on this line: keyword positions are then not exact. */
  #escSeen = false;
  #hit = false;
  /** Buffer index of each candidate keyword start, with its gram. */
  #cand: number[] = [];
  #candGram: number[] = [];
  readonly #g: GramSet;
  /** Where the next scan must resume (a final "\r" is rescanned once the next byte is in). */
  next = 0;

  constructor(g: GramSet) {
    this.#g = g;
  }

  newLine(): void {
    this.#gram = 0;
    this.#esc = NORMAL;
    this.#escSeen = false;
    this.#hit = false;
    this.#cand.length = 0;
    this.#candGram.length = 0;
  }

  /** Moves recorded positions when the buffer is compacted by `delta` bytes. */
  shift(delta: number): void {
    for (let i = 0; i < this.#cand.length; i++) this.#cand[i] -= delta;
  }

  /** Whether the line [start, bodyEnd) holds a keyword; call once the line is complete. */
  lineHit(b: Uint8Array, bodyEnd: number): boolean {
    if (this.#hit) return true;
    for (let k = 0; k < this.#cand.length; k++) {
      const checks = this.#g.checks.get(this.#candGram[k]);
      if (checks === null || checks === undefined) return true;
      const at = this.#cand[k];
      for (const c of checks) {
        if (c === "url" ? urlWithCredentials(b, at + 3, bodyEnd) : matchesAt(b, at, bodyEnd, c)) {
          return true;
        }
      }
    }
    return false;
  }

  /** In bulk mode: buffer index just after the last line found uninteresting. */
  boringEnd = -1;

  /**
   * Scans b[from, to) and returns the index of the first line terminator ("\n", or a "\r" not
   * followed by "\n"), or -1 when there is none yet. With `bulk`, complete lines without a
   * keyword that are not special are skipped (ending at `boringEnd`): the caller passes them on.
   */
  scan(b: Uint8Array, from: number, to: number, bulk = false, lineStart = 0): number {
    const bits = this.#g.bits;
    let gram = this.#gram;
    let esc = this.#esc;
    let i = from;
    this.boringEnd = -1;
    for (; i < to; i++) {
      const c = b[i];
      if (c >= 0x20 && esc === NORMAL) {
        gram = (gram << 8) | LOWER[c];
        const idx = Math.imul(gram, HASH_MUL) >>> (32 - TABLE_BITS);
        if ((bits[idx >>> 3] & (1 << (idx & 7))) !== 0) this.#candidate(gram, i);
        continue;
      }
      if (esc !== NORMAL) {
        if (c === 0x0a || c === 0x0d) esc = NORMAL;
        else {
          esc = escStep(esc, c);
          continue;
        }
      }
      if (c === 0x0a || c === 0x0d) {
        if (c === 0x0d) {
          if (i + 1 >= to) {
            this.#gram = gram;
            this.#esc = esc;
            this.next = i;
            return -1;
          }
          if (b[i + 1] === 0x0a) continue;
        }
        if (!bulk) break;
        const bodyEnd = c === 0x0a && i > lineStart && b[i - 1] === 0x0d ? i - 1 : i;
        if (this.#hit || (this.#cand.length > 0 && this.lineHit(b, bodyEnd))) break;
        if (bodyEnd - lineStart >= 64 || (bodyEnd > lineStart && b[bodyEnd - 1] === 0x5c)) {
          if (specialLine(b, lineStart, bodyEnd)) break;
        }
        lineStart = i + 1;
        this.boringEnd = lineStart;
        gram = 0;
        this.#escSeen = false;
        this.#cand.length = 0;
        this.#candGram.length = 0;
        continue;
      }
      if (c === 0x1b) {
        this.#escSeen = true;
        // Fast path for a complete CSI sequence (colours, erases): skip it in one go.
        if (i + 2 < to && b[i + 1] === 0x5b) {
          let j = i + 2;
          while (j < to && b[j] >= 0x20 && b[j] < 0x40) j++;
          if (j < to && b[j] >= 0x40 && b[j] <= 0x7e) {
            i = j;
            continue;
          }
        }
        esc = ESC;
        continue;
      }
      gram = (gram << 8) | LOWER[c];
    }
    this.#gram = gram;
    this.#esc = esc;
    this.next = i < to ? i + 1 : to;
    return i < to ? i : -1;
  }

  #candidate(gram: number, i: number): void {
    if (this.#hit || !this.#g.checks.has(gram)) return;
    if (this.#escSeen || this.#cand.length >= MAX_CANDIDATES) {
      this.#hit = true;
      return;
    }
    this.#cand.push(i - 3);
    this.#candGram.push(gram);
  }
}

function matchesAt(b: Uint8Array, at: number, end: number, kw: Uint8Array): boolean {
  if (at < 0 || at + kw.length > end) return false;
  for (let k = 0; k < kw.length; k++) if (LOWER[b[at + k]] !== kw[k]) return false;
  return true;
}

/** After "://": "user:password@" before any "/", blank or quote. */
function urlWithCredentials(b: Uint8Array, from: number, end: number): boolean {
  let colon = false;
  for (let j = from; j < end; j++) {
    const c = b[j];
    if (c === 0x40) return colon;
    if (c === 0x3a) colon = true;
    else if (c === 0x2f || c <= 0x20 || c === 0x22 || c === 0x27 || c === 0x3c || c === 0x3e) {
      return false;
    }
  }
  return false;
}

/** True for a line the state machine must see without a keyword: "\" endings, base64 lines. */
export function specialLine(b: Uint8Array, s: number, e: number): boolean {
  if (e > s && b[e - 1] === 0x5c) return true;
  const n = e - s;
  if (n < 64 || n > 120) return false;
  let i = s;
  while (i < e && (b[i] === 0x20 || b[i] === 0x09)) i++;
  const from = i;
  while (i < e && B64_BYTE[b[i]] === 1) i++;
  const w = i - from;
  while (i < e && (b[i] === 0x20 || b[i] === 0x09)) i++;
  return i === e && w >= 64;
}

function escStep(state: number, c: number): number {
  switch (state) {
    case ESC:
      if (c === 0x5b) return CSI;
      if (c === 0x5d || c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f) return STR;
      if (c >= 0x20 && c <= 0x2f) return NF;
      return NORMAL;
    case CSI:
      return c >= 0x40 && c <= 0x7e ? NORMAL : c >= 0x20 && c < 0x40 ? CSI : NORMAL;
    case STR:
      return c === 0x07 ? NORMAL : c === 0x1b ? STR_ESC : STR;
    case STR_ESC:
      return c === 0x5c ? NORMAL : escStep(ESC, c);
    case NF:
      return c >= 0x20 && c <= 0x2f ? NF : NORMAL;
  }
  return NORMAL;
}
