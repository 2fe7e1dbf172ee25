/**
 * Start-up profiling: with DDCOTERM_TRACE_STARTUP=1, `mark(name)` prints the ms since the
 * process started on stderr; with DDCOTERM_TRACE_STARTUP=/some/file, appends them there (for
 * runs whose stderr is a terminal nobody reads). Off, it costs one boolean test.
 */
const target = (() => {
  try {
    return Deno.env.get("DDCOTERM_TRACE_STARTUP") ?? "";
  } catch {
    return "";
  }
})();
const enabled = target !== "" && target !== "0";
const encoder = new TextEncoder();

export function mark(name: string): void {
  if (!enabled) return;
  const line = encoder.encode(`startup ${performance.now().toFixed(2)} ms: ${name}\n`);
  if (target === "1") Deno.stderr.writeSync(line);
  else Deno.writeFileSync(target, line, { append: true });
}
