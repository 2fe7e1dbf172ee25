/**
 * The indexer's terminal between chunks. What survives a restart (or a chunk arriving at
 * another instance) is the screen as text plus the cursor: enough to go on producing the
 * transcript, to show a late live viewer the current screen, and to start a replay mid-way.
 * Colours and the alternate screen are not kept.
 */
import { Terminal } from "../../cast/vt/terminal.ts";

export interface ScreenState {
  cols: number;
  rows: number;
  /** The main screen's lines (wrapped rows joined), top to bottom. */
  lines: string[];
  cursor: { x: number; y: number };
}

export interface IndexState {
  /** The last cast seq this state includes, -1 before any. */
  seq: number;
  /** Absolute time of the last cast event. */
  time: number;
  /** Next transcript line number. */
  lineNo: number;
  /** Cast bytes since the last chunk that stored a seek snapshot. */
  bytesSinceSnapshot: number;
  /** The recording's exit event was seen: the final screen went to the transcript. */
  finished: boolean;
  screen: ScreenState;
}

export function initialState(cols: number, rows: number): IndexState {
  return {
    seq: -1,
    time: 0,
    lineNo: 0,
    bytesSinceSnapshot: 0,
    finished: false,
    screen: { cols, rows, lines: [], cursor: { x: 0, y: 0 } },
  };
}

export function captureScreen(terminal: Terminal): ScreenState {
  return {
    cols: terminal.cols,
    rows: terminal.rows,
    lines: trimTrailingEmpty(terminal.screenLines()),
    cursor: terminal.cursor,
  };
}

function trimTrailingEmpty(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1] === "") end--;
  return lines.slice(0, end);
}

/** Output that paints `screen` on a cleared terminal of its size and puts the cursor back. */
export function paintScreen(screen: ScreenState): string {
  return "\x1b[H\x1b[2J" + screen.lines.join("\r\n") +
    `\x1b[${screen.cursor.y + 1};${screen.cursor.x + 1}H`;
}

/** A terminal showing `screen`, reporting later lines to `onLine`. */
export function restoreTerminal(
  screen: ScreenState,
  onLine: (text: string, time: number) => void,
): Terminal {
  const terminal = new Terminal({ cols: screen.cols, rows: screen.rows, onLine });
  if (screen.lines.length > 0 || screen.cursor.x > 0 || screen.cursor.y > 0) {
    // Painting a fresh screen scrolls nothing, so no line is reported twice.
    terminal.write(
      screen.lines.slice(0, screen.rows).join("\r\n") +
        `\x1b[${screen.cursor.y + 1};${screen.cursor.x + 1}H`,
    );
  }
  return terminal;
}
