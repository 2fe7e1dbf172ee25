/**
 * The cell grid of one screen (main or alternate). A cell holds a code point; two special
 * values mark the second half of a wide character and the cell a wide character skipped when it
 * wrapped early. Characters with combining marks live in a per-row table the cell points into.
 * Colours and attributes are not kept: the grid serves text, not pixels.
 */

export const BLANK = 0x20;
/** Right half of a wide character: rendered as nothing. */
export const WIDE_TAIL = 0;
/** Last cell left unused when a wide character wrapped to the next row: rendered as nothing. */
export const WRAP_GAP = 1;
/** Cells from here on point into `Row.#clusters` (code point + combining marks). */
const CLUSTER_BASE = 0x110000;
/** Longest character-plus-marks kept in one cell, in UTF-16 code units. */
const MAX_CLUSTER_LENGTH = 32;

export class Row {
  cells: Uint32Array;
  /** Autowrap continued this row into the next one: they form one logical line. */
  wrapped = false;
  /**
   * Only width-1 characters of the Basic Multilingual Plane, no clusters: rendering is one
   * `String.fromCharCode` and overwriting needs no wide-character repair.
   */
  plain = true;
  /**
   * Cells from here to the end are blank (a high-water mark of writes): short lines on a wide
   * screen are trimmed and cleared without scanning the whole row.
   */
  extent = 0;
  #clusters: string[] = [];

  constructor(cols: number) {
    this.cells = new Uint32Array(cols).fill(BLANK);
  }

  clear(): void {
    this.cells.fill(BLANK, 0, this.extent);
    this.extent = 0;
    this.wrapped = false;
    this.plain = true;
    this.#clusters.length = 0;
  }

  isBlank(): boolean {
    const cells = this.cells;
    for (let i = 0; i < this.extent; i++) if (cells[i] > BLANK) return false;
    return true;
  }

  /**
   * Before cells [from, to) are overwritten or erased: a wide character cut in half by the
   * range loses its other half too, as on a real terminal.
   */
  prepareOverwrite(from: number, to: number): void {
    if (this.plain) return;
    const cells = this.cells;
    if (from > 0 && from < cells.length && cells[from] === WIDE_TAIL) cells[from - 1] = BLANK;
    if (to > 0 && to < cells.length && cells[to] === WIDE_TAIL) cells[to] = BLANK;
  }

  /** Sets cells [from, to) blank. */
  erase(from: number, to: number): void {
    to = Math.min(to, this.cells.length);
    if (from >= to) return;
    this.prepareOverwrite(from, to);
    this.cells.fill(BLANK, from, to);
  }

  /** Inserts `count` blank cells at `at`, pushing the rest right; cells pushed past the end are lost. */
  insertBlanks(at: number, count: number): void {
    const cells = this.cells;
    const cols = cells.length;
    if (at >= cols) return;
    count = Math.min(count, cols - at);
    this.prepareOverwrite(at, at);
    // A wide character pushed half past the end is dropped whole.
    const cutsWide = !this.plain && count < cols - at && cells[cols - count] === WIDE_TAIL;
    cells.copyWithin(at + count, at, cols - count);
    cells.fill(BLANK, at, at + count);
    if (cutsWide) cells[cols - 1] = BLANK;
    this.extent = Math.min(cols, this.extent + count);
  }

  /** Deletes `count` cells at `at`, pulling the rest left and filling the end with blanks. */
  delete(at: number, count: number): void {
    const cells = this.cells;
    const cols = cells.length;
    if (at >= cols) return;
    count = Math.min(count, cols - at);
    this.prepareOverwrite(at, at + count);
    cells.copyWithin(at, at + count, cols);
    cells.fill(BLANK, cols - count, cols);
  }

  /** Writes a wide or non-BMP character (the slow path; ASCII is written by the terminal). */
  put(col: number, codePoint: number, width: 1 | 2): void {
    if (width === 2 || codePoint > 0xffff) this.plain = false;
    this.prepareOverwrite(col, col + width);
    this.cells[col] = codePoint;
    if (width === 2) this.cells[col + 1] = WIDE_TAIL;
    this.extent = Math.max(this.extent, col + width);
  }

  /** Marks the last cell as skipped by a wide character that wrapped to the next row. */
  markWrapGap(col: number): void {
    this.plain = false;
    this.prepareOverwrite(col, col + 1);
    this.cells[col] = WRAP_GAP;
    this.extent = Math.max(this.extent, col + 1);
  }

  /**
   * Appends combining marks to the character in `col` (or the wide character it ends). Marks
   * beyond MAX_CLUSTER_LENGTH are dropped, so "Zalgo" text cannot grow a cell without bound.
   */
  attach(col: number, marks: string): void {
    const cells = this.cells;
    if (col > 0 && cells[col] === WIDE_TAIL) col--;
    const current = cells[col];
    let base: string;
    if (current >= CLUSTER_BASE) {
      base = this.#clusters[current - CLUSTER_BASE];
      if (base.length >= MAX_CLUSTER_LENGTH) return;
    } else if (current <= WRAP_GAP) base = " ";
    else base = String.fromCodePoint(current);
    if (this.#clusters.length >= 2 * cells.length) this.#compactClusters();
    this.plain = false;
    cells[col] = CLUSTER_BASE + this.#clusters.length;
    this.#clusters.push(base + marks);
    this.extent = Math.max(this.extent, col + 1);
  }

  resize(cols: number): void {
    const old = this.cells;
    if (cols === old.length) return;
    const cells = new Uint32Array(cols).fill(BLANK);
    cells.set(old.subarray(0, Math.min(cols, old.length)));
    this.cells = cells;
    this.extent = Math.min(this.extent, cols);
    // A wide character cut in half by the new edge is dropped whole.
    if (cols < old.length && old[cols] === WIDE_TAIL) cells[cols - 1] = BLANK;
  }

  /**
   * The row's text. `trim` drops trailing blanks; without it (a row that continues into the
   * next) only a wrap gap is dropped, so the two rows join exactly as printed.
   */
  text(trim: boolean): string {
    const cells = this.cells;
    let end: number;
    if (trim) {
      end = this.extent;
      while (end > 0 && cells[end - 1] <= BLANK) end--;
    } else {
      end = cells.length;
      while (end > 0 && cells[end - 1] === WRAP_GAP) end--;
    }
    if (end === 0) return "";
    if (this.plain) {
      // Short rows (most output lines) are cheaper to concatenate than to spread.
      if (end > 32) {
        return String.fromCharCode.apply(null, cells.subarray(0, end) as unknown as number[]);
      }
      let out = "";
      for (let i = 0; i < end; i++) out += String.fromCharCode(cells[i]);
      return out;
    }
    let out = "";
    for (let i = 0; i < end; i++) {
      const cell = cells[i];
      if (cell <= WRAP_GAP) continue;
      out += cell >= CLUSTER_BASE
        ? this.#clusters[cell - CLUSTER_BASE]
        : String.fromCodePoint(cell);
    }
    return out;
  }

  /** Drops clusters no cell points to any more, so rewriting a row forever stays bounded. */
  #compactClusters(): void {
    const cells = this.cells;
    const kept: string[] = [];
    for (let i = 0; i < cells.length; i++) {
      if (cells[i] < CLUSTER_BASE) continue;
      kept.push(this.#clusters[cells[i] - CLUSTER_BASE]);
      cells[i] = CLUSTER_BASE + kept.length - 1;
    }
    this.#clusters = kept;
  }
}
