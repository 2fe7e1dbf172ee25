/**
 * Start-up profiling: with DDCOTERM_TRACE_STARTUP=1, `mark(name)` prints the ms since the
 * process started on stderr. Off, it costs one boolean test.
 */
const enabled = (() => {
  try {
    return Deno.env.get("DDCOTERM_TRACE_STARTUP") === "1";
  } catch {
    return false;
  }
})();
const encoder = new TextEncoder();

export function mark(name: string): void {
  if (!enabled) return;
  Deno.stderr.writeSync(encoder.encode(`startup ${performance.now().toFixed(2)} ms: ${name}\n`));
}
