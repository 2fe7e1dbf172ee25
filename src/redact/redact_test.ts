import { assert, assertEquals, assertMatch, assertThrows } from "@ddcoterm/assert";
import { DEFAULT_REDACTION_CONFIG, type RedactionConfig } from "../core/redaction_config.ts";
import { Gen } from "./gen.ts";
import { createRedactor, MAX_LINE, QUIET_MS, RedactionConfigError, redactString } from "./mod.ts";
import { bytesOf, latin1, leakedPiece, runBytewise, runSplit, runWhole } from "./testing.ts";

const g = new Gen(42);
const ghp = () => "ghp_" + g.crcToken();

function config(patch: Partial<RedactionConfig>): RedactionConfig {
  return { ...DEFAULT_REDACTION_CONFIG, ...patch };
}

Deno.test("redactor masks a token split across two reads", () => {
  const tok = ghp();
  const input = bytesOf(`$ echo ${tok}\r\n`);
  for (let cut = 1; cut < input.length; cut++) {
    const { output, findings } = runSplit(input, [cut]);
    assertEquals(output, `$ echo ghp_${"*".repeat(36)}\r\n`);
    assertEquals(findings, [{ ruleId: "github-pat", offset: 7, length: 40 }]);
  }
});

Deno.test("redactor masks a secret typed one byte per read", () => {
  const pw = g.password(16);
  const input = bytesOf(`$ export DB_PASSWORD='${pw}'\r\n`);
  const { output } = runBytewise(input);
  assertEquals(leakedPiece(output, pw), null);
  assertEquals(output, runWhole(input).output);
});

Deno.test("redactor sees through colour and erase sequences and keeps them", () => {
  const tok = ghp();
  const text = `src/a.ts:3:\x1b[01;31m\x1b[K${tok.slice(0, 10)}\x1b[m\x1b[K\x1b[32m${
    tok.slice(10)
  }\x1b[0m\n`;
  const { output } = runWhole(bytesOf(text));
  assertEquals(leakedPiece(output, tok), null);
  assertEquals(
    output.replace(/\*/g, ""),
    text.replace(tok.slice(4, 10), "").replace(tok.slice(10), ""),
  );
  assertEquals(output.length, text.length);
});

Deno.test("redactor passes benign bytes unchanged: CR, escapes, invalid and partial UTF-8", () => {
  const input = new Uint8Array([
    ...bytesOf("progress 10%\r progress 99%\r\n\x1b[?1049h\x1b]0;title\x07 héllo 日本\n"),
    0xff,
    0xc3,
    0x28,
    0x0a,
    0xe6,
    0x97,
  ]);
  const expected = latin1(input);
  assertEquals(runWhole(input).output, expected);
  assertEquals(runBytewise(input).output, expected);
});

Deno.test("redactor releases held bytes after the quiet deadline", () => {
  let now = 1000;
  const r = createRedactor(DEFAULT_REDACTION_CONFIG, { clock: () => now });
  assertEquals(r.deadline(), null);
  const a = r.push(bytesOf("user@host:~$ "));
  assertEquals(a.output.length, 0);
  assertEquals(r.deadline(), 1000 + QUIET_MS);
  now += QUIET_MS - 1;
  assertEquals(r.tick().output.length, 0);
  now += 1;
  assertEquals(latin1(r.tick().output), "user@host:~$ ");
  assertEquals(r.deadline(), null);
  assertEquals(latin1(r.push(bytesOf("ls\r\n")).output), "ls\r\n");
});

Deno.test("redactor still masks the rest of a secret after an early release", () => {
  let now = 0;
  const r = createRedactor(DEFAULT_REDACTION_CONFIG, { clock: () => now });
  const tok = ghp();
  let out = latin1(r.push(bytesOf(`$ echo ${tok.slice(0, 20)}`)).output);
  now += QUIET_MS;
  out += latin1(r.tick().output);
  out += latin1(r.push(bytesOf(`${tok.slice(20)}\r\n`)).output);
  out += latin1(r.flush().output);
  assert(!out.includes(tok.slice(20)), out);
});

Deno.test("redactor bounds what it holds on a line without end", () => {
  const r = createRedactor();
  const chunk = bytesOf("word ".repeat(1000));
  let released = 0;
  for (let i = 0; i < 10; i++) released += r.push(chunk).output.length;
  assert(10 * chunk.length - released <= MAX_LINE, `held ${10 * chunk.length - released}`);
});

Deno.test("redactor passes lines without keywords on at once", () => {
  const r = createRedactor();
  assertEquals(
    latin1(r.push(bytesOf("total 8\r\ndrwxr-xr-x 2 u u 4096 a\r\n")).output),
    "total 8\r\ndrwxr-xr-x 2 u u 4096 a\r\n",
  );
});

Deno.test("redactor masks pasted text inside bracketed paste markers", () => {
  const tok = "sk_live_" + g.alnum(40);
  const { output } = runWhole(bytesOf(`\x1b[200~export STRIPE_KEY=${tok}\x1b[201~\r`));
  assertEquals(leakedPiece(output, tok), null);
  assert(output.startsWith("\x1b[200~export STRIPE_KEY=sk_live"));
  assert(output.endsWith("\x1b[201~\r"));
});

