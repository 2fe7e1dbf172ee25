/**
 * A headless terminal that keeps only text: it follows what an xterm-compatible terminal does
 * with cursor movement, erasing, scrolling and screen switching, so that what it reports is what
 * the person saw. Lines leaving the main screen are reported as they go; the alternate screen
 * (less, vi, top) is never reported. Memory is the grid plus one line being joined, whatever the
 * length of the input.
 */
import { Row } from "./buffer.ts";
import { LineAssembler, type LineSink, trimBlanksEnd } from "./lines.ts";
import { VtHandler, VtParser } from "./parser.ts";
import { charWidth } from "./width.ts";

export interface TerminalOptions {
  cols: number;
  rows: number;
  /**
   * Receives each line of the main screen when it leaves the screen: scrolled off the top,
   * erased by a full clear, or at `finish`. Rows joined by autowrap arrive as one line.
   */
  onLine?: LineSink;
  /** A logical line longer than this is reported in pieces (default 65536). */
  maxLineLength?: number;
}

interface SavedCursor {
  x: number;
  y: number;
  pendingWrap: boolean;
  originMode: boolean;
}

/** One screen's rows and its own DECSC slot (xterm keeps one per screen). */
interface Screen {
  rows: Row[];
  saved: SavedCursor | null;
}

// Sizes beyond these are clamped: a bogus header must not allocate gigabytes.
const MAX_COLS = 2048;
const MAX_ROWS = 1024;
const DEFAULT_MAX_LINE_LENGTH = 65536;
const TAB_WIDTH = 8;

function clampSize(value: number, max: number): number {
  return Number.isFinite(value) ? Math.max(1, Math.min(max, Math.floor(value))) : 1;
}

function newScreen(cols: number, rows: number): Screen {
  return { rows: Array.from({ length: rows }, () => new Row(cols)), saved: null };
}

/** Parameter `index`, or `fallback` when it was left out. */
function param(params: Int32Array, count: number, index: number, fallback: number): number {
  return index < count && params[index] >= 0 ? params[index] : fallback;
}

/** A count or position parameter: left out or 0 means 1 ("move by 0" still moves by one). */
function amount(params: Int32Array, count: number, index: number): number {
  return Math.max(1, param(params, count, index, 1));
}

export class Terminal implements VtHandler {
  #cols: number;
  #rows: number;
  #parser = new VtParser(this);
  #main: Screen;
  #alternate: Screen | null = null;
  #active: Screen;
  #x = 0;
  #y = 0;
  /** The cursor sits on the last column after writing there; the next character wraps first. */
  #pendingWrap = false;
  #top = 0;
  #bottom: number;
  #originMode = false;
  #autowrap = true;
  #insertMode = false;
  #tabStops: Uint8Array;
  /** The last printed character, for REP (CSI b). */
  #lastGraphic = 0;
  #time = 0;
  #lines: LineAssembler | null;

  constructor(options: TerminalOptions) {
    this.#cols = clampSize(options.cols, MAX_COLS);
    this.#rows = clampSize(options.rows, MAX_ROWS);
    this.#bottom = this.#rows - 1;
    this.#main = newScreen(this.#cols, this.#rows);
    this.#active = this.#main;
    this.#tabStops = defaultTabStops(this.#cols);
    this.#lines = options.onLine
      ? new LineAssembler(options.onLine, options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH)
      : null;
  }

  get cols(): number {
    return this.#cols;
  }

  get rows(): number {
    return this.#rows;
  }

