/**
 * Redactor throughput: `deno run -A src/redact/bench.ts [MB]`. Prints MB/s on one core for
 * mixed terminal output, plain ls -l, random base64 (as `head -c N /dev/urandom | base64`
 * prints it) and a keyword-dense transcript, each pushed in 64 KiB reads.
 */
import { benchInput } from "./bench_input.ts";
import { benignTranscripts } from "./benign.ts";
import { Gen } from "./gen.ts";
import { createRedactor } from "./mod.ts";
import { BUILTIN_RULES } from "./rules/mod.ts";

const CHUNK = 65536;
const enc = new TextEncoder();

/** `ls -l` lines, no escapes. */
export function lsInput(bytes: number, seed = 2): Uint8Array {
  const g = new Gen(seed);
  const parts: string[] = [];
  let total = 0;
  while (total < bytes) {
    const s = `-rw-r--r--  1 dev  staff  ${g.int(999999)} Jan ${1 + g.int(28)} 1${g.int(9)}:${
      10 + g.int(49)
    } ${g.str("abcdefghijklmnopqrstuvwxyz_", 4 + g.int(12))}.${g.pick(["ts", "go", "md"])}\n`;
    parts.push(s);
    total += s.length;
  }
  return enc.encode(parts.join(""));
}

/** Random bytes base64-encoded and wrapped at 76 columns, like coreutils base64. */
export function base64Input(bytes: number, seed = 3): Uint8Array {
  const g = new Gen(seed);
  const raw = new Uint8Array(Math.floor((bytes * 3) / 4 / 57) * 57);
  for (let i = 0; i < raw.length; i += 4) {
    const v = (g.next() * 4294967296) >>> 0;
    raw[i] = v;
    raw[i + 1] = v >>> 8;
    raw[i + 2] = v >>> 16;
    raw[i + 3] = v >>> 24;
  }
  const parts: string[] = [];
  for (let i = 0; i < raw.length; i += 57) {
    parts.push(
      btoa(String.fromCharCode.apply(null, raw.subarray(i, i + 57) as unknown as number[])),
    );
  }
  return enc.encode(parts.join("\n") + "\n");
}

/** Benign transcripts and rule samples (secrets included) back to back: the slow path. */
export function keywordDenseInput(bytes: number, seed = 4): Uint8Array {
  const g = new Gen(seed);
  const parts: string[] = [];
  let total = 0;
  while (total < bytes) {
    for (const t of Object.values(benignTranscripts(g))) {
      parts.push(t);
      total += t.length;
    }
    for (const r of BUILTIN_RULES) {
      for (const tp of r.samples(g).tp) {
        const t = tp.text.endsWith("\n") ? tp.text : tp.text + "\r\n";
        parts.push(t);
        total += t.length;
      }
    }
  }
  return enc.encode(parts.join(""));
}

/** Best of `rounds` runs: MB/s, findings and whether the output equals the input. */
export function measure(
  input: Uint8Array,
  rounds = 5,
): { mbps: number; findings: number; identical: boolean } {
  let best = Infinity;
  let findings = 0;
  let identical = true;
  for (let k = 0; k < rounds; k++) {
    const r = createRedactor();
    const outs: Uint8Array[] = [];
    findings = 0;
    const t0 = performance.now();
    for (let i = 0; i < input.length; i += CHUNK) {
      const res = r.push(input.subarray(i, i + CHUNK));
      findings += res.findings.length;
      outs.push(res.output);
    }
    const f = r.flush();
    best = Math.min(best, performance.now() - t0);
    findings += f.findings.length;
    outs.push(f.output);
    identical = sameBytes(input, outs);
  }
  return { mbps: input.length / 1e6 / (best / 1000), findings, identical };
}

function sameBytes(input: Uint8Array, outs: Uint8Array[]): boolean {
  let at = 0;
  for (const o of outs) {
    if (at + o.length > input.length) return false;
    for (let i = 0; i < o.length; i++) if (input[at + i] !== o[i]) return false;
    at += o.length;
  }
  return at === input.length;
}

if (import.meta.main) {
  const mb = Number(Deno.args[0] ?? 20);
  const size = mb * 1e6;
  const inputs: [string, Uint8Array][] = [
    ["mixed (bench_input.ts)", benchInput(size)],
    ["plain ls -l", lsInput(size)],
    ["random base64, 76 columns", base64Input(size)],
    ["keyword-dense transcript", keywordDenseInput(size / 4)],
  ];
  for (const [name, input] of inputs) {
    const m = measure(input);
    console.log(
      `${name.padEnd(28)} ${(input.length / 1e6).toFixed(1).padStart(6)} MB  ${
        m.mbps.toFixed(0).padStart(5)
      } MB/s  findings ${m.findings}${m.identical ? "  (unchanged)" : ""}`,
    );
  }
}
