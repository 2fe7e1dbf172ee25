/** Everything ddcoterm itself says goes through here (stderr for messages, stdout for data). */
import { terminalText } from "../record/terminal.ts";

const encoder = new TextEncoder();

export function say(message: string): void {
  Deno.stderr.writeSync(encoder.encode(terminalText(`ddcoterm: ${message}\n`)));
}

export function printOut(text: string): void {
  const bytes = encoder.encode(text.endsWith("\n") ? text : text + "\n");
  let offset = 0;
  while (offset < bytes.length) offset += Deno.stdout.writeSync(bytes.subarray(offset));
}
