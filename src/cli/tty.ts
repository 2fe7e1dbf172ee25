/**
 * Questions to the person at the terminal, on /dev/tty (never stdout, which may be a pipe):
 * lint confirmations and the break-glass reason. Null when there is no terminal to ask.
 */
const encoder = new TextEncoder();

export function openTerminal(): Deno.FsFile | null {
  try {
    return Deno.openSync("/dev/tty", { read: true, write: true });
  } catch {
    return null;
  }
}

/** Writes `question`, reads one line (without its newline); null when there is no terminal. */
export function askLine(question: string): string | null {
  const tty = openTerminal();
  if (!tty) return null;
  try {
    tty.writeSync(encoder.encode(question));
    const bytes: number[] = [];
    const one = new Uint8Array(1);
    for (;;) {
      const n = tty.readSync(one);
      if (n === null || n === 0) break;
      if (one[0] === 0x0a) break;
      bytes.push(one[0]);
      if (bytes.length > 4096) break;
    }
    return new TextDecoder().decode(new Uint8Array(bytes)).replace(/\r$/, "");
  } finally {
    tty.close();
  }
}

/** CoTerm's lint prompt. True only for y or yes; null when there is no terminal. */
export function confirmLint(message: string): boolean | null {
  const answer = askLine(`Warning from CoTerm: ${message}\nDo you want to continue? (y/n) `);
  if (answer === null) return null;
  return /^(y|yes)$/i.test(answer.trim());
}