Deno.test("masks keep the display width of wide and multi-byte characters", () => {
  const pw = "pässwörd日本語X9";
  const text = `PASSWORD="${pw}"\n`;
  const out = new TextDecoder().decode(
    new Uint8Array([...runWhole(bytesOf(text)).output].map((c) => c.charCodeAt(0))),
  );
  assertEquals(out, `PASSWORD="${"*".repeat(8 + 6 + 2)}"\n`);
});

Deno.test("redactor joins lines continued with a backslash", () => {
  const tok = g.alnum(20);
  const rest = g.alnum(20);
  const text = `$ export API_TOKEN=${tok}\\\r\n> ${rest}\r\n`;
  for (const run of [runWhole, runBytewise]) {
    const { output } = run(bytesOf(text));
    assertEquals(leakedPiece(output, tok), null);
    assertEquals(leakedPiece(output, rest), null);
  }
});

Deno.test("findings carry stream offsets and never the secret", () => {
  const tok = ghp();
  const prefix = "line one\nline two\n";
  const { findings } = runBytewise(bytesOf(`${prefix}token ${tok}\n`));
  assertEquals(findings, [{ ruleId: "github-pat", offset: prefix.length + 6, length: 40 }]);
  assert(!JSON.stringify(findings).includes(tok.slice(4)));
});

Deno.test("redaction can be disabled entirely or per rule", () => {
  const tok = ghp();
  const off = runWhole(bytesOf(`x ${tok}\n`), config({ enabled: false }));
  assertEquals(off.output, `x ${tok}\n`);
  const noGh = runWhole(bytesOf(`x ${tok}\n`), config({ disable: ["github-pat"] }));
  assertEquals(noGh.output, `x ${tok}\n`);
});

Deno.test("custom rules, keywords and secret groups are honoured", () => {
  const cfg = config({
    rules: [{ id: "acme-key", regex: "acme_([a-z0-9]{12})", keywords: ["acme"], secretGroup: 1 }],
  });
  const { output, findings } = runBytewise(bytesOf("key acme_abc123def456 end\n"), cfg);
  assertEquals(output, "key acme_************ end\n");
  assertEquals(findings, [{ ruleId: "acme-key", offset: 9, length: 12 }]);
});

Deno.test("allow patterns exempt matching secrets", () => {
  const tok = ghp();
  const { output } = runWhole(bytesOf(`x ${tok}\n`), config({ allow: [`^${tok}$`] }));
  assertEquals(output, `x ${tok}\n`);
});

Deno.test("a custom rule that does not compile is a clear error naming it", () => {
  assertThrows(
    () => createRedactor(config({ rules: [{ id: "broken", regex: "([a-z" }] })),
    RedactionConfigError,
  );
  try {
    createRedactor(config({ rules: [{ id: "broken", regex: "([a-z" }] }));
  } catch (e) {
    assertMatch((e as Error).message, /^Custom redaction rule "broken": regex .* does not compile/);
    assert(!(e as Error).message.includes("\n"));
  }
});

Deno.test("a custom rule that matches the empty string is rejected", () => {
  for (const regex of ["x*", "\\b", "(?:)"]) {
    try {
      createRedactor(config({ rules: [{ id: "empty", regex }] }));
      assert(false, `${regex} accepted`);
    } catch (e) {
      assert(e instanceof RedactionConfigError);
      assertMatch(e.message, /"empty".*matches the empty string/);
    }
  }
});

Deno.test("redactString masks metadata such as command lines", () => {
  const pw = g.password(14);
  assertEquals(
    redactString(`mysql -uroot -p${pw} shop`),
    `mysql -uroot -p${"*".repeat(pw.length)} shop`,
  );
  assertEquals(redactString("vim notes.txt"), "vim notes.txt");
});

Deno.test("output is the same for random splits of a mixed transcript", () => {
  const parts = [
    `$ cat .env\r\nDB_PASSWORD=${g.password(16)}\r\nSTRIPE_KEY=sk_live_${g.alnum(30)}\r\n`,
    `$ head -3 id_rsa\r\n-----BEGIN RSA PRIVATE KEY-----\r\n${g.b64(64)}\r\n${g.b64(64)}\r\n`,
    `$ ls -l\r\ntotal 0\r\n-rw-r--r-- 1 u u 0 a\r\n\x1b[32muser@h\x1b[0m:~$ `,
  ];
  const input = bytesOf(parts.join(""));
  const whole = runWhole(input).output;
  for (let k = 0; k < 40; k++) {
    const cuts = new Set<number>();
    const n = 1 + g.int(20);
    for (let i = 0; i < n; i++) cuts.add(1 + g.int(input.length - 1));
    assertEquals(runSplit(input, [...cuts].sort((a, b) => a - b)).output, whole);
  }
});
