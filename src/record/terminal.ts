/** The user's own terminal: raw mode that is always restored, and blocking full writes. */
import { disableOutputProcessing } from "../pty/pty.ts";

let rawActive = false;
let rawOutputActive = false;

export function stdioIsTerminal(): boolean {
  return Deno.stdin.isTerminal() && Deno.stdout.isTerminal();
}

export function terminalSize(): { cols: number; rows: number } {
  try {
    const { columns, rows } = Deno.consoleSize();
    if (columns > 0 && rows > 0) return { cols: columns, rows };
  } catch {
    // Not a terminal: fall through to the conventional default.
  }
  return { cols: 80, rows: 24 };
}

export function enterRawMode(): void {
  if (rawActive) return;
  Deno.stdin.setRaw(true);
  rawActive = true;
  // An uncaught error must not leave the user's terminal raw.
  globalThis.addEventListener("unload", restoreTerminal);
  globalThis.addEventListener("error", restoreTerminal);
  globalThis.addEventListener("unhandledrejection", restoreTerminal);
}

/**
 * Raw output as well, as `script` does: bytes from the session's pty reach the terminal as they
 * are. Only when stdout is the terminal stdin is, so that restoring stdin restores it too.
 */
export async function enterRawOutput(): Promise<void> {
  if (!rawActive || rawOutputActive || !sameTerminal()) return;
  rawOutputActive = await disableOutputProcessing(1);
}

/** "\n" as the user's terminal needs it now (raw output does not add the carriage return). */
export function terminalText(text: string): string {
  return rawOutputActive ? text.replaceAll(/\r?\n/g, "\r\n") : text;
}

function sameTerminal(): boolean {
  try {
    const device = (fd: number) => Deno.statSync(`/proc/self/fd/${fd}`).rdev;
    return Deno.stdout.isTerminal() && device(0) === device(1);
  } catch {
    return false;
  }
}

export function restoreTerminal(): void {
  if (!rawActive) return;
  rawActive = false;
  rawOutputActive = false;
  try {
    Deno.stdin.setRaw(false);
  } catch {
    // The terminal is gone (hang-up): nothing left to restore.
  }
}

/** Writes everything, waiting when the descriptor is non-blocking and full. */
export function writeAllSync(
  target: { writeSync(p: Uint8Array): number },
  bytes: Uint8Array,
): void {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += target.writeSync(bytes.subarray(offset));
    } catch (error) {
      if (!(error instanceof Deno.errors.WouldBlock)) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}
