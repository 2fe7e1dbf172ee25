/**
 * Lua 5.4's string.find and string.match (lstrlib.c) and the sandbox's pattern cost guard
 * (prelude_lua.ts), ported line by line so that results are identical. Strings here are byte
 * strings: one char per byte (0–255), as Lua sees them. A Lua error (malformed pattern, a
 * refused pattern, "pattern too complex") throws PatternError; the caller leaves it to Lua.
 */

export class PatternError {
  private readonly pattern = true;
}
/** Lua would raise an error. */
const ERROR = new PatternError();
/** Too much work for the port; Lua decides (its guard may well accept the call). */
const GIVE_UP = new PatternError();

const MAXCCALLS = 200;
const MAXCAPTURES = 32;
const CAP_UNFINISHED = -1;
const CAP_POSITION = -2;
const L_ESC = 37; // %
/** Work the port does before giving up (Lua then runs the pattern under its own guard). */
const MAX_STEPS = 200_000;

/** A capture value: a position (number) or a byte string. */
type Capture = number | string;

class MatchState {
  level = 0;
  depth = MAXCCALLS;
  steps = 0;
  readonly capInit: number[] = [];
  readonly capLen: number[] = [];
  readonly slen: number;
  readonly plen: number;
  constructor(readonly s: string, readonly p: string) {
    this.slen = s.length;
    this.plen = p.length;
  }
  /** Like C reading the NUL terminator past the end. */
  sc(i: number): number {
    return i < this.slen ? this.s.charCodeAt(i) : 0;
  }
  pc(i: number): number {
    return i < this.plen ? this.p.charCodeAt(i) : 0;
  }
  tick(): void {
    if (++this.steps > MAX_STEPS) throw GIVE_UP;
  }
}

// C locale character classes.
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;
const isLower = (c: number) => c >= 97 && c <= 122;
const isUpper = (c: number) => c >= 65 && c <= 90;
const isAlnum = (c: number) => isAlpha(c) || isDigit(c);
const isGraph = (c: number) => c >= 33 && c <= 126;
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const isXDigit = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

function matchClass(c: number, cl: number): boolean {
  let res: boolean;
  switch (isUpper(cl) ? cl + 32 : cl) {
    case 97: // a
      res = isAlpha(c);
      break;
    case 99: // c
      res = c < 32 || c === 127;
      break;
    case 100: // d
      res = isDigit(c);
      break;
    case 103: // g
      res = isGraph(c);
      break;
    case 108: // l
      res = isLower(c);
      break;
    case 112: // p
      res = isGraph(c) && !isAlnum(c);
      break;
    case 115: // s
      res = isSpace(c);
      break;
    case 117: // u
      res = isUpper(c);
      break;
    case 119: // w
      res = isAlnum(c);
      break;
    case 120: // x
      res = isXDigit(c);
      break;
    default:
      return cl === c;
  }
  return isUpper(cl) ? !res : res;
}

function classEnd(ms: MatchState, p: number): number {
  const c = ms.pc(p++);
  if (c === L_ESC) {
    if (p === ms.plen) throw ERROR; // malformed pattern (ends with '%')
    return p + 1;
  }
  if (c === 91) { // [
    if (ms.pc(p) === 94) p++;
    do {
      if (p === ms.plen) throw ERROR; // malformed pattern (missing ']')
      const d = ms.pc(p++);
      if (d === L_ESC && p < ms.plen) p++;
    } while (ms.pc(p) !== 93);
    return p + 1;
  }
  return p;
}

function matchBracketClass(ms: MatchState, c: number, p: number, ec: number): boolean {
  let sig = true;
  if (ms.pc(p + 1) === 94) {
    sig = false;
    p++;
  }
  while (++p < ec) {
    ms.tick();
    if (ms.pc(p) === L_ESC) {
      p++;
      if (matchClass(c, ms.pc(p))) return sig;
    } else if (ms.pc(p + 1) === 45 && p + 2 < ec) {
      p += 2;
      if (ms.pc(p - 2) <= c && c <= ms.pc(p)) return sig;
    } else if (ms.pc(p) === c) return sig;
  }
  return !sig;
}

function singleMatch(ms: MatchState, s: number, p: number, ep: number): boolean {
  ms.tick();
  if (s >= ms.slen) return false;
  const c = ms.s.charCodeAt(s);
  switch (ms.pc(p)) {
    case 46: // .
      return true;
    case L_ESC:
      return matchClass(c, ms.pc(p + 1));
    case 91:
      return matchBracketClass(ms, c, p, ep - 1);
    default:
      return ms.pc(p) === c;
  }
}

