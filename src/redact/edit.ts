/**
 * What a line shows once its cursor movements are applied: typed input echoed with
 * backspaces, line editors and highlighters that step back and redraw. A secret can be whole
 * on screen while its bytes are interleaved with erasures and redraws; matching the shown text
 * finds it, and every byte ever written into its cells is masked (earlier copies included).
 */

/** Cursor movement that can rewrite a line's cells: BS, CSI n D (back), CSI n G (column). */
const MOVES_RE = new RegExp("\u0008|\u001b\\[[0-9;]*[DG]");

/** True when the line moves its cursor back, so its text alone is not what it shows. */
export function hasCursorMoves(raw: string): boolean {
  return MOVES_RE.test(raw);
}

export interface EditedView {
  /** The cells' characters, blanks where nothing was written. */
  text: string;
  /**
   * For each cell, the positions in `raw` of every byte ever written into it, also those
   * erased since: a line redrawn after "\r" or an erase writes its copies into the same cells.
   */
  owners: number[][];
}

/** Applies BS, CSI C/D/G/K/P/@/X and CR to a one-line byte string; other escapes are skipped. */
export function editedView(raw: string): EditedView {
  const cells: number[] = [];
  const owners: number[][] = [];
  let cur = 0;
  const n = raw.length;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x1b) {
      i = escape(raw, i, (final, arg) => {
        const k = Math.max(arg, 1);
        if (final === 0x44) cur = Math.max(0, cur - k); // D
        else if (final === 0x43) cur += k; // C
        else if (final === 0x47) cur = k - 1; // G
        else if (final === 0x4b && arg <= 0) {
          cells.length = Math.min(cur, cells.length); // K: owners stay
        } else if (final === 0x50) { // P
          cells.splice(cur, k);
          owners.splice(cur, k);
        } else if (final === 0x40) { // @
          for (let j = 0; j < k && cur <= cells.length; j++) {
            cells.splice(cur, 0, 0x20);
            owners.splice(cur, 0, []);
          }
        } else if (final === 0x58) { // X
          for (let j = cur; j < cur + k && j < cells.length; j++) cells[j] = 0x20;
        }
      });
      continue;
    }
    if (c === 0x08) {
      if (cur > 0) cur--;
      continue;
    }
    if (c === 0x0d) {
      cur = 0;
      continue;
    }
    if (c < 0x20 && c !== 0x09) continue;
    while (cells.length < cur) cells.push(0x20);
    while (owners.length <= cur) owners.push([]);
    if (cur === cells.length) cells.push(c);
    else cells[cur] = c;
    owners[cur].push(i);
    cur++;
  }
  let text = "";
  for (let i = 0; i < cells.length; i += 4096) {
    text += String.fromCharCode.apply(null, cells.slice(i, i + 4096));
  }
  return { text, owners };
}

/** Skips the escape sequence at `i`, calling `csi` for a CSI one; returns its last index. */
function escape(raw: string, i: number, csi: (final: number, arg: number) => void): number {
  const n = raw.length;
  if (i + 1 >= n) return i;
  const t = raw.charCodeAt(i + 1);
  if (t === 0x5b) {
    let j = i + 2;
    let arg = -1;
    let first = true;
    while (j < n) {
      const c = raw.charCodeAt(j);
      if (c >= 0x40 && c <= 0x7e) {
        csi(c, arg);
        return j;
      }
      if (c >= 0x30 && c <= 0x39 && first) arg = (arg < 0 ? 0 : arg * 10) + (c - 0x30);
      else if (c === 0x3b) first = false;
      else if (c < 0x20 || c > 0x3f) return j - 1;
      j++;
    }
    return n - 1;
  }
  if (t === 0x5d || t === 0x50 || t === 0x58 || t === 0x5e || t === 0x5f) {
    // OSC and string sequences: to BEL or ST.
    for (let j = i + 2; j < n; j++) {
      const c = raw.charCodeAt(j);
      if (c === 0x07) return j;
      if (c === 0x1b && raw.charCodeAt(j + 1) === 0x5c) return j + 1;
    }
    return n - 1;
  }
  let j = i + 1;
  while (j < n && raw.charCodeAt(j) >= 0x20 && raw.charCodeAt(j) <= 0x2f) j++;
  return Math.min(j, n - 1);
}
