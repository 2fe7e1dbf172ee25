import { assertEquals } from "@ddcoterm/assert";
import { benignTranscripts } from "./benign.ts";
import { Gen } from "./gen.ts";
import { BUILTIN_RULES } from "./rules/mod.ts";
import { bytesOf, latin1, leakedPiece, runBytewise, runSplit, runWhole } from "./testing.ts";

for (const seed of [1, 2, 3]) {
  for (const [name, text] of Object.entries(benignTranscripts(new Gen(seed)))) {
    Deno.test(`benign ${name} output (seed ${seed}) comes out byte-identical in every delivery mode`, () => {
      const input = bytesOf(text);
      const expected = latin1(input);
      const whole = runWhole(input);
      assertEquals(whole.output, expected);
      assertEquals(whole.findings, []);
      assertEquals(runBytewise(input).output, expected);
      const g = new Gen(seed * 31);
      for (let k = 0; k < 10; k++) {
        const cuts = [...new Set(Array.from({ length: 8 }, () => 1 + g.int(input.length - 1)))];
        assertEquals(runSplit(input, cuts.sort((a, b) => a - b)).output, expected);
      }
    });
  }
}

Deno.test("all rule samples in one stream are masked whole, at random cuts and byte by byte", () => {
  const g = new Gen(99);
  let text = "";
  const secrets: string[] = [];
  const benign = Object.values(benignTranscripts(g));
  for (const rule of BUILTIN_RULES) {
    const s = rule.samples(g);
    for (const tp of s.tp) {
      text += tp.text.endsWith("\n") ? tp.text : tp.text + "\r\n";
      secrets.push(...tp.secrets);
    }
    text += g.pick(benign);
  }
  const input = bytesOf(text);
  const whole = runWhole(input);
  for (const s of secrets) {
    // Pieces that also occur outside the secret (e.g. "https://") are not leaks.
    const elsewhere = text.split(s).join("\u0000");
    const piece = leakedPiece(whole.output, s);
    if (piece !== null) assertEquals(elsewhere.includes(piece), true, `${s}: ${piece}`);
  }
  const cuts = [...new Set(Array.from({ length: 400 }, () => 1 + g.int(input.length - 1)))];
  assertEquals(runSplit(input, cuts.sort((a, b) => a - b)).output, whole.output);
  assertEquals(runBytewise(input).output, whole.output);
});