function matchBalance(ms: MatchState, s: number, p: number): number {
  if (p >= ms.plen - 1) throw ERROR; // missing arguments to '%b'
  if (ms.sc(s) !== ms.pc(p)) return -1;
  const b = ms.pc(p);
  const e = ms.pc(p + 1);
  let cont = 1;
  while (++s < ms.slen) {
    ms.tick();
    const c = ms.s.charCodeAt(s);
    if (c === e) {
      if (--cont === 0) return s + 1;
    } else if (c === b) cont++;
  }
  return -1;
}

function maxExpand(ms: MatchState, s: number, p: number, ep: number): number {
  let i = 0;
  while (singleMatch(ms, s + i, p, ep)) i++;
  while (i >= 0) {
    const res = match(ms, s + i, ep + 1);
    if (res !== -1) return res;
    i--;
  }
  return -1;
}

function minExpand(ms: MatchState, s: number, p: number, ep: number): number {
  for (;;) {
    const res = match(ms, s, ep + 1);
    if (res !== -1) return res;
    if (singleMatch(ms, s, p, ep)) s++;
    else return -1;
  }
}

function startCapture(ms: MatchState, s: number, p: number, what: number): number {
  const level = ms.level;
  if (level >= MAXCAPTURES) throw ERROR; // too many captures
  ms.capInit[level] = s;
  ms.capLen[level] = what;
  ms.level = level + 1;
  const res = match(ms, s, p);
  if (res === -1) ms.level--;
  return res;
}

function endCapture(ms: MatchState, s: number, p: number): number {
  let l = ms.level - 1;
  while (l >= 0 && ms.capLen[l] !== CAP_UNFINISHED) l--;
  if (l < 0) throw ERROR; // invalid pattern capture
  ms.capLen[l] = s - ms.capInit[l];
  const res = match(ms, s, p);
  if (res === -1) ms.capLen[l] = CAP_UNFINISHED;
  return res;
}

function matchCapture(ms: MatchState, s: number, digit: number): number {
  const l = digit - 49;
  if (l < 0 || l >= ms.level || ms.capLen[l] === CAP_UNFINISHED) throw ERROR;
  const len = ms.capLen[l];
  // A position capture has a negative length: as size_t in C it never fits.
  if (len < 0 || ms.slen - s < len) return -1;
  const init = ms.capInit[l];
  return ms.s.slice(init, init + len) === ms.s.slice(s, s + len) ? s + len : -1;
}

/** lstrlib.c's match(): the end of the match from s, or -1. */
function match(ms: MatchState, s: number, p: number): number {
  if (ms.depth-- === 0) throw ERROR; // pattern too complex
  for (;;) {
    ms.tick();
    if (p === ms.plen) break;
    const c = ms.pc(p);
    if (c === 40) { // (
      s = ms.pc(p + 1) === 41
        ? startCapture(ms, s, p + 2, CAP_POSITION)
        : startCapture(ms, s, p + 1, CAP_UNFINISHED);
      break;
    }
    if (c === 41) { // )
      s = endCapture(ms, s, p + 1);
      break;
    }
    if (c === 36 && p + 1 === ms.plen) { // $ at the end
      s = s === ms.slen ? s : -1;
      break;
    }
    if (c === L_ESC) {
      const d = ms.pc(p + 1);
      if (d === 98) { // %b
        s = matchBalance(ms, s, p + 2);
        if (s !== -1) {
          p += 4;
          continue;
        }
        break;
      }
      if (d === 102) { // %f
        p += 2;
        if (ms.pc(p) !== 91) throw ERROR; // missing '[' after '%f'
        const ep = classEnd(ms, p);
        const previous = s === 0 ? 0 : ms.sc(s - 1);
        if (
          !matchBracketClass(ms, previous, p, ep - 1) &&
          matchBracketClass(ms, ms.sc(s), p, ep - 1)
        ) {
          p = ep;
          continue;
        }
        s = -1;
        break;
      }
      if (isDigit(d)) { // %0-%9
        s = matchCapture(ms, s, d);
        if (s !== -1) {
          p += 2;
          continue;
        }
        break;
      }
    }
    const ep = classEnd(ms, p);
    const suffix = ms.pc(ep);
    if (!singleMatch(ms, s, p, ep)) {
      if (suffix === 42 || suffix === 63 || suffix === 45) { // * ? -
        p = ep + 1;
        continue;
      }
      s = -1;
      break;
    }
    if (suffix === 63) { // ?
      const res = match(ms, s + 1, ep + 1);
      if (res !== -1) {
        s = res;
        break;
      }
      p = ep + 1;
      continue;
    }
    if (suffix === 43) { // +
      s = maxExpand(ms, s + 1, p, ep);
      break;
    }
    if (suffix === 42) { // *
      s = maxExpand(ms, s, p, ep);
      break;
    }
    if (suffix === 45) { // -
      s = minExpand(ms, s, p, ep);
      break;
    }
    s++;
    p = ep;
  }
  ms.depth++;
  return s;
}

