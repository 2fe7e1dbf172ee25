/**
 * ANSI escape sequences: found and removed for matching, kept in the output.
 *
 * Text here is a "byte string": one UTF-16 unit per input byte, so positions are byte offsets.
 * Only 7-bit introducers (ESC) count: an 8-bit CSI byte (0x9b) is also a UTF-8 continuation
 * byte, and treating it as an escape would corrupt UTF-8 text.
 */

/** CSI, OSC (BEL or ST terminated), DCS/SOS/PM/APC strings, and two-byte / nF escapes. */
export const ANSI_RE =
  // deno-lint-ignore no-control-regex -- matching escape sequences is the point
  /\x1b(?:\[[0-?]*[ -\/]*[@-~]|\][^\x07\x1b\n]*(?:\x07|\x1b\\)|[PX^_][^\x1b\n]*\x1b\\|[ -\/]*[0-~])/g;

/** Text without escape sequences plus the map back to positions in the original text. */
export interface Stripped {
  text: string;
  /** Start of each kept segment in `text`, ascending; `segs[0]` is 0. */
  segs: number[];
  /** Position in the original text of each kept segment's first unit. */
  orig: number[];
}

/** Removes escape sequences; `segs`/`orig` map stripped positions back to the original. */
export function stripAnsi(raw: string): Stripped {
  if (raw.indexOf("\x1b") < 0) return { text: raw, segs: [0], orig: [0] };
  const segs: number[] = [0];
  const orig: number[] = [0];
  let text = "";
  let last = 0;
  ANSI_RE.lastIndex = 0;
  for (let m = ANSI_RE.exec(raw); m !== null; m = ANSI_RE.exec(raw)) {
    text += raw.slice(last, m.index);
    last = m.index + m[0].length;
    segs.push(text.length);
    orig.push(last);
  }
  text += raw.slice(last);
  return { text, segs, orig };
}

/** Kept ranges [origStart, origEnd) covering stripped positions [from, to). */
export function origRanges(s: Stripped, from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  const { segs, orig } = s;
  let k = upperBound(segs, from) - 1;
  let pos = from;
  while (pos < to && k < segs.length) {
    const segEnd = k + 1 < segs.length ? segs[k + 1] : Infinity;
    const end = Math.min(to, segEnd);
    if (end > pos) out.push([orig[k] + (pos - segs[k]), orig[k] + (end - segs[k])]);
    pos = end;
    k++;
  }
  return out;
}

/** Index of the first element greater than `x`. */
function upperBound(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
