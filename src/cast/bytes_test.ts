import { assertEquals } from "@ddcoterm/assert";
import { bytesToCastText, CastTextDecoder, castTextToBytes } from "./bytes.ts";

function roundTrip(bytes: Uint8Array): Uint8Array {
  return castTextToBytes(bytesToCastText(bytes));
}

function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = x >> 16;
  }
  return out;
}

Deno.test("valid UTF-8 decodes to ordinary text", () => {
  const text = "héllo wörld ✓ 😀 \r\n\x1b[31mred\x1b[0m";
  assertEquals(bytesToCastText(new TextEncoder().encode(text)), text);
});

Deno.test("invalid bytes survive a round trip through cast text", () => {
  const samples = [
    Uint8Array.of(0xff, 0xfe, 0x00, 0x80),
    Uint8Array.of(0xc3), // truncated two-byte sequence
    Uint8Array.of(0xe2, 0x9c), // truncated three-byte sequence
    Uint8Array.of(0xed, 0xa0, 0x80), // encoded surrogate
    Uint8Array.of(0xc0, 0xaf), // overlong slash
    Uint8Array.of(0xf4, 0x90, 0x80, 0x80), // above U+10FFFF
    Uint8Array.of(0x41, 0xf0, 0x9f, 0x98, 0x80, 0xf0, 0x9f, 0x41),
  ];
  for (const sample of samples) assertEquals(roundTrip(sample), sample);
  for (let seed = 1; seed < 50; seed++) {
    const bytes = randomBytes(300, seed);
    assertEquals(roundTrip(bytes), bytes);
  }
});

Deno.test("escaped bytes are written to JSON as lone surrogates", () => {
  assertEquals(JSON.stringify(bytesToCastText(Uint8Array.of(0x61, 0xff))), '"a\\udcff"');
});

Deno.test("streaming decoder gives the same text for any split of the input", () => {
  const whole = new Uint8Array([
    ...new TextEncoder().encode("ab✓😀c"),
    0xff,
    ...new TextEncoder().encode("é"),
    0xe2,
    0x9c,
  ]);
  const expected = bytesToCastText(whole);
  for (let cut = 0; cut <= whole.length; cut++) {
    const decoder = new CastTextDecoder();
    const text = decoder.decode(whole.subarray(0, cut)) + decoder.decode(whole.subarray(cut)) +
      decoder.flush();
    assertEquals(text, expected, `split at ${cut}`);
  }
  const decoder = new CastTextDecoder();
  let oneByOne = "";
  for (const b of whole) oneByOne += decoder.decode(Uint8Array.of(b));
  assertEquals(oneByOne + decoder.flush(), expected);
});

Deno.test("streaming decoder round-trips random binary split at random places", () => {
  for (let seed = 1; seed < 30; seed++) {
    const bytes = randomBytes(2000, seed);
    const decoder = new CastTextDecoder();
    let text = "";
    let i = 0;
    while (i < bytes.length) {
      const n = 1 + ((i * 7 + seed) % 13);
      text += decoder.decode(bytes.subarray(i, i + n));
      i += n;
    }
    text += decoder.flush();
    assertEquals(castTextToBytes(text), bytes);
  }
});
