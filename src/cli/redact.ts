import { configPath, loadConfig } from "../config/mod.ts";
import { UserError } from "../core/errors.ts";
import type { RedactionConfig } from "../core/redaction_config.ts";
import { parseArgs } from "./args.ts";
import { printOut } from "./output.ts";
import { concatBytes } from "../core/bytes.ts";

const HELP = `Usage: ddcoterm redact [OPTIONS] [FILE]

Redacts secrets in raw terminal bytes with the same redactor the recorder uses (and the
redaction: settings of config.yaml). Reads FILE or standard input.

Modes:
  (default)        A filter: redacted bytes on standard output while input is still
                   arriving; everything flushed at end of input
  --jsonl          One request per input line, {"id": S, "chunks_b64": [...]}: each chunk
                   goes through a fresh stream in order; answers {"id": S, "output_b64": ...}
  --explain        The findings: byte offset, length and rule id (no secret is printed)
  --list-rules     The built-in rules

Options:
      --json       With --explain or --list-rules: JSON output
  -h, --help       Show this help

Examples:
  kubectl get secret app -o yaml | ddcoterm redact
  ddcoterm redact --explain session.log
  ddcoterm redact --list-rules --json | jq length`;

const encoder = new TextEncoder();

export async function run(args: string[]): Promise<number> {
  const { options, positionals } = parseArgs(args, [
    { name: "help", short: "h", type: "boolean" },
    { name: "jsonl", type: "boolean" },
    { name: "explain", type: "boolean" },
    { name: "list-rules", type: "boolean" },
    { name: "json", type: "boolean" },
  ], { context: "ddcoterm redact" });
  if (options.help) {
    printOut(HELP);
    return 0;
  }
  const modes = ["jsonl", "explain", "list-rules"].filter((m) => options[m]);
  if (modes.length > 1) {
    throw new UserError(`Options ${modes.map((m) => `"--${m}"`).join(" and ")} exclude each other`);
  }
  if (positionals.length > 1) throw new UserError("ddcoterm redact reads at most one FILE");
  const redact = await import("../redact/mod.ts");
  if (options["list-rules"]) {
    const rules = redact.listRules();
    if (options.json) printOut(JSON.stringify(rules, null, 2));
    else printOut(rules.map((r) => `${r.id.padEnd(36)} ${r.description}`).join("\n"));
    return 0;
  }
  const { config } = await loadConfig(configPath(Deno.env.toObject()));
  const input = await openInput(positionals[0]);
  if (options.jsonl) return await jsonl(input, config.redaction, redact.createRedactor);
  if (options.explain) {
    const bytes = new Uint8Array(await new Response(input).arrayBuffer());
    const { findings } = redact.redactBytes(bytes, config.redaction);
    if (options.json) printOut(JSON.stringify(findings, null, 2));
    else if (findings.length === 0) printOut("No secrets found.");
    else {
      printOut(findings.map((f) => `${f.offset}\t${f.length}\t${f.ruleId}`).join("\n"));
    }
    return 0;
  }
  return await filter(input, redact.createRedactor(config.redaction));
}

async function openInput(path: string | undefined): Promise<ReadableStream<Uint8Array>> {
  if (path === undefined || path === "-") return Deno.stdin.readable;
  try {
    return (await Deno.open(path)).readable;
  } catch (error) {
    throw new UserError(`Cannot read "${path}": ${(error as Error).message}`, 1);
  }
}

interface Redactor {
  push(chunk: Uint8Array): { output: Uint8Array };
  flush(): { output: Uint8Array };
  deadline(): number | null;
  tick(): { output: Uint8Array };
}

/** Streams: output as soon as the redactor releases it, held bytes after 100 ms of quiet. */
async function filter(input: ReadableStream<Uint8Array>, redactor: Redactor): Promise<number> {
  const write = (bytes: Uint8Array) => {
    let offset = 0;
    while (offset < bytes.length) offset += Deno.stdout.writeSync(bytes.subarray(offset));
  };
  const timer = setInterval(() => {
    const deadline = redactor.deadline();
    if (deadline !== null && deadline <= Date.now()) write(redactor.tick().output);
  }, 25);
  try {
    for await (const chunk of input) write(redactor.push(chunk).output);
    write(redactor.flush().output);
  } finally {
    clearInterval(timer);
  }
  return 0;
}

/** One JSON request per line; each gets a fresh stream; answers in order. */
async function jsonl(
  input: ReadableStream<Uint8Array>,
  config: RedactionConfig,
  createRedactor: (config: RedactionConfig) => Redactor,
): Promise<number> {
  let lineNumber = 0;
  for await (const line of lines(input)) {
    lineNumber++;
    if (line.trim() === "") continue;
    let request: { id?: unknown; chunks_b64?: unknown };
    try {
      request = JSON.parse(line);
    } catch {
      throw new UserError(`Cannot read request on line ${lineNumber}: not JSON`);
    }
    if (!Array.isArray(request.chunks_b64)) {
      throw new UserError(
        `Cannot read request on line ${lineNumber}: "chunks_b64" must be an array`,
      );
    }
    const redactor = createRedactor(config);
    const parts: Uint8Array[] = [];
    for (const [i, chunk] of request.chunks_b64.entries()) {
      if (typeof chunk !== "string") {
        throw new UserError(
          `Cannot read request on line ${lineNumber}: chunk ${i} is not a string`,
        );
      }
      let bytes: Uint8Array;
      try {
        bytes = Uint8Array.fromBase64(chunk);
      } catch {
        throw new UserError(`Cannot read request on line ${lineNumber}: chunk ${i} is not base64`);
      }
      parts.push(redactor.push(bytes).output);
    }
    parts.push(redactor.flush().output);
    const answer = JSON.stringify({ id: request.id, output_b64: concatBytes(parts).toBase64() });
    Deno.stdout.writeSync(encoder.encode(answer + "\n"));
  }
  return 0;
}

async function* lines(input: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of input) {
    pending += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let newline; (newline = pending.indexOf("\n", start)) !== -1; start = newline + 1) {
      yield pending.slice(start, newline);
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending !== "") yield pending;
}
