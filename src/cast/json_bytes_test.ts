import { assertEquals } from "@ddcoterm/assert";
import { bytesToCastText } from "./bytes.ts";
import { CastJsonEncoder } from "./json_bytes.ts";

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

function viaStrings(bytes: Uint8Array): string {
  return JSON.stringify(bytesToCastText(bytes)).slice(1, -1);
}

function viaEncoder(bytes: Uint8Array, cuts: number[]): string {
  const encoder = new CastJsonEncoder();
  let out = "";
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    out += decoder.decode(encoder.encode(bytes.subarray(from, cut)));
    from = cut;
  }
  return out + decoder.decode(encoder.flush());
}

function random(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    // Mostly text, some controls, some high bytes: the mix a terminal sees.
    const r = (x >> 16) % 100;
    out[i] = r < 70 ? 0x20 + (x % 95) : r < 80 ? x % 0x20 : 0x80 + (x % 0x80);
  }
  return out;
}

Deno.test("bytes escape to exactly what JSON.stringify writes for the decoded text", () => {
  const samples = [
    new TextEncoder().encode('plain "quoted" back\\slash\r\n\ttab \x1b[31mred\x1b[0m ✓ 😀 日本'),
    Uint8Array.of(0x00, 0x01, 0x08, 0x0c, 0x1f, 0x7f, 0xff, 0xfe, 0xc3, 0x28),
    Uint8Array.of(0xe2, 0x9c), // cut at the end: escaped at flush
    Uint8Array.of(0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xe0, 0x80, 0xaf),
  ];
  for (const sample of samples) assertEquals(viaEncoder(sample, []), viaStrings(sample));
});

Deno.test("any split of the input gives the same escaped output", () => {
  for (let seed = 1; seed <= 40; seed++) {
    const bytes = random(500, seed);
    const expected = viaStrings(bytes);
    const cuts: number[] = [];
    for (let c = (seed * 7) % 13; c < bytes.length; c += 1 + ((c * seed) % 17)) cuts.push(c);
    assertEquals(viaEncoder(bytes, cuts), expected, `seed ${seed}`);
  }
  const bytes = random(300, 99);
  const everyByte = Array.from({ length: bytes.length }, (_, i) => i);
  assertEquals(viaEncoder(bytes, everyByte), viaStrings(bytes));
});

Deno.test("valid UTF-8 (the native path) escapes the same, split anywhere, byte order mark kept", () => {
  const text = '\ufeff✓ "done" 😀\u2028日本\x1b[1m\\\x7f\r\n'.repeat(3);
  const bytes = new TextEncoder().encode(text);
  const expected = JSON.stringify(text).slice(1, -1);
  assertEquals(viaStrings(bytes), expected);
  assertEquals(viaEncoder(bytes, []), expected);
  for (let cut = 0; cut <= bytes.length; cut++) {
    assertEquals(viaEncoder(bytes, [cut]), expected, `cut at ${cut}`);
  }
  const everyByte = Array.from({ length: bytes.length }, (_, i) => i);
  assertEquals(viaEncoder(bytes, everyByte), expected);
});

Deno.test("a valid chunk then one that starts mid-character mixes both paths correctly", () => {
  const bytes = Uint8Array.of(0x61, 0xe2, 0x9c, 0x93, 0x9c, 0x62, 0xf0, 0x9f, 0x98);
  for (let cut = 0; cut <= bytes.length; cut++) {
    assertEquals(viaEncoder(bytes, [cut]), viaStrings(bytes), `cut at ${cut}`);
  }
});

Deno.test("a large valid chunk escapes the same across the native path's slices", () => {
  // Multi-byte characters land on every slice boundary's neighbourhood at some offset.
  const unit = 'ab✓"😀\\\r\n日';
  for (let shift = 0; shift < 5; shift++) {
    const text = "x".repeat(shift) + unit.repeat(9000);
    const bytes = new TextEncoder().encode(text);
    const expected = JSON.stringify(text).slice(1, -1);
    assertEquals(viaEncoder(bytes, []), expected, `shift ${shift}`);
    assertEquals(viaEncoder(bytes, [40000, 70001]), expected, `shift ${shift}, cut`);
  }
});
