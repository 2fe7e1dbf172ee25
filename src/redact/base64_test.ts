import { assert, assertEquals } from "@ddcoterm/assert";
import { base64Input } from "./bench.ts";
import { Gen } from "./gen.ts";
import { wrapB64 } from "./rules/structure.ts";
import { bytesOf, latin1, leakedPiece, runBytewise, runSplit, runWhole } from "./testing.ts";

const g = new Gen(7);

/** Whole, at random cuts and byte by byte: the same output each time. */
function everyMode(input: Uint8Array, cuts = 30): string {
  const whole = runWhole(input).output;
  for (let k = 0; k < cuts; k++) {
    const at = [
      ...new Set(Array.from({ length: 1 + g.int(12) }, () => 1 + g.int(input.length - 1))),
    ];
    assertEquals(runSplit(input, at.sort((a, b) => a - b)).output, whole, `cuts ${at}`);
  }
  assertEquals(runBytewise(input).output, whole, "byte by byte");
  return whole;
}

Deno.test("random base64 output passes untouched, also beyond the held-line cap", () => {
  const input = base64Input(40000, 11);
  assertEquals(everyMode(input, 10), latin1(input));
  const crlf = bytesOf(latin1(input).replaceAll("\n", "\r\n"));
  assertEquals(runWhole(crlf).output, latin1(crlf));
  const { findings } = runWhole(base64Input(400000, 12));
  assertEquals(findings, []);
});

Deno.test("base64 of a file holding a secret is masked line by line", () => {
  const pw = g.password(20);
  const lines = wrapB64(btoa(`APP=web\nexport API_TOKEN=${pw}\nREGION=eu-west-1\n`), 76);
  const text = `$ cat .env | base64\r\n${lines.join("\r\n")}\r\n$ echo done\r\ndone\r\n`;
  const out = everyMode(bytesOf(text));
  for (const l of lines) assertEquals(leakedPiece(out, l), null);
  assert(out.endsWith("\r\n$ echo done\r\ndone\r\n"));
  assertEquals(runWhole(bytesOf(text)).findings.map((f) => f.ruleId), ["base64-wrapped-blob"]);
});

Deno.test("base64 of a long secret file stays masked past the held-line cap", () => {
  const key = `-----BEGIN RSA PRIVATE KEY-----\n${
    wrapB64(g.b64Bytes(1190), 64).join("\n")
  }\n-----END RSA PRIVATE KEY-----\n`;
  const lines = wrapB64(btoa(key + "# padding\n".repeat(1500)), 76);
  assert(lines.length > 200);
  const out = everyMode(bytesOf(lines.join("\n") + "\nok\n"), 5);
  for (const l of lines) assertEquals(leakedPiece(out, l), null);
  assert(out.endsWith("\nok\n"));
});

Deno.test("the tail of a PGP private key block is masked up to its checksum line", () => {
  const body = wrapB64(g.b64Bytes(57 * 4), 64);
  const crc = "=" + g.b64(4);
  const text = `$ tail -6 secret.asc\n${
    body.join("\n")
  }\n${crc}\n-----END PGP PRIVATE KEY BLOCK-----\n`;
  const out = everyMode(bytesOf(text));
  for (const l of body) assertEquals(leakedPiece(out, l), null);
  assert(out.includes("-----END PGP PRIVATE KEY BLOCK-----"));
});

Deno.test("the same base64 followed by a public key END line passes", () => {
  const body = wrapB64(g.b64Bytes(57 * 4), 64);
  const text = `${body.join("\n")}\n=${g.b64(4)}\n-----END PGP PUBLIC KEY BLOCK-----\n`;
  assertEquals(everyMode(bytesOf(text)), text);
});

Deno.test("base64 of a DER private key is masked, of a DER certificate not", () => {
  const key = wrapB64(g.b64Bytes(1200, [0x30, 0x82, 0x04, 0xac, 0x02, 0x01, 0x00]), 76);
  const cert = wrapB64(g.b64Bytes(1200, [0x30, 0x82, 0x04, 0xac, 0x30, 0x82, 0x03]), 76);
  const out = runWhole(bytesOf(`${key.join("\n")}\n\n${cert.join("\n")}\n`)).output;
  for (const l of key) assertEquals(leakedPiece(out, l), null);
  assert(out.endsWith(`\n\n${cert.join("\n")}\n`));
});