  /** Zero-based cursor position. */
  get cursor(): { x: number; y: number } {
    return { x: this.#x, y: this.#y };
  }

  get alternateScreenActive(): boolean {
    return this.#active !== this.#main;
  }

  /** Interprets output; `time` (seconds) is reported with the lines this write pushes out. */
  write(text: string, time = this.#time): void {
    this.#time = time;
    this.#parser.parse(text);
  }

  /** The terminal window changed size. Content is cut, not reflowed, as in xterm. */
  resize(cols: number, rows: number, time = this.#time): void {
    this.#time = time;
    cols = clampSize(cols, MAX_COLS);
    rows = clampSize(rows, MAX_ROWS);
    if (cols === this.#cols && rows === this.#rows) return;
    for (const screen of [this.#main, this.#alternate]) {
      if (!screen) continue;
      const active = screen === this.#active;
      const anchor = active ? this.#y : screen.saved?.y ?? this.#y;
      const removedAbove = this.#fitRows(screen, rows, anchor);
      if (active) this.#y -= removedAbove;
      if (screen.saved) screen.saved.y -= removedAbove;
      for (const row of screen.rows) row.resize(cols);
    }
    const stops = defaultTabStops(cols);
    stops.set(this.#tabStops.subarray(0, Math.min(cols, this.#cols)));
    this.#tabStops = stops;
    this.#cols = cols;
    this.#rows = rows;
    this.#top = 0;
    this.#bottom = rows - 1;
    this.#x = Math.min(this.#x, cols - 1);
    this.#y = Math.max(0, Math.min(this.#y, rows - 1));
    this.#pendingWrap = false;
    for (const screen of [this.#main, this.#alternate]) {
      const saved = screen?.saved;
      if (!saved) continue;
      saved.x = Math.min(saved.x, cols - 1);
      saved.y = Math.max(0, Math.min(saved.y, rows - 1));
    }
  }

  /**
   * The main screen's logical lines as they are now (right-trimmed, wrapped rows joined),
   * including trailing empty rows. Shows the main screen even while the alternate one is up.
   */
  screenLines(): string[] {
    const lines: string[] = [];
    let joined = "";
    for (const row of this.#main.rows) {
      if (row.wrapped) {
        joined += row.text(false);
        continue;
      }
      lines.push(trimBlanksEnd(joined + row.text(true)));
      joined = "";
    }
    if (joined) lines.push(trimBlanksEnd(joined));
    return lines;
  }

  /**
   * Ends the recording: the main screen's lines, down to the last one with text, are reported
   * to `onLine` at `time`, and the screen is cleared so they are never reported twice.
   */
  finish(time = this.#time): void {
    this.#time = time;
    this.#commitScreen();
  }

  // ---- VtHandler ----

  print(text: string, start: number, end: number): void {
    let i = start;
    while (i < end) {
      const code = text.charCodeAt(i);
      if (code < 0x7f && !this.#insertMode) {
        let runEnd = i + 1;
        while (runEnd < end && text.charCodeAt(runEnd) < 0x7f) runEnd++;
        this.#printAscii(text, i, runEnd);
        i = runEnd;
      } else {
        i = this.#printCodePoint(text, i, end);
      }
    }
  }

  execute(code: number): void {
    switch (code) {
      case 0x08: // BS
        this.#pendingWrap = false;
        if (this.#x > 0) this.#x--;
        return;
      case 0x09: // HT
        this.#tab(1);
        return;
      case 0x0a: // LF
      case 0x0b: // VT
      case 0x0c: // FF
      case 0x84: // IND
        this.#index();
        return;
      case 0x0d: // CR
        this.#x = 0;
        this.#pendingWrap = false;
        return;
      case 0x85: // NEL
        this.#x = 0;
        this.#index();
        return;
      case 0x88: // HTS
        this.#tabStops[this.#x] = 1;
        return;
      case 0x8d: // RI
        this.#reverseIndex();
        return;
    }
    // BEL, SO/SI (charsets) and the other controls change nothing on screen.
  }

  escape(final: number, intermediates: string): void {
    if (intermediates === "#" && final === 0x38) return this.#fillWithE();
    if (intermediates !== "") return; // Charset designations and the like.
    switch (final) {
      case 0x37: // 7 DECSC
        return this.#saveCursor();
      case 0x38: // 8 DECRC
        return this.#restoreCursor();
      case 0x44: // D IND
        return this.#index();
      case 0x45: // E NEL
        this.#x = 0;
        return this.#index();
      case 0x48: // H HTS
        this.#tabStops[this.#x] = 1;
        return;
      case 0x4d: // M RI
        return this.#reverseIndex();
      case 0x63: // c RIS
        return this.#fullReset();
    }
  }

  csi(
    final: number,
    params: Int32Array,
    count: number,
    marker: number,
    intermediates: string,
  ): void {
    if (final === 0x6d) return; // SGR, the most frequent sequence: colours are not kept.
    if (intermediates !== "") {
      if (intermediates === "!" && final === 0x70 && marker === 0) this.#softReset(); // DECSTR
      return;
    }
    if (marker === 0x3f) {
      if (final === 0x68 || final === 0x6c) {
        for (let i = 0; i < count; i++) this.#setPrivateMode(params[i], final === 0x68);
      } else if (final === 0x4a) this.#eraseDisplay(param(params, count, 0, 0)); // DECSED
      else if (final === 0x4b) this.#eraseLine(param(params, count, 0, 0)); // DECSEL
      return;
    }
    if (marker !== 0) return;
    const n = amount(params, count, 0);
    switch (final) {
      case 0x40: // @ ICH
        this.#pendingWrap = false;
        this.#row().insertBlanks(this.#x, n);
        return;
      case 0x41: // A CUU
        return this.#moveUp(n);
      case 0x42: // B CUD
      case 0x65: // e VPR
        return this.#moveDown(n);
      case 0x43: // C CUF
      case 0x61: // a HPR
        return this.#moveTo(this.#x + n, this.#y);
      case 0x44: // D CUB
        return this.#moveTo(this.#x - n, this.#y);
      case 0x45: // E CNL
        this.#moveDown(n);
        this.#x = 0;
        return;
      case 0x46: // F CPL
        this.#moveUp(n);
        this.#x = 0;
        return;
      case 0x47: // G CHA
      case 0x60: // ` HPA
        return this.#moveTo(n - 1, this.#y);
      case 0x48: // H CUP
      case 0x66: // f HVP
        return this.#moveToOrigin(amount(params, count, 1) - 1, n - 1);
      case 0x64: // d VPA
        return this.#moveToOrigin(this.#x, n - 1);
      case 0x49: // I CHT
        return this.#tab(n);
      case 0x5a: // Z CBT
        return this.#tab(-n);
      case 0x4a: // J ED
        return this.#eraseDisplay(param(params, count, 0, 0));
      case 0x4b: // K EL
        return this.#eraseLine(param(params, count, 0, 0));
      case 0x4c: // L IL
        return this.#insertLines(n);
      case 0x4d: // M DL
        return this.#deleteLines(n);
      case 0x50: // P DCH
        this.#pendingWrap = false;
        this.#row().delete(this.#x, n);
        return;
      case 0x53: // S SU
        return this.#scrollUp(n);
      case 0x54: // T SD (with more parameters it is a mouse tracking command)
        if (count <= 1) this.#scrollDown(n);
        return;
      case 0x58: // X ECH
        this.#pendingWrap = false;
        this.#row().erase(this.#x, this.#x + n);
        return;
      case 0x62: // b REP
        return this.#repeat(n);
      case 0x67: // g TBC
        if (param(params, count, 0, 0) === 0) this.#tabStops[this.#x] = 0;
        else if (param(params, count, 0, 0) === 3) this.#tabStops.fill(0);
        return;
      case 0x68: // h SM
      case 0x6c: // l RM
        for (let i = 0; i < count; i++) if (params[i] === 4) this.#insertMode = final === 0x68;
        return;
      case 0x72: // r DECSTBM
        return this.#setScrollRegion(
          n - 1,
          (param(params, count, 1, 0) || this.#rows) - 1,
        );
      case 0x73: // s SCOSC
        if (count === 0) this.#saveCursor();
        return;
      case 0x75: // u SCORC
        if (count === 0) this.#restoreCursor();
        return;
    }
    // SGR (colours), device reports, mouse modes and the rest change no text.
  }

  // ---- printing ----

  #row(): Row {
    return this.#active.rows[this.#y];
  }

  #printAscii(text: string, start: number, end: number): void {
    const cols = this.#cols;
    let i = start;
    while (i < end) {
      if (this.#pendingWrap && this.#autowrap) this.#wrap();
      const row = this.#active.rows[this.#y];
      const cells = row.cells;
      const x = this.#x;
      const n = Math.min(end - i, cols - x);
      row.prepareOverwrite(x, x + n);
      for (let k = 0; k < n; k++) cells[x + k] = text.charCodeAt(i + k);
      if (x + n > row.extent) row.extent = x + n;
      i += n;
      if (x + n < cols) {
        this.#x = x + n;
        this.#pendingWrap = false;
        continue;
      }
      this.#x = cols - 1;
      this.#pendingWrap = true;
      if (!this.#autowrap && i < end) {
        // Without autowrap the rest lands on the last column, the final character staying.
        cells[cols - 1] = text.charCodeAt(end - 1);
        i = end;
      }
    }
    this.#lastGraphic = text.charCodeAt(end - 1);
  }

  /** Prints the code point at `i` (or joins it to the previous cell); returns the next index. */
  #printCodePoint(text: string, i: number, end: number): number {
    let codePoint = text.charCodeAt(i);
    let next = i + 1;
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
      const low = next < end ? text.charCodeAt(next) : 0;
      if (codePoint <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
        codePoint = 0x10000 + ((codePoint - 0xd800) << 10) + (low - 0xdc00);
        next++;
      } else {
        // A lone surrogate: an undecodable byte escaped by the cast codec (U+DC80..U+DCFF).
        codePoint = 0xfffd;
      }
    }
    const width = charWidth(codePoint);
    if (width === 0) this.#attachMark(text.slice(i, next));
    else this.#printCell(codePoint, width);
    return next;
  }

  #printCell(codePoint: number, width: 1 | 2): void {
    const cols = this.#cols;
    if (width > cols) return;
    if (this.#pendingWrap && this.#autowrap) this.#wrap();
    if (width === 2 && this.#x === cols - 1) {
      if (this.#autowrap) {
        this.#row().markWrapGap(cols - 1);
        this.#wrap();
      } else {
        this.#x = cols - 2;
      }
    }
    const row = this.#row();
    if (this.#insertMode) row.insertBlanks(this.#x, width);
    row.put(this.#x, codePoint, width);
    this.#lastGraphic = codePoint;
    if (this.#x + width < cols) {
      this.#x += width;
      this.#pendingWrap = false;
    } else {
      this.#x = cols - 1;
      this.#pendingWrap = true;
    }
  }

  /** Combining marks join the character before the cursor. */
  #attachMark(marks: string): void {
    const col = this.#pendingWrap ? this.#x : this.#x - 1;
    if (col >= 0) this.#row().attach(col, marks);
  }

  #repeat(times: number): void {
    if (this.#lastGraphic === 0) return;
    const text = String.fromCodePoint(this.#lastGraphic).repeat(
      Math.min(times, this.#cols * this.#rows),
    );
    this.print(text, 0, text.length);
  }

  #wrap(): void {
    this.#row().wrapped = true;
    this.#x = 0;
    this.#index();
  }

  // ---- cursor ----

  #moveTo(x: number, y: number): void {
    this.#x = Math.max(0, Math.min(x, this.#cols - 1));
    this.#y = Math.max(0, Math.min(y, this.#rows - 1));
    this.#pendingWrap = false;
  }

  /** Like #moveTo, but rows count from the scroll region's top in origin mode. */
  #moveToOrigin(x: number, y: number): void {
    if (!this.#originMode) return this.#moveTo(x, y);
    this.#moveTo(x, Math.min(this.#top + y, this.#bottom));
  }

  /** Up, stopping at the top margin when starting inside the region. */
  #moveUp(n: number): void {
    const limit = this.#y >= this.#top ? this.#top : 0;
    this.#moveTo(this.#x, Math.max(limit, this.#y - n));
  }

  #moveDown(n: number): void {
    const limit = this.#y <= this.#bottom ? this.#bottom : this.#rows - 1;
    this.#moveTo(this.#x, Math.min(limit, this.#y + n));
  }

  #tab(n: number): void {
    let x = this.#x;
    const step = n > 0 ? 1 : -1;
    for (let left = Math.abs(n); left > 0; left--) {
      x += step;
      while (x > 0 && x < this.#cols - 1 && this.#tabStops[x] === 0) x += step;
      if (x <= 0 || x >= this.#cols - 1) break;
    }
    this.#x = Math.max(0, Math.min(x, this.#cols - 1));
    this.#pendingWrap = false;
  }

  #saveCursor(): void {
    this.#active.saved = {
      x: this.#x,
      y: this.#y,
      pendingWrap: this.#pendingWrap,
      originMode: this.#originMode,
    };
  }

