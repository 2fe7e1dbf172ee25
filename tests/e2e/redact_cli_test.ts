import { assert, assertEquals, assertMatch, assertStringIncludes } from "@ddcoterm/assert";
import { ddcotermArgv, runCommand, tempHome } from "../lib/run.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function randomAlnum(n: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

/** A synthetic Stripe-style live key: a recognisable prefix and random body. */
function syntheticSecret(): string {
  return ["sk", "live", randomAlnum(24)].join("_");
}

Deno.test("redact --jsonl gives the same answer whole, split and byte by byte", async () => {
  const home = tempHome();
  try {
    const secret = syntheticSecret();
    const text = encoder.encode(`stripe key: ${secret}\nok\n`);
    const whole = [text.toBase64()];
    const split = [text.subarray(0, 20).toBase64(), text.subarray(20).toBase64()];
    const bytewise = Array.from(text, (b) => Uint8Array.of(b).toBase64());
    const requests = [whole, split, bytewise]
      .map((chunks, i) => JSON.stringify({ id: `r${i}`, chunks_b64: chunks })).join("\n") + "\n";
    const result = await runCommand(ddcotermArgv("redact", "--jsonl"), {
      env: home.env,
      stdin: requests,
    });
    assertEquals(result.code, 0, result.stderr);
    const answers = decoder.decode(result.stdout).trim().split("\n").map((l) => JSON.parse(l));
    assertEquals(answers.map((a) => a.id), ["r0", "r1", "r2"]);
    const outputs = answers.map((a) => decoder.decode(Uint8Array.fromBase64(a.output_b64)));
    assertEquals(new Set(outputs).size, 1, "every delivery mode gives the same output");
    assert(!outputs[0].includes(secret.slice(8)), "the secret is masked");
    assertStringIncludes(outputs[0], "ok\n");
  } finally {
    home.cleanup();
  }
});

Deno.test("redact as a filter answers before its input ends", async () => {
  const home = tempHome();
  const [cmd, ...args] = ddcotermArgv("redact");
  const child = new Deno.Command(cmd, {
    args,
    env: home.env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  try {
    const writer = child.stdin.getWriter();
    const reader = child.stdout.getReader();
    await writer.write(encoder.encode("first line, nothing secret\n"));
    const { value } = await reader.read();
    assertEquals(decoder.decode(value), "first line, nothing secret\n");
    const secret = syntheticSecret();
    await writer.write(encoder.encode(`token ${secret}\n`));
    await writer.close();
    let rest = "";
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      rest += decoder.decode(next.value);
    }
    assert(!rest.includes(secret.slice(8)), `secret leaked: ${rest}`);
    assertMatch(rest, /^token sk_live\*+\n$/);
    assertEquals((await child.status).code, 0);
  } finally {
    home.cleanup();
  }
});

Deno.test("redact --explain names rule and offsets but never the secret", async () => {
  const home = tempHome();
  try {
    const secret = syntheticSecret();
    const result = await runCommand(ddcotermArgv("redact", "--explain", "--json"), {
      env: home.env,
      stdin: `abc ${secret}\n`,
    });
    assertEquals(result.code, 0, result.stderr);
    const out = decoder.decode(result.stdout);
    assert(!out.includes(secret.slice(8)));
    const findings = JSON.parse(out);
    assertEquals(findings.length, 1);
    assertEquals(findings[0].offset, 4);
    assertEquals(findings[0].length, secret.length);
  } finally {
    home.cleanup();
  }
});

Deno.test("redact --list-rules lists at least 120 credential types with ids", async () => {
  const home = tempHome();
  try {
    const result = await runCommand(ddcotermArgv("redact", "--list-rules", "--json"), {
      env: home.env,
    });
    const rules = JSON.parse(decoder.decode(result.stdout));
    assert(rules.length >= 120, `${rules.length} rules`);
    assertEquals(new Set(rules.map((r: { id: string }) => r.id)).size, rules.length);
  } finally {
    home.cleanup();
  }
});
