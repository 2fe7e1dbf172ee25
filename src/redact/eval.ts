/**
 * Recall and false positives on the generated corpus: `deno run -A src/redact/eval.ts [seeds]`.
 * Every rule's true-positive samples (a secret counts as caught when no 8-character run of it
 * survives) and false-positive samples plus the benign transcripts (which must come out
 * byte-identical), each run whole, cut at random byte positions and byte by byte.
 */
import { benignTranscripts } from "./benign.ts";
import { Gen } from "./gen.ts";
import { BUILTIN_RULES } from "./rules/mod.ts";
import { bytesOf, latin1, leakedPiece, runBytewise, runSplit, runWhole } from "./testing.ts";

type Mode = "whole" | "random cuts" | "byte by byte";
const MODES: Mode[] = ["whole", "random cuts", "byte by byte"];

function run(mode: Mode, input: Uint8Array, g: Gen): string {
  if (mode === "whole") return runWhole(input).output;
  if (mode === "byte by byte") return runBytewise(input).output;
  const cuts = new Set<number>();
  const n = Math.min(input.length - 1, 1 + g.int(8));
  for (let i = 0; i < n; i++) cuts.add(1 + g.int(input.length - 1));
  return runSplit(input, [...cuts].sort((a, b) => a - b)).output;
}

export interface EvalResult {
  secrets: number;
  caught: Record<Mode, number>;
  missed: string[];
  benign: number;
  changed: Record<Mode, number>;
  falsePositives: string[];
}

export function evaluate(seeds: number): EvalResult {
  const res: EvalResult = {
    secrets: 0,
    caught: { "whole": 0, "random cuts": 0, "byte by byte": 0 },
    missed: [],
    benign: 0,
    changed: { "whole": 0, "random cuts": 0, "byte by byte": 0 },
    falsePositives: [],
  };
  for (let seed = 1; seed <= seeds; seed++) {
    const g = new Gen(seed * 104729);
    const benign: [string, string][] = Object.entries(benignTranscripts(g));
    for (const rule of BUILTIN_RULES) {
      const s = rule.samples(g);
      for (const tp of s.tp) {
        const input = bytesOf(tp.text);
        for (const secret of tp.secrets) {
          res.secrets++;
          // Pieces that also occur outside the secret (a URL's "https://") are not leaks.
          const outside = tp.text.split(secret).join("\u0000");
          for (const mode of MODES) {
            const piece = leakedPiece(run(mode, input, g), secret);
            if (piece === null || outside.includes(piece)) res.caught[mode]++;
            else res.missed.push(`${rule.id} (${mode}): ${JSON.stringify(tp.text.slice(0, 80))}`);
          }
        }
      }
      for (const fp of s.fp) benign.push([`${rule.id} fp`, fp]);
    }
    for (const [name, text] of benign) {
      res.benign++;
      const input = bytesOf(text);
      for (const mode of MODES) {
        if (run(mode, input, g) !== latin1(input)) {
          res.changed[mode]++;
          res.falsePositives.push(`${name} (${mode})`);
        }
      }
    }
  }
  return res;
}

if (import.meta.main) {
  const r = evaluate(Number(Deno.args[0] ?? 3));
  for (const mode of MODES) {
    console.log(
      `${mode.padEnd(13)} recall ${
        (100 * r.caught[mode] / r.secrets).toFixed(2)
      }% of ${r.secrets}` +
        `  false positives ${(100 * r.changed[mode] / r.benign).toFixed(2)}% of ${r.benign}`,
    );
  }
  for (const m of [...new Set(r.missed)].slice(0, 20)) console.log("missed:", m);
  for (const f of [...new Set(r.falsePositives)].slice(0, 20)) console.log("changed:", f);
}
