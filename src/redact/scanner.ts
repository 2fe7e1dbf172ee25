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

/**
 * Grams fold case by setting bit 5 (one OR instead of a table lookup per byte): letters
 * lower-case, a few punctuation bytes pair up ("_" with DEL, "[" with "{"); the confirmation
 * of a candidate against the whole keyword tells them apart.
 */
const FOLD = 0x20;

/** Printable ASCII as it looks folded: the bytes that may follow a short keyword. */
const FOLLOW: number[] = [...new Set(Array.from({ length: 0x5f }, (_, i) => (0x20 + i) | FOLD))];

const B64_BYTE = new Uint8Array(256);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") {
  B64_BYTE[c.charCodeAt(0)] = 1;
}

/**
 * Keyword confirmation: the whole keyword bytes (or a shape check for "://", user:pass@), and
 * literals one of which the line must hold for any rule of the keyword to match.
 */
interface Check {
  kw: Uint8Array | "url";
  needs: Uint8Array[] | null;
}

/**
 * A GramSet's content as JSON holds it cheaply: one flat list of, for each gram, the gram, the
 * number of its keywords and their indices.
 */
export type GramLayout = number[];

export class GramSet {
  readonly bits = new Uint8Array(1 << (TABLE_BITS - 3));
  /** The same as indices into the keywords, in order: what a table cache stores. */
  readonly layout: GramLayout;
  readonly #keywords: string[];
  readonly #needs: Map<string, string[] | null>;
  /**
   * Open-addressing table from a gram to its entry's offset in `layout`: built in one pass over
   * plain integers, where a Map of arrays cost milliseconds of every recorder's start-up.
   */
  #slotGrams: Int32Array;
  #slotOffsets: Int32Array;
  #slotShift: number;
  /** Check lists and keyword checks, made on first use (most grams never occur). */
  #lists = new Map<number, Check[]>();
  #checks: (Check | undefined)[] = [];

  /** `layout`: this table as an earlier run built it for the same keywords and needs. */
  constructor(
    keywords: string[],
    needs: Map<string, string[] | null> = new Map(),
    layout?: GramLayout,
  ) {
    this.#keywords = keywords;
    this.#needs = needs;
    this.layout = layout ?? buildLayout(keywords);
    let entries = 0;
    for (let at = 0; at < this.layout.length; at += 2 + this.layout[at + 1]) entries++;
    let bits = 4;
    while (1 << bits < entries * 2) bits++;
    const size = 1 << bits;
    this.#slotShift = 32 - bits;
    this.#slotGrams = new Int32Array(size);
    this.#slotOffsets = new Int32Array(size).fill(-1);
    for (let at = 0; at < this.layout.length; at += 2 + this.layout[at + 1]) {
      const g = this.layout[at];
      let slot = this.#slot(g);
      while (this.#slotOffsets[slot] !== -1) slot = (slot + 1) & (size - 1);
      this.#slotGrams[slot] = g;
      this.#slotOffsets[slot] = at;
      const idx = Math.imul(g, HASH_MUL) >>> (32 - TABLE_BITS);
      this.bits[idx >>> 3] |= 1 << (idx & 7);
    }
  }

  /** Whether some keyword starts with `gram`. */
  has(gram: number): boolean {
    return this.#offset(gram) !== -1;
  }

  /** The keywords starting with `gram`, as checks; undefined when none does. */
  get(gram: number): Check[] | undefined {
    let list = this.#lists.get(gram);
    if (list) return list;
    const at = this.#offset(gram);
    if (at === -1) return undefined;
    list = [];
    for (let j = at + 2; j < at + 2 + this.layout[at + 1]; j++) {
      list.push(this.#check(this.layout[j]));
    }
    this.#lists.set(gram, list);
    return list;
  }

  /** Every gram in the table. */
  grams(): number[] {
    const out: number[] = [];
    for (let at = 0; at < this.layout.length; at += 2 + this.layout[at + 1]) {
      out.push(this.layout[at]);
    }
    return out;
  }

  #slot(gram: number): number {
    return Math.imul(gram, HASH_MUL) >>> this.#slotShift;
  }

  #offset(gram: number): number {
    const mask = this.#slotGrams.length - 1;
    for (let slot = this.#slot(gram);; slot = (slot + 1) & mask) {
      const at = this.#slotOffsets[slot];
      if (at === -1 || this.#slotGrams[slot] === gram) return at;
    }
  }

  #check(index: number): Check {
    let check = this.#checks[index];
    if (check) return check;
    const k = this.#keywords[index];
    const n = this.#needs.get(k);
    check = {
      kw: k === "://" ? "url" : new Uint8Array([...k].map((ch) => LOWER[ch.charCodeAt(0) & 0xff])),
      needs: n ? n.map((x) => encoder.encode(x)) : null,
    };
    this.#checks[index] = check;
    return check;
  }
}