function captures(ms: MatchState, s: number, e: number): Capture[] {
  const n = ms.level === 0 && s !== -1 ? 1 : ms.level;
  const out: Capture[] = [];
  for (let i = 0; i < n; i++) {
    if (i >= ms.level) {
      out.push(ms.s.slice(s, e));
      continue;
    }
    const len = ms.capLen[i];
    const init = ms.capInit[i];
    if (len === CAP_UNFINISHED) throw ERROR; // unfinished capture
    out.push(len === CAP_POSITION ? init + 1 : ms.s.slice(init, init + len));
  }
  return out;
}

/** Lua's posrelatI: a 1-based start position. */
function startPosition(pos: number, len: number): number {
  if (pos > 0) return pos;
  if (pos === 0) return 1;
  if (pos < -len) return 1;
  return len + pos + 1;
}

const SPECIALS = /[\^$*+?.(\[%-]/;

/**
 * str_find_aux: string.find (find = true) and string.match. Returns Lua's results; a failed
 * search returns [undefined] (one nil).
 */
function findOrMatch(
  s: string,
  p: string,
  init: number,
  plain: boolean,
  find: boolean,
): (Capture | undefined)[] {
  const ls = s.length;
  const start = startPosition(init, ls) - 1;
  if (start > ls) return [undefined];
  if (find && (plain || !SPECIALS.test(p))) {
    const at = s.indexOf(p, start);
    return at === -1 ? [undefined] : [at + 1, at + p.length];
  }
  const anchor = p.charCodeAt(0) === 94;
  const ms = new MatchState(s, anchor ? p.slice(1) : p);
  let s1 = start;
  do {
    ms.level = 0;
    ms.depth = MAXCCALLS;
    const res = match(ms, s1, 0);
    if (res !== -1) {
      return find ? [s1 + 1, res, ...captures(ms, -1, 0)] : captures(ms, s1, res);
    }
  } while (s1++ < ls && !anchor);
  return [undefined];
}

/** The number of replacements string.gsub(s, p, "") makes. */
function gsubCount(s: string, p: string): number {
  const anchor = p.charCodeAt(0) === 94;
  const ms = new MatchState(s, anchor ? p.slice(1) : p);
  let src = 0;
  let last = -1;
  let n = 0;
  while (n < s.length + 1) {
    ms.level = 0;
    ms.depth = MAXCCALLS;
    const e = match(ms, src, 0);
    if (e !== -1 && e !== last) {
      n++;
      src = last = e;
    } else if (src < ms.slen) src++;
    else break;
    if (anchor) break;
  }
  return n;
}

// The guard of prelude_lua.ts -------------------------------------------------------------

const MAGIC = /[\^$*+?.()[\]%-]/;

interface Item {
  kind: "single" | "end" | "balance" | "frontier" | "backref";
  cls?: string;
  q: string;
}

/** `p:sub(i, i)` with Lua's 1-based indices ("" out of range). */
function at(p: string, i: number): string {
  return i >= 1 && i <= p.length ? p[i - 1] : "";
}

function literalClass(c: string): string {
  return isAlnum(c.charCodeAt(0)) ? c : "%" + c;
}

function setEnd(p: string, i: number): number | undefined {
  i = i + 1;
  if (at(p, i) === "^") i = i + 1;
  do {
    if (i > p.length) return undefined;
    const c = at(p, i);
    i = i + 1;
    if (c === "%") i = i + 1;
  } while (at(p, i) !== "]");
  return i + 1;
}

function parsePattern(p: string): { items: Item[]; anchored: boolean } | undefined {
  const items: Item[] = [];
  const n = p.length;
  let i = 1;
  let anchored = false;
  if (at(p, 1) === "^") {
    anchored = true;
    i = 2;
  }
  while (i <= n) {
    const c = at(p, i);
    if (c === "(" || c === ")") {
      i = i + 1;
    } else if (c === "$" && i === n) {
      items.push({ kind: "end", q: "" });
      i = i + 1;
    } else {
      let kind: Item["kind"] = "single";
      let cls: string | undefined;
      let j: number | undefined;
      if (c === "%") {
        const d = at(p, i + 1);
        if (d === "") return undefined;
        if (d === "b") {
          if (i + 3 > n) return undefined;
          kind = "balance";
          cls = literalClass(at(p, i + 2));
          j = i + 4;
        } else if (d === "f") {
          if (at(p, i + 2) !== "[") return undefined;
          kind = "frontier";
          j = setEnd(p, i + 2);
        } else if (isDigit(d.charCodeAt(0))) {
          kind = "backref";
          j = i + 2;
        } else {
          cls = p.slice(i - 1, i + 1);
          j = i + 2;
        }
      } else if (c === "[") {
        j = setEnd(p, i);
        cls = j === undefined ? undefined : p.slice(i - 1, j - 1);
      } else if (c === ".") {
        cls = ".";
        j = i + 1;
      } else {
        cls = literalClass(c);
        j = i + 1;
      }
      if (j === undefined) return undefined;
      let q = "";
      if (kind === "single") {
        const nq = at(p, j);
        if (nq === "*" || nq === "+" || nq === "-" || nq === "?") {
          q = nq;
          j = j + 1;
        }
      }
      items.push({ kind, cls, q });
      i = j;
    }
  }
  return { items, anchored };
}

function patternCost(s: string, p: string, init: number, steps: number): number {
  const len = s.length;
  if (init < 0) init = len + init + 1;
  if (init < 1) init = 1;
  let n = len - init + 1;
  if (n < 0) n = 0;
  const parsed = parsePattern(p);
  if (!parsed) return 0;
  const { items, anchored } = parsed;
  const starts = anchored ? 1 : n + 1;
  let analysis = 0;
  let product = 1;
  let work = p.length;
  const runs = new Map<string, number>();
  const counts = new Map<string, number>();
  const longestRun = (cls: string): number => {
    const known = runs.get(cls);
    if (known !== undefined) return known;
    analysis += len;
    let best = 0;
    let pos = 1;
    for (;;) {
      const found = findOrMatch(s, cls + "+", pos, false, true);
      if (found[0] === undefined) break;
      const a = found[0] as number;
      const b = found[1] as number;
      if (b - a + 1 > best) best = b - a + 1;
      pos = b + 1;
    }
    runs.set(cls, best);
    return best;
  };
  const occurrences = (cls: string): number => {
    const known = counts.get(cls);
    if (known !== undefined) return known;
    analysis += len;
    const count = gsubCount(s, cls);
    counts.set(cls, count);
    return count;
  };
  for (let k = 0; k < items.length; k++) {
    if (starts * (work + product) > steps || analysis > steps) return Infinity;
    const it = items[k];
    if (it.kind === "single" && (it.q === "*" || it.q === "+" || it.q === "-")) {
      const r = longestRun(it.cls!);
      const follow = items[k + 1];
      let branches = r;
      if (follow && follow.kind === "single" && (follow.q === "" || follow.q === "+")) {
        branches = Math.min(r, occurrences(follow.cls!));
      } else if (follow && follow.kind === "balance") {
        branches = Math.min(r, occurrences(follow.cls!));
      } else if (follow && follow.kind === "end") {
        branches = Math.min(r, 1);
      }
      work = work + product * (r + 1);
      product = product * (branches + 1);
    } else if (it.q === "?") {
      product = product * 2;
      work = work + product;
    } else if (it.kind === "balance" || it.kind === "backref") {
      work = work + product * (n + 1);
    } else {
      work = work + product;
    }
  }
  return starts * (work + product);
}

/** Longest subject and pattern the port handles (keeps the guard's arithmetic exact). */
const MAX_SUBJECT = 20_000;
const MAX_PATTERN = 1_000;

/**
 * The sandbox's string.find / string.match: the guard, then the C function. `init` is the
 * third argument (undefined when absent or nil), `plain` the fourth's truthiness.
 */
export function guardedFind(
  s: string,
  p: string,
  init: number | undefined,
  plain: boolean,
  find: boolean,
  steps: number,
): (Capture | undefined)[] {
  let cost: number;
  if (plain || !MAGIC.test(p)) {
    cost = (s.length + 1) * (p.length + 1);
  } else {
    if (s.length > MAX_SUBJECT || p.length > MAX_PATTERN) throw GIVE_UP;
    try {
      cost = patternCost(s, p, init ?? 1, steps);
    } catch (error) {
      if (error !== ERROR) throw error;
      cost = 0; // a malformed pattern: the C function reports it
    }
  }
  if (cost > steps) throw ERROR;
  return findOrMatch(s, p, init ?? 1, plain, find);
}
