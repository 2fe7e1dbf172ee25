/** Helpers shared by the redactor tests: run text through a stream in given pieces. */
import type { RedactionConfig } from "../core/redaction_config.ts";
import { createRedactor, type Finding } from "./mod.ts";

const enc = new TextEncoder();

/** Bytes of a test text; "\x80".."\xff" escapes written with latin1() stay single bytes. */
export function bytesOf(text: string): Uint8Array {
  return enc.encode(text);
}

/** Byte string (one unit per byte) for comparing outputs, lossless for any bytes. */
export function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 4096) {
    s += String.fromCharCode.apply(null, b.subarray(i, i + 4096) as unknown as number[]);
  }
  return s;
}

/** Runs `input` cut at `cuts` (ascending byte positions) through a fresh redactor. */
export function runSplit(
  input: Uint8Array,
  cuts: number[],
  config?: RedactionConfig,
): { output: string; findings: Finding[] } {
  const r = createRedactor(config);
  let output = "";
  const findings: Finding[] = [];
  let prev = 0;
  for (const c of [...cuts, input.length]) {
    const res = r.push(input.subarray(prev, c));
    output += latin1(res.output);
    findings.push(...res.findings);
    prev = c;
  }
  const f = r.flush();
  output += latin1(f.output);
  findings.push(...f.findings);
  return { output, findings };
}

export function runWhole(input: Uint8Array, config?: RedactionConfig) {
  return runSplit(input, [], config);
}

export function runBytewise(input: Uint8Array, config?: RedactionConfig) {
  const cuts: number[] = [];
  for (let i = 1; i < input.length; i++) cuts.push(i);
  return runSplit(input, cuts, config);
}

let pieceCache: { output: string; pieces: Set<string> } | null = null;

/** Every 8-character piece of a long output, kept for the many secrets checked against it. */
function piecesOf(output: string): Set<string> {
  if (pieceCache?.output !== output) {
    const pieces = new Set<string>();
    for (let i = 0; i + 8 <= output.length; i++) pieces.add(output.slice(i, i + 8));
    pieceCache = { output, pieces };
  }
  return pieceCache.pieces;
}

/** The first 8-character piece of `secret` still present in `output`, or null. */
export function leakedPiece(output: string, secret: string): string | null {
  const s = latin1(enc.encode(secret));
  if (s.length < 8) return output.includes(s) ? s : null;
  const pieces = output.length > 65536 ? piecesOf(output) : null;
  for (let i = 0; i + 8 <= s.length; i++) {
    const piece = s.slice(i, i + 8);
    if (pieces ? pieces.has(piece) : output.includes(piece)) return piece;
  }
  return null;
}