const encoder = new TextEncoder();

/** Each keyword's grams (see FOLD and FOLLOW) with the keywords starting with each. */
function buildLayout(keywords: string[]): GramLayout {
  const byGram = new Map<number, number[]>();
  const add = (c: number[], i: number) => {
    // Kept as a signed 32-bit integer, like the scanner's rolling value (no boxing).
    const g = (c[0] << 24) | (c[1] << 16) | (c[2] << 8) | c[3];
    const prev = byGram.get(g);
    if (prev) prev.push(i);
    else byGram.set(g, [i]);
  };
  keywords.forEach((k, i) => {
    const folded = [...k].map((ch) => LOWER[ch.charCodeAt(0) & 0xff] | FOLD);
    if (folded.length >= 4) {
      add(folded.slice(0, 4), i);
    } else if (folded.length === 3) {
      // Short keywords: grams of the keyword and any byte after it, confirmed like the rest.
      for (const a of FOLLOW) add([...folded, a], i);
    } else if (folded.length === 2) {
      for (const a of FOLLOW) for (const b of FOLLOW) add([...folded, a, b], i);
    }
  });
  const layout: GramLayout = [];
  for (const [g, ks] of byGram) layout.push(g, ks.length, ...ks);
  return layout;
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
  lineHit(b: Uint8Array, start: number, bodyEnd: number): boolean {
    if (this.#hit) return true;
    for (let k = 0; k < this.#cand.length; k++) {
      if (this.#confirm(b, this.#candGram[k], this.#cand[k], start, bodyEnd, this.#escSeen)) {
        return true;
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
    if (bulk && i === lineStart && gram === 0 && esc === NORMAL && this.#fresh()) {
      i = lineStart = this.#skipBoring(b, i, to);
      if (i > from) this.boringEnd = i;
    }
    for (; i < to; i++) {
      const c = b[i];
      if (c >= 0x20 && esc === NORMAL) {
        gram = (gram << 8) | c | FOLD;
        const idx = Math.imul(gram, HASH_MUL) >>> (32 - TABLE_BITS);
        if ((bits[idx >>> 3] & (1 << (idx & 7))) !== 0) this.#candidate(gram, i);
        continue;
      }
      if (esc !== NORMAL) {
        if (c === 0x0a || c === 0x0d) esc = NORMAL;
        else {
          // Cursor moves back: the line is looked at as shown (see edit.ts).
          if (esc === CSI && (c === 0x44 || c === 0x47)) this.#hit = true;
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
        if (this.#hit || (this.#cand.length > 0 && this.lineHit(b, lineStart, bodyEnd))) break;
        if (bodyEnd - lineStart >= 16 || (bodyEnd > lineStart && b[bodyEnd - 1] === 0x5c)) {
          if (specialLine(b, lineStart, bodyEnd)) break;
        }
        gram = 0;
        this.#escSeen = false;
        this.#cand.length = 0;
        this.#candGram.length = 0;
        lineStart = this.boringEnd = this.#skipBoring(b, i + 1, to);
        i = lineStart - 1;
        continue;
      }
      if (c === 0x1b) {
        this.#escSeen = true;
        // Fast path for a complete CSI sequence (colours, erases): skip it in one go.
        if (i + 2 < to && b[i + 1] === 0x5b) {
          let j = i + 2;
          while (j < to && b[j] >= 0x20 && b[j] < 0x40) j++;
          if (j < to && b[j] >= 0x40 && b[j] <= 0x7e) {
            if (b[j] === 0x44 || b[j] === 0x47) this.#hit = true;
            i = j;
            continue;
          }
        }
        esc = ESC;
        continue;
      }
      if (c === 0x08) this.#hit = true;
      gram = (gram << 8) | c | FOLD;
    }
    this.#gram = gram;
    this.#esc = esc;
    this.next = i < to ? i + 1 : to;
    return i < to ? i : -1;
  }

  /** True in the state of a line start. */
  #fresh(): boolean {
    return !this.#hit && !this.#escSeen && this.#cand.length === 0;
  }

  /**
   * The bulk loop for the common case, from a line start: skips complete lines without a
   * keyword that are not special, as long as they hold only text, tabs and complete CSI
   * sequences and end in "\n" or "\r\n". Returns the start of the first line it leaves to the
   * general loop (which decides that line alike; a keyword line is rescanned there).
   */
  #skipBoring(b: Uint8Array, ls: number, to: number): number {
    const g = this.#g;
    const bits = g.bits;
    const at = this.#fastAt;
    const grams = this.#fastGram;
    let n = 0;
    let escSeen = false;
    let gram = 0;
    let i = ls;
    while (i < to) {
      const c = b[i];
      if (c >= 0x20) {
        gram = (gram << 8) | c | FOLD;
        const idx = Math.imul(gram, HASH_MUL) >>> (32 - TABLE_BITS);
        if ((bits[idx >>> 3] & (1 << (idx & 7))) !== 0 && g.has(gram)) {
          if (escSeen || n === MAX_CANDIDATES) return ls;
          at[n] = i - 3;
          grams[n++] = gram;
        }
        i++;
        continue;
      }
      if (c === 0x0a) {
        const bodyEnd = i > ls && b[i - 1] === 0x0d ? i - 1 : i;
        for (let k = 0; k < n; k++) {
          if (this.#confirm(b, grams[k], at[k], ls, bodyEnd, false)) return ls;
        }
        if (bodyEnd - ls >= 16 || (bodyEnd > ls && b[bodyEnd - 1] === 0x5c)) {
          if (specialLine(b, ls, bodyEnd)) return ls;
        }
        ls = ++i;
        gram = 0;
        n = 0;
        escSeen = false;
        continue;
      }
      if (c === 0x0d) {
        if (i + 1 < to && b[i + 1] === 0x0a) {
          i++;
          continue;
        }
        return ls;
      }
      if (c === 0x1b) {
        if (i + 2 < to && b[i + 1] === 0x5b) {
          let j = i + 2;
          while (j < to && b[j] >= 0x20 && b[j] < 0x40) j++;
          if (j < to && b[j] >= 0x40 && b[j] <= 0x7e && b[j] !== 0x44 && b[j] !== 0x47) {
            escSeen = true;
            i = j + 1;
            continue;
          }
        }
        return ls;
      }
      if (c === 0x08) return ls;
      gram = (gram << 8) | c | FOLD;
      i++;
    }
    return ls;
  }

  #fastAt = new Int32Array(MAX_CANDIDATES);
  #fastGram = new Int32Array(MAX_CANDIDATES);

  /**
   * Whether the candidate gram at `at` is a whole keyword of the line [ls, bodyEnd) that holds
   * what its rules need. (With escapes in the line the needs are not checked: an escape may
   * split them.)
   */
  #confirm(
    b: Uint8Array,
    gram: number,
    at: number,
    ls: number,
    bodyEnd: number,
    escSeen: boolean,
  ): boolean {
    const checks = this.#g.get(gram);
    if (checks === undefined) return false;
    for (const c of checks) {
      const kw = c.kw;
      if (kw === "url" ? urlWithCredentials(b, at + 3, bodyEnd) : matchesAt(b, at, bodyEnd, kw)) {
        if (escSeen || c.needs === null || holdsAny(b, ls, bodyEnd, c.needs)) return true;
      }
    }
    return false;
  }

  #candidate(gram: number, i: number): void {
    if (this.#hit || !this.#g.has(gram)) return;
    if (this.#escSeen || this.#cand.length >= MAX_CANDIDATES) {
      this.#hit = true;
      return;
    }
    this.#cand.push(i - 3);
    this.#candGram.push(gram);
  }
}

/** True when b[from, to) contains one of `needs` (one pass over the line). */
function holdsAny(b: Uint8Array, from: number, to: number, needs: Uint8Array[]): boolean {
  for (let i = from; i < to; i++) {
    const c = b[i];
    for (let k = 0; k < needs.length; k++) {
      const n = needs[k];
      if (n[0] !== c || i + n.length > to) continue;
      let j = 1;
      while (j < n.length && b[i + j] === n[j]) j++;
      if (j === n.length) return true;
    }
  }
  return false;
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
  if (n < 64 || n > 120) return n >= 16 && base64ValueLine(b, s, e);
  let i = s;
  while (i < e && (b[i] === 0x20 || b[i] === 0x09)) i++;
  const from = i;
  while (i < e && B64_BYTE[b[i]] === 1) i++;
  const w = i - from;
  while (i < e && (b[i] === 0x20 || b[i] === 0x09)) i++;
  return i === e && w >= 64;
}

/**
 * A line that is one padded base64 value (16 characters or more, a multiple of 4, both cases):
 * what `echo -n ... | base64` or `base64 -w0 FILE` prints. It is decoded to look for a secret.
 */
export function base64ValueLine(b: Uint8Array, s: number, e: number): boolean {
  const n = e - s;
  if (n < 16 || (n & 3) !== 0) return false;
  let end = e;
  if (b[end - 1] === 0x3d) end--;
  if (b[end - 1] === 0x3d) end--;
  let upper = false, lower = false;
  for (let i = s; i < end; i++) {
    const c = b[i];
    if (c >= 0x61 && c <= 0x7a) lower = true;
    else if (c >= 0x41 && c <= 0x5a) upper = true;
    else if (c === 0x3d || B64_BYTE[c] !== 1) return false;
  }
  return upper && lower;
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
