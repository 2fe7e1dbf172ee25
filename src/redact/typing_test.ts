import { assert, assertEquals } from "@ddcoterm/assert";
import { DEFAULT_REDACTION_CONFIG } from "../core/redaction_config.ts";
import { Gen } from "./gen.ts";
import { createRedactor, type Finding, QUIET_MS, WORD_QUIET_MS } from "./mod.ts";
import { bytesOf, latin1, leakedPiece } from "./testing.ts";

const g = new Gen(5);

/** Feeds `text` one byte per read, `gapMs` apart, ticking whenever the deadline has passed. */
function typed(
  text: string,
  gapMs: number,
): { output: string; findings: Finding[]; log: string[] } {
  let now = 0;
  const r = createRedactor(DEFAULT_REDACTION_CONFIG, { clock: () => now });
  const bytes = bytesOf(text);
  let output = "";
  const findings: Finding[] = [];
  const log: string[] = [];
  const take = (res: { output: Uint8Array; findings: Finding[] }) => {
    output += latin1(res.output);
    findings.push(...res.findings);
    if (res.output.length > 0) log.push(output);
  };
  for (let i = 0; i < bytes.length; i++) {
    take(r.push(bytes.subarray(i, i + 1)));
    for (let t = 0; t < gapMs; t += 10) {
      now += 10;
      const d = r.deadline();
      if (d !== null && d <= now) take(r.tick());
    }
  }
  take(r.flush());
  return { output, findings, log };
}

Deno.test("a token typed slowly is never released piece by piece before it is recognised", () => {
  const tok = "ghp_" + g.crcToken();
  const pw = g.password(18);
  for (const gap of [150, 400]) {
    for (
      const text of [
        `$ export GITHUB_TOKEN=${tok}\r\n`,
        `$ echo ${tok} | gh auth login --with-token\r\n`,
        `$ mysql -uroot -p'${pw}' shop\r\n`,
      ]
    ) {
      const { output, findings, log } = typed(text, gap);
      const secret = text.includes(tok) ? tok : pw;
      for (const step of log) assertEquals(leakedPiece(step, secret), null, `${gap}: ${step}`);
      assert(findings.length >= 1, JSON.stringify(findings));
      assertEquals(new Set(findings.map((f) => `${f.ruleId}@${f.offset}`)).size, findings.length);
      assertEquals(output.length, text.length);
    }
  }
});

Deno.test("the words before the one being typed are released within the quiet deadline", () => {
  let now = 0;
  const r = createRedactor(DEFAULT_REDACTION_CONFIG, { clock: () => now });
  assertEquals(r.push(bytesOf("$ git commit -m wip")).output.length, 0);
  now += QUIET_MS;
  assertEquals(latin1(r.tick().output), "$ git commit -m ");
  assertEquals(r.deadline(), WORD_QUIET_MS);
  now = WORD_QUIET_MS - 1;
  assertEquals(r.tick().output.length, 0);
  now = WORD_QUIET_MS;
  assertEquals(latin1(r.tick().output), "wip");
  assertEquals(r.deadline(), null);
});

Deno.test("a prompt ending in a blank is released whole after the quiet deadline", () => {
  let now = 0;
  const r = createRedactor(DEFAULT_REDACTION_CONFIG, { clock: () => now });
  r.push(bytesOf("\x1b[32muser@host\x1b[0m:~$ "));
  now += QUIET_MS;
  assertEquals(latin1(r.tick().output), "\x1b[32muser@host\x1b[0m:~$ ");
});

Deno.test("an over-long last word is not held past the quiet deadline", () => {
  let now = 0;
  const r = createRedactor(DEFAULT_REDACTION_CONFIG, { clock: () => now });
  const word = "a".repeat(300);
  r.push(bytesOf(`x ${word}`));
  now += QUIET_MS;
  assertEquals(latin1(r.tick().output), `x ${word}`);
});

Deno.test("a token typed into a line editor that redraws the line at each key stays masked", () => {
  const tok = "ghp_" + g.crcToken();
  const cmd = `gh auth login --with-token ${tok}`;
  let text = "";
  for (let i = 1; i <= cmd.length; i++) {
    text += `${i > 1 ? "\r" : ""}\x1b[K$ ${cmd.slice(0, i)}`;
  }
  text += "\r\n";
  for (const gap of [150, 400]) {
    const { log } = typed(text, gap);
    for (const step of log) {
      for (let k = 4; k + 8 <= tok.length; k++) {
        assert(!step.includes(tok.slice(k, k + 8)), `${gap}: ${tok.slice(k, k + 8)}`);
      }
    }
  }
});