  #restoreCursor(): void {
    const saved = this.#active.saved;
    if (!saved) {
      this.#originMode = false;
      return this.#moveTo(0, 0);
    }
    this.#originMode = saved.originMode;
    this.#moveTo(saved.x, saved.y);
    this.#pendingWrap = saved.pendingWrap;
  }

  // ---- scrolling ----

  /** LF: down one row, scrolling the region when at its bottom. */
  #index(): void {
    this.#pendingWrap = false;
    if (this.#y === this.#bottom) this.#scrollUp(1);
    else if (this.#y < this.#rows - 1) this.#y++;
  }

  #reverseIndex(): void {
    this.#pendingWrap = false;
    if (this.#y === this.#top) this.#scrollDown(1);
    else if (this.#y > 0) this.#y--;
  }

  /** Scrolls the region up; rows leaving the top of the main screen become transcript lines. */
  #scrollUp(n: number): void {
    const rows = this.#active.rows;
    const top = this.#top;
    const bottom = this.#bottom;
    n = Math.min(n, bottom - top + 1);
    const commits = this.#lines !== null && this.#active === this.#main && top === 0;
    const fullScreen = top === 0 && bottom === this.#rows - 1;
    for (let k = 0; k < n; k++) {
      const row = fullScreen ? rows.shift()! : rows.splice(top, 1)[0];
      if (commits) this.#commitRow(row, row.wrapped);
      row.clear();
      if (fullScreen) rows.push(row);
      else rows.splice(bottom, 0, row);
    }
  }

  #scrollDown(n: number): void {
    this.#shiftDown(this.#top, n);
  }

  /** Moves rows [from, bottom] down by n, blank rows entering at `from`. */
  #shiftDown(from: number, n: number): void {
    const rows = this.#active.rows;
    const bottom = this.#bottom;
    n = Math.min(n, bottom - from + 1);
    for (let k = 0; k < n; k++) {
      const row = rows.splice(bottom, 1)[0];
      row.clear();
      rows.splice(from, 0, row);
    }
  }

  #insertLines(n: number): void {
    if (this.#y < this.#top || this.#y > this.#bottom) return;
    this.#shiftDown(this.#y, n);
    this.#x = 0;
    this.#pendingWrap = false;
  }

  /** DL: rows below move up; the deleted rows are erased, not scrolled off, so no transcript. */
  #deleteLines(n: number): void {
    if (this.#y < this.#top || this.#y > this.#bottom) return;
    const rows = this.#active.rows;
    n = Math.min(n, this.#bottom - this.#y + 1);
    for (let k = 0; k < n; k++) {
      const row = rows.splice(this.#y, 1)[0];
      row.clear();
      rows.splice(this.#bottom, 0, row);
    }
    this.#x = 0;
    this.#pendingWrap = false;
  }

  #setScrollRegion(top: number, bottom: number): void {
    bottom = Math.min(bottom, this.#rows - 1);
    if (top >= bottom) return;
    this.#top = top;
    this.#bottom = bottom;
    this.#moveToOrigin(0, 0);
  }

  // ---- erasing ----

  #eraseLine(mode: number): void {
    const row = this.#row();
    this.#pendingWrap = false;
    if (mode === 0) {
      row.erase(this.#x, this.#cols);
      row.wrapped = false;
    } else if (mode === 1) {
      row.erase(0, this.#x + 1);
    } else if (mode === 2) {
      row.clear();
    }
  }

  #eraseDisplay(mode: number): void {
    const rows = this.#active.rows;
    this.#pendingWrap = false;
    if (mode === 2 || (mode === 0 && this.#x === 0 && this.#y === 0)) {
      // A full clear (`clear`, Ctrl-L) keeps what was on the main screen in the transcript,
      // as VTE and kitty keep it in their scrollback: the person did see it.
      if (this.#active === this.#main) this.#commitScreen();
      for (const row of rows) row.clear();
    } else if (mode === 0) {
      this.#eraseLine(0);
      for (let y = this.#y + 1; y < this.#rows; y++) rows[y].clear();
    } else if (mode === 1) {
      for (let y = 0; y < this.#y; y++) rows[y].clear();
      this.#eraseLine(1);
    }
    // Mode 3 erases scrollback, which a transcript has already kept.
  }

  #fillWithE(): void {
    for (const row of this.#active.rows) {
      row.clear();
      row.cells.fill(0x45);
      row.extent = this.#cols;
    }
    this.#moveTo(0, 0);
  }

  // ---- modes and screens ----

  #setPrivateMode(mode: number, on: boolean): void {
    switch (mode) {
      case 6: // DECOM
        this.#originMode = on;
        return this.#moveToOrigin(0, 0);
      case 7: // DECAWM
        this.#autowrap = on;
        if (!on) this.#pendingWrap = false;
        return;
      case 47:
        return this.#switchScreen(on, false);
      case 1047:
        if (!on && this.#active !== this.#main) this.#clearAlternate();
        return this.#switchScreen(on, false);
      case 1048:
        return on ? this.#saveCursor() : this.#restoreCursor();
      case 1049:
        if (on && this.#active === this.#main) {
          this.#saveCursor();
          this.#switchScreen(true, true);
        } else if (!on && this.#active !== this.#main) {
          this.#switchScreen(false, false);
          this.#restoreCursor();
        }
        return;
    }
  }

  #switchScreen(alternate: boolean, clear: boolean): void {
    if (alternate) {
      this.#alternate ??= newScreen(this.#cols, this.#rows);
      this.#active = this.#alternate;
      if (clear) this.#clearAlternate();
    } else {
      this.#active = this.#main;
    }
    this.#pendingWrap = false;
  }

  #clearAlternate(): void {
    for (const row of this.#alternate?.rows ?? []) row.clear();
  }

  #softReset(): void {
    this.#insertMode = false;
    this.#originMode = false;
    this.#autowrap = true;
    this.#top = 0;
    this.#bottom = this.#rows - 1;
    this.#main.saved = null;
    if (this.#alternate) this.#alternate.saved = null;
  }

  /** RIS: everything back to power-on; what the main screen showed goes to the transcript. */
  #fullReset(): void {
    this.#commitScreen();
    this.#softReset();
    this.#active = this.#main;
    this.#alternate = null;
    for (const row of this.#main.rows) row.clear();
    this.#tabStops = defaultTabStops(this.#cols);
    this.#lastGraphic = 0;
    this.#moveTo(0, 0);
    this.#parser.reset();
  }

  // ---- transcript ----

  #commitRow(row: Row, continues: boolean): void {
    this.#lines!.push(row.text(!continues), continues, this.#time);
  }

  /** Reports the main screen down to its last row with text, then forgets those rows. */
  #commitScreen(): void {
    const lines = this.#lines;
    if (!lines) return;
    const rows = this.#main.rows;
    let last = rows.length - 1;
    while (last >= 0 && rows[last].isBlank()) last--;
    for (let y = 0; y <= last; y++) {
      const row = rows[y];
      this.#commitRow(row, row.wrapped && y < last);
      row.clear();
    }
    lines.flush();
  }

  /**
   * Makes a screen `rows` tall. Blank rows below `anchor` (the cursor) go first; then rows leave
   * from the top, into the transcript for the main screen. Returns how many left from the top.
   */
  #fitRows(screen: Screen, rows: number, anchor: number): number {
    const list = screen.rows;
    while (list.length > rows && list.length - 1 > anchor && list[list.length - 1].isBlank()) {
      list.pop();
    }
    let removedAbove = 0;
    while (list.length > rows) {
      const row = list.shift()!;
      if (screen === this.#main && this.#lines) this.#commitRow(row, row.wrapped);
      removedAbove++;
    }
    while (list.length < rows) list.push(new Row(list[0]?.cells.length ?? this.#cols));
    return removedAbove;
  }
}

function defaultTabStops(cols: number): Uint8Array {
  const stops = new Uint8Array(cols);
  for (let x = TAB_WIDTH; x < cols; x += TAB_WIDTH) stops[x] = 1;
  return stops;
}
