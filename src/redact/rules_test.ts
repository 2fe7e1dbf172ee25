import { assert, assertEquals } from "@ddcoterm/assert";
import { Gen } from "./gen.ts";
import { listRules } from "./mod.ts";
import { BUILTIN_RULES } from "./rules/mod.ts";
import { bytesOf, latin1, leakedPiece, runBytewise, runSplit, runWhole } from "./testing.ts";

Deno.test("rule library has at least 120 rules with unique ids and descriptions", () => {
  const rules = listRules();
  assert(rules.length >= 120, `only ${rules.length} rules`);
  const ids = new Set(rules.map((r) => r.id));
  assertEquals(ids.size, rules.length);
  for (const r of rules) {
    assert(/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(r.id), `bad id ${r.id}`);
    assert(r.description.length > 0, `${r.id} has no description`);
  }
});

Deno.test("every rule ships true-positive and false-positive samples", () => {
  for (const rule of BUILTIN_RULES) {
    const s = rule.samples(new Gen(1));
    assert(s.tp.length > 0, `${rule.id}: no true positives`);
    assert(s.fp.length > 0, `${rule.id}: no false positives`);
    for (const tp of s.tp) assert(tp.secrets.length > 0, `${rule.id}: sample without secret`);
  }
});

for (const rule of BUILTIN_RULES) {
  Deno.test(`rule ${rule.id} masks its samples whole, split at every byte and byte by byte`, () => {
    for (const seed of [1, 2]) {
      const samples = rule.samples(new Gen(seed * 7919));
      for (const tp of samples.tp) {
        const input = bytesOf(tp.text);
        const whole = runWhole(input);
        for (const secret of tp.secrets) {
          const leak = leakedPiece(whole.output, secret);
          assertEquals(
            leak,
            null,
            `${rule.id}: leaked ${leak} of ${secret} in ${JSON.stringify(whole.output)}`,
          );
        }
        assert(
          whole.findings.some((f) => f.ruleId === rule.id),
          `${rule.id}: found ${JSON.stringify(whole.findings)} in ${JSON.stringify(tp.text)}`,
        );
        assertEquals(whole.output.length <= input.length, true);
        if (seed === 1) {
          for (let cut = 1; cut < input.length; cut++) {
            assertEquals(
              runSplit(input, [cut]).output,
              whole.output,
              `${rule.id}: split at ${cut}`,
            );
          }
          assertEquals(runBytewise(input).output, whole.output, `${rule.id}: byte by byte`);
        }
      }
      for (const fp of samples.fp) {
        const input = bytesOf(fp);
        const expected = latin1(input);
        assertEquals(runWhole(input).output, expected, `${rule.id}: false positive`);
        if (seed === 1) {
          assertEquals(runBytewise(input).output, expected, `${rule.id}: false positive bytewise`);
        }
      }
    }
  });
}
